"""Review bookkeeping the window reads: how much is left to settle across the project.

``review_counts`` holds, per document, the disagreements of one set of compared annotators
(kept by ``adjudication.count_disagreements`` and ``update_count``); the status bar sums it.
"""

from __future__ import annotations

from sqlalchemy import Connection


def unsettled_total(conn: Connection, annotators_key: str) -> int:
    """Open disagreements over every counted document, for the annotators joined by commas."""
    total = conn.exec_driver_sql(
        "SELECT coalesce(sum(unsettled), 0) FROM review_counts WHERE annotators = ?",
        (annotators_key,),
    ).scalar()
    return int(total or 0)

"""The question agreement asks the store before it reads anyone's work: who finished what.

With tens of annotators over thousands of documents, asking for each document and each
annotator in turn (most of them never saw it) costs one query per pair; this is one query.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from annotator.core.store.content import chunks, marks


def finished_by(conn: Connection, annotators: Sequence[str]) -> dict[int, list[str]]:
    """Per document, which of the named annotators marked it done, in document order;
    documents none of them finished are absent."""
    found: dict[int, list[str]] = {}
    for part in chunks(list(annotators)):
        rows = conn.exec_driver_sql(
            "SELECT a.document_id, n.name FROM annotations AS a "
            "JOIN annotators AS n ON n.id = a.annotator_id "
            f"WHERE a.status = 'done' AND n.name IN ({marks(len(part))})",
            tuple(part),
        ).all()
        for document_id, name in rows:
            found.setdefault(document_id, []).append(name)
    return dict(sorted(found.items()))

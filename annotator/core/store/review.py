"""The storage questions of review: the compared sets, the gold set a reviewer builds, the
decisions that settle each item, the per-document counts the list filters by, and the review
status of a document (kept apart from every annotator's own status).

One function per question, plain SQL with ``?`` parameters, written to run on PostgreSQL as
well as SQLite: ``TRUE``/``FALSE`` for booleans, ``RETURNING id`` for new rows, ``ON
CONFLICT`` for upserts, JSON built in Python. The reviewer's logic lives in
``annotator.core.adjudication``; adopting what K of N agree on, set-based, in
``annotator.core.store.consensus``.

``review_counts`` holds, per document, the disagreements of one set of compared annotators
(kept by ``adjudication.count_disagreements`` and ``update_count``); the status bar sums it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from annotator.core.store.content import chunks, marks

#: Every column of a span, so a span a settlement replaced comes back exactly on undo.
SPAN_COLUMNS = (
    'id, annotation_id, layer, span_group, start, "end", label_id, note, kb_id, attributes, '
    "extra, created_by, origin_span_id, rejected, created_at, adjudicated_by"
)
#: Every column of a topic decision, for the same reason.
TOPIC_COLUMNS = "id, annotation_id, label_id, applies, adjudicated_by, taken_from, score"
#: An item's key in ``review_decisions``: layer, extent and (for a topic) its label.
_ITEM = 'document_id = ? AND layer = ? AND start = ? AND "end" = ? AND label = ?'
#: What a reviewer can say about a whole document (``document_reviews.status``).
REVIEW_STATUSES = ("reviewed", "skipped")


# Who is compared ------------------------------------------------------------------------


def annotator_id(conn: Connection, name: str) -> int:
    """The id of an annotator that exists."""
    return conn.exec_driver_sql("SELECT id FROM annotators WHERE name = ?", (name,)).scalar_one()


def find_annotator(conn: Connection, name: str) -> int | None:
    """The id of an annotator, or None when nobody has that name."""
    return conn.exec_driver_sql("SELECT id FROM annotators WHERE name = ?", (name,)).scalar()


def annotator_name(conn: Connection, annotator: int) -> str:
    return conn.exec_driver_sql(
        "SELECT name FROM annotators WHERE id = ?", (annotator,)
    ).scalar_one()


def people_on_document(conn: Connection, document_id: int, gold: str) -> list[str]:
    """Humans other than gold with a set on the document, by name."""
    return [
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT m.name FROM annotations AS a JOIN annotators AS m ON m.id = a.annotator_id "
            "WHERE a.document_id = ? AND m.kind = 'human' AND m.name != ? ORDER BY m.name",
            (document_id, gold),
        )
    ]


def shared_documents(conn: Connection, names: Sequence[str]) -> list[int]:
    """Documents at least two of the named annotators have a set on."""
    return [
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT a.document_id FROM annotations AS a JOIN annotators AS m "
            f"ON m.id = a.annotator_id WHERE m.name IN ({marks(len(names))}) "
            "GROUP BY a.document_id HAVING count(*) >= 2 ORDER BY a.document_id",
            tuple(names),
        )
    ]


# Decisions ------------------------------------------------------------------------------


def decisions(conn: Connection, document_id: int) -> dict[tuple[str, int, int, str], str]:
    """Every settled item of the document: its key and the choice."""
    rows = conn.exec_driver_sql(
        'SELECT layer, start, "end", label, choice FROM review_decisions WHERE document_id = ?',
        (document_id,),
    )
    return {(r[0], r[1], r[2], r[3]): r[4] for r in rows}


def decision(
    conn: Connection, document_id: int, key: tuple[str, int, int, str]
) -> tuple[str, int] | None:
    """(choice, reviewer id) of one item, if settled."""
    row = conn.exec_driver_sql(
        f"SELECT choice, reviewer_id FROM review_decisions WHERE {_ITEM}", (document_id, *key)
    ).first()
    return None if row is None else (row[0], row[1])


def put_decision(
    conn: Connection,
    document_id: int,
    key: tuple[str, int, int, str],
    choice: str,
    reviewer_id: int,
    at: str,
) -> None:
    """Record how an item was settled, replacing an earlier choice."""
    conn.exec_driver_sql(
        'INSERT INTO review_decisions (document_id, layer, start, "end", label, choice, '
        "reviewer_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        'ON CONFLICT (document_id, layer, start, "end", label) DO UPDATE SET '
        "choice = excluded.choice, reviewer_id = excluded.reviewer_id, at = excluded.at",
        (document_id, *key, choice, reviewer_id, at),
    )


def forget_decision(conn: Connection, document_id: int, key: tuple[str, int, int, str]) -> None:
    conn.exec_driver_sql(f"DELETE FROM review_decisions WHERE {_ITEM}", (document_id, *key))


def forget_decisions(conn: Connection, decision_ids: Sequence[int]) -> None:
    for part in chunks(decision_ids):
        conn.exec_driver_sql(
            f"DELETE FROM review_decisions WHERE id IN ({marks(len(part))})", tuple(part)
        )


# The gold set ---------------------------------------------------------------------------


def set_id(conn: Connection, document_id: int, annotator: int) -> int | None:
    """The annotator's set on the document, if any."""
    return conn.exec_driver_sql(
        "SELECT id FROM annotations WHERE document_id = ? AND annotator_id = ?",
        (document_id, annotator),
    ).scalar()


def add_set(conn: Connection, document_id: int, annotator: int, at: str) -> int:
    """A new set (in progress) of the annotator on the document."""
    return conn.exec_driver_sql(
        "INSERT INTO annotations (document_id, annotator_id, status, active_seconds, partial, "
        "created_at, updated_at) VALUES (?, ?, 'in_progress', 0, FALSE, ?, ?) RETURNING id",
        (document_id, annotator, at, at),
    ).scalar_one()


def set_is_empty(conn: Connection, annotation_id: int) -> bool:
    """Whether the set holds no span and no topic decision."""
    return not conn.exec_driver_sql(
        "SELECT EXISTS (SELECT 1 FROM spans WHERE annotation_id = ?) "
        "OR EXISTS (SELECT 1 FROM topics WHERE annotation_id = ?)",
        (annotation_id, annotation_id),
    ).scalar()


def delete_empty_sets(conn: Connection, annotation_ids: Sequence[int]) -> None:
    """Drop those of the sets that hold nothing (made by a settlement now undone)."""
    for part in chunks(annotation_ids):
        conn.exec_driver_sql(
            f"DELETE FROM annotations WHERE id IN ({marks(len(part))}) "
            "AND NOT EXISTS (SELECT 1 FROM spans WHERE annotation_id = annotations.id) "
            "AND NOT EXISTS (SELECT 1 FROM topics WHERE annotation_id = annotations.id)",
            tuple(part),
        )


def set_status(conn: Connection, annotation_id: int, status: str, at: str) -> tuple[str, str]:
    """Give a set a status at a time; returns the status and time it had (for undo)."""
    previous = conn.exec_driver_sql(
        "SELECT status, updated_at FROM annotations WHERE id = ?", (annotation_id,)
    ).one()
    conn.exec_driver_sql(
        "UPDATE annotations SET status = ?, updated_at = ? WHERE id = ?",
        (status, at, annotation_id),
    )
    return str(previous[0]), str(previous[1])


def spans_over(
    conn: Connection, annotation_id: int, layer: str, start: int, end: int
) -> list[tuple[Any, ...]]:
    """Every column of the set's spans of a layer that overlap start..end."""
    return [
        tuple(row)
        for row in conn.exec_driver_sql(
            f"SELECT {SPAN_COLUMNS} FROM spans WHERE annotation_id = ? AND layer = ? "
            'AND start < ? AND "end" > ?',
            (annotation_id, layer, end, start),
        )
    ]


def restore_spans(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Put spans back as they were (rows of ``SPAN_COLUMNS``, ids included)."""
    if rows:
        conn.exec_driver_sql(
            f"INSERT INTO spans ({SPAN_COLUMNS}) VALUES ({marks(16)})", [tuple(r) for r in rows]
        )


def topic_row(conn: Connection, annotation_id: int, label_id: int) -> tuple[Any, ...] | None:
    """Every column of the set's decision on a topic, if it has one."""
    row = conn.exec_driver_sql(
        f"SELECT {TOPIC_COLUMNS} FROM topics WHERE annotation_id = ? AND label_id = ?",
        (annotation_id, label_id),
    ).first()
    return None if row is None else tuple(row)


def put_gold_topic(
    conn: Connection,
    annotation_id: int,
    label_id: int,
    applies: bool,
    reviewer_id: int,
    taken_from: int | None,
) -> None:
    """The gold set's decision on a topic, with who settled it and whose it was."""
    conn.exec_driver_sql(
        "INSERT INTO topics (annotation_id, label_id, applies, adjudicated_by, taken_from) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (annotation_id, label_id) DO UPDATE SET "
        "applies = excluded.applies, adjudicated_by = excluded.adjudicated_by, "
        "taken_from = excluded.taken_from",
        (annotation_id, label_id, applies, reviewer_id, taken_from),
    )


def delete_topics(conn: Connection, pairs: Sequence[tuple[int, int]]) -> None:
    """Forget the decisions of these (set, topic label) pairs."""
    if pairs:
        conn.exec_driver_sql(
            "DELETE FROM topics WHERE annotation_id = ? AND label_id = ?",
            [tuple(pair) for pair in pairs],
        )


def restore_topics(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Put topic decisions back as they were (rows of ``TOPIC_COLUMNS``)."""
    if rows:
        conn.exec_driver_sql(
            f"INSERT INTO topics ({TOPIC_COLUMNS}) VALUES ({marks(7)})", [tuple(r) for r in rows]
        )


def log(
    conn: Connection,
    action: str,
    reviewer_id: int,
    document_id: int | None,
    details: dict[str, Any],
    at: str,
) -> None:
    """One edit-log row of the reviewer's."""
    conn.exec_driver_sql(
        "INSERT INTO edit_log (at, annotator_id, document_id, action, details) "
        "VALUES (?, ?, ?, ?, ?)",
        (at, reviewer_id, document_id, action, json.dumps(details, ensure_ascii=False)),
    )


# Counts for the document list -----------------------------------------------------------


def replace_counts(conn: Connection, rows: Sequence[tuple[int, str, int, int]]) -> None:
    """(document, annotators joined by commas, disagreements, unsettled) for every document."""
    conn.exec_driver_sql("DELETE FROM review_counts")
    if rows:
        conn.exec_driver_sql(
            "INSERT INTO review_counts (document_id, annotators, disagreements, unsettled) "
            "VALUES (?, ?, ?, ?)",
            list(rows),
        )


def put_count(
    conn: Connection, document_id: int, annotators_key: str, disagreements: int, unsettled: int
) -> None:
    conn.exec_driver_sql(
        "INSERT INTO review_counts (document_id, annotators, disagreements, unsettled) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (document_id) DO UPDATE SET "
        "annotators = excluded.annotators, disagreements = excluded.disagreements, "
        "unsettled = excluded.unsettled",
        (document_id, annotators_key, disagreements, unsettled),
    )


def unsettled_total(conn: Connection, annotators_key: str) -> int:
    """Open disagreements over every counted document, for the annotators joined by commas."""
    total = conn.exec_driver_sql(
        "SELECT coalesce(sum(unsettled), 0) FROM review_counts WHERE annotators = ?",
        (annotators_key,),
    ).scalar()
    return int(total or 0)


# Review status of a document --------------------------------------------------------------


def review_state(conn: Connection, document_id: int) -> tuple[str, int, str] | None:
    """(status, reviewer id, when) of the document's review, if a reviewer marked it."""
    row = conn.exec_driver_sql(
        "SELECT status, reviewer_id, at FROM document_reviews WHERE document_id = ?",
        (document_id,),
    ).first()
    return None if row is None else (row[0], row[1], str(row[2]))


def put_review_state(
    conn: Connection, document_id: int, status: str, reviewer_id: int, at: str
) -> None:
    conn.exec_driver_sql(
        "INSERT INTO document_reviews (document_id, status, reviewer_id, at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (document_id) DO UPDATE SET status = excluded.status, "
        "reviewer_id = excluded.reviewer_id, at = excluded.at",
        (document_id, status, reviewer_id, at),
    )


def forget_review_state(conn: Connection, document_id: int) -> None:
    conn.exec_driver_sql("DELETE FROM document_reviews WHERE document_id = ?", (document_id,))


def review_state_counts(conn: Connection) -> dict[str, int]:
    """How many documents have each review status."""
    return {
        row[0]: row[1]
        for row in conn.exec_driver_sql(
            "SELECT status, count(*) FROM document_reviews GROUP BY status ORDER BY status"
        )
    }

"""Questions about many spans at once, asked by the edits that act on many (undo of a bulk
decision, relabel all): one query per chunk of ids, never one per span."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from annotator.core.store.content import chunks, marks


@dataclass(frozen=True)
class Owners:
    """Whose sets the spans are in, as (annotation id, annotator name), and the ids that no
    longer exist."""

    sets: set[tuple[int, str]]
    missing: list[int]


def entity_clash(
    conn: Connection, annotation_id: int, start: int, end: int, ignore: int | None = None
) -> tuple[int, int, str] | None:
    """(start, end, label) of a live entity of the set over start..end, other than ``ignore``:
    a person's entities may not overlap."""
    row = conn.exec_driver_sql(
        'SELECT s.start, s."end", l.name FROM spans AS s JOIN labels AS l '
        "ON l.id = s.label_id WHERE s.annotation_id = ? AND s.layer = 'entity' "
        'AND s.rejected = 0 AND s.start < ? AND s."end" > ? AND s.id != ?',
        (annotation_id, end, start, -1 if ignore is None else ignore),
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def touch(conn: Connection, annotation_id: int, now: str) -> None:
    """An edit moves a new set to in progress and updates its time."""
    conn.exec_driver_sql(
        "UPDATE annotations SET status = CASE WHEN status = 'new' THEN 'in_progress' "
        "ELSE status END, updated_at = ? WHERE id = ?",
        (now, annotation_id),
    )


def log_edit(
    conn: Connection, now: str, annotator_id: int, document_id: int, action: str, details: str
) -> None:
    conn.exec_driver_sql(
        "INSERT INTO edit_log (at, annotator_id, document_id, action, details) "
        "VALUES (?, ?, ?, ?, ?)",
        (now, annotator_id, document_id, action, details),
    )


def suggestion_source(conn: Connection, span_id: int) -> tuple[str, int, int, int] | None:
    """(layer, start, end, document id) of a model's span; None when it is not one."""
    row = conn.exec_driver_sql(
        'SELECT s.layer, s.start, s."end", a.document_id FROM spans AS s '
        "JOIN annotations AS a ON a.id = s.annotation_id "
        "JOIN annotators AS n ON n.id = a.annotator_id AND n.kind = 'model' WHERE s.id = ?",
        (span_id,),
    ).first()
    return None if row is None else (row[0], row[1], row[2], row[3])


def owners(conn: Connection, span_ids: Sequence[int]) -> Owners:
    sets: set[tuple[int, str]] = set()
    found: set[int] = set()
    for part in chunks(list(span_ids)):
        for span_id, annotation_id, name in conn.exec_driver_sql(
            "SELECT s.id, a.id, n.name FROM spans AS s "
            "JOIN annotations AS a ON a.id = s.annotation_id "
            f"JOIN annotators AS n ON n.id = a.annotator_id WHERE s.id IN ({marks(len(part))})",
            tuple(part),
        ):
            found.add(span_id)
            sets.add((annotation_id, name))
    return Owners(sets, [span_id for span_id in span_ids if span_id not in found])

"""The storage questions of spans: one person's edits of one span, and the edits that act on
many (undo of a bulk decision): one query per chunk of ids, never one per span."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from annotator.core.store.content import chunks, dumps, marks
from annotator.core.store.suggestions import SPAN_COLUMNS


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
        'AND s.rejected = FALSE AND s.start < ? AND s."end" > ? AND s.id != ?',
        (annotation_id, end, start, -1 if ignore is None else ignore),
    ).first()
    return None if row is None else (row[0], row[1], row[2])


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


def owner(conn: Connection, span_id: int) -> tuple[int, int, str, int] | None:
    """(set id, document id, owner's name, owner's id) of a span."""
    row = conn.exec_driver_sql(
        "SELECT a.id, a.document_id, n.name, n.id FROM spans AS s "
        "JOIN annotations AS a ON a.id = s.annotation_id "
        "JOIN annotators AS n ON n.id = a.annotator_id WHERE s.id = ?",
        (span_id,),
    ).first()
    return None if row is None else (row[0], row[1], row[2], row[3])


def for_update(conn: Connection, span_id: int) -> tuple[Any, ...] | None:
    """What changing a span needs: (layer, start, end, label, note, set id, document id,
    owner's name, owner's id, document length)."""
    row = conn.exec_driver_sql(
        'SELECT s.layer, s.start, s."end", l.name, s.note, a.id, a.document_id, '
        "n.name, n.id, d.length FROM spans AS s "
        "JOIN annotations AS a ON a.id = s.annotation_id "
        "JOIN annotators AS n ON n.id = a.annotator_id "
        "JOIN labels AS l ON l.id = s.label_id "
        "JOIN documents AS d ON d.id = a.document_id WHERE s.id = ?",
        (span_id,),
    ).first()
    return None if row is None else tuple(row)


def drop_rejection(
    conn: Connection, annotation_id: int, layer: str, start: int, end: int, label_id: int
) -> None:
    """Forget that the set rejected this very span: the person now says it after all."""
    conn.exec_driver_sql(
        "DELETE FROM spans WHERE annotation_id = ? AND layer = ? AND span_group = '' "
        'AND start = ? AND "end" = ? AND label_id = ? AND rejected = TRUE',
        (annotation_id, layer, start, end, label_id),
    )


def insert(
    conn: Connection,
    annotation_id: int,
    layer: str,
    start: int,
    end: int,
    label_id: int,
    created_by: int,
    now: str,
    *,
    note: str | None = None,
    origin_span_id: int | None = None,
    rejected: bool = False,
    kb_id: str | None = None,
    group: str = "",
    attributes: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    adjudicated_by: int | None = None,
) -> int:
    """Add one span to a set (a reviewer's copy into the gold set names who settled it);
    returns its id."""
    return conn.exec_driver_sql(
        'INSERT INTO spans (annotation_id, layer, start, "end", label_id, note, created_by, '
        "origin_span_id, rejected, kb_id, span_group, attributes, extra, created_at, "
        "adjudicated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            annotation_id,
            layer,
            start,
            end,
            label_id,
            note,
            created_by,
            origin_span_id,
            rejected,
            kb_id,
            group,
            dumps(attributes),
            dumps(extra),
            now,
            adjudicated_by,
        ),
    ).scalar_one()


def update(
    conn: Connection, span_id: int, start: int, end: int, label_id: int, note: str | None
) -> None:
    conn.exec_driver_sql(
        'UPDATE spans SET start = ?, "end" = ?, label_id = ?, note = ? WHERE id = ?',
        (start, end, label_id, note, span_id),
    )


def exists(conn: Connection, span_id: int) -> bool:
    return conn.exec_driver_sql("SELECT 1 FROM spans WHERE id = ?", (span_id,)).first() is not None


def of_set(conn: Connection, annotation_id: int) -> list[tuple[Any, ...]]:
    """Every span of a set as :data:`SPAN_COLUMNS` rows, in text order."""
    return conn.exec_driver_sql(
        f"SELECT {SPAN_COLUMNS} FROM spans AS s JOIN labels AS l ON l.id = s.label_id "
        "JOIN annotators AS c ON c.id = s.created_by WHERE s.annotation_id = ? "
        'ORDER BY s.start, s."end"',
        (annotation_id,),
    ).all()

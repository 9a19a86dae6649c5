"""Reading what annotations hold: spans (with links, attributes and kept fields), relations
and topic decisions, for many annotations in one query each.

Export pages and the importer's checks of existing sets read through here, so both see an
annotation exactly the same way (which is what makes "unchanged since import" comparable).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from annotator.core.records import Layer, RelationRecord, SpanRecord, TopicRecord
from annotator.core.store.dialect import driver_sql

LAYERS = {layer.value: layer for layer in Layer}
#: One empty dict shared by every span read without attributes or kept fields: records are
#: values nobody changes in place, and an export reads hundreds of thousands of spans.
NONE: dict[str, Any] = {}
#: SQLite's default limit on host parameters is 999; stay below it.
CHUNK = 900


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def marks(count: int) -> str:
    return ",".join("?" * count)


def raw_rows(conn: Connection, sql: str, parameters: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Rows as plain tuples from the driver, in the caller's transaction: for reads of many
    thousand rows, where building SQLAlchemy row objects would cost more than the query."""
    cursor = conn.connection.driver_connection.cursor()
    try:
        return cursor.execute(driver_sql(conn, sql), parameters).fetchall()
    finally:
        cursor.close()


def loads(value: Any) -> dict[str, Any]:
    """A JSON column's value as a dict (SQLite hands back text; NULL means empty)."""
    if value is None:
        return {}
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, dict) else {}


def dumps(value: dict[str, Any] | None) -> str | None:
    """A dict for a JSON column; empty dicts are stored as NULL to keep rows small."""
    return json.dumps(value, ensure_ascii=False) if value else None


@dataclass
class StoredContent:
    """One annotation's content, shaped like a file's record (relations index ``spans``)."""

    spans: list[SpanRecord] = field(default_factory=list)
    topics: list[TopicRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    span_ids: list[int] = field(default_factory=list)


def annotation_contents(
    conn: Connection, annotation_ids: Sequence[int]
) -> dict[int, StoredContent]:
    """Content of each annotation, rejected spans included (marked), in offset order.

    Exports read every span of a project through here, so the loop does as little per row as
    it can: plain tuples from the driver, JSON parsed only where a column holds some.
    """
    contents = {annotation_id: StoredContent() for annotation_id in annotation_ids}
    for part in chunks(list(annotation_ids)):
        current = -1
        spans: list[SpanRecord] = []
        ids: list[int] = []
        for (
            span_id,
            annotation_id,
            layer,
            group,
            start,
            end,
            label,
            note,
            kb_id,
            rejected,
            attributes,
            extra,
        ) in raw_rows(
            conn,
            'SELECT s.id, s.annotation_id, s.layer, s.span_group, s.start, s."end", l.name, '
            "s.note, s.kb_id, s.rejected, s.attributes, s.extra FROM spans AS s "
            "LEFT JOIN labels AS l ON l.id = s.label_id "
            f"WHERE s.annotation_id IN ({marks(len(part))}) "
            'ORDER BY s.annotation_id, s.start, s."end", s.id',
            tuple(part),
        ):
            if annotation_id != current:
                current = annotation_id
                spans, ids = contents[current].spans, contents[current].span_ids
            ids.append(span_id)
            spans.append(
                SpanRecord(
                    start,
                    end,
                    label or "",
                    LAYERS[layer],
                    note,
                    kb_id,
                    group,
                    rejected == 1,
                    loads(attributes) if attributes else NONE,
                    loads(extra) if extra else NONE,
                )
            )
        _relations(conn, part, contents)
        for annotation_id, label, applies in raw_rows(
            conn,
            "SELECT t.annotation_id, l.name, t.applies FROM topics AS t "
            f"JOIN labels AS l ON l.id = t.label_id WHERE t.annotation_id IN ({marks(len(part))}) "
            "ORDER BY t.annotation_id, l.position, l.id",
            tuple(part),
        ):
            contents[annotation_id].topics.append(TopicRecord(label, bool(applies)))
    return contents


def _relations(conn: Connection, part: Sequence[int], contents: dict[int, StoredContent]) -> None:
    """Relations as indices into their annotation's spans (most annotations have none)."""
    positions: dict[int, dict[int, int]] = {}
    for annotation_id, head, child, label, extra in raw_rows(
        conn,
        "SELECT r.annotation_id, r.head_span_id, r.child_span_id, l.name, r.extra "
        "FROM relations AS r JOIN labels AS l ON l.id = r.label_id "
        f"WHERE r.annotation_id IN ({marks(len(part))}) ORDER BY r.id",
        tuple(part),
    ):
        content = contents[annotation_id]
        if annotation_id not in positions:
            positions[annotation_id] = {span: i for i, span in enumerate(content.span_ids)}
        where = positions[annotation_id]
        if head in where and child in where:
            content.relations.append(RelationRecord(where[head], where[child], label, loads(extra)))

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
        return cursor.execute(sql, parameters).fetchall()
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
    """Content of each annotation, rejected spans included (marked), in offset order."""
    contents = {annotation_id: StoredContent() for annotation_id in annotation_ids}
    index: dict[int, tuple[int, int]] = {}
    for part in chunks(list(annotation_ids)):
        for row in conn.exec_driver_sql(
            'SELECT s.id, s.annotation_id, s.layer, s.span_group, s.start, s."end", l.name, '
            "s.note, s.kb_id, s.rejected, s.attributes, s.extra FROM spans AS s "
            "LEFT JOIN labels AS l ON l.id = s.label_id "
            f"WHERE s.annotation_id IN ({marks(len(part))}) "
            'ORDER BY s.annotation_id, s.start, s."end", s.id',
            tuple(part),
        ):
            span_id, annotation_id, layer, group, start, end, label, note, kb_id = row[:9]
            content = contents[annotation_id]
            index[span_id] = (annotation_id, len(content.spans))
            content.span_ids.append(span_id)
            content.spans.append(
                SpanRecord(
                    start,
                    end,
                    label or "",
                    Layer(layer),
                    note,
                    kb_id,
                    group,
                    bool(row[9]),
                    loads(row[10]),
                    loads(row[11]),
                )
            )
        for annotation_id, head, child, label, extra in conn.exec_driver_sql(
            "SELECT r.annotation_id, r.head_span_id, r.child_span_id, l.name, r.extra "
            "FROM relations AS r JOIN labels AS l ON l.id = r.label_id "
            f"WHERE r.annotation_id IN ({marks(len(part))}) ORDER BY r.id",
            tuple(part),
        ):
            if head in index and child in index:
                contents[annotation_id].relations.append(
                    RelationRecord(index[head][1], index[child][1], label, loads(extra))
                )
        for annotation_id, label, applies in conn.exec_driver_sql(
            "SELECT t.annotation_id, l.name, t.applies FROM topics AS t "
            f"JOIN labels AS l ON l.id = t.label_id WHERE t.annotation_id IN ({marks(len(part))}) "
            "ORDER BY t.annotation_id, l.position, l.id",
            tuple(part),
        ):
            contents[annotation_id].topics.append(TopicRecord(label, bool(applies)))
    return contents

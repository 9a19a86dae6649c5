"""Reading and changing one annotation's relations and links, for the app's side panel."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection


def relation_rows(conn: Connection, document_id: int, annotator: str) -> list[tuple[Any, ...]]:
    """(id, label, head id, layer, start, end, label, child id, layer, start, end, label) of
    the annotator's relations on the document, in text order of their heads."""
    return conn.exec_driver_sql(
        "SELECT r.id, rl.name, h.id, h.layer, h.start, h.\"end\", coalesce(hl.name, ''), "
        "c.id, c.layer, c.start, c.\"end\", coalesce(cl.name, '') FROM relations AS r "
        "JOIN annotations AS a ON a.id = r.annotation_id "
        "JOIN annotators AS n ON n.id = a.annotator_id "
        "JOIN labels AS rl ON rl.id = r.label_id "
        "JOIN spans AS h ON h.id = r.head_span_id LEFT JOIN labels AS hl ON hl.id = h.label_id "
        "JOIN spans AS c ON c.id = r.child_span_id LEFT JOIN labels AS cl ON cl.id = c.label_id "
        "WHERE a.document_id = ? AND n.name = ? ORDER BY h.start, c.start, r.id",
        (document_id, annotator),
    ).all()


def relation_owner(conn: Connection, relation_id: int) -> tuple[Any, ...] | None:
    """(annotation id, annotator name, document id) of a relation."""
    return conn.exec_driver_sql(
        "SELECT a.id, n.name, a.document_id FROM relations AS r "
        "JOIN annotations AS a ON a.id = r.annotation_id "
        "JOIN annotators AS n ON n.id = a.annotator_id WHERE r.id = ?",
        (relation_id,),
    ).first()


def relation_row(conn: Connection, relation_id: int) -> tuple[Any, ...]:
    """(annotation, head, child, label id, created_by, extra, created_at) of a relation."""
    return tuple(
        conn.exec_driver_sql(
            "SELECT annotation_id, head_span_id, child_span_id, label_id, created_by, extra, "
            "created_at FROM relations WHERE id = ?",
            (relation_id,),
        ).one()
    )


def delete_relation(conn: Connection, relation_id: int) -> None:
    conn.exec_driver_sql("DELETE FROM relations WHERE id = ?", (relation_id,))


def insert_relation(conn: Connection, row: tuple[Any, ...]) -> int:
    """Put a relation back (undo), from the row ``relation_row`` gave."""
    return conn.exec_driver_sql(
        "INSERT INTO relations (annotation_id, head_span_id, child_span_id, label_id, "
        "created_by, extra, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        row,
    ).lastrowid


def span_owner(conn: Connection, span_id: int) -> tuple[Any, ...] | None:
    """(annotation id, annotator name, document id, kb_id) of a span."""
    return conn.exec_driver_sql(
        "SELECT a.id, n.name, a.document_id, s.kb_id FROM spans AS s "
        "JOIN annotations AS a ON a.id = s.annotation_id "
        "JOIN annotators AS n ON n.id = a.annotator_id WHERE s.id = ?",
        (span_id,),
    ).first()


def set_kb_id(conn: Connection, span_id: int, kb_id: str | None) -> None:
    conn.exec_driver_sql("UPDATE spans SET kb_id = ? WHERE id = ?", (kb_id, span_id))


def rows_touching(conn: Connection, span_id: int) -> list[tuple[Any, ...]]:
    """Relation rows with the span at either end (as ``relation_row`` gives them)."""
    return [
        tuple(row)
        for row in conn.exec_driver_sql(
            "SELECT annotation_id, head_span_id, child_span_id, label_id, created_by, extra, "
            "created_at FROM relations WHERE head_span_id = ? OR child_span_id = ?",
            (span_id, span_id),
        )
    ]


def spans_exist(conn: Connection, *span_ids: int) -> bool:
    found = conn.exec_driver_sql(
        f"SELECT count(*) FROM spans WHERE id IN ({','.join('?' * len(span_ids))})",
        tuple(span_ids),
    ).scalar_one()
    return found == len(set(span_ids))

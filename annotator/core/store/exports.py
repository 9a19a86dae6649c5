"""The reads of an export: which annotator, how many documents, and pages of them in
document order (with or without the annotator's set)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from annotator.core.store.content import loads, marks


@dataclass(frozen=True)
class ExportRow:
    """A document and, if the annotator has one, their set's head (content is read apart)."""

    document_id: int
    text: str
    title: str | None
    meta: dict[str, Any]
    content_hash: str
    document_extra: dict[str, Any]
    annotation_id: int | None
    status: str | None
    partial: bool
    extra: dict[str, Any]
    imported_digest: str | None


def annotator_id(conn: Connection, name: str) -> int | None:
    return conn.exec_driver_sql("SELECT id FROM annotators WHERE name = ?", (name,)).scalar()


def people_with_sets(conn: Connection) -> list[str]:
    """Human annotators who have at least one set, by name."""
    return [
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT n.name FROM annotators AS n WHERE n.kind = 'human' AND EXISTS "
            "(SELECT 1 FROM annotations AS a WHERE a.annotator_id = n.id) ORDER BY n.name"
        )
    ]


def topic_labels(conn: Connection) -> list[str]:
    return [
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT name FROM labels WHERE kind = 'topic' ORDER BY position, id"
        )
    ]


def _where(statuses: Sequence[str], unannotated: bool) -> str:
    wanted = f"a.status IN ({marks(len(statuses))})" if statuses else "0"
    return f"({wanted} OR a.id IS NULL)" if unannotated else wanted


def count_rows(
    conn: Connection, annotator: int | None, statuses: Sequence[str], unannotated: bool
) -> int:
    return conn.exec_driver_sql(
        "SELECT count(*) FROM documents AS d LEFT JOIN annotations AS a "
        f"ON a.document_id = d.id AND a.annotator_id = ? WHERE {_where(statuses, unannotated)}",
        (annotator, *statuses),
    ).scalar_one()


def page(
    conn: Connection,
    annotator: int | None,
    statuses: Sequence[str],
    unannotated: bool,
    after_document: int,
    limit: int,
) -> list[ExportRow]:
    """The next ``limit`` documents after ``after_document`` that the export takes."""
    rows = conn.exec_driver_sql(
        "SELECT d.id, d.text, d.title, d.meta, d.content_hash, d.extra, a.id, a.status, "
        "a.partial, a.extra, a.imported_digest FROM documents AS d LEFT JOIN annotations AS a "
        f"ON a.document_id = d.id AND a.annotator_id = ? WHERE {_where(statuses, unannotated)} "
        "AND d.id > ? ORDER BY d.id LIMIT ?",
        (annotator, *statuses, after_document, limit),
    ).all()
    return [
        ExportRow(
            row[0],
            row[1],
            row[2],
            loads(row[3]),
            row[4],
            loads(row[5]),
            row[6],
            row[7],
            bool(row[8]),
            loads(row[9]),
            row[10],
        )
        for row in rows
    ]

"""The storage questions of documents: their texts and the fields a list shows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

_FIELDS = "id, title, source, meta, length, content_hash"
#: A LIMIT that never limits: SQLite needs one before OFFSET, and has no LIMIT ALL.
_NO_LIMIT = 2**63 - 1


def exists(conn: Connection, document_id: int) -> bool:
    found = conn.exec_driver_sql("SELECT 1 FROM documents WHERE id = ?", (document_id,))
    return found.first() is not None


def text(conn: Connection, document_id: int) -> str | None:
    return conn.exec_driver_sql("SELECT text FROM documents WHERE id = ?", (document_id,)).scalar()


def of_set(conn: Connection, annotation_id: int) -> int:
    """The document an annotation set is about."""
    return conn.exec_driver_sql(
        "SELECT document_id FROM annotations WHERE id = ?", (annotation_id,)
    ).scalar_one()


def count(conn: Connection) -> int:
    return conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one()


def fields(conn: Connection, document_id: int) -> tuple[Any, ...] | None:
    """(id, title, source, meta, length, content hash) of a document, without its text."""
    row = conn.exec_driver_sql(
        f"SELECT {_FIELDS} FROM documents WHERE id = ?", (document_id,)
    ).first()
    return None if row is None else tuple(row)


def page(conn: Connection, offset: int, limit: int | None) -> list[tuple[Any, ...]]:
    """Documents' fields in import order, ``limit`` of them (all when None) after ``offset``."""
    rows = conn.exec_driver_sql(
        f"SELECT {_FIELDS} FROM documents ORDER BY id LIMIT ? OFFSET ?",
        (_NO_LIMIT if limit is None else limit, offset),
    )
    return [tuple(row) for row in rows]

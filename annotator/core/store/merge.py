"""The statements of a merge: reading a colleague's project (a connection from
:func:`annotator.core.store.untrusted.open_untrusted`, any schema we know) and adding what it
holds to mine without changing anything already there.

Their file may be older than mine: columns a schema did not have yet are read as their
defaults, so merging a 0003 project into a 0004 one works. Their file is always SQLite; the
statements on mine are written for SQLite and PostgreSQL alike (``RETURNING``, ``ON
CONFLICT``, booleans as values).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection

from annotator.core.records import LabelKind
from annotator.core.store.bulk import ensure_label_id, now_text


def _columns(source: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in source.execute(f"PRAGMA table_info({table})")}


def _select(source: sqlite3.Connection, table: str, wanted: dict[str, str]) -> str:
    """SELECT of ``wanted`` columns (name → default expression for older schemas)."""
    present = _columns(source, table)
    parts = [
        f'"{name}"' if name in present else f"{default} AS {name}"
        for name, default in wanted.items()
    ]
    return f"SELECT {', '.join(parts)} FROM {table}"


def their_documents(source: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    columns = {
        "id": "NULL",
        "text": "NULL",
        "title": "NULL",
        "source": "NULL",
        "meta": "'{}'",
        "content_hash": "NULL",
        "length": "0",
        "extra": "NULL",
    }
    return source.execute(_select(source, "documents", columns))


def document_id(conn: Connection, content_hash: str) -> int | None:
    return conn.exec_driver_sql(
        "SELECT id FROM documents WHERE content_hash = ?", (content_hash,)
    ).scalar()


def add_document(conn: Connection, row: tuple[Any, ...]) -> int:
    """Row of (text, title, source, meta, content_hash, length, extra); returns its id."""
    text, title, origin, meta, content_hash, length, extra = row
    return conn.exec_driver_sql(
        "INSERT INTO documents (text, title, source, meta, content_hash, length, created_at, "
        "extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (text, title, origin, meta, content_hash, length, now_text(), extra),
    ).scalar_one()


def their_annotators(source: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    return source.execute("SELECT id, name, kind, model_version FROM annotators")


def add_annotator(conn: Connection, name: str, kind: str, version: str | None) -> int:
    """The id of the annotator of that name: mine when I have one, else a new one."""
    added = conn.exec_driver_sql(
        "INSERT INTO annotators (name, kind, model_version) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO NOTHING RETURNING id",
        (name, kind, version),
    ).scalar()
    if added is not None:
        return added
    return conn.exec_driver_sql("SELECT id FROM annotators WHERE name = ?", (name,)).scalar_one()


def their_annotations(source: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    columns = {
        "id": "NULL",
        "document_id": "NULL",
        "annotator_id": "NULL",
        "status": "NULL",
        "active_seconds": "0",
        "created_at": "NULL",
        "updated_at": "NULL",
        "partial": "0",
        "extra": "NULL",
        "imported_digest": "NULL",
    }
    return source.execute(_select(source, "annotations", columns))


def add_annotation(conn: Connection, row: tuple[Any, ...]) -> tuple[int, int]:
    """Row of (document, annotator, status, seconds, created, updated, partial, extra,
    digest); an annotation already in my project is kept. Returns (its id, 1 if added)."""
    added = conn.exec_driver_sql(
        "INSERT INTO annotations (document_id, annotator_id, status, active_seconds, "
        "created_at, updated_at, partial, extra, imported_digest) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (document_id, annotator_id) DO NOTHING RETURNING id",
        row,
    ).scalar()
    if added is not None:
        return added, 1
    found = conn.exec_driver_sql(
        "SELECT id FROM annotations WHERE document_id = ? AND annotator_id = ?", row[:2]
    ).scalar_one()
    return found, 0


def their_labels(source: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    return source.execute("SELECT id, kind, name FROM labels")


def label_id(conn: Connection, kind: LabelKind, name: str) -> int:
    """My label of that kind and name, added to my scheme when I have none."""
    return ensure_label_id(conn, kind, name)


def their_spans(source: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Model spans first, so a human's accepted suggestion can point at its merged origin."""
    columns = {
        "id": "NULL",
        "annotation_id": "NULL",
        "layer": "NULL",
        "span_group": "''",
        "start": "NULL",
        "end": "NULL",
        "label_id": "NULL",
        "note": "NULL",
        "kb_id": "NULL",
        "attributes": "NULL",
        "extra": "NULL",
        "created_by": "NULL",
        "origin_span_id": "NULL",
        "rejected": "0",
        "created_at": "NULL",
    }
    sql = _select(source, "spans", columns) + " ORDER BY origin_span_id IS NOT NULL, id"
    return source.execute(sql).fetchall()


def add_span(conn: Connection, row: tuple[Any, ...]) -> tuple[int, int]:
    """Row of (annotation, layer, group, start, end, label, note, kb_id, attributes, extra,
    created_by, origin, rejected, created_at); a span already there is kept. Returns (its id,
    1 if added)."""
    added = conn.exec_driver_sql(
        'INSERT INTO spans (annotation_id, layer, span_group, start, "end", label_id, note, '
        "kb_id, attributes, extra, created_by, origin_span_id, rejected, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
        row,
    ).scalar()
    if added is not None:
        return added, 1
    label = row[5]
    found = conn.exec_driver_sql(
        "SELECT id FROM spans WHERE annotation_id = ? AND layer = ? AND span_group = ? "
        'AND start = ? AND "end" = ? AND '
        + ("label_id IS NULL" if label is None else "label_id = ?"),
        row[:5] if label is None else row[:6],
    ).scalar_one()
    return found, 0


def their_topics(source: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    return source.execute("SELECT annotation_id, label_id, applies FROM topics")


def add_topic(conn: Connection, annotation: int, label: int, applies: bool) -> int:
    """1 if the decision was added, 0 if I had one on that topic already (kept)."""
    added = conn.exec_driver_sql(
        "INSERT INTO topics (annotation_id, label_id, applies) VALUES (?, ?, ?) "
        "ON CONFLICT (annotation_id, label_id) DO NOTHING RETURNING id",
        (annotation, label, applies),
    ).scalar()
    return int(added is not None)


def their_relations(source: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Their relations, or none for a project from before relations existed."""
    if not _columns(source, "relations"):
        return []
    return source.execute(
        "SELECT annotation_id, head_span_id, child_span_id, label_id, created_by, extra, "
        "created_at FROM relations"
    ).fetchall()


def add_relation(conn: Connection, row: tuple[Any, ...]) -> int:
    """1 if the relation was added, 0 if I had it already."""
    added = conn.exec_driver_sql(
        "INSERT INTO relations (annotation_id, head_span_id, child_span_id, label_id, "
        "created_by, extra, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING RETURNING id",
        row,
    ).scalar()
    return int(added is not None)


def log_merge(conn: Connection, file_name: str, counts: dict[str, int]) -> None:
    """One edit-log row for the merge: the file's name and what it added (JSON by json)."""
    conn.exec_driver_sql(
        "INSERT INTO edit_log (at, action, details) VALUES (?, 'merge', ?)",
        (now_text(), json.dumps({"file": file_name, **counts}, ensure_ascii=False)),
    )

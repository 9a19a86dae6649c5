"""The counting queries behind ``annotator stats``, on a plain DB-API connection: the same
for an open project and for a file opened read-only (which needs no SQLAlchemy at all)."""

from __future__ import annotations

import sqlite3
from typing import Any


def document_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM documents").fetchone()[0]


def statuses(conn: sqlite3.Connection) -> list[tuple[str, str, int, float | None]]:
    """(annotator, status, sets, active seconds) per annotator and status."""
    return conn.execute(
        "SELECT n.name, a.status, count(*), sum(a.active_seconds) FROM annotations AS a "
        "JOIN annotators AS n ON n.id = a.annotator_id GROUP BY n.name, a.status "
        "ORDER BY n.name, a.status"
    ).fetchall()


def span_labels(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    """(layer, label, spans) of every labelled span that is not rejected, most used first."""
    return conn.execute(
        "SELECT s.layer, l.name, count(*) FROM spans AS s JOIN labels AS l "
        "ON l.id = s.label_id WHERE s.rejected = 0 GROUP BY s.layer, l.name "
        "ORDER BY count(*) DESC, l.name"
    ).fetchall()


def topic_labels(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """(topic, documents it applies to), most used first."""
    return conn.execute(
        "SELECT l.name, count(*) FROM topics AS t JOIN labels AS l ON l.id = t.label_id "
        "WHERE t.applies = 1 GROUP BY l.name ORDER BY count(*) DESC, l.name"
    ).fetchall()


def relation_labels(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """(relation type, relations), most used first; none in a file older than relations."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if "relations" not in tables:
        return []
    return conn.execute(
        "SELECT l.name, count(*) FROM relations AS r JOIN labels AS l ON l.id = r.label_id "
        "GROUP BY l.name ORDER BY count(*) DESC, l.name"
    ).fetchall()


def link_count(conn: sqlite3.Connection) -> int:
    columns: Any = {row[1] for row in conn.execute("PRAGMA table_info(spans)")}
    if "kb_id" not in columns:
        return 0
    return conn.execute("SELECT count(kb_id) FROM spans WHERE rejected = 0").fetchone()[0]

"""The counting queries behind ``annotator stats``, on a plain DB-API connection: the same
for an open project (SQLite or PostgreSQL) and for a file opened read-only (which needs no
SQLAlchemy at all). They take no parameters, so they need no placeholder style either.

Label counts are of people's work (sets of annotators of kind ``human``): a model's
suggestions are not entities until somebody accepts them, so they are counted apart
(:func:`entity_suggestions`).
"""

from __future__ import annotations

import sqlite3
from typing import Any

#: Joins a span ``s`` to its set ``a`` when the set is a person's.
_HUMAN_SPAN = (
    "JOIN annotations AS a ON a.id = s.annotation_id "
    "JOIN annotators AS n ON n.id = a.annotator_id AND n.kind = 'human'"
)

#: A person's set ``h`` on the document of the model span ``s`` holds a decision on it: a span
#: copied from it (accepted or rejected), an entity of the person's own over the same words, or
#: a rejection of the same span read from a file. The definition of
#: ``annotator.core.store.suggestions`` (which loads SQLAlchemy, so is not imported here).
_DECIDED = (
    "EXISTS (SELECT 1 FROM annotations AS h "
    "JOIN annotators AS hn ON hn.id = h.annotator_id AND hn.kind = 'human' "
    "JOIN spans AS hs ON hs.annotation_id = h.id WHERE h.document_id = m.document_id "
    "AND (hs.origin_span_id = s.id "
    "OR (hs.layer = 'entity' AND hs.rejected = FALSE "
    'AND hs.start < s."end" AND s.start < hs."end") '
    'OR (hs.rejected = TRUE AND hs.start = s.start AND hs."end" = s."end" '
    "AND hs.label_id = s.label_id)))"
)


def document_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM documents").fetchone()[0]


def statuses(conn: sqlite3.Connection) -> list[tuple[str, str, str, int, float | None]]:
    """(annotator, kind, status, sets, active seconds) per annotator and status; kind is
    ``human`` or ``model``."""
    return conn.execute(
        "SELECT n.name, n.kind, a.status, count(*), sum(a.active_seconds) FROM annotations AS a "
        "JOIN annotators AS n ON n.id = a.annotator_id GROUP BY n.name, n.kind, a.status "
        "ORDER BY n.name, a.status"
    ).fetchall()


def span_labels(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    """(layer, label, spans) of every labelled span of people's sets that is not rejected,
    most used first."""
    return conn.execute(
        f"SELECT s.layer, l.name, count(*) FROM spans AS s {_HUMAN_SPAN} JOIN labels AS l "
        "ON l.id = s.label_id WHERE s.rejected = FALSE GROUP BY s.layer, l.name "
        "ORDER BY count(*) DESC, l.name"
    ).fetchall()


def entity_suggestions(conn: sqlite3.Connection) -> list[tuple[str, str, int, int]]:
    """(model, label, entities it suggests, of them still open) per model and label, most
    suggested first. Open: no person's set on the document holds a decision on it."""
    return conn.execute(
        f"SELECT mn.name, l.name, count(*), count(*) FILTER (WHERE NOT {_DECIDED}) FROM spans AS s "
        "JOIN annotations AS m ON m.id = s.annotation_id "
        "JOIN annotators AS mn ON mn.id = m.annotator_id AND mn.kind = 'model' "
        "JOIN labels AS l ON l.id = s.label_id WHERE s.layer = 'entity' AND s.rejected = FALSE "
        "GROUP BY mn.name, l.name ORDER BY count(*) DESC, mn.name, l.name"
    ).fetchall()


def topic_labels(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """(topic, documents people say it applies to), most used first."""
    return conn.execute(
        "SELECT l.name, count(*) FROM topics AS t JOIN labels AS l ON l.id = t.label_id "
        "JOIN annotations AS a ON a.id = t.annotation_id "
        "JOIN annotators AS n ON n.id = a.annotator_id AND n.kind = 'human' "
        "WHERE t.applies = TRUE GROUP BY l.name ORDER BY count(*) DESC, l.name"
    ).fetchall()


def relation_labels(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """(relation type, relations in people's sets), most used first; none in a file older
    than relations."""
    if not _has(conn, "relations"):
        return []
    return conn.execute(
        "SELECT l.name, count(*) FROM relations AS r JOIN labels AS l ON l.id = r.label_id "
        "JOIN annotations AS a ON a.id = r.annotation_id "
        "JOIN annotators AS n ON n.id = a.annotator_id AND n.kind = 'human' "
        "GROUP BY l.name ORDER BY count(*) DESC, l.name"
    ).fetchall()


def link_count(conn: sqlite3.Connection) -> int:
    """Knowledge-base links on people's spans that are not rejected."""
    if not _has(conn, "spans", "kb_id"):
        return 0
    return conn.execute(
        f"SELECT count(s.kb_id) FROM spans AS s {_HUMAN_SPAN} WHERE s.rejected = FALSE"
    ).fetchone()[0]


def _has(conn: Any, table: str, column: str | None = None) -> bool:
    """Whether a file read as it is (perhaps of an older schema) has the table or column; a
    team's database is always brought to the current schema first."""
    if not isinstance(conn, sqlite3.Connection):
        return True
    if column is None:
        found = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,))
        return found.fetchone() is not None
    return column in {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def assignment_progress(conn: sqlite3.Connection) -> list[tuple[str, int, int, int, int, int]]:
    """(annotator, assigned, in the shared slice, done, skipped or rejected, remaining) per
    annotator with documents assigned, by name; remaining are new or in progress. None in a
    file older than assignments."""
    if not _has(conn, "assignments"):
        return []
    return conn.execute(
        "SELECT n.name, count(*), sum(CASE WHEN q.shared THEN 1 ELSE 0 END), "
        "sum(CASE WHEN a.status = 'done' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN a.status IN ('skipped', 'rejected') THEN 1 ELSE 0 END), "
        "sum(CASE WHEN coalesce(a.status, 'new') IN ('new', 'in_progress') THEN 1 ELSE 0 END) "
        "FROM assignments AS q JOIN annotators AS n ON n.id = q.annotator_id "
        "LEFT JOIN annotations AS a ON a.document_id = q.document_id "
        "AND a.annotator_id = q.annotator_id GROUP BY n.name ORDER BY n.name"
    ).fetchall()

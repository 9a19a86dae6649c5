"""The statements of ``annotator push`` and ``annotator pull``: reading every set of some (or
all) annotators of a project, side-independently (documents by content hash, annotators and
labels by name, a span's origin by what it marks), and writing one set over another.

The same reads run on both projects (a SQLite file and a PostgreSQL database alike); the
writes run on the target, inside the one transaction the caller holds. The bookkeeping of
what was last agreed on (``sync_state``, migration 0011) is read and written here too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection

from annotator.core.store import settings as setting_store
from annotator.core.store.bulk import now_text
from annotator.core.store.content import chunks, marks, raw_rows

#: The setting that names a project to the projects it syncs with.
SYNC_ID = "sync_id"


def consistent_reads(conn: Connection) -> Connection:
    """Every read of ``conn`` sees the database as it was at the first one: a transaction
    begun now (reads straight from the driver's cursor would otherwise each stand alone on
    SQLite), repeatable read on PostgreSQL. Call before the first read."""
    if conn.dialect.name != "sqlite":
        conn.execution_options(isolation_level="REPEATABLE READ")
    if not conn.in_transaction():
        conn.begin()
    return conn


def _names(column: str, names: Sequence[str] | None) -> tuple[str, tuple[Any, ...]]:
    """A WHERE clause keeping rows of the named annotators (none: every row)."""
    if names is None:
        return "", ()
    return f" WHERE {column} IN ({marks(len(names))})", tuple(names)


# Identity and bookkeeping ---------------------------------------------------------------


def sync_id(conn: Connection) -> str | None:
    found, value = setting_store.get(conn, SYNC_ID)
    return str(value) if found and value else None


def put_sync_id(conn: Connection, value: str) -> None:
    setting_store.put(conn, SYNC_ID, value)


def synced_digests(conn: Connection, remote: str) -> dict[tuple[str, str], str]:
    """(content hash, annotator) → digest of the set when this project and ``remote`` last
    agreed on it."""
    return {
        (row[0], row[1]): row[2]
        for row in conn.exec_driver_sql(
            "SELECT content_hash, annotator, digest FROM sync_state WHERE remote = ?", (remote,)
        )
    }


def record_synced(conn: Connection, remote: str, rows: Iterable[tuple[str, str, str]]) -> None:
    """Remember (content hash, annotator, digest) as agreed on with ``remote`` now."""
    now = now_text()
    for content_hash, annotator, digest in rows:
        conn.exec_driver_sql(
            "INSERT INTO sync_state (remote, content_hash, annotator, digest, synced_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (remote, content_hash, annotator) "
            "DO UPDATE SET digest = excluded.digest, synced_at = excluded.synced_at",
            (remote, content_hash, annotator, digest, now),
        )


def log_sync(conn: Connection, details: dict[str, Any]) -> None:
    """One edit-log row for a push or pull into this project: from where and what moved."""
    conn.exec_driver_sql(
        "INSERT INTO edit_log (at, action, details) VALUES (?, 'sync', ?)",
        (now_text(), json.dumps(details, ensure_ascii=False)),
    )


# Documents, annotators, labels -------------------------------------------------------------


def documents(conn: Connection) -> dict[str, tuple[int, str | None]]:
    """content hash → (id, title) of every document."""
    return {
        row[0]: (row[1], row[2])
        for row in raw_rows(conn, "SELECT content_hash, id, title FROM documents", ())
    }


def assigned_documents(conn: Connection, names: Sequence[str]) -> set[int]:
    """The documents given to any of the annotators (``annotator assign``)."""
    where, parameters = _names("n.name", names)
    return {
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT s.document_id FROM assignments AS s "
            "JOIN annotators AS n ON n.id = s.annotator_id" + where,
            parameters,
        )
    }


def document_rows(conn: Connection, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """(id, text, title, source, meta, content hash, length, extra) of the documents."""
    rows: list[tuple[Any, ...]] = []
    for part in chunks(ids):
        rows += raw_rows(
            conn,
            "SELECT id, text, title, source, meta, content_hash, length, extra FROM documents "
            f"WHERE id IN ({marks(len(part))})",
            tuple(part),
        )
    return rows


def add_document(conn: Connection, row: tuple[Any, ...]) -> int:
    """Row of (text, title, source, meta, content hash, length, extra); returns its id."""
    return conn.exec_driver_sql(
        "INSERT INTO documents (text, title, source, meta, content_hash, length, created_at, "
        "extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (*row[:6], now_text(), row[6]),
    ).scalar_one()


def boilerplate_rows(conn: Connection, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """(document id, start, end, kind, annotator name or None) of the documents' regions."""
    rows: list[tuple[Any, ...]] = []
    for part in chunks(ids):
        rows += conn.exec_driver_sql(
            'SELECT b.document_id, b.start, b."end", b.kind, n.name FROM boilerplate AS b '
            "LEFT JOIN annotators AS n ON n.id = b.annotator_id "
            f"WHERE b.document_id IN ({marks(len(part))})",
            tuple(part),
        ).all()
    return rows


def add_boilerplate(conn: Connection, row: tuple[Any, ...]) -> None:
    """Row of (document id, start, end, kind, annotator id or None)."""
    conn.exec_driver_sql(
        'INSERT INTO boilerplate (document_id, start, "end", kind, annotator_id) '
        "VALUES (?, ?, ?, ?, ?)",
        row,
    )


def assignment_rows(conn: Connection, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """(document id, annotator name, shared, assigned at) of the documents' assignments."""
    rows: list[tuple[Any, ...]] = []
    for part in chunks(ids):
        rows += conn.exec_driver_sql(
            "SELECT s.document_id, n.name, s.shared, s.assigned_at FROM assignments AS s "
            "JOIN annotators AS n ON n.id = s.annotator_id "
            f"WHERE s.document_id IN ({marks(len(part))})",
            tuple(part),
        ).all()
    return rows


def add_assignment(conn: Connection, row: tuple[Any, ...]) -> None:
    """Row of (document id, annotator id, shared, assigned at); one already there is kept."""
    conn.exec_driver_sql(
        "INSERT INTO assignments (document_id, annotator_id, shared, assigned_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        row,
    )


def annotators(conn: Connection) -> dict[str, tuple[int, str, str | None]]:
    """name → (id, kind, model version) of every annotator."""
    return {
        row[1]: (row[0], row[2], row[3])
        for row in conn.exec_driver_sql("SELECT id, name, kind, model_version FROM annotators")
    }


def add_annotator(conn: Connection, name: str, kind: str, version: str | None) -> int:
    """The id of the annotator of that name, added when there is none."""
    conn.exec_driver_sql(
        "INSERT INTO annotators (name, kind, model_version) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO NOTHING",
        (name, kind, version),
    )
    return conn.exec_driver_sql("SELECT id FROM annotators WHERE name = ?", (name,)).scalar_one()


def labels(conn: Connection) -> dict[tuple[str, str], tuple[Any, ...]]:
    """(kind, name) → (id, colour, shortcut, description, position) of every label."""
    return {
        (row[1], row[2]): (row[0], *row[3:])
        for row in conn.exec_driver_sql(
            "SELECT id, kind, name, colour, shortcut, description, position FROM labels "
            "ORDER BY kind, position, id"
        )
    }


def add_label(
    conn: Connection, kind: str, name: str, colour: str, shortcut: str | None, description: str
) -> int:
    """A label joining the end of its scheme, with its key when no label of the scheme has
    that key already; returns its id."""
    position, taken = conn.exec_driver_sql(
        "SELECT count(*), count(CASE WHEN shortcut = ? THEN 1 END) FROM labels WHERE kind = ?",
        (shortcut, kind),
    ).one()
    return conn.exec_driver_sql(
        "INSERT INTO labels (kind, name, colour, shortcut, description, position) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (kind, name, colour, None if taken else shortcut, description or "", position),
    ).scalar_one()


# Reading sets ------------------------------------------------------------------------------


def set_rows(conn: Connection, names: Sequence[str] | None) -> list[tuple[Any, ...]]:
    """(set id, content hash, annotator, kind, model version, document id, title, status,
    active seconds, created at, updated at, partial, extra, imported digest) of every set of
    the annotators (None: of everyone)."""
    where, parameters = _names("n.name", names)
    return raw_rows(
        conn,
        "SELECT a.id, d.content_hash, n.name, n.kind, n.model_version, a.document_id, d.title, "
        "a.status, a.active_seconds, a.created_at, a.updated_at, a.partial, a.extra, "
        "a.imported_digest FROM annotations AS a "
        "JOIN documents AS d ON d.id = a.document_id "
        "JOIN annotators AS n ON n.id = a.annotator_id" + where,
        parameters,
    )


def span_rows(conn: Connection, names: Sequence[str] | None) -> list[tuple[Any, ...]]:
    """(set id, span id, layer, group, start, end, label kind, label name, note, kb id,
    attributes, extra, created by, rejected, adjudicated by, created at, then the origin's
    annotator, content hash, layer, group, start, end, label kind, label name) of every span
    of those sets. The origin is named by what it marks, as its id means nothing elsewhere."""
    where, parameters = _names("n.name", names)
    return raw_rows(
        conn,
        "SELECT s.annotation_id, s.id, s.layer, s.span_group, "
        's.start, s."end", l.kind, l.name, s.note, s.kb_id, s.attributes, s.extra, c.name, '
        "s.rejected, j.name, s.created_at, oan.name, od.content_hash, o.layer, o.span_group, "
        'o.start, o."end", ol.kind, ol.name FROM spans AS s '
        "JOIN annotations AS a ON a.id = s.annotation_id "
        "JOIN annotators AS n ON n.id = a.annotator_id "
        "LEFT JOIN labels AS l ON l.id = s.label_id "
        "JOIN annotators AS c ON c.id = s.created_by "
        "LEFT JOIN annotators AS j ON j.id = s.adjudicated_by "
        "LEFT JOIN spans AS o ON o.id = s.origin_span_id "
        "LEFT JOIN annotations AS oa ON oa.id = o.annotation_id "
        "LEFT JOIN annotators AS oan ON oan.id = oa.annotator_id "
        "LEFT JOIN documents AS od ON od.id = oa.document_id "
        "LEFT JOIN labels AS ol ON ol.id = o.label_id" + where,
        parameters,
    )


def topic_rows(conn: Connection, names: Sequence[str] | None) -> list[tuple[Any, ...]]:
    """(set id, label kind, label name, applies, score, adjudicated by, taken from)."""
    where, parameters = _names("n.name", names)
    return raw_rows(
        conn,
        "SELECT t.annotation_id, l.kind, l.name, t.applies, t.score, j.name, f.name "
        "FROM topics AS t JOIN annotations AS a ON a.id = t.annotation_id "
        "JOIN annotators AS n ON n.id = a.annotator_id "
        "JOIN labels AS l ON l.id = t.label_id "
        "LEFT JOIN annotators AS j ON j.id = t.adjudicated_by "
        "LEFT JOIN annotators AS f ON f.id = t.taken_from" + where,
        parameters,
    )


def relation_rows(conn: Connection, names: Sequence[str] | None) -> list[tuple[Any, ...]]:
    """(set id, head's layer, group, start, end, label kind, label name, the same of the
    child, relation label kind, name, created by, extra, created at)."""
    where, parameters = _names("n.name", names)
    return raw_rows(
        conn,
        'SELECT r.annotation_id, h.layer, h.span_group, h.start, h."end", hl.kind, hl.name, '
        'c.layer, c.span_group, c.start, c."end", cl.kind, cl.name, rl.kind, rl.name, '
        "m.name, r.extra, r.created_at FROM relations AS r "
        "JOIN annotations AS a ON a.id = r.annotation_id "
        "JOIN annotators AS n ON n.id = a.annotator_id "
        "JOIN spans AS h ON h.id = r.head_span_id LEFT JOIN labels AS hl ON hl.id = h.label_id "
        "JOIN spans AS c ON c.id = r.child_span_id LEFT JOIN labels AS cl ON cl.id = c.label_id "
        "JOIN labels AS rl ON rl.id = r.label_id "
        "JOIN annotators AS m ON m.id = r.created_by" + where,
        parameters,
    )


def decision_rows(conn: Connection) -> list[tuple[Any, ...]]:
    """(content hash, layer, start, end, label, choice, reviewer, at) of every settled
    review item: they belong with the gold set of their document."""
    return raw_rows(
        conn,
        'SELECT d.content_hash, r.layer, r.start, r."end", r.label, r.choice, n.name, r.at '
        "FROM review_decisions AS r JOIN documents AS d ON d.id = r.document_id "
        "JOIN annotators AS n ON n.id = r.reviewer_id",
        (),
    )


def review_rows(conn: Connection) -> list[tuple[Any, ...]]:
    """(content hash, status, reviewer, at) of every document a reviewer marked."""
    return raw_rows(
        conn,
        "SELECT d.content_hash, r.status, n.name, r.at FROM document_reviews AS r "
        "JOIN documents AS d ON d.id = r.document_id "
        "JOIN annotators AS n ON n.id = r.reviewer_id",
        (),
    )


def uncertainty_rows(conn: Connection, names: Sequence[str] | None) -> list[tuple[Any, ...]]:
    """(content hash, model, uncertainty): they belong with the model's set of the document."""
    where, parameters = _names("n.name", names)
    return raw_rows(
        conn,
        "SELECT d.content_hash, n.name, u.uncertainty FROM model_uncertainty AS u "
        "JOIN documents AS d ON d.id = u.document_id "
        "JOIN annotators AS n ON n.id = u.annotator_id" + where,
        parameters,
    )


# Writing one set over another ----------------------------------------------------------------


def add_set(conn: Connection, row: tuple[Any, ...]) -> int | None:
    """Row of (document, annotator, status, seconds, created, updated, partial, extra,
    imported digest); None when the set appeared meanwhile (someone else made it)."""
    return conn.exec_driver_sql(
        "INSERT INTO annotations (document_id, annotator_id, status, active_seconds, "
        "created_at, updated_at, partial, extra, imported_digest) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (document_id, annotator_id) DO NOTHING RETURNING id",
        row,
    ).scalar()


def update_set(conn: Connection, set_id: int, seen_updated_at: Any, row: tuple[Any, ...]) -> bool:
    """Row of (status, seconds, updated, partial, extra, imported digest) over the set, if it
    is still as it was read (its time unchanged); False when someone changed it meanwhile."""
    sql = (
        "UPDATE annotations SET status = ?, active_seconds = ?, updated_at = ?, partial = ?, "
        "extra = ?, imported_digest = ? WHERE id = ? AND updated_at "
    )
    if seen_updated_at is None:
        changed = conn.exec_driver_sql(sql + "IS NULL", (*row, set_id))
    else:
        changed = conn.exec_driver_sql(sql + "= ?", (*row, set_id, seen_updated_at))
    return changed.rowcount == 1


def raise_active_time(conn: Connection, set_id: int, seconds: float) -> None:
    """The set's active time, raised to ``seconds`` (never lowered)."""
    conn.exec_driver_sql(
        "UPDATE annotations SET active_seconds = ? WHERE id = ? AND active_seconds < ?",
        (seconds, set_id, seconds),
    )


#: The columns of a span a sync writes, in the order its rows give them.
SPAN_COLUMNS = (
    'annotation_id, layer, span_group, start, "end", label_id, note, kb_id, attributes, extra, '
    "created_by, rejected, adjudicated_by, created_at, origin_span_id"
)


def add_spans(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Rows of (set, layer, group, start, end, label, note, kb id, attributes, extra, created
    by, rejected, adjudicated by, created at, origin). One short statement run for many rows
    (psycopg pipelines it) costs less than one long statement of many rows, which the driver
    parses anew each time."""
    if rows:
        conn.exec_driver_sql(
            f"INSERT INTO spans ({SPAN_COLUMNS}) VALUES ({marks(15)})", [tuple(r) for r in rows]
        )


def span_places(conn: Connection, set_id: int) -> list[Any]:
    """(id, layer, group, start, end, label) of every span of the set."""
    return conn.exec_driver_sql(
        'SELECT id, layer, span_group, start, "end", label_id FROM spans WHERE annotation_id = ?',
        (set_id,),
    ).all()


def update_span(conn: Connection, span_id: int, row: tuple[Any, ...]) -> None:
    """Row of (note, kb id, attributes, extra, created by, rejected, adjudicated by, created
    at, origin) over the span."""
    conn.exec_driver_sql(
        "UPDATE spans SET note = ?, kb_id = ?, attributes = ?, extra = ?, created_by = ?, "
        "rejected = ?, adjudicated_by = ?, created_at = ?, origin_span_id = ? WHERE id = ?",
        (*row, span_id),
    )


def span_id(conn: Connection, key: tuple[Any, ...]) -> int | None:
    """The span of (document, annotator, layer, group, start, end, label id or None)."""
    document, annotator, layer, group, start, end, label = key
    sql = (
        "SELECT s.id FROM spans AS s JOIN annotations AS a ON a.id = s.annotation_id "
        "WHERE a.document_id = ? AND a.annotator_id = ? AND s.layer = ? AND s.span_group = ? "
        'AND s.start = ? AND s."end" = ? AND '
    )
    if label is None:
        return conn.exec_driver_sql(
            sql + "s.label_id IS NULL", (document, annotator, layer, group, start, end)
        ).scalar()
    return conn.exec_driver_sql(sql + "s.label_id = ?", key).scalar()


def set_origins(conn: Connection, pairs: Sequence[tuple[int, int]]) -> None:
    """Point each span of (origin, span) at its origin."""
    if pairs:
        conn.exec_driver_sql("UPDATE spans SET origin_span_id = ? WHERE id = ?", list(pairs))


def delete_topics(conn: Connection, set_id: int) -> None:
    conn.exec_driver_sql("DELETE FROM topics WHERE annotation_id = ?", (set_id,))


def add_topics(conn: Connection, set_id: int, rows: Sequence[tuple[Any, ...]]) -> None:
    """Rows of (label, applies, score, adjudicated by, taken from) into the set."""
    if rows:
        conn.exec_driver_sql(
            "INSERT INTO topics (annotation_id, label_id, applies, score, adjudicated_by, "
            "taken_from) VALUES (?, ?, ?, ?, ?, ?)",
            [(set_id, *row) for row in rows],
        )


def delete_relations(conn: Connection, set_id: int) -> None:
    conn.exec_driver_sql("DELETE FROM relations WHERE annotation_id = ?", (set_id,))


def add_relation(conn: Connection, row: tuple[Any, ...]) -> None:
    """Row of (set, head, child, label, created by, extra, created at)."""
    conn.exec_driver_sql(
        "INSERT INTO relations (annotation_id, head_span_id, child_span_id, label_id, "
        "created_by, extra, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        row,
    )


def replace_decisions(conn: Connection, document_id: int, rows: Sequence[tuple[Any, ...]]) -> None:
    """The document's settled review items become rows of (layer, start, end, label, choice,
    reviewer id, at)."""
    conn.exec_driver_sql("DELETE FROM review_decisions WHERE document_id = ?", (document_id,))
    for row in rows:
        conn.exec_driver_sql(
            'INSERT INTO review_decisions (document_id, layer, start, "end", label, choice, '
            "reviewer_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (document_id, *row),
        )


def replace_review(conn: Connection, document_id: int, row: tuple[Any, ...] | None) -> None:
    """The document's review mark becomes (status, reviewer id, at), or none."""
    conn.exec_driver_sql("DELETE FROM document_reviews WHERE document_id = ?", (document_id,))
    if row is not None:
        conn.exec_driver_sql(
            "INSERT INTO document_reviews (document_id, status, reviewer_id, at) "
            "VALUES (?, ?, ?, ?)",
            (document_id, *row),
        )


def replace_uncertainty(
    conn: Connection, document_id: int, annotator_id: int, value: float | None
) -> None:
    """The model's uncertainty about the document becomes ``value`` (None: none)."""
    conn.exec_driver_sql(
        "DELETE FROM model_uncertainty WHERE document_id = ? AND annotator_id = ?",
        (document_id, annotator_id),
    )
    if value is not None:
        conn.exec_driver_sql(
            "INSERT INTO model_uncertainty (document_id, annotator_id, uncertainty) "
            "VALUES (?, ?, ?)",
            (document_id, annotator_id, value),
        )

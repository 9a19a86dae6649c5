"""The writes of an import, set-based: a few statements per batch of records, never per row.

The importer decides what to write (new sets, superseded or combined ones); these functions
only answer its storage questions and carry out its decisions inside its transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from annotator.core.records import INTERNAL_PREFIX
from annotator.core.store.bulk import now_text
from annotator.core.store.content import chunks, loads, marks, raw_rows


@dataclass(frozen=True)
class StoredSet:
    """What the importer needs to know of an annotation already in the project (its kept
    fields are parsed only when asked: most sets are only looked up by id)."""

    id: int
    partial: bool
    imported_digest: str | None
    status: str
    raw_extra: str | None

    @property
    def extra(self) -> dict[str, Any]:
        return loads(self.raw_extra)

    @property
    def task_key(self) -> str | None:
        return self.extra.get(TASK_KEY) if self.raw_extra else None


#: Key of a file's task identity inside an annotation's ``extra``.
TASK_KEY = INTERNAL_PREFIX + "task_key"


def max_id(conn: Connection, table: str) -> int:
    """The highest id in ``table``: rows above it were written by the running import."""
    return conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar_one()


def document_ids(conn: Connection, hashes: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    unique = list(dict.fromkeys(hashes))
    for part in chunks(unique):
        sql = f"SELECT content_hash, id FROM documents WHERE content_hash IN ({marks(len(part))})"
        found.update(conn.exec_driver_sql(sql, tuple(part)).all())
    return found


def documents_after(conn: Connection, last: int) -> dict[str, int]:
    """Hash → id of the documents added after id ``last`` (what an insert just added): a
    range of row ids, cheaper than looking each hash up."""
    return dict(raw_rows(conn, "SELECT content_hash, id FROM documents WHERE id > ?", (last,)))


def insert_documents(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> int:
    """Rows of (text, title, source, meta, content_hash, length, created_at, extra); a text
    already in the project is left as it is. Returns how many were new."""
    if not rows:
        return 0
    result = conn.exec_driver_sql(
        "INSERT INTO documents (text, title, source, meta, content_hash, length, created_at, "
        "extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(content_hash) DO NOTHING",
        list(rows),
    )
    return max(result.rowcount, 0)


def document_fields(
    conn: Connection, document_ids: Sequence[int]
) -> dict[int, tuple[str | None, dict[str, Any], dict[str, Any]]]:
    """(title, meta, kept fields) of these documents."""
    found: dict[int, tuple[str | None, dict[str, Any], dict[str, Any]]] = {}
    for part in chunks(list(document_ids)):
        for document_id, title, meta, extra in raw_rows(
            conn,
            f"SELECT id, title, meta, extra FROM documents WHERE id IN ({marks(len(part))})",
            tuple(part),
        ):
            found[document_id] = (title, loads(meta), loads(extra))
    return found


def update_document_fields(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Rows of (title, meta, extra, document_id): fields added from a later record."""
    if rows:
        conn.exec_driver_sql(
            "UPDATE documents SET title = ?, meta = ?, extra = ? WHERE id = ?", list(rows)
        )


def annotator_ids(conn: Connection, names: Iterable[str]) -> dict[str, int]:
    """Ids of these annotators, adding the ones not yet in the project as people."""
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return {}
    conn.exec_driver_sql(
        "INSERT INTO annotators (name, kind) VALUES (?, 'human') ON CONFLICT(name) DO NOTHING",
        [(name,) for name in wanted],
    )
    found: dict[str, int] = {}
    for part in chunks(wanted):
        sql = f"SELECT name, id FROM annotators WHERE name IN ({marks(len(part))})"
        found.update(conn.exec_driver_sql(sql, tuple(part)).all())
    return found


def stored_sets(
    conn: Connection, keys: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], StoredSet]:
    """Annotations already in the project for these (document, annotator) pairs."""
    wanted = set(keys)
    documents = sorted({document for document, _ in wanted})
    found: dict[tuple[int, int], StoredSet] = {}
    for part in chunks(documents):
        for row in raw_rows(
            conn,
            "SELECT document_id, annotator_id, id, partial, imported_digest, status, extra "
            f"FROM annotations WHERE document_id IN ({marks(len(part))})",
            tuple(part),
        ):
            key = (row[0], row[1])
            if key in wanted:
                found[key] = StoredSet(row[2], bool(row[3]), row[4], row[5], row[6])
    return found


def annotation_ids(conn: Connection, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Ids of the annotations of these (document, annotator) pairs."""
    wanted = set(keys)
    documents = sorted({document for document, _ in wanted})
    found: dict[tuple[int, int], int] = {}
    for part in chunks(documents):
        for document, annotator, annotation in raw_rows(
            conn,
            "SELECT document_id, annotator_id, id FROM annotations "
            f"WHERE document_id IN ({marks(len(part))})",
            tuple(part),
        ):
            if (document, annotator) in wanted:
                found[(document, annotator)] = annotation
    return found


def insert_annotations(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Rows of (document_id, annotator_id, status, partial, extra, imported_digest)."""
    if not rows:
        return
    now = now_text()
    conn.exec_driver_sql(
        "INSERT INTO annotations (document_id, annotator_id, status, active_seconds, "
        "created_at, updated_at, partial, extra, imported_digest) "
        "VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?)",
        [
            (d, a, status, now, now, partial, extra, digest)
            for d, a, status, partial, extra, digest in rows
        ],
    )


def update_annotations(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Rows of (status, partial, extra, imported_digest, annotation_id)."""
    if not rows:
        return
    now = now_text()
    conn.exec_driver_sql(
        "UPDATE annotations SET status = ?, partial = ?, extra = ?, imported_digest = ?, "
        "updated_at = ? WHERE id = ?",
        [(status, partial, extra, digest, now, i) for status, partial, extra, digest, i in rows],
    )


def set_imported_digests(conn: Connection, rows: Sequence[tuple[str, int]]) -> None:
    """Rows of (digest, annotation_id): what the sets hold as imported."""
    if rows:
        conn.exec_driver_sql("UPDATE annotations SET imported_digest = ? WHERE id = ?", list(rows))


def clear_annotations(conn: Connection, annotation_ids: Sequence[int]) -> None:
    """Remove the spans (and with them their relations) and topics of these annotations."""
    for part in chunks(list(annotation_ids)):
        where = f"annotation_id IN ({marks(len(part))})"
        conn.exec_driver_sql(f"DELETE FROM relations WHERE {where}", tuple(part))
        conn.exec_driver_sql(f"DELETE FROM spans WHERE {where}", tuple(part))
        conn.exec_driver_sql(f"DELETE FROM topics WHERE {where}", tuple(part))


def insert_spans(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> int:
    """Rows of (annotation_id, layer, span_group, start, end, label_id, note, kb_id,
    attributes, extra, created_by, rejected, created_at); a span already in the set is left
    as it is. Returns how many were new."""
    if not rows:
        return 0
    plain = [r for r in rows if _is_plain(r)]
    full = [r for r in rows if not _is_plain(r)] if len(plain) < len(rows) else []
    added = 0
    if plain:
        # Most spans are a label on offsets and nothing more: fewer values to bind each.
        added += conn.exec_driver_sql(
            'INSERT INTO spans (annotation_id, layer, start, "end", label_id, created_by, '
            "rejected, created_at) VALUES (?, ?, ?, ?, ?, ?, FALSE, ?) ON CONFLICT DO NOTHING",
            [(r[0], r[1], r[3], r[4], r[5], r[10], r[12]) for r in plain],
        ).rowcount
    if full:
        added += conn.exec_driver_sql(
            'INSERT INTO spans (annotation_id, layer, span_group, start, "end", label_id, note, '
            "kb_id, attributes, extra, created_by, rejected, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            full,
        ).rowcount
    return max(added, 0)


def _is_plain(row: tuple[Any, ...]) -> bool:
    """No group, note, link, attributes, kept fields, and not rejected."""
    return not (row[2] or row[6] or row[7] or row[8] or row[9] or row[11])


def span_ids(
    conn: Connection, annotation_ids: Sequence[int]
) -> dict[tuple[int, str, str, int, int, int | None], int]:
    """Span ids by (annotation, layer, group, start, end, label id): how relations find
    the spans just written."""
    found: dict[tuple[int, str, str, int, int, int | None], int] = {}
    for part in chunks(list(annotation_ids)):
        rows = raw_rows(
            conn,
            'SELECT annotation_id, layer, span_group, start, "end", label_id, id FROM spans '
            f"WHERE annotation_id IN ({marks(len(part))})",
            tuple(part),
        )
        found.update((row[:6], row[6]) for row in rows)
    return found


def insert_relations(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> int:
    """Rows of (annotation_id, head_span_id, child_span_id, label_id, created_by, extra,
    created_at). Returns how many were new."""
    if not rows:
        return 0
    result = conn.exec_driver_sql(
        "INSERT INTO relations (annotation_id, head_span_id, child_span_id, label_id, "
        "created_by, extra, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        list(rows),
    )
    return max(result.rowcount, 0)


def upsert_topics(conn: Connection, rows: Sequence[tuple[int, int, bool]]) -> int:
    """Rows of (annotation_id, label_id, applies); a later decision replaces an earlier one."""
    if not rows:
        return 0
    result = conn.exec_driver_sql(
        "INSERT INTO topics (annotation_id, label_id, applies) VALUES (?, ?, ?) "
        "ON CONFLICT(annotation_id, label_id) DO UPDATE SET applies = excluded.applies",
        list(rows),
    )
    return max(result.rowcount, 0)


def accepted_entities(
    conn: Connection, annotation_ids: Sequence[int]
) -> dict[int, list[tuple[int, int, str]]]:
    """Each annotation's entities that are not rejected, for overlap checks when combining."""
    found: dict[int, list[tuple[int, int, str]]] = {i: [] for i in annotation_ids}
    for part in chunks(list(annotation_ids)):
        for annotation_id, start, end, label in conn.exec_driver_sql(
            'SELECT s.annotation_id, s.start, s."end", l.name FROM spans AS s '
            "JOIN labels AS l ON l.id = s.label_id WHERE s.layer = 'entity' "
            f"AND s.rejected = FALSE AND s.annotation_id IN ({marks(len(part))})",
            tuple(part),
        ):
            found[annotation_id].append((start, end, label))
    return found


def log_imports(conn: Connection, files: Sequence[dict[str, Any]]) -> None:
    """One edit-log row per imported file (which file, which format)."""
    if not files:
        return
    now = now_text()
    conn.exec_driver_sql(
        "INSERT INTO edit_log (at, annotator_id, document_id, action, details) "
        "VALUES (?, NULL, NULL, 'import', ?)",
        [(now, json.dumps(details, ensure_ascii=False)) for details in files],
    )


@dataclass
class ContentCounts:
    """How much the given annotations hold: spans by (layer, rejected), links, relations,
    topic decisions. An import reports the change of these, so reported equals stored."""

    spans: dict[tuple[str, bool], int]
    links: int
    relations: int
    topics: int


def content_counts(conn: Connection, annotation_ids: Sequence[int]) -> ContentCounts:
    counts = ContentCounts({}, 0, 0, 0)
    for part in chunks(list(annotation_ids)):
        where = f"annotation_id IN ({marks(len(part))})"
        for layer, rejected, total, links in conn.exec_driver_sql(
            f"SELECT layer, rejected, count(*), count(kb_id) FROM spans WHERE {where} "
            "GROUP BY layer, rejected",
            tuple(part),
        ):
            key = (layer, bool(rejected))
            counts.spans[key] = counts.spans.get(key, 0) + total
            counts.links += links
        counts.relations += conn.exec_driver_sql(
            f"SELECT count(*) FROM relations WHERE {where}", tuple(part)
        ).scalar_one()
        counts.topics += conn.exec_driver_sql(
            f"SELECT count(*) FROM topics WHERE {where}", tuple(part)
        ).scalar_one()
    return counts


def delete_spans(conn: Connection, span_ids_to_delete: Sequence[int]) -> None:
    """Remove spans by id (their relations go with them)."""
    for part in chunks(list(span_ids_to_delete)):
        conn.exec_driver_sql(f"DELETE FROM spans WHERE id IN ({marks(len(part))})", tuple(part))


def status_counts(conn: Connection, first_new: int, others: Sequence[int]) -> dict[str, int]:
    """Statuses of the annotations written by an import: ids above ``first_new`` (new ones)
    and ``others`` (existing ones it replaced)."""
    counts = dict(
        conn.exec_driver_sql(
            "SELECT status, count(*) FROM annotations WHERE id > ? GROUP BY status", (first_new,)
        ).all()
    )
    for part in chunks([i for i in others if i <= first_new]):
        for status, total in conn.exec_driver_sql(
            f"SELECT status, count(*) FROM annotations WHERE id IN ({marks(len(part))}) "
            "GROUP BY status",
            tuple(part),
        ):
            counts[status] = counts.get(status, 0) + total
    return counts

"""The document list: filtered, sorted pages of rows, never loading the texts.

Built for 100,000 documents: counts and pages are single SQL queries, per-row figures are
computed only for the rows of the page asked for (unless the list is sorted by them).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.errors import AnnotatorError
from annotator.core.progress import CancelCallback, ProgressCallback, Reporter
from annotator.core.records import Status
from annotator.core.store import search as search_store
from annotator.core.store.suggestions import open_count_sql

if TYPE_CHECKING:
    from annotator.core.project import Project

SORT_KEYS = {
    "order": "d.id",
    "title": "d.title COLLATE NOCASE",
    "status": "status",
    "entities": "entities",
    "length": "d.length",
    "unsure": "unsure",
}
#: "Model unsure first": the viewer's unfinished documents before the rest, each part from
#: the most to the least uncertain by the model that last ranked them (see
#: ``annotator.core.uncertainty``); documents it has not scored come last.
UNSURE_ORDER = (
    "coalesce(a.status, 'new') IN ('done', 'skipped', 'rejected'), "
    "(SELECT u.uncertainty FROM model_uncertainty AS u WHERE u.document_id = d.id "
    "AND u.annotator_id = {model}) DESC"
)
INDEX_CHUNK = 100
MAX_INDEX_CHUNK = 2_000
#: How long one indexing transaction may hold the writer (an edit waits at most this).
CHUNK_SECONDS = 0.05


@dataclass(frozen=True)
class DocumentFilter:
    """What the list shows, from one annotator's point of view."""

    annotator: str
    status: Status | None = None
    entity_label: str | None = None
    topic: str | None = None
    unreliable_only: bool = False
    search: str | None = None
    document_id: int | None = None
    min_disagreements: int | None = None


@dataclass(frozen=True)
class DocumentRow:
    id: int
    title: str
    status: Status
    entities: int
    suggestions: int
    topics: tuple[str, ...]
    unreliable: int


ENTITY_COUNT = (
    "(SELECT count(*) FROM spans AS s WHERE s.annotation_id = a.id AND s.layer = 'entity' "
    "AND s.rejected = 0)"
)
UNRELIABLE_COUNT = (
    "(SELECT count(*) FROM spans AS s WHERE s.annotation_id = a.id AND s.layer = 'unreliable')"
)
SUGGESTION_COUNT = open_count_sql("a.id", "d.id")
TOPICS = (
    "(SELECT group_concat(l.name, ', ') FROM topics AS t JOIN labels AS l ON l.id = t.label_id "
    "WHERE t.annotation_id = a.id AND t.applies = 1)"
)


def _where(
    project: Project, flt: DocumentFilter, build_index: bool = True
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if flt.document_id is not None:
        clauses.append("d.id = ?")
        params.append(flt.document_id)
    if flt.status is not None:
        clauses.append("coalesce(a.status, 'new') = ?")
        params.append(flt.status.value)
    if flt.entity_label:
        clauses.append(
            "EXISTS (SELECT 1 FROM annotations AS x JOIN spans AS s ON s.annotation_id = x.id "
            "JOIN labels AS l ON l.id = s.label_id JOIN annotators AS xn ON xn.id = x.annotator_id "
            "WHERE x.document_id = d.id AND s.layer = 'entity' AND s.rejected = 0 AND l.name = ? "
            "AND (xn.name = ? OR xn.kind = 'model'))"
        )
        params += [flt.entity_label, flt.annotator]
    if flt.topic:
        clauses.append(
            "EXISTS (SELECT 1 FROM topics AS t JOIN labels AS l ON l.id = t.label_id "
            "WHERE t.annotation_id = a.id AND t.applies = 1 AND l.name = ?)"
        )
        params.append(flt.topic)
    if flt.unreliable_only:
        clauses.append(f"{UNRELIABLE_COUNT} > 0")
    if flt.min_disagreements:
        clauses.append(
            "EXISTS (SELECT 1 FROM review_counts AS rc WHERE rc.document_id = d.id "
            "AND rc.disagreements >= ?)"
        )
        params.append(flt.min_disagreements)
    if flt.search and flt.search.strip():
        if build_index:
            ensure_search_index(project)
        clause, values = search_store.search_clause(flt.search)
        clauses.append(clause)
        params += values
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


# The unique index on content hashes holds every document id: scanning it instead of the
# table (whose rows hold the texts) reads a few megabytes instead of the whole corpus.
IDS_ONLY = "INDEXED BY sqlite_autoindex_documents_1"


def _base(annotator_id: int, ids_only: bool = False) -> tuple[str, list[Any]]:
    """Every document, joined with the viewing annotator's annotation when there is one."""
    return (
        f"FROM documents AS d {IDS_ONLY if ids_only else ''} LEFT JOIN annotations AS a "
        "ON a.document_id = d.id AND a.annotator_id = ?",
        [annotator_id],
    )


def _annotator_id(project: Project, name: str) -> int:
    with project.read() as conn:
        row = conn.exec_driver_sql("SELECT id FROM annotators WHERE name = ?", (name,)).first()
    return row[0] if row else -1


def count_documents(project: Project, flt: DocumentFilter) -> int:
    where, params = _where(project, flt)
    base, base_params = _base(_annotator_id(project, flt.annotator))
    with project.read() as conn:
        return conn.exec_driver_sql(
            f"SELECT count(*) {base}{where}", tuple(base_params + params)
        ).scalar_one()


def list_documents(
    project: Project,
    flt: DocumentFilter,
    *,
    sort: str = "order",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[DocumentRow]:
    if sort not in SORT_KEYS:
        raise AnnotatorError(f"Cannot sort documents by '{sort}'.")
    where, params = _where(project, flt)
    base, base_params = _base(_annotator_id(project, flt.annotator))
    order = _order(project, sort, SORT_KEYS[sort], descending)
    sql = (
        f"SELECT d.id, coalesce(d.title, ''), coalesce(a.status, 'new') AS status, "
        f"coalesce({ENTITY_COUNT}, 0) AS entities, {SUGGESTION_COUNT}, {TOPICS}, "
        f"coalesce({UNRELIABLE_COUNT}, 0) {base}{where} "
        f"ORDER BY {order}, d.id LIMIT ? OFFSET ?"
    )
    with project.read() as conn:
        rows = conn.exec_driver_sql(sql, (*base_params, *params, limit, offset)).all()
    return [_row(row) for row in rows]


def list_document_ids(
    project: Project,
    flt: DocumentFilter,
    *,
    sort: str = "order",
    descending: bool = False,
    build_index: bool = True,
) -> list[int]:
    """Every matching document's id in list order: one query, then rows are read by id.

    A list of 100,000 ids is a few hundred kilobytes; reading rows by id keeps every page of
    a long list as fast as the first, where OFFSET would scan all rows before it. With
    ``build_index`` off, a search reads the index as far as the background indexer has
    come and scans the texts beyond it.
    """
    if sort not in SORT_KEYS:
        raise AnnotatorError(f"Cannot sort documents by '{sort}'.")
    where, params = _where(project, flt, build_index)
    ids_only = sort not in ("title", "length")
    base, base_params = _base(_annotator_id(project, flt.annotator), ids_only)
    expressions = {
        "status": "coalesce(a.status, 'new')",
        "entities": f"coalesce({ENTITY_COUNT}, 0)",
    }
    order = _order(project, sort, expressions.get(sort, SORT_KEYS[sort]), descending)
    sql = f"SELECT d.id {base}{where} ORDER BY {order}, d.id"
    with project.read() as conn:
        cursor = conn.connection.driver_connection.execute(sql, (*base_params, *params))
        return [row[0] for row in cursor.fetchall()]


def _order(project: Project, sort: str, expression: str, descending: bool) -> str:
    if sort == "unsure":
        from annotator.core.uncertainty import RANKED_BY

        model = project.get_setting(RANKED_BY)
        return UNSURE_ORDER.format(model=model if isinstance(model, int) else -1)
    return f"{expression} {'DESC' if descending else 'ASC'}"


def document_rows(project: Project, annotator: str, ids: list[int]) -> list[DocumentRow]:
    """The rows of these documents, in the order given."""
    if not ids:
        return []
    base, base_params = _base(_annotator_id(project, annotator))
    marks = ",".join("?" * len(ids))
    sql = (
        f"SELECT d.id, coalesce(d.title, ''), coalesce(a.status, 'new') AS status, "
        f"coalesce({ENTITY_COUNT}, 0) AS entities, {SUGGESTION_COUNT}, {TOPICS}, "
        f"coalesce({UNRELIABLE_COUNT}, 0) {base} WHERE d.id IN ({marks})"
    )
    with project.read() as conn:
        rows = {row[0]: _row(row) for row in conn.exec_driver_sql(sql, (*base_params, *ids))}
    return [rows[i] for i in ids if i in rows]


def _row(row: Any) -> DocumentRow:
    return DocumentRow(
        id=row[0],
        title=row[1],
        status=Status(row[2]),
        entities=row[3],
        suggestions=row[4],
        topics=tuple(row[5].split(", ")) if row[5] else (),
        unreliable=row[6],
    )


def document_row(project: Project, annotator: str, document_id: int) -> DocumentRow | None:
    """One row, re-read after an edit without re-reading its whole page."""
    rows = document_rows(project, annotator, [document_id])
    return rows[0] if rows else None


def ensure_search_index(
    project: Project,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
) -> int:
    """Index documents imported since the last search; returns how many were added. A chunk
    per transaction, so an edit waits for one chunk at most."""
    reporter = Reporter(progress, cancel)
    with project.read() as conn:
        done = search_store.indexed_up_to(conn)
        total = search_store.documents_after(conn, done)
    added, chunk = 0, INDEX_CHUNK
    try:
        while True:
            reporter.check_cancelled()
            started = time.perf_counter()
            with project.write() as conn:
                count, done = search_store.index_after(conn, done, chunk)
            if count == 0:
                return added
            added += count
            reporter.report(added, max(total, added), "Indexing for search")
            # Chunks sized to take about CHUNK_SECONDS: short articles in big chunks (each
            # transaction has its cost), long ones in small chunks (an edit waits for one).
            took = max(time.perf_counter() - started, 1e-4)
            chunk = max(10, min(MAX_INDEX_CHUNK, int(chunk * CHUNK_SECONDS / took)))
    finally:
        with project.write() as conn:
            search_store.end_indexing(conn)

"""The document list: filtered, sorted pages of rows, never loading the texts.

Built for 100,000 documents: counts and pages are single SQL queries, per-row figures are
computed only for the rows of the page asked for (unless the list is sorted by them). The
queries are ``annotator.core.store.listing``'s; here the filter a user builds becomes the
store's conditions, and stored rows become :class:`DocumentRow`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.errors import AnnotatorError
from annotator.core.progress import CancelCallback, ProgressCallback, Reporter
from annotator.core.records import Status
from annotator.core.store import listing as store
from annotator.core.store import search as search_store

if TYPE_CHECKING:
    from annotator.core.project import Project

SORT_KEYS = store.SORT_KEYS
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
    #: Only the documents assigned to the annotator (see ``annotator.core.assignment``).
    my_queue: bool = False


@dataclass(frozen=True)
class DocumentRow:
    id: int
    title: str
    status: Status
    entities: int
    suggestions: int
    topics: tuple[str, ...]
    unreliable: int


def _conditions(project: Project, flt: DocumentFilter, build_index: bool) -> store.Conditions:
    """The filter as the store asks it; a search first brings the index up to date unless
    ``build_index`` is off (then the store scans what the index has not reached)."""
    search = flt.search if flt.search and flt.search.strip() else None
    if search and build_index:
        ensure_search_index(project)
    return store.Conditions(
        document_id=flt.document_id,
        status=flt.status.value if flt.status is not None else None,
        entity_label=flt.entity_label,
        topic=flt.topic,
        unreliable_only=flt.unreliable_only,
        min_disagreements=flt.min_disagreements,
        search=search,
        queue_only=flt.my_queue,
    )


def _order(project: Project, sort: str, descending: bool) -> store.Order:
    if sort not in SORT_KEYS:
        raise AnnotatorError(f"Cannot sort documents by '{sort}'.")
    if sort != "unsure":
        return store.Order(sort, descending)
    from annotator.core.uncertainty import RANKED_BY

    model = project.get_setting(RANKED_BY)
    return store.Order(sort, descending, model if isinstance(model, int) else None)


def count_documents(project: Project, flt: DocumentFilter) -> int:
    conditions = _conditions(project, flt, build_index=True)
    with project.read() as conn:
        viewer = store.annotator_id(conn, flt.annotator)
        return store.count_documents(conn, viewer, conditions)


def list_documents(
    project: Project,
    flt: DocumentFilter,
    *,
    sort: str = "order",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[DocumentRow]:
    order = _order(project, sort, descending)
    conditions = _conditions(project, flt, build_index=True)
    with project.read() as conn:
        viewer = store.annotator_id(conn, flt.annotator)
        rows = store.document_page(conn, viewer, conditions, order, offset, limit)
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
    order = _order(project, sort, descending)
    conditions = _conditions(project, flt, build_index)
    with project.read() as conn:
        viewer = store.annotator_id(conn, flt.annotator)
        return store.document_ids(conn, viewer, conditions, order)


def document_rows(project: Project, annotator: str, ids: list[int]) -> list[DocumentRow]:
    """The rows of these documents, in the order given."""
    if not ids:
        return []
    with project.read() as conn:
        rows = store.rows_by_id(conn, store.annotator_id(conn, annotator), ids)
    return [_row(rows[i]) for i in ids if i in rows]


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

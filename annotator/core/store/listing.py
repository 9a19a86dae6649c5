"""The document list's storage questions: which documents a filter selects, in which order,
and the figures of each row, from one annotator's point of view.

Built for 100,000 documents: counts and id lists are single queries, and the per-row figures
(entities, open suggestions, topics, unreliable passages) are computed only for the rows
asked for, unless the list is sorted by them. ``annotator.core.listing`` holds the filter the
app and the command line build; it hands this module plain :class:`Conditions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from annotator.core.store import search as search_store
from annotator.core.store.content import raw_rows
from annotator.core.store.suggestions import open_count_sql

#: The orders the list offers, by name: a column expression of the page query.
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
ENTITY_COUNT = (
    "(SELECT count(*) FROM spans AS s WHERE s.annotation_id = a.id AND s.layer = 'entity' "
    "AND s.rejected = FALSE)"
)
UNRELIABLE_COUNT = (
    "(SELECT count(*) FROM spans AS s WHERE s.annotation_id = a.id AND s.layer = 'unreliable')"
)
SUGGESTION_COUNT = open_count_sql("a.id", "d.id")
TOPICS = (
    "(SELECT group_concat(l.name, ', ') FROM topics AS t JOIN labels AS l ON l.id = t.label_id "
    "WHERE t.annotation_id = a.id AND t.applies = TRUE)"
)
#: The columns of one row of the list, in the order ``annotator.core.listing`` reads them.
ROW_COLUMNS = (
    "d.id, coalesce(d.title, ''), coalesce(a.status, 'new') AS status, "
    f"coalesce({ENTITY_COUNT}, 0) AS entities, {SUGGESTION_COUNT}, {TOPICS}, "
    f"coalesce({UNRELIABLE_COUNT}, 0)"
)
#: Sort expressions for the id-only query, which has no row columns to refer to by name.
ID_ORDER = {"status": "coalesce(a.status, 'new')", "entities": f"coalesce({ENTITY_COUNT}, 0)"}
# The unique index on content hashes holds every document id: scanning it instead of the
# table (whose rows hold the texts) reads a few megabytes instead of the whole corpus.
IDS_ONLY = "INDEXED BY sqlite_autoindex_documents_1"


@dataclass(frozen=True)
class Conditions:
    """What a list shows, as the store asks it: every field narrows the documents."""

    document_id: int | None = None
    #: A status value (``new`` for documents the viewer has no set on).
    status: str | None = None
    #: Documents where the viewer or a model has a live entity of this label.
    entity_label: str | None = None
    #: Documents the viewer says this topic applies to.
    topic: str | None = None
    unreliable_only: bool = False
    min_disagreements: int | None = None
    #: Words that must all occur in the title or text.
    search: str | None = None
    #: Only the documents assigned to the viewer (their queue).
    queue_only: bool = False


@dataclass(frozen=True)
class Order:
    """A key of :data:`SORT_KEYS`; ``ranked_by`` is the model of the "unsure" order."""

    key: str = "order"
    descending: bool = False
    ranked_by: int | None = None

    def sql(self, expression: str) -> str:
        if self.key == "unsure":
            return UNSURE_ORDER.format(model=int(self.ranked_by or -1))
        return f"{expression} {'DESC' if self.descending else 'ASC'}"


def annotator_id(conn: Connection, name: str) -> int:
    """The viewer's id; -1 for a name with no row yet (they see every document as new)."""
    row = conn.exec_driver_sql("SELECT id FROM annotators WHERE name = ?", (name,)).first()
    return row[0] if row else -1


def _base(viewer: int, ids_only: bool = False) -> tuple[str, list[Any]]:
    """Every document, joined with the viewer's annotation when there is one."""
    return (
        f"FROM documents AS d {IDS_ONLY if ids_only else ''} LEFT JOIN annotations AS a "
        "ON a.document_id = d.id AND a.annotator_id = ?",
        [viewer],
    )


def _where(conn: Connection, viewer: int, conditions: Conditions) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if conditions.document_id is not None:
        clauses.append("d.id = ?")
        params.append(conditions.document_id)
    if conditions.status is not None:
        clauses.append("coalesce(a.status, 'new') = ?")
        params.append(conditions.status)
    if conditions.entity_label:
        clauses.append(
            "EXISTS (SELECT 1 FROM annotations AS x JOIN spans AS s ON s.annotation_id = x.id "
            "JOIN labels AS l ON l.id = s.label_id JOIN annotators AS xn ON xn.id = x.annotator_id "
            "WHERE x.document_id = d.id AND s.layer = 'entity' AND s.rejected = FALSE "
            "AND l.name = ? AND (xn.id = ? OR xn.kind = 'model'))"
        )
        params += [conditions.entity_label, viewer]
    if conditions.topic:
        clauses.append(
            "EXISTS (SELECT 1 FROM topics AS t JOIN labels AS l ON l.id = t.label_id "
            "WHERE t.annotation_id = a.id AND t.applies = TRUE AND l.name = ?)"
        )
        params.append(conditions.topic)
    if conditions.unreliable_only:
        clauses.append(f"{UNRELIABLE_COUNT} > 0")
    if conditions.min_disagreements:
        clauses.append(
            "EXISTS (SELECT 1 FROM review_counts AS rc WHERE rc.document_id = d.id "
            "AND rc.disagreements >= ?)"
        )
        params.append(conditions.min_disagreements)
    if conditions.queue_only:
        clauses.append(
            "EXISTS (SELECT 1 FROM assignments AS q WHERE q.document_id = d.id "
            "AND q.annotator_id = ?)"
        )
        params.append(viewer)
    if conditions.search and conditions.search.strip():
        clause, values = search_store.search_clause(conn, conditions.search)
        clauses.append(clause)
        params += values
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def count_documents(conn: Connection, viewer: int, conditions: Conditions) -> int:
    """How many documents the conditions select."""
    where, params = _where(conn, viewer, conditions)
    base, base_params = _base(viewer)
    return conn.exec_driver_sql(
        f"SELECT count(*) {base}{where}", tuple(base_params + params)
    ).scalar_one()


def document_page(
    conn: Connection, viewer: int, conditions: Conditions, order: Order, offset: int, limit: int
) -> list[Any]:
    """One page of rows (see :data:`ROW_COLUMNS`) in the order asked."""
    where, params = _where(conn, viewer, conditions)
    base, base_params = _base(viewer)
    sql = (
        f"SELECT {ROW_COLUMNS} {base}{where} "
        f"ORDER BY {order.sql(SORT_KEYS[order.key])}, d.id LIMIT ? OFFSET ?"
    )
    return list(conn.exec_driver_sql(sql, (*base_params, *params, limit, offset)).all())


def document_ids(conn: Connection, viewer: int, conditions: Conditions, order: Order) -> list[int]:
    """Every selected document's id in list order, in one query.

    Read through the DB-API cursor: for 100,000 ids SQLAlchemy's result rows cost more than
    the query. Orders that need the documents' own columns (title, length) read the table;
    the others scan only the index of ids.
    """
    where, params = _where(conn, viewer, conditions)
    ids_only = order.key not in ("title", "length") and conn.dialect.name == "sqlite"
    base, base_params = _base(viewer, ids_only=ids_only)
    expression = order.sql(ID_ORDER.get(order.key, SORT_KEYS[order.key]))
    sql = f"SELECT d.id {base}{where} ORDER BY {expression}, d.id"
    return [row[0] for row in raw_rows(conn, sql, (*base_params, *params))]


def rows_by_id(conn: Connection, viewer: int, ids: list[int]) -> dict[int, Any]:
    """The rows of these documents (see :data:`ROW_COLUMNS`), by document id."""
    if not ids:
        return {}
    base, base_params = _base(viewer)
    marks = ",".join("?" * len(ids))
    sql = f"SELECT {ROW_COLUMNS} {base} WHERE d.id IN ({marks})"
    return {row[0]: row for row in conn.exec_driver_sql(sql, (*base_params, *ids))}

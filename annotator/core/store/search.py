"""Full-text search: the FTS5 index over titles and texts, filled in the background.

The index trails the documents table (imports stay plain inserts); documents never change, so
"indexed" is simply every id up to the index's largest rowid. While the index catches up, a
search still sees the documents beyond it, by a slower substring scan of only those.

On PostgreSQL the server keeps its own index up to date as documents arrive (see
``dialect.SERVER_SCHEMA_EXTRAS``): there is nothing to fill, and every document is indexed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from annotator.core.store.dialect import server_search_clause

#: The largest document id in the index.
INDEXED_UP_TO = "(SELECT coalesce(max(rowid), 0) FROM documents_fts_docsize)"


def _on_server(conn: Connection) -> bool:
    return conn.dialect.name != "sqlite"


def indexed_up_to(conn: Connection) -> int:
    if _on_server(conn):
        return conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM documents").scalar_one()
    return conn.exec_driver_sql(f"SELECT {INDEXED_UP_TO}").scalar_one()


def documents_after(conn: Connection, document_id: int) -> int:
    """How many documents have an id above this one (those still to index), counted once per
    indexing run: counting again per chunk made a 100,000-document build eight times slower
    than FTS5's own rebuild."""
    return conn.exec_driver_sql(
        "SELECT count(*) FROM documents WHERE id > ?", (document_id,)
    ).scalar_one()


#: Pages SQLite may cache while indexing (64 MB): FTS5 merges its segments as the index
#: grows, and with the default 2 MB cache those merges read the same pages again and again
#: (1.49x FTS5's own rebuild on 100,000 articles, against 1.09x with this cache).
INDEXING_CACHE = -65_536
DEFAULT_CACHE = -2_000


def index_after(conn: Connection, document_id: int, limit: int) -> tuple[int, int]:
    """Index the next ``limit`` documents after this id: (how many, the last id indexed)."""
    if _on_server(conn):
        return 0, document_id
    conn.exec_driver_sql(f"PRAGMA cache_size = {INDEXING_CACHE}")
    rows = conn.exec_driver_sql(
        "INSERT INTO documents_fts (rowid, title, text) SELECT id, coalesce(title, ''), text "
        "FROM documents WHERE id > ? ORDER BY id LIMIT ? RETURNING rowid",
        (document_id, limit),
    ).all()
    return len(rows), max((row[0] for row in rows), default=document_id)


def end_indexing(conn: Connection) -> None:
    """Give the writer connection its usual cache back."""
    if _on_server(conn):
        return
    conn.exec_driver_sql(f"PRAGMA cache_size = {DEFAULT_CACHE}")


def fts_query(text: str) -> str:
    """Turn what a user types into an FTS5 query: every word must occur, as a prefix.

    Quoting each word keeps punctuation (hyphens, apostrophes) from being read as FTS syntax.
    """
    words = [w.replace('"', '""') for w in text.split()]
    return " ".join(f'"{w}"*' for w in words)


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_clause(conn: Connection, text: str, document: str = "d") -> tuple[str, list[Any]]:
    """A condition on the documents ``document`` that holds where every word occurs: the
    index answers for indexed documents, a substring scan for the rest."""
    if _on_server(conn):
        return server_search_clause(text, document)
    words = text.split()
    scan = " AND ".join(
        f"(coalesce({document}.title, '') || ' ' || {document}.text) LIKE ? ESCAPE '\\'"
        for _ in words
    )
    return (
        f"({document}.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?) "
        f"OR ({document}.id > {INDEXED_UP_TO} AND {scan}))",
        [fts_query(text), *(_like(word) for word in words)],
    )

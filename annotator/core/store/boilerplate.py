"""Boilerplate regions: reading them for documents, replacing what a detection found, and a
person's marks. Detected regions are replaced wholesale by each detection; ``marked`` and
``kept`` ones are people's and stay."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from annotator.core.store.content import chunks, marks

#: Regions that count as boilerplate (``kept`` only steers later detections).
GREYED = "kind IN ('detected', 'marked')"


def regions(
    conn: Connection, document_ids: Sequence[int], kinds: tuple[str, ...] = ("detected", "marked")
) -> dict[int, list[tuple[int, int, str]]]:
    """(start, end, kind) of each document's regions of these kinds, in text order."""
    found: dict[int, list[tuple[int, int, str]]] = {}
    for part in chunks(list(document_ids)):
        rows = conn.exec_driver_sql(
            'SELECT document_id, start, "end", kind FROM boilerplate '
            f"WHERE document_id IN ({marks(len(part))}) "
            f"AND kind IN ({marks(len(kinds))}) ORDER BY document_id, start",
            (*part, *kinds),
        )
        for document_id, start, end, kind in rows:
            found.setdefault(document_id, []).append((start, end, kind))
    return found


def text_pages(conn: Connection, after: int, limit: int) -> list[tuple[int, str, str | None]]:
    """(id, text, title) of the next documents after this id."""
    return [
        (row[0], row[1], row[2])
        for row in conn.exec_driver_sql(
            "SELECT id, text, title FROM documents WHERE id > ? ORDER BY id LIMIT ?",
            (after, limit),
        )
    ]


def set_titles(conn: Connection, titles: Sequence[tuple[str, int]]) -> None:
    """(title, document id) pairs."""
    if titles:
        conn.exec_driver_sql("UPDATE documents SET title = ? WHERE id = ?", list(titles))


def replace_detected(conn: Connection, found: dict[int, list[tuple[int, int]]]) -> int:
    """Make these documents' detected regions exactly ``found``; how many were written."""
    ids = list(found)
    for part in chunks(ids):
        conn.exec_driver_sql(
            f"DELETE FROM boilerplate WHERE kind = 'detected' AND document_id IN "
            f"({marks(len(part))})",
            tuple(part),
        )
    rows = [(d, start, end) for d, spans in found.items() for start, end in spans]
    if rows:
        conn.exec_driver_sql(
            'INSERT INTO boilerplate (document_id, start, "end", kind) '
            "VALUES (?, ?, ?, 'detected')",
            rows,
        )
    return len(rows)


def add_region(
    conn: Connection, document_id: int, start: int, end: int, kind: str, annotator_id: int
) -> int:
    return conn.exec_driver_sql(
        'INSERT INTO boilerplate (document_id, start, "end", kind, annotator_id) '
        "VALUES (?, ?, ?, ?, ?)",
        (document_id, start, end, kind, annotator_id),
    ).lastrowid


def remove_region(conn: Connection, region_id: int) -> None:
    conn.exec_driver_sql("DELETE FROM boilerplate WHERE id = ?", (region_id,))


def remove_overlapping(
    conn: Connection, document_id: int, start: int, end: int, kinds: tuple[str, ...]
) -> list[tuple[int, int, str, int | None]]:
    """Delete the regions of these kinds that overlap start..end; what was deleted (for undo)."""
    rows = conn.exec_driver_sql(
        f'DELETE FROM boilerplate WHERE document_id = ? AND start < ? AND "end" > ? '
        f'AND kind IN ({marks(len(kinds))}) RETURNING start, "end", kind, annotator_id',
        (document_id, end, start, *kinds),
    ).all()
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def restore(
    conn: Connection, document_id: int, rows: Sequence[tuple[int, int, str, int | None]]
) -> None:
    if rows:
        conn.exec_driver_sql(
            'INSERT INTO boilerplate (document_id, start, "end", kind, annotator_id) '
            "VALUES (?, ?, ?, ?, ?)",
            [(document_id, *row) for row in rows],
        )

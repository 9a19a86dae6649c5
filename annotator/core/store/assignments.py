"""The storage questions of task distribution: who is given which document, and whose work
has begun.

A row of ``assignments`` gives one document to one annotator; ``shared`` rows are the slice
everyone labels. Changes are written as three statements run over many rows each (delete,
insert, re-flag), so re-balancing 100,000 documents is three round trips, not 100,000.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection

from annotator.core.store.bulk import now_text
from annotator.core.store.content import raw_rows


def model_names(conn: Connection, names: Sequence[str]) -> list[str]:
    """Those of these names that belong to models (taggers), which are given no work."""
    marks = ",".join("?" * len(names))
    return list(
        conn.exec_driver_sql(
            f"SELECT name FROM annotators WHERE kind = 'model' AND name IN ({marks}) ORDER BY name",
            tuple(names),
        ).scalars()
    )


def document_ids(conn: Connection) -> list[int]:
    """Every document's id, in import order."""
    return [row[0] for row in raw_rows(conn, "SELECT id FROM documents ORDER BY id", ())]


def document_count(conn: Connection) -> int:
    return conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one()


def current(conn: Connection) -> list[tuple[int, str, bool]]:
    """Every assignment as (document, annotator's name, in the shared slice); read from the
    driver, as a large project holds some hundred thousand."""
    rows = raw_rows(
        conn,
        "SELECT q.document_id, n.name, q.shared FROM assignments AS q "
        "JOIN annotators AS n ON n.id = q.annotator_id ORDER BY q.document_id, n.name",
        (),
    )
    return [(document, name, bool(shared)) for document, name, shared in rows]


def started(conn: Connection, names: Sequence[str]) -> list[tuple[int, str]]:
    """(document, annotator) where that person has begun or finished work: a status other
    than new, or time spent on it. Asked for the people named and for every assignment held,
    the only work a distribution has to keep where it is."""
    marks = ",".join("?" * len(names))
    rows = raw_rows(
        conn,
        "SELECT a.document_id, n.name FROM annotations AS a "
        "JOIN annotators AS n ON n.id = a.annotator_id AND n.kind = 'human' "
        "WHERE (a.status != 'new' OR a.active_seconds > 0) "
        f"AND (n.name IN ({marks}) OR EXISTS (SELECT 1 FROM assignments AS q "
        "WHERE q.document_id = a.document_id AND q.annotator_id = a.annotator_id))",
        tuple(names),
    )
    return [(document, name) for document, name in rows]


def apply(
    conn: Connection,
    *,
    removed: Iterable[tuple[int, int]],
    added: Iterable[tuple[int, int, bool]],
    reflagged: Iterable[tuple[int, int, bool]],
) -> None:
    """Take away (document, annotator id) rows, give (document, annotator id, shared) rows,
    and set the shared flag of rows that stay: one statement over many rows each."""
    removed, added, reflagged = list(removed), list(added), list(reflagged)
    if removed:
        conn.exec_driver_sql(
            "DELETE FROM assignments WHERE document_id = ? AND annotator_id = ?", removed
        )
    if added:
        at = now_text()
        conn.exec_driver_sql(
            "INSERT INTO assignments (document_id, annotator_id, shared, assigned_at) "
            "VALUES (?, ?, ?, ?)",
            [(document, annotator, shared, at) for document, annotator, shared in added],
        )
    if reflagged:
        conn.exec_driver_sql(
            "UPDATE assignments SET shared = ? WHERE document_id = ? AND annotator_id = ?",
            [(shared, document, annotator) for document, annotator, shared in reflagged],
        )


def has_queue(conn: Connection, annotator: str) -> bool:
    """Whether this person has documents assigned to them."""
    return (
        conn.exec_driver_sql(
            "SELECT 1 FROM assignments AS q JOIN annotators AS n ON n.id = q.annotator_id "
            "WHERE n.name = ? LIMIT 1",
            (annotator,),
        ).first()
        is not None
    )


def queue(conn: Connection, annotator: str) -> list[int]:
    """The documents assigned to this person, in import order."""
    return list(
        conn.exec_driver_sql(
            "SELECT q.document_id FROM assignments AS q "
            "JOIN annotators AS n ON n.id = q.annotator_id WHERE n.name = ? "
            "ORDER BY q.document_id",
            (annotator,),
        ).scalars()
    )


def queue_progress(conn: Connection, annotator: str) -> tuple[int, int]:
    """(documents assigned, of them done) for this person. Each count walks an index: the
    queue's, and the person's finished sets (far fewer than all their sets)."""
    row = conn.exec_driver_sql(
        "SELECT (SELECT count(*) FROM assignments AS q WHERE q.annotator_id = n.id), "
        "(SELECT count(*) FROM annotations AS a JOIN assignments AS q "
        "ON q.document_id = a.document_id AND q.annotator_id = a.annotator_id "
        "WHERE a.annotator_id = n.id AND a.status = 'done') "
        "FROM annotators AS n WHERE n.name = ?",
        (annotator,),
    ).first()
    return (row[0], row[1]) if row else (0, 0)

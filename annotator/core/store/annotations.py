"""The storage questions of annotators and their sets: who someone is, their set on a
document, its status and time, and the edit log every change writes.

Get-or-create is an ``INSERT … ON CONFLICT DO NOTHING`` followed by a read, so two people
(or two processes) adding the same name at once both end up with the one row.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection

from annotator.core.store.bulk import now_text


def annotator_id(conn: Connection, name: str) -> int | None:
    return conn.exec_driver_sql("SELECT id FROM annotators WHERE name = ?", (name,)).scalar()


def ensure_annotator(
    conn: Connection, name: str, *, kind: str = "human", model_version: str | None = None
) -> int:
    """The annotator's id, added on first use; a model's version is kept up to date."""
    conn.exec_driver_sql(
        "INSERT INTO annotators (name, kind, model_version) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO NOTHING",
        (name, kind, model_version),
    )
    if model_version is not None:
        conn.exec_driver_sql(
            "UPDATE annotators SET model_version = ? WHERE name = ? "
            "AND (model_version IS NULL OR model_version != ?)",
            (model_version, name, model_version),
        )
    return int(annotator_id(conn, name))


def annotator_row(conn: Connection, name: str) -> tuple[int, str, str, str | None]:
    """(id, name, kind, model version) of an annotator that exists."""
    row = conn.exec_driver_sql(
        "SELECT id, name, kind, model_version FROM annotators WHERE name = ?", (name,)
    ).one()
    return (row[0], row[1], row[2], row[3])


def annotators(conn: Connection) -> list[tuple[int, str, str, str | None]]:
    """Every annotator as (id, name, kind, model version), by name."""
    return [
        (row[0], row[1], row[2], row[3])
        for row in conn.exec_driver_sql(
            "SELECT id, name, kind, model_version FROM annotators ORDER BY name"
        )
    ]


def annotation_id(conn: Connection, document_id: int, annotator_id: int) -> int | None:
    return conn.exec_driver_sql(
        "SELECT id FROM annotations WHERE document_id = ? AND annotator_id = ?",
        (document_id, annotator_id),
    ).scalar()


def ensure_annotation(conn: Connection, document_id: int, annotator_id: int) -> int:
    """The annotator's set on the document, made (status new) by their first edit."""
    now = now_text()
    conn.exec_driver_sql(
        "INSERT INTO annotations (document_id, annotator_id, status, active_seconds, partial, "
        "created_at, updated_at) VALUES (?, ?, 'new', 0, FALSE, ?, ?) "
        "ON CONFLICT (document_id, annotator_id) DO NOTHING",
        (document_id, annotator_id, now, now),
    )
    return int(annotation_id(conn, document_id, annotator_id))


def annotation_head(
    conn: Connection, document_id: int, annotator: str
) -> tuple[int, str, float] | None:
    """(set id, status, active seconds) of the annotator's set on the document, by name."""
    row = conn.exec_driver_sql(
        "SELECT a.id, a.status, a.active_seconds FROM annotations AS a "
        "JOIN annotators AS n ON n.id = a.annotator_id "
        "WHERE a.document_id = ? AND n.name = ?",
        (document_id, annotator),
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def touch(conn: Connection, annotation_id: int, now: str | None = None) -> None:
    """An edit moves a new set to in progress and updates its time."""
    conn.exec_driver_sql(
        "UPDATE annotations SET status = CASE WHEN status = 'new' THEN 'in_progress' "
        "ELSE status END, updated_at = ? WHERE id = ?",
        (now or now_text(), annotation_id),
    )


def set_status(conn: Connection, annotation_id: int, status: str) -> str:
    """Give the set a status; returns the one it had (for the edit log)."""
    previous = conn.exec_driver_sql(
        "SELECT status FROM annotations WHERE id = ?", (annotation_id,)
    ).scalar_one()
    conn.exec_driver_sql(
        "UPDATE annotations SET status = ?, updated_at = ? WHERE id = ?",
        (status, now_text(), annotation_id),
    )
    return str(previous)


def add_active_time(conn: Connection, annotation_id: int, seconds: float) -> None:
    conn.exec_driver_sql(
        "UPDATE annotations SET active_seconds = active_seconds + ? WHERE id = ?",
        (seconds, annotation_id),
    )


def status_count(conn: Connection, annotator: str, status: str) -> int:
    """How many documents the annotator has in a status (an index answers it)."""
    return conn.exec_driver_sql(
        "SELECT count(*) FROM annotations AS a JOIN annotators AS n "
        "ON n.id = a.annotator_id WHERE n.name = ? AND a.status = ?",
        (annotator, status),
    ).scalar_one()


def log_edit(
    conn: Connection,
    action: str,
    details: dict[str, Any],
    *,
    annotator_id: int | None = None,
    document_id: int | None = None,
    now: str | None = None,
) -> None:
    """One edit-log row: what was done, by whom, on which document, with what it changed."""
    conn.exec_driver_sql(
        "INSERT INTO edit_log (at, annotator_id, document_id, action, details) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            now or now_text(),
            annotator_id,
            document_id,
            action,
            json.dumps(details, ensure_ascii=False),
        ),
    )


def set_topic(conn: Connection, annotation_id: int, label_id: int, applies: bool | None) -> None:
    """Say a topic applies or not to the set's document; None forgets the decision."""
    if applies is None:
        conn.exec_driver_sql(
            "DELETE FROM topics WHERE annotation_id = ? AND label_id = ?",
            (annotation_id, label_id),
        )
        return
    conn.exec_driver_sql(
        "INSERT INTO topics (annotation_id, label_id, applies) VALUES (?, ?, ?) "
        "ON CONFLICT (annotation_id, label_id) DO UPDATE SET applies = excluded.applies",
        (annotation_id, label_id, applies),
    )


def topics_of_set(conn: Connection, annotation_id: int) -> list[tuple[str, bool]]:
    """(label, applies) of every topic decision of the set."""
    return [
        (row[0], bool(row[1]))
        for row in conn.exec_driver_sql(
            "SELECT l.name, t.applies FROM topics AS t JOIN labels AS l ON l.id = t.label_id "
            "WHERE t.annotation_id = ?",
            (annotation_id,),
        )
    ]


def last_change_by_others(conn: Connection, annotator: str) -> int:
    """The newest edit-log entry not written by this annotator (0 when none): what a team
    member's window polls to learn that colleagues' work moved on."""
    return conn.exec_driver_sql(
        "SELECT coalesce(max(e.id), 0) FROM edit_log AS e WHERE e.annotator_id IS NULL "
        "OR e.annotator_id NOT IN (SELECT id FROM annotators WHERE name = ?)",
        (annotator,),
    ).scalar_one()

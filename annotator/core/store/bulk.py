"""Helpers for the bulk paths (import, pre-tag) that write with plain SQL for speed."""

from __future__ import annotations

from sqlalchemy import Connection

from annotator.core.labels import colour_for, default_shortcut
from annotator.core.records import LabelKind
from annotator.core.store.models import utcnow


def now_text() -> str:
    """A timestamp in the text form SQLAlchemy's DateTime type reads back on SQLite."""
    return utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")


def ensure_label_id(conn: Connection, kind: LabelKind, name: str) -> int:
    """The label's id; a label met in a file or a model joins the scheme with a colour and key."""
    sql = "SELECT id FROM labels WHERE kind = ? AND name = ?"
    row = conn.exec_driver_sql(sql, (kind.value, name)).first()
    if row is not None:
        return row[0]
    position = conn.exec_driver_sql(
        "SELECT count(*) FROM labels WHERE kind = ?", (kind.value,)
    ).scalar()
    shortcut = default_shortcut(kind, position)
    taken = conn.exec_driver_sql(
        "SELECT 1 FROM labels WHERE kind = ? AND shortcut = ?", (kind.value, shortcut)
    ).first()
    conn.exec_driver_sql(
        "INSERT INTO labels (kind, name, colour, shortcut, description, position) "
        "VALUES (?, ?, ?, ?, '', ?)",
        (kind.value, name, colour_for(position), None if taken else shortcut, position),
    )
    return conn.exec_driver_sql(sql, (kind.value, name)).scalar_one()

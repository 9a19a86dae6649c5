"""Upkeep of an open project's database that is not about its rows."""

from __future__ import annotations

from sqlalchemy import Connection


def checkpoint(conn: Connection) -> None:
    """Fold a project file's write-ahead log into the file and empty it (SQLite only: a
    server has no such log, and callers skip it)."""
    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

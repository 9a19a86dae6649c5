"""A project file as SQLite sees it, without SQLAlchemy: which schema version it holds. (A
file someone else wrote is read through :func:`annotator.core.store.untrusted.open_untrusted`.)

Kept apart from ``database`` so that commands that only read a project (``annotator
stats``, ``backup list``) start without importing SQLAlchemy, a third of their start-up.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from annotator.core.errors import ProjectError

SQLITE_HEADER = b"SQLite format 3\x00"
SCHEMA_REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
)
"""The migrations shipped, oldest first (a test keeps this in step with migrations/versions).
Listed here so that opening an up-to-date project does not import Alembic, which with the
database dialects it loads is a quarter of the app's start-up time."""


def head_revision() -> str:
    """The schema version this build of Annotator writes."""
    return SCHEMA_REVISIONS[-1]


def known_revisions() -> set[str]:
    return set(SCHEMA_REVISIONS)


def stored_revision(path: Path) -> str | None:
    """The schema version recorded in an existing file, read without writing to it.

    Raises ProjectError when the file is not an SQLite database or not an Annotator project.
    """
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        if not header:
            return None
        raise ProjectError(f"{path} is not an Annotator project (not an SQLite database).")
    # The file may be anyone's: read with the safeguards for untrusted files (imported here,
    # as that module builds on this one).
    from annotator.core.store.untrusted import read_only_connection

    try:
        conn = read_only_connection(path)
        try:
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "alembic_version" not in tables:
                if tables:
                    raise ProjectError(
                        f"{path} is an SQLite database but not an Annotator project "
                        f"(it has tables {', '.join(sorted(tables)[:5])})."
                    )
                return None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{path} cannot be read as a project: {exc}.") from exc
    return row[0] if row else None

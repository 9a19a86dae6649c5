"""A project file copied whole, as SQLite sees it: the work under annotator.core.backup.

Copies go through SQLite's online backup API, so they are consistent even while another
connection writes. Only the standard library's sqlite3 is imported here: ``backup list`` and
the other quick commands start without SQLAlchemy.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from annotator.core.errors import ProjectError

DatabaseError = sqlite3.DatabaseError
"""What a copy raises when SQLite cannot read the source (callers name the file)."""


def copy_to_new_file(source: Path, target: Path) -> None:
    """A consistent copy of ``source`` written beside ``target``, then renamed onto it, in
    rollback-journal mode so the copy is one file."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(partial, target)


def copy_over(source: Path, target: Path) -> None:
    """Replace the database in ``target`` with ``source``'s pages, in place and under
    SQLite's locks, so a connection open on ``target`` sees the change instead of a file
    swapped beneath it."""
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(target, timeout=10)
        try:
            src.backup(dest)
        finally:
            dest.close()
    finally:
        src.close()


def check_whole(path: Path, what: str = "a backup") -> None:
    """A file that may be anyone's, opened as untrusted (its schema and a quick check before
    any row is read), then checked in full, indexes included. Raises ProjectError naming it."""
    from annotator.core.store.untrusted import open_untrusted

    conn = open_untrusted(path, what)
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{path} is damaged: {exc}") from exc
    finally:
        conn.close()
    if verdict != "ok":
        raise ProjectError(f"{path} is damaged: {verdict}")

"""Opening a project file safely: checks before any write, pragmas, migrations.

A file that is not a project, is corrupt or was written by a newer version is refused before
SQLite or Alembic write a single byte to it (no WAL switch, no migration).
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext

from annotator.core.errors import ProjectError
from annotator.core.store.files import (
    head_revision,
    known_revisions,
    stored_revision,
)

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 10_000


def alembic_config() -> Config:
    """Alembic configuration pointing at the migrations shipped inside the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def check_openable(path: Path) -> str | None:
    """Refuse files we must not touch; return the stored schema version (None for a new file)."""
    if path.is_dir():
        raise ProjectError(f"{path} is a folder, not a project file.")
    folder = path.parent
    if not folder.exists():
        raise ProjectError(f"The folder {folder} does not exist.")
    if not path.exists():
        if not os.access(folder, os.W_OK):
            raise ProjectError(f"Cannot create {path}: the folder {folder} is read-only.")
        return None
    if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
        where = "the file" if not os.access(path, os.W_OK) else f"its folder {folder}"
        raise ProjectError(
            f"{path} is read-only ({where} cannot be written, and SQLite needs to write the "
            "file and its folder); copy it somewhere writable to open it."
        )
    revision = stored_revision(path)
    if revision is not None and revision not in known_revisions():
        raise ProjectError(
            f"{path} was written by a newer version of Annotator (schema {revision}); "
            "update Annotator to open it. The file was left untouched."
        )
    return revision


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def create_project_engine(path: Path, *, writer: bool = False) -> Engine:
    """An engine with WAL, foreign keys and a busy timeout on every connection.

    pysqlite's own transaction handling is switched off and BEGIN is issued by SQLAlchemy, so
    SAVEPOINTs work: an import keeps each file in a savepoint inside one transaction.

    A writer engine starts every transaction with BEGIN IMMEDIATE: it takes the write lock
    up front (waiting up to the busy timeout), instead of failing at once when a read
    transaction has to be upgraded after another connection wrote (SQLITE_BUSY_SNAPSHOT).
    """
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "handle_error", functools.partial(_explain_error, path))
    if writer:
        turns = WriterTurns()
        event.listen(engine, "begin", turns.begin)
        event.listen(engine, "commit", turns.end)
        event.listen(engine, "rollback", turns.end)
    else:
        event.listen(engine, "begin", _begin)
    return engine


def _explain_error(path: Path, context: ExceptionContext) -> None:
    """SQLite's terse errors about the disk, rewritten so a user knows what happened.

    The transaction that hit the error is rolled back, so the message can promise that.
    """
    message = str(context.original_exception)
    if "database or disk is full" in message:
        raise ProjectError(
            f"{path}: the disk is full (or the project reached its size limit). The change "
            "was not saved; the project is as it was before. Free some space and try again."
        ) from context.original_exception
    if "readonly database" in message:
        raise ProjectError(
            f"{path} can no longer be written (it or its folder became read-only). The change "
            "was not saved; the project is as it was before."
        ) from context.original_exception
    if "disk I/O error" in message:
        raise ProjectError(
            f"{path}: the disk reported an I/O error. The change was not saved; check the disk "
            "and make a copy of the project."
        ) from context.original_exception


def _begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


class WriterTurns:
    """Write transactions of one process take turns in the order they asked.

    SQLite's busy handler polls with growing sleeps, so a background job that commits and
    begins again at once (indexing in chunks) could keep an edit waiting for seconds. Queuing
    writers here, first come first served, bounds an edit's wait by one chunk. Re-entrant, so a
    thread that nests transactions meets SQLite's own busy error, not a silent deadlock.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._next_ticket = 0
        self._serving = 0
        self._owner: int | None = None
        self._depth = 0

    def begin(self, connection: Connection) -> None:
        self._acquire()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.end(connection)
            raise

    def end(self, _connection: Connection) -> None:
        with self._condition:
            if self._owner != threading.get_ident():
                return
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._serving += 1
                self._condition.notify_all()

    def _acquire(self) -> None:
        me = threading.get_ident()
        with self._condition:
            if self._owner == me:
                self._depth += 1
                return
            ticket = self._next_ticket
            self._next_ticket += 1
            while self._serving != ticket:
                self._condition.wait()
            self._owner, self._depth = me, 1


def needs_upgrade(current: str | None) -> bool:
    """Whether a file's schema (None: a new file) is behind the one this build writes."""
    return current != head_revision()


def migrate(engine: Engine, target: str = "head", *, downgrade: bool = False) -> None:
    """Upgrade (or downgrade, for tests of older files) the schema to ``target`` in one
    transaction.

    Foreign keys are off meanwhile (SQLite ignores that pragma inside a transaction, so it is
    set before), because rebuilding a table means dropping the old one, which must not cascade;
    ``foreign_key_check`` then proves every reference still holds before anything is committed.
    """
    from alembic import command

    config = alembic_config()
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if downgrade else command.upgrade)(config, target)
        return
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                (command.downgrade if downgrade else command.upgrade)(config, target)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                if broken is not None:
                    raise ProjectError(
                        f"The schema change to {target} would break a reference in table "
                        f"{broken[0]} (row {broken[1]}); nothing was changed."
                    )
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def open_server(target: str) -> tuple[Engine, bool]:
    """An engine on a team's PostgreSQL database, its schema brought to ours; and whether
    the database was empty (a new project).

    An empty database gets the whole schema at once (our models, the search index) and is
    stamped with the head revision, as Alembic's documentation advises for a fresh database;
    later migrations then run on it like on any project file. A database of a newer
    Annotator, or one holding other tables, is refused before anything is written.
    """
    from sqlalchemy.exc import OperationalError

    from annotator.core.store.dialect import create_server_engine, shown_url

    where = shown_url(target)
    engine = create_server_engine(target)
    try:
        with engine.connect() as conn:
            tables = set(
                conn.exec_driver_sql(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = current_schema()"
                ).scalars()
            )
            revision = None
            if "alembic_version" in tables:
                revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except OperationalError as exc:
        engine.dispose()
        raise ProjectError(f"Cannot reach {where}: {exc.orig}".strip()) from exc
    if revision is None and tables - {"alembic_version"}:
        engine.dispose()
        raise ProjectError(
            f"{where} holds other tables ({', '.join(sorted(tables)[:5])}) and is not an "
            "Annotator project; give Annotator a database of its own."
        )
    if revision is not None and revision not in known_revisions():
        engine.dispose()
        raise ProjectError(
            f"{where} was set up by a newer version of Annotator (schema {revision}); update "
            "Annotator to open it. Nothing was changed."
        )
    if revision is None:
        _create_server_schema(engine)
    elif revision != head_revision():
        migrate(engine)
    return engine, revision is None


def _create_server_schema(engine: Engine) -> None:
    from alembic import command

    from annotator.core.store.dialect import SERVER_SCHEMA_EXTRAS
    from annotator.core.store.models import Base

    config = alembic_config()
    with engine.begin() as conn:
        # Two people opening a new team database at once: the second waits, then finds it made.
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242)")
        if conn.exec_driver_sql("SELECT to_regclass('alembic_version')").scalar() is not None:
            return
        Base.metadata.create_all(conn)
        for statement in SERVER_SCHEMA_EXTRAS:
            conn.exec_driver_sql(statement)
        config.attributes["connection"] = conn
        command.stamp(config, "head")


def server_revision(target: str) -> str | None:
    """The schema version a team database holds (None: empty), read without changing it."""
    from annotator.core.store.dialect import create_server_engine

    engine = create_server_engine(target)
    try:
        with engine.connect() as conn:
            if conn.exec_driver_sql("SELECT to_regclass('alembic_version')").scalar() is None:
                return None
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    finally:
        engine.dispose()

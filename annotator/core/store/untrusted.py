"""Opening a project file someone else wrote (a colleague's project to merge, a file to count,
a backup to restore): the one way into such a file, with SQLite's own advice for untrusted
database files (https://www.sqlite.org/security.html, "Untrusted SQLite Database Files").

What :func:`open_untrusted` does, in this order, before a single row of the file is read:

1. The first 16 bytes must be SQLite's header (no SQLite involved yet).
2. The file is opened read-only (``mode=ro``) and ``PRAGMA query_only=ON``.
3. ``PRAGMA trusted_schema=OFF``: functions and virtual tables the schema names run only when
   marked harmless; ``PRAGMA cell_size_check=ON``: every b-tree cell is checked for size as it
   is read; ``PRAGMA mmap_size=0``: no memory mapping, so a crafted file is read through
   SQLite's checks, not through a mapped page.
4. Defensive mode (``SQLITE_DBCONFIG_DEFENSIVE``), and triggers and views switched off
   (``SQLITE_DBCONFIG_ENABLE_TRIGGER``, ``SQLITE_DBCONFIG_ENABLE_VIEW``): Python 3.12 and newer
   offer these through ``Connection.setconfig``, used there. Python 3.10 and 3.11 have no way
   to reach ``sqlite3_db_config`` (reaching into the connection object with ctypes is not worth
   its risk), so there the next step stands in: an authorizer that refuses every statement
   but reading (SELECT, a few named PRAGMAs), and anything run on behalf of a view or a
   trigger. Defensive mode guards against writes that corrupt a file (writable_schema, shadow
   tables, ``sqlite_dbpage``); a connection that is read-only, query-only and only ever allowed
   to read cannot make them either.
5. The schema: every entry of ``sqlite_master`` (tables, indexes, the search index, triggers,
   views) is compared, by name, kind, table and statement, with what Annotator's migrations
   create at one of the schema versions it knows (:func:`known_schemas`).
   Anything else (a trigger, a view, an extra or changed table or index, a generated column)
   refuses the file. The schema is checked before the integrity check, because the integrity
   check reads every row and so would already evaluate what the schema declares.
6. ``PRAGMA quick_check``: the b-trees, cells, records and overflow chains are sound (a
   flipped page, a record that declares a value larger than the file).
7. ``PRAGMA foreign_key_check``: every row points at rows that exist.
8. The schema version the file records must be the one its tables are.

A file that fails any of these raises ProjectError naming the file and the reason, and the
connection is closed: nothing was read from it and nothing of the caller's changed.

Kept free of SQLAlchemy (like :mod:`annotator.core.store.files`), so ``annotator stats``
starts quickly; only :func:`migrated_schemas` imports it, when the migrations are newer than
the shipped schemas.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from pathlib import Path

from annotator.core.errors import ProjectError
from annotator.core.store import known_schema
from annotator.core.store.files import SQLITE_HEADER, known_revisions

MIGRATIONS = Path(__file__).resolve().parent / "migrations" / "versions"

#: The pragmas a statement on an untrusted file may run (the authorizer refuses others).
READING_PRAGMAS = frozenset({"quick_check", "integrity_check", "foreign_key_check", "table_info"})

#: Functions never called on an untrusted file, even if a build of SQLite offers them.
REFUSED_FUNCTIONS = frozenset({"load_extension", "fts3_tokenizer", "readfile", "writefile", "edit"})

#: How many problems a refusal names at most.
SHOWN = 3

Schema = dict[str, tuple[str, str, str]]
"""sqlite_master as name → (type, table, digest of the normalised statement)."""


def open_untrusted(path: Path, what: str = "a project") -> sqlite3.Connection:
    """A read-only connection to a project file someone else wrote, after every check above.

    ``what`` names the file in messages ("a project", "a backup"). Raises ProjectError, with
    the connection closed, when the file is missing, damaged, or holds anything Annotator's
    migrations do not create.
    """
    path = Path(path)
    if not path.is_file():
        raise ProjectError(f"{path} does not exist.")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if not header:
        raise ProjectError(f"{path} is empty, not {what} of Annotator.")
    if header != SQLITE_HEADER:
        raise ProjectError(f"{path} is not an Annotator project (not an SQLite database).")
    conn = read_only_connection(path)
    try:
        _check(conn, path, what)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ProjectError(
            f"{path} was refused: it is damaged or not {what} of Annotator ({exc}). Nothing "
            "was read from it and nothing was changed."
        ) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def read_only_connection(path: Path) -> sqlite3.Connection:
    """Steps 2 to 4 only: a connection with every safeguard, before any check. Rows are read
    through :func:`open_untrusted`, which checks the file first."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if hasattr(conn, "setconfig"):  # Python 3.12+
            conn.setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)
            conn.setconfig(sqlite3.SQLITE_DBCONFIG_TRUSTED_SCHEMA, False)
            conn.setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_TRIGGER, False)
            conn.setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_VIEW, False)
        for pragma in ("query_only=ON", "trusted_schema=OFF", "cell_size_check=ON", "mmap_size=0"):
            conn.execute(f"PRAGMA {pragma}")
        conn.set_authorizer(_authorize)
    except BaseException:
        conn.close()
        raise
    return conn


def _authorize(
    action: int, arg1: str | None, _arg2: str | None, _database: str | None, source: str | None
) -> int:
    """Reading only, and nothing on behalf of a view or trigger (the schema check refuses
    both already; this holds even if that check had missed one)."""
    if source is not None:
        return sqlite3.SQLITE_DENY
    if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ):
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION:
        refused = (arg1 or "").lower() in REFUSED_FUNCTIONS
        return sqlite3.SQLITE_DENY if refused else sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in READING_PRAGMAS:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _check(conn: sqlite3.Connection, path: Path, what: str) -> str:
    """Every check from step 5 on; returns the file's schema version."""
    found = schema_of(conn)
    matching = {revision for revision, schema in known_schemas().items() if schema == found}
    if not matching:
        raise ProjectError(_schema_refusal(conn, path, what, found))
    problems = [row[0] for row in conn.execute(f"PRAGMA quick_check({SHOWN})")]
    if problems != ["ok"]:
        reason = "; ".join(
            " ".join(p.replace("*** in database main ***", "").split()) for p in problems
        )
        raise ProjectError(
            f"{path} was refused: it is damaged ({reason}). Nothing was read from it and "
            "nothing was changed."
        )
    broken = conn.execute("PRAGMA foreign_key_check").fetchone()
    if broken is not None:
        table, row, parent, _ = broken
        raise ProjectError(
            f"{path} was refused: it is inconsistent (row {row} of {table} points at a row of "
            f"{parent} that is not there). Nothing was read from it and nothing was changed."
        )
    versions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
    if len(versions) != 1 or versions[0] not in matching:
        raise ProjectError(
            f"{path} was refused: it records schema {', '.join(map(str, versions)) or 'none'} "
            f"but its tables are those of {', '.join(sorted(matching))}. Nothing was read from "
            "it and nothing was changed."
        )
    return versions[0]


def _schema_refusal(conn: sqlite3.Connection, path: Path, what: str, found: Schema) -> str:
    """The message for a schema that is none of ours: a newer Annotator's, or the closest
    known one's differences (unknown triggers and views first)."""
    ours_for_version = {schema.get("alembic_version") for schema in known_schemas().values()}
    if found.get("alembic_version") in ours_for_version:
        # Its version table is exactly ours, so its one row is read to say which version
        # wrote it: the only row read before the checks pass.
        version = conn.execute("SELECT max(version_num) FROM alembic_version").fetchone()[0]
        if isinstance(version, str) and version not in known_revisions() and version.isdigit():
            return (
                f"{path} was written by a newer version of Annotator (schema {version}); "
                "update Annotator to read it. Nothing was changed."
            )
    closest = min(known_schemas().values(), key=lambda schema: len(_differences(schema, found)))
    problems = sorted(_differences(closest, found), key=lambda p: (p[0], p[1]))
    shown = "; ".join(text for _order, _name, text in problems[:SHOWN])
    more = f" and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
    return (
        f"{path} was refused: it is not {what} as Annotator writes it ({shown}{more}). It "
        "may have been changed outside Annotator, or crafted; nothing was read from it and "
        "nothing was changed."
    )


def _differences(expected: Schema, found: Schema) -> list[tuple[int, str, str]]:
    """(order, name, text) of each difference; triggers and views come first."""
    problems = []
    for name, (kind, table, digest) in found.items():
        if name not in expected:
            order = 0 if kind in ("trigger", "view") else 1
            on = f" on {table}" if kind in ("trigger", "index") and table != name else ""
            problems.append((order, name, f'it has a {kind} "{name}"{on} Annotator never makes'))
        elif expected[name][0] != kind:
            order = 0 if kind in ("trigger", "view") else 1
            made = expected[name][0]
            problems.append((order, name, f'"{name}" is a {kind} where Annotator makes a {made}'))
        elif expected[name] != (kind, table, digest):
            problems.append((1, name, f'its {kind} "{name}" is not the one Annotator makes'))
    for name, (kind, _table, _digest) in expected.items():
        if name not in found:
            problems.append((2, name, f'it has no {kind} "{name}"'))
    return problems


def schema_of(conn: sqlite3.Connection) -> Schema:
    """sqlite_master of a connection as name → (type, table, digest of the statement)."""
    return {
        name: (kind, table, statement_digest(sql))
        for kind, name, table, sql in conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master"
        )
    }


def statement_digest(sql: str | None) -> str:
    """A digest of a CREATE statement that ignores layout only: runs of white space become
    one space, and none is kept beside brackets and commas (SQLAlchemy versions differ in
    how they lay DDL out; nothing that changes meaning is ignored)."""
    text = re.sub(r"\s*([(),])\s*", r"\1", " ".join((sql or "").split()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def known_schemas() -> dict[str, Schema]:
    """What each schema version Annotator knows holds, as its migrations create it.

    Shipped in :mod:`annotator.core.store.known_schema`, written from the migrations by
    ``python -m annotator.core.store.untrusted``, so reading a file imports neither
    SQLAlchemy nor Alembic. When the migrations are not the ones it was written from (one
    added or changed since, in a working tree), it is found by running them on an empty file
    instead, kept in memory and on disk in the user data folder; a test says when to rewrite
    the shipped one.
    """
    key = migrations_digest()
    if key == known_schema.MIGRATIONS_DIGEST:
        return known_schema.SCHEMAS
    cached = _SCHEMAS.get(key)
    if cached is None:
        cached = _SCHEMAS[key] = _cached_on_disk(key)
    return cached


_SCHEMAS: dict[str, dict[str, Schema]] = {}


def migrations_digest() -> str:
    """A digest of the shipped migration scripts."""
    digest = hashlib.sha256()
    for script in sorted(MIGRATIONS.glob("*.py")):
        digest.update(script.name.encode() + b"\0" + script.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def _cached_on_disk(key: str) -> dict[str, Schema]:
    from importlib.metadata import PackageNotFoundError, version

    from annotator.core import settings

    try:
        sqlalchemy = version("sqlalchemy")
    except PackageNotFoundError:  # a frozen bundle without package metadata
        sqlalchemy = "bundled"
    versions = hashlib.sha256(f"{sqlalchemy} {sqlite3.sqlite_version}".encode()).hexdigest()
    path = settings.folders().data / "cache" / f"schemas-{key}-{versions[:8]}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return {
            revision: {name: (kind, table, digest) for name, (kind, table, digest) in s.items()}
            for revision, s in stored.items()
        }
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    schemas = migrated_schemas()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text(json.dumps(schemas, indent=1), encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        pass  # an unwritable data folder costs the next command the same 0.7 s, nothing more
    return schemas


def migrated_schemas() -> dict[str, Schema]:
    """The schema each migration leaves, found by running them on an empty file, one by one."""
    import tempfile

    from annotator.core.store.database import create_project_engine, migrate
    from annotator.core.store.files import SCHEMA_REVISIONS

    schemas = {}
    with tempfile.TemporaryDirectory() as folder:
        engine = create_project_engine(Path(folder) / "schema.annotator", writer=True)
        try:
            for revision in SCHEMA_REVISIONS:
                migrate(engine, revision)
                with engine.connect() as connection:
                    schemas[revision] = schema_of(connection.connection.driver_connection)
        finally:
            engine.dispose()
    return schemas


def write_known_schema() -> Path:
    """Rewrite known_schema.py from the migrations (after adding or changing one)."""
    lines = [
        '"""What each schema version of a project file holds, as Annotator\'s migrations create',
        "it: sqlite_master as name -> (type, table, digest of the statement). Written by",
        "``python -m annotator.core.store.untrusted`` from the migrations whose digest is",
        'MIGRATIONS_DIGEST (never by hand); a test keeps it in step with them."""',
        "",
        f'MIGRATIONS_DIGEST = "{migrations_digest()}"',
        "",
        "SCHEMAS: dict[str, dict[str, tuple[str, str, str]]] = {",
    ]
    for revision, schema in migrated_schemas().items():
        lines.append(f'    "{revision}": {{')
        lines.extend(
            f'        "{name}": ("{kind}", "{table}", "{digest}"),'
            for name, (kind, table, digest) in sorted(schema.items())
        )
        lines.append("    },")
    lines.append("}")
    target = Path(__file__).with_name("known_schema.py")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    print(f"Wrote {write_known_schema()}")

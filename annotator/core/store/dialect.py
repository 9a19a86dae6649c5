"""What differs between a project in a SQLite file and one on a PostgreSQL server, in one
place: telling a server URL from a file, connecting, placeholders, values read back, search.

The store writes one kind of SQL: plain statements with ``?`` (or ``:name``) placeholders,
``TRUE``/``FALSE`` for booleans, ``RETURNING`` and ``ON CONFLICT``, which both databases
understand. On PostgreSQL the placeholders are rewritten for psycopg once per statement, and
values come back as SQLite gives them (JSON and timestamps as text, whole numbers as ``int``),
so no query needs a second version.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, ExceptionContext, make_url

from annotator.core.errors import ProjectError, ServerUnreachable
from annotator.core.store.credentials import with_stored_password


def server_url(target: str) -> URL:
    """The URL with our driver (psycopg 3) filled in; the password stays where the user put
    it (the URL, ``PGPASSFILE`` or ``~/.pgpass``), never copied anywhere by us."""
    url = make_url(target.replace("postgres://", "postgresql://", 1))
    return url.set(drivername="postgresql+psycopg")


def shown_url(target: str) -> str:
    """The URL as messages show it: without its password."""
    return server_url(target).render_as_string(hide_password=True).replace("+psycopg", "")


CONNECT_TIMEOUT_S = 5


def create_server_engine(target: str) -> Engine:
    """An engine on a PostgreSQL database, speaking the store's one SQL dialect."""
    try:
        import psycopg  # noqa: F401 - only to say what is missing before connecting
    except ImportError as exc:
        raise ProjectError(
            "A project on a PostgreSQL server needs the psycopg driver and the libpq library: "
            "pip install 'annotator[team]'; the desktop bundle uses the system's libpq "
            f"(Debian: apt install libpq5). ({exc})"
        ) from exc
    engine = create_engine(
        with_stored_password(server_url(target)),
        pool_pre_ping=True,
        pool_size=4,
        max_overflow=4,
        # A server gone from the network is noticed in seconds, not at TCP's own timeouts.
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_S,
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 2,
        },
    )
    event.listen(engine, "connect", _prepare_connection)
    event.listen(engine, "handle_error", functools.partial(_explain_error, shown_url(target)))
    event.listen(engine, "before_cursor_execute", _rewrite_placeholders, retval=True)
    return engine


def _explain_error(where: str, context: ExceptionContext) -> None:
    """A lost or refused connection becomes ServerUnreachable: the window keeps the edit
    and writes it when the server answers again."""
    if _password_missing(context.original_exception):
        raise ProjectError(
            f"{where} asks for a password: put it in ~/.pgpass (or the file PGPASSFILE names), "
            f"or store it in the system keyring with: annotator login {where}"
        ) from context.original_exception
    if context.is_disconnect or _connection_failed(context.original_exception):
        raise ServerUnreachable(
            f"The server of {where} cannot be reached ({_first_line(context.original_exception)})."
        ) from context.original_exception


def _password_missing(error: BaseException) -> bool:
    from psycopg import OperationalError

    text = str(error)
    return isinstance(error, OperationalError) and (
        "no password supplied" in text or "password authentication failed" in text
    )


def _connection_failed(error: BaseException) -> bool:
    from psycopg import OperationalError

    return isinstance(error, OperationalError) and not getattr(error, "sqlstate", None)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _prepare_connection(dbapi_connection: Any, _record: object) -> None:
    """UTC timestamps, and values read back in SQLite's forms."""
    from psycopg.adapt import Loader
    from psycopg.types.string import TextLoader

    class NumberLoader(Loader):
        """numeric (what PostgreSQL's sum() of integers gives) as int when whole."""

        def load(self, data: Any) -> int | float:
            number = Decimal(bytes(data).decode())
            return int(number) if number == number.to_integral_value() else float(number)

    for type_name in ("json", "jsonb", "timestamptz", "timestamp"):
        dbapi_connection.adapters.register_loader(type_name, TextLoader)
    dbapi_connection.adapters.register_loader("numeric", NumberLoader)
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
    dbapi_connection.commit()


def _rewrite_placeholders(
    _conn: object,
    _cursor: object,
    statement: str,
    parameters: Any,
    context: Any,
    _executemany: bool,
) -> tuple[str, Any]:
    """Plain statements (``exec_driver_sql``) get psycopg's placeholders; statements that
    SQLAlchemy compiled for PostgreSQL already have them."""
    if context is not None and context.compiled is not None:
        return statement, parameters
    return pyformat(statement), parameters


_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|\?|:(\w+)|%", re.DOTALL)


@functools.lru_cache(maxsize=4096)
def pyformat(statement: str) -> str:
    """``?`` → ``%s`` and ``:name`` → ``%(name)s`` outside quotes; ``%`` → ``%%`` everywhere
    (psycopg reads placeholders inside quotes too)."""

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        if token[0] in "'\"":
            return token.replace("%", "%%")
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if match.group(1) is not None:
            return f"%({match.group(1)})s"
        return token

    return _TOKENS.sub(swap, statement)


def driver_sql(conn: Connection, statement: str) -> str:
    """A plain statement as the connection's driver takes it, for the few reads that go to
    the driver's cursor directly (tens of thousands of rows)."""
    return statement if conn.dialect.name == "sqlite" else pyformat(statement)


# Full-text search ----------------------------------------------------------------------

#: The text PostgreSQL's search index covers; a query must use the very same expression.
SEARCH_DOCUMENT = "to_tsvector('simple', coalesce({d}.title, '') || ' ' || {d}.text)"


def server_search_clause(text: str, document: str = "d") -> tuple[str, list[Any]]:
    """Every word must start a word of the title or text, as with SQLite's FTS5 prefixes."""
    words = [w.replace("\\", "").replace("'", "''") for w in text.split()]
    query = " & ".join(f"'{w}':*" for w in words if w)
    return f"{SEARCH_DOCUMENT.format(d=document)} @@ to_tsquery('simple', ?)", [query]


#: What a new team database needs beyond the tables of our models: the search index, and the
#: two things of SQLite's that the store's SQL uses, made on the server: a case-blind
#: collation for sorting titles, and ``group_concat``.
SERVER_SCHEMA_EXTRAS = (
    "CREATE INDEX ix_documents_search ON documents "
    f"USING gin ({SEARCH_DOCUMENT.format(d='documents')})",
    "CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
    "CREATE FUNCTION annotator_concat(state text, value text, separator text) RETURNS text "
    "LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN value IS NULL THEN state "
    "WHEN state IS NULL THEN value ELSE state || separator || value END $$",
    "CREATE AGGREGATE group_concat(text, text) (SFUNC = annotator_concat, STYPE = text)",
)

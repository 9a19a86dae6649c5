"""Shared fixtures: isolated user folders, real project files, snapshots of a project's rows."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, inspect

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own data/config/log folders and a fixed current annotator."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ANNOTATOR_HOME", str(home))
    monkeypatch.setenv("USER", "tester")
    monkeypatch.setenv("LOGNAME", "tester")
    return home


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "test.annotator"


#: An administrator's URL of a PostgreSQL server for the team-mode runs (``.ci/postgres``
#: prints one); without it those runs are skipped, except on CI, where they must run.
POSTGRES = os.environ.get("ANNOTATOR_TEST_POSTGRES", "")
#: One per test run, as several runs may share the server.
TEMPLATE = f"annotator_test_template_{os.getpid()}"


def _admin() -> Engine:
    from annotator.core.store.dialect import server_url

    return create_engine(server_url(POSTGRES), isolation_level="AUTOCOMMIT")


def database_url(name: str) -> str:
    from annotator.core.store.dialect import server_url

    return server_url(POSTGRES).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A database holding a new project's schema and schemes, copied for each test (a copy
    takes a tenth of the time of creating the schema)."""
    if not POSTGRES:
        if os.environ.get("CI"):
            pytest.fail("CI runs every store test on PostgreSQL too: set ANNOTATOR_TEST_POSTGRES")
        pytest.skip("no PostgreSQL for team mode (set ANNOTATOR_TEST_POSTGRES, see .ci/postgres)")
    from annotator.core.project import Project

    admin = _admin()
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {TEMPLATE}")
    Project.open(database_url(TEMPLATE)).close()
    yield TEMPLATE
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
    admin.dispose()


@pytest.fixture
def team_database(postgres_template: str) -> Iterator[str]:
    """The URL of a new, empty project on the PostgreSQL server, dropped after the test."""
    name = f"annotator_test_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {postgres_template}")
    yield database_url(name)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def project_target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a test's project lives: a new SQLite file, then a new PostgreSQL database; a
    test taking it proves its behaviour on both."""
    if request.param == "sqlite":
        return tmp_path / "test.annotator"
    return request.getfixturevalue("team_database")


def snapshot(target: Path | str) -> dict[str, list[tuple]]:
    """Every row of every table, to prove that a failed operation changed nothing."""
    if not isinstance(target, Path):
        return _server_snapshot(target)
    conn = sqlite3.connect(target)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
    finally:
        conn.close()


def _server_snapshot(url: str) -> dict[str, list[tuple]]:
    from annotator.core.store.dialect import server_url

    engine = create_engine(server_url(url))
    try:
        with engine.connect() as conn:
            return {
                table: sorted(
                    (tuple(row) for row in conn.exec_driver_sql(f'SELECT * FROM "{table}"')),
                    key=repr,
                )
                for table in sorted(inspect(conn).get_table_names())
            }
    finally:
        engine.dispose()

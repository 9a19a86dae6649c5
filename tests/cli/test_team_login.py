"""A team database's password comes from the keyring (``annotator login``) or ~/.pgpass, is
never written by us into a file, and its absence is explained."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from typer.testing import CliRunner

from annotator.cli import app
from annotator.core.errors import ProjectError
from annotator.core.project import Project
from annotator.core.store.dialect import server_url

runner = CliRunner()


class MemoryKeyring(KeyringBackend):
    """The system keyring's interface, held in memory for the test."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    ring = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    monkeypatch.setenv("PGPASSFILE", "/nonexistent/pgpass")
    yield ring
    keyring.set_keyring(previous)


def without_password(url: str) -> tuple[str, str]:
    """The URL as a team member writes it (no password), and the password."""
    parsed = server_url(url)
    bare = f"postgresql://{parsed.username}@{parsed.host}:{parsed.port or 5432}/{parsed.database}"
    return bare, parsed.password or ""


def test_login_keeps_the_password_in_the_keyring_and_the_url_needs_none(
    team_database: str, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    bare, password = without_password(team_database)
    with pytest.raises(ProjectError, match=r"asks for a password.*annotator login"):
        Project.open(bare)
    result = runner.invoke(app, ["login", bare], input=f"{password}\n")
    assert result.exit_code == 0, result.output
    assert list(memory_keyring.entries.values()) == [password]
    assert f":{password}@" not in result.output  # the URL shown carries no password
    with Project.open(bare) as project:
        assert project.document_count() == 0
    assert not list(tmp_path.iterdir())  # nothing of ours on disk
    result = runner.invoke(app, ["logout", bare])
    assert result.exit_code == 0 and memory_keyring.entries == {}


def test_a_wrong_password_is_refused_and_not_kept(
    team_database: str, memory_keyring: MemoryKeyring
) -> None:
    bare, _ = without_password(team_database)
    result = runner.invoke(app, ["login", bare], input="not-it\n")
    assert result.exit_code == 1
    assert "refused the login" in result.output
    assert memory_keyring.entries == {}


def test_the_password_file_libpq_reads_is_enough(
    team_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare, password = without_password(team_database)
    url = server_url(team_database)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"{url.host}:{url.port or 5432}:*:{url.username}:{password}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    with Project.open(bare) as project:
        assert project.location == bare


def test_messages_name_a_server_project_without_its_password(team_database: str) -> None:
    with Project.open(team_database):
        pass
    result = runner.invoke(app, ["stats", team_database])
    assert result.exit_code == 0, result.output
    password = server_url(team_database).password
    assert f":{password}@" not in result.output and ":***@" in result.output


def test_backup_of_a_team_database_says_that_its_server_backs_it_up() -> None:
    result = runner.invoke(app, ["backup", "now", "postgresql://alice:secret@db.example.org/news"])
    assert result.exit_code == 1
    assert "its server backs it up" in result.output and "secret" not in result.output


def test_doctor_reports_a_team_databases_schema_without_changing_it(team_database: str) -> None:
    from annotator.core.diagnosis import schema_version

    result = runner.invoke(app, ["doctor", team_database, "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)["project"]
    assert (found["schema"], found["state"]) == (schema_version(), "current")
    assert ":***@" in found["path"]

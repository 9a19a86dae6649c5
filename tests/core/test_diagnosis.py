"""What the doctor reports of a project file's schema (annotator.core.diagnosis)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.core.diagnosis import project_schema, schema_version
from annotator.core.errors import ProjectError
from annotator.core.project import Project


def stamped(path: Path, revision: str) -> Path:
    """An SQLite file whose alembic_version says ``revision`` (nothing else in it)."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    conn.close()
    return path


def test_a_project_just_opened_is_current(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    Project.open(path).close()
    assert project_schema(path) == {
        "path": str(path),
        "schema": schema_version(),
        "state": "current",
    }


@pytest.mark.parametrize(
    ("revision", "state"),
    [("0001", "older; upgraded when opened"), ("9999", "newer than this Annotator")],
)
def test_older_and_newer_files_say_what_opening_them_does(
    tmp_path: Path, revision: str, state: str
) -> None:
    path = stamped(tmp_path / "p.annotator", revision)
    reported = project_schema(path)
    assert reported["schema"] == revision
    assert reported["state"].startswith(state)


def test_a_missing_file_is_reported_not_created(tmp_path: Path) -> None:
    path = tmp_path / "none.annotator"
    assert project_schema(path) == {"path": str(path), "schema": "None", "state": "missing"}
    assert not path.exists()


def test_a_file_that_is_no_project_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.annotator"
    path.write_text("just notes\n", encoding="utf-8")
    with pytest.raises(ProjectError, match="not an Annotator project"):
        project_schema(path)

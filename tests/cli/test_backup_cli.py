"""``annotator backup list`` gives the full path ``backup restore`` takes, however it is read."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from annotator.cli import app
from annotator.core.backup import make_backup
from annotator.core.project import Project
from tests.conftest import snapshot

runner = CliRunner()
#: Folder names long enough that no 80-column line holds a backup's path.
DEEP = ("a-folder-name-long-enough-to-need-more-than-one-line-of-a-table", "and-another-one")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with two backups, in a data folder with a long path."""
    home = tmp_path.joinpath(*DEEP)
    monkeypatch.setenv("ANNOTATOR_HOME", str(home))
    article = tmp_path / "article.txt"
    article.write_text("Ministers met in Kathmandu on 3 May.\n", encoding="utf-8")
    path = tmp_path / "news.annotator"
    with Project.open(path) as opened:
        opened.import_paths([article])
    make_backup(path)
    make_backup(path)
    return path


def cli(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``annotator ARGUMENTS`` in a new process, its output piped as a script reads it."""
    return subprocess.run(
        [sys.executable, "-c", "from annotator.cli import main; main()", *arguments],
        cwd=cwd,
        env=dict(os.environ, COLUMNS="80"),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_piped_backup_list_prints_full_paths_that_restore_accepts(project: Path) -> None:
    listed = cli("backup", "list", str(project), cwd=project.parent)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == 2, listed.stdout
    paths = [line.split("\t")[-1] for line in lines]
    assert all(Path(path).is_file() and len(path) > 80 for path in paths), paths
    target = project.with_name("restored.annotator")
    restored = cli("backup", "restore", paths[0], str(target), cwd=project.parent)
    assert restored.returncode == 0, restored.stderr
    assert snapshot(target) == snapshot(project)


def test_backup_list_json_gives_path_time_and_size_newest_first(project: Path) -> None:
    result = runner.invoke(app, ["backup", "list", str(project), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [sorted(row) for row in rows] == [["path", "size", "taken"]] * 2
    assert rows[0]["taken"] >= rows[1]["taken"]
    assert all(Path(row["path"]).stat().st_size == row["size"] for row in rows)


def test_backup_list_in_a_narrow_terminal_folds_paths_instead_of_cutting_them(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=60, color_system=None)
    monkeypatch.setattr("annotator.cli.backup.console", terminal)
    result = runner.invoke(app, ["backup", "list", str(project)])
    assert result.exit_code == 0, result.output
    cells = [line.split("│") for line in screen.getvalue().splitlines() if "│" in line]
    # The file column's pieces, line after line (the header has other bars), give back
    # each backup's path whole.
    folded = "".join(cell[3].strip() for cell in cells)
    expected = json.loads(runner.invoke(app, ["backup", "list", str(project), "--json"]).output)
    assert folded == "".join(row["path"] for row in expected)


def test_restore_onto_an_existing_project_names_the_flag_that_replaces_it(project: Path) -> None:
    before = snapshot(project)
    [newest, _older] = json.loads(
        runner.invoke(app, ["backup", "list", str(project), "--json"]).output
    )
    result = runner.invoke(app, ["backup", "restore", newest["path"], str(project)])
    assert result.exit_code == 1
    assert "use --overwrite to replace it" in " ".join(result.output.split())
    assert snapshot(project) == before

"""Quick commands start without loading what they do not use.

``annotator --version``, ``stats`` and ``backup list`` must stay well under a third of a
second; spaCy, Qt and Alembic (and for the first two, SQLAlchemy) would each cost more than the
whole budget. Wall time is too noisy on a shared machine to assert, so each command is run as a
user runs it, in a fresh interpreter with ``-X importtime``, and the modules it imported are
checked instead; tests/benchmarks/bench_cli_start.py measures the time itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.backup import make_backup
from annotator.core.project import Project

NEVER = {"spacy", "thinc", "PySide6", "alembic"}
"""Packages that no command here may import: the pipeline, the GUI, the migrations."""


def imported_packages(arguments: list[str], folder: Path) -> tuple[set[str], str]:
    """Run ``annotator ARGUMENTS`` in a new interpreter: (top-level packages imported, stdout).

    Fails the test when the command fails, so a command that crashed before loading anything
    cannot pass for a lean one.
    """
    code = (
        f"import sys; sys.argv = ['annotator', *{arguments!r}]; "
        "from annotator.cli import main; main()"
    )
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=folder,
        env=dict(os.environ, COLUMNS="200"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = result.stderr.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    packages = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in lines
        if line.startswith("import time:") and "|" in line
    }
    assert "annotator" in packages and "typer" in packages, result.stderr[-2000:]
    return packages, result.stdout


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An up-to-date project with one imported article and one backup."""
    article = tmp_path / "article.txt"
    article.write_text("Ministers met in Kathmandu on 3 May.\n", encoding="utf-8")
    path = tmp_path / "news.annotator"
    with Project.open(path) as opened:
        opened.import_paths([article])
    make_backup(path)
    return path


def test_version_loads_neither_the_store_nor_spacy_nor_qt(tmp_path: Path) -> None:
    packages, output = imported_packages(["--version"], tmp_path)
    assert output.strip() == "annotator 0.1.0"
    assert packages.isdisjoint(NEVER | {"sqlalchemy"}), packages & (NEVER | {"sqlalchemy"})


def test_stats_reads_the_project_without_the_store_spacy_or_qt(project: Path) -> None:
    packages, output = imported_packages(["stats", str(project)], project.parent)
    assert f"1 documents in {project}" in output
    assert packages.isdisjoint(NEVER | {"sqlalchemy"}), packages & (NEVER | {"sqlalchemy"})


def test_backup_list_loads_neither_the_store_nor_spacy_nor_qt(project: Path) -> None:
    packages, output = imported_packages(["backup", "list", str(project)], project.parent)
    assert "news-" in output and "MB" in output  # the line of the one backup
    assert packages.isdisjoint(NEVER | {"sqlalchemy"}), packages & (NEVER | {"sqlalchemy"})


def test_help_lists_every_command_without_loading_the_store(tmp_path: Path) -> None:
    packages, output = imported_packages(["--help"], tmp_path)
    for command in ("import", "pretag", "export", "stats", "merge", "agreement", "backup"):
        assert f" {command} " in output, output
    assert packages.isdisjoint(NEVER | {"sqlalchemy"}), packages & (NEVER | {"sqlalchemy"})


def test_collector_runs_again_once_a_command_has_loaded_the_store(project: Path) -> None:
    """Loading the store pauses garbage collection; the command must not run without it."""
    copy = project.with_name("copy.annotator")
    shutil.copy(project, copy)
    code = (
        f"import gc, sys; sys.argv = ['annotator', 'merge', {str(copy)!r}, {str(project)!r}]\n"
        "from annotator.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('sqlalchemy' in sys.modules, gc.isenabled())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.splitlines()[-1] == "True True", result.stdout + result.stderr

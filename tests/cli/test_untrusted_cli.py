"""The commands that read a file someone else wrote (merge, stats, backup restore) refuse a
crafted or damaged one with one clear message naming the file and the reason, exit 1, and
change nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from tests.core.untrusted_files import MY_TEXT, THEIR_TEXT, altered, real_project, with_huge_text

runner = CliRunner()

TRIGGER = "CREATE TRIGGER keep_quiet AFTER INSERT ON spans BEGIN DELETE FROM spans; END"


@pytest.fixture
def theirs(tmp_path: Path) -> Path:
    return real_project(tmp_path / "bob.annotator", THEIR_TEXT, "bob")


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    return real_project(tmp_path / "mine.annotator", MY_TEXT, "alice")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(arguments: list[str], crafted: Path, reason: str) -> None:
    result = runner.invoke(app, arguments)
    shown = " ".join(result.output.split())
    assert result.exit_code == 1, shown
    assert result.exception is None or isinstance(result.exception, SystemExit), shown
    assert f"{crafted} was refused" in shown
    assert reason in shown
    assert "Traceback" not in shown


@pytest.mark.parametrize(
    "craft, reason",
    [
        (lambda f: altered(f, "trigger.annotator", TRIGGER), 'trigger "keep_quiet" on spans'),
        (lambda f: with_huge_text(f, "damaged.annotator"), "it is damaged"),
    ],
    ids=["trigger", "damaged"],
)
def test_merge_refuses_a_crafted_file_and_exits_1(mine: Path, theirs: Path, craft, reason) -> None:
    crafted = craft(theirs)
    before = digest(mine)
    refused(["merge", str(mine), str(crafted)], crafted, reason)
    assert digest(mine) == before


def test_stats_refuses_a_crafted_file_and_exits_1(theirs: Path) -> None:
    crafted = altered(theirs, "view.annotator", "CREATE VIEW v AS SELECT load_extension('x')")
    refused(["stats", str(crafted)], crafted, 'view "v"')


def test_restore_refuses_a_crafted_backup_and_exits_1(theirs: Path, tmp_path: Path) -> None:
    crafted = altered(theirs, "backup.annotator", TRIGGER)
    target = tmp_path / "restored.annotator"
    refused(["backup", "restore", str(crafted), str(target)], crafted, "trigger")
    assert not target.exists()

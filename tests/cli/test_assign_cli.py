"""``annotator assign`` gives documents out and re-balances; ``annotator stats`` shows each
assigned annotator's assigned, done and remaining documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.core.assignment import queue
from annotator.core.project import Project
from annotator.core.records import Status

runner = CliRunner()
WIDE = {"COLUMNS": "200", "TERMINAL_WIDTH": "200"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project of 60 articles."""
    lines = "\n".join(
        json.dumps({"text": f"Article {i}: ministers met in Kathmandu."}) for i in range(60)
    )
    source = tmp_path / "articles.jsonl"
    source.write_text(lines, encoding="utf-8")
    path = tmp_path / "team.annotator"
    with Project.open(path) as opened:
        opened.import_paths([source], detect_boilerplate=False)
    return path


def invoke(*arguments: str) -> str:
    result = runner.invoke(app, list(arguments), env=WIDE)
    assert result.exit_code == 0, result.output
    return result.output


def table_rows(output: str) -> dict[str, list[str]]:
    """The rows of rich tables printed, by their first cell."""
    rows = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip("│┃ ").split("│")]
        if len(cells) > 1 and cells[0]:
            rows[cells[0]] = cells[1:]
    return rows


def test_assign_prints_each_annotators_share_and_what_moved(project: Path) -> None:
    output = invoke(
        "assign", str(project), "--annotators", "ana,ben,chen", "--overlap", "2",
        "--shared", "10%", "--seed", "4",
    )  # fmt: skip
    assert "60 documents, 3 annotators: each document to 2, a shared slice of 10% (6 " in output
    rows = table_rows(output)
    # 54 documents twice over three people, 18 in the slice: 36 + 6 each.
    assert rows["ana"] == rows["ben"] == rows["chen"] == ["42", "6", "0", "42", "0"]
    assert "Given out 126, taken back 0." in output
    again = invoke("assign", str(project))
    assert "Nothing changed." in again
    assert table_rows(again)["ana"] == ["42", "6", "0", "0", "0"]


def test_assign_lets_someone_join_by_naming_them_and_keeps_begun_work(project: Path) -> None:
    invoke("assign", str(project), "--annotators", "ana,ben", "--overlap", "1")
    with Project.open(project) as opened:
        begun = queue(opened, "ana")[:10]
        for document in begun:
            opened.edits.set_status(document, "ana", Status.DONE)
    output = invoke("assign", str(project), "--annotators", "ana,ben,chen")
    rows = table_rows(output)
    assert rows["chen"] == ["20", "0", "0", "20", "0"]
    assert rows["ana"][:2] == ["20", "0"] and rows["ana"][2] == "10"
    with Project.open(project) as opened:
        assert set(begun) <= set(queue(opened, "ana"))


def test_assign_shows_the_current_assignment_and_json(project: Path) -> None:
    assert "has no assignment yet" in invoke("assign", str(project), "--show")
    invoke("assign", str(project), "--annotators", "ana,ben", "--shared", "4")
    shown = invoke("assign", str(project), "--show")
    assert "moved in" not in shown and table_rows(shown)["ana"] == ["32", "4", "0"]
    data = json.loads(invoke("assign", str(project), "--show", "--json"))
    assert data["annotators"] == ["ana", "ben"]
    assert data["shared_documents"] == 4 and data["loads"]["ben"]["assigned"] == 32
    assert data["changed"] is False


def test_assign_refuses_an_overlap_larger_than_the_team(project: Path) -> None:
    result = runner.invoke(
        app, ["assign", str(project), "--annotators", "ana,ben", "--overlap", "3"], env=WIDE
    )
    assert result.exit_code == 1
    assert "between 1 and 2" in result.output


def test_stats_shows_assigned_done_and_remaining_per_annotator(project: Path) -> None:
    invoke("assign", str(project), "--annotators", "ana,ben", "--overlap", "1", "--shared", "4")
    with Project.open(project) as opened:
        mine = queue(opened, "ana")
        for document in mine[:5]:
            opened.edits.set_status(document, "ana", Status.DONE)
        opened.edits.set_status(mine[5], "ana", Status.SKIPPED)
        opened.edits.set_status(mine[6], "ana", Status.IN_PROGRESS)
    data = json.loads(invoke("stats", str(project), "--json"))
    assert data["assignments"] == {
        "ana": {"assigned": 32, "shared": 4, "done": 5, "skipped": 1, "remaining": 26},
        "ben": {"assigned": 32, "shared": 4, "done": 0, "skipped": 0, "remaining": 32},
    }
    rows = table_rows(invoke("stats", str(project)))
    assert rows["ana"][-5:] == ["32", "4", "5", "1", "26"]


def test_stats_of_a_project_without_assignments_shows_none(project: Path) -> None:
    data = json.loads(invoke("stats", str(project), "--json"))
    assert data["assignments"] == {}
    assert "assignments" not in invoke("stats", str(project))

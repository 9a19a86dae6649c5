"""``annotator push`` and ``annotator pull`` between a laptop's file and the team's PostgreSQL
database: what moved is printed (and given as JSON), a conflict ends with status 1 and says
how to settle it, a dry run writes nothing, ``--annotator`` keeps to one person's sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.core.project import Project
from annotator.core.records import Layer, Status
from tests.conftest import snapshot

runner = CliRunner()
WIDE = {"COLUMNS": "200", "TERMINAL_WIDTH": "200"}
NEPAL = "Leaders of Nepal and China met in Beijing on Monday."
DELHI = "Officials in Delhi said exports rose by 12% last year."


@pytest.fixture
def team(team_database: str, tmp_path: Path) -> str:
    """The team's database with two articles."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for index, text in enumerate([NEPAL, DELHI]):
        (folder / f"{index}.txt").write_text(text + "\n", encoding="utf-8")
    with Project.open(team_database) as project:
        project.import_paths(sorted(folder.iterdir()), detect_boilerplate=False)
    return team_database


def invoke(*arguments: str, status: int = 0) -> str:
    result = runner.invoke(app, list(arguments), env=WIDE)
    assert result.exit_code == status, result.output
    return result.output


def label(target: Path | str, text: str, annotator: str, start: int, end: int) -> None:
    with Project.open(target, create=False) as project:
        [document] = [d.id for d in project.documents() if project.text(d.id).strip() == text]
        project.edits.add_span(document, annotator, start, end, "GPE")
        project.edits.set_status(document, annotator, Status.DONE)


def spans(target: Path | str, text: str, annotator: str) -> list[tuple[int, int, str]]:
    with Project.open(target, create=False) as project:
        [document] = [d.id for d in project.documents() if project.text(d.id).strip() == text]
        annotation = project.edits.annotation(document, annotator)
        if annotation is None:
            return []
        return sorted((s.start, s.end, s.label) for s in annotation.spans)


def figures(output: str) -> dict[str, str]:
    """The report's 'name  value' lines."""
    found = {}
    for line in output.splitlines():
        name, _, value = line.strip().partition("  ")
        if value.strip():
            found[name] = value.strip()
    return found


def test_pull_makes_the_laptop_project_and_push_prints_what_moved(
    team: str, tmp_path: Path
) -> None:
    laptop = tmp_path / "laptop.annotator"
    pulled = invoke("pull", team, str(laptop))
    assert "Pulled" in pulled and laptop.exists()
    assert figures(pulled)["documents added"] == "2"
    label(laptop, NEPAL, "alice", 10, 15)
    pushed = invoke("push", str(laptop), team)
    assert figures(pushed)["sets added"] == "1"
    assert figures(pushed)["documents added"] == "0"
    assert f"{NEPAL[:30]}" in pushed and "alice" in pushed and "added" in pushed
    assert spans(team, NEPAL, "alice") == [(10, 15, "GPE")]
    again = invoke("push", str(laptop), team)
    assert "Nothing to do" in again and figures(again)["sets unchanged"] == "1"


def test_a_conflict_ends_with_status_1_says_how_to_settle_and_force_settles_it(
    team: str, tmp_path: Path
) -> None:
    laptop = tmp_path / "laptop.annotator"
    invoke("pull", team, str(laptop))
    label(laptop, NEPAL, "alice", 10, 15)
    invoke("push", str(laptop), team)
    label(laptop, NEPAL, "alice", 20, 25)  # China, on the laptop
    label(team, NEPAL, "alice", 34, 41)  # Beijing, on the server
    refused = invoke("push", str(laptop), team, status=1)
    assert figures(refused)["conflicts"] == "1"
    assert "--force" in refused and "--keep-both" in refused and "left as is" in refused
    assert spans(team, NEPAL, "alice") == [(10, 15, "GPE"), (34, 41, "GPE")]
    settled = invoke("push", str(laptop), team, "--force")
    assert "replaced" in settled
    assert spans(team, NEPAL, "alice") == spans(laptop, NEPAL, "alice")
    assert spans(team, NEPAL, "alice") == [(10, 15, "GPE"), (20, 25, "GPE")]


def test_json_names_each_set_that_moved(team: str, tmp_path: Path) -> None:
    laptop = tmp_path / "laptop.annotator"
    invoke("pull", team, str(laptop))
    label(laptop, NEPAL, "alice", 10, 15)
    label(laptop, DELHI, "alice", 13, 18)
    report = json.loads(invoke("push", str(laptop), team, "--json"))
    assert report["direction"] == "push" and report["sets_added"] == 2
    moved = sorted((c["document"], c["annotator"], c["action"]) for c in report["changes"])
    assert moved == sorted([(NEPAL, "alice", "added"), (DELHI, "alice", "added")])
    assert report["conflicts"] == [] and report["source"] == str(laptop)


def test_a_dry_run_writes_nothing(team: str, tmp_path: Path) -> None:
    laptop = tmp_path / "laptop.annotator"
    invoke("pull", team, str(laptop))
    label(laptop, NEPAL, "alice", 10, 15)
    before = snapshot(team), snapshot(laptop)
    output = invoke("push", str(laptop), team, "--dry-run")
    assert "Would push" in output and "Dry run: nothing was written." in output
    assert figures(output)["sets added"] == "1"
    assert (snapshot(team), snapshot(laptop)) == before


def test_annotator_keeps_to_one_persons_sets(team: str, tmp_path: Path) -> None:
    laptop = tmp_path / "laptop.annotator"
    invoke("pull", team, str(laptop))
    label(laptop, NEPAL, "alice", 10, 15)
    with Project.open(laptop) as project:
        [document] = [d.id for d in project.documents() if project.text(d.id).strip() == DELHI]
        project.edits.add_span(document, "carol", 0, 9, "fabricated", layer=Layer.UNRELIABLE)
    output = invoke("push", str(laptop), team, "--annotator", "alice")
    assert "(alice's sets)" in output and figures(output)["sets added"] == "1"
    assert spans(team, NEPAL, "alice") == [(10, 15, "GPE")]
    assert spans(team, DELHI, "carol") == []

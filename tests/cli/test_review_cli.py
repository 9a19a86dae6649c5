"""``annotator review --adopt-min K``: the command line adopts what K of N annotators agree
on, exactly as the core does, and says what is left."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from annotator.cli import app
from annotator.core.project import Project
from annotator.core.records import GOLD
from tests.core.test_review_many import TEAM, build_team, expected_adoptions, gold_versions

runner = CliRunner()


def test_adopt_min_settles_the_items_five_of_eight_agree_on(tmp_path: Path) -> None:
    path = tmp_path / "team.annotator"
    with build_team(path, tmp_path / "articles") as project:
        expected = expected_adoptions(project, 5)
    result = runner.invoke(
        app,
        ["review", str(path), "--annotators", ",".join(TEAM), "--adopt-min", "5", "--json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    adopted = {
        (i["document"], (i["layer"], i["start"], i["end"], i["label"])) for i in data["adopted"]
    }
    assert len(data["adopted"]) == len(expected)
    assert adopted == set(expected)
    assert all(item["votes"] >= 5 and item["of"] in (7, 8) for item in data["adopted"])
    with Project.open(path) as project:
        for (document, key), version in expected.items():
            assert gold_versions(project, document, key) == version
        settled_by = {s.created_by for s in project.edits.annotation(1, GOLD).spans}
        assert settled_by <= set(TEAM)
    assert data["documents_compared"] == 3
    again = runner.invoke(
        app, ["review", str(path), "--annotators", ",".join(TEAM), "--adopt-min", "5"]
    )
    assert again.exit_code == 0, again.output
    assert "Adopted 0 items" in again.output
    assert f"{data['open']:,} disagreements left to settle in 3 documents" in again.output


def test_adopt_min_in_one_document_and_impossible_thresholds(tmp_path: Path) -> None:
    path = tmp_path / "team.annotator"
    build_team(path, tmp_path / "articles").close()
    names = ",".join(TEAM)
    result = runner.invoke(
        app,
        [
            "review",
            str(path),
            "--annotators",
            names,
            "--adopt-min",
            "6",
            "--document",
            "2",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert {item["document"] for item in json.loads(result.output)["adopted"]} == {2}
    refused = runner.invoke(app, ["review", str(path), "--annotators", names, "--adopt-min", "9"])
    assert refused.exit_code != 0
    assert "9 cannot agree when only 8 annotators are compared" in refused.output
    unknown = runner.invoke(
        app, ["review", str(path), "--annotators", "h1,zoe", "--adopt-min", "2"]
    )
    assert unknown.exit_code != 0 and "No annotator named zoe" in unknown.output

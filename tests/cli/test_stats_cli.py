"""``annotator stats`` counts people's work as work and a model's suggestions as suggestions."""

from __future__ import annotations

import json
from pathlib import Path

import spacy
from typer.testing import CliRunner

from annotator.cli import app
from annotator.core.project import Project
from annotator.core.records import Status

runner = CliRunner()

ARTICLE = "Ministers met in Kathmandu.\n\nNepal and India agreed to trade power on 3 May."


def tagged_project(tmp_path: Path, project: Path | str) -> str:
    """Two articles a model pre-tagged (four entities each); alice accepted one suggestion,
    rejected one, marked one entity of her own and finished the first article; in a file or
    in a team's database, as the command line is given either."""
    folder = tmp_path / "in"
    folder.mkdir()
    for index in range(2):
        (folder / f"a{index}.txt").write_text(f"Article {index}\n\n{ARTICLE}", encoding="utf-8")
    result = runner.invoke(app, ["import", str(project), str(folder)])
    assert result.exit_code == 0, result.output
    nlp = spacy.blank("en")
    nlp.meta["name"] = "tagger"
    patterns = [("GPE", "Kathmandu"), ("GPE", "Nepal"), ("GPE", "India"), ("DATE", "3 May")]
    nlp.add_pipe("entity_ruler").add_patterns(
        [{"label": label, "pattern": phrase} for label, phrase in patterns]
    )
    with Project.open(project) as opened:
        opened.pretag(nlp=nlp)
        by_text = {opened.text(1)[s.start : s.end]: s for s in opened.edits.suggestions(1, "alice")}
        opened.edits.accept_suggestion(by_text["Kathmandu"].id, "alice")
        opened.edits.reject_suggestion(by_text["Nepal"].id, "alice")
        start = opened.text(1).index("Ministers")
        opened.edits.add_span(1, "alice", start, start + len("Ministers"), "ORG")
        opened.edits.set_status(1, "alice", Status.DONE)
    return str(project)


def test_stats_json_counts_only_accepted_and_own_entities_and_lists_the_model_apart(
    tmp_path: Path, project_target: Path | str
) -> None:
    result = runner.invoke(app, ["stats", tagged_project(tmp_path, project_target), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["annotators"] == {"alice": {"done": 1}}
    assert list(data["active_seconds"]) == ["alice"]
    [(model, figures)] = data["models"].items()
    assert model.startswith("en_tagger@")
    # Eight suggestions; alice decided two on the first article (and her ORG covers none).
    assert figures == {"documents": 2, "suggestions": 8, "open": 6}
    assert data["entities"] == {"GPE": 1, "ORG": 1}
    assert data["open_suggestions"] == {"GPE": 4, "DATE": 2}
    assert data["suggestions_open"] == 6


def test_stats_table_shows_open_suggestions_and_no_model_among_the_annotators(
    tmp_path: Path, project_target: Path | str
) -> None:
    target = tagged_project(tmp_path, project_target)
    result = runner.invoke(app, ["stats", target], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    annotators, models = result.output.split("models (pre-taggers)")
    assert "alice" in annotators and "en_tagger@" not in annotators
    [row] = [line for line in models.splitlines() if "en_tagger@" in line]
    assert [cell.strip() for cell in row.split("│")[2:5]] == ["2", "8", "6"]
    assert "suggestions open: 6" in result.output

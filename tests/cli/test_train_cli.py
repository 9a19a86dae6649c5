"""``annotator train``, ``models``, ``train-curve`` and ``pretag --model latest`` as a user
runs them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from annotator.cli import app
from annotator.core.project import Project
from tests.core.test_training import label_all, write_articles

runner = CliRunner()


def make_project(tmp_path: Path) -> Path:
    path = tmp_path / "news.annotator"
    with Project.open(path) as project:
        project.import_paths([write_articles(tmp_path / "articles", 30)])
        label_all(project, "alice", 24)
    return path


def test_train_then_list_pretag_with_latest_and_delete(tmp_path: Path) -> None:
    project = make_project(tmp_path)

    trained = runner.invoke(
        app, ["train", str(project), "--annotator", "alice", "--max-minutes", "2"]
    )

    assert trained.exit_code == 0, trained.output
    output = " ".join(trained.output.split())
    assert "Trained on" in output and "documents of alice" in output
    assert "GPE" in output and "PERSON" in output and "annotator pretag" in output
    listed = runner.invoke(app, ["models", str(project)])
    assert listed.exit_code == 0 and "alice" in listed.output
    with Project.open(project) as opened:
        from annotator.core.model_registry import list_models

        [model] = list_models(opened)
    tagged = runner.invoke(app, ["pretag", str(project), "--model", "latest"])
    assert tagged.exit_code == 0, tagged.output
    assert "en_annotator_news@" in tagged.output and "tagged 30 documents" in tagged.output
    unsure = runner.invoke(app, ["unsure", str(project), "--annotator", "alice", "--top", "3"])
    assert unsure.exit_code == 0, unsure.output
    listed_ids = [
        int(line.split("#")[1].split()[0]) for line in unsure.output.splitlines() if "#" in line
    ]
    with Project.open(project) as opened:
        finished = {d.id for d in opened.documents()[:24]}
    assert len(listed_ids) == 3 and not finished & set(listed_ids)
    assert "scored 30 documents" in " ".join(unsure.output.split())
    deleted = runner.invoke(app, ["models", str(project), "--delete", model.name])
    assert deleted.exit_code == 0 and model.name in deleted.output
    assert "No trained models yet" in runner.invoke(app, ["models", str(project)]).output


def test_pretag_with_latest_before_any_training_says_how_to_train(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    result = runner.invoke(app, ["pretag", str(project), "--model", "latest"])
    assert result.exit_code != 0
    assert "no trained model yet" in result.output and "annotator train" in result.output


def test_train_curve_prints_f1_per_share(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    result = runner.invoke(
        app, ["train-curve", str(project), "--annotator", "alice", "--max-minutes", "1"]
    )
    assert result.exit_code == 0, result.output
    for share in ("25%", "50%", "75%", "100%"):
        assert share in result.output
    assert "points of F1" in result.output


def test_models_without_a_project_lists_the_taggers_with_language_and_labels() -> None:
    result = runner.invoke(app, ["models"], terminal_width=200)
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines() if "│" in line}
    assert "built-in" in rows["builtin"] and "│ en " in rows["builtin"]
    assert "GPE" in rows["builtin"]
    assert "│ ru " in rows["natasha"] and "PERSON" in rows["natasha"]


def test_language_shows_and_sets_the_project_language_the_taggers_check(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert runner.invoke(app, ["language", str(project)]).output.strip().endswith(": en")

    changed = runner.invoke(app, ["language", str(project), "ru"])
    refused = runner.invoke(app, ["pretag", str(project)])

    assert changed.exit_code == 0 and "language changed from en to ru" in changed.output
    assert refused.exit_code != 0
    said = " ".join(refused.output.split())
    assert "this project's language is Russian (ru)" in said
    assert "written mostly in Latin script" in said and f"{project.name} en," in said

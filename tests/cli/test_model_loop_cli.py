"""The loop on the command line: import, (label), train, train-curve, pre-tag with the latest
model, correct, train again, and the open documents' suggestions are the new model's."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from annotator.cli import app
from annotator.core.project import Project
from annotator.core.records import Status
from tests.sample_style import make_articles, write_articles

runner = CliRunner()
ARTICLES = make_articles(40, seed=11)


def run(*arguments: str) -> str:
    result = runner.invoke(app, list(arguments), terminal_width=200)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def label(project: Path, count: int) -> None:
    """What the researcher does in the app between the commands."""
    with Project.open(project) as opened:
        for document, article in zip(opened.documents()[:count], ARTICLES, strict=False):
            text = opened.text(document.id)
            for words, entity in ((article.city, "GPE"), (article.person, "PERSON")):
                start = text.index(words)
                opened.edits.add_span(document.id, "researcher", start, start + len(words), entity)
            opened.edits.set_topic(document.id, "researcher", article.topic, True)
            opened.edits.set_status(document.id, "researcher", Status.DONE)


def suggesters(project: Path, index: int) -> set[str]:
    with Project.open(project) as opened:
        document = opened.documents()[index].id
        return {s.created_by for s in opened.edits.suggestions(document, "researcher")}


def test_train_curve_pretag_correct_and_retrain_from_the_command_line(tmp_path: Path) -> None:
    project = tmp_path / "loop.annotator"
    run("import", str(project), str(write_articles(tmp_path / "articles", ARTICLES)))
    label(project, 30)

    trained = run("train", str(project), "--annotator", "researcher", "--max-minutes", "1")
    assert "Trained on" in trained and "GPE" in trained and "PERSON" in trained
    curve = run("train-curve", str(project), "--annotator", "researcher", "--max-minutes", "1")
    assert all(f"{share}%" in curve for share in (25, 50, 75, 100)), curve
    tagged = run("pretag", str(project), "--model", "latest")
    assert "tagged 40 documents" in tagged and "Topic suggestions" in tagged
    [first] = suggesters(project, 30)

    with Project.open(project) as opened:
        document = opened.documents()[30].id
        opened.edits.decide_suggestions(document, "researcher", reject=False)
        opened.edits.set_status(document, "researcher", Status.DONE)
    run("train", str(project), "--annotator", "researcher", "--max-minutes", "1")
    retagged = run("pretag", str(project), "--model", "latest")

    [second] = suggesters(project, 35)
    assert first.startswith("en_annotator_loop@") and second != first
    assert "replace" in retagged
    listed = run("models", str(project))
    assert listed.count("researcher") == 2
    unsure = run("unsure", str(project), "--annotator", "researcher", "--top", "5")
    assert unsure.count("#") == 5

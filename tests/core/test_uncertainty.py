"""A model trained here suggests topics with their scores, and orders the list by how unsure
it is: the researcher's next documents are those where a label teaches it most."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.listing import DocumentFilter, list_document_ids
from annotator.core.model_registry import list_models
from annotator.core.project import Project
from annotator.core.records import Status
from annotator.core.store.suggestions import unscored_page
from annotator.core.training import train
from annotator.core.uncertainty import rank, uncertainty


@pytest.fixture
def project_path(project_target: Path | str) -> Path | str:
    """Every test of this module runs on a SQLite file and on a PostgreSQL database."""
    return project_target


CITIES = ["Kathmandu", "Beijing", "Moscow", "Delhi", "Hanoi", "Cairo"]
TRADE = "{city} signed a deal to export rice and cut tariffs on steel."
SUMMIT = "Leaders met in {city} for a summit on the border treaty."


def write_articles(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    rng = random.Random(5)
    paths = []
    for index in range(count):
        template = TRADE if index % 2 else SUMMIT
        path = folder / f"{index:03}.txt"
        path.write_text(
            f"Item {index}\n\n{template.format(city=rng.choice(CITIES))} Day {index}.",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose first 24 documents alice labelled (places and one topic each), with a
    model trained on them; copied per test."""
    folder = tmp_path_factory.mktemp("uncertainty")
    path = folder / "news.annotator"
    with pytest.MonkeyPatch.context() as patch, Project.open(path) as project:
        patch.setenv("ANNOTATOR_HOME", str(folder / "home"))
        project.import_paths(write_articles(folder / "articles", 36))
        for document in project.documents()[:24]:
            text = project.text(document.id)
            city = next(c for c in CITIES if c in text)
            start = text.index(city)
            project.edits.add_span(document.id, "alice", start, start + len(city), "GPE")
            trade = "tariffs" in text
            project.edits.set_topic(document.id, "alice", "trade", trade)
            project.edits.set_topic(document.id, "alice", "diplomacy", not trade)
            project.edits.set_status(document.id, "alice", Status.DONE)
        train(project, annotator="alice", max_minutes=2)
    return path


@pytest.fixture
def project(trained: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ANNOTATOR_HOME", str(trained.parent / "home"))
    copy = tmp_path / "news.annotator"
    copy.write_bytes(trained.read_bytes())
    with Project.open(copy) as opened:
        yield opened


def test_uncertainty_is_one_at_a_coin_toss_and_zero_when_sure() -> None:
    assert uncertainty([0.5]) == 1.0
    assert uncertainty([0.0, 1.0]) == 0.0
    assert uncertainty([0.9, 0.3]) == pytest.approx(0.6)
    assert uncertainty([]) == 0.0


def test_a_trained_text_classifier_suggests_topics_with_scores_and_accepting_one_decides_it(
    project: Project,
) -> None:
    report = project.pretag("latest")

    [model] = list_models(project)
    assert {row.label for row in model.per_label} == {"GPE", "trade", "diplomacy"}
    assert set(report.topics) <= {"trade", "diplomacy"} and report.topics
    assert "Topic suggestions" in report.summary()
    open_document = project.documents()[30].id
    suggested = project.edits.topic_suggestions(open_document, "alice")
    assert suggested and all(0.5 <= s.score <= 1.0 for s in suggested)
    first = suggested[0]
    project.edits.set_topic(open_document, "alice", first.label, True)
    assert first.label not in {
        s.label for s in project.edits.topic_suggestions(open_document, "alice")
    }
    assert project.edits.annotation(open_document, "alice").topics == {first.label: True}


def test_model_unsure_first_lists_unfinished_documents_from_most_to_least_unsure(
    project: Project,
) -> None:
    report = rank(project, "latest")

    assert report.scored == project.document_count() == 36
    ids = list_document_ids(project, DocumentFilter("alice"), sort="unsure")
    with project.read() as conn:
        figures = dict(
            conn.exec_driver_sql("SELECT document_id, uncertainty FROM model_uncertainty").all()
        )
    done = {d.id for d in project.documents()[:24]}
    unfinished = [i for i in ids if i not in done]
    assert ids[: len(unfinished)] == unfinished  # the open documents come first
    values = [figures[i] for i in unfinished]
    assert values == sorted(values, reverse=True)
    assert all(0.0 <= value <= 1.0 for value in figures.values())
    assert len(set(values)) > 1  # the model is surer of some than of others
    again = rank(project, "latest")
    assert (again.scored, again.already_scored) == (0, 36)
    with project.read() as conn:
        model_id = project.ensure_annotator(report.model, kind="model").id
        assert unscored_page(conn, model_id, 0, 10) == []


def test_ranking_with_a_tagger_that_has_no_probabilities_is_refused(project: Project) -> None:
    with pytest.raises(AnnotatorError, match="gives no probabilities"):
        rank(project)

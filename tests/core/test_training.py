"""Training with spaCy's own loop in a child process: the model kept with its scores, the
time limit, cancel, a base pipeline, a learning curve, and pre-tagging with the result."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import spacy

from annotator.core.errors import AnnotatorError, Cancelled
from annotator.core.model_registry import (
    INFO_FILE,
    delete_model,
    latest_model,
    list_models,
    models_folder,
)
from annotator.core.project import Project
from annotator.core.records import Status
from annotator.core.taggers import Source, all_taggers
from annotator.core.training import TrainingEvent, train, train_curve

CITIES = ["Kathmandu", "Beijing", "Moscow", "Delhi", "Hanoi", "Cairo", "Lima", "Oslo"]
PEOPLE = ["Anna Petrova", "Ram Sharma", "Li Wei", "Omar Haddad", "Нина Орлова"]


def write_articles(folder: Path, count: int) -> Path:
    folder.mkdir()
    rng = random.Random(3)
    for index in range(count):
        person, city = rng.choice(PEOPLE), rng.choice(CITIES)
        (folder / f"{index:03}.txt").write_text(
            f"Report {index}\n\n🙂 {person} visited {city} on Monday to discuss trade.",
            encoding="utf-8",
        )
    return folder


def label_all(project: Project, annotator: str, documents: int) -> None:
    names = [(c, "GPE") for c in CITIES] + [(p, "PERSON") for p in PEOPLE]
    for document in project.documents()[:documents]:
        text = project.text(document.id)
        for name, label in names:
            start = text.find(name)
            if start >= 0:
                project.edits.add_span(document.id, annotator, start, start + len(name), label)
        project.edits.set_status(document.id, annotator, Status.DONE)


@pytest.fixture
def project(project_path: Path, tmp_path: Path) -> Project:
    opened = Project.open(project_path)
    opened.import_paths([write_articles(tmp_path / "articles", 40)])
    label_all(opened, "alice", 30)
    yield opened
    opened.close()


def test_a_trained_model_is_kept_with_its_data_and_per_label_scores(project: Project) -> None:
    events: list[TrainingEvent] = []

    model = train(project, annotator="alice", max_minutes=2, on_event=events.append)

    assert (model.train_documents + model.dev_documents, model.annotator) == (30, "alice")
    assert model.labels == ["GPE", "PERSON"]
    assert {row.label for row in model.per_label} == {"GPE", "PERSON"}
    assert all(0 <= row.f1 <= 1 for row in model.per_label) and "ents_f" in model.scores
    assert (events[0].kind, events[-1].kind) == ("exported", "trained")
    assert any(e.kind == "eval" for e in events)
    assert list_models(project) == [model] and latest_model(project) == model
    stored = json.loads((model.folder / INFO_FILE).read_text(encoding="utf-8"))
    assert stored["train_documents"] == model.train_documents
    nlp = spacy.load(model.pipeline)
    assert nlp.meta["name"].startswith("annotator_") and "ner" in nlp.pipe_names
    assert [p.name for p in models_folder(project).iterdir()] == [model.name]


def test_pretagging_with_the_latest_model_suggests_what_it_finds(project: Project) -> None:
    model = train(project, annotator="alice", max_minutes=2)
    nlp = spacy.load(model.pipeline)

    report = project.pretag("latest")

    assert report.model.startswith(f"{nlp.lang}_{nlp.meta['name']}@")
    expected = sum(len(nlp(project.text(d.id)).ents) for d in project.documents())
    assert report.spans_added == expected > 0
    unfinished = project.documents()[35].id
    assert project.edits.suggestions(unfinished, "alice")
    listed = all_taggers(project)[0]
    assert (listed.name, listed.source, listed.languages) == (model.name, Source.TRAINED, ("en",))
    assert listed.labels == ("GPE", "PERSON")


def test_nothing_to_learn_from_is_refused_and_leaves_nothing(project: Project) -> None:
    for document in project.documents()[:5]:
        project.edits.set_status(document.id, "bob", Status.DONE)
    with pytest.raises(AnnotatorError, match="no entities, topic decisions"):
        train(project, annotator="bob", max_minutes=1)
    assert list(models_folder(project).iterdir()) == []


def test_cancel_stops_training_and_keeps_nothing(project: Project) -> None:
    seen: list[str] = []

    with pytest.raises(Cancelled):
        train(
            project,
            annotator="alice",
            max_minutes=2,
            on_event=lambda e: seen.append(e.kind),
            cancel=lambda: "eval" in seen,
        )

    assert list_models(project) == []
    assert list(models_folder(project).iterdir()) == []


def test_the_time_limit_stops_training_and_keeps_the_best_model_so_far(project: Project) -> None:
    model = train(project, annotator="alice", max_minutes=0.001)
    assert model.stopped == "time"
    assert spacy.load(model.pipeline).pipe_names


def test_a_base_pipeline_is_trained_further_with_new_labels(project: Project) -> None:
    first = train(project, annotator="alice", max_minutes=2)
    for document in project.documents()[30:]:
        text = project.text(document.id)
        project.edits.add_span(
            document.id, "alice", text.index("Monday"), text.index(" to "), "DATE"
        )
        project.edits.set_status(document.id, "alice", Status.DONE)

    second = train(project, annotator="alice", max_minutes=2, base=str(first.pipeline))

    assert second.base == str(first.pipeline)
    ner = spacy.load(second.pipeline).get_pipe("ner")
    assert {"GPE", "PERSON", "DATE"} <= set(ner.labels)
    assert [m.name for m in list_models(project)] == [second.name, first.name]
    delete_model(project, first.name)
    assert [m.name for m in list_models(project)] == [second.name]


def test_a_learning_curve_trains_growing_shares_on_the_same_held_out_documents(
    project: Project,
) -> None:
    points = train_curve(project, annotator="alice", max_minutes=1, fractions=(0.5, 1.0))

    assert [p.fraction for p in points] == [0.5, 1.0]
    assert points[0].train_documents < points[1].train_documents
    assert all("ents_f" in p.scores for p in points)
    assert list_models(project) == []

"""Pre-tagging with a real spaCy pipeline trained here, loaded by path like a user's model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.formats.spacy_training import write_training_set
from annotator.core.pipelines import load_pipeline, pipeline_fingerprint
from annotator.core.project import Project
from annotator.core.records import ExportItem, LabelKind, SpanRecord, Status

CITIES = ["Kathmandu", "Beijing", "Moscow", "Delhi", "Ulaanbaatar", "Hanoi", "Tehran", "Cairo"]
VERBS = ["visited", "left", "praised", "criticised", "reached", "described"]


def training_items() -> list[ExportItem]:
    items = []
    for index in range(160):
        city = CITIES[index % len(CITIES)]
        verb = VERBS[index % len(VERBS)]
        text = f"The delegation {verb} {city} on day {index} of the tour."
        start = text.index(city)
        items.append(
            ExportItem(
                text=text,
                title=None,
                meta={},
                annotator="trainer",
                status=Status.DONE,
                spans=[SpanRecord(start, start + len(city), "CITY")],
                topics=[],
                topic_labels=[],
                content_hash=f"{index:064x}",
            )
        )
    return items


@pytest.fixture(scope="session")
def trained_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny ner pipeline trained for a few steps with `spacy train`, saved to a folder."""
    import spacy

    folder = tmp_path_factory.mktemp("pipeline")
    write_training_set(training_items(), folder / "data", spacy.blank("en"), dev_ratio=0.2)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "spacy",
            "train",
            str(folder / "data" / "config.cfg"),
            "--paths.train",
            str(folder / "data" / "train.spacy"),
            "--paths.dev",
            str(folder / "data" / "dev.spacy"),
            "--training.max_steps",
            "60",
            "--training.eval_frequency",
            "30",
            "--output",
            str(folder / "out"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return folder / "out" / "model-last"


@pytest.fixture
def project(project_target: Path | str, tmp_path: Path) -> Project:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(
        "🙂 The delegation visited Kathmandu on day 3 of the tour.", encoding="utf-8"
    )
    (articles / "b.txt").write_text(
        "The delegation reached Hanoi on day 9 of the tour.", encoding="utf-8"
    )
    opened = Project.open(project_target)
    opened.import_paths([articles])
    yield opened
    opened.close()


def suggestion_rows(project: Project) -> list[tuple]:
    with project.read() as conn:
        return conn.exec_driver_sql(
            'SELECT a.document_id, s.start, s."end", l.name, n.name, n.model_version '
            "FROM spans AS s JOIN annotations AS a ON a.id = s.annotation_id "
            "JOIN annotators AS n ON n.id = a.annotator_id JOIN labels AS l ON l.id = s.label_id "
            "WHERE n.kind = 'model' ORDER BY a.document_id, s.start"
        ).all()


def test_pipeline_folder_suggestions_match_raw_nlp_pipe(
    project: Project, trained_pipeline: Path
) -> None:
    report = project.pretag(str(trained_pipeline))
    nlp = load_pipeline(str(trained_pipeline))
    expected = []
    for document in project.documents():
        doc = nlp(project.text(document.id))
        expected += [(document.id, e.start_char, e.end_char, e.label_) for e in doc.ents]
    rows = suggestion_rows(project)
    assert expected, "the trained pipeline should find the cities it was trained on"
    assert [row[:4] for row in rows] == expected
    assert report.spans_added == len(expected)
    assert {row[4] for row in rows} == {f"en_pipeline@{pipeline_fingerprint(nlp)[:10]}"}
    assert {row[5] for row in rows} == {"0.0.0"}
    assert "CITY" in {label.name for label in project.labels(LabelKind.ENTITY)}


def test_rerun_adds_nothing_and_humans_spans_stay(project: Project, trained_pipeline: Path) -> None:
    text = project.text(1)
    start = text.index("delegation")
    human = project.edits.add_span(1, "alice", start, start + 10, "ORG")
    project.pretag(str(trained_pipeline))
    first = suggestion_rows(project)
    again = project.pretag(str(trained_pipeline))
    assert again.spans_added == 0 and again.already_tagged == 2
    assert suggestion_rows(project) == first
    annotation = project.edits.annotation(1, "alice")
    assert annotation is not None
    assert [(s.id, s.start, s.end, s.label) for s in annotation.spans] == [
        (human.id, human.start, human.end, "ORG")
    ]


def test_suggestions_can_be_accepted_and_rejected_without_changing_the_model_set(
    project: Project, trained_pipeline: Path
) -> None:
    project.pretag(str(trained_pipeline))
    suggestions = project.edits.suggestions(1, "alice")
    assert suggestions, "the trained pipeline should suggest at least one span"
    accepted = project.edits.accept_suggestion(suggestions[0].id, "alice")
    assert accepted.accepted_suggestion and accepted.created_by.startswith("en_pipeline@")
    remaining = project.edits.suggestions(1, "alice")
    assert suggestions[0].id not in {s.id for s in remaining}
    for suggestion in remaining:
        project.edits.reject_suggestion(suggestion.id, "alice")
    assert project.edits.suggestions(1, "alice") == []
    assert project.edits.suggestions(1, "bob") == suggestions
    annotation = project.edits.annotation(1, "alice")
    assert annotation is not None
    kept = [s for s in annotation.spans if not s.rejected]
    assert [(s.start, s.end, s.label) for s in kept] == [
        (accepted.start, accepted.end, accepted.label)
    ]


def test_unknown_model_gives_a_clear_error(project: Project) -> None:
    with pytest.raises(AnnotatorError, match="Cannot load the spaCy pipeline 'xx_not_installed'"):
        project.pretag("xx_not_installed")


def test_a_pipeline_that_finds_nothing_tags_every_document_with_no_suggestions(
    project: Project, tmp_path: Path
) -> None:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "CITY", "pattern": "Atlantis"}])
    nlp.to_disk(tmp_path / "finds-nothing")
    report = project.pretag(str(tmp_path / "finds-nothing"))
    assert (report.documents, report.spans_added) == (2, 0)
    assert suggestion_rows(project) == []
    assert project.pretag(str(tmp_path / "finds-nothing")).already_tagged == 2


def test_a_retrained_model_with_the_same_name_tags_every_document_again(
    project: Project, trained_pipeline: Path, tmp_path: Path
) -> None:
    import spacy
    from spacy.training import Example

    project.pretag(str(trained_pipeline))
    nlp = spacy.load(trained_pipeline)
    text = "The delegation visited Cairo on day 1 of the tour."
    example = Example.from_dict(nlp.make_doc(text), {"entities": [(23, 28, "CITY")]})
    nlp.update([example], sgd=nlp.resume_training())
    nlp.to_disk(tmp_path / "retrained")
    assert nlp.meta["name"] == "pipeline" and nlp.meta["version"] == "0.0.0"

    again = project.pretag(str(tmp_path / "retrained"))

    assert (again.documents, again.already_tagged) == (2, 0)
    assert again.model != project.pretag(str(trained_pipeline)).model


def test_unfinished_only_leaves_finished_documents_untagged(
    project: Project, trained_pipeline: Path
) -> None:
    project.edits.set_status(1, "alice", Status.DONE)

    report = project.pretag(str(trained_pipeline), unfinished_only=True)

    assert (report.documents, report.finished_left, report.already_tagged) == (1, 1, 0)
    assert "1 finished ones left as they are" in report.summary()
    assert project.edits.suggestions(1, "bob") == []
    later = project.pretag(str(trained_pipeline))
    assert (later.documents, later.already_tagged) == (1, 1)

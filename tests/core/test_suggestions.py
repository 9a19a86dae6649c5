"""Model suggestions a person has not decided: offered in the editor, decided many at once as
one edit, and never taught as "not an entity" by the spaCy export."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import DocBin

from annotator.core.project import Project
from annotator.core.records import Status

TEXT = "Нина Петрова met Alice in New York City near the Louvre 🙂 with Bob, قال الوزير."


def ruler(name: str, patterns: list[tuple[str, str]]) -> Language:
    """A real spaCy pipeline whose entities are known in advance, under its own name."""
    nlp = spacy.blank("xx")
    nlp.meta["name"] = name
    nlp.add_pipe("entity_ruler").add_patterns(
        [{"label": label, "pattern": phrase} for label, phrase in patterns]
    )
    return nlp


@pytest.fixture
def project(project_target: Path | str, tmp_path: Path) -> Project:
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    opened = Project.open(project_target)
    opened.import_paths([article])
    # Bob accepts the older model's suggestion, so the newer model does not replace it.
    opened.pretag(nlp=ruler("second", [("GPE", "New York City")]))
    [older] = opened.edits.suggestions(1, "bob")
    opened.edits.accept_suggestion(older.id, "bob")
    opened.pretag(
        nlp=ruler(
            "first",
            [
                ("PERSON", "Нина Петрова"),
                ("PERSON", "Alice"),
                ("GPE", "New York"),
                ("LOC", "Louvre"),
                ("PERSON", "Bob"),
            ],
        )
    )
    yield opened
    opened.close()


def texts(project: Project, annotator: str) -> list[str]:
    return [TEXT[s.start : s.end] for s in project.edits.suggestions(1, annotator)]


def test_open_suggestions_leave_out_what_the_annotator_decided(project: Project) -> None:
    by_text = {TEXT[s.start : s.end]: s for s in project.edits.suggestions(1, "alice")}
    project.edits.accept_suggestion(by_text["Alice"].id, "alice")
    project.edits.reject_suggestion(by_text["Bob"].id, "alice")
    start = TEXT.index("York")
    project.edits.add_span(1, "alice", start, start + len("York City"), "GPE")

    assert texts(project, "alice") == ["Нина Петрова", "Louvre"]
    assert texts(project, "carol") == [
        "Нина Петрова",
        "Alice",
        "New York",
        "New York City",
        "Louvre",
        "Bob",
    ]


def test_accepting_all_takes_the_longest_of_overlapping_suggestions_in_one_edit(
    project: Project,
) -> None:
    made = project.edits.decide_suggestions(1, "alice", reject=False)

    assert [TEXT[s.start : s.end] for s in made] == [
        "Нина Петрова",
        "Alice",
        "New York City",
        "Louvre",
        "Bob",
    ]
    assert all(s.accepted_suggestion for s in made)
    assert texts(project, "alice") == []
    with project.read() as conn:
        actions = list(conn.exec_driver_sql("SELECT action FROM edit_log").scalars())
    assert actions.count("accept_suggestions") == 1


def test_removing_the_decided_spans_opens_the_suggestions_again(project: Project) -> None:
    before = texts(project, "alice")
    made = project.edits.decide_suggestions(1, "alice", reject=True)
    assert texts(project, "alice") == []
    annotation = project.edits.annotation(1, "alice")
    assert annotation is not None and all(s.rejected for s in annotation.spans)

    project.edits.remove_spans([s.id for s in made], "alice")

    assert texts(project, "alice") == before
    annotation = project.edits.annotation(1, "alice")
    assert annotation is not None and annotation.spans == []


def test_spacy_export_marks_open_suggestions_missing_and_says_how_many(
    project: Project, tmp_path: Path
) -> None:
    by_text = {TEXT[s.start : s.end]: s for s in project.edits.suggestions(1, "alice")}
    project.edits.accept_suggestion(by_text["Alice"].id, "alice")
    project.edits.reject_suggestion(by_text["Bob"].id, "alice")
    project.edits.accept_suggestion(by_text["New York City"].id, "alice")
    project.edits.set_status(1, "alice", Status.DONE)

    report = project.export(tmp_path / "out", fmt="spacy", annotator="alice", dev_ratio=0.0)

    assert report.open_suggestions == 2
    assert any("2 model suggestion(s)" in note and "missing" in note for note in report.notes)
    [doc] = DocBin().from_disk(tmp_path / "out" / "train.spacy").get_docs(project.tokenizer.vocab)
    iob = {token.text: token.ent_iob_ for token in doc}
    assert iob["Нина"] == iob["Петрова"] == iob["Louvre"] == ""
    assert iob["met"] == iob["near"] == iob["Bob"] == "O"
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Alice", "PERSON"),
        ("New York City", "GPE"),
    ]
    assert [s.text for s in doc.spans["incorrect_spans"]] == ["Bob"]


def test_other_formats_name_the_open_suggestions_they_cannot_mark(
    project: Project, tmp_path: Path
) -> None:
    project.edits.set_status(1, "alice", Status.DONE)

    report = project.export(tmp_path / "out.jsonl", fmt="prodigy", annotator="alice")

    assert report.open_suggestions == 6
    assert any("prodigy has no way to mark them undecided" in n for n in report.notes)


def test_a_new_model_replaces_only_suggestions_nobody_decided(
    project: Project, tmp_path: Path
) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Alice wrote to Bob from the Louvre.", encoding="utf-8")
    project.import_paths([other])
    fourth = project.pretag(nlp=ruler("fourth", [("PERSON", "Alice"), ("PERSON", "Bob")]))
    assert fourth.replaced == 5  # all of document 1's but New York City, which bob accepted
    project.edits.set_status(2, "dave", Status.DONE)  # dave finished document 2 with them open
    by_text = {TEXT[s.start : s.end]: s for s in project.edits.suggestions(1, "alice")}
    project.edits.reject_suggestion(by_text["Bob"].id, "alice")

    report = project.pretag(nlp=ruler("third", [("FAC", "Louvre")]))

    assert report.replaced == 1  # Alice on document 1; Bob there is decided, document 2 done
    assert texts(project, "carol") == ["New York City", "Louvre", "Bob"]
    with Project.open(project.target) as again:
        second = [again.text(2)[s.start : s.end] for s in again.edits.suggestions(2, "carol")]
    assert second == ["Alice", "Bob", "Louvre"]

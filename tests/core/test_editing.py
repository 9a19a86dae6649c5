"""Edits through the core API: committed at once, only ever on the editor's own work."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import LabelError, SpanError
from annotator.core.project import Project
from annotator.core.records import LabelKind, Layer, Status

TEXT = "🙂🙂 Нина Петрова flew to Kathmandu, Nepal, on Monday. قال الوزير ذلك."


@pytest.fixture
def project(project_target: Path | str, tmp_path: Path) -> Project:
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    opened = Project.open(project_target)
    opened.import_paths([article])
    yield opened
    opened.close()


def test_snapped_span_covers_whole_tokens_after_emoji_and_cyrillic(project: Project) -> None:
    start = TEXT.index("Петрова") + 2
    span = project.edits.add_span(1, "alice", start, start + 3, "PERSON", snap_to_tokens=True)
    assert TEXT[span.start : span.end] == "Петрова"
    stored = project.edits.annotation(1, "alice")
    assert stored is not None
    assert [(s.start, s.end, s.label) for s in stored.spans] == [(span.start, span.end, "PERSON")]


def test_snapping_trims_spaces_and_punctuation(project: Project) -> None:
    start = TEXT.index(" Kathmandu,")
    span = project.edits.add_span(
        1, "alice", start, start + len(" Kathmandu, "), "GPE", snap_to_tokens=True
    )
    assert TEXT[span.start : span.end] == "Kathmandu"


def test_edit_is_visible_to_a_second_connection_at_once(project: Project) -> None:
    start = TEXT.index("Nepal")
    project.edits.add_span(1, "alice", start, start + 5, "GPE")
    with Project.open(project.target) as other:
        annotation = other.edits.annotation(1, "alice")
        assert annotation is not None
        assert [(s.start, s.label) for s in annotation.spans] == [(start, "GPE")]
        assert annotation.status is Status.IN_PROGRESS


def test_overlapping_entity_is_refused_but_unreliable_passage_may_overlap(
    project: Project,
) -> None:
    start = TEXT.index("Kathmandu")
    project.edits.add_span(1, "alice", start, start + 9, "GPE")
    with pytest.raises(SpanError, match="overlaps the entity GPE"):
        project.edits.add_span(1, "alice", start + 2, start + 15, "LOC")
    passage = project.edits.add_span(
        1, "alice", start - 7, start + 16, "unverifiable", layer=Layer.UNRELIABLE, note="no source"
    )
    assert passage.note == "no source"


def test_span_outside_text_and_unknown_label_are_refused(project: Project) -> None:
    with pytest.raises(SpanError, match="outside the text"):
        project.edits.add_span(1, "alice", 5, len(TEXT) + 1, "GPE")
    with pytest.raises(LabelError, match="not a entity label"):
        project.edits.add_span(1, "alice", 5, 8, "NOT_A_LABEL")
    assert project.edits.annotation(1, "alice") is None


def test_relabel_move_and_delete_own_span(project: Project) -> None:
    start = TEXT.index("Kathmandu")
    span = project.edits.add_span(1, "alice", start, start + 9, "LOC")
    moved = project.edits.update_span(span.id, "alice", label="GPE", end=start + 16)
    assert (moved.label, TEXT[moved.start : moved.end]) == ("GPE", "Kathmandu, Nepal")
    removed = project.edits.delete_span(span.id, "alice")
    assert removed.label == "GPE"
    annotation = project.edits.annotation(1, "alice")
    assert annotation is not None and annotation.spans == []


def test_colleagues_span_cannot_be_changed(project: Project) -> None:
    start = TEXT.index("Nepal")
    span = project.edits.add_span(1, "alice", start, start + 5, "GPE")
    with pytest.raises(SpanError, match="belongs to alice"):
        project.edits.delete_span(span.id, "bob")
    with pytest.raises(SpanError, match="belongs to alice"):
        project.edits.update_span(span.id, "bob", label="LOC")


def test_renamed_label_is_renamed_on_its_spans(project: Project) -> None:
    start = TEXT.index("Nepal")
    project.edits.add_span(1, "alice", start, start + 5, "GPE")
    gpe = next(label for label in project.labels(LabelKind.ENTITY) if label.name == "GPE")
    project.update_label(gpe.id, name="COUNTRY", colour="#123456")
    annotation = project.edits.annotation(1, "alice")
    assert annotation is not None and annotation.spans[0].label == "COUNTRY"


def test_topics_status_and_active_time_are_stored(project: Project) -> None:
    project.edits.set_topic(1, "alice", "trade", True)
    project.edits.set_topic(1, "alice", "health", False)
    project.edits.set_topic(1, "alice", "trade", None)
    project.edits.set_status(1, "alice", Status.DONE)
    project.edits.add_active_time(1, "alice", 12.5)
    project.edits.add_active_time(1, "alice", 7.5)
    annotation = project.edits.annotation(1, "alice")
    assert annotation is not None
    assert annotation.topics == {"health": False}
    assert annotation.status is Status.DONE
    assert annotation.active_seconds == pytest.approx(20.0)
    assert project.stats().active_seconds["alice"] == pytest.approx(20.0)


def test_every_edit_is_in_the_edit_log(project: Project) -> None:
    start = TEXT.index("Nepal")
    span = project.edits.add_span(1, "alice", start, start + 5, "GPE")
    project.edits.update_span(span.id, "alice", label="LOC")
    project.edits.set_topic(1, "alice", "trade", True)
    project.edits.set_status(1, "alice", Status.DONE)
    with project.read() as conn:
        actions = [
            row[0]
            for row in conn.exec_driver_sql(
                "SELECT action FROM edit_log WHERE annotator_id IS NOT NULL ORDER BY id"
            )
        ]
    assert actions == ["add_span", "update_span", "set_topic", "set_status"]


def test_restored_span_keeps_label_note_and_creator(project: Project) -> None:
    start = TEXT.index("Kathmandu")
    span = project.edits.add_span(
        1, "alice", start, start + 9, "unverifiable", layer=Layer.UNRELIABLE, note="who said so?"
    )
    removed = project.edits.delete_span(span.id, "alice")
    restored = project.edits.restore_span(1, "alice", removed)
    assert restored.id != span.id
    assert (restored.start, restored.end, restored.label, restored.note, restored.created_by) == (
        span.start,
        span.end,
        "unverifiable",
        "who said so?",
        "alice",
    )

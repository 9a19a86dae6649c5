"""Label keys on the model's suggestions: taking, relabelling and replacing them are each one
undo step, and none of them loses the suggestion or the person's answer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.project import Project
from tests.gui.test_main_window import press, select, stored

GPE, LOC = Qt.Key.Key_3, Qt.Key.Key_4


def pretagged(window, project_file: Path) -> None:
    with Project.open(project_file) as project:
        project.pretag()
    window.editor.load(1)


def suggestion_at(window, word: str):
    start = window.editor.text.index(word)
    return next(s for s in window.editor.suggestions if s.start == start)


def own(project_file: Path) -> list[tuple[str, str, bool]]:
    annotation = stored(project_file)
    text = Project.open(project_file).text(1)
    return [(text[s.start : s.end], s.label, s.rejected) for s in annotation.spans]


def test_label_key_on_a_suggestions_text_accepts_it(qtbot, window, project_file) -> None:
    pretagged(window, project_file)
    suggestion = suggestion_at(window, "Nepal")
    assert suggestion.label == "GPE"
    select(window, "Nepal")
    press(qtbot, window, GPE)
    assert own(project_file) == [("Nepal", "GPE", False)]
    assert stored(project_file).spans[0].origin_span_id == suggestion.id
    assert window.session.undo_stack.count() == 1
    window.session.undo_stack.undo()
    assert own(project_file) == []
    assert suggestion.id in [s.id for s in window.editor.suggestions]


def test_another_label_key_on_a_suggestions_text_relabels_it_in_one_step(
    qtbot, window, project_file
) -> None:
    pretagged(window, project_file)
    select(window, "Nepal")
    press(qtbot, window, LOC)
    assert own(project_file) == [("Nepal", "LOC", False)]
    assert window.session.undo_stack.count() == 1
    window.session.undo_stack.undo()
    assert own(project_file) == []
    window.session.undo_stack.redo()
    assert own(project_file) == [("Nepal", "LOC", False)]


def test_clicked_suggestion_takes_another_label_in_one_step(qtbot, window, project_file) -> None:
    pretagged(window, project_file)
    window.view.select_span(suggestion_at(window, "Mongolia").id)
    press(qtbot, window, LOC)
    assert own(project_file) == [("Mongolia", "LOC", False)]
    assert window.session.undo_stack.count() == 1


def test_a_span_over_several_suggestions_replaces_them_in_one_step(
    qtbot, window, project_file
) -> None:
    pretagged(window, project_file)
    before = {s.id for s in window.editor.suggestions}
    select(window, "Nepal and Mongolia")
    press(qtbot, window, LOC)
    assert own(project_file) == [
        ("Nepal", "GPE", True),
        ("Nepal and Mongolia", "LOC", False),
        ("Mongolia", "GPE", True),
    ]
    assert window.session.undo_stack.count() == 1
    window.session.undo_stack.undo()
    assert own(project_file) == []
    assert {s.id for s in window.editor.suggestions} == before


def test_a_rejected_suggestion_can_be_labelled_again_by_hand(qtbot, window, project_file) -> None:
    pretagged(window, project_file)
    window.view.select_span(suggestion_at(window, "Nepal").id)
    press(qtbot, window, Qt.Key.Key_X)
    assert own(project_file) == [("Nepal", "GPE", True)]
    select(window, "Nepal")
    press(qtbot, window, GPE)
    assert own(project_file) == [("Nepal", "GPE", False)]


def test_a_label_key_updates_the_open_document_without_reading_it_again(
    qtbot, window, project_file, monkeypatch
) -> None:
    pretagged(window, project_file)
    window.editor.refresh()
    reads: list[int] = []
    original = window.editor._read_annotation
    monkeypatch.setattr(window.editor, "_read_annotation", lambda: (reads.append(1), original()))
    select(window, "Nepal")
    press(qtbot, window, LOC)
    qtbot.wait(50)
    assert reads == [1]  # the first edit makes the person's set: read it once
    reads.clear()
    window.view.select_span(suggestion_at(window, "Beijing").id)
    press(qtbot, window, Qt.Key.Key_X)
    select(window, "Mongolia met")
    press(qtbot, window, GPE)
    qtbot.wait(50)
    assert reads == []
    with Project.open(project_file) as project:
        fresh = project.edits.annotation(1, "tester")
        open_now = project.edits.suggestions(1, "tester")
    assert window.editor.annotation.spans == fresh.spans
    assert window.editor.suggestions == open_now


def test_the_entities_list_is_built_when_its_tab_is_opened(qtbot, window, project_file) -> None:
    pretagged(window, project_file)
    window.side.setCurrentWidget(window.topics)
    select(window, "Nepal")
    press(qtbot, window, GPE)
    qtbot.waitUntil(lambda: window.entities.count() == len(window.editor.suggestions) + 1)
    window.side.setCurrentWidget(window.entities)
    rows = [
        window.entities.model.index(row).data() for row in range(window.entities.model.rowCount())
    ]
    assert len(rows) == window.entities.count()
    assert any(row.startswith("GPE  Nepal") and "suggested" not in row for row in rows)

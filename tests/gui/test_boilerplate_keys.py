"""Boilerplate in the window: greyed as the project holds it, G marks the selection, Shift+G
makes greyed text article text again, each one undo step."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core import boilerplate
from annotator.core.project import Project
from tests.gui.test_main_window import press, select


def greyed(window) -> list[str]:
    text = window.editor.text
    return [text[s.start : s.end] for s in window.editor.display_spans() if s.kind == "boilerplate"]


def stored(project_file) -> list[tuple[int, int, str]]:
    with Project.open(project_file) as project:
        return [(r.start, r.end, r.kind) for r in boilerplate.regions(project, 1)]


def test_g_greys_the_selection_and_undo_takes_it_back(qtbot, window, project_file) -> None:
    start, end = select(window, "Officials said trade grew")
    press(qtbot, window, Qt.Key.Key_G)
    assert stored(project_file) == [(start, end, "marked")]
    qtbot.waitUntil(lambda: greyed(window) == ["Officials said trade grew"], timeout=2000)
    assert window.view.spans_at(start + 1) == []
    window.session.undo_stack.undo()
    assert stored(project_file) == []


def test_shift_g_unmarks_greyed_text_at_the_cursor(qtbot, window, project_file) -> None:
    start, end = select(window, "Officials said trade grew")
    press(qtbot, window, Qt.Key.Key_G)
    window.view.set_selection_cp(start + 3, start + 3)
    press(qtbot, window, Qt.Key.Key_G, Qt.KeyboardModifier.ShiftModifier)
    assert stored(project_file) == []
    qtbot.waitUntil(lambda: greyed(window) == [], timeout=2000)
    window.session.undo_stack.undo()
    assert stored(project_file) == [(start, end, "marked")]


def test_suggestions_in_greyed_text_disappear_and_accept_all_skips_them(
    qtbot, window, project_file
) -> None:
    with Project.open(project_file) as project:
        project.pretag()
    window.editor.load(1)
    before = {window.editor.text[s.start : s.end] for s in window.editor.suggestions}
    assert "Nepal" in before
    select(window, "leaders from Nepal and Mongolia")
    press(qtbot, window, Qt.Key.Key_G)
    window.editor.refresh()
    after = {window.editor.text[s.start : s.end] for s in window.editor.suggestions}
    assert "Nepal" not in after and "Mongolia" not in after
    press(qtbot, window, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    with Project.open(project_file) as project:
        accepted = [
            project.text(1)[s.start : s.end] for s in project.edits.annotation(1, "tester").spans
        ]
    assert "Nepal" not in accepted and accepted


def test_tab_walks_the_spans_in_text_order_past_boilerplate(
    qtbot, window, project_file, monkeypatch
) -> None:
    text = window.editor.text
    for word in ("Mongolia", "Nepal", "Monday"):
        select(window, word)
        press(qtbot, window, Qt.Key.Key_3)
    select(window, "Summit in Beijing")
    press(qtbot, window, Qt.Key.Key_G)
    window.editor.refresh()
    monkeypatch.setattr(window.editor, "display_spans", lambda: [])  # Tab reads the pane's index
    window.view.clear_span_selection()
    seen = []
    for _ in range(4):
        press(qtbot, window, Qt.Key.Key_Tab)
        span = window.editor.span(window.view.selected_span_id())
        seen.append(text[span.start : span.end])
    assert seen == ["Nepal", "Mongolia", "Monday", "Nepal"]
    press(qtbot, window, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    span = window.editor.span(window.view.selected_span_id())
    assert text[span.start : span.end] == "Monday"

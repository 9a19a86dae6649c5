"""Ctrl+F finds words in the open article (not only in the list): Return walks through the
matches, Escape leaves the match selected so a label key labels it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core.project import Project
from tests.gui.test_main_window import press


def activate(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)


def test_ctrl_f_finds_every_occurrence_and_return_walks_through_them(qtbot, window) -> None:
    activate(qtbot, window)
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible() and window.find_bar.field.hasFocus()
    qtbot.keyClicks(window.find_bar.field, "beijing")
    text = window.editor.text
    first = text.index("Beijing")
    second = text.index("Beijing", first + 1)
    assert window.find_bar.count.text() == "1 of 2"
    assert window.view.selection_cp() == (first, first + 7)
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return)
    assert window.view.selection_cp() == (second, second + 7)
    assert len(window.view.extraSelections()) == 2


def test_escape_then_a_label_key_labels_the_match_after_emoji_and_cyrillic(
    qtbot, window, project_file
) -> None:
    activate(qtbot, window)
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.find_bar.field, "mongolia")
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()
    press(qtbot, window, Qt.Key.Key_3)
    with Project.open(project_file) as project:
        [span] = project.edits.annotation(1, "tester").spans
        assert project.text(1)[span.start : span.end] == "Mongolia"


def test_ctrl_shift_f_still_searches_the_documents(qtbot, window) -> None:
    activate(qtbot, window)
    press(
        qtbot,
        window,
        Qt.Key.Key_F,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.filters.search.hasFocus()
    assert not window.find_bar.isVisible()

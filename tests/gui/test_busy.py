"""Bulk edits show a busy cursor and drop the keys pressed meanwhile instead of replaying them
into the document afterwards."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QApplication

from annotator.core.project import Project
from tests.gui.test_main_window import press, stored


def test_keys_pressed_during_accept_all_are_dropped_not_replayed(
    qtbot, window, project_file, monkeypatch
) -> None:
    with Project.open(project_file) as project:
        project.pretag()
    window.editor.load(1)
    suggested = len(window.editor.suggestions)
    cursors: list[object] = []
    original = window.session.project.edits.decide_suggestions

    def slow_decide(*args, **kwargs):
        cursor = QGuiApplication.overrideCursor()
        cursors.append(cursor.shape() if cursor is not None else None)
        # What a user does while the window is busy: Ctrl+Z, as a real key event queued.
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.postEvent(
                window.view, QKeyEvent(kind, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
            )
        return original(*args, **kwargs)

    monkeypatch.setattr(window.session.project.edits, "decide_suggestions", slow_decide)
    press(qtbot, window, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    qtbot.wait(100)
    assert cursors == [Qt.CursorShape.WaitCursor]
    assert QGuiApplication.overrideCursor() is None
    assert len([s for s in stored(project_file).spans if not s.rejected]) == suggested
    assert window.session.undo_stack.index() == 1

"""Done on a document with model suggestions nobody decided: asked once, answered for good if
wished, and reject-all as one undo step."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core import settings
from annotator.core.project import Project
from annotator.core.records import Status
from annotator.gui.open_suggestions import SETTING


def stored(path: Path, document_id: int = 1):
    with Project.open(path) as project:
        return project.edits.annotation(document_id, "tester")


def pretagged(window, project_file: Path) -> int:
    with Project.open(project_file) as project:
        project.pretag()
    window.editor.load(1)
    count = len(window.editor.suggestions)
    assert count >= 3
    return count


def answer_question(qtbot, button_text: str, remember: bool) -> list[str]:
    """Click a button of the question Done asks, once it is shown; returns its text."""
    seen: list[str] = []

    def click() -> None:
        box = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)), None)
        if box is None or not box.isVisible():
            QTimer.singleShot(20, click)
            return
        seen.append(box.text())
        box.checkBox().setChecked(remember)
        [button] = [b for b in box.buttons() if b.text().replace("&", "") == button_text]
        button.click()

    QTimer.singleShot(0, click)
    return seen


def press_done(qtbot, window) -> None:
    """Return in the reading pane; the window is made active first, as it is again when a
    question it asked closes (the offscreen platform leaves that to the caller)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)


def test_done_asks_and_leave_open_keeps_them_undecided(qtbot, window, project_file) -> None:
    count = pretagged(window, project_file)
    seen = answer_question(qtbot, "Leave open", remember=False)

    press_done(qtbot, window)

    assert seen and f"{count} model suggestion(s)" in seen[0]
    annotation = stored(project_file)
    assert annotation.status is Status.DONE and annotation.spans == []
    with Project.open(project_file) as project:
        assert len(project.edits.suggestions(1, "tester")) == count
    assert window.editor.document_id == 2
    assert settings.load_settings().get(SETTING) is None


def test_done_with_accept_all_remembered_asks_no_more(qtbot, window, project_file) -> None:
    count = pretagged(window, project_file)
    answer_question(qtbot, "Accept all", remember=True)
    press_done(qtbot, window)
    annotation = stored(project_file)
    assert annotation.status is Status.DONE
    assert len([s for s in annotation.spans if s.accepted_suggestion]) == count
    assert settings.load_settings()[SETTING] == "accept"

    with Project.open(project_file) as project:
        project.edits.set_status(1, "tester", Status.IN_PROGRESS)
        project.edits.remove_spans([s.id for s in annotation.spans], "tester")
    window.editor.load(1)
    press_done(qtbot, window)  # no question is shown: a shown one would block here

    assert len([s for s in stored(project_file).spans if s.accepted_suggestion]) == count


def test_cancel_leaves_the_document_as_it_was(qtbot, window, project_file) -> None:
    pretagged(window, project_file)

    def cancel() -> None:
        box = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)), None)
        if box is None or not box.isVisible():
            QTimer.singleShot(20, cancel)
            return
        box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(0, cancel)
    press_done(qtbot, window)

    assert stored(project_file) is None or stored(project_file).status is not Status.DONE
    assert window.editor.document_id == 1


def test_reject_all_is_one_undo_step_and_redo_rejects_again(qtbot, window, project_file) -> None:
    count = pretagged(window, project_file)
    control, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier

    qtbot.keyClick(window.view, Qt.Key.Key_X, shift)
    assert len([s for s in stored(project_file).spans if s.rejected]) == count
    assert window.editor.suggestions == []

    qtbot.keyClick(window.view, Qt.Key.Key_Z, control)
    assert stored(project_file).spans == []
    assert len(window.editor.suggestions) == count

    qtbot.keyClick(window.view, Qt.Key.Key_Z, control | shift)
    assert len([s for s in stored(project_file).spans if s.rejected]) == count
    qtbot.keyClick(window.view, Qt.Key.Key_Z, control)
    assert stored(project_file).spans == []

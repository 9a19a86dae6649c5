"""Keys where a researcher expects them: Return in the search box searches, Ctrl+Return
submits the unreliable-passage dialog, switching annotator offers the existing names; and
without a display the app says so instead of aborting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QInputDialog

from annotator.core.project import Project
from annotator.core.records import LabelKind, Status
from annotator.gui.app import NO_DISPLAY
from annotator.gui.dialogs import ReasonDialog


def test_return_in_the_search_box_searches_and_leaves_the_document_open(
    qtbot, window, project_file: Path
) -> None:
    opened = window.editor.document_id
    window.filters.search.setFocus()
    qtbot.keyClicks(window.filters.search, "electricity")
    qtbot.keyClick(window.filters.search, Qt.Key.Key_Return)

    assert window.model.rowCount() == 1  # at once, without waiting for the typing pause
    with Project.open(project_file) as project:
        annotation = project.edits.annotation(opened, "tester")
    assert annotation is None or annotation.status is not Status.DONE
    assert window.editor.document_id == opened


def test_ctrl_return_submits_the_unreliable_passage_dialog_from_the_note(qtbot, window) -> None:
    reasons = window.editor.labels[LabelKind.RELIABILITY]
    dialog = ReasonDialog(reasons, "trade grew by 40%", window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    dialog.note.setFocus()
    qtbot.keyClicks(dialog.note, "Customs data differ.")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    assert dialog.isVisible()  # Return alone is a new line of the note

    qtbot.keyClick(dialog.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.note.toPlainText() == "Customs data differ.\n"


def test_switching_annotator_offers_the_project_s_annotators(
    qtbot, window, project_file: Path, monkeypatch
) -> None:
    window.session.project.edits.set_status(window.editor.document_id, "bob", Status.DONE)
    offered: list[list[str]] = []

    def choose(_parent, _title, _label, items, _current, _editable):
        offered.append(list(items))
        return "bob", True

    monkeypatch.setattr(QInputDialog, "getItem", choose)
    window.switch_annotator()

    assert offered == [["bob", "tester"]]
    assert window.session.annotator == "bob"


def test_without_a_display_the_app_says_how_to_run_instead_of_aborting(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["ANNOTATOR_HOME"] = str(tmp_path / "home")
    started = subprocess.run(
        [
            sys.executable,
            "-c",
            "from annotator.cli import main; main()",
            "gui",
            str(tmp_path / "p.annotator"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert started.returncode == 1, started.stderr
    assert NO_DISPLAY in started.stderr

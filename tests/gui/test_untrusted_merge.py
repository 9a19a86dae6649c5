"""File ▸ Merge with a crafted colleague's file: the window shows the refusal (the file and the
reason) instead of an unexpected error, and the open project is as it was."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from tests.conftest import snapshot
from tests.core.untrusted_files import THEIR_TEXT, altered, real_project, with_flipped_page


def test_merging_a_crafted_file_shows_why_it_was_refused(
    qtbot, window, project_file: Path, tmp_path: Path, monkeypatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda *_a: warnings.append("merged"))
    theirs = real_project(tmp_path / "dave.annotator", THEIR_TEXT, "dave")
    trigger = altered(
        theirs, "trigger.annotator", "CREATE TRIGGER t AFTER INSERT ON spans BEGIN SELECT 1; END"
    )
    damaged = with_flipped_page(theirs, "damaged.annotator")
    before = snapshot(project_file)
    window.operations.merge_file(trigger)
    qtbot.waitUntil(lambda: len(warnings) == 1, timeout=10000)
    window.operations.merge_file(damaged)
    qtbot.waitUntil(lambda: len(warnings) == 2, timeout=10000)
    assert f"{trigger} was refused" in warnings[0] and 'trigger "t" on spans' in warnings[0]
    assert f"{damaged} was refused: it is damaged" in warnings[1]
    assert "Unexpected error" not in " ".join(warnings)
    assert snapshot(project_file) == before

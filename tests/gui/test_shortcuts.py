"""The shortcut table is the single source: README, F1 sheet and actions agree with it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from annotator.core.records import LabelKind
from annotator.gui.shortcuts import SHORTCUTS, sheet_html

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_lists_every_shortcut() -> None:
    text = README.read_text(encoding="utf-8")
    for shortcut in SHORTCUTS:
        assert f"| {' / '.join(shortcut.keys)} | {shortcut.description} |" in text


def test_f1_sheet_lists_every_shortcut() -> None:
    html = sheet_html()
    assert all(shortcut.description in html for shortcut in SHORTCUTS)


def test_window_actions_carry_the_table_keys(window) -> None:
    for shortcut in SHORTCUTS:
        action = window.actions_by_name[shortcut.action]
        keys = {sequence.toString() for sequence in action.shortcuts()}
        expected = {QKeySequence(key).toString() for key in shortcut.keys}
        assert keys == expected, shortcut.action


def test_no_two_actions_share_a_key(window) -> None:
    seen: dict[str, str] = {}
    for name, action in window.actions_by_name.items():
        for sequence in action.shortcuts():
            key = sequence.toString()
            assert key not in seen, f"{key} is used by {seen.get(key)} and {name}"
            seen[key] = name
    label_keys = {a.shortcut().toString() for a in window.label_actions}
    assert not label_keys & set(seen)


def test_f1_sheet_names_the_label_of_every_key(window) -> None:
    """Each key on its own line, followed by what it does with which label."""
    window.show_shortcuts()
    lines = window.shortcut_sheet.browser.toPlainText().splitlines()
    project = window.session.project
    for kind in (LabelKind.ENTITY, LabelKind.TOPIC, LabelKind.RELIABILITY):
        for label in project.labels(kind):
            if label.shortcut:
                rows = [i for i, line in enumerate(lines) if line == label.shortcut]
                assert any(label.name in lines[i + 1] for i in rows), (label.shortcut, label.name)


def test_f1_opens_a_sheet_that_fits_the_window_and_scrolls(qtbot, window) -> None:
    window.resize(1024, 640)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.shortcut_sheet is not None, timeout=3000)
    sheet = window.shortcut_sheet
    qtbot.waitUntil(sheet.isVisible, timeout=3000)
    assert not sheet.isModal()
    assert sheet.frameGeometry().height() <= window.height()
    assert sheet.width() <= window.width()
    bar = sheet.browser.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    assert "Ctrl+Z undoes it" in sheet.browser.toPlainText()
    sheet.close()

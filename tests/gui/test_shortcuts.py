"""The shortcut table is the single source: README, F1 sheet and actions agree with it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence

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

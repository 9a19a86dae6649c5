"""Every fixed keyboard shortcut of the workspace, in one table.

The main window registers its actions from this table and the F1 sheet and the README are
written from it, so the three never disagree. Label keys (1-9 for entities, Ctrl+1-9 for
topics, Alt+1-9 for reliability reasons) come from the project's label schemes; the sheet
lists them by name, since "1 … 9" alone does not say which key is which label.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from annotator.core.labels import LabelInfo
from annotator.core.records import LabelKind


@dataclass(frozen=True)
class Shortcut:
    action: str
    keys: tuple[str, ...]
    description: str


SHORTCUTS = (
    Shortcut("done_next", ("Return", "Enter"), "Mark done and go to the next unfinished document"),
    Shortcut("skip", ("Shift+Return",), "Skip this document and go to the next unfinished"),
    Shortcut("next", ("PgDown", "Alt+Down"), "Next document in the list"),
    Shortcut("previous", ("PgUp", "Alt+Up"), "Previous document in the list"),
    Shortcut("next_unfinished", ("Ctrl+PgDown",), "Next unfinished document"),
    Shortcut("delete", ("Delete", "Backspace"), "Delete the selected span"),
    Shortcut("accept", ("A",), "Accept the selected suggestion"),
    Shortcut("reject", ("X",), "Reject the selected suggestion"),
    Shortcut("accept_all", ("Shift+A",), "Accept every suggestion in the document"),
    Shortcut("reject_all", ("Shift+X",), "Reject every suggestion in the document"),
    Shortcut("next_span", ("Tab",), "Select the next span"),
    Shortcut("previous_span", ("Shift+Tab",), "Select the previous span"),
    Shortcut("start_left", ("Alt+Shift+Left",), "Move the selected span's start one token left"),
    Shortcut("start_right", ("Alt+Shift+Right",), "Move its start one token right"),
    Shortcut("end_left", ("Alt+Left",), "Move the selected span's end one token left"),
    Shortcut("end_right", ("Alt+Right",), "Move its end one token right"),
    Shortcut("unreliable", ("U",), "Mark the selection unreliable (choose reason, add note)"),
    Shortcut("note", ("N",), "Edit the note of the selected unreliable passage"),
    Shortcut("boilerplate", ("G",), "Grey the selection out as boilerplate (menus, footers)"),
    Shortcut(
        "unboilerplate", ("Shift+G",), "Make the greyed boilerplate at the cursor article text"
    ),
    Shortcut("picker", ("/",), "Pick a label by typing its name"),
    Shortcut("clear", ("Escape",), "Clear the selection"),
    Shortcut("find", ("Ctrl+F",), "Find in this article (Return: next, Escape: back)"),
    Shortcut("search", ("Ctrl+Shift+F",), "Search the documents"),
    Shortcut("undo", ("Ctrl+Z",), "Undo"),
    Shortcut("redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo"),
    Shortcut("zoom_in", ("Ctrl++", "Ctrl+="), "Larger text"),
    Shortcut("zoom_out", ("Ctrl+-",), "Smaller text"),
    Shortcut("help", ("F1",), "This sheet"),
    Shortcut(
        "review_mode", ("Ctrl+R",), "Review mode on/off: compare annotators, build the gold set"
    ),
    Shortcut("next_disagreement", ("J",), "Review: next open disagreement"),
    Shortcut("previous_disagreement", ("K",), "Review: previous open disagreement"),
    Shortcut("take_first", ("Q",), "Review: take the first annotator's version"),
    Shortcut("take_second", ("W",), "Review: take the second annotator's version"),
    Shortcut("take_third", ("E",), "Review: take the third annotator's version"),
    Shortcut("pick_version", ("V",), "Review: pick any annotator's version from a list"),
    Shortcut("take_both", ("B",), "Review: keep every version (both)"),
    Shortcut("take_neither", ("0",), "Review: keep no version (neither)"),
    Shortcut("adopt_min", ("M",), "Review: adopt what at least K annotators agree on here"),
    Shortcut("adopt_min_all", ("Shift+M",), "Review: the same in every document"),
)
REVIEW_ACTIONS = (
    "next_disagreement",
    "previous_disagreement",
    "take_first",
    "take_second",
    "take_third",
    "pick_version",
    "adopt_min",
    "adopt_min_all",
    "take_both",
    "take_neither",
)

LABEL_KEYS = (
    (
        "1 … 9 or the label's letter",
        "Make the selection an entity of that label; with a span "
        "selected, relabel it. Hold Ctrl while selecting for character precision (no snapping)",
    ),
    ("Ctrl+1 … Ctrl+9", "Toggle a topic of the document (accepts a suggested topic)"),
    ("Ctrl+Shift+1 … Ctrl+Shift+9", "The topic does not apply (rejects a suggested topic)"),
    ("Alt+1 … Alt+9", "Mark the selection unreliable with that reason"),
)


def fixed_use(key: str) -> Shortcut | None:
    """The workspace action a key already triggers, so a label cannot take it."""
    wanted = key.replace(" ", "").casefold()
    for shortcut in SHORTCUTS:
        if any(k.replace(" ", "").casefold() == wanted for k in shortcut.keys):
            return shortcut
    return None


def by_action() -> dict[str, Shortcut]:
    return {shortcut.action: shortcut for shortcut in SHORTCUTS}


#: The project's label keys on the sheet: heading, and what the key does with the label.
LABEL_SECTIONS = (
    (LabelKind.ENTITY, "Entity labels", "{name}"),
    (LabelKind.TOPIC, "Topics", "Topic {name} applies (Shift too: does not apply)"),
    (LabelKind.RELIABILITY, "Unreliable passages", "Mark the selection unreliable: {name}"),
)


def _row(keys: str, text: str) -> str:
    keys, text = html.escape(keys, quote=False), html.escape(text, quote=False)
    return f"<tr><td><b>{keys}</b></td><td>{text}</td></tr>"


def _table(rows: list[str]) -> str:
    return "<table cellspacing='4'>" + "".join(rows) + "</table>"


def sheet_html(labels: Mapping[LabelKind, Sequence[LabelInfo]] | None = None) -> str:
    """The F1 sheet: the project's own label keys by name first (what people look up most),
    then the workspace's fixed keys."""
    parts = ["<h3>Keyboard shortcuts</h3>"]
    for kind, heading, template in LABEL_SECTIONS:
        keyed = [label for label in (labels or {}).get(kind, []) if label.shortcut]
        if keyed:
            rows = [_row(str(label.shortcut), template.format(name=label.name)) for label in keyed]
            parts.append(f"<h4>{heading}</h4>" + _table(rows))
    parts.append("<h4>Label keys</h4>" + _table([_row(keys, text) for keys, text in LABEL_KEYS]))
    rows = [_row(" / ".join(s.keys), s.description) for s in SHORTCUTS]
    parts.append("<h4>Workspace</h4>" + _table(rows))
    parts.append(
        "<p>Select text with the mouse or Shift+arrows, then press a label's key. Click a span "
        "to select it. Every edit is saved at once; Ctrl+Z undoes it.</p>"
    )
    return "".join(parts)


class ShortcutSheet(QDialog):
    """The F1 sheet as a window that scrolls and fits inside the main window, so the whole
    list can be read on a small screen; not modal, so it can stay open while working."""

    def __init__(self, sheet: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setHtml(sheet)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.fit_into(parent)

    def fit_into(self, parent: QWidget) -> None:
        """As tall as the sheet needs, never taller or wider than 90% of the parent window."""
        width = min(640, int(parent.width() * 0.9))
        document = self.browser.document()
        document.setTextWidth(width - 40)
        wanted = int(document.size().height()) + 90
        self.resize(width, min(wanted, int(parent.height() * 0.9)))
        centre = parent.frameGeometry().center()
        self.move(centre.x() - self.width() // 2, centre.y() - self.height() // 2)

"""Every fixed keyboard shortcut of the workspace, in one table.

The main window registers its actions from this table and the F1 sheet and the README are
written from it, so the three never disagree. Label keys (1-9 for entities, Ctrl+1-9 for
topics, Alt+1-9 for reliability reasons) come from the project's label schemes.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    Shortcut("picker", ("/",), "Pick a label by typing its name"),
    Shortcut("clear", ("Escape",), "Clear the selection"),
    Shortcut("search", ("Ctrl+F",), "Search the documents"),
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
    Shortcut("take_both", ("B",), "Review: keep every version (both)"),
    Shortcut("take_neither", ("0",), "Review: keep no version (neither)"),
)
REVIEW_ACTIONS = (
    "next_disagreement",
    "previous_disagreement",
    "take_first",
    "take_second",
    "take_third",
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


def sheet_html() -> str:
    """The F1 sheet."""
    rows = [
        f"<tr><td><b>{' / '.join(s.keys)}</b></td><td>{s.description}</td></tr>" for s in SHORTCUTS
    ]
    rows += [f"<tr><td><b>{keys}</b></td><td>{text}</td></tr>" for keys, text in LABEL_KEYS]
    return (
        "<h3>Keyboard shortcuts</h3><table cellspacing='6'>" + "".join(rows) + "</table>"
        "<p>Select text with the mouse or Shift+arrows, then press a label's key. Click a span "
        "to select it. Every edit is saved at once; Ctrl+Z undoes it.</p>"
    )

"""What Done does with model suggestions the annotator has not decided.

Marking a document done says "this is complete", but a suggestion nobody looked at is not an
answer: accepted it teaches an entity nobody checked, dropped it would teach "not an entity".
So Done asks once per document (accept all, reject all, or leave them open, which the spaCy
export writes as missing), and the question can be answered for good from its checkbox or the
Document menu.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QCheckBox, QMenu, QMessageBox, QWidget

from annotator.core import settings

#: The settings key and its values; "ask" is the default.
SETTING = "open_suggestions_on_done"
CHOICES = {
    "ask": "Ask each time",
    "accept": "Accept them all",
    "reject": "Reject them all",
    "leave": "Leave them open",
}


def current_choice() -> str:
    choice = settings.load_settings().get(SETTING, "ask")
    return choice if choice in CHOICES else "ask"


def choose(parent: QWidget, count: int) -> str | None:
    """The choice for this document: the remembered one, or the user's answer (None when
    they cancel, and the document stays as it is)."""
    choice = current_choice()
    if choice != "ask":
        return choice
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Open suggestions")
    box.setText(f"This document has {count} model suggestion(s) you have not accepted or rejected.")
    box.setInformativeText(
        "Left open, they are exported as undecided: the model is taught neither that they are "
        "entities nor that they are not."
    )
    accept = box.addButton("&Accept all", QMessageBox.ButtonRole.AcceptRole)
    reject = box.addButton("&Reject all", QMessageBox.ButtonRole.DestructiveRole)
    leave = box.addButton("&Leave open", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(leave)
    remember = QCheckBox("Do this every time (change it in the Document menu)")
    box.setCheckBox(remember)
    box.exec()
    answers = {accept: "accept", reject: "reject", leave: "leave"}
    answer = answers.get(box.clickedButton())
    if answer is not None and remember.isChecked():
        settings.update_settings(**{SETTING: answer})
    return answer


def add_menu(menu: QMenu) -> QMenu:
    """ "When done with open suggestions": the four choices, the current one checked."""
    submenu = menu.addMenu("When done with open &suggestions")
    group = QActionGroup(submenu)
    current = current_choice()
    for value, text in CHOICES.items():
        action = QAction(text, submenu, checkable=True)
        action.setData(value)
        action.setChecked(value == current)
        action.triggered.connect(lambda _checked=False, v=value: _remember(v))
        group.addAction(action)
        submenu.addAction(action)
    submenu.aboutToShow.connect(lambda: _show_current(group))
    return submenu


def _remember(value: str) -> None:
    settings.update_settings(**{SETTING: value})


def _show_current(group: QActionGroup) -> None:
    """The choice may have been made in the question since the menu was built."""
    current = current_choice()
    for action in group.actions():
        action.setChecked(action.data() == current)

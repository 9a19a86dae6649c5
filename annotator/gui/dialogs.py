"""Small dialogs: reason and note for an unreliable passage and the quick label picker
(import and export options live in ``transfer_dialogs``, the pre-tagger's in
``pretag_dialog``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.labels import LabelInfo


def ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    """OK and Cancel, wired to accept and reject: the buttons every small dialog here ends with."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class ReasonDialog(QDialog):
    """Why a passage is unreliable: one of the project's reasons, and an optional note."""

    def __init__(
        self,
        reasons: list[LabelInfo],
        excerpt: str,
        parent: QWidget | None = None,
        reason: str | None = None,
        note: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mark as unreliable")
        self.reason = QComboBox()
        for label in reasons:
            key = f"  [{label.shortcut}]" if label.shortcut else ""
            self.reason.addItem(f"{label.name}{key}", label.name)
            self.reason.setItemData(
                self.reason.count() - 1, label.description, Qt.ItemDataRole.ToolTipRole
            )
        if reason is not None:
            self.reason.setCurrentIndex(max(0, self.reason.findData(reason)))
        self.note = QPlainTextEdit(note)
        self.note.setPlaceholderText("Optional note: why, and where the facts are")
        self.note.setTabChangesFocus(True)
        buttons = ok_cancel(self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setToolTip("Ctrl+Return")
        # Return writes a new line in the note; Ctrl+Return submits from anywhere.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.accept)
        form = QFormLayout(self)
        form.addRow("Passage", QPlainTextEdit(excerpt, readOnly=True, maximumHeight=70))
        form.addRow("Reason", self.reason)
        form.addRow("Note", self.note)
        form.addRow(buttons)
        self.note.setFocus()

    def values(self) -> tuple[str, str | None]:
        return self.reason.currentData(), self.note.toPlainText().strip() or None


class LabelPicker(QDialog):
    """Type to filter labels, Enter to choose: for schemes with more labels than keys."""

    def __init__(self, labels: list[LabelInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose a label")
        self.query = QLineEdit(placeholderText="Type to filter labels")
        self.list = QListWidget()
        for label in labels:
            item = QListWidgetItem(f"{label.name}  —  {label.description}".rstrip(" —"))
            item.setData(Qt.ItemDataRole.UserRole, label.name)
            self.list.addItem(item)
        self.query.textChanged.connect(self._filter)
        self.query.returnPressed.connect(self._choose_first)
        self.list.itemActivated.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.list)
        self.list.setCurrentRow(0)

    def _filter(self, text: str) -> None:
        needle = text.lower()
        first = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = needle not in item.text().lower()
            item.setHidden(hidden)
            if not hidden and first is None:
                first = row
        if first is not None:
            self.list.setCurrentRow(first)

    def _choose_first(self) -> None:
        if self.list.currentItem() is not None and not self.list.currentItem().isHidden():
            self.accept()

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def spacy_languages() -> dict[str, str]:
    """The language codes spaCy can tokenize, with the name of each language's class, read
    from its package's source: importing every language would take seconds."""
    import re

    import spacy.lang

    folder = Path(spacy.lang.__path__[0])
    found = {}
    for init in sorted(folder.glob("*/__init__.py")):
        code = init.parent.name
        if not (code.isalpha() and len(code) <= 3):
            continue
        match = re.search(r"^class (\w+)\(Language\)", init.read_text(encoding="utf-8"), re.M)
        found[code] = match.group(1) if match else code
    return found


def ask_language(current: str, parent: QWidget | None = None) -> str | None:
    """The project's new language, or None if the user kept the current one."""
    languages = spacy_languages()
    items = [f"{code} — {name}" for code, name in languages.items()]
    codes = list(languages)
    chosen, ok = QInputDialog.getItem(
        parent,
        "Project language",
        "How texts are tokenized, and which pre-taggers cover them:",
        items,
        codes.index(current) if current in codes else 0,
        False,
    )
    code = chosen.split(" — ", 1)[0].strip()
    return code if ok and code and code != current else None

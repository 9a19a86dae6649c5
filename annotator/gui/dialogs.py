"""Small dialogs: reason and note for an unreliable passage and the quick label picker
(import and export options live in ``transfer_dialogs``, the pre-tagger's in
``pretag_dialog``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
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


def spacy_languages() -> list[str]:
    """The language codes spaCy can tokenize, read from its package without importing each."""
    import pkgutil

    import spacy.lang

    return sorted(
        module.name
        for module in pkgutil.iter_modules(spacy.lang.__path__)
        if module.ispkg and module.name.isalpha() and len(module.name) <= 3
    )


def ask_language(current: str, parent: QWidget | None = None) -> str | None:
    """The project's new language, or None if the user kept the current one."""
    codes = spacy_languages()
    chosen, ok = QInputDialog.getItem(
        parent,
        "Project language",
        "How texts are tokenized, and which pre-taggers cover them\n(en English, ru Russian, "
        "ar Arabic, xx several languages):",
        codes,
        codes.index(current) if current in codes else 0,
        True,
    )
    chosen = chosen.strip()
    return chosen if ok and chosen and chosen != current else None

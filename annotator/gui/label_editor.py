"""The label scheme editor: add, rename, recolour, delete and reorder labels and set their
keys and descriptions.

Each change is written to the project as soon as it is made; a renamed label is renamed on
every span, because spans refer to labels by id. The table's order is the scheme's stored
order (Move up/down, Alt+Up/Alt+Down), which every list of labels follows. Deleting a label
takes its annotations with it and cannot be undone, so when people's work uses it the editor
first names that work per annotator and deletes only when the user agrees.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.labels import LabelInUse, LabelUsage, delete_label, label_usage, move_label
from annotator.core.project import Project
from annotator.core.records import LabelKind
from annotator.gui.colours import ink_on
from annotator.gui.shortcuts import fixed_use

TITLES = {
    LabelKind.ENTITY: "Entity labels",
    LabelKind.TOPIC: "Topics",
    LabelKind.RELIABILITY: "Reliability reasons",
}
NAME, COLOUR, KEY, DESCRIPTION = range(4)


def confirm_delete(parent: QWidget, usage: LabelUsage) -> bool:
    """Ask before a deletion takes people's work, naming it per annotator; Cancel is the
    default, as the deletion cannot be undone."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Delete label", "", parent=parent)
    box.setText(f"Delete the label '{usage.label.name}' and everything marked with it?")
    box.setInformativeText(
        f"{usage.describe()}\n\nThis cannot be undone; Undo will not bring these back."
    )
    delete = box.addButton("Delete label and its annotations", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
    box.exec()
    return box.clickedButton() is delete


class SchemeTable(QWidget):
    def __init__(self, project: Project, kind: LabelKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.kind = kind
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Name", "Colour", "Key", "Description"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.cellChanged.connect(self._changed)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        add = QPushButton("Add label…")
        add.clicked.connect(self._add)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        for text, key, slot in (
            ("Delete label…", QKeySequence.StandardKey.Delete, self.delete_selected),
            ("Move up", QKeySequence("Alt+Up"), lambda _=False: self.move_selected(-1)),
            ("Move down", QKeySequence("Alt+Down"), lambda _=False: self.move_selected(1)),
        ):
            action = QAction(text, self.table)
            action.setShortcut(key)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.table.addAction(action)
            button = QPushButton(text)
            button.setToolTip(f"{text.rstrip('…')} ({action.shortcut().toString()})")
            button.clicked.connect(action.trigger)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.status = QLabel(wordWrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.changed = False
        self.reload()

    def reload(self, select: int | None = None) -> None:
        """Fill the table in the scheme's order; ``select`` is a label id to select."""
        self.table.blockSignals(True)
        labels = self.project.labels(self.kind)
        self.table.setRowCount(len(labels))
        for row, label in enumerate(labels):
            name = QTableWidgetItem(label.name)
            name.setData(Qt.ItemDataRole.UserRole, label.id)
            colour = QTableWidgetItem(label.colour)
            colour.setBackground(QColor(label.colour))
            colour.setForeground(ink_on(QColor(label.colour)))
            colour.setFlags(colour.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, NAME, name)
            self.table.setItem(row, COLOUR, colour)
            self.table.setItem(row, KEY, QTableWidgetItem(label.shortcut or ""))
            self.table.setItem(row, DESCRIPTION, QTableWidgetItem(label.description))
        self.table.blockSignals(False)
        ids = [label.id for label in labels]
        if select in ids:
            self.table.selectRow(ids.index(select))

    def _label_id(self, row: int) -> int:
        return self.table.item(row, NAME).data(Qt.ItemDataRole.UserRole)

    def _selected(self) -> int | None:
        """The selected label's id (None when no row is selected)."""
        rows = self.table.selectionModel().selectedRows()
        return self._label_id(rows[0].row()) if rows else None

    def delete_selected(self) -> None:
        """Delete the selected label, saying what went with it."""
        label_id = self._selected()
        if label_id is None:
            return
        row = self.table.currentRow()
        try:
            removed = self._delete(label_id)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Label not deleted", str(exc))
            self.reload()
            return
        if removed is None:
            return
        self.changed = True
        self.reload()
        if self.table.rowCount():
            self.table.selectRow(min(row, self.table.rowCount() - 1))
        deleted = f"Deleted the label '{removed.label.name}'"
        if removed.only_suggestions:
            self.status.setText(f"{deleted} and its suggestions:\n{removed.describe()}")
        elif removed.uses:
            self.status.setText(f"{deleted} and its annotations:\n{removed.describe()}")
        else:
            self.status.setText(f"{deleted}.")

    def _delete(self, label_id: int) -> LabelUsage | None:
        """Ask first when people's work uses the label, and again with the new counts if that
        work changed while the question was open; None when the user cancels."""
        usage = label_usage(self.project, label_id)
        while True:
            if usage.people and not confirm_delete(self, usage):
                return None
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                return delete_label(self.project, label_id, confirmed=usage)
            except LabelInUse as exc:
                usage = exc.usage
            finally:
                QApplication.restoreOverrideCursor()

    def move_selected(self, steps: int) -> None:
        """Move the selected label up (negative) or down the scheme's stored order."""
        label_id = self._selected()
        if label_id is None:
            return
        try:
            move_label(self.project, label_id, steps)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Label not moved", str(exc))
        else:
            self.changed = True
        self.reload(select=label_id)

    def _changed(self, row: int, column: int) -> None:
        value = self.table.item(row, column).text()
        field = {NAME: "name", KEY: "shortcut", DESCRIPTION: "description"}.get(column)
        if field is None:
            return
        used = fixed_use(value) if column == KEY else None
        if used is not None:
            QMessageBox.warning(
                self, "Label not changed", f"The key {value} is taken: {used.description}."
            )
            self.reload()
            return
        try:
            self.project.update_label(self._label_id(row), **{field: value})
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Label not changed", str(exc))
        self.changed = True
        self.reload()

    def _double_clicked(self, row: int, column: int) -> None:
        if column != COLOUR:
            return
        current = QColor(self.table.item(row, COLOUR).text())
        colour = QColorDialog.getColor(current, self, "Label colour")
        if colour.isValid():
            self.project.update_label(self._label_id(row), colour=colour.name())
            self.changed = True
            self.reload()

    def _add(self) -> None:
        name, ok = QInputDialog.getText(self, "New label", f"Name of the new {self.kind.value}:")
        if not ok or not name.strip():
            return
        try:
            self.project.add_label(self.kind, name)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Label not added", str(exc))
            return
        self.changed = True
        self.reload()


class LabelSchemeDialog(QDialog):
    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Label schemes")
        self.resize(720, 420)
        self.tabs = QTabWidget()
        self.tables = [SchemeTable(project, kind) for kind in TITLES]
        for table in self.tables:
            self.tabs.addTab(table, TITLES[table.kind])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    def changed(self) -> bool:
        return any(table.changed for table in self.tables)

"""The label scheme editor: add, rename, recolour labels and set their keys and descriptions.

Each change is written to the project as soon as a cell is edited; a renamed label is renamed
on every span, because spans refer to labels by id.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
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


class SchemeTable(QWidget):
    def __init__(self, project: Project, kind: LabelKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.kind = kind
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Name", "Colour", "Key", "Description"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.cellChanged.connect(self._changed)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        add = QPushButton("Add label…")
        add.clicked.connect(self._add)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.changed = False
        self.reload()

    def reload(self) -> None:
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

    def _label_id(self, row: int) -> int:
        return self.table.item(row, NAME).data(Qt.ItemDataRole.UserRole)

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

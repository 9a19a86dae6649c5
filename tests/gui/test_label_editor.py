"""The label scheme editor, driven through its real table and buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog, QMessageBox

from annotator.core.project import Project
from annotator.core.records import LabelKind
from annotator.gui.label_editor import COLOUR, DESCRIPTION, KEY, NAME, LabelSchemeDialog


def open_editor(qtbot, window) -> LabelSchemeDialog:
    dialog = LabelSchemeDialog(window.session.project, window)
    qtbot.addWidget(dialog)
    return dialog


def row_of(table, name: str) -> int:
    names = [table.table.item(row, NAME).text() for row in range(table.table.rowCount())]
    return names.index(name)


def labels_of(path, kind: LabelKind) -> dict[str, object]:
    with Project.open(path) as project:
        return {label.name: label for label in project.labels(kind)}


def test_editing_a_name_cell_renames_the_label_on_its_spans(qtbot, window, project_file) -> None:
    start = window.editor.text.index("Nepal")
    window.view.set_selection_cp(start, start + len("Nepal"))
    qtbot.keyClick(window.view, Qt.Key.Key_3)
    dialog = open_editor(qtbot, window)
    entities = dialog.tables[0]
    entities.table.item(row_of(entities, "GPE"), NAME).setText("COUNTRY")
    assert dialog.changed()
    with Project.open(project_file) as project:
        spans = project.annotation(1, "tester").spans
    assert [s.label for s in spans] == ["COUNTRY"]
    assert "GPE" not in labels_of(project_file, LabelKind.ENTITY)


def test_key_and_description_cells_are_stored(qtbot, window, project_file) -> None:
    dialog = open_editor(qtbot, window)
    topics = dialog.tables[1]
    assert topics.kind is LabelKind.TOPIC
    row = row_of(topics, topics.table.item(0, NAME).text())
    name = topics.table.item(row, NAME).text()
    topics.table.item(row, DESCRIPTION).setText("Anything about money and trade")
    topics.table.item(row_of(topics, name), KEY).setText("Ctrl+0")
    stored = labels_of(project_file, LabelKind.TOPIC)[name]
    assert stored.description == "Anything about money and trade"
    assert stored.shortcut == "Ctrl+0"


def test_clashing_shortcut_is_refused_with_a_message(
    qtbot, window, project_file, monkeypatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    dialog = open_editor(qtbot, window)
    entities = dialog.tables[0]
    taken = entities.table.item(row_of(entities, "PERSON"), KEY).text()
    entities.table.item(row_of(entities, "ORG"), KEY).setText(taken)
    assert warnings and taken in warnings[0]
    assert labels_of(project_file, LabelKind.ENTITY)["ORG"].shortcut != taken
    assert entities.table.item(row_of(entities, "ORG"), KEY).text() != taken


def test_add_button_adds_a_reliability_reason(qtbot, window, project_file, monkeypatch) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("satire", True))
    dialog = open_editor(qtbot, window)
    reasons = dialog.tables[2]
    assert reasons.kind is LabelKind.RELIABILITY
    before = reasons.table.rowCount()
    reasons._add()
    assert reasons.table.rowCount() == before + 1
    assert "satire" in labels_of(project_file, LabelKind.RELIABILITY)


def test_double_clicking_the_colour_cell_recolours_the_label(
    qtbot, window, project_file, monkeypatch
) -> None:
    monkeypatch.setattr(QColorDialog, "getColor", lambda *args, **kwargs: QColor("#123456"))
    dialog = open_editor(qtbot, window)
    entities = dialog.tables[0]
    row = row_of(entities, "DATE")
    entities.table.cellDoubleClicked.emit(row, COLOUR)
    assert labels_of(project_file, LabelKind.ENTITY)["DATE"].colour == "#123456"
    assert entities.table.item(row_of(entities, "DATE"), COLOUR).text() == "#123456"


def test_closing_the_editor_refreshes_the_reading_pane(
    qtbot, window, project_file, monkeypatch
) -> None:
    start = window.editor.text.index("Nepal")
    window.view.set_selection_cp(start, start + len("Nepal"))
    qtbot.keyClick(window.view, Qt.Key.Key_3)

    def rename_and_close(dialog: LabelSchemeDialog) -> int:
        entities = dialog.tables[0]
        entities.table.item(row_of(entities, "GPE"), NAME).setText("PLACE")
        return 0

    monkeypatch.setattr(LabelSchemeDialog, "exec", rename_and_close)
    window.edit_schemes()
    qtbot.waitUntil(lambda: [s.label for s in window.view.spans()] == ["PLACE"], timeout=2000)


def test_a_key_of_a_workspace_action_is_refused(qtbot, window, project_file, monkeypatch) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    dialog = open_editor(qtbot, window)
    entities = dialog.tables[0]
    entities.table.item(row_of(entities, "ORG"), KEY).setText("a")
    assert warnings and "Accept the selected suggestion" in warnings[0]
    assert labels_of(project_file, LabelKind.ENTITY)["ORG"].shortcut != "a"

"""The label scheme editor, driven through its real table and buttons."""

from __future__ import annotations

import pytest
import spacy
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QColorDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
)

from annotator.core.project import Project
from annotator.core.records import LabelKind
from annotator.gui import label_editor
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
        spans = project.edits.annotation(1, "tester").spans
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


def show_editor(qtbot, window) -> LabelSchemeDialog:
    """The editor shown and active, so its keys reach it as the user's would."""
    dialog = open_editor(qtbot, window)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
    return dialog


def button(table, text: str) -> QPushButton:
    return next(b for b in table.findChildren(QPushButton) if b.text() == text)


def select(table, name: str) -> None:
    table.table.setFocus()
    table.table.selectRow(row_of(table, name))


def names_of(path, kind: LabelKind) -> list[str]:
    return list(labels_of(path, kind))


def mark_nepal(qtbot, window, key: Qt.Key = Qt.Key.Key_3) -> None:
    start = window.editor.text.index("Nepal")
    window.view.set_selection_cp(start, start + len("Nepal"))
    qtbot.keyClick(window.view, key)


def test_delete_button_deletes_an_unused_label_at_once(
    qtbot, window, project_file, monkeypatch
) -> None:
    monkeypatch.setattr(label_editor, "confirm_delete", lambda *_: pytest.fail("asked"))
    dialog = open_editor(qtbot, window)
    entities = dialog.tables[0]
    select(entities, "MONEY")
    qtbot.mouseClick(button(entities, "Delete label…"), Qt.MouseButton.LeftButton)
    assert "MONEY" not in labels_of(project_file, LabelKind.ENTITY)
    assert "MONEY" not in [entities.table.item(r, NAME).text() for r in range(7)]
    assert entities.table.rowCount() == 7
    assert entities.status.text() == "Deleted the label 'MONEY'."
    assert dialog.changed()


def test_delete_key_on_a_used_label_names_the_work_and_cancel_keeps_it(
    qtbot, window, project_file, monkeypatch
) -> None:
    mark_nepal(qtbot, window)
    asked: list[str] = []
    monkeypatch.setattr(
        label_editor, "confirm_delete", lambda _parent, usage: asked.append(usage.describe())
    )
    dialog = show_editor(qtbot, window)
    entities = dialog.tables[0]
    select(entities, "GPE")
    qtbot.keyClick(entities.table, Qt.Key.Key_Delete)
    assert asked == ["tester: 1 entity in 1 document"]
    assert "GPE" in labels_of(project_file, LabelKind.ENTITY)
    with Project.open(project_file) as project:
        assert [s.label for s in project.edits.annotation(1, "tester").spans] == ["GPE"]
    assert not dialog.changed()


def test_confirming_deletes_the_label_and_its_spans_and_the_pane_follows(
    qtbot, window, project_file, monkeypatch
) -> None:
    mark_nepal(qtbot, window)
    monkeypatch.setattr(label_editor, "confirm_delete", lambda _parent, _usage: True)

    def delete_and_close(dialog: LabelSchemeDialog) -> int:
        entities = dialog.tables[0]
        select(entities, "GPE")
        button(entities, "Delete label…").click()
        assert entities.status.text().endswith("tester: 1 entity in 1 document")
        return 0

    monkeypatch.setattr(LabelSchemeDialog, "exec", delete_and_close)
    window.edit_schemes()
    assert "GPE" not in labels_of(project_file, LabelKind.ENTITY)
    with Project.open(project_file) as project:
        assert project.edits.annotation(1, "tester").spans == []
    qtbot.waitUntil(lambda: window.view.spans() == [], timeout=2000)


def test_a_label_only_a_model_suggested_goes_after_saying_so(
    qtbot, window, project_file, monkeypatch
) -> None:
    nlp = spacy.blank("xx")
    nlp.meta["name"] = "ruler"
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "GPE", "pattern": "Nepal"}])
    window.session.project.pretag(nlp=nlp)
    monkeypatch.setattr(label_editor, "confirm_delete", lambda *_: pytest.fail("asked"))
    dialog = open_editor(qtbot, window)
    entities = dialog.tables[0]
    select(entities, "GPE")
    button(entities, "Delete label…").click()
    assert "GPE" not in labels_of(project_file, LabelKind.ENTITY)
    assert "and its suggestions" in entities.status.text()
    assert "(model): 2 suggestions in 2 documents" in entities.status.text()


def test_alt_down_and_alt_up_move_the_selected_label_and_its_key_follows(
    qtbot, window, project_file
) -> None:
    dialog = show_editor(qtbot, window)
    entities = dialog.tables[0]
    select(entities, "PERSON")
    qtbot.keyClick(entities.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(entities.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert names_of(project_file, LabelKind.ENTITY)[:3] == ["ORG", "GPE", "PERSON"]
    assert labels_of(project_file, LabelKind.ENTITY)["PERSON"].shortcut == "3"
    assert entities.table.item(2, NAME).text() == "PERSON"
    assert entities.table.item(2, KEY).text() == "3"
    assert entities.table.selectionModel().selectedRows()[0].row() == 2
    qtbot.keyClick(entities.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert names_of(project_file, LabelKind.ENTITY)[:3] == ["ORG", "PERSON", "GPE"]


def test_move_buttons_reorder_topics_and_the_top_stays_top(qtbot, window, project_file) -> None:
    dialog = open_editor(qtbot, window)
    topics = dialog.tables[1]
    first, second = (topics.table.item(row, NAME).text() for row in (0, 1))
    select(topics, first)
    button(topics, "Move up").click()
    assert names_of(project_file, LabelKind.TOPIC)[:2] == [first, second]
    select(topics, second)
    button(topics, "Move up").click()
    assert names_of(project_file, LabelKind.TOPIC)[:2] == [second, first]
    assert dialog.changed()


def test_a_moved_label_takes_the_key_of_its_new_place_in_the_workspace(
    qtbot, window, project_file, monkeypatch
) -> None:
    def move_date_to_the_top(dialog: LabelSchemeDialog) -> int:
        entities = dialog.tables[0]
        select(entities, "DATE")
        for _ in range(entities.table.rowCount()):
            button(entities, "Move up").click()
        return 0

    monkeypatch.setattr(LabelSchemeDialog, "exec", move_date_to_the_top)
    window.edit_schemes()
    mark_nepal(qtbot, window, Qt.Key.Key_1)
    with Project.open(project_file) as project:
        assert [s.label for s in project.edits.annotation(1, "tester").spans] == ["DATE"]


def test_work_added_while_asking_is_named_in_a_second_question(
    qtbot, window, project_file, monkeypatch
) -> None:
    mark_nepal(qtbot, window)
    project = window.session.project
    asked: list[str] = []

    def confirm(_parent, usage) -> bool:
        asked.append(usage.describe())
        if len(asked) == 1:
            start = project.text(2).index("India")
            project.edits.add_span(2, "cy", start, start + len("India"), "GPE")
        return True

    monkeypatch.setattr(label_editor, "confirm_delete", confirm)
    dialog = open_editor(qtbot, window)
    entities = dialog.tables[0]
    select(entities, "GPE")
    button(entities, "Delete label…").click()
    assert asked == [
        "tester: 1 entity in 1 document",
        "cy: 1 entity in 1 document\ntester: 1 entity in 1 document",
    ]
    assert "GPE" not in labels_of(project_file, LabelKind.ENTITY)


def test_delete_edits_a_name_being_edited_and_deletes_the_label_otherwise(
    qtbot, window, project_file
) -> None:
    dialog = show_editor(qtbot, window)
    entities = dialog.tables[0]
    select(entities, "ORG")
    entities.table.editItem(entities.table.item(row_of(entities, "ORG"), NAME))
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.setCursorPosition(0)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    assert editor.text() == "RG"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "RG" in labels_of(project_file, LabelKind.ENTITY), timeout=2000)
    assert len(labels_of(project_file, LabelKind.ENTITY)) == 8
    select(entities, "RG")
    qtbot.keyClick(entities.table, Qt.Key.Key_Delete)
    assert "RG" not in labels_of(project_file, LabelKind.ENTITY)

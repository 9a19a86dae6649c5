"""The Links tab: an imported document's relations and entity links are listed, choosing one
marks both ends in the text, and deleting one is a single undoable edit."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core import settings
from annotator.core.project import Project

TEXT = "🙂 Путин встретился с Си Цзиньпином в Пекине; Aspirin treats headaches."


@pytest.fixture
def linked_project(tmp_path: Path) -> Path:
    """One doccano record with a relation and one Prodigy record with an entity link."""
    putin, xi = TEXT.index("Путин"), TEXT.index("Си Цзиньпином")
    drug = TEXT.index("Aspirin")
    doccano = {
        "text": TEXT,
        "entities": [
            {"id": 1, "label": "PERSON", "start_offset": putin, "end_offset": putin + 5},
            {"id": 2, "label": "PERSON", "start_offset": xi, "end_offset": xi + 13},
            {"id": 3, "label": "ORG", "start_offset": drug, "end_offset": drug + 7},
        ],
        "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "MET"}],
        "user": "tester",
    }
    source = tmp_path / "linked.jsonl"
    source.write_text(json.dumps(doccano, ensure_ascii=False) + "\n", encoding="utf-8")
    path = tmp_path / "links.annotator"
    with Project.open(path) as project:
        project.import_paths([source])
        span = next(s for s in project.edits.annotation(1, "tester").spans if s.label == "ORG")
        from annotator.core.relations import set_link

        set_link(project, span.id, "tester", "Q18216")
    settings.update_settings(annotator="tester")
    return path


@pytest.fixture
def links_window(qtbot, linked_project: Path):
    from annotator.gui.main_window import MainWindow, open_session

    main = MainWindow(open_session(linked_project, "tester"))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()


def relation_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM relations").fetchone()[0]
    finally:
        conn.close()


def test_relations_and_links_are_listed_and_choosing_one_marks_both_ends(
    qtbot, links_window
) -> None:
    panel = links_window.links
    qtbot.waitUntil(lambda: panel.count() == 2, timeout=3000)
    texts = [panel.list.item(row).text() for row in range(panel.count())]
    assert texts[0] == "MET: “Путин” (PERSON) → “Си Цзиньпином” (PERSON)"
    assert texts[1] == "🔗 Q18216: “Aspirin” (ORG)"
    assert links_window.side.tabText(links_window.side.indexOf(panel)) == "Links (2)"
    panel.list.setCurrentRow(0)
    marked = [(s.start, s.end) for s in links_window.view.spans() if s.kind == "related"]
    putin, xi = TEXT.index("Путин"), TEXT.index("Си Цзиньпином")
    assert marked == [(putin, putin + 5), (xi, xi + 13)]


def test_deleting_a_relation_by_key_is_one_undoable_edit(
    qtbot, links_window, linked_project
) -> None:
    panel = links_window.links
    qtbot.waitUntil(lambda: panel.count() == 2, timeout=3000)
    links_window.side.setCurrentWidget(panel)
    panel.list.setCurrentRow(0)
    panel.list.setFocus()
    spans_before = len(links_window.editor.own_spans())
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert len(links_window.editor.own_spans()) == spans_before
    assert relation_count(linked_project) == 0
    qtbot.waitUntil(lambda: panel.count() == 1, timeout=3000)
    assert not [s for s in links_window.view.spans() if s.kind == "related"]
    links_window.session.undo_stack.undo()
    assert relation_count(linked_project) == 1
    qtbot.waitUntil(lambda: panel.count() == 2, timeout=3000)


def test_removing_a_link_keeps_the_entity_and_undo_brings_the_link_back(
    qtbot, links_window, linked_project
) -> None:
    panel = links_window.links
    qtbot.waitUntil(lambda: panel.count() == 2, timeout=3000)
    panel.list.setCurrentRow(1)
    panel.delete_button.click()
    with Project.open(linked_project) as project:
        spans = project.edits.annotation(1, "tester").spans
    assert [(s.label, s.kb_id) for s in spans if s.label == "ORG"] == [("ORG", None)]
    links_window.session.undo_stack.undo()
    with Project.open(linked_project) as project:
        spans = project.edits.annotation(1, "tester").spans
    assert [(s.label, s.kb_id) for s in spans if s.label == "ORG"] == [("ORG", "Q18216")]


def test_undoing_a_span_deletion_brings_back_its_relations(
    qtbot, links_window, linked_project
) -> None:
    panel = links_window.links
    qtbot.waitUntil(lambda: panel.count() == 2, timeout=3000)
    editor = links_window.editor
    putin = next(s for s in editor.own_spans() if s.start == TEXT.index("Путин"))
    links_window.view.select_span(putin.id)
    editor.delete_selected()
    assert relation_count(linked_project) == 0
    links_window.session.undo_stack.undo()
    assert relation_count(linked_project) == 1
    qtbot.waitUntil(lambda: panel.count() == 2, timeout=3000)


def test_undoing_the_deletion_of_a_linked_span_keeps_its_link_and_attributes(
    qtbot, links_window, linked_project
) -> None:
    with Project.open(linked_project) as project:
        conn = project._writer.connect()
        conn.exec_driver_sql(
            'UPDATE spans SET attributes = \'{"Negated": true}\', extra = \'{"source": "m"}\' '
            "WHERE kb_id = 'Q18216'"
        )
        conn.commit()
        conn.close()
    editor = links_window.editor
    editor.refresh()
    linked = next(s for s in editor.own_spans() if s.kb_id == "Q18216")
    links_window.view.select_span(linked.id)
    editor.delete_selected()
    links_window.session.undo_stack.undo()
    with Project.open(linked_project) as project:
        [back] = [s for s in project.edits.annotation(1, "tester").spans if s.label == "ORG"]
    assert (back.kb_id, back.attributes, back.extra) == (
        "Q18216",
        {"Negated": True},
        {"source": "m"},
    )


def test_undoing_a_relation_deletion_after_its_span_came_back_under_a_new_id(
    qtbot, links_window, linked_project
) -> None:
    panel = links_window.links
    qtbot.waitUntil(lambda: panel.count() == 2, timeout=3000)
    panel.list.setCurrentRow(0)
    panel.delete_button.click()
    editor = links_window.editor
    putin = next(s for s in editor.own_spans() if s.start == TEXT.index("Путин"))
    links_window.view.select_span(putin.id)
    editor.delete_selected()
    stack = links_window.session.undo_stack
    stack.undo()
    stack.undo()
    assert relation_count(linked_project) == 1
    qtbot.waitUntil(lambda: panel.count() == 2, timeout=3000)

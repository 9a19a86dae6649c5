"""The main window driven as a user drives it: keys, clicks, undo, reopen."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from annotator.core.project import Project
from annotator.core.records import LabelKind, Layer, Status
from annotator.gui.dialogs import ReasonDialog


def stored(path: Path, document_id: int = 1) -> object:
    with Project.open(path) as project:
        return project.edits.annotation(document_id, "tester")


def select(window, substring: str) -> tuple[int, int]:
    start = window.editor.text.index(substring)
    window.view.set_selection_cp(start, start + len(substring))
    return start, start + len(substring)


def press(qtbot, window, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window.view, key, modifier)


def test_first_document_is_shown_with_its_title(window) -> None:
    assert window.editor.document_id == 1
    assert window.title.text() == "Summit in Beijing"
    assert window.view.toPlainText().startswith("Summit in Beijing")


def test_label_key_creates_span_after_emoji_and_cyrillic(qtbot, window, project_file) -> None:
    start, end = select(window, "Nepal")
    press(qtbot, window, Qt.Key.Key_3)
    annotation = stored(project_file)
    assert [(s.start, s.end, s.label) for s in annotation.spans] == [(start, end, "GPE")]


def test_selection_snaps_to_tokens(qtbot, window, project_file) -> None:
    start = window.editor.text.index("Mongolia")
    window.view.set_selection_cp(start + 2, start + 5)
    press(qtbot, window, Qt.Key.Key_3)
    span = stored(project_file).spans[0]
    assert window.editor.text[span.start : span.end] == "Mongolia"


def test_relabel_delete_undo_redo(qtbot, window, project_file) -> None:
    select(window, "Beijing on")
    press(qtbot, window, Qt.Key.Key_3)
    span_id = stored(project_file).spans[0].id
    window.view.select_span(span_id)
    press(qtbot, window, Qt.Key.Key_4)
    assert [s.label for s in stored(project_file).spans] == ["LOC"]
    window.view.select_span(span_id)
    press(qtbot, window, Qt.Key.Key_Delete)
    assert stored(project_file).spans == []
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [s.label for s in stored(project_file).spans] == ["LOC"]
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [s.label for s in stored(project_file).spans] == ["GPE"]
    press(
        qtbot,
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    press(
        qtbot,
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert stored(project_file).spans == []


def test_topic_shortcut_toggles_topic(qtbot, window, project_file) -> None:
    press(qtbot, window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert stored(project_file).topics == {"trade": True}
    press(qtbot, window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert stored(project_file).topics == {}


def test_unreliable_passage_with_note(qtbot, window, project_file) -> None:
    start, end = select(window, "trade grew by 40% in a single year")

    def fill_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ReasonDialog)
        dialog.reason.setCurrentIndex(dialog.reason.findData("fabricated"))
        dialog.note.setPlainText("Customs data show 4%.")
        dialog.accept()

    QTimer.singleShot(0, fill_dialog)
    press(qtbot, window, Qt.Key.Key_U)
    spans = stored(project_file).spans
    assert [(s.layer, s.label, s.note) for s in spans] == [
        (Layer.UNRELIABLE, "fabricated", "Customs data show 4%.")
    ]
    assert (spans[0].start, spans[0].end) == (start, end)
    qtbot.waitUntil(lambda: window.unreliable.count() == 1, timeout=2000)


def test_done_and_next_then_reopen_keeps_everything(qtbot, window, project_file) -> None:
    select(window, "Nepal")
    press(qtbot, window, Qt.Key.Key_3)
    press(qtbot, window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, window, Qt.Key.Key_Return)
    assert window.editor.document_id == 2
    select(window, "India")
    press(qtbot, window, Qt.Key.Key_3)
    window.close()
    first, second = stored(project_file, 1), stored(project_file, 2)
    assert first.status is Status.DONE
    assert first.topics == {"diplomacy": True}
    assert [s.label for s in first.spans] == ["GPE"]
    assert second.status is Status.IN_PROGRESS
    assert [window_text(project_file, 2, s) for s in second.spans] == ["India"]


def window_text(path: Path, document_id: int, span) -> str:
    with Project.open(path) as project:
        return project.text(document_id)[span.start : span.end]


def test_accept_all_is_one_undo_step(qtbot, window, project_file) -> None:
    with Project.open(project_file) as project:
        project.pretag()
    window.editor.load(1)
    suggested = len(window.editor.suggestions)
    assert suggested >= 3
    press(qtbot, window, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert len([s for s in stored(project_file).spans if not s.rejected]) == suggested
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [s for s in stored(project_file).spans if not s.rejected] == []
    assert len(window.editor.suggestions) == suggested


def test_undo_after_moving_on_goes_back_to_the_document(qtbot, window, project_file) -> None:
    select(window, "Nepal")
    press(qtbot, window, Qt.Key.Key_3)
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert window.editor.document_id == 2
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.document_id == 1
    assert stored(project_file).spans == []


def test_search_box_filters_the_document_list(qtbot, window) -> None:
    window.filters.search.setText("ulaanbaatar")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    assert window.model.row_data(0).title == "Election day"
    window.filters.search.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=3000)


def test_renamed_label_shows_on_spans_and_keys_follow(qtbot, window, project_file) -> None:
    select(window, "Nepal")
    press(qtbot, window, Qt.Key.Key_3)
    with Project.open(project_file) as project:
        gpe = next(label for label in project.labels(LabelKind.ENTITY) if label.name == "GPE")
    window.session.project.update_label(gpe.id, name="COUNTRY")
    window.session.labelsChanged.emit()
    qtbot.waitUntil(lambda: [s.label for s in window.view.spans()] == ["COUNTRY"], timeout=2000)
    select(window, "Mongolia")
    press(qtbot, window, Qt.Key.Key_3)
    assert sorted(s.label for s in stored(project_file).spans) == ["COUNTRY", "COUNTRY"]


def test_search_index_is_built_in_the_background(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.search_task.thread.isRunning(), timeout=5000)
    with window.session.project.read() as conn:
        indexed = conn.exec_driver_sql("SELECT count(*) FROM documents_fts_docsize").scalar()
    assert indexed == 3


def test_active_time_is_recorded_only_while_there_is_input(
    qtbot, window, project_file, monkeypatch
) -> None:
    clock = window.clock
    clock.pending = 0.0
    clock.last_input = clock.last_tick = time.monotonic() - 1.5
    monkeypatch.setattr(window, "isActiveWindow", lambda: True)
    clock.tick()
    clock.last_input -= 120
    clock.tick()
    clock.switch(2)
    recorded = stored(project_file).active_seconds
    assert 1.0 <= recorded <= 2.0


def test_switching_annotator_shows_their_own_work(qtbot, window, project_file) -> None:
    select(window, "Nepal")
    press(qtbot, window, Qt.Key.Key_3)
    window.session.set_annotator("second")
    window.editor.document_id = None
    window._documents_changed()
    assert window.annotator_button.text() == "Annotator: second"
    assert window.editor.own_spans() == []
    assert window.session.undo_stack.count() == 0


def test_label_picker_filters_as_you_type(qtbot, window) -> None:
    from annotator.gui.dialogs import LabelPicker

    picker = LabelPicker(window.editor.labels[LabelKind.ENTITY], window)
    qtbot.addWidget(picker)
    qtbot.keyClicks(picker.query, "mon")
    assert picker.chosen() == "MONEY"
    visible = [
        picker.list.item(i).text()
        for i in range(picker.list.count())
        if not picker.list.item(i).isHidden()
    ]
    assert len(visible) == 1


def test_opening_a_project_makes_a_rolling_backup(qtbot, window, project_file) -> None:
    from annotator.core.backup import list_backups

    qtbot.waitUntil(lambda: not window.backup_task.thread.isRunning(), timeout=5000)
    backups = list_backups(project_file)
    assert len(backups) == 1
    window.back_up()
    qtbot.waitUntil(lambda: not window.backup_task.thread.isRunning(), timeout=5000)
    assert len(list_backups(project_file)) == 1


def test_markup_in_titles_and_texts_is_shown_as_plain_text(qtbot, tmp_path) -> None:
    import json

    from annotator.gui.main_window import MainWindow, open_session

    markup = '<img src="http://tracker.invalid/p.png"><script>alert(1)</script><b>bold?</b>'
    source = tmp_path / "markup.jsonl"
    source.write_text(
        json.dumps({"text": f"Story {markup} ends.", "meta": {"title": markup}}) + "\n",
        encoding="utf-8",
    )
    path = tmp_path / "markup.annotator"
    with Project.open(path) as project:
        project.import_paths([source])
    main = MainWindow(open_session(path, "tester"))
    qtbot.addWidget(main)
    main.show()
    assert main.title.text() == markup
    assert main.title.textFormat() == Qt.TextFormat.PlainText
    assert main.view.toPlainText() == f"Story {markup} ends."
    main.close()


def test_keys_go_to_the_article_from_the_start(qtbot, project_file) -> None:
    from tests.gui.conftest import open_window

    for main in open_window(qtbot, project_file, "tester"):
        qtbot.waitUntil(main.isActiveWindow, timeout=3000)
        assert main.focusWidget() is main.view
        select(main, "Nepal")
        qtbot.keyClick(main.focusWidget(), Qt.Key.Key_3)
        assert main.filters.search.text() == ""
        assert [s.label for s in stored(project_file).spans] == ["GPE"]

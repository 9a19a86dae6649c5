"""File-menu operations through their real dialogs, worker threads and progress dialogs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QPushButton

from annotator.core.project import Project
from annotator.core.records import Status
from annotator.gui.pretag_dialog import PretagDialog
from annotator.gui.transfer_dialogs import ExportDialog, ImportDialog


@pytest.fixture
def messages(monkeypatch) -> list[tuple[str, str]]:
    """Every report box the operation shows, as (kind, text), instead of a blocking dialog."""
    shown: list[tuple[str, str]] = []
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(
            QMessageBox,
            kind,
            lambda _parent, _title, text, kind=kind: shown.append((kind, text)),
        )
    return shown


def answer(dialog_type: type[QDialog], fill: Callable[[QDialog], None]) -> None:
    """Fill in the modal dialog of that type as soon as it is open, then press OK."""

    def attempt() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, dialog_type):
            fill(dialog)
            dialog.accept()
        else:
            QTimer.singleShot(20, attempt)

    QTimer.singleShot(0, attempt)


def document_count(path: Path) -> int:
    with Project.open(path) as project:
        return project.document_count()


def test_import_reports_new_documents_and_the_records_it_skipped(
    qtbot, window, project_file, tmp_path, monkeypatch, messages
) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "d.txt").write_text("Floods\n\nRain closed roads in Kathmandu.", encoding="utf-8")
    (folder / "bad.jsonl").write_text('{"text": "ok"}\n{"text": \n', encoding="utf-8")
    picked = [str(folder / "d.txt"), str(folder / "bad.jsonl")]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kwargs: (picked, ""))
    answer(ImportDialog, lambda dialog: None)
    window.operations.import_files()
    qtbot.waitUntil(lambda: window.operations.import_report is not None, timeout=10000)
    box = window.operations.import_report
    assert "2 new document(s)" in box.text()
    assert "bad.jsonl, line 2: malformed JSON" in box.detailedText()
    assert messages == []
    box.accept()
    assert document_count(project_file) == 5
    qtbot.waitUntil(lambda: window.model.rowCount() == 5, timeout=3000)


def test_cancelled_import_leaves_the_project_unchanged(
    qtbot, window, project_file, tmp_path, messages
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(1500):
        (folder / f"{number:04}.txt").write_text(
            f"Article {number}\n\nThe council met on day {number}.", encoding="utf-8"
        )
    window.operations.import_paths([folder])
    task = window.operations.task
    cancel_button = task.dialog.findChild(QPushButton)
    task.worker.progressed.connect(cancel_button.click, Qt.ConnectionType.QueuedConnection)
    qtbot.waitUntil(lambda: bool(messages), timeout=30000)
    kind, text = messages[0]
    assert kind == "warning"
    assert "cancel" in text.lower()
    assert document_count(project_file) == 3


def test_pretag_with_the_built_in_tagger_shows_suggestions(
    qtbot, window, project_file, messages
) -> None:
    answer(PretagDialog, lambda dialog: dialog.batch.setValue(2))
    window.operations.pretag()
    qtbot.waitUntil(lambda: window.operations.pretag_report is not None, timeout=60000)
    assert not messages
    assert "tagged 3 documents" in window.operations.pretag_report.text()
    with Project.open(project_file) as project:
        suggestions = project.edits.suggestions(1, "tester")
    assert {s.label for s in suggestions} >= {"GPE"}
    qtbot.waitUntil(
        lambda: any(s.kind == "suggestion" for s in window.view.spans()),
        timeout=3000,
    )


def test_pretag_with_a_downloaded_package_file_picked_in_the_dialog(
    qtbot, window, project_file, tmp_path, monkeypatch, messages
) -> None:
    import tarfile

    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "CITY", "pattern": "Beijing"}])
    nlp.meta.update(name="cities", version="2.0.0")
    (tmp_path / "en_cities").mkdir()
    nlp.to_disk(tmp_path / "en_cities" / "en_cities-2.0.0")
    archive = tmp_path / "en_cities-2.0.0.tar.gz"
    with tarfile.open(archive, "w:gz") as packed:
        packed.add(tmp_path / "en_cities", arcname="en_cities-2.0.0/en_cities")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(archive), ""))

    def fill(dialog: PretagDialog) -> None:
        dialog.findChild(QPushButton, "package").click()
        assert dialog.chosen_model() == str(archive)

    answer(PretagDialog, fill)
    window.operations.pretag()
    qtbot.waitUntil(lambda: window.operations.pretag_report is not None, timeout=60000)
    assert not messages
    assert "en_cities" in window.operations.pretag_report.text()
    with Project.open(project_file) as project:
        labels = {
            s.label for d in project.documents() for s in project.edits.suggestions(d.id, "tester")
        }
    assert labels == {"CITY"}


def test_pretag_with_a_damaged_package_file_warns_naming_it_and_changes_nothing(
    qtbot, window, project_file, tmp_path, monkeypatch, messages
) -> None:
    from tests.conftest import snapshot

    broken = tmp_path / "en_core_web_sm-3.8.0-py3-none-any.whl"
    broken.write_bytes(b"PK\x03\x04 an interrupted download")
    before = snapshot(project_file)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(broken), ""))
    answer(PretagDialog, lambda dialog: dialog.findChild(QPushButton, "package").click())
    window.operations.pretag()
    qtbot.waitUntil(lambda: bool(messages), timeout=30000)
    kind, text = messages[0]
    assert kind == "warning"
    assert "en_core_web_sm-3.8.0-py3-none-any.whl cannot be unpacked" in text
    assert snapshot(project_file) == before


def test_export_writes_the_chosen_format_and_never_overwrites_unasked(
    qtbot, window, project_file, tmp_path, messages
) -> None:
    start = window.editor.text.index("Nepal")
    window.view.set_selection_cp(start, start + len("Nepal"))
    qtbot.keyClick(window.view, Qt.Key.Key_3)
    window.session.project.edits.set_status(1, "tester", Status.DONE)
    out = tmp_path / "out.jsonl"

    def fill(dialog: ExportDialog) -> None:
        dialog.fmt.setCurrentIndex(dialog.fmt.findData("prodigy:prodigy.jsonl"))
        dialog.annotator.setCurrentText("tester")
        dialog.out.setText(str(out))

    answer(ExportDialog, fill)
    window.operations.export()
    qtbot.waitUntil(lambda: bool(messages), timeout=30000)
    assert messages[0][0] == "information"
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 1
    assert [(s["start"], s["end"], s["label"]) for s in lines[0]["spans"]] == [
        (start, start + 5, "GPE")
    ]
    before = out.read_bytes()
    answer(ExportDialog, fill)
    window.operations.export()
    qtbot.waitUntil(lambda: len(messages) == 2, timeout=30000)
    kind, text = messages[1]
    assert kind == "warning"
    assert str(out) in text
    assert out.read_bytes() == before


def test_worker_threads_never_run_the_cycle_collector(qtbot, window, project_file, messages):
    """Collecting Qt objects off the GUI thread crashes; the app collects on the GUI thread."""
    import gc
    import threading

    collected_in: set[str] = set()

    def record(phase: str, _info: dict) -> None:
        if phase == "start":
            collected_in.add(threading.current_thread().name)

    gc.callbacks.append(record)
    try:
        answer(PretagDialog, lambda dialog: dialog.batch.setValue(1))
        window.operations.pretag()
        qtbot.waitUntil(lambda: window.operations.pretag_report is not None, timeout=60000)
        qtbot.wait(1200)
    finally:
        gc.callbacks.remove(record)
    assert collected_in == {threading.main_thread().name}


def test_import_dialog_reads_a_table_by_the_chosen_text_column_and_a_conll_file(
    qtbot, window, project_file, tmp_path, monkeypatch
) -> None:
    table = tmp_path / "news.csv"
    table.write_text("headline,story\nFloods,Rain closed roads in Pokhara.\n", encoding="utf-8")
    tagged = tmp_path / "tagged.iob"
    tagged.write_text("Rain\tO\nin\tO\nPokhara\tB-GPE\n", encoding="utf-8")
    picked = [str(table), str(tagged)]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kwargs: (picked, ""))

    def fill(dialog: ImportDialog) -> None:
        dialog.text_column.setText("story")
        dialog.annotator.setCurrentText("reader")

    answer(ImportDialog, fill)
    window.operations.import_files()
    qtbot.waitUntil(lambda: window.operations.import_report is not None, timeout=10000)
    assert "2 new document(s)" in window.operations.import_report.text()
    window.operations.import_report.accept()
    with Project.open(project_file) as project:
        texts = {project.text(d.id): d for d in project.documents()}
        assert texts["Rain closed roads in Pokhara."].meta == {"headline": "Floods"}
        annotation = project.edits.annotation(texts["Rain in Pokhara"].id, "reader")
        assert annotation is not None
        assert [(s.start, s.end, s.label) for s in annotation.spans] == [(8, 15, "GPE")]


def test_export_dialog_offers_every_format_and_writes_brat(
    qtbot, window, project_file, tmp_path, messages
) -> None:
    start = window.editor.text.index("Nepal")
    window.view.set_selection_cp(start, start + len("Nepal"))
    qtbot.keyClick(window.view, Qt.Key.Key_3)
    window.session.project.edits.set_status(1, "tester", Status.DONE)
    offered = []

    def fill(dialog: ExportDialog) -> None:
        offered.extend(dialog.fmt.itemData(i).split(":")[0] for i in range(dialog.fmt.count()))
        dialog.fmt.setCurrentIndex(dialog.fmt.findData("brat:"))
        dialog.out.setText(str(tmp_path / "brat"))

    answer(ExportDialog, fill)
    window.operations.export()
    qtbot.waitUntil(lambda: bool(messages), timeout=30000)
    assert set(offered) == {"spacy", "prodigy", "doccano", "brat", "conll", "csv", "labels"}
    [ann] = (tmp_path / "brat").glob("*.ann")
    assert ann.read_text(encoding="utf-8").startswith(f"T1\tGPE {start} {start + 5}\tNepal")

"""The whole loop from the app alone: label 30 articles with keys, train, read the scores and
the learning curve, pre-tag the rest with the new model, correct, train again, and the
suggestions change to the new model's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from annotator.core import settings
from annotator.core.model_registry import list_models
from annotator.core.project import Project
from annotator.core.records import LabelKind
from annotator.gui.training_window import CurveWindow, TrainingWindow, TrainOptionsDialog
from tests.gui.conftest import open_window
from tests.sample_style import make_articles, write_articles

ARTICLES = make_articles(40)


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "loop.annotator"
    with Project.open(path) as project:
        project.import_paths([write_articles(tmp_path / "articles", ARTICLES)])
    settings.update_settings(annotator="researcher")
    return path


@pytest.fixture
def window(qtbot, project_file: Path) -> Iterator[object]:
    yield from open_window(qtbot, project_file, "researcher")


def answer_options(max_minutes: float) -> None:
    """Accept the training options dialog once the menu has opened it."""

    def attempt() -> None:
        dialog = next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, TrainOptionsDialog)),
            None,
        )
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, attempt)
            return
        dialog.max_minutes.setValue(max_minutes)
        dialog.accept()

    QTimer.singleShot(0, attempt)


def key_of(window, kind: LabelKind, name: str) -> str:
    return next(label.shortcut for label in window.editor.labels[kind] if label.name == name)


def press(qtbot, window, shortcut: str) -> None:
    *modifiers, key = shortcut.split("+")
    flags = Qt.KeyboardModifier.NoModifier
    if "Ctrl" in modifiers:
        flags |= Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(window.view, Qt.Key(ord(key.upper())), flags)


def label_with_keys(qtbot, window, words: str, label: str) -> None:
    start = window.editor.text.index(words)
    window.view.set_selection_cp(start, start + len(words))
    press(qtbot, window, key_of(window, LabelKind.ENTITY, label))


def train_from_the_menu(qtbot, window) -> TrainingWindow:
    answer_options(1)
    window.actions_by_name["train"].trigger()
    training = window.model_actions.running
    assert isinstance(training, TrainingWindow)
    # The window's own end (scores or an error), not the thread's: its last signals may
    # still be queued when the thread stops.
    qtbot.waitUntil(training.close_button.isVisible, timeout=180_000)
    assert training.model is not None, training.status.text()
    return training


def test_label_train_curve_pretag_correct_retrain_from_the_app(
    qtbot, window, project_file: Path
) -> None:
    window.session.focusRequested.emit(window.model.row_data(0).id)
    qtbot.waitUntil(lambda: window.editor.document_id is not None, timeout=3000)
    for article in ARTICLES[:30]:
        assert window.editor.text.endswith(article.text.split("\n")[-1])
        label_with_keys(qtbot, window, article.city, "GPE")
        label_with_keys(qtbot, window, article.person, "PERSON")
        press(qtbot, window, key_of(window, LabelKind.TOPIC, article.topic))
        qtbot.keyClick(window.view, Qt.Key.Key_Return)
    with Project.open(project_file) as project:
        done = project.stats().annotators["researcher"]
    assert done == {"done": 30}

    first = train_from_the_menu(qtbot, window)
    scores = {first.table.item(r, 0).text() for r in range(first.table.rowCount())}
    assert {"GPE", "PERSON"} <= scores

    answer_options(1)
    window.actions_by_name["train_curve"].trigger()
    curve = window.model_actions.running
    assert isinstance(curve, CurveWindow)
    qtbot.waitUntil(lambda: "F1 went from" in curve.status.text(), timeout=300_000)
    assert {"GPE", "PERSON"} <= set(curve.chart.series)
    assert [x for x, _y in curve.chart.series["GPE"]] == [25, 50, 75, 100]

    first.pretag_button.click()
    qtbot.waitUntil(lambda: window.operations.pretag_report is not None, timeout=60_000)
    said = window.operations.pretag_report.text()
    assert "tagged 10 documents" in said and "30 finished ones left as they are" in said
    window.operations.pretag_report.close()
    open_id = window.model.row_data(30).id
    with Project.open(project_file) as project:
        before = project.edits.suggestions(open_id, "researcher")
    [first_model] = {s.created_by for s in before}
    assert first_model.startswith("en_annotator_loop@")

    window.activateWindow()  # back from the training windows to the article
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    window.session.focusRequested.emit(open_id)
    qtbot.waitUntil(lambda: window.editor.document_id == open_id, timeout=3000)
    qtbot.keyClick(window.view, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    with Project.open(project_file) as project:
        corrected = project.edits.annotation(open_id, "researcher")
    assert corrected.status.value == "done"
    assert {(s.start, s.end) for s in corrected.spans} == {(s.start, s.end) for s in before}

    window.operations.pretag_report = None
    second = train_from_the_menu(qtbot, window)
    assert second.model.train_documents + second.model.dev_documents == 31
    second.pretag_button.click()
    qtbot.waitUntil(lambda: window.operations.pretag_report is not None, timeout=60_000)
    later_id = window.model.row_data(35).id
    with Project.open(project_file) as project:
        after = project.edits.suggestions(later_id, "researcher")
        assert len(list_models(project)) == 2
    [second_model] = {s.created_by for s in after}
    assert second_model.startswith("en_annotator_loop@") and second_model != first_model
    assert "replace" in window.operations.pretag_report.text()

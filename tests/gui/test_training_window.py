"""Model ▸ Train and Learning curve in the real window: the work goes on while spaCy trains,
the scores and the curve are shown, and the new model pre-tags the open documents."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from annotator.core import settings
from annotator.core.model_registry import list_models
from annotator.core.project import Project
from annotator.gui.training_window import CurveWindow, TrainingWindow, TrainOptionsDialog
from tests.core.test_training import label_all, write_articles
from tests.gui.conftest import open_window


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    path = tmp_path / "news.annotator"
    with Project.open(path) as project:
        project.import_paths([write_articles(tmp_path / "articles", 36)])
        label_all(project, "tester", 30)
    settings.update_settings(annotator="tester")
    return path


@pytest.fixture
def window(qtbot, labelled: Path) -> Iterator[object]:
    yield from open_window(qtbot, labelled, "tester")


def accept_options(max_minutes: float) -> None:
    """Answer the options dialog Model ▸ Train opens, once it is shown."""

    def answer() -> None:
        dialog = next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, TrainOptionsDialog)),
            None,
        )
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, answer)
            return
        dialog.max_minutes.setValue(max_minutes)
        dialog.accept()

    QTimer.singleShot(0, answer)


def test_training_from_the_menu_keeps_the_window_responsive_and_ends_with_scores(
    qtbot, window, labelled: Path
) -> None:
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(5)
    accept_options(2)
    window.actions_by_name["train"].trigger()
    training = window.model_actions.running
    assert isinstance(training, TrainingWindow)

    qtbot.waitUntil(lambda: training.latest.text().startswith("Step"), timeout=60_000)
    window.activateWindow()  # the user turns back to the article
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    start = window.editor.text.index("visited")
    window.view.set_selection_cp(start, start + len("visited"))
    pressed = time.perf_counter()
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    shown = time.perf_counter() - pressed
    assert any(s.start == start for s in window.editor.own_spans())

    qtbot.waitUntil(lambda: training.model is not None, timeout=120_000)
    timer.stop()
    assert shown < 0.25
    assert max(gaps) < 0.5, f"the event loop stalled for {max(gaps):.2f} s"
    assert training.table.rowCount() == 2
    labels = {training.table.item(r, 0).text() for r in range(2)}
    assert labels == {"GPE", "PERSON"}
    assert training.chart.series["entities F1"]
    with Project.open(labelled) as project:
        assert [m.name for m in list_models(project)] == [training.model.name]

    training.pretag_button.click()
    qtbot.waitUntil(lambda: window.operations.pretag_report is not None, timeout=30_000)
    assert "tagged" in window.operations.pretag_report.text()
    with Project.open(labelled) as project:
        open_document = project.documents()[33].id
        assert project.edits.suggestions(open_document, "tester")


def test_cancel_keeps_no_model(qtbot, window, labelled: Path) -> None:
    with Project.open(labelled) as project:
        training = TrainingWindow(project, {"annotator": "tester", "max_minutes": 2}, window)
        training.show()
        training.start()
        qtbot.waitUntil(lambda: training.latest.text().startswith("Step"), timeout=60_000)
        training.cancel_button.click()
        qtbot.waitUntil(training.close_button.isVisible, timeout=30_000)
        assert "cancelled" in training.status.text().lower()
        assert training.close_button.isVisible() and list_models(project) == []
        training.close()


def test_learning_curve_draws_f1_per_label(qtbot, window, labelled: Path) -> None:
    with Project.open(labelled) as project:
        curve = CurveWindow(
            project,
            {"annotator": "tester", "max_minutes": 1, "fractions": (0.5, 1.0)},
            {"GPE": "#ff0000"},
            window,
        )
        curve.show()
        curve.start()
        qtbot.waitUntil(lambda: "F1 went from" in curve.status.text(), timeout=120_000)
        assert set(curve.chart.series) == {"GPE", "PERSON"}
        assert [x for x, _y in curve.chart.series["GPE"]] == [50, 100]
        assert "F1 went from" in curve.status.text()
        assert list_models(project) == []
        curve.grab().save(str(labelled.with_suffix(".curve.png")))

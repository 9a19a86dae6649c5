"""Model ▸ Train and Model ▸ Learning curve: spaCy training beside the work, never in its way.

Training runs on a worker thread that only waits for the training process, so the window stays
fully usable. A separate, non-modal window shows the steps, losses and scores as they come
(with the score as a line), a Cancel button, and at the end the per-label precision, recall and
F1 on the held-out documents with an offer to pre-tag the open documents with the new model.
The learning curve window draws F1 per label against the share of documents.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError, Cancelled
from annotator.core.model_registry import LabelScore, TrainedModel, headline_f1
from annotator.core.records import LabelKind
from annotator.core.training import (
    DEFAULT_MAX_MINUTES,
    CurvePoint,
    TrainingEvent,
    train,
    train_curve,
)
from annotator.gui.charts import LineChart
from annotator.gui.dialogs import ok_cancel

if TYPE_CHECKING:
    from annotator.core.project import Project

NO_BASE = "(start from scratch)"


class TrainingJob(QObject):
    """Runs a training function on its own thread; its events come back as signals."""

    event = Signal(object)
    point = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, run: Callable[[TrainingJob], Any]) -> None:
        super().__init__()
        self.run_job = run
        self.cancelled = threading.Event()
        self.thread = QThread()
        self.moveToThread(self.thread)
        self.thread.started.connect(self._run)

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self.cancelled.set()

    def _run(self) -> None:
        try:
            result = self.run_job(self)
        except Cancelled as exc:
            self.failed.emit(str(exc))
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # shown to the user rather than lost on a thread
            self.failed.emit(f"Unexpected error: {exc}")
        else:
            self.succeeded.emit(result)
        finally:
            self.thread.quit()
            self.finished.emit()


class TrainOptionsDialog(QDialog):
    """Whose work to learn from, how much to hold out, how long, and from which base."""

    def __init__(
        self,
        people: list[str],
        me: str,
        bases: list[str],
        parent: QWidget | None = None,
        *,
        curve: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Learning curve" if curve else "Train a model")
        self.annotator = QComboBox()
        self.annotator.addItems(people or [me])
        if me in people:
            self.annotator.setCurrentText(me)
        self.dev_ratio = QDoubleSpinBox(minimum=0.05, maximum=0.5, singleStep=0.05, value=0.2)
        self.max_minutes = QDoubleSpinBox(
            minimum=0.5, maximum=600, singleStep=1, value=5 if curve else DEFAULT_MAX_MINUTES
        )
        self.base = QComboBox(editable=True)
        self.base.addItem(NO_BASE)
        self.base.addItems(bases)
        form = QFormLayout(self)
        form.addRow("Learn from the finished documents of", self.annotator)
        form.addRow("Share held out to measure", self.dev_ratio)
        form.addRow("Stop after (minutes" + (" per share)" if curve else ")"), self.max_minutes)
        if not curve:
            form.addRow("Start from", self.base)
        form.addRow(ok_cancel(self))

    def chosen_base(self) -> str | None:
        text = self.base.currentText().strip()
        return None if text in ("", NO_BASE) else text


#: What the live chart draws: spaCy's F1 per kind of annotation. Its single training score
#: weighs in the topics' AUC, which is 0 whenever a topic never applies in the held-out
#: documents, so it would sit far below every per-label figure.
SCORE_SERIES = (
    ("ents_f", "entities F1"),
    ("cats_micro_f", "topics F1"),
    ("spans_sc_f", "passages F1"),
)


class TrainingWindow(QWidget):
    """Live progress of one training, then its scores and what to do with the model."""

    pretag_requested = Signal(object)
    finished_training = Signal(object)

    def __init__(self, project: Project, options: dict[str, Any], parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Training a model")
        self.project = project
        self.model: TrainedModel | None = None
        self.status = QLabel("Preparing the training data…")
        self.status.setWordWrap(True)
        self.latest = QLabel("")
        self.chart = LineChart("step", "F1 on held-out documents")
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["label", "precision", "recall", "F1"])
        self.table.hide()
        self.cancel_button = QPushButton("Cancel")
        self.pretag_button = QPushButton("Pre-tag open documents with the new model")
        self.pretag_button.hide()
        self.close_button = QPushButton("Close")
        self.close_button.hide()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.pretag_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        for widget in (self.status, self.latest, self.chart, self.table):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.job = TrainingJob(lambda job: self._train(job, options))
        self.job.event.connect(self._show_event)
        self.job.succeeded.connect(self._trained)
        self.job.failed.connect(self._failed)
        self.cancel_button.clicked.connect(self._cancel)
        self.close_button.clicked.connect(self.close)
        self.pretag_button.clicked.connect(lambda: self.pretag_requested.emit(self.model))
        self.resize(720, 640)

    def start(self) -> None:
        self.job.start()

    @property
    def running(self) -> bool:
        return self.job.thread.isRunning()

    def _train(self, job: TrainingJob, options: dict[str, Any]) -> TrainedModel:
        return train(self.project, on_event=job.event.emit, cancel=job.cancelled.is_set, **options)

    def _show_event(self, event: TrainingEvent) -> None:
        if event.kind == "exported":
            self.status.setText(f"Training on {event.message}.")
        elif event.kind == "step":
            self.latest.setText(f"Step {event.step:,} · {event.seconds:.0f} s")
        elif event.kind == "eval":
            losses = ", ".join(f"{k} {v:.1f}" for k, v in event.losses.items())
            scores = ", ".join(
                f"{name} {100 * event.scores[key]:.1f}"
                for key, name in SCORE_SERIES
                if isinstance(event.scores.get(key), (int, float))
            )
            self.latest.setText(
                f"Step {event.step:,}, epoch {event.epoch} · loss {losses} · {scores} · "
                f"{event.seconds:.0f} s"
            )
            for key, name in SCORE_SERIES:
                value = event.scores.get(key)
                if isinstance(value, (int, float)):
                    self.chart.add_point(name, event.step, 100 * value)

    def _trained(self, model: TrainedModel) -> None:
        self.model = model
        why = " (the time limit was reached)" if model.stopped == "time" else ""
        self.status.setText(
            f"Trained on {model.train_documents:,} documents of {model.annotator} in "
            f"{model.seconds:.0f} s{why}; kept as model {model.name}. Scores on the "
            f"{model.dev_documents:,} held-out documents:"
        )
        fill_scores(self.table, model.per_label)
        self.table.show()
        self._finish()
        self.pretag_button.show()
        self.finished_training.emit(model)

    def _failed(self, message: str) -> None:
        self.status.setText(message)
        self._finish()

    def _finish(self) -> None:
        self.cancel_button.hide()
        self.close_button.show()

    def _cancel(self) -> None:
        self.status.setText("Cancelling…")
        self.job.cancel()

    def closeEvent(self, event: Any) -> None:
        """Closing the window while training cancels it (and waits for the process to go)."""
        if self.running:
            self.job.cancel()
            self.job.thread.wait()
        super().closeEvent(event)


class CurveWindow(QWidget):
    """The learning curve: F1 per label at 25, 50, 75 and 100% of the documents."""

    def __init__(
        self, project: Project, options: dict[str, Any], colours: dict[str, str], parent: QWidget
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Learning curve")
        self.project = project
        self.colours = colours
        self.topics = {label.name for label in project.labels(LabelKind.TOPIC)}
        self.points: list[CurvePoint] = []
        self.status = QLabel("Training on 25% of the finished documents…")
        self.status.setWordWrap(True)
        self.chart = LineChart("share of the finished documents (%)", "F1 on held-out documents")
        self.chart.x_range = (25, 100)
        self.chart.x_ticks = [25, 50, 75, 100]
        self.cancel_button = QPushButton("Cancel")
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        self.job = TrainingJob(
            lambda job: train_curve(
                project,
                on_point=job.point.emit,
                cancel=job.cancelled.is_set,
                **options,
            )
        )
        self.job.point.connect(self._add_point)
        self.job.succeeded.connect(self._done)
        self.job.failed.connect(self.status.setText)
        self.job.finished.connect(self.cancel_button.hide)
        self.cancel_button.clicked.connect(self.job.cancel)
        self.resize(760, 480)

    def start(self) -> None:
        self.job.start()

    @property
    def running(self) -> bool:
        return self.job.thread.isRunning()

    def _add_point(self, point: CurvePoint) -> None:
        self.points.append(point)
        series: dict[str, list[tuple[float, float]]] = {}
        for done in self.points:
            for row in done.per_label:
                series.setdefault(row.label, []).append((100 * done.fraction, 100 * row.f1))
        self.chart.dashed = {label for label in series if label in self.topics}
        self.chart.set_series(series, self.colours)
        remaining = [f for f in (0.25, 0.5, 0.75, 1.0) if f > point.fraction]
        if remaining:
            self.status.setText(f"Training on {remaining[0]:.0%} of the finished documents…")

    def _done(self, points: list[CurvePoint]) -> None:
        if len(points) >= 2:
            last, before = headline_f1(points[-1].scores), headline_f1(points[-2].scores)
            verdict = (
                "more labelling is likely to help"
                if last - before > 1
                else "the curve is flattening: more of the same labelling helps little"
            )
            self.status.setText(
                f"F1 went from {before:.1f} to {last:.1f} with the last quarter of the "
                f"documents: {verdict}."
            )

    def closeEvent(self, event: Any) -> None:
        if self.running:
            self.job.cancel()
            self.job.thread.wait()
        super().closeEvent(event)


def fill_scores(table: QTableWidget, rows: list[LabelScore]) -> None:
    table.setRowCount(len(rows))
    for index, row in enumerate(rows):
        values = [row.label, *(f"{100 * v:.1f}" for v in (row.precision, row.recall, row.f1))]
        for column, value in enumerate(values):
            table.setItem(index, column, QTableWidgetItem(value))
    table.resizeColumnsToContents()


def place_beside(window: QWidget, parent: QWidget) -> None:
    """Put a tool window over the main window's right half, fully on its screen: a window
    placed by the platform alone may open partly below the screen's edge."""
    screen = parent.screen().availableGeometry()
    frame = parent.frameGeometry()
    x = min(frame.center().x(), screen.right() - window.width())
    y = min(frame.top() + 40, screen.bottom() - window.height())
    window.move(max(screen.left(), x), max(screen.top(), y))

"""The Model menu: train, learning curve, pre-tag with the latest model, and the models list.

One training (or curve) at a time; its window can be closed and reopened from the menu while
it runs, and the annotator keeps working in the main window meanwhile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.listing import DocumentFilter, count_documents
from annotator.core.model_registry import (
    LATEST,
    TrainedModel,
    delete_model,
    latest_model,
    list_models,
)
from annotator.core.pipelines import installed_pipelines
from annotator.core.records import LabelKind, Status
from annotator.gui.training_window import (
    CurveWindow,
    TrainingWindow,
    TrainOptionsDialog,
    place_beside,
)

if TYPE_CHECKING:
    from annotator.core.project import Project
    from annotator.gui.main_window import MainWindow


RETRAIN_SETTING = "retrain_every"


class ModelActions:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.running: TrainingWindow | CurveWindow | None = None
        self.indicator = QLabel()
        self.indicator.hide()
        window.statusBar().addPermanentWidget(self.indicator)

    @property
    def project(self) -> Project:
        return self.window.session.project

    def add_menu(self, menu: QMenu) -> None:
        for name, text, slot in (
            ("train", "&Train a model…", self.train),
            ("train_curve", "&Learning curve…", self.curve),
            ("pretag_latest", "&Pre-tag open documents with the latest model", self.pretag_latest),
            ("models", "&Models…", self.show_models),
            ("order_unsure", "List documents the model is &unsure of first", self.order_unsure),
            ("retrain", "&Retrain in the background…", self.ask_retrain),
        ):
            menu.addAction(self.window.action(name, text, slot))

    # Model unsure first ----------------------------------------------------------------------

    def order_unsure(self) -> None:
        combo = self.window.filters.order
        combo.setCurrentIndex(combo.findData("unsure"))

    def order_by(self, key: str) -> None:
        """Order the list; "unsure" first scores the documents with the latest model."""
        if key != "unsure":
            self.window.model.set_order(key)
            return
        self.window.operations.rank_with(
            LATEST, lambda: self.window.model.set_order("unsure"), self._order_failed
        )

    def _order_failed(self) -> None:
        combo = self.window.filters.order
        combo.blockSignals(True)
        combo.setCurrentIndex(combo.findData("order"))
        combo.blockSignals(False)
        self.window.model.set_order("order")

    # Retraining in the background ---------------------------------------------------------

    def retrain_every(self) -> int:
        value = self.project.get_setting(RETRAIN_SETTING, 0)
        return value if isinstance(value, int) else 0

    def ask_retrain(self) -> None:
        value, ok = QInputDialog.getInt(
            self.window,
            "Retrain in the background",
            "Train a new model after every N documents you finish (0: never).\nIt learns "
            "from your finished documents with the default settings (20% held out, at most "
            "10 minutes); pre-tag with it from the Model menu when it is ready.",
            self.retrain_every(),
            0,
            100_000,
        )
        if ok:
            self.project.set_setting(RETRAIN_SETTING, value)

    def document_finished(self) -> None:
        """Start a background training once N more documents are done than the latest model
        learned from (N from the project's setting; 0 is off)."""
        every = self.retrain_every()
        if not every or (self.running is not None and self.running.running):
            return
        annotator = self.window.session.annotator
        finished = count_documents(self.project, DocumentFilter(annotator, status=Status.DONE))
        try:
            latest = latest_model(self.project)
        except AnnotatorError:
            seen = 0
        else:
            seen = latest.train_documents + latest.dev_documents
            if latest.annotator != annotator:
                seen = 0
        if finished - seen < every:
            return
        window = TrainingWindow(self.project, {"annotator": annotator}, self.window)
        window.pretag_requested.connect(self._pretag_new)
        window.finished_training.connect(self._retrained)
        self._start(window, show=False)
        self.window.statusBar().showMessage(
            f"Training a new model on your {finished:,} finished documents in the background "
            "(Model ▸ Train shows it).",
            8000,
        )

    def _retrained(self, model: TrainedModel) -> None:
        self.window.statusBar().showMessage(
            f"A new model is ready: F1 {model.f1:.1f}. Model ▸ Pre-tag with the latest model "
            "uses it.",
            15000,
        )

    def _start(self, window: TrainingWindow | CurveWindow, *, show: bool) -> None:
        """One training window at a time: the last one's results give way to the new run.
        While it runs, the status bar says so, since the window may be behind the article."""
        if self.running is not None:
            self.running.close()
        self.running = window
        self.indicator.setText(f"{window.windowTitle()}… (Model menu shows it)")
        self.indicator.show()
        window.job.finished.connect(self.indicator.hide)
        if show:
            place_beside(window, self.window)
            window.show()
        window.start()

    def stop(self) -> None:
        """Closing the app cancels a training (its window waits for the process to end)."""
        if self.running is not None:
            self.running.close()

    def _busy(self) -> bool:
        """A training already runs: show it instead of starting another."""
        if self.running is not None and self.running.running:
            self.running.show()
            self.running.raise_()
            self.running.activateWindow()
            return True
        return False

    def _options(self, *, curve: bool) -> dict[str, Any] | None:
        people = [a.name for a in self.project.annotators() if a.kind == "human"]
        bases = [m.name for m in list_models(self.project)] + installed_pipelines()
        dialog = TrainOptionsDialog(
            people, self.window.session.annotator, bases, self.window, curve=curve
        )
        if not dialog.exec():
            return None
        options = {
            "annotator": dialog.annotator.currentText(),
            "dev_ratio": dialog.dev_ratio.value(),
            "max_minutes": dialog.max_minutes.value(),
        }
        base = dialog.chosen_base()
        if not curve and base is not None:
            names = {m.name: m for m in list_models(self.project)}
            options["base"] = str(names[base].pipeline) if base in names else base
        return options

    def train(self) -> None:
        if self._busy():
            return
        options = self._options(curve=False)
        if options is None:
            return
        window = TrainingWindow(self.project, options, self.window)
        window.pretag_requested.connect(self._pretag_new)
        self._start(window, show=True)

    def curve(self) -> None:
        if self._busy():
            return
        options = self._options(curve=True)
        if options is None:
            return
        colours = {
            label.name: label.colour for kind in LabelKind for label in self.project.labels(kind)
        }
        self._start(CurveWindow(self.project, options, colours, self.window), show=True)

    def _pretag_new(self, model: TrainedModel) -> None:
        self.window.operations.pretag_with(model.pipeline, unfinished_only=True)

    def pretag_latest(self) -> None:
        try:
            model = latest_model(self.project)
        except AnnotatorError as exc:
            QMessageBox.information(self.window, "No model yet", str(exc))
            return
        self.window.operations.pretag_with(model.pipeline, unfinished_only=True)

    def show_models(self) -> None:
        ModelsDialog(self.project, self.window).exec()


class ModelsDialog(QDialog):
    """The project's models, newest first, with what they learned from and their F1."""

    def __init__(self, project: Project, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Trained models")
        self.project = project
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            ["model", "annotator", "documents", "labels", "F1", "stopped"]
        )
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.empty = QLabel("No trained models yet: Model ▸ Train a model.")
        delete = QPushButton("Delete")
        delete.clicked.connect(self._delete)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(delete)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.resize(720, 320)
        self._fill()

    def _fill(self) -> None:
        models = list_models(self.project)
        self.models = models
        self.empty.setVisible(not models)
        self.table.setRowCount(len(models))
        for row, model in enumerate(models):
            values = [
                model.name,
                model.annotator,
                f"{model.train_documents:,} + {model.dev_documents:,} held out",
                ", ".join(model.labels),
                f"{model.f1:.1f}",
                model.stopped,
            ]
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()

    def _delete(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.models):
            return
        model = self.models[row]
        answer = QMessageBox.question(
            self, "Delete model", f"Delete model {model.name}? Its suggestions stay."
        )
        if answer == QMessageBox.StandardButton.Yes:
            delete_model(self.project, model.name)
            self._fill()

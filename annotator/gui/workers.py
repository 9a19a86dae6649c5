"""Long work (import, pre-tag, export, indexing) on a worker thread with a cancellable dialog.

The core reports progress through a callback and polls a cancel flag; here the callback is a
queued signal to the progress dialog and the flag a threading.Event set by its Cancel button.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.core.errors import AnnotatorError, Cancelled
from annotator.core.progress import CancelCallback, Progress, ProgressCallback

log = logging.getLogger(__name__)

Job = Callable[[ProgressCallback, CancelCallback], Any]


class Worker(QObject):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job
        self.cancel_event = threading.Event()

    def run(self) -> None:
        def progress(p: Progress) -> None:
            self.progressed.emit(p.done, p.total if p.total is not None else 0, p.message)

        try:
            result = self.job(progress, self.cancel_event.is_set)
        except Cancelled as exc:
            self.failed.emit(str(exc))
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:
            log.exception("Background job failed")
            self.failed.emit(f"Unexpected error: {exc}")
        else:
            self.succeeded.emit(result)
        finally:
            self.finished.emit()


class BackgroundTask(QObject):
    """Runs one job on its own thread, showing a window-modal progress dialog."""

    succeeded = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, parent: QWidget, title: str, job: Job) -> None:
        super().__init__(parent)
        self.thread = QThread(self)
        self.worker = Worker(job)
        self.worker.moveToThread(self.thread)
        self.dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.worker.cancel_event.set)
        self.thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._progress)
        self.worker.succeeded.connect(self.succeeded)
        self.worker.failed.connect(self.failed)
        self.worker.finished.connect(self._finish)

    def start(self) -> None:
        self.thread.start()

    def _progress(self, done: int, total: int, message: str) -> None:
        self.dialog.setMaximum(total)
        self.dialog.setValue(min(done, total) if total else 0)
        if message:
            self.dialog.setLabelText(message)

    def _finish(self) -> None:
        self.dialog.reset()
        self.dialog.hide()
        self.thread.quit()
        self.thread.wait()
        self.finished.emit()
        self.deleteLater()


def run_in_background(
    parent: QWidget,
    title: str,
    job: Job,
    on_success: Callable[[Any], None],
    on_failure: Callable[[str], None],
) -> BackgroundTask:
    task = BackgroundTask(parent, title, job)
    task.succeeded.connect(on_success)
    task.failed.connect(on_failure)
    task.start()
    return task


class QuietTask(QObject):
    """A background job without a dialog (e.g. building the search index); reports by signal."""

    finished = Signal()

    def __init__(self, parent: QObject, job: Job) -> None:
        super().__init__(parent)
        self.thread = QThread(self)
        self.worker = Worker(job)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.finished.connect(self._finish)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        """Ask the job to stop and wait for it (the job checks the flag between chunks)."""
        self.worker.cancel_event.set()
        self.thread.quit()
        self.thread.wait()

    def _finish(self) -> None:
        self.thread.quit()
        self.finished.emit()

"""Colleagues' work appearing in the window: on a team's server, a poll every few seconds
(off the GUI thread: a slow network never freezes the window) asks whether anyone else
changed the project, and tells the window when they did, and whether the server answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.core.errors import ServerUnreachable
from annotator.gui.workers import QuietTask

if TYPE_CHECKING:
    from annotator.gui.session import ProjectSession

POLL_MS = 3000


class TeamWatch(QObject):
    """Emits ``othersChanged`` when someone other than this window's annotator edited."""

    othersChanged = Signal()
    #: Whether the last poll reached the server.
    reachable = Signal(bool)

    def __init__(self, parent: QObject, session: ProjectSession, interval_ms: int = POLL_MS):
        super().__init__(parent)
        self.session = session
        self._seen: int | None = None
        self._found: int | None = None
        self._task: QuietTask | None = None
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self.poll()

    def poll(self) -> None:
        if self._task is not None and self._task.thread.isRunning():
            return
        project, name = self.session.project, self.session.annotator

        def ask(_progress: object, _cancel: object) -> None:
            try:
                self._found = project.last_change_by_others(name)
            except ServerUnreachable:
                self._found = None

        self._task = QuietTask(self, ask)
        self._task.finished.connect(self._answered)
        self._task.start()

    def _answered(self) -> None:
        found, self._found = self._found, None
        self.reachable.emit(found is not None)
        if found is None:
            return
        if self._seen is not None and found != self._seen:
            self.othersChanged.emit()
        self._seen = found

    def stop(self) -> None:
        self.timer.stop()
        if self._task is not None:
            self._task.stop()

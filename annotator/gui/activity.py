"""Active time per document: seconds with input in the last minute, while the window is active.

A researcher who walks away for coffee does not inflate the time a document took; the time is
written to the store every half minute and whenever the document changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

IDLE_AFTER_SECONDS = 60.0
FLUSH_EVERY_SECONDS = 30.0
INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
}


class ActivityClock(QObject):
    def __init__(self, window: QWidget, record: Callable[[int, float], None]) -> None:
        super().__init__(window)
        self.window = window
        self.record = record
        self.document_id: int | None = None
        self.pending = 0.0
        self.last_input = time.monotonic()
        self.last_tick = time.monotonic()
        self.since_flush = 0.0
        self.timer = QTimer(self, interval=1000)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS:
            self.last_input = time.monotonic()
        return False

    def tick(self) -> None:
        now = time.monotonic()
        elapsed, self.last_tick = now - self.last_tick, now
        active = self.window.isActiveWindow() and now - self.last_input < IDLE_AFTER_SECONDS
        if self.document_id is not None and active:
            self.pending += min(elapsed, 2.0)
        self.since_flush += elapsed
        if self.since_flush >= FLUSH_EVERY_SECONDS:
            self.flush()

    def switch(self, document_id: int | None) -> None:
        self.flush()
        self.document_id = document_id
        self.last_input = time.monotonic()

    def flush(self) -> None:
        self.since_flush = 0.0
        if self.document_id is not None and self.pending > 0:
            self.record(self.document_id, self.pending)
        self.pending = 0.0

    def stop(self) -> None:
        self.flush()
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

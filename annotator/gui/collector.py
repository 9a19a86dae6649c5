"""Cyclic garbage collection on the GUI thread only.

Python runs its cycle collector in whichever thread happens to allocate when a threshold is
crossed. When that is a worker thread (import, pre-tag, export, indexing) and the garbage holds
Qt widgets, their destructors run off the GUI thread and crash the app. So automatic collection
is switched off while the app runs and this timer collects on the GUI thread instead, in the
idle moments between events, using the same generation thresholds Python would.

It is switched off with a zero threshold, not ``gc.disable()``: libraries we call in workers
(srsly, under spaCy's loaders) disable and re-enable collection around their own work.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        gc.set_threshold(0)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        gc.set_threshold(*self.thresholds)
        self.check()

    def check(self) -> None:
        """Collect the oldest generation whose count passed its threshold, as Python would."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                return

"""The Qt binding keeps Python's reference counts straight. PySide6 6.12.0 dropped a reference
to None on every call returning nothing; before Python 3.12 made None immortal, the app then
aborted with "none_dealloc" after a few hundred edits, losing the window mid-work."""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap

CALLS = 300  # few enough that a leaking binding fails here instead of aborting


def test_qt_calls_returning_nothing_leave_the_reference_count_of_none_alone(qapp) -> None:
    pixmap = QPixmap(20, 20)
    painter = QPainter(pixmap)
    pen = QPen(QColor("red"), 2)
    point = QPointF(0, 0)
    try:
        gc.collect()
        before = sys.getrefcount(None)
        for _ in range(CALLS):
            painter.setPen(pen)
            point.setX(1.0)
        gc.collect()
        after = sys.getrefcount(None)
    finally:
        painter.end()
    # Immortal None (3.12+) reports a constant; before that a leak shows as -2 per round.
    assert abs(after - before) < CALLS // 10, f"None lost {before - after} references"

"""A small line chart painted with QPainter (Qt Charts is not part of PySide6-Essentials).

Used for the learning curve (F1 per label against the share of documents) and a training's
score as it goes. Scores are percentages, so the y axis is always 0-100.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_RIGHT = 44, 36, 12, 130
#: Okabe and Ito's colour-blind-safe palette, for series without a colour of their own.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999999")


class LineChart(QWidget):
    """Named series of (x, y) points; y in percent, x from the data or a fixed range."""

    def __init__(self, x_title: str, y_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.x_title, self.y_title = x_title, y_title
        self.series: dict[str, list[tuple[float, float]]] = {}
        self.colours: dict[str, str] = {}
        self.x_range: tuple[float, float] | None = None
        #: Where the x axis is labelled (the curve's shares); otherwise round steps.
        self.x_ticks: list[float] | None = None
        self.x_format = "{:g}"
        #: Series drawn dashed, e.g. topics beside entity labels, which may share colours.
        self.dashed: set[str] = set()
        self.setMinimumSize(420, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_series(
        self,
        series: dict[str, list[tuple[float, float]]],
        colours: dict[str, str] | None = None,
    ) -> None:
        """Replace the series; ``colours`` (by name, e.g. the labels' own) where known."""
        self.series = {name: sorted(points) for name, points in series.items() if points}
        self.colours = dict(colours or {})
        self.update()

    def add_point(self, name: str, x: float, y: float) -> None:
        self.series.setdefault(name, []).append((x, y))
        self.update()

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.windowText().color()
        plot = QRectF(
            MARGIN_LEFT,
            MARGIN_TOP,
            max(10, self.width() - MARGIN_LEFT - MARGIN_RIGHT),
            max(10, self.height() - MARGIN_TOP - MARGIN_BOTTOM),
        )
        low, high = self._x_bounds()
        grid = QPen(QColor(text.red(), text.green(), text.blue(), 50))
        painter.setPen(grid)
        for percent in range(0, 101, 25):
            y = plot.bottom() - plot.height() * percent / 100
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            painter.drawText(
                QRectF(0, y - 8, MARGIN_LEFT - 6, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(percent),
            )
            painter.setPen(grid)
        painter.setPen(text)
        for x in self.x_ticks or nice_ticks(low, high):
            px = self._px(plot, x, low, high)
            painter.drawText(
                QRectF(px - 40, plot.bottom() + 4, 80, 16),
                Qt.AlignmentFlag.AlignHCenter,
                self.x_format.format(x),
            )
        painter.drawText(
            QRectF(plot.left(), self.height() - 16, plot.width(), 16),
            Qt.AlignmentFlag.AlignHCenter,
            self.x_title,
        )
        painter.save()
        painter.translate(12, plot.center().y())
        painter.rotate(-90)
        half = plot.height() / 2 + MARGIN_TOP
        painter.drawText(
            QRectF(-half, -10, 2 * half, 16), Qt.AlignmentFlag.AlignHCenter, self.y_title
        )
        painter.restore()
        for index, (name, points) in enumerate(self.series.items()):
            colour = self.colours.get(name) or PALETTE[index % len(PALETTE)]
            pen = QPen(QColor(colour).darker(140), 2)  # label colours are pale backgrounds
            if name in self.dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            path = QPainterPath()
            for number, (x, y) in enumerate(points):
                point = QPointF(
                    self._px(plot, x, low, high), plot.bottom() - plot.height() * y / 100
                )
                if number == 0:
                    path.moveTo(point)
                else:
                    path.lineTo(point)
                painter.drawEllipse(point, 3, 3)
            painter.drawPath(path)
            legend_y = MARGIN_TOP + 18 * index
            painter.drawLine(
                QPointF(plot.right() + 12, legend_y + 8), QPointF(plot.right() + 28, legend_y + 8)
            )
            painter.setPen(text)
            painter.drawText(
                QRectF(plot.right() + 32, legend_y, MARGIN_RIGHT - 34, 16),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                name,
            )
        painter.end()

    def _x_bounds(self) -> tuple[float, float]:
        if self.x_range is not None:
            return self.x_range
        xs = [x for points in self.series.values() for x, _y in points]
        if not xs:
            return 0.0, 1.0
        low, high = min(xs), max(xs)
        return (low, high) if high > low else (low - 1, high + 1)

    @staticmethod
    def _px(plot: QRectF, x: float, low: float, high: float) -> float:
        return plot.left() + plot.width() * (x - low) / (high - low)


def nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round values between ``low`` and ``high`` (steps of 1, 2 or 5 times a power of ten),
    at most ``most`` of them: "100, 200, 300", never "72.5, 145, 217.5"."""
    span = high - low
    if span <= 0:
        return [low]
    step = 10 ** math.floor(math.log10(span / most))
    for factor in (1, 2, 5, 10):
        if span / (step * factor) <= most:
            step *= factor
            break
    first = math.ceil(low / step) * step
    return [first + step * i for i in range(int((high - first) / step + 1e-9) + 1)]

"""Small charts painted with QPainter (Qt Charts is not part of PySide6-Essentials).

The line chart shows the learning curve (F1 per label against the share of documents) and a
training's score as it goes; scores are percentages, so its y axis is always 0-100. The F1
bars are the agreement report's per-label chart.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen
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


#: The agreement report's bars, as in its HTML file: exact match dark, overlap match light.
EXACT_COLOUR, OVERLAP_COLOUR = "#2f6fad", "#b9d3ee"


class F1Bars:
    """Horizontal bars of F1 per label, exact match in front of overlap match, painted into an
    image: the in-app report is rich text, which lays out tables but no SVG, so its chart is
    drawn here instead of by the HTML file's inline SVG."""

    ROW, BAR_HEIGHT, LABEL_WIDTH, VALUE_WIDTH, LEGEND = 22, 16, 120, 90, 24

    def __init__(self, rows: list[tuple[str, float, float]], width: int = 560) -> None:
        self.rows = rows
        self.width = width

    @property
    def bar_width(self) -> float:
        return self.width - self.LABEL_WIDTH - self.VALUE_WIDTH

    @property
    def height(self) -> int:
        return self.ROW * len(self.rows) + self.LEGEND + 6

    def bar_rects(self) -> list[tuple[str, QRectF, QRectF]]:
        """(label, exact bar, overlap bar) per row; a bar's width is its F1 times the full."""
        rects = []
        for index, (label, exact, overlap) in enumerate(self.rows):
            y = 4 + index * self.ROW + (self.ROW - self.BAR_HEIGHT) / 2
            rects.append(
                (
                    label,
                    QRectF(self.LABEL_WIDTH, y, exact * self.bar_width, self.BAR_HEIGHT),
                    QRectF(self.LABEL_WIDTH, y, overlap * self.bar_width, self.BAR_HEIGHT),
                )
            )
        return rects

    def paint(self, painter: QPainter, text: QColor) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        for (label, exact_bar, overlap_bar), (_label, exact, overlap) in zip(
            self.bar_rects(), self.rows, strict=True
        ):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.fillRect(overlap_bar, QColor(OVERLAP_COLOUR))
            painter.fillRect(exact_bar, QColor(EXACT_COLOUR))
            painter.setPen(text)
            row = QRectF(0, exact_bar.top() - 3, self.LABEL_WIDTH - 8, self.BAR_HEIGHT + 6)
            painter.drawText(
                row,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(row.width())),
            )
            painter.drawText(
                QRectF(
                    self.LABEL_WIDTH + self.bar_width + 6, row.top(), self.VALUE_WIDTH, row.height()
                ),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"{exact:.2f} / {overlap:.2f}",
            )
        legend = QRectF(
            self.LABEL_WIDTH, self.height - self.LEGEND, self.width - self.LABEL_WIDTH, self.LEGEND
        )
        painter.setPen(text)
        painter.drawText(
            legend,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            "dark: exact match · light: overlap match (values: exact / overlap)",
        )

    def image(self, text: QColor, font: QFont, scale: float = 1.0) -> QImage:
        """The chart on a transparent image, ``scale`` times as many pixels for sharp screens."""
        image = QImage(
            int(self.width * scale), int(self.height * scale), QImage.Format.Format_ARGB32
        )
        image.fill(Qt.GlobalColor.transparent)
        image.setDevicePixelRatio(scale)
        painter = QPainter(image)
        painter.setFont(font)
        self.paint(painter, text)
        painter.end()
        return image

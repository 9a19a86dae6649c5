"""Small charts painted with QPainter (Qt Charts is not part of PySide6-Essentials).

The line chart shows the learning curve (F1 per label against the share of documents) and a
training's score as it goes; scores are percentages, so its y axis is always 0-100. The F1
bars are the agreement report's per-label chart, the heat map its matrix of every pair.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from annotator.core.agreement_matrix import (
    SCALE,
    PairMatrix,
    common_prefix,
    describe,
    heat_colour,
    ink_for,
    short_number,
)

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


class HeatMap(QWidget):
    """Every pair's figure as a coloured cell (the HTML report's viridis scale, dark = low),
    names down the left and up the top; hovering a cell names the pair, the figure and the
    documents it rests on, clicking it emits the pair. Empty cells: the two finished no
    document in common. Cells shrink to fit (down to ``MIN_CELL``); their figure is written in
    them while there is room, and the tooltip always has it."""

    cellClicked = Signal(str, str)
    MIN_CELL, MAX_CELL, LABEL_MAX, LEGEND = 9, 30, 170, 34

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.matrix: PairMatrix | None = None
        self.prefix = ""
        #: An annotator whose row and column are outlined (chosen in the table beside).
        self.highlight: str | None = None
        #: The pair last clicked, outlined.
        self.selected: tuple[int, int] | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_matrix(self, matrix: PairMatrix) -> None:
        self.matrix = matrix
        self.prefix = common_prefix(matrix.annotators)
        self.selected = None
        self.updateGeometry()
        self.update()

    def set_highlight(self, name: str | None) -> None:
        self.highlight = name
        self.update()

    # Geometry: labels as wide as the longest name (capped), square cells filling the rest.
    def _names(self) -> list[str]:
        return [name[len(self.prefix) :] for name in self.matrix.annotators] if self.matrix else []

    def label_width(self) -> int:
        metrics = self.fontMetrics()
        longest = max((metrics.horizontalAdvance(n) for n in self._names()), default=0)
        return min(self.LABEL_MAX, longest + 10)

    def cell_size(self) -> float:
        count = len(self._names()) or 1
        room = min(
            self.width() - self.label_width() - 8,
            self.height() - self.label_width() - self.LEGEND - 8,
        )
        return max(self.MIN_CELL, min(self.MAX_CELL, room / count))

    def cell_rect(self, row: int, column: int) -> QRectF:
        size, origin = self.cell_size(), self.label_width() + 4
        return QRectF(origin + column * size, origin + row * size, size, size)

    def cell_at(self, point: QPointF) -> tuple[int, int] | None:
        count = len(self._names())
        size, origin = self.cell_size(), self.label_width() + 4
        column = math.floor((point.x() - origin) / size)
        row = math.floor((point.y() - origin) / size)
        if 0 <= row < count and 0 <= column < count:
            return row, column
        return None

    def tooltip_at(self, point: QPointF) -> str | None:
        """What hovering there says: the pair, the figure and what it rests on."""
        found = self.cell_at(point)
        if self.matrix is None or found is None:
            return None
        cell = self.matrix.rows[found[0]][found[1]]
        if cell is None:
            return self.matrix.annotators[found[0]]
        return describe(self.matrix.figure, cell)

    def sizeHint(self) -> QSize:
        side = self.label_width() + 8 + 20 * len(self._names())
        return QSize(side, side + self.LEGEND)

    def minimumSizeHint(self) -> QSize:
        side = self.label_width() + 8 + self.MIN_CELL * len(self._names())
        return QSize(side, side + self.LEGEND)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            text = self.tooltip_at(QPointF(event.pos()))  # type: ignore[attr-defined]
            if text:
                QToolTip.showText(event.globalPos(), text, self)  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        found = self.cell_at(event.position())
        if self.matrix is None or found is None or found[0] == found[1]:
            return super().mousePressEvent(event)
        self.selected = found
        self.update()
        self.cellClicked.emit(self.matrix.annotators[found[0]], self.matrix.annotators[found[1]])

    def paintEvent(self, _event: object) -> None:
        if self.matrix is None:
            return
        painter = QPainter(self)
        text = self.palette().windowText().color()
        names = self._names()
        size, label, origin = self.cell_size(), self.label_width(), self.label_width() + 4
        metrics = painter.fontMetrics()
        small = QFont(self.font())
        small.setPixelSize(max(7, min(11, int(size * 0.38))))
        small_metrics = QFontMetrics(small)
        writes = small_metrics.horizontalAdvance("−.00") <= size - 2 and size >= 16
        empty = QColor(self.palette().base().color())
        grid = QColor(text.red(), text.green(), text.blue(), 40)
        for index, name in enumerate(names):
            painter.setPen(text)
            bold = self.highlight == self.matrix.annotators[index]
            font = QFont(self.font())
            font.setBold(bold)
            painter.setFont(font)
            shown = metrics.elidedText(name, Qt.TextElideMode.ElideRight, label - 6)
            row = QRectF(0, origin + index * size, label - 2, size)
            painter.drawText(
                row, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown
            )
            painter.save()
            painter.translate(origin + index * size, label)
            painter.rotate(-90)
            painter.drawText(
                QRectF(2, 0, label - 2, size),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                shown,
            )
            painter.restore()
        painter.setFont(small)
        for i, row in enumerate(self.matrix.rows):
            for j, cell in enumerate(row):
                rect = self.cell_rect(i, j).adjusted(0.5, 0.5, -0.5, -0.5)
                if cell is None:
                    painter.fillRect(rect, QColor(text.red(), text.green(), text.blue(), 18))
                    continue
                if not cell.shared:
                    painter.fillRect(rect, empty)
                    painter.setPen(grid)
                    painter.drawRect(rect)
                    continue
                if cell.value is None:
                    painter.fillRect(rect, QColor("#cccccc"))
                    continue
                colour = heat_colour(cell.value)
                painter.fillRect(rect, QColor(colour))
                if writes:
                    painter.setPen(QColor(ink_for(colour)))
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, short_number(cell.value))
        if self.highlight in self.matrix.annotators:
            index = self.matrix.annotators.index(self.highlight)
            painter.setPen(QPen(self.palette().highlight().color(), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            count = len(names)
            painter.drawRect(QRectF(origin, origin + index * size, count * size, size))
            painter.drawRect(QRectF(origin + index * size, origin, size, count * size))
        if self.selected is not None:
            painter.setPen(QPen(text, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.cell_rect(*self.selected))
        self._paint_legend(painter, origin + len(names) * size + 10, text)
        painter.end()

    def _paint_legend(self, painter: QPainter, top: float, text: QColor) -> None:
        """The colour scale from 0 (or below) to 1, and what an empty cell means."""
        left, width, height = self.label_width() + 4, 160, 12
        gradient = QLinearGradient(left, 0, left + width, 0)
        for index, colour in enumerate(SCALE):
            gradient.setColorAt(index / (len(SCALE) - 1), QColor(colour))
        painter.setFont(self.font())
        painter.setPen(text)
        painter.drawText(
            QRectF(0, top - 2, left - 4, height + 4),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            "≤ 0",
        )
        painter.fillRect(QRectF(left, top, width, height), gradient)
        painter.drawText(
            QRectF(left + width + 4, top - 2, 400, height + 4),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            "1   · empty: no document both finished · grey: undefined",
        )

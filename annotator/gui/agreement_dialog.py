"""The project's agreement report in the app: the same figures as ``annotator agreement``.

Computed off the GUI thread (it tokenizes every compared document) and shown as rich text,
whose tables Qt lays out well but whose inline SVG it cannot: each pair's F1 chart is painted
by Qt (``charts.F1Bars``) and shown as an image instead. The file saved, or opened in the
system's browser, is the same self-contained HTML file the command line writes.

With three annotators or more, an Annotators tab comes first: the heat map of every pair for
a chosen figure (``charts.HeatMap``; hover a cell for the pair, figure and documents, click it
for the pair's own figures) beside each annotator's mean agreement with the others, sortable.
Above ``SUMMARY_ABOVE`` annotators the report no longer lists every pair, as on the command
line; the pairs are one click away in the heat map.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import AgreementReport, PairReport
from annotator.core.agreement_html import chart_rows, pair_section, render_html
from annotator.core.agreement_matrix import (
    AnnotatorSummary,
    Figure,
    figures,
    heat_colour,
    ink_for,
    pair_matrix,
)
from annotator.gui.charts import F1Bars, HeatMap

CHART_SCHEME = "chart"


class ReportBrowser(QTextBrowser):
    """Rich text whose ``chart:N`` images are the charts painted for it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.charts: dict[str, QImage] = {}

    def loadResource(self, kind: int, url: QUrl) -> object:
        if url.scheme() == CHART_SCHEME and url.toString() in self.charts:
            return self.charts[url.toString()]
        return super().loadResource(kind, url)


class NumberItem(QTableWidgetItem):
    """A table cell that sorts by its number; no figure sorts after every figure."""

    def __init__(self, text: str, key: float | None) -> None:
        super().__init__(text)
        self.key = math.inf if key is None else key
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, NumberItem):
            return self.key < other.key
        return super().__lt__(other)


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


class AnnotatorsPane(QWidget):
    """The heat map of one figure for every pair, each annotator's means beside it, and the
    figures of the pair last clicked below them."""

    COLUMNS = ("annotator", "documents", "partners", "mean", "weighted", "pairs", "lowest with")

    def __init__(
        self, report: AgreementReport, chart: Callable[[PairReport], str], parent=None
    ) -> None:
        super().__init__(parent)
        self.report = report
        self.chart = chart
        self.figures: list[Figure] = figures(report) or figures(report, with_data=False)[:1]
        self.choice = QComboBox()
        for figure in self.figures:
            self.choice.addItem(figure.title, figure.key)
        self.choice.setToolTip("Which figure the heat map and the means show")
        shared = sum(pair.documents > 0 for pair in report.pairs)
        self.counts = QLabel(
            f"{len(report.annotators)} annotators, {len(report.pairs):,} pairs: {shared:,} "
            f"finished a document in common, {len(report.pairs) - shared:,} none (empty cells; "
            "left out of every mean)"
        )
        self.counts.setWordWrap(True)
        self.heat_map = HeatMap()
        self.heat_map.cellClicked.connect(self.show_pair)
        scroll = QScrollArea()
        scroll.setWidget(self.heat_map)
        scroll.setWidgetResizable(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._row_chosen)
        header = self.table.horizontalHeaderItem
        header(3).setToolTip("Mean over the partners whose figure is defined")
        header(4).setToolTip("Each pair weighted by the documents both finished")
        header(5).setToolTip("Pairs the mean rests on (partners with a defined figure)")
        self.pair = ReportBrowser()
        self.pair.setPlaceholderText("Click a cell of the heat map for that pair's figures.")
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.table)
        side.addWidget(self.pair)
        side.setSizes([400, 260])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(scroll)
        split.addWidget(side)
        split.setSizes([560, 480])
        top = QHBoxLayout()
        top.addWidget(QLabel("Figure:"))
        top.addWidget(self.choice)
        top.addWidget(self.counts, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.choice.currentIndexChanged.connect(self.show_figure)
        self.show_figure(0)

    @property
    def figure(self) -> Figure:
        return self.figures[max(0, self.choice.currentIndex())]

    def show_figure(self, _index: int = 0) -> None:
        matrix = pair_matrix(self.report, self.figure)
        self.heat_map.set_matrix(matrix)
        self.summary = matrix.summary()
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self.summary))
        for row, summary in enumerate(self.summary):
            for column, item in enumerate(self._items(summary)):
                self.table.setItem(row, column, item)
        self.table.setSortingEnabled(True)
        self.table.sortItems(0, Qt.SortOrder.AscendingOrder)

    def _items(self, summary: AnnotatorSummary) -> list[QTableWidgetItem]:
        name = QTableWidgetItem(summary.annotator)
        name.setData(Qt.ItemDataRole.UserRole, summary.annotator)
        mean = NumberItem(_number(summary.mean), summary.mean)
        if summary.mean is not None:
            colour = heat_colour(summary.mean)
            mean.setBackground(QColor(colour))
            mean.setForeground(QColor(ink_for(colour)))
        lowest = summary.lowest
        items = [
            name,
            NumberItem(f"{summary.documents:,}", summary.documents),
            NumberItem(f"{summary.partners} of {summary.others}", summary.partners),
            mean,
            NumberItem(_number(summary.weighted_mean), summary.weighted_mean),
            NumberItem(str(summary.measured), summary.measured),
            QTableWidgetItem(f"{lowest.second} ({_number(lowest.value)})" if lowest else "–"),
        ]
        if summary.mean is None:
            items[3].setToolTip("No partner with a figure: no data, not 0")
        return items

    def _row_chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        item = self.table.item(rows[0].row(), 0) if rows else None
        self.heat_map.set_highlight(item.data(Qt.ItemDataRole.UserRole) if item else None)

    def show_pair(self, first: str, second: str) -> None:
        """The pair's own figures (F1 per label, kappas), as the report shows each pair."""
        pair = self.report.pair(first, second)
        if pair is None:
            return
        if not pair.documents:
            self.pair.setHtml(
                f"<p><b>{escape(first)}</b> and <b>{escape(second)}</b> finished no document "
                "in common: no figures.</p>"
            )
            return
        self.pair.setHtml(pair_section(pair, self.chart))


class AgreementDialog(QDialog):
    def __init__(self, report: AgreementReport, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Agreement — {title}")
        self.resize(820, 640)
        self.title = title
        self.html = render_html(report, title)
        self.browser = ReportBrowser()
        self.bars: dict[str, F1Bars] = {}
        self.browser.setHtml(render_html(report, title, chart=self._chart, heat_maps=False))
        self.annotators: AnnotatorsPane | None = None
        self.tabs: QTabWidget | None = None
        if len(report.annotators) >= 3:
            self.annotators = AnnotatorsPane(report, self._pair_chart)
            self.tabs = QTabWidget()
            self.tabs.addTab(self.annotators, "Annotators")
            self.tabs.addTab(self.browser, "Report")
            if not report.summarised:
                self.tabs.setCurrentIndex(1)  # a few pairs: the report as before
            self.resize(1180, 720)
        save = QPushButton("Save as HTML…")
        save.clicked.connect(self.save)
        browse = QPushButton("Open in browser")
        browse.setToolTip("The report as a web page, as it looks when mailed to a colleague")
        browse.clicked.connect(self.open_in_browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(save, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(browse, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs if self.tabs is not None else self.browser)
        layout.addWidget(buttons)

    def _chart(self, pair: PairReport, browser: ReportBrowser | None = None) -> str:
        """Paint the pair's chart and put an image of it where the HTML file has its SVG."""
        browser = browser if browser is not None else self.browser
        name = f"{CHART_SCHEME}:{len(self.bars)}"
        bars = F1Bars(chart_rows(pair))
        self.bars[name] = bars
        scale = self.devicePixelRatioF()
        browser.charts[name] = bars.image(browser.palette().text().color(), browser.font(), scale)
        browser.document().addResource(
            QTextDocument.ResourceType.ImageResource.value, QUrl(name), browser.charts[name]
        )
        label = escape(f"F1 per label, {pair.candidate} against {pair.reference}")
        return (
            f'<p><img src="{name}" width="{bars.width}" height="{bars.height}" alt="{label}"></p>'
        )

    def save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save agreement report", "agreement.html", "HTML (*.html)"
        )
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        try:
            path.write_text(self.html, encoding="utf-8")
        except OSError as exc:
            QMessageBox.warning(self, "Report not saved", f"{path}: {exc.strerror or exc}")
            return False
        return True

    def open_in_browser(self) -> None:
        """Write the report to a temporary file and hand it to the system's browser."""
        path = Path(tempfile.gettempdir()) / "annotator-agreement.html"
        if self.save_to(path) and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            QMessageBox.information(
                self, "No browser", f"No program opens web pages here; the report is at {path}."
            )

    def _pair_chart(self, pair: PairReport) -> str:
        """A clicked pair's chart, drawn into the pane that shows it."""
        assert self.annotators is not None
        return self._chart(pair, self.annotators.pair)

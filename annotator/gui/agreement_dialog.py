"""The project's agreement report in the app: the same figures as ``annotator agreement``.

Computed off the GUI thread (it tokenizes every compared document) and shown as rich text,
whose tables Qt lays out well but whose inline SVG it cannot: each pair's F1 chart is painted
by Qt (``charts.F1Bars``) and shown as an image instead. The file saved, or opened in the
system's browser, is the same self-contained HTML file the command line writes.
"""

from __future__ import annotations

import tempfile
from html import escape
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import AgreementReport, PairReport
from annotator.core.agreement_html import chart_rows, render_html
from annotator.gui.charts import F1Bars

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


class AgreementDialog(QDialog):
    def __init__(self, report: AgreementReport, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Agreement — {title}")
        self.resize(820, 640)
        self.title = title
        self.html = render_html(report, title)
        self.browser = ReportBrowser()
        self.bars: dict[str, F1Bars] = {}
        self.browser.setHtml(render_html(report, title, chart=self._chart))
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
        layout.addWidget(self.browser)
        layout.addWidget(buttons)

    def _chart(self, pair: PairReport) -> str:
        """Paint the pair's chart and put an image of it where the HTML file has its SVG."""
        name = f"{CHART_SCHEME}:{len(self.bars)}"
        bars = F1Bars(chart_rows(pair))
        self.bars[name] = bars
        scale = self.devicePixelRatioF()
        self.browser.charts[name] = bars.image(
            self.browser.palette().text().color(), self.browser.font(), scale
        )
        self.browser.document().addResource(
            QTextDocument.ResourceType.ImageResource.value,
            QUrl(name),
            self.browser.charts[name],
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

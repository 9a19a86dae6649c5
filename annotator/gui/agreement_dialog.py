"""The project's agreement report in the app: the same figures as ``annotator agreement``.

Computed off the GUI thread (it tokenizes every compared document), shown as HTML tables, and
saved as the same self-contained HTML file the command line writes.
"""

from __future__ import annotations

from pathlib import Path

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

from annotator.core.agreement import AgreementReport
from annotator.core.agreement_html import render_html


class AgreementDialog(QDialog):
    def __init__(self, report: AgreementReport, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Agreement — {title}")
        self.resize(820, 640)
        self.html = render_html(report, title)
        self.browser = QTextBrowser()
        self.browser.setHtml(self.html)
        save = QPushButton("Save as HTML…")
        save.clicked.connect(self.save)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(save, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)

    def save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save agreement report", "agreement.html", "HTML (*.html)"
        )
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        try:
            path.write_text(self.html, encoding="utf-8")
        except OSError as exc:
            QMessageBox.warning(self, "Report not saved", f"{path}: {exc.strerror or exc}")

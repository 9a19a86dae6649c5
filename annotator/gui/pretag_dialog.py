"""Choosing a pre-tagger: every tagger this installation knows, and how to get more.

Taggers that do not cover the project's language, or are not installed, stay in the list
but cannot be chosen, each saying why: a user who expected natasha or a trained model sees
what is missing instead of wondering where it went.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from annotator.core.taggers import BUILT_IN, Source, TaggerInfo
from annotator.gui.dialogs import ok_cancel

MODEL_ROLE = Qt.ItemDataRole.UserRole
HOW_TO_GET_MORE = (
    "More taggers: spaCy's pipelines for your language (for English <code>pip install "
    "en_core_web_sm</code> or <code>python -m spacy download en_core_web_md</code> into the "
    "app's environment; they appear here), a pipeline package file downloaded from "
    "<a href='https://github.com/explosion/spacy-models/releases'>spaCy's releases</a> "
    "(Package file…), natasha for Russian news (<code>pip install 'annotator[ru]'</code>), or "
    "a model trained on your own annotations (Model ▸ Train)."
)


SHOWN_LABELS = 4


def describe(tagger: TaggerInfo) -> str:
    """One short line per tagger, its name first (the list is read by its start): what it
    is, its language, its first labels and how good it is; :func:`details` has the rest."""
    names = {
        Source.BUILT_IN: "Built-in tagger (no download)",
        Source.TRAINED: f"Your model {tagger.name}",
    }
    title = names.get(tagger.source, tagger.name)
    labels = ", ".join(tagger.labels[:SHOWN_LABELS]) or "labels not declared"
    if len(tagger.labels) > SHOWN_LABELS:
        labels += f" +{len(tagger.labels) - SHOWN_LABELS}"
    text = f"{title} — {'/'.join(tagger.languages)} — {labels}"
    return f"{text} — {tagger.note}" if tagger.note else text


def details(tagger: TaggerInfo) -> str:
    lines = [
        f"{tagger.name} ({tagger.source.value}), language {', '.join(tagger.languages)}",
        "Labels: " + (", ".join(tagger.labels) or "not declared"),
    ]
    return "\n".join([*lines, tagger.note] if tagger.note else lines)


class PretagDialog(QDialog):
    """The tagger (from the list, a folder or a package file) and the batch size."""

    def __init__(
        self, taggers: list[TaggerInfo], language: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pre-tag documents")
        self.model = QComboBox(editable=True)
        self.model.setMinimumContentsLength(56)  # room for a pipeline's path
        self.model.setToolTip(
            "A tagger from the list, a pipeline folder, or a downloaded pipeline package "
            "(.whl, .tar.gz), which is unpacked once"
        )
        items = QStandardItemModel(self.model)
        for tagger in taggers:
            item = QStandardItem(describe(tagger))
            item.setData(tagger.name, MODEL_ROLE)
            item.setToolTip(details(tagger))
            if not tagger.available:
                item.setEnabled(False)
            elif not tagger.covers(language):
                item.setEnabled(False)
                item.setText(f"{describe(tagger)} — not for this project's language ({language})")
            items.appendRow(item)
        self.model.setModel(items)
        self.model.view().setMinimumWidth(self.model.view().sizeHintForColumn(0) + 24)
        usable = [row for row in range(items.rowCount()) if items.item(row).isEnabled()]
        self.model.setCurrentIndex(usable[0] if usable else -1)
        browse = QPushButton("Folder…")
        browse.clicked.connect(self._browse)
        package = QPushButton("Package file…", objectName="package")
        package.clicked.connect(self._browse_package)
        row = QHBoxLayout()
        row.addWidget(self.model, 1)
        row.addWidget(browse)
        row.addWidget(package)
        self.batch = QSpinBox(minimum=1, maximum=4096, value=64)
        more = QLabel(HOW_TO_GET_MORE, wordWrap=True, openExternalLinks=True)
        more.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        form = QFormLayout(self)
        form.addRow("Tagger", row)
        form.addRow("Batch size", self.batch)
        form.addRow(more)
        form.addRow(ok_cancel(self))

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "spaCy pipeline folder")
        if folder:
            self.model.setEditText(folder)

    def _browse_package(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Downloaded spaCy pipeline package",
            "",
            "spaCy pipeline packages (*.whl *.tar.gz *.tgz *.zip)",
        )
        if path:
            self.model.setEditText(path)

    def chosen_model(self) -> str | None:
        """What ``Project.pretag`` takes: None for the built-in tagger, a name or a path."""
        text = self.model.currentText().strip()
        index = self.model.findText(text)
        chosen = self.model.itemData(index, MODEL_ROLE) if index >= 0 else text
        return None if not chosen or chosen == BUILT_IN else str(chosen)

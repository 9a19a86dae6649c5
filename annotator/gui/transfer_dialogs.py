"""Import and export options: which format, whose work, what to include, where it goes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from annotator.gui.dialogs import ok_cancel

IMPORT_FORMATS = (
    ("Automatic (from the file name and content)", "auto"),
    ("Plain text (.txt)", "txt"),
    ("HTML article", "html"),
    ("Prodigy JSONL / JSON", "prodigy"),
    ("doccano JSONL / JSON", "doccano"),
    ("spaCy DocBin (.spacy)", "spacy"),
    ("brat standoff (.ann + .txt)", "brat"),
    ("CoNLL / IOB", "conll"),
    ("CSV / TSV table", "csv"),
    ("Unreliable-passage labels (.labels)", "labels"),
)
EXPORT_FORMATS = (
    ("spaCy DocBin + config (folder)", "spacy", ""),
    ("Prodigy JSONL", "prodigy", "prodigy.jsonl"),
    ("Prodigy JSON (one array)", "prodigy", "prodigy.json"),
    ("doccano JSONL", "doccano", "doccano.jsonl"),
    ("brat standoff (folder)", "brat", ""),
    ("CoNLL IOB2", "conll", "export.conll"),
    ("CSV table", "csv", "export.csv"),
    ("Unreliable-passage labels (folder)", "labels", ""),
)


@dataclass(frozen=True)
class ImportChoice:
    paths: list[Path]
    fmt: str
    annotator: str
    text_column: str | None
    skip_invalid: bool


class ImportDialog(QDialog):
    """Options for files already picked: their format (found automatically unless a name
    misleads), a table's text column, whose work unattributed annotations are."""

    def __init__(
        self, paths: list[Path], annotators: list[str], current: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.paths = paths
        shown = ", ".join(p.name for p in paths[:3]) + (
            f" and {len(paths) - 3} more" if len(paths) > 3 else ""
        )
        self.what = QLabel(shown)
        self.what.setWordWrap(True)
        self.fmt = QComboBox()
        for text, value in IMPORT_FORMATS:
            self.fmt.addItem(text, value)
        self.text_column = QLineEdit()
        self.text_column.setPlaceholderText("text, content or body")
        self.annotator = QComboBox(editable=True)
        self.annotator.addItems(annotators)
        self.annotator.setCurrentText(current)
        self.skip_invalid = QCheckBox("Skip bad records and import the rest (they are listed)")
        self.skip_invalid.setChecked(True)
        form = QFormLayout(self)
        form.addRow("Files", self.what)
        form.addRow("Format", self.fmt)
        form.addRow("Text column (tables)", self.text_column)
        form.addRow("Annotator, where a file names none", self.annotator)
        form.addRow("", self.skip_invalid)
        form.addRow(ok_cancel(self))

    def choice(self) -> ImportChoice:
        column = self.text_column.text().strip()
        return ImportChoice(
            paths=self.paths,
            fmt=self.fmt.currentData(),
            annotator=self.annotator.currentText().strip(),
            text_column=column or None,
            skip_invalid=self.skip_invalid.isChecked(),
        )


@dataclass(frozen=True)
class ExportChoice:
    out: Path
    fmt: str
    annotator: str
    include_unfinished: bool
    all_answers: bool
    dev_ratio: float
    seed: int
    overwrite: bool


class ExportDialog(QDialog):
    def __init__(
        self,
        annotators: list[str],
        current: str,
        start_folder: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.fmt = QComboBox()
        for text, value, name in EXPORT_FORMATS:
            self.fmt.addItem(text, f"{value}:{name}")
        self.annotator = QComboBox()
        self.annotator.addItems(annotators)
        self.annotator.setCurrentText(current)
        self.unfinished = QCheckBox("Also documents not marked done, and unannotated ones")
        self.all_answers = QCheckBox("Also skipped and rejected documents")
        self.dev_ratio = QDoubleSpinBox(minimum=0.0, maximum=0.9, singleStep=0.05, value=0.2)
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=0)
        self.overwrite = QCheckBox("Replace existing files")
        self.folder = start_folder / "export"
        self.out = QLineEdit(str(self.folder))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        self.fmt.currentIndexChanged.connect(self._format_changed)
        row = QHBoxLayout()
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("Format", self.fmt)
        form.addRow("Annotator", self.annotator)
        form.addRow("", self.unfinished)
        form.addRow("", self.all_answers)
        form.addRow("Dev share (spaCy)", self.dev_ratio)
        form.addRow("Split seed (spaCy)", self.seed)
        form.addRow("Output", row)
        form.addRow("", self.overwrite)
        form.addRow(ok_cancel(self))

    def _format_changed(self) -> None:
        """A one-file format writes its file into the folder; a folder format the folder."""
        _fmt, name = self.fmt.currentData().split(":")
        self.out.setText(str(self.folder / name) if name else str(self.folder))

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export folder", str(self.folder))
        if folder:
            self.folder = Path(folder)
            self._format_changed()

    def choice(self) -> ExportChoice:
        fmt, _name = self.fmt.currentData().split(":")
        return ExportChoice(
            out=Path(self.out.text()).expanduser(),
            fmt=fmt,
            annotator=self.annotator.currentText(),
            include_unfinished=self.unfinished.isChecked(),
            all_answers=self.all_answers.isChecked(),
            dev_ratio=self.dev_ratio.value(),
            seed=self.seed.value(),
            overwrite=self.overwrite.isChecked(),
        )

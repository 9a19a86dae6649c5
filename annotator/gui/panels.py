"""Side panels of the open document: topics, unreliable passages, entities, guidelines."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.editing import AnnotationInfo, SpanInfo
from annotator.core.labels import LabelInfo
from annotator.core.records import Layer

EXCERPT = 70


def excerpt(text: str, span: SpanInfo) -> str:
    piece = " ".join(text[span.start : span.end].split())
    return piece if len(piece) <= EXCERPT else piece[: EXCERPT - 1] + "…"


class TopicsPanel(QWidget):
    """Topic toggles: click or press the topic's shortcut; Shift+click marks 'does not apply'."""

    topicToggled = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.itemClicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        hint = QLabel("Click or press the key to toggle; Shift+click: does not apply.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.list)
        self._state: dict[str, bool | None] = {}

    def show_topics(self, labels: list[LabelInfo], annotation: AnnotationInfo | None) -> None:
        decided = annotation.topics if annotation is not None else {}
        self._state = {label.name: decided.get(label.name) for label in labels}
        self.list.clear()
        for label in labels:
            state = decided.get(label.name)
            mark = {True: "☑", False: "☒", None: "☐"}[state]
            key = f"   [{label.shortcut}]" if label.shortcut else ""
            item = QListWidgetItem(f"{mark}  {label.name}{key}")
            item.setData(Qt.ItemDataRole.UserRole, label.name)
            item.setToolTip(label.description)
            if state is True:
                item.setBackground(QBrush(QColor(label.colour)))
                item.setForeground(QBrush(QColor("#111111")))
            self.list.addItem(item)

    def state(self, label: str) -> bool | None:
        return self._state.get(label)

    def _clicked(self, item: QListWidgetItem) -> None:
        from PySide6.QtWidgets import QApplication

        label = item.data(Qt.ItemDataRole.UserRole)
        shift = QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier
        current = self._state.get(label)
        if shift:
            self.topicToggled.emit(label, None if current is False else False)
        else:
            self.topicToggled.emit(label, None if current is True else True)


class SpanListPanel(QWidget):
    """A list of spans of one layer; clicking an entry jumps to it in the text."""

    spanChosen = Signal(int)
    noteRequested = Signal(int)

    def __init__(self, layer: Layer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = layer
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.itemClicked.connect(
            lambda item: self.spanChosen.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        self.list.itemDoubleClicked.connect(
            lambda item: self.noteRequested.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        self.accept_all = QPushButton("Accept all suggestions (Shift+A)")
        if layer is Layer.ENTITY:
            layout.addWidget(self.accept_all)
        else:
            self.accept_all.hide()

    def show_spans(
        self, text: str, spans: list[SpanInfo], suggestions: list[SpanInfo], colours: dict[str, str]
    ) -> None:
        self.list.clear()
        rows = [(s, False) for s in spans if s.layer is self.layer and not s.rejected]
        if self.layer is Layer.ENTITY:
            rows += [(s, True) for s in suggestions]
        for span, suggested in sorted(rows, key=lambda row: row[0].start):
            words = excerpt(text, span)
            if self.layer is Layer.UNRELIABLE:
                line = f"{span.label}: “{words}”" + (f"\n    {span.note}" if span.note else "")
            else:
                line = f"{span.label}  {words}" + ("   (suggested)" if suggested else "")
            item = QListWidgetItem(line)
            item.setData(Qt.ItemDataRole.UserRole, span.id)
            colour = QColor(colours.get(span.label, "#dddddd"))
            if suggested:
                colour.setAlpha(90)
            item.setBackground(QBrush(colour))
            item.setForeground(QBrush(QColor("#111111")))
            self.list.addItem(item)
        self.accept_all.setEnabled(bool(suggestions))

    def count(self) -> int:
        return self.list.count()


class GuidelinesPanel(QWidget):
    """The project's annotation guidelines, editable; saved a moment after typing stops."""

    def __init__(self, save: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("Write the project's annotation guidelines here.")
        self._save = save
        self._timer = QTimer(self, singleShot=True, interval=600)
        self._timer.timeout.connect(self.flush)
        self.editor.textChanged.connect(self._timer.start)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)

    def set_text(self, text: str) -> None:
        self.editor.blockSignals(True)
        self.editor.setPlainText(text)
        self.editor.blockSignals(False)

    def flush(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
        self._save(self.editor.toPlainText())  # type: ignore[operator]

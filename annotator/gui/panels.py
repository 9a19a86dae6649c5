"""Side panels of the open document: topics, unreliable passages, entities, guidelines."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.editing import AnnotationInfo, SpanInfo, TopicSuggestion
from annotator.core.errors import AnnotatorError
from annotator.core.labels import LabelInfo
from annotator.core.records import Layer
from annotator.gui.colours import ink_on, over

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
        hint = QLabel(
            "Click or press the key: applies (accepts a suggested topic). Shift+click or "
            "Shift with the key: does not apply (rejects it). Shift+A / Shift+X decide all."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.list)
        self._state: dict[str, bool | None] = {}

    def show_topics(
        self,
        labels: list[LabelInfo],
        annotation: AnnotationInfo | None,
        suggested: list[TopicSuggestion] | None = None,
    ) -> None:
        """Each topic's decision; an undecided topic a model suggests shows its score, on a
        pale version of the topic's colour, as entity suggestions do."""
        decided = annotation.topics if annotation is not None else {}
        scores = {s.label: s.score for s in suggested or []}
        self._state = {label.name: decided.get(label.name) for label in labels}
        self.list.clear()
        for label in labels:
            state = decided.get(label.name)
            score = scores.get(label.name) if state is None else None
            mark = {True: "☑", False: "☒", None: "◇" if score is not None else "☐"}[state]
            key = f"   [{label.shortcut}]" if label.shortcut else ""
            suggestion = f"   suggested {score:.2f}" if score is not None else ""
            item = QListWidgetItem(f"{mark}  {label.name}{suggestion}{key}")
            item.setData(Qt.ItemDataRole.UserRole, label.name)
            item.setToolTip(
                label.description
                + (
                    f"\nA model suggests this topic (score {score:.2f}): the key or a click "
                    "accepts it, Shift rejects it."
                    if score is not None
                    else ""
                )
            )
            colour = QColor(label.colour)
            if state is True:
                item.setBackground(QBrush(colour))
                item.setForeground(QBrush(ink_on(colour)))
            elif score is not None:
                colour.setAlpha(90)
                item.setBackground(QBrush(colour))
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


class SpanListModel(QAbstractListModel):
    """Rows of a span list; replaced in one reset, so thousands of spans list at once."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, QColor, int]] = []

    def set_rows(self, rows: list[tuple[str, QColor, int]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        text, colour, span_id = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(colour)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(ink_on(colour))
        if role == Qt.ItemDataRole.UserRole:
            return span_id
        return None


class SpanListPanel(QWidget):
    """A list of spans of one layer; clicking an entry jumps to it in the text."""

    spanChosen = Signal(int)
    noteRequested = Signal(int)

    def __init__(self, layer: Layer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = layer
        self.model = SpanListModel()
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.setSpacing(1)
        self.list.clicked.connect(
            lambda index: self.spanChosen.emit(index.data(Qt.ItemDataRole.UserRole))
        )
        self.list.doubleClicked.connect(
            lambda index: self.noteRequested.emit(index.data(Qt.ItemDataRole.UserRole))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        self._count = 0
        self._pending: tuple[str, list[tuple[SpanInfo, bool]], dict[str, str]] | None = None
        self.accept_all = QPushButton("Accept all suggestions (Shift+A)")
        if layer is Layer.ENTITY:
            layout.addWidget(self.accept_all)
        else:
            self.accept_all.hide()

    def show_spans(
        self, text: str, spans: list[SpanInfo], suggestions: list[SpanInfo], colours: dict[str, str]
    ) -> None:
        """List the spans; the rows are built only while the panel is in sight (a long
        article has thousands, and its tab is usually not the one open)."""
        entries = [(s, False) for s in spans if s.layer is self.layer and not s.rejected]
        if self.layer is Layer.ENTITY:
            entries += [(s, True) for s in suggestions]
        self._count = len(entries)
        self.accept_all.setEnabled(bool(suggestions))
        self._pending = (text, entries, colours)
        if self.isVisible():
            self._build()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._build()

    def _build(self) -> None:
        if self._pending is None:
            return
        text, entries, colours = self._pending
        self._pending = None
        rows = []
        for span, suggested in sorted(entries, key=lambda entry: entry[0].start):
            words = excerpt(text, span)
            if self.layer is Layer.UNRELIABLE:
                line = f"{span.label}: “{words}”" + (f"\n    {span.note}" if span.note else "")
            else:
                line = f"{span.label}  {words}" + ("   (suggested)" if suggested else "")
            colour = QColor(colours.get(span.label, "#dddddd"))
            if suggested:
                colour.setAlpha(90)
                colour = over(colour, self.palette().color(QPalette.ColorRole.Base))
            rows.append((line, colour, span.id))
        self.model.set_rows(rows)

    def count(self) -> int:
        return self._count


class GuidelinesPanel(QWidget):
    """The project's annotation guidelines, editable; saved a moment after typing stops."""

    def __init__(self, save: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("Write the project's annotation guidelines here.")
        self._save = save
        self._timer = QTimer(self, singleShot=True, interval=600)
        self._timer.timeout.connect(self.flush)
        self.editor.textChanged.connect(self._changed)
        self._dirty = False
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)

    def set_text(self, text: str) -> None:
        self.editor.blockSignals(True)
        self.editor.setPlainText(text)
        self.editor.blockSignals(False)

    def _changed(self) -> None:
        self._dirty = True
        self._timer.start()

    def flush(self) -> None:
        """Save what was typed, if anything; when the project cannot take it now (a team's
        server out of reach) the text stays here and is saved on the next change or close."""
        self._timer.stop()
        if not self._dirty:
            return
        try:
            self._save(self.editor.toPlainText())  # type: ignore[operator]
        except AnnotatorError:
            return
        self._dirty = False

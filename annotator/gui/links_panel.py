"""The open document's relations and knowledge-base links, listed in the side panel.

Choosing an entry marks both ends of a relation (or the linked entity) in the text and
scrolls to it; Delete (or the button) removes it as one undoable edit. Drawing relations is not
offered yet: they come from imported files and are kept, shown and exported.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.editing import SpanInfo
from annotator.core.relations import RelationEnd, RelationInfo
from annotator.gui.panels import EXCERPT


@dataclass(frozen=True)
class LinkEntry:
    """One row of the panel: a relation, or an entity's knowledge-base link."""

    relation: RelationInfo | None = None
    span: SpanInfo | None = None

    @property
    def ends(self) -> list[tuple[int, int, str]]:
        """(start, end, badge) of what the text marks when the row is chosen."""
        if self.relation is not None:
            head, child = self.relation.head, self.relation.child
            return [
                (head.start, head.end, f"{self.relation.label} ▸"),
                (child.start, child.end, f"▸ {child.label or 'end'}"),
            ]
        assert self.span is not None
        return [(self.span.start, self.span.end, self.span.kb_id or "")]


def _words(text: str, start: int, end: int) -> str:
    piece = " ".join(text[start:end].split())
    return piece if len(piece) <= EXCERPT // 2 else piece[: EXCERPT // 2 - 1] + "…"


def _end(text: str, end: RelationEnd) -> str:
    label = f" ({end.label})" if end.label else ""
    return f"“{_words(text, end.start, end.end)}”{label}"


class LinksPanel(QWidget):
    """Relations first (in text order of their heads), then entity links."""

    entryChosen = Signal(object)
    deleteRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(self._current_changed)
        self.delete_button = QPushButton("Delete (Del)")
        self.delete_button.clicked.connect(self._delete_current)
        self.delete_button.setEnabled(False)
        self.list.installEventFilter(self)
        self.empty = QLabel("No relations or links in this document.")
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.list)
        layout.addWidget(self.delete_button)

    def show_entries(self, text: str, relations: list[RelationInfo], spans: list[SpanInfo]) -> None:
        chosen = self.current()
        self.list.blockSignals(True)
        self.list.clear()
        for relation in relations:
            line = f"{relation.label}: {_end(text, relation.head)} → {_end(text, relation.child)}"
            self._add(line, LinkEntry(relation=relation))
        for span in spans:
            if span.kb_id and not span.rejected:
                words = _words(text, span.start, span.end)
                self._add(f"🔗 {span.kb_id}: “{words}” ({span.label})", LinkEntry(span=span))
        self.list.blockSignals(False)
        self.empty.setVisible(self.list.count() == 0)
        self.delete_button.setEnabled(False)
        if chosen is not None:
            self._reselect(chosen)

    def _add(self, line: str, entry: LinkEntry) -> None:
        item = QListWidgetItem(line)
        item.setData(Qt.ItemDataRole.UserRole, entry)
        self.list.addItem(item)

    def _reselect(self, chosen: LinkEntry) -> None:
        for row in range(self.list.count()):
            entry = self.list.item(row).data(Qt.ItemDataRole.UserRole)
            if entry.ends == chosen.ends:
                self.list.setCurrentRow(row)
                return

    def count(self) -> int:
        return self.list.count()

    def current(self) -> LinkEntry | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _current_changed(self, item: QListWidgetItem | None, _previous: object) -> None:
        self.delete_button.setEnabled(item is not None)
        self.entryChosen.emit(None if item is None else item.data(Qt.ItemDataRole.UserRole))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Delete and Backspace in the list remove the chosen entry. The window's own Delete
        (remove the selected span) would otherwise take the key: claiming the shortcut here
        first keeps the two from cancelling each other out as ambiguous."""
        if watched is self.list and event.type() in (
            QEvent.Type.ShortcutOverride,
            QEvent.Type.KeyPress,
        ):
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                event.accept()
                if event.type() == QEvent.Type.KeyPress:
                    self._delete_current()
                return True
        return super().eventFilter(watched, event)

    def _delete_current(self) -> None:
        entry = self.current()
        if entry is not None:
            self.deleteRequested.emit(entry)

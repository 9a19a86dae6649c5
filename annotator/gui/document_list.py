"""The document list: a lazy table model over the store, and the filter bar above it.

Only the number of rows and the pages on screen are fetched, so the list opens at once on
100,000 documents; a page is re-read when one of its documents changes.

When documents are assigned to the annotator (``annotator assign``), the list starts on
their queue ("My queue", which they can untick to see every document), and the model knows
the queue, so "next unfinished" can follow it whatever the list shows.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QGuiApplication, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.assignment import has_queue, queue
from annotator.core.listing import (
    DocumentFilter,
    DocumentRow,
    document_row,
    document_rows,
    list_document_ids,
)
from annotator.core.records import LabelKind, Status
from annotator.gui.colours import readable_on
from annotator.gui.session import ProjectSession

PAGE = 200
COLUMNS = ("Title", "Status", "Entities", "Topics", "⚠")
SORT_BY_COLUMN = {0: "title", 1: "status", 2: "entities"}
STATUS_TEXT = {
    Status.NEW: "new",
    Status.IN_PROGRESS: "in progress",
    Status.DONE: "done",
    Status.SKIPPED: "skipped",
    Status.REJECTED: "rejected",
}
STATUS_COLOUR = {Status.DONE: "#2e7d32", Status.SKIPPED: "#8d6e63", Status.REJECTED: "#c62828"}
Index = QModelIndex | QPersistentModelIndex


class DocumentListModel(QAbstractTableModel):
    def __init__(self, session: ProjectSession) -> None:
        super().__init__()
        self.session = session
        self._queue: frozenset[int] | None = None
        self.filter = DocumentFilter(
            session.annotator, my_queue=has_queue(session.project, session.annotator)
        )
        self.sort_key = "order"
        self.descending = False
        self._ids: list[int] = []
        self._rows_by_id: dict[int, int] | None = None
        self._pages: dict[int, list[DocumentRow]] = {}
        self.reload()

    @property
    def _count(self) -> int:
        return len(self._ids)

    def reload(self) -> None:
        self.beginResetModel()
        self.filter = replace(self.filter, annotator=self.session.annotator)
        self._queue = None
        self._pages.clear()
        self._rows_by_id = None
        self._ids = list_document_ids(
            self.session.project,
            self.filter,
            sort=self.sort_key,
            descending=self.descending,
            build_index=False,
        )
        self.endResetModel()

    def set_filter(self, flt: DocumentFilter) -> None:
        self.filter = flt
        self.reload()

    def _page(self, number: int) -> list[DocumentRow]:
        if number not in self._pages:
            ids = self._ids[number * PAGE : (number + 1) * PAGE]
            self._pages[number] = document_rows(self.session.project, self.filter.annotator, ids)
        return self._pages[number]

    def row_data(self, row: int) -> DocumentRow | None:
        if not 0 <= row < self._count:
            return None
        page = self._page(row // PAGE)
        offset = row % PAGE
        return page[offset] if offset < len(page) else None

    @property
    def queue(self) -> frozenset[int]:
        """The documents assigned to the viewer (none when nothing is), read when first asked
        after a reload."""
        if self._queue is None:
            self._queue = frozenset(queue(self.session.project, self.session.annotator))
        return self._queue

    def in_queue(self, row: int) -> bool:
        """Whether the row's document is the viewer's to do: in their queue, or any row when
        nothing is assigned to them."""
        return not self.queue or (0 <= row < self._count and self._ids[row] in self.queue)

    def row_of(self, document_id: int) -> int | None:
        """The row showing a document, if the list shows it."""
        if self._rows_by_id is None:
            self._rows_by_id = {document_id: row for row, document_id in enumerate(self._ids)}
        return self._rows_by_id.get(document_id)

    def refresh_document(self, document_id: int) -> None:
        """Re-read one row after an edit; the rest of its page stays as it is."""
        row = self.row_of(document_id)
        if row is None:
            return
        page = self._pages.get(row // PAGE)
        if page is None or row % PAGE >= len(page):
            return
        fresh = document_row(self.session.project, self.session.annotator, document_id)
        if fresh is None:
            return
        page[row % PAGE] = fresh
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.row_data(index.row()) if index.isValid() else None
        if item is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                item.title or "(untitled)",
                STATUS_TEXT[item.status],
                f"{item.entities}" + (f" +{item.suggestions}?" if item.suggestions else ""),
                ", ".join(item.topics),
                str(item.unreliable) if item.unreliable else "",
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                item.title,
                None,
                "entities (+ pending suggestions)",
                ", ".join(item.topics),
                "unreliable passages",
            )[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 1 and item.status in STATUS_COLOUR:
            base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
            return readable_on(QColor(STATUS_COLOUR[item.status]), base)
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        return None

    def set_order(self, key: str) -> None:
        """An order chosen by name rather than by a column ("unsure": model unsure first)."""
        self.sort_key, self.descending = key, False
        self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_BY_COLUMN.get(column, "order")
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending):
            return
        self.sort_key, self.descending = key, descending
        self.reload()


class SearchBox(QLineEdit):
    """The search field: Return runs the search at once and is not the window's Return (mark
    done and go on), which would otherwise fire while the user is typing a query."""

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            event.accept()
            return True
        return super().event(event)


class FilterBar(QWidget):
    """Search box and filters by status, entity label, topic and unreliable passages, and
    "My queue" for an annotator with documents assigned."""

    filterChanged = Signal(object)
    orderChanged = Signal(str)

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.search = SearchBox(placeholderText="Search titles and texts (Ctrl+Shift+F)")
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.addItem("Any status", None)
        for status, text in STATUS_TEXT.items():
            self.status.addItem(text.capitalize(), status)
        self.label = QComboBox()
        self.topic = QComboBox()
        self.order = QComboBox()
        self.order.addItem("Import order", "order")
        self.order.addItem("Model unsure first", "unsure")
        self.order.setToolTip(
            "Model unsure first: your unfinished documents where the latest trained model is "
            "least sure come first (labelling them teaches it most)"
        )
        self.order.currentIndexChanged.connect(
            lambda _index: self.orderChanged.emit(self.order.currentData())
        )
        self.unreliable = QCheckBox("⚠ only")
        self.unreliable.setToolTip("Only documents with unreliable passages")
        self.my_queue = QCheckBox("My queue")
        self.my_queue.setToolTip("Only the documents assigned to you")
        self.my_queue.toggled.connect(self.emit_filter)
        self._assigned = False
        session.annotatorChanged.connect(self._annotator_changed)
        self.disagreements = QSpinBox(minimum=0, maximum=999)
        self.disagreements.setSpecialValueText("Any agreement")
        self.disagreements.setPrefix("≥ ")
        self.disagreements.setSuffix(" disagreements")
        self.disagreements.setToolTip("Review mode: documents where the compared annotators differ")
        self.disagreements.setVisible(False)
        self.disagreements.valueChanged.connect(lambda _value: self.emit_filter())
        self.fill_labels()
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.emit_filter)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._search_now)
        for combo in (self.status, self.label, self.topic):
            combo.currentIndexChanged.connect(self.emit_filter)
        self.unreliable.toggled.connect(self.emit_filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        row = QHBoxLayout()
        for widget in (self.status, self.label, self.topic, self.unreliable, self.my_queue):
            row.addWidget(widget)
        layout.addLayout(row)
        layout.addWidget(self.order)
        layout.addWidget(self.disagreements)
        self.show_queue()

    def show_queue(self) -> bool:
        """Offer "My queue" (ticked) when the annotator has documents assigned; hide it
        otherwise. Says whether it changed."""
        before = self.current_filter().my_queue
        self._assigned = has_queue(self.session.project, self.session.annotator)
        self.my_queue.blockSignals(True)
        self.my_queue.setVisible(self._assigned)
        self.my_queue.setChecked(self._assigned)
        self.my_queue.blockSignals(False)
        return before != self._assigned

    def _annotator_changed(self, _name: str) -> None:
        """Another person's list starts on their own queue, if they have one."""
        if self.show_queue():
            self.emit_filter()

    def _search_now(self) -> None:
        self._debounce.stop()
        self.emit_filter()

    def fill_labels(self) -> None:
        project = self.session.project
        for combo, kind, empty in (
            (self.label, LabelKind.ENTITY, "Any entity"),
            (self.topic, LabelKind.TOPIC, "Any topic"),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(empty, None)
            for label in project.labels(kind):
                combo.addItem(label.name, label.name)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def current_filter(self) -> DocumentFilter:
        return DocumentFilter(
            annotator=self.session.annotator,
            status=self.status.currentData(),
            entity_label=self.label.currentData(),
            topic=self.topic.currentData(),
            unreliable_only=self.unreliable.isChecked(),
            search=self.search.text().strip() or None,
            min_disagreements=None if self.disagreements.isHidden() else self.disagreements.value(),
            my_queue=self._assigned and self.my_queue.isChecked(),
        )

    def emit_filter(self) -> None:
        self.filterChanged.emit(self.current_filter())

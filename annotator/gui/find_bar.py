"""Find in the open article (Ctrl+F): every match is tinted, Return and Shift+Return walk
through them, and Escape leaves the current match selected in the article, so the next key
can label it. Matching is done on the Python text, so offsets stay code points."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTextEdit, QToolButton, QWidget

from annotator.gui.document_list import SearchBox
from annotator.gui.span_view import SpanView

#: Matches beyond this many are counted but not tinted (a one-letter search in a long text).
MAX_TINTED = 2_000


class FindField(SearchBox):
    """Return: next match; Shift+Return: previous; Escape: back to the article. None of them
    reaches the window's own keys (Return marks done, Escape clears the selection)."""

    step = Signal(int)
    leave = Signal()

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            self.step.emit(-1 if shift else 1)
        elif event.key() == Qt.Key.Key_Escape:
            self.leave.emit()
        else:
            super().keyPressEvent(event)


class FindBar(QWidget):
    def __init__(
        self, view: SpanView, text: Callable[[], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.text = text
        self.field = FindField()
        self.field.setPlaceholderText("Find in this article")
        self.field.setClearButtonEnabled(True)
        self.count = QLabel()
        previous, following, close = QToolButton(), QToolButton(), QToolButton()
        previous.setText("↑")
        previous.setToolTip("Previous match (Shift+Return)")
        following.setText("↓")
        following.setToolTip("Next match (Return)")
        close.setText("✕")
        close.setToolTip("Close (Escape)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 0, 12, 0)
        for widget in (self.field, self.count, previous, following, close):
            layout.addWidget(widget)
        self.matches: list[tuple[int, int]] = []
        self.current = -1
        self.field.textChanged.connect(self.search)
        self.field.step.connect(self.move)
        self.field.leave.connect(self.close_bar)
        previous.clicked.connect(lambda: self.move(-1))
        following.clicked.connect(lambda: self.move(1))
        close.clicked.connect(self.close_bar)
        self.hide()

    def open_bar(self) -> None:
        selected = self.view.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.field.setText(selected)
        self.show()
        self.field.setFocus()
        self.field.selectAll()
        self.search()

    def close_bar(self) -> None:
        self.hide()
        self.view.setExtraSelections([])
        self.view.setFocus()

    def refresh(self) -> None:
        """Another article is open: search it for the same words."""
        if self.isVisible():
            self.search()

    def search(self) -> None:
        """Every case-insensitive occurrence of the words typed, in text order."""
        wanted = self.field.text().strip()
        text = self.text()
        self.matches = (
            [(m.start(), m.end()) for m in re.finditer(re.escape(wanted), text, re.IGNORECASE)]
            if wanted
            else []
        )
        self.current = -1
        self._tint()
        if self.matches:
            self.move(1)
        else:
            self.count.setText("no match" if wanted else "")

    def move(self, step: int) -> None:
        if not self.matches:
            return
        self.current = (self.current + step) % len(self.matches)
        start, end = self.matches[self.current]
        self.view.set_selection_cp(start, end)
        self.view.scroll_to_cp(start)
        self.count.setText(f"{self.current + 1} of {len(self.matches)}")

    def _tint(self) -> None:
        tint = QTextCharFormat()
        colour = QColor(self.palette().color(self.palette().ColorRole.Highlight))
        colour.setAlpha(70)
        tint.setBackground(colour)
        selections = []
        for start, end in self.matches[:MAX_TINTED]:
            cursor = QTextCursor(self.view.document())
            cursor.setPosition(self.view.offsets.to_qt(start))
            cursor.setPosition(self.view.offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = tint
            selections.append(selection)
        self.view.setExtraSelections(selections)

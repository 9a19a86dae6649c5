"""Bulk edits on the GUI thread: a busy cursor while they run, and the keys and clicks made
meanwhile dropped, not replayed afterwards into a document that has changed under them (a
stray Ctrl+Z pressed during a long accept-all would undo it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication

#: Input that would act on the document; a key that is a shortcut reaches its action as a
#: Shortcut event, sent before any key event is filtered.
DROPPED = {
    QEvent.Type.Shortcut,
    QEvent.Type.KeyPress,
    QEvent.Type.KeyRelease,
    QEvent.Type.ShortcutOverride,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick,
}


class InputGuard(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.dropped = 0

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() in DROPPED:
            self.dropped += event.type() == QEvent.Type.KeyPress
            return True
        return False


@contextmanager
def busy(enabled: bool = True) -> Iterator[InputGuard | None]:
    """Run the block with a wait cursor; input that arrived meanwhile is taken off the queue
    before the block's end returns control to the user."""
    app = QApplication.instance()
    if not enabled or app is None:
        yield None
        return
    guard = InputGuard()
    app.installEventFilter(guard)
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield guard
    finally:
        QApplication.processEvents()
        app.removeEventFilter(guard)
        QApplication.restoreOverrideCursor()

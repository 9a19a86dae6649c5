"""The open project as the window sees it: who is annotating, the undo stack, change signals.

Views listen to these signals instead of calling each other, so the document list, the
reading pane and the side panels stay in step whatever changed the store.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from annotator.core.project import Project
from annotator.gui.outbox import Outbox


class ProjectSession(QObject):
    """One project opened by one annotator."""

    documentChanged = Signal(int)
    documentsChanged = Signal()
    labelsChanged = Signal()
    annotatorChanged = Signal(str)
    errorOccurred = Signal(str)
    focusRequested = Signal(int)

    def __init__(self, project: Project, annotator: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.annotator = annotator
        self.undo_stack = QUndoStack(self)
        self._span_ids: dict[int, int] = {}
        self.reviewer: str | None = None
        self.compared: list[str] = []
        self.outbox = Outbox(self)

    @property
    def reviewing(self) -> bool:
        """In review mode the open annotation is the gold set and ``reviewer`` the person."""
        return self.reviewer is not None

    def set_annotator(self, name: str) -> None:
        """Switching annotator clears undo: one person's history must not undo another's work."""
        name = name.strip()
        if not name or name == self.annotator:
            return
        self.project.ensure_annotator(name)
        self.annotator = name
        self.undo_stack.clear()
        self.annotatorChanged.emit(name)
        self.documentsChanged.emit()

    def resolve(self, span_id: int) -> int:
        """The current id of a span that undo/redo may have recreated under a new id."""
        while span_id in self._span_ids:
            span_id = self._span_ids[span_id]
        return span_id

    def remap(self, old_id: int, new_id: int) -> None:
        if old_id != new_id:
            self._span_ids[old_id] = new_id

    def close(self) -> None:
        self.undo_stack.clear()
        self.project.close()

"""Edits made while the team's server cannot be reached: kept in order, written when it
answers again, so a dropped connection loses no edit and never freezes the window.

The first edit that meets the outage waits at most the driver's connect timeout; every edit
after it goes straight to the outbox until a background poll (``TeamWatch``) reaches the
server. Kept edits show once written; the status bar counts them meanwhile. They live as long
as the window (not yet on disk: a crash while offline loses what the status bar counts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from annotator.core.errors import AnnotatorError, ServerUnreachable

if TYPE_CHECKING:
    from annotator.gui.commands import EditCommand
    from annotator.gui.session import ProjectSession


class Outbox(QObject):
    """Edits waiting for the server, in the order they were made."""

    #: How many edits wait (0: all written, the server is back).
    changed = Signal(int)

    def __init__(self, session: ProjectSession) -> None:
        super().__init__(session)
        self.session = session
        self.waiting: list[EditCommand] = []
        self.reason = ""

    @property
    def offline(self) -> bool:
        return bool(self.waiting)

    def keep(self, command: EditCommand, reason: str = "") -> None:
        self.waiting.append(command)
        self.reason = reason or self.reason
        self.changed.emit(len(self.waiting))

    def flush(self) -> None:
        """Write the kept edits in order; stop at the first that meets the outage again. An
        edit the project now refuses (a colleague's change made it impossible) is reported
        and dropped, as it would have been had it been made online."""
        from annotator.gui.commands import push_applied

        while self.waiting:
            command = self.waiting[0]
            try:
                command.apply()
            except ServerUnreachable as exc:
                self.reason = str(exc)
                break
            except AnnotatorError as exc:
                self.waiting.pop(0)
                self.session.errorOccurred.emit(
                    f"Could not {command.text().lower()} (kept while offline): {exc}"
                )
                continue
            self.waiting.pop(0)
            push_applied(self.session, command)
        self.changed.emit(len(self.waiting))

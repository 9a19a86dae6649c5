"""Progress reports and cancellation for long operations (import, pre-tag, export).

The core never prints: it calls a progress callback, which the CLI turns into a rich progress
bar and the GUI into a progress dialog, and polls a cancel callback between batches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from annotator.core.errors import Cancelled


@dataclass(frozen=True)
class Progress:
    """How far a long operation is: ``done`` of ``total`` units (``None`` when unknown)."""

    done: int
    total: int | None
    message: str = ""


ProgressCallback = Callable[[Progress], None]
CancelCallback = Callable[[], bool]


class Reporter:
    """Bundles the two callbacks so operations call one object between batches."""

    def __init__(
        self, progress: ProgressCallback | None = None, cancel: CancelCallback | None = None
    ) -> None:
        self._progress = progress
        self._cancel = cancel

    def report(self, done: int, total: int | None, message: str = "") -> None:
        if self._progress is not None:
            self._progress(Progress(done, total, message))

    def check_cancelled(self) -> None:
        """Raise Cancelled when the user asked to stop; callers roll back what they began."""
        if self._cancel is not None and self._cancel():
            raise Cancelled("Cancelled by the user; nothing was changed.")

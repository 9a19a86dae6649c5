"""Errors the core raises for bad input; each one says which file, which line and why."""

from __future__ import annotations

from pathlib import Path


class AnnotatorError(Exception):
    """Base class of every error meant to be shown to the user as it is."""


class FormatError(AnnotatorError):
    """A file could not be read: names the file, the line (when there is one) and the reason."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.reason = reason
        self.line = line
        where = f"{self.path}, line {line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {reason}")


class ProjectError(AnnotatorError):
    """A project file cannot be opened or changed (corrupt, newer version, read-only...)."""


class ServerUnreachable(ProjectError):
    """The team's database server cannot be reached (down, or the network is): nothing was
    written, and the same edit can be made again once it is back."""


class SpanError(AnnotatorError):
    """A span is impossible for its text (outside it, empty, reversed, overlapping)."""


class LabelError(AnnotatorError):
    """A label is unknown, duplicated or otherwise invalid for its scheme."""


class Cancelled(AnnotatorError):
    """A long operation was cancelled by the user; whatever it did so far is rolled back."""

"""Plain records that carry documents and annotations between file formats and the store.

Format modules read files into these records and write files from them, so no format module
needs to know about the database, and the store never needs to know about a file format.
All offsets are Python ``str`` offsets (code points), end exclusive.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Layer(str, enum.Enum):
    """What a span marks: a named entity, or a passage flagged as unreliable."""

    ENTITY = "entity"
    UNRELIABLE = "unreliable"


class LabelKind(str, enum.Enum):
    """The three label schemes of a project."""

    ENTITY = "entity"
    TOPIC = "topic"
    RELIABILITY = "reliability"


class Status(str, enum.Enum):
    """Where one annotator stands with one document."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"
    REJECTED = "rejected"


#: Label prefix that marks an unreliable passage in formats with a single span list
#: (Prodigy ``spans``, doccano ``label``), so a round trip puts it back in its own layer.
UNRELIABLE_PREFIX = "UNRELIABLE:"


@dataclass(frozen=True)
class SpanRecord:
    """One span as a file states it: an entity, or an unreliable passage with its reason."""

    start: int
    end: int
    label: str
    layer: Layer = Layer.ENTITY
    note: str | None = None


@dataclass(frozen=True)
class TopicRecord:
    """A topic label that applies (``True``) or was explicitly judged not to apply."""

    label: str
    applies: bool = True


@dataclass
class AnnotationRecord:
    """One annotator's work on one document, as a file states it.

    ``annotator`` is ``None`` when the file does not say who annotated; the importer then
    uses the name given on the command line or the current user.
    """

    annotator: str | None = None
    status: Status = Status.DONE
    spans: list[SpanRecord] = field(default_factory=list)
    topics: list[TopicRecord] = field(default_factory=list)


@dataclass
class DocumentRecord:
    """A document read from a file, with any annotations the file carried.

    ``line`` is the 1-based line (or record number for binary formats) the document came from,
    used in error messages.
    """

    text: str
    title: str | None = None
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    annotations: list[AnnotationRecord] = field(default_factory=list)
    line: int | None = None


@dataclass
class ExportItem:
    """One document with the chosen annotator's work, ready for a format writer.

    ``topic_labels`` lists every topic label of the project, so writers that need all labels
    present (spaCy ``doc.cats``, Prodigy ``options``) can state the ones that do not apply.
    """

    text: str
    title: str | None
    meta: dict[str, Any]
    annotator: str
    status: Status
    spans: list[SpanRecord]
    topics: list[TopicRecord]
    topic_labels: list[str]
    content_hash: str


@dataclass(frozen=True)
class ExportProblem:
    """A span a writer could not put into the output as it is (misaligned, overlapping).

    Writers never drop a span silently: they return one of these for each, and the export
    report shows them to the user.
    """

    content_hash: str
    title: str | None
    start: int
    end: int
    label: str
    reason: str

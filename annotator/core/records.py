"""Plain records that carry documents and annotations between file formats and the store.

Format modules read files into these records and write files from them, so no format module
needs to know about the database, and the store never needs to know about a file format.
All offsets are Python ``str`` offsets (code points), end exclusive.

What a file holds that the project does not model (Prodigy's hashes and custom keys, doccano's
ids, extra keys on spans) travels in ``extra`` dicts, is stored as it came, and is written back
by the same format, so an import followed by an export loses nothing.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


class Layer(str, enum.Enum):
    """What a span marks.

    ``GROUP`` spans belong to a named span group (spaCy's ``doc.spans[key]``) other than the
    unreliable passages; ``ARGUMENT`` spans are stretches of text a relation points at that
    carry no label of their own (Prodigy's ``rel.manual`` lets annotators relate plain tokens).
    """

    ENTITY = "entity"
    UNRELIABLE = "unreliable"
    GROUP = "group"
    ARGUMENT = "argument"


class LabelKind(str, enum.Enum):
    """The label schemes of a project."""

    ENTITY = "entity"
    TOPIC = "topic"
    RELIABILITY = "reliability"
    RELATION = "relation"
    SPAN = "span"


#: The scheme a span's label belongs to, by layer (argument spans have no label).
LAYER_KIND = {
    Layer.ENTITY: LabelKind.ENTITY,
    Layer.UNRELIABLE: LabelKind.RELIABILITY,
    Layer.GROUP: LabelKind.SPAN,
}


class Status(str, enum.Enum):
    """Where one annotator stands with one document."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"
    REJECTED = "rejected"


#: Keys of ``extra`` that start with this are the project's own bookkeeping, not a file's
#: fields: kept in the store, never written into another tool's format.
INTERNAL_PREFIX = "@annotator:"
#: The annotator whose set holds the settled answers: review mode writes there, and a Prodigy
#: review record's final answer is read into it.
GOLD = "gold"


#: Marks a title the importer made from a text's first line (its file gave none): shown in
#: the app's list, never written into a file as if the file had said it.
DERIVED_TITLE = INTERNAL_PREFIX + "derived_title"
#: Where the importer notes which format a document's or set's kept fields came from.
FORMAT_KEY = INTERNAL_PREFIX + "format"
#: Key prefix of another tool's bookkeeping (Prodigy's ``_task_hash``, ``_view_id``).
FOREIGN_BOOKKEEPING = ("_",)
#: Fields that shape a record in one tool (Prodigy's choices and tokens, doccano's ids) and
#: mean nothing, or something else, in another: written back only into their own format.
STRUCTURAL_FIELDS = frozenset(
    {"options", "accept", "label", "tokens", "id", "config", "view_id", "user"}
    | {"annotation_approver", "sessions", "default", "type", "color", "sentence_starts"}
    # brat's own ids; what brat says about events, norms and attributes is data and travels.
    | {"brat_id", "brat_attribute_ids", "brat_note_ids"}
)


#: Kept fields a document gained from a file of another format than its first: which format
#: each came from, so each goes back into its own format.
ORIGINS_KEY = INTERNAL_PREFIX + "origins"


def joined_fields(stored: dict[str, Any], incoming: dict[str, Any], fmt: str) -> dict[str, Any]:
    """A document's kept fields with a later file's added (the stored value wins where both
    have a field); fields from another format than the stored ones' are marked as its."""
    added = {k: v for k, v in incoming.items() if k not in stored}
    if not added:
        return stored
    merged = {**stored, **added}
    first = stored.get(FORMAT_KEY)
    if first is None and not public(stored):
        merged[FORMAT_KEY] = fmt
    elif first != fmt:
        merged[ORIGINS_KEY] = {**stored.get(ORIGINS_KEY, {}), **dict.fromkeys(added, fmt)}
    return merged


def public(extra: dict[str, Any]) -> dict[str, Any]:
    """A file's fields from ``extra``, without the project's own bookkeeping."""
    return {k: v for k, v in extra.items() if not k.startswith(INTERNAL_PREFIX)}


def kept_fields(extra: dict[str, Any], origin: str | None, fmt: str) -> dict[str, Any]:
    """The kept fields a writer of ``fmt`` puts back: all of them into the format they came
    from; into another format only the user's own fields (``Comments``, ``score``...), not
    the other tool's bookkeeping (hashes, ids, ``_view_id``) or structure."""
    if not extra:
        return {}
    fields = public(extra)
    origins = extra.get(ORIGINS_KEY) or {}
    return {
        k: v
        for k, v in fields.items()
        if origins.get(k, origin) == fmt
        or (not k.startswith(FOREIGN_BOOKKEEPING) and k not in STRUCTURAL_FIELDS)
    }


def origin(extra: dict[str, Any]) -> str | None:
    """The format a document's or set's kept fields came from."""
    value = extra.get(FORMAT_KEY)
    return value if isinstance(value, str) else None


#: Label prefix that marks an unreliable passage in formats with a single span list
#: (Prodigy ``spans``, doccano ``label``), so a round trip puts it back in its own layer.
UNRELIABLE_PREFIX = "UNRELIABLE:"


@dataclass(slots=True)
class SpanRecord:
    """One span as a file states it.

    ``rejected`` marks a span the annotator judged wrong (a binary ``ner.teach`` reject):
    kept, never exported as an entity. ``group`` names the span group of a ``GROUP`` span.
    ``attributes`` are the annotator's own properties of the span (brat ``A`` lines);
    ``extra`` holds a format's fields the project does not model, for the round trip.
    ``ref`` is the file's own name for the span (brat ``T3``), used only while reading.

    Not frozen, for speed: a large import builds millions of these, and a frozen dataclass
    takes five times as long to construct. Treat it as a value all the same (``replace``).
    """

    start: int
    end: int
    label: str
    layer: Layer = Layer.ENTITY
    note: str | None = None
    kb_id: str | None = None
    group: str = ""
    rejected: bool = False
    attributes: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    ref: str | None = field(default=None, compare=False)

    @property
    def identity(self) -> tuple[int, int, str, str, str]:
        """What makes two spans of one annotation the same span (the store's unique key).
        The layer is the enum member itself: it equals and hashes as its value, and reading an
        enum's ``.value`` is slow enough to show in a large import."""
        return (self.start, self.end, self.layer, self.group, self.label)


@dataclass(slots=True)
class RelationRecord:
    """A labelled, directed relation between two spans of the same annotation.

    ``head`` and ``child`` index the annotation's ``spans`` list.
    """

    head: int
    child: int
    label: str
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class TopicRecord:
    """A topic label that applies (``True``) or was explicitly judged not to apply."""

    label: str
    applies: bool = True


@dataclass(slots=True)
class AnnotationRecord:
    """One annotator's work on one document, as a file states it.

    ``annotator`` is ``None`` when the file does not say who annotated; the importer then
    uses the name given on the command line or the current user.

    ``partial`` says the record judges only what it names (binary ``ner.teach`` or textcat
    answers, entity-linking choices): text it does not mark is unknown, not "no entity", and
    several such records of one text from one annotator are combined into one set.

    ``task_key`` identifies the task (Prodigy's ``_task_hash``): a later record with the same
    key supersedes an earlier one.
    """

    annotator: str | None = None
    status: Status = Status.DONE
    spans: list[SpanRecord] = field(default_factory=list)
    topics: list[TopicRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    partial: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    task_key: str | None = None


@dataclass(slots=True)
class DocumentRecord:
    """A document read from a file, with any annotations the file carried.

    ``line`` is the 1-based line (or record number for binary formats) the document came from,
    used in error messages. ``extra`` holds fields of the input that the project does not
    model (Prodigy's ``_input_hash`` and ``tokens``, doccano's ``id``, custom keys).
    """

    text: str
    title: str | None = None
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    annotations: list[AnnotationRecord] = field(default_factory=list)
    line: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BadRecord:
    """A record a reader could not turn into a document: skipped with ``--skip-invalid``,
    otherwise listed (with every other bad record of the file) when the file is refused."""

    line: int | None
    reason: str


@dataclass(frozen=True)
class Omission:
    """Something a reader met in a file and did not keep, reported by name and count."""

    what: str
    reason: str
    count: int = 1


@dataclass(frozen=True)
class SchemeLabel:
    """A label a file declares (brat's ``annotation.conf``): it joins the project's scheme
    even where no annotation uses it yet."""

    kind: LabelKind
    name: str


#: What a format reader yields.
ReadItem = DocumentRecord | BadRecord | Omission | SchemeLabel


@dataclass(frozen=True)
class ReadOptions:
    """Choices a reader may need: the project language (to tokenize), a table's text column."""

    language: str = "en"
    text_column: str | None = None


@dataclass
class ExportItem:
    """One document with the chosen annotator's work, ready for a format writer.

    ``topic_labels`` lists every topic label of the project. ``unchanged`` is true when the
    annotation is exactly what was imported, so writers may keep the file's task identity
    (Prodigy's ``_task_hash``). ``annotated`` is false for documents nobody annotated, which
    ``--include-unfinished`` exports as text only. ``open_suggestions`` are the character
    ranges of model suggestions the annotator has not decided: not an answer either way.
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
    relations: list[RelationRecord] = field(default_factory=list)
    partial: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    document_extra: dict[str, Any] = field(default_factory=dict)
    unchanged: bool = False
    open_suggestions: list[tuple[int, int]] = field(default_factory=list)
    #: Boilerplate regions of the document (menus, related posts): nobody judged them.
    boilerplate: list[tuple[int, int]] = field(default_factory=list)
    annotated: bool = True


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


_LAYER_NAMES = {layer: layer.value for layer in Layer}


def _plain(span: SpanRecord) -> tuple[int, int, str, str, str]:
    """A span's identity in plain values, for ``repr`` (an enum's repr is slow and long)."""
    return (span.start, span.end, _LAYER_NAMES[span.layer], span.group, span.label)


def annotation_digest(
    status: Status,
    spans: Sequence[SpanRecord],
    topics: Sequence[TopicRecord],
    relations: Sequence[RelationRecord],
    partial: bool,
) -> str:
    """A fingerprint of an annotation's content, the same whether computed from a file's
    record at import or from the store at export: equal digests mean nothing was changed.
    ``repr`` of sorted tuples of plain values is deterministic and much cheaper than JSON; a
    span that is only a label on offsets (most are) is written as its identity alone."""
    canonical = [
        _plain(s)
        if not (s.note or s.kb_id or s.rejected or s.attributes)
        else (
            *_plain(s),
            s.note or "",
            s.kb_id or "",
            s.rejected,
            json.dumps(s.attributes, sort_keys=True) if s.attributes else "",
        )
        for s in spans
    ]
    canonical.sort()
    links = (
        sorted((_plain(spans[r.head]), _plain(spans[r.child]), r.label) for r in relations)
        if relations
        else []
    )
    decided = sorted((t.label, t.applies) for t in topics) if topics else []
    payload = repr((status.value, partial, canonical, decided, links))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()

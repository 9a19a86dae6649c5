"""spaCy ``.spacy`` files (DocBin): the training format, read back losslessly for our own files.

spaCy keeps only what it trains on: token-aligned entities, ``doc.cats`` and token-aligned span
groups. Everything else a round trip needs (title, meta, annotator, status, and the exact
character offsets and notes of unreliable passages, which spaCy would widen to whole tokens)
travels in ``doc.user_data`` under :data:`USER_DATA_KEY`.

That record is one JSON string rather than a nested dict because DocBin reloads user data with
``msgpack_loads(use_list=False)``: every list would come back as a tuple, so ``meta`` would not
compare equal after a round trip.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from annotator.core.errors import FormatError
from annotator.core.records import (
    AnnotationRecord,
    DocumentRecord,
    ExportItem,
    ExportProblem,
    Layer,
    SpanRecord,
    Status,
    TopicRecord,
)

#: ``doc.user_data`` key of our round-trip record; namespaced so other tools' data cannot clash.
USER_DATA_KEY = "annotator.record"
#: Span group the unreliable passages go to; spaCy's ``spancat`` reads ``"sc"`` by default.
SPANS_KEY = "sc"
#: Token attributes stored per token. ORTH and SPACY (the text) are always stored by DocBin.
DOCBIN_ATTRS = ("ORTH", "ENT_IOB", "ENT_TYPE")

_RECORD_VERSION = 1
_QUOTE_LIMIT = 60


def build_doc(item: ExportItem, nlp: Language) -> tuple[Doc, list[ExportProblem]]:
    """Turn one export item into a training ``Doc``, reporting every span it cannot keep as is.

    A dropped entity's tokens are marked missing rather than outside, so the model is not taught
    that the words the annotator marked are not entities.
    """
    doc = nlp.make_doc(item.text)
    problems: list[ExportProblem] = []

    def problem(span: SpanRecord, reason: str) -> None:
        problems.append(
            ExportProblem(item.content_hash, item.title, span.start, span.end, span.label, reason)
        )

    entities = sorted(
        (s for s in item.spans if s.layer is Layer.ENTITY), key=lambda s: (s.start, -s.end, s.label)
    )
    kept: list[Span] = []
    missing: set[int] = set()
    for record in entities:
        span = doc.char_span(record.start, record.end, record.label, alignment_mode="strict")
        expanded = _expand(doc, record.start, record.end)
        if span is None:
            nearest = _quote(expanded.text) if expanded is not None else ""
            problem(record, f"does not align with token boundaries (nearest tokens: '{nearest}')")
        elif span[0].is_space or span[-1].is_space:
            # spaCy's NER cannot learn such a span and `spacy debug data` rejects the file.
            problem(record, "starts or ends with whitespace")
        elif (other := _overlapping(span, kept)) is not None:
            problem(
                record,
                f"overlaps entity {other.label_} at {other.start_char}..{other.end_char}",
            )
        else:
            kept.append(span)
            continue
        if expanded is not None:
            missing.update(range(expanded.start, expanded.end))
    for span in kept:
        missing.difference_update(range(span.start, span.end))
    doc.set_ents(kept, missing=_runs(doc, missing), default="outside")

    cats = dict.fromkeys(item.topic_labels, 0.0)
    for topic in item.topics:
        cats[topic.label] = 1.0 if topic.applies else 0.0
    doc.cats = cats

    passages: list[Span] = []
    exact: list[dict[str, Any]] = []
    unreliable = sorted(
        (s for s in item.spans if s.layer is Layer.UNRELIABLE), key=lambda s: (s.start, s.end)
    )
    for record in unreliable:
        expanded = _expand(doc, record.start, record.end, record.label)
        if expanded is None:
            problem(record, "covers no token")
            continue
        if (expanded.start_char, expanded.end_char) != (record.start, record.end):
            problem(
                record,
                f"expanded to token boundaries at {expanded.start_char}..{expanded.end_char}"
                f" ('{_quote(expanded.text)}')",
            )
        passages.append(expanded)
        exact.append(
            {
                "start": record.start,
                "end": record.end,
                "label": record.label,
                "note": record.note,
                "token_start": expanded.start_char,
                "token_end": expanded.end_char,
            }
        )
    doc.spans[SPANS_KEY] = passages

    doc.user_data[USER_DATA_KEY] = json.dumps(
        {
            "version": _RECORD_VERSION,
            "title": item.title,
            "meta": item.meta,
            "annotator": item.annotator,
            "status": item.status.value,
            "content_hash": item.content_hash,
            "unreliable": exact,
        },
        ensure_ascii=False,
    )
    return doc, problems


def write(
    items: Iterable[ExportItem], path: Path, nlp: Language
) -> tuple[int, list[ExportProblem]]:
    """Write ``items`` to one ``.spacy`` file; returns how many documents and the span problems."""
    doc_bin = DocBin(attrs=list(DOCBIN_ATTRS), store_user_data=True)
    problems: list[ExportProblem] = []
    for item in items:
        doc, item_problems = build_doc(item, nlp)
        doc_bin.add(doc)
        problems.extend(item_problems)
    doc_bin.to_disk(path)
    return len(doc_bin), problems


def read(path: Path, nlp_vocab_lang: str = "en") -> Iterator[DocumentRecord]:
    """Read a ``.spacy`` file, ours or any other tool's, into document records.

    For files we wrote, the user-data record restores what spaCy cannot hold; for foreign files
    the documents carry exactly what spaCy kept, with status DONE and no annotator.
    """
    path = Path(path)
    doc_bin = _load(path)
    vocab = spacy.blank(nlp_vocab_lang).vocab
    try:
        docs = list(doc_bin.get_docs(vocab))
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise FormatError(path, f"not a spaCy DocBin file ({exc})") from exc
    for index, doc in enumerate(docs):
        yield _document(doc, path, index + 1)


def _load(path: Path) -> DocBin:
    """Load the DocBin, turning each way a file can fail to be one into a FormatError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormatError(path, f"cannot be read: {exc.strerror or exc}") from exc
    if not data:
        raise FormatError(path, "empty file")
    try:
        doc_bin = DocBin().from_bytes(data)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        # spaCy's own message for a non-zlib file is about "corrupted or wrong format" data;
        # msgpack and numpy raise the other kinds for zlib data that is not a DocBin.
        raise FormatError(path, "not a spaCy DocBin file") from exc
    if len(doc_bin) == 0:
        raise FormatError(path, "empty file")
    return doc_bin


def _document(doc: Doc, path: Path, line: int) -> DocumentRecord:
    """One document record from one doc, preferring our exact data where it still matches."""
    record = _user_record(doc, path, line)
    unreliable = _unreliable(doc, record.get("unreliable", []) if record else [])
    entities = [
        SpanRecord(ent.start_char, ent.end_char, ent.label_, Layer.ENTITY) for ent in doc.ents
    ]
    topics = [TopicRecord(label, score >= 0.5) for label, score in doc.cats.items()]
    document = DocumentRecord(
        text=doc.text,
        title=record.get("title") if record else None,
        meta=dict(record.get("meta") or {}) if record else {},
        line=line,
    )
    if record is not None or entities or topics or unreliable:
        try:
            status = Status(record["status"]) if record and "status" in record else Status.DONE
        except ValueError as exc:
            raise FormatError(path, f"unknown status {record['status']!r}", line) from exc
        document.annotations.append(
            AnnotationRecord(
                annotator=record.get("annotator") if record else None,
                status=status,
                spans=entities + unreliable,
                topics=topics,
            )
        )
    return document


def _user_record(doc: Doc, path: Path, line: int) -> dict[str, Any] | None:
    """Our round-trip record from ``doc.user_data``, or ``None`` for a foreign file."""
    raw = doc.user_data.get(USER_DATA_KEY)
    if raw is None:
        return None
    try:
        record = json.loads(raw)
    except (TypeError, ValueError) as exc:
        raise FormatError(path, f"damaged {USER_DATA_KEY} user data: {exc}", line) from exc
    if not isinstance(record, dict):
        raise FormatError(path, f"damaged {USER_DATA_KEY} user data: not an object", line)
    return record


def _unreliable(doc: Doc, exact: list[dict[str, Any]]) -> list[SpanRecord]:
    """Unreliable passages from every span group, with exact offsets where our record has them.

    A stored entry is used only for a span it was made for (same token offsets and label), so
    a file whose spans were edited by another tool after export is read as it now stands.
    """
    unused = list(exact)
    passages: list[SpanRecord] = []
    for group in doc.spans.values():
        for span in group:
            match = next(
                (
                    entry
                    for entry in unused
                    if (entry.get("token_start"), entry.get("token_end"), entry.get("label"))
                    == (span.start_char, span.end_char, span.label_)
                ),
                None,
            )
            if match is None:
                passages.append(
                    SpanRecord(span.start_char, span.end_char, span.label_, Layer.UNRELIABLE)
                )
            else:
                unused.remove(match)
                passages.append(
                    SpanRecord(
                        match.get("start", span.start_char),
                        match.get("end", span.end_char),
                        span.label_,
                        Layer.UNRELIABLE,
                        match.get("note"),
                    )
                )
    return passages


def _expand(doc: Doc, start: int, end: int, label: str = "") -> Span | None:
    """The smallest run of whole tokens covering ``start..end``, or ``None`` if none does."""
    return doc.char_span(start, end, label, alignment_mode="expand")


def _overlapping(span: Span, kept: list[Span]) -> Span | None:
    """The first kept entity sharing a token with ``span``."""
    return next((k for k in kept if k.start < span.end and span.start < k.end), None)


def _runs(doc: Doc, indices: set[int]) -> list[Span]:
    """Contiguous token runs over ``indices``, as ``set_ents`` wants missing tokens."""
    runs: list[Span] = []
    for index in sorted(indices):
        if runs and runs[-1].end == index:
            runs[-1] = doc[runs[-1].start : index + 1]
        else:
            runs.append(doc[index : index + 1])
    return runs


def _quote(text: str) -> str:
    """Text for a one-line message: whitespace collapsed, long text shortened."""
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1] + "…"

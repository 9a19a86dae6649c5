"""spaCy ``.spacy`` files (DocBin): the training format, read back losslessly for our own files.

spaCy keeps only what it trains on: token-aligned entities (with knowledge-base ids),
``doc.cats`` and token-aligned span groups. What a training Doc says:
- entities in ``doc.ents``; tokens nobody judged are *missing* (``ent_iob_`` ""), never "O",
  so a partial answer (binary judgements, links) does not teach "no entity" for what it left
  open, nor does a model suggestion the annotator did not decide; spans a human rejected go
  to ``doc.spans["incorrect_spans"]``, as Prodigy's ``data-to-spacy`` does;
- ``doc.cats`` holds the topics the annotator decided; once they said that some topic applies,
  the project's other topics do not (picking an article's topics is a judgement on all of
  them, as in Prodigy's choice answers); a document with no topic decision has no cats;
- unreliable passages in ``doc.spans["sc"]``, other span groups under their own keys.
Everything else a round trip needs (title, meta, annotator, status, exact offsets and notes,
attributes, kept fields, relations and their unlabelled ends) travels in ``doc.user_data`` under
:data:`USER_DATA_KEY`, as one JSON string: DocBin reloads user data with
``msgpack_loads(use_list=False)``, which would turn every list into a tuple.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from annotator.core.errors import FormatError
from annotator.core.formats.tokens import make_doc
from annotator.core.records import (
    INTERNAL_PREFIX,
    AnnotationRecord,
    DocumentRecord,
    ExportItem,
    ExportProblem,
    Layer,
    Omission,
    ReadItem,
    ReadOptions,
    RelationRecord,
    SpanRecord,
    Status,
    TopicRecord,
)

#: ``doc.user_data`` key of our round-trip record; namespaced so other tools' data cannot clash.
USER_DATA_KEY = "annotator.record"
#: Span group the unreliable passages go to; spaCy's ``spancat`` reads ``"sc"`` by default.
SPANS_KEY = "sc"
#: Span group of rejected entities, the name Prodigy's ``data-to-spacy`` and spaCy's NER use.
INCORRECT_KEY = "incorrect_spans"
#: Token attributes stored per token. ORTH and SPACY (the text) are always stored by DocBin.
DOCBIN_ATTRS = ("ORTH", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID")
#: Token annotations a foreign DocBin may carry that a project does not keep (named on import).
TOKEN_LAYERS = ("TAG", "POS", "MORPH", "LEMMA", "DEP", "SENT_START")

#: Where a set judged in part keeps the character ranges nobody judged (a foreign DocBin's
#: missing tokens), so they stay missing in the next export.
MISSING_KEY = INTERNAL_PREFIX + "missing"

_RECORD_VERSION = 2
_QUOTE_LIMIT = 60


def _cats(item: ExportItem) -> dict[str, float]:
    decided = {t.label: 1.0 if t.applies else 0.0 for t in item.topics}
    if 1.0 not in decided.values():
        return decided
    return {label: decided.get(label, 0.0) for label in item.topic_labels} | decided


def build_doc(item: ExportItem, nlp: Language) -> tuple[Doc, list[ExportProblem]]:
    """Turn one export item into a training ``Doc``, reporting every span it cannot keep as is.

    A dropped entity's tokens are marked missing rather than outside, so the model is not taught
    that the words the annotator marked are not entities.
    """
    doc = make_doc(nlp, item.text, item.document_extra)
    problems: list[ExportProblem] = []

    def problem(span: SpanRecord, reason: str) -> None:
        problems.append(
            ExportProblem(item.content_hash, item.title, span.start, span.end, span.label, reason)
        )

    if item.annotated:
        _set_entities(doc, item, problem)
        doc.cats = _cats(item)
    exact = [_span_entry(s) for s in item.spans if _needs_entry(s)]
    for key, layer in ((SPANS_KEY, Layer.UNRELIABLE), *_group_keys(item)):
        chosen = sorted(
            (
                s
                for s in item.spans
                if s.layer is layer and (layer is not Layer.GROUP or s.group == key)
            ),
            key=lambda s: (s.start, s.end),
        )
        if not chosen:
            continue
        group = []
        for record in chosen:
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
            group.append(expanded)
            exact.append(
                {
                    **_span_entry(record),
                    "token_start": expanded.start_char,
                    "token_end": expanded.end_char,
                }
            )
        doc.spans[key] = group
    doc.user_data[USER_DATA_KEY] = json.dumps(
        {
            "version": _RECORD_VERSION,
            "title": item.title,
            "meta": item.meta,
            "annotator": item.annotator,
            "status": item.status.value,
            "annotated": item.annotated,
            "partial": item.partial,
            "content_hash": item.content_hash,
            "extra": item.extra,
            "document_extra": item.document_extra,
            "spans": exact,
            "topics": {t.label: t.applies for t in item.topics},
            "relations": [
                [_key(item.spans[r.head]), _key(item.spans[r.child]), r.label, r.extra]
                for r in item.relations
            ],
        },
        ensure_ascii=False,
    )
    return doc, problems


def _set_entities(doc: Doc, item: ExportItem, problem: Any) -> None:
    entities = sorted(
        (s for s in item.spans if s.layer is Layer.ENTITY),
        key=lambda s: (s.start, -s.end, s.label),
    )
    kept: list[Span] = []
    incorrect: list[Span] = []
    missing: set[int] = set()
    for record in entities:
        span = doc.char_span(
            record.start,
            record.end,
            record.label,
            kb_id=record.kb_id or "",
            alignment_mode="strict",
        )
        if record.rejected:
            if span is not None:
                incorrect.append(span)
            continue
        # Kept entities come in start order and do not overlap, so their ends rise too: a
        # new one can only overlap the last.
        last = kept[-1] if kept else None
        expanded = None if span is not None else _expand(doc, record.start, record.end)
        if span is None:
            nearest = _quote(expanded.text) if expanded is not None else ""
            problem(record, f"does not align with token boundaries (nearest tokens: '{nearest}')")
        elif span[0].is_space or span[-1].is_space:
            # spaCy's NER cannot learn such a span and `spacy debug data` rejects the file.
            problem(record, "starts or ends with whitespace")
            expanded = span
        elif last is not None and span.start < last.end:
            problem(record, f"overlaps entity {last.label_} at {last.start_char}..{last.end_char}")
            expanded = span
        else:
            kept.append(span)
            continue
        if expanded is not None:
            missing.update(range(expanded.start, expanded.end))
    for start, end in [
        *item.extra.get(MISSING_KEY, []),
        *item.open_suggestions,
        *item.boilerplate,
    ]:
        covered = _expand(doc, start, end)
        if covered is not None:
            missing.update(range(covered.start, covered.end))
    for span in kept:
        missing.difference_update(range(span.start, span.end))
    default = "missing" if item.partial else "outside"
    doc.set_ents(kept, missing=_runs(doc, missing), default=default)
    if incorrect:
        doc.spans[INCORRECT_KEY] = incorrect


def _group_keys(item: ExportItem) -> list[tuple[str, Layer]]:
    keys = dict.fromkeys(s.group for s in item.spans if s.layer is Layer.GROUP)
    return [(key, Layer.GROUP) for key in keys]


def _key(span: SpanRecord) -> list[Any]:
    return [span.layer.value, span.group, span.start, span.end, span.label]


def _needs_entry(span: SpanRecord) -> bool:
    """Entities with what spaCy cannot hold (notes, attributes, kept fields) and relation
    ends without a label; passages and groups get theirs when they are widened to tokens."""
    if span.layer is Layer.ARGUMENT:
        return True
    return span.layer is Layer.ENTITY and bool(span.note or span.attributes or span.extra)


def _span_entry(span: SpanRecord) -> dict[str, Any]:
    return {
        "key": _key(span),
        "note": span.note,
        "kb_id": span.kb_id,
        "rejected": span.rejected,
        "attributes": span.attributes,
        "extra": span.extra,
    }


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


def read(path: Path, options: ReadOptions | None = None) -> Iterator[ReadItem]:
    """Read a ``.spacy`` file, ours or any other tool's, into document records.

    For files we wrote, the user-data record restores what spaCy cannot hold; for foreign files
    the documents carry what spaCy kept, and token annotations we do not keep are named.
    """
    import spacy

    path = Path(path)
    doc_bin = _load(path)
    vocab = spacy.blank((options or ReadOptions()).language).vocab
    try:
        docs = list(doc_bin.get_docs(vocab))
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise FormatError(path, f"not a spaCy DocBin file ({exc})") from exc
    unkept = dict.fromkeys(TOKEN_LAYERS, 0)
    for index, doc in enumerate(docs):
        for name in TOKEN_LAYERS:
            if doc.has_annotation(name):
                unkept[name] += 1
        yield _document(doc, path, index + 1)
    for name, count in unkept.items():
        if count:
            yield Omission(
                f"token attribute {name}",
                "a project keeps texts, entities, categories and span groups, not per-token "
                "linguistic annotation",
                count,
            )


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
    """One document record from one doc: what spaCy holds, with our record's exact details
    wherever they still describe a span the doc holds."""
    record = _user_record(doc, path, line) or {}
    entries = {tuple(e["key"]): e for e in record.get("spans", []) if isinstance(e, dict)}
    iob = [token.ent_iob for token in doc]
    judged = any(iob)
    spans = [
        _restored(SpanRecord(e.start_char, e.end_char, e.label_, kb_id=e.kb_id_ or None), entries)
        for e in doc.ents
    ]
    for span in doc.spans.get(INCORRECT_KEY, []):
        found = SpanRecord(span.start_char, span.end_char, span.label_, rejected=True)
        spans.append(_restored(found, entries))
    for key, group in doc.spans.items():
        if key == INCORRECT_KEY:
            continue
        layer = Layer.UNRELIABLE if key == SPANS_KEY and record else Layer.GROUP
        for span in group:
            found = SpanRecord(
                span.start_char,
                span.end_char,
                span.label_,
                layer,
                group="" if layer is Layer.UNRELIABLE else key,
            )
            spans.append(_restored(found, entries, widened=True))
    spans += [_from_entry(e) for e in entries.values() if e["key"][0] == Layer.ARGUMENT.value]
    decided = record.get("topics")  # ours: the decisions, not the implied "does not apply"
    topics = (
        [TopicRecord(label, bool(applies)) for label, applies in decided.items()]
        if isinstance(decided, dict)
        else [TopicRecord(label, score >= 0.5) for label, score in doc.cats.items()]
    )
    relations = _relations(record.get("relations", []), spans)
    document = DocumentRecord(
        text=doc.text,
        title=record.get("title"),
        meta=dict(record.get("meta") or {}),
        line=line,
        extra=dict(record.get("document_extra") or {}),
    )
    annotated = record.get("annotated", True) if record else judged or bool(spans or topics)
    if not annotated:
        return document
    try:
        status = Status(record.get("status", Status.DONE.value))
    except ValueError as exc:
        raise FormatError(path, f"unknown status {record['status']!r}", line) from exc
    extra = dict(record.get("extra") or {})
    partial = bool(record.get("partial")) if record else not judged
    if judged and not all(iob) and not partial:
        extra[MISSING_KEY] = _missing_ranges(doc)
    document.annotations.append(
        AnnotationRecord(
            annotator=record.get("annotator"),
            status=status,
            spans=spans,
            topics=topics,
            relations=relations,
            partial=partial,
            extra=extra,
        )
    )
    return document


def _restored(
    span: SpanRecord, entries: dict[tuple[Any, ...], dict[str, Any]], widened: bool = False
) -> SpanRecord:
    """The span with our record's details, when the record describes it.

    Passages and groups were widened to tokens on export; their entry sits under the exact
    offsets, so a widened span is matched by label and the entry's token offsets.
    """
    for key, entry in entries.items():
        layer, group, start, end, label = key
        if (layer, group, label) != (span.layer.value, span.group, span.label):
            continue
        exact = (start, end) == (span.start, span.end)
        token = widened and (entry.get("token_start"), entry.get("token_end")) == (
            span.start,
            span.end,
        )
        if exact or token:
            del entries[key]
            return SpanRecord(
                start,
                end,
                span.label,
                span.layer,
                entry.get("note"),
                span.kb_id or entry.get("kb_id"),
                span.group,
                span.rejected,
                dict(entry.get("attributes") or {}),
                dict(entry.get("extra") or {}),
            )
    return span


def _from_entry(entry: dict[str, Any]) -> SpanRecord:
    layer, group, start, end, label = entry["key"]
    return SpanRecord(
        start,
        end,
        label,
        Layer(layer),
        entry.get("note"),
        entry.get("kb_id"),
        group,
        bool(entry.get("rejected")),
        dict(entry.get("attributes") or {}),
        dict(entry.get("extra") or {}),
    )


def _relations(raw: list[Any], spans: list[SpanRecord]) -> list[RelationRecord]:
    where = {tuple(_key(s)): i for i, s in enumerate(spans)}
    relations = []
    for head, child, label, extra in raw:
        h, c = where.get(tuple(head)), where.get(tuple(child))
        if h is not None and c is not None:
            relations.append(RelationRecord(h, c, label, dict(extra or {})))
    return relations


def _missing_ranges(doc: Doc) -> list[list[int]]:
    """Character ranges of runs of tokens nobody judged, in a doc judged elsewhere."""
    ranges: list[list[int]] = []
    for token in doc:
        if token.ent_iob != 0:
            continue
        end = token.idx + len(token)
        if ranges and ranges[-1][1] >= token.idx - 1 and doc[token.i - 1].ent_iob == 0:
            ranges[-1][1] = end
        else:
            ranges.append([token.idx, end])
    return ranges


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
    if record.get("version") == 1:
        return _upgrade_record(record)
    return record


def _upgrade_record(record: dict[str, Any]) -> dict[str, Any]:
    """Files written before relations and links: their passages were listed on their own."""
    record["spans"] = [
        {
            "key": [Layer.UNRELIABLE.value, "", p["start"], p["end"], p["label"]],
            "note": p.get("note"),
            "token_start": p.get("token_start"),
            "token_end": p.get("token_end"),
        }
        for p in record.pop("unreliable", [])
    ]
    return record


def _expand(doc: Doc, start: int, end: int, label: str = "") -> Span | None:
    """The smallest run of whole tokens covering ``start..end``, or ``None`` if none does."""
    return doc.char_span(start, end, label, alignment_mode="expand")


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

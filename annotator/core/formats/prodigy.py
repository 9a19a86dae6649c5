"""Prodigy task JSONL: read answers of ner_manual, spans_manual, choice and binary textcat tasks,
and write tasks that Prodigy loads (tokens, token-indexed spans, hashes, answers).

Semantics (see Prodigy's docs): ``answer`` accept/ignore/reject; a reject in a binary
classification task (one ``label``, no ``options``) says that label does not apply, while a
reject elsewhere marks a bad example. ``token_end`` is inclusive.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.errors import FormatError
from annotator.core.formats.jsonl import (
    iter_json_lines,
    require_offsets,
    require_text,
    write_json_lines,
)
from annotator.core.records import (
    UNRELIABLE_PREFIX,
    AnnotationRecord,
    DocumentRecord,
    ExportItem,
    Layer,
    SpanRecord,
    Status,
    TopicRecord,
)

if TYPE_CHECKING:
    from spacy.language import Language

ANSWERS = {"accept": Status.DONE, "ignore": Status.SKIPPED, "reject": Status.REJECTED}


def looks_like(obj: dict[str, Any]) -> bool:
    """Any record with a text: plain ``{"text", "meta"}`` lines are Prodigy's input format."""
    return "text" in obj


def _spans(path: Path, line: int, obj: dict[str, Any]) -> list[SpanRecord]:
    raw = obj.get("spans") or []
    if not isinstance(raw, list):
        raise FormatError(path, "'spans' must be a list", line)
    spans = []
    for index, span in enumerate(raw, start=1):
        if not isinstance(span, dict):
            raise FormatError(path, f"span {index} must be an object", line)
        start, end, label = require_offsets(
            path, line, f"span {index}", span.get("start"), span.get("end"), span.get("label")
        )
        note = span.get("note") if isinstance(span.get("note"), str) else None
        if label.startswith(UNRELIABLE_PREFIX) or span.get("layer") == "unreliable":
            reason = label.removeprefix(UNRELIABLE_PREFIX)
            spans.append(SpanRecord(start, end, reason, Layer.UNRELIABLE, note))
        else:
            spans.append(SpanRecord(start, end, label))
    return spans


def _topics(path: Path, line: int, obj: dict[str, Any], answer: str | None) -> list[TopicRecord]:
    options = obj.get("options")
    if options is not None:
        if not isinstance(options, list):
            raise FormatError(path, "'options' must be a list", line)
        accepted = obj.get("accept") or []
        if not isinstance(accepted, list):
            raise FormatError(path, "'accept' must be a list of option ids", line)
        ids = []
        for option in options:
            if not isinstance(option, dict) or "id" not in option:
                raise FormatError(path, "every option needs an 'id'", line)
            ids.append(str(option["id"]))
        chosen = {str(value) for value in accepted}
        return [TopicRecord(option_id, option_id in chosen) for option_id in ids]
    label = obj.get("label")
    if label is None:
        return []
    if not isinstance(label, str) or not label.strip():
        raise FormatError(path, "'label' must be a non-empty string", line)
    if answer in ("accept", "reject"):
        return [TopicRecord(label, answer == "accept")]
    return []


def read(path: Path) -> Iterator[DocumentRecord]:
    for line, obj in iter_json_lines(path):
        text = require_text(path, line, obj)
        answer = obj.get("answer")
        if answer is not None and answer not in ANSWERS:
            raise FormatError(path, f"unknown answer {answer!r} (accept, reject or ignore)", line)
        meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
        title = meta.get("title") if isinstance(meta.get("title"), str) else None
        spans = _spans(path, line, obj)
        topics = _topics(path, line, obj, answer)
        binary = isinstance(obj.get("label"), str) and "options" not in obj
        status = Status.IN_PROGRESS if answer is None else ANSWERS[answer]
        if binary and answer == "reject":
            status = Status.DONE
        if isinstance(obj.get("_status"), str):
            try:
                status = Status(obj["_status"])
            except ValueError:
                raise FormatError(path, f"unknown _status {obj['_status']!r}", line) from None
        annotator = next(
            (
                obj[key]
                for key in ("_annotator_id", "_session_id")
                if isinstance(obj.get(key), str) and obj[key].strip()
            ),
            None,
        )
        annotations = []
        if answer is not None or spans or topics:
            annotations.append(AnnotationRecord(annotator, status, spans, topics))
        meta = {k: v for k, v in meta.items() if k != "title"}
        yield DocumentRecord(text, title, str(path), meta, annotations, line)


def _hash(*parts: str) -> int:
    """A signed 32-bit MurmurHash, the same family and width as Prodigy's hashes."""
    from murmurhash import hash as murmur

    return murmur("\u0001".join(parts))


def _task(item: ExportItem, nlp: Language) -> dict[str, Any]:
    doc = nlp.make_doc(item.text)
    tokens = [
        {
            "text": t.text,
            "start": t.idx,
            "end": t.idx + len(t),
            "id": t.i,
            "ws": bool(t.whitespace_),
        }
        for t in doc
    ]
    spans = []
    for span in item.spans:
        covered = doc.char_span(span.start, span.end, alignment_mode="expand")
        entry: dict[str, Any] = {"start": span.start, "end": span.end}
        if covered is not None:
            entry.update(token_start=covered.start, token_end=covered.end - 1)
        if span.layer is Layer.UNRELIABLE:
            entry.update(label=UNRELIABLE_PREFIX + span.label, layer="unreliable")
            if span.note:
                entry["note"] = span.note
        else:
            entry["label"] = span.label
        spans.append(entry)
    meta = dict(item.meta)
    if item.title:
        meta["title"] = item.title
    task: dict[str, Any] = {"text": item.text, "meta": meta, "tokens": tokens, "spans": spans}
    if item.topic_labels:
        task["options"] = [{"id": label, "text": label} for label in item.topic_labels]
        task["accept"] = [t.label for t in item.topics if t.applies]
    input_hash = _hash(item.text)
    task_hash = _hash(
        str(input_hash),
        *(f"{s['start']}:{s['end']}:{s['label']}" for s in spans),
        *task.get("accept", []),
    )
    task.update(
        _input_hash=input_hash,
        _task_hash=task_hash,
        _view_id="blocks" if item.topic_labels else "ner_manual",
        answer="accept",
        _annotator_id=item.annotator,
        _session_id=item.annotator,
    )
    if item.status is not Status.DONE:
        task["_status"] = item.status.value
    return task


def write(items: Iterable[ExportItem], path: Path, nlp: Language) -> int:
    return write_json_lines((_task(item, nlp) for item in items), path)

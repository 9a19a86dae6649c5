"""doccano JSONL: ``label`` as [start, end, LABEL] triples or as category names, ``entities``
(triples or doccano's relation-export objects) and ``cats``.

Our own export adds ``annotator``, ``status``, ``title``, ``meta`` and ``unreliable_notes``
([start, end, reason, note]) so a round trip loses nothing; doccano keeps such fields as
metadata.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

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

OWN_KEYS = {
    "id",
    "text",
    "label",
    "labels",
    "entities",
    "cats",
    "relations",
    "Comments",
    "annotator",
    "status",
    "title",
    "meta",
    "unreliable_notes",
    "user",
    "annotation_approver",
}


def looks_like(obj: dict[str, Any]) -> bool:
    return "text" in obj and (
        isinstance(obj.get("label"), list) or any(k in obj for k in ("labels", "entities", "cats"))
    )


def _span(path: Path, line: int, index: int, raw: Any) -> SpanRecord:
    where = f"label {index}"
    if isinstance(raw, dict):
        start, end, label = require_offsets(
            path,
            line,
            where,
            raw.get("start_offset", raw.get("start")),
            raw.get("end_offset", raw.get("end")),
            raw.get("label"),
        )
    elif isinstance(raw, list) and len(raw) == 3:
        start, end, label = require_offsets(path, line, where, *raw)
    else:
        raise FormatError(path, f'{where} must be [start, end, "LABEL"]', line)
    if label.startswith(UNRELIABLE_PREFIX):
        return SpanRecord(start, end, label.removeprefix(UNRELIABLE_PREFIX), Layer.UNRELIABLE)
    return SpanRecord(start, end, label)


def _categories(path: Path, line: int, raw: Any) -> list[TopicRecord]:
    if isinstance(raw, dict):
        return [TopicRecord(str(k), bool(v) and float(v) >= 0.5) for k, v in raw.items()]
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return [TopicRecord(v, True) for v in raw]
    raise FormatError(path, "'cats' must be a list of labels or an object label → value", line)


def _notes(path: Path, line: int, raw: Any) -> dict[tuple[int, int, str], str]:
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise FormatError(path, "'unreliable_notes' must be a list", line)
    notes = {}
    for entry in raw:
        if not (isinstance(entry, list) and len(entry) == 4):
            raise FormatError(
                path, "'unreliable_notes' entries are [start, end, reason, note]", line
            )
        notes[(entry[0], entry[1], entry[2])] = entry[3]
    return notes


def read(path: Path) -> Iterator[DocumentRecord]:
    for line, obj in iter_json_lines(path):
        text = require_text(path, line, obj)
        spans: list[SpanRecord] = []
        topics: list[TopicRecord] = []
        for key in ("label", "labels"):
            value = obj.get(key)
            if value is None:
                continue
            if not isinstance(value, list):
                raise FormatError(path, f"'{key}' must be a list", line)
            if all(isinstance(v, str) for v in value):
                topics += [TopicRecord(v, True) for v in value]
            else:
                spans += [_span(path, line, i, raw) for i, raw in enumerate(value, start=1)]
        entities = obj.get("entities")
        if entities is not None:
            if not isinstance(entities, list):
                raise FormatError(path, "'entities' must be a list", line)
            spans += [_span(path, line, i, raw) for i, raw in enumerate(entities, start=1)]
        if obj.get("cats") is not None:
            topics += _categories(path, line, obj["cats"])
        notes = _notes(path, line, obj.get("unreliable_notes"))
        spans = [
            SpanRecord(s.start, s.end, s.label, s.layer, notes.get((s.start, s.end, s.label)))
            if s.layer is Layer.UNRELIABLE
            else s
            for s in spans
        ]
        status: Status | None = None
        if isinstance(obj.get("status"), str):
            try:
                status = Status(obj["status"])
            except ValueError:
                raise FormatError(path, f"unknown status {obj['status']!r}", line) from None
        elif spans or topics:
            status = Status.DONE
        annotator = next(
            (
                str(obj[k])
                for k in ("annotator", "user", "annotation_approver")
                if obj.get(k) not in (None, "")
            ),
            None,
        )
        annotations = [AnnotationRecord(annotator, status, spans, topics)] if status else []
        meta = dict(obj["meta"]) if isinstance(obj.get("meta"), dict) else {}
        meta.update({k: v for k, v in obj.items() if k not in OWN_KEYS})
        title = obj.get("title") if isinstance(obj.get("title"), str) else None
        yield DocumentRecord(text, title, str(path), meta, annotations, line)


def _record(item: ExportItem) -> dict[str, Any]:
    labels = [[s.start, s.end, s.label] for s in item.spans if s.layer is Layer.ENTITY]
    labels += [
        [s.start, s.end, UNRELIABLE_PREFIX + s.label]
        for s in item.spans
        if s.layer is Layer.UNRELIABLE
    ]
    record: dict[str, Any] = {
        "text": item.text,
        "label": labels,
        "cats": [t.label for t in item.topics if t.applies],
        "annotator": item.annotator,
        "status": item.status.value,
        "meta": item.meta,
    }
    if item.title:
        record["title"] = item.title
    notes = [
        [s.start, s.end, s.label, s.note]
        for s in item.spans
        if s.layer is Layer.UNRELIABLE and s.note
    ]
    if notes:
        record["unreliable_notes"] = notes
    return record


def write(items: Iterable[ExportItem], path: Path) -> int:
    return write_json_lines((_record(item) for item in items), path)

"""doccano JSONL: sequence labelling (``label`` as [start, end, LABEL] triples), relation
projects (``entities`` objects with ids and ``relations`` with ``from_id``/``to_id``/``type``)
and text classification (``label`` as names, or ``cats``).

Our own export adds ``annotator``, ``status``, ``title``, ``meta``, ``partial`` and, for what
doccano has no field for, ``unreliable_notes`` ([start, end, reason, note]), ``notes`` (the
same for other spans), ``links``
([start, end, kb_id]), ``span_groups`` ([start, end, label, group]) and ``attributes``
([start, end, label, {...}]); doccano keeps unknown fields as metadata. Every other field of a
record (``id``, ``Comments``, custom keys) is kept and written back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
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
    BadRecord,
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
    kept_fields,
    origin,
)

#: The name this format has in the import and export options and in kept fields' origin.
FORMAT = "doccano"
OWN_KEYS = {
    "text",
    "label",
    "labels",
    "entities",
    "relations",
    "cats",
    "annotator",
    "status",
    "title",
    "meta",
    "partial",
    "unreliable_notes",
    "notes",
    "links",
    "span_groups",
    "attributes",
}
#: Fields that describe the example rather than one annotator's work.
INPUT_FIELDS = {"id"}
ANNOTATOR_FIELDS = ("annotator", "user", "annotation_approver")


def looks_like(obj: dict[str, Any]) -> bool:
    return "text" in obj and (
        isinstance(obj.get("label"), list) or any(k in obj for k in ("labels", "entities", "cats"))
    )


def read(path: Path, options: ReadOptions | None = None) -> Iterator[ReadItem]:
    return read_objects(path, iter_json_lines(path))


def read_objects(
    path: Path, objects: Iterable[tuple[int, dict[str, Any]] | BadRecord | Omission]
) -> Iterator[ReadItem]:
    for item in objects:
        if not isinstance(item, tuple):
            yield item
            continue
        line, obj = item
        try:
            yield _document(path, line, obj)
        except FormatError as exc:
            yield BadRecord(line, exc.reason)


def _triple(path: Path, line: int, where: str, raw: Any) -> SpanRecord:
    if not (isinstance(raw, list) and len(raw) == 3):
        raise FormatError(path, f'{where} must be [start, end, "LABEL"]', line)
    start, end, label = require_offsets(path, line, where, *raw)
    if label.startswith(UNRELIABLE_PREFIX):
        return SpanRecord(start, end, label.removeprefix(UNRELIABLE_PREFIX), Layer.UNRELIABLE)
    return SpanRecord(start, end, label)


def _entity(path: Path, line: int, index: int, raw: Any) -> SpanRecord:
    """An entity object of a relation project; its id is kept for the relations."""
    where = f"entity {index}"
    if not isinstance(raw, dict):
        return _triple(path, line, where, raw)
    start = raw.get("start_offset", raw.get("start"))
    end = raw.get("end_offset", raw.get("end"))
    extra = {
        k: v
        for k, v in raw.items()
        if k not in ("start_offset", "end_offset", "start", "end", "label")
    }
    if raw.get("label") is None and isinstance(start, int) and isinstance(end, int):
        return SpanRecord(start, end, "", Layer.ARGUMENT, extra=extra)
    start, end, label = require_offsets(path, line, where, start, end, raw.get("label"))
    if label.startswith(UNRELIABLE_PREFIX):
        return SpanRecord(
            start, end, label.removeprefix(UNRELIABLE_PREFIX), Layer.UNRELIABLE, extra=extra
        )
    return SpanRecord(start, end, label, extra=extra)


def _categories(path: Path, line: int, raw: Any) -> list[TopicRecord]:
    if isinstance(raw, dict):
        return [TopicRecord(str(k), bool(v) and float(v) >= 0.5) for k, v in raw.items()]
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return [TopicRecord(v, True) for v in raw]
    raise FormatError(path, "'cats' must be a list of labels or an object label → value", line)


def _relations(path: Path, line: int, raw: Any, spans: list[SpanRecord]) -> list[RelationRecord]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise FormatError(path, "'relations' must be a list", line)
    by_id = {s.extra.get("id"): i for i, s in enumerate(spans) if "id" in s.extra}
    relations = []
    for index, relation in enumerate(raw, start=1):
        if not isinstance(relation, dict):
            raise FormatError(path, f"relation {index} must be an object", line)
        head, child = by_id.get(relation.get("from_id")), by_id.get(relation.get("to_id"))
        if head is None or child is None:
            raise FormatError(
                path,
                f"relation {index} joins entity {relation.get('from_id')!r} to "
                f"{relation.get('to_id')!r}, but the record has no entity with that id",
                line,
            )
        label = relation.get("type", relation.get("label"))
        if not isinstance(label, str) or not label.strip():
            raise FormatError(path, f"relation {index}: 'type' must be a non-empty string", line)
        extra = {k: v for k, v in relation.items() if k not in ("from_id", "to_id", "type")}
        relations.append(RelationRecord(head, child, label, extra))
    return relations


def _extras(
    path: Path, line: int, obj: dict[str, Any], spans: list[SpanRecord]
) -> list[SpanRecord]:
    """Our own per-span additions (notes, links, span groups, attributes) back onto spans."""
    spans = list(spans)
    notes = _rows(path, line, obj, "unreliable_notes", 4)
    for start, end, reason, note in notes:
        for i, s in enumerate(spans):
            if s.layer is Layer.UNRELIABLE and (s.start, s.end, s.label) == (start, end, reason):
                spans[i] = replace(s, note=note)
    for start, end, kb_id in _rows(path, line, obj, "links", 3):
        for i, s in enumerate(spans):
            if s.layer is Layer.ENTITY and (s.start, s.end) == (start, end):
                spans[i] = replace(s, kb_id=kb_id)
    for start, end, label, note in _rows(path, line, obj, "notes", 4):
        for i, s in enumerate(spans):
            if s.layer is not Layer.UNRELIABLE and (s.start, s.end, s.label) == (start, end, label):
                spans[i] = replace(s, note=note)
    for start, end, label, group in _rows(path, line, obj, "span_groups", 4):
        spans.append(SpanRecord(start, end, label, Layer.GROUP, group=group))
    for start, end, label, attributes in _rows(path, line, obj, "attributes", 4):
        for i, s in enumerate(spans):
            if (s.start, s.end, s.label) == (start, end, label) and isinstance(attributes, dict):
                spans[i] = replace(s, attributes=attributes)
    return spans


def _rows(path: Path, line: int, obj: dict[str, Any], key: str, width: int) -> list[list[Any]]:
    raw = obj.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(r, list) and len(r) == width for r in raw):
        raise FormatError(path, f"'{key}' must be a list of {width}-item lists", line)
    return raw


def _document(path: Path, line: int, obj: dict[str, Any]) -> DocumentRecord:
    text = require_text(path, line, obj)
    spans: list[SpanRecord] = []
    topics: list[TopicRecord] = []
    classification = False
    for key in ("label", "labels"):
        value = obj.get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            raise FormatError(path, f"'{key}' must be a list", line)
        if value and all(isinstance(v, str) for v in value):
            topics += [TopicRecord(v, True) for v in value]
            classification = True
        else:
            spans += [
                _triple(path, line, f"label {i}", raw) for i, raw in enumerate(value, start=1)
            ]
    entities = obj.get("entities")
    if entities is not None:
        if not isinstance(entities, list):
            raise FormatError(path, "'entities' must be a list", line)
        spans += [_entity(path, line, i, raw) for i, raw in enumerate(entities, start=1)]
    if obj.get("cats") is not None:
        topics += _categories(path, line, obj["cats"])
    relations = _relations(path, line, obj.get("relations"), spans)
    spans = _extras(path, line, obj, spans)
    status: Status | None = None
    if isinstance(obj.get("status"), str):
        try:
            status = Status(obj["status"])
        except ValueError:
            raise FormatError(path, f"unknown status {obj['status']!r}", line) from None
    elif spans or topics:
        status = Status.DONE
    annotator = next((str(obj[k]) for k in ANNOTATOR_FIELDS if obj.get(k) not in (None, "")), None)
    partial = obj["partial"] is True if "partial" in obj else classification and not spans
    kept = {k: v for k, v in obj.items() if k not in OWN_KEYS and k not in INPUT_FIELDS}
    annotations = []
    if status is not None:
        annotations.append(
            AnnotationRecord(annotator, status, spans, topics, relations, partial, kept)
        )
    meta = dict(obj["meta"]) if isinstance(obj.get("meta"), dict) else {}
    title = obj.get("title") if isinstance(obj.get("title"), str) else None
    document_extra = {k: obj[k] for k in INPUT_FIELDS if k in obj}
    if status is None:
        document_extra.update(kept)
    return DocumentRecord(text, title, str(path), meta, annotations, line, document_extra)


# Writing ----------------------------------------------------------------------------------


def _record(item: ExportItem, problems: list[ExportProblem]) -> dict[str, Any]:
    record = kept_fields(item.document_extra, origin(item.document_extra), FORMAT)
    record.update(kept_fields(item.extra, origin(item.extra), FORMAT))
    record["text"] = item.text
    if item.title:
        record["title"] = item.title
    if item.meta:
        record["meta"] = item.meta
    if not item.annotated:
        return record
    source = origin(item.extra)
    kept: dict[int, SpanRecord] = {}
    for index, span in enumerate(item.spans):
        if span.rejected:
            if item.partial:
                problems.append(_problem(item, span, "doccano cannot hold a rejected span"))
            continue
        kept[index] = replace(span, extra=kept_fields(span.extra, source, FORMAT))
    spans = list(kept.values())
    object_form = bool(item.relations) or any("id" in s.extra for s in spans)
    labelled = [s for s in spans if s.layer in (Layer.ENTITY, Layer.UNRELIABLE)]
    topics_only = bool(item.topics) and not spans
    if object_form:
        ids = _entity_ids(kept)
        record["entities"] = [
            _entity_object(s, ids[i]) for i, s in kept.items() if s.layer is not Layer.GROUP
        ]
        record["relations"] = []
        for number, relation in enumerate(item.relations):
            if relation.head in ids and relation.child in ids:
                record["relations"].append(_relation_object(relation, ids, number, source))
            else:
                span = item.spans[relation.head]
                problems.append(
                    _problem(item, span, f"relation {relation.label} ends on a rejected span")
                )
    elif not topics_only:
        record["label"] = [[s.start, s.end, _label(s)] for s in labelled]
    cats = _cats(item)
    if topics_only and isinstance(cats, list):
        record["label"] = cats
    elif item.topics:
        record["cats"] = cats
    notes = [
        [s.start, s.end, s.label, s.note] for s in spans if s.layer is Layer.UNRELIABLE and s.note
    ]
    links = [[s.start, s.end, s.kb_id] for s in spans if s.layer is Layer.ENTITY and s.kb_id]
    groups = [[s.start, s.end, s.label, s.group] for s in spans if s.layer is Layer.GROUP]
    attributes = [[s.start, s.end, s.label, s.attributes] for s in spans if s.attributes]
    for key, rows in (
        ("unreliable_notes", notes),
        ("links", links),
        ("span_groups", groups),
        ("attributes", attributes),
    ):
        if rows:
            record[key] = rows
    notes = [
        [s.start, s.end, s.label, s.note]
        for s in spans
        if s.note and s.layer is not Layer.UNRELIABLE
    ]
    if notes:
        record["notes"] = notes
    record["annotator"] = item.annotator
    record["status"] = item.status.value
    if item.partial:
        record["partial"] = True
    return record


def _cats(item: ExportItem) -> list[str] | dict[str, float]:
    """Categories as doccano writes them (the ones that apply), or as scores when some were
    decided not to apply, so "does not apply" is not lost."""
    if all(t.applies for t in item.topics):
        return [t.label for t in item.topics]
    return {t.label: 1.0 if t.applies else 0.0 for t in item.topics}


def _label(span: SpanRecord) -> str:
    return UNRELIABLE_PREFIX + span.label if span.layer is Layer.UNRELIABLE else span.label


def _entity_ids(spans: dict[int, SpanRecord]) -> dict[int, Any]:
    """Entity ids by span index: the ids the file gave (kept), new ones above them."""
    taken = {s.extra["id"] for s in spans.values() if isinstance(s.extra.get("id"), int)}
    ids: dict[int, Any] = {}
    next_id = max(taken, default=0) + 1
    for index, span in spans.items():
        if "id" in span.extra:
            ids[index] = span.extra["id"]
        else:
            ids[index] = next_id
            next_id += 1
    return ids


def _entity_object(span: SpanRecord, entity_id: Any) -> dict[str, Any]:
    entry = dict(span.extra)
    entry.update(
        id=entity_id,
        label=_label(span) if span.layer is not Layer.ARGUMENT else None,
        start_offset=span.start,
        end_offset=span.end,
    )
    return entry


def _relation_object(
    relation: RelationRecord, ids: dict[int, Any], number: int, source: str | None
) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": number}
    entry.update(kept_fields(relation.extra, source, FORMAT))
    entry.update(from_id=ids[relation.head], to_id=ids[relation.child], type=relation.label)
    return entry


def _problem(item: ExportItem, span: SpanRecord, reason: str) -> ExportProblem:
    return ExportProblem(item.content_hash, item.title, span.start, span.end, span.label, reason)


def write(
    items: Iterable[ExportItem], path: Path, nlp: object = None
) -> tuple[int, list[ExportProblem]]:
    problems: list[ExportProblem] = []
    count = write_json_lines((_record(item, problems) for item in items), path)
    return count, problems

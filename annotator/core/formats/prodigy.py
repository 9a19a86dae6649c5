"""Prodigy task JSONL: answers of manual span tasks (``ner_manual``, ``spans_manual``),
relations (``rel.manual``), binary span and text judgements (``ner.teach``, ``textcat.teach``),
choices (text categories, or entity links when the task holds a span) and review records.

Semantics (Prodigy's docs): ``answer`` accept/ignore/reject; ``token_end`` is inclusive; a
reject in a binary task says "this span (or label) is wrong", elsewhere it marks a bad example.
Binary and choice records judge only what they name: their sets are partial (text they do not
mark is unknown) and records of one text combine. Review records carry each annotator's answer
in ``versions``: every version becomes its annotator's set and the final answer the gold set.

Every field this module does not model is kept (input fields on the document, answer fields on
the set, extra span keys on the span) and written back unchanged; ``_task_hash`` is kept while
the set is unchanged since import.
"""

from __future__ import annotations

import bisect
import re
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
from annotator.core.formats.tokens import TOKENS_KEY, kept_tokens
from annotator.core.records import (
    GOLD,
    INTERNAL_PREFIX,
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

if TYPE_CHECKING:
    from spacy.language import Language

#: The name this format has in the import and export options and in kept fields' origin.
FORMAT = "prodigy"
ANSWERS = {"accept": Status.DONE, "ignore": Status.SKIPPED, "reject": Status.REJECTED}
STATUS_ANSWERS = {Status.DONE: "accept", Status.REJECTED: "reject", Status.SKIPPED: "ignore"}
#: Views whose spans are yes/no judgements of suggested spans, not complete annotations.
BINARY_VIEWS = {"ner", "spans", "classification"}
#: Marks a set read from an entity-linking choice, whose link is written back as the choice.
LINKING_KEY = INTERNAL_PREFIX + "links_by_choice"
#: Option ids that are knowledge-base entries (Wikidata items) or "none of them".
KB_ID = re.compile(r"Q\d+|NIL")
#: Fields of a record that describe the input, kept on the document.
INPUT_FIELDS = {"_input_hash", TOKENS_KEY}
#: Fields this module models; everything else is kept as it came.
MODELLED = {"text", "meta", "spans", "relations", "answer", "accept", "versions", "_status"}
SPAN_FIELDS = {"start", "end", "label", "token_start", "token_end", "layer", "note", "answer"}
SPAN_FIELDS |= {"kb_id", "span_group", "attributes"}
RELATION_FIELDS = {"head", "child", "head_span", "child_span", "label"}
#: A record whose spans had no token ids (none are added), or an answer each (kept).
NO_TOKEN_IDS = INTERNAL_PREFIX + "no_token_ids"
OWN_ANSWER = INTERNAL_PREFIX + "own_answer"


def looks_like(obj: dict[str, Any]) -> bool:
    """Any record with a text: plain ``{"text", "meta"}`` lines are Prodigy's input format."""
    return "text" in obj


def read(path: Path, options: ReadOptions | None = None) -> Iterator[ReadItem]:
    return read_objects(path, iter_json_lines(path))


def read_objects(
    path: Path, objects: Iterable[tuple[int, dict[str, Any]] | BadRecord | Omission]
) -> Iterator[ReadItem]:
    """Documents from Prodigy records read from JSON Lines or JSON; a bad record is a
    BadRecord and reading goes on."""
    for item in objects:
        if not isinstance(item, tuple):
            yield item
            continue
        line, obj = item
        try:
            yield from _document(path, line, obj)
        except FormatError as exc:
            yield BadRecord(line, exc.reason)


def _document(path: Path, line: int, obj: dict[str, Any]) -> Iterator[ReadItem]:
    text = require_text(path, line, obj)
    raw_meta = obj.get("meta")
    meta = dict(raw_meta) if isinstance(raw_meta, dict) else {}
    title = meta.pop("title", None) if isinstance(meta.get("title"), str) else None
    document_extra = {k: obj[k] for k in INPUT_FIELDS if k in obj}
    if raw_meta is not None and not isinstance(raw_meta, dict):
        document_extra["meta"] = raw_meta
    annotations = []
    ignored_spans = 0
    tokens = obj.get(TOKENS_KEY) if isinstance(obj.get(TOKENS_KEY), list) else None
    if isinstance(obj.get("versions"), list):
        for version in obj["versions"]:
            if not isinstance(version, dict):
                raise FormatError(path, "every entry of 'versions' must be an object", line)
            for name in _version_annotators(version):
                annotation, ignored = _annotation(path, line, version, tokens, name)
                if annotation is not None:
                    annotations.append(annotation)
                    ignored_spans += ignored
        final, ignored = _annotation(path, line, obj, tokens, GOLD)
    else:
        final, ignored = _annotation(path, line, obj, tokens, _annotator(obj))
    if final is not None:
        annotations.append(final)
        ignored_spans += ignored
    else:
        document_extra.update(_kept(obj))
    if ignored_spans:
        yield Omission(
            "spans answered 'ignore'",
            "an ignored span is neither an entity nor a rejection",
            ignored_spans,
        )
    yield DocumentRecord(text, title, str(path), meta, annotations, line, document_extra)


def _annotator(obj: dict[str, Any]) -> str | None:
    for key in ("_annotator_id", "_session_id"):
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _version_annotators(version: dict[str, Any]) -> list[str]:
    sessions = version.get("sessions")
    if isinstance(sessions, list) and sessions:
        return [str(s) for s in sessions]
    name = _annotator(version)
    return [name] if name else ["unknown annotator"]


def _kept(obj: dict[str, Any]) -> dict[str, Any]:
    """The record's fields this module does not model, plus an empty ``relations`` list
    (``rel.manual`` writes one on every answer, and a faithful export does too)."""
    kept = {k: v for k, v in obj.items() if k not in MODELLED and k not in INPUT_FIELDS}
    if obj.get("relations") == []:
        kept["relations"] = []
    return kept


def _annotation(
    path: Path, line: int, obj: dict[str, Any], tokens: list[Any] | None, annotator: str | None
) -> tuple[AnnotationRecord | None, int]:
    """The set one record (or one version of a review record) states, or None for a plain
    input line; and how many spans it answered 'ignore'."""
    answer = obj.get("answer")
    if answer is not None and answer not in ANSWERS:
        raise FormatError(path, f"unknown answer {answer!r} (accept, reject or ignore)", line)
    raw_spans = obj.get("spans") or []
    if not isinstance(raw_spans, list):
        raise FormatError(path, "'spans' must be a list", line)
    options = obj.get("options")
    view = obj.get("_view_id") if isinstance(obj.get("_view_id"), str) else None
    per_span = any(isinstance(s, dict) and "answer" in s for s in raw_spans)
    binary_label = isinstance(obj.get("label"), str) and options is None
    linking = bool(raw_spans) and _links(options, view, len(raw_spans))
    partial = per_span or linking or binary_label or view in BINARY_VIEWS
    if options is not None and not raw_spans and "tokens" not in obj:
        partial = True
    spans, ignored = _spans(path, line, raw_spans, answer if partial else None)
    relations = _relations(path, line, obj, spans, tokens)
    topics: list[TopicRecord] = []
    if linking:
        link = _linked_id(path, line, obj)
        spans = [s if s.rejected else _with_link(s, link) for s in spans]
    elif options is not None:
        topics = _choice(path, line, obj)
    elif binary_label:
        label = obj["label"]
        if not label.strip():
            raise FormatError(path, "'label' must be a non-empty string", line)
        if answer in ("accept", "reject"):
            topics = [TopicRecord(label, answer == "accept")]
    if answer is None and not spans and not topics and not relations:
        return None, 0
    status = Status.IN_PROGRESS if answer is None else ANSWERS[answer]
    if partial and answer == "reject":
        status = Status.DONE
    if isinstance(obj.get("_status"), str):
        try:
            status = Status(obj["_status"])
        except ValueError:
            raise FormatError(path, f"unknown _status {obj['_status']!r}", line) from None
    task = obj.get("_task_hash")
    return (
        AnnotationRecord(
            annotator=annotator,
            status=status,
            spans=spans,
            topics=topics,
            relations=relations,
            partial=partial,
            extra={
                **_kept(obj),
                **_shape(raw_spans, per_span, linking),
                **_links_kept(obj, linking),
            },
            task_key=None if task is None else str(task),
        ),
        ignored,
    )


def _links_kept(obj: dict[str, Any], linking: bool) -> dict[str, Any]:
    """An entity-linking answer that chose several ids: the span's link is the first, and the
    whole choice is kept so that it is written back as it was."""
    accepted = obj.get("accept")
    if linking and isinstance(accepted, list) and len(accepted) > 1:
        return {"accept": accepted}
    return {}


def _shape(raw_spans: list[Any], per_span: bool, linking: bool) -> dict[str, bool]:
    """How the record wrote its spans, so they are written back the same way: without token
    ids, with an answer each, or linked through a choice."""
    shape = {}
    if raw_spans and all(isinstance(s, dict) and "token_start" not in s for s in raw_spans):
        shape[NO_TOKEN_IDS] = True
    if per_span:
        shape[OWN_ANSWER] = True
    if linking:
        shape[LINKING_KEY] = True
    return shape


def _spans(
    path: Path, line: int, raw: list[Any], record_answer: str | None
) -> tuple[list[SpanRecord], int]:
    """Spans of a record; in a binary record each is accepted or rejected by its own answer
    (or the record's). Spans answered 'ignore' are counted, not kept."""
    spans = []
    ignored = 0
    for index, span in enumerate(raw, start=1):
        if not isinstance(span, dict):
            raise FormatError(path, f"span {index} must be an object", line)
        start, end, label = require_offsets(
            path, line, f"span {index}", span.get("start"), span.get("end"), span.get("label")
        )
        answer = span.get("answer", record_answer)
        if answer == "ignore" and record_answer is not None:
            ignored += 1
            continue
        note = span.get("note") if isinstance(span.get("note"), str) else None
        kb_id = span.get("kb_id") if isinstance(span.get("kb_id"), str) else None
        extra = {k: v for k, v in span.items() if k not in SPAN_FIELDS}
        rejected = answer == "reject"
        if label.startswith(UNRELIABLE_PREFIX) or span.get("layer") == "unreliable":
            layer, label = Layer.UNRELIABLE, label.removeprefix(UNRELIABLE_PREFIX)
        elif isinstance(span.get("span_group"), str) and span["span_group"]:
            layer = Layer.GROUP
        else:
            layer = Layer.ENTITY
        group = span["span_group"] if layer is Layer.GROUP else ""
        attributes = span.get("attributes") if isinstance(span.get("attributes"), dict) else {}
        spans.append(
            SpanRecord(start, end, label, layer, note, kb_id, group, rejected, attributes, extra)
        )
    return spans, ignored


def _relations(
    path: Path,
    line: int,
    obj: dict[str, Any],
    spans: list[SpanRecord],
    tokens: list[Any] | None,
) -> list[RelationRecord]:
    """Relations between the record's spans; an end that is no span of the record (rel.manual
    lets annotators relate plain tokens) becomes an unlabelled argument span."""
    raw = obj.get("relations")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise FormatError(path, "'relations' must be a list", line)
    relations = []
    for index, relation in enumerate(raw, start=1):
        if not isinstance(relation, dict):
            raise FormatError(path, f"relation {index} must be an object", line)
        label = relation.get("label")
        if not isinstance(label, str) or not label.strip():
            raise FormatError(path, f"relation {index}: the label must be a non-empty string", line)
        ends = []
        for side in ("head", "child"):
            ends.append(_relation_end(path, line, index, side, relation, spans, tokens))
        extra = {k: v for k, v in relation.items() if k not in RELATION_FIELDS}
        relations.append(RelationRecord(ends[0], ends[1], label, extra))
    return relations


def _relation_end(
    path: Path,
    line: int,
    index: int,
    side: str,
    relation: dict[str, Any],
    spans: list[SpanRecord],
    tokens: list[Any] | None,
) -> int:
    where = f"relation {index} {side}"
    described = relation.get(f"{side}_span")
    if isinstance(described, dict):
        start, end = described.get("start"), described.get("end")
        label = described.get("label")
    else:
        start, end, label = _token_offsets(path, line, where, relation.get(side), tokens)
        # Prodigy's head/child is the last token of the span: the entity ending on it is
        # meant (the shortest, should several end there).
        ending = [
            (span.start, position)
            for position, span in enumerate(spans)
            if span.end == end and span.layer is Layer.ENTITY and not span.rejected
        ]
        if ending:
            return max(ending)[1]
    if not isinstance(start, int) or not isinstance(end, int):
        raise FormatError(path, f"{where}: the span needs integer 'start' and 'end'", line)
    for position, span in enumerate(spans):
        if (span.start, span.end) == (start, end) and (label is None or span.label == label):
            return position
    if isinstance(label, str) and label.strip():
        spans.append(SpanRecord(start, end, label))
    else:
        spans.append(SpanRecord(start, end, "", Layer.ARGUMENT))
    return len(spans) - 1


def _token_offsets(
    path: Path, line: int, where: str, token: Any, tokens: list[Any] | None
) -> tuple[int, int, None]:
    """A relation end given only as a token id: the offsets of that token."""
    if not isinstance(token, int) or tokens is None:
        raise FormatError(path, f"{where}: needs a '{where.split()[-1]}_span' or a token id", line)
    for item in tokens:
        if isinstance(item, dict) and item.get("id") == token:
            return item.get("start"), item.get("end"), None  # type: ignore[return-value]
    raise FormatError(path, f"{where}: there is no token {token}", line)


def _links(options: Any, view: str | None, spans: int) -> bool:
    """Whether a choice about a span picks knowledge-base ids (entity linking) rather than
    text categories: options that all look like Wikidata ids (or NIL), or a ``choice`` view
    showing exactly one span, as Prodigy's entity-linking recipes do."""
    if not isinstance(options, list) or not options:
        return False
    ids = [str(o.get("id")) for o in options if isinstance(o, dict)]
    if ids and all(KB_ID.fullmatch(i) for i in ids):
        return True
    return view == "choice" and spans == 1


def _linked_id(path: Path, line: int, obj: dict[str, Any]) -> str | None:
    accepted = obj.get("accept") or []
    if not isinstance(accepted, list):
        raise FormatError(path, "'accept' must be a list of option ids", line)
    return str(accepted[0]) if accepted else None


def _with_link(span: SpanRecord, link: str | None) -> SpanRecord:
    from dataclasses import replace

    return replace(span, kb_id=link)


def _choice(path: Path, line: int, obj: dict[str, Any]) -> list[TopicRecord]:
    options = obj["options"]
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
    if obj.get("answer") is None and not chosen:
        return []
    return [TopicRecord(option_id, option_id in chosen) for option_id in ids]


# Writing ----------------------------------------------------------------------------------


def _hash(*parts: str) -> int:
    """A signed 32-bit MurmurHash, the same family and width as Prodigy's hashes."""
    from murmurhash import hash as murmur

    return murmur("\u0001".join(parts))


class _TokenMap:
    """Character offsets to token ids, on the kept tokens or the project tokenizer's.

    Tokens come in text order, so the tokens a span touches are found by binary search: an
    article holds hundreds of tokens and dozens of spans.
    """

    def __init__(self, item: ExportItem, nlp: Language) -> None:
        kept = kept_tokens(item.text, item.document_extra)
        if kept is not None:
            raw = item.document_extra[TOKENS_KEY]
            self.tokens = (
                list(raw)
                if isinstance(raw, list)
                else [
                    {"text": item.text[t.start : t.end], "start": t.start, "end": t.end, "id": t.id}
                    for t in kept
                ]
            )
            self.starts = [t.start for t in kept]
            self.ends = [t.end for t in kept]
            self.ids = [t.id for t in kept]
            return
        # One pass over the doc: each step of spaCy's iterator builds a Token object.
        self.tokens = [
            {
                "text": t.text,
                "start": t.idx,
                "end": t.idx + len(t),
                "id": t.i,
                "ws": bool(t.whitespace_),
            }
            for t in nlp.make_doc(item.text)
        ]
        self.starts = [t["start"] for t in self.tokens]
        self.ends = [t["end"] for t in self.tokens]
        self.ids = list(range(len(self.tokens)))

    def covering(self, start: int, end: int) -> tuple[int, int] | None:
        """Ids of the first and last token the span touches."""
        first = bisect.bisect_right(self.ends, start)
        last = bisect.bisect_left(self.starts, end) - 1
        if first > last or first >= len(self.ids):
            return None
        return self.ids[first], self.ids[last]


def _span_entry(
    item: ExportItem, span: SpanRecord, tokens: _TokenMap, linking: bool, own_answers: bool
) -> dict[str, Any]:
    entry: dict[str, Any] = (
        kept_fields(span.extra, origin(item.extra), FORMAT) if span.extra else {}
    )
    start, end = span.start, span.end
    if "text" in entry:
        entry["text"] = item.text[start:end]
    entry["start"] = start
    entry["end"] = end
    covered = tokens.covering(start, end)
    if covered is not None and not item.extra.get(NO_TOKEN_IDS):
        entry["token_start"], entry["token_end"] = covered
    if span.layer is Layer.UNRELIABLE:
        entry.update(label=UNRELIABLE_PREFIX + span.label, layer="unreliable")
        if span.note:
            entry["note"] = span.note
    else:
        entry["label"] = span.label or None
        if span.layer is Layer.GROUP:
            entry["span_group"] = span.group
        if span.note:
            entry["note"] = span.note
    if span.kb_id and not linking:
        entry["kb_id"] = span.kb_id
    if span.attributes:
        entry["attributes"] = span.attributes
    if own_answers or item.extra.get(OWN_ANSWER):
        entry["answer"] = "reject" if span.rejected else "accept"
    return entry


def _links_by_choice(item: ExportItem, task: dict[str, Any]) -> bool:
    """A set imported from an entity-linking choice: its link goes back into ``accept``."""
    return bool(item.extra.get(LINKING_KEY)) and "options" in task


def _task(item: ExportItem, nlp: Language) -> dict[str, Any]:
    document_fields = kept_fields(item.document_extra, origin(item.document_extra), FORMAT)
    task: dict[str, Any] = {"text": item.text}
    task.update((k, v) for k, v in document_fields.items() if k != TOKENS_KEY)
    task.update(kept_fields(item.extra, origin(item.extra), FORMAT))
    meta = dict(item.meta)
    if item.title:
        meta["title"] = item.title
    if meta:
        task["meta"] = meta
    shown = [
        s for s in item.spans if s.layer is not Layer.ARGUMENT and (item.partial or not s.rejected)
    ]
    topics_only = bool(item.topics) or "label" in task or "options" in task
    span_task = TOKENS_KEY in item.document_extra or (
        item.annotated and (bool(shown) or bool(item.relations) or not topics_only)
    )
    tokens = _TokenMap(item, nlp) if span_task else None
    if tokens is not None:
        task[TOKENS_KEY] = tokens.tokens
    input_hash = task.setdefault("_input_hash", _hash(item.text))
    if not item.annotated:
        return task
    if tokens is not None:
        linking = _links_by_choice(item, task)
        own = item.partial and len({s.rejected for s in shown}) > 1
        task["spans"] = [_span_entry(item, s, tokens, linking, own) for s in shown]
        if item.relations:
            task["relations"] = [_relation(item, r, tokens) for r in item.relations]
    _topics(item, task)
    if not (item.unchanged and "_task_hash" in task):
        task["_task_hash"] = _hash(
            str(input_hash),
            *(f"{s['start']}:{s['end']}:{s['label']}" for s in task.get("spans", [])),
            *(f"{r['head']}>{r['child']}:{r['label']}" for r in task.get("relations", [])),
            *map(str, task.get("accept", [])),
            str(task.get("label", "")),
        )
    if origin(item.extra) != FORMAT:
        # A set made here (or read from another tool) says who and how; a Prodigy record
        # keeps exactly the keys it came with.
        task.setdefault("_view_id", _view(item))
        task.setdefault("_annotator_id", item.annotator)
        task.setdefault("_session_id", item.annotator)
    task["answer"] = _answer(item, task)
    if item.status not in STATUS_ANSWERS:
        task["_status"] = item.status.value
    return task


def _relation(item: ExportItem, relation: RelationRecord, tokens: _TokenMap) -> dict[str, Any]:
    entry: dict[str, Any] = kept_fields(relation.extra, origin(item.extra), FORMAT)
    for side, index in (("head", relation.head), ("child", relation.child)):
        span = item.spans[index]
        covered = tokens.covering(span.start, span.end)
        described: dict[str, Any] = {"start": span.start, "end": span.end}
        if covered is not None:
            described.update(token_start=covered[0], token_end=covered[1])
            entry[side] = covered[1]
        described["label"] = span.label or None
        entry[f"{side}_span"] = described
    entry["label"] = relation.label
    return entry


def _topics(item: ExportItem, task: dict[str, Any]) -> None:
    """Topic decisions as the record's shape had them: one binary ``label``, ``options``
    with ``accept``, or (for a new set with decisions) options of the decided topics."""
    if _links_by_choice(item, task):
        linked = next((s.kb_id for s in item.spans if s.kb_id), None)
        chosen = task.get("accept")
        if isinstance(chosen, list) and chosen and chosen[0] == linked:
            return
        task["accept"] = [linked] if linked else []
        return
    decided = {t.label: t.applies for t in item.topics}
    label = task.get("label")
    if isinstance(label, str) and "options" not in task:
        if set(decided) <= {label}:
            return
        del task["label"]
    if "options" in task or decided:
        options = task.get("options")
        if not isinstance(options, list):
            options = [
                {"id": label, "text": label} for label in item.topic_labels if label in decided
            ]
        known = {str(o.get("id")) for o in options if isinstance(o, dict)}
        options += [{"id": label, "text": label} for label in decided if label not in known]
        task["options"] = options
        task["accept"] = [label for label, applies in decided.items() if applies]


def _answer(item: ExportItem, task: dict[str, Any]) -> str:
    label = task.get("label")
    if isinstance(label, str) and "options" not in task:
        decided = {t.label: t.applies for t in item.topics}
        if label in decided:
            return "accept" if decided[label] else "reject"
    if item.partial:
        # One judgement for all spans is the record's answer (a ner.teach task); mixed ones
        # are given per span and the record says accept.
        judged = {s.rejected for s in item.spans if s.layer is not Layer.ARGUMENT}
        return "reject" if judged == {True} else "accept"
    return STATUS_ANSWERS.get(item.status, "accept")


def _view(item: ExportItem) -> str:
    if item.relations:
        return "relations"
    if item.topics and not item.spans:
        return "choice"
    return "ner" if item.partial else "ner_manual"


def write(
    items: Iterable[ExportItem], path: Path, nlp: Language
) -> tuple[int, list[ExportProblem]]:
    """Write one task per item; Prodigy can hold everything we store, so nothing is left out."""
    return write_json_lines((_task(item, nlp) for item in items), path), []

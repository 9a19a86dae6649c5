"""Checking and tidying records read from a file before they reach the store.

A record is refused for what no annotator could have meant (a text of only whitespace, a span
outside the text, two entities over the same words); what is merely repeated is tidied and
counted (the same span listed twice in one record is one span). Combining partial answers
(binary judgements of one text, each about one span) happens here too, so that the combined
set is checked exactly like a single record.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from operator import attrgetter
from typing import Any, NamedTuple

from annotator.core.errors import SpanError
from annotator.core.records import (
    AnnotationRecord,
    DocumentRecord,
    Layer,
    SpanRecord,
    Status,
)
from annotator.core.spans import check_bounds


class RecordProblem(Exception):
    """A record that cannot be imported; the message says why, for the user."""


class Tidied(NamedTuple):
    """A checked record and how many duplicate spans and relations were folded into one (a
    tuple: one is made per record of an import)."""

    record: DocumentRecord
    duplicate_spans: int
    duplicate_relations: int


_POSITION = attrgetter("start", "end")
#: How decided a status is, for combining answers.
_STATUS_RANK = {
    Status.DONE: 4,
    Status.REJECTED: 3,
    Status.SKIPPED: 2,
    Status.IN_PROGRESS: 1,
    Status.NEW: 0,
}


def check_document(record: DocumentRecord) -> Tidied:
    """The record with duplicate spans folded, or RecordProblem saying what is impossible."""
    if not isinstance(record.text, str):
        raise RecordProblem("the text is not a string")
    text = record.text
    if not text:
        raise RecordProblem("the text is empty")
    if text.isspace():
        raise RecordProblem(f"the text holds only whitespace ({len(text)} characters)")
    spans = relations = 0
    annotations = []
    changed = False
    for annotation in record.annotations:
        tidy, folded = fold_duplicates(annotation)
        check_annotation(text, tidy)
        if tidy is not annotation:
            changed = True
            spans += folded
            relations += len(annotation.relations) - len(tidy.relations)
        annotations.append(tidy)
    if not changed:
        return Tidied(record, 0, 0)
    return Tidied(replace(record, annotations=annotations), spans, relations)


def fold_duplicates(annotation: AnnotationRecord) -> tuple[AnnotationRecord, int]:
    """One span per identity (a later copy's links and notes fill gaps, a later judgement
    wins); relations follow their spans; one decision per topic (the later one)."""
    spans_in, topics_in, relations_in = annotation.spans, annotation.topics, annotation.relations
    if len(spans_in) < 2 and len(topics_in) < 2 and not relations_in:
        return annotation, 0
    if (
        len({(s.start, s.end, s.layer, s.group, s.label) for s in spans_in}) == len(spans_in)
        and len({t.label for t in topics_in}) == len(topics_in)
        and len({(r.head, r.child, r.label) for r in relations_in}) == len(relations_in)
    ):
        return annotation, 0
    spans: list[SpanRecord] = []
    where: dict[tuple[int, int, str, str, str], int] = {}
    moved: list[int] = []
    folded = 0
    for span in annotation.spans:
        position = where.get(span.identity)
        if position is None:
            where[span.identity] = len(spans)
            moved.append(len(spans))
            spans.append(span)
            continue
        folded += 1
        first = spans[position]
        spans[position] = replace(
            first,
            note=first.note or span.note,
            kb_id=span.kb_id or first.kb_id,
            rejected=span.rejected,
            attributes={**first.attributes, **span.attributes},
            extra={**first.extra, **span.extra},
        )
        moved.append(position)
    relations = []
    seen: set[tuple[int, int, str]] = set()
    for relation in annotation.relations:
        if not (0 <= relation.head < len(moved) and 0 <= relation.child < len(moved)):
            raise RecordProblem(
                f"relation {relation.label!r} points at span {relation.head + 1} or "
                f"{relation.child + 1}, but the record has {len(moved)} span(s)"
            )
        head, child = moved[relation.head], moved[relation.child]
        if (head, child, relation.label) not in seen:
            seen.add((head, child, relation.label))
            relations.append(replace(relation, head=head, child=child))
    topics = list({t.label: t for t in annotation.topics}.values())
    if not folded and len(topics) == len(annotation.topics):
        return replace(annotation, relations=relations), 0
    return replace(annotation, spans=spans, relations=relations, topics=topics), folded


def check_annotation(text: str, annotation: AnnotationRecord) -> None:
    """Raise RecordProblem naming the first impossible span, relation or topic."""
    length = len(text)
    for index, span in enumerate(annotation.spans, start=1):
        start, end = span.start, span.end
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= length:
            try:
                check_bounds(length, start, end)
            except SpanError as exc:
                raise RecordProblem(f"span {index} ({span.label or 'unlabelled'}): {exc}") from None
        if span.layer is not Layer.ARGUMENT and not span.label.strip():
            raise RecordProblem(f"span {index} at {start}..{end}: the label is empty")
    entities = [s for s in annotation.spans if s.layer is Layer.ENTITY and not s.rejected]
    if len(entities) > 1:
        entities.sort(key=_POSITION)
    for previous, current in itertools.pairwise(entities):
        if current.start < previous.end:
            raise RecordProblem(
                f"entity {current.label} at {current.start}..{current.end} overlaps entity "
                f"{previous.label} at {previous.start}..{previous.end}"
            )
    for relation in annotation.relations:
        if not (0 <= relation.head < len(annotation.spans) > relation.child >= 0):
            raise RecordProblem(
                f"relation {relation.label!r} points at span {relation.head + 1} or "
                f"{relation.child + 1}, but the record has {len(annotation.spans)} span(s)"
            )
        if not relation.label.strip():
            raise RecordProblem("a relation has an empty label")
        if relation.head == relation.child:
            raise RecordProblem(f"relation {relation.label} joins a span to itself")
    for topic in annotation.topics:
        if not topic.label or not topic.label.strip():
            raise RecordProblem("a topic label is empty")


def most_decided(*statuses: Status) -> Status:
    """The status a combined set takes: the most decided of its answers."""
    return max(statuses, key=_STATUS_RANK.__getitem__)


def shared_fields(first: dict[str, Any], later: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The kept fields of two answers combined into one set: those they agree on (or only one
    has); and the names of those they disagree on (each task's ``_task_hash``, a binary
    answer's ``label``), which belong to no single task of the combined set."""
    merged = {**first, **later}
    differing = [k for k in first.keys() & later.keys() if first[k] != later[k]]
    for key in differing:
        del merged[key]
    return merged, differing


def combine(first: AnnotationRecord, later: AnnotationRecord) -> tuple[AnnotationRecord, list[str]]:
    """Two partial answers on one text as one set: every judgement kept, the later one
    winning where both judge the same span or topic; with the names of the kept fields the
    two disagreed on (dropped from the set, and reported)."""
    spans = list(first.spans) + list(later.spans)
    offset = len(first.spans)
    relations = list(first.relations) + [
        replace(r, head=r.head + offset, child=r.child + offset) for r in later.relations
    ]
    extra, differing = shared_fields(first.extra, later.extra)
    merged = AnnotationRecord(
        annotator=first.annotator,
        status=most_decided(first.status, later.status),
        spans=spans,
        topics=list(first.topics) + list(later.topics),
        relations=relations,
        partial=True,
        extra=extra,
        task_key=None,
    )
    tidy, _ = fold_duplicates(merged)
    return tidy, differing


def overlaps_existing(
    annotation: AnnotationRecord, existing: list[tuple[int, int, str]]
) -> str | None:
    """Why an accepted entity of ``annotation`` cannot join a set holding ``existing``."""
    for span in annotation.spans:
        if span.layer is not Layer.ENTITY or span.rejected:
            continue
        for start, end, label in existing:
            if (start, end, label) == (span.start, span.end, span.label):
                continue
            if span.start < end and start < span.end:
                return (
                    f"entity {span.label} at {span.start}..{span.end} overlaps entity {label} "
                    f"at {start}..{end} already accepted for this text"
                )
    return None

"""Edits of one annotator's work on one document: spans, suggestions, topics, status, time.

Each edit is one transaction with one edit-log row, committed before the method returns.
Edits only ever touch the acting annotator's own annotation: a colleague's or a model's spans
are read, never changed.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from annotator.core.errors import LabelError, ProjectError, SpanError
from annotator.core.records import LAYER_KIND, LabelKind, Layer, Status
from annotator.core.spans import TokenBounds, check_bounds, snap, token_bounds
from annotator.core.store import annotations as set_store
from annotator.core.store import documents as document_store
from annotator.core.store import labels as label_store
from annotator.core.store import spans as span_store
from annotator.core.store import suggestions as suggestion_store
from annotator.core.store.bulk import now_text
from annotator.core.store.content import LAYERS, loads
from annotator.core.store.imports import delete_spans

if TYPE_CHECKING:
    from annotator.core.project import Project


@dataclass(frozen=True)
class SpanInfo:
    """A span as views and undo commands need it, with its provenance."""

    id: int
    layer: Layer
    start: int
    end: int
    label: str
    note: str | None
    created_by: str
    origin_span_id: int | None
    rejected: bool
    kb_id: str | None = None
    group: str = ""
    #: The span's attributes and a file's fields, kept so an undone deletion restores them.
    attributes: dict[str, Any] = field(default_factory=dict, compare=False)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def accepted_suggestion(self) -> bool:
        return self.origin_span_id is not None and not self.rejected


@dataclass(frozen=True)
class TopicSuggestion:
    label: str
    #: The classifier's confidence that the topic applies, from one half to one.
    score: float


@dataclass
class AnnotationInfo:
    """One annotator's work on one document."""

    document_id: int
    annotator: str
    status: Status
    active_seconds: float
    spans: list[SpanInfo] = field(default_factory=list)
    topics: dict[str, bool] = field(default_factory=dict)


def span_from_row(row: Any) -> SpanInfo:
    """A span read with :data:`SPAN_COLUMNS`; the layer by dictionary, as calling the enum
    costs more than the rest of the row on an article with thousands of spans."""
    return SpanInfo(
        id=row[0],
        layer=LAYERS[row[1]],
        start=row[2],
        end=row[3],
        label=row[4],
        note=row[5],
        created_by=row[6],
        origin_span_id=row[7],
        rejected=bool(row[8]),
        kb_id=row[9],
        group=row[10],
        attributes=loads(row[11]) if row[11] else {},
        extra=loads(row[12]) if row[12] else {},
    )


def _person(conn: Connection, name: str) -> int:
    """The acting annotator's id, added as a person on their first edit."""
    if not name.strip():
        raise ProjectError("An annotator needs a non-empty name.")
    return set_store.ensure_annotator(conn, name)


def _own_set(conn: Connection, document_id: int, annotator: str) -> tuple[int, int]:
    """(annotator id, set id) of the annotator on the document, made on their first edit."""
    if not document_store.exists(conn, document_id):
        raise ProjectError(f"There is no document with id {document_id}.")
    who = _person(conn, annotator)
    return who, set_store.ensure_annotation(conn, document_id, who)


def _label_id(conn: Connection, kind: LabelKind, name: str) -> int:
    found = label_store.label_id(conn, kind.value, name)
    if found is None:
        raise LabelError(f"'{name}' is not a {kind.value} label of this project.")
    return found


def _check_no_clash(
    conn: Connection, annotation_id: int, start: int, end: int, ignore: int | None = None
) -> None:
    """A person's entities may not overlap."""
    clash = span_store.entity_clash(conn, annotation_id, start, end, ignore)
    if clash is not None:
        raise SpanError(f"{start}..{end} overlaps the entity {clash[2]} at {clash[0]}..{clash[1]}")


def _check_owner(span_id: int, owner: str, annotator: str) -> None:
    if owner != annotator:
        raise SpanError(
            f"Span {span_id} belongs to {owner}, not to {annotator}: "
            "edit only your own annotations."
        )


def _suggestion_source(conn: Connection, span_id: int) -> tuple[str, int, int, int]:
    """(layer, start, end, document id) of a model's span; only those can be decided."""
    source = span_store.suggestion_source(conn, span_id)
    if source is None:
        raise SpanError(f"Span {span_id} is not a model suggestion.")
    return source


class Edits:
    """One annotator's edits of a project's documents, as ``project.edits``: the only path by
    which an annotator's own spans, topics and statuses change. Every edit is plain SQL in
    one short transaction, as a key press has to be on screen within a frame even in a
    40,000-token article."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def token_bounds(self, text: str, start: int = 0, end: int | None = None) -> TokenBounds:
        """Token boundaries in the project's language; see ``spans.token_bounds``."""
        return token_bounds(self._project.tokenizer, text, start, end)

    def snapped_range(self, text: str, start: int, end: int) -> tuple[int, int]:
        """Where a selection lands once snapped to tokens, exactly as ``add_span`` stores it:
        the editor asks first, to tell "label this suggestion" from "add a new span"."""
        return snap(text, start, end, self.token_bounds(text, start, end))

    def add_span(
        self,
        document_id: int,
        annotator: str,
        start: int,
        end: int,
        label: str,
        *,
        layer: Layer = Layer.ENTITY,
        note: str | None = None,
        snap_to_tokens: bool = False,
    ) -> SpanInfo:
        """Add an entity or an unreliable passage; entities may not overlap each other."""
        with self._project.write() as conn:
            text = document_store.text(conn, document_id)
            if text is None:
                raise ProjectError(f"There is no document with id {document_id}.")
            if snap_to_tokens:
                start, end = snap(text, start, end, self.token_bounds(text, start, end))
            check_bounds(len(text), start, end)
            label_id = _label_id(conn, LAYER_KIND[layer], label)
            who, annotation_id = _own_set(conn, document_id, annotator)
            if layer is Layer.ENTITY:
                _check_no_clash(conn, annotation_id, start, end)
            now = now_text()
            # The person now says what they once rejected here: the new span replaces the
            # rejection rather than clashing with it.
            span_store.drop_rejection(conn, annotation_id, layer.value, start, end, label_id)
            try:
                span_id = span_store.insert(
                    conn, annotation_id, layer.value, start, end, label_id, who, now, note=note
                )
            except IntegrityError as exc:
                raise SpanError(f"There is already a {label} span at {start}..{end}.") from exc
            set_store.touch(conn, annotation_id, now)
            details = {"span": span_id, "start": start, "end": end, "label": label}
            set_store.log_edit(
                conn,
                "add_span",
                {**details, "layer": layer.value},
                annotator_id=who,
                document_id=document_id,
                now=now,
            )
        return SpanInfo(span_id, layer, start, end, label, note, annotator, None, False)

    def delete_span(self, span_id: int, annotator: str) -> SpanInfo:
        """Remove one of the annotator's spans; returns it so an undo can put it back."""
        with self._project.write() as conn:
            owner = span_store.owner(conn, span_id)
            if owner is None:
                raise SpanError(f"There is no span with id {span_id}.")
            annotation_id, document_id, name, who = owner
            _check_owner(span_id, name, annotator)
            [row] = suggestion_store.spans_by_id(conn, [span_id])
            info = span_from_row(row)
            set_store.touch(conn, annotation_id)
            details = {"span": span_id, "start": info.start, "end": info.end}
            set_store.log_edit(
                conn,
                "delete_span",
                {**details, "label": info.label, "layer": info.layer.value},
                annotator_id=who,
                document_id=document_id,
            )
            delete_spans(conn, [span_id])
        return info

    def update_span(
        self,
        span_id: int,
        annotator: str,
        *,
        label: str | None = None,
        start: int | None = None,
        end: int | None = None,
        note: str | None = None,
    ) -> SpanInfo:
        """Relabel, move the boundaries of, or re-note one of the annotator's spans."""
        with self._project.write() as conn:
            row = span_store.for_update(conn, span_id)
            if row is None:
                raise SpanError(f"There is no span with id {span_id}.")
            layer, old_start, old_end, old_label, old_note, annotation_id = row[:6]
            document_id, owner, owner_id, length = row[6:]
            _check_owner(span_id, owner, annotator)
            new_start = old_start if start is None else start
            new_end = old_end if end is None else end
            check_bounds(length, new_start, new_end)
            if layer == Layer.ENTITY.value:
                _check_no_clash(conn, annotation_id, new_start, new_end, span_id)
            new_label = old_label if label is None else label
            label_id = _label_id(conn, LAYER_KIND[Layer(layer)], new_label)
            new_note = old_note if note is None else (note or None)
            span_store.update(conn, span_id, new_start, new_end, label_id, new_note)
            now = now_text()
            set_store.touch(conn, annotation_id, now)
            before = {"start": old_start, "end": old_end, "label": old_label, "note": old_note}
            set_store.log_edit(
                conn,
                "update_span",
                {"span": span_id, "before": before},
                annotator_id=owner_id,
                document_id=document_id,
                now=now,
            )
            [result] = suggestion_store.spans_by_id(conn, [span_id])
        return span_from_row(result)

    def restore_span(self, document_id: int, annotator: str, span: SpanInfo) -> SpanInfo:
        """Put back a deleted span with its provenance (for undo); it gets a new id."""
        with self._project.write() as conn:
            who, annotation_id = _own_set(conn, document_id, annotator)
            if span.layer is Layer.ENTITY and not span.rejected:
                _check_no_clash(conn, annotation_id, span.start, span.end)
            creator = set_store.annotator_id(conn, span.created_by) or who
            origin = span.origin_span_id
            if origin is not None and not span_store.exists(conn, origin):
                origin = None
            now = now_text()
            new_id = span_store.insert(
                conn,
                annotation_id,
                span.layer.value,
                span.start,
                span.end,
                _label_id(conn, LAYER_KIND[span.layer], span.label),
                creator,
                now,
                note=span.note,
                origin_span_id=origin,
                rejected=span.rejected,
                kb_id=span.kb_id,
                group=span.group,
                attributes=span.attributes,
                extra=span.extra,
            )
            set_store.touch(conn, annotation_id, now)
            set_store.log_edit(
                conn,
                "restore_span",
                {"span": new_id, "previous": span.id},
                annotator_id=who,
                document_id=document_id,
                now=now,
            )
            [row] = suggestion_store.spans_by_id(conn, [new_id])
        return span_from_row(row)

    def suggestions(self, document_id: int, annotator: str) -> list[SpanInfo]:
        """Model spans on the document this annotator has not decided (see
        ``store.suggestions``)."""
        with self._project.read() as conn:
            annotation_id = suggestion_store.annotation_id(conn, document_id, annotator)
            rows = suggestion_store.open_suggestions(conn, document_id, annotation_id)
        return [span_from_row(row) for row in rows]

    def topic_suggestions(self, document_id: int, annotator: str) -> list[TopicSuggestion]:
        """Topics a text classifier says apply and this annotator has not decided; accepting
        or rejecting one is ``set_topic`` with True or False."""
        with self._project.read() as conn:
            annotation_id = suggestion_store.annotation_id(conn, document_id, annotator)
            rows = suggestion_store.open_topic_suggestions(conn, document_id, annotation_id)
        return [TopicSuggestion(label, score) for label, score in rows]

    def _decide(self, span_id: int, annotator: str, *, reject: bool) -> SpanInfo:
        """One suggestion decided, as a label key on a suggestion does."""
        with self._project.write() as conn:
            source = _suggestion_source(conn, span_id)
            layer, start, end, document_id = source
            who, annotation_id = _own_set(conn, document_id, annotator)
            if not reject and layer == Layer.ENTITY.value:
                _check_no_clash(conn, annotation_id, start, end)
            now = now_text()
            [created] = suggestion_store.decide(conn, annotation_id, [span_id], reject, now)
            set_store.touch(conn, annotation_id, now)
            set_store.log_edit(
                conn,
                "reject_suggestion" if reject else "accept_suggestion",
                {"suggestion": span_id, "span": created},
                annotator_id=who,
                document_id=document_id,
                now=now,
            )
            [row] = suggestion_store.spans_by_id(conn, [created])
        return span_from_row(row)

    def accept_suggestion(self, span_id: int, annotator: str) -> SpanInfo:
        """Copy a model's span into the annotator's work, remembering which model made it."""
        return self._decide(span_id, annotator, reject=False)

    def reject_suggestion(self, span_id: int, annotator: str) -> SpanInfo:
        """Record that the annotator rejected a suggestion, so it is not offered again."""
        return self._decide(span_id, annotator, reject=True)

    def decide_suggestions(
        self, document_id: int, annotator: str, *, reject: bool
    ) -> list[SpanInfo]:
        """Accept or reject every open suggestion of the document at once: one statement,
        one edit. Accepting takes the longest first (then the earliest) and leaves open a
        suggestion that overlaps one taken before it (two models disagreeing)."""
        with self._project.write() as conn:
            who, annotation_id = _own_set(conn, document_id, annotator)
            suggestions = [
                span_from_row(row)
                for row in suggestion_store.open_suggestions(conn, document_id, annotation_id)
            ]
            chosen = suggestions if reject else _non_overlapping(suggestions)
            if not chosen:
                return []
            ids = [s.id for s in chosen]
            now = now_text()
            created = suggestion_store.decide(conn, annotation_id, ids, reject, now)
            set_store.touch(conn, annotation_id, now)
            action = "reject_suggestion" if reject else "accept_suggestion"
            if len(ids) == 1:
                details: dict[str, Any] = {"suggestion": ids[0], "span": created[0]}
            else:
                action, details = action + "s", {"suggestions": ids, "spans": created}
            set_store.log_edit(
                conn, action, details, annotator_id=who, document_id=document_id, now=now
            )
            made = [span_from_row(row) for row in suggestion_store.spans_by_id(conn, created)]
        return sorted(made, key=lambda s: (s.start, s.end, s.id))

    def decide_topic_suggestions(
        self, document_id: int, annotator: str, *, reject: bool
    ) -> list[str]:
        """Accept (applies) or reject (does not apply) every topic a classifier suggests on
        the document and the annotator has not decided, as one edit; returns those topics."""
        with self._project.write() as conn:
            who, annotation_id = _own_set(conn, document_id, annotator)
            decided = suggestion_store.decide_topics(conn, document_id, annotation_id, reject)
            if decided:
                set_store.touch(conn, annotation_id)
                set_store.log_edit(
                    conn,
                    "decide_topics",
                    {"topics": decided, "reject": reject},
                    annotator_id=who,
                    document_id=document_id,
                )
            return decided

    def clear_topics(self, document_id: int, annotator: str, labels: list[str]) -> None:
        """Make several topics undecided again as one edit (undo of deciding them all)."""
        if not labels:
            return
        with self._project.write() as conn:
            who, annotation_id = _own_set(conn, document_id, annotator)
            suggestion_store.clear_topics(conn, annotation_id, labels)
            set_store.touch(conn, annotation_id)
            set_store.log_edit(
                conn,
                "clear_topics",
                {"topics": labels},
                annotator_id=who,
                document_id=document_id,
            )

    def remove_spans(self, span_ids: list[int], annotator: str) -> None:
        """Remove several of the annotator's spans as one edit (undo of a decision on many
        suggestions): one ownership query and one delete per chunk, so undoing the accept-all
        of a long article takes milliseconds, not one transaction per span."""
        if not span_ids:
            return
        with self._project.write() as conn:
            found = span_store.owners(conn, span_ids)
            if found.missing:
                raise SpanError(f"There is no span with id {found.missing[0]}.")
            strangers = sorted(name for _, name in found.sets if name != annotator)
            if strangers:
                raise SpanError(
                    f"Some of these spans belong to {strangers[0]}, not to {annotator}: "
                    "edit only your own annotations."
                )
            now = now_text()
            who = set_store.annotator_id(conn, annotator)
            for annotation_id, _ in sorted(found.sets):
                set_store.touch(conn, annotation_id, now)
                set_store.log_edit(
                    conn,
                    "delete_spans",
                    {"spans": span_ids},
                    annotator_id=who,
                    document_id=document_store.of_set(conn, annotation_id),
                    now=now,
                )
            delete_spans(conn, span_ids)

    def set_topic(self, document_id: int, annotator: str, label: str, applies: bool | None) -> None:
        """Say that a topic applies, does not apply, or (None) clear the decision."""
        with self._project.write() as conn:
            label_id = _label_id(conn, LabelKind.TOPIC, label)
            who, annotation_id = _own_set(conn, document_id, annotator)
            set_store.set_topic(conn, annotation_id, label_id, applies)
            set_store.touch(conn, annotation_id)
            set_store.log_edit(
                conn,
                "set_topic",
                {"label": label, "applies": applies},
                annotator_id=who,
                document_id=document_id,
            )

    def set_status(self, document_id: int, annotator: str, status: Status) -> None:
        with self._project.write() as conn:
            who, annotation_id = _own_set(conn, document_id, annotator)
            previous = set_store.set_status(conn, annotation_id, status.value)
            set_store.log_edit(
                conn,
                "set_status",
                {"before": previous, "after": status.value},
                annotator_id=who,
                document_id=document_id,
            )

    def add_active_time(self, document_id: int, annotator: str, seconds: float) -> None:
        """Add time the annotator actively spent on the document (idle time excluded by caller)."""
        if seconds <= 0:
            return
        with self._project.write() as conn:
            _, annotation_id = _own_set(conn, document_id, annotator)
            set_store.add_active_time(conn, annotation_id, seconds)

    def annotation(self, document_id: int, annotator: str) -> AnnotationInfo | None:
        """The annotator's work on the document, or None when they have not touched it.

        Plain SQL rather than ORM loading: the reading pane calls this after every edit, and
        an article may carry thousands of spans.
        """
        with self._project.read() as conn:
            head = set_store.annotation_head(conn, document_id, annotator)
            if head is None:
                return None
            spans = span_store.of_set(conn, head[0])
            topics = set_store.topics_of_set(conn, head[0])
        return AnnotationInfo(
            document_id=document_id,
            annotator=annotator,
            status=Status(head[1]),
            active_seconds=head[2],
            spans=[span_from_row(row) for row in spans],
            topics=dict(topics),
        )


def _non_overlapping(suggestions: list[SpanInfo]) -> list[SpanInfo]:
    """Entity suggestions that can all be accepted together: longest first, then earliest;
    other layers may overlap freely. The entities taken never overlap, so only the one
    starting last before a candidate ends can clash with it: a bisect, not a scan (a long
    article brings thousands)."""
    taken: list[SpanInfo] = []
    starts: list[int] = []
    ends: list[int] = []
    for span in sorted(suggestions, key=lambda s: (s.start - s.end, s.start, s.id)):
        if span.layer is Layer.ENTITY:
            index = bisect.bisect_left(starts, span.end)
            if index and ends[index - 1] > span.start:
                continue
            starts.insert(index, span.start)
            ends.insert(index, span.end)
        taken.append(span)
    return sorted(taken, key=lambda s: (s.start, s.end, s.id))

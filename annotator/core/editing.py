"""Edits of one annotator's work on one document: spans, suggestions, topics, status, time.

Each edit is one transaction with one edit-log row, committed before the method returns.
Edits only ever touch the acting annotator's own annotation: a colleague's or a model's spans
are read, never changed.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from annotator.core.errors import LabelError, ProjectError, SpanError
from annotator.core.records import LAYER_KIND, LabelKind, Layer, Status
from annotator.core.spans import TokenBounds, check_bounds, snap, token_bounds
from annotator.core.store import spans as span_store
from annotator.core.store import suggestions as suggestion_store
from annotator.core.store.bulk import now_text
from annotator.core.store.content import LAYERS, loads
from annotator.core.store.imports import delete_spans
from annotator.core.store.models import (
    Annotation,
    Annotator,
    Document,
    EditLog,
    Label,
    Span,
    Topic,
    utcnow,
)
from annotator.core.store.suggestions import SPAN_COLUMNS

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


def span_info(span: Span, creator: str) -> SpanInfo:
    return SpanInfo(
        id=span.id,
        layer=Layer(span.layer),
        start=span.start,
        end=span.end,
        label=span.label.name,
        note=span.note,
        created_by=creator,
        origin_span_id=span.origin_span_id,
        rejected=span.rejected,
        kb_id=span.kb_id,
        group=span.span_group,
        attributes=dict(span.attributes or {}),
        extra=dict(span.extra or {}),
    )


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


def _annotator_id(conn: Connection, name: str) -> int:
    """The annotator's id, adding a human annotator of that name on first use."""
    found = conn.exec_driver_sql("SELECT id FROM annotators WHERE name = ?", (name,)).scalar()
    if found is not None:
        return int(found)
    if not name.strip():
        raise ProjectError("An annotator needs a non-empty name.")
    return int(
        conn.exec_driver_sql(
            "INSERT INTO annotators (name, kind) VALUES (?, 'human')", (name,)
        ).lastrowid
    )


def _annotation_id(conn: Connection, document_id: int, annotator_id: int) -> int:
    """The annotator's annotation of the document, created (status new) on the first edit."""
    found = conn.exec_driver_sql(
        "SELECT id FROM annotations WHERE document_id = ? AND annotator_id = ?",
        (document_id, annotator_id),
    ).scalar()
    if found is not None:
        return int(found)
    now = now_text()
    return int(
        conn.exec_driver_sql(
            "INSERT INTO annotations (document_id, annotator_id, status, active_seconds, "
            "created_at, updated_at) VALUES (?, ?, 'new', 0, ?, ?)",
            (document_id, annotator_id, now, now),
        ).lastrowid
    )


class Edits:
    """One annotator's edits of a project's documents, as ``project.edits``: the only path by
    which an annotator's own spans, topics and statuses change."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def _annotator(self, session: Session, name: str) -> Annotator:
        annotator = session.scalar(select(Annotator).where(Annotator.name == name))
        if annotator is None:
            annotator = Annotator(name=name, kind="human")
            session.add(annotator)
            session.flush()
        return annotator

    def _annotation(self, session: Session, document_id: int, annotator: Annotator) -> Annotation:
        """The annotator's annotation of the document, created on the first edit."""
        annotation = session.scalar(
            select(Annotation).where(
                Annotation.document_id == document_id, Annotation.annotator_id == annotator.id
            )
        )
        if annotation is None:
            if session.get(Document, document_id) is None:
                raise ProjectError(f"There is no document with id {document_id}.")
            annotation = Annotation(
                document_id=document_id, annotator_id=annotator.id, status=Status.NEW.value
            )
            session.add(annotation)
            session.flush()
        return annotation

    @staticmethod
    def _touch(annotation: Annotation) -> None:
        """A first edit moves a new document to in progress; every edit updates the time."""
        if annotation.status == Status.NEW.value:
            annotation.status = Status.IN_PROGRESS.value
        annotation.updated_at = utcnow()

    @staticmethod
    def _label(session: Session, kind: LabelKind, name: str) -> Label:
        label = session.scalar(select(Label).where(Label.kind == kind.value, Label.name == name))
        if label is None:
            raise LabelError(f"'{name}' is not a {kind.value} label of this project.")
        return label

    @staticmethod
    def _log(
        session: Session, annotator: Annotator, document_id: int | None, action: str, **details: Any
    ) -> None:
        session.add(
            EditLog(
                annotator_id=annotator.id, document_id=document_id, action=action, details=details
            )
        )

    def _own_span(self, session: Session, span_id: int, annotator_name: str) -> Span:
        span = session.get(Span, span_id)
        if span is None:
            raise SpanError(f"There is no span with id {span_id}.")
        if span.annotation.annotator.name != annotator_name:
            raise SpanError(
                f"Span {span_id} belongs to {span.annotation.annotator.name}, "
                f"not to {annotator_name}: edit only your own annotations."
            )
        return span

    @staticmethod
    def _check_entity_overlap(
        session: Session, annotation: Annotation, start: int, end: int, ignore: int | None = None
    ) -> None:
        for other in session.scalars(
            select(Span).where(
                Span.annotation_id == annotation.id,
                Span.layer == Layer.ENTITY.value,
                Span.rejected.is_(False),
                Span.start < end,
                Span.end > start,
            )
        ):
            if other.id != ignore:
                raise SpanError(
                    f"{start}..{end} overlaps the entity {other.label.name} at "
                    f"{other.start}..{other.end}"
                )

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
        """Add an entity or an unreliable passage; entities may not overlap each other.

        Plain SQL in one short transaction, like ``update_span``: a new span has to be on
        screen within a frame even in a 40,000-token article.
        """
        with self._project.write() as conn:
            text = conn.exec_driver_sql(
                "SELECT text FROM documents WHERE id = ?", (document_id,)
            ).scalar()
            if text is None:
                raise ProjectError(f"There is no document with id {document_id}.")
            if snap_to_tokens:
                start, end = snap(text, start, end, self.token_bounds(text, start, end))
            check_bounds(len(text), start, end)
            kind = LAYER_KIND[layer].value
            label_id = conn.exec_driver_sql(
                "SELECT id FROM labels WHERE kind = ? AND name = ?", (kind, label)
            ).scalar()
            if label_id is None:
                raise LabelError(f"'{label}' is not a {kind} label of this project.")
            who = _annotator_id(conn, annotator)
            annotation_id = _annotation_id(conn, document_id, who)
            if layer is Layer.ENTITY:
                clash = span_store.entity_clash(conn, annotation_id, start, end)
                if clash is not None:
                    raise SpanError(
                        f"{start}..{end} overlaps the entity {clash[2]} at {clash[0]}..{clash[1]}"
                    )
            now = now_text()
            # The person now says what they once rejected here: the new span replaces the
            # rejection rather than clashing with it.
            conn.exec_driver_sql(
                "DELETE FROM spans WHERE annotation_id = ? AND layer = ? AND span_group = '' "
                'AND start = ? AND "end" = ? AND label_id = ? AND rejected = 1',
                (annotation_id, layer.value, start, end, label_id),
            )
            try:
                span_id = conn.exec_driver_sql(
                    'INSERT INTO spans (annotation_id, layer, start, "end", label_id, note, '
                    "created_by, rejected, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
                    (annotation_id, layer.value, start, end, label_id, note, who, now),
                ).lastrowid
            except IntegrityError as exc:
                raise SpanError(f"There is already a {label} span at {start}..{end}.") from exc
            span_store.touch(conn, annotation_id, now)
            details = {"span": span_id, "start": start, "end": end, "label": label}
            span_store.log_edit(
                conn,
                now,
                who,
                document_id,
                "add_span",
                json.dumps({**details, "layer": layer.value}),
            )
        return SpanInfo(span_id, layer, start, end, label, note, annotator, None, False)

    def delete_span(self, span_id: int, annotator: str) -> SpanInfo:
        """Remove one of the annotator's spans; returns it so an undo can put it back."""
        with self._project.transaction() as session:
            span = self._own_span(session, span_id, annotator)
            info = span_info(span, session.get(Annotator, span.created_by).name)
            who = span.annotation.annotator
            self._touch(span.annotation)
            self._log(
                session,
                who,
                span.annotation.document_id,
                "delete_span",
                span=span_id,
                start=span.start,
                end=span.end,
                label=info.label,
                layer=span.layer,
            )
            session.delete(span)
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
        """Relabel, move the boundaries of, or re-note one of the annotator's spans.

        Plain SQL in one short transaction: this is the edit an annotator repeats most, and
        it has to be on screen within a frame.
        """
        with self._project.write() as conn:
            row = conn.exec_driver_sql(
                'SELECT s.layer, s.start, s."end", l.name, s.note, a.id, a.document_id, '
                "n.name, n.id, d.length FROM spans AS s "
                "JOIN annotations AS a ON a.id = s.annotation_id "
                "JOIN annotators AS n ON n.id = a.annotator_id "
                "JOIN labels AS l ON l.id = s.label_id "
                "JOIN documents AS d ON d.id = a.document_id WHERE s.id = ?",
                (span_id,),
            ).first()
            if row is None:
                raise SpanError(f"There is no span with id {span_id}.")
            layer, old_start, old_end, old_label, old_note, annotation_id = row[:6]
            document_id, owner, owner_id, length = row[6:]
            if owner != annotator:
                raise SpanError(
                    f"Span {span_id} belongs to {owner}, not to {annotator}: "
                    "edit only your own annotations."
                )
            new_start = old_start if start is None else start
            new_end = old_end if end is None else end
            check_bounds(length, new_start, new_end)
            if layer == Layer.ENTITY.value:
                clash = span_store.entity_clash(conn, annotation_id, new_start, new_end, span_id)
                if clash is not None:
                    raise SpanError(
                        f"{new_start}..{new_end} overlaps the entity {clash[2]} at "
                        f"{clash[0]}..{clash[1]}"
                    )
            new_label = old_label if label is None else label
            label_id = conn.exec_driver_sql(
                "SELECT id FROM labels WHERE kind = ? AND name = ?",
                (LAYER_KIND[Layer(layer)].value, new_label),
            ).scalar()
            if label_id is None:
                raise LabelError(
                    f"'{new_label}' is not a {LAYER_KIND[Layer(layer)].value} label of this "
                    "project."
                )
            new_note = old_note if note is None else (note or None)
            conn.exec_driver_sql(
                'UPDATE spans SET start = ?, "end" = ?, label_id = ?, note = ? WHERE id = ?',
                (new_start, new_end, label_id, new_note, span_id),
            )
            now = now_text()
            span_store.touch(conn, annotation_id, now)
            before = {"start": old_start, "end": old_end, "label": old_label, "note": old_note}
            details = json.dumps({"span": span_id, "before": before})
            span_store.log_edit(conn, now, owner_id, document_id, "update_span", details)
            result = conn.exec_driver_sql(
                f"SELECT {SPAN_COLUMNS} FROM spans AS s JOIN labels AS l ON l.id = s.label_id "
                "JOIN annotators AS c ON c.id = s.created_by WHERE s.id = ?",
                (span_id,),
            ).first()
        return span_from_row(result)

    def restore_span(self, document_id: int, annotator: str, span: SpanInfo) -> SpanInfo:
        """Put back a deleted span with its provenance (for undo); it gets a new id."""
        with self._project.transaction() as session:
            who = self._annotator(session, annotator)
            annotation = self._annotation(session, document_id, who)
            if span.layer is Layer.ENTITY and not span.rejected:
                self._check_entity_overlap(session, annotation, span.start, span.end)
            creator = session.scalar(select(Annotator).where(Annotator.name == span.created_by))
            origin = span.origin_span_id
            if origin is not None and session.get(Span, origin) is None:
                origin = None
            row = Span(
                annotation_id=annotation.id,
                layer=span.layer.value,
                start=span.start,
                end=span.end,
                label=self._label(session, LAYER_KIND[span.layer], span.label),
                note=span.note,
                created_by=(creator or who).id,
                origin_span_id=origin,
                rejected=span.rejected,
                kb_id=span.kb_id,
                span_group=span.group,
                attributes=span.attributes or None,
                extra=span.extra or None,
            )
            session.add(row)
            self._touch(annotation)
            session.flush()
            self._log(session, who, document_id, "restore_span", span=row.id, previous=span.id)
            return span_info(row, (creator or who).name)

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
        """One suggestion decided: plain SQL in one short transaction, as a label key on a
        suggestion has to show within a frame."""
        with self._project.write() as conn:
            source = span_store.suggestion_source(conn, span_id)
            if source is None:
                raise SpanError(f"Span {span_id} is not a model suggestion.")
            layer, start, end, document_id = source
            who = _annotator_id(conn, annotator)
            annotation_id = _annotation_id(conn, document_id, who)
            if not reject and layer == Layer.ENTITY.value:
                clash = span_store.entity_clash(conn, annotation_id, start, end)
                if clash is not None:
                    raise SpanError(
                        f"{start}..{end} overlaps the entity {clash[2]} at {clash[0]}..{clash[1]}"
                    )
            now = now_text()
            [created] = suggestion_store.decide(conn, annotation_id, [span_id], reject, now)
            span_store.touch(conn, annotation_id, now)
            action = "reject_suggestion" if reject else "accept_suggestion"
            details = json.dumps({"suggestion": span_id, "span": created})
            span_store.log_edit(conn, now, who, document_id, action, details)
            [row] = suggestion_store.spans_by_id(conn, [created])
        return span_from_row(row)

    def _copy_suggestions(
        self,
        session: Session,
        who: Annotator,
        annotation: Annotation,
        suggestion_ids: list[int],
        reject: bool,
    ) -> list[SpanInfo]:
        """The decisions as spans of the annotator's set, made in one statement and logged
        as one edit."""
        conn = session.connection()
        created = suggestion_store.decide(conn, annotation.id, suggestion_ids, reject, now_text())
        self._touch(annotation)
        action = "reject_suggestion" if reject else "accept_suggestion"
        if len(suggestion_ids) == 1:
            self._log(
                session,
                who,
                annotation.document_id,
                action,
                suggestion=suggestion_ids[0],
                span=created[0],
            )
        else:
            self._log(
                session,
                who,
                annotation.document_id,
                action + "s",
                suggestions=suggestion_ids,
                spans=created,
            )
        session.flush()
        made = [span_from_row(row) for row in suggestion_store.spans_by_id(conn, created)]
        return sorted(made, key=lambda s: (s.start, s.end, s.id))

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
        with self._project.transaction() as session:
            who = self._annotator(session, annotator)
            annotation = self._annotation(session, document_id, who)
            session.flush()
            conn = session.connection()
            suggestions = [
                span_from_row(row)
                for row in suggestion_store.open_suggestions(conn, document_id, annotation.id)
            ]
            chosen = suggestions if reject else _non_overlapping(suggestions)
            if not chosen:
                return []
            return self._copy_suggestions(session, who, annotation, [s.id for s in chosen], reject)

    def decide_topic_suggestions(
        self, document_id: int, annotator: str, *, reject: bool
    ) -> list[str]:
        """Accept (applies) or reject (does not apply) every topic a classifier suggests on
        the document and the annotator has not decided, as one edit; returns those topics."""
        with self._project.transaction() as session:
            who = self._annotator(session, annotator)
            annotation = self._annotation(session, document_id, who)
            session.flush()
            decided = suggestion_store.decide_topics(
                session.connection(), document_id, annotation.id, reject
            )
            if decided:
                self._touch(annotation)
                self._log(session, who, document_id, "decide_topics", topics=decided, reject=reject)
            return decided

    def clear_topics(self, document_id: int, annotator: str, labels: list[str]) -> None:
        """Make several topics undecided again as one edit (undo of deciding them all)."""
        if not labels:
            return
        with self._project.transaction() as session:
            who = self._annotator(session, annotator)
            annotation = self._annotation(session, document_id, who)
            suggestion_store.clear_topics(session.connection(), annotation.id, labels)
            self._touch(annotation)
            self._log(session, who, document_id, "clear_topics", topics=labels)

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
            for annotation_id, _ in sorted(found.sets):
                conn.exec_driver_sql(
                    "UPDATE annotations SET status = CASE WHEN status = 'new' THEN "
                    "'in_progress' ELSE status END, updated_at = ? WHERE id = ?",
                    (now, annotation_id),
                )
                conn.exec_driver_sql(
                    "INSERT INTO edit_log (at, annotator_id, document_id, action, details) "
                    "SELECT ?, annotator_id, document_id, 'delete_spans', ? FROM annotations "
                    "WHERE id = ?",
                    (now, json.dumps({"spans": span_ids}), annotation_id),
                )
            delete_spans(conn, span_ids)

    def set_topic(self, document_id: int, annotator: str, label: str, applies: bool | None) -> None:
        """Say that a topic applies, does not apply, or (None) clear the decision."""
        with self._project.transaction() as session:
            who = self._annotator(session, annotator)
            annotation = self._annotation(session, document_id, who)
            label_row = self._label(session, LabelKind.TOPIC, label)
            topic = session.scalar(
                select(Topic).where(
                    Topic.annotation_id == annotation.id, Topic.label_id == label_row.id
                )
            )
            if applies is None:
                if topic is not None:
                    session.delete(topic)
            elif topic is None:
                session.add(
                    Topic(annotation_id=annotation.id, label_id=label_row.id, applies=applies)
                )
            else:
                topic.applies = applies
            self._touch(annotation)
            self._log(session, who, document_id, "set_topic", label=label, applies=applies)

    def set_status(self, document_id: int, annotator: str, status: Status) -> None:
        with self._project.transaction() as session:
            who = self._annotator(session, annotator)
            annotation = self._annotation(session, document_id, who)
            previous = annotation.status
            annotation.status = status.value
            annotation.updated_at = utcnow()
            self._log(session, who, document_id, "set_status", before=previous, after=status.value)

    def add_active_time(self, document_id: int, annotator: str, seconds: float) -> None:
        """Add time the annotator actively spent on the document (idle time excluded by caller)."""
        if seconds <= 0:
            return
        with self._project.transaction() as session:
            who = self._annotator(session, annotator)
            annotation = self._annotation(session, document_id, who)
            annotation.active_seconds += seconds

    def annotation(self, document_id: int, annotator: str) -> AnnotationInfo | None:
        """The annotator's work on the document, or None when they have not touched it.

        Plain SQL rather than ORM loading: the reading pane calls this after every edit, and
        an article may carry thousands of spans.
        """
        with self._project.read() as conn:
            head = conn.exec_driver_sql(
                "SELECT a.id, a.status, a.active_seconds FROM annotations AS a "
                "JOIN annotators AS n ON n.id = a.annotator_id "
                "WHERE a.document_id = ? AND n.name = ?",
                (document_id, annotator),
            ).first()
            if head is None:
                return None
            spans = conn.exec_driver_sql(
                f"SELECT {SPAN_COLUMNS} FROM spans AS s JOIN labels AS l ON l.id = s.label_id "
                "JOIN annotators AS c ON c.id = s.created_by WHERE s.annotation_id = ? "
                'ORDER BY s.start, s."end"',
                (head[0],),
            ).all()
            topics = conn.exec_driver_sql(
                "SELECT l.name, t.applies FROM topics AS t JOIN labels AS l ON l.id = t.label_id "
                "WHERE t.annotation_id = ?",
                (head[0],),
            ).all()
        return AnnotationInfo(
            document_id=document_id,
            annotator=annotator,
            status=Status(head[1]),
            active_seconds=head[2],
            spans=[span_from_row(row) for row in spans],
            topics={name: bool(applies) for name, applies in topics},
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

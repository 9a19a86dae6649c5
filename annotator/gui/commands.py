"""Undo commands: each one calls the project's editing API, never touches widgets.

A command is applied once before it is pushed (so a refused edit raises where the user acted
and never enters the stack); later redo/undo calls report failures through the session.
Spans recreated by undo get new ids; the session maps the old ids onto them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from annotator.core import boilerplate
from annotator.core.adjudication import (
    REVIEWED,
    Adoption,
    ReviewItem,
    ReviewMark,
    Settlement,
    adopt_min,
    mark_review,
    settle_many,
    undo_adoption,
    undo_review_mark,
    undo_settlements,
)
from annotator.core.editing import SpanInfo
from annotator.core.errors import AnnotatorError, ServerUnreachable
from annotator.core.records import Layer, Status
from annotator.core.relations import (
    RelationInfo,
    RemovedRelation,
    delete_relation,
    reattach,
    relations_touching,
    restore_relation,
    set_link,
)
from annotator.gui.busy import busy
from annotator.gui.session import ProjectSession


class EditCommand(QUndoCommand):
    """Base: knows its document, applies once before the push, reports later failures. A
    ``bulk`` command (many spans at once) runs under a busy cursor that drops input made
    meanwhile, whether done, undone or redone."""

    bulk = False

    def __init__(self, session: ProjectSession, document_id: int, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.document_id = document_id
        self._pushed = False

    @property
    def annotator(self) -> str:
        return self.session.annotator

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        self._run(self.apply)

    def undo(self) -> None:
        self._run(self.revert)

    def _run(self, action: object) -> None:
        # The views catch up inside the busy block too: their re-read of a long article is
        # part of the wait, and input made during it is dropped as well.
        with busy(self.bulk):
            try:
                action()  # type: ignore[operator]
            except AnnotatorError as exc:
                self.session.errorOccurred.emit(f"Could not {self.text().lower()}: {exc}")
            self.session.focusRequested.emit(self.document_id)
            self.session.documentChanged.emit(self.document_id)


def execute(session: ProjectSession, command: EditCommand) -> None:
    """Apply the command (raising AnnotatorError if refused), then push it for undo. While
    the team's server cannot be reached the edit is kept in the outbox instead, in order."""
    if session.outbox.offline:
        session.outbox.keep(command)
        return
    with busy(command.bulk):
        try:
            command.apply()
        except ServerUnreachable as exc:
            session.outbox.keep(command, str(exc))
            return
        push_applied(session, command)


def push_applied(session: ProjectSession, command: EditCommand) -> None:
    """An applied command goes on the undo stack, and its document's views follow."""
    session.undo_stack.push(command)
    session.documentChanged.emit(command.document_id)


class AddSpan(EditCommand):
    def __init__(
        self,
        session: ProjectSession,
        document_id: int,
        start: int,
        end: int,
        label: str,
        *,
        layer: Layer = Layer.ENTITY,
        note: str | None = None,
        snap: bool = True,
    ) -> None:
        kind = "entity" if layer is Layer.ENTITY else "unreliable passage"
        super().__init__(session, document_id, f"Add {kind} {label}")
        self.request = (start, end, label, layer, note, snap)
        self.created: SpanInfo | None = None

    def apply(self) -> None:
        if self.created is None:
            start, end, label, layer, note, snap = self.request
            self.created = self.session.project.edits.add_span(
                self.document_id,
                self.annotator,
                start,
                end,
                label,
                layer=layer,
                note=note,
                snap_to_tokens=snap,
            )
        else:
            restored = self.session.project.edits.restore_span(
                self.document_id, self.annotator, self.created
            )
            self.session.remap(self.created.id, restored.id)

    def revert(self) -> None:
        assert self.created is not None
        self.session.project.edits.delete_span(
            self.session.resolve(self.created.id), self.annotator
        )


class DeleteSpan(EditCommand):
    """Delete a span; undo brings it back with the relations its deletion took along."""

    def __init__(self, session: ProjectSession, document_id: int, span: SpanInfo) -> None:
        super().__init__(session, document_id, f"Delete {span.label}")
        self.span = span
        self.relations: list[tuple[object, ...]] = []
        self.deleted_id = span.id

    def apply(self) -> None:
        self.deleted_id = self.session.resolve(self.span.id)
        self.relations = relations_touching(self.session.project, self.deleted_id)
        self.session.project.edits.delete_span(self.deleted_id, self.annotator)

    def revert(self) -> None:
        restored = self.session.project.edits.restore_span(
            self.document_id, self.annotator, self.span
        )
        self.session.remap(self.span.id, restored.id)
        self.session.remap(self.deleted_id, restored.id)
        reattach(self.session.project, self.relations, self.session.resolve)


class UpdateSpan(EditCommand):
    """Relabel, move a boundary or change a note."""

    def __init__(
        self,
        session: ProjectSession,
        document_id: int,
        before: SpanInfo,
        *,
        label: str | None = None,
        start: int | None = None,
        end: int | None = None,
        note: str | None = None,
        text: str = "Change span",
    ) -> None:
        super().__init__(session, document_id, text)
        self.before = before
        self.changes = {"label": label, "start": start, "end": end, "note": note}
        self.result: SpanInfo | None = None

    def apply(self) -> None:
        self.result = self.session.project.edits.update_span(
            self.session.resolve(self.before.id), self.annotator, **self.changes
        )

    def revert(self) -> None:
        self.session.project.edits.update_span(
            self.session.resolve(self.before.id),
            self.annotator,
            label=self.before.label,
            start=self.before.start,
            end=self.before.end,
            note=self.before.note or "",
        )


class DecideSuggestion(EditCommand):
    """Accept or reject a model suggestion; undo makes it a pending suggestion again. A label
    key on a suggestion accepts it under that label: accepting and relabelling are one undo
    step."""

    def __init__(
        self,
        session: ProjectSession,
        document_id: int,
        suggestion: SpanInfo,
        *,
        reject: bool,
        label: str | None = None,
    ) -> None:
        self.label = label if label is not None and not reject else suggestion.label
        if reject:
            what = f"Reject suggestion {suggestion.label}"
        elif self.label == suggestion.label:
            what = f"Accept suggestion {suggestion.label}"
        else:
            what = f"Accept {suggestion.label} as {self.label}"
        super().__init__(session, document_id, what)
        self.suggestion = suggestion
        self.reject = reject
        self.created: SpanInfo | None = None

    def apply(self) -> None:
        project = self.session.project
        decide = project.edits.reject_suggestion if self.reject else project.edits.accept_suggestion
        made = decide(self.suggestion.id, self.annotator)
        if self.label != made.label:
            try:
                made = project.edits.update_span(made.id, self.annotator, label=self.label)
            except AnnotatorError:
                project.edits.delete_span(made.id, self.annotator)
                raise
        if self.created is not None:
            self.session.remap(self.created.id, made.id)
        else:
            self.created = made

    def revert(self) -> None:
        assert self.created is not None
        self.session.project.edits.delete_span(
            self.session.resolve(self.created.id), self.annotator
        )


class AddOverSuggestions(EditCommand):
    """A new entity where the model guessed otherwise: the overlapping suggestions are
    rejected and the span added as one undo step, as in Prodigy's ner.correct."""

    def __init__(
        self,
        session: ProjectSession,
        document_id: int,
        start: int,
        end: int,
        label: str,
        *,
        snap: bool,
        overlapping: list[SpanInfo],
    ) -> None:
        super().__init__(session, document_id, f"Add entity {label}")
        self.add = AddSpan(session, document_id, start, end, label, snap=snap)
        self.rejections = [
            DecideSuggestion(session, document_id, s, reject=True) for s in overlapping
        ]
        self.steps: list[EditCommand] = [*self.rejections, self.add]

    @property
    def created(self) -> SpanInfo | None:
        return self.add.created

    @property
    def rejected(self) -> tuple[SpanInfo, ...]:
        """The rejections of the replaced suggestions, as spans of the person's set."""
        return tuple(step.created for step in self.rejections if step.created is not None)

    def apply(self) -> None:
        done: list[EditCommand] = []
        try:
            for step in self.steps:
                step.apply()
                done.append(step)
        except AnnotatorError:
            for step in reversed(done):
                step.revert()
            raise

    def revert(self) -> None:
        for step in reversed(self.steps):
            step.revert()


class DecideAll(EditCommand):
    """Accepting (or rejecting) every open suggestion of a document, entities and topics:
    set-based statements, one undo step. Redo decides again and maps the new spans onto the
    ones views know."""

    bulk = True

    def __init__(self, session: ProjectSession, document_id: int, *, reject: bool) -> None:
        verb = "Reject" if reject else "Accept"
        super().__init__(session, document_id, f"{verb} all suggestions")
        self.reject = reject
        self.created: list[SpanInfo] = []
        self.topics: list[str] = []

    def apply(self) -> None:
        project = self.session.project
        self.topics = project.edits.decide_topic_suggestions(
            self.document_id, self.annotator, reject=self.reject
        )
        made = project.edits.decide_suggestions(
            self.document_id, self.annotator, reject=self.reject
        )
        if self.created:
            fresh = {_place(span): span for span in made}
            for old in self.created:
                new = fresh.get(_place(old))
                if new is not None:
                    self.session.remap(old.id, new.id)
        else:
            self.created = made

    def revert(self) -> None:
        ids = [self.session.resolve(span.id) for span in self.created]
        self.session.project.edits.remove_spans(ids, self.annotator)
        self.session.project.edits.clear_topics(self.document_id, self.annotator, self.topics)


def _place(span: SpanInfo) -> tuple[str, int, int, str]:
    return (span.layer.value, span.start, span.end, span.label)


class Boilerplate(EditCommand):
    """Grey a region out as boilerplate, or make greyed text article text again; undo puts
    the regions back exactly."""

    def __init__(
        self, session: ProjectSession, document_id: int, start: int, end: int, *, unmark: bool
    ) -> None:
        super().__init__(
            session, document_id, "Unmark boilerplate" if unmark else "Mark boilerplate"
        )
        self.start, self.end, self.unmark = start, end, unmark
        self.change: boilerplate.Change | None = None

    def apply(self) -> None:
        act = boilerplate.unmark if self.unmark else boilerplate.mark
        self.change = act(
            self.session.project, self.document_id, self.start, self.end, self.annotator
        )

    def revert(self) -> None:
        assert self.change is not None
        boilerplate.undo(self.session.project, self.change)


class SetTopic(EditCommand):
    def __init__(
        self,
        session: ProjectSession,
        document_id: int,
        label: str,
        applies: bool | None,
        before: bool | None,
    ) -> None:
        state = {True: "applies", False: "does not apply", None: "cleared"}[applies]
        super().__init__(session, document_id, f"Topic {label} {state}")
        self.label, self.applies, self.before = label, applies, before

    def apply(self) -> None:
        self.session.project.edits.set_topic(
            self.document_id, self.annotator, self.label, self.applies
        )

    def revert(self) -> None:
        self.session.project.edits.set_topic(
            self.document_id, self.annotator, self.label, self.before
        )


class SetStatus(EditCommand):
    def __init__(
        self, session: ProjectSession, document_id: int, status: Status, before: Status
    ) -> None:
        super().__init__(session, document_id, f"Mark {status.value.replace('_', ' ')}")
        self.status, self.before = status, before

    def apply(self) -> None:
        self.session.project.edits.set_status(self.document_id, self.annotator, self.status)

    def revert(self) -> None:
        self.session.project.edits.set_status(self.document_id, self.annotator, self.before)


class Settle(EditCommand):
    """The reviewer settles disagreements into the gold set; undo restores gold exactly."""

    bulk = True

    def __init__(
        self,
        session: ProjectSession,
        document_id: int,
        items: list[ReviewItem],
        choice: str,
        reviewer: str,
    ) -> None:
        what = items[0].label or items[0].layer if len(items) == 1 else f"{len(items)} items"
        super().__init__(session, document_id, f"Settle {what}: {choice}")
        self.items, self.choice, self.reviewer = items, choice, reviewer
        self.settlements: list[Settlement] = []

    def apply(self) -> None:
        self.settlements = settle_many(
            self.session.project, self.document_id, self.items, self.choice, self.reviewer
        )

    def revert(self) -> None:
        undo_settlements(self.session.project, self.settlements)
        self.settlements = []


class AdoptMin(EditCommand):
    """Adopt what at least K of the compared annotators agree on, in one document or in all:
    one set-based transaction, and one undo step that puts every gold set back."""

    bulk = True

    def __init__(
        self,
        session: ProjectSession,
        document_id: int,
        annotators: list[str],
        min_agree: int,
        reviewer: str,
        document_ids: list[int] | None,
        after: Callable[[], None] | None = None,
    ) -> None:
        where = "here" if document_ids is not None else "in every document"
        super().__init__(
            session,
            document_id,
            f"Adopt what at least {min_agree} of {len(annotators)} agree on {where}",
        )
        self.annotators, self.min_agree, self.reviewer = annotators, min_agree, reviewer
        self.document_ids = document_ids
        #: Run after doing and undoing (recounting the project's disagreements, say).
        self.after = after
        self.adoption: Adoption | None = None

    def apply(self) -> None:
        self.adoption = adopt_min(
            self.session.project, self.annotators, self.min_agree, self.reviewer, self.document_ids
        )
        if self.after is not None:
            self.after()

    def revert(self) -> None:
        if self.adoption is not None:
            undo_adoption(self.session.project, self.adoption)
        self.adoption = None
        if self.after is not None:
            self.after()


class MarkReview(EditCommand):
    """The reviewer marks the document reviewed or skipped: their own record, with the
    reviewer named here (not whoever is annotating when it is undone)."""

    def __init__(
        self, session: ProjectSession, document_id: int, status: str, reviewer: str
    ) -> None:
        super().__init__(
            session, document_id, "Mark reviewed" if status == REVIEWED else "Skip review"
        )
        self.status, self.reviewer = status, reviewer
        self.mark: ReviewMark | None = None

    def apply(self) -> None:
        self.mark = mark_review(self.session.project, self.document_id, self.status, self.reviewer)

    def revert(self) -> None:
        if self.mark is not None:
            undo_review_mark(self.session.project, self.mark)
        self.mark = None


class DeleteRelation(EditCommand):
    def __init__(self, session: ProjectSession, document_id: int, relation: RelationInfo) -> None:
        super().__init__(session, document_id, f"Delete relation {relation.label}")
        self.relation = relation
        self.removed: RemovedRelation | None = None

    def apply(self) -> None:
        self.removed = delete_relation(self.session.project, self.relation, self.annotator)

    def revert(self) -> None:
        assert self.removed is not None
        self.relation = restore_relation(
            self.session.project, self.removed, self.annotator, self.session.resolve
        )


class SetLink(EditCommand):
    """Set or remove an entity's knowledge-base link."""

    def __init__(
        self, session: ProjectSession, document_id: int, span: SpanInfo, kb_id: str | None
    ) -> None:
        what = f"Link {span.label} to {kb_id}" if kb_id else f"Remove the link of {span.label}"
        super().__init__(session, document_id, what)
        self.span = span
        self.kb_id = kb_id
        self.previous: str | None = None

    def apply(self) -> None:
        span_id = self.session.resolve(self.span.id)
        self.previous = set_link(self.session.project, span_id, self.annotator, self.kb_id)

    def revert(self) -> None:
        span_id = self.session.resolve(self.span.id)
        set_link(self.session.project, span_id, self.annotator, self.previous)

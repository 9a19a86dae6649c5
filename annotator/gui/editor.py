"""Editing the open document: turns key presses and clicks into undoable commands.

It owns which document is open and what is selected; the reading pane only draws and reports
selections, and the panels only show. All offsets here are code points (the store's units).
"""

from __future__ import annotations

import bisect
import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QInputDialog, QWidget

from annotator.core import boilerplate
from annotator.core.editing import AnnotationInfo, SpanInfo, TopicSuggestion
from annotator.core.errors import AnnotatorError
from annotator.core.labels import LabelInfo
from annotator.core.records import LabelKind, Layer, Status
from annotator.core.relations import RelationInfo, relations
from annotator.gui import commands
from annotator.gui.dialogs import LabelPicker, ReasonDialog
from annotator.gui.links_panel import LinkEntry
from annotator.gui.session import ProjectSession
from annotator.gui.span_view import DisplaySpan, SpanView

log = logging.getLogger(__name__)
WARM_UP_MS = 400
#: Display ids of boilerplate regions: below any span's, the Links panel's marks (from -1) and
#: review mode's overlay (from ``review.OVERLAY_ID_BASE``, -1,000,000).
BOILERPLATE_IDS = -10_000_000


#: How the pane draws each layer's spans (span-group spans: dotted outlines).
LAYER_DISPLAY = {Layer.ENTITY: "entity", Layer.UNRELIABLE: "unreliable"}


class DocumentEditor(QObject):
    """The open document's state and every edit a user can make on it."""

    loaded = Signal(int)
    refreshed = Signal()
    message = Signal(str)

    def __init__(self, session: ProjectSession, view: SpanView, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.view = view
        self.window = parent
        self.document_id: int | None = None
        self.text = ""
        self._annotation: AnnotationInfo | None = None
        self._suggestions: list[SpanInfo] = []
        self._topic_suggestions: list[TopicSuggestion] = []
        self._boilerplate: list[boilerplate.Region] = []
        self._stale = False
        self.precise = False
        self.overlay: Callable[[], list[DisplaySpan]] | None = None
        #: Both ends of the relation (or the linked entity) chosen in the Links panel.
        self.marked: list[DisplaySpan] = []
        self._token_starts: list[int] = []
        self._token_ends: list[int] = []
        # Load the tokenizer (spaCy's import) once the window is up: run at the same time as
        # the first queries, its hold on the GIL would slow them several times over.
        self.warm_up = QTimer(self, singleShot=True, interval=WARM_UP_MS)
        self.warm_up.timeout.connect(self._warm_up_tokenizer)
        self.warm_up.start()
        self.labels: dict[LabelKind, list[LabelInfo]] = {}
        self._colours: dict[str, str] = {}
        self.reload_labels()
        self._panels_timer = QTimer(self, singleShot=True, interval=0)
        self._panels_timer.timeout.connect(self.refreshed)
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self._refresh_if_stale)
        session.documentChanged.connect(self._document_changed)
        session.labelsChanged.connect(self._labels_changed)

    def _warm_up_tokenizer(self) -> None:
        project = self.session.project

        def load() -> None:
            try:
                project.tokenizer  # noqa: B018 - loading it is the point
            except Exception:  # a head start only: the first edit loads it and reports errors
                log.debug("Tokenizer warm-up skipped", exc_info=True)

        threading.Thread(target=load, daemon=True).start()

    # Loading ------------------------------------------------------------------------------

    def reload_labels(self) -> None:
        project = self.session.project
        self.labels = {kind: project.labels(kind) for kind in LabelKind}

    def colours(self) -> dict[str, str]:
        return {label.name: label.colour for labels in self.labels.values() for label in labels}

    def load(self, document_id: int) -> None:
        project = self.session.project
        self.document_id = document_id
        self.text = project.text(document_id)
        self.marked = []
        self._read_annotation()
        self.view.set_document(self.text, self.display_spans())
        self.loaded.emit(document_id)
        self._panels_timer.start()

    def _read_annotation(self) -> None:
        assert self.document_id is not None
        project = self.session.project
        self._stale = False
        self._annotation = project.edits.annotation(self.document_id, self.session.annotator)
        self._boilerplate = boilerplate.regions(project, self.document_id)
        self._suggestions = (
            []
            if self.session.reviewing
            else project.edits.suggestions(self.document_id, self.session.annotator)
        )
        self._topic_suggestions = (
            []
            if self.session.reviewing
            else project.edits.topic_suggestions(self.document_id, self.session.annotator)
        )

    @property
    def annotation(self) -> AnnotationInfo | None:
        """The annotator's work on the open document, re-read first if an edit made it stale."""
        if self._stale:
            self.refresh()
        return self._annotation

    @property
    def suggestions(self) -> list[SpanInfo]:
        if self._stale:
            self.refresh()
        return self._suggestions

    @property
    def topic_suggestions(self) -> list[TopicSuggestion]:
        """Topics a classifier suggests that the annotator has not decided, with scores."""
        if self._stale:
            self.refresh()
        return self._topic_suggestions

    def _refresh_if_stale(self) -> None:
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        if self.document_id is None:
            return
        selected = self.view.selected_span_id()
        self._read_annotation()
        self.view.set_spans(self.display_spans())
        if selected is not None and self.span(selected) is not None:
            self.view.select_span(selected)
        self._panels_timer.start()

    def _document_changed(self, document_id: int) -> None:
        """Re-read after the current event: the edit itself already patched the view."""
        if document_id == self.document_id:
            self._stale = True
            self._refresh_timer.start()

    def _labels_changed(self) -> None:
        self.reload_labels()
        self.refresh()

    def own_spans(self) -> list[SpanInfo]:
        annotation = self.annotation
        if annotation is None:
            return []
        return [s for s in annotation.spans if not s.rejected]

    def display(self, span: SpanInfo, *, suggestion: bool = False) -> DisplaySpan:
        kind = "suggestion" if suggestion else LAYER_DISPLAY.get(span.layer, "group")
        colour = self._colours.get(span.label, "#cccccc")
        return DisplaySpan(span.id, span.start, span.end, span.label, colour, kind, span.note)

    def display_spans(self) -> list[DisplaySpan]:
        self._colours = self.colours()
        shown = [self.display(s) for s in self.own_spans()]
        shown += [self.display(s, suggestion=True) for s in self.suggestions]
        shown += [
            DisplaySpan(BOILERPLATE_IDS - number, r.start, r.end, "", "#888888", "boilerplate")
            for number, r in enumerate(self._boilerplate)
        ]
        if self.overlay is not None:
            shown += self.overlay()
        return shown + self.marked

    def mark(self, ends: list[tuple[int, int, str]]) -> None:
        """Mark the ends of a relation (or a linked entity) chosen in the Links panel."""
        self.marked = [
            DisplaySpan(-1 - number, start, end, badge, "#888888", "related")
            for number, (start, end, badge) in enumerate(ends)
        ]
        self.view.set_spans(self.display_spans())
        if ends:
            self.view.scroll_to_cp(ends[0][0])

    def relations(self) -> list[RelationInfo]:
        if self.document_id is None:
            return []
        return relations(self.session.project, self.document_id, self.session.annotator)

    def delete_link(self, entry: LinkEntry) -> None:
        """Remove a relation, or an entity's link, as one undoable edit."""
        if self.document_id is None:
            return
        if entry.relation is not None:
            command: commands.EditCommand = commands.DeleteRelation(
                self.session, self.document_id, entry.relation
            )
        else:
            assert entry.span is not None
            command = commands.SetLink(self.session, self.document_id, entry.span, None)
        if self._execute(command):
            self.mark([])

    def _patch(
        self,
        removed: list[int],
        added: list[SpanInfo],
        select: int | None = None,
        *,
        decided: tuple[SpanInfo, ...] = (),
        exact: bool = True,
    ) -> None:
        """Show an edit at once. When the edit's own account of what changed is ``exact``
        (spans and suggestions ``removed``, spans ``added``, rejections ``decided``), the
        open document is brought up to date from it; otherwise it is read again after this
        event. On a 40,000-word article that read is a noticeable pause after every key."""
        self.view.patch(removed, [self.display(s) for s in added])
        if select is not None:
            self.view.select_span(select)
        if exact:
            self._account(removed, [*added, *decided])

    def _account(self, removed: list[int], added: list[SpanInfo]) -> None:
        annotation = self._annotation
        if not self._stale or annotation is None or annotation.status is Status.NEW:
            return
        gone = set(removed)
        annotation.spans = sorted(
            [s for s in annotation.spans if s.id not in gone] + added,
            key=lambda s: (s.start, s.end, s.id),
        )
        taken = [(s.start, s.end) for s in added if s.layer is Layer.ENTITY and not s.rejected]
        self._suggestions = [
            s
            for s in self._suggestions
            if s.id not in gone
            and not (s.layer is Layer.ENTITY and any(s.start < e and b < s.end for b, e in taken))
        ]
        self._stale = False
        self._panels_timer.start()

    def span(self, span_id: int) -> SpanInfo | None:
        for span in [*self.own_spans(), *self.suggestions]:
            if span.id == span_id:
                return span
        return None

    def is_suggestion(self, span_id: int) -> bool:
        return any(s.id == span_id for s in self.suggestions)

    def status(self) -> Status:
        return self.annotation.status if self.annotation is not None else Status.NEW

    # Edits --------------------------------------------------------------------------------

    def _execute(self, command: commands.EditCommand) -> bool:
        try:
            commands.execute(self.session, command)
        except AnnotatorError as exc:
            self.message.emit(str(exc))
            return False
        return True

    def apply_label(self, label: str) -> None:
        """A label key: relabel the selected span, take a suggestion under this label, or
        make the selected text an entity (replacing the model's guesses there). Always one
        undo step."""
        if self.document_id is None:
            return
        span = self._selected()
        if span is not None and span.layer is Layer.ENTITY:
            if self.is_suggestion(span.id):
                self._accept_as(span, label)
            elif label != span.label:
                self._relabel(span, label)
            return
        start, end = self.view.selection_cp()
        if start == end:
            self.message.emit("Select some text first, or click a span to relabel it.")
            return
        try:
            snapped = (
                (start, end)
                if self.precise
                else self.session.project.edits.snapped_range(self.text, start, end)
            )
        except AnnotatorError as exc:
            self.message.emit(str(exc))
            return
        guesses = [s for s in self.suggestions if s.layer is Layer.ENTITY]
        same = next((s for s in guesses if (s.start, s.end) in {(start, end), snapped}), None)
        if same is not None:
            self.view.clear_selection()
            self._accept_as(same, label)
            return
        low, high = snapped
        overlapping = [s for s in guesses if s.start < high and s.end > low]
        command = commands.AddOverSuggestions(
            self.session,
            self.document_id,
            start,
            end,
            label,
            snap=not self.precise,
            overlapping=overlapping,
        )
        if self._execute(command) and command.created is not None:
            self.view.clear_selection()
            self._patch(
                [s.id for s in overlapping],
                [command.created],
                select=command.created.id,
                decided=command.rejected,
            )

    def _accept_as(self, suggestion: SpanInfo, label: str) -> None:
        assert self.document_id is not None
        command = commands.DecideSuggestion(
            self.session, self.document_id, suggestion, reject=False, label=label
        )
        if self._execute(command) and command.created is not None:
            self._patch([suggestion.id], [command.created], select=command.created.id)

    def _relabel(self, span: SpanInfo, label: str) -> None:
        assert self.document_id is not None
        command = commands.UpdateSpan(
            self.session, self.document_id, span, label=label, text=f"Relabel as {label}"
        )
        if self._execute(command) and command.result is not None:
            self._patch([span.id], [command.result], select=command.result.id)

    def mark_boilerplate(self) -> None:
        """G: the selection is the site around the article, not the article."""
        if self.document_id is None:
            return
        start, end = self.view.selection_cp()
        if start == end:
            self.message.emit("Select the boilerplate (a menu, a footer) first.")
            return
        command = commands.Boilerplate(self.session, self.document_id, start, end, unmark=False)
        if self._execute(command):
            self.view.clear_selection()
            self.message.emit("Marked as boilerplate: no suggestions there, not exported.")

    def unmark_boilerplate(self) -> None:
        """Shift+G: the greyed text at the cursor (or selection) is article text after all."""
        if self.document_id is None:
            return
        start, end = self.view.selection_cp()
        command = commands.Boilerplate(
            self.session, self.document_id, start, max(end, start + 1), unmark=True
        )
        if self._execute(command):
            self.message.emit("Unmarked: this text is article text again.")

    def pick_label(self) -> None:
        picker = LabelPicker(self.labels[LabelKind.ENTITY], self.window)
        if picker.exec() and picker.chosen():
            self.apply_label(picker.chosen() or "")

    def delete_selected(self) -> None:
        span = self._selected()
        if span is None or self.document_id is None:
            return
        if self.is_suggestion(span.id):
            self.reject_selected()
            return
        if self._execute(commands.DeleteSpan(self.session, self.document_id, span)):
            # Deleting may open suggestions again: read the document anew.
            self._patch([span.id], [], exact=False)

    def _selected(self) -> SpanInfo | None:
        selected = self.view.selected_span_id()
        return self.span(selected) if selected is not None else None

    def accept_selected(self) -> None:
        span = self._selected()
        if span is not None and self.is_suggestion(span.id) and self.document_id is not None:
            command = commands.DecideSuggestion(self.session, self.document_id, span, reject=False)
            if self._execute(command) and command.created is not None:
                self._patch([span.id], [command.created], select=command.created.id)

    def reject_selected(self) -> None:
        span = self._selected()
        if span is not None and self.is_suggestion(span.id) and self.document_id is not None:
            command = commands.DecideSuggestion(self.session, self.document_id, span, reject=True)
            if self._execute(command) and command.created is not None:
                self._patch([span.id], [], decided=(command.created,))

    def accept_all(self) -> None:
        self.decide_all(reject=False)

    def reject_all(self) -> None:
        self.decide_all(reject=True)

    def decide_all(self, *, reject: bool) -> None:
        if self.document_id is not None and (self.suggestions or self.topic_suggestions):
            self._execute(commands.DecideAll(self.session, self.document_id, reject=reject))

    def move_boundary(self, which: str, direction: int) -> None:
        """Move the selected span's start or end to the previous or next token boundary."""
        span = self._selected()
        if span is None or self.document_id is None or self.is_suggestion(span.id):
            return
        bounds = self.session.project.edits.token_bounds(self.text, span.start, span.end)
        self._token_starts, self._token_ends = list(bounds.starts), list(bounds.ends)
        if which == "start":
            edges = self._token_starts
            index = bisect.bisect_left(edges, span.start) + (1 if direction > 0 else -1)
            if not 0 <= index < len(edges) or edges[index] >= span.end:
                return
            change = {"start": edges[index]}
        else:
            edges = self._token_ends
            index = bisect.bisect_left(edges, span.end) + (1 if direction > 0 else -1)
            if not 0 <= index < len(edges) or edges[index] <= span.start:
                return
            change = {"end": edges[index]}
        command = commands.UpdateSpan(
            self.session, self.document_id, span, text=f"Move {which} of {span.label}", **change
        )
        if self._execute(command) and command.result is not None:
            self._patch([span.id], [command.result], select=command.result.id)

    def mark_unreliable(self, reason: str | None = None) -> None:
        if self.document_id is None:
            return
        start, end = self.view.selection_cp()
        if start == end:
            self.message.emit("Select the unreliable passage first.")
            return
        dialog = ReasonDialog(
            self.labels[LabelKind.RELIABILITY], self.text[start:end], self.window, reason=reason
        )
        if not dialog.exec():
            return
        chosen, note = dialog.values()
        command = commands.AddSpan(
            self.session,
            self.document_id,
            start,
            end,
            chosen,
            layer=Layer.UNRELIABLE,
            note=note,
            snap=not self.precise,
        )
        if self._execute(command) and command.created is not None:
            self.view.clear_selection()
            self._patch([], [command.created])

    def edit_note(self, span_id: int | None = None) -> None:
        span = self.span(span_id) if span_id is not None else self._selected()
        if span is None or span.layer is not Layer.UNRELIABLE or self.document_id is None:
            return
        note, ok = QInputDialog.getMultiLineText(
            self.window, "Note", f"Note on this {span.label} passage:", span.note or ""
        )
        if ok and note != (span.note or ""):
            self._execute(
                commands.UpdateSpan(
                    self.session, self.document_id, span, note=note, text="Edit note"
                )
            )

    def set_topic(self, label: str, applies: bool | None) -> None:
        if self.document_id is None:
            return
        before = self.annotation.topics.get(label) if self.annotation is not None else None
        self._execute(commands.SetTopic(self.session, self.document_id, label, applies, before))

    def toggle_topic(self, label: str) -> None:
        """The topic's key: applies, or undecided again; on a suggested topic, accept it."""
        current = self.annotation.topics.get(label) if self.annotation is not None else None
        self.set_topic(label, None if current is True else True)

    def reject_topic(self, label: str) -> None:
        """Shift with the topic's key: does not apply (rejects a suggested topic), or
        undecided again."""
        current = self.annotation.topics.get(label) if self.annotation is not None else None
        self.set_topic(label, None if current is False else False)

    def set_status(self, status: Status) -> None:
        if self.document_id is not None and status != self.status():
            self._execute(commands.SetStatus(self.session, self.document_id, status, self.status()))

    def select_neighbour_span(self, step: int) -> None:
        target = self.view.neighbour(self.view.selected_span_id(), step)
        if target is not None:
            self.view.select_span(target.id)
            self.view.scroll_to_cp(target.start)

"""Adjudication: a reviewer settles disagreements into the gold annotation set.

The compared annotators' work is only read. Each settled item writes the chosen version into
the annotation of the annotator ``gold``: every gold span keeps who made it (``created_by``,
the annotator whose version was taken, or the reviewer for a hand edit), the span it was
copied from (``origin_span_id``) and who settled it (``adjudicated_by``). A decision row per
item remembers the choice, so 'neither' is told apart from 'not settled yet', and every
settlement can be undone exactly.

Any number of annotators can be compared. What at least K of them agree on exactly is settled
in one step (``adopt_min``: set-based SQL in one transaction, undone in one), leaving the real
disagreements. A reviewer marks a whole document reviewed (or skipped) in its own record
(``document_reviews``), never in anyone's set; only the gold set follows it (a reviewed
document's gold set is done, so it exports).

The SQL is in ``annotator.core.store.review`` and ``annotator.core.store.consensus``; this
module keeps the logic.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.editing import SpanInfo
from annotator.core.errors import AnnotatorError, SpanError
from annotator.core.progress import Reporter
from annotator.core.records import GOLD, LAYER_KIND, LabelKind, Layer, Status
from annotator.core.review import Kind, SpanItem, TopicItem, compare_spans, compare_topics
from annotator.core.store import consensus
from annotator.core.store import review as store
from annotator.core.store import spans as span_store
from annotator.core.store.bulk import ensure_label_id, now_text
from annotator.core.store.imports import delete_spans

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from annotator.core.project import Project

BOTH = "both"
NEITHER = "neither"
TOPIC_LAYER = "topic"
#: A reviewer's word on a whole document (kept apart from every annotator's status).
REVIEWED = "reviewed"
REVIEW_SKIPPED = "skipped"


@dataclass(frozen=True)
class ReviewItem:
    """One thing to settle: a cluster of overlapping spans, or one topic."""

    layer: str
    start: int
    end: int
    label: str
    kind: Kind
    spans: dict[str, tuple[SpanInfo, ...]] = field(default_factory=dict)
    topic: dict[str, bool | None] = field(default_factory=dict)
    decision: str | None = None

    @property
    def key(self) -> tuple[str, int, int, str]:
        return (self.layer, self.start, self.end, self.label)

    @property
    def open(self) -> bool:
        """A disagreement nobody has settled yet."""
        return self.kind is not Kind.SAME and self.decision is None

    @property
    def names(self) -> list[str]:
        """The compared annotators, in the order of the review."""
        return list(self.topic if self.layer == TOPIC_LAYER else self.spans)

    def version_of(self, name: str) -> tuple[Any, ...]:
        """What the annotator has here, comparable between annotators: the spans' extents
        and labels, or whether the topic applies (no decision counts as not applying)."""
        if self.layer == TOPIC_LAYER:
            return (bool(self.topic.get(name)),)
        return tuple((s.start, s.end, s.label) for s in self.spans.get(name, ()))

    def groups(self) -> list[list[str]]:
        """The annotators grouped by identical versions, largest group first (ties in the
        order of the review)."""
        grouped: dict[tuple[Any, ...], list[str]] = {}
        for name in self.names:
            grouped.setdefault(self.version_of(name), []).append(name)
        return sorted(grouped.values(), key=lambda names: -len(names))


@dataclass
class DocumentReview:
    document_id: int
    annotators: list[str]
    items: list[ReviewItem]

    @property
    def disagreements(self) -> int:
        return sum(item.kind is not Kind.SAME for item in self.items)

    @property
    def unsettled(self) -> int:
        return sum(item.open for item in self.items)


@dataclass(frozen=True)
class Settlement:
    """What one settle changed, so undo can put the gold set back exactly."""

    document_id: int
    key: tuple[str, int, int, str]
    removed_spans: tuple[tuple[Any, ...], ...]
    added_span_ids: tuple[int, ...]
    previous_topic: tuple[Any, ...] | None
    previous_decision: tuple[str, int] | None
    gold_annotation_created: bool


@dataclass(frozen=True)
class Adoption:
    """What one 'adopt what at least K of N agree on' settled, and what undo needs."""

    min_agree: int
    items: tuple[consensus.Adopted, ...]
    changes: consensus.AdoptionChanges

    @property
    def documents(self) -> list[int]:
        return sorted({item.document_id for item in self.items})


@dataclass(frozen=True)
class ReviewState:
    """A document's review status: who marked it, and when."""

    status: str
    reviewer: str
    at: str


@dataclass(frozen=True)
class ReviewMark:
    """What marking a document reviewed changed: the review record and the gold set's status."""

    document_id: int
    previous: tuple[str, int, str] | None
    gold_set: int | None
    #: The gold set's status and time before, when the mark changed them.
    previous_gold: tuple[str, str] | None
    gold_set_created: bool


def compared_annotators(project: Project, document_id: int) -> list[str]:
    """Humans (not gold, not models) with work on the document, in order of name."""
    with project.read() as conn:
        return store.people_on_document(conn, document_id, GOLD)


def review_document(
    project: Project, document_id: int, annotators: Sequence[str]
) -> DocumentReview:
    if len(annotators) < 2:
        raise AnnotatorError("Review needs at least two annotators to compare.")
    spans: dict[str, list[SpanInfo]] = {}
    topics: dict[str, dict[str, bool]] = {}
    for name in annotators:
        annotation = project.edits.annotation(document_id, name)
        spans[name] = [s for s in annotation.spans if not s.rejected] if annotation else []
        topics[name] = dict(annotation.topics) if annotation else {}
    with project.read() as conn:
        decisions = store.decisions(conn, document_id)
    items: list[ReviewItem] = []
    for layer in (Layer.ENTITY, Layer.UNRELIABLE):
        items += [_span_item(item, decisions) for item in compare_spans(spans, layer)]
    topic_labels = [label.name for label in project.labels(LabelKind.TOPIC)]
    items += [_topic_item(item, decisions) for item in compare_topics(topics, topic_labels)]
    return DocumentReview(document_id, list(annotators), items)


def _span_item(item: SpanItem, decisions: dict[tuple[str, int, int, str], str]) -> ReviewItem:
    key = (item.layer.value, item.start, item.end, "")
    versions = {name: tuple(spans) for name, spans in item.versions.items()}
    return ReviewItem(*key, item.kind, spans=versions, decision=decisions.get(key))  # type: ignore[arg-type]


def _topic_item(item: TopicItem, decisions: dict[tuple[str, int, int, str], str]) -> ReviewItem:
    key = (TOPIC_LAYER, 0, 0, item.label)
    return ReviewItem(*key, item.kind, topic=dict(item.values), decision=decisions.get(key))


# Settling ---------------------------------------------------------------------------------


def settle(
    project: Project, document_id: int, item: ReviewItem, choice: str, reviewer: str
) -> Settlement:
    """Write the chosen version of one item into the gold set, replacing what gold had there."""
    [settlement] = settle_many(project, document_id, [item], choice, reviewer)
    return settlement


def settle_many(
    project: Project,
    document_id: int,
    items: Sequence[ReviewItem],
    choice: str,
    reviewer: str,
) -> list[Settlement]:
    """Settle several items the same way (adopting every agreement, say) in one transaction:
    all of them or, if one is refused, none."""
    for item in items:
        names = item.names
        if choice not in (BOTH, NEITHER, *names):
            raise AnnotatorError(f"Choose one of {', '.join(names)}, {BOTH} or {NEITHER}.")
    reviewer_id = project.ensure_annotator(reviewer).id
    gold_id = project.ensure_annotator(GOLD).id
    settlements = []
    now = now_text()
    with project.write() as conn:
        for item in items:
            annotation_id = store.set_id(conn, document_id, gold_id)
            created = annotation_id is None
            if annotation_id is None:
                annotation_id = store.add_set(conn, document_id, gold_id, now)
            previous_decision = store.decision(conn, document_id, item.key)
            store.put_decision(conn, document_id, item.key, choice, reviewer_id, now)
            if item.layer == TOPIC_LAYER:
                previous = _settle_topic(conn, annotation_id, item, choice, reviewer_id)
                removed, added = (), ()
            else:
                previous = None
                removed, added = _settle_spans(conn, annotation_id, item, choice, reviewer_id)
            item_text = "/".join(map(str, item.key))
            details = {"item": item_text, "choice": choice}
            store.log(conn, "adjudicate", reviewer_id, document_id, details, now)
            settlements.append(
                Settlement(
                    document_id, item.key, removed, added, previous, previous_decision, created
                )
            )
    return settlements


def _chosen_spans(item: ReviewItem, choice: str) -> list[SpanInfo]:
    if choice == NEITHER:
        return []
    if choice != BOTH:
        return list(item.spans[choice])
    unique: dict[tuple[int, int, str], SpanInfo] = {}
    for versions in item.spans.values():
        for span in versions:
            unique.setdefault((span.start, span.end, span.label), span)
    chosen = sorted(unique.values(), key=lambda s: (s.start, s.end))
    if item.layer == Layer.ENTITY.value:
        for first, second in itertools.pairwise(chosen):
            if second.start < first.end:
                raise SpanError(
                    f"The versions overlap ({first.label} {first.start}..{first.end} and "
                    f"{second.label} {second.start}..{second.end}); entities cannot keep both."
                )
    return chosen


def _settle_spans(
    conn: Connection, annotation_id: int, item: ReviewItem, choice: str, reviewer_id: int
) -> tuple[tuple[tuple[Any, ...], ...], tuple[int, ...]]:
    chosen = _chosen_spans(item, choice)
    removed = tuple(store.spans_over(conn, annotation_id, item.layer, item.start, item.end))
    delete_spans(conn, [row[0] for row in removed])
    kind = LAYER_KIND[Layer(item.layer)]
    now = now_text()
    added = tuple(
        span_store.insert(
            conn,
            annotation_id,
            item.layer,
            span.start,
            span.end,
            ensure_label_id(conn, kind, span.label),
            store.annotator_id(conn, span.created_by),
            now,
            note=span.note,
            origin_span_id=span.id,
            adjudicated_by=reviewer_id,
        )
        for span in chosen
    )
    return removed, added


def _settle_topic(
    conn: Connection, annotation_id: int, item: ReviewItem, choice: str, reviewer_id: int
) -> tuple[Any, ...] | None:
    label_id = ensure_label_id(conn, LabelKind.TOPIC, item.label)
    previous = store.topic_row(conn, annotation_id, label_id)
    if choice == BOTH:
        applies, source = any(item.topic.values()), None
    elif choice == NEITHER:
        applies, source = False, None
    else:
        applies, source = bool(item.topic[choice]), store.annotator_id(conn, choice)
    store.put_gold_topic(conn, annotation_id, label_id, applies, reviewer_id, source)
    return previous


def undo_settlement(project: Project, settlement: Settlement) -> None:
    """Put the gold set and the decision back as they were before ``settle``."""
    undo_settlements(project, [settlement])


def undo_settlements(project: Project, settlements: Sequence[Settlement]) -> None:
    """Undo several settlements, latest first, in one transaction."""
    gold_id = project.ensure_annotator(GOLD).id
    with project.write() as conn:
        for settlement in reversed(settlements):
            _undo_in(conn, gold_id, settlement)


def _undo_in(conn: Connection, gold_id: int, settlement: Settlement) -> None:
    """Put back what one settlement changed, inside the caller's transaction."""
    layer, _start, _end, label = settlement.key
    annotation_id = store.set_id(conn, settlement.document_id, gold_id)
    if annotation_id is None:
        return
    delete_spans(conn, settlement.added_span_ids)
    store.restore_spans(conn, settlement.removed_spans)
    if layer == TOPIC_LAYER:
        label_id = ensure_label_id(conn, LabelKind.TOPIC, label)
        store.delete_topics(conn, [(annotation_id, label_id)])
        if settlement.previous_topic is not None:
            store.restore_topics(conn, [settlement.previous_topic])
    store.forget_decision(conn, settlement.document_id, settlement.key)
    if settlement.previous_decision is not None:
        choice, reviewer_id = settlement.previous_decision
        store.put_decision(
            conn, settlement.document_id, settlement.key, choice, reviewer_id, now_text()
        )
    if settlement.gold_annotation_created:
        store.delete_empty_sets(conn, [annotation_id])


def adopt_agreements(
    project: Project, document_id: int, annotators: Sequence[str], reviewer: str
) -> list[Settlement]:
    """Settle every item all annotators agree on and nobody settled yet: the easy part of gold."""
    review = review_document(project, document_id, annotators)
    agreed = [item for item in review.items if item.kind is Kind.SAME and item.decision is None]
    return settle_many(project, document_id, agreed, BOTH, reviewer) if agreed else []


# Adopting what K of N agree on ------------------------------------------------------------


def adopt_min(
    project: Project,
    annotators: Sequence[str],
    min_agree: int,
    reviewer: str,
    document_ids: Sequence[int] | None = None,
) -> Adoption:
    """Settle every open item where at least ``min_agree`` of the compared annotators with a
    set on the document agree exactly (and no other version has as many): in the given
    documents, or in every document when None. One transaction; ``undo_adoption`` reverts it.

    The N of a document are the compared annotators who have a set on it (someone who never
    opened it has no say); an item where exactly one version reaches K takes that version: an
    annotator's spans (the first of the agreeing annotators by name is named as the choice),
    or nothing where at least K marked nothing there.
    """
    names = list(dict.fromkeys(annotators))
    if len(names) < 2:
        raise AnnotatorError("Adopting needs at least two annotators to compare.")
    if GOLD in names:
        raise AnnotatorError(f"'{GOLD}' is the set being built, not an annotator to compare.")
    if min_agree < 1:
        raise AnnotatorError(f"At least 1 annotator must agree, not {min_agree}.")
    if min_agree > len(names):
        raise AnnotatorError(
            f"{min_agree} cannot agree when only {len(names)} annotators are compared."
        )
    with project.read() as conn:
        found = {name: store.find_annotator(conn, name) for name in names}
    unknown = [name for name, annotator_id in found.items() if annotator_id is None]
    if unknown:
        raise AnnotatorError(f"No annotator named {', '.join(unknown)}.")
    ids = [int(found[name]) for name in names]  # type: ignore[arg-type]
    reviewer_id = project.ensure_annotator(reviewer).id
    gold_id = project.ensure_annotator(GOLD).id
    now = now_text()
    with project.write() as conn:
        found = consensus.find_adoptable(conn, ids, min_agree, document_ids)
        if not found:
            consensus.discard(conn)
            return Adoption(min_agree, (), consensus.AdoptionChanges((), (), (), (), (), ()))
        items = tuple(consensus.adoptable_items(conn))
        changes = consensus.settle_adoptable(conn, gold_id, reviewer_id, now)
        per_document: dict[int, int] = {}
        for item in items:
            per_document[item.document_id] = per_document.get(item.document_id, 0) + 1
        for document_id, count in per_document.items():
            details = {"min_agree": min_agree, "annotators": names, "items": count}
            store.log(conn, "adopt", reviewer_id, document_id, details, now)
    return Adoption(min_agree, items, changes)


def undo_adoption(project: Project, adoption: Adoption) -> None:
    """Put the gold sets and the decisions back as they were before ``adopt_min``."""
    if not adoption.items:
        return
    with project.write() as conn:
        consensus.undo(conn, adoption.changes)


# The review status of a document ----------------------------------------------------------


def review_state(project: Project, document_id: int) -> ReviewState | None:
    """Whether a reviewer marked the document reviewed or skipped, who, and when."""
    with project.read() as conn:
        row = store.review_state(conn, document_id)
        if row is None:
            return None
        reviewer = store.annotator_name(conn, row[1])
    return ReviewState(row[0], reviewer, row[2])


def review_counts(project: Project) -> dict[str, int]:
    """How many documents are reviewed, how many skipped by a reviewer."""
    with project.read() as conn:
        return store.review_state_counts(conn)


def mark_review(
    project: Project, document_id: int, status: str | None, reviewer: str
) -> ReviewMark:
    """Mark the document reviewed or skipped by the reviewer (None: not reviewed). Nobody's
    own set changes; the gold set is done while the document is reviewed (so it exports) and
    goes back to its earlier status when that is taken back."""
    if status not in (REVIEWED, REVIEW_SKIPPED, None):
        raise AnnotatorError(f"A review is {REVIEWED} or {REVIEW_SKIPPED}, not {status}.")
    reviewer_id = project.ensure_annotator(reviewer).id
    gold_id = project.ensure_annotator(GOLD).id
    now = now_text()
    with project.write() as conn:
        previous = store.review_state(conn, document_id)
        if status is None:
            store.forget_review_state(conn, document_id)
        else:
            store.put_review_state(conn, document_id, status, reviewer_id, now)
        gold_set = store.set_id(conn, document_id, gold_id)
        created, previous_gold = False, None
        if status == REVIEWED:
            if gold_set is None:
                gold_set, created = store.add_set(conn, document_id, gold_id, now), True
            previous_gold = store.set_status(conn, gold_set, Status.DONE.value, now)
        elif gold_set is not None and previous is not None and previous[0] == REVIEWED:
            previous_gold = store.set_status(conn, gold_set, Status.IN_PROGRESS.value, now)
        details = {"status": status, "before": previous[0] if previous else None}
        store.log(conn, "review", reviewer_id, document_id, details, now)
    return ReviewMark(document_id, previous, gold_set, previous_gold, created)


def undo_review_mark(project: Project, mark: ReviewMark) -> None:
    """Put the review record and the gold set's status back as they were."""
    with project.write() as conn:
        if mark.previous is None:
            store.forget_review_state(conn, mark.document_id)
        else:
            status, reviewer_id, at = mark.previous
            store.put_review_state(conn, mark.document_id, status, reviewer_id, at)
        if mark.gold_set is not None and mark.previous_gold is not None:
            store.set_status(conn, mark.gold_set, *mark.previous_gold)
        if mark.gold_set_created and mark.gold_set is not None:
            store.delete_empty_sets(conn, [mark.gold_set])


# Counting for the document list -----------------------------------------------------------


def count_disagreements(
    project: Project,
    annotators: Sequence[str],
    progress: Callable[..., None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int:
    """Fill ``review_counts`` for every document the annotators share; returns how many."""
    reporter = Reporter(progress, cancel)
    key = ",".join(annotators)
    with project.read() as conn:
        shared = store.shared_documents(conn, annotators)
    rows = []
    for number, document_id in enumerate(shared):
        if number % 50 == 0:
            reporter.check_cancelled()
            reporter.report(number, len(shared), "Comparing annotators")
        review = review_document(project, document_id, annotators)
        rows.append((document_id, key, review.disagreements, review.unsettled))
    with project.write() as conn:
        store.replace_counts(conn, rows)
    reporter.report(len(shared), len(shared), "Compared")
    return len(rows)


def update_count(project: Project, review: DocumentReview) -> None:
    """Keep one document's row current after the reviewer settled something there."""
    with project.write() as conn:
        store.put_count(
            conn,
            review.document_id,
            ",".join(review.annotators),
            review.disagreements,
            review.unsettled,
        )


def unsettled_in_project(project: Project, annotators: Sequence[str]) -> int:
    """Disagreements still open across the project (as last counted), for the status bar."""
    with project.read() as conn:
        return store.unsettled_total(conn, ",".join(annotators))

"""Adjudication: a reviewer settles disagreements into the gold annotation set.

The compared annotators' work is only read. Each settled item writes the chosen version into
the annotation of the annotator ``gold``: every gold span keeps who made it (``created_by``,
the annotator whose version was taken, or the reviewer for a hand edit), the span it was
copied from (``origin_span_id``) and who settled it (``adjudicated_by``). A decision row per
item remembers the choice, so 'neither' is told apart from 'not settled yet', and every
settlement can be undone exactly.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.editing import SpanInfo
from annotator.core.errors import AnnotatorError, SpanError
from annotator.core.progress import Reporter
from annotator.core.records import GOLD, LAYER_KIND, LabelKind, Layer
from annotator.core.review import Kind, SpanItem, TopicItem, compare_spans, compare_topics
from annotator.core.store.bulk import ensure_label_id, now_text
from annotator.core.store.review import unsettled_total

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from annotator.core.project import Project

BOTH = "both"
NEITHER = "neither"
TOPIC_LAYER = "topic"


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


def compared_annotators(project: Project, document_id: int) -> list[str]:
    """Humans (not gold, not models) with work on the document, in order of name."""
    with project.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT m.name FROM annotations AS a JOIN annotators AS m ON m.id = a.annotator_id "
            "WHERE a.document_id = ? AND m.kind = 'human' AND m.name != ? ORDER BY m.name",
            (document_id, GOLD),
        ).all()
    return [row[0] for row in rows]


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
    decisions = _decisions(project, document_id)
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


def _decisions(project: Project, document_id: int) -> dict[tuple[str, int, int, str], str]:
    with project.read() as conn:
        rows = conn.exec_driver_sql(
            'SELECT layer, start, "end", label, choice FROM review_decisions WHERE document_id = ?',
            (document_id,),
        ).all()
    return {(r[0], r[1], r[2], r[3]): r[4] for r in rows}


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
        names = list(item.spans or item.topic)
        if choice not in (BOTH, NEITHER, *names):
            raise AnnotatorError(f"Choose one of {', '.join(names)}, {BOTH} or {NEITHER}.")
    reviewer_id = project.ensure_annotator(reviewer).id
    gold_id = project.ensure_annotator(GOLD).id
    settlements = []
    with project.write() as conn:
        for item in items:
            annotation_id, created = _gold_annotation(conn, document_id, gold_id)
            previous_decision = _record_decision(conn, document_id, item.key, choice, reviewer_id)
            if item.layer == TOPIC_LAYER:
                previous = _settle_topic(conn, annotation_id, item, choice, reviewer_id)
                removed, added = (), ()
            else:
                previous = None
                removed, added = _settle_spans(conn, annotation_id, item, choice, reviewer_id)
            conn.exec_driver_sql(
                "INSERT INTO edit_log (at, annotator_id, document_id, action, details) "
                "VALUES (?, ?, ?, 'adjudicate', json_object('item', ?, 'choice', ?))",
                (now_text(), reviewer_id, document_id, "/".join(map(str, item.key)), choice),
            )
            settlements.append(
                Settlement(
                    document_id, item.key, removed, added, previous, previous_decision, created
                )
            )
    return settlements


def _gold_annotation(conn: Connection, document_id: int, gold_id: int) -> tuple[int, bool]:
    row = conn.exec_driver_sql(
        "SELECT id FROM annotations WHERE document_id = ? AND annotator_id = ?",
        (document_id, gold_id),
    ).first()
    if row is not None:
        return row[0], False
    now = now_text()
    cursor = conn.exec_driver_sql(
        "INSERT INTO annotations (document_id, annotator_id, status, active_seconds, "
        "created_at, updated_at) VALUES (?, ?, 'in_progress', 0, ?, ?)",
        (document_id, gold_id, now, now),
    )
    return int(cursor.lastrowid), True


def _record_decision(
    conn: Connection,
    document_id: int,
    key: tuple[str, int, int, str],
    choice: str,
    reviewer_id: int,
) -> tuple[str, int] | None:
    where = 'document_id = ? AND layer = ? AND start = ? AND "end" = ? AND label = ?'
    previous = conn.exec_driver_sql(
        f"SELECT choice, reviewer_id FROM review_decisions WHERE {where}", (document_id, *key)
    ).first()
    conn.exec_driver_sql(f"DELETE FROM review_decisions WHERE {where}", (document_id, *key))
    conn.exec_driver_sql(
        'INSERT INTO review_decisions (document_id, layer, start, "end", label, choice, '
        "reviewer_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (document_id, *key, choice, reviewer_id, now_text()),
    )
    return (previous[0], previous[1]) if previous is not None else None


GOLD_SPAN_COLUMNS = (
    'annotation_id, layer, start, "end", label_id, note, created_by, origin_span_id, rejected, '
    "created_at, adjudicated_by"
)


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
    removed = tuple(
        tuple(row)
        for row in conn.exec_driver_sql(
            f"SELECT id, {GOLD_SPAN_COLUMNS} FROM spans WHERE annotation_id = ? AND layer = ? "
            'AND start < ? AND "end" > ?',
            (annotation_id, item.layer, item.end, item.start),
        )
    )
    if removed:
        conn.exec_driver_sql(
            "DELETE FROM spans WHERE id IN (" + ",".join("?" * len(removed)) + ")",
            tuple(row[0] for row in removed),
        )
    kind = LAYER_KIND[Layer(item.layer)]
    added = []
    now = now_text()
    for span in chosen:
        creator = conn.exec_driver_sql(
            "SELECT id FROM annotators WHERE name = ?", (span.created_by,)
        ).scalar_one()
        cursor = conn.exec_driver_sql(
            f"INSERT INTO spans ({GOLD_SPAN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
            (
                annotation_id,
                item.layer,
                span.start,
                span.end,
                ensure_label_id(conn, kind, span.label),
                span.note,
                creator,
                span.id,
                now,
                reviewer_id,
            ),
        )
        added.append(int(cursor.lastrowid))
    return removed, tuple(added)


def _settle_topic(
    conn: Connection, annotation_id: int, item: ReviewItem, choice: str, reviewer_id: int
) -> tuple[Any, ...] | None:
    label_id = ensure_label_id(conn, LabelKind.TOPIC, item.label)
    previous = conn.exec_driver_sql(
        "SELECT applies, adjudicated_by, taken_from FROM topics "
        "WHERE annotation_id = ? AND label_id = ?",
        (annotation_id, label_id),
    ).first()
    if choice == BOTH:
        applies, source = any(item.topic.values()), None
    elif choice == NEITHER:
        applies, source = False, None
    else:
        applies = bool(item.topic[choice])
        source = conn.exec_driver_sql(
            "SELECT id FROM annotators WHERE name = ?", (choice,)
        ).scalar_one()
    conn.exec_driver_sql(
        "INSERT INTO topics (annotation_id, label_id, applies, adjudicated_by, taken_from) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (annotation_id, label_id) DO UPDATE SET "
        "applies = excluded.applies, adjudicated_by = excluded.adjudicated_by, "
        "taken_from = excluded.taken_from",
        (annotation_id, label_id, applies, reviewer_id, source),
    )
    return tuple(previous) if previous is not None else None


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
    annotation_id, _ = _gold_annotation(conn, settlement.document_id, gold_id)
    if settlement.added_span_ids:
        marks = ",".join("?" * len(settlement.added_span_ids))
        conn.exec_driver_sql(f"DELETE FROM spans WHERE id IN ({marks})", settlement.added_span_ids)
    for row in settlement.removed_spans:
        conn.exec_driver_sql(
            f"INSERT INTO spans (id, {GOLD_SPAN_COLUMNS}) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )
    if layer == TOPIC_LAYER:
        label_id = ensure_label_id(conn, LabelKind.TOPIC, label)
        conn.exec_driver_sql(
            "DELETE FROM topics WHERE annotation_id = ? AND label_id = ?",
            (annotation_id, label_id),
        )
        if settlement.previous_topic is not None:
            conn.exec_driver_sql(
                "INSERT INTO topics (annotation_id, label_id, applies, adjudicated_by, "
                "taken_from) VALUES (?, ?, ?, ?, ?)",
                (annotation_id, label_id, *settlement.previous_topic),
            )
    where = 'document_id = ? AND layer = ? AND start = ? AND "end" = ? AND label = ?'
    conn.exec_driver_sql(
        f"DELETE FROM review_decisions WHERE {where}",
        (settlement.document_id, *settlement.key),
    )
    if settlement.previous_decision is not None:
        conn.exec_driver_sql(
            'INSERT INTO review_decisions (document_id, layer, start, "end", label, '
            "choice, reviewer_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                settlement.document_id,
                *settlement.key,
                *settlement.previous_decision,
                now_text(),
            ),
        )
    if settlement.gold_annotation_created:
        left = conn.exec_driver_sql(
            "SELECT (SELECT count(*) FROM spans WHERE annotation_id = ?) + "
            "(SELECT count(*) FROM topics WHERE annotation_id = ?)",
            (annotation_id, annotation_id),
        ).scalar()
        if not left:
            conn.exec_driver_sql("DELETE FROM annotations WHERE id = ?", (annotation_id,))


def adopt_agreements(
    project: Project, document_id: int, annotators: Sequence[str], reviewer: str
) -> list[Settlement]:
    """Settle every item all annotators agree on and nobody settled yet: the easy part of gold."""
    review = review_document(project, document_id, annotators)
    agreed = [item for item in review.items if item.kind is Kind.SAME and item.decision is None]
    return settle_many(project, document_id, agreed, BOTH, reviewer) if agreed else []


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
    marks = ",".join("?" * len(annotators))
    with project.read() as conn:
        shared = [
            row[0]
            for row in conn.exec_driver_sql(
                "SELECT a.document_id FROM annotations AS a JOIN annotators AS m "
                f"ON m.id = a.annotator_id WHERE m.name IN ({marks}) "
                "GROUP BY a.document_id HAVING count(*) >= 2",
                tuple(annotators),
            )
        ]
    rows = []
    for number, document_id in enumerate(shared):
        if number % 50 == 0:
            reporter.check_cancelled()
            reporter.report(number, len(shared), "Comparing annotators")
        review = review_document(project, document_id, annotators)
        rows.append((document_id, key, review.disagreements, review.unsettled))
    with project.write() as conn:
        conn.exec_driver_sql("DELETE FROM review_counts")
        if rows:
            conn.exec_driver_sql(
                "INSERT INTO review_counts (document_id, annotators, disagreements, unsettled) "
                "VALUES (?, ?, ?, ?)",
                rows,
            )
    reporter.report(len(shared), len(shared), "Compared")
    return len(rows)


def update_count(project: Project, review: DocumentReview) -> None:
    """Keep one document's row current after the reviewer settled something there."""
    with project.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO review_counts (document_id, annotators, disagreements, unsettled) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (document_id) DO UPDATE SET "
            "annotators = excluded.annotators, disagreements = excluded.disagreements, "
            "unsettled = excluded.unsettled",
            (
                review.document_id,
                ",".join(review.annotators),
                review.disagreements,
                review.unsettled,
            ),
        )


def unsettled_in_project(project: Project, annotators: Sequence[str]) -> int:
    """Disagreements still open across the project (as last counted), for the status bar."""
    with project.read() as conn:
        return unsettled_total(conn, ",".join(annotators))

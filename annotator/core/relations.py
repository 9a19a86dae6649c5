"""An annotator's relations and knowledge-base links on one document: listing them, deleting
them, and putting them back (undo). Drawing new relations is not offered yet; relations come
from imported files (Prodigy, doccano, brat) and are kept, shown and exported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.errors import SpanError
from annotator.core.records import Layer
from annotator.core.store import annotations as set_store
from annotator.core.store import relations as store

if TYPE_CHECKING:
    from annotator.core.project import Project


@dataclass(frozen=True)
class RelationEnd:
    """One end of a relation as the panel shows it (an unlabelled end has label '')."""

    span_id: int
    layer: Layer
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class RelationInfo:
    id: int
    label: str
    head: RelationEnd
    child: RelationEnd


@dataclass(frozen=True)
class RemovedRelation:
    """What undoing a deletion needs: the row as it was."""

    info: RelationInfo
    row: tuple[Any, ...]


def relations(project: Project, document_id: int, annotator: str) -> list[RelationInfo]:
    with project.read() as conn:
        rows = store.relation_rows(conn, document_id, annotator)
    return [
        RelationInfo(
            row[0],
            row[1],
            RelationEnd(row[2], Layer(row[3]), row[4], row[5], row[6]),
            RelationEnd(row[7], Layer(row[8]), row[9], row[10], row[11]),
        )
        for row in rows
    ]


def delete_relation(project: Project, relation: RelationInfo, annotator: str) -> RemovedRelation:
    """Remove one of the annotator's relations; returns what restores it."""
    with project.write() as conn:
        owner = store.relation_owner(conn, relation.id)
        if owner is None:
            raise SpanError(f"There is no relation with id {relation.id}.")
        annotation_id, name, document_id = owner
        if name != annotator:
            raise SpanError(
                f"Relation {relation.id} belongs to {name}, not to {annotator}: "
                "edit only your own annotations."
            )
        row = store.relation_row(conn, relation.id)
        store.delete_relation(conn, relation.id)
        set_store.touch(conn, annotation_id)
        details = {"relation": relation.id, "label": relation.label}
        set_store.log_edit(
            conn,
            "delete_relation",
            details,
            annotator_id=set_store.annotator_id(conn, annotator),
            document_id=document_id,
        )
    return RemovedRelation(relation, row)


def restore_relation(
    project: Project,
    removed: RemovedRelation,
    annotator: str,
    span_ids: Callable[[int], int] = lambda span_id: span_id,
) -> RelationInfo:
    """Put a deleted relation back (undo); it gets a new id. ``span_ids`` maps its ends to
    their current ids (a span deleted and restored by undo meanwhile has a new one)."""
    annotation, head, child, *rest = removed.row
    row = (annotation, span_ids(head), span_ids(child), *rest)
    with project.write() as conn:
        if not store.spans_exist(conn, row[1], row[2]):
            raise SpanError(
                f"The relation {removed.info.label} cannot come back: one of its ends is gone."
            )
        new_id = store.insert_relation(conn, row)
        owner = store.relation_owner(conn, new_id)
        assert owner is not None
        set_store.touch(conn, owner[0])
        details = {"relation": new_id, "previous": removed.info.id}
        set_store.log_edit(
            conn,
            "restore_relation",
            details,
            annotator_id=set_store.annotator_id(conn, annotator),
            document_id=owner[2],
        )
    info = removed.info
    return RelationInfo(new_id, info.label, info.head, info.child)


def set_link(project: Project, span_id: int, annotator: str, kb_id: str | None) -> str | None:
    """Set or (with None) remove an entity's knowledge-base link; returns the previous one."""
    with project.write() as conn:
        owner = store.span_owner(conn, span_id)
        if owner is None:
            raise SpanError(f"There is no span with id {span_id}.")
        annotation_id, name, document_id, previous = owner
        if name != annotator:
            raise SpanError(
                f"Span {span_id} belongs to {name}, not to {annotator}: "
                "edit only your own annotations."
            )
        store.set_kb_id(conn, span_id, kb_id)
        set_store.touch(conn, annotation_id)
        details = {"span": span_id, "before": previous, "after": kb_id}
        set_store.log_edit(
            conn,
            "set_link",
            details,
            annotator_id=set_store.annotator_id(conn, annotator),
            document_id=document_id,
        )
    return previous


def relations_touching(project: Project, span_id: int) -> list[tuple[Any, ...]]:
    """The relations a span's deletion takes with it, so undo can put them back."""
    with project.read() as conn:
        return store.rows_touching(conn, span_id)


def reattach(project: Project, rows: list[tuple[Any, ...]], span_ids: Callable[[int], int]) -> None:
    """Put back relations removed with a span, their ends mapped to the spans' current ids
    (a span restored by undo has a new one). A relation whose other end was deleted since
    stays deleted: undoing that deletion brings it back in turn."""
    with project.write() as conn:
        for annotation, head, child, *rest in rows:
            ends = (span_ids(head), span_ids(child))
            if store.spans_exist(conn, *ends):
                store.insert_relation(conn, (annotation, *ends, *rest))

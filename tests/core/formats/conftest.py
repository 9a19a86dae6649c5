"""Helpers for format tests: turn what a reader yields into what a writer takes, no store."""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core.records import (
    BadRecord,
    DocumentRecord,
    ExportItem,
    Omission,
    ReadItem,
    SchemeLabel,
    Status,
)


def documents(items: Iterable[ReadItem]) -> list[DocumentRecord]:
    return [item for item in items if isinstance(item, DocumentRecord)]


def bad_records(items: Iterable[ReadItem]) -> list[BadRecord]:
    return [item for item in items if isinstance(item, BadRecord)]


def omissions(items: Iterable[ReadItem]) -> list[Omission]:
    return [item for item in items if isinstance(item, Omission)]


def scheme_labels(items: Iterable[ReadItem]) -> list[SchemeLabel]:
    return [item for item in items if isinstance(item, SchemeLabel)]


def export_item(document: DocumentRecord, annotation: int = 0) -> ExportItem:
    """The ExportItem the store would hand a writer for this document and annotation."""
    record = document.annotations[annotation] if document.annotations else None
    return ExportItem(
        text=document.text,
        title=document.title,
        meta=dict(document.meta),
        annotator=(record.annotator if record and record.annotator else "tester"),
        status=record.status if record else Status.NEW,
        spans=list(record.spans) if record else [],
        topics=list(record.topics) if record else [],
        topic_labels=sorted({t.label for t in record.topics}) if record else [],
        content_hash=str(abs(hash(document.text))),
        relations=list(record.relations) if record else [],
        partial=record.partial if record else False,
        extra=dict(record.extra) if record else {},
        document_extra=dict(document.extra),
        unchanged=True,
        annotated=record is not None,
    )

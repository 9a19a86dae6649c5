"""Merging a colleague's project file into mine: their work arrives under their names.

Documents are matched by text (content hash). Nothing already in my project is changed: an
annotation, span or topic decision that exists is kept as it is, so merging the same file
twice changes nothing and the order of merging does not matter for different annotators.
Their file is only read (SQLite read-only mode), never written.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import ProjectError
from annotator.core.store import merge as store
from annotator.core.store.files import open_read_only

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from annotator.core.project import Project


@dataclass
class MergeReport:
    documents_added: int = 0
    documents_matched: int = 0
    annotations_added: int = 0
    spans_added: int = 0
    topics_added: int = 0
    relations_added: int = 0


def merge_project(project: Project, theirs: str | Path) -> MergeReport:
    """Bring every document and annotation of ``theirs`` into ``project`` in one transaction."""
    path = Path(theirs).expanduser()
    if path.resolve() == project.path.resolve():
        raise ProjectError("A project cannot be merged into itself.")
    source = open_read_only(path, "a project")
    report = MergeReport()
    try:
        with project.write() as conn:
            documents = _merge_documents(source, conn, report)
            annotators = {
                their_id: store.add_annotator(conn, name, kind, version)
                for their_id, name, kind, version in store.their_annotators(source)
            }
            annotations = _merge_annotations(source, conn, documents, annotators, report)
            labels = store.label_map(source, conn)
            spans = _merge_spans(source, conn, annotations, annotators, labels, report)
            for annotation, label, applies in store.their_topics(source):
                report.topics_added += store.add_topic(
                    conn, annotations[annotation], labels[label], applies
                )
            for annotation, head, child, label, creator, extra, created in store.their_relations(
                source
            ):
                row = (
                    annotations[annotation],
                    spans[head],
                    spans[child],
                    labels[label],
                    annotators[creator],
                    extra,
                    created,
                )
                report.relations_added += store.add_relation(conn, row)
            store.log_merge(conn, path.name)
    finally:
        source.close()
    return report


def _merge_documents(
    source: sqlite3.Connection, conn: Connection, report: MergeReport
) -> dict[int, int]:
    mapping = {}
    for their_id, text, title, origin, meta, content_hash, length, extra in store.their_documents(
        source
    ):
        found = store.document_id(conn, content_hash)
        if found is None:
            found = store.add_document(
                conn, (text, title, origin, meta, content_hash, length, extra)
            )
            report.documents_added += 1
        else:
            report.documents_matched += 1
        mapping[their_id] = found
    return mapping


def _merge_annotations(
    source: sqlite3.Connection,
    conn: Connection,
    documents: dict[int, int],
    annotators: dict[int, int],
    report: MergeReport,
) -> dict[int, int]:
    mapping = {}
    for their_id, document, annotator, *rest in store.their_annotations(source):
        mapping[their_id], added = store.add_annotation(
            conn, (documents[document], annotators[annotator], *rest)
        )
        report.annotations_added += added
    return mapping


def _merge_spans(
    source: sqlite3.Connection,
    conn: Connection,
    annotations: dict[int, int],
    annotators: dict[int, int],
    labels: dict[int, int],
    report: MergeReport,
) -> dict[int, int]:
    """Their span ids to mine; an accepted suggestion points at its merged origin."""
    mapping: dict[int, int] = {}
    for their_id, annotation, layer, group, start, end, label, *rest in store.their_spans(source):
        note, kb_id, attributes, extra, creator, origin, rejected, created = rest
        row = (
            annotations[annotation],
            layer,
            group,
            start,
            end,
            labels.get(label),
            note,
            kb_id,
            attributes,
            extra,
            annotators[creator],
            mapping.get(origin),
            rejected,
            created,
        )
        mapping[their_id], added = store.add_span(conn, row)
        report.spans_added += added
    return mapping

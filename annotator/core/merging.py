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
from annotator.core.records import LabelKind
from annotator.core.store.bulk import ensure_label_id, now_text
from annotator.core.store.database import open_read_only

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


def merge_project(project: Project, theirs: str | Path) -> MergeReport:
    """Bring every document and annotation of ``theirs`` into ``project`` in one transaction."""
    path = Path(theirs).expanduser()
    if path.resolve() == project.path.resolve():
        raise ProjectError("A project cannot be merged into itself.")
    source = open_read_only(path, "a project")
    report = MergeReport()
    try:
        with project.writer.begin() as conn:
            documents = _merge_documents(source, conn, report)
            annotators = _merge_annotators(source, conn)
            annotations = _merge_annotations(source, conn, documents, annotators, report)
            labels = _label_map(source, conn)
            _merge_spans(source, conn, annotations, annotators, labels, report)
            _merge_topics(source, conn, annotations, labels, report)
            conn.exec_driver_sql(
                "INSERT INTO edit_log (at, action, details) VALUES (?, 'merge', ?)",
                (now_text(), f'{{"file": "{path.name}"}}'),
            )
    finally:
        source.close()
    return report


def _merge_documents(source: sqlite3.Connection, conn: Connection, report: MergeReport) -> dict:
    mapping = {}
    for their_id, text, title, origin, meta, content_hash, length in source.execute(
        "SELECT id, text, title, source, meta, content_hash, length FROM documents"
    ):
        row = conn.exec_driver_sql(
            "SELECT id FROM documents WHERE content_hash = ?", (content_hash,)
        ).first()
        if row is None:
            conn.exec_driver_sql(
                "INSERT INTO documents (text, title, source, meta, content_hash, length, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (text, title, origin, meta, content_hash, length, now_text()),
            )
            row = conn.exec_driver_sql(
                "SELECT id FROM documents WHERE content_hash = ?", (content_hash,)
            ).first()
            report.documents_added += 1
        else:
            report.documents_matched += 1
        mapping[their_id] = row[0]
    return mapping


def _merge_annotators(source: sqlite3.Connection, conn: Connection) -> dict:
    mapping = {}
    for their_id, name, kind, version in source.execute(
        "SELECT id, name, kind, model_version FROM annotators"
    ):
        conn.exec_driver_sql(
            "INSERT INTO annotators (name, kind, model_version) VALUES (?, ?, ?) "
            "ON CONFLICT(name) DO NOTHING",
            (name, kind, version),
        )
        mapping[their_id] = conn.exec_driver_sql(
            "SELECT id FROM annotators WHERE name = ?", (name,)
        ).scalar_one()
    return mapping


def _merge_annotations(
    source: sqlite3.Connection,
    conn: Connection,
    documents: dict,
    annotators: dict,
    report: MergeReport,
) -> dict:
    mapping = {}
    for their_id, document, annotator, status, seconds, created, updated in source.execute(
        "SELECT id, document_id, annotator_id, status, active_seconds, created_at, updated_at "
        "FROM annotations"
    ):
        result = conn.exec_driver_sql(
            "INSERT INTO annotations (document_id, annotator_id, status, active_seconds, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(document_id, annotator_id) DO NOTHING",
            (documents[document], annotators[annotator], status, seconds, created, updated),
        )
        report.annotations_added += result.rowcount
        mapping[their_id] = conn.exec_driver_sql(
            "SELECT id FROM annotations WHERE document_id = ? AND annotator_id = ?",
            (documents[document], annotators[annotator]),
        ).scalar_one()
    return mapping


def _label_map(source: sqlite3.Connection, conn: Connection) -> dict:
    return {
        their_id: ensure_label_id(conn, LabelKind(kind), name)
        for their_id, kind, name in source.execute("SELECT id, kind, name FROM labels")
    }


def _merge_spans(
    source: sqlite3.Connection,
    conn: Connection,
    annotations: dict,
    annotators: dict,
    labels: dict,
    report: MergeReport,
) -> None:
    """Model spans first, so a human's accepted suggestion can point at its merged origin."""
    mapping: dict[int, int] = {}
    rows = source.execute(
        'SELECT s.id, s.annotation_id, s.layer, s.start, s."end", s.label_id, s.note, '
        "s.created_by, s.origin_span_id, s.rejected, s.created_at FROM spans AS s "
        "ORDER BY s.origin_span_id IS NOT NULL, s.id"
    ).fetchall()
    for (
        their_id,
        annotation,
        layer,
        start,
        end,
        label,
        note,
        creator,
        origin,
        rejected,
        created,
    ) in rows:
        key = (annotations[annotation], layer, start, end, labels[label])
        result = conn.exec_driver_sql(
            'INSERT INTO spans (annotation_id, layer, start, "end", label_id, note, created_by, '
            "origin_span_id, rejected, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (*key, note, annotators[creator], mapping.get(origin), rejected, created),
        )
        report.spans_added += result.rowcount
        mapping[their_id] = conn.exec_driver_sql(
            "SELECT id FROM spans WHERE annotation_id = ? AND layer = ? AND start = ? "
            'AND "end" = ? AND label_id = ?',
            key,
        ).scalar_one()


def _merge_topics(
    source: sqlite3.Connection,
    conn: Connection,
    annotations: dict,
    labels: dict,
    report: MergeReport,
) -> None:
    for annotation, label, applies in source.execute(
        "SELECT annotation_id, label_id, applies FROM topics"
    ):
        result = conn.exec_driver_sql(
            "INSERT INTO topics (annotation_id, label_id, applies) VALUES (?, ?, ?) "
            "ON CONFLICT(annotation_id, label_id) DO NOTHING",
            (annotations[annotation], labels[label], applies),
        )
        report.topics_added += result.rowcount

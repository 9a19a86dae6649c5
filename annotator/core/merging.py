"""Merging a colleague's project file into mine: their work arrives under their names.

Documents are matched by text (content hash). Nothing already in my project is changed: an
annotation, span or topic decision that exists is kept as it is, so merging the same file
twice changes nothing and the order of merging does not matter for different annotators.

Their file is untrusted input: it is opened by
:func:`annotator.core.store.untrusted.open_untrusted` (read-only, SQLite's safeguards, an
integrity check and a schema check before any row is read), and what it holds is checked as
it is read (a text must match its fingerprint, a span must lie inside its text). A file that
fails is refused with its name and the reason, and the merge's one transaction is rolled
back: my project is as it was.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from annotator.core.errors import ProjectError
from annotator.core.import_writer import content_hash
from annotator.core.records import LabelKind
from annotator.core.store import merge as store
from annotator.core.store.untrusted import open_untrusted

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


class _Refused(Exception):
    """Their file holds something a project never does (the reason is the message)."""


def merge_project(project: Project, theirs: str | Path) -> MergeReport:
    """Bring every document and annotation of ``theirs`` into ``project`` in one transaction.

    Raises ProjectError naming ``theirs`` and the reason when it cannot be merged; then
    nothing in ``project`` has changed.
    """
    path = Path(theirs).expanduser()
    if project.path is not None and path.resolve() == project.path.resolve():
        raise ProjectError("A project cannot be merged into itself.")
    source = open_untrusted(path, "a project")
    report = MergeReport()
    try:
        with project.write() as conn:
            _merge(source, conn, report)
            store.log_merge(conn, path.name, asdict(report))
    except _Refused as exc:
        raise ProjectError(_undone(path, str(exc))) from None
    except sqlite3.DatabaseError as exc:
        raise ProjectError(_undone(path, f"it could not be read to the end: {exc}")) from exc
    except IntegrityError as exc:
        raise ProjectError(_undone(path, f"it holds rows a project never has: {exc.orig}")) from exc
    finally:
        source.close()
    return report


def _undone(path: Path, reason: str) -> str:
    return f"{path} was refused: {reason}. The merge was undone; nothing was changed."


def _merge(source: sqlite3.Connection, conn: Connection, report: MergeReport) -> None:
    documents, lengths = _merge_documents(source, conn, report)
    annotators = {
        their_id: store.add_annotator(conn, name, kind, version)
        for their_id, name, kind, version in store.their_annotators(source)
    }
    annotations, their_lengths = _merge_annotations(
        source, conn, documents, lengths, annotators, report
    )
    labels = _merge_labels(source, conn)
    spans = _merge_spans(source, conn, annotations, their_lengths, annotators, labels, report)
    for annotation, label, applies in store.their_topics(source):
        report.topics_added += store.add_topic(
            conn, annotations[annotation], labels[label], bool(applies)
        )
    for annotation, head, child, label, creator, extra, created in store.their_relations(source):
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


def _merge_documents(
    source: sqlite3.Connection, conn: Connection, report: MergeReport
) -> tuple[dict[int, int], dict[int, int]]:
    """Their document ids to mine, and the length of each of their texts."""
    mapping, lengths = {}, {}
    for their_id, text, title, origin, meta, digest, length, extra in store.their_documents(source):
        if not isinstance(text, str) or content_hash(text) != digest or length != len(text):
            raise _Refused(
                f"the text of its document {their_id} does not match its fingerprint or "
                "length (a file changed outside Annotator, or crafted)"
            )
        found = store.document_id(conn, digest)
        if found is None:
            found = store.add_document(conn, (text, title, origin, meta, digest, length, extra))
            report.documents_added += 1
        else:
            report.documents_matched += 1
        mapping[their_id] = found
        lengths[their_id] = length
    return mapping, lengths


def _merge_annotations(
    source: sqlite3.Connection,
    conn: Connection,
    documents: dict[int, int],
    lengths: dict[int, int],
    annotators: dict[int, int],
    report: MergeReport,
) -> tuple[dict[int, int], dict[int, int]]:
    """Their annotation ids to mine, and the length of the text each annotates."""
    mapping, annotated = {}, {}
    for (
        their_id,
        document,
        annotator,
        status,
        seconds,
        created,
        updated,
        partial,
        *rest,
    ) in store.their_annotations(source):
        row = (
            documents[document],
            annotators[annotator],
            status,
            seconds,
            created,
            updated,
            bool(partial),
            *rest,
        )
        mapping[their_id], added = store.add_annotation(conn, row)
        annotated[their_id] = lengths[document]
        report.annotations_added += added
    return mapping, annotated


def _merge_labels(source: sqlite3.Connection, conn: Connection) -> dict[int, int]:
    mapping = {}
    for their_id, kind, name in store.their_labels(source):
        try:
            known = LabelKind(kind)
        except ValueError:
            raise _Refused(f"its label {name!r} is of a kind no project has ({kind!r})") from None
        mapping[their_id] = store.label_id(conn, known, name)
    return mapping


def _merge_spans(
    source: sqlite3.Connection,
    conn: Connection,
    annotations: dict[int, int],
    lengths: dict[int, int],
    annotators: dict[int, int],
    labels: dict[int, int],
    report: MergeReport,
) -> dict[int, int]:
    """Their span ids to mine; an accepted suggestion points at its merged origin."""
    mapping: dict[int, int] = {}
    for their_id, annotation, layer, group, start, end, label, *rest in store.their_spans(source):
        note, kb_id, attributes, extra, creator, origin, rejected, created = rest
        if not (
            isinstance(start, int)
            and isinstance(end, int)
            and 0 <= start < end <= lengths[annotation]
        ):
            raise _Refused(f"its span {their_id} ({start}..{end}) lies outside its text")
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
            bool(rejected),
            created,
        )
        mapping[their_id], added = store.add_span(conn, row)
        report.spans_added += added
    return mapping

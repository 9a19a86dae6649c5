"""Importing files into a project: format detection, validation, all-or-nothing per file.

The whole import is one transaction and each file a savepoint inside it. A bad file rolls back
its savepoint; without ``skip_invalid`` the whole import then rolls back and the project is
exactly as before. Records are written in batches with plain SQL, so a large corpus imports at
close to the speed of SQLite itself, and files are streamed, never read whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from annotator.core.errors import AnnotatorError, Cancelled, FormatError, SpanError
from annotator.core.progress import CancelCallback, ProgressCallback, Reporter
from annotator.core.records import DocumentRecord, LabelKind, Layer
from annotator.core.spans import validate_spans
from annotator.core.store.bulk import ensure_label_id, now_text

if TYPE_CHECKING:
    from annotator.core.project import Project

FORMATS = ("auto", "txt", "html", "prodigy", "doccano", "spacy")
EXTENSIONS = {".txt": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".spacy": "spacy"}
BATCH_SIZE = 500


@dataclass(frozen=True)
class SkippedFile:
    path: Path
    line: int | None
    reason: str


@dataclass
class ImportReport:
    """What an import did, for the CLI summary and the app's report dialog."""

    files: int = 0
    documents_added: int = 0
    documents_existing: int = 0
    annotations: int = 0
    spans: int = 0
    topics: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)

    def write_skipped(self, path: Path) -> None:
        """The report ``--skip-invalid`` promises: one JSON line per skipped file."""
        with path.open("w", encoding="utf-8") as handle:
            for item in self.skipped:
                row = {"file": str(item.path), "line": item.line, "reason": item.reason}
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Files to import (folders walked recursively, sorted) and files in folders we cannot read.

    A file named explicitly is always returned, so an unsupported one gets a clear error.
    """
    files: list[Path] = []
    ignored: list[Path] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name.startswith("."):
                    continue
                (files if child.suffix.lower() in EXTENSIONS else ignored).append(child)
        else:
            files.append(path)
    return files, ignored


def detect_format(path: Path, requested: str) -> str:
    if not path.exists():
        raise FormatError(path, "no such file or folder")
    if requested != "auto":
        return requested
    kind = EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        raise FormatError(
            path,
            f"unsupported file type '{path.suffix or '(none)'}'; "
            "Annotator reads .txt, .html, .jsonl (Prodigy or doccano) and .spacy files",
        )
    if kind != "jsonl":
        return kind
    from annotator.core.formats import doccano, jsonl, prodigy

    for _line, obj in jsonl.iter_json_lines(path):
        if doccano.looks_like(obj):
            return "doccano"
        if prodigy.looks_like(obj):
            return "prodigy"
        break
    raise FormatError(path, "neither Prodigy nor doccano JSONL: the first record has no 'text'", 1)


def read_records(path: Path, fmt: str, language: str) -> Iterator[DocumentRecord]:
    """Stream the file's records with the reader of its format (imported only when needed)."""
    import importlib

    module_name = {"spacy": "docbin"}.get(fmt, fmt)
    module = importlib.import_module(f"annotator.core.formats.{module_name}")
    if fmt == "spacy":
        return module.read(path, language)
    return module.read(path)


class _FileWriter:
    """Writes one file's records in batches; its caches die with the file's savepoint."""

    def __init__(self, conn: Connection, path: Path, default_annotator: str) -> None:
        self.conn = conn
        self.path = path
        self.default_annotator = default_annotator
        self.annotators: dict[str, int] = {}
        self.labels: dict[tuple[str, str], int] = {}
        self.report = ImportReport()

    def _sql(self, sql: str, rows: Sequence[tuple[Any, ...]] | tuple[Any, ...] = ()) -> Any:
        return self.conn.exec_driver_sql(sql, rows)

    def annotator_id(self, name: str) -> int:
        if name not in self.annotators:
            row = self._sql("SELECT id FROM annotators WHERE name = ?", (name,)).first()
            if row is None:
                self._sql("INSERT INTO annotators (name, kind) VALUES (?, 'human')", (name,))
                row = self._sql("SELECT id FROM annotators WHERE name = ?", (name,)).first()
            self.annotators[name] = row[0]
        return self.annotators[name]

    def label_id(self, kind: LabelKind, name: str) -> int:
        key = (kind.value, name)
        if key not in self.labels:
            self.labels[key] = ensure_label_id(self.conn, kind, name)
        return self.labels[key]

    def validate(self, record: DocumentRecord) -> None:
        if not isinstance(record.text, str) or not record.text.strip():
            raise FormatError(self.path, "the document text is empty", record.line)
        for annotation in record.annotations:
            try:
                validate_spans(record.text, annotation.spans)
            except SpanError as exc:
                raise FormatError(self.path, str(exc), record.line) from None
            for topic in annotation.topics:
                if not topic.label or not topic.label.strip():
                    raise FormatError(self.path, "a topic label is empty", record.line)

    def write_batch(self, records: list[DocumentRecord]) -> None:
        for record in records:
            self.validate(record)
        hashes = [content_hash(r.text) for r in records]
        existing = self._ids_for(hashes)
        now = now_text()
        self._sql(
            "INSERT INTO documents (text, title, source, meta, content_hash, length, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(content_hash) DO NOTHING",
            [
                (
                    r.text,
                    r.title,
                    r.source,
                    json.dumps(r.meta, ensure_ascii=False),
                    h,
                    len(r.text),
                    now,
                )
                for r, h in zip(records, hashes, strict=True)
            ],
        )
        ids = self._ids_for(hashes)
        added = {h for h in hashes if h not in existing}
        self.report.documents_added += len(added)
        self.report.documents_existing += len(set(hashes)) - len(added)
        self._write_annotations(records, [ids[h] for h in hashes], now)

    def _ids_for(self, hashes: list[str]) -> dict[str, int]:
        unique = list(dict.fromkeys(hashes))
        found: dict[str, int] = {}
        for start in range(0, len(unique), 900):
            chunk = unique[start : start + 900]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT content_hash, id FROM documents WHERE content_hash IN ({marks})"
            found.update(self._sql(sql, tuple(chunk)).all())
        return found

    def _write_annotations(
        self, records: list[DocumentRecord], document_ids: list[int], now: str
    ) -> None:
        rows = []
        for record, document_id in zip(records, document_ids, strict=True):
            for annotation in record.annotations:
                who = self.annotator_id(annotation.annotator or self.default_annotator)
                rows.append((document_id, who, annotation))
        if not rows:
            return
        self._sql(
            "INSERT INTO annotations (document_id, annotator_id, status, active_seconds, "
            "created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?) "
            "ON CONFLICT(document_id, annotator_id) DO UPDATE SET "
            "status = excluded.status, updated_at = excluded.updated_at",
            [(d, a, ann.status.value, now, now) for d, a, ann in rows],
        )
        spans, topics = [], []
        for document_id, who, annotation in rows:
            annotation_id = self._sql(
                "SELECT id FROM annotations WHERE document_id = ? AND annotator_id = ?",
                (document_id, who),
            ).scalar()
            for span in annotation.spans:
                kind = LabelKind.ENTITY if span.layer is Layer.ENTITY else LabelKind.RELIABILITY
                label = self.label_id(kind, span.label)
                spans.append(
                    (
                        annotation_id,
                        span.layer.value,
                        span.start,
                        span.end,
                        label,
                        span.note,
                        who,
                        now,
                    )
                )
            for topic in annotation.topics:
                label = self.label_id(LabelKind.TOPIC, topic.label)
                topics.append((annotation_id, label, topic.applies))
        if spans:
            self._sql(
                'INSERT INTO spans (annotation_id, layer, start, "end", label_id, note, '
                "created_by, rejected, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?) "
                "ON CONFLICT DO NOTHING",
                spans,
            )
        if topics:
            self._sql(
                "INSERT INTO topics (annotation_id, label_id, applies) VALUES (?, ?, ?) "
                "ON CONFLICT(annotation_id, label_id) DO UPDATE SET applies = excluded.applies",
                topics,
            )
        self.report.annotations += len(rows)
        self.report.spans += len(spans)
        self.report.topics += len(topics)


def _batches(records: Iterator[DocumentRecord], size: int) -> Iterator[list[DocumentRecord]]:
    while batch := list(islice(records, size)):
        yield batch


def import_paths(
    project: Project,
    paths: Iterable[str | Path],
    *,
    fmt: str = "auto",
    annotator: str | None = None,
    skip_invalid: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
) -> ImportReport:
    """Import files and folders; see the module docstring for what happens on bad input.

    ``annotator`` names whoever made annotations the file does not attribute to anyone; by
    default the current user.
    """
    if fmt not in FORMATS:
        raise AnnotatorError(f"Unknown format '{fmt}'; choose one of {', '.join(FORMATS)}.")
    from annotator.core.settings import current_annotator

    default_annotator = annotator or current_annotator()
    reporter = Reporter(progress, cancel)
    files, ignored = collect_files(Path(p).expanduser() for p in paths)
    report = ImportReport(ignored=ignored)
    language = project.language
    documents_seen = 0
    with project.writer.begin() as conn:
        for number, path in enumerate(files, start=1):
            reporter.check_cancelled()
            reporter.report(number - 1, len(files), f"Importing {path.name}")
            savepoint = conn.begin_nested()
            writer = _FileWriter(conn, path, default_annotator)
            try:
                file_format = detect_format(path, fmt)
                records = read_records(path, file_format, language)
                for batch in _batches(records, BATCH_SIZE):
                    writer.write_batch(batch)
                    documents_seen += len(batch)
                    reporter.report(number - 1, len(files), f"{path.name}: {documents_seen:,}")
                    reporter.check_cancelled()
                writer._sql(
                    "INSERT INTO edit_log (at, annotator_id, document_id, action, details) "
                    "VALUES (?, NULL, NULL, 'import', ?)",
                    (now_text(), json.dumps({"file": str(path), "format": file_format})),
                )
            except Cancelled:
                savepoint.rollback()
                raise
            except FormatError as exc:
                savepoint.rollback()
                if not skip_invalid:
                    raise
                report.skipped.append(SkippedFile(path, exc.line, exc.reason))
                continue
            except (OSError, ValueError) as exc:
                savepoint.rollback()
                error = FormatError(path, f"cannot be read: {exc}")
                if not skip_invalid:
                    raise error from exc
                report.skipped.append(SkippedFile(path, None, error.reason))
                continue
            savepoint.commit()
            report.files += 1
            for name in ("documents_added", "documents_existing", "annotations", "spans", "topics"):
                setattr(report, name, getattr(report, name) + getattr(writer.report, name))
        reporter.report(len(files), len(files), "Import finished")
    return report

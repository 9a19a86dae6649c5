"""Importing files into a project: which files, which format, all or nothing per file.

The whole import is one transaction and each file a savepoint inside it. A file whose records
are all good is written; a file with bad records is refused whole, naming every bad line (the
first twenty, then a count), unless ``skip_invalid`` is set: then its bad records are skipped
and listed, and the rest is imported. Without ``skip_invalid`` a refused file rolls back the
whole import, so the project is exactly as before. Files are streamed, never read whole.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from copy import deepcopy
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import AnnotatorError, Cancelled, FormatError
from annotator.core.import_report import LISTED, ImportReport, Omitted, Problem
from annotator.core.import_writer import BatchWriter, Entry, ImportState, content_hash
from annotator.core.progress import CancelCallback, ProgressCallback, Reporter
from annotator.core.record_checks import RecordProblem, check_document
from annotator.core.records import (
    BadRecord,
    DocumentRecord,
    Omission,
    ReadItem,
    ReadOptions,
    SchemeLabel,
)
from annotator.core.store import imports as store

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from annotator.core.project import Project

FORMATS = (
    "auto",
    "txt",
    "html",
    "prodigy",
    "doccano",
    "spacy",
    "brat",
    "conll",
    "csv",
    "labels",
)
#: File name endings and the format (or, for JSON, the container) they say.
EXTENSIONS = {
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".json": "json",
    ".spacy": "spacy",
    ".ann": "brat",
    ".conll": "conll",
    ".iob": "conll",
    ".iob2": "conll",
    ".bio": "conll",
    ".csv": "csv",
    ".tsv": "csv",
    ".labels": "labels",
}
#: The module that reads each format.
READERS = {
    "txt": "txt",
    "html": "html",
    "prodigy": "prodigy",
    "doccano": "doccano",
    "spacy": "docbin",
    "brat": "brat",
    "conll": "conll",
    "csv": "table",
    "labels": "standoff_labels",
}
#: Files that configure brat's display of a folder: read with it (annotation.conf) or not
#: needed to import it (the others), so never reported as ignored beside .ann files.
BRAT_CONF = {"annotation.conf", "visual.conf", "tools.conf", "kb_shortcuts.conf"}
#: Records are written in batches: large enough that the statements per batch cost little
#: (a file of short sentences), small enough in characters that memory stays flat (a file of
#: long articles).
BATCH_SIZE = 2000
BATCH_CHARACTERS = 4_000_000

# Re-exported for callers that hash texts the way the store does.
__all__ = ["FORMATS", "ImportReport", "content_hash", "import_paths"]


def collect_files(
    paths: Iterable[Path], requested: str = "auto"
) -> tuple[list[Path], list[Problem]]:
    """Files to import (folders walked recursively, in name order) and the files in folders
    that will not be imported, each with the reason.

    A file named explicitly is always returned, so an unsupported one gets a clear error.
    In a folder, a ``.txt`` beside an ``.ann`` of the same name is brat's text (read with the
    ``.ann``), and ``article<ID>.txt`` files named by a labels file are read with it.
    """
    files: list[Path] = []
    ignored: list[Problem] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        children = sorted(p for p in path.rglob("*") if p.is_file())
        claimed = _claimed_texts(children)
        has_brat = any(p.suffix.lower() == ".ann" for p in children)
        for child in children:
            if child in claimed:
                continue
            if child.name.startswith("."):
                ignored.append(Problem(child, None, "hidden file"))
            elif child.name in BRAT_CONF and has_brat:
                continue
            elif requested != "auto" or child.suffix.lower() in EXTENSIONS:
                files.append(child)
            else:
                kind = child.suffix or "(no extension)"
                ignored.append(Problem(child, None, f"unsupported file type {kind}"))
    return files, ignored


def _claimed_texts(children: list[Path]) -> set[Path]:
    """Text files another file reads: brat's ``.txt`` beside its ``.ann``, and the articles
    of a labels file."""
    claimed = set()
    names = set(children)
    for child in children:
        suffix = child.suffix.lower()
        if suffix == ".ann" and child.with_suffix(".txt") in names:
            claimed.add(child.with_suffix(".txt"))
        elif suffix in (".labels", ".tsv") and _is_labels(child):
            from annotator.core.formats.standoff_labels import texts_for

            claimed.update(texts_for(child).values())
    return claimed


def _is_labels(path: Path) -> bool:
    from annotator.core.formats.standoff_labels import looks_like_labels

    return looks_like_labels(path)


def detect_format(path: Path, requested: str) -> str:
    """The format to read ``path`` with: as requested, else from its name and content."""
    if not path.exists():
        raise FormatError(path, "no such file or folder")
    suffix = path.suffix.lower()
    if requested not in ("auto", "prodigy", "doccano"):
        return requested
    kind = EXTENSIONS.get(suffix)
    if kind == "txt" and path.with_suffix(".ann").exists() and requested == "auto":
        return "brat"
    if kind in ("jsonl", "json"):
        return requested if requested != "auto" else _json_shape(path, kind)
    if requested != "auto":
        raise FormatError(path, f"{requested} files are JSON Lines (.jsonl) or JSON (.json)")
    if kind == "csv" and suffix == ".tsv" and _is_labels(path):
        return "labels"
    if kind is None:
        readable = ", ".join(sorted({e for e in EXTENSIONS if e != ".htm"}))
        raise FormatError(
            path,
            f"unsupported file type '{path.suffix or '(none)'}'; Annotator reads {readable} "
            "(or name the format with --format)",
        )
    return kind


def _json_shape(path: Path, container: str) -> str:
    """Prodigy or doccano, from the first record of a JSON Lines or JSON file."""
    from annotator.core.formats import doccano, prodigy

    for item in _json_objects(path, container):
        if not isinstance(item, tuple):
            continue
        _line, obj = item
        if doccano.looks_like(obj):
            return "doccano"
        if prodigy.looks_like(obj):
            return "prodigy"
        break
    raise FormatError(
        path, "neither Prodigy nor doccano records: the first record has no 'text'", 1
    )


def _json_objects(path: Path, container: str) -> Iterator[tuple[int, dict] | BadRecord | Omission]:
    if container == "json":
        from annotator.core.formats.json_records import iter_json_records

        return iter_json_records(path)
    from annotator.core.formats.jsonl import iter_json_lines

    return iter_json_lines(path)


def read_items(
    path: Path, fmt: str, options: ReadOptions
) -> Iterator[DocumentRecord | BadRecord | Omission | SchemeLabel]:
    """Stream the file's items with the reader of its format (imported only when needed)."""
    module = importlib.import_module(f"annotator.core.formats.{READERS[fmt]}")
    if fmt in ("prodigy", "doccano"):
        container = "json" if path.suffix.lower() == ".json" else "jsonl"
        return module.read_objects(path, _json_objects(path, container))
    if fmt == "brat" and path.suffix.lower() != ".ann":
        path = path.with_suffix(".ann")
    return module.read(path, options)


def import_paths(
    project: Project,
    paths: Iterable[str | Path],
    *,
    fmt: str = "auto",
    annotator: str | None = None,
    skip_invalid: bool = False,
    text_column: str | None = None,
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
    files, ignored = collect_files((Path(p).expanduser() for p in paths), fmt)
    report = ImportReport(ignored=ignored)
    options = ReadOptions(language=project.language, text_column=text_column)
    with project.write() as conn:
        state = ImportState.start(conn)
        small = _SmallFiles(BatchWriter(conn, default_annotator, state, report), skip_invalid)
        for number, path in enumerate(files, start=1):
            reporter.check_cancelled()
            reporter.report(number - 1, len(files), f"Importing {path.name}")
            try:
                file_format = detect_format(path, fmt)
                items = read_items(path, file_format, options)
                head, whole = _take(items)
            except (FormatError, OSError, ValueError) as exc:
                _skip_or_raise(report, path, exc, skip_invalid)
                continue
            if whole:
                try:
                    small.add(path, file_format, head)
                except FormatError as exc:
                    _skip_or_raise(report, path, exc, skip_invalid)
                continue
            small.flush()
            _import_large_file(
                conn,
                path,
                file_format,
                chain(head, items),
                BatchWriter(conn, default_annotator, state, ImportReport()),
                report,
                skip_invalid,
                _ticker(reporter, number, len(files)),
            )
        small.flush()
        report.labels_added = state.labels_added
        report.statuses = Counter(
            store.status_counts(conn, state.first_new_annotation, sorted(state.replaced))
        )
        reporter.report(len(files), len(files), "Import finished")
    return report


def _take(items: Iterator[ReadItem]) -> tuple[list[ReadItem], bool]:
    """The next batch of items, and whether the file ended with it."""
    batch: list[ReadItem] = []
    records = characters = 0
    for item in items:
        batch.append(item)
        if isinstance(item, DocumentRecord):
            records += 1
            characters += len(item.text)
            if records >= BATCH_SIZE or characters >= BATCH_CHARACTERS:
                return batch, False
    return batch, True


def _skip_or_raise(report: ImportReport, path: Path, exc: Exception, skip_invalid: bool) -> None:
    """A file that cannot be read: skipped with ``skip_invalid``, else the whole import stops."""
    error = exc if isinstance(exc, FormatError) else FormatError(path, f"cannot be read: {exc}")
    if not skip_invalid:
        raise error from exc
    report.skipped_files.append(Problem(error.path, error.line, error.reason))


class _SmallFiles:
    """Files of fewer records than a batch (a folder of articles, brat pairs) are read whole
    before anything of them is written, so a bad one is refused without a savepoint, and their
    records are written together, a batch of many files at a time."""

    def __init__(self, writer: BatchWriter, skip_invalid: bool) -> None:
        self.writer = writer
        self.skip_invalid = skip_invalid
        self.entries: list[Entry] = []
        self.characters = 0
        self.logged: list[dict[str, str]] = []

    def add(self, path: Path, fmt: str, items: list[ReadItem]) -> None:
        """Check one small file's items; raises FormatError (nothing written) to refuse it."""
        writer, report = self.writer, self.writer.report
        entries, bad, omitted, labels = _sort_items(path, fmt, items, report)
        if bad and not self.skip_invalid:
            raise _refusal(path, bad)
        if not entries and not bad and not omitted:
            raise FormatError(path, "the file holds no documents")
        for label in labels:
            writer.state.label_id(writer.conn, label.kind, label.name)
        report.omitted += omitted
        report.skipped_records += bad
        report.files += 1
        self.entries += entries
        self.characters += sum(len(e.record.text) for e in entries)
        self.logged.append({"file": str(path), "format": fmt})
        if len(self.entries) >= BATCH_SIZE or self.characters >= BATCH_CHARACTERS:
            self.flush()

    def flush(self) -> None:
        if self.entries:
            self.writer.write_batch(self.entries)
            self.entries = []
            self.characters = 0
        _settle_bad(self.writer, self.skip_invalid)
        store.log_imports(self.writer.conn, self.logged)
        self.logged = []


def _sort_items(
    path: Path, fmt: str, items: Iterable[ReadItem], report: ImportReport
) -> tuple[list[Entry], list[Problem], list[Omitted], list[SchemeLabel]]:
    """A file's items by kind: checked records, bad ones, things not kept, declared labels."""
    entries: list[Entry] = []
    bad: list[Problem] = []
    omitted: Counter[tuple[str, str]] = Counter()
    labels: list[SchemeLabel] = []
    for item in items:
        if isinstance(item, DocumentRecord):
            try:
                tidied = check_document(item)
            except RecordProblem as exc:
                bad.append(Problem(path, item.line, str(exc)))
                continue
            report.duplicate_spans += tidied.duplicate_spans
            report.duplicate_relations += tidied.duplicate_relations
            entries.append(Entry(tidied.record, path, fmt))
        elif isinstance(item, BadRecord):
            bad.append(Problem(path, item.line, item.reason))
        elif isinstance(item, Omission):
            omitted[(item.what, item.reason)] += item.count
        else:
            labels.append(item)
    return entries, bad, [Omitted(path, w, r, c) for (w, r), c in omitted.items()], labels


def _settle_bad(writer: BatchWriter, skip_invalid: bool) -> None:
    """Records the writer found bad (partial answers that clash): listed or refused."""
    if not writer.bad:
        return
    if not skip_invalid:
        raise _refusal(writer.bad[0].path, writer.bad)
    writer.report.skipped_records += writer.bad
    writer.bad = []


def _ticker(reporter: Reporter, number: int, total: int) -> Callable[[str], None]:
    """Progress within a file: the file's position, its records so far; and a chance to
    cancel between batches."""

    def tick(message: str) -> None:
        reporter.report(number - 1, total, message)
        reporter.check_cancelled()

    return tick


def _import_large_file(
    conn: Connection,
    path: Path,
    fmt: str,
    items: Iterator[ReadItem],
    writer: BatchWriter,
    report: ImportReport,
    skip_invalid: bool,
    tick: Callable[[str], None],
) -> None:
    """A file of many records, in its own savepoint: written a batch at a time as it is read;
    refused whole (rolled back, every bad line named) or, with ``skip_invalid``, its bad
    records skipped."""
    savepoint = conn.begin_nested()
    saved_state = deepcopy(writer.state)
    file_report = writer.report
    try:
        bad: list[Problem] = []
        while True:
            batch, whole = _take(items)
            _write_items(writer, path, fmt, batch, bad, skip_invalid)
            if whole:
                break
            tick(f"{path.name}: {file_report.records:,} records")
        bad += writer.bad
        if bad and not skip_invalid:
            raise _refusal(path, bad)
        file_report.skipped_records += bad
        store.log_imports(conn, [{"file": str(path), "format": fmt}])
    except Cancelled:
        savepoint.rollback()
        raise
    except (FormatError, OSError, ValueError) as exc:
        savepoint.rollback()
        writer.state.__dict__.update(saved_state.__dict__)
        _skip_or_raise(report, path, exc, skip_invalid)
        return
    savepoint.commit()
    file_report.files = 1
    report.absorb(file_report)


def _write_items(
    writer: BatchWriter,
    path: Path,
    fmt: str,
    items: list[ReadItem],
    bad: list[Problem],
    skip_invalid: bool,
) -> None:
    """Sort a batch of one large file's items and write its records, unless the file is
    already known to be refused (then only read on, to name every bad line)."""
    entries, found, omitted, labels = _sort_items(path, fmt, items, writer.report)
    bad += found
    for label in labels:
        writer.state.label_id(writer.conn, label.kind, label.name)
    for item in omitted:
        writer.report.omit(item.path, item.what, item.reason, item.count)
    if entries and (skip_invalid or not (bad or writer.bad)):
        writer.write_batch(entries)


def _refusal(path: Path, bad: list[Problem]) -> FormatError:
    if len(bad) == 1:
        return FormatError(bad[0].path, bad[0].reason, bad[0].line)
    listed = "; ".join(
        (f"line {p.line}: " if p.line is not None else "") + p.reason for p in bad[:LISTED]
    )
    more = f"; and {len(bad) - LISTED:,} more" if len(bad) > LISTED else ""
    return FormatError(
        path,
        f"{len(bad):,} bad records ({listed}{more}); nothing of this file was imported "
        "(--skip-invalid imports the good records and lists the bad ones)",
    )

"""Exporting one annotator's work: spaCy training set, Prodigy, doccano, brat, CoNLL, CSV or
unreliable-passage labels.

Items are read from the store in pages and streamed into the writer. What goes out: the
annotator's documents marked done; with ``include_unfinished`` also new and in-progress ones
and documents the annotator has no set on (text only); with ``all_answers`` also skipped and
rejected ones (Prodigy keeps every answer). Files and folders are written beside their target
and moved into place at the end, so a failed export leaves nothing half written, and nothing
that exists is replaced unless asked.
"""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import AnnotatorError
from annotator.core.progress import CancelCallback, ProgressCallback, Reporter
from annotator.core.records import (
    DERIVED_TITLE,
    ExportItem,
    ExportProblem,
    Status,
    annotation_digest,
)
from annotator.core.store import exports as store
from annotator.core.store.boilerplate import regions as boilerplate_regions
from annotator.core.store.content import annotation_contents
from annotator.core.store.imports import TASK_KEY
from annotator.core.store.suggestions import open_ranges

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.core.project import Project

#: Formats and the module that writes them.
WRITERS = {
    "spacy": "spacy_training",
    "prodigy": "prodigy",
    "doccano": "doccano",
    "brat": "brat",
    "conll": "conll",
    "csv": "table",
    "labels": "standoff_labels",
}
EXPORT_FORMATS = tuple(WRITERS)
#: Formats written into a folder of files; the others write one file.
FOLDER_FORMATS = {"spacy", "brat", "labels"}
#: The file a one-file format writes when OUT names a folder.
DEFAULT_NAMES = {
    "prodigy": "prodigy.jsonl",
    "doccano": "doccano.jsonl",
    "conll": "export.conll",
    "csv": "export.csv",
}
#: Endings that make OUT the file itself rather than a folder to write into.
FILE_SUFFIXES = {".jsonl", ".json", ".conll", ".iob", ".iob2", ".bio", ".csv", ".tsv"}
PAGE_SIZE = 500


@dataclass
class ExportReport:
    format: str
    annotator: str
    documents: int = 0
    train: int = 0
    dev: int = 0
    unannotated: int = 0
    files: list[Path] = field(default_factory=list)
    problems: list[ExportProblem] = field(default_factory=list)
    #: Why this annotator, when the caller did not name one.
    chosen_because: str | None = None
    #: Model suggestions the annotator left undecided on the exported documents.
    open_suggestions: int = 0
    #: Exported documents with boilerplate regions.
    boilerplate: int = 0
    notes: list[str] = field(default_factory=list)


def export_statuses(include_unfinished: bool, all_answers: bool = False) -> tuple[str, ...]:
    statuses = [Status.DONE.value]
    if include_unfinished:
        statuses += [Status.IN_PROGRESS.value, Status.NEW.value]
    if all_answers:
        statuses += [Status.SKIPPED.value, Status.REJECTED.value]
    return tuple(statuses)


def iter_export_items(
    project: Project,
    annotator: str,
    statuses: tuple[str, ...],
    reporter: Reporter | None = None,
    *,
    unannotated: bool = False,
) -> Iterator[ExportItem]:
    """The annotator's sets with those statuses (and, with ``unannotated``, the documents
    they have no set on), page by page, in document order."""
    with project.read() as conn:
        annotator_id = store.annotator_id(conn, annotator)
        topic_labels = store.topic_labels(conn)
    last_document = 0
    while True:
        if reporter is not None:
            reporter.check_cancelled()
        with project.read() as conn:
            rows = store.page(conn, annotator_id, statuses, unannotated, last_document, PAGE_SIZE)
            if not rows:
                return
            last_document = rows[-1].document_id
            annotation_ids = [r.annotation_id for r in rows if r.annotation_id is not None]
            contents = annotation_contents(conn, annotation_ids)
            undecided = open_ranges(conn, annotation_ids)
            greyed = boilerplate_regions(conn, [r.document_id for r in rows])
        for row in rows:
            extra = {k: v for k, v in row.extra.items() if k != TASK_KEY}
            title = None if row.document_extra.get(DERIVED_TITLE) else row.title
            if row.annotation_id is None:
                yield ExportItem(
                    text=row.text,
                    title=title,
                    meta=row.meta,
                    annotator=annotator,
                    status=Status.NEW,
                    spans=[],
                    topics=[],
                    topic_labels=topic_labels,
                    content_hash=row.content_hash,
                    document_extra=row.document_extra,
                    annotated=False,
                )
                continue
            content = contents[row.annotation_id]
            status = Status(row.status)
            unchanged = (
                row.imported_digest is not None
                and row.imported_digest
                == annotation_digest(
                    status, content.spans, content.topics, content.relations, row.partial
                )
            )
            yield ExportItem(
                text=row.text,
                title=title,
                meta=row.meta,
                annotator=annotator,
                status=status,
                spans=content.spans,
                topics=content.topics,
                topic_labels=topic_labels,
                content_hash=row.content_hash,
                relations=content.relations,
                partial=row.partial,
                extra=extra,
                document_extra=row.document_extra,
                unchanged=unchanged,
                open_suggestions=undecided.get(row.annotation_id, []),
                boilerplate=[(b, e) for b, e, _ in greyed.get(row.document_id, [])],
            )


def choose_annotator(project: Project, requested: str | None) -> tuple[str, str | None]:
    """Whose work to export, and why when nobody was named.

    The current user by default; when they have no work in this project (a project of
    imported files, say) and exactly one person has, that person.
    """
    from annotator.core.settings import current_annotator

    with project.read() as conn:
        people = store.people_with_sets(conn)
        if requested is not None:
            if store.annotator_id(conn, requested) is None:
                names = ", ".join(people) or "none yet"
                raise AnnotatorError(
                    f"There is no annotator named '{requested}' (annotators: {names})."
                )
            return requested, None
    me = current_annotator()
    if me in people or not people:
        return me, None
    if len(people) == 1:
        return people[0], f"you ({me}) have no work here; {people[0]} is the only annotator"
    raise AnnotatorError(
        f"You ({me}) have no work in {project.name}; choose whose to export with "
        f"--annotator: {', '.join(people)}."
    )


def _target(out: Path, fmt: str) -> Path:
    """OUT may name the file itself, or a folder that receives the format's default file."""
    if fmt in FOLDER_FORMATS or out.suffix.lower() in FILE_SUFFIXES:
        return out
    return out / DEFAULT_NAMES[fmt]


def export(
    project: Project,
    out: str | Path,
    *,
    fmt: str = "spacy",
    annotator: str | None = None,
    include_unfinished: bool = False,
    all_answers: bool = False,
    dev_ratio: float = 0.2,
    seed: int = 0,
    overwrite: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
) -> ExportReport:
    """Write the export; raises AnnotatorError when there is nothing to export."""
    if fmt not in WRITERS:
        raise AnnotatorError(
            f"Unknown export format '{fmt}'; choose one of {', '.join(EXPORT_FORMATS)}."
        )
    if not 0.0 <= dev_ratio < 1.0:
        raise AnnotatorError(f"--dev-ratio must be at least 0 and below 1, not {dev_ratio}.")
    annotator, because = choose_annotator(project, annotator)
    out = Path(out).expanduser()
    statuses = export_statuses(include_unfinished, all_answers)
    with project.read() as conn:
        total = store.count_rows(
            conn, store.annotator_id(conn, annotator), statuses, include_unfinished
        )
    if total == 0:
        hint = (
            "" if include_unfinished else " (add --include-unfinished to export work in progress)"
        )
        raise AnnotatorError(f"{annotator} has no documents to export{hint}.")
    reporter = Reporter(progress, cancel)
    report = ExportReport(format=fmt, annotator=annotator, chosen_because=because)

    def counted() -> Iterator[ExportItem]:
        items = iter_export_items(
            project, annotator, statuses, reporter, unannotated=include_unfinished
        )
        for item in items:
            report.documents += 1
            report.unannotated += not item.annotated
            report.open_suggestions += len(item.open_suggestions)
            report.boilerplate += bool(item.boilerplate) and item.annotated
            if report.documents % 100 == 0:
                reporter.report(report.documents, total, f"Exported {report.documents:,}")
            yield item

    if fmt == "spacy":
        from annotator.core.formats.spacy_training import write_training_set

        result = write_training_set(
            counted(), out, project.tokenizer, dev_ratio=dev_ratio, seed=seed, overwrite=overwrite
        )
        report.train, report.dev = result.train_count, result.dev_count
        report.files = list(result.files)
        report.problems = list(result.problems)
        report.notes = list(result.notes)
        if report.open_suggestions:
            report.notes.append(
                f"{report.open_suggestions:,} model suggestion(s) nobody accepted or rejected "
                "were written as missing (neither entity nor 'not an entity')"
            )
        if report.boilerplate:
            report.notes.append(
                f"the boilerplate of {report.boilerplate:,} document(s) (menus, related posts) "
                "was written as missing, unless someone labelled an entity there"
            )
    else:
        target = _target(out, fmt)
        module = importlib.import_module(f"annotator.core.formats.{WRITERS[fmt]}")
        report.problems = _write_in_place(
            target, fmt in FOLDER_FORMATS, overwrite, module.write, counted(), project.tokenizer
        )
        report.files = [target]
        report.train = report.documents
        if report.open_suggestions:
            report.notes.append(
                f"{report.open_suggestions:,} model suggestion(s) nobody accepted or rejected "
                f"are not in the file ({fmt} has no way to mark them undecided)"
            )
    reporter.report(report.documents, total, "Export finished")
    return report


Writer = Callable[[Iterable[ExportItem], Path, "Language"], tuple[int, list[ExportProblem]]]


def _write_in_place(
    target: Path,
    folder: bool,
    overwrite: bool,
    writer: Writer,
    items: Iterator[ExportItem],
    nlp: Language,
) -> list[ExportProblem]:
    """Write into a hidden sibling and move it into place, replacing only when asked.

    The sibling keeps the target's suffix, which tells the JSON writers lines from array.
    """
    empty_folder = folder and target.is_dir() and not any(target.iterdir())
    if target.exists() and not overwrite and not empty_folder:
        raise AnnotatorError(
            f"{target} already exists; choose another name, or use --overwrite to replace it."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".part-{target.name}")
    _remove(partial)
    if folder:
        partial.mkdir()
    try:
        _count, problems = writer(items, partial, nlp)
    except BaseException:
        _remove(partial)
        raise
    if target.exists():
        old = target.with_name(f".old-{target.name}")
        _remove(old)
        target.rename(old)
        partial.rename(target)
        _remove(old)
    else:
        partial.rename(target)
    return problems


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)

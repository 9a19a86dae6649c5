"""Exporting one annotator's work as a training set: spaCy DocBin, Prodigy or doccano JSONL.

Items are read from the store in pages and streamed into the writer. What goes out: the
annotator's documents marked done, plus new and in-progress ones with ``include_unfinished``;
skipped and rejected ones never. Existing files are never overwritten unless asked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import AnnotatorError
from annotator.core.progress import CancelCallback, ProgressCallback, Reporter
from annotator.core.records import ExportItem, ExportProblem, Layer, SpanRecord, Status, TopicRecord

if TYPE_CHECKING:
    from annotator.core.project import Project

EXPORT_FORMATS = ("spacy", "prodigy", "doccano")
PAGE_SIZE = 500


@dataclass
class ExportReport:
    format: str
    annotator: str
    documents: int = 0
    train: int = 0
    dev: int = 0
    files: list[Path] = field(default_factory=list)
    problems: list[ExportProblem] = field(default_factory=list)


def export_statuses(include_unfinished: bool) -> tuple[str, ...]:
    if include_unfinished:
        return (Status.DONE.value, Status.IN_PROGRESS.value, Status.NEW.value)
    return (Status.DONE.value,)


def count_exportable(project: Project, annotator_id: int, statuses: tuple[str, ...]) -> int:
    marks = ",".join("?" * len(statuses))
    with project.engine.connect() as conn:
        return conn.exec_driver_sql(
            f"SELECT count(*) FROM annotations WHERE annotator_id = ? AND status IN ({marks})",
            (annotator_id, *statuses),
        ).scalar_one()


def iter_export_items(
    project: Project, annotator: str, statuses: tuple[str, ...], reporter: Reporter | None = None
) -> Iterator[ExportItem]:
    """The annotator's annotations with those statuses, page by page, in document order."""
    with project.engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT id FROM annotators WHERE name = ?", (annotator,)).first()
        topic_labels = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT name FROM labels WHERE kind = 'topic' ORDER BY position, id"
            )
        ]
    if row is None:
        raise AnnotatorError(f"There is no annotator named '{annotator}' in {project.path}.")
    annotator_id = row[0]
    marks = ",".join("?" * len(statuses))
    last_document = 0
    while True:
        if reporter is not None:
            reporter.check_cancelled()
        with project.engine.connect() as conn:
            page = conn.exec_driver_sql(
                "SELECT a.id, d.id, d.text, d.title, d.meta, d.content_hash, a.status "
                "FROM annotations AS a JOIN documents AS d ON d.id = a.document_id "
                f"WHERE a.annotator_id = ? AND a.status IN ({marks}) AND d.id > ? "
                "ORDER BY d.id LIMIT ?",
                (annotator_id, *statuses, last_document, PAGE_SIZE),
            ).all()
            if not page:
                return
            last_document = page[-1][1]
            ids = [r[0] for r in page]
            id_marks = ",".join("?" * len(ids))
            spans: dict[int, list[SpanRecord]] = {i: [] for i in ids}
            for annotation_id, layer, start, end, label, note in conn.exec_driver_sql(
                'SELECT s.annotation_id, s.layer, s.start, s."end", l.name, s.note '
                "FROM spans AS s JOIN labels AS l ON l.id = s.label_id "
                f"WHERE s.annotation_id IN ({id_marks}) AND s.rejected = 0 "
                'ORDER BY s.annotation_id, s.start, s."end"',
                tuple(ids),
            ):
                spans[annotation_id].append(SpanRecord(start, end, label, Layer(layer), note))
            topics: dict[int, list[TopicRecord]] = {i: [] for i in ids}
            for annotation_id, label, applies in conn.exec_driver_sql(
                "SELECT t.annotation_id, l.name, t.applies FROM topics AS t "
                f"JOIN labels AS l ON l.id = t.label_id WHERE t.annotation_id IN ({id_marks})",
                tuple(ids),
            ):
                topics[annotation_id].append(TopicRecord(label, bool(applies)))
        for annotation_id, _doc_id, text, title, meta, content_hash, status in page:
            yield ExportItem(
                text=text,
                title=title,
                meta=json.loads(meta) if isinstance(meta, str) else (meta or {}),
                annotator=annotator,
                status=Status(status),
                spans=spans[annotation_id],
                topics=topics[annotation_id],
                topic_labels=topic_labels,
                content_hash=content_hash,
            )


def _jsonl_target(out: Path, fmt: str) -> Path:
    """OUT may name the .jsonl file itself, or a folder that receives FORMAT.jsonl."""
    if out.suffix.lower() == ".jsonl":
        return out
    return out / f"{fmt}.jsonl"


def export(
    project: Project,
    out: str | Path,
    *,
    fmt: str = "spacy",
    annotator: str | None = None,
    include_unfinished: bool = False,
    dev_ratio: float = 0.2,
    seed: int = 0,
    overwrite: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
) -> ExportReport:
    """Write the training set; raises AnnotatorError when there is nothing to export."""
    if fmt not in EXPORT_FORMATS:
        raise AnnotatorError(f"Unknown export format '{fmt}'; choose spacy, prodigy or doccano.")
    if not 0.0 <= dev_ratio < 1.0:
        raise AnnotatorError(f"--dev-ratio must be at least 0 and below 1, not {dev_ratio}.")
    from annotator.core.settings import current_annotator

    annotator = annotator or current_annotator()
    out = Path(out).expanduser()
    statuses = export_statuses(include_unfinished)
    known = {a.name: a.id for a in project.annotators()}
    if annotator not in known:
        names = ", ".join(sorted(known)) or "none yet"
        raise AnnotatorError(f"There is no annotator named '{annotator}' (annotators: {names}).")
    total = count_exportable(project, known[annotator], statuses)
    if total == 0:
        hint = (
            "" if include_unfinished else " (add --include-unfinished to export work in progress)"
        )
        raise AnnotatorError(f"{annotator} has no documents to export{hint}.")
    reporter = Reporter(progress, cancel)
    report = ExportReport(format=fmt, annotator=annotator)

    def counted() -> Iterator[ExportItem]:
        for item in iter_export_items(project, annotator, statuses, reporter):
            report.documents += 1
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
    else:
        target = _jsonl_target(out, fmt)
        if target.exists() and not overwrite:
            raise AnnotatorError(f"{target} already exists; choose another name or --overwrite.")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        if fmt == "prodigy":
            from annotator.core.formats import prodigy

            prodigy.write(counted(), partial, project.tokenizer)
        else:
            from annotator.core.formats import doccano

            doccano.write(counted(), partial)
        partial.replace(target)
        report.files = [target]
        report.train = report.documents
    reporter.report(report.documents, total, "Export finished")
    return report

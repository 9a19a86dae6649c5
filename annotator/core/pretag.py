"""Pre-tagging: run a spaCy pipeline over the documents and store its entities as suggestions.

Suggestions live in the model's own annotation (an annotator of kind ``model`` with the
pipeline's name and version), so they never touch a human's spans and re-running adds nothing
twice. Texts are read in pages by id and written back a page at a time, so memory stays flat
and a cancelled run keeps the pages it finished.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import AnnotatorError
from annotator.core.pipelines import load_pipeline
from annotator.core.progress import CancelCallback, ProgressCallback, Reporter
from annotator.core.records import LabelKind, Status
from annotator.core.store.bulk import ensure_label_id, now_text

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.core.project import Project

PAGE_SIZE = 1000


@dataclass
class PretagReport:
    model: str
    version: str
    documents: int = 0
    already_tagged: int = 0
    spans_added: int = 0
    labels: dict[str, int] = field(default_factory=dict)


def pipeline_identity(nlp: Language) -> tuple[str, str]:
    """The name under which suggestions are stored, as spaCy packages name themselves."""
    meta = nlp.meta
    name = str(meta.get("name") or "pipeline")
    lang = str(meta.get("lang") or nlp.lang)
    full_name = name if name.startswith(f"{lang}_") else f"{lang}_{name}"
    return full_name, str(meta.get("version") or "0.0.0")


def pretag(
    project: Project,
    model: str | Path | None = None,
    *,
    nlp: Language | None = None,
    batch_size: int = 64,
    n_process: int = 1,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
) -> PretagReport:
    """Tag every document not yet tagged by this pipeline version; see the module docstring."""
    nlp = nlp if nlp is not None else load_pipeline(model)
    if (
        "ner" not in nlp.pipe_names
        and "entity_ruler" not in nlp.pipe_names
        and not any("ruler" in name for name in nlp.pipe_names)
    ):
        raise AnnotatorError(
            f"The pipeline has no component that finds entities (it has: "
            f"{', '.join(nlp.pipe_names) or 'nothing'})."
        )
    name, version = pipeline_identity(nlp)
    report = PretagReport(model=name, version=version)
    reporter = Reporter(progress, cancel)
    model_id = project.ensure_annotator(name, kind="model", model_version=version).id
    label_ids: dict[str, int] = {}
    total = project.document_count()
    last_id = 0
    while True:
        reporter.check_cancelled()
        with project.engine.connect() as conn:
            page = conn.exec_driver_sql(
                "SELECT d.id, d.text FROM documents AS d WHERE d.id > ? AND NOT EXISTS "
                "(SELECT 1 FROM annotations AS a WHERE a.document_id = d.id "
                "AND a.annotator_id = ?) ORDER BY d.id LIMIT ?",
                (last_id, model_id, PAGE_SIZE),
            ).all()
        if not page:
            break
        last_id = page[-1][0]
        ids = [row[0] for row in page]
        docs = nlp.pipe((row[1] for row in page), batch_size=batch_size, n_process=n_process)
        found = [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in docs]
        with project.writer.begin() as conn:
            now = now_text()
            conn.exec_driver_sql(
                "INSERT INTO annotations (document_id, annotator_id, status, active_seconds, "
                "created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?) ON CONFLICT DO NOTHING",
                [(i, model_id, Status.DONE.value, now, now) for i in ids],
            )
            annotation_ids = dict(
                conn.exec_driver_sql(
                    "SELECT document_id, id FROM annotations WHERE annotator_id = ? "
                    "AND document_id BETWEEN ? AND ?",
                    (model_id, ids[0], ids[-1]),
                ).all()
            )
            rows = []
            for document_id, ents in zip(ids, found, strict=True):
                for start, end, label in ents:
                    if label not in label_ids:
                        label_ids[label] = ensure_label_id(conn, LabelKind.ENTITY, label)
                    report.labels[label] = report.labels.get(label, 0) + 1
                    rows.append(
                        (annotation_ids[document_id], start, end, label_ids[label], model_id, now)
                    )
            if rows:  # an empty parameter list would be taken as a single statement
                conn.exec_driver_sql(
                    'INSERT INTO spans (annotation_id, layer, start, "end", label_id, '
                    "created_by, rejected, created_at) VALUES (?, 'entity', ?, ?, ?, ?, 0, ?) "
                    "ON CONFLICT DO NOTHING",
                    rows,
                )
        report.documents += len(ids)
        report.spans_added += len(rows)
        reporter.report(report.documents, total, f"Tagged {report.documents:,} documents")
    report.already_tagged = total - report.documents
    return report

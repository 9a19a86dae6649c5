"""Pre-tagging: run a spaCy pipeline over the documents and store its entities as suggestions.

Suggestions live in the model's own annotation (an annotator of kind ``model``), so they never
touch a human's spans. A pipeline is known by a fingerprint of its config and weights, not by
the name and version in its ``meta.json`` (every model trained with spaCy's defaults is called
``en_pipeline 0.0.0``): running the same pipeline again adds nothing twice, and a newly trained
one tags every document again. Its suggestions replace earlier models' suggestions that nobody
decided, on documents nobody has marked done. Texts are read in pages by id and written back a
page at a time, so memory stays flat and a cancelled run keeps the pages it finished.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import AnnotatorError
from annotator.core.pipelines import load_pipeline, pipeline_fingerprint
from annotator.core.progress import CancelCallback, ProgressCallback, Reporter
from annotator.core.records import LabelKind
from annotator.core.store import boilerplate as boilerplate_store
from annotator.core.store import suggestions as store
from annotator.core.store.bulk import ensure_label_id, now_text
from annotator.core.taggers import check_covers

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.core.project import Project

PAGE_SIZE = 1000
#: Characters of the fingerprint that name the model's annotator: enough to tell apart every
#: model a project will ever see.
FINGERPRINT_CHARS = 10


@dataclass
class PretagReport:
    model: str
    version: str
    documents: int = 0
    already_tagged: int = 0
    #: Documents somebody finished, left untagged on purpose.
    finished_left: int = 0
    spans_added: int = 0
    #: Earlier models' suggestions nobody had decided, replaced by this model's.
    replaced: int = 0
    labels: dict[str, int] = field(default_factory=dict)
    #: Topic suggestions (a classifier's score of at least one half), per topic.
    topics: dict[str, int] = field(default_factory=dict)
    replaced_topics: int = 0
    #: Classifier labels that are not topics of the project, with how many documents they
    #: scored: not stored, so a pipeline's own categories never enter the topic scheme.
    unknown_topics: dict[str, int] = field(default_factory=dict)
    #: Entities the pipeline found in boilerplate (menus, related posts), not stored.
    in_boilerplate: int = 0

    def count_topics(
        self,
        sets: dict[int, int],
        ids: list[int],
        cats: list[dict[str, float]],
        topic_ids: dict[str, int],
    ) -> list[tuple[int, int, float]]:
        """The (set, topic, score) rows to store, counting what is suggested and left out."""
        rows = []
        for document_id, scores in zip(ids, cats, strict=True):
            for label, score in scores.items():
                if label not in topic_ids:
                    self.unknown_topics[label] = self.unknown_topics.get(label, 0) + 1
                    continue
                rows.append((sets[document_id], topic_ids[label], float(score)))
                if score >= 0.5:
                    self.topics[label] = self.topics.get(label, 0) + 1
        return rows

    def summary(self) -> str:
        labels = ", ".join(f"{label} {count:,}" for label, count in sorted(self.labels.items()))
        text = (
            f"{self.model} {self.version} tagged {self.documents:,} documents "
            f"({self.already_tagged:,} were already tagged"
            + (
                f", {self.finished_left:,} finished ones left as they are"
                if self.finished_left
                else ""
            )
            + f"): {self.spans_added:,} suggestions"
            + (f" ({labels})." if labels else ".")
        )
        if self.topics:
            topics = ", ".join(f"{label} {count:,}" for label, count in sorted(self.topics.items()))
            text += f" Topic suggestions: {topics}."
        if self.in_boilerplate:
            text += (
                f" {self.in_boilerplate:,} entities in boilerplate (menus, related posts) were "
                "left out."
            )
        if self.replaced or self.replaced_topics:
            text += (
                f" They replace {self.replaced + self.replaced_topics:,} suggestion(s) of "
                "earlier models that nobody had decided."
            )
        if self.unknown_topics:
            unknown = ", ".join(sorted(self.unknown_topics))
            text += (
                f" Not stored: the classifier's labels {unknown}, which are not topics of this "
                "project (add them as topics to keep them)."
            )
        return text


def pipeline_identity(nlp: Language) -> tuple[str, str]:
    """The name under which suggestions are stored (the package name, as spaCy names
    packages, and the fingerprint) and the version from the pipeline's meta."""
    meta = nlp.meta
    name = str(meta.get("name") or "pipeline")
    lang = str(meta.get("lang") or nlp.lang)
    full_name = name if name.startswith(f"{lang}_") else f"{lang}_{name}"
    fingerprint = pipeline_fingerprint(nlp)[:FINGERPRINT_CHARS]
    return f"{full_name}@{fingerprint}", str(meta.get("version") or "0.0.0")


def pretag(
    project: Project,
    model: str | Path | None = None,
    *,
    nlp: Language | None = None,
    batch_size: int = 64,
    n_process: int = 1,
    unfinished_only: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
) -> PretagReport:
    """Tag every document this pipeline has not tagged (with ``unfinished_only``, none that
    somebody marked done: their suggestions are no use any more); see the module docstring."""
    nlp = nlp if nlp is not None else load_pipeline(model)
    check_covers(project, nlp)
    if not any(
        "ner" in name or "ruler" in name or name.startswith("textcat") for name in nlp.pipe_names
    ):
        raise AnnotatorError(
            f"The pipeline has no component that finds entities or topics (it has: "
            f"{', '.join(nlp.pipe_names) or 'nothing'})."
        )
    name, version = pipeline_identity(nlp)
    report = PretagReport(model=name, version=version)
    reporter = Reporter(progress, cancel)
    model_id = project.ensure_annotator(name, kind="model", model_version=version).id
    label_ids: dict[str, int] = {}
    topic_ids = {label.name: label.id for label in project.labels(LabelKind.TOPIC)}
    total = project.document_count()
    ids: list[int] = []

    def texts() -> Iterator[str]:
        """The untagged documents' texts, read a page at a time as the pipeline asks."""
        last_id = 0
        while True:
            with project.read() as conn:
                page = store.untagged_page(conn, model_id, last_id, PAGE_SIZE, unfinished_only)
            if not page:
                return
            last_id = page[-1][0]
            for document_id, text in page:
                ids.append(document_id)
                yield text

    def write(done: list[tuple[int, list[tuple[int, int, str]], dict[str, float]]]) -> None:
        page_ids = [document_id for document_id, _ents, _cats in done]
        with project.write() as conn:
            now = now_text()
            report.replaced += store.drop_superseded(conn, model_id, page_ids)
            report.replaced_topics += store.drop_superseded_topics(conn, model_id, page_ids)
            sets = store.add_model_sets(conn, model_id, page_ids, now)
            scores = [cats for _id, _ents, cats in done]
            store.add_topic_scores(conn, report.count_topics(sets, page_ids, scores, topic_ids))
            rows = []
            greyed = boilerplate_store.regions(conn, page_ids)
            for document_id, ents, _cats in done:
                regions = greyed.get(document_id, [])
                for start, end, label in ents:
                    if regions and any(b < end and start < e for b, e, _ in regions):
                        report.in_boilerplate += 1
                        continue
                    if label not in label_ids:
                        label_ids[label] = ensure_label_id(conn, LabelKind.ENTITY, label)
                    report.labels[label] = report.labels.get(label, 0) + 1
                    rows.append((sets[document_id], start, end, label_ids[label], model_id, now))
            report.spans_added += store.add_suggestions(conn, rows)
        report.documents += len(done)
        reporter.report(report.documents, total, f"Tagged {report.documents:,} documents")

    # One nlp.pipe over the whole run: its worker processes (n_process > 1) start once.
    done: list[tuple[int, list[tuple[int, int, str]], dict[str, float]]] = []
    for index, doc in enumerate(nlp.pipe(texts(), batch_size=batch_size, n_process=n_process)):
        ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        done.append((ids[index], ents, doc.cats))
        if len(done) == PAGE_SIZE:
            write(done)
            done = []
            reporter.check_cancelled()
    if done:
        write(done)
    if unfinished_only:
        with project.read() as conn:
            report.finished_left = store.finished_untagged_count(conn, model_id)
    report.already_tagged = total - report.documents - report.finished_left
    return report

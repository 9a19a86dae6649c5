"""How unsure a model is about each document: the order "model unsure first".

Labelling where the model is unsure teaches it most per document (Prodigy's ``ner.teach``
and INCEpTION's active learning rest on the same idea). A document's uncertainty is the
largest over its candidate entities and its topics of ``1 - |2p - 1|``: 0 where the model is
certain either way, 1 where a candidate is a coin toss. Entity probabilities come from a
beam search over the entity recognizer's transitions (spaCy's ``beam_parse`` and
``scored_ents``), topic probabilities from the text classifier.

Beam search costs about as much as tagging again, so this is its own pass, run when the
list is to be ordered this way, not part of every pre-tag. Figures are kept per model; the
project remembers which model ordered the list last.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.errors import AnnotatorError
from annotator.core.pipelines import load_pipeline
from annotator.core.pretag import pipeline_identity
from annotator.core.progress import CancelCallback, ProgressCallback, Reporter
from annotator.core.store import suggestions as store

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from annotator.core.project import Project

PAGE_SIZE = 256
BEAM_WIDTH = 8
#: The setting naming the model annotator whose figures order the list.
RANKED_BY = "uncertainty_model"


@dataclass
class RankReport:
    model: str
    scored: int = 0
    already_scored: int = 0


def uncertainty(probabilities: Any) -> float:
    """``1 - |2p - 1|`` at its largest over the probabilities given; 0 for none."""
    return max((1 - abs(2 * float(p) - 1) for p in probabilities), default=0.0)


def rank(
    project: Project,
    model: str | Path | None = None,
    *,
    nlp: Language | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
) -> RankReport:
    """Score every document the model has not scored yet, and order the list by this model."""
    from annotator.core.model_registry import resolve_model_name

    nlp = nlp if nlp is not None else load_pipeline(resolve_model_name(project, model))
    scorers = _scorers(nlp)
    name, version = pipeline_identity(nlp)
    model_id = project.ensure_annotator(name, kind="model", model_version=version).id
    report = RankReport(model=name)
    reporter = Reporter(progress, cancel)
    total = project.document_count()
    last_id = 0
    while True:
        reporter.check_cancelled()
        with project.read() as conn:
            page = store.unscored_page(conn, model_id, last_id, PAGE_SIZE)
        if not page:
            break
        last_id = page[-1][0]
        values = _score(nlp, scorers, [text for _id, text in page])
        with project.write() as conn:
            store.set_uncertainty(
                conn, model_id, list(zip((i for i, _t in page), values, strict=True))
            )
        report.scored += len(page)
        reporter.report(report.scored, total, f"Scored {report.scored:,} documents")
    report.already_scored = total - report.scored
    project.set_setting(RANKED_BY, model_id)
    return report


def document_uncertainty(project: Project, model: str, ids: list[int]) -> dict[int, float]:
    """The figures of the model (by its stored name) for these documents, where it has one."""
    with project.read() as conn:
        return store.uncertainty_of(conn, model, ids)


def _scorers(nlp: Language) -> tuple[str | None, list[str]]:
    """The entity recognizer that can beam-search, and the text classifiers."""
    ner = next(
        (name for name, pipe in nlp.pipeline if hasattr(pipe, "beam_parse") and "ner" in name),
        None,
    )
    textcats = [name for name in nlp.pipe_names if name.startswith("textcat")]
    if ner is None and not textcats:
        raise AnnotatorError(
            "This tagger gives no probabilities (it has no statistical entity recognizer or "
            f"text classifier; it has {', '.join(nlp.pipe_names) or 'nothing'}): train a model "
            "on your annotations to order documents by how unsure it is."
        )
    return ner, textcats


def _score(nlp: Language, scorers: tuple[str | None, list[str]], texts: list[str]) -> list[float]:
    ner_name, textcats = scorers
    docs: list[Doc] = [nlp.make_doc(text) for text in texts]
    entity = [0.0] * len(docs)
    for name, pipe in nlp.pipeline:
        if name == ner_name:
            beams = pipe.beam_parse(docs, beam_width=BEAM_WIDTH)
            entity = [uncertainty(scored.values()) for scored in pipe.scored_ents(beams)]
            continue
        docs = list(pipe.pipe(docs))
    return [
        max(ent, uncertainty(doc.cats[label] for label in doc.cats if textcats))
        for ent, doc in zip(entity, docs, strict=True)
    ]

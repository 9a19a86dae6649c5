"""Agreement between annotators over a project: entities, topics and unreliable passages.

Compared are the documents every chosen annotator has finished (status done). Entities: P/R/F1
of each annotator against each other at exact and overlap match, per label and micro, and
token-level Cohen's kappa. Topics: per-label Cohen's kappa (two annotators) and Krippendorff's
alpha (nominal, any number). Unreliable passages: character-level kappa and overlap F1.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

from annotator.core.agreement_math import (
    PRF,
    cohen_kappa,
    exact_matches,
    krippendorff_alpha_nominal,
    overlap_matches,
)
from annotator.core.errors import AnnotatorError
from annotator.core.records import Layer

if TYPE_CHECKING:
    from annotator.core.project import Project

Span = tuple[int, int, str]


@dataclass
class DocumentWork:
    text: str
    entities: dict[str, list[Span]]
    unreliable: dict[str, list[Span]]
    topics: dict[str, dict[str, bool]]


@dataclass
class PairReport:
    """One annotator (candidate) measured against another (reference)."""

    reference: str
    candidate: str
    exact: dict[str, PRF] = field(default_factory=dict)
    overlap: dict[str, PRF] = field(default_factory=dict)
    token_kappa: float | None = None
    topic_kappa: dict[str, float | None] = field(default_factory=dict)
    unreliable_char_kappa: float | None = None
    unreliable_overlap: PRF | None = None


@dataclass
class AgreementReport:
    annotators: list[str]
    documents: int
    pairs: list[PairReport]
    topic_alpha: dict[str, float | None]

    def pair(self, first: str, second: str) -> PairReport | None:
        for pair in self.pairs:
            if {pair.reference, pair.candidate} == {first, second}:
                return pair
        return None

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready data: what ``annotator agreement --json`` prints."""
        return {
            "annotators": self.annotators,
            "documents": self.documents,
            "topic_alpha": self.topic_alpha,
            "pairs": [
                {
                    "reference": pair.reference,
                    "candidate": pair.candidate,
                    "entities_exact": {k: prf_dict(v) for k, v in pair.exact.items()},
                    "entities_overlap": {k: prf_dict(v) for k, v in pair.overlap.items()},
                    "entities_token_kappa": pair.token_kappa,
                    "topics_kappa": pair.topic_kappa,
                    "unreliable_char_kappa": pair.unreliable_char_kappa,
                    "unreliable_overlap": prf_dict(pair.unreliable_overlap)
                    if pair.unreliable_overlap
                    else None,
                }
                for pair in self.pairs
            ],
        }


def prf_dict(prf: PRF) -> dict[str, float | int | None]:
    return {
        "precision": prf.precision,
        "recall": prf.recall,
        "f1": prf.f1,
        "matched": prf.true_positives,
        "candidate": prf.candidate_total,
        "reference": prf.reference_total,
    }


def _prf_by_label(
    works: Sequence[DocumentWork], ref: str, cand: str, match: object, layer: str = "entities"
) -> dict[str, PRF]:
    totals: dict[str, list[float]] = {}
    for work in works:
        spans = getattr(work, layer)
        reference, candidate = spans.get(ref, []), spans.get(cand, [])
        for label in {s[2] for s in reference} | {s[2] for s in candidate}:
            r = [s for s in reference if s[2] == label]
            c = [s for s in candidate if s[2] == label]
            counts = totals.setdefault(label, [0.0, 0, 0])
            counts[0] += match(r, c)  # type: ignore[operator]
            counts[1] += len(c)
            counts[2] += len(r)
    result = {label: PRF(tp, int(c), int(r)) for label, (tp, c, r) in sorted(totals.items())}
    result["(micro)"] = PRF(
        sum(p.true_positives for p in result.values()),
        sum(p.candidate_total for p in result.values()),
        sum(p.reference_total for p in result.values()),
    )
    return result


def _token_labels(project: Project, work: DocumentWork, name: str) -> list[str]:
    """Each token's entity label ('O' outside), for token-level kappa."""
    doc = project.tokenizer.make_doc(work.text)
    starts = [token.idx for token in doc]
    ends = [token.idx + len(token) for token in doc]
    labels = ["O"] * len(doc)
    for start, end, label in work.entities.get(name, []):
        index = bisect.bisect_right(ends, start)
        while index < len(doc) and starts[index] < end:
            labels[index] = label
            index += 1
    return labels


def _char_marks(work: DocumentWork, name: str) -> list[bool]:
    marks = [False] * len(work.text)
    for start, end, _label in work.unreliable.get(name, []):
        for index in range(start, end):
            marks[index] = True
    return marks


def _any_label(spans: list[Span]) -> list[Span]:
    return [(start, end, "passage") for start, end, _label in spans]


def load_work(
    project: Project, annotators: Sequence[str], document_ids: Sequence[int] | None = None
) -> list[DocumentWork]:
    """Documents every one of the annotators has marked done, with their annotations.

    Given document ids (the reviewer's open document), those are compared whatever their
    status, as long as every annotator has worked on them.
    """
    works = []
    ids = document_ids if document_ids is not None else [d.id for d in project.documents()]
    for document_id in ids:
        annotations = {name: project.annotation(document_id, name) for name in annotators}
        if any(a is None for a in annotations.values()):
            continue
        if document_ids is None and any(a.status.value != "done" for a in annotations.values()):
            continue
        work = DocumentWork(project.text(document_id), {}, {}, {})
        for name, annotation in annotations.items():
            assert annotation is not None
            kept = [s for s in annotation.spans if not s.rejected]
            work.entities[name] = [
                (s.start, s.end, s.label) for s in kept if s.layer is Layer.ENTITY
            ]
            work.unreliable[name] = [
                (s.start, s.end, s.label) for s in kept if s.layer is Layer.UNRELIABLE
            ]
            work.topics[name] = dict(annotation.topics)
        works.append(work)
    return works


def agreement(
    project: Project,
    annotators: Sequence[str] | None = None,
    document_ids: Sequence[int] | None = None,
) -> AgreementReport:
    """Agreement over the documents all annotators finished (or over the given documents)."""
    from annotator.core.adjudication import GOLD
    from annotator.core.records import LabelKind

    if annotators is None:
        annotators = [a.name for a in project.annotators() if a.kind == "human" and a.name != GOLD]
    annotators = list(dict.fromkeys(annotators))
    if len(annotators) < 2:
        raise AnnotatorError("Agreement needs at least two annotators.")
    known = {a.name for a in project.annotators()}
    missing = [name for name in annotators if name not in known]
    if missing:
        raise AnnotatorError(f"No annotator named {', '.join(missing)} in {project.path}.")
    works = load_work(project, annotators, document_ids)
    topic_labels = [label.name for label in project.labels(LabelKind.TOPIC)]
    pairs = []
    for ref, cand in combinations(annotators, 2):
        pair = PairReport(ref, cand)
        pair.exact = _prf_by_label(works, ref, cand, exact_matches)
        pair.overlap = _prf_by_label(works, ref, cand, overlap_matches)
        tokens_a: list[str] = []
        tokens_b: list[str] = []
        chars_a: list[bool] = []
        chars_b: list[bool] = []
        for work in works:
            tokens_a += _token_labels(project, work, ref)
            tokens_b += _token_labels(project, work, cand)
            chars_a += _char_marks(work, ref)
            chars_b += _char_marks(work, cand)
        pair.token_kappa = cohen_kappa(tokens_a, tokens_b)
        pair.unreliable_char_kappa = cohen_kappa(chars_a, chars_b)
        passages = [
            DocumentWork(w.text, {}, {n: _any_label(s) for n, s in w.unreliable.items()}, {})
            for w in works
        ]
        pair.unreliable_overlap = _prf_by_label(
            passages, ref, cand, overlap_matches, layer="unreliable"
        )["(micro)"]
        for label in topic_labels:
            pair.topic_kappa[label] = cohen_kappa(
                [bool(w.topics[ref].get(label)) for w in works],
                [bool(w.topics[cand].get(label)) for w in works],
            )
        pairs.append(pair)
    alpha = {
        label: krippendorff_alpha_nominal(
            [[bool(w.topics[name].get(label)) for name in annotators] for w in works]
        )
        for label in topic_labels
    }
    return AgreementReport(list(annotators), len(works), pairs, alpha)

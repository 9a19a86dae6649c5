"""Agreement between annotators over a project: entities, topics and unreliable passages.

Teams rarely have every annotator finish every document, so nothing here waits for that.
Krippendorff's alpha (nominal, as the ``krippendorff`` package computes it) takes every unit
that at least two annotators coded and counts the others as missing: topics per label (unit:
a document), entities per token (value: the label or "O") and unreliable passages per
character (marked or not). Each pair of annotators is measured over the documents both
finished: P/R/F1 at exact and overlap match per label and micro, token-level Cohen's kappa,
per-topic kappa, passage character kappa and overlap F1. Every figure carries the count of
units or documents it rests on.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

from annotator.core.agreement_math import (
    PRF,
    cohen_kappa,
    exact_matches,
    krippendorff_alpha_nominal,
    overlap_matches,
    pairable_units,
)
from annotator.core.agreement_matrix import SUMMARY_ABOVE, summary_dict
from annotator.core.errors import AnnotatorError
from annotator.core.records import Layer
from annotator.core.store import agreement as agreement_store

if TYPE_CHECKING:
    from annotator.core.project import Project

Span = tuple[int, int, str]


@dataclass
class DocumentWork:
    """One document's text and the work of those annotators who finished it (keys)."""

    text: str
    entities: dict[str, list[Span]]
    unreliable: dict[str, list[Span]]
    topics: dict[str, dict[str, bool]]
    tokens: dict[str, list[str]] = field(default_factory=dict)
    #: Each finisher's unreliable-or-not per character, made once and shared by every pair.
    marks: dict[str, list[bool]] = field(default_factory=dict)


@dataclass(frozen=True)
class Alpha:
    """Krippendorff's alpha and the number of units at least two annotators coded."""

    value: float | None
    units: int

    def as_dict(self) -> dict[str, float | int | None]:
        return {"alpha": self.value, "units": self.units}


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
    documents: int = 0
    #: What the token and character kappas rest on: tokens and characters of those documents.
    tokens: int = 0
    characters: int = 0


@dataclass
class AgreementReport:
    annotators: list[str]
    documents: int
    pairs: list[PairReport]
    topic_alpha: dict[str, float | None]
    topic_units: int = 0
    entity_alpha: Alpha = Alpha(None, 0)
    unreliable_alpha: Alpha = Alpha(None, 0)
    #: Per annotator, the compared documents they finished (shared with at least one other).
    finished: dict[str, int] = field(default_factory=dict)

    _index: dict[tuple[str, str], PairReport] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def pair(self, first: str, second: str) -> PairReport | None:
        """The pair's figures, either way round (a heat map of 42 asks 1,722 times)."""
        if len(self._index) != 2 * len(self.pairs):
            self._index.clear()
            for pair in self.pairs:
                self._index[(pair.reference, pair.candidate)] = pair
                self._index[(pair.candidate, pair.reference)] = pair
        return self._index.get((first, second))

    @property
    def summarised(self) -> bool:
        """Too many annotators to list every pair: reports show each one's mean and a heat
        map instead (``--json`` still has every pair)."""
        return len(self.annotators) > SUMMARY_ABOVE

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready data: what ``annotator agreement --json`` prints."""
        return {
            "annotators": self.annotators,
            "documents": self.documents,
            "topic_alpha": self.topic_alpha,
            "topic_units": self.topic_units,
            "entities_token_alpha": self.entity_alpha.as_dict(),
            "unreliable_char_alpha": self.unreliable_alpha.as_dict(),
            "finished": self.finished,
            "pairs": [
                {
                    "reference": pair.reference,
                    "candidate": pair.candidate,
                    "documents": pair.documents,
                    "tokens": pair.tokens,
                    "characters": pair.characters,
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
            "summary": summary_dict(self),
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


def _tokenize(project: Project, work: DocumentWork) -> None:
    """Each finisher's entity label per token ('O' outside), the text tokenized once."""
    doc = project.tokenizer.make_doc(work.text)
    starts = [token.idx for token in doc]
    ends = [token.idx + len(token) for token in doc]
    for name, spans in work.entities.items():
        labels = ["O"] * len(doc)
        for start, end, label in spans:
            index = bisect.bisect_right(ends, start)
            while index < len(doc) and starts[index] < end:
                labels[index] = label
                index += 1
        work.tokens[name] = labels


def _char_marks(work: DocumentWork, name: str) -> list[bool]:
    marks = work.marks.get(name)
    if marks is None:
        marks = [False] * len(work.text)
        for start, end, _label in work.unreliable.get(name, []):
            marks[start:end] = [True] * (end - start)
        work.marks[name] = marks
    return marks


def _any_label(spans: list[Span]) -> list[Span]:
    return [(start, end, "passage") for start, end, _label in spans]


def load_work(
    project: Project, annotators: Sequence[str], document_ids: Sequence[int] | None = None
) -> list[DocumentWork]:
    """Documents at least two of the annotators marked done, with those annotators' work.

    Given document ids (the reviewer's open document), every annotator who worked on them
    counts whatever the status, as long as at least two did.
    """
    if document_ids is None:
        with project.read() as conn:
            done = agreement_store.finished_by(conn, annotators)
        wanted = {d: [n for n in annotators if n in names] for d, names in done.items()}
    else:
        wanted = {d: list(annotators) for d in document_ids}
    works = []
    for document_id, names in wanted.items():
        if len(names) < 2:
            continue
        annotations = {
            name: annotation
            for name in names
            if (annotation := project.edits.annotation(document_id, name)) is not None
            and (document_ids is not None or annotation.status.value == "done")
        }
        if len(annotations) < 2:
            continue
        work = DocumentWork(project.text(document_id), {}, {}, {})
        for name, annotation in annotations.items():
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


def _alpha(
    works: Sequence[DocumentWork],
    annotators: Sequence[str],
    values: Callable[[DocumentWork, str], Sequence[Hashable]],
) -> Alpha:
    """Alpha over the units of every document, each unit holding the values of those who
    finished it: the others' are missing, which alpha skips, so they are not listed at all
    (42 annotators, three per document: 3 values a unit, not 42)."""
    units: list[Sequence[Hashable | None]] = []
    for work in works:
        coded = [values(work, name) for name in annotators if name in work.topics]
        units += zip(*coded, strict=True)
    return Alpha(krippendorff_alpha_nominal(units), pairable_units(units))


def _pair_report(
    works: Sequence[DocumentWork], ref: str, cand: str, topic_labels: Sequence[str]
) -> PairReport:
    """The pair's figures over the documents both of them finished."""
    shared = [w for w in works if ref in w.topics and cand in w.topics]
    pair = PairReport(ref, cand, documents=len(shared))
    pair.exact = _prf_by_label(shared, ref, cand, exact_matches)
    pair.overlap = _prf_by_label(shared, ref, cand, overlap_matches)
    first_tokens = [t for w in shared for t in w.tokens[ref]]
    pair.token_kappa = cohen_kappa(first_tokens, [t for w in shared for t in w.tokens[cand]])
    pair.tokens = len(first_tokens)
    pair.characters = sum(len(w.text) for w in shared)
    pair.unreliable_char_kappa = cohen_kappa(
        [c for w in shared for c in _char_marks(w, ref)],
        [c for w in shared for c in _char_marks(w, cand)],
    )
    passages = [
        DocumentWork(w.text, {}, {n: _any_label(s) for n, s in w.unreliable.items()}, {})
        for w in shared
    ]
    pair.unreliable_overlap = _prf_by_label(
        passages, ref, cand, overlap_matches, layer="unreliable"
    )["(micro)"]
    for label in topic_labels:
        pair.topic_kappa[label] = cohen_kappa(
            [bool(w.topics[ref].get(label)) for w in shared],
            [bool(w.topics[cand].get(label)) for w in shared],
        )
    return pair


def agreement(
    project: Project,
    annotators: Sequence[str] | None = None,
    document_ids: Sequence[int] | None = None,
) -> AgreementReport:
    """Agreement over the documents at least two annotators finished (or the given ones)."""
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
        raise AnnotatorError(f"No annotator named {', '.join(missing)} in {project.location}.")
    works = load_work(project, annotators, document_ids)
    for work in works:
        _tokenize(project, work)
    topic_labels = [label.name for label in project.labels(LabelKind.TOPIC)]
    pairs = [
        _pair_report(works, ref, cand, topic_labels) for ref, cand in combinations(annotators, 2)
    ]
    topic_alpha = {
        label: _alpha(works, annotators, lambda w, n, label=label: [bool(w.topics[n].get(label))])
        for label in topic_labels
    }
    return AgreementReport(
        list(annotators),
        len(works),
        pairs,
        {label: alpha.value for label, alpha in topic_alpha.items()},
        topic_units=len(works),
        entity_alpha=_alpha(works, annotators, lambda w, n: w.tokens[n]),
        unreliable_alpha=_alpha(works, annotators, _char_marks),
        finished={name: sum(name in w.topics for w in works) for name in annotators},
    )

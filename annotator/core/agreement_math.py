"""Agreement statistics on plain Python data: Cohen's kappa, Krippendorff's alpha, P/R/F1.

Kept free of the store so each figure can be checked against reference implementations
(scikit-learn, the krippendorff package) and hand-worked cases.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two raters over the same items; None when it is undefined.

    Undefined means no items, or both raters using one and the same category throughout
    (expected agreement 1): reporting 1.0 or 0.0 there would be a made-up number.
    """
    if len(first) != len(second):
        raise ValueError("both raters must rate the same items")
    total = len(first)
    if total == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / total
    counts_a, counts_b = Counter(first), Counter(second)
    expected = sum(counts_a[c] * counts_b[c] for c in counts_a) / (total * total)
    if expected == 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def krippendorff_alpha_nominal(units: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal data; ``units[u][r]`` is rater r's value or None.

    Units with fewer than two values are not pairable and are left out, as the definition
    says. None when fewer than two pairable values exist or all values are the same.
    """
    coincidences: Counter[tuple[Hashable, Hashable]] = Counter()
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                if i != j:
                    coincidences[(a, b)] += 1.0 / (m - 1)
    n = sum(coincidences.values())
    if n <= 1:
        return None
    marginals: Counter[Hashable] = Counter()
    for (a, _b), weight in coincidences.items():
        marginals[a] += weight
    observed_disagreement = sum(w for (a, b), w in coincidences.items() if a != b)
    expected_disagreement = sum(
        marginals[a] * marginals[b] for a in marginals for b in marginals if a != b
    ) / (n - 1)
    if expected_disagreement == 0:
        return None
    return 1.0 - observed_disagreement / expected_disagreement


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of a candidate against a reference, with the counts."""

    true_positives: float
    candidate_total: int
    reference_total: int

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.candidate_total if self.candidate_total else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.reference_total if self.reference_total else None

    @property
    def f1(self) -> float | None:
        total = self.candidate_total + self.reference_total
        return 2 * self.true_positives / total if total else None


Span = tuple[int, int, str]


def exact_matches(reference: Sequence[Span], candidate: Sequence[Span]) -> int:
    """Spans with the same start, end and label, each matched at most once."""
    remaining = Counter(reference)
    matched = 0
    for span in candidate:
        if remaining[span] > 0:
            remaining[span] -= 1
            matched += 1
    return matched


def overlap_matches(reference: Sequence[Span], candidate: Sequence[Span]) -> int:
    """Candidate spans that overlap a not-yet-matched reference span of the same label.

    Greedy one-to-one matching in order of start: a long span overlapping two short ones
    counts once, so recall and precision stay at most 1.
    """
    used: set[int] = set()
    matched = 0
    for c_start, c_end, c_label in sorted(candidate):
        for index, (r_start, r_end, r_label) in enumerate(sorted(reference)):
            if index in used or r_label != c_label:
                continue
            if r_start < c_end and c_start < r_end:
                used.add(index)
                matched += 1
                break
    return matched

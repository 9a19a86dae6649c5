"""Agreement statistics on plain Python data: Cohen's kappa, Krippendorff's alpha, P/R/F1.

Kept free of the store so each figure can be checked against reference implementations
(scikit-learn, the krippendorff package) and hand-worked cases.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np


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

    Computed by the ``krippendorff`` package so the figure is the one reviewers check it
    against. Units with fewer than two values are not pairable and add nothing, as the
    definition says. None where the package finds alpha undefined (fewer than two pairable
    values, or one value throughout) rather than a made-up number.
    """
    codes: dict[Hashable, int] = {}
    patterns: Counter[tuple[int, ...]] = Counter()
    # Most units repeat one another (every coder says "O"): each distinct one is read once.
    for unit, count in Counter(map(tuple, units)).items():
        values = [v for v in unit if v is not None]
        if len(values) >= 2:
            patterns[tuple(sorted(codes.setdefault(v, len(codes)) for v in values))] += count
    if len(codes) < 2 or not patterns:
        return None
    # Identical units (most tokens: every coder says "O") are counted once and repeated.
    rows = np.zeros((len(patterns), len(codes)), dtype=np.int64)
    for row, pattern in enumerate(patterns):
        for code in pattern:
            rows[row, code] += 1
    counts = np.repeat(rows, list(patterns.values()), axis=0)
    try:
        value = krippendorff.alpha(value_counts=counts, level_of_measurement="nominal")
    except (ValueError, ZeroDivisionError):
        return None
    return None if math.isnan(value) else float(value)


def pairable_units(units: Sequence[Sequence[Hashable | None]]) -> int:
    """Units that at least two raters coded: what an alpha rests on."""
    return sum(
        count
        for unit, count in Counter(map(tuple, units)).items()
        if sum(v is not None for v in unit) >= 2
    )


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

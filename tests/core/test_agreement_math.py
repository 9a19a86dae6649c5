"""Agreement figures against reference implementations and hand-worked cases."""

from __future__ import annotations

import random

import krippendorff
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from annotator.core.agreement_math import (
    PRF,
    cohen_kappa,
    exact_matches,
    krippendorff_alpha_nominal,
    overlap_matches,
)


def test_cohen_kappa_hand_worked_case() -> None:
    # 10 items: both yes 4, both no 3, A yes/B no 2, A no/B yes 1.
    # po = 0.7; pe = 0.6*0.5 + 0.4*0.5 = 0.5; kappa = 0.4.
    first = ["y"] * 4 + ["n"] * 3 + ["y"] * 2 + ["n"]
    second = ["y"] * 4 + ["n"] * 3 + ["n"] * 2 + ["y"]
    assert cohen_kappa(first, second) == pytest.approx(0.4)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("abc")), min_size=2))
def test_cohen_kappa_matches_scikit_learn(pairs: list[tuple[str, str]]) -> None:
    first, second = zip(*pairs, strict=True)
    ours = cohen_kappa(first, second)
    if ours is None:
        assert len(set(first) | set(second)) == 1
    else:
        assert ours == pytest.approx(cohen_kappa_score(first, second))


def test_cohen_kappa_is_undefined_without_variation() -> None:
    assert cohen_kappa(["o", "o"], ["o", "o"]) is None
    assert cohen_kappa([], []) is None


def test_krippendorff_alpha_hand_worked_case() -> None:
    # Two raters, four units: agree on 3 (a, a, b), disagree on 1 (a vs b).
    # Coincidences: (a,a)=4, (b,b)=2, (a,b)=(b,a)=1; n=8, n_a=5, n_b=3.
    # Do = 2; De = (5*3 + 3*5) / 7 = 30/7; alpha = 1 - 2 / (30/7) = 1 - 14/30.
    units = [["a", "a"], ["a", "a"], ["b", "b"], ["a", "b"]]
    assert krippendorff_alpha_nominal(units) == pytest.approx(1 - 14 / 30)


@pytest.mark.parametrize("seed", range(20))
def test_krippendorff_alpha_matches_reference_package(seed: int) -> None:
    rng = random.Random(seed)
    raters, count = rng.randint(2, 5), rng.randint(5, 40)
    units = [
        [rng.choice([0, 1, 2, None]) if rng.random() < 0.9 else None for _ in range(raters)]
        for _ in range(count)
    ]
    ours = krippendorff_alpha_nominal(units)
    reliability = [[float("nan") if u[r] is None else u[r] for u in units] for r in range(raters)]
    try:
        theirs = krippendorff.alpha(reliability_data=reliability, level_of_measurement="nominal")
    except (ValueError, ZeroDivisionError):
        theirs = None
    if ours is None:
        assert theirs is None or theirs != theirs
    else:
        assert ours == pytest.approx(theirs)


def test_exact_and_overlap_matching() -> None:
    reference = [(0, 5, "GPE"), (10, 20, "ORG"), (30, 35, "PERSON")]
    candidate = [(0, 5, "GPE"), (12, 20, "ORG"), (30, 35, "GPE"), (40, 45, "DATE")]
    assert exact_matches(reference, candidate) == 1
    assert overlap_matches(reference, candidate) == 2
    prf = PRF(2, len(candidate), len(reference))
    assert (prf.precision, prf.recall) == (pytest.approx(0.5), pytest.approx(2 / 3))
    assert prf.f1 == pytest.approx(2 * 2 / 7)


def test_one_long_span_matches_only_one_short_span() -> None:
    assert overlap_matches([(0, 3, "X"), (4, 8, "X")], [(0, 8, "X")]) == 1

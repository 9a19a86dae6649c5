"""Span arithmetic: validation, trimming, snapping; local tokenizing matches the whole text."""

from __future__ import annotations

import pytest
import spacy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotator.core.errors import SpanError
from annotator.core.records import Layer, SpanRecord
from annotator.core.spans import TokenBounds, snap, token_bounds, trim, validate_spans

NLP = spacy.blank("en")


def full_bounds(text: str) -> TokenBounds:
    doc = NLP.make_doc(text)
    return TokenBounds([t.idx for t in doc], [t.idx + len(t) for t in doc])


def test_trim_drops_spaces_and_punctuation() -> None:
    text = ' "Nepal," '
    assert trim(text, 0, len(text)) == (2, 7)


def test_snap_widens_to_words_and_refuses_whitespace() -> None:
    text = "Leaders of Mongolia met."
    start = text.index("Mongolia")
    assert snap(text, start + 2, start + 4, full_bounds(text)) == (start, start + 8)
    with pytest.raises(SpanError, match="only whitespace"):
        snap("a    b", 1, 4, full_bounds("a    b"))


@pytest.mark.parametrize(
    ("text", "selected", "kept"),
    [
        ("Trade grew by 80% this year.", "80%", "80%"),
        ("Officials in the U.S. said so.", "U.S.", "U.S."),
        ("Talks with Nepal, India and China.", "Nepal,", "Nepal"),
        ("It was 40° in Delhi.", "40°", "40°"),
    ],
)
def test_snap_keeps_punctuation_that_belongs_to_the_entity(
    text: str, selected: str, kept: str
) -> None:
    start = text.index(selected)
    low, high = snap(text, start, start + len(selected), full_bounds(text))
    assert text[low:high] == kept


@pytest.mark.parametrize(
    ("spans", "message"),
    [
        ([SpanRecord(-1, 3, "X")], "negative"),
        ([SpanRecord(3, 2, "X")], "ends before it starts"),
        ([SpanRecord(2, 2, "X")], "empty"),
        ([SpanRecord(0, 99, "X")], "outside the text"),
        ([SpanRecord(0, 4, "X"), SpanRecord(2, 6, "Y")], "overlaps entity X"),
    ],
)
def test_impossible_spans_are_refused(spans: list[SpanRecord], message: str) -> None:
    with pytest.raises(SpanError, match=message):
        validate_spans("Some text here", spans)


def test_unreliable_passages_may_overlap_entities() -> None:
    validate_spans(
        "Some text here", [SpanRecord(0, 4, "X"), SpanRecord(0, 9, "fabricated", Layer.UNRELIABLE)]
    )


words = st.sampled_from(
    [
        "Nepal",
        "U.S.",
        "don't",
        "🙂",
        "Привет",
        "قال",
        "e\u0301",
        ",",
        "(x)",
        "12%",
        "\r\n",
        "  ",
        "a-b",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(words, min_size=1, max_size=30).map(" ".join), st.data())
def test_snapping_with_nearby_tokens_equals_snapping_with_all_tokens(text: str, data) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    assume(text[start:end].strip())
    local = token_bounds(NLP, text, start, end)
    try:
        expected = snap(text, start, end, full_bounds(text))
    except SpanError:
        with pytest.raises(SpanError):
            snap(text, start, end, local)
        return
    assert snap(text, start, end, local) == expected

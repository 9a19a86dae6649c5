"""Span arithmetic on code-point offsets: validation, overlap, snapping to tokens.

Snapping uses the project language's tokenizer, so a selection made with the mouse or keys
lands on whole tokens with surrounding spaces and punctuation trimmed, as annotators expect.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.errors import SpanError
from annotator.core.records import Layer, SpanRecord

if TYPE_CHECKING:
    from spacy.language import Language


@dataclass(frozen=True)
class TokenBounds:
    """Start and end offsets of every token of a text, in order."""

    starts: Sequence[int]
    ends: Sequence[int]


def check_bounds(text_length: int, start: int, end: int) -> None:
    """Raise SpanError for offsets that cannot describe a span of this text."""
    if isinstance(start, bool) or isinstance(end, bool):
        raise SpanError(f"span offsets must be integers, got {start!r}..{end!r}")
    if start < 0:
        raise SpanError(f"span {start}..{end} starts before the text (negative offset)")
    if end < start:
        raise SpanError(f"span {start}..{end} ends before it starts")
    if end == start:
        raise SpanError(f"span {start}..{end} is empty")
    if end > text_length:
        raise SpanError(f"span {start}..{end} is outside the text ({text_length} characters)")


def find_overlap(spans: Iterable[SpanRecord]) -> tuple[SpanRecord, SpanRecord] | None:
    """The first pair of overlapping entity spans, or None. Unreliable passages may overlap."""
    entities = sorted((s for s in spans if s.layer is Layer.ENTITY), key=lambda s: (s.start, s.end))
    for previous, current in itertools.pairwise(entities):
        if current.start < previous.end:
            return previous, current
    return None


def validate_spans(text: str, spans: Sequence[SpanRecord]) -> None:
    """Raise SpanError naming the first impossible span: outside, reversed, empty, overlapping."""
    for index, span in enumerate(spans, start=1):
        try:
            check_bounds(len(text), span.start, span.end)
        except SpanError as exc:
            raise SpanError(f"span {index} ({span.label}): {exc}") from None
        if not span.label or not span.label.strip():
            raise SpanError(f"span {index}: the label is empty")
    pair = find_overlap(spans)
    if pair is not None:
        first, second = pair
        raise SpanError(
            f"entity {second.label} at {second.start}..{second.end} overlaps entity "
            f"{first.label} at {first.start}..{first.end}"
        )


#: Punctuation that belongs to the entity it ends ("80%", "5‰", "40°").
_KEPT_PUNCTUATION = frozenset("%‰‱°′″")


def _is_trimmable(char: str) -> bool:
    return char.isspace() or (
        unicodedata.category(char).startswith("P") and char not in _KEPT_PUNCTUATION
    )


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading and trailing whitespace and punctuation; keeps punctuation if nothing else
    is left, and the span as it is if it holds only whitespace."""
    new_start, new_end = start, end
    while new_start < new_end and _is_trimmable(text[new_start]):
        new_start += 1
    while new_end > new_start and _is_trimmable(text[new_end - 1]):
        new_end -= 1
    if new_start == new_end:
        # Only punctuation (and spaces) selected: keep the punctuation, drop the spaces.
        new_start, new_end = start, end
        while new_start < new_end and text[new_start].isspace():
            new_start += 1
        while new_end > new_start and text[new_end - 1].isspace():
            new_end -= 1
        return (start, end) if new_start == new_end else (new_start, new_end)
    return new_start, new_end


def snap(text: str, start: int, end: int, tokens: TokenBounds) -> tuple[int, int]:
    """Trim the selection, then widen it to the tokens it touches.

    A selection that starts or ends inside a word takes the whole word, the way Prodigy and
    INCEpTION behave; whitespace-only selections are refused. Punctuation inside a token the
    selection touches stays ("U.S.", "80%"): only the sloppy edges of the selection go.
    """
    check_bounds(len(text), start, end)
    start, end = trim(text, start, end)
    if text[start:end].isspace():
        raise SpanError("the selection holds only whitespace")
    snapped_start, snapped_end = start, end
    for token_start, token_end in zip(tokens.starts, tokens.ends, strict=True):
        if token_start <= start < token_end:
            snapped_start = token_start
        if token_start < end <= token_end:
            snapped_end = token_end
            break
    while snapped_end > snapped_start and text[snapped_end - 1].isspace():
        snapped_end -= 1
    return snapped_start, snapped_end


def token_bounds(
    tokenizer: Language, text: str, start: int = 0, end: int | None = None
) -> TokenBounds:
    """Token boundaries of the text, or only of the words around ``start..end``.

    spaCy never puts whitespace inside a token, so tokenizing a piece cut at whitespace
    gives the same tokens as the whole text: snapping a selection in a 40,000-token
    article costs the same as in a tweet.
    """
    if end is None and start == 0:
        low, high = 0, len(text)
    else:
        low, high = _widen_to_words(text, start, len(text) if end is None else end)
    doc = tokenizer.make_doc(text[low:high])
    return TokenBounds([low + t.idx for t in doc], [low + t.idx + len(t) for t in doc])


def _widen_to_words(text: str, start: int, end: int, words: int = 3) -> tuple[int, int]:
    """A piece of text around start..end, cut at whitespace, with a few words on each side.

    It starts on a word, never on whitespace: spaCy makes leading whitespace a token of its
    own, which the whole text does not have there.
    """
    low, high = max(0, start), min(len(text), end)
    for _ in range(words):
        low = max(0, _last_space(text, low - 1))
        high = _next_space(text, high + 1)
    while low < high and text[low].isspace():
        low += 1
    return low, high


def _last_space(text: str, before: int) -> int:
    index = before
    while index > 0 and not text[index - 1].isspace():
        index -= 1
    while index > 0 and text[index - 1].isspace():
        index -= 1
    return index


def _next_space(text: str, after: int) -> int:
    index = min(after, len(text))
    while index < len(text) and not text[index].isspace():
        index += 1
    while index < len(text) and text[index].isspace():
        index += 1
    return index

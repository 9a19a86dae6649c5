"""Badges in the reading pane: never clipped at the margin, never on top of each other."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QRectF

from annotator.gui.span_view import BADGE_INSET, MARGIN, DisplaySpan, SpanView

TEXT = (
    "Tibet and Nepal and Bhutan met.\n\n"
    "US UK EU UN signed a long agreement about trade, water and the border that runs "
    "through the mountains between all of them, and Tibet again."
)


def spans_of(words: list[tuple[str, str, str]]) -> list[DisplaySpan]:
    spans, taken = [], -1
    for number, (word, label, kind) in enumerate(words, start=1):
        start = TEXT.index(word, taken + 1)
        taken = start
        spans.append(DisplaySpan(number, start, start + len(word), label, "#7048e8", kind))
    return spans


@pytest.fixture
def view(qtbot) -> SpanView:
    pane = SpanView()
    qtbot.addWidget(pane)
    pane.resize(520, 420)
    pane.show()
    qtbot.waitExposed(pane)
    return pane


def column(view: SpanView) -> tuple[float, float]:
    return MARGIN - BADGE_INSET, view.viewport().width()


def test_a_badge_at_the_start_of_a_line_moves_inward_not_past_the_margin(view) -> None:
    spans = spans_of(
        [
            ("Tibet", "alice – · bob GPE", "review"),
            ("US", "alice GPE · bob ORG · carol –", "review"),
        ]
    )
    view.set_document(TEXT, spans)
    badges = view.badge_rects()
    left, right = column(view)
    for span in spans:
        first = view.span_rects(span)[0]
        assert first.left() == pytest.approx(MARGIN, abs=1)  # the span opens its line
        box = badges[span.id]
        assert box.left() >= left and box.right() <= right
        assert box.width() > first.width()  # the label is longer than the word
        assert box.top() >= view.span_rects(span)[-1].bottom()


def test_badges_of_adjacent_spans_never_overlap(view) -> None:
    spans = spans_of(
        [
            ("Tibet", "GPE", "entity"),
            ("Nepal", "GPE", "agreed"),
            ("Bhutan", "alice GPE · bob LOC", "review"),
            ("US", "GPE", "entity"),
            ("UK", "GPE", "suggestion"),
            ("EU", "ORG", "entity"),
            ("UN", "ORGANISATION", "entity"),
            ("Tibet", "alice – · bob GPE", "review"),
        ]
    )
    view.set_document(TEXT, spans)
    badges = view.badge_rects()
    assert set(badges) == {span.id for span in spans}
    left, right = column(view)
    for first, second in itertools.combinations(badges.values(), 2):
        assert not first.intersects(second), (first, second)
    for box in badges.values():
        assert box.left() >= left and box.right() <= right


def test_a_badge_stays_under_its_own_span(view) -> None:
    spans = spans_of([("Tibet", "GPE", "entity"), ("Bhutan", "GPE", "entity")])
    view.set_document(TEXT, spans)
    badges = view.badge_rects()
    for span in spans:
        last: QRectF = view.span_rects(span)[-1]
        box = badges[span.id]
        assert box.right() == pytest.approx(last.right() + 2, abs=0.5)
        assert box.top() == pytest.approx(last.bottom() + 2, abs=0.5)

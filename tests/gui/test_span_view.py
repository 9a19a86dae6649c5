"""The reading pane: highlight positions, clicks, right-to-left text, and speed on big texts."""

from __future__ import annotations

import random
import time

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from annotator.gui.span_view import DisplaySpan, SpanView


@pytest.fixture
def view(qtbot) -> SpanView:
    widget = SpanView()
    widget.resize(800, 600)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def qt_rect_of(view: SpanView, qt_start: int, qt_end: int):
    cursor = QTextCursor(view.document())
    cursor.setPosition(qt_start)
    first = view.cursorRect(cursor)
    cursor.setPosition(qt_end)
    return first, view.cursorRect(cursor)


def test_highlight_sits_on_the_span_after_emoji_and_cyrillic(qtbot, view: SpanView) -> None:
    text = "🙂🙂 Привет, Nepal! More text follows here."
    start = text.index("Nepal")
    span = DisplaySpan(7, start, start + 5, "GPE", "#feca74", "entity")
    view.set_document(text, [span])
    rects = view.span_rects(span)
    assert len(rects) == 1
    first, last = qt_rect_of(view, start + 2, start + 7)
    assert abs(rects[0].left() - first.left()) <= 1
    assert abs(rects[0].right() - last.left()) <= 1
    with qtbot.waitSignal(view.spanClicked) as clicked:
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=rects[0].center().toPoint()
        )
    assert clicked.args == [7]
    assert view.selected_span_id() == 7


def test_selection_is_reported_in_code_points(qtbot, view: SpanView) -> None:
    text = "🙂🙂 Привет, Nepal!"
    view.set_document(text, [])
    start = text.index("Nepal")
    with qtbot.waitSignal(view.selectionChangedCp) as changed:
        view.set_selection_cp(start, start + 5)
    cursor = view.textCursor()
    assert (cursor.selectionStart(), cursor.selectionEnd()) == (start + 2, start + 7)
    assert changed.args == [start, start + 5]
    assert view.selection_cp() == (start, start + 5)


def test_right_to_left_span_covers_its_glyphs(view: SpanView) -> None:
    text = "قال وزير الخارجية إن القاهرة ترحب بالاتفاق."
    start = text.index("القاهرة")
    span = DisplaySpan(1, start, start + 7, "GPE", "#feca74", "entity")
    view.set_document(text, [span])
    rects = view.span_rects(span)
    assert len(rects) == 1 and rects[0].width() > 10
    first, last = qt_rect_of(view, start, start + 7)
    assert rects[0].left() <= min(first.left(), last.left()) + 1
    assert rects[0].right() >= max(first.left(), last.left()) - 1
    line_start, _ = qt_rect_of(view, 0, 0)
    assert line_start.left() > rects[0].right()


def test_adding_a_span_does_not_rebuild_the_text(view: SpanView) -> None:
    view.set_document("Nepal and India signed a deal.", [])
    document, revision = view.document(), view.document().revision()
    view.add_span(DisplaySpan(1, 0, 5, "GPE", "#feca74", "entity"))
    assert view.document() is document and document.revision() == revision
    assert [s.id for s in view.spans()] == [1]


def test_overlapping_entity_wins_the_click_and_a_second_click_cycles(qtbot, view: SpanView) -> None:
    text = "A source said Nepal doubled its exports."
    start = text.index("Nepal")
    entity = DisplaySpan(1, start, start + 5, "GPE", "#feca74", "entity")
    passage = DisplaySpan(2, 0, len(text), "unverifiable", "#ff8197", "unreliable")
    view.set_document(text, [passage, entity])
    point = view.span_rects(entity)[0].center().toPoint()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.selected_span_id() == 1
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.selected_span_id() == 2
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 500))
    assert view.selected_span_id() is None


def big_article(tokens: int, spans: int) -> tuple[str, list[DisplaySpan]]:
    rng = random.Random(3)
    words = [
        rng.choice(["Nepal", "trade", "grew", "in", "the", "capital", "officials", "said"])
        for _ in range(tokens)
    ]
    text = ""
    starts = []
    for index, word in enumerate(words):
        starts.append(len(text))
        text += word + ("\n\n" if index % 120 == 119 else " ")
    chosen = sorted(rng.sample(range(tokens), spans))
    return text, [
        DisplaySpan(
            i,
            starts[t],
            starts[t] + len(words[t]),
            "GPE",
            "#feca74",
            "entity" if i % 3 else "suggestion",
        )
        for i, t in enumerate(chosen)
    ]


def test_large_article_opens_and_edits_quickly(view: SpanView) -> None:
    text, spans = big_article(40_000, 3_000)
    started = time.perf_counter()
    view.set_document(text, spans)
    view.repaint()
    opened = time.perf_counter() - started
    extra = DisplaySpan(99_999, 0, 5, "ORG", "#7aecec", "entity")
    started = time.perf_counter()
    view.add_span(extra)
    view.repaint()
    edited = time.perf_counter() - started
    print(f"40,000 tokens / 3,000 spans: open {opened * 1000:.0f} ms, edit {edited * 1000:.1f} ms")
    assert opened < 3.0
    assert edited < 0.2


def test_patches_keep_spans_in_text_order_and_clickable(view: SpanView) -> None:
    """In-place patches must leave the same index a full re-sort would build."""
    rng = random.Random(7)
    text = "Leaders of Nepal and Mongolia met in Beijing. " * 20
    view.set_document(text, [])
    live: dict[int, DisplaySpan] = {}
    for step in range(300):
        removed = rng.sample(sorted(live), k=min(len(live), rng.randint(0, 2)))
        added = []
        for _ in range(rng.randint(0, 2)):
            start = rng.randrange(0, len(text) - 1)
            end = rng.randint(start + 1, min(len(text), start + 30))
            span_id = rng.choice([*removed, 1000 + step * 3 + len(added)])
            added.append(DisplaySpan(span_id, start, end, "GPE", "#feca74", "entity"))
        view.patch(removed, added)
        for span_id in removed:
            live.pop(span_id, None)
        live.update({span.id: span for span in added})
        expected = sorted(live.values(), key=lambda s: (s.start, s.end, s.id))
        assert view.spans() == expected
    for offset in range(0, len(text), 7):
        assert {s.id for s in view.spans_at(offset)} == {
            s.id for s in live.values() if s.start <= offset < s.end
        }


def test_arabic_word_at_the_start_of_a_wrapped_line_is_boxed_alone(qtbot, view) -> None:
    text = (
        "The minister said in a speech that the people of the "
        "الوزير قال إن العلاقات قوية and then left for the capital city of the country."
    )
    start = text.index("الوزير")
    word = DisplaySpan(1, start, start + 6, "PERSON", "#ff0000", "entity")
    following = DisplaySpan(2, start + 7, start + 10, "ORG", "#00ff00", "entity")
    for width in range(300, 800, 2):
        view.resize(width, 600)
        view.set_document(text, [word, following])
        line = view.document().firstBlock().layout().lineForTextPosition(start)
        if line.textStart() == start:
            break
    else:
        pytest.fail("no width puts the Arabic word at the start of a line")
    [box] = view.span_rects(word)
    [next_box] = view.span_rects(following)
    assert box.width() < view.fontMetrics().horizontalAdvance("الوزير") * 1.5
    assert not box.intersects(next_box)


def test_a_narrow_glyph_right_after_an_entity_box_stays_visible(qtbot, view) -> None:
    text = "Russia’s relationship with Tibet dates back to the early 20th century."
    apostrophe = DisplaySpan(9, 6, 7, "X", "#000000", "entity")
    view.set_document(text, [])
    [mark] = view.span_rects(apostrophe)
    inside = mark.adjusted(1.5, 2, 0, -2).toRect()
    plain = view.viewport().grab(inside).toImage()
    view.set_spans([DisplaySpan(1, 0, 6, "GPE", "#d9480f", "suggestion")])
    view.viewport().repaint()
    boxed = view.viewport().grab(inside).toImage()
    assert plain == boxed

"""The reading pane: one article with its spans drawn over the text.

The text document is built once per article; spans are painted over it (backgrounds under
the glyphs, outlines, badges, underlines and margin bars above), so adding or changing a span
only repaints. Only spans inside the visible text are measured and drawn, so a 40,000-token
article with thousands of spans stays as quick as a short one. Offsets in and out are code
points; Qt's UTF-16 positions stay inside this module.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from annotator.gui.colours import highlight_fill, ink_on, over, readable_on
from annotator.gui.offsets import OffsetMap

LINE_HEIGHT = 185
MAX_LINE_CHARACTERS = 82
MARGIN = 34
BADGE_POINT_SIZE_RATIO = 0.62
#: Badges keep this far inside the text column's edges (the margin holds the passage bars).
BADGE_INSET = 2
#: What a badge adds to the label: a model's guess asks, what all compared annotators agree on
#: is ticked.
BADGE_SUFFIX = {"suggestion": "?", "agreed": " ✓"}
ITALIC_BADGES = ("suggestion", "review", "group")
#: How far a span's box reaches past its glyphs, sideways: more would draw over a neighbouring
#: narrow glyph (the apostrophe of "Russia’s" right after the entity).
BOX_PAD = 0.5
#: How far boilerplate is washed towards the base colour (0-255).
BOILERPLATE_VEIL = 150


@dataclass(frozen=True)
class DisplaySpan:
    """A span as the pane draws it. ``kind``: 'entity', 'suggestion', 'unreliable', 'review'
    (a disagreement still to settle), 'agreed' (what every compared annotator has, not yet in
    gold), 'group' (a span of another span group), 'related' (an end of the relation or link
    chosen in the Links panel) or 'boilerplate' (greyed, never selected)."""

    id: int
    start: int
    end: int
    label: str
    colour: str
    kind: str
    note: str | None = None


def _extents(line: QTextLine, start: int, length: int) -> list[tuple[float, float]]:
    """Left and right of the glyphs of ``length`` characters from ``start`` on the line, one
    pair per run of one direction. Cursor positions would not do: at a line's edge a
    right-to-left word's logical start sits at the far end of the line, and the box would
    cover the words between."""
    extents: list[tuple[float, float]] = []
    for run in line.glyphRuns(start, length):
        positions = run.positions()
        if not positions:
            continue
        advances = run.rawFont().advancesForGlyphIndexes(run.glyphIndexes())
        left = min(point.x() for point in positions)
        right = max(p.x() + a.x() for p, a in zip(positions, advances, strict=True))
        extents.append((left, right))
    if not extents:
        x1, x2 = line.cursorToX(start)[0], line.cursorToX(start + length)[0]
        extents.append((min(x1, x2), max(x1, x2)))
    return sorted(extents)


def _key(span: DisplaySpan) -> tuple[int, int, int]:
    """Spans are kept in text order; the id breaks ties so every key is unique."""
    return (span.start, span.end, span.id)


def _last_at_or_below(count: int, key: object, value: float) -> int:
    """The last index in 0..count-1 whose key is at most value (0 if none): a binary search."""
    low, high = 0, max(0, count - 1)
    while low < high:
        middle = (low + high + 1) // 2
        if key(middle) <= value:  # type: ignore[operator]
            low = middle
        else:
            high = middle - 1
    return low


class SpanView(QTextEdit):
    """Read-only, selectable article text with entity badges and unreliable-passage marks."""

    selectionChangedCp = Signal(int, int)
    spanClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setUndoRedoEnabled(False)
        self.setFrameShape(QTextEdit.Shape.NoFrame)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.offsets = OffsetMap("")
        self._spans: dict[int, DisplaySpan] = {}
        self._order: list[DisplaySpan] = []
        self._starts: list[int] = []
        self._keys: list[tuple[int, int, int]] = []
        self._longest = 0
        self._selected: int | None = None
        self._press: QPoint | None = None
        self._font_size = 12
        self._own_document: QTextDocument | None = None
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.selectionChanged.connect(self._emit_selection)
        self._apply_font()

    # Content ------------------------------------------------------------------------------

    def set_document(self, text: str, spans: list[DisplaySpan]) -> None:
        """Show a new article; the only operation that rebuilds the text layout."""
        self.offsets = OffsetMap(text)
        document = QTextDocument(self)
        document.setDocumentMargin(MARGIN)
        document.setDefaultFont(self.font())
        document.setPlainText(text)
        cursor = QTextCursor(document)
        cursor.select(QTextCursor.SelectionType.Document)
        block = QTextBlockFormat()
        block.setLineHeight(LINE_HEIGHT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        cursor.mergeBlockFormat(block)
        self.setDocument(document)
        if self._own_document is not None:
            self._own_document.deleteLater()
        self._own_document = document
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self._selected = None
        self.set_spans(spans)
        self.verticalScrollBar().setValue(0)

    def set_spans(self, spans: list[DisplaySpan]) -> None:
        self._spans = {span.id: span for span in spans}
        self._reindex()

    def add_span(self, span: DisplaySpan) -> None:
        self.patch([], [span])

    def remove_span(self, span_id: int) -> None:
        self.patch([span_id], [])

    def update_span(self, span: DisplaySpan) -> None:
        self.patch([span.id], [span])

    def patch(self, removed: list[int], added: list[DisplaySpan]) -> None:
        """Remove and add spans in place (an edit's view update): no re-sort of thousands."""
        shortened = any([self._drop(span_id) for span_id in removed])
        for span_id in removed:
            if self._selected == span_id:
                self._selected = None
        for span in added:
            shortened = self._drop(span.id) or shortened
            self._spans[span.id] = span
            key = _key(span)
            index = bisect.bisect_left(self._keys, key)
            self._keys.insert(index, key)
            self._order.insert(index, span)
            self._starts.insert(index, span.start)
            self._longest = max(self._longest, span.end - span.start)
        if shortened:
            self._longest = max((s.end - s.start for s in self._order), default=0)
        self.viewport().update()

    def _drop(self, span_id: int) -> bool:
        """Take a span out of the index; True if it was as long as the longest one."""
        old = self._spans.pop(span_id, None)
        if old is None:
            return False
        index = bisect.bisect_left(self._keys, _key(old))
        del self._keys[index], self._order[index], self._starts[index]
        return old.end - old.start >= self._longest

    def spans(self) -> list[DisplaySpan]:
        return list(self._order)

    def _reindex(self) -> None:
        self._order = sorted(self._spans.values(), key=_key)
        self._keys = [_key(span) for span in self._order]
        self._starts = [span.start for span in self._order]
        self._longest = max((span.end - span.start for span in self._order), default=0)
        self.viewport().update()

    # Selection ----------------------------------------------------------------------------

    def selection_cp(self) -> tuple[int, int]:
        cursor = self.textCursor()
        return (
            self.offsets.to_python(cursor.selectionStart()),
            self.offsets.to_python(cursor.selectionEnd()),
        )

    def set_selection_cp(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self.offsets.to_qt(start))
        cursor.setPosition(self.offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def selected_span_id(self) -> int | None:
        return self._selected if self._selected in self._spans else None

    def neighbour(self, span_id: int | None, step: int) -> DisplaySpan | None:
        """The span ``step`` places after (or before) this one in text order, wrapping round,
        from the pane's own index: Tab on a 40,000-word article must not sort 9,000 spans."""
        count = len(self._order)
        if count == 0:
            return None
        current = self._spans.get(span_id) if span_id is not None else None
        if current is None:
            index = -1 if step > 0 else 0
        else:
            index = bisect.bisect_left(self._keys, _key(current))
        for _ in range(count):
            index = (index + step) % count
            if self._order[index].kind != "boilerplate":
                return self._order[index]
        return None

    def select_span(self, span_id: int) -> None:
        if span_id in self._spans:
            self._selected = span_id
            self.viewport().update()

    def clear_span_selection(self) -> None:
        self._selected = None
        self.clear_selection()
        self.viewport().update()

    def _emit_selection(self) -> None:
        """A new text selection replaces a selected span: the next label key applies to it."""
        start, end = self.selection_cp()
        if start != end and self._selected is not None:
            self._selected = None
            self.viewport().update()
        self.selectionChangedCp.emit(start, end)

    def scroll_to_cp(self, offset: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_qt(min(offset, self.offsets.length)))
        rect = self.cursorRect(cursor)
        if not self.viewport().rect().adjusted(0, 40, 0, -40).contains(rect):
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + rect.top() - self.viewport().height() // 3)

    def set_font_size(self, points: int) -> None:
        self._font_size = points
        self._apply_font()

    def _apply_font(self) -> None:
        font = QFont(self.font())
        font.setStyleHint(QFont.StyleHint.SansSerif)
        font.setPointSize(self._font_size)
        self.setFont(font)
        self.document().setDefaultFont(font)
        self._fit_width()

    # Geometry -----------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit_width()
        super().resizeEvent(event)

    def _fit_width(self) -> None:
        """Keep lines at a readable length and centre the column in wide windows."""
        metrics = QFontMetricsF(self.font())
        column = metrics.averageCharWidth() * MAX_LINE_CHARACTERS + 2 * MARGIN
        spare = max(0.0, self.width() - column - self.verticalScrollBar().sizeHint().width())
        self.setViewportMargins(int(spare / 2), 0, 0, 0)

    def _visible_range(self) -> tuple[int, int]:
        """Code-point range of the lines on screen, found by geometry, not by hit-testing.

        Binary searches over blocks and then over the lines of the first and last block, so
        a long paragraph (or a text with no line breaks at all) costs no more than a short one,
        and the result stays right while the document is still being laid out lazily.
        """
        document = self.document()
        layout = document.documentLayout()
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()

        def block_top(number: int) -> float:
            return layout.blockBoundingRect(document.findBlockByNumber(number)).top()

        first_block = _last_at_or_below(document.blockCount(), block_top, top)
        last_block = _last_at_or_below(document.blockCount(), block_top, bottom)
        first = self._line_position(document.findBlockByNumber(first_block), top, start=True)
        last = self._line_position(document.findBlockByNumber(last_block), bottom, start=False)
        return self.offsets.to_python(first), self.offsets.to_python(last) + 1

    def _line_position(self, block: QTextBlock, y: float, *, start: bool) -> int:
        """Position where the line at height y starts (or ends) inside the block."""
        origin = self.document().documentLayout().blockBoundingRect(block).top()
        lines = block.layout()
        count = lines.lineCount()
        if count == 0:
            return block.position() + (0 if start else block.length())
        number = _last_at_or_below(count, lambda n: origin + lines.lineAt(n).y(), y)
        line = lines.lineAt(number)
        offset = line.textStart() if start else line.textStart() + line.textLength()
        return block.position() + offset

    def _visible_spans(self) -> list[DisplaySpan]:
        start, end = self._visible_range()
        first = bisect.bisect_left(self._starts, start - self._longest)
        last = bisect.bisect_right(self._starts, end)
        return [s for s in self._order[first:last] if s.end > start]

    def span_rects(self, span: DisplaySpan) -> list[QRectF]:
        """Viewport rectangles of a span, one per line it covers (bidi-aware)."""
        document = self.document()
        layout = document.documentLayout()
        qt_start, qt_end = self.offsets.to_qt(span.start), self.offsets.to_qt(span.end)
        dx = -self.horizontalScrollBar().value()
        dy = -self.verticalScrollBar().value()
        rects: list[QRectF] = []
        block = document.findBlock(qt_start)
        while block.isValid() and block.position() < qt_end:
            origin = layout.blockBoundingRect(block).topLeft()
            text_layout = block.layout()
            first_line = text_layout.lineForTextPosition(max(0, qt_start - block.position()))
            index = first_line.lineNumber() if first_line.isValid() else 0
            for number in range(index, text_layout.lineCount()):
                line = text_layout.lineAt(number)
                line_start = block.position() + line.textStart()
                if line_start >= qt_end:
                    break
                line_end = line_start + line.textLength()
                a, b = max(qt_start, line_start), min(qt_end, line_end)
                if a >= b:
                    continue
                for left, right in _extents(line, a - block.position(), b - a):
                    rects.append(
                        QRectF(
                            origin.x() + left + dx,
                            origin.y() + line.y() + dy,
                            right - left,
                            line.ascent() + line.descent(),
                        )
                    )
            block = block.next()
        return rects

    # Painting -----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        visible = self._visible_spans()
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        geometry = [(span, self.span_rects(span)) for span in visible]
        for span, rects in geometry:
            if span.kind in ("entity", "suggestion", "agreed"):
                self._paint_fill(painter, span, rects)
        painter.end()
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for span, rects in geometry:
            if span.kind == "unreliable":
                self._paint_unreliable(painter, span, rects)
            elif span.kind == "boilerplate":
                self._paint_veil(painter, rects)
        geometry = [(span, rects) for span, rects in geometry if span.kind != "boilerplate"]
        badges = self._place_badges(geometry)
        for span, rects in geometry:
            if span.kind != "unreliable" and rects:
                self._paint_outline(painter, span, rects)
                self._paint_badge(painter, span, badges[span.id])
        for span, rects in geometry:
            if span.id == self._selected and span.kind == "unreliable":
                self._paint_outline(painter, span, rects)
        painter.end()

    def _paint_veil(self, painter: QPainter, rects: list[QRectF]) -> None:
        """Boilerplate is washed out towards the base colour: still readable, plainly not
        the article."""
        veil = QColor(self.palette().color(QPalette.ColorRole.Base))
        veil.setAlpha(BOILERPLATE_VEIL)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(veil)
        for rect in rects:
            painter.drawRect(rect.adjusted(-1, 0, 1, 0))

    def _fill_colour(self, span: DisplaySpan) -> QColor:
        strength = {"suggestion": 0.3, "agreed": 0.45}.get(span.kind, 0.7)
        return highlight_fill(QColor(span.colour), self.palette(), strength)

    def _mark_colour(self, span: DisplaySpan) -> QColor:
        """Lines drawn in a label's colour (dashes, underline, margin bar) must show on the base."""
        base = self.palette().color(QPalette.ColorRole.Base)
        return readable_on(QColor(span.colour), base, 3.0)

    def _paint_fill(self, painter: QPainter, span: DisplaySpan, rects: list[QRectF]) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._fill_colour(span))
        for rect in rects:
            painter.drawRoundedRect(rect.adjusted(-BOX_PAD, -1, BOX_PAD, 1), 3, 3)

    def _paint_outline(self, painter: QPainter, span: DisplaySpan, rects: list[QRectF]) -> None:
        colour = self._mark_colour(span)
        selected = span.id == self._selected
        if span.kind == "suggestion":
            pen = QPen(colour, 1.4, Qt.PenStyle.DashLine)
        elif span.kind in ("review", "group"):
            pen = QPen(colour, 2.0, Qt.PenStyle.DotLine)
        elif span.kind == "agreed":
            pen = QPen(colour, 1.2)
        elif span.kind == "related":
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 2.6)
        elif selected:
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 2.4)
        else:
            return
        if selected:
            pen.setWidthF(2.4)
            pen.setColor(self.palette().color(QPalette.ColorRole.Highlight))
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for rect in rects:
            painter.drawRoundedRect(rect.adjusted(-BOX_PAD, -1, BOX_PAD, 1), 3, 3)

    def _badge_font(self, italic: bool = False) -> QFont:
        """Italic for what is not (yet) the annotator's own: guesses, disagreements, groups."""
        font = QFont(self.font())
        font.setPointSizeF(max(6.5, self.font().pointSizeF() * BADGE_POINT_SIZE_RATIO))
        font.setBold(True)
        font.setItalic(italic)
        return font

    @staticmethod
    def _badge_text(span: DisplaySpan) -> str:
        return span.label + BADGE_SUFFIX.get(span.kind, "")

    def badge_rects(self) -> dict[int, QRectF]:
        """Where the badges of the spans on screen go, by span id (viewport coordinates)."""
        return self._place_badges([(span, self.span_rects(span)) for span in self._visible_spans()])

    def _place_badges(self, geometry: list[tuple[DisplaySpan, list[QRectF]]]) -> dict[int, QRectF]:
        """Each badge sits under the end of its span, moved inward where it would reach past
        the text column (a short span at the start of a line, a long label) and stacked below
        a neighbour's badge it would cover: a label that is clipped or hidden is a label lost.
        """
        metrics = {italic: QFontMetricsF(self._badge_font(italic)) for italic in (False, True)}
        dx = -self.horizontalScrollBar().value()
        left_edge = self.document().documentMargin() - BADGE_INSET + dx
        right_edge = max(left_edge, self.viewport().width() - BADGE_INSET)
        ends = sorted(
            ((span, rects[-1]) for span, rects in geometry if span.kind != "unreliable" and rects),
            key=lambda pair: (round(pair[1].bottom()), pair[1].right(), pair[0].id),
        )
        placed: dict[int, QRectF] = {}
        nearby: list[QRectF] = []
        for span, last in ends:
            font_metrics = metrics[span.kind in ITALIC_BADGES]
            width = font_metrics.horizontalAdvance(self._badge_text(span)) + 8
            height = font_metrics.height() + 1
            x = min(last.right() - width + 2, right_edge - width)
            x = max(x, left_edge)
            box = QRectF(x, last.bottom() + 2, width, height)
            nearby = [other for other in nearby if other.bottom() > box.top()]
            while hit := [o for o in nearby if box.intersects(o.adjusted(-1, 0, 1, 1))]:
                beside = max(other.right() for other in hit) + 2
                if beside < last.right() and beside + width <= right_edge:
                    box.moveLeft(beside)  # still under its span, after the neighbour's badge
                else:
                    box.moveTopLeft(QPointF(x, box.top() + height + 1))
            nearby.append(box)
            placed[span.id] = box
        return placed

    def _paint_badge(self, painter: QPainter, span: DisplaySpan, box: QRectF) -> None:
        """The label under the end of the span, in the gap between lines (displaCy-like)."""
        colour = QColor(span.colour)
        if span.kind == "related":
            colour = self.palette().color(QPalette.ColorRole.Highlight)
        if span.kind == "suggestion":
            colour.setAlpha(120)
            colour = over(colour, self.palette().color(QPalette.ColorRole.Base))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(box, 3, 3)
        painter.setFont(self._badge_font(span.kind in ITALIC_BADGES))
        painter.setPen(ink_on(colour))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self._badge_text(span))

    def _paint_unreliable(self, painter: QPainter, span: DisplaySpan, rects: list[QRectF]) -> None:
        """A wavy underline in the reason's colour and a bar in the left margin."""
        colour = self._mark_colour(span)
        pen = QPen(colour, 1.6)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for rect in rects:
            path = QPainterPath(QPointF(rect.left(), rect.bottom() + 1))
            x, up = rect.left(), True
            while x < rect.right():
                step = min(3.0, rect.right() - x)
                path.lineTo(QPointF(x + step, rect.bottom() + (-1 if up else 2)))
                x += step
                up = not up
            painter.drawPath(path)
        if rects:
            top = min(r.top() for r in rects)
            bottom = max(r.bottom() for r in rects)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(MARGIN * 0.35, top, 4, bottom - top), 2, 2)

    # Mouse --------------------------------------------------------------------------------

    def spans_at(self, offset: int) -> list[DisplaySpan]:
        """Spans containing the offset: entities and suggestions first, then passages."""
        first = bisect.bisect_left(self._starts, offset - self._longest)
        last = bisect.bisect_right(self._starts, offset)
        hits = [
            s
            for s in self._order[first:last]
            if s.start <= offset < s.end and s.kind != "boilerplate"
        ]
        return sorted(hits, key=lambda s: (s.kind == "unreliable", s.end - s.start))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        moved = press is not None and (event.position().toPoint() - press).manhattanLength() > 3
        if moved or self.textCursor().hasSelection():
            return
        offset = self.offsets.to_python(
            self.cursorForPosition(event.position().toPoint()).position()
        )
        hits = self.spans_at(offset)
        if not hits:
            self._selected = None
            self.viewport().update()
            return
        ids = [s.id for s in hits]
        chosen = (
            ids[(ids.index(self._selected) + 1) % len(ids)] if self._selected in ids else ids[0]
        )
        self.select_span(chosen)
        self.spanClicked.emit(chosen)

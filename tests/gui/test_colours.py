"""Label colours keep text readable (WCAG contrast 4.5:1) in light and dark palettes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette

from annotator.core.labels import PALETTE
from annotator.gui.colours import (
    contrast,
    highlight_fill,
    ink_on,
    over,
    readable_on,
    theme_palette,
)
from annotator.gui.document_list import STATUS_COLOUR

USER_PICKS = ("#123456", "#000000", "#ffffff", "#ff0000", "#808080", "#ffffe0")


def light_palette() -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#1b1b1b"))
    return palette


def dark_palette() -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e8e8e8"))
    palette.setColor(QPalette.ColorRole.Window, QColor("#2b2b2b"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#e8e8e8"))
    return palette


PALETTES = {
    "light": light_palette,
    "dark": dark_palette,
    "theme-light": lambda: theme_palette(dark=False),
    "theme-dark": lambda: theme_palette(dark=True),
}
TEXT_ON = (
    (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
    (QPalette.ColorRole.Text, QPalette.ColorRole.AlternateBase),
    (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
    (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
    (QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
    (QPalette.ColorRole.ToolTipText, QPalette.ColorRole.ToolTipBase),
    (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Base),
    (QPalette.ColorRole.Link, QPalette.ColorRole.Base),
    (QPalette.ColorRole.LinkVisited, QPalette.ColorRole.Base),
)


def test_contrast_matches_the_wcag_reference_values() -> None:
    assert contrast(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)
    assert contrast(QColor("#ffffff"), QColor("#ffffff")) == pytest.approx(1.0)


@pytest.mark.parametrize("mode", PALETTES)
@pytest.mark.parametrize("colour", PALETTE + USER_PICKS)
def test_highlighted_text_stays_readable(mode: str, colour: str) -> None:
    palette = PALETTES[mode]()
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    for strength in (0.3, 0.7):
        fill = highlight_fill(QColor(colour), palette, strength)
        assert contrast(text, over(fill, base)) >= 4.5


@pytest.mark.parametrize("colour", PALETTE + USER_PICKS)
def test_badge_ink_reads_on_any_label_colour(colour: str) -> None:
    assert contrast(ink_on(QColor(colour)), QColor(colour)) >= 4.5


@pytest.mark.parametrize("mode", PALETTES)
def test_status_colours_read_on_the_list_background(mode: str) -> None:
    base = PALETTES[mode]().color(QPalette.ColorRole.Base)
    for colour in STATUS_COLOUR.values():
        assert contrast(readable_on(QColor(colour), base), base) >= 4.5


@pytest.mark.parametrize("dark", [False, True])
def test_theme_palettes_keep_every_text_readable(dark: bool) -> None:
    """The Settings dialog's light and dark themes: text on each of its backgrounds reads at
    4.5:1; disabled text, which WCAG exempts, still at 3:1."""
    palette = theme_palette(dark)
    for text, background in TEXT_ON:
        assert contrast(palette.color(text), palette.color(background)) >= 4.5, text
    disabled = QPalette.ColorGroup.Disabled
    for text, background in TEXT_ON[:4]:
        pair = palette.color(disabled, text), palette.color(disabled, background)
        assert contrast(*pair) >= 3, text


def test_dark_palette_pane_paints_a_readable_fill(qtbot, window) -> None:
    """The pixels actually painted behind a span, not only the arithmetic."""
    view = window.view
    view.setPalette(dark_palette())
    view.viewport().setPalette(dark_palette())
    start = window.editor.text.index("Mongolia")
    view.set_selection_cp(start, start + len("Mongolia"))
    qtbot.keyClick(view, Qt.Key.Key_3)
    qtbot.waitUntil(lambda: len(view.spans()) == 1, timeout=2000)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.selected_span_id() is None, timeout=2000)
    image = view.viewport().grab().toImage()
    rect = view.span_rects(view.spans()[0])[0]
    painted = image.pixelColor(int(rect.left()) - 1, int(rect.center().y()))
    assert painted != dark_palette().color(QPalette.ColorRole.Base)
    assert contrast(dark_palette().color(QPalette.ColorRole.Text), painted) >= 4.5

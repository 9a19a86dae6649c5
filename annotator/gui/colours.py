"""Colours that stay readable in light and dark palettes, by the WCAG contrast measure.

Label colours are chosen by users (or our pastel defaults) without knowing the system palette;
every place that puts text on a label colour, or a label colour behind text, asks here so the
text keeps a contrast of at least 4.5:1 (WCAG AA for body text).
"""

from __future__ import annotations

import functools

from PySide6.QtGui import QColor, QPalette

READABLE = 4.5
DARK_INK = QColor("#151515")
LIGHT_INK = QColor("#f4f4f4")


def luminance(colour: QColor) -> float:
    """WCAG relative luminance of an opaque colour."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(first: QColor, second: QColor) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def over(top: QColor, bottom: QColor) -> QColor:
    """What a translucent colour looks like painted on an opaque one."""
    alpha = top.alphaF()
    return QColor.fromRgbF(
        top.redF() * alpha + bottom.redF() * (1 - alpha),
        top.greenF() * alpha + bottom.greenF() * (1 - alpha),
        top.blueF() * alpha + bottom.blueF() * (1 - alpha),
    )


def ink_on(background: QColor) -> QColor:
    """Near-black or near-white text, whichever reads better on this background."""
    return QColor(DARK_INK) if _dark_ink_reads(background.name()) else QColor(LIGHT_INK)


@functools.lru_cache(maxsize=512)
def _dark_ink_reads(background_name: str) -> bool:
    solid = QColor(background_name)
    return contrast(DARK_INK, solid) >= contrast(LIGHT_INK, solid)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def highlight_fill(label: QColor, palette: QPalette, strength: float) -> QColor:
    """A label colour to paint behind the pane's text: as strong as wanted, but readable.

    On a dark palette a pastel label colour at full strength would turn the light text
    unreadable, so the colour is darkened and its opacity lowered until the text, in the
    palette's own text colour, keeps its contrast.
    """
    base = palette.color(QPalette.ColorRole.Base).name()
    text = palette.color(QPalette.ColorRole.Text).name()
    return QColor.fromRgba(_fill_rgba(label.name(), base, text, is_dark(palette), strength))


@functools.lru_cache(maxsize=512)
def _fill_rgba(label: str, base_name: str, text_name: str, dark: bool, strength: float) -> int:
    base, text = QColor(base_name), QColor(text_name)
    colour = QColor(label).darker(160) if dark else QColor(label)
    alpha = strength
    while alpha > 0.05:
        colour.setAlphaF(alpha)
        if contrast(text, over(colour, base)) >= READABLE:
            break
        alpha -= 0.05
    colour.setAlphaF(max(alpha, 0.05))
    return colour.rgba()


def readable_on(colour: QColor, background: QColor, wanted: float = READABLE) -> QColor:
    """The colour made lighter or darker, keeping its hue, until it reads on the background."""
    return QColor.fromRgba(_readable_rgba(colour.name(), background.name(), wanted))


@functools.lru_cache(maxsize=512)
def _readable_rgba(colour_name: str, background_name: str, wanted: float) -> int:
    colour, background = QColor(colour_name), QColor(background_name)
    hue, saturation, lightness = max(0, colour.hslHue()), colour.hslSaturation(), colour.lightness()
    step = 6 if luminance(background) < 0.18 else -6
    result = QColor(colour)
    while contrast(result, background) < wanted and 0 < lightness < 255:
        lightness = min(255, max(0, lightness + step))
        result = QColor.fromHsl(hue, saturation, lightness)
    return result.rgba()

"""Colours that stay readable in light and dark palettes, by the WCAG contrast measure.

Label colours are chosen by users (or our pastel defaults) without knowing the system palette;
every place that puts text on a label colour, or a label colour behind text, asks here so the
text keeps a contrast of at least 4.5:1 (WCAG AA for body text).

The app's own light and dark palettes live here too, with the theme switch of the Settings
dialog: the system's palette is kept whenever it already has the wanted brightness, so the
desktop's look survives, and ours stands in only where the system cannot give it.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

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


_ROLE = QPalette.ColorRole
DARK_COLOURS = {
    _ROLE.Window: "#2b2b2b",
    _ROLE.WindowText: "#e6e6e6",
    _ROLE.Base: "#1e1e1e",
    _ROLE.AlternateBase: "#262626",
    _ROLE.ToolTipBase: "#353535",
    _ROLE.ToolTipText: "#e6e6e6",
    _ROLE.PlaceholderText: "#9a9a9a",
    _ROLE.Text: "#e6e6e6",
    _ROLE.Button: "#353535",
    _ROLE.ButtonText: "#e6e6e6",
    _ROLE.BrightText: "#ff7070",
    _ROLE.Light: "#505050",
    _ROLE.Midlight: "#404040",
    _ROLE.Mid: "#2f2f2f",
    _ROLE.Dark: "#1a1a1a",
    _ROLE.Shadow: "#000000",
    _ROLE.Highlight: "#3371c9",
    _ROLE.HighlightedText: "#ffffff",
    _ROLE.Link: "#7ab8ff",
    _ROLE.LinkVisited: "#c09cff",
}
LIGHT_COLOURS = {
    _ROLE.Window: "#efefef",
    _ROLE.WindowText: "#1b1b1b",
    _ROLE.Base: "#ffffff",
    _ROLE.AlternateBase: "#f5f5f5",
    _ROLE.ToolTipBase: "#ffffdc",
    _ROLE.ToolTipText: "#1b1b1b",
    _ROLE.PlaceholderText: "#6e6e6e",
    _ROLE.Text: "#1b1b1b",
    _ROLE.Button: "#efefef",
    _ROLE.ButtonText: "#1b1b1b",
    _ROLE.BrightText: "#ffffff",
    _ROLE.Light: "#ffffff",
    _ROLE.Midlight: "#e3e3e3",
    _ROLE.Mid: "#a0a0a0",
    _ROLE.Dark: "#a0a0a0",
    _ROLE.Shadow: "#000000",
    _ROLE.Highlight: "#3074d0",
    _ROLE.HighlightedText: "#ffffff",
    _ROLE.Link: "#0b5cc1",
    _ROLE.LinkVisited: "#6b3fa0",
}
#: Disabled text: dimmed, yet still told apart from the background.
DISABLED_TEXT = {True: "#808080", False: "#777777"}
SCHEMES = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}


def theme_palette(dark: bool) -> QPalette:
    """The app's own palette, for when the system has none of the wanted brightness."""
    palette = QPalette()
    for role, colour in (DARK_COLOURS if dark else LIGHT_COLOURS).items():
        palette.setColor(role, QColor(colour))
    for role in (_ROLE.WindowText, _ROLE.Text, _ROLE.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(DISABLED_TEXT[dark]))
    return palette


def wants_dark(theme: str, app: QApplication) -> bool:
    """Dark asked for, or the system's colour scheme is dark and the user follows it."""
    if theme in SCHEMES:
        return theme == "dark"
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, theme: str) -> None:
    """Switch the whole app to a theme ("system", "light" or "dark") at once; every widget
    repaints with the new palette. The colour scheme is also asked of the platform (Qt 6.8),
    so native parts (title bars, file dialogs) follow where the platform can."""
    app.styleHints().setColorScheme(SCHEMES.get(theme, Qt.ColorScheme.Unknown))
    app.setPalette(QPalette())
    dark = wants_dark(theme, app)
    if is_dark(app.palette()) != dark:
        if app.style().name().casefold() == "windowsvista":
            # The native Windows style draws with the system theme and ignores palettes.
            app.setStyle("Fusion")
        app.setPalette(theme_palette(dark))

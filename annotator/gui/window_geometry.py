"""The main window's size and place: fitted to the screen at first, then as the user left it.

A fixed size does not fit every screen (1360×860 is taller than a 1366×768 laptop's free
area), and a saved place can point at a monitor that has since been unplugged, so both are
checked against the screens there are now.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

PREFERRED = QSize(1360, 860)
SCREEN_SHARE = 0.9
#: A window manager may put the frame's shadow a few pixels past the screen's edge.
SLACK = 8


def initial_size(available: QRect) -> QSize:
    """The preferred size, shrunk to at most 90% of the screen's free area."""
    return QSize(
        min(PREFERRED.width(), int(available.width() * SCREEN_SHARE)),
        min(PREFERRED.height(), int(available.height() * SCREEN_SHARE)),
    )


def fits_a_screen(rect: QRect, areas: Iterable[QRect]) -> bool:
    """Whether the window would lie whole on one screen's free area."""
    return any(area.adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(rect) for area in areas)


def screen_areas() -> list[QRect]:
    """Each screen's free area (without panels and docks), the primary screen's first."""
    primary = QGuiApplication.primaryScreen()
    screens = sorted(QGuiApplication.screens(), key=lambda screen: screen is not primary)
    return [screen.availableGeometry() for screen in screens]


def saved_rect(saved: object) -> QRect | None:
    """The stored normal (not maximized) geometry, if the settings hold a sensible one."""
    if not isinstance(saved, Mapping):
        return None
    parts = [saved.get(key) for key in ("x", "y", "width", "height")]
    if not all(isinstance(part, int) and not isinstance(part, bool) for part in parts):
        return None
    rect = QRect(*parts)
    return rect if rect.width() > 0 and rect.height() > 0 else None


def window_record(window: QWidget) -> dict[str, Any]:
    """What to store: the normal geometry, so a maximized window restores to its last
    ordinary size when un-maximized, and whether it was maximized."""
    rect = window.normalGeometry() if window.isMaximized() else window.geometry()
    return {
        "x": rect.x(),
        "y": rect.y(),
        "width": rect.width(),
        "height": rect.height(),
        "maximized": window.isMaximized(),
    }


def place_window(window: QWidget, saved: object, areas: list[QRect] | None = None) -> None:
    """Before the window is shown: as stored if that still fits a screen, else centred on the
    primary screen (the first of ``areas``) at a size that fits it."""
    areas = screen_areas() if areas is None else areas
    rect = saved_rect(saved)
    if rect is not None and fits_a_screen(rect, areas):
        window.setGeometry(rect)
        if isinstance(saved, Mapping) and saved.get("maximized") is True:
            window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
        return
    available = areas[0] if areas else QRect(0, 0, 1366, 768)
    size = initial_size(available)
    window.resize(size)
    window.move(
        available.x() + (available.width() - size.width()) // 2,
        available.y() + (available.height() - size.height()) // 2,
    )

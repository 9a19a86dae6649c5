"""Render the app icon (resources/icons/annotator.svg) to the PNG sizes desktops ask for.

Usage: ``QT_QPA_PLATFORM=offscreen python packaging/render_icons.py``. Writes
``resources/icons/hicolor/NxN/apps/org.annotator.Annotator.png`` for each size, the layout
``xdg-icon-resource`` and bundles install from.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
APP_ID = "org.annotator.Annotator"
ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


def render(size: int, renderer: QSvgRenderer) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> None:
    if QGuiApplication.instance() is None:
        QGuiApplication(sys.argv)
    renderer = QSvgRenderer(str(ICONS / "annotator.svg"))
    if not renderer.isValid():
        raise SystemExit("annotator.svg cannot be read")
    for size in SIZES:
        target = ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        render(size, renderer).save(str(target))
        print(f"wrote {target.relative_to(ICONS.parent.parent)}")


if __name__ == "__main__":
    main()

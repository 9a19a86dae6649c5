"""The window fits the screen it opens on, comes back as it was left, and its side panel fits
in a small window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QApplication, QWidget

from annotator.core import settings
from annotator.gui import window_geometry
from annotator.gui.window_geometry import fits_a_screen, initial_size, place_window

LAPTOPS = [QRect(0, 0, 1366, 768), QRect(0, 0, 1280, 800), QRect(0, 0, 1024, 640)]
DESKTOP = QRect(0, 0, 1920, 1080)


@pytest.mark.parametrize("available", LAPTOPS, ids=lambda r: f"{r.width()}x{r.height()}")
def test_first_size_fits_a_small_screen(available: QRect) -> None:
    size = initial_size(available)
    assert size.width() <= available.width() * 0.9
    assert size.height() <= available.height() * 0.9
    assert size.width() >= available.width() * 0.89


def test_a_large_screen_gets_the_preferred_size() -> None:
    assert initial_size(QRect(0, 0, 2560, 1440)) == QSize(1360, 860)


def test_a_first_window_is_centred_on_the_primary_screen(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    area = QRect(0, 24, 1366, 744)
    place_window(widget, None, [area, DESKTOP.translated(1366, 0)])
    assert widget.size() == initial_size(area)
    assert widget.geometry().center().x() == pytest.approx(area.center().x(), abs=1)
    assert area.contains(widget.geometry())


def test_a_place_on_an_unplugged_monitor_is_ignored(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    gone = {"x": 2000, "y": 100, "width": 1200, "height": 800, "maximized": False}
    place_window(widget, gone, [DESKTOP])
    assert DESKTOP.contains(widget.geometry())
    assert widget.size() == initial_size(DESKTOP)
    assert not fits_a_screen(QRect(0, 0, 2000, 900), [DESKTOP])


@pytest.mark.parametrize(
    "junk", ["AdnQywADAAA=", {"x": "1", "y": 0, "width": 9, "height": 9}, {"x": 0}, []]
)
def test_junk_in_the_settings_gives_the_first_size(qtbot, junk: object) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    place_window(widget, junk, [DESKTOP])
    assert widget.size() == initial_size(DESKTOP)


@pytest.fixture
def big_screen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A 1920×1080 screen: the offscreen platform's own is 800×800, smaller than any window."""
    monkeypatch.setattr(window_geometry, "screen_areas", lambda: [DESKTOP])
    yield


def reopen(qtbot, project_file: Path):
    from annotator.gui.main_window import MainWindow, open_session

    main = MainWindow(open_session(project_file, "tester"))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def test_the_window_comes_back_as_it_was_left(qtbot, project_file, big_screen) -> None:
    first = reopen(qtbot, project_file)
    first.setGeometry(QRect(QPoint(100, 60), QSize(1300, 820)))
    first.splitter.setSizes([300, 640, 360])
    sizes = first.splitter.sizes()
    first.close()
    second = reopen(qtbot, project_file)
    assert second.geometry() == QRect(QPoint(100, 60), QSize(1300, 820))
    assert second.splitter.sizes() == sizes
    assert not second.isMaximized()
    second.close()


def test_a_maximized_window_comes_back_maximized(qtbot, project_file, big_screen) -> None:
    first = reopen(qtbot, project_file)
    first.setGeometry(QRect(QPoint(80, 50), QSize(1250, 800)))
    first.showMaximized()
    qtbot.waitUntil(first.isMaximized, timeout=2000)
    first.close()
    stored = settings.load_settings()["window"]
    assert stored["maximized"] is True
    assert (stored["width"], stored["height"]) == (1250, 800)
    second = reopen(qtbot, project_file)
    qtbot.waitUntil(second.isMaximized, timeout=2000)
    second.showNormal()
    qtbot.waitUntil(lambda: not second.isMaximized(), timeout=2000)
    assert second.size() == QSize(1250, 800)
    second.close()


def test_a_saved_place_off_every_screen_is_not_restored(qtbot, project_file, big_screen) -> None:
    settings.update_settings(window={"x": 4000, "y": 0, "width": 1300, "height": 820})
    main = reopen(qtbot, project_file)
    assert DESKTOP.contains(main.geometry())
    assert main.size() == initial_size(DESKTOP)
    main.close()


def inside(child: QWidget, container: QWidget) -> bool:
    """Whether the child is drawn whole within the container's visible rectangle."""
    top_left = child.mapTo(container, QPoint(0, 0))
    return container.rect().contains(QRect(top_left, child.size()))


@pytest.mark.parametrize("size", [QSize(1280, 800), QSize(1024, 640)], ids=str)
def test_the_side_panel_fits_a_small_window(qtbot, window, size: QSize) -> None:
    window.resize(size)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: window.size() == size, timeout=2000)
    side = window.side
    assert side.width() >= side.minimumSizeHint().width()
    assert inside(side, window.centralWidget())
    assert side.geometry().right() <= window.splitter.width()
    assert inside(side.tabBar(), side)
    for index in range(side.count()):
        side.setCurrentIndex(index)
        QApplication.processEvents()
        page = side.currentWidget()
        assert inside(page, side), side.tabText(index)
        assert page.width() >= page.minimumSizeHint().width(), side.tabText(index)
    side.setCurrentWidget(window.entities)
    QApplication.processEvents()
    assert inside(window.entities.accept_all, window.entities)
    assert inside(window.view, window.centralWidget())
    assert window.view.width() >= 280

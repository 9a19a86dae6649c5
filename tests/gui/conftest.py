"""GUI fixtures: a real project file and the real main window, offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core import settings

ARTICLES = {
    "a.txt": "Summit in Beijing\n\n🙂 Встреча: leaders from Nepal and Mongolia met in Beijing "
    "on Monday. Officials said trade grew by 40% in a single year.",
    "b.txt": "Power deal\n\nIndia agreed to buy electricity from Nepal for ten years.",
    "c.txt": "Election day\n\nVoters in Ulaanbaatar chose a new parliament.",
}


@pytest.fixture(autouse=True)
def gui_thread_collection(qapp) -> Iterator[None]:
    """As in the app: cycles are collected on the GUI thread, never in a worker thread."""
    from annotator.gui.collector import GuiThreadCollector

    collector = GuiThreadCollector()
    collector.start()
    yield
    collector.stop()


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    from annotator.core.project import Project

    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = tmp_path / "gui.annotator"
    with Project.open(path) as project:
        project.import_paths(sorted(folder.iterdir()))
    settings.update_settings(annotator="tester")
    return path


def open_window(qtbot, project_file: Path, annotator: str) -> Iterator[object]:
    """The real main window on the project, shown and active, as the user would have it."""
    from annotator.gui.main_window import MainWindow, open_session

    main = MainWindow(open_session(project_file, annotator))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    yield main
    main.close()


@pytest.fixture
def window(qtbot, project_file: Path) -> Iterator[object]:
    yield from open_window(qtbot, project_file, "tester")

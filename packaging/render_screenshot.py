"""Render the main window on a sample article to a PNG (the README's screenshot).

Usage: ``python packaging/render_screenshot.py [--dark] [OUT.png] [ARTICLE.txt ...]``. Builds a
throw-away project from the given articles (default: our samples), pre-tags it with the
built-in tagger, adds a few human edits so every kind of mark shows, and grabs the window.
``--dark`` renders with a dark system palette, to check that colours stay readable there.
Works offscreen (QT_QPA_PLATFORM=offscreen) and under Xvfb.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from annotator.core.project import Project
from annotator.core.records import Layer, Status
from annotator.core.resources import resource_path


def build_project(path: Path, articles: list[Path]) -> None:
    samples = resource_path("samples")
    notes = [
        json.loads(line) for line in (samples / "unreliable.jsonl").read_text("utf-8").splitlines()
    ]
    topics = json.loads((samples / "topics.json").read_text("utf-8"))
    with Project.open(path) as project:
        project.import_paths(articles)
        project.pretag()
        for document in project.documents():
            name = document.meta.get("file")
            text = project.text(document.id)
            suggestions = project.suggestions(document.id, "reviewer")
            for suggestion in suggestions[: len(suggestions) // 2]:
                project.accept_suggestion(suggestion.id, "reviewer")
            for row in notes:
                if row["file"] == name:
                    start = text.index(row["quote"])
                    project.add_span(
                        document.id,
                        "reviewer",
                        start,
                        start + len(row["quote"]),
                        row["reason"],
                        layer=Layer.UNRELIABLE,
                        note=row["note"],
                    )
            for topic in topics.get(name, []):
                project.set_topic(document.id, "reviewer", topic, True)
        first = project.documents()[0].id
        project.set_status(first, "reviewer", Status.IN_PROGRESS)


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#1e1e1e"),
        (QPalette.ColorRole.AlternateBase, "#262626"),
        (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#353535"),
        (QPalette.ColorRole.ButtonText, "#e6e6e6"),
        (QPalette.ColorRole.Highlight, "#3d7fd6"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.PlaceholderText, "#9a9a9a"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def main() -> None:
    args = sys.argv[1:]
    dark = "--dark" in args
    args = [a for a in args if a != "--dark"]
    out = Path(args[0]) if args else Path("screenshot.png")
    samples = sorted(resource_path("samples", "articles").glob("*.txt"))
    articles = [Path(p) for p in args[1:]] or samples
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("ANNOTATOR_HOME", folder)
        path = Path(folder) / "screenshot.annotator"
        build_project(path, articles)
        app = QApplication.instance() or QApplication(sys.argv)
        if dark:
            app.setStyle("Fusion")
            app.setPalette(dark_palette())
        from annotator.gui.main_window import MainWindow, open_session

        window = MainWindow(open_session(path, "reviewer"))
        window.resize(1440, 880)
        window.show()
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(out))
        window.close()
    print(f"Wrote {out}")


if __name__ == "__main__":
    main()

"""Render the main window on a sample article to a PNG (the README's screenshot).

Usage: ``python packaging/render_screenshot.py [--dark] [OUT.png] [ARTICLE.txt ...]``. Builds a
throw-away project from the given articles (default: our samples), pre-tags it with the
built-in tagger, adds a few human edits so every kind of mark shows, and grabs the window.
``--dark`` renders the app's dark theme, to check that colours stay readable there.
Works offscreen (QT_QPA_PLATFORM=offscreen) and under Xvfb.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

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
        from annotator.gui.colours import apply_theme
        from annotator.gui.main_window import MainWindow, open_session

        app.setStyle("Fusion")
        apply_theme(app, "dark" if dark else "light")
        window = MainWindow(open_session(path, "reviewer"))
        # What a 1366×768 laptop gives a window once the panel and title bar are counted.
        window.resize(1360, 700)
        window.show()
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(out))
        window.close()
    print(f"Wrote {out}")


if __name__ == "__main__":
    main()

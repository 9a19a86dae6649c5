"""``annotator --self-check``: prove an installation (or a bundle) works end to end.

In a temporary folder: create a project, import our sample articles (plain text and one HTML
page, so the HTML extractor and its data files are proven present), pre-tag them with the
built-in tagger, accept the suggestions as a finished annotation, export a spaCy training set,
then open the main window offscreen on the project. Each step prints what it did; the first
failure stops the check with its reason.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from annotator.core.project import Project
from annotator.core.records import Status

ANNOTATOR = "self-check"


def run_self_check(say: Callable[[str], None]) -> None:
    """Raises on the first failing step; ``say`` gets one line per step."""
    from annotator.core.resources import resource_path

    with tempfile.TemporaryDirectory(prefix="annotator-self-check-") as folder:
        work = Path(folder)
        os.environ.setdefault("ANNOTATOR_HOME", str(work / "home"))
        path = work / "self-check.annotator"
        started = time.perf_counter()
        with Project.open(path) as project:
            imported = project.import_paths([resource_path("samples", "articles")])
            say(f"imported {imported.documents_added} sample articles into {path.name}")
            say(html_summary(project))
            tagged = project.pretag()
            say(f"pre-tagged them with {tagged.model}: {tagged.spans_added} entities suggested")
            for document in project.documents():
                for suggestion in project.edits.suggestions(document.id, ANNOTATOR):
                    project.edits.accept_suggestion(suggestion.id, ANNOTATOR)
                project.edits.set_status(document.id, ANNOTATOR, Status.DONE)
            exported = project.export(work / "export", fmt="spacy", annotator=ANNOTATOR)
            say(
                f"exported {exported.documents} documents as a spaCy training set: "
                + ", ".join(p.name for p in exported.files)
            )
        shown = open_window(path)
        say(f"opened the main window offscreen on '{shown}'")
        say(f"self-check passed in {time.perf_counter() - started:.1f} s")


def html_summary(project: Project) -> str:
    """Name the HTML article's extracted title and date: both need trafilatura's data files."""
    for document in project.documents():
        meta = document.meta or {}
        if meta.get("file", "").endswith(".html"):
            if not meta.get("date"):
                raise RuntimeError(f"no date was extracted from {meta['file']}")
            return f"extracted '{document.title}' ({meta['date']}) from {meta['file']}"
    raise RuntimeError("the HTML sample article was not imported")


def open_window(path: Path) -> str:
    """Open the real main window without a display and return the title it shows."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from annotator.gui.main_window import MainWindow, open_session

    previous = qInstallMessageHandler(quiet_offscreen_notice)
    app = QApplication.instance() or QApplication([])
    window = MainWindow(open_session(path, ANNOTATOR))
    window.show()
    app.processEvents()
    try:
        if window.editor.document_id is None or not window.view.toPlainText():
            raise RuntimeError("the main window opened but showed no document")
        return window.title.text()
    finally:
        window.close()
        app.processEvents()
        qInstallMessageHandler(previous)


def quiet_offscreen_notice(kind: object, context: object, message: str) -> None:
    """The offscreen platform warns that it cannot resize to hints: true, and not a failure."""
    if "propagateSizeHints" not in message:
        sys.stderr.write(message + "\n")

"""Starting the desktop app: the annotator's name on first run, the user's theme, then the
project to open."""

from __future__ import annotations

import gc
import getpass
import logging
import os
import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from annotator.core import settings
from annotator.core.desktop import APP_ID
from annotator.core.errors import AnnotatorError
from annotator.gui.collector import GuiThreadCollector
from annotator.gui.colours import apply_theme


def ask_annotator_name() -> str:
    """First run: who is annotating (default: the OS user name). Stored in the settings."""
    values = settings.load_settings()
    name = values.get("annotator")
    if isinstance(name, str) and name.strip():
        return name.strip()
    try:
        default = getpass.getuser()
    except (KeyError, OSError):
        default = "annotator"
    name, ok = QInputDialog.getText(
        None,
        "Welcome to Annotator",
        "Your name, stored with every annotation you make:",
        text=default,
    )
    name = name.strip() if ok and name.strip() else default
    settings.update_settings(annotator=name)
    return name


def project_to_open(requested: str | Path | None) -> str | Path:
    """The given file or server URL, else the last project, else the demo project (created
    on first run)."""
    from annotator.core.locations import is_server_url

    if requested is not None:
        return requested
    last = settings.load_settings().get("last_project")
    if isinstance(last, str) and (is_server_url(last) or Path(last).exists()):
        return last
    from annotator.core.demo import create_demo_project

    return create_demo_project()


def setup_logging() -> None:
    """Log to the log folder; if it cannot be made, to stderr: a log never stops the app."""
    folder = settings.folders().log
    form = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        logging.basicConfig(filename=folder / "annotator.log", level=logging.INFO, format=form)
    except OSError as exc:
        logging.basicConfig(level=logging.INFO, format=form)
        logging.getLogger(__name__).warning("Cannot write the log in %s: %s", folder, exc)


def set_identity(app: QApplication) -> None:
    """Name, icon and desktop-file id, so desktops group the window with its launcher."""
    from annotator.core.resources import resource_path

    app.setApplicationName("Annotator")
    app.setOrganizationName("Annotator")
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(QIcon(str(resource_path("icons") / "annotator.svg")))


def follow_theme(app: QApplication) -> None:
    """The user's theme now, and again each time the system's colour scheme changes while
    they follow the system (dark at night, light by day)."""
    apply_theme(app, settings.user_settings().theme)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: system_scheme_changed(app))


def system_scheme_changed(app: QApplication) -> None:
    if settings.user_settings().theme == "system":
        apply_theme(app, "system")


NO_DISPLAY = (
    "No display found: neither DISPLAY nor WAYLAND_DISPLAY is set, so the window cannot open. "
    "Start Annotator from a desktop session, or on a server under a virtual display "
    "(xvfb-run annotator), or use the command line, which needs no display (annotator --help)."
)


def missing_display() -> str | None:
    """Why no window can open here, before Qt aborts the process with its own message: on
    Linux without a display server, unless a platform (offscreen, say) was chosen."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY


def run(project: str | Path | None = None) -> int:
    setup_logging()
    reason = missing_display()
    if reason is not None and QApplication.instance() is None:
        print(reason, file=sys.stderr)
        return 1
    app = QApplication.instance() or QApplication(sys.argv)
    set_identity(app)
    follow_theme(app)
    from annotator.gui.main_window import MainWindow, open_session

    name = ask_annotator_name()
    try:
        session = open_session(project_to_open(project), name)
    except AnnotatorError as exc:
        QMessageBox.critical(None, "Cannot open project", str(exc))
        return 1
    window = MainWindow(session)
    window.show()
    collector = GuiThreadCollector(app)
    collector.start()
    # Objects alive after start-up live for the whole session: keeping them out of the cyclic
    # garbage collector's scans avoids pauses in the middle of an edit.
    gc.freeze()
    try:
        return app.exec()
    finally:
        collector.stop()

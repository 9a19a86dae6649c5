"""What this installation sees, for bug reports: versions, Qt platform, pipelines, folders.

Whether Qt can open its platform plugin is tried in a child process: a missing system library
(libEGL, libxcb-cursor) aborts the process that tries, and that must not be the caller.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from annotator import __version__
from annotator.core import settings
from annotator.core.diagnosis import project_schema, schema_version

PROBE_OPTION = "--probe-qt-platform"


def print_platform_name() -> None:
    """The child's side of the probe (run by ``annotator --probe-qt-platform``)."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication([])
    print(app.platformName())


def probe_command() -> list[str]:
    """This annotator asked to probe: a bundle is its own executable, without ``python -c``."""
    if getattr(sys, "frozen", False):
        return [sys.executable, PROBE_OPTION]
    return [sys.executable, "-c", "from annotator.cli import main; main()", PROBE_OPTION]


@dataclass
class Diagnosis:
    annotator: str
    python: str
    system: str
    pyside: str
    qt: str
    qt_platform: str
    spacy: str
    pipelines: list[str]
    folders: dict[str, str]
    schema: str
    project: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def qt_platform(timeout: float = 20) -> str:
    """The platform plugin Qt loads here, or why it cannot load one."""
    from annotator.gui.app import missing_display

    reason = missing_display()
    if reason is not None:
        return reason
    try:
        probe = subprocess.run(probe_command(), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "no answer from Qt within the time limit"
    if probe.returncode == 0 and probe.stdout.strip():
        return probe.stdout.strip()
    reason = (probe.stderr.strip().splitlines() or ["unknown error"])[-1]
    requested = os.environ.get("QT_QPA_PLATFORM", "the default")
    return f"cannot start with {requested} ({reason})"


def diagnose(project: Path | str | None = None) -> Diagnosis:
    import PySide6
    import spacy
    from PySide6.QtCore import qVersion

    from annotator.core.pipelines import installed_pipelines

    folders = settings.folders()
    result = Diagnosis(
        annotator=__version__,
        python=platform.python_version(),
        system=f"{platform.system()} {platform.release()} {platform.machine()}",
        pyside=PySide6.__version__,
        qt=qVersion(),
        qt_platform=qt_platform(),
        spacy=spacy.__version__,
        pipelines=installed_pipelines(),
        folders={"data": str(folders.data), "config": str(folders.config), "log": str(folders.log)},
        schema=schema_version(),
    )
    if project is not None:
        result.project = project_schema(project)
    return result

"""Adding Annotator to a Linux desktop for the current user: menu entry, icons, project type.

A pip install or an unpacked bundle has no package manager to put the ``.desktop`` file, the
icons and the ``.annotator`` MIME type where the desktop looks for them. ``annotator
install-desktop`` writes them under ``$XDG_DATA_HOME`` (``~/.local/share``), with the menu entry
pointing at the ``annotator`` that is running, and ``--remove`` takes exactly those files away.
The files are the ones in ``packaging/linux``, which distribution packages install system-wide.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.resources import resource_path

APP_ID = "org.annotator.Annotator"
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
ICON_CACHE = "icon-theme.cache"
EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
"""Characters that make the Desktop Entry specification require a quoted Exec argument."""


@dataclass
class DesktopReport:
    """What was written or removed, and which desktop caches were refreshed."""

    files: list[Path] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)


def desktop_files_dir() -> Path:
    """``packaging/linux``: ``annotator/_desktop`` in a wheel or bundle, else in the checkout."""
    for candidate in (_PACKAGE_DIR / "_desktop", _PACKAGE_DIR.parent / "packaging" / "linux"):
        if (candidate / f"{APP_ID}.desktop").is_file():
            return candidate
    raise AnnotatorError(f"The desktop entry files are missing (looked beside {_PACKAGE_DIR}).")


def data_home() -> Path:
    configured = os.environ.get("XDG_DATA_HOME", "")
    return Path(configured) if os.path.isabs(configured) else Path.home() / ".local" / "share"


def running_launcher() -> Path:
    """The ``annotator`` executable the menu entry should start: this one."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve()
    script = Path(sys.argv[0])
    if script.name == "annotator" and script.is_file():
        return script.resolve()
    found = shutil.which("annotator")
    if found is None:
        raise AnnotatorError("Cannot tell where the annotator command is: give it with --launcher.")
    return Path(found).resolve()


def exec_argument(path: Path) -> str:
    """A path as an Exec argument: %-escaped, quoted when it has reserved characters, and
    string-escaped (the specification applies backslash escapes before the quoting rules)."""
    text = str(path).replace("%", "%%")
    if EXEC_RESERVED.intersection(text):
        text = '"' + "".join("\\" + c if c in '"`$\\' else c for c in text) + '"'
    return string_value(text)


def string_value(text: str) -> str:
    return text.replace("\\", "\\\\")


def installed_paths(home: Path) -> list[tuple[Path, Path]]:
    """(source, destination) for every file the integration consists of."""
    linux = desktop_files_dir()
    icons = resource_path("icons")
    pairs = [
        (linux / f"{APP_ID}.desktop", home / "applications" / f"{APP_ID}.desktop"),
        (linux / f"{APP_ID}.xml", home / "mime" / "packages" / f"{APP_ID}.xml"),
        (linux / f"{APP_ID}.metainfo.xml", home / "metainfo" / f"{APP_ID}.metainfo.xml"),
        (
            icons / "annotator.svg",
            home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        ),
    ]
    for png in sorted((icons / "hicolor").glob(f"*/apps/{APP_ID}.png")):
        pairs.append((png, home / "icons" / "hicolor" / png.relative_to(icons / "hicolor")))
    return pairs


def install_desktop(launcher: Path | None = None) -> DesktopReport:
    require_linux()
    launcher = (launcher or running_launcher()).resolve()
    if not (launcher.is_file() and os.access(launcher, os.X_OK)):
        raise AnnotatorError(f"{launcher} is not an executable annotator command.")
    if any(ord(c) < 32 or ord(c) == 127 for c in str(launcher)):
        raise AnnotatorError(
            f"{launcher!r} has a control character (such as a line break) in its path, which a "
            "menu entry cannot hold: move Annotator to a folder without one."
        )
    home = data_home()
    report = DesktopReport()
    for source, destination in installed_paths(home):
        destination.parent.mkdir(parents=True, exist_ok=True)
        if destination.suffix == ".desktop":
            destination.write_text(entry_for(source, launcher), encoding="utf-8")
        else:
            shutil.copyfile(source, destination)
        report.files.append(destination)
    report.refreshed = refresh_caches(home)
    return report


def remove_desktop() -> DesktopReport:
    require_linux()
    home = data_home()
    report = DesktopReport()
    for _source, destination in installed_paths(home):
        if destination.exists():
            destination.unlink()
            report.files.append(destination)
    report.refreshed = refresh_caches(home)
    return report


def entry_for(template: Path, launcher: Path) -> str:
    """The shipped entry with Exec (and TryExec) naming this launcher instead of the PATH."""
    lines = []
    for line in template.read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            arguments = line.removeprefix("Exec=").split(" ", 1)[1:]
            line = " ".join(["Exec=" + exec_argument(launcher), *arguments])
            lines.append("TryExec=" + string_value(str(launcher)))
        lines.append(line)
    return "\n".join(lines) + "\n"


def refresh_caches(home: Path) -> list[str]:
    """Run the desktop's cache tools that are installed; a missing tool only delays pick-up.
    The icon cache is only refreshed where one exists: without it, icons are found by look-up."""
    commands = [
        ["update-mime-database", str(home / "mime")],
        ["update-desktop-database", str(home / "applications")],
        [
            "gtk-update-icon-cache",
            "--force",
            "--ignore-theme-index",
            str(home / "icons" / "hicolor"),
        ],
    ]
    refreshed = []
    for command in commands:
        if command[0] == "gtk-update-icon-cache" and not (Path(command[-1]) / ICON_CACHE).exists():
            continue  # a cache we started would go stale when other apps add icons
        if shutil.which(command[0]) and Path(command[-1]).is_dir():
            result = subprocess.run(command, capture_output=True, check=False)
            if result.returncode == 0:
                refreshed.append(command[0])
    return refreshed


def require_linux() -> None:
    if not sys.platform.startswith("linux"):
        raise AnnotatorError(
            "install-desktop is for Linux desktops; on Windows and macOS the installer "
            "creates the shortcut (see packaging/README.md)."
        )

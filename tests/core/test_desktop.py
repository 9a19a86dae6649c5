"""``install-desktop``: the menu entry, icons and project type land where desktops look."""

from __future__ import annotations

import configparser
import shutil
import stat
from pathlib import Path

import pytest

from annotator.core.desktop import APP_ID, data_home, install_desktop, remove_desktop
from annotator.core.errors import AnnotatorError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def launcher_at(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def entry(home: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(home / "applications" / f"{APP_ID}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def exec_arguments(value: str) -> list[str]:
    """Read an Exec value as the Desktop Entry specification says a launcher must."""
    text = value.replace("\\\\", "\\")  # string escapes come first
    arguments, current, quoted, index = [], "", False, 0
    while index < len(text):
        char = text[index]
        if quoted and char == "\\" and text[index + 1] in '"`$\\':
            current, index = current + text[index + 1], index + 2
            continue
        if char == '"':
            quoted = not quoted
        elif char == " " and not quoted:
            arguments.append(current)
            current = ""
        else:
            current += char
        index += 1
    arguments.append(current)
    return [argument.replace("%%", "%") for argument in arguments]


def test_menu_entry_starts_this_launcher_even_with_spaces_and_percent_in_its_path(
    xdg: Path, tmp_path: Path
) -> None:
    launcher = launcher_at(tmp_path / "My Apps" / "100% annotator $HOME" / "annotator")
    install_desktop(launcher)
    installed = entry(xdg)
    assert exec_arguments(installed["Exec"]) == [str(launcher), "gui", "%f"]
    assert installed["TryExec"] == str(launcher)
    shipped = configparser.ConfigParser(interpolation=None)
    shipped.optionxform = str
    shipped.read(ROOT / "packaging" / "linux" / f"{APP_ID}.desktop", encoding="utf-8")
    for key in ("Name", "Icon", "MimeType", "Categories", "StartupWMClass"):
        assert installed[key] == shipped["Desktop Entry"][key]


def test_install_places_every_file_and_remove_takes_exactly_those_away(
    xdg: Path, tmp_path: Path
) -> None:
    unrelated = xdg / "applications" / "other.desktop"
    unrelated.parent.mkdir(parents=True)
    unrelated.write_text("[Desktop Entry]\nName=Other\n", encoding="utf-8")
    report = install_desktop(launcher_at(tmp_path / "bin" / "annotator"))
    names = {path.relative_to(xdg).as_posix() for path in report.files}
    assert f"mime/packages/{APP_ID}.xml" in names
    assert f"metainfo/{APP_ID}.metainfo.xml" in names
    assert f"icons/hicolor/scalable/apps/{APP_ID}.svg" in names
    sizes = {p.parent.parent.name for p in (ROOT / "resources" / "icons" / "hicolor").glob("*/*/*")}
    assert {f"icons/hicolor/{size}/apps/{APP_ID}.png" for size in sizes} <= names
    mime = (ROOT / "packaging" / "linux" / f"{APP_ID}.xml").read_bytes()
    assert (xdg / "mime" / "packages" / f"{APP_ID}.xml").read_bytes() == mime
    removed = remove_desktop()
    assert sorted(removed.files) == sorted(report.files)
    assert not any(path.exists() for path in report.files)
    assert unrelated.read_text(encoding="utf-8") == "[Desktop Entry]\nName=Other\n"


@pytest.mark.skipif(shutil.which("update-mime-database") is None, reason="needs shared-mime-info")
def test_the_mime_database_learns_and_forgets_the_project_file_type(
    xdg: Path, tmp_path: Path
) -> None:
    install_desktop(launcher_at(tmp_path / "bin" / "annotator"))
    globs = xdg / "mime" / "globs2"
    assert "application/x-annotator-project:*.annotator" in globs.read_text(encoding="utf-8")
    assert "update-mime-database" in remove_desktop().refreshed
    assert "*.annotator" not in globs.read_text(encoding="utf-8")


def test_a_launcher_that_is_not_an_executable_is_refused_and_nothing_written(
    xdg: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "annotator"
    with pytest.raises(AnnotatorError, match="is not an executable annotator command"):
        install_desktop(missing)
    assert not xdg.exists()


def test_relative_xdg_data_home_is_ignored_as_the_specification_says(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data_home() == tmp_path / ".local" / "share"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_installed_entry_with_a_quoted_launcher_passes_desktop_file_validate(
    xdg: Path, tmp_path: Path
) -> None:
    import subprocess

    install_desktop(launcher_at(tmp_path / "My Apps" / "it's 100% $ours" / "annotator"))
    result = subprocess.run(
        ["desktop-file-validate", str(xdg / "applications" / f"{APP_ID}.desktop")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_a_launcher_path_with_a_line_break_is_refused(xdg: Path, tmp_path: Path) -> None:
    launcher = launcher_at(tmp_path / "two\nlines" / "annotator")
    with pytest.raises(AnnotatorError, match="control character"):
        install_desktop(launcher)
    assert not (xdg / "applications").exists()


@pytest.mark.skipif(shutil.which("gtk-update-icon-cache") is None, reason="needs GTK's tool")
def test_icon_cache_is_refreshed_only_where_the_user_already_has_one(
    xdg: Path, tmp_path: Path
) -> None:
    launcher = launcher_at(tmp_path / "bin" / "annotator")
    first = install_desktop(launcher)
    cache = xdg / "icons" / "hicolor" / "icon-theme.cache"
    assert "gtk-update-icon-cache" not in first.refreshed and not cache.exists()
    cache.write_bytes(b"")
    assert "gtk-update-icon-cache" in install_desktop(launcher).refreshed
    assert cache.stat().st_size > 0

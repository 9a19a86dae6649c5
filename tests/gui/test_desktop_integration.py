"""Desktop integration files agree with each other and with the app: id, icon, MIME type."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from annotator.gui.app import APP_ID, set_identity

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
ICONS = ROOT / "resources" / "icons"
MIME = "{http://www.freedesktop.org/standards/shared-mime-info}"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(LINUX / f"{APP_ID}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_launches_the_app_with_our_icon_and_file_type() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "annotator"
    assert "%f" in entry["Exec"]
    assert entry["Icon"] == APP_ID
    mime = ET.parse(LINUX / f"{APP_ID}.xml").getroot().find(f"{MIME}mime-type")
    assert mime is not None
    assert entry["MimeType"].rstrip(";").split(";") == [mime.get("type")]
    assert mime.find(f"{MIME}glob").get("pattern") == "*.annotator"


def test_metainfo_names_the_same_app_licence_and_launcher() -> None:
    component = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == f"{APP_ID}.desktop"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    licence = re.search(r'^license = "([^"]+)"', pyproject, re.MULTILINE)
    assert licence is not None
    assert component.findtext("project_license") == licence.group(1)
    assert component.find("provides/binary").text == "annotator"


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_icon_exists_in_every_size_and_is_not_blank(size: int) -> None:
    image = QImage(str(ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"))
    assert (image.width(), image.height()) == (size, size)
    centre = image.pixelColor(size // 2, size // 2)
    assert centre.alpha() > 0


def test_the_app_carries_its_icon_and_desktop_id(qapp) -> None:
    set_identity(qapp)
    assert not qapp.windowIcon().isNull()
    assert qapp.desktopFileName() == APP_ID


def test_metainfo_release_is_the_apps_version() -> None:
    from annotator import __version__

    component = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    assert component.find("releases/release").get("version") == __version__


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_desktop_file_passes_desktop_file_validate_without_hints() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(LINUX / f"{APP_ID}.desktop")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream")
def test_metainfo_passes_appstream_validation() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(LINUX / f"{APP_ID}.metainfo.xml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_log_folder_that_cannot_be_made_does_not_stop_the_app(
    isolated_home: Path, monkeypatch
) -> None:
    import logging

    from annotator.gui.app import setup_logging

    (isolated_home / "log").write_text("a file where the log folder should be", encoding="utf-8")
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    setup_logging()
    assert root.handlers and not isinstance(root.handlers[0], logging.FileHandler)

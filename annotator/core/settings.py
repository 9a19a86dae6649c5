"""Where Annotator keeps things on this machine, and the user's own settings.

Everything moves under one folder when ``ANNOTATOR_HOME`` is set (tests use it to stay out of
the real user's folders); otherwise platformdirs' per-user data, config and log folders.
The settings are one JSON file; ``user_settings()`` reads the ones a person chooses in the
Settings dialog, checked and with defaults, so no caller re-validates a hand-edited file.
"""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "Annotator"
HOME_VARIABLE = "ANNOTATOR_HOME"

THEMES = ("system", "light", "dark")
ON_DONE_CHOICES = ("ask", "accept", "reject", "leave")
FONT_SIZES = range(8, 33)
BACKUP_MINUTES = range(5, 481)


@dataclass(frozen=True)
class Folders:
    data: Path
    config: Path
    log: Path


def folders() -> Folders:
    home = os.environ.get(HOME_VARIABLE)
    if home:
        base = Path(home)
        return Folders(base / "data", base / "config", base / "log")
    return Folders(
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )


def settings_path() -> Path:
    return folders().config / "settings.json"


def load_settings() -> dict[str, Any]:
    """The user's settings; a missing or damaged file gives defaults rather than an error."""
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_settings(values: dict[str, Any]) -> None:
    """Write atomically, so a crash mid-write never leaves a half-written settings file."""
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(values, indent=2, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)


def update_settings(**changes: Any) -> dict[str, Any]:
    values = load_settings()
    values.update(changes)
    save_settings(values)
    return values


def current_annotator() -> str:
    """The name edits are made under: the one chosen in the app, else the OS user name."""
    name = load_settings().get("annotator")
    if isinstance(name, str) and name.strip():
        return name.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "annotator"


def demo_project_path() -> Path:
    return folders().data / "demo.annotator"


@dataclass(frozen=True)
class UserSettings:
    """The choices of the Settings dialog. Field names are the keys in settings.json, shared
    with the places that stored them before the dialog existed (zoom, the Done question)."""

    annotator: str
    font_size: int = 12
    theme: str = "system"
    open_suggestions_on_done: str = "ask"
    backup_minutes: int = 30
    detect_boilerplate: bool = True


def user_settings() -> UserSettings:
    """The stored choices; a missing or out-of-range value gives its default, so a settings
    file written by hand or by another version never stops the app."""
    values = load_settings()
    defaults = UserSettings(annotator=current_annotator())
    font_size = values.get("font_size")
    theme = values.get("theme")
    on_done = values.get("open_suggestions_on_done")
    minutes = values.get("backup_minutes")
    boilerplate = values.get("detect_boilerplate")
    return UserSettings(
        annotator=defaults.annotator,
        font_size=(
            font_size if _whole(font_size) and font_size in FONT_SIZES else defaults.font_size
        ),
        theme=theme if theme in THEMES else defaults.theme,
        open_suggestions_on_done=(
            on_done if on_done in ON_DONE_CHOICES else defaults.open_suggestions_on_done
        ),
        backup_minutes=(
            minutes if _whole(minutes) and minutes in BACKUP_MINUTES else defaults.backup_minutes
        ),
        detect_boilerplate=(
            boilerplate if isinstance(boilerplate, bool) else defaults.detect_boilerplate
        ),
    )


def save_user_settings(chosen: UserSettings) -> None:
    """Store the dialog's choices beside the other settings (recent projects, geometry)."""
    if chosen.theme not in THEMES or chosen.open_suggestions_on_done not in ON_DONE_CHOICES:
        raise ValueError(f"Unknown theme or Done choice in {chosen}")
    if chosen.font_size not in FONT_SIZES or chosen.backup_minutes not in BACKUP_MINUTES:
        raise ValueError(f"Font size or backup interval out of range in {chosen}")
    values = asdict(chosen)
    values["annotator"] = chosen.annotator.strip() or current_annotator()
    update_settings(**values)


def _whole(value: object) -> bool:
    """An int that is not a bool (JSON true would otherwise count as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)

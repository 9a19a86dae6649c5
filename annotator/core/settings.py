"""Where Annotator keeps things on this machine, and the user's own settings.

Everything moves under one folder when ``ANNOTATOR_HOME`` is set (tests use it to stay out of
the real user's folders); otherwise platformdirs' per-user data, config and log folders.
"""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "Annotator"
HOME_VARIABLE = "ANNOTATOR_HOME"


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

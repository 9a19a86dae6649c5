"""Where a project lives: a file, or a database on a team's server named by a URL.

Told apart without SQLAlchemy, so that commands that only read a file start quickly.
"""

from __future__ import annotations

import re
from pathlib import Path

_SERVER = re.compile(r"postgres(ql)?(\+\w+)?://")


def is_server_url(target: object) -> bool:
    """Whether the user named a database server (``postgresql://user@host/db``), not a file."""
    return _SERVER.match(str(target)) is not None


_PASSWORD = re.compile(r"(://[^/:@]+):[^/@]*@")


def shown(target: str | Path) -> str:
    """The project as messages name it: a server's URL without its password."""
    return _PASSWORD.sub(r"\1:***@", str(target))


def beside(target: str | Path, name: str) -> Path:
    """Where a file made for the project goes: beside its file, or here for a server."""
    if is_server_url(target):
        return Path(name)
    return Path(target).expanduser().with_name(name)


def short_name(target: str | Path) -> str:
    """The project's short name: its file's stem, or its database's name."""
    if is_server_url(target):
        return str(target).split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "project"
    return Path(target).stem

"""What ``annotator doctor`` and the app's doctor report of the schema: the version this
Annotator writes, and where a project file stands against it.

The doctor lives in the GUI package (it probes Qt) and must not read the store itself; it
asks here.
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.locations import is_server_url, shown
from annotator.core.store.files import head_revision, stored_revision


def schema_version() -> str:
    """The schema version this build of Annotator writes."""
    return head_revision()


def project_schema(project: Path | str) -> dict[str, str]:
    """A project's file (or team database), the schema version it holds and what opening it
    would do.

    Raises ProjectError when it exists but is not an Annotator project, or a server cannot
    be reached.
    """
    if is_server_url(project):
        from annotator.core.store.database import server_revision

        stored = server_revision(str(project))
        state = "empty; set up when opened" if stored is None else _state(stored)
        return {"path": shown(project), "schema": str(stored), "state": state}
    project = Path(project)
    stored = stored_revision(project) if project.is_file() else None
    return {
        "path": str(project),
        "schema": str(stored),
        "state": schema_state(project, stored, schema_version()),
    }


def schema_state(project: Path, stored: str | None, head: str) -> str:
    if not project.is_file():
        return "missing"
    return _state(stored, head)


def _state(stored: str | None, head: str | None = None) -> str:
    head = head or schema_version()
    if stored == head:
        return "current"
    if stored is not None and stored < head:
        return "older; upgraded when opened"
    return "newer than this Annotator: update Annotator to open it"

"""What ``annotator doctor`` and the app's doctor report of the schema: the version this
Annotator writes, and where a project file stands against it.

The doctor lives in the GUI package (it probes Qt) and must not read the store itself; it
asks here.
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.store.files import head_revision, stored_revision


def schema_version() -> str:
    """The schema version this build of Annotator writes."""
    return head_revision()


def project_schema(project: Path) -> dict[str, str]:
    """A project file's path, the schema version it holds and what opening it would do.

    Raises ProjectError when the file exists but is not an Annotator project.
    """
    stored = stored_revision(project) if project.is_file() else None
    return {
        "path": str(project),
        "schema": str(stored),
        "state": schema_state(project, stored, schema_version()),
    }


def schema_state(project: Path, stored: str | None, head: str) -> str:
    if not project.is_file():
        return "missing"
    if stored == head:
        return "current"
    if stored is not None and stored < head:
        return "older; upgraded when opened"
    return "newer than this Annotator: update Annotator to open it"

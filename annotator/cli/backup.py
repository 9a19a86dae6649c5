"""``annotator backup``: rolling backups of a project in the user data folder, and restore.

Each command imports what it needs itself, so that loading this module to build the command
line costs other commands (``stats``, ``--version``) nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.output import console, reports_errors

backup_app = typer.Typer(
    help="Back up a project (SQLite online backup, newest 10 kept) and restore a backup.",
    no_args_is_help=True,
)


@backup_app.command("now")
@reports_errors
def backup_now(
    project: Annotated[str, typer.Argument(help="The project file to back up.")],
) -> None:
    """Back the project up now."""
    from annotator.core import backup

    made = backup.make_backup(_file(project))
    console.print(f"Backed up to {made}", soft_wrap=True, highlight=False)


def _file(project: str) -> Path:
    """The project file; a team's database is backed up by its server, not by us."""
    from annotator.core.errors import AnnotatorError
    from annotator.core.locations import is_server_url, shown

    if is_server_url(project):
        raise AnnotatorError(
            f"{shown(project)} is a team database: its server backs it up (pg_dump, or the "
            "server's own backups); annotator backup is for project files."
        )
    return Path(project)


@backup_app.command("list")
@reports_errors
def backup_list(
    project: Annotated[str, typer.Argument(help="The project whose backups to list.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list of path, taken and size (bytes).")
    ] = False,
) -> None:
    """The project's backups, newest first, each with the full path `backup restore` takes.

    In a terminal a table (long paths fold, never cut); piped, one tab-separated line per
    backup (taken, size, path).
    """
    from annotator.core import backup

    project_file = _file(project)
    found = backup.list_backups(project_file)
    if as_json:
        rows = [
            {"path": str(item.path), "taken": item.taken.isoformat(), "size": item.size}
            for item in found
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not found:
        console.print(
            f"No backups of {project} yet (they are in {backup.backup_folder(project_file)}).",
            soft_wrap=True,
            highlight=False,
        )
        return
    if not console.is_terminal:
        for item in found:
            print(f"{item.taken:%Y-%m-%d %H:%M:%S}\t{_size(item.size)}\t{item.path}")
        return
    from rich.table import Column, Table

    table = Table(
        Column("taken", no_wrap=True),
        Column("size", no_wrap=True, justify="right"),
        Column("file", overflow="fold"),
    )
    for item in found:
        table.add_row(f"{item.taken:%Y-%m-%d %H:%M:%S}", _size(item.size), str(item.path))
    console.print(table)


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


@backup_app.command("restore")
@reports_errors
def backup_restore(
    source: Annotated[Path, typer.Argument(help="The backup file (see `annotator backup list`).")],
    target: Annotated[Path, typer.Argument(help="Where to restore it (a new file by default).")],
    overwrite: Annotated[
        bool, typer.Option(help="Replace an existing project (it is backed up first).")
    ] = False,
) -> None:
    """Restore a backup; close the app on the target project first."""
    from annotator.core import backup

    replaced = backup.restore_backup(source, target, overwrite=overwrite)
    console.print(f"Restored {source.name} to {target}.", soft_wrap=True, highlight=False)
    if replaced is not None:
        console.print(
            f"The project it replaced was backed up to {replaced}.",
            soft_wrap=True,
            highlight=False,
        )

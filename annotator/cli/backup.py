"""``annotator backup``: rolling backups of a project in the user data folder, and restore.

Each command imports what it needs itself, so that loading this module to build the command
line costs other commands (``stats``, ``--version``) nothing.
"""

from __future__ import annotations

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
    project: Annotated[Path, typer.Argument(help="The project file to back up.")],
) -> None:
    """Back the project up now."""
    from annotator.core import backup

    console.print(f"Backed up to {backup.make_backup(project)}")


@backup_app.command("list")
@reports_errors
def backup_list(
    project: Annotated[Path, typer.Argument(help="The project whose backups to list.")],
) -> None:
    """The project's backups, newest first."""
    from annotator.core import backup

    found = backup.list_backups(project)
    if not found:
        console.print(f"No backups of {project} yet (they are in {backup.backup_folder(project)}).")
        return
    from rich.table import Table

    table = Table("taken", "size", "file")
    for item in found:
        table.add_row(
            f"{item.taken:%Y-%m-%d %H:%M:%S}", f"{item.size / 1e6:.1f} MB", str(item.path)
        )
    console.print(table)


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
    console.print(f"Restored {source.name} to {target}.")
    if replaced is not None:
        console.print(f"The project it replaced was backed up to {replaced}.")

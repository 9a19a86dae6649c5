"""``annotator install-desktop``: Annotator in the applications menu, for this user."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.output import console, reports_errors


@reports_errors
def install_desktop_command(
    remove: Annotated[
        bool, typer.Option("--remove", help="Take the menu entry, icons and file type away.")
    ] = False,
    launcher: Annotated[
        Path | None,
        typer.Option(help="The annotator executable the menu starts (default: this one)."),
    ] = None,
) -> None:
    """Add Annotator to the applications menu, with its icon, and let .annotator files open
    in it (Linux; files go under ~/.local/share)."""
    # Imported here, so that building the command line does not load it for every command.
    from annotator.core.desktop import install_desktop, remove_desktop

    report = remove_desktop() if remove else install_desktop(launcher)
    verb = "Removed" if remove else "Installed"
    console.print(f"{verb} {len(report.files)} files:")
    for path in report.files:
        console.print(f"  {path}")
    if report.refreshed:
        console.print(f"Refreshed with {', '.join(report.refreshed)}.")
    elif not remove:
        console.print("No desktop cache tools found: the menu picks the entry up at next login.")

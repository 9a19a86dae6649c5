"""Console output for the command line: progress bars and error messages, via rich."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, ParamSpec

import typer
from rich.console import Console

from annotator.core.errors import AnnotatorError

if TYPE_CHECKING:
    from annotator.core.progress import Progress as CoreProgress
    from annotator.core.progress import ProgressCallback

P = ParamSpec("P")
console = Console()
errors = Console(stderr=True)


@contextmanager
def progress_bar(description: str) -> Iterator[ProgressCallback]:
    """A rich progress bar fed by the core's progress callback (hidden when not a terminal)."""
    # Imported here: only the commands that show a bar pay for loading rich.progress.
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[message]}"),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=not errors.is_terminal,
    ) as bar:
        task = bar.add_task(description, total=None, message="")

        def update(progress: CoreProgress) -> None:
            bar.update(
                task, completed=progress.done, total=progress.total, message=progress.message
            )

        yield update


def fail(message: str) -> None:
    errors.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)


def reports_errors(command: Callable[P, None]) -> Callable[P, None]:
    """Show user-facing errors as one clear message and exit with status 1, no traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except AnnotatorError as exc:
            fail(str(exc))
            raise typer.Exit(1) from None

    return wrapper

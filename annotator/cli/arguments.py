"""The argument every project command takes: a project file, or a team database's URL (kept
as text: a path would fold its ``//``)."""

from __future__ import annotations

from typing import Annotated

import typer

ProjectArg = Annotated[
    str,
    typer.Argument(
        help="The project: a file (one SQLite file), or a team database's URL "
        "(postgresql://user@host/dbname).",
        show_default=False,
    ),
]

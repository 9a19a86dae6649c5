"""``annotator login`` / ``logout``: keep a team database's password in the system keyring,
so URLs carry none (the driver also reads ``~/.pgpass``)."""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli.output import console, reports_errors

UrlArg = Annotated[
    str, typer.Argument(help="The team database: postgresql://user@host/dbname (no password).")
]


def register(app: typer.Typer) -> None:
    app.command("login")(reports_errors(login))
    app.command("logout")(reports_errors(logout))


def login(
    url: UrlArg,
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            envvar="ANNOTATOR_PASSWORD",
            help="Asked for when not given (never put it on the command line).",
        ),
    ],
) -> None:
    """Check a password against the team's database and keep it in the system keyring."""
    from annotator.core.team import login as keep

    where = keep(url, password)
    console.print(f"The password for {where} is in your keyring.", highlight=False)


def logout(url: UrlArg) -> None:
    """Remove a team database's password from the system keyring."""
    from annotator.core.team import logout as forget

    if forget(url):
        console.print("Password removed from your keyring.")
    else:
        console.print("No password was kept for it.")

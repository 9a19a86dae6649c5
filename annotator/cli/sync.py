"""``annotator push LOCAL REMOTE`` and ``annotator pull REMOTE LOCAL``: annotation sets move
between a laptop's project and the team database (see ``annotator.core.sync``).

Like git: work on the laptop offline, pull what colleagues did, push your own. A set changed
on both sides since the last sync is a conflict: it is reported, neither side is changed, and
the command ends with status 1; ``--force`` lets this command's source win, ``--keep-both``
adds the source's version beside the target's under ``NAME (SOURCE)``.

The commands import what they need themselves, so that building the command line costs other
commands nothing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli.arguments import ProjectArg
from annotator.cli.output import console, reports_errors

if TYPE_CHECKING:
    from rich.table import Table

    from annotator.core.sync import SetChange, SyncReport

#: Changes listed one by one; the rest are counted (``--json`` lists every one).
SHOWN = 40

AnnotatorOption = Annotated[
    str | None,
    typer.Option(
        "--annotator",
        help="Only these annotators' sets (comma-separated names): push your own work. "
        "Default: everyone's, models' suggestions and the gold set included.",
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Report what would move; write nothing.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def register(app: typer.Typer) -> None:
    app.command("push")(reports_errors(push))
    app.command("pull")(reports_errors(pull))


def push(
    local: ProjectArg,
    remote: Annotated[
        str,
        typer.Argument(
            help="Where the team's work is: a team database's URL "
            "(postgresql://user@host/dbname) or a project file.",
            show_default=False,
        ),
    ],
    annotator: AnnotatorOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="On a conflict, LOCAL's version replaces the team's (theirs is lost)."
        ),
    ] = False,
    keep_both: Annotated[
        bool,
        typer.Option(
            "--keep-both",
            help="On a conflict, add LOCAL's version beside the team's, as the annotator "
            "'NAME (LOCAL's name)', to compare in review mode.",
        ),
    ] = False,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
) -> None:
    """Copy your project's new work to the team database: sets changed here since the last
    sync, documents and labels it lacks. Nothing the team changed since is overwritten."""
    _sync("push", local, remote, annotator, force, keep_both, dry_run, as_json)


def pull(
    remote: Annotated[
        str,
        typer.Argument(
            help="Where the team's work is: a team database's URL "
            "(postgresql://user@host/dbname) or a project file.",
            show_default=False,
        ),
    ],
    local: Annotated[
        str,
        typer.Argument(
            help="Your project file (made when it does not exist yet).", show_default=False
        ),
    ],
    annotator: AnnotatorOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="On a conflict, the team's version replaces LOCAL's (yours is lost)."
        ),
    ] = False,
    keep_both: Annotated[
        bool,
        typer.Option(
            "--keep-both",
            help="On a conflict, add the team's version beside yours, as the annotator "
            "'NAME (the database's name)', to compare in review mode.",
        ),
    ] = False,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
) -> None:
    """Bring the team's work into your project to work offline: documents, labels, and every
    set changed there since the last sync. Nothing you changed since is overwritten."""
    _sync("pull", local, remote, annotator, force, keep_both, dry_run, as_json)


def _sync(
    direction: str,
    local: str,
    remote: str,
    annotator: str | None,
    force: bool,
    keep_both: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    from annotator.cli.app import _open
    from annotator.core import sync
    from annotator.core.errors import AnnotatorError

    if force and keep_both:
        raise AnnotatorError("Choose --force or --keep-both, not both.")
    on_conflict = "force" if force else "keep-both" if keep_both else "report"
    names = None if annotator is None else [n.strip() for n in annotator.split(",") if n.strip()]
    pushing = direction == "push"
    with (
        _open(local, create=not pushing) as mine,
        _open(remote, create=pushing) as theirs,
    ):
        run = sync.push if pushing else sync.pull
        pair = (mine, theirs) if pushing else (theirs, mine)
        report = run(*pair, annotators=names, on_conflict=on_conflict, dry_run=dry_run)
    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        show_report(report)
    if report.unresolved:
        raise typer.Exit(1)


def show_report(report: SyncReport) -> None:
    from rich.table import Table

    pushing = report.direction == "push"
    if report.dry_run:
        verb = "Would push" if pushing else "Would pull"
    else:
        verb = "Pushed" if pushing else "Pulled"
    who = f" ({', '.join(report.annotators)}'s sets)" if report.annotators else ""
    console.print(f"{verb} {report.source} → {report.target}{who}", highlight=False)
    figures = Table(show_header=False, box=None, padding=(0, 2))
    figures.add_row("documents added", f"{report.documents_added:,}")
    figures.add_row("labels added", ", ".join(report.labels_added) or "0")
    figures.add_row("sets added", f"{report.sets_added:,}")
    figures.add_row("sets updated", f"{report.sets_updated:,}")
    figures.add_row("sets unchanged", f"{report.sets_unchanged:,}")
    if report.times_updated:
        figures.add_row("active time taken over", f"{report.times_updated:,} sets")
    other = "pull" if pushing else "push"
    figures.add_row(
        "sets newer in the target",
        f"{report.sets_newer_on_target:,}"
        + (f" (annotator {other} brings them)" if report.sets_newer_on_target else ""),
    )
    figures.add_row("conflicts", f"{len(report.conflicts):,}")
    console.print(figures)
    if report.changes:
        console.print(_table("Sets copied", report.changes))
    if report.conflicts:
        console.print(
            _table("Conflicts: changed on both sides since the last sync", report.conflicts)
        )
    if report.unresolved:
        console.print(
            f"{_sets(len(report.unresolved))} left as they are on both sides. "
            f"To settle them, run annotator {report.direction} again with --force (this "
            "source's version wins) or --keep-both (it is added beside the other under "
            "'NAME (source)', to compare in review mode).",
            highlight=False,
        )
    if report.dry_run:
        console.print("Dry run: nothing was written.")
    elif not report.changed and not report.conflicts:
        console.print("Nothing to do: both hold the same.")


def _sets(count: int) -> str:
    return f"{count:,} conflicting set was" if count == 1 else f"{count:,} conflicting sets were"


def _table(title: str, changes: list[SetChange]) -> Table:
    from rich.table import Table

    table = Table("document", "annotator", "what", title=title, title_justify="left")
    for change in changes[:SHOWN]:
        what = change.action + (f" as {change.kept_as}" if change.kept_as else "")
        table.add_row(change.document, change.annotator, what)
    if len(changes) > SHOWN:
        table.add_row(f"… and {len(changes) - SHOWN:,} more (--json lists every one)", "", "")
    return table

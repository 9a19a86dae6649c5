"""``annotator assign``: give the project's documents out to annotators, each document to
``--overlap`` of them and a shared slice to all, and re-balance when someone joins or leaves.

The command imports what it needs itself, so that building the command line costs other
commands nothing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli.arguments import ProjectArg
from annotator.cli.output import console, reports_errors
from annotator.core.locations import shown

if TYPE_CHECKING:
    from annotator.core.assignment import AssignmentReport


def register(app: typer.Typer) -> None:
    app.command("assign")(reports_errors(assign))


def assign(
    project: ProjectArg,
    annotators: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated names of everyone who annotates (default: the last "
            "assignment's; name one more to let someone join, one fewer to let them leave)."
        ),
    ] = None,
    overlap: Annotated[
        int | None,
        typer.Option(min=1, help="How many annotators label each document (default: the last; 1)."),
    ] = None,
    shared: Annotated[
        str | None,
        typer.Option(
            help="Documents every annotator labels, to measure agreement: a percentage (10%) "
            "or a number of documents (default: the last; none)."
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(help="Decides who gets what, reproducibly (default: the last; 0)."),
    ] = None,
    show: Annotated[
        bool, typer.Option("--show", help="Show the current assignment; change nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Give each document to N annotators (and a shared slice to all); assigning again
    re-balances, keeping begun and finished work with whoever has it."""
    from annotator.cli.app import _open
    from annotator.core import assignment

    with _open(project, create=False) as opened:
        if show:
            report = assignment.current(opened)
        else:
            names = assignment.parse_names(annotators) if annotators is not None else None
            report = assignment.assign(opened, names, overlap=overlap, shared=shared, seed=seed)
    if as_json:
        print(json.dumps(report.as_dict() if report else None, ensure_ascii=False, indent=2))
        return
    if report is None:
        console.print(f"{shown(project)} has no assignment yet: give one with --annotators.")
        return
    show_report(report, moves=not show)


def show_report(report: AssignmentReport, *, moves: bool) -> None:
    from rich.table import Table

    people = len(report.annotators)
    console.print(
        f"[bold]{report.documents:,}[/] documents, {people} annotator{'s' * (people != 1)}: "
        f"each document to {report.overlap}, a shared slice of {report.shared} "
        f"({report.shared_documents:,} documents) to all; seed {report.seed}.",
        highlight=False,
    )
    columns = ["annotator", "assigned", "shared", "begun or done"]
    table = Table(*columns, *(("moved in", "moved out") if moves else ()))
    for name, load in report.loads.items():
        figures = [f"{load.assigned:,}", f"{load.shared:,}", f"{load.started:,}"]
        if moves:
            figures += [f"{load.moved_in:,}", f"{load.moved_out:,}"]
        who = name if name in report.annotators else f"{name} (left; keeps begun work)"
        table.add_row(who, *figures)
    console.print(table)
    if moves:
        taken = sum(load.moved_out for load in report.loads.values())
        console.print(
            f"Given out {report.moved:,}, taken back {taken:,}."
            if report.changed
            else "Nothing changed.",
            highlight=False,
        )

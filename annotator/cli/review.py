"""``annotator review``: what is left to settle between annotators, and adopting what at
least K of them agree on into the gold set (``--adopt-min K``), as review mode's M does.

The command imports what it needs itself, so that building the command line costs other
commands nothing.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from annotator.cli.arguments import ProjectArg
from annotator.cli.output import console, reports_errors
from annotator.core.locations import shown


def register(app: typer.Typer) -> None:
    app.command("review")(reports_errors(review))


def review(
    project: ProjectArg,
    annotators: Annotated[
        str | None,
        typer.Option(help="Comma-separated names to compare (default: every person but gold)."),
    ] = None,
    adopt_min: Annotated[
        int | None,
        typer.Option(
            "--adopt-min",
            help="Settle into gold every open item where at least this many of the compared "
            "annotators with a set on the document agree exactly (and no other version has "
            "as many); the rest stays for review mode.",
        ),
    ] = None,
    document: Annotated[
        list[int] | None,
        typer.Option(help="Only this document (its id in the list); repeat for more."),
    ] = None,
    reviewer: Annotated[
        str | None, typer.Option(help="Who settles, as recorded in gold (default: you).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Compare annotators: open disagreements and review status; with --adopt-min K, adopt
    what at least K of them agree on (one transaction; the app's Ctrl+Z does not reach it,
    a backup does)."""
    from annotator.cli.app import _open
    from annotator.core.adjudication import adopt_min as adopt
    from annotator.core.adjudication import (
        count_disagreements,
        review_counts,
        unsettled_in_project,
    )
    from annotator.core.errors import AnnotatorError
    from annotator.core.records import GOLD
    from annotator.core.settings import current_annotator

    with _open(project, create=False) as opened:
        if annotators:
            names = [name.strip() for name in annotators.split(",") if name.strip()]
        else:
            names = [a.name for a in opened.annotators() if a.kind == "human" and a.name != GOLD]
        if len(names) < 2:
            raise AnnotatorError("Review needs at least two annotators to compare.")
        known = {a.name for a in opened.annotators()}
        unknown = [name for name in names if name not in known]
        if unknown:
            raise AnnotatorError(f"No annotator named {', '.join(unknown)} in {shown(project)}.")
        adopted = None
        if adopt_min is not None:
            adopted = adopt(opened, names, adopt_min, reviewer or current_annotator(), document)
        counted = count_disagreements(opened, names)
        left = unsettled_in_project(opened, names)
        statuses = review_counts(opened)
    if as_json:
        result: dict[str, object] = {
            "annotators": names,
            "documents_compared": counted,
            "open": left,
            "reviews": statuses,
        }
        if adopted is not None:
            result["adopt_min"] = adopted.min_agree
            result["adopted"] = [
                {
                    "document": item.document_id,
                    "layer": item.key[0],
                    "start": item.key[1],
                    "end": item.key[2],
                    "label": item.key[3],
                    "choice": item.choice,
                    "votes": item.votes,
                    "of": item.voters,
                }
                for item in adopted.items
            ]
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    if adopted is not None:
        count = len(adopted.items)
        console.print(
            f"Adopted {count:,} item{'' if count == 1 else 's'} in "
            f"{len(adopted.documents):,} documents where at least {adopted.min_agree} of "
            f"{len(names)} agree.",
            highlight=False,
        )
    reviewed = ", ".join(f"{n:,} {status}" for status, n in statuses.items()) or "none reviewed"
    console.print(
        f"{left:,} disagreements left to settle in {counted:,} documents compared "
        f"({', '.join(names)}); {reviewed}.",
        highlight=False,
    )

"""``annotator train``, ``train-curve`` and ``models``: the researcher's own model in the loop.

Each command imports what it needs itself, so that building the command line costs other
commands nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli.arguments import ProjectArg
from annotator.cli.output import console, reports_errors
from annotator.core.locations import shown

if TYPE_CHECKING:
    from rich.table import Table

    from annotator.core.model_registry import LabelScore, TrainedModel
    from annotator.core.taggers import TaggerInfo
    from annotator.core.training import TrainingEvent

AnnotatorOption = Annotated[
    str | None, typer.Option(help="Whose finished documents to learn from (default: you).")
]
DevRatioOption = Annotated[
    float, typer.Option(help="Share of the documents held out to measure the model.")
]
MaxMinutesOption = Annotated[
    float, typer.Option(help="Stop training after this many minutes (keeping the best model).")
]


def register(app: typer.Typer) -> None:
    app.command("train")(reports_errors(train))
    app.command("train-curve")(reports_errors(train_curve))
    app.command("models")(reports_errors(models))
    app.command("unsure")(reports_errors(unsure))


def train(
    project: ProjectArg,
    annotator: AnnotatorOption = None,
    dev_ratio: DevRatioOption = 0.2,
    max_minutes: MaxMinutesOption = 10.0,
    base: Annotated[
        str | None,
        typer.Option(help="Start from this pipeline's entity recognizer (name or folder)."),
    ] = None,
) -> None:
    """Train a model on the finished documents with spaCy (CPU) and keep it with the project."""
    from annotator.cli.app import _open
    from annotator.core.training import train as run_training

    with _open(project, create=False) as opened:
        model = run_training(
            opened,
            annotator=annotator,
            dev_ratio=dev_ratio,
            max_minutes=max_minutes,
            base=base,
            on_event=_print_event,
        )
    why = " (time limit reached)" if model.stopped == "time" else ""
    console.print(
        f"Trained on {model.train_documents:,} documents of {model.annotator}, measured on "
        f"{model.dev_documents:,}, in {model.seconds:.0f} s{why}."
    )
    _print_scores(model.per_label)
    console.print(f"Kept as model '{model.name}' in {model.folder}")
    console.print(
        f"Pre-tag with it: annotator pretag {shown(project)} --model latest", highlight=False
    )


def train_curve(
    project: ProjectArg,
    annotator: AnnotatorOption = None,
    dev_ratio: DevRatioOption = 0.2,
    max_minutes: MaxMinutesOption = 5.0,
) -> None:
    """Train on 25, 50, 75 and 100% of the finished documents: does more labelling help?

    Each share is measured on the same held-out documents; no model is kept.
    """
    from rich.table import Table

    from annotator.cli.app import _open
    from annotator.core.model_registry import headline_f1
    from annotator.core.training import train_curve as run_curve

    with _open(project, create=False) as opened:
        points = run_curve(
            opened,
            annotator=annotator,
            dev_ratio=dev_ratio,
            max_minutes=max_minutes,
            on_point=lambda p: console.print(
                f"{p.fraction:.0%} ({p.train_documents:,} documents): "
                f"F1 {headline_f1(p.scores):.1f}",
                highlight=False,
            ),
        )
    labels = sorted({row.label for point in points for row in point.per_label})
    table = Table("share", "documents", "overall F1", *labels, title="F1 on held-out documents")
    for point in points:
        by_label = {row.label: row.f1 for row in point.per_label}
        table.add_row(
            f"{point.fraction:.0%}",
            f"{point.train_documents:,}",
            f"{headline_f1(point.scores):.1f}",
            *(f"{100 * by_label[label]:.1f}" if label in by_label else "–" for label in labels),
        )
    console.print(table)
    if len(points) >= 2:
        gain = headline_f1(points[-1].scores) - headline_f1(points[-2].scores)
        verdict = "more labelling is likely to help" if gain > 1 else "the curve is flattening"
        console.print(f"The last quarter added {gain:+.1f} points of F1: {verdict}.")


def models(
    project: Annotated[
        Path | None,
        typer.Argument(help="The project file; without it, only the taggers installed here."),
    ] = None,
    delete: Annotated[
        str | None, typer.Option(help="Delete the trained model of this name.", metavar="NAME")
    ] = None,
) -> None:
    """The project's trained models (newest first), then every tagger installed here (built-in,
    optional, spaCy pipelines) with its language and labels; --delete removes a trained one."""
    from annotator.cli.app import _open
    from annotator.core.model_registry import delete_model, list_models
    from annotator.core.taggers import Source, all_taggers

    if project is None:
        if delete is not None:
            raise typer.BadParameter("--delete needs the project the model was trained for.")
        console.print(_taggers_table(all_taggers()))
        return
    with _open(project, create=False) as opened:
        if delete is not None:
            gone = delete_model(opened, delete)
            console.print(f"Deleted model '{gone.name}'.")
            return
        trained = list_models(opened)
        taggers = all_taggers(opened)
    if trained:
        console.print(_trained_table(trained))
    else:
        console.print(f"No trained models yet: annotator train {shown(project)}", highlight=False)
    console.print(_taggers_table([t for t in taggers if t.source is not Source.TRAINED]))


def _trained_table(trained: list[TrainedModel]) -> Table:
    from rich.table import Column, Table

    from annotator.core.model_registry import headline_f1

    table = Table(
        Column("model", no_wrap=True),
        "annotator",
        "documents",
        "labels",
        "F1",
        "stopped",
        title="Trained models",
    )
    for model in trained:
        table.add_row(
            model.name,
            model.annotator,
            f"{model.train_documents:,} + {model.dev_documents:,} held out",
            _some(model.labels),
            f"{headline_f1(model.scores):.1f}",
            model.stopped,
        )
    return table


SHOWN_LABELS = 8


def _some(labels: list[str] | tuple[str, ...]) -> str:
    """The first labels and how many more: a row stays a line or two in an 80-column terminal."""
    shown = ", ".join(labels[:SHOWN_LABELS])
    more = len(labels) - SHOWN_LABELS
    return f"{shown} +{more}" if more > 0 else shown


def _taggers_table(taggers: list[TaggerInfo]) -> Table:
    from rich.table import Column, Table

    table = Table(
        Column("--model", no_wrap=True),
        "kind",
        "language",
        "labels",
        "note",
        title="Taggers",
    )
    for tagger in taggers:
        table.add_row(
            tagger.name,
            tagger.source.value,
            ", ".join(tagger.languages),
            _some(tagger.labels),
            tagger.note,
        )
    return table


def _print_event(event: TrainingEvent) -> None:
    if event.kind == "exported":
        console.print(f"Training: {event.message}.")
    elif event.kind == "eval":
        losses = ", ".join(f"{k} {v:.1f}" for k, v in event.losses.items())
        console.print(
            f"  step {event.step:>5}  epoch {event.epoch:>3}  loss {losses}  "
            f"score {100 * event.score:.1f}  ({event.seconds:.0f} s)",
            highlight=False,
        )


def _print_scores(rows: list[LabelScore]) -> None:
    from rich.table import Table

    table = Table("label", "precision", "recall", "F1", title="On the held-out documents")
    for row in rows:
        table.add_row(
            row.label,
            f"{100 * row.precision:.1f}",
            f"{100 * row.recall:.1f}",
            f"{100 * row.f1:.1f}",
        )
    console.print(table)


def unsure(
    project: ProjectArg,
    model: Annotated[
        str, typer.Option(help="The model that ranks: latest, a trained model's name or a path.")
    ] = "latest",
    annotator: Annotated[
        str | None, typer.Option(help="Whose unfinished documents to list (default: you).")
    ] = None,
    top: Annotated[int, typer.Option(min=1, help="How many documents to list.")] = 20,
) -> None:
    """Score every document by how unsure the model is, order the app's list that way ("model
    unsure first") and print the unfinished documents it is least sure of."""
    from annotator.cli.app import _open
    from annotator.cli.output import progress_bar
    from annotator.core.listing import DocumentFilter, document_rows, list_document_ids
    from annotator.core.records import Status
    from annotator.core.settings import current_annotator
    from annotator.core.uncertainty import document_uncertainty, rank

    who = annotator or current_annotator()
    with _open(project, create=False) as opened:
        with progress_bar("Scoring") as bar:
            report = rank(opened, model, progress=bar)
        ids = list_document_ids(opened, DocumentFilter(who), sort="unsure")
        rows = [
            row
            for row in document_rows(opened, who, ids[: top * 4])
            if row.status in (Status.NEW, Status.IN_PROGRESS)
        ][:top]
        figures = document_uncertainty(opened, report.model, [row.id for row in rows])
    console.print(
        f"{report.model} scored {report.scored:,} documents ({report.already_scored:,} "
        "already scored). The documents it is least sure of first:",
        highlight=False,
    )
    for row in rows:
        console.print(f"  {figures.get(row.id, 0):.3f}  #{row.id}  {row.title}", highlight=False)

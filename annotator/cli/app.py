"""Commands of the ``annotator`` program. Each parses its options, calls core, prints.

Core modules, the store and rich tables are imported inside the commands that use them, so
that ``--version``, ``--help`` and ``backup list`` start without loading SQLAlchemy, and no
command loads spaCy or Qt before it needs them (tests/cli/test_startup.py holds us to it).
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annotator import __version__
from annotator.cli.arguments import ProjectArg
from annotator.cli.assign import register as register_assign
from annotator.cli.backup import backup_app
from annotator.cli.desktop import install_desktop_command
from annotator.cli.output import console, errors, fail, progress_bar, reports_errors
from annotator.cli.review import register as register_review
from annotator.cli.sync import register as register_sync
from annotator.cli.team import register as register_team
from annotator.cli.training import register as register_training
from annotator.core.errors import AnnotatorError
from annotator.core.locations import beside, short_name, shown

if TYPE_CHECKING:
    from annotator.core.project import Project

app = typer.Typer(
    name="annotator",
    help="Label news articles offline: entities, topics and unreliable passages, "
    "exported as spaCy, Prodigy and doccano training sets.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.add_typer(backup_app, name="backup")
app.command("install-desktop")(install_desktop_command)


def version_callback(value: bool) -> None:
    if value:
        console.print(f"annotator {__version__}")
        raise typer.Exit()


def self_check_callback(value: bool) -> None:
    if not value:
        return
    from annotator.gui.self_check import run_self_check

    try:
        run_self_check(lambda line: console.print(f"✓ {line}"))
    except Exception as exc:  # every failure, expected or not, is the check's answer
        fail(f"self-check failed: {exc}")
        raise typer.Exit(1) from None
    raise typer.Exit()


def probe_callback(value: bool) -> None:
    if value:
        from annotator.gui.doctor import print_platform_name

        print_platform_name()
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=version_callback,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
    self_check: Annotated[
        bool,
        typer.Option(
            "--self-check",
            callback=self_check_callback,
            is_eager=True,
            help="Import, pre-tag and export samples and open the window offscreen; then exit.",
        ),
    ] = False,
    probe_qt_platform: Annotated[
        bool,
        typer.Option("--probe-qt-platform", callback=probe_callback, is_eager=True, hidden=True),
    ] = False,
) -> None:
    """Without a command, open the desktop app on the last project (or the demo project)."""
    if ctx.invoked_subcommand is None:
        from annotator.gui.app import run

        raise typer.Exit(run())


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Load the store (SQLAlchemy and its ORM models) without the garbage collector running.

    That import creates some 50,000 long-lived objects, which the collector would walk over and
    over while they load and again at interpreter exit (``stats`` took 0.42 s with, 0.32 s
    without). Frozen afterwards, they are left out of every later collection; they live as long
    as the process anyway, and what commands create later is collected as usual. Done only on
    the store's first import (at most once a process), never when the collector is off.
    """
    if "annotator.core.project" in sys.modules or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _open(project: str, *, create: bool, language: str | None = None) -> Project:
    with _collector_paused():
        from annotator.core.project import Project

    return Project.open(project, create=create, language=language)


def _creating(project: str, language: str | None) -> AbstractContextManager[Project]:
    """The project, created if need be, for one block of work that, failing, leaves no new
    file behind (see ``Project.creating``)."""
    with _collector_paused():
        from annotator.core.project import Project

    return Project.creating(project, language=language)


@app.command("import")
@reports_errors
def import_command(
    project: ProjectArg,
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="auto (by file name and content), txt, html, prodigy, doccano, spacy, brat, "
            "conll, csv or labels.",
        ),
    ] = "auto",
    annotator: Annotated[
        str | None,
        typer.Option(help="Whose annotations these are when the file does not say (default: you)."),
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid", help="Import the good records and files; list the bad ones."
        ),
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option(help="Where --skip-invalid writes what it skipped (JSON lines)."),
    ] = None,
    text_column: Annotated[
        str | None,
        typer.Option(
            help="The column holding the text, for CSV/TSV (default: text, content, body)."
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Language of a new project's tokenizer (en, ru, ar, ...)."),
    ] = None,
) -> None:
    """Import articles and annotations; creates the project if it does not exist.

    Reads .txt, .html, Prodigy or doccano .jsonl/.json, spaCy .spacy, brat .ann (with its
    .txt), CoNLL/IOB, CSV/TSV and unreliable-passage .labels files. A file with a bad record
    imports nothing and the whole import is undone, naming every bad line; with
    --skip-invalid the bad records are skipped and listed, and the rest is imported.
    """
    with _creating(project, lang) as opened, progress_bar("Importing") as bar:
        result = opened.import_paths(
            paths,
            fmt=fmt,
            annotator=annotator,
            skip_invalid=skip_invalid,
            text_column=text_column,
            progress=bar,
        )
    for line in result.summary_lines():
        console.print(line, highlight=False, markup=False)
    if result.skipped_files or result.skipped_records:
        target = report or beside(
            project, f"{short_name(project)}.skipped-{datetime.now():%Y%m%d-%H%M%S}.jsonl"
        )
        result.write_skipped(target)
        errors.print(f"The list of what was skipped is in {target}", highlight=False)


@app.command()
@reports_errors
def pretag(
    project: ProjectArg,
    model: Annotated[
        str | None,
        typer.Option(
            help="An installed spaCy pipeline, a pipeline folder, or a downloaded pipeline "
            "package (.whl, .tar.gz; unpacked once). Default: the built-in tagger."
        ),
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Texts per nlp.pipe batch.")] = 64,
    n_process: Annotated[int, typer.Option(min=1, help="Processes for nlp.pipe.")] = 1,
    unfinished_only: Annotated[
        bool,
        typer.Option("--unfinished-only", help="Leave documents somebody marked done as they are."),
    ] = False,
) -> None:
    """Store a spaCy pipeline's entities as suggestions (never touching anyone's spans)."""
    with _open(project, create=False) as opened, progress_bar("Pre-tagging") as bar:
        result = opened.pretag(
            model,
            batch_size=batch_size,
            n_process=n_process,
            unfinished_only=unfinished_only,
            progress=bar,
        )
    console.print(result.summary())


@app.command()
@reports_errors
def language(
    project: ProjectArg,
    code: Annotated[
        str | None,
        typer.Argument(
            help="The new language (en, ru, ar, ...); without it, show the current one."
        ),
    ] = None,
) -> None:
    """Show or set the project's language: how its texts are tokenized, and which pre-taggers
    cover it."""
    with _open(project, create=False) as opened:
        before = opened.language
        if code is None:
            console.print(f"{opened.name}: {before}", highlight=False)
            return
        opened.set_language(code)
    if code == before:
        console.print(f"{opened.name} is already in {code}.", highlight=False)
    else:
        console.print(f"{opened.name}: language changed from {before} to {code}.", highlight=False)


@app.command()
@reports_errors
def boilerplate(
    project: ProjectArg,
    min_documents: Annotated[
        int,
        typer.Option(
            "--min-documents",
            min=2,
            help="A short line in at least this many documents is the site's, not an article's.",
        ),
    ] = 3,
) -> None:
    """Find the boilerplate of scraped pages again (menus, related posts, footers): greyed in
    the app, never suggested, exported as not judged. People's marks and unmarks stay."""
    from annotator.core.boilerplate import detect

    with _open(project, create=False) as opened:
        report = detect(opened, min_documents=min_documents)
    console.print(report.summary(), highlight=False)


@app.command()
@reports_errors
def export(
    project: ProjectArg,
    out: Annotated[Path, typer.Argument(help="Output folder (spacy) or .jsonl file/folder.")],
    fmt: Annotated[
        str,
        typer.Option("--format", help="spacy, prodigy, doccano, brat, conll, csv or labels."),
    ] = "spacy",
    annotator: Annotated[
        str | None, typer.Option(help="Whose work to export (default: you).")
    ] = None,
    include_unfinished: Annotated[
        bool,
        typer.Option(
            "--include-unfinished",
            help="Also documents not marked done, and those without annotations (text only).",
        ),
    ] = False,
    all_answers: Annotated[
        bool,
        typer.Option(
            "--all-answers", help="Also skipped and rejected documents (as Prodigy does)."
        ),
    ] = False,
    dev_ratio: Annotated[float, typer.Option(help="Share of documents in dev.spacy.")] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the train/dev split.")] = 0,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace files that already exist.")
    ] = False,
) -> None:
    """Export a training set: spaCy DocBin + config, Prodigy or doccano JSONL."""
    with _open(project, create=False) as opened, progress_bar("Exporting") as bar:
        result = opened.export(
            out,
            fmt=fmt,
            annotator=annotator,
            include_unfinished=include_unfinished,
            all_answers=all_answers,
            dev_ratio=dev_ratio,
            seed=seed,
            overwrite=overwrite,
            progress=bar,
        )
    if result.chosen_because:
        console.print(f"Exporting {result.annotator}'s work: {result.chosen_because}.")
    split = f" (train {result.train:,}, dev {result.dev:,})" if fmt == "spacy" else ""
    console.print(f"Exported {result.documents:,} documents of {result.annotator}{split}:")
    if result.unannotated:
        console.print(f"  {result.unannotated:,} of them without annotations (text only)")
    for path in result.files:
        console.print(f"  {path}")
    for note in result.notes:
        console.print(f"Note: {note}.")
    if result.problems:
        from rich.table import Table

        table = Table(
            "document",
            "span",
            "label",
            "problem",
            title=f"{len(result.problems)} span(s) need attention",
        )
        for problem in result.problems:
            table.add_row(
                problem.title or problem.content_hash[:12],
                f"{problem.start}..{problem.end}",
                problem.label,
                problem.reason,
            )
        errors.print(table)


@app.command()
@reports_errors
def stats(
    project: ProjectArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Documents, statuses per annotator, each assigned annotator's assigned, done and
    remaining documents, and counts per entity, topic, reliability label and relation type,
    and knowledge-base links, of people's work; models (taggers) and their open suggestions
    apart. Reads the file as it is, changing nothing."""
    from annotator.core.locations import is_server_url
    from annotator.core.stats import file_stats

    if is_server_url(project):
        with _open(project, create=False) as opened:
            result = opened.stats()
    else:
        result = file_stats(Path(project).expanduser())
    if as_json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    from rich.table import Column, Table

    console.print(f"[bold]{result.documents:,}[/] documents in {shown(project)}")
    table = Table("annotator", "new", "in progress", "done", "skipped", "rejected", "active time")
    for name, statuses in result.annotators.items():
        minutes = result.active_seconds.get(name, 0.0) / 60
        table.add_row(
            name,
            *(
                f"{statuses.get(s, 0):,}"
                for s in ("new", "in_progress", "done", "skipped", "rejected")
            ),
            f"{minutes:.1f} min",
        )
    console.print(table)
    if result.assignments:
        table = Table(
            "annotator", "assigned", "shared", "done", "skipped", "remaining", title="assignments"
        )
        for name, figures in result.assignments.items():
            table.add_row(name, *(f"{value:,}" for value in figures.values()))
        console.print(table)
    if result.models:
        table = Table(
            Column("model", no_wrap=True),
            "documents",
            "suggestions",
            "open",
            title="models (pre-taggers)",
        )
        for name, figures in result.models.items():
            table.add_row(
                name, f"{figures.documents:,}", f"{figures.suggestions:,}", f"{figures.open:,}"
            )
        console.print(table)
    for title, counts in (
        ("entities", result.entities),
        ("open model suggestions", result.open_suggestions),
        ("topics", result.topics),
        ("unreliable passages", result.unreliable),
        ("relations", result.relations),
    ):
        table = Table("label", "count", title=title)
        for label, count in counts.items():
            table.add_row(label, f"{count:,}")
        console.print(table)
    console.print(
        f"suggestions open: {result.suggestions_open:,} (not entities until accepted)",
        highlight=False,
    )
    if result.links:
        console.print(f"{result.links:,} entities carry a knowledge-base link")


@app.command()
@reports_errors
def merge(
    project: ProjectArg,
    theirs: Annotated[Path, typer.Argument(help="A colleague's project file (only read).")],
) -> None:
    """Merge a colleague's project into yours: their work stays under their names."""
    from annotator.core.merging import merge_project

    with _open(project, create=False) as opened:
        result = merge_project(opened, theirs)
    console.print(
        f"Merged {theirs}: {result.documents_added:,} new documents, "
        f"{result.documents_matched:,} matched by text, {result.annotations_added:,} "
        f"annotations, {result.spans_added:,} spans, {result.topics_added:,} topic decisions."
    )


@app.command()
@reports_errors
def agreement(
    project: ProjectArg,
    annotators: Annotated[
        str | None,
        typer.Option(help="Comma-separated names (default: every human annotator but gold)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    out: Annotated[
        Path | None, typer.Option(help="Also write a self-contained HTML report here.")
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing report file.")] = False,
) -> None:
    """Inter-annotator agreement on entities, topics and unreliable passages."""
    from annotator.core.agreement import agreement as measure
    from annotator.core.agreement_html import render_html

    if out is not None and out.exists() and not overwrite:
        raise AnnotatorError(f"{out} exists; use --overwrite to replace it.")
    names = [n.strip() for n in annotators.split(",") if n.strip()] if annotators else None
    with _open(project, create=False) as opened:
        report = measure(opened, names)
    if out is not None:
        out.write_text(render_html(report, short_name(project)), encoding="utf-8")
    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    from annotator.cli.tables import show_agreement

    show_agreement(report)
    if out is not None:
        console.print(f"Report written to {out}")


@app.command()
@reports_errors
def doctor(
    project: Annotated[
        str | None,
        typer.Argument(help="Also report this project's (a file or a team database) schema."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """What this installation sees: versions, Qt platform, spaCy pipelines, folders."""
    from annotator.gui.doctor import diagnose

    result = diagnose(project)
    if as_json:
        print(json.dumps(result.as_dict(), indent=2))
        return
    from rich.table import Table

    table = Table("", "", show_header=False)
    for key, value in result.as_dict().items():
        if isinstance(value, dict):
            value = "\n".join(f"{k}: {v}" for k, v in value.items()) or "–"
        elif isinstance(value, list):
            value = ", ".join(value) or "none installed (the built-in tagger is always there)"
        table.add_row(key.replace("_", " "), str(value))
    console.print(table)


@app.command()
def gui(
    project: Annotated[
        str | None,
        typer.Argument(help="The project file, or a team database's URL, to open."),
    ] = None,
) -> None:
    """Open the desktop app (on the given project, or the last one)."""
    from annotator.gui.app import run

    raise typer.Exit(run(project))


@app.command()
@reports_errors
def demo(
    project: Annotated[
        Path | None, typer.Argument(help="Where to create it (default: your data folder).")
    ] = None,
) -> None:
    """Create the demo project (our sample articles, pre-tagged) and show what it holds."""
    from annotator.core.demo import create_demo_project

    path = create_demo_project(project)
    console.print(f"Demo project: {path}")
    stats(path, as_json=False)


register_training(app)
register_review(app)
register_assign(app)
register_sync(app)
register_team(app)


def main() -> None:
    """Console-script entry point; also the training child of a bundled app, which has no
    ``python -m`` (see ``annotator.core.training``)."""
    if sys.argv[1:2] == ["--train-child"]:
        from annotator.core.train_child import run

        raise SystemExit(run(sys.argv[2:]))
    app()

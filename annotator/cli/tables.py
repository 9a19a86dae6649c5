"""Rich tables for reports too wide to build inline in a command."""

from __future__ import annotations

from rich.table import Column, Table

from annotator.cli.output import console
from annotator.core.agreement import AgreementReport
from annotator.core.agreement_html import number
from annotator.core.agreement_matrix import AnnotatorSummary, figures, pair_matrix


def show_agreement(report: AgreementReport) -> None:
    who = (
        f"{len(report.annotators)} annotators"
        if report.summarised
        else ", ".join(report.annotators)
    )
    console.print(
        f"[bold]{report.documents:,}[/] documents compared (done by at least two of {who})"
    )
    table = Table("units", "Krippendorff alpha", "count", title="alpha over the partial overlap")
    table.add_row(
        "entities (tokens)", number(report.entity_alpha.value), f"{report.entity_alpha.units:,}"
    )
    table.add_row(
        "unreliable passages (characters)",
        number(report.unreliable_alpha.value),
        f"{report.unreliable_alpha.units:,}",
    )
    console.print(table)
    if report.summarised:
        show_summary(report)
        return
    for pair in report.pairs:
        table = Table(
            "label",
            "P exact",
            "R exact",
            "F1 exact",
            "F1 overlap",
            title=f"entities: {pair.candidate} against {pair.reference} "
            f"({pair.documents:,} documents both finished)",
        )
        for label, prf in pair.exact.items():
            table.add_row(
                label,
                number(prf.precision),
                number(prf.recall),
                number(prf.f1),
                number(pair.overlap[label].f1),
            )
        console.print(table)
        console.print(
            f"token-level kappa {number(pair.token_kappa)} · unreliable passages: "
            f"character kappa {number(pair.unreliable_char_kappa)}, overlap F1 "
            f"{number(pair.unreliable_overlap.f1 if pair.unreliable_overlap else None)}"
        )
    table = Table(
        "topic",
        f"Krippendorff alpha ({report.topic_units:,} documents)",
        *(f"kappa {p.candidate}/{p.reference}" for p in report.pairs),
        title="topics",
    )
    for label, alpha in report.topic_alpha.items():
        table.add_row(
            label, number(alpha), *(number(p.topic_kappa.get(label)) for p in report.pairs)
        )
    console.print(table)


def _mean(summary: AnnotatorSummary) -> str:
    """The mean, with the pairs it rests on in brackets where fewer than all partners."""
    if summary.mean is None:
        return "–"
    count = f" ({summary.measured})" if summary.measured != summary.partners else ""
    return f"{number(summary.mean)}{count}"


def show_summary(report: AgreementReport) -> None:
    """Too many pairs to list: each annotator's mean agreement with the others (lowest
    first), the lowest pairs, and the topics' alpha; every pair is in ``--json``."""
    shown = figures(report)
    pairs = len(report.pairs)
    shared = sum(pair.documents > 0 for pair in report.pairs)
    console.print(
        f"{len(report.annotators)} annotators make {pairs:,} pairs: {shared:,} finished a "
        f"document in common, {pairs - shared:,} none (no figure, left out of every mean). "
        "Means are over the partners whose figure is defined, their number in brackets where "
        "fewer; weighted: each pair weighs the documents both finished."
    )
    entity = [f for f in shown if f.topic is None]
    topics = [f for f in shown if f.topic is not None]
    for group, title in ((entity, "entities and passages"), (topics, "topics")):
        if not group:
            continue
        summaries = [pair_matrix(report, figure).summary() for figure in group]
        longest = max(len(name) for name in report.annotators)
        table = Table(
            Column("annotator", no_wrap=True, min_width=longest),
            Column("docs", justify="right", no_wrap=True),
            Column("partners", justify="right", no_wrap=True),
            *(Column(f"{figure.short}: mean", justify="right") for figure in group),
            Column(f"{group[0].short}: weighted", justify="right"),
            title=f"{title}: each annotator's mean agreement with the others "
            f"(lowest {group[0].short} first)",
        )
        order = sorted(
            range(len(report.annotators)),
            key=lambda i: (summaries[0][i].mean is None, summaries[0][i].mean or 0.0),
        )
        for index in order:
            first = summaries[0][index]
            table.add_row(
                first.annotator,
                f"{first.documents:,}",
                f"{first.partners} of {first.others}",
                *(_mean(rows[index]) for rows in summaries),
                number(first.weighted_mean),
            )
        console.print(table)
    if shown:
        matrix = pair_matrix(report, shown[0])
        table = Table(
            "pair",
            Column(shown[0].short, justify="right"),
            Column("documents", justify="right"),
            Column(shown[0].units, justify="right"),
            title=f"the 10 pairs with the lowest {shown[0].title}",
        )
        for cell in matrix.lowest_pairs(10):
            table.add_row(
                f"{cell.first} and {cell.second}",
                number(cell.value),
                f"{cell.documents:,}",
                f"{cell.units:,}",
            )
        console.print(table)
    table = Table("topic", f"Krippendorff alpha ({report.topic_units:,} documents)", title="topics")
    for label, alpha in report.topic_alpha.items():
        table.add_row(label, number(alpha))
    console.print(table)
    console.print(
        "Every pair's figures: --json. A heat map of every pair: --out report.html "
        "(or Review ▸ Agreement report in the app)."
    )

"""Rich tables for reports too wide to build inline in a command."""

from __future__ import annotations

from rich.table import Table

from annotator.cli.output import console
from annotator.core.agreement import AgreementReport
from annotator.core.agreement_html import number


def show_agreement(report: AgreementReport) -> None:
    console.print(
        f"[bold]{report.documents:,}[/] documents compared (done by at least two of "
        f"{', '.join(report.annotators)})"
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

"""The agreement report as one self-contained HTML file: tables and a per-label F1 chart.

No scripts, no external styles or fonts: the file opens offline in any browser and can be
mailed to a colleague. The chart is inline SVG.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from annotator.core.agreement import AgreementReport, PairReport
from annotator.core.agreement_math import PRF

Chart = Callable[[PairReport], str]

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #1b1b1b;
       line-height: 1.45; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.8em 0; }
th, td { padding: 0.3em 0.8em; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { border-bottom: 2px solid #999; }
.muted { color: #666; } svg text { font: 12px system-ui, sans-serif; fill: #1b1b1b; }
"""


def number(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _prf_table(title: str, rows: dict[str, PRF]) -> str:
    body = "".join(
        f"<tr><td>{escape(label)}</td><td>{number(prf.precision)}</td>"
        f"<td>{number(prf.recall)}</td><td>{number(prf.f1)}</td>"
        f"<td>{prf.true_positives:g}</td><td>{prf.candidate_total}</td>"
        f"<td>{prf.reference_total}</td></tr>"
        for label, prf in rows.items()
    )
    return (
        f"<table><caption>{escape(title)}</caption><thead><tr><th>label</th><th>precision</th>"
        "<th>recall</th><th>F1</th><th>matched</th><th>candidate</th><th>reference</th>"
        f"</tr></thead><tbody>{body}</tbody></table>"
    )


def chart_rows(pair: PairReport) -> list[tuple[str, float, float]]:
    """(label, exact F1, overlap F1) per label, then micro: what the F1 chart shows."""
    labels = [label for label in pair.exact if label != "(micro)"] + ["(micro)"]
    return [
        (
            label,
            pair.exact[label].f1 or 0.0,
            pair.overlap.get(label, pair.exact[label]).f1 or 0.0,
        )
        for label in labels
    ]


def f1_chart(pair: PairReport, width: int = 560) -> str:
    """Horizontal bars of F1 per label, exact match solid and overlap match light behind it."""
    rows = chart_rows(pair)
    # Room for the longest label (about 8 px a character at 12 px), bars keep their length.
    label_width = max(110, 16 + 8 * max(len(label) for label, _exact, _overlap in rows))
    bar_width, row = width - 170, 22
    width = label_width + bar_width + 60
    height = row * len(rows) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="F1 per label, {escape(pair.candidate)} against '
        f'{escape(pair.reference)}">'
    ]
    for index, (label, exact, overlap) in enumerate(rows):
        y = 10 + index * row
        parts.append(f'<text x="0" y="{y + 14}">{escape(label)}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y + 2}" width="{overlap * bar_width:.1f}" '
            'height="16" fill="#b9d3ee"/>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 2}" width="{exact * bar_width:.1f}" '
            'height="16" fill="#2f6fad"/>'
        )
        parts.append(
            f'<text x="{label_width + bar_width + 6}" y="{y + 14}">'
            f"{number(exact, 2)} / {number(overlap, 2)}</text>"
        )
    legend_y = height - 6
    parts.append(
        f'<text x="{label_width}" y="{legend_y}" class="muted">dark: exact match · '
        "light: overlap match (values: exact / overlap)</text></svg>"
    )
    return "".join(parts)


def _pair_section(pair: PairReport, chart: Chart) -> str:
    topics = "".join(
        f"<tr><td>{escape(label)}</td><td>{number(kappa)}</td></tr>"
        for label, kappa in pair.topic_kappa.items()
    )
    passages = pair.unreliable_overlap
    return (
        f"<h2>{escape(pair.candidate)} against {escape(pair.reference)}</h2>"
        f"<p class='muted'>Over the <b>{pair.documents}</b> documents both marked done</p>"
        f"{chart(pair)}"
        f"<p>Entities, token-level Cohen's κ: <b>{number(pair.token_kappa)}</b></p>"
        f"{_prf_table('Entities, exact span match', pair.exact)}"
        f"{_prf_table('Entities, overlap match', pair.overlap)}"
        "<table><caption>Topics, Cohen's κ per label</caption><thead><tr><th>topic</th>"
        f"<th>κ</th></tr></thead><tbody>{topics}</tbody></table>"
        "<p>Unreliable passages: character-level Cohen's κ "
        f"<b>{number(pair.unreliable_char_kappa)}</b>, overlap F1 "
        f"<b>{number(passages.f1 if passages else None)}</b></p>"
    )


def _matrix(report: AgreementReport) -> str:
    """Micro F1 (exact) for every pair, when more than two annotators are compared, with the
    documents both finished: under partial overlap a pair may share few or none."""
    if len(report.annotators) < 3:
        return ""
    head = "".join(f"<th>{escape(name)}</th>" for name in report.annotators)
    rows = []
    for first in report.annotators:
        cells = []
        for second in report.annotators:
            pair = report.pair(first, second) if first != second else None
            cells.append(
                f"<td>{number(pair.exact['(micro)'].f1)} <span class='muted'>"
                f"({pair.documents})</span></td>"
                if pair
                else "<td>–</td>"
            )
        rows.append(f"<tr><td>{escape(first)}</td>{''.join(cells)}</tr>")
    return (
        "<h2>Pairwise entity agreement (micro F1, exact match; documents both finished)</h2>"
        f"<table><thead><tr><th></th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def render_html(report: AgreementReport, title: str, chart: Chart = f1_chart) -> str:
    """The whole report; ``chart`` draws each pair's F1 chart (inline SVG in the file, an
    image painted by Qt in the app, whose rich text cannot lay out SVG)."""
    rows = [
        ("entities (tokens)", report.entity_alpha.value, report.entity_alpha.units),
        (
            "unreliable passages (characters)",
            report.unreliable_alpha.value,
            report.unreliable_alpha.units,
        ),
    ] + [
        (f"topic: {label} (documents)", value, report.topic_units)
        for label, value in report.topic_alpha.items()
    ]
    alpha = "".join(
        f"<tr><td>{escape(what)}</td><td>{number(value)}</td><td>{units:,}</td></tr>"
        for what, value, units in rows
    )
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Agreement: {escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>Inter-annotator agreement</h1><p>{escape(title)} · annotators "
        f"{escape(', '.join(report.annotators))} · <b>{report.documents}</b> documents compared "
        "(those at least two annotators marked done)</p>"
        f"{_matrix(report)}"
        "<h2>Krippendorff's α (nominal, over every unit at least two annotators coded)</h2>"
        "<table><thead><tr><th>units</th><th>α</th><th>count</th></tr></thead>"
        f"<tbody>{alpha}</tbody></table>"
        + "".join(_pair_section(pair, chart) for pair in report.pairs)
        + "</body></html>"
    )

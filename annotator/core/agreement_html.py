"""The agreement report as one self-contained HTML file: tables and a per-label F1 chart.

No scripts, no external styles or fonts: the file opens offline in any browser and can be
mailed to a colleague. The chart is inline SVG. With more than ``SUMMARY_ABOVE`` annotators
the report does not list every pair (42 annotators: 861 sections); it shows each annotator's
mean agreement with the others and a heat map of every pair per figure instead, each cell
naming the pair, the figure and the documents it rests on when hovered.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from annotator.core.agreement import AgreementReport, PairReport
from annotator.core.agreement_math import PRF
from annotator.core.agreement_matrix import (
    SCALE,
    AnnotatorSummary,
    Figure,
    PairMatrix,
    common_prefix,
    describe,
    figures,
    heat_colour,
    ink_for,
    pair_matrix,
    short_number,
)

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
body.wide { max-width: 84em; }
table.summary td { white-space: nowrap; }
table.summary td.heat { text-align: center; }
.scroll { overflow-x: auto; }
table.heat { border-collapse: separate; border-spacing: 1px; font-size: 9px; }
table.heat td, table.heat th { padding: 0; border: 0; }
table.heat td { width: 24px; min-width: 24px; height: 20px; text-align: center; }
table.heat td.none { background: #fff; outline: 1px solid #eee; }
table.heat td.undefined { background: #ddd; color: #555; }
table.heat td.self { background: #f4f4f4; }
table.heat th.row { text-align: right; padding-right: 6px; white-space: nowrap; max-width: 14em;
                    overflow: hidden; text-overflow: ellipsis; position: sticky; left: 0;
                    background: #fff; font-weight: normal; font-size: 12px; }
table.heat th.column { vertical-align: bottom; font-weight: normal; font-size: 12px; }
table.heat th.column span { writing-mode: vertical-rl; transform: rotate(180deg);
                            white-space: nowrap; max-height: 9em; overflow: hidden;
                            text-overflow: ellipsis; display: inline-block; }
.legend { display: inline-block; width: 16em; height: 0.9em; vertical-align: middle;
          border: 1px solid #ccc; }
details > summary { cursor: pointer; font-size: 1.2em; font-weight: bold; margin-top: 1.5em; }
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


def pair_section(pair: PairReport, chart: Chart) -> str:
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


def _summary_table(report: AgreementReport, shown: list[Figure]) -> str:
    """One row per annotator: their documents and partners, and their mean over the others
    for each figure (the first also weighted by documents), coloured as in the heat maps;
    hover a mean for what it rests on."""
    summaries = [pair_matrix(report, figure).summary() for figure in shown]
    head = "".join(f"<th>{escape(figure.title)}</th>" for figure in shown)
    if shown:
        head = head.replace(
            "</th>", f"</th><th>{escape(shown[0].title)}, weighted by documents</th>", 1
        )
    rows = []
    for index, name in enumerate(report.annotators):
        others = len(report.annotators) - 1
        partners = sum(
            (pair := report.pair(name, other)) is not None and pair.documents > 0
            for other in report.annotators
            if other != name
        )
        cells = [_mean_cell(rows_[index]) for rows_ in summaries]
        if summaries:
            cells.insert(1, f"<td>{number(summaries[0][index].weighted_mean)}</td>")
        rows.append(
            f"<tr><td>{escape(name)}</td><td>{report.finished.get(name, 0):,}</td>"
            f"<td>{partners} <span class='muted'>of {others}</span></td>{''.join(cells)}</tr>"
        )
    return (
        "<table class='summary'><thead><tr><th>annotator</th><th>documents</th>"
        f"<th>partners</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _mean_cell(summary: AnnotatorSummary) -> str:
    if summary.mean is None:
        reason = "no document shared" if not summary.partners else "undefined for every pair"
        return f"<td class='heat' title='{escape(summary.annotator)}: {reason}'>–</td>"
    colour = heat_colour(summary.mean)
    lowest = summary.lowest
    hint = (
        f"{summary.annotator}: mean of {summary.measured} pairs "
        f"(weighted by documents {number(summary.weighted_mean)})"
        + (f"; lowest with {lowest.second}: {number(lowest.value)}" if lowest else "")
    )
    count = f" <small>({summary.measured})</small>" if summary.measured != summary.partners else ""
    return (
        f"<td class='heat' style='background:{colour};color:{ink_for(colour)}' "
        f"title='{escape(hint)}'>{number(summary.mean)}{count}</td>"
    )


def heat_map(matrix: PairMatrix) -> str:
    """The matrix as a table of coloured cells (viridis, dark = low), the figure in each and
    the pair, figure and documents in its title; empty cells where the two share nothing."""
    prefix = common_prefix(matrix.annotators)
    head = "".join(
        f"<th class='column' title='{escape(name)}'><span>{escape(name[len(prefix) :])}</span></th>"
        for name in matrix.annotators
    )
    rows = []
    for name, row in zip(matrix.annotators, matrix.rows, strict=True):
        cells = []
        for cell in row:
            if cell is None:
                cells.append("<td class='self'></td>")
                continue
            title = escape(describe(matrix.figure, cell))
            if not cell.shared:
                cells.append(f"<td class='none' title='{title}'></td>")
            elif cell.value is None:
                cells.append(f"<td class='undefined' title='{title}'>·</td>")
            else:
                colour = heat_colour(cell.value)
                cells.append(
                    f"<td style='background:{colour};color:{ink_for(colour)}' "
                    f"title='{title}'>{short_number(cell.value)}</td>"
                )
        rows.append(
            f"<tr><th class='row' title='{escape(name)}'>{escape(name[len(prefix) :])}</th>"
            f"{''.join(cells)}</tr>"
        )
    gradient = ", ".join(SCALE)
    shared = sum(cell.shared for cell in matrix.cells())
    return (
        f"<p class='muted'>{shared:,} of {len(matrix.cells()):,} pairs finished a document in "
        "common. Colour: 0 or below <span class='legend' "
        f"style='background:linear-gradient(to right, {gradient})'></span> 1; empty: no "
        "document both finished; grey: figure undefined. Hover a cell for the pair, the figure "
        f"and the documents and {escape(matrix.figure.units)} it rests on."
        + (f" Names without their common start “{escape(prefix)}”." if prefix else "")
        + "</p>"
        f"<div class='scroll'><table class='heat' aria-label='{escape(matrix.figure.title)} "
        f"for every pair'><thead><tr><th></th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _lowest_pairs(matrix: PairMatrix, count: int = 10) -> str:
    lowest = matrix.lowest_pairs(count)
    if not lowest:
        return ""
    rows = "".join(
        f"<tr><td>{escape(cell.first)} and {escape(cell.second)}</td><td>{number(cell.value)}"
        f"</td><td>{cell.documents}</td><td>{cell.units:,}</td></tr>"
        for cell in lowest
    )
    return (
        f"<table><caption>The {len(lowest)} pairs with the lowest {escape(matrix.figure.title)}"
        f"</caption><thead><tr><th>pair</th><th>value</th><th>documents</th>"
        f"<th>{escape(matrix.figure.units)}</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _summary(report: AgreementReport, heat_maps: bool) -> str:
    """Instead of every pair: each annotator's means, then a heat map per figure."""
    shown = figures(report)
    matrices = [pair_matrix(report, figure) for figure in shown]
    pairs = len(report.pairs)
    shared = sum(pair.documents > 0 for pair in report.pairs)
    parts = [
        "<h2>Each annotator's agreement with the others</h2>"
        f"<p class='muted'>{len(report.annotators)} annotators make {pairs:,} pairs, too many "
        f"to list: {shared:,} of them finished at least one document in common, "
        f"{pairs - shared:,} none (no figure: left out of every mean, never counted as 0). "
        "A mean is over the partners whose figure is defined (their number in brackets where "
        "fewer than all partners); the weighted mean weighs each pair by the documents both "
        "finished. Every pair's figures: <code>annotator agreement --json</code>.</p>"
        + _summary_table(report, shown)
    ]
    if matrices:
        parts.append(_lowest_pairs(matrices[0]))
    if heat_maps:
        for index, matrix in enumerate(matrices):
            title = f"{matrix.figure.title[:1].upper()}{matrix.figure.title[1:]}, every pair"
            if index == 0:
                parts.append(f"<h2>{escape(title)}</h2>{heat_map(matrix)}")
            else:
                parts.append(
                    f"<details><summary>{escape(title)}</summary>{heat_map(matrix)}</details>"
                )
    return "".join(parts)


def render_html(
    report: AgreementReport, title: str, chart: Chart = f1_chart, *, heat_maps: bool = True
) -> str:
    """The whole report; ``chart`` draws each pair's F1 chart (inline SVG in the file, an
    image painted by Qt in the app, whose rich text cannot lay out SVG). Above
    ``SUMMARY_ABOVE`` annotators: the summary and, unless ``heat_maps`` is off (the app
    paints its own), a heat map per figure, instead of every pair."""
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
    summarised = report.summarised
    who = (
        f"{len(report.annotators)} annotators"
        if summarised
        else f"annotators {', '.join(report.annotators)}"
    )
    alpha_section = (
        "<h2>Krippendorff's α (nominal, over every unit at least two annotators coded)</h2>"
        "<table><thead><tr><th>units</th><th>α</th><th>count</th></tr></thead>"
        f"<tbody>{alpha}</tbody></table>"
    )
    if summarised:
        body = alpha_section + _summary(report, heat_maps)
    else:
        body = (
            _matrix(report)
            + alpha_section
            + "".join(pair_section(pair, chart) for pair in report.pairs)
        )
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Agreement: {escape(title)}</title><style>{STYLE}</style></head>"
        f"<body{' class=wide' if summarised and heat_maps else ''}>"
        f"<h1>Inter-annotator agreement</h1><p>{escape(title)} · {escape(who)} · "
        f"<b>{report.documents}</b> documents compared "
        "(those at least two annotators marked done)</p>"
        f"{body}</body></html>"
    )

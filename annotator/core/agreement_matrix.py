"""Agreement with many annotators: one figure for every pair as a matrix, and each annotator's
mean agreement with the others.

Forty-two annotators make 861 pairs, too many to read one by one; what a team lead looks for
is the person who agrees less with everyone, and the pairs that never shared a document. So
the reports (CLI table, HTML file, the app's dialog) show, above ``SUMMARY_ABOVE`` annotators,
each annotator's mean over the others and a heat map of the matrix instead of every pair;
``--json`` keeps every pair. A pair with no document both finished has no figure ("no
data"): it is left out of every mean, never counted as 0. A pair that shares documents but
whose figure is undefined (neither marked an entity, say) is left out the same way, and the
counts say how many pairs and documents each mean rests on.

Plain data and plain Python: no store, no Qt; the colour scale is shared by the HTML file
and the app as hex strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.core.agreement import AgreementReport, PairReport

#: More annotators than this and the reports summarise (6 annotators are 15 pairs; 7 are 21).
SUMMARY_ABOVE = 6
MICRO = "(micro)"


@dataclass(frozen=True)
class Figure:
    """One pairwise figure a matrix can hold, and what its count counts."""

    key: str
    title: str
    #: For a column head: "entity F1 exact".
    short: str
    units: str
    topic: str | None = None

    def measure(self, pair: PairReport) -> tuple[float | None, int]:
        """The pair's value (None: undefined) and the number of units it rests on."""
        if self.key in ("entities_f1_exact", "entities_f1_overlap"):
            table = pair.exact if self.key == "entities_f1_exact" else pair.overlap
            prf = table.get(MICRO)
            if prf is None:
                return None, 0
            return prf.f1, prf.candidate_total + prf.reference_total
        if self.key == "entities_token_kappa":
            return pair.token_kappa, pair.tokens
        if self.key == "unreliable_char_kappa":
            return pair.unreliable_char_kappa, pair.characters
        if self.key == "unreliable_overlap_f1":
            prf = pair.unreliable_overlap
            if prf is None:
                return None, 0
            return prf.f1, prf.candidate_total + prf.reference_total
        if self.topic is not None:
            return pair.topic_kappa.get(self.topic), pair.documents
        raise ValueError(f"unknown figure {self.key}")


ENTITY_F1_EXACT = Figure("entities_f1_exact", "entity F1, exact match", "entity F1 exact", "spans")
ENTITY_F1_OVERLAP = Figure(
    "entities_f1_overlap", "entity F1, overlap match", "entity F1 overlap", "spans"
)
ENTITY_TOKEN_KAPPA = Figure(
    "entities_token_kappa", "entity Cohen's κ per token", "entity token κ", "tokens"
)
UNRELIABLE_CHAR_KAPPA = Figure(
    "unreliable_char_kappa",
    "unreliable passages, Cohen's κ per character",
    "passage character κ",
    "characters",
)
UNRELIABLE_OVERLAP_F1 = Figure(
    "unreliable_overlap_f1", "unreliable passages, overlap F1", "passage F1 overlap", "passages"
)


def topic_figure(label: str) -> Figure:
    return Figure(
        f"topic_kappa:{label}", f"topic “{label}”, Cohen's κ", f"{label} κ", "documents", label
    )


def figures(report: AgreementReport, *, with_data: bool = True) -> list[Figure]:
    """The figures a matrix can show, entities first; by default only those with a value
    for at least one pair (no heat map of nothing where nobody marks passages)."""
    every = [ENTITY_F1_EXACT, ENTITY_F1_OVERLAP, ENTITY_TOKEN_KAPPA]
    every += [topic_figure(label) for label in report.topic_alpha]
    every += [UNRELIABLE_CHAR_KAPPA, UNRELIABLE_OVERLAP_F1]
    if not with_data:
        return every
    return [f for f in every if any(f.measure(p)[0] is not None for p in report.pairs)]


@dataclass(frozen=True)
class Cell:
    """One pair's figure in a matrix, with what it rests on."""

    first: str
    second: str
    value: float | None
    documents: int
    units: int

    @property
    def shared(self) -> bool:
        """Whether the two finished any document in common (else: no data)."""
        return self.documents > 0

    @property
    def measured(self) -> bool:
        return self.shared and self.value is not None


@dataclass(frozen=True)
class AnnotatorSummary:
    """One annotator's agreement with the others on one figure."""

    annotator: str
    #: Compared documents they finished (each shared with at least one other annotator).
    documents: int
    #: The others in the comparison, and those of them they share a finished document with.
    others: int
    partners: int
    #: Pairs whose figure is defined: what the means rest on.
    measured: int
    #: Plain mean over the measured pairs, and the same with each pair weighted by the
    #: documents both finished (a pair sharing one document weighs less than one sharing ten).
    mean: float | None
    weighted_mean: float | None
    #: The measured pair with the lowest figure: whom they disagree with most.
    lowest: Cell | None

    def as_dict(self) -> dict[str, object]:
        return {
            "annotator": self.annotator,
            "documents": self.documents,
            "others": self.others,
            "partners": self.partners,
            "measured_pairs": self.measured,
            "mean": self.mean,
            "weighted_mean": self.weighted_mean,
            "lowest": None
            if self.lowest is None
            else {"with": self.lowest.second, "value": self.lowest.value},
        }


@dataclass(frozen=True)
class PairMatrix:
    """One figure for every pair: ``rows[i][j]`` is annotators i and j, None on the diagonal."""

    figure: Figure
    annotators: tuple[str, ...]
    rows: tuple[tuple[Cell | None, ...], ...]
    #: Compared documents each annotator finished.
    finished: dict[str, int]

    def cell(self, first: str, second: str) -> Cell | None:
        return self.rows[self.annotators.index(first)][self.annotators.index(second)]

    def cells(self) -> list[Cell]:
        """Each pair once (upper triangle), in the report's order."""
        return [
            cell
            for i, row in enumerate(self.rows)
            for j, cell in enumerate(row)
            if j > i and cell is not None
        ]

    def summary(self) -> list[AnnotatorSummary]:
        """Each annotator's mean over the others, in the report's order."""
        result = []
        for name, row in zip(self.annotators, self.rows, strict=True):
            mine = [cell for cell in row if cell is not None]
            measured = [cell for cell in mine if cell.measured]
            values = [cell.value for cell in measured if cell.value is not None]
            weights = sum(cell.documents for cell in measured)
            result.append(
                AnnotatorSummary(
                    annotator=name,
                    documents=self.finished.get(name, 0),
                    others=len(mine),
                    partners=sum(cell.shared for cell in mine),
                    measured=len(measured),
                    mean=sum(values) / len(values) if values else None,
                    weighted_mean=sum(
                        cell.value * cell.documents for cell in measured if cell.value is not None
                    )
                    / weights
                    if weights
                    else None,
                    lowest=min(measured, key=lambda cell: cell.value or 0.0, default=None),
                )
            )
        return result

    def lowest_pairs(self, count: int = 10) -> list[Cell]:
        """The measured pairs with the lowest figures, fewest shared documents first on ties."""
        measured = [cell for cell in self.cells() if cell.measured]
        return sorted(measured, key=lambda c: (c.value, c.documents))[:count]

    def unshared(self) -> int:
        """Pairs with no document both finished."""
        return sum(not cell.shared for cell in self.cells())


def describe(figure: Figure, cell: Cell) -> str:
    """The pair, the figure and what it rests on: a heat map cell's tooltip."""
    pair = f"{cell.first} and {cell.second}"
    if not cell.shared:
        return f"{pair}: no document both finished"
    documents = f"{cell.documents} document{'s' if cell.documents != 1 else ''}"
    if cell.value is None:
        return f"{pair}: {figure.title} undefined over {documents}"
    return (
        f"{pair}: {figure.title} {cell.value:.3f} over {documents} ({cell.units:,} {figure.units})"
    )


def pair_matrix(report: AgreementReport, figure: Figure) -> PairMatrix:
    rows = []
    for first in report.annotators:
        row: list[Cell | None] = []
        for second in report.annotators:
            pair = report.pair(first, second) if first != second else None
            if pair is None:
                row.append(None)
                continue
            value, units = figure.measure(pair)
            if not pair.documents:
                value, units = None, 0
            row.append(Cell(first, second, value, pair.documents, units))
        rows.append(tuple(row))
    return PairMatrix(figure, tuple(report.annotators), tuple(rows), dict(report.finished))


def summary_dict(report: AgreementReport) -> dict[str, object]:
    """Each annotator's means for every figure with data: the ``summary`` part of ``--json``."""
    return {
        figure.key: {
            "title": figure.title,
            "units": figure.units,
            "annotators": [row.as_dict() for row in pair_matrix(report, figure).summary()],
        }
        for figure in figures(report)
    }


def common_prefix(names: Sequence[str]) -> str:
    """What every name starts with, up to a separator: Prodigy's session names carry their
    dataset ("ner_news-alex", "ner_news-bea"), which a heat map's labels need not repeat."""
    if len(names) < 2:
        return ""
    first, last = min(names), max(names)  # what these two share, all between them share
    size = next(
        (i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b),
        min(len(first), len(last)),
    )
    prefix = first[:size]
    cut = max(prefix.rfind(mark) for mark in "-_.:/@ ") + 1
    prefix = prefix[:cut]
    if len(prefix) < 3 or any(len(name) == len(prefix) for name in names):
        return ""
    return prefix


#: Viridis (perceptually even, colour-blind-safe, readable in grey): low agreement dark.
SCALE = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")


def heat_colour(value: float) -> str:
    """The colour of a value on the 0-1 scale; below 0 (a kappa worse than chance) as 0."""
    position = min(max(value, 0.0), 1.0) * (len(SCALE) - 1)
    index = min(int(position), len(SCALE) - 2)
    share = position - index
    low, high = _rgb(SCALE[index]), _rgb(SCALE[index + 1])
    mixed = (round(a + (b - a) * share) for a, b in zip(low, high, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*mixed)


def ink_for(colour: str) -> str:
    """Black or white text, whichever reads on the colour (WCAG relative luminance)."""
    channels = [c / 255 for c in _rgb(colour)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if luminance > 0.179 else "#ffffff"


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def short_number(value: float) -> str:
    """Two decimals without the leading zero, for a cell a few characters wide: .83, 1, −.12."""
    text = f"{value:.2f}"
    if text == "-0.00":
        text = "0.00"
    if text in ("1.00", "-1.00"):
        return text[:-3].replace("-", "−")
    return text.replace("0.", ".").replace("-", "−")

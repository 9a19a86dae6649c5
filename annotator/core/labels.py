"""Label schemes: the defaults of a new project and the colours given to new labels."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.records import LabelKind

#: Colours readable under dark text in light and dark palettes (displaCy's palette family).
PALETTE = (
    "#7aecec",
    "#bfeeb7",
    "#feca74",
    "#ff9561",
    "#aa9cfc",
    "#c887fb",
    "#9cc9cc",
    "#ffeb80",
    "#ff8197",
    "#e4e7d2",
    "#bfe1d9",
    "#f0d0ff",
)


@dataclass(frozen=True)
class LabelInfo:
    """A label as the API hands it out: enough for a legend, a shortcut and a tooltip."""

    id: int
    kind: LabelKind
    name: str
    colour: str
    shortcut: str | None
    description: str
    position: int


@dataclass(frozen=True)
class LabelSpec:
    name: str
    description: str


DEFAULT_ENTITY_LABELS = (
    LabelSpec("PERSON", "People, including fictional ones"),
    LabelSpec("ORG", "Companies, agencies, institutions, international organisations"),
    LabelSpec("GPE", "Countries, cities, states: places with a government"),
    LabelSpec("LOC", "Other locations: continents, regions, mountain ranges, bodies of water"),
    LabelSpec("NORP", "Nationalities, religious or political groups"),
    LabelSpec("DATE", "Absolute or relative dates and periods"),
    LabelSpec("MONEY", "Monetary values, with their unit"),
    LabelSpec("PERCENT", "Percentages, including the word percent"),
)
DEFAULT_TOPIC_LABELS = (
    LabelSpec("diplomacy", "Relations between states, summits, treaties"),
    LabelSpec("trade", "Imports, exports, tariffs, trade agreements"),
    LabelSpec("economy", "Growth, inflation, markets, budgets"),
    LabelSpec("security", "Military, defence, conflict, terrorism"),
    LabelSpec("religion", "Faiths, religious institutions and leaders"),
    LabelSpec("energy", "Oil, gas, power generation, pipelines"),
    LabelSpec("climate", "Climate change, emissions, weather extremes"),
    LabelSpec("elections", "Campaigns, votes, results"),
    LabelSpec("health", "Public health, disease, health systems"),
)
DEFAULT_RELIABILITY_REASONS = (
    LabelSpec("fabricated", "A claim or figure that is made up or contradicts the record"),
    LabelSpec("unverifiable", "Anonymous or unsourced claims that cannot be checked"),
    LabelSpec("misleading", "True facts framed to suggest something false"),
)

DEFAULT_SCHEMES: dict[LabelKind, tuple[LabelSpec, ...]] = {
    LabelKind.ENTITY: DEFAULT_ENTITY_LABELS,
    LabelKind.TOPIC: DEFAULT_TOPIC_LABELS,
    LabelKind.RELIABILITY: DEFAULT_RELIABILITY_REASONS,
}

#: Shortcut keys per scheme: digits for entities (as in Prodigy), modifier+digit for topics and
#: reasons. Relation and span-group labels are not applied by key yet, so they get none.
SHORTCUT_PREFIX = {LabelKind.ENTITY: "", LabelKind.TOPIC: "Ctrl+", LabelKind.RELIABILITY: "Alt+"}


def colour_for(position: int) -> str:
    return PALETTE[position % len(PALETTE)]


def default_shortcut(kind: LabelKind, position: int) -> str | None:
    """Keys 1..9 in order of the scheme; labels beyond the ninth are reached by the picker."""
    if position >= 9 or kind not in SHORTCUT_PREFIX:
        return None
    return f"{SHORTCUT_PREFIX[kind]}{position + 1}"

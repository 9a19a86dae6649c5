"""Label schemes: the defaults of a new project, the colours given to new labels, and the
changes to a scheme that reach into annotations: deleting a label and reordering a scheme.

A scheme's stored order is the one order of its labels: the label pane, the filters, the
editor and the exports' topic lists all read it. While every label of a scheme still has its
default key (1-9 in order, as Prodigy numbers its labels), the keys follow the order through
moves and deletions; once someone has set a key by hand, each key stays with its label.

Deleting a label takes every span, topic decision and relation that names it, in one
transaction. Nobody's work goes without being asked for: a label that people used is deleted
only with a confirmation that names the counts it was shown; a label only models suggested
goes with its suggestions, which the result names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.errors import LabelError
from annotator.core.records import LabelKind

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from annotator.core.project import Project

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


def keys_follow_order(kind: LabelKind, shortcuts: Sequence[str | None]) -> bool:
    """Whether a scheme's keys (in its order) are still the default ones of their positions:
    then moving or deleting a label renumbers the keys, as the user never chose them."""
    return all(
        _key(shortcut) == _key(default_shortcut(kind, position))
        for position, shortcut in enumerate(shortcuts)
    )


def _key(shortcut: str | None) -> str:
    return (shortcut or "").replace(" ", "").casefold()


#: What one span of a scheme is called when counting a person's work.
SPAN_NOUNS = {
    LabelKind.ENTITY: ("entity", "entities"),
    LabelKind.RELIABILITY: ("unreliable passage", "unreliable passages"),
}


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"


@dataclass(frozen=True)
class LabelUse:
    """One annotator's rows that name a label: what deleting the label would take from them."""

    annotator: str
    model: bool
    spans: int
    rejected: int
    topics: int
    relations: int
    documents: int

    def describe(self, kind: LabelKind) -> str:
        """'tester: 3 entities and 1 rejected suggestion in 2 documents'."""
        singular, plural = SPAN_NOUNS.get(kind, ("span", "spans"))
        if self.model:
            singular, plural = "suggestion", "suggestions"
        parts = []
        if self.spans - self.rejected:
            parts.append(_count(self.spans - self.rejected, singular, plural))
        if self.rejected:
            parts.append(_count(self.rejected, "rejected suggestion"))
        if self.topics:
            parts.append(
                _count(self.topics, "topic suggestion" if self.model else "topic decision")
            )
        if self.relations:
            parts.append(_count(self.relations, "relation"))
        listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
        who = f"{self.annotator} (model)" if self.model else self.annotator
        return f"{who}: {listed} in {_count(self.documents, 'document')}"


@dataclass(frozen=True)
class LabelUsage:
    """Who uses a label and how much, per annotator (people first, then models)."""

    label: LabelInfo
    uses: tuple[LabelUse, ...]

    @property
    def unused(self) -> bool:
        return not self.uses

    @property
    def people(self) -> tuple[LabelUse, ...]:
        """The uses a deletion may take only when asked: people's work, gold included."""
        return tuple(use for use in self.uses if not use.model)

    @property
    def only_suggestions(self) -> bool:
        """Only models' suggestions use the label: they can go with it after saying so."""
        return bool(self.uses) and not self.people

    def describe(self) -> str:
        """One line per annotator, for a confirmation or a report."""
        return "\n".join(use.describe(self.label.kind) for use in self.uses)


class LabelInUse(LabelError):
    """People's work uses the label, and the deletion was not confirmed with these counts."""

    def __init__(self, usage: LabelUsage, message: str) -> None:
        super().__init__(message)
        self.usage = usage


def _info(row: Sequence[Any]) -> LabelInfo:
    return LabelInfo(row[0], LabelKind(row[1]), row[2], row[3], row[4], row[5], row[6])


def _usage(conn: Connection, label_id: int) -> LabelUsage:
    # Imported here: the store's bulk writer takes its colours and keys from this module.
    from annotator.core.store import labels as store

    row = store.label_row(conn, label_id)
    if row is None:
        raise LabelError(f"There is no label with id {label_id}.")
    uses = tuple(
        LabelUse(name, kind == "model", spans, rejected, topics, relations, documents)
        for name, kind, spans, rejected, topics, relations, documents in store.uses(conn, label_id)
    )
    return LabelUsage(_info(row), uses)


def label_usage(project: Project, label_id: int) -> LabelUsage:
    """What deleting the label would take, per annotator: ask before :func:`delete_label`."""
    with project.read() as conn:
        return _usage(conn, label_id)


def delete_label(
    project: Project, label_id: int, *, confirmed: LabelUsage | None = None
) -> LabelUsage:
    """Delete a label with every span, topic decision and relation that names it, in one
    transaction; returns what went with it.

    An unused label, or one only models suggested, is deleted at once. When people's work
    uses it, ``confirmed`` must be the :func:`label_usage` the user agreed to, and still true
    when the deletion runs: work added meanwhile (another window, a merge) raises
    :class:`LabelInUse` with the new counts instead of going unseen. The label's key becomes
    free, or, while the scheme's keys follow its order, the labels after it move up a key.
    """
    from annotator.core.store import labels as store

    with project.write() as conn:
        usage = _usage(conn, label_id)
        agreed = confirmed is not None and confirmed.label.id == label_id
        if usage.people and not (agreed and confirmed.uses == usage.uses):
            asked = "It" if confirmed is None else "Since you were asked, its use changed: it"
            raise LabelInUse(
                usage,
                f"The label '{usage.label.name}' was not deleted. {asked} is used by\n"
                f"{usage.describe()}",
            )
        kind = usage.label.kind
        current = store.scheme(conn, kind.value)
        remaining = [row for row in current if row[0] != label_id]
        following = keys_follow_order(kind, [row[2] for row in current])
        store.delete_label(conn, label_id, kind.value, usage.label.name)
        store.set_order(conn, _positions(kind, remaining, following))
        store.log(
            conn,
            "delete_label",
            {
                "kind": kind.value,
                "label": usage.label.name,
                "removed": {use.annotator: use.describe(kind) for use in usage.uses},
            },
        )
    return usage


def reorder_labels(project: Project, kind: LabelKind, label_ids: Sequence[int]) -> list[LabelInfo]:
    """Store a scheme's order: ``label_ids`` are all of its labels, first to last.

    A list that is not exactly the scheme's labels (someone added or deleted one meanwhile)
    raises LabelError and changes nothing.
    """
    with project.write() as conn:
        _reorder(conn, kind, label_ids)
    return project.labels(kind)


def move_label(project: Project, label_id: int, steps: int) -> list[LabelInfo]:
    """Move a label ``steps`` places down its scheme (negative: up), stopping at either end;
    returns the scheme in its new order."""
    from annotator.core.store import labels as store

    with project.write() as conn:
        row = store.label_row(conn, label_id)
        if row is None:
            raise LabelError(f"There is no label with id {label_id}.")
        kind = LabelKind(row[1])
        ids = [scheme_row[0] for scheme_row in store.scheme(conn, kind.value)]
        index = ids.index(label_id)
        ids.insert(max(0, min(len(ids) - 1, index + steps)), ids.pop(index))
        _reorder(conn, kind, ids)
    return project.labels(kind)


def _reorder(conn: Connection, kind: LabelKind, label_ids: Sequence[int]) -> None:
    from annotator.core.store import labels as store

    current = store.scheme(conn, kind.value)
    by_id = {row[0]: row for row in current}
    if sorted(label_ids) != sorted(by_id):
        raise LabelError(f"The {kind.value} labels changed meanwhile; the order was not stored.")
    ordered = [by_id[label_id] for label_id in label_ids]
    if ordered == current:
        return
    following = keys_follow_order(kind, [row[2] for row in current])
    store.set_order(conn, _positions(kind, ordered, following))
    store.log(conn, "reorder_labels", {"kind": kind.value, "order": [row[1] for row in ordered]})


def _positions(
    kind: LabelKind, ordered: Sequence[tuple[int, str, str | None]], following: bool
) -> list[tuple[int, str | None, int]]:
    """(position, key, id) rows numbering ``ordered`` from 0; keys renumbered if they follow
    the order."""
    return [
        (position, default_shortcut(kind, position) if following else shortcut, label_id)
        for position, (label_id, _name, shortcut) in enumerate(ordered)
    ]

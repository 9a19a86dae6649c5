"""Task distribution: which documents each annotator is given, as Prodigy's feed overlap,
Argilla's distribution and Label Studio's overlap give them out.

Every document goes to ``overlap`` distinct annotators, and a shared slice (a percentage or a
count of the documents) to all of them, so that their agreement can be measured on it. Loads
(documents outside the slice) are within one of each other, and who gets what is decided by a
seed, so the same project, people and seed give the same distribution.

Assigning again re-balances instead of starting over, and keeps work where it is:

- a document someone has begun or finished (any status but new, or time spent on it) stays
  theirs, also when they leave, and counts towards its overlap;
- a leaver's unstarted documents go to the others, the least loaded first;
- a joiner takes unstarted documents from the most loaded, from the end of their queues (the
  documents they would reach last), until the loads are within one or nothing movable is left;
- new documents are given out, removed ones forgotten;
- with nothing changed, nothing changes.

:func:`plan` is the pure distribution over plain values; :func:`assign` reads a project,
plans and writes the difference in one transaction.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.errors import AnnotatorError
from annotator.core.store import annotations as people
from annotator.core.store import assignments as store
from annotator.core.store import settings as project_settings

if TYPE_CHECKING:
    from annotator.core.project import Project

#: Who holds a document, and whether as part of the shared slice: {annotator: shared}.
Holders = dict[str, bool]
_MASK = (1 << 64) - 1
_SHARED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$")
#: The project setting holding the last assignment's parameters (annotators, overlap, shared
#: slice, seed), the defaults of the next.
PARAMETERS = "assignment"


@dataclass(frozen=True)
class SharedSlice:
    """The documents everyone labels: a percentage of the project or a count."""

    percent: float | None = None
    count: int = 0

    @classmethod
    def parse(cls, value: str | int | SharedSlice | None) -> SharedSlice:
        """``"10%"`` (a tenth of the documents), ``"25"`` or ``25`` (25 documents)."""
        if isinstance(value, SharedSlice):
            return value
        if value is None:
            return cls()
        if isinstance(value, int):
            if value < 0:
                raise AnnotatorError(f"The shared slice cannot be negative ({value}).")
            return cls(count=value)
        match = _SHARED.match(value)
        if match is None:
            raise AnnotatorError(
                f"Give the shared slice as a percentage (10%) or a number of documents, "
                f"not '{value}'."
            )
        number, percent = match.groups()
        if percent:
            share = float(number)
            if share > 100:
                raise AnnotatorError(f"The shared slice cannot be more than 100% ({value}).")
            return cls(percent=share)
        if "." in number:
            raise AnnotatorError(f"A number of documents is whole, not {value}.")
        return cls(count=int(number))

    def documents(self, total: int) -> int:
        """How many of ``total`` documents the slice holds (a percentage rounds half up)."""
        if self.percent is not None:
            return min(total, math.floor(total * self.percent / 100 + 0.5))
        if self.count > total:
            raise AnnotatorError(
                f"A shared slice of {self.count:,} documents is more than the project holds "
                f"({total:,})."
            )
        return self.count

    def __str__(self) -> str:
        if self.percent is not None:
            return f"{self.percent:g}%"
        return str(self.count)


@dataclass
class AnnotatorLoad:
    """One annotator's part of a distribution."""

    #: Documents assigned (shared slice included).
    assigned: int = 0
    #: Of them, in the shared slice.
    shared: int = 0
    #: Of them, begun or finished: kept where they are by any re-balancing.
    started: int = 0
    #: Given to them by this run.
    moved_in: int = 0
    #: Taken from them by this run.
    moved_out: int = 0


@dataclass
class AssignmentReport:
    """A distribution as it stands after :func:`assign` (or as :func:`current` reads it)."""

    documents: int
    annotators: list[str]
    overlap: int
    shared: str
    shared_documents: int
    seed: int
    #: Per annotator, the named ones first; people who left and keep started work follow.
    loads: dict[str, AnnotatorLoad] = field(default_factory=dict)

    @property
    def moved(self) -> int:
        """Assignments given out by this run (moved in); 0 when nothing changed."""
        return sum(load.moved_in for load in self.loads.values())

    @property
    def changed(self) -> bool:
        return any(load.moved_in or load.moved_out for load in self.loads.values())

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "moved": self.moved, "changed": self.changed}


def _mix(value: int) -> int:
    """SplitMix64's finaliser: a well-spread 64-bit number from any integer, the same on
    every machine and run (Python's own ``hash`` of a string changes per process)."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def _name_key(seed: int, name: str) -> int:
    digest = hashlib.blake2b(f"{seed}\0{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def plan(
    documents: Iterable[int],
    annotators: Iterable[str],
    *,
    overlap: int,
    shared: int,
    seed: int = 0,
    current: Mapping[int, Mapping[str, bool]] | None = None,
    started: Iterable[tuple[int, str]] = (),
) -> dict[int, Holders]:
    """The distribution to have: {document: {annotator: in the shared slice}}.

    ``current`` is the distribution there is (empty for a first assignment), ``started`` the
    (document, annotator) pairs with work begun or finished. ``shared`` is the number of
    documents in the shared slice. See the module's docstring for the rules.
    """
    roster = sorted(set(annotators))
    if not roster:
        raise AnnotatorError("Name at least one annotator to assign documents to.")
    if not 1 <= overlap <= len(roster):
        raise AnnotatorError(
            f"Each document can go to between 1 and {len(roster)} annotators (the number "
            f"named), not {overlap}."
        )
    docs = sorted(set(documents))
    if not 0 <= shared <= len(docs):
        raise AnnotatorError(f"The shared slice must hold 0 to {len(docs):,} documents.")
    members = set(roster)
    holding = {d: dict(current[d]) for d in docs if current and d in current}
    known = set(docs)
    # Work that stays where it is: the named people's anywhere, a leaver's where they hold
    # the document. (Others' work, a reviewer's say, is no part of the distribution.)
    pinned: dict[int, set[str]] = defaultdict(set)
    for document, name in started:
        if document in known and (name in members or name in holding.get(document, {})):
            pinned[document].add(name)
    base = _mix(seed)
    rank = {d: _mix(base ^ d) for d in docs}
    names = {name: _name_key(seed, name) for name in roster}

    def tiebreak(document: int, name: str) -> int:
        """An order of the annotators drawn afresh per document, for ties between equal
        loads: every pair of annotators comes to share documents, which agreement needs."""
        return _mix(rank[document] ^ names[name])

    shared_docs = _shared_slice(docs, holding, shared, rank)
    target: dict[int, Holders] = {}
    for document in shared_docs:
        target[document] = dict.fromkeys((*roster, *pinned.get(document, ())), True)

    chosen: dict[int, set[str]] = {}
    load = dict.fromkeys(roster, 0)
    for document in docs:
        if document in shared_docs:
            continue
        kept = {name for name in holding.get(document, {}) if name in members}
        chosen[document] = kept | pinned.get(document, set())
        for name in chosen[document] & members:
            load[name] += 1
    # Fewer annotators per document (or a document leaving the slice): the unstarted
    # holders with the most work go first.
    for document, holders in chosen.items():
        if len(holders) > overlap:
            free = sorted(
                holders - pinned.get(document, set()),
                key=lambda n, d=document: (-load[n], tiebreak(d, n)),
            )
            for name in free[: len(holders) - overlap]:
                holders.discard(name)
                load[name] -= 1
    # Documents short of annotators (new ones, a leaver's) go to the least loaded. Picking
    # the ``overlap`` smallest loads keeps loads that were within one within one.
    for document, holders in chosen.items():
        if len(holders) < overlap:
            candidates = sorted(
                (name for name in roster if name not in holders),
                key=lambda n, d=document: (load[n], tiebreak(d, n)),
            )
            for name in candidates[: overlap - len(holders)]:
                holders.add(name)
                load[name] += 1
    _balance(roster, chosen, pinned, load, names)
    for document, holders in chosen.items():
        target[document] = dict.fromkeys(holders, False)
    return target


def _shared_slice(
    docs: list[int], holding: dict[int, Holders], size: int, rank: dict[int, int]
) -> set[int]:
    """The documents of the shared slice: those already in it stay as far as the size
    allows; the rest are drawn by the seed."""
    was = sorted((d for d in docs if any(holding.get(d, {}).values())), key=rank.__getitem__)
    if len(was) >= size:
        return set(was[:size])
    chosen = set(was)
    others = sorted((d for d in docs if d not in chosen), key=rank.__getitem__)
    return chosen | set(others[: size - len(was)])


def _balance(
    roster: list[str],
    chosen: dict[int, set[str]],
    pinned: Mapping[int, set[str]],
    load: dict[str, int],
    names: Mapping[str, int],
) -> None:
    """Move unstarted documents from the most to the least loaded until loads are within one
    or no move is possible.

    A move from ``high`` to ``low`` takes the last document of ``high``'s queue that ``low``
    does not hold already. ``held[(high, low)]`` remembers how many documents at the end of
    ``high``'s queue ``low`` holds too, so a scan never walks them again (a joiner who takes
    the ends of everyone's queues would otherwise make each scan longer than the last); a
    move that could break that knowledge forgets it. Every move lowers the sum of squared
    loads, so this ends.
    """
    movable: dict[str, list[int]] = {name: [] for name in roster}
    for document in sorted(chosen):
        for name in chosen[document] - pinned.get(document, set()):
            if name in movable:
                movable[name].append(document)
    order = {name: names[name] for name in roster}
    held: dict[tuple[str, str], int] = {}
    while True:
        by_load = sorted(roster, key=lambda n: (load[n], order[n]))
        move = None
        for low in by_load:
            for high in reversed(by_load):
                if load[high] - load[low] < 2:
                    break
                queue = movable[high]
                index = len(queue) - 1 - held.get((high, low), 0)
                while index >= 0 and low in chosen[queue[index]]:
                    index -= 1
                held[(high, low)] = len(queue) - 1 - index
                if index >= 0:
                    move = (high, low, index)
                    break
            if move is not None:
                break
        if move is None:
            return
        high, low, index = move
        queue = movable[high]
        document = queue.pop(index)
        chosen[document].discard(high)
        chosen[document].add(low)
        load[high] -= 1
        load[low] += 1
        bisect.insort(movable[low], document)
        known: dict[tuple[str, str], int] = {}
        for (h, lo), count in held.items():
            if h == low or lo == high:
                continue  # low's queue has a new document; the document no longer has high
            if h == high and index >= len(queue) - count + 1:
                count -= 1  # the document left the end of high's queue
            known[(h, lo)] = count
        held = known


def changes(
    before: Mapping[int, Mapping[str, bool]], after: Mapping[int, Mapping[str, bool]]
) -> tuple[list[tuple[int, str]], list[tuple[int, str, bool]], list[tuple[int, str, bool]]]:
    """(removed, added, re-flagged) rows between two distributions."""
    removed: list[tuple[int, str]] = []
    added: list[tuple[int, str, bool]] = []
    reflagged: list[tuple[int, str, bool]] = []
    for document in sorted(before.keys() | after.keys()):
        old, new = before.get(document, {}), after.get(document, {})
        removed += [(document, name) for name in sorted(old.keys() - new.keys())]
        for name in sorted(new):
            if name not in old:
                added.append((document, name, new[name]))
            elif old[name] != new[name]:
                reflagged.append((document, name, new[name]))
    return removed, added, reflagged


def parse_names(text: str) -> list[str]:
    """``"alice, bob,carol"`` as a list of names, refusing an empty or repeated name."""
    names = [name.strip() for name in text.split(",")]
    if not any(names) or not all(names):
        raise AnnotatorError(f"Give the annotators as names separated by commas, not '{text}'.")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise AnnotatorError(f"{', '.join(repeated)} named more than once.")
    return names


def _holders(rows: Iterable[tuple[int, str, bool]]) -> dict[int, Holders]:
    result: dict[int, Holders] = defaultdict(dict)
    for document, name, shared in rows:
        result[document][name] = shared
    return dict(result)


def assign(
    project: Project,
    annotators: Sequence[str] | None = None,
    *,
    overlap: int | None = None,
    shared: str | int | SharedSlice | None = None,
    seed: int | None = None,
) -> AssignmentReport:
    """Give the project's documents out (or re-balance the distribution there is).

    Parameters left out are the last assignment's (overlap 1, no shared slice and seed 0 the
    first time), so ``assign(project, [...one more name...])`` is a join. Reading, planning
    and writing are one write transaction: no edit can begin a document meanwhile.
    """
    with project.write() as conn:
        previous = project_settings.get(conn, PARAMETERS)[1] or {}
        roster = list(annotators) if annotators is not None else previous.get("annotators")
        if not roster:
            raise AnnotatorError("Name the annotators to give the documents to.")
        models = store.model_names(conn, roster)
        if models:
            raise AnnotatorError(f"{', '.join(models)}: a model is given no documents.")
        overlap = overlap if overlap is not None else previous.get("overlap", 1)
        portion = SharedSlice.parse(shared if shared is not None else previous.get("shared"))
        seed = seed if seed is not None else previous.get("seed", 0)
        documents = store.document_ids(conn)
        before = _holders(store.current(conn))
        started = store.started(conn, roster)
        after = plan(
            documents,
            roster,
            overlap=overlap,
            shared=portion.documents(len(documents)),
            seed=seed,
            current=before,
            started=started,
        )
        removed, added, reflagged = changes(before, after)
        involved = sorted(set(roster) | {n for holders in before.values() for n in holders})
        ids = {name: people.ensure_annotator(conn, name) for name in involved}
        store.apply(
            conn,
            removed=[(d, ids[n]) for d, n in removed],
            added=[(d, ids[n], s) for d, n, s in added],
            reflagged=[(d, ids[n], s) for d, n, s in reflagged],
        )
        project_settings.put(
            conn,
            PARAMETERS,
            {
                "annotators": sorted(roster),
                "overlap": overlap,
                "shared": str(portion),
                "seed": seed,
            },
        )
    report = _report(len(documents), sorted(roster), overlap, portion, seed, after, started)
    for _document, name in removed:
        report.loads.setdefault(name, AnnotatorLoad()).moved_out += 1
    for _document, name, _shared in added:
        report.loads[name].moved_in += 1
    return report


def _report(
    documents: int,
    roster: list[str],
    overlap: int,
    portion: SharedSlice,
    seed: int,
    holders: Mapping[int, Holders],
    started: Iterable[tuple[int, str]],
) -> AssignmentReport:
    begun = set(started)
    loads = {name: AnnotatorLoad() for name in roster}
    shared_documents = 0
    for document, who in holders.items():
        shared_documents += any(who.values())
        for name, in_slice in who.items():
            load = loads.setdefault(name, AnnotatorLoad())
            load.assigned += 1
            load.shared += in_slice
            load.started += (document, name) in begun
    ordered = {name: loads.pop(name) for name in roster}
    ordered.update(sorted(loads.items()))
    return AssignmentReport(
        documents=documents,
        annotators=roster,
        overlap=overlap,
        shared=str(portion),
        shared_documents=shared_documents,
        seed=seed,
        loads=ordered,
    )


def current(project: Project) -> AssignmentReport | None:
    """The distribution as it stands, or None when the project has none."""
    with project.read() as conn:
        parameters = project_settings.get(conn, PARAMETERS)[1]
        rows = store.current(conn)
        if parameters is None and not rows:
            return None
        parameters = parameters or {}
        roster = parameters.get("annotators") or sorted({name for _d, name, _s in rows})
        started = store.started(conn, roster)
        documents = store.document_count(conn)
    return _report(
        documents,
        roster,
        parameters.get("overlap", 1),
        SharedSlice.parse(parameters.get("shared")),
        parameters.get("seed", 0),
        _holders(rows),
        started,
    )


def has_queue(project: Project, annotator: str) -> bool:
    """Whether documents are assigned to this person (then the app follows their queue)."""
    with project.read() as conn:
        return store.has_queue(conn, annotator)


def queue(project: Project, annotator: str) -> list[int]:
    """The documents assigned to this person, in import order."""
    with project.read() as conn:
        return store.queue(conn, annotator)


def queue_progress(project: Project, annotator: str) -> tuple[int, int]:
    """(documents assigned to this person, of them done)."""
    with project.read() as conn:
        return store.queue_progress(conn, annotator)

"""Push and pull: annotation sets travel between a laptop's project and the team database.

``push(local, remote)`` copies the laptop's work to the team; ``pull(remote, local)`` brings
the team's to the laptop. Both run :func:`synchronise` from one project (the source) into
the other (the target), in one transaction on the target: a failure leaves it as it was.

- Documents are matched by content hash (their ids differ); a document the target lacks
  comes with its text, title, source, meta, boilerplate regions and assignments. Labels are
  matched by kind and name; labels the target lacks join its schemes.
- The unit is a *set*: one annotator's work on one document (status, spans with their
  provenance, topic decisions, relations, active time; a model's suggestions with its
  uncertainty; the gold set with the document's review decisions and review mark).
- The local project remembers, for each set, the digest of what both sides held when they
  last agreed (``sync_state``, keyed by the remote's ``sync_id``), like git's remote-tracking
  branches. A set changed only on the source since then is copied; one changed only on the
  target is left for the other direction; one changed on both is a **conflict**: nothing is
  overwritten and the report names it. ``on_conflict="force"`` lets the source's version win
  (push: the laptop's; pull: the team's); ``"keep-both"`` adds the source's version beside
  the target's, under the annotator name ``NAME (SOURCE)``, to compare and settle in review.
- Whole sets never disappear: a set the source lacks changes nothing on the target.
- Active time is not content: equal sets take the larger time.

Reads of the source see one moment of it (a read transaction); a set someone changes on the
target while a push runs makes the push stop, undone, asking to run it again.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy.exc import IntegrityError

from annotator.core.errors import ProjectError
from annotator.core.records import GOLD
from annotator.core.store import sync as store
from annotator.core.store.bulk import now_text
from annotator.core.store.imports import delete_spans

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from annotator.core.project import Project

#: What to do with a set changed on both sides since they last agreed.
ON_CONFLICT = ("report", "force", "keep-both")

SetKey = tuple[str, str]
"""(document content hash, annotator name): a set, named the same way on both sides."""

SpanKey = tuple[Any, ...]
"""(layer, group, start, end, label kind, label name): a span within its set."""


class SpanBody(NamedTuple):
    """What a span holds besides its place; ``origin`` names the span it was accepted or
    rejected from as (annotator, content hash, layer, group, start, end, label kind, name)."""

    span_id: int
    note: str | None
    kb_id: str | None
    attributes: str | None
    extra: str | None
    created_by: str
    rejected: bool
    adjudicated_by: str | None
    created_at: Any
    origin: tuple[Any, ...] | None

    @property
    def content(self) -> tuple[Any, ...]:
        return self[1:8]


@dataclass
class SetState:
    """One set as a project holds it, in names both projects share."""

    set_id: int
    content_hash: str
    annotator: str
    kind: str
    model_version: str | None
    document_id: int
    title: str | None
    status: str
    seconds: float
    created_at: Any
    updated_at: Any
    partial: bool
    extra: str | None
    imported_digest: str | None
    spans: dict[SpanKey, SpanBody] = field(default_factory=dict)
    topics: dict[tuple[str, str], tuple[Any, ...]] = field(default_factory=dict)
    relations: list[tuple[Any, ...]] = field(default_factory=list)
    decisions: list[tuple[Any, ...]] = field(default_factory=list)
    review: tuple[Any, ...] | None = None
    uncertainty: float | None = None
    _digest: str | None = None

    @property
    def digest(self) -> str:
        """A fingerprint of the content (not of times, ids or provenance links)."""
        if self._digest is None:
            self._digest = _digest(
                [
                    self.status,
                    self.partial,
                    self.extra,
                    self.imported_digest,
                    [[*key, *self.spans[key].content] for key in sorted(self.spans, key=_order)],
                    [[*key, *self.topics[key]] for key in sorted(self.topics)],
                    sorted(_text(list(relation[:5])) for relation in self.relations),
                    _items(self.decisions),
                    None if self.review is None else list(self.review[:2]),
                    self.uncertainty,
                ]
            )
        return self._digest


def _order(key: SpanKey) -> tuple[Any, ...]:
    """A span's place as something to sort by (an argument span's label is None)."""
    return tuple("" if part is None else part for part in key)


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _digest(value: Any) -> str:
    return hashlib.sha256(_text(value).encode()).hexdigest()


#: The digest of a set that holds nothing: what a set the last sync did not see counts as.
EMPTY = _digest(["new", False, None, None, [], [], [], [], None, None])


@dataclass(frozen=True)
class SetChange:
    """A set the sync copied, or a conflict and how it was settled."""

    document: str
    content_hash: str
    annotator: str
    #: added, updated; for a conflict: left as is, replaced, kept both
    action: str
    #: The annotator name the source's version was kept under (keep-both).
    kept_as: str | None = None


@dataclass
class SyncReport:
    """What a push or pull moved (or, with ``dry_run``, would move)."""

    direction: str
    source: str
    target: str
    annotators: list[str] | None = None
    dry_run: bool = False
    documents_added: int = 0
    labels_added: list[str] = field(default_factory=list)
    sets_added: int = 0
    sets_updated: int = 0
    sets_unchanged: int = 0
    #: Sets the target changed since the last sync (or only it has): left for the other
    #: direction to bring.
    sets_newer_on_target: int = 0
    #: Equal sets whose larger active time the target took.
    times_updated: int = 0
    #: Sets written on the target: added, updated, and conflicts settled by writing.
    sets_written: int = 0
    changes: list[SetChange] = field(default_factory=list)
    conflicts: list[SetChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the target was (or would be) changed."""
        return bool(
            self.documents_added or self.labels_added or self.sets_written or self.times_updated
        )

    @property
    def unresolved(self) -> list[SetChange]:
        return [c for c in self.conflicts if c.action == "left as is"]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def push(
    local: Project,
    remote: Project,
    *,
    annotators: Sequence[str] | None = None,
    on_conflict: str = "report",
    dry_run: bool = False,
) -> SyncReport:
    """Copy the local project's work into the remote one (the team database)."""
    return synchronise(
        local,
        remote,
        local_is_source=True,
        annotators=annotators,
        on_conflict=on_conflict,
        dry_run=dry_run,
    )


def pull(
    remote: Project,
    local: Project,
    *,
    annotators: Sequence[str] | None = None,
    on_conflict: str = "report",
    dry_run: bool = False,
) -> SyncReport:
    """Bring the remote project's work (the team database) into the local one."""
    return synchronise(
        remote,
        local,
        local_is_source=False,
        annotators=annotators,
        on_conflict=on_conflict,
        dry_run=dry_run,
    )


def synchronise(
    source: Project,
    target: Project,
    *,
    local_is_source: bool,
    annotators: Sequence[str] | None = None,
    on_conflict: str = "report",
    dry_run: bool = False,
) -> SyncReport:
    """Copy what changed in ``source`` since the last sync into ``target``; the local one of
    the two keeps the record of what was agreed on."""
    if on_conflict not in ON_CONFLICT:
        raise ProjectError(f"on_conflict is one of {', '.join(ON_CONFLICT)}, not {on_conflict!r}.")
    if _same(source, target):
        raise ProjectError(f"{source.location} cannot be synced with itself.")
    names = None if annotators is None else sorted({n.strip() for n in annotators if n.strip()})
    if names == []:
        raise ProjectError("Name at least one annotator, or none to sync everyone's work.")
    report = SyncReport(
        direction="push" if local_is_source else "pull",
        source=source.location,
        target=target.location,
        annotators=names,
        dry_run=dry_run,
    )
    if not local_is_source and not dry_run:
        with source.write() as conn:
            if store.sync_id(conn) is None:
                store.put_sync_id(conn, uuid.uuid4().hex)
    was_empty = target.document_count() == 0
    try:
        remote_id, agreed = _transfer(source, target, local_is_source, names, on_conflict, report)
    except _Moved as exc:
        raise ProjectError(
            f"{target.location} changed while syncing ({exc}); the sync was undone and "
            "nothing was changed. Run it again."
        ) from None
    except IntegrityError as exc:
        raise ProjectError(
            f"{target.location} refused a row ({exc.orig}); the sync was undone and nothing "
            "was changed. If someone synced with it at the same moment, run it again."
        ) from exc
    if dry_run:
        return report
    if local_is_source and remote_id is not None and agreed:
        with source.write() as conn:
            store.record_synced(conn, remote_id, agreed)
    if was_empty and report.documents_added:
        _adopt_settings(source, target)
    return report


def _transfer(
    source: Project,
    target: Project,
    local_is_source: bool,
    names: list[str] | None,
    on_conflict: str,
    report: SyncReport,
) -> tuple[str | None, list[tuple[str, str, str]]]:
    """Plan and (unless a dry run) write, in one transaction on the target; returns the
    remote's sync identity and the sets both sides now agree on."""
    dry_run = report.dry_run
    with source.read() as sconn:
        store.consistent_reads(sconn)
        with target.read() if dry_run else target.write() as tconn:
            if local_is_source:
                remote_id = store.sync_id(tconn)
                if remote_id is None and not dry_run:
                    remote_id = uuid.uuid4().hex
                    store.put_sync_id(tconn, remote_id)
            else:
                remote_id = store.sync_id(sconn)
            local_conn = sconn if local_is_source else tconn
            bases = {} if remote_id is None else store.synced_digests(local_conn, remote_id)
            sides = (source.name, target.name)
            plan = _plan(sconn, tconn, names, bases, on_conflict, sides, report)
            if not dry_run:
                _apply(sconn, tconn, plan, names)
                if not local_is_source and remote_id is not None:
                    store.record_synced(tconn, remote_id, plan.agreed)
                if report.changed:
                    store.log_sync(tconn, _log_details(report))
    return remote_id, plan.agreed


def _adopt_settings(source: Project, target: Project) -> None:
    """A project that had no documents before takes the source's language (its tokenizer)
    and, when it has none, its guidelines."""
    if target.language != source.language:
        target.set_language(source.language)
    if not target.guidelines and source.guidelines:
        target.set_guidelines(source.guidelines)


def _same(source: Project, target: Project) -> bool:
    if source.path is not None and target.path is not None:
        return source.path.resolve() == target.path.resolve()
    return source.location == target.location


class _Moved(Exception):
    """A set of the target changed between reading and writing it (the message says which)."""


def _log_details(report: SyncReport) -> dict[str, Any]:
    return {
        "direction": report.direction,
        "from": report.source,
        "annotators": report.annotators,
        "documents_added": report.documents_added,
        "labels_added": report.labels_added,
        "sets_added": report.sets_added,
        "sets_updated": report.sets_updated,
        "conflicts": len(report.conflicts),
    }


# Reading -------------------------------------------------------------------------------------


def _canon(value: Any) -> str | None:
    """A JSON column's value as canonical text (keys sorted); empty is None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = json.loads(value)
    return _text(value) if value else None


def read_sets(conn: Connection, names: Sequence[str] | None) -> dict[SetKey, SetState]:
    """Every set of the annotators (None: of everyone), by (content hash, annotator)."""
    sets: dict[SetKey, SetState] = {}
    by_id: dict[int, SetState] = {}
    for row in store.set_rows(conn, names):
        state = SetState(
            set_id=row[0],
            content_hash=row[1],
            annotator=row[2],
            kind=row[3],
            model_version=row[4],
            document_id=row[5],
            title=row[6],
            status=row[7],
            seconds=float(row[8] or 0),
            created_at=row[9],
            updated_at=row[10],
            partial=bool(row[11]),
            extra=_canon(row[12]),
            imported_digest=row[13],
        )
        sets[(state.content_hash, state.annotator)] = state
        by_id[state.set_id] = state
    for row in store.span_rows(conn, names):
        origin = None if row[16] is None else tuple(row[16:24])
        by_id[row[0]].spans[tuple(row[2:8])] = SpanBody(
            row[1],
            row[8],
            row[9],
            _canon(row[10]),
            _canon(row[11]),
            row[12],
            bool(row[13]),
            row[14],
            row[15],
            origin,
        )
    for row in store.topic_rows(conn, names):
        by_id[row[0]].topics[(row[1], row[2])] = (bool(row[3]), row[4], row[5], row[6])
    for row in store.relation_rows(conn, names):
        head, child = tuple(row[1:7]), tuple(row[7:13])
        by_id[row[0]].relations.append(
            (head, child, (row[13], row[14]), row[15], _canon(row[16]), row[17])
        )
    if names is None or GOLD in names:
        for content_hash, *decision in store.decision_rows(conn):
            if (gold := sets.get((content_hash, GOLD))) is not None:
                gold.decisions.append(tuple(decision))
        for content_hash, *review in store.review_rows(conn):
            if (gold := sets.get((content_hash, GOLD))) is not None:
                gold.review = tuple(review)
    for content_hash, model, uncertainty in store.uncertainty_rows(conn, names):
        if (state := sets.get((content_hash, model))) is not None:
            state.uncertainty = uncertainty
    return sets


# Planning ------------------------------------------------------------------------------------


@dataclass
class _Write:
    source: SetState
    target: SetState | None
    #: The annotator the source's set is written as (its own name, or a keep-both copy's).
    name: str


@dataclass
class _Plan:
    source_documents: dict[str, tuple[int, str | None]]
    target_documents: dict[str, tuple[int, str | None]]
    new_documents: list[str]
    target_sets: dict[SetKey, SetState] = field(default_factory=dict)
    writes: list[_Write] = field(default_factory=list)
    times: list[tuple[SetState, float]] = field(default_factory=list)
    agreed: list[tuple[str, str, str]] = field(default_factory=list)


def _plan(
    sconn: Connection,
    tconn: Connection,
    names: list[str] | None,
    bases: dict[SetKey, str],
    on_conflict: str,
    sides: tuple[str, str],
    report: SyncReport,
) -> _Plan:
    """Decide what to write, filling in the report. ``sides`` are the short names of the
    source and the target, which keep-both copies carry."""
    source_sets = read_sets(sconn, names)
    source_documents = store.documents(sconn)
    target_names = names
    if names is not None and on_conflict == "keep-both":
        target_names = names + [_copy_name(name, sides[0]) for name in names]
    target_sets = read_sets(tconn, target_names)
    plan = _Plan(source_documents, store.documents(tconn), [], target_sets)
    plan.new_documents = _new_documents(sconn, plan, source_sets, names)
    report.documents_added = len(plan.new_documents)
    report.labels_added = [f"{kind} {name}" for kind, name in _missing_labels(sconn, tconn)]
    keys = sorted(
        set(source_sets) | set(target_sets),
        key=lambda k: (_title(source_sets.get(k) or target_sets[k]), k[1], k[0]),
    )
    new = set(plan.new_documents)
    for key in keys:
        if names is not None and key[1] not in names:
            continue  # a keep-both copy read on the target: compared below, not synced
        if key[1].endswith(f" ({sides[1]})"):
            continue  # a keep-both copy of the target's own version: it never goes back
        theirs, mine = source_sets.get(key), target_sets.get(key)
        if theirs is None:
            if mine is not None and mine.digest != EMPTY:
                report.sets_newer_on_target += 1
            continue
        base = bases.get(key, EMPTY)
        theirs_changed = theirs.digest != base
        mine_changed = (EMPTY if mine is None else mine.digest) != base
        change = SetChange(_title(theirs), key[0], key[1], "")
        if theirs.digest == (EMPTY if mine is None else mine.digest):
            if mine is not None:
                _unchanged(plan, report, key, theirs, mine, base)
        elif key[0] in new or not mine_changed:
            plan.writes.append(_Write(theirs, mine, key[1]))
            plan.agreed.append((*key, theirs.digest))
            report.changes.append(_with(change, "added" if mine is None else "updated"))
            if mine is None:
                report.sets_added += 1
            else:
                report.sets_updated += 1
        elif not theirs_changed:
            report.sets_newer_on_target += 1
        elif on_conflict == "force":
            plan.writes.append(_Write(theirs, mine, key[1]))
            plan.agreed.append((*key, theirs.digest))
            report.conflicts.append(_with(change, "replaced"))
        elif on_conflict == "keep-both":
            copy = _copy_name(key[1], sides[0])
            existing = target_sets.get((key[0], copy))
            if existing is None or existing.digest != theirs.digest:
                plan.writes.append(_Write(theirs, existing, copy))
            report.conflicts.append(SetChange(change.document, key[0], key[1], "kept both", copy))
        else:
            report.conflicts.append(_with(change, "left as is"))
    report.sets_written = len(plan.writes)
    return plan


def _title(state: SetState) -> str:
    return state.title or state.content_hash[:12]


def _new_documents(
    sconn: Connection, plan: _Plan, source_sets: dict[SetKey, SetState], names: list[str] | None
) -> list[str]:
    """The documents the target lacks: every one, or for named annotators those they have
    sets on or are assigned to."""
    if names is None:
        wanted = set(plan.source_documents)
    else:
        assigned = store.assigned_documents(sconn, names)
        wanted = {key[0] for key in source_sets} | {
            content_hash
            for content_hash, (document_id, _title) in plan.source_documents.items()
            if document_id in assigned
        }
    return sorted(h for h in wanted if h not in plan.target_documents)


def _unchanged(
    plan: _Plan, report: SyncReport, key: SetKey, theirs: SetState, mine: SetState, base: str
) -> None:
    """Both hold the same: remember that they agree, and keep the larger active time."""
    report.sets_unchanged += 1
    if base != theirs.digest:
        plan.agreed.append((*key, theirs.digest))
    if theirs.seconds > mine.seconds:
        plan.times.append((mine, theirs.seconds))
        report.times_updated += 1


def _with(change: SetChange, action: str) -> SetChange:
    return SetChange(change.document, change.content_hash, change.annotator, action)


def _copy_name(name: str, label: str) -> str:
    """The annotator a conflicting set from ``label`` is kept under beside ``name``'s."""
    return f"{name} ({label})"


def _missing_labels(sconn: Connection, tconn: Connection) -> list[tuple[str, str]]:
    theirs, mine = store.labels(sconn), store.labels(tconn)
    return [key for key in theirs if key not in mine]


# Writing -------------------------------------------------------------------------------------


class _Target:
    """The target's ids of what the source names: annotators and labels, added on first use."""

    def __init__(self, sconn: Connection, tconn: Connection) -> None:
        self.conn = tconn
        self.source_annotators = store.annotators(sconn)
        self.annotators = {name: row[0] for name, row in store.annotators(tconn).items()}
        source_labels = store.labels(sconn)
        self.labels = {key: row[0] for key, row in store.labels(tconn).items()}
        for key, (_id, colour, shortcut, description, _position) in source_labels.items():
            if key not in self.labels:
                self.labels[key] = store.add_label(tconn, *key, colour, shortcut, description)

    def annotator(self, name: str | None, like: str | None = None) -> int | None:
        """The target's id of the annotator (kind and version as the source's ``like``)."""
        if name is None:
            return None
        if name not in self.annotators:
            kind, version = self.source_annotators.get(like or name, (0, "human", None))[1:]
            self.annotators[name] = store.add_annotator(self.conn, name, kind, version)
        return self.annotators[name]

    def label(self, kind: str | None, name: str | None) -> int | None:
        return None if kind is None else self.labels[(kind, name)]


def _apply(sconn: Connection, tconn: Connection, plan: _Plan, names: list[str] | None) -> None:
    ids = _Target(sconn, tconn)
    documents = {h: row[0] for h, row in plan.target_documents.items()}
    _add_documents(sconn, tconn, plan, names, ids, documents)
    origins = _Origins(tconn, plan.target_sets.values(), documents, ids, complete=names is None)
    origins.wanted = {
        body.origin
        for write in plan.writes
        for body in write.source.spans.values()
        if body.origin is not None
    }
    pending: list[tuple[int, tuple[Any, ...]]] = []
    # A model's suggestions before the people who accepted them, people before the gold set
    # made of their versions: most spans find their origin as they are written.
    for write in sorted(plan.writes, key=_write_order):
        document = documents[write.source.content_hash]
        pending += _write_set(tconn, write, document, ids, origins)
    origins.flush()
    found = [(origins.find(origin), span) for span, origin in pending]
    store.set_origins(tconn, [pair for pair in found if pair[0] is not None])
    for state, seconds in plan.times:
        store.raise_active_time(tconn, state.set_id, seconds)


def _write_order(write: _Write) -> int:
    if write.source.kind == "model":
        return 0
    return 2 if write.source.annotator == GOLD else 1


class _Origins:
    """The target's spans by what they mark (document, annotator, place, label), so that a
    copied span can point at the span it was accepted or settled from; and new spans waiting
    to be written, many at once, until their ids are needed."""

    def __init__(
        self,
        conn: Connection,
        sets: Iterable[SetState],
        documents: dict[str, int],
        ids: _Target,
        *,
        complete: bool,
    ) -> None:
        self.conn, self.documents, self.ids = conn, documents, ids
        #: Whether every set of the target was read (else a span not known is looked up).
        self.complete = complete
        #: The spans (by the source's names) that spans being written came from.
        self.wanted: set[tuple[Any, ...]] = set()
        self.waiting: list[tuple[Any, ...]] = []
        self.known: dict[tuple[Any, ...], int | None] = {
            (state.annotator, state.content_hash, *key): body.span_id
            for state in sets
            for key, body in state.spans.items()
        }

    def flush(self) -> None:
        """Write the spans waiting."""
        store.add_spans(self.conn, self.waiting)
        self.waiting = []

    def ids_needed(self, state: SetState) -> bool:
        """Whether the ids of the set's spans are needed: for its relations, or as the
        origin of a span being written."""
        return bool(state.relations) or any(
            (state.annotator, state.content_hash, *key) in self.wanted for key in state.spans
        )

    def learn(self, annotator: str, content_hash: str, key: SpanKey, span_id: int | None) -> None:
        self.known[(annotator, content_hash, *key)] = span_id

    def find(self, origin: tuple[Any, ...]) -> int | None:
        if origin in self.known or self.complete:
            return self.known.get(origin)
        who, content_hash, layer, group, start, end, kind, label = origin
        document, annotator = self.documents.get(content_hash), self.ids.annotators.get(who)
        found = None
        if document is not None and annotator is not None and (kind, label) in self.ids.labels:
            place = (document, annotator, layer, group, start, end, self.ids.label(kind, label))
            found = store.span_id(self.conn, place)
        self.known[origin] = found
        return found


def _add_documents(
    sconn: Connection,
    tconn: Connection,
    plan: _Plan,
    names: list[str] | None,
    ids: _Target,
    documents: dict[str, int],
) -> None:
    source_ids = [plan.source_documents[h][0] for h in plan.new_documents]
    mapping = {}
    for their_id, *row in store.document_rows(sconn, source_ids):
        mapping[their_id] = documents[row[4]] = store.add_document(tconn, tuple(row))
    for their_id, start, end, kind, who in store.boilerplate_rows(sconn, source_ids):
        store.add_boilerplate(tconn, (mapping[their_id], start, end, kind, ids.annotator(who)))
    for their_id, who, shared, at in store.assignment_rows(sconn, source_ids):
        if names is None or who in names:
            row = (mapping[their_id], ids.annotator(who), bool(shared), _timestamp(at))
            store.add_assignment(tconn, row)


def _write_set(
    conn: Connection, write: _Write, document: int, ids: _Target, origins: _Origins
) -> list[tuple[int, tuple[Any, ...]]]:
    """Make the target's set (of ``write.name``) hold what the source's holds; returns the
    spans whose origin is not written yet, to point at it once every set is."""
    theirs, mine = write.source, write.target
    set_id = _write_head(conn, write, document, ids)
    old = mine.spans if mine else {}
    if mine and mine.relations:
        store.delete_relations(conn, set_id)
    gone = [key for key in old if key not in theirs.spans]
    delete_spans(conn, [old[key].span_id for key in gone])
    for key in gone:
        origins.learn(write.name, theirs.content_hash, key, None)
    span_ids = {key: old[key].span_id for key in old if key in theirs.spans}
    pending, added = [], []
    for key, body in theirs.spans.items():
        origin = None if body.origin is None else origins.find(body.origin)
        values = (
            body.note,
            body.kb_id,
            body.attributes,
            body.extra,
            ids.annotator(body.created_by),
            body.rejected,
            ids.annotator(body.adjudicated_by),
            _timestamp(body.created_at),
            origin,
        )
        if key in old:
            if old[key].content != body.content or old[key].origin != body.origin:
                store.update_span(conn, span_ids[key], values)
        else:
            layer, group, start, end, kind, label = key
            added.append((set_id, layer, group, start, end, ids.label(kind, label), *values))
        if body.origin is not None and origin is None:
            pending.append((key, body.origin))
    by_place = {
        (key[0], key[1], key[2], key[3], ids.label(key[4], key[5])): key for key in theirs.spans
    }
    origins.waiting += added
    if added and (pending or origins.ids_needed(theirs)):
        origins.flush()
        for span_id, *place in store.span_places(conn, set_id):
            span_ids[by_place[tuple(place)]] = span_id
    for key, span_id in span_ids.items():
        origins.learn(write.name, theirs.content_hash, key, span_id)
    _write_topics(conn, set_id, theirs, mine, ids)
    for head_key, child_key, label, creator, extra, created in theirs.relations:
        if head_key in span_ids and child_key in span_ids:
            row = (set_id, span_ids[head_key], span_ids[child_key], ids.label(*label))
            store.add_relation(conn, (*row, ids.annotator(creator), extra, _timestamp(created)))
    if write.name == GOLD:
        _write_review(conn, document, theirs, mine, ids)
    if theirs.kind == "model" and (mine is None or mine.uncertainty != theirs.uncertainty):
        who = ids.annotator(write.name, like=theirs.annotator)
        store.replace_uncertainty(conn, document, who, theirs.uncertainty)
    return [(span_ids[key], origin) for key, origin in pending]


def _write_head(conn: Connection, write: _Write, document: int, ids: _Target) -> int:
    """The target's set: added, or its status, time and fields made the source's (if it is
    still as it was read); returns its id."""
    theirs, mine = write.source, write.target
    who = ids.annotator(write.name, like=theirs.annotator)
    seconds = max(theirs.seconds, mine.seconds if mine else 0.0)
    head = (theirs.status, seconds, _timestamp(theirs.updated_at), theirs.partial)
    head += (theirs.extra, theirs.imported_digest)
    where = f"{write.name}'s set on {_title(theirs)}"
    if mine is None:
        set_id = store.add_set(
            conn, (document, who, *head[:2], _timestamp(theirs.created_at), *head[2:])
        )
        if set_id is None:
            raise _Moved(where)
        return set_id
    if not store.update_set(conn, mine.set_id, mine.updated_at, head):
        raise _Moved(where)
    return mine.set_id


def _write_topics(
    conn: Connection, set_id: int, theirs: SetState, mine: SetState | None, ids: _Target
) -> None:
    if mine is not None and mine.topics == theirs.topics:
        return
    if mine is not None and mine.topics:
        store.delete_topics(conn, set_id)
    rows = [
        (ids.label(*label), applies, score, ids.annotator(judge), ids.annotator(taken))
        for label, (applies, score, judge, taken) in theirs.topics.items()
    ]
    store.add_topics(conn, set_id, rows)


def _write_review(
    conn: Connection, document: int, theirs: SetState, mine: SetState | None, ids: _Target
) -> None:
    """The document's review decisions and mark, which belong with its gold set."""
    if mine is None or _items(mine.decisions) != _items(theirs.decisions):
        rows = [
            (layer, start, end, label, choice, ids.annotator(reviewer), _timestamp(at))
            for layer, start, end, label, choice, reviewer, at in theirs.decisions
        ]
        store.replace_decisions(conn, document, rows)
    if mine is None or (mine.review or ())[:2] != (theirs.review or ())[:2]:
        review = theirs.review
        row = None
        if review is not None:
            row = (review[0], ids.annotator(review[1]), _timestamp(review[2]))
        store.replace_review(conn, document, row)


_MOMENT = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?\s*"
    r"(?:(Z)|([+-])(\d\d)(?::?(\d\d))?)?$"
)


def _timestamp(value: Any) -> str:
    """A time as either database gave it (SQLite's text, PostgreSQL's with its offset), in
    the text form the store writes (UTC)."""
    if value is None:
        return now_text()
    if isinstance(value, str) and len(value) == 26 and value[19] == ".":
        return value  # already the store's form (SQLite's, naive UTC)
    if isinstance(value, datetime):
        moment = value
    else:
        found = _MOMENT.match(str(value).strip())
        if found is None:
            return now_text()
        parts = found.groups()
        fraction = int((parts[6] or "0").ljust(6, "0"))
        zone = None
        if parts[8] is not None:
            offset = timedelta(hours=int(parts[9]), minutes=int(parts[10] or 0))
            zone = timezone(offset if parts[8] == "+" else -offset)
        elif parts[7] is not None:
            zone = timezone.utc
        moment = datetime(*map(int, parts[:6]), fraction, tzinfo=zone)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _items(decisions: list[tuple[Any, ...]]) -> list[str]:
    """Review decisions without their times, comparable between the two projects."""
    return sorted(_text(list(decision[:6])) for decision in decisions)

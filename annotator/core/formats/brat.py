"""brat standoff folders: ``<stem>.txt`` texts beside ``<stem>.ann`` annotations, read into
records and written back line for line, so an import followed by an export gives brat the file
it had (ids included).

How brat's annotations map onto records; whatever a rewrite needs rides in ``extra``:

* ``T`` (text-bound) → a span labelled with its type, ``extra["brat_id"]``. spaCy entities
  cannot overlap, so spans are placed greedily (longest, then earliest, as
  ``spacy.util.filter_spans`` does) into the entity layer; a span overlapping one already
  placed goes to the span group ``"overlapping"`` (``"overlapping 2"``... for exact duplicates,
  which the store would otherwise merge).
* A discontinuous ``T`` (``504 506;510 512``) → one span per fragment, linked by ``"fragment"``
  relations from the first (``{"brat_fragment_of", "brat_order"}``). A fragment identical to a
  span already made reuses it: brat lets two annotations share a fragment.
* ``R`` → a relation ``Arg1`` → ``Arg2`` (``{"brat_id"}``; ``"brat_roles"`` if it names other
  roles). ``E`` → the trigger span's ``extra["brat_events"]`` gets ``{"id", "type"}`` and each
  argument a relation from the trigger labelled with its role (``{"brat_event",
  "brat_order"}``). An end that is an event points at that event's trigger
  (``brat_head_event`` / ``brat_child_event`` name the event).
* ``A`` → span attributes (a flag is ``True``), ``#`` → the note (several notes of one
  annotation are joined by newlines, which brat notes cannot contain), ``N`` → ``kb_id`` (the
  first) and ``extra["brat_norms"]``. On events they go into the event's dict, on relations
  into the relation's extra.

Our own layers in brat's vocabulary: an unreliable passage is a ``T`` typed
``UNRELIABLE:<reason>``; an argument span (no label of its own) is a ``T`` typed ``Argument``
with the ``A`` flag ``Annotator_layer argument``, and a span of a named group is a ``T`` with
``Annotator_layer group:<name>``, so both read back into their layer.
"""

from __future__ import annotations

import functools
import os
import re
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.errors import FormatError
from annotator.core.formats.txt import decode_utf8, title_of
from annotator.core.records import (
    UNRELIABLE_PREFIX,
    AnnotationRecord,
    BadRecord,
    DocumentRecord,
    ExportItem,
    ExportProblem,
    LabelKind,
    Layer,
    Omission,
    ReadItem,
    ReadOptions,
    RelationRecord,
    SchemeLabel,
    SpanRecord,
    Status,
)

if TYPE_CHECKING:
    from spacy.language import Language

CONF_NAME = "annotation.conf"
OVERLAP_GROUP = "overlapping"
FRAGMENT_LABEL = "fragment"
ARGUMENT_TYPE = "Argument"
LAYER_ATTRIBUTE = "Annotator_layer"
NOTE_TYPE = "AnnotatorNotes"

_UNREAD_KINDS = {
    "M": "brat's old attribute syntax is not read; re-save the document in brat to get A lines",
    "*": "equivalence sets are not modelled",
}
_KINDS = ("T", "R", "E", "A", "N", "#")
_ID = re.compile(r"([TREAN#])(\d+)")


class _Bad(Exception):
    """A document that cannot be imported as it is: becomes one BadRecord."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.reason = line, reason


#: The roles of an R line unless it names others (then they are kept in ``brat_roles``).
DEFAULT_ROLES = ["Arg1", "Arg2"]


@dataclass
class _Props:
    """What ``A``, ``#`` and ``N`` lines say about one T, E or R."""

    attributes: dict[str, Any] = field(default_factory=dict)
    attribute_ids: dict[str, str] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)
    norms: list[dict[str, str]] = field(default_factory=list)


@dataclass
class _Ann:
    """A T, R or E line; T has fragments, R and E (role, id) arguments, E a trigger."""

    id: str
    type: str
    line: int
    fragments: list[tuple[int, int]] = field(default_factory=list)
    surface: str | None = None
    args: list[tuple[str, str]] = field(default_factory=list)
    trigger: str = ""
    #: Made by the first A, # or N line that names this annotation (most have none).
    props: _Props | None = None


@dataclass
class _Unit:
    """A span being built; ``owner`` is the T whose id it carries (none for a bare fragment)."""

    start: int
    end: int
    label: str
    layer: Layer | None
    group: str = ""
    owner: _Ann | None = None
    events: list[dict[str, Any]] = field(default_factory=list)


def text_for(ann_path: Path) -> Path:
    """The text of a brat document: the ``.txt`` with the same stem."""
    return ann_path.with_suffix(".txt")


def find_conf(ann_path: Path, root: Path | None = None) -> Path | None:
    """``annotation.conf`` as brat finds it: in the document's folder, then each parent folder
    up to ``root`` (inclusive; with no root, up to the top of the file system)."""
    folder = os.path.abspath(ann_path.parent)
    changed = tuple(os.stat(f).st_mtime_ns for f in _folder_chain(folder))
    return _conf_from(folder, changed, str(root) if root else None)


def _folder_chain(folder: str) -> Iterator[str]:
    """The folder and each parent: whose times tell whether a conf was added or removed.
    Plain strings, not resolved paths: this runs for every document of a folder."""
    while True:
        yield folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


@functools.lru_cache(maxsize=256)
def _conf_from(folder: str, _changed: tuple[int, ...], root: str | None) -> Path | None:
    """The search of :func:`find_conf`, once per folder (and again when the folder changes):
    a folder of a thousand documents shares one answer."""
    stop = Path(root).resolve() if root is not None else None
    for parent in [Path(folder).resolve(), *Path(folder).resolve().parents]:
        conf = parent / CONF_NAME
        if conf.is_file():
            return conf
        if parent == stop:
            break
    return None


def read(path: Path, options: ReadOptions | None = None) -> Iterator[ReadItem]:
    """One document per ``.ann``; labels its ``annotation.conf`` declares come first."""
    txt = text_for(path)
    if not txt.is_file():
        raise FormatError(path, f"its text file {txt.name} is missing (brat needs both)")
    text = decode_utf8(txt, txt.read_bytes())
    conf = find_conf(path)
    if conf is not None:
        stat = conf.stat()
        labels, problem = _conf_labels(str(conf), stat.st_mtime_ns, stat.st_size)
        yield from labels
        if problem:
            yield Omission(str(conf), problem)
    omitted: dict[str, list[Any]] = {}
    try:
        annotation = _annotation(text, _parse(path, omitted))
    except _Bad as bad:
        yield BadRecord(bad.line, bad.reason)
        return
    yield DocumentRecord(text, title_of(text), str(path), {"file": txt.name}, [annotation], 1)
    for what, (reason, count) in omitted.items():
        yield Omission(what, reason, count)


def _omit(omitted: dict[str, list[Any]], what: str, reason: str) -> None:
    """Count one thing not kept; the reason (with its example) is the first one met."""
    omitted.setdefault(what, [reason, 0])[1] += 1


def _args(tokens: list[str], number: int) -> list[tuple[str, str]]:
    """``ROLE:ID`` pairs; role names are kept as written (brat repeats them freely)."""
    pairs = [token.partition(":") for token in tokens]
    if any(not role or not sep or not ref for role, sep, ref in pairs):
        raise _Bad(number, f"arguments must be ROLE:ID, got {' '.join(tokens)!r}")
    return [(role, ref) for role, _, ref in pairs]


def _parse(path: Path, omitted: dict[str, list[Any]]) -> dict[str, _Ann]:
    """The T, R and E lines by id, with their A, # and N lines applied."""
    anns: dict[str, _Ann] = {}
    seen: dict[str, int] = {}
    props: list[tuple[int, str, list[str], str]] = []
    data = path.read_bytes()
    try:
        content = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        where = data.count(b"\n", 0, exc.start) + 1
        raise FormatError(path, f"invalid UTF-8 ({exc.reason})", where) from None
    for number, line in enumerate(content.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line or line.isspace():
            continue
        ident, tab, rest = line.partition("\t")
        kind = ident[:1]
        if kind not in _KINDS or not tab:
            what = f"'{kind}' lines" if kind and tab else "lines that are not annotations"
            reason = _UNREAD_KINDS.get(kind, "not a brat annotation kind")
            _omit(omitted, what, f"{reason} (first: line {number}, {line[:60]!r})")
            continue
        if ident in seen:
            raise _Bad(number, f"id {ident} is used twice (first on line {seen[ident]})")
        seen[ident] = number
        head, _, tail = rest.partition("\t")
        tokens = (rest if kind in "RE" else head).split()
        if not tokens:
            raise _Bad(number, f"{ident} has no type")
        if kind == "T":
            surface = tail if "\t" in rest else None
            anns[ident] = _Ann(ident, tokens[0], number, _offsets(head, number), surface)
        elif kind == "R":
            anns[ident] = _Ann(ident, tokens[0], number, args=_args(tokens[1:], number))
            if len(anns[ident].args) != 2:
                raise _Bad(number, f"relation {ident} needs two arguments")
        elif kind == "E":
            (etype, trigger), *args = _args(tokens, number)
            anns[ident] = _Ann(ident, etype, number, args=args, trigger=trigger)
        else:
            props.append((number, ident, tokens, tail))
    for number, ident, tokens, tail in props:
        _apply(anns, seen, number, ident, tokens, tail, omitted)
    return anns


def _offsets(head: str, number: int) -> list[tuple[int, int]]:
    fragments = []
    for part in head.partition(" ")[2].split(";"):
        start, _, end = part.strip().partition(" ")
        end = end.strip()
        if not (start.isdecimal() and end.isdecimal()):
            raise _Bad(number, f"offsets must be 'START END[;START END...]', got {part!r}")
        fragments.append((int(start), int(end)))
    return fragments


def _apply(
    anns: dict[str, _Ann],
    seen: dict[str, int],
    number: int,
    ident: str,
    tokens: list[str],
    tail: str,
    omitted: dict[str, list[Any]],
) -> None:
    """Put one A, # or N line onto the annotation it names."""
    kind = ident[:1]
    arity = {"A": (2, 3), "#": (2,), "N": (3,)}[kind]
    if len(tokens) not in arity:
        raise _Bad(number, f"{ident} is not 'TYPE ID{' VALUE' if kind != '#' else ''}'")
    target = tokens[1]
    if target not in seen:
        raise _Bad(number, f"{ident} refers to {target}, which is not in the file")
    if target not in anns:
        _omit(omitted, f"'{kind}' lines on A, N or # lines", "only T, E and R carry them")
        return
    ann = anns[target]
    if ann.props is None:
        ann.props = _Props()
    props = ann.props
    if kind == "A":
        if tokens[0] in props.attributes:
            _omit(omitted, f"repeated A lines ({tokens[0]})", "an attribute holds one value")
        else:
            props.attributes[tokens[0]] = tokens[2] if len(tokens) == 3 else True
            props.attribute_ids[tokens[0]] = ident
    elif kind == "#" and tokens[0] != NOTE_TYPE:
        _omit(omitted, f"'#' lines of type {tokens[0]}", f"only {NOTE_TYPE} are notes")
    elif kind == "#":
        props.notes.append((ident, tail))
    else:
        props.norms.append({"id": ident, "type": tokens[0], "ref": tokens[2], "text": tail})


def _surface(text: str, fragments: Iterable[tuple[int, int]]) -> str:
    """The text brat writes for a T: fragments joined by a space, line breaks as spaces."""
    joined = " ".join(text[start:end] for start, end in fragments)
    return joined.replace("\r", " ").replace("\n", " ")


def _layer_of(ann: _Ann) -> tuple[Layer | None, str, str]:
    """A fixed layer, group and label, or no layer where the greedy placement decides."""
    if ann.type.startswith(UNRELIABLE_PREFIX):
        return Layer.UNRELIABLE, "", ann.type.removeprefix(UNRELIABLE_PREFIX)
    props = ann.props
    if props is None:
        return None, "", ann.type
    value = props.attributes.get(LAYER_ATTRIBUTE)
    if value == "argument":
        del props.attributes[LAYER_ATTRIBUTE]
        return Layer.ARGUMENT, "", ""
    if isinstance(value, str) and value.startswith("group:"):
        del props.attributes[LAYER_ATTRIBUTE]
        return Layer.GROUP, value.removeprefix("group:"), ann.type
    return None, "", ann.type


def _annotation(text: str, anns: dict[str, _Ann]) -> AnnotationRecord:
    """Spans and relations of one document; ids are resolved only now because brat lets an
    E or R line come before the T lines it names."""
    units: list[_Unit] = []
    first: dict[str, int] = {}
    relations: list[RelationRecord] = []

    made: dict[tuple[int, int, str, Layer | None, str], int] = {}

    def unit_for(start: int, end: int, label: str, layer: Layer | None, group: str) -> int:
        """The span made for these offsets and label, or a new one."""
        key = (start, end, label, layer, group)
        if key not in made:
            made[key] = len(units)
            units.append(_Unit(start, end, label, layer, group))
        return made[key]

    length = len(text)
    for ann in (a for a in anns.values() if a.id.startswith("T")):
        if any(not 0 <= s <= e <= length for s, e in ann.fragments):
            raise _Bad(ann.line, f"{ann.id} has offsets outside the text ({length} chars)")
        if ann.surface is not None and ann.surface != (expected := _surface(text, ann.fragments)):
            raise _Bad(ann.line, f"{ann.id} says {ann.surface!r} but the text has {expected!r}")
        layer, group, label = _layer_of(ann)
        (start, end), *rest = ann.fragments
        index = unit_for(start, end, label, layer, group)
        if units[index].owner is not None:
            units.append(_Unit(start, end, label, layer, group))
            index = len(units) - 1
        units[index].owner = ann
        first[ann.id] = index
        for order, (start, end) in enumerate(rest, start=1):
            extra = {"brat_fragment_of": ann.id, "brat_order": order}
            child = unit_for(start, end, label, layer, group)
            relations.append(RelationRecord(index, child, FRAGMENT_LABEL, extra))
    _place(units)

    triggers: dict[str, int] = {}
    events = [a for a in anns.values() if a.id.startswith("E")]
    for event in events:
        if event.trigger not in first:
            raise _Bad(event.line, f"{event.id} needs a T as its trigger, not {event.trigger}")
        triggers[event.id] = first[event.trigger]
        info = {"id": event.id, "type": event.type, **_props_out(event.props, "")}
        units[first[event.trigger]].events.append(info)

    def end_of(ref: str, line: int) -> tuple[int, str | None]:
        if ref in first:
            return first[ref], None
        if ref in triggers:
            return triggers[ref], ref
        raise _Bad(line, f"an argument refers to {ref}, which is not a T or E of the file")

    for event in events:
        for order, (role, ref) in enumerate(event.args, start=1):
            child, child_event = end_of(ref, event.line)
            extra = {"brat_event": event.id, "brat_order": order}
            if child_event:
                extra["brat_child_event"] = child_event
            relations.append(RelationRecord(triggers[event.id], child, role, extra))
    for rel in (a for a in anns.values() if a.id.startswith("R")):
        (head, head_event), (child, child_event) = (end_of(r, rel.line) for _, r in rel.args)
        extra: dict[str, Any] = {"brat_id": rel.id}
        roles = [role for role, _ in rel.args]
        if roles != DEFAULT_ROLES:
            extra["brat_roles"] = roles
        extra.update(_props_out(rel.props, "brat_"))
        if head_event:
            extra["brat_head_event"] = head_event
        if child_event:
            extra["brat_child_event"] = child_event
        relations.append(RelationRecord(head, child, rel.type, extra))
    return AnnotationRecord(None, Status.DONE, [_span(u) for u in units], relations=relations)


def _place(units: list[_Unit]) -> None:
    """Entities greedily, longest then earliest; what overlaps them into the overlap group.
    Placed entities never overlap, so sorted by start they are sorted by end too, and the one
    starting last before a unit's end is the only one that can overlap it."""
    taken = {(u.start, u.end, u.layer, u.group, u.label) for u in units if u.layer is not None}
    placed: list[tuple[int, int]] = []
    for unit in sorted(
        (u for u in units if u.layer is None), key=lambda u: (u.start - u.end, u.start)
    ):
        before = bisect_left(placed, (unit.end,))
        if before and placed[before - 1][1] > unit.start:
            unit.layer, unit.group, number = Layer.GROUP, OVERLAP_GROUP, 1
            while (unit.start, unit.end, unit.layer, unit.group, unit.label) in taken:
                number += 1
                unit.group = f"{OVERLAP_GROUP} {number}"
            taken.add((unit.start, unit.end, unit.layer, unit.group, unit.label))
        else:
            unit.layer = Layer.ENTITY
            insort(placed, (unit.start, unit.end))


def _props_out(props: _Props | None, prefix: str) -> dict[str, Any]:
    """An event's or relation's A, # and N lines as dict entries (empty ones left out)."""
    if props is None or not (props.attributes or props.notes or props.norms):
        return {}
    out: dict[str, Any] = {
        f"{prefix}attributes": props.attributes,
        f"{prefix}attribute_ids": props.attribute_ids,
        f"{prefix}note_ids": [ident for ident, _ in props.notes],
        f"{prefix}norms": props.norms,
    }
    if props.notes:
        out["note"] = "\n".join(text for _, text in props.notes)
    return {key: value for key, value in out.items() if value or key == "note"}


def _span(unit: _Unit) -> SpanRecord:
    owner = unit.owner
    if owner is None:
        return SpanRecord(
            unit.start, unit.end, unit.label, unit.layer or Layer.ENTITY, group=unit.group
        )
    props = owner.props
    if props is None and not unit.events:
        return SpanRecord(
            unit.start,
            unit.end,
            unit.label,
            unit.layer or Layer.ENTITY,
            group=unit.group,
            extra={"brat_id": owner.id},
            ref=owner.id,
        )
    props = props or _Props()
    extra: dict[str, Any] = {"brat_id": owner.id, **_props_out(props, "brat_")}
    extra.pop("brat_attributes", None)
    extra.pop("note", None)
    if unit.events:
        extra["brat_events"] = unit.events
    return SpanRecord(
        unit.start,
        unit.end,
        unit.label,
        unit.layer or Layer.ENTITY,
        note="\n".join(text for _, text in props.notes) if props.notes else None,
        kb_id=props.norms[0]["ref"] if props.norms else None,
        group=unit.group,
        attributes=dict(props.attributes),
        extra=extra,
        ref=owner.id,
    )


@functools.lru_cache(maxsize=64)
def _conf_labels(conf: str, mtime_ns: int, size: int) -> tuple[tuple[SchemeLabel, ...], str]:
    """The labels an ``annotation.conf`` declares (cached per file version), and a problem."""
    try:
        lines = Path(conf).read_bytes().decode("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return (), f"could not be read ({exc}); its labels were not declared"
    labels: dict[SchemeLabel, None] = {}
    section = ""
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip()
            continue
        name, _, rest = stripped.replace("\t", " ").partition(" ")
        if name[:1] in "!<-" or section not in ("entities", "relations", "events"):
            continue
        if section == "relations":
            labels[SchemeLabel(LabelKind.RELATION, name)] = None
            continue
        if name.startswith(UNRELIABLE_PREFIX):
            labels[SchemeLabel(LabelKind.RELIABILITY, name.removeprefix(UNRELIABLE_PREFIX))] = None
            continue
        labels[SchemeLabel(LabelKind.ENTITY, name)] = None
        if section == "events":
            for argument in rest.split(","):
                role = argument.partition(":")[0].strip().rstrip("?*+")
                if role and not role.startswith("<"):
                    labels[SchemeLabel(LabelKind.RELATION, role)] = None
    return tuple(labels), ""


@dataclass
class _Conf:
    """The types a written folder uses, for the ``annotation.conf`` brat needs beside it."""

    entities: dict[str, None] = field(default_factory=dict)
    relations: dict[str, bool] = field(default_factory=dict)
    events: dict[str, dict[str, None]] = field(default_factory=dict)
    attributes: dict[str, dict[str, None]] = field(default_factory=dict)

    def text(self) -> str:
        lines = ["[entities]", *(name for name in self.entities if name not in self.events)]
        lines += ["", "[relations]"]
        for name, to_events in self.relations.items():
            end = "<ANY>" if to_events else "<ENTITY>"
            lines.append(f"{name}\tArg1:{end}, Arg2:{end}")
        lines += ["", "[events]"]
        for name, roles in self.events.items():
            lines.append("\t".join([name, ", ".join(f"{role}*:<ANY>" for role in roles)]).strip())
        lines += ["", "[attributes]"]
        for name, values in self.attributes.items():
            lines.append(f"{name}\tArg:<ANY>" + (f", Value:{'|'.join(values)}" if values else ""))
        return "\n".join(lines) + "\n"


def write(
    items: Iterable[ExportItem], target: Path, nlp: Language
) -> tuple[int, list[ExportProblem]]:
    """Write ``<stem>.txt`` and ``<stem>.ann`` per item into the empty folder ``target``, then
    an ``annotation.conf`` declaring every type used. ``nlp`` is not needed: brat offsets are
    characters, not tokens. Unannotated items get their text only."""
    conf = _Conf()
    problems: list[ExportProblem] = []
    stems: set[str] = set()
    count = 0
    for item in items:
        stem = _stem(item, stems)
        (target / f"{stem}.txt").write_text(item.text, encoding="utf-8", newline="")
        if item.annotated:
            document = _Document(item, conf)
            ann = "".join(f"{line}\n" for line in document.lines)
            (target / f"{stem}.ann").write_text(ann, encoding="utf-8", newline="")
            problems.extend(document.problems)
        count += 1
    (target / CONF_NAME).write_text(conf.text(), encoding="utf-8", newline="")
    return count, problems


def _stem(item: ExportItem, used: set[str]) -> str:
    """The file's own name where it is a usable, unused one, else one from the content hash."""
    name = item.meta.get("file")
    stem = ""
    if isinstance(name, str):
        base = name.replace("\\", "/").rsplit("/", 1)[-1]
        stem = base[:-4] if base.lower().endswith(".txt") else base
    if not stem.strip(". ") or stem.casefold() in used:
        stem = fallback = f"doc-{item.content_hash[:12]}"
        number = 1
        while stem.casefold() in used:
            number += 1
            stem = f"{fallback}-{number}"
    used.add(stem.casefold())
    return stem


def _all_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _all_strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _all_strings(inner)


class _Document:
    """The ``.ann`` lines of one item, with the problems met writing them."""

    def __init__(self, item: ExportItem, conf: _Conf) -> None:
        self.item, self.conf = item, conf
        self.lines: list[str] = []
        self.problems: list[ExportProblem] = []
        kept = [*(s.extra for s in item.spans), *(r.extra for r in item.relations)]
        self.used: set[str] = set()
        # New ids start above every id the extras keep, so none takes a later kept one.
        self.next: dict[str, int] = dict.fromkeys("TREAN#", 0)
        for value in _all_strings(kept):
            if match := _ID.fullmatch(value):
                kind = match[1]
                self.next[kind] = max(self.next[kind], int(match[2]))
        self._write()

    def _id(self, kind: str, wanted: Any) -> str:
        usable = isinstance(wanted, str) and wanted[:1] == kind and len(wanted) > 1
        if usable and not any(c.isspace() for c in wanted) and wanted not in self.used:
            self.used.add(wanted)
            return wanted
        self.next[kind] += 1
        while f"{kind}{self.next[kind]}" in self.used:
            self.next[kind] += 1
        self.used.add(f"{kind}{self.next[kind]}")
        return f"{kind}{self.next[kind]}"

    def _problem(self, span: SpanRecord, reason: str, label: str | None = None) -> None:
        item, name = self.item, span.label if label is None else label
        self.problems.append(
            ExportProblem(item.content_hash, item.title, span.start, span.end, name, reason)
        )

    def _name(self, value: str, span: SpanRecord, what: str) -> str:
        """A type, role or attribute as brat can hold it: no whitespace, not empty."""
        name = re.sub(r"\s+", "_", value.strip()) or "_"
        if name != value:
            self._problem(span, f"{what} {value!r} written as {name!r} (brat names have no spaces)")
        return name

    def _write(self) -> None:
        spans = self.item.spans
        # brat has no place for what concerns the whole document: say so, span-less.
        for topic in self.item.topics:
            reason = "brat has no document labels: topic not written"
            self._problem(SpanRecord(0, 0, topic.label), reason)
        if self.item.status is not Status.DONE or self.item.partial:
            state = "partial" if self.item.partial else self.item.status.value
            reason = f"brat has no document status: '{state}' not written (reads back as done)"
            self._problem(SpanRecord(0, 0, ""), reason)
        for span in spans:
            if span.rejected:
                self._problem(span, "rejected suggestion, not an annotation")
        fragments: dict[int, list[tuple[int, int]]] = {}
        bare: set[int] = set()
        others: list[RelationRecord] = []
        for relation in self.item.relations:
            if spans[relation.head].rejected or spans[relation.child].rejected:
                head = spans[relation.head]
                self._problem(head, "relation to a rejected span not written", relation.label)
            elif relation.label == FRAGMENT_LABEL and "brat_fragment_of" in relation.extra:
                order = _order(relation.extra.get("brat_order"))
                fragments.setdefault(relation.head, []).append((order, relation.child))
                bare.add(relation.child)
            else:
                others.append(relation)
        for relation in others:
            bare -= {relation.head, relation.child}
        # Ids first: E lines and R lines name annotations that come later in the file.
        self.tids: dict[int, str] = {}
        for index, span in enumerate(spans):
            if not span.rejected and not (index in bare and _is_bare(span)):
                self.tids[index] = self._id("T", span.extra.get("brat_id"))
        self.eids: dict[str, str] = {}
        events: list[tuple[int, dict[str, Any], str]] = []
        for index in self.tids:
            for event in spans[index].extra.get("brat_events") or []:
                if isinstance(event, dict):
                    self.eids[str(event.get("id"))] = eid = self._id("E", event.get("id"))
                    events.append((index, event, eid))
        for index, tid in self.tids.items():
            parts = [index, *(child for _, child in sorted(fragments.get(index, [])))]
            self._text_line(tid, spans[index], [spans[i] for i in parts])
        arguments: dict[str, list[RelationRecord]] = {}
        for relation in others:
            event_id = str(relation.extra.get("brat_event"))
            if event_id in self.eids:
                arguments.setdefault(event_id, []).append(relation)
            else:
                self._relation_line(relation)
        for index, event, eid in events:
            self._event_line(index, event, eid, arguments.get(str(event.get("id")), []))

    def _text_line(self, tid: str, span: SpanRecord, parts: list[SpanRecord]) -> None:
        attributes = dict(span.attributes)
        if span.layer is Layer.UNRELIABLE:
            btype = self._name(UNRELIABLE_PREFIX + span.label, span, "reason")
        elif span.layer is Layer.ARGUMENT:
            btype, attributes[LAYER_ATTRIBUTE] = ARGUMENT_TYPE, "argument"
        else:
            btype = self._name(span.label, span, "label")
            if span.layer is Layer.GROUP and span.group.partition(" ")[0] != OVERLAP_GROUP:
                attributes[LAYER_ATTRIBUTE] = "group:" + span.group
        self.conf.entities.setdefault(btype)
        offsets = ";".join(f"{p.start} {p.end}" for p in parts)
        text = _surface(self.item.text, ((p.start, p.end) for p in parts))
        self.lines.append(f"{tid}\t{btype} {offsets}\t{text}")
        norms = list(span.extra.get("brat_norms") or [])
        if span.kb_id != (norms[0].get("ref") if norms else None):
            if span.kb_id is None:
                norms = norms[1:]
            else:
                base = norms[0] if norms else {"type": "Reference", "text": ""}
                norms = [{**base, "id": None, "ref": span.kb_id}, *norms[1:]]
        self._props(tid, span, attributes, span.note, norms, span.extra, "brat_")

    def _props(
        self,
        target: str,
        span: SpanRecord,
        attributes: dict[str, Any],
        note: str | None,
        norms: list[Any],
        ids: dict[str, Any],
        prefix: str,
    ) -> None:
        """The A, # and N lines of one T, E or R; ``ids`` holds the ids they had."""
        attribute_ids = ids.get(f"{prefix}attribute_ids")
        attribute_ids = attribute_ids if isinstance(attribute_ids, dict) else {}
        for name, value in attributes.items():
            if value is True:
                shown = ""
            elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
                shown = " " + self._name(str(value), span, f"value of {name}")
            else:
                self._problem(span, f"attribute {name}={value!r} is not a brat flag or value")
                continue
            aid = self._id("A", attribute_ids.get(name))
            name = self._name(name, span, "attribute")
            values = self.conf.attributes.setdefault(name, {})
            if shown:
                values.setdefault(shown[1:])
            self.lines.append(f"{aid}\t{name} {target}{shown}")
        note_ids = ids.get(f"{prefix}note_ids") or []
        if note is not None:
            for number, text in enumerate(note.split("\n")):
                hid = self._id("#", note_ids[number] if number < len(note_ids) else None)
                self.lines.append(f"{hid}\t{NOTE_TYPE} {target}\t{text.rstrip(chr(13))}")
        for norm in norms:
            if isinstance(norm, dict) and norm.get("ref"):
                nid = self._id("N", norm.get("id"))
                head = f"{norm.get('type') or 'Reference'} {target} {norm['ref']}"
                self.lines.append(f"{nid}\t{head}\t{norm.get('text', '')}")

    def _end(self, index: int, event: Any) -> str:
        """The id a relation end is written as: its event's where it names one, else its T's."""
        return self.eids.get(str(event), self.tids[index]) if event else self.tids[index]

    def _event_line(
        self, index: int, event: dict[str, Any], eid: str, arguments: list[RelationRecord]
    ) -> None:
        span = self.item.spans[index]
        etype = self._name(str(event.get("type") or span.label), span, "event type")
        roles = self.conf.events.setdefault(etype, {})
        line = f"{eid}\t{etype}:{self.tids[index]}"
        for relation in sorted(arguments, key=lambda r: _order(r.extra.get("brat_order"))):
            role = self._name(relation.label, span, "role")
            roles.setdefault(role)
            line += f" {role}:{self._end(relation.child, relation.extra.get('brat_child_event'))}"
        self.lines.append(line)
        attributes = event.get("attributes") or {}
        self._props(eid, span, attributes, event.get("note"), event.get("norms") or [], event, "")

    def _relation_line(self, relation: RelationRecord) -> None:
        extra = relation.extra
        span = self.item.spans[relation.head]
        rtype = self._name(relation.label, span, "relation")
        head = self._end(relation.head, extra.get("brat_head_event"))
        child = self._end(relation.child, extra.get("brat_child_event"))
        roles = extra.get("brat_roles")
        if not (isinstance(roles, list) and len(roles) == 2 and all(map(_is_name, roles))):
            roles = DEFAULT_ROLES
        to_events = head.startswith("E") or child.startswith("E")
        self.conf.relations[rtype] = self.conf.relations.get(rtype, False) or to_events
        rid = self._id("R", extra.get("brat_id"))
        self.lines.append(f"{rid}\t{rtype} {roles[0]}:{head} {roles[1]}:{child}")
        attributes = extra.get("brat_attributes") or {}
        norms = extra.get("brat_norms") or []
        self._props(rid, span, attributes, extra.get("note"), norms, extra, "brat_")


def _order(value: Any) -> int:
    """Sort key of a kept fragment or argument order; one without a usable order goes last."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 1 << 30


def _is_name(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and not any(c.isspace() for c in value)


def _is_bare(span: SpanRecord) -> bool:
    """A fragment with nothing of its own: written inside its T, not as a T."""
    return not ("brat_id" in span.extra or span.note or span.kb_id or span.attributes)

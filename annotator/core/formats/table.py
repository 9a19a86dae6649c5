"""CSV and TSV tables with a header row: one document per row.

Spreadsheets are where many researchers keep their articles, so the reader takes any header and
finds the text column by name; every other column is kept as metadata under its header name
(empty cells as ``""``), so nothing in the table is dropped and writing it back gives the same
table.

Our own export adds five annotation columns: ``annotator``, ``status``, and JSON in
``entities`` ([[start, end, label] or [start, end, label, kb_id], ...]), ``unreliable``
([[start, end, reason, note or null], ...]) and ``topics`` ({"label": true or false}). They are
read back as an annotation only when all five are in the header: that is how a file of ours is
told from a user's table that has a ``status`` or ``topics`` column of its own, which stays
metadata.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from annotator.core.errors import FormatError
from annotator.core.records import (
    AnnotationRecord,
    BadRecord,
    DocumentRecord,
    ExportItem,
    ExportProblem,
    Layer,
    ReadItem,
    ReadOptions,
    SpanRecord,
    Status,
    TopicRecord,
)

if TYPE_CHECKING:
    from spacy.language import Language

#: Column names taken as the text, in order of preference (compared case-insensitively).
TEXT_COLUMNS = ("text", "content", "body", "article", "full_text")
TITLE_COLUMN = "title"
#: Our annotation columns, written last; all five in a header mark a file we wrote.
ANNOTATION_COLUMNS = ("annotator", "status", "entities", "unreliable", "topics")
#: Characters the delimiter is sniffed from; the rest of the file is streamed.
SNIFF_CHARS = 16 * 1024
SNIFF_DELIMITERS = ",;\t|"
#: csv's default field limit (128 KiB) is shorter than a long article; 2**31 - 1 fits a C long
#: on every platform.
FIELD_LIMIT = 2**31 - 1


@dataclass(frozen=True)
class Columns:
    """Where each part of a document is in a row, by column index."""

    header: list[str]
    text: int
    title: int | None
    annotation: dict[str, int] | None
    meta: list[int]


class _BadCell(Exception):
    """One annotation cell of a row cannot be read; the row becomes a BadRecord."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(f"column {column!r}: {reason}")


def delimiter_for(path: Path, sample: str) -> str:
    """TAB for ``.tsv``; otherwise what csv.Sniffer finds in the sample's whole lines, or comma.

    The sniffer may only choose among usual delimiters: left free, it picks letters or spaces
    in prose.
    """
    if path.suffix.lower() == ".tsv":
        return "\t"
    whole_lines = sample[: sample.rfind("\n") + 1] or sample
    try:
        return csv.Sniffer().sniff(whole_lines, delimiters=SNIFF_DELIMITERS).delimiter
    except csv.Error:
        return ","


def read(path: Path, options: ReadOptions) -> Iterator[ReadItem]:
    """Stream the table's rows as documents (see the module docstring for the columns)."""
    csv.field_size_limit(FIELD_LIMIT)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            delimiter = delimiter_for(path, handle.read(SNIFF_CHARS))
            handle.seek(0)
            yield from _rows(path, handle, delimiter, options)
    except UnicodeDecodeError:
        line, byte = _first_bad_line(path)
        raise FormatError(
            path,
            f"not UTF-8 text (invalid byte at offset {byte}); save the file as UTF-8 "
            "(in Excel: Save As, 'CSV UTF-8')",
            line,
        ) from None


def _first_bad_line(path: Path) -> tuple[int, int]:
    """Line and byte offset of the first invalid UTF-8 sequence.

    Decoding line by line is exact: a newline byte is never part of a multi-byte sequence.
    """
    offset = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return number, offset + exc.start
            offset += len(raw)
    return 1, 0


def _rows(path: Path, handle: IO[str], delimiter: str, options: ReadOptions) -> Iterator[ReadItem]:
    # strict: an unclosed quote would otherwise swallow the rest of the file into one cell.
    reader = csv.reader(handle, delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if not header:
            raise FormatError(path, "the first line must be the header row, and it is empty", 1)
        columns = find_columns(path, header, options.text_column)
        previous = reader.line_num
        for row in reader:
            # A quoted field can span lines: the row starts after the previous row's last line.
            line, previous = previous + 1, reader.line_num
            if row:
                yield _document(path, columns, row, line)
    except csv.Error as exc:
        raise FormatError(path, f"malformed CSV: {exc}", reader.line_num) from None


def find_columns(path: Path, header: list[str], text_column: str | None) -> Columns:
    """Which column is the text, the title, our annotation and metadata; FormatError if the
    header has no text column or names a column twice (metadata is keyed by name)."""
    doubled = sorted({name for name in header if header.count(name) > 1})
    if doubled:
        raise FormatError(
            path, f"the header names {_listing(doubled)} more than once; rename them", 1
        )
    lowered = [name.strip().lower() for name in header]
    if text_column is not None:
        wanted = [text_column, text_column.strip().lower()]
        text = next((i for i, name in enumerate(header) if name == wanted[0]), None)
        if text is None:
            text = next((i for i, name in enumerate(lowered) if name == wanted[1]), None)
        if text is None:
            raise FormatError(
                path, f"no column {text_column!r}; the columns are {_listing(header)}", 1
            )
    else:
        text = next(
            (i for name in TEXT_COLUMNS for i, low in enumerate(lowered) if low == name), None
        )
        if text is None:
            raise FormatError(
                path,
                f"no text column ({', '.join(TEXT_COLUMNS)}) in the header {_listing(header)};"
                " pass --text-column NAME",
                1,
            )
    title = next((i for i, low in enumerate(lowered) if low == TITLE_COLUMN and i != text), None)
    annotation = None
    if all(name in header for name in ANNOTATION_COLUMNS):
        annotation = {name: header.index(name) for name in ANNOTATION_COLUMNS}
    taken = {text, title, *(annotation or {}).values()}
    meta = [i for i in range(len(header)) if i not in taken]
    return Columns(header, text, title, annotation, meta)


def _listing(names: Iterable[str]) -> str:
    return ", ".join(repr(name) for name in names)


def _document(path: Path, columns: Columns, row: list[str], line: int) -> ReadItem:
    width = len(columns.header)
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        return BadRecord(line, f"the row has {len(row)} cells but the header has {width} columns")
    # Spreadsheets leave out trailing empty cells; extra cells that are empty hold nothing.
    row = row[:width] + [""] * (width - len(row))
    text = row[columns.text]
    if not text.strip():
        return BadRecord(
            line,
            f"the text is empty (only whitespace) in column {columns.header[columns.text]!r}",
        )
    try:
        annotation = _annotation(columns, row)
    except _BadCell as exc:
        return BadRecord(line, str(exc))
    title = row[columns.title] if columns.title is not None else ""
    return DocumentRecord(
        text=text,
        title=title or None,
        source=str(path),
        meta={columns.header[i]: row[i] for i in columns.meta},
        annotations=[annotation] if annotation else [],
        line=line,
    )


def _annotation(columns: Columns, row: list[str]) -> AnnotationRecord | None:
    if columns.annotation is None:
        return None
    cells = {name: row[index] for name, index in columns.annotation.items()}
    if not any(cell.strip() for cell in cells.values()):
        return None
    try:
        status = Status(cells["status"].strip() or Status.DONE.value)
    except ValueError:
        known = ", ".join(s.value for s in Status)
        raise _BadCell("status", f"unknown status {cells['status']!r} ({known})") from None
    spans = [_entity(raw) for raw in _json_cell("entities", cells["entities"], list)]
    spans += [_passage(raw) for raw in _json_cell("unreliable", cells["unreliable"], list)]
    topics = []
    for label, applies in _json_cell("topics", cells["topics"], dict).items():
        if not isinstance(applies, bool):
            raise _BadCell("topics", f"topic {label!r} must be true or false, not {applies!r}")
        topics.append(TopicRecord(label, applies))
    return AnnotationRecord(cells["annotator"] or None, status, spans, topics)


def _json_cell(column: str, cell: str, kind: type) -> Any:
    if not cell.strip():
        return kind()
    try:
        value = json.loads(cell)
    except json.JSONDecodeError as exc:
        raise _BadCell(column, f"malformed JSON: {exc.msg} (character {exc.pos + 1})") from None
    if not isinstance(value, kind):
        shape = "a list" if kind is list else "an object"
        raise _BadCell(column, f"must hold {shape}, not {type(value).__name__}")
    return value


def _offsets(column: str, raw: Any, sizes: tuple[int, ...], shape: str) -> list[Any]:
    if not (isinstance(raw, list) and len(raw) in sizes):
        raise _BadCell(column, f"each entry must be {shape}, not {json.dumps(raw)[:80]}")
    start, end, label = raw[:3]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        raise _BadCell(column, f"start and end must be integers in {json.dumps(raw)[:80]}")
    if not isinstance(label, str):
        raise _BadCell(column, f"the label must be a string in {json.dumps(raw)[:80]}")
    if len(raw) == 4 and not (raw[3] is None or isinstance(raw[3], str)):
        raise _BadCell(column, f"the fourth value must be a string or null in {json.dumps(raw)}")
    return raw


def _entity(raw: Any) -> SpanRecord:
    start, end, label, *kb = _offsets(
        "entities", raw, (3, 4), "[start, end, label] or [start, end, label, kb_id]"
    )
    return SpanRecord(start, end, label, kb_id=kb[0] if kb else None)


def _passage(raw: Any) -> SpanRecord:
    start, end, reason, note = _offsets("unreliable", raw, (4,), "[start, end, reason, note]")
    return SpanRecord(start, end, reason, Layer.UNRELIABLE, note)


def write(
    items: Iterable[ExportItem], target: Path, nlp: Language
) -> tuple[int, list[ExportProblem]]:
    """Write one row per item; TAB-separated for a ``.tsv`` target.

    The header lists every metadata key, which is known only after the last item. Rather than
    hold 100k items in memory, each finished row goes to a spill file (one JSON line per item)
    beside the target while the keys are collected; the table is then written from the spill,
    header first. Metadata that is not a string is written as JSON and read back as a string.
    """
    problems: list[ExportProblem] = []
    keys: dict[str, None] = {}
    count = 0
    delimiter = "\t" if target.suffix.lower() == ".tsv" else ","
    with tempfile.TemporaryFile("w+", encoding="utf-8", dir=target.parent) as spill:
        for item in items:
            meta = _meta_cells(item, problems)
            keys.update(dict.fromkeys(meta))
            fixed = [item.text, item.title or "", *_annotation_cells(item, problems)]
            spill.write(json.dumps([fixed, meta], ensure_ascii=False) + "\n")
            count += 1
        spill.seek(0)
        with target.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
            writer.writerow(["text", TITLE_COLUMN, *keys, *ANNOTATION_COLUMNS])
            for line in spill:
                (text, title, *annotation), meta = json.loads(line)
                writer.writerow([text, title, *(meta.get(k, "") for k in keys), *annotation])
    return count, problems


def _meta_cells(item: ExportItem, problems: list[ExportProblem]) -> dict[str, str]:
    cells: dict[str, str] = {}
    for key, value in item.meta.items():
        cell = value if isinstance(value, str) else "" if value is None else json.dumps(value)
        if key in ("text", TITLE_COLUMN, *ANNOTATION_COLUMNS):
            if cell:
                problems.append(
                    _problem(
                        item,
                        0,
                        0,
                        key,
                        f"metadata {key!r} has the name of a column this table uses for the "
                        f"document; its value {cell[:60]!r} was not written",
                    )
                )
            continue
        cells[key] = cell
    return cells


def _annotation_cells(item: ExportItem, problems: list[ExportProblem]) -> list[str]:
    if not item.annotated:
        return [""] * len(ANNOTATION_COLUMNS)
    entities: list[list[Any]] = []
    passages: list[list[Any]] = []
    for span in item.spans:
        if span.rejected:
            problems.append(_span_problem(item, span, "a rejected span cannot be held"))
            continue
        if span.layer is Layer.ENTITY:
            kb_id = [span.kb_id] if span.kb_id else []
            entities.append([span.start, span.end, span.label, *kb_id])
        elif span.layer is Layer.UNRELIABLE:
            passages.append([span.start, span.end, span.label, span.note])
        else:
            reason = f"{span.layer.value} spans cannot be held (entities and unreliable only)"
            problems.append(_span_problem(item, span, reason))
            continue
        if span.attributes:
            reason = f"the span's attributes {span.attributes} cannot be held; written without"
            problems.append(_span_problem(item, span, reason))
    for relation in item.relations:
        head, child = item.spans[relation.head], item.spans[relation.child]
        reason = (
            f"relations cannot be held ({head.label} {head.start}..{head.end} → "
            f"{child.label} {child.start}..{child.end})"
        )
        problems.append(_problem(item, head.start, child.end, relation.label, reason))
    topics = {topic.label: topic.applies for topic in item.topics}
    return [
        item.annotator,
        item.status.value,
        json.dumps(entities, ensure_ascii=False) if entities else "",
        json.dumps(passages, ensure_ascii=False) if passages else "",
        json.dumps(topics, ensure_ascii=False) if topics else "",
    ]


def _span_problem(item: ExportItem, span: SpanRecord, reason: str) -> ExportProblem:
    return _problem(item, span.start, span.end, span.label, reason)


def _problem(item: ExportItem, start: int, end: int, label: str, reason: str) -> ExportProblem:
    return ExportProblem(item.content_hash, item.title, start, end, label, reason)

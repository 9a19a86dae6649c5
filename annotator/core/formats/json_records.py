"""Records in a ``.json`` file, and what a ``.jsonl`` file that is not JSON Lines really is.

People and tools save annotations as ``.json`` in three shapes: an array of records (doccano's
JSON export, ``json.dump(list)``), one pretty-printed record, or an object that keeps the records
under a key (``{"examples": [...]}``). :func:`iter_json_records` turns each into the same
(line, object) stream that :func:`~annotator.core.formats.jsonl.iter_json_lines` gives for JSON
Lines, so the Prodigy and doccano readers need not care which one they got.

A ``.json`` file is one JSON value, so it is loaded whole: there is no record boundary to stream
on without a streaming parser, and large sets are JSON Lines. Line numbers come from walking the
outer array (or object) by hand with ``raw_decode``, which gives each element's position.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import FormatError
from annotator.core.formats.txt import decode_utf8
from annotator.core.records import BadRecord, Omission

#: How much of a ``.jsonl`` file :func:`describe_jsonl_mistake` looks at first, and the size up
#: to which it parses the whole file to be sure.
SAMPLE_BYTES = 64 * 1024
FULL_PARSE_BYTES = 50 * 1024 * 1024

SPREAD_OBJECT = (
    "this looks like one JSON object spread over several lines, not JSON Lines (one object per"
    " line); save it as .json or write one object per line"
)
ARRAY = "this is a JSON array, not JSON Lines; save it as .json"
LIKELY_ARRAY = "this looks like a JSON array (it starts with '['), not JSON Lines; save it as .json"

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class _Lines:
    """1-based line of a position, counting newlines only since the previous (lower) one."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.line = 1

    def __call__(self, position: int) -> int:
        self.line += self.text.count("\n", self.position, position)
        self.position = position
        return self.line


def iter_json_records(
    path: Path,
) -> Iterator[tuple[int, dict[str, Any]] | BadRecord | Omission]:
    """Yield (1-based line where the object starts, object) for each record of a ``.json`` file.

    An array element that is not an object is a BadRecord. A top-level object is one record,
    unless it has no ``text`` and exactly one of its keys holds a list with objects that have
    one (``{"examples": [...]}``): then that list's elements are the records, and the object's
    other keys are reported as one Omission since they belong to no record. Raises FormatError
    for invalid UTF-8, malformed JSON (with line and column), a top-level value that is neither
    array nor object, and a file without records.
    """
    text = decode_utf8(path, path.read_bytes())
    start = _skip(text, 0)
    if start == len(text):
        raise FormatError(path, "the file is empty (no JSON records)")
    elements, omission, end = _top_level(path, text, start)
    if _skip(text, end) != len(text):
        raise _malformed(path, text, _skip(text, end), "extra data after the JSON value")
    if omission is not None:
        yield omission
    lines = _Lines(text)
    for position, value in elements:
        if isinstance(value, dict):
            yield lines(position), value
        else:
            yield BadRecord(lines(position), f"expected a JSON object, found {_kind(value)}")


def _top_level(
    path: Path, text: str, start: int
) -> tuple[list[tuple[int, Any]], Omission | None, int]:
    """The positioned records of the top-level value, what of it is not kept, and its end."""
    if text[start] == "[":
        elements, end = _array(path, text, start)
        if not elements:
            raise _at(path, text, start, "the JSON array is empty (no records)")
        return elements, None, end
    if text[start] != "{":
        value, _ = _decode(path, text, start)
        raise _at(path, text, start, f"expected a JSON array or object, found {_kind(value)}")
    record, fields, end = _object(path, text, start)
    wrapped = [key for key, elements in fields.items() if _holds_records(elements)]
    if len(wrapped) != 1 or "text" in record:
        return [(start, record)], None, end
    key = wrapped[0]
    others = [other for other in record if other != key]
    omission = None
    if others:
        omission = Omission(
            f"top-level keys beside {key!r}: {', '.join(map(repr, others))}",
            f"only the records under {key!r} are imported",
            len(others),
        )
    return fields[key] or [], omission, end


def _holds_records(elements: list[tuple[int, Any]] | None) -> bool:
    return elements is not None and any(
        isinstance(value, dict) and "text" in value for _, value in elements
    )


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _skip(text: str, position: int) -> int:
    match = _WHITESPACE.match(text, position)
    return match.end() if match else position


def _decode(path: Path, text: str, position: int) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, position)
    except json.JSONDecodeError as exc:
        raise FormatError(
            path, f"malformed JSON: {exc.msg} (column {exc.colno})", exc.lineno
        ) from None


def _malformed(path: Path, text: str, position: int, message: str) -> FormatError:
    return _at(path, text, position, f"malformed JSON: {message}")


def _at(path: Path, text: str, position: int, reason: str) -> FormatError:
    """A FormatError naming the line and column of ``position``, as json's own errors do."""
    line = text.count("\n", 0, position) + 1
    column = position - text.rfind("\n", 0, position)
    return FormatError(path, f"{reason} (column {column})", line)


def _array(path: Path, text: str, position: int) -> tuple[list[tuple[int, Any]], int]:
    """The elements of the array at ``position`` with where each starts, and where it ends."""
    elements: list[tuple[int, Any]] = []
    position = _skip(text, position + 1)
    if text.startswith("]", position):
        return elements, position + 1
    while True:
        value, end = _decode(path, text, position)
        elements.append((position, value))
        position = _skip(text, end)
        if text.startswith("]", position):
            return elements, position + 1
        if not text.startswith(",", position):
            raise _malformed(path, text, position, "expected ',' or ']' after an array element")
        position = _skip(text, position + 1)


def _object(
    path: Path, text: str, position: int
) -> tuple[dict[str, Any], dict[str, list[tuple[int, Any]] | None], int]:
    """The object at ``position``, the positioned elements of each list value, and its end."""
    record: dict[str, Any] = {}
    fields: dict[str, list[tuple[int, Any]] | None] = {}
    position = _skip(text, position + 1)
    if text.startswith("}", position):
        return record, fields, position + 1
    while True:
        if not text.startswith('"', position):
            raise _malformed(path, text, position, "expected a property name in double quotes")
        key, position = _decode(path, text, position)
        position = _skip(text, position)
        if not text.startswith(":", position):
            raise _malformed(path, text, position, "expected ':' after a property name")
        position = _skip(text, position + 1)
        if text.startswith("[", position):
            elements, position = _array(path, text, position)
            record[key], fields[key] = [value for _, value in elements], elements
        else:
            record[key], position = _decode(path, text, position)
            fields[key] = None
        position = _skip(text, position)
        if text.startswith("}", position):
            return record, fields, position + 1
        if not text.startswith(",", position):
            raise _malformed(path, text, position, "expected ',' or '}' after a property")
        position = _skip(text, position + 1)


def describe_jsonl_mistake(path: Path) -> str | None:
    """What a ``.jsonl`` file whose first line does not parse really is, or ``None``.

    Reads at most the first 64 KB, and parses the whole file only when it is under 50 MB and
    the start looks like JSON, so a huge file costs little.
    """
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    sample = head.decode("utf-8", errors="replace").removeprefix("\ufeff")
    whole = len(head) < SAMPLE_BYTES
    first = next((line for line in sample.split("\n") if line.strip()), None)
    if first is None:
        return None
    try:
        value = json.loads(first)
    except ValueError:
        pass
    else:
        return ARRAY if isinstance(value, list) else None
    start = _skip(sample, 0)
    if sample.startswith("[", start):
        value = _parse_start(path, sample, start, whole)
        return ARRAY if isinstance(value, list) else LIKELY_ARRAY
    if sample.startswith("{", start):
        value = _parse_start(path, sample, start, whole, spread=True)
        return SPREAD_OBJECT if isinstance(value, dict) else None
    return _describe_table(sample, whole)


def _parse_start(path: Path, sample: str, start: int, whole: bool, spread: bool = False) -> Any:
    """The JSON value at ``start`` of the sample, or of the whole file when the sample is cut
    and the file is small enough; ``None`` if it does not parse (or, with ``spread``, if it
    ends on the line it starts on)."""
    text = sample
    found = _value_at(text, start)
    if found is None and not whole and path.stat().st_size < FULL_PARSE_BYTES:
        text = path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")
        found = _value_at(text, start)
    if found is None or (spread and "\n" not in text[start : found[1]]):
        return None
    return found[0]


def _value_at(text: str, start: int) -> tuple[Any, int] | None:
    try:
        return _DECODER.raw_decode(text, start)
    except json.JSONDecodeError:
        return None


def _describe_table(sample: str, whole: bool) -> str | None:
    """A CSV/TSV verdict when the sample has a header of short names and a row as wide."""
    lines = sample.split("\n")
    complete = "\n".join(lines if whole else lines[:-1])
    try:
        delimiter = csv.Sniffer().sniff(complete, delimiters=",;\t").delimiter
    except csv.Error:
        return None
    rows = [row for row in csv.reader(io.StringIO(complete), delimiter=delimiter) if row]
    if len(rows) < 2 or len(rows[0]) < 2 or len(rows[1]) != len(rows[0]):
        return None
    if not all(0 < len(name.strip()) <= 100 for name in rows[0]):
        return None
    kind, suffix = ("TSV", ".tsv") if delimiter == "\t" else ("CSV", ".csv")
    columns = ", ".join(rows[0][:5]) + (", ..." if len(rows[0]) > 5 else "")
    return (
        f"this looks like {kind} (a table with the columns {columns}), not JSON Lines;"
        f" save it as {suffix}"
    )

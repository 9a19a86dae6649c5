"""Streaming JSON Lines: one object per line, read line by line so 1 GB files stay cheap."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import FormatError
from annotator.core.records import BadRecord


def iter_json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]] | BadRecord]:
    """Yield (1-based line number, object) for each line; blank lines are skipped.

    A line that is not valid UTF-8, not valid JSON or not an object is a BadRecord naming the
    line, and reading goes on. When the first record does not parse and the file is really
    something else (a pretty-printed object, a JSON array), FormatError says what it is.
    A file without a single line of content is a FormatError too.
    """
    found = False
    offset = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                found = True
                yield BadRecord(
                    number, f"invalid UTF-8 at byte {offset + exc.start} ({exc.reason})"
                )
                offset += len(raw)
                continue
            offset += len(raw)
            if number == 1:
                line = line.removeprefix("\ufeff")
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                if not found:
                    _refuse_if_not_json_lines(path)
                found = True
                yield BadRecord(number, f"malformed JSON: {exc.msg} (column {exc.colno})")
                continue
            found = True
            if not isinstance(obj, dict):
                if number == 1 and isinstance(obj, list):
                    raise FormatError(
                        path,
                        "this is a JSON array on one line, not JSON Lines (one object per "
                        "line); save it as .json, or write one object per line",
                        number,
                    )
                yield BadRecord(number, f"expected a JSON object, found {type(obj).__name__}")
                continue
            yield number, obj
    if not found:
        raise FormatError(path, "the file is empty (no JSON records)")


def _refuse_if_not_json_lines(path: Path) -> None:
    from annotator.core.formats.json_records import describe_jsonl_mistake

    mistake = describe_jsonl_mistake(path)
    if mistake is not None:
        raise FormatError(path, mistake, 1)


def write_json_lines(objects: Iterable[dict[str, Any]], path: Path) -> int:
    """Write records as JSON Lines, or as one JSON array when ``path`` ends in ``.json``
    (streamed either way, one record at a time)."""
    array = path.suffix.lower() == ".json"
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for obj in objects:
            if array:
                handle.write("[\n" if count == 0 else ",\n")
            handle.write(json.dumps(obj, ensure_ascii=False))
            if not array:
                handle.write("\n")
            count += 1
        if array:
            handle.write("\n]\n" if count else "[]\n")
    return count


def require_text(path: Path, line: int, obj: dict[str, Any]) -> str:
    text = obj.get("text")
    if text is None:
        raise FormatError(path, "'text' is missing", line)
    if not isinstance(text, str):
        raise FormatError(path, f"'text' must be a string, not {type(text).__name__}", line)
    return text


def require_offsets(
    path: Path, line: int, where: str, start: object, end: object, label: object
) -> tuple[int, int, str]:
    """Check the types of one span's fields; offsets against the text are checked later."""
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise FormatError(path, f"{where}: '{name}' must be an integer, not {value!r}", line)
    if not isinstance(label, str) or not label.strip():
        raise FormatError(path, f"{where}: the label must be a non-empty string", line)
    return start, end, label  # type: ignore[return-value]

"""Streaming JSON Lines: one object per line, read line by line so 1 GB files stay cheap."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import FormatError


def iter_json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (1-based line number, object); blank lines are skipped.

    Raises FormatError naming the line for invalid UTF-8, malformed JSON or a line that is
    not an object, and for a file without a single record.
    """
    found = False
    offset = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FormatError(
                    path, f"invalid UTF-8 at byte {offset + exc.start} ({exc.reason})", number
                ) from None
            offset += len(raw)
            if number == 1:
                line = line.removeprefix("\ufeff")
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise FormatError(
                    path, f"malformed JSON: {exc.msg} (column {exc.colno})", number
                ) from None
            if not isinstance(obj, dict):
                raise FormatError(
                    path, f"expected a JSON object, found {type(obj).__name__}", number
                )
            found = True
            yield number, obj
    if not found:
        raise FormatError(path, "the file is empty (no JSON records)")


def write_json_lines(objects: Iterable[dict[str, Any]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for obj in objects:
            handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
            count += 1
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

"""Plain-text articles: one file, one document, the text kept exactly as it is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import FormatError
from annotator.core.records import DocumentRecord, ReadOptions


def decode_utf8(path: Path, data: bytes) -> str:
    """Decode strictly, naming the line and byte of the first invalid sequence."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormatError(
            path, f"invalid UTF-8 at byte {exc.start} ({exc.reason}); save the file as UTF-8", line
        ) from None
    return text.removeprefix("\ufeff")


def title_of(text: str) -> str | None:
    """The headline: the first line that is not the site around the article (a scraped
    page starts with the site's name and menus)."""
    from annotator.core.boilerplate import headline

    return headline(text)


def read(path: Path, options: ReadOptions | None = None) -> Iterator[DocumentRecord]:
    text = decode_utf8(path, path.read_bytes())
    if not text.strip():
        raise FormatError(path, "the file is empty")
    yield DocumentRecord(
        text=text,
        title=title_of(text),
        source=str(path),
        meta={"file": path.name},
        line=1,
    )

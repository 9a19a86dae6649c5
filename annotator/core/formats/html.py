"""HTML articles: trafilatura extracts the main text and metadata; nothing is fetched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import FormatError
from annotator.core.formats.txt import decode_utf8, title_of
from annotator.core.records import DocumentRecord, ReadOptions


def read(path: Path, options: ReadOptions | None = None) -> Iterator[DocumentRecord]:
    import trafilatura

    data = path.read_bytes()
    if not data.strip():
        raise FormatError(path, "the file is empty")
    html = decode_utf8(path, data)
    extracted = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_images=False, url=None
    )
    text = getattr(extracted, "text", None) if extracted is not None else None
    if not text or not text.strip():
        raise FormatError(path, "no article text found in the HTML")
    meta = {"file": path.name}
    for key in ("date", "author", "url", "sitename", "description"):
        value = getattr(extracted, key, None)
        if value:
            meta[key] = str(value)
    title = getattr(extracted, "title", None) or title_of(text)
    yield DocumentRecord(text=text, title=title, source=str(path), meta=meta, line=1)

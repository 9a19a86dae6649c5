"""Crafted project files for the tests of untrusted input: each starts as a real project made by
the Project API, then is changed with sqlite3 or by rewriting its bytes, as an attacker (or a
broken disk) would."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from annotator.core.project import Project

THEIR_TEXT = "Leaders of Nepal and China met in Beijing on Monday. " * 3
MY_TEXT = "Officials in Delhi said exports rose by 12% last year."


def real_project(path: Path, text: str, annotator: str) -> Path:
    """A project with one article and one entity, closed (its WAL folded into the file)."""
    source = path.with_suffix(".txt")
    source.write_text(text, encoding="utf-8")
    with Project.open(path) as project:
        project.import_paths([source])
        start = text.index("Nepal") if "Nepal" in text else 0
        project.edits.add_span(1, annotator, start, start + 5, "GPE")
    return path


def altered(original: Path, name: str, *statements: str) -> Path:
    """A copy of ``original`` after running ``statements`` on it with plain sqlite3."""
    crafted = original.with_name(name)
    shutil.copy(original, crafted)
    conn = sqlite3.connect(crafted)
    try:
        conn.execute("PRAGMA foreign_keys=OFF")
        for statement in statements:
            conn.execute(statement)
        conn.commit()
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
    return crafted


def _read_varint(data: bytes, at: int) -> tuple[int, int]:
    """SQLite's varint at ``at``: (value, where the next field starts)."""
    value = 0
    for index in range(9):
        byte = data[at + index]
        if index == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + index + 1
    raise AssertionError("unreachable")


def _varint(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    return bytes(reversed(out))


def _first_cell(path: Path, table: str) -> tuple[bytearray, int, int]:
    """The file's bytes, the page offset of ``table``'s root (a leaf here) and its first cell."""
    conn = sqlite3.connect(path)
    try:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
        page = root.fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    data = bytearray(path.read_bytes())
    start = (page - 1) * size
    header = start + (100 if page == 1 else 0)
    assert data[header] == 13, "a table leaf page"
    return data, start, start + int.from_bytes(data[header + 8 : header + 10], "big")


def with_flipped_page(original: Path, name: str, table: str = "spans") -> Path:
    """A copy whose page holding ``table`` has its header and cell pointers overwritten."""
    crafted = altered(original, name)
    data, page, _cell = _first_cell(crafted, table)
    for offset in range(page, page + 24):
        data[offset] ^= 0xA5
    crafted.write_bytes(bytes(data))
    return crafted


def with_huge_text(original: Path, name: str) -> Path:
    """A copy whose first document's record header declares a text of 2,000,000,000 bytes,
    far larger than the file (the record keeps its size: its body shifts, as crafted)."""
    crafted = altered(original, name)
    data, _page, cell = _first_cell(crafted, "documents")
    payload, at = _read_varint(data, cell)
    _rowid, record = _read_varint(data, at)
    header_size, at = _read_varint(data, record)
    types = []
    while at < record + header_size:
        serial, at = _read_varint(data, at)
        types.append(serial)
    types[1] = 2 * 2_000_000_000 + 13  # column 1 (text): a text of that many bytes
    fields = b"".join(_varint(t) for t in types)
    header = _varint(len(fields) + 1) + fields
    body = data[record + header_size : record + payload]
    data[record : record + payload] = (header + body)[:payload]
    crafted.write_bytes(bytes(data))
    return crafted


def with_overlong_cell(original: Path, name: str) -> Path:
    """A copy whose first document cell claims 16,383 bytes of payload, more than its page
    holds, so an overflow page number is read out of the text."""
    crafted = altered(original, name)
    data, _page, cell = _first_cell(crafted, "documents")
    assert data[cell] >= 0x80 and data[cell + 1] < 0x80, "a two-byte payload size"
    data[cell : cell + 2] = bytes([0xFF, 0x7F])
    crafted.write_bytes(bytes(data))
    return crafted

"""Import of 10,000 generated 3,000-character articles against raw sqlite3 executemany.

Run: ``.venv/bin/python -m tests.benchmarks.bench_import [COUNT]``. Prints both times and the
ratio (goal: at most 2x); the baseline runs in the same process to cancel out machine noise.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from annotator.core.project import Project
from tests.benchmarks.corpus import write_jsonl


def baseline(path: Path, rows: list[tuple]) -> float:
    """Raw sqlite3: the same rows into the same table schema, one executemany, one commit."""
    Project.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    started = time.perf_counter()
    conn.executemany(
        "INSERT INTO documents (text, title, source, meta, content_hash, length, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.commit()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def main(count: int = 10_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = write_jsonl(work / "articles.jsonl", count)
        rows = []
        with source.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                text = record["text"]
                rows.append(
                    (
                        text,
                        record["meta"]["title"],
                        str(source),
                        json.dumps(record["meta"]),
                        hashlib.sha256(text.encode()).hexdigest(),
                        len(text),
                        "2026-01-01 00:00:00.000000",
                    )
                )
        raw = baseline(work / "raw.annotator", rows)
        with Project.open(work / "ours.annotator") as project:
            started = time.perf_counter()
            report = project.import_paths([source])
            ours = time.perf_counter() - started
        assert report.documents_added == count
        size_mb = source.stat().st_size / 1e6
        print(f"import of {count:,} articles ({size_mb:.0f} MB JSONL)")
        print(f"  raw sqlite3 executemany: {raw:.2f} s")
        print(f"  annotator import:        {ours:.2f} s")
        print(f"  ratio: {ours / raw:.2f}x (goal <= 2x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)

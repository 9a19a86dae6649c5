"""Team mode on a local PostgreSQL: importing against a raw COPY, and a span edit's time.

Run: ``ANNOTATOR_TEST_POSTGRES=postgresql://… .venv/bin/python -m tests.benchmarks.bench_team
[COUNT]`` (default 100,000 articles; ``.ci/postgres`` starts a server and prints the URL).

- Import: ``annotator import`` of a JSONL file into a new team database, against the same
  texts written with PostgreSQL's own ``COPY`` into the documents table of another new team
  database (the raw baseline: no parsing, hashing or checks). Goal: within 2x.
- A span edit until it is visible: ``add_span`` then reading the document's spans back, as
  the window does (goal: under 50 ms), and the window's own path measured offscreen (a label
  key on a selection until the span is on screen).
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from annotator.core.project import Project
from annotator.core.store.dialect import server_url
from tests.benchmarks.corpus import write_jsonl

ADMIN = os.environ.get("ANNOTATOR_TEST_POSTGRES", "")
REPEAT = 25


def new_database() -> str:
    name = f"annotator_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url(ADMIN), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return server_url(ADMIN).set(database=name).render_as_string(hide_password=False)


def drop(url: str) -> None:
    """Drop a benchmark database; autovacuum may still be at work on it (a process our role
    cannot end), so wait for it rather than force."""
    admin = create_engine(server_url(ADMIN), isolation_level="AUTOCOMMIT")
    for _ in range(60):
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {server_url(url).database}")
            break
        except OperationalError:
            time.sleep(1)
    admin.dispose()


def raw_copy(url: str, source: Path) -> float:
    """The same texts into the documents table by COPY, timed from reading the file."""
    with Project.open(url):
        pass
    engine = create_engine(server_url(url))
    started = time.perf_counter()
    with engine.begin() as conn:
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(
            "COPY documents (text, length, content_hash, meta, created_at) FROM STDIN"
        ) as copy:
            for line in source.open(encoding="utf-8"):
                text = json.loads(line)["text"]
                digest = hashlib.sha256(text.encode()).hexdigest()
                copy.write_row((text, len(text), digest, "{}", "2026-01-01"))
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def imported(url: str, source: Path) -> float:
    started = time.perf_counter()
    with Project.open(url) as project:
        project.import_paths([source], detect_boilerplate=False)
    return time.perf_counter() - started


def span_edit(url: str) -> tuple[float, float]:
    """Medians of add_span, and of add_span plus reading the document back."""
    with Project.open(url) as project:
        text = project.text(1)
        starts = [i for i, c in enumerate(text) if c == " "][: REPEAT * 2 : 2]
        saved, shown = [], []
        for start in starts:
            began = time.perf_counter()
            project.edits.add_span(1, "bench", start + 1, start + 4, "ORG", snap_to_tokens=True)
            saved.append(time.perf_counter() - began)
            project.edits.annotation(1, "bench")
            shown.append(time.perf_counter() - began)
    return statistics.median(saved), statistics.median(shown)


def main(count: int = 100_000) -> None:
    if not ADMIN:
        sys.exit("Set ANNOTATOR_TEST_POSTGRES (see .ci/postgres).")
    with tempfile.TemporaryDirectory() as folder:
        source = write_jsonl(Path(folder) / "articles.jsonl", count)
        baseline_url, ours_url = new_database(), new_database()
        try:
            baseline = raw_copy(baseline_url, source)
            ours = imported(ours_url, source)
            saved, shown = span_edit(ours_url)
            ratio = ours / baseline
            print(
                f"{count:,} articles: import {ours:.1f} s, raw COPY {baseline:.1f} s: {ratio:.2f}x"
            )
            print(f"span edit: saved {saved * 1000:.1f} ms, read back too {shown * 1000:.1f} ms")
        finally:
            drop(baseline_url)
            drop(ours_url)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

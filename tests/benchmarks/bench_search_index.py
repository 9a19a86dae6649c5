"""The search index on a large project, against FTS5's own ``rebuild`` of the same table.

Run: ``.venv/bin/python -m tests.benchmarks.bench_search_index [COUNT]`` (default 100,000).
Prints the background build (chunked, so edits wait at most one chunk) as a ratio of the raw
rebuild on a copy of the same file (goal: within 2x), and the list row refresh after an edit
(goal: under 16 ms) on an ordinary article and on a 40,000-word one carrying 3,000 accepted
suggestions.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import spacy

from annotator.core.listing import document_row, ensure_search_index
from annotator.core.project import Project
from tests.benchmarks.bench_gui import long_article
from tests.benchmarks.corpus import write_jsonl

REPEAT = 7


def raw_rebuild(path: Path) -> float:
    conn = sqlite3.connect(path)
    started = time.perf_counter()
    conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")
    conn.commit()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def row_refresh(project: Project, document_id: int) -> float:
    """Median time to re-read one list row, as the list does after every edit."""
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        document_row(project, "bench", document_id)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(count: int = 100_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = write_jsonl(work / "articles.jsonl", count)
        long = long_article(40_000, 3_000, 1)
        long.pop("spans")
        (work / "long.jsonl").write_text(json.dumps(long) + "\n", encoding="utf-8")
        path = work / "big.annotator"
        nlp = spacy.blank("en")
        nlp.meta["name"] = "places"
        nlp.add_pipe("entity_ruler").add_patterns(
            [{"label": "GPE", "pattern": word} for word in ("Nepal", "Beijing")]
        )
        with Project.open(path) as project:
            project.import_paths([work / "long.jsonl"])
            project.pretag(nlp=nlp)
            accepted = len(project.edits.decide_suggestions(1, "bench", reject=False))
            project.import_paths([source])
        copy = work / "raw.annotator"
        shutil.copy(path, copy)
        raw = raw_rebuild(copy)
        with Project.open(path) as project:
            started = time.perf_counter()
            indexed = ensure_search_index(project)
            ours = time.perf_counter() - started
            print(
                f"search index of {indexed:,} documents: {ours:.1f} s in chunks, raw FTS5 "
                f"rebuild {raw:.1f} s: {ours / raw:.2f}x (goal within 2x)"
            )
            project.edits.add_span(2, "bench", 0, 3, "ORG")
            print(f"list row refresh, ordinary article: {row_refresh(project, 2) * 1000:.2f} ms")
            print(
                f"list row refresh, 40,000-word article with {accepted:,} accepted "
                f"suggestions: {row_refresh(project, 1) * 1000:.2f} ms (goal under 16 ms)"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

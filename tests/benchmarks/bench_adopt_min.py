"""Adopting what at least K of N annotators agree on, over a whole project.

Run: ``.venv/bin/python -m tests.benchmarks.bench_adopt_min [DOCUMENTS]`` (default 300).
Eight annotators label DOCUMENTS articles by chance (40 places each: the base label, another
label, wider boundaries or nothing; three topics), written straight into the file. Prints
the time of ``adopt_min`` with K = 5 over every document, of undoing it, and of the same
settlement done the way a loop over the single-settle path would (compare each document,
then ``settle_many`` per chosen version), on the same file after the undo.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator.core.adjudication import (
    NEITHER,
    adopt_min,
    review_document,
    settle_many,
    undo_adoption,
)
from annotator.core.project import Project
from annotator.core.records import LabelKind

TEAM = [f"annotator{number}" for number in range(1, 9)]
PLACES = 40
K = 5


def timed(label: str, work: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - started:.2f} s", flush=True)
    return result


def build(folder: Path, documents: int) -> Path:
    rng = random.Random(11)
    articles = folder / "articles"
    articles.mkdir()
    for number in range(documents):
        words = [f"w{number}x{index}" for index in range(PLACES * 3)]
        (articles / f"{number:05d}.txt").write_text(" ".join(words), encoding="utf-8")
    path = folder / "team.annotator"
    with Project.open(path) as project:
        project.import_paths(sorted(articles.iterdir()))
        for name in TEAM:
            project.ensure_annotator(name)
        base, other = [label.name for label in project.labels(LabelKind.ENTITY)[:2]]
        topics = [label.name for label in project.labels(LabelKind.TOPIC)[:3]]
    conn = sqlite3.connect(path)
    labels = dict(conn.execute("SELECT name, id FROM labels"))
    people = dict(conn.execute("SELECT name, id FROM annotators"))
    now = "2026-01-01 00:00:00.000000"
    for document, text in conn.execute("SELECT id, text FROM documents").fetchall():
        starts = [0]
        for word in text.split(" ")[:-1]:
            starts.append(starts[-1] + len(word) + 1)
        for name in TEAM:
            set_id = conn.execute(
                "INSERT INTO annotations (document_id, annotator_id, status, active_seconds, "
                "partial, created_at, updated_at) VALUES (?, ?, 'done', 0, 0, ?, ?) RETURNING id",
                (document, people[name], now, now),
            ).fetchone()[0]
            rows = []
            for place in range(PLACES):
                index = place * 3
                start, end = starts[index], starts[index + 1] - 1
                roll = rng.random()
                if roll < 0.55:
                    rows.append((start, end, labels[base]))
                elif roll < 0.7:
                    rows.append((start, end, labels[other]))
                elif roll < 0.8:
                    rows.append((start, starts[index + 2] - 1, labels[base]))
            conn.executemany(
                'INSERT INTO spans (annotation_id, layer, start, "end", label_id, created_by, '
                "rejected, created_at) VALUES (?, 'entity', ?, ?, ?, ?, 0, ?)",
                [(set_id, s, e, label, people[name], now) for s, e, label in rows],
            )
            conn.executemany(
                "INSERT INTO topics (annotation_id, label_id, applies) VALUES (?, ?, ?)",
                [
                    (set_id, labels[topic], rng.random() < 0.7)
                    for topic in topics
                    if rng.random() < 0.8
                ],
            )
    conn.commit()
    conn.close()
    return path


def by_loop(project: Project, documents: list[int]) -> int:
    """The settlement adopt_min makes, done document by document through the single path."""
    settled = 0
    for document in documents:
        review = review_document(project, document, TEAM)
        chosen: dict[str, list] = defaultdict(list)
        for item in review.items:
            if item.decision is not None:
                continue
            groups = [g for g in item.groups() if len(g) >= K]
            if len(groups) != 1:
                continue
            group = groups[0]
            empty = item.layer != "topic" and not item.version_of(group[0])
            chosen[NEITHER if empty else min(group)].append(item)
        for choice, items in chosen.items():
            settle_many(project, document, items, choice, "reviewer")
            settled += len(items)
    return settled


def main(documents: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = timed(
            f"{documents:,} documents, 8 annotators", lambda: build(Path(folder), documents)
        )
        with Project.open(path) as project:
            spans = sqlite3.connect(path).execute("SELECT count(*) FROM spans").fetchone()[0]
            print(f"{spans:,} spans")
            adoption = timed(
                f"adopt_min K={K} everywhere", lambda: adopt_min(project, TEAM, K, "reviewer")
            )
            kinds = Counter(item.key[0] for item in adoption.items)
            print(f"  {len(adoption.items):,} items settled {dict(kinds)}")
            timed("undo_adoption", lambda: undo_adoption(project, adoption))
            ids = list(range(1, documents + 1))
            settled = timed(
                "the same by a loop over the single path", lambda: by_loop(project, ids)
            )
            print(f"  {settled:,} items settled")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)

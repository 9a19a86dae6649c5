"""Task distribution on a large project: assigning, re-balancing and reading queues.

Run: ``.venv/bin/python -m tests.benchmarks.bench_assign [COUNT]`` (default 100,000).
Prints the time to assign COUNT documents to 7 annotators (overlap 2, a 10% shared slice),
to assign again with nothing changed, to let an eighth join and one leave (after finishing
50 documents), and to read one annotator's queue as the app does (the list's ids with
"My queue", the queue itself, its progress) and the stats of the file.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator.core.assignment import assign, queue, queue_progress
from annotator.core.listing import DocumentFilter, list_document_ids
from annotator.core.project import Project
from annotator.core.records import Status
from annotator.core.stats import file_stats
from tests.benchmarks.corpus import write_jsonl

TEAM = ["ana", "ben", "chen", "dara", "eli", "fatma", "gus"]


def timed(label: str, work: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = work()
    print(f"{label:<52} {time.perf_counter() - started:8.3f} s", flush=True)
    return result


def main(count: int = 100_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = write_jsonl(work / "articles.jsonl", count)
        path = work / "big.annotator"
        with Project.open(path) as project:
            timed(f"import {count:,} articles (setup)", lambda: project.import_paths(
                [source], detect_boilerplate=False
            ))  # fmt: skip
            report = timed(
                "assign: 7 annotators, overlap 2, shared 10%",
                lambda: assign(project, TEAM, overlap=2, shared="10%", seed=1),
            )
            print(f"  {report.moved:,} assignments; loads {report.loads['ana'].assigned:,}")
            again = timed("assign again, nothing changed", lambda: assign(project))
            assert not again.changed
            joined = timed("an eighth annotator joins", lambda: assign(project, [*TEAM, "hal"]))
            print(f"  hal takes {joined.loads['hal'].assigned:,}")
            for document in queue(project, "gus")[:50]:
                project.edits.set_status(document, "gus", Status.DONE)
            left = timed(
                "gus leaves (50 finished stay his)", lambda: assign(project, [*TEAM[:-1], "hal"])
            )
            print(f"  moved out of gus: {left.loads['gus'].moved_out:,}")
            ids = timed(
                "list ids, My queue (ana)",
                lambda: list_document_ids(project, DocumentFilter("ana", my_queue=True)),
            )
            print(f"  {len(ids):,} ids")
            timed("the queue as a set (the app's next)", lambda: frozenset(queue(project, "ana")))
            timed("queue progress (status bar)", lambda: queue_progress(project, "ana"))
        stats = timed("annotator stats (file)", lambda: file_stats(path))
        print(f"  {stats.assignments['ana']}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

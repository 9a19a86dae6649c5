"""Importing a 1 GB JSONL file: memory must stay flat (the file is streamed, never loaded).

Run: ``.venv/bin/python -m tests.benchmarks.bench_stream [MEGABYTES]``. Prints the peak memory
of a 1/16 import and of the full one, in the same run, and their ratio.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.corpus import articles

PROBE = """
import resource, sys, time
from pathlib import Path
from annotator.core.project import Project
started = time.perf_counter()
with Project.open(Path(sys.argv[2])) as project:
    report = project.import_paths([Path(sys.argv[1])])
print(report.documents_added, time.perf_counter() - started,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def write(path: Path, megabytes: float) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for text in articles(10**9, seed=3):
            handle.write(json.dumps({"text": text, "meta": {"n": count}}) + "\n")
            count += 1
            if count % 1000 == 0 and handle.tell() >= megabytes * 1e6:
                break
    return count


def main(megabytes: float = 1000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        peaks: list[float] = []
        for size in (megabytes / 16, megabytes):
            source = work / f"{size:.0f}.jsonl"
            started = time.perf_counter()
            count = write(source, size)
            written = time.perf_counter() - started
            result = subprocess.run(
                [sys.executable, "-c", PROBE, str(source), str(work / f"{size:.0f}.annotator")],
                capture_output=True,
                text=True,
                check=True,
            )
            added, seconds, peak = result.stdout.split()
            print(
                f"{source.stat().st_size / 1e6:,.0f} MB JSONL ({count:,} articles, written in "
                f"{written:.0f} s): imported {int(added):,} in {float(seconds):.0f} s, "
                f"peak memory {float(peak):.0f} MB"
            )
            source.unlink()
            peaks.append(float(peak))
    print(f"peak memory, full file against 1/16 of it: {peaks[1] / peaks[0]:.2f}x")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1000)

"""Start-up time of commands that need neither spaCy nor Qt (goal: each under 0.3 s).

Run: ``.venv/bin/python -m tests.benchmarks.bench_cli_start [RUNS]``. Times ``annotator
--version``, ``annotator stats P`` and ``annotator backup list P`` (P: a project of one imported
.txt with one backup, so both commands print their tables) as a user starts them, through the
console script, wall time from spawn to exit; and ``python -c pass`` in the same run, so a busy
or slow machine shows up as a ratio instead of as a regression. Prints the median of RUNS
(default 7) for each, and its ratio to the bare interpreter.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = Path(sys.executable).parent / "annotator"


def wall_time(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def median_time(command: list[str], env: dict[str, str], runs: int) -> float:
    wall_time(command, env)  # warms the file cache and bytecode, as on a user's second start
    return statistics.median(wall_time(command, env) for _ in range(runs))


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    if not SCRIPT.exists():
        sys.exit(f"{SCRIPT} is missing: install the package into this interpreter's venv.")
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, ANNOTATOR_HOME=str(Path(folder) / "home"))
        article = Path(folder) / "article.txt"
        article.write_text("Ministers met in Kathmandu on 3 May.\n", encoding="utf-8")
        project = str(Path(folder) / "p.annotator")
        for setup in (["import", project, str(article)], ["backup", "now", project]):
            subprocess.run([str(SCRIPT), *setup], env=env, check=True, capture_output=True)
        bare = median_time([sys.executable, "-c", "pass"], env, runs)
        print(f"{'python -c pass':<24} {bare:.3f} s")
        for arguments in (["--version"], ["stats", project], ["backup", "list", project]):
            median = median_time([str(SCRIPT), *arguments], env, runs)
            name = "annotator " + " ".join(a if a != project else "P" for a in arguments)
            print(f"{name:<24} {median:.3f} s  {median / bare:5.1f}x python -c pass")
    print(f"(median of {runs} runs each; goal: every command under 0.3 s)")


if __name__ == "__main__":
    main()

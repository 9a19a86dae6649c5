"""Start-to-window time of the PyInstaller bundle against the pip-installed app.

Run after ``packaging/build_bundle.sh``:
``.venv/bin/python -m tests.benchmarks.bench_bundle_start [RUNS]``.
Needs an X display: uses ``$DISPLAY``, or starts Xvfb on a free display. A run is the wall
time from starting the process until the main window ("demo.annotator — Annotator") is
mapped, found with ``xdotool search`` every 20 ms (its own --sync waits half a second between
looks); the process is then killed. Prints the median of the warm runs, the first (cold) run,
the bundle's size, and the ratio to ``.venv/bin/annotator gui`` measured in the same session.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "annotator"
TITLE = "demo.annotator — Annotator"


def ensure_display() -> subprocess.Popen | None:
    if os.environ.get("DISPLAY"):
        return None
    if shutil.which("Xvfb") is None:
        sys.exit("No display: set DISPLAY or install Xvfb (apt-get install xvfb).")
    # -displayfd: Xvfb picks a free display itself and writes its number once it is ready.
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", "1440x900x24"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    number = server.stdout.readline().strip()
    if not number:
        sys.exit("Xvfb did not start.")
    os.environ["DISPLAY"] = f":{number}"
    return server


def time_to_window(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    app = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < 60:
            look = ["xdotool", "search", "--onlyvisible", "--name", TITLE]
            if subprocess.run(look, stdout=subprocess.DEVNULL).returncode == 0:
                return time.perf_counter() - started
            time.sleep(0.02)
        raise TimeoutError(f"no window after 60 s: {' '.join(command)}")
    finally:
        app.kill()
        app.wait()


def measure(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """(first run, median of the rest)."""
    times = [time_to_window(command, env) for _ in range(runs + 1)]
    return times[0], statistics.median(times[1:])


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    binary = BUNDLE / "annotator"
    if not binary.exists():
        sys.exit(f"{binary} is missing: build it with packaging/build_bundle.sh")
    if shutil.which("xdotool") is None:
        sys.exit("xdotool is needed (apt-get install xdotool).")
    server = ensure_display()
    try:
        with tempfile.TemporaryDirectory() as folder:
            env = dict(os.environ, ANNOTATOR_HOME=folder, QT_QPA_PLATFORM="xcb")
            project = Path(folder) / "demo.annotator"
            subprocess.run(
                [str(binary), "demo", str(project)], env=env, check=True, capture_output=True
            )
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "from annotator.core.settings import update_settings;"
                    "update_settings(annotator='bench')",
                ],
                env=env,
                check=True,
            )
            bundle_cold, bundle = measure([str(binary), "gui", str(project)], env, runs)
            pip_cold, pip = measure(
                [str(ROOT / ".venv" / "bin" / "annotator"), "gui", str(project)], env, runs
            )
    finally:
        if server is not None:
            server.kill()
    size = folder_size(BUNDLE)
    print(f"bundle size: {size / 1e6:.0f} MB, {size / 2**20:.0f} MiB (goal < 250 MB)")
    for what, median, first in (("bundle", bundle, bundle_cold), ("pip install", pip, pip_cold)):
        print(f"{what} start to window: {median:.2f} s median of {runs} (first run {first:.2f} s)")
    print(f"ratio bundle / pip install: {bundle / pip:.2f}x")


if __name__ == "__main__":
    main()

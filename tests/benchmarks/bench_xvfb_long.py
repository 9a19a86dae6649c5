"""A 40,000-word article with thousands of suggestions, driven from outside in a real X server.

Run: ``.venv/bin/python -m tests.benchmarks.bench_xvfb_long`` (needs ``xdotool``). Uses
``$DISPLAY`` or starts Xvfb; keys go in with xdotool; results are read from outside: the
project file (read-only SQLite) for what was saved, screen grabs by this process (another X
client) for what is shown. Prints each figure with its target and the ratio to it, and the
floor of the screen timings (Tab, which only moves the selection): this machine is shared and
noisy. Figures: first highlights after opening the article (target 300 ms), a label key on a
suggestion until saved and until shown (50 ms), accept-all saved (1 s) and its undo (1 s).
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy
from PySide6.QtGui import QGuiApplication

from annotator.core.project import Project
from tests.benchmarks.bench_bundle_start import ensure_display
from tests.benchmarks.bench_gui import long_article

ROOT = Path(__file__).resolve().parents[2]
APP = [str(ROOT / ".venv" / "bin" / "annotator"), "gui"]
REPEAT = 5


def build(folder: Path) -> Path:
    """A short article first (the app opens it), then the long one, pre-tagged."""
    short = {"text": "Talks in Nepal\n\nOfficials from Nepal met in Beijing.", "meta": {}}
    long = long_article(40_000, 1, 5)
    long.pop("spans")
    for key in ("answer", "_annotator_id", "_status"):
        long.pop(key)
    source = folder / "articles.jsonl"
    source.write_text(json.dumps(short) + "\n" + json.dumps(long) + "\n", encoding="utf-8")
    path = folder / "long.annotator"
    with Project.open(path) as project:
        project.import_paths([source], detect_boilerplate=False)
        project.pretag()
        suggested = len(project.edits.suggestions(2, "bench"))
    print(f"40,000-word article with {suggested:,} suggestions")
    return path


def key(*names: str) -> None:
    subprocess.run(["xdotool", "key", "--clearmodifiers", *names], check=True)


#: Frames differing in fewer pixels are the same picture (the text cursor blinks).
SAME_PICTURE = 200


def frame() -> numpy.ndarray:
    """The screen's pixels, grabbed by a separate X client (this process): a few ms a frame,
    where starting xwd for each took over 30."""
    app = QGuiApplication.instance() or QGuiApplication(["bench"])
    image = app.primaryScreen().grabWindow(0).toImage()
    return (
        numpy.frombuffer(image.constBits(), dtype=numpy.uint8)
        .reshape(image.height(), image.bytesPerLine())
        .copy()
    )


def same(first: numpy.ndarray, second: numpy.ndarray) -> bool:
    return int(numpy.count_nonzero(first != second)) < SAME_PICTURE * 4


def saved(path: Path, sql: str) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
        return conn.execute(sql).fetchone()[0]


HUMAN_SPANS = (
    "SELECT count(*) FROM spans AS s JOIN annotations AS a ON a.id = s.annotation_id "
    "JOIN annotators AS n ON n.id = a.annotator_id WHERE n.name = 'bench' AND s.rejected = 0"
)


def until_saved(path: Path, wanted: Callable[[int], bool], limit: float = 30.0) -> float:
    """Seconds until the person's saved span count is as wanted, polled read-only."""
    started = time.perf_counter()
    while not wanted(saved(path, HUMAN_SPANS)):
        if time.perf_counter() - started > limit:
            raise TimeoutError("the result never reached the project file")
        time.sleep(0.002)
    return time.perf_counter() - started


def article_area(window: str) -> tuple[slice, slice]:
    """The middle column of the window (the article), in screen rows and byte columns: the
    list row and side panel counts follow an edit later, on purpose."""
    found = subprocess.run(
        ["xdotool", "getwindowgeometry", "--shell", window], capture_output=True, text=True
    ).stdout
    geometry = dict(line.split("=") for line in found.split())
    x, y = int(geometry["X"]), int(geometry["Y"])
    width, height = int(geometry["WIDTH"]), int(geometry["HEIGHT"])
    rows = slice(y + height // 6, y + height * 9 // 10)
    columns = slice(4 * (x + width * 36 // 100), 4 * (x + width * 64 // 100))
    return rows, columns


def time_to_settled_screen(
    action: Callable[[], None],
    quiet: float = 1.0,
    area: tuple[slice, slice] = (slice(None), slice(None)),
) -> float:
    """Time from the action until the screen (or an area of it) first shows what it finally
    settles on."""
    frames: list[tuple[float, numpy.ndarray]] = []
    action()
    started = time.perf_counter()
    last_change = started
    previous = frame()[area]
    while time.perf_counter() - last_change < quiet:
        picture = frame()[area]
        frames.append((time.perf_counter() - started, picture))
        if not same(picture, previous):
            previous, last_change = picture, time.perf_counter()
    final = frames[-1][1]
    return next(at for at, picture in frames if same(picture, final))


def report(name: str, seconds: list[float], target: float) -> None:
    median = statistics.median(seconds)
    print(
        f"{name}: median {median * 1000:.0f} ms, slowest {max(seconds) * 1000:.0f} ms "
        f"(target {target * 1000:.0f} ms, {median / target:.2f}x of it)"
    )


def main() -> None:
    server = ensure_display()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        path = build(work)
        env = {**os.environ, "ANNOTATOR_HOME": str(work / "home")}
        (work / "home" / "config").mkdir(parents=True)
        (work / "home" / "config" / "settings.json").write_text(json.dumps({"annotator": "bench"}))
        app = subprocess.Popen([*APP, str(path)], env=env, stderr=subprocess.DEVNULL)
        try:
            subprocess.run(
                ["xdotool", "search", "--sync", "--onlyvisible", "--name", "Annotator"],
                check=True,
                capture_output=True,
                timeout=60,
            )
            time.sleep(3)
            window = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--name", "long.annotator"],
                capture_output=True,
                text=True,
            ).stdout.split()[0]
            subprocess.run(["xdotool", "windowactivate", "--sync", window], check=False)
            subprocess.run(["xdotool", "windowfocus", "--sync", window], check=False)
            article = article_area(window)
            opening = []
            for _ in range(REPEAT):
                opening.append(time_to_settled_screen(lambda: key("Next")))
                time_to_settled_screen(lambda: key("Prior"), quiet=0.5)
            key("Next")
            time.sleep(2)
            report("open the article until its highlights are all shown", opening, 0.3)
            # The floor of this way of measuring: Tab only moves the selection outline (no
            # store, no layout), so its time is the screenshots' own latency.
            floor = [
                time_to_settled_screen(lambda: key("Tab"), 0.6, article) for _ in range(REPEAT)
            ]
            report("Tab (the selection moves; the floor of screen timings)", floor, 0.05)
            labels, shown = [], []
            for _ in range(REPEAT):
                before = saved(path, HUMAN_SPANS)
                key("Tab")
                time.sleep(0.3)
                key("4")
                labels.append(until_saved(path, lambda n, b=before: n > b))
                time.sleep(0.5)
                key("ctrl+z")
                until_saved(path, lambda n, b=before: n == b)
                time.sleep(0.3)
                key("Tab")
                time.sleep(0.3)
                shown.append(time_to_settled_screen(lambda: key("4"), 0.6, article))
                key("ctrl+z")
                until_saved(path, lambda n, b=before: n == b)
                time.sleep(0.3)
            report("a label key on a suggestion until saved", labels, 0.05)
            report("a label key on a suggestion until shown in the article", shown, 0.05)
            print(f"  that is {statistics.median(shown) / statistics.median(floor):.2f}x the floor")
            accepts, undos = [], []
            for _ in range(REPEAT):
                before = saved(path, HUMAN_SPANS)
                key("shift+a")
                accepts.append(until_saved(path, lambda n, b=before: n > b + 1000))
                time.sleep(1.5)
                key("ctrl+z")
                undos.append(until_saved(path, lambda n, b=before: n == b))
                time.sleep(1.5)
            report("accept all until saved", accepts, 1.0)
            report("undo of accept all until saved", undos, 1.0)
        finally:
            app.kill()
            app.wait()
            if server is not None:
                server.kill()


if __name__ == "__main__":
    main()

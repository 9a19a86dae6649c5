"""The training process: spaCy's own ``train`` in a child process, reporting as JSON lines.

Training runs in its own process so it can use the CPU fully, be stopped at once, and never
hold the app's interpreter. It is ``spacy.cli.train.train`` with one addition, a logger
registered here that prints one JSON object per line on stdout: ``step`` every few steps,
``eval`` after each evaluation (losses and scores), then ``scores`` (per-label precision,
recall and F1 of the kept model on the held-out documents) and ``end``. The time limit is
kept by that logger: past it, it stops the loop, which makes spaCy save what it has.

Run as ``python -m annotator.core.train_child CONFIG OUTPUT MAX_SECONDS`` (a bundled app runs
itself with ``--train-child`` first).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

#: Steps between two ``step`` lines: often enough for a live count, rarely enough to cost
#: nothing.
STEP_EVERY = 5
LOGGER = "annotator.progress.v1"


class TimeUp(Exception):
    """The time limit was reached; spaCy saves the model when the loop ends with it."""


def emit(event: str, **values: Any) -> None:
    print(json.dumps({"event": event, **values}), flush=True)


def progress_logger(max_seconds: float) -> Callable[..., Any]:
    started = time.monotonic()

    def setup(nlp: Any, stdout: IO = sys.stdout, stderr: IO = sys.stderr) -> Any:
        steps = 0

        def log_step(info: dict[str, Any] | None) -> None:
            nonlocal steps
            steps += 1
            if info is not None:
                emit(
                    "eval",
                    step=info["step"],
                    epoch=info["epoch"],
                    losses={k: float(v) for k, v in info["losses"].items()},
                    score=float(info["score"]),
                    scores={
                        k: float(v)
                        for k, v in info["other_scores"].items()
                        if isinstance(v, (int, float))
                    },
                    seconds=round(time.monotonic() - started, 1),
                )
            elif steps % STEP_EVERY == 0:
                emit("step", step=steps, seconds=round(time.monotonic() - started, 1))
            if time.monotonic() - started > max_seconds:
                raise TimeUp

        def finalize() -> None:
            return None

        return log_step, finalize

    return setup


def per_label_scores(pipeline: Path, dev: Path) -> dict[str, Any]:
    """The kept model's scores on the held-out documents, overall and per label."""
    import spacy
    from spacy.training import Corpus

    nlp = spacy.load(pipeline)
    examples = list(Corpus(str(dev))(nlp))
    if not examples:
        return {}
    return dict(nlp.evaluate(examples))


def main(config: Path, output: Path, max_seconds: float) -> int:
    import spacy
    from spacy.cli.train import train

    spacy.registry.loggers.register(LOGGER, func=lambda: progress_logger(max_seconds))
    stopped = "finished"
    try:
        train(config, output, use_gpu=-1)
    except TimeUp:
        stopped = "time"
    kept = output / "model-best"
    if not kept.is_dir():
        kept = output / "model-last"
    emit("trained", stopped=stopped, pipeline=str(kept))
    dev = Path(spacy.util.load_config(config)["paths"]["dev"])
    emit("scores", scores=_plain(per_label_scores(kept, dev)))
    return 0


def _plain(value: Any) -> Any:
    """Scores as JSON takes them (spaCy gives numpy floats and None)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, bool, int)):
        return value
    return float(value)


def run(arguments: list[str]) -> int:
    """CONFIG OUTPUT MAX_SECONDS, as the parent passes them."""
    config, output, max_seconds = arguments
    return main(Path(config), Path(output), float(max_seconds))


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))

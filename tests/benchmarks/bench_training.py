"""Training on finished news articles with the default settings (goal: 300 within 5 minutes).

Run: ``.venv/bin/python -m tests.benchmarks.bench_training [COUNT]`` (default 300). In a
temporary folder and a temporary ``ANNOTATOR_HOME`` (so the model is not kept among the user's
own), COUNT generated articles of about 3,000 characters are imported and pre-tagged with the
built-in tagger; then annotator ``alice`` accepts every suggestion and marks each article done.
That stands in for human labels: what is measured is how long spaCy's loop takes on this much
text, which depends on the amount of text and the labels, not on who made them (the model only
learns to copy the tagger, so its scores say little). Training runs as the app runs it, with
the defaults: a fifth held out, the default time limit. Printed: the wall time of ``train``,
spaCy's steps and evaluations as its events report them, why it stopped, the scores per label
and overall, and whether it met the goal.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.default_tagger import load_default_tagger
from annotator.core.model_registry import TrainedModel
from annotator.core.project import Project
from annotator.core.records import Status
from annotator.core.settings import HOME_VARIABLE
from annotator.core.training import DEFAULT_MAX_MINUTES, TrainingEvent, train
from tests.benchmarks.corpus import write_jsonl

ANNOTATOR = "alice"
GOAL_SECONDS = 5 * 60


@contextmanager
def temporary_home(folder: Path) -> Iterator[Path]:
    """Point ``ANNOTATOR_HOME`` at ``folder`` for the block. Setting it here rather than
    before the imports is enough: ``settings.folders()`` reads the variable on every call,
    so the models folder is chosen when ``train`` runs."""
    before = os.environ.get(HOME_VARIABLE)
    os.environ[HOME_VARIABLE] = str(folder)
    try:
        yield folder
    finally:
        if before is None:
            os.environ.pop(HOME_VARIABLE, None)
        else:
            os.environ[HOME_VARIABLE] = before


def finish_with_suggestions(project: Project, annotator: str) -> int:
    """Accept every suggestion and mark every document done, as an annotator who agrees with
    the tagger would; returns the number of spans accepted."""
    accepted = 0
    for document in project.documents():
        accepted += len(project.edits.decide_suggestions(document.id, annotator, reject=False))
        project.edits.set_status(document.id, annotator, Status.DONE)
    return accepted


@dataclass
class TrainingLog:
    """What the training's events said: the last step reached and every evaluation."""

    last_step: int = 0
    evaluations: list[TrainingEvent] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def __call__(self, event: TrainingEvent) -> None:
        self.last_step = max(self.last_step, event.step)
        if event.kind == "eval":
            self.evaluations.append(event)
        elif event.message:
            self.messages.append(f"{event.kind}: {event.message}")

    @property
    def best(self) -> TrainingEvent | None:
        """The first evaluation with the top score: spaCy's patience counts from it (a later
        tie is saved as model-best too, but does not restart the count)."""
        return max(self.evaluations, key=lambda e: (e.score, -e.step), default=None)


@dataclass
class Trained:
    model: TrainedModel
    log: TrainingLog
    #: Wall time of the ``train`` call alone (export, child process, scoring, keeping).
    seconds: float
    #: Import, pre-tagging and accepting: what it took to get finished documents.
    setup_seconds: float
    accepted: int


def train_on_articles(
    work: Path, count: int, *, max_minutes: float = DEFAULT_MAX_MINUTES, seed: int = 2
) -> Trained:
    """Build a project of ``count`` finished articles in ``work`` and train on them with the
    default settings. ``ANNOTATOR_HOME`` must already point somewhere temporary."""
    started = time.perf_counter()
    source = write_jsonl(work / "training.jsonl", count, seed=seed)
    log = TrainingLog()
    with Project.open(work / "training.annotator") as project:
        project.import_paths([source])
        project.pretag(nlp=load_default_tagger())
        accepted = finish_with_suggestions(project, ANNOTATOR)
        setup = time.perf_counter() - started
        started = time.perf_counter()
        model = train(project, annotator=ANNOTATOR, max_minutes=max_minutes, on_event=log)
        seconds = time.perf_counter() - started
    return Trained(model, log, seconds, setup, accepted)


def stop_reason(model: TrainedModel, log: TrainingLog) -> str:
    """``finished`` from the child only says spaCy's loop ended by itself; tell apart its two
    ways of ending (no improvement for ``patience`` steps, or ``max_steps``) from its config."""
    if model.stopped != "finished":
        return f"{model.stopped} (the {DEFAULT_MAX_MINUTES:g}-minute limit or the one given)"
    import spacy

    training = spacy.util.load_config(model.pipeline / "config.cfg")["training"]
    best = log.best
    if training["max_steps"] and log.last_step >= training["max_steps"]:
        return f"finished: max_steps ({training['max_steps']:,}) reached"
    if best is not None and training["patience"]:
        return (
            f"finished: no improvement for {log.last_step - best.step:,} steps "
            f"(patience {training['patience']:,}; top score first at step {best.step:,})"
        )
    return "finished"


def report(trained: Trained, count: int) -> None:
    model, log = trained.model, trained.log
    print(f"training on {count:,} finished articles of 3,000 characters (default settings)")
    print(
        f"  setup (import, pre-tag, accept {trained.accepted:,} spans, done): "
        f"{trained.setup_seconds:.1f} s"
    )
    print(f"  documents: {model.train_documents:,} to learn from, {model.dev_documents:,} held out")
    print(f"  labels: {', '.join(model.labels)}")
    print(
        f"  train(): {trained.seconds:.1f} s wall ({trained.seconds / 60:.2f} min; "
        f"model.json says {model.seconds:.1f} s)"
    )
    last_epoch = log.evaluations[-1].epoch if log.evaluations else 0
    print(
        f"  spaCy: {log.last_step:,} steps, {len(log.evaluations)} evaluations, "
        f"last epoch {last_epoch}"
    )
    for event in log.evaluations:
        losses = ", ".join(f"{k} {v:.1f}" for k, v in event.losses.items())
        print(
            f"    eval at step {event.step:>6,} epoch {event.epoch:>3} {event.seconds:>6.1f} s: "
            f"score {event.score:.3f} ({losses})"
        )
    print(f"  stopped: {stop_reason(model, log)}")
    print("  held-out scores per label:    P      R      F1")
    for row in model.per_label:
        print(f"    {row.label:<24} {row.precision:6.3f} {row.recall:6.3f} {row.f1:6.3f}")
    overall = ", ".join(
        f"{key} {model.scores[key]:.3f}"
        for key in ("ents_p", "ents_r", "ents_f")
        if key in model.scores
    )
    print(f"  overall: {overall}")
    met = "met" if trained.seconds <= GOAL_SECONDS else "MISSED"
    print(f"  goal (<= 5 min for 300 articles on 2 cores): {met} with {count:,} articles")


def main(count: int = 300) -> None:
    with tempfile.TemporaryDirectory() as folder, temporary_home(Path(folder) / "home"):
        report(train_on_articles(Path(folder), count), count)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)

"""Pre-tagging against raw ``nlp.pipe`` with the same pipeline and texts (goal: at most 1.15x).

Run: ``.venv/bin/python -m tests.benchmarks.bench_pretag [COUNT] [CASE]``, CASE one of
``builtin`` (the built-in tagger, 2,000 articles unless COUNT says otherwise), ``trained`` (a
model trained by the app, 1,000 articles) or ``all`` (the default). Both runs of a case tag the
same generated articles, each with a freshly loaded copy of the pipeline, so neither profits
from the other's tokenizer cache (a third copy warms the process up first, see ``warm_up``);
the raw run only collects the entities.

The trained case first trains a model on a few finished articles for a minute at most, in a
temporary ``ANNOTATOR_HOME``: tagging speed depends on the pipeline's architecture, not on how
well it learned. Both of its runs load it with ``load_pipeline`` as the app does, which leaves
out components that add no entities, so the raw run is not slowed by ones ours skips.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.default_tagger import load_default_tagger
from annotator.core.pipelines import load_pipeline
from annotator.core.project import Project
from tests.benchmarks.bench_training import temporary_home, train_on_articles
from tests.benchmarks.corpus import articles, write_jsonl

if TYPE_CHECKING:
    from spacy.language import Language

BATCH_SIZE = 64
CASES = ("builtin", "trained")
DEFAULT_COUNTS = {"builtin": 2_000, "trained": 1_000}
#: Enough finished articles for spaCy to train a model of the default architecture.
TRAINING_ARTICLES = 40
TRAINING_MINUTES = 1.0
WARM_UP_ARTICLES = 64


def warm_up(load: Callable[[], Language]) -> None:
    """Run a throwaway copy over a few other articles first: the first pipeline run in a
    process pays about a second of one-time costs (allocations, imports done lazily), which
    would otherwise fall on the raw run, timed first, and flatter the ratio."""
    nlp = load()
    for _doc in nlp.pipe(articles(WARM_UP_ARTICLES, seed=99), batch_size=BATCH_SIZE):
        pass


def compare(work: Path, count: int, title: str, load: Callable[[], Language]) -> float:
    """Time raw ``nlp.pipe`` and ``project.pretag`` on the same texts, each with a fresh
    pipeline from ``load``; prints both and returns the ratio."""
    texts = list(articles(count, seed=1))
    warm_up(load)
    nlp = load()
    started = time.perf_counter()
    raw_spans = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=BATCH_SIZE))
    raw = time.perf_counter() - started
    nlp = load()
    source = write_jsonl(work / "articles.jsonl", count, seed=1)
    with Project.open(work / "bench.annotator") as project:
        project.import_paths([source])
        started = time.perf_counter()
        report = project.pretag(nlp=nlp, batch_size=BATCH_SIZE)
        ours = time.perf_counter() - started
    assert report.documents == len(texts)
    print(f"pre-tagging {count:,} articles of 3,000 characters with {title}")
    print(f"  pipeline: {', '.join(nlp.pipe_names)}")
    print(f"  raw nlp.pipe:       {raw:.2f} s ({count / raw:.0f} docs/s, {raw_spans:,} ents)")
    print(
        f"  annotator pretag:   {ours:.2f} s ({count / ours:.0f} docs/s, "
        f"{report.spans_added:,} suggestions stored)"
    )
    print(f"  ratio: {ours / raw:.2f}x (goal <= 1.15x)")
    return ours / raw


def builtin_case(work: Path, count: int) -> float:
    return compare(work, count, "the built-in tagger", load_default_tagger)


def trained_case(work: Path, count: int) -> float:
    """Train a model as the app does, then compare with it."""
    with temporary_home(work / "home"):
        (work / "training").mkdir()
        trained = train_on_articles(
            work / "training", TRAINING_ARTICLES, max_minutes=TRAINING_MINUTES
        )
        pipeline = trained.model.pipeline
        print(
            f"(trained on {TRAINING_ARTICLES} articles in {trained.seconds:.0f} s, "
            f"stopped: {trained.model.stopped})"
        )
        return compare(
            work, count, "a trained model (load_pipeline)", lambda: load_pipeline(pipeline)
        )


def main(count: int | None = None, case: str = "all") -> None:
    if case not in (*CASES, "all"):
        raise SystemExit(f"CASE must be one of {', '.join(CASES)} or all, not {case!r}")
    runners = {"builtin": builtin_case, "trained": trained_case}
    for name in CASES if case == "all" else (case,):
        with tempfile.TemporaryDirectory() as folder:
            runners[name](Path(folder), count or DEFAULT_COUNTS[name])


def parse(arguments: list[str]) -> tuple[int | None, str]:
    """COUNT and CASE in either order, each optional (``bench_pretag trained`` works)."""
    count = next((int(a) for a in arguments if a.isdigit()), None)
    case = next((a for a in arguments if not a.isdigit()), "all")
    return count, case


if __name__ == "__main__":
    main(*parse(sys.argv[1:]))

"""Pre-tagging against raw ``nlp.pipe`` with the same pipeline and texts (goal: at most 1.15x).

Run: ``.venv/bin/python -m tests.benchmarks.bench_pretag [COUNT]``. Both runs tag the same
generated articles with the built-in tagger, each with a freshly loaded copy of it, so
neither profits from the other's tokenizer cache; the raw run only collects the entities.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from annotator.core.default_tagger import load_default_tagger
from annotator.core.project import Project
from tests.benchmarks.corpus import articles, write_jsonl


def main(count: int = 2_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        texts = list(articles(count, seed=1))
        nlp = load_default_tagger()
        started = time.perf_counter()
        raw_spans = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=64))
        raw = time.perf_counter() - started
        nlp = load_default_tagger()
        source = write_jsonl(work / "articles.jsonl", count, seed=1)
        with Project.open(work / "bench.annotator") as project:
            project.import_paths([source])
            started = time.perf_counter()
            report = project.pretag(nlp=nlp, batch_size=64)
            ours = time.perf_counter() - started
        assert report.documents == len(texts)
        print(f"pre-tagging {count:,} articles of 3,000 characters with the built-in tagger")
        print(f"  raw nlp.pipe:       {raw:.2f} s ({count / raw:.0f} docs/s, {raw_spans:,} ents)")
        print(
            f"  annotator pretag:   {ours:.2f} s ({count / ours:.0f} docs/s, "
            f"{report.spans_added:,} suggestions stored)"
        )
        print(f"  ratio: {ours / raw:.2f}x (goal <= 1.15x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2_000)

"""Export to spaCy DocBin against building the same DocBin directly (goal: at most 1.3x).

Run: ``.venv/bin/python -m tests.benchmarks.bench_export [COUNT]``. The project holds the
generated articles with the built-in tagger's entities accepted as one annotator's work; the
baselines read the same texts and entity offsets out of the project file with plain sqlite3
and build the DocBin (or the Prodigy tasks with tokens) directly: the same work minus ours.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from annotator.core.formats.docbin import DOCBIN_ATTRS
from annotator.core.project import Project
from tests.benchmarks.corpus import write_jsonl

REPEATS = 3


def copy_suggestions_as_done(project: Project, annotator: str) -> None:
    """Turn the model's suggestions into a human's finished work, in bulk."""
    human = project.ensure_annotator(annotator).id
    with project.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO annotations (document_id, annotator_id, status, active_seconds, "
            "created_at, updated_at) SELECT document_id, ?, 'done', 0, created_at, updated_at "
            "FROM annotations",
            (human,),
        )
        conn.exec_driver_sql(
            'INSERT INTO spans (annotation_id, layer, start, "end", label_id, created_by, '
            'rejected, created_at) SELECT h.id, s.layer, s.start, s."end", s.label_id, '
            "s.created_by, 0, s.created_at FROM spans AS s JOIN annotations AS m "
            "ON m.id = s.annotation_id JOIN annotations AS h ON h.document_id = m.document_id "
            "AND h.annotator_id = ?",
            (human,),
        )


def main(count: int = 5_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = write_jsonl(work / "articles.jsonl", count, seed=3)
        with Project.open(work / "bench.annotator") as project:
            project.import_paths([source])
            project.pretag()
            copy_suggestions_as_done(project, "alice")
            nlp = spacy.blank("en")
            path = project.path
            times: dict[str, list[float]] = {"raw": [], "ours": [], "raw_tasks": [], "tasks": []}
            for run in range(REPEATS):
                started = time.perf_counter()
                rows = read_raw(path)
                # The token attributes our export stores, so both write the same columns.
                docbin = DocBin(attrs=list(DOCBIN_ATTRS), store_user_data=True)
                for text, spans in rows:
                    doc = nlp.make_doc(text)
                    doc.ents = [doc.char_span(s, e, label) for s, e, label in spans]
                    docbin.add(doc)
                docbin.to_disk(work / "raw.spacy")
                times["raw"].append(time.perf_counter() - started)
                started = time.perf_counter()
                report = project.export(
                    work / f"out{run}", fmt="spacy", annotator="alice", dev_ratio=0.0
                )
                times["ours"].append(time.perf_counter() - started)
                started = time.perf_counter()
                raw_prodigy(read_raw(path), nlp, work / "raw.jsonl")
                times["raw_tasks"].append(time.perf_counter() - started)
                started = time.perf_counter()
                project.export(work / f"out{run}.jsonl", fmt="prodigy", annotator="alice")
                times["tasks"].append(time.perf_counter() - started)
            raw, ours, raw_tasks, ours_tasks = (
                statistics.median(times[key]) for key in ("raw", "ours", "raw_tasks", "tasks")
            )
        entity_count = sum(len(spans) for _text, spans in rows)
        print(
            f"export of {report.documents:,} documents with {entity_count:,} entities "
            f"(medians of {REPEATS}, alternating)"
        )
        print("  to spaCy:")
        print(f"    raw DocBin build: {raw:.2f} s")
        print(f"    annotator export: {ours:.2f} s ({len(report.problems)} problems)")
        print(f"    ratio: {ours / raw:.2f}x (goal <= 1.3x)")
        print("  to Prodigy JSONL with tokens:")
        print(f"    raw tokenize + json.dumps: {raw_tasks:.2f} s")
        print(f"    annotator export:          {ours_tasks:.2f} s")
        print(f"    ratio: {ours_tasks / raw_tasks:.2f}x (goal <= 1.3x)")


def read_raw(path: Path) -> list[tuple[str, list]]:
    """The baselines' reading: texts and alice's spans out of the project file with plain
    sqlite3 (two queries), as every export has to read them."""
    conn = sqlite3.connect(path)
    try:
        texts = conn.execute(
            "SELECT a.id, d.text FROM annotations AS a JOIN documents AS d ON d.id = a.document_id "
            "JOIN annotators AS n ON n.id = a.annotator_id WHERE n.name = 'alice' ORDER BY d.id"
        ).fetchall()
        spans: dict[int, list] = {annotation: [] for annotation, _text in texts}
        for annotation, start, end, label in conn.execute(
            'SELECT s.annotation_id, s.start, s."end", l.name FROM spans AS s JOIN labels AS l '
            "ON l.id = s.label_id ORDER BY s.annotation_id, s.start"
        ):
            if annotation in spans:
                spans[annotation].append((start, end, label))
    finally:
        conn.close()
    return [(text, spans[annotation]) for annotation, text in texts]


def raw_prodigy(rows: list[tuple[str, list]], nlp: spacy.language.Language, out: Path) -> None:
    """The same tasks written directly: tokens and spans with token indices, one JSON line
    each, from texts and offsets already in memory."""
    with out.open("w", encoding="utf-8") as handle:
        for text, spans in rows:
            doc = nlp.make_doc(text)
            tokens = [
                {
                    "text": t.text,
                    "start": t.idx,
                    "end": t.idx + len(t),
                    "id": t.i,
                    "ws": bool(t.whitespace_),
                }
                for t in doc
            ]
            entries = []
            for start, end, label in spans:
                span = doc.char_span(start, end, alignment_mode="expand")
                entries.append(
                    {
                        "start": start,
                        "end": end,
                        "token_start": span.start,
                        "token_end": span.end - 1,
                        "label": label,
                    }
                )
            task = {"text": text, "tokens": tokens, "spans": entries, "answer": "accept"}
            handle.write(json.dumps(task, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000)

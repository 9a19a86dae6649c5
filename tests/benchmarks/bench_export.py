"""Export to spaCy DocBin against building the same DocBin directly (goal: at most 1.3x).

Run: ``.venv/bin/python -m tests.benchmarks.bench_export [COUNT]``. The project holds the
generated articles with the built-in tagger's entities accepted as one annotator's work; the
baseline builds a DocBin from the same texts and entity offsets already in memory.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from annotator.core.project import Project
from tests.benchmarks.corpus import write_jsonl


def copy_suggestions_as_done(project: Project, annotator: str) -> None:
    """Turn the model's suggestions into a human's finished work, in bulk."""
    human = project.ensure_annotator(annotator).id
    with project.writer.begin() as conn:
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
            rows = []
            for document in project.documents():
                annotation = project.annotation(document.id, "alice")
                assert annotation is not None
                rows.append(
                    (
                        project.text(document.id),
                        [(s.start, s.end, s.label) for s in annotation.spans],
                    )
                )
            nlp = spacy.blank("en")
            started = time.perf_counter()
            docbin = DocBin(store_user_data=True)
            for text, spans in rows:
                doc = nlp.make_doc(text)
                doc.ents = [doc.char_span(s, e, label) for s, e, label in spans]
                docbin.add(doc)
            docbin.to_disk(work / "raw.spacy")
            raw = time.perf_counter() - started
            started = time.perf_counter()
            report = project.export(work / "out", fmt="spacy", annotator="alice", dev_ratio=0.0)
            ours = time.perf_counter() - started
        entity_count = sum(len(spans) for _text, spans in rows)
        print(f"export of {report.documents:,} documents with {entity_count:,} entities")
        print(f"  raw DocBin build: {raw:.2f} s")
        print(f"  annotator export: {ours:.2f} s ({len(report.problems)} problems)")
        print(f"  ratio: {ours / raw:.2f}x (goal <= 1.3x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000)

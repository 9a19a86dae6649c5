"""A 100,000-article project (about 300 million characters): the app at corpus scale.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.benchmarks.bench_large [COUNT]``.
Measures, each against a raw baseline taken in the same run where one exists: opening the
app, scrolling the whole document list, full-text search, pre-tagging (on a 2,000-article
slice, against raw ``nlp.pipe``), a Prodigy export of the project (against reading the same
rows with sqlite3, tokenizing them and writing the same tasks), and the app's peak memory
(goal under 500 MB).
"""

from __future__ import annotations

import json
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from annotator.core.default_tagger import load_default_tagger
from annotator.core.project import Project
from tests.benchmarks.corpus import write_jsonl

PRETAG_SLICE = 2_000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_export(path: Path, out: Path) -> int:
    """The floor for a Prodigy export: the same texts and spans read with plain sqlite3,
    tokenized by the same blank pipeline and written as tasks with tokens, no checks."""
    import spacy

    from tests.benchmarks.bench_export import raw_prodigy

    conn = sqlite3.connect(path)
    rows = [
        (text, [tuple(span) for span in json.loads(spans)])
        for text, spans in conn.execute(
            'SELECT d.text, (SELECT json_group_array(json_array(s.start, s."end", l.name)) '
            "FROM spans AS s JOIN labels AS l ON l.id = s.label_id "
            "WHERE s.annotation_id = a.id) FROM documents AS d "
            "JOIN annotations AS a ON a.document_id = d.id ORDER BY d.id"
        )
    ]
    conn.close()
    raw_prodigy(rows, spacy.blank("en"), out)
    return len(rows)


def mark_every_document_done(project: Project, annotator: str) -> None:
    """Give every article one finished annotation with an entity, in bulk, to export."""
    human = project.ensure_annotator(annotator).id
    with project.write() as conn:
        label = conn.exec_driver_sql("SELECT id FROM labels WHERE name = 'ORG'").scalar()
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO annotations (document_id, annotator_id, status, "
            "active_seconds, created_at, updated_at) SELECT id, ?, 'done', 0, created_at, "
            "created_at FROM documents",
            (human,),
        )
        conn.exec_driver_sql(
            'INSERT OR IGNORE INTO spans (annotation_id, layer, start, "end", label_id, '
            "created_by, rejected, created_at) SELECT id, 'entity', 0, 6, ?, ?, 0, created_at "
            "FROM annotations WHERE annotator_id = ?",
            (label, human, human),
        )


def main(count: int = 100_000) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    nlp = load_default_tagger()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = write_jsonl(work / "articles.jsonl", count)
        megabytes = source.stat().st_size / 1e6
        path = work / "large.annotator"
        started = time.perf_counter()
        with Project.open(path) as project:
            project.import_paths([source])
            imported = time.perf_counter() - started
            with project.read() as conn:
                chars = conn.exec_driver_sql("SELECT sum(length) FROM documents").scalar()
            texts = [project.text(i) for i in range(1, PRETAG_SLICE + 1)]
            started = time.perf_counter()
            raw_ents = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=64))
            raw_pretag = time.perf_counter() - started
        print(
            f"{count:,} articles, {chars / 1e6:.0f} million characters ({megabytes:.0f} MB JSONL)"
        )
        print(f"import: {imported:.1f} s ({count / imported:,.0f} articles/s)")

        from annotator.gui.main_window import MainWindow, open_session

        started = time.perf_counter()
        window = MainWindow(open_session(path, "bench"))
        window.show()
        app.processEvents()
        print(
            f"open the app to the first document: {(time.perf_counter() - started) * 1000:.0f} ms"
        )

        started = time.perf_counter()
        while window.search_task.thread.isRunning():
            app.processEvents()
            time.sleep(0.01)
        print(f"full-text index built in the background: {time.perf_counter() - started:.1f} s")

        table, steps, worst = window.table, 0, 0.0
        bar = table.verticalScrollBar()
        started = time.perf_counter()
        while bar.value() < bar.maximum():
            step_started = time.perf_counter()
            bar.setValue(bar.value() + bar.pageStep())
            table.viewport().repaint()
            worst = max(worst, time.perf_counter() - step_started)
            steps += 1
        scrolled = time.perf_counter() - started
        print(
            f"scroll the whole list ({steps:,} pages): {scrolled:.1f} s, "
            f"{scrolled / steps * 1000:.2f} ms per page, worst {worst * 1000:.1f} ms"
        )

        conn = sqlite3.connect(path)
        started = time.perf_counter()
        raw_hits = conn.execute(
            'SELECT count(*) FROM documents_fts WHERE documents_fts MATCH \'"Kathmandu"* "trade"*\''
        ).fetchone()[0]
        raw_search = time.perf_counter() - started
        conn.close()
        window.filters.search.blockSignals(True)  # no second, debounced search
        window.filters.search.setText("Kathmandu trade")
        window.filters.search.blockSignals(False)
        started = time.perf_counter()
        window.filters.emit_filter()
        app.processEvents()
        hits = window.model.rowCount()
        ours_search = time.perf_counter() - started
        print(
            f"search 'Kathmandu trade': {ours_search * 1000:.0f} ms for {hits:,} hits "
            f"(raw FTS5 count {raw_search * 1000:.0f} ms, {raw_hits:,} hits)"
        )
        window.filters.search.clear()
        window.filters.emit_filter()
        app.processEvents()
        print(f"app peak memory so far: {peak_mb():.0f} MB (goal < 500 MB)")
        window.close()
        app.processEvents()

        slice_path = work / "slice.jsonl"
        with slice_path.open("w", encoding="utf-8") as handle:
            for text in texts:
                handle.write(json.dumps({"text": text}) + "\n")
        with Project.open(work / "slice.annotator") as project:
            project.import_paths([slice_path])
            started = time.perf_counter()
            report = project.pretag(nlp=nlp, batch_size=64)
            ours_pretag = time.perf_counter() - started
        print(
            f"pre-tag {PRETAG_SLICE:,} articles: raw nlp.pipe {raw_pretag:.1f} s "
            f"({raw_ents:,} ents), annotator {ours_pretag:.1f} s "
            f"({report.spans_added:,} suggestions) -> {ours_pretag / raw_pretag:.2f}x"
        )

        with Project.open(path) as project:
            mark_every_document_done(project, "bench")
        started = time.perf_counter()
        raw_rows = raw_export(path, work / "raw.jsonl")
        raw_seconds = time.perf_counter() - started
        with Project.open(path) as project:
            started = time.perf_counter()
            exported = project.export(work / "out.jsonl", fmt="prodigy", annotator="bench")
            ours_export = time.perf_counter() - started
        print(
            f"export {exported.documents:,} annotated documents to Prodigy JSONL: "
            f"{ours_export:.1f} s (raw tokenize and dump of {raw_rows:,} rows "
            f"{raw_seconds:.1f} s) -> "
            f"{ours_export / raw_seconds:.2f}x"
        )
        print(f"peak memory of the whole run: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

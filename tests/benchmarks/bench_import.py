"""Import speed against the same work done with the standard library alone (goal: <= 2x).

Run: ``.venv/bin/python -m tests.benchmarks.bench_import [SCALE]``. Each case times, in the same
run and from the same starting point (the files on disk, an empty project), the baseline:
read and parse the files with the standard library, hash the texts and insert documents,
annotations and spans with raw ``sqlite3`` in one transaction, in batches of the size ours
uses and with the cycle collector paused as ours is; and ``annotator import``, which
also checks every record, resolves repeats and counts what it stored. Cases: a JSONL file of
plain articles, an annotated Prodigy file, a folder of .txt files, a CoNLL file of sentences
and a folder of brat documents. SCALE (default 1.0) multiplies every case's size.
"""

from __future__ import annotations

import gc
import hashlib
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from annotator.core.project import Project
from tests.benchmarks.corpus import NAMES, articles, write_jsonl

NOW = "2026-01-01 00:00:00.000000"
REPEATS = 5


class RawWriter:
    """The baseline's store: the project's own tables and pragmas, written with plain
    executemany."""

    def __init__(self, path: Path) -> None:
        Project.open(path).close()
        self.conn = sqlite3.connect(path, isolation_level=None)
        # The pragmas every project connection has (store.database): a project is a file
        # whose references hold, so the baseline checks them too.
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("BEGIN")
        self.conn.execute("INSERT INTO annotators (name, kind) VALUES ('raw', 'human')")
        self.labels: dict[str, int] = {}

    def label(self, name: str) -> int:
        if name not in self.labels:
            self.conn.execute(
                "INSERT OR IGNORE INTO labels (kind, name, colour, description, position) "
                "VALUES ('entity', ?, '#fff', '', 0)",
                (name,),
            )
            self.labels[name] = self.conn.execute(
                "SELECT id FROM labels WHERE kind = 'entity' AND name = ?", (name,)
            ).fetchone()[0]
        return self.labels[name]

    def write(self, documents: list[tuple]) -> None:
        """(text, meta, spans or None for no annotation[, relations as span index pairs])."""
        first = self.conn.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0]
        self.conn.executemany(
            "INSERT INTO documents (text, title, source, meta, content_hash, length, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                (
                    text,
                    meta.get("title"),
                    "bench",
                    json.dumps(meta),
                    hashlib.sha256(text.encode()).hexdigest(),
                    len(text),
                    NOW,
                )
                for text, meta, *_rest in documents
            ],
        )
        annotated = [
            (first + index + 1, document[2])
            for index, document in enumerate(documents)
            if document[2] is not None
        ]
        if not annotated:
            return
        self.conn.executemany(
            "INSERT INTO annotations (document_id, annotator_id, status, active_seconds, "
            "created_at, updated_at) VALUES (?, 1, 'done', 0, ?, ?)",
            [(document, NOW, NOW) for document, _spans in annotated],
        )
        ids = dict(
            self.conn.execute(
                "SELECT document_id, id FROM annotations WHERE document_id > ?", (first,)
            )
        )
        self.conn.executemany(
            'INSERT INTO spans (annotation_id, layer, start, "end", label_id, extra, '
            "created_by, rejected, created_at) VALUES (?, 'entity', ?, ?, ?, ?, 1, 0, ?)",
            [
                (ids[document], start, end, self.label(label), extra(rest), NOW)
                for document, spans in annotated
                for start, end, label, *rest in spans
            ],
        )
        relations = [
            (first + index + 1, document[3])
            for index, document in enumerate(documents)
            if len(document) > 3 and document[3]
        ]
        if not relations:
            return
        span_ids = {
            (annotation, start, end): span
            for span, annotation, start, end in self.conn.execute(
                'SELECT id, annotation_id, start, "end" FROM spans WHERE annotation_id >= ?',
                (min(ids.values()),),
            )
        }
        label = self.label("relation")
        spans_of = dict(annotated)
        self.conn.executemany(
            "INSERT INTO relations (annotation_id, head_span_id, child_span_id, label_id, "
            "extra, created_by, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)",
            [
                (
                    ids[document],
                    span_ids[(ids[document], *spans[head][:2])],
                    span_ids[(ids[document], *spans[child][:2])],
                    label,
                    extra(rest),
                    NOW,
                )
                for document, pairs in relations
                for head, child, _label, *rest in pairs
                for spans in [spans_of[document]]
            ],
        )

    def close(self) -> None:
        self.conn.execute("COMMIT")
        self.conn.close()


def extra(rest: list) -> str | None:
    """A file's own ids kept as we keep them (brat's T and R ids), as JSON."""
    return json.dumps(rest[0]) if rest else None


def time_raw(path: Path, parse: Callable[[], list]) -> float:
    """The baseline runs with the cycle collector paused, as our import does: otherwise its
    time would depend on how many objects earlier cases left in the process."""
    writer = RawWriter(path)
    gc.disable()
    try:
        started = time.perf_counter()
        documents = parse()
        for offset in range(0, len(documents), 2000):
            writer.write(documents[offset : offset + 2000])
        writer.close()
        return time.perf_counter() - started
    finally:
        gc.enable()


def time_ours(path: Path, sources: list[Path], fmt: str = "auto") -> tuple[float, object]:
    with Project.open(path) as project:
        started = time.perf_counter()
        report = project.import_paths(sources, fmt=fmt, annotator="bench")
        return time.perf_counter() - started, report


# Files -------------------------------------------------------------------------------------


def write_prodigy(path: Path, count: int) -> Path:
    rng = random.Random(4)
    with path.open("w", encoding="utf-8") as handle:
        for index, text in enumerate(articles(count, seed=4)):
            spans = []
            for name in rng.sample(NAMES, 6):
                start = text.find(f" {name} ")
                if start >= 0 and all(
                    start + 1 >= e or start + 1 + len(name) <= s for s, e in spans
                ):
                    spans.append((start + 1, start + 1 + len(name)))
            row = {
                "text": text,
                "meta": {"title": f"Article {index}"},
                "spans": [{"start": s, "end": e, "label": "GPE"} for s, e in sorted(spans)],
                "answer": "accept",
                "_input_hash": index,
                "_task_hash": -index,
            }
            handle.write(json.dumps(row) + "\n")
    return path


def write_txt_folder(folder: Path, count: int) -> Path:
    folder.mkdir()
    for index, text in enumerate(articles(count, seed=5)):
        (folder / f"{index:06}.txt").write_text(f"Article {index}\n\n{text}", encoding="utf-8")
    return folder


def write_conll(path: Path, sentences: int) -> Path:
    rng = random.Random(6)
    words = ["the", "minister", "said", "talks", "would", "continue", "after", "a", "meeting", "in"]
    with path.open("w", encoding="utf-8") as handle:
        for index in range(sentences):
            tokens = [(f"S{index}", "O")]
            for _ in range(rng.randint(8, 25)):
                if rng.random() < 0.1:
                    tokens.append((rng.choice(NAMES), "B-LOC"))
                else:
                    tokens.append((rng.choice(words), "O"))
            handle.write("".join(f"{token}\t{tag}\n" for token, tag in tokens) + "\n")
    return path


def write_brat(folder: Path, count: int) -> Path:
    folder.mkdir()
    for index, text in enumerate(articles(count, seed=7)):
        (folder / f"doc{index:05}.txt").write_text(text, encoding="utf-8")
        lines, number = [], 0
        for name in NAMES:
            start = text.find(f" {name} ")
            if start >= 0:
                number += 1
                lines.append(f"T{number}\tGPE {start + 1} {start + 1 + len(name)}\t{name}")
        for head in range(1, number):
            lines.append(f"R{head}\tNEAR Arg1:T{head} Arg2:T{head + 1}\t")
        (folder / f"doc{index:05}.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# Standard-library parsers (the baselines' reading) -----------------------------------------


def parse_jsonl(path: Path, annotated: bool) -> list:
    documents = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            spans = (
                [(s["start"], s["end"], s["label"]) for s in record.get("spans", [])]
                if annotated
                else None
            )
            documents.append((record["text"], record.get("meta", {}), spans))
    return documents


def parse_txt_folder(folder: Path) -> list:
    documents = []
    for path in sorted(folder.iterdir()):
        text = path.read_text(encoding="utf-8")
        documents.append((text, {"file": path.name, "title": text.split("\n", 1)[0]}, None))
    return documents


def parse_conll(path: Path) -> list:
    documents, tokens = [], []

    def finish() -> None:
        text, spans, offset = [], [], 0
        for token, tag in tokens:
            if tag != "O":
                spans.append((offset, offset + len(token), tag[2:]))
            text.append(token)
            offset += len(token) + 1
        documents.append((" ".join(text), {}, spans))

    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                token, tag = line.rstrip("\n").split("\t")
                tokens.append((token, tag))
            elif tokens:
                finish()
                tokens = []
    if tokens:
        finish()
    return documents


def parse_brat(folder: Path) -> list:
    """T lines into spans and R lines into relations between them, their ids kept as we keep
    them: what the brat folder holds."""
    documents = []
    for ann in sorted(folder.glob("*.ann")):
        text = ann.with_suffix(".txt").read_text(encoding="utf-8")
        spans, ids, relations = [], {}, []
        for line in ann.read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                name, body, _surface = line.split("\t")
                label, start, end = body.split(" ")
                ids[name] = len(spans)
                spans.append((int(start), int(end), label, {"brat_id": name}))
            elif line.startswith("R"):
                name, body, _rest = line.split("\t")
                label, head, child = body.split(" ")
                relations.append(
                    (ids[head.split(":")[1]], ids[child.split(":")[1]], label, {"brat_id": name})
                )
        documents.append((text, {"file": ann.with_suffix(".txt").name}, spans, relations))
    return documents


#: Each case: its title, the file or folder name, how to write it, how to parse it with the
#: standard library, and its size.
CASES: dict[str, tuple[str, str, Callable[[Path, int], Path], Callable[[Path], list], int]] = {
    "jsonl": (
        "plain articles (JSONL)",
        "plain.jsonl",
        write_jsonl,
        lambda p: parse_jsonl(p, annotated=False),
        10_000,
    ),
    "prodigy": (
        "annotated Prodigy records",
        "prodigy.jsonl",
        write_prodigy,
        lambda p: parse_jsonl(p, annotated=True),
        5_000,
    ),
    "txt": (".txt files in a folder", "txt", write_txt_folder, parse_txt_folder, 10_000),
    "conll": ("CoNLL sentences", "sentences.conll", write_conll, parse_conll, 10_000),
    "brat": ("brat documents", "brat", write_brat, parse_brat, 1_000),
}


def run_case(key: str, scale: float) -> None:
    title, name, write, parse, size = CASES[key]
    count = max(1, int(size * scale))
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = write(work / name, count)
        raws, ourss = [], []
        for run in range(REPEATS):
            raws.append(time_raw(work / f"raw-{run}.annotator", lambda: parse(source)))
            seconds, report = time_ours(work / f"ours-{run}.annotator", [source])
            ourss.append(seconds)
    raw, ours = statistics.median(raws), statistics.median(ourss)
    print(f"import of {count:,} {title} (median of {REPEATS}, alternating)")
    print(f"  standard library + raw sqlite3: {raw:.2f} s  (runs: {_runs(raws)})")
    print(f"  annotator import:               {ours:.2f} s  (runs: {_runs(ourss)})")
    print(f"  ratio: {ours / raw:.2f}x for {report.records:,} records (goal <= 2x)")


def _runs(seconds: list[float]) -> str:
    return ", ".join(f"{s:.2f}" for s in sorted(seconds))


def main(scale: float = 1.0) -> None:
    """Each case in a fresh interpreter: what one case leaves in the process (a large heap,
    warm caches) must not make the next one look faster or slower."""
    for key in CASES:
        subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.bench_import", str(scale), key],
            check=True,
            cwd=Path(__file__).parents[2],
        )


if __name__ == "__main__":
    scale_given = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    if len(sys.argv) > 2:
        run_case(sys.argv[2], scale_given)
    else:
        main(scale_given)

"""Killed at any moment, a project keeps every edit it reported as saved, and stays sound.

A forked child edits through the public API and tells the parent, through a pipe, each edit
the API has returned from; the parent kills it with SIGKILL at a random moment, many times.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from annotator.core.project import Project
from annotator.core.records import Layer, Status

FORK = multiprocessing.get_context("fork")
KILLS = 50


def edit_forever(path: str, seed: int, pipe: int) -> None:
    """Runs in the child: edit until killed, reporting each edit after the API returned."""
    rng = random.Random(seed)
    with Project.open(Path(path), create=False) as project:
        lengths = {d.id: d.length for d in project.documents()}
        while True:
            document_id = rng.choice(list(lengths))
            action = rng.random()
            if action < 0.7:
                start = rng.randrange(0, lengths[document_id] - 1)
                end = rng.randint(start + 1, lengths[document_id])
                try:
                    span = project.edits.add_span(
                        document_id, "crash", start, end, "fabricated", layer=Layer.UNRELIABLE
                    )
                except Exception:  # a duplicate passage is refused; that is not a crash
                    continue
                record = {"span": span.id, "start": start, "end": end}
            elif action < 0.85:
                applies = rng.random() < 0.5
                record = {"key": f"topic {document_id}", "value": applies}
                os.write(pipe, (json.dumps({**record, "phase": "try"}) + "\n").encode())
                project.edits.set_topic(document_id, "crash", "trade", applies)
            else:
                status = rng.choice([Status.DONE, Status.SKIPPED, Status.IN_PROGRESS])
                record = {"key": f"status {document_id}", "value": status.value}
                os.write(pipe, (json.dumps({**record, "phase": "try"}) + "\n").encode())
                project.edits.set_status(document_id, "crash", status)
            os.write(pipe, (json.dumps(record) + "\n").encode())


def run_and_kill(target, args: tuple, delay: float) -> bytes:
    reader, writer = os.pipe()
    child = FORK.Process(target=target, args=(*args, writer), daemon=True)
    child.start()
    os.close(writer)
    time.sleep(delay)
    os.kill(child.pid, signal.SIGKILL)
    child.join()
    chunks = []
    while chunk := os.read(reader, 65536):
        chunks.append(chunk)
    os.close(reader)
    return b"".join(chunks)


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for index in range(5):
        (folder / f"{index}.txt").write_text(
            f"Report {index}\n\nTrade between Nepal and India grew by {index}% this year, "
            "officials in Kathmandu said on Monday. 🙂 Торговля выросла.",
            encoding="utf-8",
        )
    path = tmp_path / "crash.annotator"
    with Project.open(path) as project:
        project.import_paths(sorted(folder.iterdir()))
    return path


def test_edits_reported_saved_survive_sigkill(project_file: Path) -> None:
    rng = random.Random(2026)
    spans: dict[int, tuple[int, int]] = {}
    # Overwritten values: the last one reported saved, or one tried after it (which may have
    # been committed just before the kill, before it could be reported).
    allowed: dict[str, set[object]] = {}
    for round_number in range(KILLS):
        output = run_and_kill(
            edit_forever, (str(project_file), round_number), rng.uniform(0.05, 0.35)
        )
        for line in output.decode().splitlines():
            record = json.loads(line)
            if "span" in record:
                spans[record["span"]] = (record["start"], record["end"])
            elif record.get("phase") == "try":
                allowed.setdefault(record["key"], set()).add(record["value"])
            else:
                allowed[record["key"]] = {record["value"]}
        assert integrity(project_file) == "ok", f"after kill {round_number + 1}"
    assert len(spans) > KILLS
    conn = sqlite3.connect(project_file)
    stored = {
        row[0]: (row[1], row[2]) for row in conn.execute('SELECT id, start, "end" FROM spans')
    }
    conn.close()
    assert {span_id: stored.get(span_id) for span_id in spans} == spans
    with Project.open(project_file, create=False) as project:
        for key, values in allowed.items():
            kind, document_id = key.split()
            annotation = project.edits.annotation(int(document_id), "crash")
            if kind == "topic":
                assert annotation.topics.get("trade") in values, key
            else:
                assert annotation.status.value in values, key


def import_file(path: str, source: str, pipe: int) -> None:
    with Project.open(Path(path), create=False) as project:
        project.import_paths([Path(source)])
    os.write(pipe, b"imported\n")


def test_import_killed_part_way_leaves_all_of_the_file_or_none(
    project_file: Path, tmp_path: Path
) -> None:
    count = 20000
    before = 5
    delays = [0.05, *random.Random(7).choices([0.1, 0.2, 0.3, 0.5, 0.8], k=6), 5.0]
    outcomes = set()
    for attempt, delay in enumerate(delays):
        source = tmp_path / f"batch{attempt}.jsonl"
        source.write_text(
            "".join(
                json.dumps({"text": f"Batch {attempt} article {i}: Nepal and India traded."}) + "\n"
                for i in range(count)
            ),
            encoding="utf-8",
        )
        output = run_and_kill(import_file, (str(project_file), str(source)), delay)
        assert integrity(project_file) == "ok"
        with Project.open(project_file, create=False) as project:
            documents = project.document_count()
        assert documents in (before, before + count), f"attempt {attempt}: {documents}"
        if output:
            assert documents == before + count
        outcomes.add(documents - before)
        before = documents
    assert outcomes == {0, count}, "both a killed and a finished import were tried"

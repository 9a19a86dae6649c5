"""Two app instances on one project file: both write, nothing is lost, nobody waits forever."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from annotator.core.project import Project
from annotator.core.records import Layer

FORK = multiprocessing.get_context("fork")
EDITS = 150


def annotate(path: str, name: str, go, pipe: int) -> None:
    go.wait()
    saved = 0
    with Project.open(Path(path), create=False) as project:
        lengths = {d.id: d.length for d in project.documents()}
        for number in range(EDITS):
            document_id = 1 + number % len(lengths)
            start = number // len(lengths)
            project.edits.add_span(
                document_id, name, start, start + 3, "misleading", layer=Layer.UNRELIABLE
            )
            project.edits.set_topic(document_id, name, "economy", number % 2 == 0)
            saved += 1
    os.write(pipe, f"{saved}\n".encode())


def test_two_processes_editing_one_project_lose_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for index in range(3):
        (folder / f"{index}.txt").write_text(
            f"Article {index}: " + "The economy of Nepal grew again this year. " * 5,
            encoding="utf-8",
        )
    path = tmp_path / "shared.annotator"
    with Project.open(path) as project:
        project.import_paths(sorted(folder.iterdir()))
    go = FORK.Event()
    reader, writer = os.pipe()
    children = [
        FORK.Process(target=annotate, args=(str(path), name, go, writer))
        for name in ("alice", "bob")
    ]
    for child in children:
        child.start()
    os.close(writer)
    go.set()
    for child in children:
        child.join(timeout=120)
        assert child.exitcode == 0
    reports = b""
    while chunk := os.read(reader, 1024):
        reports += chunk
    os.close(reader)
    assert reports.split() == [b"150", b"150"]
    with Project.open(path, create=False) as project:
        for name in ("alice", "bob"):
            spans = [
                s
                for document_id in (1, 2, 3)
                for s in project.edits.annotation(document_id, name).spans
            ]
            assert len(spans) == EDITS
            assert project.edits.annotation(3, name).topics == {"economy": (EDITS - 1) % 2 == 0}

"""Eight annotators at once on one team database: every edit a process was told is saved is
there, with no error and no lost update."""

from __future__ import annotations

import multiprocessing
import random
from pathlib import Path

from annotator.core.project import Project
from annotator.core.records import LabelKind, Status

PEOPLE = [f"annotator{i}" for i in range(8)]
DOCUMENTS = 12
WORDS = [f"Word{i}" for i in range(40)]


def work(target: str, name: str, seed: int, results: multiprocessing.Queue) -> None:
    """One annotator's session: spans on every document in their own order, a topic and a
    status, reporting what the project said was saved."""
    saved: list[tuple] = []
    try:
        with Project.open(target) as project:
            topic = project.labels(LabelKind.TOPIC)[0].name
            order = list(range(1, DOCUMENTS + 1))
            random.Random(seed).shuffle(order)
            for document_id in order:
                text = project.text(document_id)
                for index in range(seed % 3, len(WORDS), 3):
                    start = text.index(WORDS[index] + " ")
                    span = project.edits.add_span(
                        document_id, name, start, start + len(WORDS[index]), "ORG"
                    )
                    saved.append(("span", document_id, span.start, span.end))
                project.edits.set_topic(document_id, name, topic, True)
                project.edits.set_status(document_id, name, Status.DONE)
                saved.append(("done", document_id))
        results.put((name, saved, None))
    except Exception as exc:  # the parent reports whatever went wrong
        results.put((name, saved, repr(exc)))


def test_eight_annotators_editing_at_once_lose_nothing(team_database: str, tmp_path: Path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(DOCUMENTS):
        words = " ".join(WORDS)
        (folder / f"{number:02}.txt").write_text(f"Article {number}. {words} end.", "utf-8")
    with Project.open(team_database) as project:
        project.import_paths(sorted(folder.iterdir()), detect_boilerplate=False)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [
        context.Process(target=work, args=(str(team_database), name, seed, results))
        for seed, name in enumerate(PEOPLE)
    ]
    for process in processes:
        process.start()
    reports = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(timeout=60)

    assert [(name, error) for name, _, error in reports if error] == []
    with Project.open(team_database) as project:
        for name, saved, _ in reports:
            stored = {
                document_id: project.edits.annotation(document_id, name)
                for document_id in range(1, DOCUMENTS + 1)
            }
            spans = {("span", d, s.start, s.end) for d, a in stored.items() for s in a.spans}
            expected_spans = {item for item in saved if item[0] == "span"}
            assert expected_spans and expected_spans == spans, name
            assert all(a.status is Status.DONE and any(a.topics.values()) for a in stored.values())
        assert len(project.annotators()) == len(PEOPLE)

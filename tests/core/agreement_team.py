"""A team of 30 annotators over partially overlapping documents, written through the Project
API as the app would, for the tests of agreement with many annotators (core, CLI and GUI).

Each document is finished by a window of three to eight consecutive annotators round a
circle of 29, so neighbours share several documents and annotators far apart share none: their
pair has no data. The thirtieth (``LONER``) finished only a document nobody else did. One
annotator (``OUTLIER``) labels carelessly, so the summary has someone to find. Some work is
started but not finished and must not count.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from annotator.core.project import Project
from annotator.core.records import Status

NAMES = [f"annotator{number:02d}" for number in range(1, 31)]
OUTLIER = "annotator13"
LONER = "annotator30"
CIRCLE = NAMES[:-1]
TOPICS = ["diplomacy", "trade"]
PLACES = [
    ("Nepal", "China", "Beijing"),
    ("India", "Bhutan", "Delhi"),
    ("Peru", "Chile", "Lima"),
    ("Kenya", "Uganda", "Nairobi"),
    ("Spain", "France", "Madrid"),
    ("Japan", "Korea", "Tokyo"),
    ("Ghana", "Togo", "Accra"),
    ("Laos", "Vietnam", "Vientiane"),
    ("Egypt", "Sudan", "Cairo"),
    ("Norway", "Sweden", "Oslo"),
]
DAYS = ["Monday", "Tuesday", "Friday"]
ORGS = ["the UN", "the WHO"]
#: Finishers per document (cycled) and how far round the circle each next window starts.
WINDOWS, STRIDE = (6, 3, 8, 4, 5, 2), 3
DOCUMENTS = 21


def text_and_entities(index: int) -> tuple[str, list[tuple[str, str]]]:
    first, second, city = PLACES[index % len(PLACES)]
    day, org = DAYS[index // len(PLACES)], ORGS[index % 2]
    text = (
        f"Leaders of {first} and {second} met {org} in {city} on {day}; "
        f"story {index} said trade rose."
    )
    return text, [(first, "GPE"), (second, "GPE"), (city, "GPE"), (day, "DATE"), (org, "ORG")]


TEXTS = [text_and_entities(index)[0] for index in range(DOCUMENTS)]


def finishers(index: int) -> list[str]:
    if index == DOCUMENTS - 1:
        return [LONER]
    size = WINDOWS[index % len(WINDOWS)]
    return [CIRCLE[(STRIDE * index + k) % len(CIRCLE)] for k in range(size)]


FINISHED = {index: finishers(index) for index in range(DOCUMENTS)}
#: (document index, annotator): started, never finished.
STARTED = [(0, "annotator20"), (5, "annotator01"), (11, OUTLIER), (20, "annotator02")]


def plan() -> dict[tuple[int, str], tuple[list[tuple[str, str]], list[str]]]:
    """(document index, annotator) -> (entities as (surface, label), topics that apply)."""
    rng = random.Random(1414)
    work = {}
    for index in range(DOCUMENTS):
        _text, entities = text_and_entities(index)
        for name in FINISHED[index] + [n for i, n in STARTED if i == index]:
            careless = name == OUTLIER
            chosen = []
            for surface, label in entities:
                if rng.random() < (0.5 if careless else 0.85):
                    wrong = rng.random() < (0.6 if careless else 0.1)
                    chosen.append((surface, "LOC" if wrong else label))
            topics = [t for t in TOPICS if rng.random() < (0.5 if careless else 0.7)]
            if index % 4 == 0 and not careless:
                topics = ["trade"]  # some agreement to find
            work[(index, name)] = (chosen, topics)
    return work


PLAN = plan()


def build(path: Path, folder: Path) -> Path:
    """Write the project file; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for index, text in enumerate(TEXTS):
        files.append(folder / f"story{index:02d}.txt")
        files[-1].write_text(text, encoding="utf-8")
    with Project.open(path) as project:
        project.import_paths(files)
        ids = {project.text(d.id): d.id for d in project.documents()}
        for (index, name), (entities, topics) in PLAN.items():
            text, document_id = TEXTS[index], ids[TEXTS[index]]
            for surface, label in entities:
                start = text.index(surface)
                project.edits.add_span(document_id, name, start, start + len(surface), label)
            for topic in topics:
                project.edits.set_topic(document_id, name, topic, True)
            done = name in FINISHED[index]
            project.edits.set_status(document_id, name, Status.DONE if done else Status.IN_PROGRESS)
    return path


def shared(first: str, second: str) -> list[int]:
    """Documents both finished."""
    return [i for i, names in FINISHED.items() if first in names and second in names]


def exact_f1(first: str, second: str) -> float | None:
    """Micro F1 at exact match over the documents both finished, from the plan alone:
    surfaces are unique in their text, so the same surface and label is the same span."""
    matched = total = 0
    for index in shared(first, second):
        a, b = PLAN[(index, first)][0], PLAN[(index, second)][0]
        matched += len(set(a) & set(b))
        total += len(a) + len(b)
    return 2 * matched / total if total else None


_BUILT: dict[str, Path] = {}


def team_file(factory: pytest.TempPathFactory) -> Path:
    """The team's project file, built once per test session (about two seconds) and only
    read by the tests, with its own isolated user folders while it is written."""
    if "path" not in _BUILT:
        folder = factory.mktemp("team")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("ANNOTATOR_HOME", str(folder / "home"))
            _BUILT["path"] = build(folder / "team.annotator", folder / "texts")
    return _BUILT["path"]

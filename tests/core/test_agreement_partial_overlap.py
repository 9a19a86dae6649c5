"""Agreement when each document is finished by a different subset of annotators.

The figures are checked against the ``krippendorff`` package and scikit-learn, fed with
reliability data this module builds from its own plan (missing = did not finish).
"""

from __future__ import annotations

import math
import random
from itertools import combinations
from pathlib import Path

import krippendorff
import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.core.agreement import agreement
from annotator.core.project import Project
from annotator.core.records import Layer, Status

NAMES = ["ann", "ben", "cat", "dan"]
TEXTS = [
    "Leaders of Nepal and China met in Beijing on Monday.",
    "Officials in Delhi said exports rose by 12% last year.",
    "The UN said the figure was invented by a ministry in Moscow.",
    "Berlin and Paris signed a trade deal with Brussels on Friday.",
    "The WHO warned that cases in Lagos doubled in March.",
    "Analysts in Tokyo expect the yen to fall by 5% in June.",
]
CANDIDATES = [
    [("Nepal", "GPE"), ("China", "GPE"), ("Beijing", "GPE"), ("Monday", "DATE")],
    [("Delhi", "GPE"), ("12%", "PERCENT"), ("last year", "DATE")],
    [("UN", "ORG"), ("ministry", "ORG"), ("Moscow", "GPE")],
    [("Berlin", "GPE"), ("Paris", "GPE"), ("Brussels", "ORG"), ("Friday", "DATE")],
    [("WHO", "ORG"), ("Lagos", "GPE"), ("March", "DATE")],
    [("Tokyo", "GPE"), ("5%", "PERCENT"), ("June", "DATE")],
]
PASSAGES = ["met in Beijing", "exports rose", "was invented", "a trade deal", "cases", "fall"]
TOPICS = ["diplomacy", "trade", "economy"]
#: Who marks each document done; nobody finishes them all, so no document is shared by all four.
FINISHED = [
    {"ann", "ben"},
    {"ben", "cat", "dan"},
    {"ann", "cat"},
    {"ann", "ben", "dan"},
    {"cat", "dan"},
    {"ann"},
]
#: Started but not finished: work that must count as missing.
STARTED = {5: "ben", 0: "cat"}


def plan() -> dict[tuple[int, str], tuple[list[tuple[str, str]], list[str], list[str]]]:
    """(document index, annotator) -> entities, passages and topics, varied but repeatable."""
    rng = random.Random(14)
    work = {}
    for index in range(len(TEXTS)):
        for name in NAMES:
            entities = [
                (surface, "ORG" if rng.random() < 0.2 else label)
                for surface, label in CANDIDATES[index]
                if rng.random() < 0.8
            ]
            passages = [PASSAGES[index]] if rng.random() < 0.5 else []
            topics = [topic for topic in TOPICS if rng.random() < 0.5]
            work[(index, name)] = (entities, passages, topics)
    return work


PLAN = plan()


def build(path: Path, folder: Path) -> None:
    """The project file, written through the public API as the app would."""
    for index, text in enumerate(TEXTS):
        (folder / f"{index}.txt").write_text(text, encoding="utf-8")
    with Project.open(path) as project:
        project.import_paths([folder / f"{i}.txt" for i in range(len(TEXTS))])
        for (index, name), (entities, passages, topics) in PLAN.items():
            if name not in FINISHED[index] and STARTED.get(index) != name:
                continue
            text, document_id = TEXTS[index], index + 1
            for surface, label in entities:
                start = text.index(surface)
                project.edits.add_span(document_id, name, start, start + len(surface), label)
            for surface in passages:
                start = text.index(surface)
                project.edits.add_span(
                    document_id,
                    name,
                    start,
                    start + len(surface),
                    "fabricated",
                    layer=Layer.UNRELIABLE,
                )
            for topic in topics:
                project.edits.set_topic(document_id, name, topic, True)
            status = Status.DONE if name in FINISHED[index] else Status.IN_PROGRESS
            project.edits.set_status(document_id, name, status)


@pytest.fixture
def project(tmp_path: Path, project_target: Path | str) -> Project:
    build(project_target, tmp_path)
    opened = Project.open(project_target)
    yield opened
    opened.close()


def token_values(project: Project, index: int, name: str) -> list[str]:
    text = TEXTS[index]
    spans = [(text.index(s), text.index(s) + len(s), label) for s, label in PLAN[(index, name)][0]]
    values = []
    for token in project.tokenizer.make_doc(text):
        inside = [label for start, end, label in spans if start <= token.idx < end]
        values.append(inside[0] if inside else "O")
    return values


def char_values(index: int, name: str) -> list[int]:
    text = TEXTS[index]
    marks = [0] * len(text)
    for surface in PLAN[(index, name)][1]:
        start = text.index(surface)
        marks[start : start + len(surface)] = [1] * len(surface)
    return marks


def reliability(values, sizes: list[int]) -> list[list[object]]:
    """One row per annotator over every unit of every document, nan where not finished."""
    return [
        [
            value
            for index, size in enumerate(sizes)
            for value in (values(index, name) if name in FINISHED[index] else [math.nan] * size)
        ]
        for name in NAMES
    ]


def shared_by_two() -> list[int]:
    return [index for index, names in enumerate(FINISHED) if len(names) >= 2]


def test_documents_finished_by_any_two_are_compared_though_none_is_finished_by_all(
    project: Project,
) -> None:
    report = agreement(project, NAMES)
    assert not any(names == set(NAMES) for names in FINISHED)
    assert report.documents == len(shared_by_two()) == 5
    assert report.topic_units == 5


def test_each_pair_is_measured_over_the_documents_both_finished(project: Project) -> None:
    report = agreement(project, NAMES)
    for first, second in combinations(NAMES, 2):
        shared = [i for i, names in enumerate(FINISHED) if {first, second} <= names]
        pair = report.pair(first, second)
        assert pair is not None
        assert pair.documents == len(shared)
        for topic in TOPICS:
            a = [topic in PLAN[(i, first)][2] for i in shared]
            b = [topic in PLAN[(i, second)][2] for i in shared]
            if len(set(a) | set(b)) > 1:
                assert pair.topic_kappa[topic] == pytest.approx(cohen_kappa_score(a, b))
        tokens = [[v for i in shared for v in token_values(project, i, n)] for n in (first, second)]
        if len(set(tokens[0]) | set(tokens[1])) > 1:
            assert pair.token_kappa == pytest.approx(cohen_kappa_score(*tokens))
    assert [report.pair(*p).documents for p in combinations(NAMES, 2)] == [2, 1, 1, 1, 2, 2]


def test_topic_alpha_equals_the_krippendorff_package_with_unfinished_work_missing(
    project: Project,
) -> None:
    report = agreement(project, NAMES)
    sizes = [1] * len(TEXTS)
    for topic in TOPICS:
        data = reliability(lambda i, n, topic=topic: [int(topic in PLAN[(i, n)][2])], sizes)
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert report.topic_alpha[topic] == pytest.approx(expected)


def test_entity_alpha_per_token_equals_the_krippendorff_package(project: Project) -> None:
    report = agreement(project, NAMES)
    sizes = [len(project.tokenizer.make_doc(text)) for text in TEXTS]
    data = reliability(lambda i, n: token_values(project, i, n), sizes)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert report.entity_alpha.value == pytest.approx(expected)
    assert report.entity_alpha.units == sum(sizes[i] for i in shared_by_two())


def test_passage_alpha_per_character_equals_the_krippendorff_package(project: Project) -> None:
    report = agreement(project, NAMES)
    sizes = [len(text) for text in TEXTS]
    expected = krippendorff.alpha(
        reliability_data=reliability(char_values, sizes), level_of_measurement="nominal"
    )
    assert report.unreliable_alpha.value == pytest.approx(expected)
    assert report.unreliable_alpha.units == sum(sizes[i] for i in shared_by_two())

"""Agreement over a real project, each figure checked against a reference implementation."""

from __future__ import annotations

from pathlib import Path

import krippendorff
import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.core.agreement import agreement
from annotator.core.errors import AnnotatorError
from annotator.core.project import Project
from annotator.core.records import Layer, Status

TEXTS = [
    "Leaders of Nepal and China met in Beijing on Monday.",
    "Officials in Delhi said exports rose by 12% last year.",
    "The UN said the figure was invented by a ministry in Moscow.",
]
# annotator -> per text: entities (substring, label), passages (substring), topics that apply
PLAN = {
    "alice": [
        (
            [("Nepal", "GPE"), ("China", "GPE"), ("Beijing", "GPE"), ("Monday", "DATE")],
            [],
            ["diplomacy"],
        ),
        (
            [("Delhi", "GPE"), ("12%", "PERCENT"), ("last year", "DATE")],
            ["exports rose by 12%"],
            ["trade", "economy"],
        ),
        ([("UN", "ORG"), ("Moscow", "GPE")], ["the figure was invented"], ["diplomacy"]),
    ],
    "bob": [
        (
            [("Nepal", "GPE"), ("China", "NORP"), ("Beijing on Monday", "GPE")],
            [],
            ["diplomacy", "trade"],
        ),
        ([("Delhi", "GPE"), ("12%", "PERCENT")], ["exports rose"], ["trade"]),
        ([("UN", "ORG"), ("Moscow", "GPE")], [], ["diplomacy"]),
    ],
}


@pytest.fixture
def project(project_target: Path | str, tmp_path: Path) -> Project:
    for index, text in enumerate(TEXTS):
        (tmp_path / f"{index}.txt").write_text(text, encoding="utf-8")
    opened = Project.open(project_target)
    opened.import_paths([tmp_path / f"{i}.txt" for i in range(len(TEXTS))])
    for name, plans in PLAN.items():
        for document_id, (entities, passages, topics) in enumerate(plans, start=1):
            text = TEXTS[document_id - 1]
            for surface, label in entities:
                start = text.index(surface)
                opened.edits.add_span(document_id, name, start, start + len(surface), label)
            for surface in passages:
                start = text.index(surface)
                opened.edits.add_span(
                    document_id,
                    name,
                    start,
                    start + len(surface),
                    "fabricated",
                    layer=Layer.UNRELIABLE,
                )
            for topic in topics:
                opened.edits.set_topic(document_id, name, topic, True)
            opened.edits.set_status(document_id, name, Status.DONE)
    yield opened
    opened.close()


def token_labels(project: Project, name: str) -> list[str]:
    labels = []
    for index, text in enumerate(TEXTS):
        doc = project.tokenizer.make_doc(text)
        spans = [(text.index(s), text.index(s) + len(s), lab) for s, lab in PLAN[name][index][0]]
        for token in doc:
            inside = [lab for s, e, lab in spans if s <= token.idx < e]
            labels.append(inside[0] if inside else "O")
    return labels


def test_entity_figures(project: Project) -> None:
    report = agreement(project, ["alice", "bob"])
    assert report.documents == 3
    pair = report.pairs[0]
    # alice has 9 entities, bob 7; exact matches: Nepal, Delhi, 12%, UN, Moscow = 5.
    micro = pair.exact["(micro)"]
    assert (micro.true_positives, micro.reference_total, micro.candidate_total) == (5, 9, 7)
    assert micro.f1 == pytest.approx(10 / 16)
    # Overlap adds Beijing (GPE vs "Beijing on Monday" GPE); China differs in label.
    assert pair.overlap["(micro)"].true_positives == 6
    assert pair.exact["GPE"].true_positives == 3
    assert pair.token_kappa == pytest.approx(
        cohen_kappa_score(token_labels(project, "alice"), token_labels(project, "bob"))
    )


def test_topic_and_unreliable_figures(project: Project) -> None:
    report = agreement(project, ["alice", "bob"])
    pair = report.pairs[0]
    alice = [int("trade" in PLAN["alice"][i][2]) for i in range(3)]
    bob = [int("trade" in PLAN["bob"][i][2]) for i in range(3)]
    assert pair.topic_kappa["trade"] == pytest.approx(cohen_kappa_score(alice, bob))
    assert pair.topic_kappa["health"] is None
    assert report.topic_alpha["trade"] == pytest.approx(
        krippendorff.alpha(reliability_data=[alice, bob], level_of_measurement="nominal")
    )
    chars = {name: [] for name in PLAN}
    for name in PLAN:
        for index, text in enumerate(TEXTS):
            marks = [False] * len(text)
            for surface in PLAN[name][index][1]:
                start = text.index(surface)
                marks[start : start + len(surface)] = [True] * len(surface)
            chars[name] += marks
    assert pair.unreliable_char_kappa == pytest.approx(
        cohen_kappa_score(chars["alice"], chars["bob"])
    )
    overlap = pair.unreliable_overlap
    assert (overlap.true_positives, overlap.reference_total, overlap.candidate_total) == (1, 2, 1)


def test_unfinished_documents_are_left_out_and_one_annotator_is_refused(
    project: Project,
) -> None:
    project.edits.set_status(3, "bob", Status.IN_PROGRESS)
    assert agreement(project, ["alice", "bob"]).documents == 2
    with pytest.raises(AnnotatorError, match="at least two"):
        agreement(project, ["alice"])
    with pytest.raises(AnnotatorError, match="No annotator named carol"):
        agreement(project, ["alice", "carol"])

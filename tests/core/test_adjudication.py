"""Settling disagreements into the gold set: provenance, every choice, undo, counts, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.adjudication import (
    BOTH,
    GOLD,
    NEITHER,
    adopt_agreements,
    compared_annotators,
    count_disagreements,
    review_document,
    settle,
    undo_settlement,
)
from annotator.core.errors import SpanError
from annotator.core.project import Project
from annotator.core.records import Layer, Status
from annotator.core.review import Kind
from tests.conftest import snapshot

TEXT = "Leaders of Nepal and China met in Beijing on Monday, officials said."


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def project(tmp_path: Path, project_target: Path | str) -> Project:
    source = tmp_path / "a.txt"
    source.write_text(TEXT, encoding="utf-8")
    opened = Project.open(project_target)
    opened.import_paths([source])
    for name, spans in {
        "alice": [("Nepal", "GPE"), ("China", "GPE"), ("Beijing", "GPE"), ("Monday", "DATE")],
        "bob": [("Nepal", "GPE"), ("China", "NORP"), ("in Beijing", "GPE")],
    }.items():
        for word, label in spans:
            opened.edits.add_span(1, name, *at(word), label)
    opened.edits.add_span(
        1, "bob", *at("officials said"), "unverifiable", layer=Layer.UNRELIABLE, note="who?"
    )
    opened.edits.set_topic(1, "alice", "diplomacy", True)
    opened.edits.set_topic(1, "bob", "diplomacy", False)
    yield opened
    opened.close()


def item_at(review, word: str, layer: str = "entity"):
    start, _end = at(word)
    return next(i for i in review.items if i.layer == layer and i.start <= start < i.end)


def gold_rows(project: Project) -> list[tuple]:
    with project.read() as conn:
        rows = conn.exec_driver_sql(
            'SELECT s.start, s."end", l.name, c.name, r.name, s.origin_span_id IS NOT NULL '
            "FROM spans AS s JOIN annotations AS a ON a.id = s.annotation_id "
            "JOIN annotators AS g ON g.id = a.annotator_id JOIN labels AS l ON l.id = s.label_id "
            "JOIN annotators AS c ON c.id = s.created_by "
            "JOIN annotators AS r ON r.id = s.adjudicated_by "
            "WHERE g.name = ? ORDER BY s.start",
            (GOLD,),
        ).all()
    return [(*row[:5], int(row[5])) for row in rows]


def test_review_lists_every_disagreement_by_kind(project: Project) -> None:
    assert compared_annotators(project, 1) == ["alice", "bob"]
    review = review_document(project, 1, ["alice", "bob"])
    kinds = [(i.layer, TEXT[i.start : i.end] if i.end else i.label, i.kind) for i in review.items]
    assert kinds == [
        ("entity", "Nepal", Kind.SAME),
        ("entity", "China", Kind.LABEL),
        ("entity", "in Beijing", Kind.BOUNDARIES),
        ("entity", "Monday", Kind.ONLY_SOME),
        ("unreliable", "officials said", Kind.ONLY_SOME),
        ("topic", "diplomacy", Kind.LABEL),
    ]
    assert review.disagreements == 5
    assert review.unsettled == 5


def test_taking_a_version_records_who_adjudicated_and_whose_version(project: Project) -> None:
    review = review_document(project, 1, ["alice", "bob"])
    settle(project, 1, item_at(review, "China"), "bob", "carol")
    settle(project, 1, item_at(review, "Beijing"), "alice", "carol")
    assert gold_rows(project) == [
        (*at("China"), "NORP", "bob", "carol", 1),
        (*at("Beijing"), "GPE", "alice", "carol", 1),
    ]
    after = review_document(project, 1, ["alice", "bob"])
    assert item_at(after, "China").decision == "bob"
    assert after.unsettled == 3


def test_both_and_neither(project: Project) -> None:
    review = review_document(project, 1, ["alice", "bob"])
    settle(project, 1, item_at(review, "Monday"), BOTH, "carol")
    settle(project, 1, item_at(review, "officials", "unreliable"), NEITHER, "carol")
    assert [row[:3] for row in gold_rows(project)] == [(*at("Monday"), "DATE")]
    after = review_document(project, 1, ["alice", "bob"])
    assert item_at(after, "officials", "unreliable").decision == NEITHER
    with pytest.raises(SpanError, match="overlap"):
        settle(project, 1, item_at(review, "China"), BOTH, "carol")


def test_settling_again_replaces_the_earlier_choice(project: Project) -> None:
    review = review_document(project, 1, ["alice", "bob"])
    settle(project, 1, item_at(review, "Beijing"), "alice", "carol")
    settle(project, 1, item_at(review, "Beijing"), "bob", "carol")
    assert [row[:4] for row in gold_rows(project)] == [(*at("in Beijing"), "GPE", "bob")]


def test_passage_note_and_topic_are_taken_over(project: Project) -> None:
    review = review_document(project, 1, ["alice", "bob"])
    settle(project, 1, item_at(review, "officials", "unreliable"), "bob", "carol")
    topic = next(i for i in review.items if i.layer == "topic")
    settle(project, 1, topic, "alice", "carol")
    gold = project.edits.annotation(1, GOLD)
    passage = next(s for s in gold.spans if s.layer is Layer.UNRELIABLE)
    assert (passage.label, passage.note) == ("unverifiable", "who?")
    assert gold.topics == {"diplomacy": True}
    with project.read() as conn:
        taken = conn.exec_driver_sql(
            "SELECT m.name, r.name FROM topics AS t JOIN annotators AS m ON m.id = t.taken_from "
            "JOIN annotators AS r ON r.id = t.adjudicated_by"
        ).all()
    assert [tuple(row) for row in taken] == [("alice", "carol")]


def test_undo_puts_the_gold_set_back_exactly(project: Project) -> None:
    review = review_document(project, 1, ["alice", "bob"])
    settle(project, 1, item_at(review, "Beijing"), "alice", "carol")
    before = snapshot(project.target)
    topic = next(i for i in review.items if i.layer == "topic")
    steps = [
        settle(project, 1, item_at(review, "Beijing"), "bob", "carol"),
        settle(project, 1, topic, NEITHER, "carol"),
    ]
    for step in reversed(steps):
        undo_settlement(project, step)
    after = snapshot(project.target)
    assert after["spans"] == before["spans"]
    assert after["topics"] == before["topics"]
    # A decision put back is a new row (its id is the database's to give); its content,
    # all but the time, is as it was.
    assert [r[1:-1] for r in after["review_decisions"]] == [
        r[1:-1] for r in before["review_decisions"]
    ]


def test_undoing_the_first_settlement_removes_the_empty_gold_annotation(project: Project) -> None:
    review = review_document(project, 1, ["alice", "bob"])
    step = settle(project, 1, item_at(review, "Monday"), "alice", "carol")
    undo_settlement(project, step)
    assert project.edits.annotation(1, GOLD) is None


def test_agreements_are_adopted_and_gold_exports(project: Project, tmp_path: Path) -> None:
    adopt_agreements(project, 1, ["alice", "bob"], "carol")
    assert [row[:3] for row in gold_rows(project)] == [(*at("Nepal"), "GPE")]
    review = review_document(project, 1, ["alice", "bob"])
    settle(project, 1, item_at(review, "China"), "alice", "carol")
    project.edits.set_status(1, GOLD, Status.DONE)
    out = tmp_path / "gold.jsonl"
    project.export(out, fmt="prodigy", annotator=GOLD)
    line = json.loads(out.read_text(encoding="utf-8"))
    assert [(s["start"], s["end"], s["label"]) for s in line["spans"]] == [
        (*at("Nepal"), "GPE"),
        (*at("China"), "GPE"),
    ]


def test_counts_per_document_follow_settling(project: Project) -> None:
    assert count_disagreements(project, ["alice", "bob"]) == 1
    with project.read() as conn:
        counts = conn.exec_driver_sql("SELECT disagreements, unsettled FROM review_counts").all()
    assert [tuple(row) for row in counts] == [(5, 5)]


def test_settling_several_items_is_all_or_nothing_and_undone_at_once(project: Project) -> None:
    from annotator.core.adjudication import settle_many, undo_settlements

    review = review_document(project, 1, ["alice", "bob"])
    adopt_agreements(project, 1, ["alice", "bob"], "rita")
    before = snapshot(project.target)
    nepal, beijing = item_at(review, "Nepal"), item_at(review, "Beijing")
    with pytest.raises(SpanError, match="overlap"):
        settle_many(project, 1, [nepal, beijing], BOTH, "rita")
    assert snapshot(project.target) == before
    settlements = settle_many(project, 1, [item_at(review, "China"), beijing], "alice", "rita")
    assert [(row[2], row[3]) for row in gold_rows(project)] == [("GPE", "alice")] * 3
    undo_settlements(project, settlements)
    after = snapshot(project.target)
    assert after["spans"] == before["spans"]
    # A decision put back is a new row (its id is the database's to give); its content,
    # all but the time, is as it was.
    assert [r[1:-1] for r in after["review_decisions"]] == [
        r[1:-1] for r in before["review_decisions"]
    ]

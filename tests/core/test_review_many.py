"""Review with eight annotators: adopting what at least K of N agree on, its undo, and the
reviewer's status of a document kept apart from every annotator's own. Each test runs on a
SQLite file and on a PostgreSQL database (``project_target``), the SQL being the same."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from annotator.core.adjudication import (
    NEITHER,
    REVIEW_SKIPPED,
    REVIEWED,
    adopt_min,
    mark_review,
    review_counts,
    review_document,
    review_state,
    settle,
    undo_adoption,
    undo_review_mark,
)
from annotator.core.errors import AnnotatorError
from annotator.core.project import Project
from annotator.core.records import GOLD, LabelKind, Layer, Status
from tests.conftest import snapshot

TEAM = [f"h{number}" for number in range(1, 9)]
WORDS = 60
SPACING = 3


def word_text(document: int) -> str:
    return " ".join(f"w{document}x{index:02d}" for index in range(WORDS))


def word_at(text: str, index: int) -> tuple[int, int]:
    words = text.split(" ")
    start = sum(len(word) + 1 for word in words[:index])
    return start, start + len(words[index])


def build_team(target: Path | str, folder: Path, seed: int = 7) -> Project:
    """Three documents; at every third word each of eight annotators marks the base label,
    another label, the word and the next one, or nothing, by chance (at word 30 everyone
    marks the base label); topics and a passage likewise. h8 has
    no set on the third document. Gold already holds a hand-made span on the first document
    and one item of the second is settled."""
    rng = random.Random(seed)
    folder.mkdir()
    for document in range(1, 4):
        (folder / f"d{document}.txt").write_text(word_text(document), encoding="utf-8")
    project = Project.open(target)
    project.import_paths(sorted(folder.iterdir()))
    base, other = [label.name for label in project.labels(LabelKind.ENTITY)[:2]]
    topics = [label.name for label in project.labels(LabelKind.TOPIC)[:3]]
    reason = project.labels(LabelKind.RELIABILITY)[0].name
    for document in range(1, 4):
        text = project.text(document)
        team = TEAM if document != 3 else TEAM[:-1]
        for index in range(0, WORDS - 1, SPACING):
            start, end = word_at(text, index)
            wider = word_at(text, index + 1)[1]
            for name in team:
                roll = 0.0 if index == 30 else rng.random()
                if roll < 0.55:
                    project.edits.add_span(document, name, start, end, base)
                elif roll < 0.7:
                    project.edits.add_span(document, name, start, end, other)
                elif roll < 0.8:
                    project.edits.add_span(document, name, start, wider, base)
        passage = word_at(text, 10)[0], word_at(text, 14)[1]
        for name in team:
            if rng.random() < 0.6:
                project.edits.add_span(
                    document, name, *passage, reason, layer=Layer.UNRELIABLE, note=name
                )
            for topic in topics:
                choice = rng.choice([True, True, False, None])
                if choice is not None:
                    project.edits.set_topic(document, name, topic, choice)
            project.edits.set_status(document, name, Status.DONE)
    start, end = word_at(project.text(1), 0)
    project.edits.add_span(1, GOLD, start, end, other)
    review = review_document(project, 2, TEAM)
    first_open = next(item for item in review.items if item.open)
    settle(project, 2, first_open, NEITHER, "rita")
    return project


@pytest.fixture
def team(project_target: Path | str, tmp_path: Path) -> Project:
    project = build_team(project_target, tmp_path / "articles")
    yield project
    project.close()


def expected_adoptions(project: Project, k: int) -> dict[tuple[int, tuple], tuple]:
    """Computed here from the review items, not by the SQL under test: per open item, the
    one version at least k of the document's annotators share (if exactly one does)."""
    expected = {}
    for document in range(1, 4):
        voters = [n for n in TEAM if project.edits.annotation(document, n) is not None]
        for item in review_document(project, document, voters).items:
            if item.decision is not None:
                continue
            votes = Counter(item.version_of(name) for name in voters)
            reaching = [version for version, count in votes.items() if count >= k]
            if len(reaching) == 1:
                expected[(document, item.key)] = reaching[0]
    return expected


def gold_versions(project: Project, document: int, key: tuple) -> tuple:
    layer, start, end, label = key
    gold = project.edits.annotation(document, GOLD)
    if layer == "topic":
        return (bool(gold.topics.get(label)),)
    return tuple(
        (s.start, s.end, s.label)
        for s in sorted(gold.spans, key=lambda s: (s.start, s.end))
        if s.layer.value == layer and s.start >= start and s.end <= end
    )


def rows(target: Path | str) -> dict[str, list[tuple]]:
    """Every row that makes up gold and the decisions (the audit log only grows)."""
    everything = snapshot(target)
    return {
        table: everything[table]
        for table in ("annotations", "spans", "topics", "review_decisions", "document_reviews")
    }


@pytest.mark.parametrize("k", [3, 5, 8])
def test_adopting_settles_exactly_the_items_where_k_annotators_agree(team: Project, k: int) -> None:
    expected = expected_adoptions(team, k)
    assert expected, "the chance data should hold something to adopt"
    adoption = adopt_min(team, TEAM, k, "rita")
    assert len(adoption.items) == len(expected)
    assert {(i.document_id, i.key) for i in adoption.items} == set(expected)
    for (document, key), version in expected.items():
        assert gold_versions(team, document, key) == version, (document, key)
    for item in adoption.items:
        assert item.votes >= k and item.voters == (7 if item.document_id == 3 else 8)
    for document in range(1, 4):
        review = review_document(team, document, TEAM)
        decided = {i.key for i in review.items if i.decision is not None}
        assert {key for doc, key in expected if doc == document} <= decided


def test_two_camps_of_k_settle_nothing_and_nothing_marked_by_k_settles_as_neither(
    team: Project,
) -> None:
    adoption = adopt_min(team, TEAM, 2, "rita")
    voters = {1: 8, 2: 8, 3: 7}
    for item in adoption.items:
        review = review_document(team, item.document_id, TEAM)
        match = next(i for i in review.items if i.key == item.key)
        if item.choice == NEITHER:
            assert match.layer != "topic"
            assert sum(not match.spans[n] for n in match.names) == item.votes
        else:
            camps = Counter(
                match.version_of(n) for n in match.names if n != "h8" or item.document_id != 3
            )
            assert sorted(c for c in camps.values() if c >= 2) == [item.votes]
        assert item.voters == voters[item.document_id]


def test_one_undo_restores_the_gold_set_and_decisions_exactly(team: Project) -> None:
    before = rows(team.target)
    adoption = adopt_min(team, TEAM, 4, "rita")
    assert len(adoption.documents) == 3
    assert rows(team.target) != before
    undo_adoption(team, adoption)
    assert rows(team.target) == before


def test_adopting_in_one_document_leaves_the_others_alone(team: Project) -> None:
    def gold_and_decisions(document: int) -> tuple:
        gold = team.edits.annotation(document, GOLD)
        decided = review_document(team, document, TEAM).items
        return (
            gold and (gold.spans, gold.topics),
            [(i.key, i.decision) for i in decided if i.decision is not None],
        )

    others = {document: gold_and_decisions(document) for document in (1, 3)}
    adoption = adopt_min(team, TEAM, 5, "rita", document_ids=[2])
    assert adoption.items and adoption.documents == [2]
    assert {document: gold_and_decisions(document) for document in (1, 3)} == others


def test_adopting_again_finds_nothing_left_and_refuses_impossible_thresholds(
    team: Project,
) -> None:
    first = adopt_min(team, TEAM, 5, "rita")
    assert first.items
    assert adopt_min(team, TEAM, 5, "rita").items == ()
    with pytest.raises(AnnotatorError, match="9 cannot agree"):
        adopt_min(team, TEAM, 9, "rita")
    with pytest.raises(AnnotatorError, match="not an annotator"):
        adopt_min(team, [*TEAM, GOLD], 5, "rita")
    with pytest.raises(AnnotatorError, match="No annotator named zoe"):
        adopt_min(team, [*TEAM, "zoe"], 5, "rita")
    assert "zoe" not in {annotator.name for annotator in team.annotators()}


def statuses(target: Path | str) -> list[tuple]:
    """Every set of everyone but gold, status and time included."""
    everything = snapshot(target)
    gold = {row[0] for row in everything["annotators"] if row[1] == GOLD}
    return [row for row in everything["annotations"] if row[2] not in gold]


def test_marking_reviewed_leaves_every_annotators_own_status_untouched(team: Project) -> None:
    team.edits.set_status(1, "h3", Status.IN_PROGRESS)
    before = statuses(team.target)
    every_set = rows(team.target)["annotations"]
    mark = mark_review(team, 1, REVIEWED, "h3")  # the reviewer labelled it too
    skipped = mark_review(team, 2, REVIEW_SKIPPED, "h3")
    assert statuses(team.target) == before
    state = review_state(team, 1)
    assert (state.status, state.reviewer) == (REVIEWED, "h3")
    assert review_counts(team) == {REVIEWED: 1, REVIEW_SKIPPED: 1}
    assert team.edits.annotation(1, GOLD).status is Status.DONE
    assert team.edits.annotation(1, "h3").status is Status.IN_PROGRESS
    undo_review_mark(team, skipped)
    undo_review_mark(team, mark)
    assert review_state(team, 1) is None and review_counts(team) == {}
    assert team.edits.annotation(1, GOLD).status is not Status.DONE
    assert statuses(team.target) == before
    assert rows(team.target)["annotations"] == every_set  # gold's status and time too


def test_a_document_reviewed_without_a_gold_set_gets_an_empty_done_one_and_undo_removes_it(
    team: Project,
) -> None:
    assert team.edits.annotation(3, GOLD) is None
    mark = mark_review(team, 3, REVIEWED, "rita")
    assert team.edits.annotation(3, GOLD).status is Status.DONE
    undo_review_mark(team, mark)
    assert team.edits.annotation(3, GOLD) is None


@pytest.mark.parametrize(("pairs", "adopted"), [(31, True), (32, False)])
def test_a_chain_of_more_than_63_distinct_spans_is_left_to_the_reviewer(
    project_target: Path | str, tmp_path: Path, pairs: int, adopted: bool
) -> None:
    """alice and bob mark the same two-letter spans, carol the ones between them: one item
    of 2 × pairs distinct spans, where two of three agree."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("ab" * 70, encoding="utf-8")
    with Project.open(project_target) as project:
        project.import_paths([folder / "a.txt"])
        label = project.labels(LabelKind.RELIABILITY)[0].name
        for number in range(pairs):
            for name, start in (("alice", 2 * number), ("bob", 2 * number)):
                project.edits.add_span(1, name, start, start + 2, label, layer=Layer.UNRELIABLE)
            start = 2 * number + 1
            project.edits.add_span(1, "carol", start, start + 2, label, layer=Layer.UNRELIABLE)
        [item] = review_document(project, 1, ["alice", "bob", "carol"]).items
        shapes = {(s.start, s.end, s.label) for spans in item.spans.values() for s in spans}
        assert len(shapes) == 2 * pairs
        adoption = adopt_min(project, ["alice", "bob", "carol"], 2, "rita")
        assert bool(adoption.items) is adopted

"""Comparing two or more annotators on a document: every kind of disagreement."""

from __future__ import annotations

from annotator.core.records import Layer, SpanRecord
from annotator.core.review import Kind, compare_spans, compare_topics, disagreements


def ent(start: int, end: int, label: str) -> SpanRecord:
    return SpanRecord(start, end, label)


def test_each_kind_of_span_disagreement_is_found() -> None:
    alice = [ent(0, 5, "GPE"), ent(10, 15, "ORG"), ent(20, 30, "PERSON"), ent(40, 44, "DATE")]
    bob = [ent(0, 5, "GPE"), ent(10, 15, "NORP"), ent(22, 30, "PERSON")]
    items = compare_spans({"alice": alice, "bob": bob}, Layer.ENTITY)
    assert [(i.start, i.end, i.kind) for i in items] == [
        (0, 5, Kind.SAME),
        (10, 15, Kind.LABEL),
        (20, 30, Kind.BOUNDARIES),
        (40, 44, Kind.ONLY_SOME),
    ]
    assert items[3].versions == {"alice": (ent(40, 44, "DATE"),), "bob": ()}
    assert disagreements(items) == 3


def test_layers_are_compared_separately_and_chains_of_overlaps_form_one_item() -> None:
    passage = SpanRecord(0, 50, "fabricated", Layer.UNRELIABLE)
    alice = [ent(0, 5, "GPE"), ent(4, 12, "ORG"), passage]
    bob = [ent(10, 20, "ORG")]
    entities = compare_spans({"alice": alice, "bob": bob}, Layer.ENTITY)
    assert [(i.start, i.end, i.kind) for i in entities] == [(0, 20, Kind.BOUNDARIES)]
    unreliable = compare_spans({"alice": alice, "bob": bob}, Layer.UNRELIABLE)
    assert [(i.kind, i.versions["bob"]) for i in unreliable] == [(Kind.ONLY_SOME, ())]


def test_three_annotators_agree_only_when_all_agree() -> None:
    same = [ent(0, 5, "GPE")]
    items = compare_spans({"a": same, "b": same, "c": [ent(0, 5, "LOC")]}, Layer.ENTITY)
    assert [i.kind for i in items] == [Kind.LABEL]


def test_topics_unset_counts_as_not_applying() -> None:
    items = compare_topics(
        {"alice": {"trade": True, "health": False}, "bob": {"trade": True}},
        ["trade", "health", "energy"],
    )
    assert [(i.label, i.kind) for i in items] == [("trade", Kind.SAME), ("health", Kind.SAME)]
    items = compare_topics({"alice": {"energy": True}, "bob": {}}, ["energy"])
    assert [(i.label, i.kind, i.values) for i in items] == [
        ("energy", Kind.LABEL, {"alice": True, "bob": None})
    ]

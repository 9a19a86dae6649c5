"""Deleting and reordering labels: the stored order is the one order of a scheme, and a
deletion never takes anyone's work without having named it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from annotator.core.errors import LabelError
from annotator.core.labels import (
    LabelInUse,
    delete_label,
    keys_follow_order,
    label_usage,
    move_label,
    reorder_labels,
)
from annotator.core.project import Project
from annotator.core.records import LabelKind, Layer
from tests.conftest import snapshot

TEXT = "Нина Петрова met Alice in New York City near the Louvre 🙂 with Bob, قال الوزير."


def ruler(patterns: list[tuple[str, str]]) -> Language:
    """A real spaCy pipeline whose entities are known in advance."""
    nlp = spacy.blank("xx")
    nlp.meta["name"] = "ruler"
    nlp.add_pipe("entity_ruler").add_patterns(
        [{"label": label, "pattern": phrase} for label, phrase in patterns]
    )
    return nlp


def at(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def project(project_target: Path | str, tmp_path: Path) -> Project:
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    opened = Project.open(project_target)
    opened.import_paths([article])
    opened.pretag(nlp=ruler([("PERSON", "Alice"), ("PERSON", "Bob"), ("GPE", "New York City")]))
    yield opened
    opened.close()


def label_id(project: Project, kind: LabelKind, name: str) -> int:
    return next(label.id for label in project.labels(kind) if label.name == name)


def names(project: Project, kind: LabelKind) -> list[str]:
    return [label.name for label in project.labels(kind)]


def keys(project: Project, kind: LabelKind) -> dict[str, str | None]:
    return {label.name: label.shortcut for label in project.labels(kind)}


def model_name(project: Project) -> str:
    return next(a.name for a in project.annotators() if a.kind == "model")


def test_usage_counts_each_annotators_work_and_the_models_suggestions(project: Project) -> None:
    alice, bob = (s for s in project.edits.suggestions(1, "ann") if s.label == "PERSON")
    project.edits.accept_suggestion(alice.id, "ann")
    project.edits.reject_suggestion(bob.id, "ann")
    project.edits.add_span(1, "ann", *at("Нина Петрова"), "PERSON")
    project.edits.add_span(1, "cy", *at("Нина Петрова"), "PERSON")
    project.edits.set_topic(1, "cy", "trade", True)

    person = label_usage(project, label_id(project, LabelKind.ENTITY, "PERSON"))
    assert [(u.annotator, u.model, u.spans, u.rejected, u.documents) for u in person.uses] == [
        ("ann", False, 3, 1, 1),
        ("cy", False, 1, 0, 1),
        (model_name(project), True, 2, 0, 1),
    ]
    assert person.describe().splitlines() == [
        "ann: 2 entities and 1 rejected suggestion in 1 document",
        "cy: 1 entity in 1 document",
        f"{model_name(project)} (model): 2 suggestions in 1 document",
    ]
    trade = label_usage(project, label_id(project, LabelKind.TOPIC, "trade"))
    assert trade.describe() == "cy: 1 topic decision in 1 document"
    assert label_usage(project, label_id(project, LabelKind.ENTITY, "MONEY")).unused


def test_a_label_people_used_is_not_deleted_unasked(project: Project) -> None:
    project.edits.add_span(1, "ann", *at("Нина Петрова"), "PERSON")
    before = snapshot(project.target)
    with pytest.raises(LabelInUse, match="ann: 1 entity in 1 document") as raised:
        delete_label(project, label_id(project, LabelKind.ENTITY, "PERSON"))
    assert raised.value.usage.people
    assert snapshot(project.target) == before


def test_a_confirmation_given_for_other_counts_deletes_nothing(project: Project) -> None:
    project.edits.add_span(1, "ann", *at("Нина Петрова"), "PERSON")
    person = label_id(project, LabelKind.ENTITY, "PERSON")
    asked = label_usage(project, person)
    project.edits.add_span(1, "cy", *at("Нина Петрова"), "PERSON")
    before = snapshot(project.target)
    with pytest.raises(LabelInUse, match="changed") as raised:
        delete_label(project, person, confirmed=asked)
    assert [u.annotator for u in raised.value.usage.people] == ["ann", "cy"]
    assert snapshot(project.target) == before


def test_a_confirmed_deletion_takes_every_row_naming_the_label_and_nothing_else(
    project: Project,
) -> None:
    [city] = (s for s in project.edits.suggestions(1, "ann") if s.label == "GPE")
    project.edits.accept_suggestion(city.id, "ann")
    project.edits.add_span(1, "ann", *at("Нина Петрова"), "PERSON")
    project.edits.add_span(1, "ann", *at("Louvre"), "fabricated", layer=Layer.UNRELIABLE)
    project.edits.set_topic(1, "ann", "trade", True)
    person = label_id(project, LabelKind.ENTITY, "PERSON")

    removed = delete_label(project, person, confirmed=label_usage(project, person))

    assert removed.label.name == "PERSON"
    assert "PERSON" not in names(project, LabelKind.ENTITY)
    kept = project.edits.annotation(1, "ann")
    assert kept is not None
    assert sorted((s.label, s.layer) for s in kept.spans) == [
        ("GPE", Layer.ENTITY),
        ("fabricated", Layer.UNRELIABLE),
    ]
    assert kept.topics == {"trade": True}
    assert [s.label for s in project.edits.suggestions(1, "cy")] == ["GPE"]
    with project.read() as conn:
        [details] = conn.exec_driver_sql(
            "SELECT details FROM edit_log WHERE action = 'delete_label'"
        ).scalars()
        left = conn.exec_driver_sql("SELECT count(*) FROM spans WHERE label_id = ?", (person,))
        assert left.scalar() == 0
    assert json.loads(details)["removed"]["ann"] == "ann: 1 entity in 1 document"


def test_a_label_only_models_suggested_goes_with_its_suggestions(project: Project) -> None:
    removed = delete_label(project, label_id(project, LabelKind.ENTITY, "PERSON"))
    assert removed.only_suggestions
    assert removed.describe() == f"{model_name(project)} (model): 2 suggestions in 1 document"
    assert [s.label for s in project.edits.suggestions(1, "ann")] == ["GPE"]


def test_deleting_a_topic_takes_its_decisions(project: Project) -> None:
    project.edits.set_topic(1, "ann", "trade", True)
    project.edits.set_topic(1, "ann", "energy", False)
    trade = label_id(project, LabelKind.TOPIC, "trade")
    delete_label(project, trade, confirmed=label_usage(project, trade))
    assert project.edits.annotation(1, "ann").topics == {"energy": False}


def test_deleting_a_relation_end_label_takes_the_relations(
    project_path: Path, tmp_path: Path
) -> None:
    rows = [
        {
            "text": "Nepal sells power to India.",
            "entities": [
                {"id": 1, "label": "GPE", "start_offset": 0, "end_offset": 5},
                {"id": 2, "label": "GPE", "start_offset": 21, "end_offset": 26},
                {"id": 3, "label": "PRODUCT", "start_offset": 12, "end_offset": 17},
            ],
            "relations": [
                {"id": 1, "from_id": 1, "to_id": 2, "type": "sells_to"},
                {"id": 2, "from_id": 1, "to_id": 3, "type": "sells"},
            ],
        }
    ]
    path = tmp_path / "doccano.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    with Project.open(project_path) as project:
        project.import_paths([path], annotator="dana")
        product = label_id(project, LabelKind.ENTITY, "PRODUCT")
        usage = label_usage(project, product)
        assert usage.describe() == "dana: 1 entity and 1 relation in 1 document"
        delete_label(project, product, confirmed=usage)
        conn = sqlite3.connect(project_path)
        try:
            relations = conn.execute(
                "SELECT l.name FROM relations AS r JOIN labels AS l ON l.id = r.label_id"
            ).fetchall()
        finally:
            conn.close()
    assert relations == [("sells_to",)]


def test_deleting_renumbers_default_keys_and_frees_a_chosen_one(project: Project) -> None:
    delete_label(project, label_id(project, LabelKind.ENTITY, "MONEY"))
    assert names(project, LabelKind.ENTITY) == [
        "PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "PERCENT"
    ]  # fmt: skip
    assert keys(project, LabelKind.ENTITY)["PERCENT"] == "7"
    assert [label.position for label in project.labels(LabelKind.ENTITY)] == list(range(7))
    assert project.add_label(LabelKind.ENTITY, "EVENT").shortcut == "8"

    project.update_label(label_id(project, LabelKind.ENTITY, "ORG"), shortcut="o")
    delete_label(project, label_id(project, LabelKind.ENTITY, "NORP"))
    assert keys(project, LabelKind.ENTITY)["DATE"] == "6"
    project.update_label(label_id(project, LabelKind.ENTITY, "DATE"), shortcut="5")
    assert keys(project, LabelKind.ENTITY)["DATE"] == "5"


def test_moving_a_label_stores_the_order_and_the_keys_follow_it(project: Project) -> None:
    date = label_id(project, LabelKind.ENTITY, "DATE")
    moved = move_label(project, date, -10)
    assert [label.name for label in moved][:3] == ["DATE", "PERSON", "ORG"]
    assert keys(project, LabelKind.ENTITY)["DATE"] == "1"
    assert keys(project, LabelKind.ENTITY)["PERSON"] == "2"
    move_label(project, date, 1)
    assert names(project, LabelKind.ENTITY)[:2] == ["PERSON", "DATE"]
    move_label(project, label_id(project, LabelKind.ENTITY, "PERCENT"), 1)
    assert names(project, LabelKind.ENTITY)[-1] == "PERCENT"
    with Project.open(project.target) as reopened:
        assert names(reopened, LabelKind.ENTITY)[:2] == ["PERSON", "DATE"]


def test_keys_set_by_hand_stay_with_their_labels(project: Project) -> None:
    project.update_label(label_id(project, LabelKind.ENTITY, "ORG"), shortcut="o")
    move_label(project, label_id(project, LabelKind.ENTITY, "GPE"), -2)
    assert keys(project, LabelKind.ENTITY) == {
        "GPE": "3", "PERSON": "1", "ORG": "o", "LOC": "4",
        "NORP": "5", "DATE": "6", "MONEY": "7", "PERCENT": "8",
    }  # fmt: skip
    assert not keys_follow_order(LabelKind.ENTITY, ["1", "o"])
    assert keys_follow_order(LabelKind.TOPIC, ["Ctrl+1", "ctrl + 2"])


def test_reordering_topics_orders_the_exported_options(project: Project, tmp_path: Path) -> None:
    project.edits.set_topic(1, "ann", "trade", True)
    project.edits.set_topic(1, "ann", "diplomacy", False)
    topics = [label.id for label in project.labels(LabelKind.TOPIC)]
    reorder_labels(project, LabelKind.TOPIC, topics[::-1])
    assert names(project, LabelKind.TOPIC)[-2:] == ["trade", "diplomacy"]
    out = tmp_path / "out.jsonl"
    project.export(out, fmt="prodigy", annotator="ann", include_unfinished=True)
    [task] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [option["id"] for option in task["options"]] == ["trade", "diplomacy"]


def test_an_order_that_is_not_the_schemes_labels_is_refused(project: Project) -> None:
    before = snapshot(project.target)
    topics = [label.id for label in project.labels(LabelKind.TOPIC)]
    with pytest.raises(LabelError, match="changed meanwhile"):
        reorder_labels(project, LabelKind.TOPIC, topics[1:])
    with pytest.raises(LabelError, match="no label"):
        move_label(project, 9999, 1)
    assert snapshot(project.target) == before

"""The built-in tagger finds the entities news articles are full of, with no download."""

from __future__ import annotations

import pytest

from annotator.core.default_tagger import load_default_tagger


@pytest.fixture(scope="module")
def nlp():
    return load_default_tagger()


def ents(nlp, text: str) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in nlp(text).ents]


def test_countries_capitals_and_dates(nlp) -> None:
    text = "Leaders of China, Nepal and Russia met in Beijing on 12 March 2024 and on Monday."
    assert ents(nlp, text) == [
        ("China", "GPE"),
        ("Nepal", "GPE"),
        ("Russia", "GPE"),
        ("Beijing", "GPE"),
        ("12 March 2024", "DATE"),
        ("Monday", "DATE"),
    ]


def test_money_and_percentages(nlp) -> None:
    text = "Trade rose 12% to $5 billion, or 1.5 trillion yuan, up 3.5 per cent."
    assert ents(nlp, text) == [
        ("12%", "PERCENT"),
        ("$5 billion", "MONEY"),
        ("1.5 trillion yuan", "MONEY"),
        ("3.5 per cent", "PERCENT"),
    ]


def test_groups_organisations_and_regions(nlp) -> None:
    text = "Russian and Tibetan Buddhists met at the UN and NATO in Central Asia."
    assert ents(nlp, text) == [
        ("Russian", "NORP"),
        ("Tibetan", "NORP"),
        ("Buddhists", "NORP"),
        ("UN", "ORG"),
        ("NATO", "ORG"),
        ("Central Asia", "LOC"),
    ]


def test_common_words_are_not_tagged(nlp) -> None:
    assert ents(nlp, "The new mobile phone of a man in a nice house; split the china.") == []
    assert ents(nlp, "Mobile phones were on sale in Reading.") == []


def test_offsets_are_right_after_emoji_cyrillic_and_arabic(nlp) -> None:
    text = "🙂 Встреча in Kathmandu; قال in Cairo."
    doc = nlp(text)
    assert [(text[e.start_char : e.end_char], e.label_) for e in doc.ents] == [
        ("Kathmandu", "GPE"),
        ("Cairo", "GPE"),
    ]


def test_pipeline_is_small_and_self_contained(nlp) -> None:
    assert nlp.pipe_names == ["entity_ruler"]
    assert nlp.meta["name"] == "annotator_default_tagger"
    labels = set(nlp.get_pipe("entity_ruler").labels)
    assert {"GPE", "NORP", "ORG", "LOC", "DATE", "MONEY", "PERCENT"} <= labels

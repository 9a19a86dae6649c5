"""The built-in tagger finds the entities news articles are full of, with no download."""

from __future__ import annotations

import pytest
import spacy

from annotator.core.default_tagger import load_default_tagger
from annotator.core.person_mentions import FACTORY
from annotator.core.pipelines import pipeline_fingerprint


@pytest.fixture(scope="module")
def nlp():
    return load_default_tagger()


def ents(nlp, text: str) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in nlp(text).ents]


def spans(nlp, text: str) -> list[tuple[int, int, str]]:
    return [(e.start_char, e.end_char, e.label_) for e in nlp(text).ents]


def located(text: str, *expected: tuple[str, str]) -> list[tuple[int, int, str]]:
    """(start, end, label) of each phrase, each looked for after the one before it."""
    found, position = [], 0
    for phrase, label in expected:
        start = text.index(phrase, position)
        position = start + len(phrase)
        found.append((start, position, label))
    return found


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
    assert nlp.pipe_names == ["entity_ruler", "person_mentions"]
    assert nlp.meta["name"] == "annotator_default_tagger"
    labels = set(nlp.get_pipe("entity_ruler").labels)
    assert {"GPE", "NORP", "ORG", "LOC", "DATE", "MONEY", "PERCENT"} <= labels
    assert nlp.get_pipe("person_mentions").labels == ("PERSON",)


def test_large_cities_are_found_in_the_forms_news_writes(nlp) -> None:
    text = (
        "Flights from New York, Los Angeles and Hong Kong landed in St Petersburg, while "
        "Saint Petersburg's mayor flew to New Delhi, Rio de Janeiro and Kathmandu."
    )
    cities = ["New York", "Los Angeles", "Hong Kong", "St Petersburg", "Saint Petersburg"]
    cities += ["New Delhi", "Rio de Janeiro", "Kathmandu"]
    assert spans(nlp, text) == located(text, *[(city, "GPE") for city in cities])


def test_capitals_in_a_dateline_are_places(nlp) -> None:
    text = "KATHMANDU (Himalaya Wire). Officials met on Friday."
    assert spans(nlp, text) == located(text, ("KATHMANDU", "GPE"), ("Friday", "DATE"))


def test_named_waters_and_mountains_are_locations(nlp) -> None:
    text = (
        "Tankers avoided the Suez Canal and the Strait of Hormuz, and crossed the South China "
        "Sea past Lake Baikal's latitude near the Altai Mountains."
    )
    places = ["the Suez Canal", "the Strait of Hormuz", "the South China Sea", "Lake Baikal"]
    places.append("the Altai Mountains")
    assert spans(nlp, text) == located(text, *[(place, "LOC") for place in places])


def test_a_day_before_a_sea_stays_a_date(nlp) -> None:
    text = "On Monday Black Sea ports reopened."
    assert spans(nlp, text) == located(text, ("Monday", "DATE"), ("Black Sea", "LOC"))


def test_a_preposition_before_a_date_is_not_part_of_it(nlp) -> None:
    text = "The fund lent $3 billion in March 2024 and expects repayment by 2030."
    assert spans(nlp, text) == located(
        text, ("$3 billion", "MONEY"), ("March 2024", "DATE"), ("2030", "DATE")
    )


def test_day_month_comma_year_is_one_date(nlp) -> None:
    text = "Published 14 November, 2025 and updated 2 December, 2025."
    assert spans(nlp, text) == located(
        text, ("14 November, 2025", "DATE"), ("2 December, 2025", "DATE")
    )


def test_person_after_a_title_is_found_without_the_title(nlp) -> None:
    text = (
        "Chinese President Xi Jinping hosted Prime Minister Khadga Prasad Sharma Oli, Foreign "
        "Minister Sergei Lavrov, Chancellor Olaf Scholz and King Jigme Khesar Namgyel Wangchuck."
    )
    persons = ["Xi Jinping", "Khadga Prasad Sharma Oli", "Sergei Lavrov", "Olaf Scholz"]
    persons.append("Jigme Khesar Namgyel Wangchuck")
    expected = [("Chinese", "NORP"), *[(person, "PERSON") for person in persons]]
    assert spans(nlp, text) == located(text, *expected)


def test_person_after_an_honorific_is_found_without_it(nlp) -> None:
    text = "Mr Smith, Mrs Okafor and Dr Tenzin Dorje signed the letter."
    assert spans(nlp, text) == located(
        text, ("Smith", "PERSON"), ("Okafor", "PERSON"), ("Tenzin Dorje", "PERSON")
    )


def test_person_after_a_role_of_a_place_is_found_after_the_place(nlp) -> None:
    text = (
        "Head of the Republic of Kalmykia Batu Khasikov opened the forum. Its Head Batu "
        "Khasikov spoke first."
    )
    assert spans(nlp, text) == located(
        text, ("Kalmykia", "GPE"), ("Batu Khasikov", "PERSON"), ("Batu Khasikov", "PERSON")
    )


def test_person_before_a_role_is_found(nlp) -> None:
    text = (
        "The delegation included Anna Petrova, Member of the regional parliament, and Dorji "
        "Namgyal, Advisor to the Head of Kalmykia."
    )
    assert spans(nlp, text) == located(
        text, ("Anna Petrova", "PERSON"), ("Dorji Namgyal", "PERSON"), ("Kalmykia", "GPE")
    )


def test_later_mentions_of_a_person_are_persons(nlp) -> None:
    text = (
        "Russian President Vladimir Putin met Prime Minister Khadga Prasad Sharma Oli. Putin "
        "praised the talks, and Oli thanked him."
    )
    assert spans(nlp, text) == located(
        text,
        ("Russian", "NORP"),
        ("Vladimir Putin", "PERSON"),
        ("Khadga Prasad Sharma Oli", "PERSON"),
        ("Putin", "PERSON"),
        ("Oli", "PERSON"),
    )


def test_later_mentions_keep_other_labels_and_stay_out_of_entities(nlp) -> None:
    text = (
        "Mr Hong arrived in Hong Kong. Defence Secretary Lloyd Austin later flew to Austin, "
        "where Hong spoke."
    )
    assert spans(nlp, text) == located(
        text,
        ("Hong", "PERSON"),
        ("Hong Kong", "GPE"),
        ("Lloyd Austin", "PERSON"),
        ("Austin", "GPE"),
        ("Hong", "PERSON"),
    )


def test_no_person_without_a_title_and_no_title_alone(nlp) -> None:
    text = (
        "Kremlin Says President Putin To Meet Asian Leaders In Beijing\n\nThe President said "
        "nothing. Officials said General Motors and King Abdullah University agreed."
    )
    assert spans(nlp, text) == located(
        text, ("Kremlin", "ORG"), ("Asian", "NORP"), ("Beijing", "GPE")
    )


def test_person_finder_word_lists_are_part_of_the_fingerprint(nlp) -> None:
    assert pipeline_fingerprint(nlp) == pipeline_fingerprint(load_default_tagger())
    default = spacy.blank("en")
    default.add_pipe(FACTORY)
    fewer_titles = spacy.blank("en")
    fewer_titles.add_pipe(FACTORY, config={"titles": ["President"]})
    assert pipeline_fingerprint(default) != pipeline_fingerprint(fewer_titles)

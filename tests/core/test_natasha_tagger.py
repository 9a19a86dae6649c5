"""The Russian news tagger: natasha's entities as spaCy entities, at natasha's exact offsets.

natasha is not skipped when missing: CI installs the ``ru`` extra, and a missing extra must fail.
The sentences are made up for these tests; only entities natasha finds reliably are asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.natasha_tagger import (
    NATASHA_NAME,
    entity_label,
    load_natasha,
    natasha_available,
)
from annotator.core.pipelines import pipeline_fingerprint
from annotator.core.pretag import pipeline_identity
from annotator.core.project import Project

SUMMIT = "Владимир Путин и Си Цзиньпин встретились в Москве во вторник."
MINISTRY = "Министерство иностранных дел России выступило с заявлением в ООН."
EMOJI = "🇷🇺🤝🇨🇳 Председатель КНР Си Цзиньпин прилетел в Москву, где его встретил Владимир Путин."
FAMILY = "👨\u200d👩\u200d👧 Семья из Новосибирска переехала на Дальний Восток."
WHITESPACE = (
    "«Роснефть» и «Сбербанк» подписали соглашение\n\n\nв Санкт-Петербурге;   подробности — "
    "позже.\t👍  "
)
QUOTES = "Глава МИД России Сергей Лавров заявил, что «Газпром» продолжит поставки газа в Китай."


@pytest.fixture(scope="module")
def nlp():
    return load_natasha()


def entities(nlp, text: str) -> list[tuple[int, int, str, str]]:
    return [(e.start_char, e.end_char, e.label_, e.text) for e in nlp(text).ents]


def test_people_and_the_city_of_a_summit_are_found(nlp) -> None:
    assert entities(nlp, SUMMIT) == [
        (0, 14, "PERSON", "Владимир Путин"),
        (17, 28, "PERSON", "Си Цзиньпин"),
        (43, 49, "GPE", "Москве"),
    ]


def test_organisations_and_the_country_of_a_ministry_are_found(nlp) -> None:
    assert entities(nlp, MINISTRY) == [
        (0, 28, "ORG", "Министерство иностранных дел"),
        (29, 35, "GPE", "России"),
        (61, 64, "ORG", "ООН"),
    ]


def test_names_in_quotes_and_acronyms_are_found(nlp) -> None:
    assert entities(nlp, QUOTES) == [
        (6, 9, "ORG", "МИД"),
        (10, 16, "GPE", "России"),
        (17, 30, "PERSON", "Сергей Лавров"),
        (44, 51, "ORG", "Газпром"),
        (79, 84, "GPE", "Китай"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            EMOJI,
            [
                (19, 22, "КНР"),
                (23, 34, "Си Цзиньпин"),
                (46, 52, "Москву"),
                (71, 85, "Владимир Путин"),
            ],
        ),
        (FAMILY, [(15, 27, "Новосибирска"), (41, 55, "Дальний Восток")]),
    ],
)
def test_offsets_count_code_points_after_flags_and_joined_emoji(
    nlp, text: str, expected: list[tuple[int, int, str]]
) -> None:
    found = [(start, end, name) for start, end, _label, name in entities(nlp, text)]
    assert found == expected
    assert all(text[start:end] == name for start, end, name in found)


def test_text_keeps_runs_of_whitespace_tabs_and_newlines_exactly(nlp) -> None:
    doc = nlp(WHITESPACE)
    assert doc.text == WHITESPACE
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
        (1, 9, "ORG"),
        (14, 22, "ORG"),
        (49, 65, "GPE"),
    ]
    assert [WHITESPACE[e.start_char : e.end_char] for e in doc.ents] == [
        "Роснефть",
        "Сбербанк",
        "Санкт-Петербурге",
    ]


def test_whitespace_becomes_tokens_as_in_spacy_s_own_tokenizer(nlp) -> None:
    import spacy

    text = "  Москва  и\n\nПекин \t Дели "
    assert [(t.text, t.whitespace_) for t in nlp(text)] == [
        (t.text, t.whitespace_) for t in spacy.blank("ru")(text)
    ]


@pytest.mark.parametrize("text", ["", " ", "\n\n\t  "])
def test_a_text_without_words_gets_no_entities(nlp, text: str) -> None:
    doc = nlp(text)
    assert doc.text == text
    assert doc.ents == ()


@pytest.mark.parametrize(
    ("natasha_type", "text", "label"),
    [
        ("PER", "Владимир Путин", "PERSON"),
        ("ORG", "ООН", "ORG"),
        ("LOC", "Москве", "GPE"),
        ("LOC", "Соединённые Штаты Америки", "GPE"),
        ("LOC", "Санкт-Петербурге", "GPE"),
        ("LOC", "Юго-Восточной Азии", "LOC"),
        ("LOC", "Европу", "LOC"),
        ("LOC", "Чёрное море", "LOC"),
        ("LOC", "Уральские горы", "LOC"),
        ("LOC", "Курильских островах", "LOC"),
        ("LOC", "Ближнем Востоке", "LOC"),
    ],
)
def test_places_with_a_government_are_gpe_and_other_locations_loc(
    natasha_type: str, text: str, label: str
) -> None:
    assert entity_label(natasha_type, text) == label


def test_continents_seas_and_mountains_in_running_text_are_loc(nlp) -> None:
    text = "Делегация посетила Африку и Европу, а корабли вошли в Чёрное море у Пекина."
    assert [(name, label) for _start, _end, label, name in entities(nlp, text)] == [
        ("Африку", "LOC"),
        ("Европу", "LOC"),
        ("Чёрное море", "LOC"),
        ("Пекина", "GPE"),
    ]


def test_batches_give_the_same_entities_as_one_text_at_a_time(nlp) -> None:
    texts = [SUMMIT, "", MINISTRY, EMOJI, "   ", FAMILY, WHITESPACE, QUOTES]
    one_by_one = [entities(nlp, text) for text in texts]
    batched = [
        [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]
        for doc in nlp.pipe(texts, batch_size=3, n_process=1)
    ]
    assert batched == one_by_one


PIECES = [
    "Владимир Путин",
    "Си Цзиньпин",
    "Москве",
    "ООН",
    "«Газпром»",
    "Министерство иностранных дел",
    "встретились",
    "в",
    "и",
    " — ",
    "🙂",
    "🇷🇺",
    "👨\u200d👩\u200d👧",
    "e\u0301",
    "\u200b",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\t",
    "\xa0",
    ".",
    ",",
    "3",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_any_text_is_kept_exactly_and_every_entity_falls_on_tokens(nlp, text: str) -> None:
    ner = nlp.get_pipe("ner")
    misaligned = ner.misaligned
    doc = nlp(text)
    assert doc.text == text
    assert ner.misaligned == misaligned
    for entity in doc.ents:
        assert entity.text == text[entity.start_char : entity.end_char]
        assert entity.text == entity.text.strip()


def test_pipeline_names_natasha_and_its_version(nlp) -> None:
    assert natasha_available()
    assert nlp.pipe_names == ["ner"]
    assert (nlp.lang, nlp.meta["lang"], nlp.meta["name"]) == ("ru", "ru", NATASHA_NAME)
    assert nlp.meta["version"] == version("natasha")
    assert set(nlp.get_pipe("ner").labels) == {"PERSON", "ORG", "GPE", "LOC"}
    name, model_version = pipeline_identity(nlp)
    assert name.startswith("ru_natasha@")
    assert model_version == version("natasha")


def test_weights_are_files_inside_the_installed_natasha_package() -> None:
    import natasha
    from natasha.data import NEWS_EMBEDDING, NEWS_NER

    package = Path(natasha.__file__).parent
    for weights in (NEWS_EMBEDDING, NEWS_NER):
        assert Path(weights).is_file()
        assert Path(weights).is_relative_to(package)


NETWORK_EVENTS = (
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "urllib.Request",
    "http.client.connect",
)
CHILD = f"""
import json, sys

network = []
sys.addaudithook(lambda event, args: event in {NETWORK_EVENTS!r} and network.append(event))

from annotator.core.natasha_tagger import load_natasha
from annotator.core.pipelines import pipeline_fingerprint

nlp = load_natasha()
ents = [(e.start_char, e.end_char, e.label_) for e in nlp({SUMMIT!r}).ents]
print(json.dumps([pipeline_fingerprint(nlp), ents, network]))
"""


def test_fingerprint_is_the_same_in_other_processes_which_use_no_network(nlp) -> None:
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = []
    for child in children:
        stdout, stderr = child.communicate(timeout=300)
        assert child.returncode == 0, stderr
        results.append(json.loads(stdout))
    expected_ents = [list(e[:3]) for e in entities(nlp, SUMMIT)]
    assert results == [[pipeline_fingerprint(nlp), expected_ents, []]] * 2


def test_pretagging_a_project_stores_natasha_s_offsets(nlp, project_path: Path) -> None:
    articles = project_path.parent / "articles"
    articles.mkdir()
    (articles / "summit.txt").write_text(EMOJI, encoding="utf-8")
    project = Project.open(project_path, language="ru")
    try:
        project.import_paths([articles])
        text = project.text(1)
        report = project.pretag(nlp=nlp)
        stored = sorted(
            (s.start, s.end, s.label, text[s.start : s.end])
            for s in project.edits.suggestions(1, "bob")
        )
    finally:
        project.close()
    assert report.model.startswith("ru_natasha@") and report.spans_added == 4
    assert stored == [(start, end, label, name) for start, end, label, name in entities(nlp, text)]

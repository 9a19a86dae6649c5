"""Pre-taggers declare their languages; a project they do not cover is refused, naming what
would work, and leaves the project as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from annotator.core.errors import AnnotatorError
from annotator.core.project import Project
from annotator.core.taggers import BUILT_IN, Source, all_taggers
from tests.conftest import snapshot

RUSSIAN = (
    "Президент Владимир Путин встретился в Москве с главой МИД Китая. «Переговоры прошли "
    "успешно», — сообщили в Кремле.",
    "В Санкт-Петербурге открылся экономический форум; глава Калмыкии Бату Хасиков выступил 🎤.",
)
ENGLISH = "Officials in Kathmandu met a delegation from Beijing on 14 March 2025."


def write_texts(folder: Path, texts: tuple[str, ...]) -> list[Path]:
    folder.mkdir()
    paths = []
    for index, text in enumerate(texts):
        path = folder / f"{index}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture
def russian_in_english_project(tmp_path: Path) -> Path:
    path = tmp_path / "ru.annotator"
    with Project.open(path) as project:
        project.import_paths(write_texts(tmp_path / "ru", RUSSIAN))
    return path


def test_the_built_in_tagger_refuses_cyrillic_texts_and_names_the_language_and_natasha(
    russian_in_english_project: Path,
) -> None:
    before = snapshot(russian_in_english_project)
    with (
        Project.open(russian_in_english_project) as project,
        pytest.raises(AnnotatorError) as refused,
    ):
        project.pretag()
    message = str(refused.value)
    assert "Cyrillic" in message
    assert f"annotator language {russian_in_english_project} ru" in message
    assert "natasha" in message
    assert snapshot(russian_in_english_project) == before


def test_a_tagger_for_another_language_is_refused_naming_the_taggers_that_cover_it(
    russian_in_english_project: Path,
) -> None:
    with Project.open(russian_in_english_project) as project:
        project.set_language("ru")
    before = snapshot(russian_in_english_project)
    with Project.open(russian_in_english_project) as project:
        with pytest.raises(AnnotatorError, match=r"covers English \(en\); .* Russian \(ru\)"):
            project.pretag(BUILT_IN)
        with pytest.raises(AnnotatorError, match=r"Taggers here for Russian \(ru\): natasha"):
            project.pretag()
    assert snapshot(russian_in_english_project) == before


def test_natasha_pretags_a_russian_project_at_exact_offsets(russian_in_english_project: Path):
    with Project.open(russian_in_english_project) as project:
        project.set_language("ru")
        report = project.pretag("natasha")
        first = project.documents()[0].id
        found = {
            (project.text(first)[s.start : s.end], s.label)
            for s in project.edits.suggestions(first, "me")
        }
    assert report.model.startswith("ru_natasha@") and report.documents == 2
    assert ("Владимир Путин", "PERSON") in found
    assert ("Москве", "GPE") in found


def test_a_multi_language_pipeline_covers_every_project(tmp_path: Path) -> None:
    nlp = spacy.blank("xx")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "GPE", "pattern": "Москве"}])
    path = tmp_path / "xx.annotator"
    with Project.open(path) as project:
        project.import_paths(write_texts(tmp_path / "ru", RUSSIAN))
        report = project.pretag(nlp=nlp)
    assert report.labels == {"GPE": 1}


def test_an_english_project_in_latin_script_is_tagged_by_the_built_in_tagger(tmp_path: Path):
    path = tmp_path / "en.annotator"
    with Project.open(path) as project:
        project.import_paths(write_texts(tmp_path / "en", (ENGLISH,)))
        report = project.pretag()
    assert report.labels.get("GPE") == 2


def test_every_tagger_is_listed_with_its_languages_and_labels() -> None:
    taggers = {tagger.name: tagger for tagger in all_taggers()}

    built_in, natasha = taggers[BUILT_IN], taggers["natasha"]
    assert (built_in.source, built_in.languages) == (Source.BUILT_IN, ("en",))
    assert {"GPE", "DATE", "ORG"} <= set(built_in.labels)
    assert (natasha.source, natasha.languages, natasha.available) == (
        Source.OPTIONAL,
        ("ru",),
        True,
    )
    assert set(natasha.labels) == {"PERSON", "ORG", "GPE", "LOC"}
    assert natasha.covers("ru") and not natasha.covers("en")


def test_importing_cyrillic_texts_into_an_english_project_says_to_set_the_language(
    tmp_path: Path,
) -> None:
    with Project.open(tmp_path / "ru.annotator") as project:
        report = project.import_paths(write_texts(tmp_path / "ru", RUSSIAN))
        assert project.language == "en"
    advice = report.summary_lines()[1]
    assert "Cyrillic" in advice and f"annotator language {tmp_path / 'ru.annotator'} ru" in advice
    with Project.open(tmp_path / "en.annotator") as project:
        english = project.import_paths(write_texts(tmp_path / "en", (ENGLISH,)))
    assert english.language_advice is None

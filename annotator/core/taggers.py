"""The pre-taggers a user can choose, the languages they cover and the labels they find.

One list feeds the Pre-tag dialog, ``annotator models`` and the language check, so the app
never offers a tagger it would then refuse, and a refusal can name what would work instead.
A tagger covers the languages it declares: the built-in one English, natasha Russian, a spaCy
pipeline the ``lang`` of its ``meta.json`` (``xx`` for spaCy's multi-language pipelines, which
cover every language).
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from annotator.core.errors import AnnotatorError

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.core.project import Project

#: What a user types for the built-in tagger (``--model builtin``, or no ``--model``).
BUILT_IN = "builtin"
MULTI_LANGUAGE = "xx"
#: The writing system of the languages whose texts could be mistaken for another's. A
#: project's language says how to tokenize; a mismatch with its texts' script means it was
#: left at the default, and a tagger for that default would find nothing real.
SCRIPTS = {
    **dict.fromkeys(("ru", "uk", "be", "bg", "mk", "sr", "kk", "ky", "tt", "mn"), "CYRILLIC"),
    **dict.fromkeys(("ar", "fa", "ur"), "ARABIC"),
    **dict.fromkeys(("zh", "ja"), "CJK"),
    "ko": "HANGUL",
    "el": "GREEK",
    "he": "HEBREW",
    "hi": "DEVANAGARI",
    "th": "THAI",
}
LATIN = "LATIN"
#: Documents and characters per document sampled for the script check.
SAMPLE_DOCUMENTS = 50
SAMPLE_CHARACTERS = 2000
#: The share of letters in one script above which the texts are "written in" it.
DOMINANT_SHARE = 0.6
NATASHA_INSTALL = "pip install 'annotator[ru]'"
SPACY_PIPELINES = {"en": "en_core_web_sm", "ru": "ru_core_news_sm"}


class Source(str, Enum):
    BUILT_IN = "built-in"
    OPTIONAL = "optional extra"
    INSTALLED = "installed spaCy pipeline"
    TRAINED = "trained for this project"


@dataclass(frozen=True)
class TaggerInfo:
    """A tagger as the user chooses it: ``name`` is what ``--model`` takes."""

    name: str
    source: Source
    languages: tuple[str, ...]
    labels: tuple[str, ...]
    available: bool = True
    #: How to get it when it is not available, or its scores when it is a trained model.
    note: str = ""

    def covers(self, language: str) -> bool:
        return MULTI_LANGUAGE in self.languages or language in self.languages


def built_in_tagger() -> TaggerInfo:
    from annotator.core.default_tagger import default_tagger_path
    from annotator.core.person_mentions import LABEL as PERSON

    patterns = default_tagger_path() / "entity_ruler" / "patterns.jsonl"
    with patterns.open(encoding="utf-8") as lines:
        labels = {json.loads(line)["label"] for line in lines if line.strip()}
    return TaggerInfo(BUILT_IN, Source.BUILT_IN, ("en",), tuple(sorted(labels | {PERSON})))


def natasha_tagger() -> TaggerInfo:
    from annotator.core.natasha_tagger import (
        ENTITY_LABELS,
        NATASHA_LANGUAGES,
        NATASHA_NAME,
        natasha_available,
    )

    available = natasha_available()
    return TaggerInfo(
        NATASHA_NAME,
        Source.OPTIONAL,
        NATASHA_LANGUAGES,
        tuple(sorted(set(ENTITY_LABELS))),
        available=available,
        note="" if available else f"not installed: {NATASHA_INSTALL}",
    )


def installed_taggers() -> list[TaggerInfo]:
    """spaCy pipeline packages installed in this environment, read from their meta only (no
    weights are loaded, so listing stays fast)."""
    import spacy.util

    found = []
    for name in sorted(spacy.util.get_installed_models()):
        try:
            meta = _package_meta(name)
        except (OSError, ValueError, ImportError):
            continue
        labels = meta.get("labels", {}).get("ner", [])
        found.append(
            TaggerInfo(name, Source.INSTALLED, (str(meta.get("lang", "")),), tuple(labels))
        )
    return found


def _package_meta(name: str) -> dict[str, Any]:
    """A pipeline package's ``meta.json``: spaCy's packages keep one beside their code."""
    import spacy.util

    return spacy.util.load_meta(spacy.util.get_package_path(name) / "meta.json")


def trained_taggers(project: Project) -> list[TaggerInfo]:
    from annotator.core.model_registry import list_models

    return [
        TaggerInfo(
            model.name,
            Source.TRAINED,
            (project.language,),
            tuple(model.labels),
            note=f"F1 {model.f1:.1f} on {model.dev_documents:,} held-out documents",
        )
        for model in list_models(project)
        if model.fraction == 1.0
    ]


def all_taggers(project: Project | None = None) -> list[TaggerInfo]:
    """Every tagger this installation knows: the project's trained models first (newest
    first), then the built-in and optional taggers, then installed spaCy pipelines."""
    trained = trained_taggers(project) if project is not None else []
    return [*trained, built_in_tagger(), natasha_tagger(), *installed_taggers()]


def pipeline_languages(nlp: Language) -> tuple[str, ...]:
    return (str(nlp.meta.get("lang") or nlp.lang),)


def script_mismatch(project: Project) -> tuple[str, str] | None:
    """(script, likely language) when the documents are written mostly in another script than
    the project's language: its language was left at the default, say."""
    written_in = _dominant_script(project)
    if written_in is None or written_in == SCRIPTS.get(project.language, LATIN):
        return None
    return written_in, _likely_language(written_in)


def language_advice(project: Project) -> str | None:
    """What to do about a :func:`script_mismatch`, for an import's report and refusals."""
    mismatch = script_mismatch(project)
    if mismatch is None:
        return None
    script, likely = mismatch
    return (
        f"Its documents are written mostly in {script.title()} script, but its language is "
        f"{_name(project.language)}: set the project's language (annotator language "
        f"{project.location} {likely}, or Edit ▸ Project language in the app) before pre-tagging."
    )


def check_covers(project: Project, nlp: Language) -> None:
    """Refuse a tagger that does not cover the project's language, or whose language's
    script is not the one the documents are written in; the message names what would work."""
    languages = pipeline_languages(nlp)
    if MULTI_LANGUAGE in languages:
        return
    shown = _shown_name(nlp)
    language = project.language
    mismatch = script_mismatch(project)
    likely = mismatch[1] if mismatch else language
    advice = f"{language_advice(project)} " if mismatch else ""
    if language not in languages:
        raise AnnotatorError(
            f"{shown.capitalize()} covers {_names(languages)}; this project's language is "
            f"{_name(language)}. {advice}{_what_covers(likely, project)}"
        )
    if mismatch:
        raise AnnotatorError(
            f"{shown.capitalize()} covers {_names(languages)}, the project's language, and "
            f"would find nothing real in its texts. {advice}{_what_covers(likely, project)}"
        )


def _likely_language(script: str | None) -> str:
    """The language to suggest for texts in a script: Russian for Cyrillic (our users' most
    common case), English for Latin, else the first language written in it."""
    if script == LATIN:
        return "en"
    languages = sorted(code for code, written in SCRIPTS.items() if written == script)
    if "ru" in languages:
        return "ru"
    return languages[0] if languages else "xx"


def _shown_name(nlp: Language) -> str:
    from annotator.core.default_tagger import DEFAULT_TAGGER_NAME

    name = str(nlp.meta.get("name") or "pipeline")
    if name == DEFAULT_TAGGER_NAME:
        return "the built-in tagger"
    return f"the tagger '{name}'"


def _dominant_script(project: Project) -> str | None:
    from annotator.core.store.suggestions import text_sample

    with project.read() as conn:
        texts = text_sample(conn, SAMPLE_DOCUMENTS, SAMPLE_CHARACTERS)
    scripts: Counter[str] = Counter()
    for text in texts:
        for char in text:
            if char.isalpha():
                scripts[_script(char)] += 1
    total = sum(scripts.values())
    if not total:
        return None
    script, count = scripts.most_common(1)[0]
    return script if count / total >= DOMINANT_SHARE else None


def _script(char: str) -> str:
    if char.isascii():  # most letters of most projects: no name lookup needed
        return LATIN
    name = unicodedata.name(char, "")
    if name.startswith(("CJK", "HIRAGANA", "KATAKANA")):
        return "CJK"
    return name.split(" ", 1)[0]


def _what_covers(language: str, project: Project) -> str:
    usable = [t.name for t in all_taggers(project) if t.available and t.covers(language)]
    if usable:
        return f"Taggers here for {_name(language)}: {', '.join(usable)}."
    hints = []
    if language == "ru":
        hints.append(f"natasha ({NATASHA_INSTALL})")
    if language in SPACY_PIPELINES:
        package = SPACY_PIPELINES[language]
        hints.append(f"spaCy's {package} (python -m spacy download {package})")
    hints.append("a model trained on your own annotations (annotator train)")
    return f"No tagger here covers {_name(language)}; what would: {'; '.join(hints)}."


def _name(language: str) -> str:
    import spacy.util

    try:
        return f"{spacy.util.get_lang_class(language).__name__} ({language})"
    except ImportError:
        return language


def _names(languages: tuple[str, ...]) -> str:
    return " and ".join(_name(language) for language in languages) or "no declared language"

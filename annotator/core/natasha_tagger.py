"""A Russian news pre-tagger: natasha's news NER run as a spaCy pipeline.

natasha (MIT) ships its news NER weights and embeddings inside its wheel, so this tagger, like
the built-in one, needs no download at run time; it is an optional extra (``annotator[ru]``)
because those weights make the wheel about 34 MB.

Pre-tagging stores ``doc.ents`` as character offsets, so the pipeline tokenizes exactly as
natasha does (razdel): every span natasha finds then falls on token boundaries and the stored
offsets are natasha's own. spaCy is imported only when the pipeline is built, so that asking
:func:`natasha_available` costs a GUI nothing.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from collections.abc import Callable, Iterable, Iterator
from importlib.metadata import version
from typing import TYPE_CHECKING

from annotator.core.errors import AnnotatorError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span
    from spacy.vocab import Vocab

NATASHA_NAME = "natasha"
NATASHA_LANGUAGES = ("ru",)
#: natasha's LOC is split by :func:`entity_label`; see :data:`NON_GPE_STEMS` for why.
NATASHA_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}
ENTITY_LABELS = (*NATASHA_LABELS.values(), "LOC")
NER_FACTORY = "natasha_ner"
#: The component is named ``ner`` because that is how pre-tagging recognises a pipeline that
#: finds entities.
NER_NAME = "ner"
TOKENIZER = "annotator.NatashaTokenizer.v1"

#: Stems of words that make natasha's LOC a continent, a region or a natural feature (our LOC)
#: instead of a country, city or region with a government (our GPE). Most LOC hits in news are
#: the latter, so GPE is the default and only a span holding one of these words becomes LOC.
#: Stems, because natasha tags inflected text ("в Юго-Восточной Азии", "на Курильских
#: островах"). A feature named without such a word ("Волга", "Байкал") stays GPE, and "Южная
#: Африка" the country becomes LOC. "Америка" is left out on purpose: natasha tags "Соединённые
#: Штаты Америки" as one LOC.
NON_GPE_STEMS = (
    # Continents, parts of the world and regions spanning several countries.
    "европ",
    "ази",
    "еврази",
    "африк",
    "антарктид",
    "арктик",
    "океан",
    "восток",
    "кавказ",
    "балкан",
    "скандинави",
    "прибалтик",
    # Bodies of water and landforms.
    "мор",
    "рек",
    "озер",
    "залив",
    "пролив",
    "бухт",
    "гор",
    "хребет",
    "хребт",
    "нагорь",
    "плато",
    "равнин",
    "низменност",
    "долин",
    "пустын",
    "остров",
    "полуостров",
    "архипелаг",
    "мыс",
)
#: Case endings of Russian nouns and adjectives-as-nouns, to match the stems' inflected forms.
NOUN_ENDINGS = (
    *("", "а", "я", "ы", "и", "е", "у", "ю", "о", "ь", "ой", "ей", "ою", "ею", "ом", "ем"),
    *("ам", "ям", "ами", "ями", "ах", "ях", "ов", "ев", "ия", "ии", "ию", "ией"),
)
NON_GPE_WORDS = frozenset(stem + ending for stem in NON_GPE_STEMS for ending in NOUN_ENDINGS)
WORD = re.compile(r"[^\W\d_]+")


def natasha_available() -> bool:
    """Whether the ``ru`` extra is installed, without paying for importing natasha."""
    return importlib.util.find_spec("natasha") is not None


def natasha_version() -> str:
    return version("natasha")


def load_natasha() -> Language:
    """The Russian news tagger as a spaCy pipeline (see the module docstring)."""
    if not natasha_available():
        raise AnnotatorError(
            "The Russian tagger needs natasha, which is not installed: install the 'ru' extra "
            "(pip install 'annotator[ru]')."
        )
    import spacy

    register_with_spacy()
    nlp = spacy.blank("ru", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    nlp.add_pipe(NER_FACTORY, name=NER_NAME)
    nlp.meta["name"] = NATASHA_NAME
    nlp.meta["version"] = natasha_version()
    nlp.meta["lang"] = "ru"
    nlp.meta["description"] = "natasha's news NER (slovnet), labels mapped onto this project's"
    nlp.meta["license"] = "MIT"
    return nlp


@functools.cache
def register_with_spacy() -> None:
    """Register the tokenizer and the component once, when a pipeline is first built, so that
    importing this module does not import spaCy."""
    from spacy.language import Language
    from spacy.util import registry

    registry.tokenizers.register(TOKENIZER, func=natasha_tokenizer)
    Language.factory(NER_FACTORY, assigns=["doc.ents"])(make_natasha_ner)


def natasha_tokenizer() -> Callable[[Language], NatashaTokenizer]:
    return lambda nlp: NatashaTokenizer(nlp.vocab)


def make_natasha_ner(nlp: Language, name: str) -> NatashaNER:
    """spaCy hands every factory the pipeline and the component's name; this one needs
    neither, natasha brings its own vocabulary."""
    return NatashaNER()


def entity_label(natasha_type: str, text: str) -> str:
    """Our label for a span natasha typed ``natasha_type``; LOC is split as
    :data:`NON_GPE_STEMS` explains."""
    if natasha_type == "LOC":
        words = (word.lower().replace("ё", "е") for word in WORD.findall(text))
        if any(word in NON_GPE_WORDS for word in words):
            return "LOC"
    return NATASHA_LABELS[natasha_type]


class NatashaTokenizer:
    """natasha's (razdel's) tokens, with the whitespace between them kept as spaCy keeps it: one
    space after a token is that token's trailing space, any other run of whitespace is a token
    of its own. So ``doc.text`` is always the text it was made from."""

    def __init__(self, vocab: Vocab) -> None:
        from natasha import Segmenter

        self.vocab = vocab
        self.segmenter = Segmenter()

    def __call__(self, text: str) -> Doc:
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        end = 0
        for token in self.segmenter.tokenize(text):
            add_whitespace(text[end : token.start], words, spaces)
            words.append(token.text)
            spaces.append(False)
            end = token.stop
        add_whitespace(text[end:], words, spaces)
        return Doc(self.vocab, words=words, spaces=spaces)

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """What identifies the tokenization in a pipeline's fingerprint: it has no rules of its
        own, so razdel's version stands for them."""
        return json.dumps({"tokenizer": TOKENIZER, "razdel": version("razdel")}).encode()


def add_whitespace(gap: str, words: list[str], spaces: list[bool]) -> None:
    if gap.startswith(" ") and words:
        spaces[-1] = True
        gap = gap[1:]
    if gap:
        words.append(gap)
        spaces.append(False)


class NatashaNER:
    """Sets ``doc.ents`` to natasha's entities, in our labels.

    The embeddings and the tagger are loaded once per component. natasha tags whole texts, in
    the batches spaCy hands over. A span that does not fall on token boundaries would mean the
    tokenizer and natasha disagree; it is left out and counted in ``misaligned`` rather than
    stopping a long pre-tagging run.
    """

    def __init__(self) -> None:
        from natasha import NewsEmbedding, NewsNERTagger

        self.tagger = NewsNERTagger(NewsEmbedding())
        self.misaligned = 0

    @property
    def labels(self) -> tuple[str, ...]:
        return ENTITY_LABELS

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        from spacy.util import minibatch

        for batch in minibatch(docs, size=batch_size):
            # natasha fails on a text with no token, and would find nothing in it anyway.
            # doc.text is rebuilt from the tokens on every access: read it once.
            tagged = [(doc, text) for doc in batch if (text := doc.text).strip()]
            markups = self.tagger.map([text for _doc, text in tagged])
            for (doc, text), markup in zip(tagged, markups, strict=True):
                doc.ents = self.entities(doc, text, markup.spans)
            yield from batch

    def entities(self, doc: Doc, text: str, found: Iterable) -> list[Span]:
        entities = []
        for span in found:
            label = entity_label(span.type, text[span.start : span.stop])
            entity = doc.char_span(span.start, span.stop, label=label, alignment_mode="strict")
            if entity is None:
                self.misaligned += 1
            else:
                entities.append(entity)
        return entities

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """What decides this component's output, for a pipeline's fingerprint: the weights
        (shipped in natasha's wheel, so its version names them), the code that runs them, and
        the label mapping."""
        return json.dumps(
            {
                "natasha": natasha_version(),
                "slovnet": version("slovnet"),
                "navec": version("navec"),
                "labels": NATASHA_LABELS,
                "non_gpe_words": sorted(NON_GPE_WORDS),
            }
        ).encode()

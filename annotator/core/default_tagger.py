"""The built-in tagger: a spaCy entity ruler and a person finder in ``resources/default_tagger``.

It needs no download, so a fresh install pre-tags articles out of the box; see
``packaging/build_default_tagger.py`` for what it finds and how it is built.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.resources import resource_path

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_TAGGER_NAME = "annotator_default_tagger"


def default_tagger_path() -> Path:
    return resource_path("default_tagger")


def load_default_tagger() -> Language:
    """The shipped pipeline. Its person finder is our own component, so its module is imported
    first: spaCy only builds components whose factory is registered."""
    import spacy

    import annotator.core.person_mentions  # noqa: F401

    return spacy.load(default_tagger_path())

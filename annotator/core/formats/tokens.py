"""The tokens a document was annotated on, kept from its file, or the project tokenizer's.

Token-based formats (CoNLL, Prodigy's ``tokens``) say where their tokens are. Keeping those
tokens in the document's ``extra`` and writing with them means an entity that was whole tokens
in the file stays whole tokens in every export, and Prodigy relations keep their token ids.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: Key of the kept tokens in a document's ``extra``: Prodigy's shape, a list of
#: ``{"text", "start", "end", "id", ...}`` objects (other keys such as ``ws`` or ``disabled``
#: are kept as they came), or :data:`WORDS`.
TOKENS_KEY = "tokens"
#: Kept tokens that are exactly the text's whitespace-separated words, with one sentence per
#: line (a CoNLL file's text rebuilt from its tokens): said in one word, not stored token by
#: token, which would cost more than the text itself.
WORDS = "words"


@dataclass(frozen=True)
class Token:
    """A token's character offsets and the id the file gave it."""

    start: int
    end: int
    id: int


def kept_tokens(text: str, extra: Mapping[str, Any]) -> list[Token] | None:
    """The file's own tokens when they are usable for this text, else ``None``.

    Usable means: objects with integer offsets inside the text, in order, not overlapping, and
    each token's text (where given) equal to the text at its offsets.
    """
    raw = extra.get(TOKENS_KEY)
    if raw == WORDS:
        return [
            Token(m.start(), m.end(), index) for index, m in enumerate(re.finditer(r"\S+", text))
        ]
    if not isinstance(raw, list) or not raw:
        return None
    tokens: list[Token] = []
    previous_end = 0
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            return None
        start, end = item.get("start"), item.get("end")
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
            return None
        if start < previous_end or end <= start or end > len(text):
            return None
        if isinstance(item.get("text"), str) and item["text"] != text[start:end]:
            return None
        token_id = item.get("id", index)
        tokens.append(Token(start, end, token_id if isinstance(token_id, int) else index))
        previous_end = end
    return tokens


def make_doc(nlp: Language, text: str, extra: Mapping[str, Any]) -> Doc:
    """A spaCy ``Doc`` of the text on the kept tokens, or on the project tokenizer's.

    Whitespace between kept tokens that is not a single space becomes whitespace tokens, as
    spaCy itself does, so ``doc.text`` is always exactly ``text``.
    """
    tokens = kept_tokens(text, extra)
    if tokens is None or any(text[t.start : t.end].isspace() for t in tokens):
        return nlp.make_doc(text)
    from spacy.tokens import Doc
    from spacy.util import get_words_and_spaces

    words = [text[t.start : t.end] for t in tokens]
    try:
        words, spaces = get_words_and_spaces(words, text)
    except ValueError:
        return nlp.make_doc(text)
    return Doc(nlp.vocab, words=words, spaces=spaces)

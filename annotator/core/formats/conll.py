"""CoNLL-style NER files: one token per line with an IOB/BILUO tag, or spaCy's ``word|POS|TAG``
sentence-per-line input; read as documents with entities, written back as IOB2.

The format keeps tokens, not text: the reader rebuilds each text with single spaces between
tokens and a newline between sentences (or takes a sentence's exact text from a ``# text =``
line), and keeps the file's tokens and sentence starts in the document's ``extra`` so that an
export reuses the file's own tokenization and a read→write→read round trip is exact. A text
that was not made from tokens cannot keep its spacing in this format: writing it and reading it
back gives the same tokens and entities on single-space-joined text.

Files are read line by line (a 100 MB file is never held whole) and each document is yielded as
soon as it ends. A sentence's lines are split together and its tags checked as a set, so the
Python work per token is little more than the one token dict the store needs.
"""

from __future__ import annotations

import functools
import mmap
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate, compress, count, filterfalse, pairwise, repeat
from operator import add
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from annotator.core.errors import FormatError
from annotator.core.formats.tokens import TOKENS_KEY, WORDS, kept_tokens, make_doc
from annotator.core.records import (
    AnnotationRecord,
    BadRecord,
    DocumentRecord,
    ExportItem,
    ExportProblem,
    Layer,
    Omission,
    ReadItem,
    ReadOptions,
    SpanRecord,
    Status,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import Sentencizer

EXTENSIONS = (".conll", ".iob", ".iob2", ".bio")
#: Key of the sentence starts (token indices) in a document's ``extra``.
SENTENCES_KEY = "sentence_starts"
#: Token lines whose values decide which column is which.
SAMPLE_LINES = 1000
#: Share of tag-shaped values that makes a column the tag column: malformed tags among the
#: sampled lines must not hide it (they are reported as bad records), and no column of words or
#: POS tags comes near it.
TAG_SHARE = 0.5
#: Share of sampled word|TAG tokens that makes a file sentence-per-line, and of sampled lines
#: with the file's column count for :func:`looks_like_conll`: lines of prose have as many
#: "columns" as words, so their counts vary.
SHAPE_SHARE = 0.9
DOCSTART = "-DOCSTART-"
_PREFIXES = frozenset("BIELSU")
_STARTS = frozenset("BUS")
_ENDS = frozenset("LUES")
#: Starts of the lines that are not token lines: comments (or hashtag tokens) and markers.
_SPECIAL = ("#", DOCSTART)
#: Characters read at a time: enough lines to amortize the work per chunk, few enough that
#: memory stays flat.
_CHUNK = 1 << 14
_TAG_HELP = "not a tag (O, or B-/I-/E-/L-/S-/U- followed by a type)"


def _is_tag(value: str) -> bool:
    return value == "O" or (len(value) > 2 and value[1] == "-" and value[0] in _PREFIXES)


def _cells(line: str) -> list[str]:
    """TAB-separated when the line has a TAB (tokens may then hold spaces), else runs of spaces."""
    if "\t" in line:
        return line.split("\t")
    return [cell for cell in line.split(" ") if cell]


@dataclass(frozen=True)
class _Layout:
    """Where the token and the tag are; ``pipes`` marks ``word|POS|TAG`` sentence lines."""

    columns: int
    token: int
    tag: int
    dropped: tuple[int, ...]
    examples: tuple[tuple[str, ...], ...]
    pipes: bool = False


def _examples(
    columns: list[tuple[str, ...]], dropped: Iterable[int]
) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(dict.fromkeys(v.strip() for v in columns[i]))[:3] for i in dropped)


def _detect_pipes(lines: list[str]) -> _Layout | None:
    parts = [part for line in lines for part in line.split(" ") if part]
    shaped = [p.split("|") for p in parts if "|" in p and _is_tag(p.rsplit("|", 1)[1])]
    if not shaped or any("\t" in line for line in lines) or len(shaped) < SHAPE_SHARE * len(parts):
        return None
    width = Counter(map(len, shaped)).most_common(1)[0][0]
    columns = list(zip(*(fields for fields in shaped if len(fields) == width), strict=True))
    dropped = tuple(range(1, width - 1))
    return _Layout(width, 0, width - 1, dropped, _examples(columns, dropped), pipes=True)


def _detect(lines: list[str]) -> _Layout | None:
    """The layout of sampled token lines, or ``None`` when no column holds IOB-style tags."""
    if not lines:
        return None
    pipes = _detect_pipes(lines)
    if pipes is not None:
        return pipes
    rows = [[cell.strip(" ") for cell in _cells(line)] for line in lines]
    width = Counter(map(len, rows)).most_common(1)[0][0]
    columns = list(zip(*(row for row in rows if len(row) == width), strict=True))
    tagged = [
        i
        for i, values in enumerate(columns)
        if sum(map(_is_tag, values)) >= TAG_SHARE * len(values)
    ]
    if width < 2 or not tagged or tagged[-1] == 0:
        return None
    tag = tagged[-1]
    ids = {0} if width > 2 and all(v.isdigit() for v in columns[0]) else set()
    token = next(i for i in range(width) if i not in ids and i != tag)
    dropped = tuple(i for i in range(width) if i not in ids and i not in (tag, token))
    return _Layout(width, token, tag, dropped, _examples(columns, dropped))


def _open(path: Path) -> TextIO:
    """Lines end at LF only (CRLF is stripped with it); a lone CR stays inside its line."""
    return path.open(encoding="utf-8", newline="\n")


def _invalid_utf8(path: Path, exc: UnicodeDecodeError) -> FormatError:
    with path.open("rb") as handle:
        line = next((n for n, raw in enumerate(handle, 1) if not _decodes(raw)), None)
    return FormatError(path, f"not UTF-8 text ({exc.reason}); save the file as UTF-8", line)


def _decodes(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _sample(handle: TextIO, limit: int) -> list[str]:
    """The first lines of the file (BOM removed), up to ``limit`` token-like lines."""
    sample: list[str] = []
    tokens = 0
    for line in handle:
        sample.append(line.removeprefix("\ufeff") if not sample else line)
        tokens += _is_token_like(sample[-1])
        if tokens >= limit:
            break
    return sample


def _is_token_like(line: str) -> bool:
    return not line.isspace() and not line.startswith(("#", DOCSTART))


def _token_lines(sample: list[str]) -> list[str]:
    return [line.rstrip("\r\n") for line in sample if line and _is_token_like(line)]


def _has_document_markers(path: Path) -> bool:
    """Whether any line starts with ``-DOCSTART-`` or ``# newdoc``: found without decoding, so a
    stream can know before its first document whether sentences or markers delimit documents."""
    with path.open("rb") as handle:
        try:
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file cannot be mapped
            return False
        with data:
            head = data[:16].removeprefix(b"\xef\xbb\xbf")
            markers = (DOCSTART.encode(), b"# newdoc")
            return head.startswith(markers) or any(data.find(b"\n" + m) >= 0 for m in markers)


def looks_like_conll(path: Path) -> bool:
    """Whether the first lines read as CoNLL token lines or ``word|TAG`` sentence lines."""
    try:
        with _open(path) as handle:
            sample = _token_lines(_sample(handle, 50))
    except (OSError, UnicodeDecodeError):
        return False
    layout = _detect(sample)
    if layout is None or layout.pipes:
        return layout is not None
    shaped = sum(1 for line in sample if len(_cells(line)) == layout.columns)
    return shaped >= SHAPE_SHARE * len(sample)


def _parse(
    lines: list[str], layout: _Layout
) -> tuple[list[str], list[str], tuple[int, str] | None]:
    """Words and tags of a run of token lines, or the index of the first line with another
    number of columns. Runs whose lines all hold the file's TABs (the common case) are split
    in one go, so the per-token work stays in C."""
    size = layout.columns
    if set(map(str.count, lines, repeat("\t"))) == {size - 1}:
        text = "".join(lines)
        text = (text if text.endswith("\n") else text + "\n").replace("\r\n", "\n")
        flat = text.replace("\n", "\t").split("\t")
        stop = size * len(lines)
        words, tags = flat[layout.token : stop : size], flat[layout.tag : stop : size]
        if " " not in text:
            return words, tags, None
    else:
        rows = [_cells(line.rstrip("\r\n")) for line in lines]
        wrong = next((i for i, row in enumerate(rows) if len(row) != size), None)
        if wrong is not None:
            return [], [], (wrong, f"{len(rows[wrong])} columns, the file has {size}")
        words, tags = [row[layout.token] for row in rows], [row[layout.tag] for row in rows]
    return [w.strip(" ") for w in words], [t.strip(" ") for t in tags], None


def _entities(tags: list[str]) -> list[tuple[int, int, str]]:
    """Entities as (first token, last token, type). One rule for IOB1, IOB2, BILUO and IOBES:
    B-/U-/S- start an entity, and so does an I-/L-/E- whose type differs from the open
    entity's or that follows none (after O or an entity that ended); L-/U-/E-/S- end it. Only
    tagged tokens are visited."""
    found: list[tuple[int, int, str]] = []
    label: str | None = None
    begin = last = -1
    for index in compress(count(), map("O".__ne__, tags)):
        tag = tags[index]
        prefix, kind = tag[0], tag[2:]
        if label is not None and (index != last + 1 or prefix in _STARTS or kind != label):
            found.append((begin, last, label))
            label = None
        if label is None:
            label, begin = kind, index
        last = index
        if prefix in _ENDS:
            found.append((begin, index, label))
            label = None
    if label is not None:
        found.append((begin, last, label))
    return found


def _words_hide_tokens(text: str, words: list[str]) -> bool:
    """Whether a token holds whitespace (``New York`` in a TAB-separated file, a number with a
    no-break space), so that the text's words are not the tokens and each must be kept."""
    return len(text.split()) != len(words)


class _Document:
    """A document being read: text parts, tokens, entities and sentence starts so far."""

    def __init__(self, line: int, doc_id: str | None = None) -> None:
        self.line = line
        self.doc_id = doc_id
        self.parts: list[str] = []
        self.length = 0
        self.count = 0
        # Token by token only once a '# text' line makes the text other than the words
        # joined by spaces; until then the text itself says where every token is.
        self.words: list[str] = []
        self.starts_at: list[int] = []
        self.ends_at: list[int] = []
        self.spans: list[SpanRecord] = []
        self.starts: list[int] = []
        self.exact = False
        self.bad: BadRecord | None = None

    def fail(self, line: int, reason: str) -> None:
        if self.bad is None:
            self.bad = BadRecord(line, reason)

    def add_sentence(self, words: list[str], tags: list[str], given: str | None) -> str | None:
        """Append one sentence; the reason when a token is not in its ``given`` text."""
        offset = self.length + 1 if self.parts else 0
        lengths = list(map(len, words))
        if given is None:
            text = " ".join(words)
            starts = list(accumulate(map(add, lengths[:-1], repeat(1)), initial=offset))
            if not self.exact and _words_hide_tokens(text, words):
                self._spell_out_tokens()
                self.exact = True
        else:
            if not self.exact:
                self._spell_out_tokens()
            self.exact = True
            text, starts, position = given, [], 0
            for number, word in enumerate(words, start=1):
                position = given.find(word, position)
                if position < 0:
                    return f"token {number} ({word!r}) is not in the '# text' line"
                starts.append(offset + position)
                position += len(word)
        ends = list(map(add, starts, lengths))
        self.starts.append(self.count)
        self.count += len(words)
        if self.exact:
            self.words += words
            self.starts_at += starts
            self.ends_at += ends
        if self.parts:
            self.parts.append("\n")
        self.parts.append(text)
        self.length = offset + len(text)
        self.spans += [SpanRecord(starts[b], ends[e], kind) for b, e, kind in _entities(tags)]
        return None

    def _spell_out_tokens(self) -> None:
        """The tokens of the sentences read so far, from their text (words joined by single
        spaces, sentences by newlines), before a '# text' line makes that untrue."""
        text = "".join(self.parts)
        found = list(re.finditer(r"\S+", text))
        self.words = [m.group() for m in found]
        self.starts_at = [m.start() for m in found]
        self.ends_at = [m.end() for m in found]

    def tokens(self) -> list[dict[str, Any]]:
        """The tokens in Prodigy's shape, built only for a text given by ``# text`` lines (a
        text rebuilt from the tokens says the same with :data:`WORDS`)."""
        return [
            {"text": word, "start": start, "end": end, "id": index}
            for index, word, start, end in zip(count(), self.words, self.starts_at, self.ends_at)
        ]

    def record(self, path: Path) -> DocumentRecord:
        meta: dict[str, Any] = {"file": _name(path)}
        if self.doc_id:
            meta["doc_id"] = self.doc_id
        return DocumentRecord(
            text="".join(self.parts),
            source=str(path),
            meta=meta,
            annotations=[AnnotationRecord(None, Status.DONE, self.spans)],
            line=self.line,
            extra=(
                {TOKENS_KEY: self.tokens(), SENTENCES_KEY: self.starts}
                if self.exact
                else {TOKENS_KEY: WORDS}
            ),
        )


@functools.lru_cache(maxsize=64)
def _name(path: Path) -> str:
    return path.name


class _Reader:
    """The line loop of one file; what it yields is in :func:`read`.

    Token lines are only collected while a sentence runs and are parsed together when it ends
    (or a comment interrupts it), with comprehensions rather than a statement per line.
    """

    def __init__(self, path: Path, layout: _Layout, by_document: bool) -> None:
        self.path = path
        self.layout = layout
        self.by_document = by_document
        self.document: _Document | None = None
        self.pending: list[str] = []
        self.pending_line = 0
        self.words: list[str] = []
        self.tags: list[str] = []
        self.given: tuple[int, str] | None = None
        self.valid_tags = {"O"}
        self.comments = 0
        self.comment_example = ""
        self.token_lines = 0
        self.source = str(path)

    def run(self, chunks: Iterable[tuple[int, list[str]]]) -> Iterator[ReadItem]:
        """Read chunks of lines, each with its first line's number. A chunk of token and
        blank lines only (the bulk of most files) is cut at its blank lines with C-level
        scans; one with comments, markers or ``word|TAG`` lines goes line by line."""
        for first, lines in chunks:
            if self.layout.pipes or any(map(str.startswith, lines, repeat(_SPECIAL))):
                yield from self.line_by_line(first, lines)
            else:
                yield from self.token_chunk(first, lines)
        yield from self.end_document()
        yield from self.omissions()

    def line_by_line(self, first: int, lines: list[str]) -> Iterator[ReadItem]:
        pipes = self.layout.pipes
        for number, line in enumerate(lines, start=first):
            if line.isspace():
                if not pipes and (item := self.at_blank()) is not None:
                    yield item
            elif pipes or line.startswith(_SPECIAL):
                yield from self.special(number, line)
            else:
                self.collect(number, [line])

    def token_chunk(self, first: int, lines: list[str]) -> Iterator[ReadItem]:
        """Token and blank lines: the sentences they complete, and the start of the next
        one left pending. In a file of one document per sentence, the complete sentences are
        parsed together."""
        blanks = list(compress(count(), map(str.isspace, lines)))
        if not blanks:
            self.collect(first, lines)
            return
        end = blanks[-1] + 1
        if self.by_document or self.document is not None or self.words or self.given:
            yield from self.sentences(first, lines[:end])
        else:
            if self.pending:
                shift = len(self.pending)
                lines, first = self.pending + lines, self.pending_line
                blanks = [blank + shift for blank in blanks]
                end += shift
                self.pending = []
            yield from self.sentence_batch(first, lines[:end], blanks)
        if end < len(lines):
            self.collect(first + end, lines[end:])

    def sentences(self, first: int, lines: list[str]) -> Iterator[ReadItem]:
        """Token lines ending in a blank line, one sentence at a time."""
        position = 0
        for blank in compress(count(), map(str.isspace, lines)):
            if blank > position:
                self.collect(first + position, lines[position:blank])
            if (item := self.at_blank()) is not None:
                yield item
            position = blank + 1

    def sentence_batch(self, first: int, lines: list[str], blanks: list[int]) -> Iterator[ReadItem]:
        """Whole sentences (``lines`` ends in the blank line ``blanks[-1]``), each its own
        document, split and checked in one go; any problem sends them the one-at-a-time way,
        which names the line."""
        body = list(filterfalse(str.isspace, lines))
        words, tags, error = self.checked(body)
        if error is not None or _words_hide_tokens(" ".join(words), words):
            yield from self.sentences(first, lines)
            return
        self.token_lines += len(body)
        position = token = 0
        for blank in blanks:
            if blank > position:
                after = token + blank - position
                yield self.sentence_record(words[token:after], tags[token:after], first + position)
                token = after
            position = blank + 1

    def collect(self, number: int, lines: list[str]) -> None:
        """Token lines that continue the pending sentence, or start it at line ``number``."""
        if self.pending:
            self.pending += lines
        else:
            self.pending, self.pending_line = lines, number

    def at_blank(self) -> ReadItem | None:
        """A blank line ends the sentence; in a file without document markers, the document
        too (a lone sentence takes the short way)."""
        if self.by_document:
            self.close_sentence()
            return None
        if self.pending and self.document is None and not self.words and not self.given:
            return self.sentence_document()
        return self.close_document()

    def special(self, number: int, line: str) -> Iterator[ReadItem]:
        """A line that is not a plain token line: marker, comment, hashtag or word|TAG line."""
        content = line.rstrip("\r\n")
        if line.startswith(DOCSTART):
            yield from self.end_document()
            self.document = _Document(number)
        elif line[0] == "#" and not self.parses(content):
            yield from self.comment(number, content)
        elif self.layout.pipes:
            self.pipe_line(number, content)
            yield from self.end_sentence(self.by_document)
        else:
            self.collect(number, [line])

    def parses(self, line: str) -> bool:
        """Whether a ``#`` line is a token (a hashtag) rather than a comment."""
        if line.startswith(("# text", "# newdoc")):
            return False
        if self.layout.pipes:
            return "|" in line.split(" ", 1)[0]
        cells = _cells(line)
        return len(cells) == self.layout.columns and _is_tag(cells[self.layout.tag].strip(" "))

    def document_at(self, number: int) -> _Document:
        if self.document is None:
            self.document = _Document(number)
        return self.document

    def take_pending(self) -> None:
        """Parse the collected token lines into the sentence's words and tags."""
        lines, first = self.pending, self.pending_line
        self.pending = []
        document = self.document_at(first)
        if document.bad is not None:
            return
        words, tags, error = self.checked(lines)
        if error is not None:
            document.fail(first + error[0], error[1])
            return
        self.words.extend(words)
        self.tags.extend(tags)
        self.token_lines += len(lines)

    def checked(self, lines: list[str]) -> tuple[list[str], list[str], tuple[int, str] | None]:
        """Words and tags of a sentence's lines, or the first bad line (index, reason)."""
        words, tags, error = _parse(lines, self.layout)
        errors = [error] if error is not None else []
        for tag in set(tags) - self.valid_tags:
            if _is_tag(tag):
                self.valid_tags.add(tag)
            else:
                where = f"column {self.layout.tag + 1} holds {tag!r}, {_TAG_HELP}"
                errors.append((tags.index(tag), where))
        if "" in words:
            errors.append((words.index(""), f"column {self.layout.token + 1} (the token) is empty"))
        return words, tags, min(errors) if errors else None

    def sentence_document(self) -> ReadItem:
        """In a file of one document per sentence, the sentence just read, without the
        bookkeeping a document of many sentences (or one given by '# text') needs."""
        lines, first = self.pending, self.pending_line
        self.pending = []
        words, tags, error = self.checked(lines)
        if error is not None:
            return BadRecord(first + error[0], error[1])
        self.token_lines += len(lines)
        return self.sentence_record(words, tags, first)

    def sentence_record(self, words: list[str], tags: list[str], first: int) -> DocumentRecord:
        lengths = list(map(len, words))
        # Token i ends at the sum of the lengths so far plus the i spaces before it.
        ends = list(accumulate(lengths))
        spans = [
            SpanRecord(ends[b] - lengths[b] + b, ends[e] + e, kind)
            for b, e, kind in _entities(tags)
        ]
        text = " ".join(words)
        tokens: Any = WORDS
        if _words_hide_tokens(text, words):
            tokens = [
                {"text": w, "start": e + i - n, "end": e + i, "id": i}
                for i, (w, n, e) in enumerate(zip(words, lengths, ends, strict=True))
            ]
        return DocumentRecord(
            text,
            None,
            self.source,
            {"file": _name(self.path)},
            [AnnotationRecord(None, Status.DONE, spans)],
            first,
            {TOKENS_KEY: tokens} if tokens == WORDS else {TOKENS_KEY: tokens, SENTENCES_KEY: [0]},
        )

    def pipe_line(self, number: int, line: str) -> None:
        document = self.document_at(number)
        size = self.layout.columns
        for part in line.split(" "):
            if not part or document.bad is not None:
                continue
            fields = part.rsplit("|", size - 1)
            if len(fields) != size:
                document.fail(number, f"token {part!r} has {len(fields)} '|' fields, not {size}")
            elif not _is_tag(fields[-1]):
                document.fail(number, f"token {part!r} ends in {fields[-1]!r}, {_TAG_HELP}")
            else:
                self.words.append(fields[0])
                self.tags.append(fields[-1])
                self.token_lines += 1

    def comment(self, number: int, line: str) -> Iterator[ReadItem]:
        key, _, value = line[1:].partition("=")
        if key.strip() == "text":
            if self.pending or self.words:
                yield from self.end_sentence(self.by_document)
            self.document_at(number)
            self.given = (number, value.removeprefix(" "))
        elif key.split()[:1] == ["newdoc"]:
            yield from self.end_document()
            self.document = _Document(number, value.strip() or None)
        else:
            if self.pending:
                self.take_pending()
            self.comments += 1
            self.comment_example = self.comment_example or line

    def close_sentence(self) -> None:
        """Add the sentence read so far to its document."""
        if self.pending:
            self.take_pending()
        document, given = self.document, self.given
        if document is not None and document.bad is None and (self.words or given):
            if not self.words and given is not None:
                document.fail(given[0], "a '# text' line with no token lines after it")
            else:
                text = given[1] if given is not None else None
                reason = document.add_sentence(self.words, self.tags, text)
                if reason is not None and given is not None:
                    document.fail(given[0], reason)
        self.words, self.tags, self.given = [], [], None

    def close_document(self) -> ReadItem | None:
        """The document read so far (or why it is bad), and start afresh."""
        self.close_sentence()
        document, self.document = self.document, None
        if document is not None and document.bad is not None:
            return document.bad
        if document is not None and document.count:
            return document.record(self.path)
        return None

    def end_sentence(self, by_document: bool) -> Iterator[ReadItem]:
        if by_document:
            self.close_sentence()
        elif (item := self.close_document()) is not None:
            yield item

    def end_document(self) -> Iterator[ReadItem]:
        if (item := self.close_document()) is not None:
            yield item

    def omissions(self) -> Iterator[ReadItem]:
        layout = self.layout
        if layout.dropped and self.token_lines:
            if layout.pipes:
                what = "POS fields of word|POS|TAG tokens"
            else:
                numbers = ", ".join(str(i + 1) for i in layout.dropped)
                what = f"column{'s' if len(layout.dropped) > 1 else ''} {numbers}"
            shown = "; ".join(", ".join(map(repr, values)) for values in layout.examples)
            yield Omission(
                f"{what} (e.g. {shown})",
                "only the token and its entity tag are kept (POS and chunk tags are not)",
                self.token_lines * len(layout.dropped),
            )
        if self.comments:
            yield Omission(
                f"comment lines (e.g. {self.comment_example[:80]!r})",
                "only '# text' and '# newdoc' comments have a meaning the project keeps",
                self.comments,
            )


def read(path: Path, options: ReadOptions | None = None) -> Iterator[ReadItem]:
    """Documents of a CoNLL/IOB file, one per ``-DOCSTART-``/``# newdoc`` block when the file
    has such lines, else one per sentence; each with one finished annotation (entities only,
    possibly none), the file's tokens in ``extra[TOKENS_KEY]`` and sentence starts in
    ``extra[SENTENCES_KEY]``. A malformed line makes its document a :class:`BadRecord`; columns
    other than token and tag, and comment lines, are reported as one :class:`Omission` each.
    An id column is not reported: it numbers the tokens, which their order keeps. ``options``
    are not needed (the file is tokenized already); the parameter is the readers' contract.
    """
    try:
        with _open(path) as handle:
            sample = _sample(handle, SAMPLE_LINES)
            if all(line.isspace() for line in sample):
                raise FormatError(path, "the file is empty")
            layout = _detect(_token_lines(sample))
            if layout is None:
                raise FormatError(
                    path,
                    "not a CoNLL/IOB file: no column holds entity tags (O, B-TYPE, I-TYPE...) on "
                    "token-per-line or word|TAG lines",
                )
            reader = _Reader(path, layout, _has_document_markers(path))
            yield from reader.run(_chunks(sample, handle))
    except UnicodeDecodeError as exc:
        raise _invalid_utf8(path, exc) from None


def _chunks(sample: list[str], handle: TextIO) -> Iterator[tuple[int, list[str]]]:
    """The sampled lines, then the rest of the file in chunks of about :data:`_CHUNK`
    characters; each with its first line's number."""
    number, lines = 1, sample
    while lines:
        yield number, lines
        number += len(lines)
        lines = handle.readlines(_CHUNK)


def _clean(value: str) -> str:
    return "".join("_" if c.isspace() else c for c in value)


def _sentence_starts(raw: Any, size: int) -> list[int] | None:
    """Kept sentence starts when they are usable for ``size`` tokens: ascending from 0."""
    if not isinstance(raw, list) or not raw or raw[0] != 0:
        return None
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in raw):
        return None
    if any(b <= a for a, b in pairwise(raw)) or raw[-1] >= size:
        return None
    return raw


@functools.cache
def _sentencizer() -> Sentencizer:
    from spacy.pipeline import Sentencizer

    return Sentencizer()


def _tokens(item: ExportItem, nlp: Language) -> tuple[list[tuple[int, int]], list[int]]:
    """Token offsets (whitespace tokens left out) and the indices that start sentences: the
    file's own when kept, else spaCy's tokens split at newlines and sentencizer boundaries."""
    text, extra = item.text, item.document_extra
    kept = kept_tokens(text, extra)
    if kept is not None and extra.get(TOKENS_KEY) == WORDS:
        return [(t.start, t.end) for t in kept], _line_starts(text, kept)
    if kept is not None and not any(text[t.start : t.end].isspace() for t in kept):
        starts = _sentence_starts(extra.get(SENTENCES_KEY), len(kept))
        if starts is not None:
            return [(t.start, t.end) for t in kept], starts
    doc = _sentencizer()(make_doc(nlp, text, extra))
    offsets: list[tuple[int, int]] = []
    starts = []
    pending, previous = True, 0
    for token in doc:
        pending = pending or bool(token.is_sent_start)
        if token.is_space:
            continue
        if pending or "\n" in text[previous : token.idx]:
            starts.append(len(offsets))
        pending, previous = False, token.idx + len(token)
        offsets.append((token.idx, previous))
    return offsets, starts


def _line_starts(text: str, tokens: list[Any]) -> list[int]:
    """Indices of the tokens that begin a line: the sentences of a text rebuilt from CoNLL."""
    return [
        index
        for index, token in enumerate(tokens)
        if index == 0 or "\n" in text[tokens[index - 1].end : token.start]
    ]


def _left_out(item: ExportItem) -> Iterator[tuple[int, int, str, str]]:
    """What of an annotation a file of token tags cannot say, as (start, end, label, reason)."""
    if item.partial:
        yield 0, 0, "", "partial annotation: CoNLL tags every token, so O claims no entity"
    if not item.annotated:
        yield 0, 0, "", "nobody annotated this document: CoNLL tags its tokens O (no entity)"
    for span in item.spans:
        where = (span.start, span.end, span.label)
        if span.layer is not Layer.ENTITY:
            yield *where, f"CoNLL holds only entities: {span.layer.value} span left out"
        elif span.rejected:
            yield *where, "CoNLL cannot mark an entity rejected: left out"
        else:
            kept = (("note", span.note), ("link", span.kb_id), ("attributes", span.attributes))
            for what, value in kept:
                if value:
                    yield *where, f"CoNLL holds no entity {what}: {value!r} left out"
    for relation in item.relations:
        head, child = item.spans[relation.head], item.spans[relation.child]
        first, last = min(head.start, child.start), max(head.end, child.end)
        yield first, last, relation.label, "CoNLL holds no relations: left out"
    for topic in item.topics:
        judged = "applies" if topic.applies else "does not apply"
        yield 0, 0, topic.label, f"CoNLL holds no topics: this one ({judged}) left out"


def _render(item: ExportItem, nlp: Language) -> tuple[list[str], list[ExportProblem]]:
    """The document's sentences as ``token\\tTAG`` line blocks, and what it could not hold."""
    found = list(_left_out(item))
    offsets, starts = _tokens(item, nlp)
    tags = ["O"] * len(offsets)
    first = {start: i for i, (start, _) in enumerate(offsets)}
    last = {end: i for i, (_, end) in enumerate(offsets)}
    entities = [s for s in item.spans if s.layer is Layer.ENTITY and not s.rejected]
    for span in sorted(entities, key=lambda s: (s.start, -s.end, s.label)):
        where = (span.start, span.end, span.label)
        begin, stop = first.get(span.start), last.get(span.end)
        if not span.label.strip():
            found.append((*where, "entity has no label: tagged O"))
        elif begin is None or stop is None or stop < begin:
            found.append((*where, "does not align with token boundaries: tagged O"))
        elif any(tag != "O" for tag in tags[begin : stop + 1]):
            found.append((*where, "overlaps another entity: tagged O"))
        else:
            label = _clean(span.label)
            if label != span.label:
                found.append((*where, f"label holds whitespace: written {label!r}"))
            tags[begin : stop + 1] = [f"B-{label}"] + [f"I-{label}"] * (stop - begin)
    lines = []
    for (start, end), tag in zip(offsets, tags, strict=True):
        word = item.text[start:end]
        clean = _clean(word)
        if clean != word:
            found.append((start, end, "", f"token {word!r} holds whitespace: written {clean!r}"))
        lines.append(f"{clean}\t{tag}\n")
    blocks = ["".join(lines[a:b]) + "\n" for a, b in pairwise([*starts, len(lines)])]
    return blocks, [ExportProblem(item.content_hash, item.title, *f) for f in found]


def write(
    items: Iterable[ExportItem], target: Path, nlp: Language
) -> tuple[int, list[ExportProblem]]:
    """Write IOB2 ``token\\tTAG`` lines, a blank line after each sentence.

    When any document has several sentences, each document is preceded by a ``-DOCSTART-``
    block so the reader joins its sentences again; files of single-sentence documents (tweets)
    get no markers. Until the first multi-sentence document, blocks wait in memory.
    """
    problems: list[ExportProblem] = []
    written = 0
    waiting: list[str] | None = []
    marker = f"{DOCSTART}\tO\n\n"
    with target.open("w", encoding="utf-8", newline="\n") as out:
        for item in items:
            sentences, found = _render(item, nlp)
            problems.extend(found)
            if not sentences:
                reason = "document has no tokens: CoNLL cannot hold it"
                problems.append(ExportProblem(item.content_hash, item.title, 0, 0, "", reason))
                continue
            written += 1
            if waiting is not None and len(sentences) > 1:
                out.writelines(marker + block for block in waiting)
                waiting = None
            if waiting is None:
                out.write(marker + "".join(sentences))
            else:
                waiting.append("".join(sentences))
        if waiting is not None:
            out.writelines(waiting)
    return written, problems

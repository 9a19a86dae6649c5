"""Stand-off passage labels of propaganda and unreliable-news corpora (SemEval-2020 Task 11,
technique classification): ``article<ID>.txt`` texts and TAB-separated label rows
``id<TAB>label<TAB>start<TAB>end`` (code-point offsets, end exclusive).

Each labelled stretch is an unreliable passage whose reason is the label, so a corpus's
techniques ("Loaded_Language", "Name_Calling,Labeling") become the project's reliability scheme.
Passages may overlap, which the unreliable layer allows.

One labels file may hold the rows of many articles, in any order, or of one article (SemEval's
``article<ID>.task2-TC.labels``). Texts sit beside the labels file or in a sibling folder
(SemEval's ``train-articles/`` beside ``train-labels-task2-technique-classification/``).
An empty per-article labels file says the article has no such passage, which is a judgement,
so it is read as an annotation without spans; our writer writes one for every annotated item.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import FormatError
from annotator.core.formats.txt import decode_utf8, title_of
from annotator.core.records import (
    AnnotationRecord,
    BadRecord,
    DocumentRecord,
    ExportItem,
    ExportProblem,
    LabelKind,
    Layer,
    ReadItem,
    ReadOptions,
    SchemeLabel,
    SpanRecord,
    Status,
)

if TYPE_CHECKING:
    from spacy.language import Language

LABELS_SUFFIX = ".labels"
TEXT_NAME = re.compile(r"article(.+)\.txt")
#: ``article<ID>.labels`` or SemEval's ``article<ID>.task2-TC.labels``.
LABELS_NAME = re.compile(r"article([\w-]+)\.(?:.*\.)?labels")
#: IDs the writer takes from metadata: safe in a file name and in a TAB-separated row.
SAFE_ID = re.compile(r"[\w-]+")
#: How much of a ``.tsv``/``.txt`` file :func:`looks_like_labels` checks.
SNIFF_BYTES = 64 * 1024
ROW_SHAPE = "id<TAB>label<TAB>start<TAB>end"


@dataclass
class _Article:
    """The rows of one article id, gathered from wherever they are in the labels file."""

    first_line: int
    spans: list[SpanRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    problem_line: int | None = None


def looks_like_labels(path: Path) -> bool:
    """``.labels`` files, and ``.tsv``/``.txt`` files whose rows (in the first 64 KB) all have
    four TAB-separated fields with integer offsets: a table's header or an article's prose
    never does."""
    suffix = path.suffix.lower()
    if suffix == LABELS_SUFFIX:
        return True
    if suffix not in (".tsv", ".txt"):
        return False
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    cut = len(head) == SNIFF_BYTES
    try:
        # Incremental, so a character cut at the end of the sample is not an error.
        sample = codecs.getincrementaldecoder("utf-8")().decode(head, final=not cut)
    except UnicodeDecodeError:
        return False
    lines = sample.removeprefix("\ufeff").split("\n")
    if cut:
        lines = lines[:-1]
    rows = [line.rstrip("\r") for line in lines if line.strip()]
    return bool(rows) and not any(isinstance(_parse(row), str) for row in rows)


def texts_for(path: Path) -> dict[str, Path]:
    """Article id → its text file, searching the labels file's folder, then the folders beside
    it (one level down from its parent); the first found wins."""
    found: dict[str, Path] = {}
    for folder in _text_folders(path):
        try:
            with os.scandir(folder) as entries:
                names = sorted(entry.name for entry in entries if entry.is_file())
        except OSError:
            continue
        for name in names:
            match = TEXT_NAME.fullmatch(name)
            if match:
                found.setdefault(match.group(1), folder / name)
    return found


def _text_folders(path: Path) -> list[Path]:
    folder = path.resolve().parent
    try:
        siblings = sorted(p for p in folder.parent.iterdir() if p.is_dir() and p != folder)
    except OSError:
        siblings = []
    return [folder, *siblings]


def _find_text(folders: list[Path], article_id: str) -> Path | None:
    name = f"article{article_id}.txt"
    if Path(name).name != name:
        return None
    return next((folder / name for folder in folders if (folder / name).is_file()), None)


def _parse(row: str) -> tuple[str, int, int] | str:
    """(label, start, end) of a row, or the reason its shape is wrong.

    Reversed offsets are left to the reader: such a row is still recognisably a labels row.
    """
    fields = row.split("\t")
    if len(fields) != 4:
        return f"expected {ROW_SHAPE} (4 fields), found {len(fields)}"
    _, label, start, end = fields
    try:
        offsets = int(start), int(end)
    except ValueError:
        return f"start {start!r} and end {end!r} must be integers"
    if not label.strip():
        return "the label is empty"
    return (label, *offsets)


def read(path: Path, options: ReadOptions) -> Iterator[ReadItem]:
    """One document per article id of the labels file (see the module docstring).

    Rows of one article may be anywhere in the file, so all rows are gathered first (four short
    fields each); the texts are then read one article at a time.
    """
    articles: dict[str, _Article] = {}
    labels: dict[str, None] = {}
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            row = decode_utf8(path, raw) if number == 1 else _decode_line(path, raw, number)
            row = row.rstrip("\r\n")
            if not row.strip():
                continue
            if "\t" not in row:
                yield BadRecord(number, f"expected {ROW_SHAPE}, found no TAB")
                continue
            article_id = row.split("\t", 1)[0].strip()
            article = articles.setdefault(article_id, _Article(number))
            parsed = _parse(row)
            if not isinstance(parsed, str) and parsed[2] <= parsed[1]:
                parsed = f"end {parsed[2]} is not after start {parsed[1]}"
            if isinstance(parsed, str):
                article.problems.append(f"line {number}: {parsed}")
                article.problem_line = article.problem_line or number
                continue
            label, start, end = parsed
            labels.setdefault(label)
            article.spans.append(SpanRecord(start, end, label, Layer.UNRELIABLE))
    if not articles:
        named = LABELS_NAME.fullmatch(path.name)
        if named is None:
            raise FormatError(path, f"no {ROW_SHAPE} rows, and the name names no article")
        articles[named.group(1)] = _Article(1)
    for label in labels:
        yield SchemeLabel(LabelKind.RELIABILITY, label)
    folders = _text_folders(path)
    for article_id, article in articles.items():
        yield _document(path, folders, article_id, article)


def _decode_line(path: Path, raw: bytes, number: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(
            path, f"invalid UTF-8 ({exc.reason}); save the file as UTF-8", number
        ) from None


def _document(path: Path, folders: list[Path], article_id: str, article: _Article) -> ReadItem:
    if article.problems:
        return BadRecord(
            article.problem_line, f"article {article_id}: {'; '.join(article.problems)}"
        )
    text_path = _find_text(folders, article_id)
    if text_path is None:
        return BadRecord(
            article.first_line,
            f"no text file article{article_id}.txt next to {path.name} or in a folder beside it",
        )
    try:
        text = decode_utf8(text_path, text_path.read_bytes())
    except FormatError as exc:
        return BadRecord(article.first_line, str(exc))
    return DocumentRecord(
        text=text,
        title=title_of(text),
        source=str(path),
        meta={"file": text_path.name, "article_id": article_id},
        annotations=[AnnotationRecord(None, Status.DONE, article.spans)],
        line=article.first_line,
    )


def write(
    items: Iterable[ExportItem], target: Path, nlp: Language
) -> tuple[int, list[ExportProblem]]:
    """Write ``article<ID>.txt`` per item and, for annotated items, ``article<ID>.labels``.

    The ID is the item's ``meta["article_id"]`` when it is safe in a file name and not taken
    (compared case-insensitively, as Windows and macOS file names are), else the first free
    number. Only unreliable passages can be held; everything else is an ExportProblem.
    """
    taken: set[str] = set()
    problems: list[ExportProblem] = []
    count = 0
    for item in items:
        article_id = _article_id(item, taken)
        taken.add(article_id.casefold())
        (target / f"article{article_id}.txt").write_bytes(item.text.encode("utf-8"))
        if item.annotated:
            rows = _rows(item, article_id, problems)
            with (target / f"article{article_id}{LABELS_SUFFIX}").open(
                "w", encoding="utf-8", newline="\n"
            ) as handle:
                handle.writelines(rows)
        count += 1
    return count, problems


def _article_id(item: ExportItem, taken: set[str]) -> str:
    own = item.meta.get("article_id")
    if isinstance(own, int) and not isinstance(own, bool):
        own = str(own)
    if isinstance(own, str) and SAFE_ID.fullmatch(own) and own.casefold() not in taken:
        return own
    number = 1
    while str(number) in taken:
        number += 1
    return str(number)


def _rows(item: ExportItem, article_id: str, problems: list[ExportProblem]) -> list[str]:
    def problem(start: int, end: int, label: str, reason: str) -> None:
        problems.append(ExportProblem(item.content_hash, item.title, start, end, label, reason))

    rows = []
    for span in item.spans:
        if span.rejected:
            problem(span.start, span.end, span.label, "a rejected span cannot be held")
        elif span.layer is not Layer.UNRELIABLE:
            problem(span.start, span.end, span.label, "this format holds only unreliable passages")
        elif any(c in span.label for c in "\t\r\n"):
            problem(span.start, span.end, span.label, "a reason with a TAB or line break")
        else:
            rows.append(f"{article_id}\t{span.label}\t{span.start}\t{span.end}\n")
            if span.note:
                reason = f"the note {span.note[:60]!r} cannot be held; written without it"
                problem(span.start, span.end, span.label, reason)
            if span.attributes:
                reason = f"the attributes {span.attributes} cannot be held; written without"
                problem(span.start, span.end, span.label, reason)
    for relation in item.relations:
        head, child = item.spans[relation.head], item.spans[relation.child]
        problem(head.start, child.end, relation.label, "relations cannot be held")
    for topic in item.topics:
        verdict = "applies" if topic.applies else "does not apply"
        problem(0, 0, topic.label, f"topics cannot be held (this one {verdict})")
    if item.status is not Status.DONE:
        problem(0, 0, item.status.value, "the status cannot be held; it reads back as done")
    return rows

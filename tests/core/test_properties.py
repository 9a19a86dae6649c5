"""Property-based tests: arbitrary Unicode text and spans survive every format exactly.

Texts mix astral characters, combining marks, right-to-left scripts, CRLF and tabs; spans are
any valid ones (entities not overlapping, passages free to overlap). Invalid spans must give a
clear error naming the file and line, never a crash or a silent drop.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import FormatError, SpanError
from annotator.core.project import Project
from annotator.core.records import Layer, Status
from annotator.core.spans import snap
from tests.conftest import snapshot

PIECES = [
    "Nepal",
    "India",
    "Пекин",
    "القاهرة",
    "e\u0301",
    "🙂",
    "𝔘𝔫",
    "\u200f",
    "ß",
    "東京",
    " ",
    " ",
    "  ",
    "\r\n",
    "\n",
    "\t",
    ".",
    ",",
    "'",
    "-",
    "(",
    "3",
    "%",
]
texts = (
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=40)
    .map("".join)
    .filter(lambda text: text.strip() != "")
)
PUNCTUATION = ".,'-(%"
ENTITY_LABELS = ["PERSON", "ORG", "GPE", "LOC", "DATE"]
REASONS = ["fabricated", "unverifiable", "misleading"]
FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def annotated(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, str]], list[tuple]]:
    text = draw(texts)
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
    entities = [
        (start, end, draw(st.sampled_from(ENTITY_LABELS)))
        for start, end in zip(cuts[::2], cuts[1::2], strict=False)
        if start < end
    ]
    passages = []
    for _ in range(draw(st.integers(0, 2))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        note = draw(st.one_of(st.none(), st.text(max_size=20)))
        passages.append((start, end, draw(st.sampled_from(REASONS)), note or None))
    unique = {(start, end, reason): note for start, end, reason, note in passages}
    return text, entities, [(*key, note) for key, note in unique.items()]


@pytest.fixture(scope="module")
def template() -> Path:
    """An empty project made once; each example copies it (creating one runs migrations)."""
    folder = Path(tempfile.mkdtemp())
    path = folder / "template.annotator"
    Project.open(path).close()
    yield path
    shutil.rmtree(folder)


def fresh(template: Path, folder: Path, name: str) -> Project:
    target = folder / f"{name}.annotator"
    for leftover in folder.glob(f"{name}.annotator*"):
        leftover.unlink()
    shutil.copy(template, target)
    return Project.open(target, create=False)


def stored(project: Project) -> tuple[str, list[tuple], list[tuple]]:
    annotation = project.edits.annotation(1, "alice")
    spans = annotation.spans if annotation is not None else []
    entities = sorted((s.start, s.end, s.label) for s in spans if s.layer is Layer.ENTITY)
    passages = sorted(
        (s.start, s.end, s.label, s.note) for s in spans if s.layer is Layer.UNRELIABLE
    )
    return project.text(1), entities, passages


@FAST
@given(data=annotated(), fmt=st.sampled_from(["prodigy", "doccano", "spacy"]))
def test_every_format_round_trips_exactly(template: Path, tmp_path: Path, data, fmt) -> None:
    text, entities, passages = data
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    with fresh(template, tmp_path, "mine") as mine:
        mine.import_paths([source])
        assert mine.text(1) == text
        for start, end, label in entities:
            mine.edits.add_span(1, "alice", start, end, label)
        for start, end, reason, note in passages:
            mine.edits.add_span(1, "alice", start, end, reason, layer=Layer.UNRELIABLE, note=note)
        mine.edits.set_status(1, "alice", Status.DONE)
        expected = stored(mine)
        out = tmp_path / f"out-{fmt}"
        shutil.rmtree(out, ignore_errors=True)
        report = mine.export(out, fmt=fmt, annotator="alice", dev_ratio=0.0, overwrite=True)
    # A training set cannot hold an entity that does not sit on token boundaries: the spaCy
    # writer reports each such span instead of dropping it silently.
    reported = sorted((p.start, p.end, p.label) for p in report.problems)
    if fmt != "spacy":
        assert reported == []
    text, kept, passages = expected
    kept = [span for span in kept if span not in reported]
    with fresh(template, tmp_path, "theirs") as theirs:
        exported = [p for p in report.files if p.suffix != ".cfg" and p.name != "dev.spacy"]
        theirs.import_paths(exported, annotator="alice")
        assert stored(theirs) == (text, kept, passages)


@FAST
@given(text=texts, data=st.data())
def test_snapping_gives_a_trimmed_span_on_token_boundaries(template: Path, text, data) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    with Project.open(template, create=False) as project:
        whole = project.edits.token_bounds(text)
        local = project.edits.token_bounds(text, start, end)
        inside = [
            (s, e)
            for s, e in zip(whole.starts, whole.ends, strict=True)
            if local.starts and local.starts[0] <= s and e <= local.ends[-1]
        ]
        assert list(zip(local.starts, local.ends, strict=True)) == inside
        try:
            low, high = snap(text, start, end, local)
        except SpanError:
            assert text[start:end].isspace()
            return
    assert 0 <= low < high <= len(text)
    assert text[low:high] == text[low:high].strip()
    for index in range(start, end):
        char = text[index]
        if not char.isspace() and not unicodedata.category(char).startswith("P"):
            assert low <= index < high, f"selected {char!r} at {index} was lost"
    starts, ends = set(whole.starts), set(whole.ends)
    assert low in starts or text[low - 1] in PUNCTUATION
    assert high in ends or text[high] in PUNCTUATION


@FAST
@given(
    text=texts,
    bad=st.sampled_from(["reversed", "outside", "negative", "empty", "overlap", "no label"]),
    line=st.integers(1, 4),
)
def test_invalid_spans_are_refused_naming_file_and_line(
    template: Path, tmp_path: Path, text, bad, line
) -> None:
    size = len(text)
    span = {
        "reversed": {"start": 1, "end": 0, "label": "GPE"},
        "outside": {"start": 0, "end": size + 1, "label": "GPE"},
        "negative": {"start": -1, "end": 1, "label": "GPE"},
        "empty": {"start": 0, "end": 0, "label": "GPE"},
        "overlap": None,
        "no label": {"start": 0, "end": 1, "label": " "},
    }[bad]
    spans = (
        [{"start": 0, "end": size, "label": "GPE"}, {"start": 0, "end": 1, "label": "ORG"}]
        if span is None
        else [span]
    )
    rows = [{"text": f"Filler article {n}."} for n in range(line - 1)]
    rows.append({"text": text, "spans": spans, "answer": "accept"})
    source = tmp_path / "bad.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with fresh(template, tmp_path, "target") as project:
        before = snapshot(project.path)
        with pytest.raises(FormatError) as raised:
            project.import_paths([source])
        assert raised.value.line == line
        assert "bad.jsonl" in str(raised.value)
        assert snapshot(project.path) == before


@FAST
@given(text=texts)
def test_plain_text_files_import_exactly_as_written(template: Path, tmp_path: Path, text) -> None:
    source = tmp_path / "article.txt"
    source.write_bytes(text.encode("utf-8"))
    with fresh(template, tmp_path, "txt") as project:
        project.import_paths([source])
        assert project.text(1) == text

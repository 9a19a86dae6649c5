"""spaCy DocBin export and import: round trips, span problems and unreadable files."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import DocBin

from annotator.core.errors import FormatError
from annotator.core.formats import docbin
from annotator.core.records import (
    DocumentRecord,
    ExportItem,
    ExportProblem,
    Layer,
    ReadOptions,
    SpanRecord,
    Status,
    TopicRecord,
)

TOPICS = ["politics", "sport", "economy"]


def make_item(
    text: str,
    spans: Sequence[SpanRecord] = (),
    topics: Sequence[TopicRecord] = (),
    *,
    title: str | None = "A title",
    meta: dict | None = None,
    annotator: str = "alice",
    status: Status = Status.DONE,
    topic_labels: list[str] = TOPICS,
) -> ExportItem:
    return ExportItem(
        text=text,
        title=title,
        meta=meta or {},
        annotator=annotator,
        status=status,
        spans=list(spans),
        topics=list(topics),
        topic_labels=list(topic_labels),
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )


def span(
    text: str, part: str, label: str, layer: Layer = Layer.ENTITY, note: str | None = None
) -> SpanRecord:
    """The span of the first occurrence of ``part`` in ``text``."""
    start = text.index(part)
    return SpanRecord(start, start + len(part), label, layer, note)


def round_trip(tmp_path: Path, items: list[ExportItem], lang: str = "en") -> list[DocumentRecord]:
    path = tmp_path / "out.spacy"
    count, problems = docbin.write(items, path, spacy.blank(lang))
    assert count == len(items)
    assert problems == []
    return [d for d in docbin.read(path, ReadOptions(lang)) if isinstance(d, DocumentRecord)]


def round_trip_read(path: Path, lang: str = "en") -> list[DocumentRecord]:
    return [d for d in docbin.read(path, ReadOptions(lang)) if isinstance(d, DocumentRecord)]


def ordered(spans: list[SpanRecord]) -> list[SpanRecord]:
    return sorted(spans, key=lambda s: (s.layer.value, s.start, s.end, s.label))


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.blank("en")


EMOJI = "🙂🙂 Nepal signed a deal with India in Kathmandu, officials said.\r\nMore later."
CYRILLIC = "В Москве Владимир Путин встретился с «Газпромом»; говорят, цены вырастут."
ARABIC = "قال محمد بن سلمان في الرياض إن أرامكو ستزيد الإنتاج، بحسب مصادر غير مؤكدة."


@pytest.mark.parametrize(
    ("lang", "text", "entities", "passage", "passage_cut"),
    [
        ("en", EMOJI, [("Nepal", "GPE"), ("India", "GPE"), ("Kathmandu", "GPE")], "officials said",
         "fficials sai"),
        ("ru", CYRILLIC, [("Москве", "LOC"), ("Владимир Путин", "PER"), ("Газпромом", "ORG")],
         "цены вырастут", "ены вырасту"),
        ("ar", ARABIC, [("محمد بن سلمان", "PER"), ("الرياض", "LOC"), ("أرامكو", "ORG")],
         "بحسب مصادر غير مؤكدة", "حسب مصادر غير مؤكد"),
    ],
)  # fmt: skip
def test_round_trip_keeps_everything(
    tmp_path: Path,
    lang: str,
    text: str,
    entities: list[tuple[str, str]],
    passage: str,
    passage_cut: str,
) -> None:
    spans = [span(text, part, label) for part, label in entities]
    # One aligned passage and one cut mid-word: both must come back with their exact offsets.
    spans.append(span(text, passage, "hearsay", Layer.UNRELIABLE, "no source named"))
    cut = span(text, passage_cut, "speculation", Layer.UNRELIABLE, "note: «цитата» 🙂")
    spans.append(cut)
    meta = {"url": "https://example.org/a", "tags": ["x", "ы"], "n": 3, "nested": {"ok": None}}
    item = make_item(
        text,
        spans,
        [TopicRecord("politics"), TopicRecord("economy", applies=False)],
        title="Заголовок / عنوان",
        meta=meta,
        annotator="bob",
        status=Status.IN_PROGRESS,
    )

    path = tmp_path / "out.spacy"
    count, problems = docbin.write([item], path, spacy.blank(lang))
    assert count == 1
    # Only the cut passage is reported (it was widened); nothing else was changed.
    assert [(p.start, p.end, p.label) for p in problems] == [(cut.start, cut.end, cut.label)]
    assert problems[0].reason.startswith("expanded to token boundaries at ")

    [doc] = round_trip_read(path, lang)
    assert doc.text == text
    assert doc.title == "Заголовок / عنوان"
    assert doc.meta == meta
    assert doc.line == 1
    [annotation] = doc.annotations
    assert annotation.annotator == "bob"
    assert annotation.status is Status.IN_PROGRESS
    assert ordered(annotation.spans) == ordered(spans)
    assert sorted(annotation.topics, key=lambda t: t.label) == [
        TopicRecord("economy", False),
        TopicRecord("politics", True),
    ]


def test_crlf_and_several_documents_round_trip(tmp_path: Path) -> None:
    first = "Line one about Nepal.\r\n\r\nLine two about Reuters.\r\n"
    second = "Plain text without annotations."
    items = [
        make_item(first, [span(first, "Nepal", "GPE"), span(first, "Reuters", "ORG")]),
        make_item(second, title=None, status=Status.SKIPPED, topic_labels=[]),
    ]
    one, two = round_trip(tmp_path, items)
    assert (one.text, one.line) == (first, 1)
    assert (two.text, two.line, two.title) == (second, 2, None)
    assert ordered(one.annotations[0].spans) == ordered(items[0].spans)
    # Our record says who and where, so even an empty annotation survives.
    assert two.annotations[0].status is Status.SKIPPED
    assert two.annotations[0].spans == two.annotations[0].topics == []


def test_cats_hold_only_the_topics_the_annotator_decided(nlp: Language) -> None:
    item = make_item(
        "Text.", topics=[TopicRecord("economy", False)], topic_labels=["sport", "economy", "health"]
    )
    doc, _ = docbin.build_doc(item, nlp)
    assert doc.cats == {"economy": 0.0}
    assert docbin.build_doc(make_item("Text."), nlp)[0].cats == {}


def test_once_a_topic_applies_the_other_topics_do_not(nlp: Language) -> None:
    item = make_item(
        "Text.", topics=[TopicRecord("sport")], topic_labels=["sport", "economy", "health"]
    )
    doc, _ = docbin.build_doc(item, nlp)
    assert doc.cats == {"sport": 1.0, "economy": 0.0, "health": 0.0}


def test_misaligned_entity_is_reported_and_its_tokens_are_missing(nlp: Language) -> None:
    text = "The mayor of Kathmandu met Reuters."
    start = text.index("Kathmandu") + 2  # "thmandu": starts mid-word
    item = make_item(text, [SpanRecord(start, start + 7, "GPE"), span(text, "Reuters", "ORG")])
    doc, problems = docbin.build_doc(item, nlp)
    assert problems == [
        ExportProblem(
            item.content_hash,
            "A title",
            start,
            start + 7,
            "GPE",
            "does not align with token boundaries (nearest tokens: 'Kathmandu')",
        )
    ]
    assert [(t.text, t.ent_iob_, t.ent_type_) for t in doc] == [
        ("The", "O", ""),
        ("mayor", "O", ""),
        ("of", "O", ""),
        ("Kathmandu", "", ""),
        ("met", "O", ""),
        ("Reuters", "B", "ORG"),
        (".", "O", ""),
    ]


def test_missing_tokens_survive_the_file(tmp_path: Path, nlp: Language) -> None:
    text = "Talks in Kathmandu ended."
    start = text.index("Kathmandu")
    path = tmp_path / "out.spacy"
    docbin.write([make_item(text, [SpanRecord(start + 1, start + 9, "GPE")])], path, nlp)
    [doc] = DocBin().from_disk(path).get_docs(nlp.vocab)
    assert [t.ent_iob_ for t in doc] == ["O", "O", "", "O", "O"]


def test_overlapping_entities_are_reported_and_missing(nlp: Language) -> None:
    text = "He flew to New York City yesterday."
    new_york = span(text, "New York", "GPE")
    york_city = span(text, "York City", "LOC")
    item = make_item(text, [york_city, new_york])
    doc, problems = docbin.build_doc(item, nlp)
    assert [(p.start, p.end, p.label, p.reason) for p in problems] == [
        (
            york_city.start,
            york_city.end,
            "LOC",
            f"overlaps entity GPE at {new_york.start}..{new_york.end}",
        )
    ]
    # The kept entity stays; only the dropped one's other token is missing, not outside.
    assert [(t.text, t.ent_iob_, t.ent_type_) for t in doc] == [
        ("He", "O", ""),
        ("flew", "O", ""),
        ("to", "O", ""),
        ("New", "B", "GPE"),
        ("York", "I", "GPE"),
        ("City", "", ""),
        ("yesterday", "O", ""),
        (".", "O", ""),
    ]


def test_entity_ending_in_whitespace_token_is_reported(nlp: Language) -> None:
    text = "Nepal\r\nIndia"
    item = make_item(text, [SpanRecord(0, 7, "GPE")])
    doc, problems = docbin.build_doc(item, nlp)
    assert [p.reason for p in problems] == ["starts or ends with whitespace"]
    assert [t.ent_iob_ for t in doc] == ["", "", "O"]


def test_misaligned_passage_is_widened_and_reported(nlp: Language) -> None:
    text = "Sources say the minister resigned."
    passage = SpanRecord(4, 21, "hearsay", Layer.UNRELIABLE, "who?")  # "ces say the minis"
    doc, problems = docbin.build_doc(make_item(text, [passage]), nlp)
    assert [(p.start, p.end, p.label, p.reason) for p in problems] == [
        (4, 21, "hearsay", "expanded to token boundaries at 0..24 ('Sources say the minister')")
    ]
    assert [(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]] == [(0, 24, "hearsay")]


def test_foreign_docbin_is_read_from_what_spacy_keeps(tmp_path: Path, nlp: Language) -> None:
    annotated = nlp.make_doc("Nepal is calm, they claim.")
    annotated.ents = [annotated.char_span(0, 5, "GPE")]
    annotated.cats = {"politics": 0.7, "sport": 0.2}
    annotated.spans["claims"] = [annotated.char_span(15, 25, "hearsay")]
    plain = nlp.make_doc("Nothing here.")
    doc_bin = DocBin(docs=[annotated, plain])
    path = tmp_path / "foreign.spacy"
    doc_bin.to_disk(path)

    first, second = round_trip_read(path)
    [annotation] = first.annotations
    assert annotation.annotator is None
    assert annotation.status is Status.DONE
    assert ordered(annotation.spans) == [
        SpanRecord(0, 5, "GPE"),
        SpanRecord(15, 25, "hearsay", Layer.GROUP, group="claims"),
    ]
    assert annotation.topics == [TopicRecord("politics", True), TopicRecord("sport", False)]
    assert (first.title, first.meta) == (None, {})
    assert (second.text, second.annotations, second.line) == ("Nothing here.", [], 2)


def test_spans_edited_after_export_win_over_stored_offsets(tmp_path: Path, nlp: Language) -> None:
    text = "Sources say the minister resigned."
    path = tmp_path / "out.spacy"
    item = make_item(text, [SpanRecord(4, 21, "hearsay", Layer.UNRELIABLE, "who?")])
    docbin.write([item], path, nlp)
    [doc] = DocBin().from_disk(path).get_docs(nlp.vocab)
    doc.spans["sc"] = [doc.char_span(25, 33, "hearsay")]  # another tool corrected it
    DocBin(docs=[doc], store_user_data=True).to_disk(path)

    [record] = round_trip_read(path)
    assert record.annotations[0].spans == [SpanRecord(25, 33, "hearsay", Layer.UNRELIABLE)]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"this is plain text, not a DocBin\n", "not a spaCy DocBin file"),
        (zlib.compress(b"\x93\x01\x02\x03"), "not a spaCy DocBin file"),
        (zlib.compress(b"\xa5hello"), "not a spaCy DocBin file"),
        (DocBin().to_bytes(), "empty file"),
    ],
)
def test_unreadable_files_raise_format_error(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "broken.spacy"
    path.write_bytes(content)
    with pytest.raises(FormatError) as caught:
        list(docbin.read(path))
    assert caught.value.path == path
    assert caught.value.reason == reason
    assert "broken.spacy" in str(caught.value)


def test_missing_file_raises_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match=r"absent\.spacy: cannot be read"):
        list(docbin.read(tmp_path / "absent.spacy"))

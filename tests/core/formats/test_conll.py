"""CoNLL/IOB import and export: real WNUT and BTC files, tag schemes, columns, comments, bad lines,
word|POS|TAG lines, round trips and what the writer cannot hold."""

from __future__ import annotations

import hashlib
import tracemalloc
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from annotator.core.errors import FormatError
from annotator.core.formats import conll
from annotator.core.formats.conll import SENTENCES_KEY
from annotator.core.formats.tokens import TOKENS_KEY, kept_tokens
from annotator.core.records import (
    BadRecord,
    DocumentRecord,
    ExportItem,
    ExportProblem,
    Layer,
    ReadItem,
    RelationRecord,
    SpanRecord,
    Status,
    TopicRecord,
)
from tests.core.formats.conftest import bad_records, documents, export_item, omissions

DATA = Path(__file__).parents[2] / "data" / "iob"
WNUT = DATA / "wnut17-emerging-dev.conll"
BTC = DATA / "btc-section-e-mh17.conll"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.blank("en")


def read_string(tmp_path: Path, content: str, name: str = "in.conll") -> list[ReadItem]:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8"))
    return list(conll.read(path))


def entities(document: DocumentRecord) -> list[tuple[str, str]]:
    [annotation] = document.annotations
    return [(document.text[s.start : s.end], s.label) for s in annotation.spans]


def kept(document: DocumentRecord) -> list[dict]:
    """The document's kept tokens in Prodigy's shape, however they are stored."""
    found = kept_tokens(document.text, document.extra)
    assert found is not None
    return [
        {"text": document.text[t.start : t.end], "start": t.start, "end": t.end, "id": t.id}
        for t in found
    ]


def sentence_starts(document: DocumentRecord) -> list[int]:
    """Indices of the tokens that begin a sentence: a line each, unless stored."""
    if SENTENCES_KEY in document.extra:
        return document.extra[SENTENCES_KEY]
    tokens = kept(document)
    return [
        i
        for i, t in enumerate(tokens)
        if i == 0 or "\n" in document.text[tokens[i - 1]["end"] : t["start"]]
    ]


def token_texts(document: DocumentRecord) -> list[str]:
    return [token["text"] for token in kept(document)]


def make_item(
    text: str,
    spans: Sequence[SpanRecord] = (),
    *,
    relations: Sequence[RelationRecord] = (),
    topics: Sequence[TopicRecord] = (),
    partial: bool = False,
    document_extra: dict | None = None,
) -> ExportItem:
    return ExportItem(
        text=text,
        title="A title",
        meta={},
        annotator="alice",
        status=Status.DONE,
        spans=list(spans),
        topics=list(topics),
        topic_labels=[t.label for t in topics],
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        relations=list(relations),
        partial=partial,
        document_extra=document_extra or {},
    )


def span(text: str, part: str, label: str, layer: Layer = Layer.ENTITY, **kw: object) -> SpanRecord:
    start = text.index(part)
    return SpanRecord(start, start + len(part), label, layer, **kw)  # type: ignore[arg-type]


def write_read(
    tmp_path: Path, items: list[ExportItem], nlp: Language
) -> tuple[str, list[ExportProblem], list[DocumentRecord]]:
    path = tmp_path / "out.conll"
    count, problems = conll.write(items, path, nlp)
    assert count == len(items)
    read = list(conll.read(path))
    assert bad_records(read) == omissions(read) == []
    return path.read_text(encoding="utf-8"), problems, documents(read)


def test_wnut_dev_reads_with_the_readme_counts() -> None:
    items = list(conll.read(WNUT))
    docs = documents(items)
    assert bad_records(items) == omissions(items) == []
    assert len(docs) == 1009
    assert sum(len(kept(d)) for d in docs) == 15_733
    labels = Counter(label for d in docs for _, label in entities(d))
    assert labels == {
        "person": 470,
        "product": 114,
        "creative-work": 105,
        "location": 74,
        "group": 39,
        "corporation": 34,
    }
    # An O-only sentence is an answer ("no entities"), not a missing annotation.
    empty = [d for d in docs if not d.annotations[0].spans]
    assert len(empty) == 381
    assert all(d.annotations[0].status is Status.DONE for d in empty)
    assert all(d.annotations[0].annotator is None for d in docs)
    assert docs[1].text.startswith("You should ' ve stayed on Redondo Beach Blvd .")
    assert entities(docs[1])[0] == ("Redondo Beach Blvd", "location")
    assert (docs[1].line, docs[1].meta, docs[1].source) == (14, {"file": WNUT.name}, str(WNUT))


def test_btc_section_e_reads_with_the_readme_counts_and_strips_spaces_before_tabs() -> None:
    items = list(conll.read(BTC))
    docs = documents(items)
    assert bad_records(items) == omissions(items) == []
    assert len(docs) == 200
    assert sum(len(kept(d)) for d in docs) == 3_981
    assert Counter(label for d in docs for _, label in entities(d)) == {
        "LOC": 144,
        "ORG": 122,
        "PER": 59,
    }
    assert sum(1 for d in docs if not d.annotations[0].spans) == 48
    assert entities(docs[0])[:2] == [("MALAYSIA AIRLINES", "ORG"), ("#DONETSK OBLAST", "LOC")]
    tokens = [t for d in docs for t in token_texts(d)]
    assert {"MH17", "PrayForMH17", "💔"} <= set(tokens)
    assert not any(t != t.strip() for t in tokens)


@pytest.mark.parametrize("path", [WNUT, BTC], ids=["wnut", "btc"])
def test_every_token_and_entity_text_matches_its_offsets(path: Path) -> None:
    for doc in documents(conll.read(path)):
        tokens = kept(doc)
        assert [t["id"] for t in tokens] == list(range(len(tokens)))
        assert all(doc.text[t["start"] : t["end"]] == t["text"] for t in tokens)
        assert doc.text == " ".join(t["text"] for t in tokens)
        assert sentence_starts(doc) == [0]
        starts = {t["start"]: i for i, t in enumerate(tokens)}
        ends = {t["end"]: i for i, t in enumerate(tokens)}
        for entity in doc.annotations[0].spans:
            covered = tokens[starts[entity.start] : ends[entity.end] + 1]
            assert doc.text[entity.start : entity.end] == " ".join(t["text"] for t in covered)


def test_astral_emoji_offsets_are_code_points(tmp_path: Path) -> None:
    docs = documents(conll.read(WNUT))
    assert sum(1 for d in docs if not d.text.isascii()) == 75
    astral = [d for d in docs if any(ord(c) > 0xFFFF for c in d.text)]
    assert len(astral) == 56
    assert any("\ufe0f" in t for d in docs for t in token_texts(d))
    [doc] = documents(read_string(tmp_path, "😂\tO\n🇳🇵\tO\nObama\tB-person\n!\tO\n"))
    assert doc.text == "😂 🇳🇵 Obama !"
    assert doc.annotations[0].spans == [SpanRecord(5, 10, "person")]


@pytest.mark.parametrize("path", [WNUT, BTC], ids=["wnut", "btc"])
def test_real_files_round_trip_to_identical_documents_and_file(
    tmp_path: Path, path: Path, nlp: Language
) -> None:
    original = documents(conll.read(path))
    written, problems, again = write_read(tmp_path, [export_item(d) for d in original], nlp)
    assert problems == []
    assert written == path.read_text(encoding="utf-8").replace(" \t", "\t")
    assert [(d.text, d.annotations, d.extra) for d in again] == [
        (d.text, d.annotations, d.extra) for d in original
    ]


SENTENCE = "Angela Merkel Berlin visited New York City Paris ."
EXPECTED = [
    ("Angela Merkel", "PER"),
    ("Berlin", "LOC"),
    ("New York City", "LOC"),
    ("Paris", "LOC"),
]


@pytest.mark.parametrize(
    "tags",
    [
        "I-PER I-PER I-LOC O I-LOC I-LOC I-LOC B-LOC O",
        "B-PER I-PER B-LOC O B-LOC I-LOC I-LOC B-LOC O",
        "B-PER L-PER U-LOC O B-LOC I-LOC L-LOC U-LOC O",
        "B-PER E-PER S-LOC O B-LOC I-LOC E-LOC S-LOC O",
    ],
    ids=["iob1", "iob2", "biluo", "iobes"],
)
def test_tag_schemes_decode_to_the_same_entities(tmp_path: Path, tags: str) -> None:
    lines = "".join(f"{w}\t{t}\n" for w, t in zip(SENTENCE.split(), tags.split(), strict=True))
    [doc] = documents(read_string(tmp_path, lines))
    assert doc.text == SENTENCE
    assert entities(doc) == EXPECTED


@pytest.mark.parametrize("closing", ["L-LOC", "E-LOC", "U-LOC", "S-LOC"])
def test_an_inside_tag_after_an_ended_entity_starts_a_new_one(tmp_path: Path, closing: str) -> None:
    [doc] = documents(read_string(tmp_path, f"Rome\t{closing}\nParis\tI-LOC\nto\tO\nOslo\tI-LOC\n"))
    assert entities(doc) == [("Rome", "LOC"), ("Paris", "LOC"), ("Oslo", "LOC")]


def test_an_id_column_is_recognised_and_not_taken_for_the_token(tmp_path: Path) -> None:
    items = read_string(tmp_path, "1\tAngela\tB-PER\n2\tMerkel\tI-PER\n3\tspoke\tO\n")
    [doc] = documents(items)
    assert (doc.text, entities(doc)) == ("Angela Merkel spoke", [("Angela Merkel", "PER")])
    assert omissions(items) == []


CONLL2003 = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
. . O O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP B-NP B-LOC
1996-08-22 CD I-NP O

"""


def test_conll2003_columns_documents_and_dropped_pos_and_chunk_tags(tmp_path: Path) -> None:
    items = read_string(tmp_path, CONLL2003)
    first, second = documents(items)
    assert first.text == "EU rejects German call .\nPeter Blackburn"
    assert entities(first) == [("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PER")]
    assert sentence_starts(first) == [0, 5]
    assert (first.line, second.line) == (1, 12)
    assert (second.text, entities(second)) == ("BRUSSELS 1996-08-22", [("BRUSSELS", "LOC")])
    [omission] = omissions(items)
    assert omission.what.startswith("columns 2, 3 (e.g. 'NNP', 'VBZ', 'JJ'; 'B-NP', 'B-VP'")
    assert omission.count == 2 * 9


def test_multi_sentence_documents_round_trip_with_docstart_markers(
    tmp_path: Path, nlp: Language
) -> None:
    original = documents(read_string(tmp_path, CONLL2003))
    written, problems, again = write_read(tmp_path, [export_item(d) for d in original], nlp)
    assert problems == []
    assert written.startswith("-DOCSTART-\tO\n\nEU\tB-ORG\nrejects\tO\n")
    assert "\n.\tO\n\nPeter\tB-PER\nBlackburn\tI-PER\n\n-DOCSTART-\tO\n\nBRUSSELS" in written
    assert [(d.text, d.annotations, d.extra) for d in again] == [
        (d.text, d.annotations, d.extra) for d in original
    ]


def test_text_comments_give_the_exact_text_and_other_comments_are_counted(
    tmp_path: Path,
) -> None:
    content = (
        "# newdoc id = d1\n# sent_id = 1\n# text = Hello, Mr. Smith's world!\n"
        "Hello\tO\n,\tO\nMr.\tB-PER\nSmith\tI-PER\n's\tO\nworld\tO\n!\tO\n\n"
        "# sent_id = 2\n#hashtag\tB-ORG\nrocks\tO\n\n"
        "# newdoc\n# sent_id = 3\nBye\tO\n"
    )
    items = read_string(tmp_path, content)
    doc, bye = documents(items)
    assert doc.text == "Hello, Mr. Smith's world!\n#hashtag rocks"
    assert entities(doc) == [("Mr. Smith", "PER"), ("#hashtag", "ORG")]
    assert (doc.meta, doc.line) == ({"file": "in.conll", "doc_id": "d1"}, 1)
    assert (bye.text, bye.meta, bye.line) == ("Bye", {"file": "in.conll"}, 16)
    [omission] = omissions(items)
    assert (omission.what, omission.count) == ("comment lines (e.g. '# sent_id = 1')", 3)


def test_a_token_missing_from_its_text_line_makes_a_bad_record(tmp_path: Path) -> None:
    items = read_string(tmp_path, "# text = Hello world\nHello\tO\nthere\tO\n\nNext\tO\n")
    assert bad_records(items) == [BadRecord(1, "token 2 ('there') is not in the '# text' line")]
    assert [d.text for d in documents(items)] == ["Next"]


def test_bom_and_crlf_line_ends(tmp_path: Path) -> None:
    items = read_string(tmp_path, "\ufeffParis\tB-LOC\r\nis\tO\r\n\r\nRome\tB-LOC\r\n")
    assert [(d.text, entities(d)) for d in documents(items)] == [
        ("Paris is", [("Paris", "LOC")]),
        ("Rome", [("Rome", "LOC")]),
    ]


def test_a_missing_blank_line_before_docstart_still_ends_the_sentence(tmp_path: Path) -> None:
    content = "-DOCSTART-\tO\n\nParis\tB-LOC\nis\tO\n-DOCSTART-\tO\nRome\tB-LOC\n\nOslo\tU-LOC\n"
    docs = documents(read_string(tmp_path, content))
    assert [(d.text, d.line, len(entities(d))) for d in docs] == [
        ("Paris is", 1, 1),
        ("Rome\nOslo", 5, 2),
    ]


def test_malformed_lines_are_bad_records_and_the_other_documents_are_read(
    tmp_path: Path,
) -> None:
    content = "Paris\tB-LOC\nis\tO\n\nRome\tI-\nis\tO\n\nBig\tO\textra\n\nLondon\tB-LOC\n"
    items = read_string(tmp_path, content)
    assert bad_records(items) == [
        BadRecord(4, "column 2 holds 'I-', not a tag (O, or B-/I-/E-/L-/S-/U- followed by a type)"),
        BadRecord(7, "3 columns, the file has 2"),
    ]
    assert [d.text for d in documents(items)] == ["Paris is", "London"]


def test_a_malformed_line_fails_its_whole_marked_document(tmp_path: Path) -> None:
    content = "-DOCSTART-\tO\n\nA\tO\n\nB\tX-Y\nC\tO\n\n-DOCSTART-\tO\n\nD\tB-Z\n"
    items = read_string(tmp_path, content)
    assert [b.line for b in bad_records(items)] == [5]
    assert [(d.text, d.line) for d in documents(items)] == [("D", 8)]


def test_word_pos_tag_sentence_lines(tmp_path: Path) -> None:
    content = (
        "I|PRP|O like|VBP|O London|NNP|I-GPE and|CC|O New|NNP|B-GPE York|NNP|I-GPE .|.|O\n"
        "\n"
        "a|b|NN|U-ORG wins|VBZ|O\n"
    )
    items = read_string(tmp_path, content, "in.iob")
    first, second = documents(items)
    assert first.text == "I like London and New York ."
    assert entities(first) == [("London", "GPE"), ("New York", "GPE")]
    assert (second.text, entities(second), second.line) == ("a|b wins", [("a|b", "ORG")], 3)
    [omission] = omissions(items)
    assert omission.what == "POS fields of word|POS|TAG tokens (e.g. 'PRP', 'VBP', 'NNP')"
    assert omission.count == 9


def test_word_tag_lines_with_docstart_make_documents_of_sentences(tmp_path: Path) -> None:
    content = "-DOCSTART-|O\nA|O b|B-X\nC|I-X\n-DOCSTART-|O\nD|B-Y\n"
    items = read_string(tmp_path, content)
    assert omissions(items) == []
    assert [(d.text, entities(d)) for d in documents(items)] == [
        ("A b\nC", [("b", "X"), ("C", "X")]),
        ("D", [("D", "Y")]),
    ]


def test_own_text_in_conll_shape_round_trips_exactly(tmp_path: Path, nlp: Language) -> None:
    text = "🙂 В Москве Владимир Путин встретился с « Газпромом » .\nقال محمد بن سلمان في الرياض ."
    spans = [
        span(text, "Москве", "LOC"),
        span(text, "Владимир Путин", "PER"),
        span(text, "Газпромом", "ORG"),
        span(text, "محمد بن سلمان", "PER"),
        span(text, "الرياض", "LOC"),
    ]
    written, problems, [doc] = write_read(tmp_path, [make_item(text, spans)], nlp)
    assert problems == []
    assert written.startswith("-DOCSTART-\tO\n\n🙂\tO\nВ\tO\nМоскве\tB-LOC\n")
    assert doc.text == text
    assert doc.annotations[0].spans == spans
    again, _, _ = write_read(tmp_path, [export_item(doc)], nlp)
    assert again == written


def test_own_text_comes_back_as_its_tokens_with_the_same_entities(
    tmp_path: Path, nlp: Language
) -> None:
    text = "🙂🙂 Nepal signed a deal with India in Kathmandu, officials said.\r\nMore «later»."
    spans = [span(text, "Nepal", "GPE"), span(text, "India", "GPE"), span(text, "Kathmandu", "GPE")]
    _, problems, [doc] = write_read(tmp_path, [make_item(text, spans)], nlp)
    assert problems == []
    assert doc.text == (
        "🙂 🙂 Nepal signed a deal with India in Kathmandu , officials said .\nMore « later » ."
    )
    assert entities(doc) == [("Nepal", "GPE"), ("India", "GPE"), ("Kathmandu", "GPE")]


def test_documents_get_docstart_markers_only_when_one_has_several_sentences(
    tmp_path: Path, nlp: Language
) -> None:
    tweets = [make_item("Paris is nice"), make_item("Rome too")]
    written, _, docs = write_read(tmp_path, tweets, nlp)
    assert written == "Paris\tO\nis\tO\nnice\tO\n\nRome\tO\ntoo\tO\n\n"
    assert [d.text for d in docs] == ["Paris is nice", "Rome too"]
    articles = [*tweets, make_item("Oslo grew. It is cold."), make_item("Bern")]
    written, _, docs = write_read(tmp_path, articles, nlp)
    assert written.count("-DOCSTART-\tO\n\n") == 4
    assert written.startswith("-DOCSTART-\tO\n\nParis\tO\n")
    assert [d.text for d in docs] == [
        "Paris is nice",
        "Rome too",
        "Oslo grew .\nIt is cold .",
        "Bern",
    ]


def test_entities_off_token_boundaries_or_overlapping_are_reported_and_tagged_o(
    tmp_path: Path, nlp: Language
) -> None:
    text = "Talks in Kathmandu with New York City officials."
    cut = SpanRecord(text.index("Kathmandu") + 1, text.index("Kathmandu") + 9, "GPE")
    city, york = span(text, "New York City", "GPE"), span(text, "York", "GPE")
    unlabelled = span(text, "officials", "")
    items = [make_item(text, [cut, city, york, unlabelled])]
    written, problems, [doc] = write_read(tmp_path, items, nlp)
    assert [(p.start, p.end, p.label, p.reason) for p in problems] == [
        (cut.start, cut.end, "GPE", "does not align with token boundaries: tagged O"),
        (york.start, york.end, "GPE", "overlaps another entity: tagged O"),
        (unlabelled.start, unlabelled.end, "", "entity has no label: tagged O"),
    ]
    assert "Kathmandu\tO\n" in written
    assert entities(doc) == [("New York City", "GPE")]


def test_everything_conll_cannot_hold_is_reported_one_problem_each(
    tmp_path: Path, nlp: Language
) -> None:
    text = "Reuters says Nepal will sign."
    spans = [
        span(text, "Reuters", "ORG", note="wire", kb_id="Q130879"),
        span(text, "Nepal", "GPE"),
        span(text, "says", "ORG", rejected=True),
        span(text, "will sign", "speculation", Layer.UNRELIABLE, note="unsourced"),
        span(text, "sign", "event", Layer.GROUP, group="events"),
        span(text, "Reuters says", "", Layer.ARGUMENT),
    ]
    item = make_item(
        text,
        spans,
        relations=[RelationRecord(0, 1, "REPORTS_ON")],
        topics=[TopicRecord("politics"), TopicRecord("sport", applies=False)],
        partial=True,
    )
    written, problems, [doc] = write_read(tmp_path, [item], nlp)
    assert written == "Reuters\tB-ORG\nsays\tO\nNepal\tB-GPE\nwill\tO\nsign\tO\n.\tO\n\n"
    assert entities(doc) == [("Reuters", "ORG"), ("Nepal", "GPE")]
    assert [(p.start, p.end, p.label, p.reason) for p in problems] == [
        (0, 0, "", "partial annotation: CoNLL tags every token, so O claims no entity"),
        (0, 7, "ORG", "CoNLL holds no entity note: 'wire' left out"),
        (0, 7, "ORG", "CoNLL holds no entity link: 'Q130879' left out"),
        (8, 12, "ORG", "CoNLL cannot mark an entity rejected: left out"),
        (19, 28, "speculation", "CoNLL holds only entities: unreliable span left out"),
        (24, 28, "event", "CoNLL holds only entities: group span left out"),
        (0, 12, "", "CoNLL holds only entities: argument span left out"),
        (0, 18, "REPORTS_ON", "CoNLL holds no relations: left out"),
        (0, 0, "politics", "CoNLL holds no topics: this one (applies) left out"),
        (0, 0, "sport", "CoNLL holds no topics: this one (does not apply) left out"),
    ]
    assert all(p.content_hash == item.content_hash and p.title == "A title" for p in problems)


def test_tokens_and_labels_holding_whitespace_are_written_with_underscores(
    tmp_path: Path, nlp: Language
) -> None:
    text = "See New\nYork now"
    tokens = [
        {"text": "See", "start": 0, "end": 3, "id": 0},
        {"text": "New\nYork", "start": 4, "end": 12, "id": 1},
        {"text": "now", "start": 13, "end": 16, "id": 2},
    ]
    item = make_item(
        text, [span(text, "New\nYork", "big city")], document_extra={TOKENS_KEY: tokens}
    )
    written, problems, [doc] = write_read(tmp_path, [item], nlp)
    assert written == "See\tO\nNew_York\tB-big_city\nnow\tO\n\n"
    assert [p.reason for p in problems] == [
        "label holds whitespace: written 'big_city'",
        "token 'New\\nYork' holds whitespace: written 'New_York'",
    ]
    assert entities(doc) == [("New_York", "big_city")]


def test_a_document_without_tokens_is_reported_not_written(tmp_path: Path, nlp: Language) -> None:
    path = tmp_path / "out.conll"
    count, problems = conll.write([make_item(" \n "), make_item("Oslo")], path, nlp)
    assert count == 1
    assert [p.reason for p in problems] == ["document has no tokens: CoNLL cannot hold it"]
    assert path.read_text(encoding="utf-8") == "Oslo\tO\n\n"


def test_looks_like_conll_tells_token_files_from_other_text(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Nepal signed a deal.\n\nOfficials in Kathmandu said so.\n", "utf-8")
    jsonl = tmp_path / "tasks.txt"
    jsonl.write_text('{"text": "Nepal O"}\n', "utf-8")
    pipes = tmp_path / "pipes.txt"
    pipes.write_text("I|O like|O London|B-GPE\n", "utf-8")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"Paris\tB-LOC\n\xff\xfe\n")
    assert conll.looks_like_conll(WNUT) and conll.looks_like_conll(BTC)
    assert conll.looks_like_conll(pipes)
    assert not conll.looks_like_conll(article)
    assert not conll.looks_like_conll(jsonl)
    assert not conll.looks_like_conll(binary)
    assert conll.EXTENSIONS == (".conll", ".iob", ".iob2", ".bio")


def test_files_that_are_not_conll_are_refused_whole(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no column holds entity tags"):
        read_string(tmp_path, "Nepal signed a deal.\nOfficials said so.\n")
    with pytest.raises(FormatError, match="the file is empty"):
        read_string(tmp_path, "\n\n")
    path = tmp_path / "latin1.conll"
    path.write_bytes(b"Paris\tB-LOC\n\nZ\xfcrich\tB-LOC\n")
    with pytest.raises(FormatError, match="not UTF-8 text") as raised:
        list(conll.read(path))
    assert raised.value.line == 3


def test_a_large_file_is_streamed_not_loaded_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.conll"
    sentence = "".join(f"word{i}\t{'B-ORG' if i % 5 == 0 else 'O'}\n" for i in range(20)) + "\n"
    path.write_text(sentence * 10_000, encoding="utf-8")
    size = path.stat().st_size
    reader = conll.read(path)
    tracemalloc.start()
    try:
        count = sum(1 for item in reader if isinstance(item, DocumentRecord))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 10_000
    # Holding the file's lines, or the documents read so far, would take more than its size.
    assert peak < size / 2


@pytest.mark.parametrize("markers", [False, True], ids=["sentences", "documents"])
def test_a_token_holding_a_space_stays_one_token(tmp_path: Path, markers: bool) -> None:
    head = "-DOCSTART-\tO\n\n" if markers else ""
    content = head + "New York\tB-LOC\nis\tO\n\n# text = big  one\nbig\tO\none\tO\n\n"
    docs = documents(read_string(tmp_path, content))
    first = docs[0]
    assert token_texts(first)[:2] == ["New York", "is"]
    assert entities(first)[0] == ("New York", "LOC")
    if markers:
        assert sentence_starts(first) == [0, 2]


def test_a_long_file_reads_the_same_across_chunk_ends_with_its_bad_lines_named(
    tmp_path: Path,
) -> None:
    """Sentences are split in chunks of lines: one that crosses a chunk's end, a comment or a
    bad tag deep in the file, and runs of blank lines all read as they would on their own."""
    words = ["Kyiv", "talks", "résumé", "نص", "😀", "-"]
    sentences: list[list[tuple[str, str]]] = []
    for index in range(3000):
        tokens = [(f"w{index}" if index != 2500 else "#hashtag", "O")]
        for offset in range(index % 23):
            word = words[(index + offset) % len(words)]
            tokens.append((word, "B-LOC" if word == "Kyiv" else "O"))
        sentences.append(tokens)
    bad, commented = 2222, 1500
    lines: list[str] = []
    line_of: dict[int, int] = {}
    for index, tokens in enumerate(sentences):
        if index == commented:
            lines.append("# a note in the middle\n")
        line_of[index] = len(lines) + 1
        for number, (word, tag) in enumerate(tokens):
            lines.append(f"{word}\t{'BAD' if index == bad and number == 1 else tag}\n")
        lines += ["\n", "\n"] if index % 7 == 0 else ["\n"]
    path = tmp_path / "long.conll"
    path.write_text("".join(lines), encoding="utf-8")
    assert path.stat().st_size > 8 * conll._CHUNK

    items = list(conll.read(path))

    [problem] = bad_records(items)
    assert problem.line == line_of[bad] + 1
    assert "'BAD'" in problem.reason
    docs = documents(items)
    expected = [tokens for index, tokens in enumerate(sentences) if index != bad]
    assert [d.text for d in docs] == [" ".join(w for w, _ in tokens) for tokens in expected]
    assert [d.line for d in docs] == [line_of[i] for i in range(len(sentences)) if i != bad]
    for document, tokens in zip(docs, expected, strict=True):
        assert entities(document) == [(w, "LOC") for w, tag in tokens if tag == "B-LOC"]
    assert sum(o.count for o in omissions(items)) == 1

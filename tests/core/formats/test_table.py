"""CSV/TSV tables: the text column, metadata, bad rows by line, encodings, and round trips."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from annotator.core.errors import FormatError
from annotator.core.formats import table
from annotator.core.records import (
    AnnotationRecord,
    BadRecord,
    DocumentRecord,
    ExportItem,
    Layer,
    ReadItem,
    ReadOptions,
    RelationRecord,
    SpanRecord,
    Status,
    TopicRecord,
)
from tests.core.formats.conftest import bad_records, documents, export_item

EMOJI = '🙂🙂 Nepal signed a deal, "officially", with India; in Kathmandu.\r\nMore later.'
CYRILLIC = "В Москве Владимир Путин встретился с «Газпромом»; говорят, цены вырастут."
ARABIC = "قال محمد بن سلمان في الرياض إن أرامكو ستزيد الإنتاج، بحسب مصادر غير مؤكدة."


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.blank("en")


def write_file(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def read_all(path: Path, text_column: str | None = None) -> list[ReadItem]:
    return list(table.read(path, ReadOptions(text_column=text_column)))


def span(text: str, part: str, label: str, layer: Layer = Layer.ENTITY, **kw) -> SpanRecord:
    start = text.index(part)
    return SpanRecord(start, start + len(part), label, layer, **kw)


def make_item(text: str, spans: list[SpanRecord], **kw) -> ExportItem:
    fields = {
        "title": None,
        "meta": {},
        "annotator": "alice",
        "status": Status.DONE,
        "topics": [],
        "topic_labels": [],
        "content_hash": hashlib.sha256(text.encode()).hexdigest(),
    }
    fields.update(kw)
    return ExportItem(text=text, spans=spans, **fields)


def content(doc: DocumentRecord) -> tuple:
    """Everything a round trip must keep (the source path differs by design)."""
    return (doc.text, doc.title, doc.meta, doc.annotations, doc.line)


def test_text_title_and_every_other_column_as_meta(tmp_path: Path) -> None:
    path = write_file(
        tmp_path / "news.csv",
        "ID,Title,Body,Source,Empty\n"
        "7,First headline,The first article.,Reuters,\n"
        "8,,The second article.,AP,\n",
    )
    first, second = read_all(path)
    assert first == DocumentRecord(
        text="The first article.",
        title="First headline",
        source=str(path),
        meta={"ID": "7", "Source": "Reuters", "Empty": ""},
        line=2,
    )
    assert (second.title, second.meta, second.line) == (
        None,
        {"ID": "8", "Source": "AP", "Empty": ""},
        3,
    )


def test_text_column_preference_follows_the_list(tmp_path: Path) -> None:
    path = write_file(tmp_path / "t.csv", "Content,FULL_TEXT,TEXT\nsummary,long,the text\n")
    [doc] = documents(read_all(path))
    assert doc.text == "the text"
    assert doc.meta == {"Content": "summary", "FULL_TEXT": "long"}


def test_text_column_option_picks_any_column(tmp_path: Path) -> None:
    path = write_file(tmp_path / "t.csv", "text,Lede\nshort,The lede is the article.\n")
    [doc] = documents(read_all(path, text_column="lede"))
    assert doc.text == "The lede is the article."
    assert doc.meta == {"text": "short"}


def test_missing_text_column_option_lists_the_columns(tmp_path: Path) -> None:
    path = write_file(tmp_path / "t.csv", "text,Lede\na,b\n")
    with pytest.raises(FormatError) as error:
        read_all(path, text_column="story")
    assert error.value.line == 1
    assert error.value.reason == "no column 'story'; the columns are 'text', 'Lede'"


def test_no_text_column_lists_the_header_and_the_option(tmp_path: Path) -> None:
    path = write_file(tmp_path / "t.csv", "headline,story\na,b\n")
    with pytest.raises(FormatError) as error:
        read_all(path)
    assert "'headline', 'story'" in error.value.reason
    assert "pass --text-column NAME" in error.value.reason


def test_quoted_newlines_keep_text_exactly_and_lines_count_physical_lines(
    tmp_path: Path,
) -> None:
    path = write_file(
        tmp_path / "t.csv",
        'text,title\n"First line\r\nsecond line\n\nfourth",A\n"   ",B\nplain,C\n',
    )
    items = read_all(path)
    first, third = documents(items)
    assert first.text == "First line\r\nsecond line\n\nfourth"
    assert first.line == 2
    assert bad_records(items) == [
        BadRecord(6, "the text is empty (only whitespace) in column 'text'")
    ]
    assert (third.text, third.line) == ("plain", 7)


def test_bom_is_not_part_of_the_first_column_name(tmp_path: Path) -> None:
    path = write_file(tmp_path / "t.csv", "\ufefftext,title\nA story.,T\n")
    [doc] = documents(read_all(path))
    assert (doc.text, doc.title, doc.meta) == ("A story.", "T", {})


def test_extra_cells_are_a_bad_record_and_missing_cells_are_empty(tmp_path: Path) -> None:
    path = write_file(
        tmp_path / "t.csv",
        "text,title,source\none,A,x,surplus\ntwo\nthree,C,z,,\n",
    )
    items = read_all(path)
    assert bad_records(items) == [BadRecord(2, "the row has 4 cells but the header has 3 columns")]
    two, three = documents(items)
    assert (two.text, two.title, two.meta, two.line) == ("two", None, {"source": ""}, 3)
    # Trailing empty cells (a spreadsheet's stray delimiters) hold nothing: not an error.
    assert (three.text, three.meta, three.line) == ("three", {"source": "z"}, 4)


def test_blank_lines_between_rows_are_skipped(tmp_path: Path) -> None:
    path = write_file(tmp_path / "t.csv", "text\none\n\ntwo\n")
    assert [(d.text, d.line) for d in documents(read_all(path))] == [("one", 2), ("two", 4)]


def test_not_utf8_names_the_line_and_says_to_save_as_utf8(tmp_path: Path) -> None:
    path = write_file(tmp_path / "t.csv", "text\nok\nCaf\xe9 cr\xe8me\n".encode("latin-1"))
    with pytest.raises(FormatError) as error:
        read_all(path)
    assert error.value.line == 3
    assert "save the file as UTF-8" in error.value.reason


def test_rows_stream_before_a_later_error(tmp_path: Path) -> None:
    rows = "".join(f"row {n}\n" for n in range(5000))
    path = write_file(tmp_path / "t.csv", b"text\n" + rows.encode() + b"\xff\n")
    reader = table.read(path, ReadOptions())
    assert next(reader).text == "row 0"
    with pytest.raises(FormatError) as error:
        list(reader)
    assert error.value.line == 5002


def test_unclosed_quote_is_refused_with_its_line(tmp_path: Path) -> None:
    path = write_file(tmp_path / "t.csv", 'text\nfine\n"never closed\nrest\nof the file\n')
    with pytest.raises(FormatError) as error:
        read_all(path)
    assert error.value.reason == "malformed CSV: unexpected end of data"
    assert error.value.line == 5


def test_semicolon_delimiter_is_sniffed(tmp_path: Path) -> None:
    path = write_file(
        tmp_path / "t.csv",
        "text;title;source\nPrices rose, analysts said.;Markets;Reuters\n"
        "Talks, it seems, stalled.;Talks;AP\n",
    )
    docs = documents(read_all(path))
    assert [(d.text, d.title, d.meta) for d in docs] == [
        ("Prices rose, analysts said.", "Markets", {"source": "Reuters"}),
        ("Talks, it seems, stalled.", "Talks", {"source": "AP"}),
    ]


def test_tsv_is_tab_separated_whatever_the_text_holds(tmp_path: Path) -> None:
    path = write_file(tmp_path / "t.tsv", "title\ttext\nA, B; C\tOne, two; three.\n")
    [doc] = documents(read_all(path))
    assert (doc.text, doc.title) == ("One, two; three.", "A, B; C")


def test_a_text_longer_than_csvs_default_field_limit(tmp_path: Path) -> None:
    long_text = "word " * 60_000  # 300,000 characters; the default limit is 131,072
    path = write_file(tmp_path / "t.csv", f'text\n"{long_text}"\n')
    [doc] = documents(read_all(path))
    assert doc.text == long_text


def test_doubled_column_names_are_refused(tmp_path: Path) -> None:
    path = write_file(tmp_path / "t.csv", "text,note,note\na,b,c\n")
    with pytest.raises(FormatError, match="'note' more than once"):
        read_all(path)


def test_our_annotation_columns_are_read_back(tmp_path: Path) -> None:
    path = write_file(
        tmp_path / "t.csv",
        "text,title,annotator,status,entities,unreliable,topics\n"
        '"Nepal met India.",,bob,in_progress,"[[0, 5, ""GPE"", ""Q837""], [10, 15, ""GPE""]]",'
        '"[[0, 16, ""hearsay"", null], [6, 9, ""vague"", ""a note""]]",'
        '"{""politics"": true, ""sport"": false}"\n'
        "Unannotated.,,,,,,\n",
    )
    annotated, plain = documents(read_all(path))
    assert annotated.annotations == [
        AnnotationRecord(
            "bob",
            Status.IN_PROGRESS,
            [
                SpanRecord(0, 5, "GPE", kb_id="Q837"),
                SpanRecord(10, 15, "GPE"),
                SpanRecord(0, 16, "hearsay", Layer.UNRELIABLE),
                SpanRecord(6, 9, "vague", Layer.UNRELIABLE, "a note"),
            ],
            [TopicRecord("politics", True), TopicRecord("sport", False)],
        )
    ]
    assert annotated.meta == {}
    assert plain.annotations == []


@pytest.mark.parametrize(
    ("column", "cell", "reason"),
    [
        ("entities", '"[[0, 5, ""GPE""]"', "column 'entities': malformed JSON: "),
        ("unreliable", '"[[0, 5, ""x""]]"', "column 'unreliable': each entry must be "),
        ("topics", '"[""politics""]"', "column 'topics': must hold an object, not list"),
        ("status", "finished", "column 'status': unknown status 'finished'"),
    ],
)
def test_a_bad_annotation_cell_is_a_bad_record_naming_the_column(
    tmp_path: Path, column: str, cell: str, reason: str
) -> None:
    cells = {"annotator": "bob", "status": "done", "entities": "", "unreliable": "", "topics": ""}
    cells[column] = cell
    path = write_file(
        tmp_path / "t.csv",
        "text,annotator,status,entities,unreliable,topics\n"
        "Good row.,bob,done,,,\n"
        f"Nepal met India.,{','.join(cells.values())}\n",
    )
    items = read_all(path)
    [bad] = bad_records(items)
    assert bad.line == 3
    assert bad.reason.startswith(reason)
    assert [d.text for d in documents(items)] == ["Good row."]


def test_a_users_own_status_column_stays_metadata(tmp_path: Path) -> None:
    path = write_file(tmp_path / "t.csv", "text,status,topics\nStory.,published,politics\n")
    [doc] = documents(read_all(path))
    assert doc.meta == {"status": "published", "topics": "politics"}
    assert doc.annotations == []


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_round_trip_keeps_texts_spans_topics_and_meta(
    tmp_path: Path, nlp: Language, suffix: str
) -> None:
    items = [
        make_item(
            EMOJI,
            [
                span(EMOJI, "Nepal", "GPE", kb_id="Q837"),
                span(EMOJI, "India", "GPE"),
                span(EMOJI, '"officially"', "doubt", Layer.UNRELIABLE, note='a "quoted",\tnote'),
                span(EMOJI, "signed a deal", "hearsay", Layer.UNRELIABLE),
            ],
            title='Emoji; title, with "quotes"',
            meta={"url": "https://example.org/a", "source": "Reuters"},
            topics=[TopicRecord("politics"), TopicRecord("sport", False)],
        ),
        make_item(
            CYRILLIC,
            [
                span(CYRILLIC, "Владимир Путин", "PER"),
                span(CYRILLIC, "цены вырастут", "спекуляция", Layer.UNRELIABLE),
            ],
            title="Заголовок",
            meta={"desk": "Москва"},
            annotator="борис",
            status=Status.SKIPPED,
        ),
        make_item(
            ARABIC,
            [
                span(ARABIC, "الرياض", "LOC"),
                span(ARABIC, "بحسب مصادر غير مؤكدة", "غير مؤكد", Layer.UNRELIABLE),
            ],
            meta={"source": "", "url": "https://example.org/ع"},
        ),
        make_item("Nobody annotated this, yet.", [], annotated=False, meta={"source": "AP"}),
    ]
    first_path = tmp_path / f"first{suffix}"
    count, problems = table.write(iter(items), first_path, nlp)
    assert (count, problems) == (4, [])

    first = documents(read_all(first_path))
    assert [d.text for d in first] == [item.text for item in items]
    assert [d.line for d in first] == [2, 4, 5, 6]  # EMOJI's \r\n is inside its quoted cell
    emoji_doc = first[0]
    assert emoji_doc.title == items[0].title
    assert emoji_doc.meta == {"url": "https://example.org/a", "source": "Reuters", "desk": ""}
    [annotation] = emoji_doc.annotations
    assert (annotation.annotator, annotation.status) == ("alice", Status.DONE)
    assert annotation.spans == items[0].spans
    assert annotation.topics == items[0].topics
    assert first[1].annotations[0].spans == items[1].spans
    assert first[1].annotations[0].status is Status.SKIPPED
    assert first[2].annotations[0].spans == items[2].spans
    assert first[3].annotations == []

    second_path = tmp_path / f"second{suffix}"
    table.write([export_item(doc) for doc in first], second_path, nlp)
    assert [content(d) for d in documents(read_all(second_path))] == [content(d) for d in first]
    assert second_path.read_bytes() == first_path.read_bytes()


def test_a_users_table_round_trips_exactly(tmp_path: Path, nlp: Language) -> None:
    path = write_file(
        tmp_path / "in.csv",
        f'Body,Title,Source,Empty\n"{CYRILLIC}",Заголовок,ТАСС,\n{ARABIC},,الجزيرة,\n',
    )
    first = documents(read_all(path))
    out = tmp_path / "out.csv"
    table.write([export_item(doc) for doc in first], out, nlp)
    assert [content(d) for d in documents(read_all(out))] == [content(d) for d in first]


def test_meta_keys_go_to_the_header_in_first_seen_order(tmp_path: Path, nlp: Language) -> None:
    items = (
        make_item(f"Text {n}.", [], meta=meta, annotated=False)
        for n, meta in enumerate([{"b": "1"}, {"a": "2", "b": "3"}, {"c": 4, "d": None}])
    )
    out = tmp_path / "out.csv"
    table.write(items, out, nlp)
    assert out.read_text(encoding="utf-8").splitlines() == [
        "text,title,b,a,c,d,annotator,status,entities,unreliable,topics",
        "Text 0.,,1,,,,,,,,",
        "Text 1.,,3,2,,,,,,,",
        "Text 2.,,,,4,,,,,,",
    ]
    # The spill file beside the target is gone.
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_writer_reports_what_a_table_cannot_hold(tmp_path: Path, nlp: Language) -> None:
    text = "Nepal met India in Kathmandu."
    spans = [
        span(text, "Nepal", "GPE"),
        span(text, "India", "GPE", rejected=True),
        span(text, "Kathmandu", "place", Layer.GROUP, group="places"),
        span(text, "met", "", Layer.ARGUMENT),
        span(text, "in", "GPE", attributes={"negated": True}),
    ]
    item = make_item(
        text,
        spans,
        relations=[RelationRecord(0, 3, "MEETS")],
        meta={"status": "published", "source": "AP"},
    )
    out = tmp_path / "out.csv"
    count, problems = table.write([item], out, nlp)
    assert count == 1
    assert [(p.start, p.end, p.label) for p in problems] == [
        (0, 0, "status"),
        (10, 15, "GPE"),
        (19, 28, "place"),
        (6, 9, ""),
        (16, 18, "GPE"),
        (0, 9, "MEETS"),
    ]
    assert problems[0].reason.startswith("metadata 'status' has the name of a column")
    assert problems[1].reason == "a rejected span cannot be held"
    assert problems[2].reason.startswith("group spans cannot be held")
    assert problems[4].reason.startswith("the span's attributes {'negated': True}")
    assert problems[5].reason.startswith("relations cannot be held")
    [doc] = documents(read_all(out))
    assert doc.annotations[0].spans == [spans[0], SpanRecord(16, 18, "GPE")]
    assert doc.meta == {"source": "AP"}

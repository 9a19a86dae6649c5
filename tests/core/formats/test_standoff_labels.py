"""SemEval-style stand-off passage labels: articles found beside or near the labels, bad rows by
line, overlapping and comma labels, and round trips."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from annotator.core.errors import FormatError
from annotator.core.formats import standoff_labels
from annotator.core.formats.standoff_labels import looks_like_labels, texts_for
from annotator.core.records import (
    AnnotationRecord,
    BadRecord,
    DocumentRecord,
    ExportItem,
    LabelKind,
    Layer,
    ReadItem,
    ReadOptions,
    RelationRecord,
    SchemeLabel,
    SpanRecord,
    Status,
    TopicRecord,
)
from tests.core.formats.conftest import bad_records, documents, export_item, scheme_labels

EMOJI = "🙂🙂 Nepal signed a deal with India in Kathmandu, officials said.\r\nMore later.\n"
CYRILLIC = "Заголовок\n\nВ Москве говорят, что цены вырастут — «все это знают».\n"
ARABIC = "قال محمد بن سلمان في الرياض إن أرامكو ستزيد الإنتاج، بحسب مصادر غير مؤكدة."


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.blank("en")


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def read_all(path: Path) -> list[ReadItem]:
    return list(standoff_labels.read(path, ReadOptions()))


def passage(text: str, part: str, label: str) -> SpanRecord:
    start = text.index(part)
    return SpanRecord(start, start + len(part), label, Layer.UNRELIABLE)


def rows(article_id: str, text: str, *spans: tuple[str, str]) -> list[str]:
    return [
        f"{article_id}\t{label}\t{text.index(part)}\t{text.index(part) + len(part)}\n"
        for part, label in spans
    ]


def content(doc: DocumentRecord) -> tuple:
    return (doc.text, doc.title, doc.meta, doc.annotations)


def test_a_labels_file_for_several_articles_in_any_order(tmp_path: Path) -> None:
    write(tmp_path / "article111.txt", EMOJI)
    write(tmp_path / "article222.txt", CYRILLIC)
    one = rows(
        "111", EMOJI, ("Nepal signed a deal", "Loaded_Language"), ("officials said", "Doubt")
    )
    two = rows("222", CYRILLIC, ("цены вырастут", "Doubt"), ("«все это знают»", "Bandwagon"))
    path = write(tmp_path / "train.labels", one[0] + two[0] + "\n" + one[1] + two[1])
    items = read_all(path)
    assert scheme_labels(items) == [
        SchemeLabel(LabelKind.RELIABILITY, label)
        for label in ("Loaded_Language", "Doubt", "Bandwagon")
    ]
    first, second = documents(items)
    assert first == DocumentRecord(
        text=EMOJI,
        title="🙂🙂 Nepal signed a deal with India in Kathmandu, officials said.",
        source=str(path),
        meta={"file": "article111.txt", "article_id": "111"},
        annotations=[
            AnnotationRecord(
                None,
                Status.DONE,
                [
                    passage(EMOJI, "Nepal signed a deal", "Loaded_Language"),
                    passage(EMOJI, "officials said", "Doubt"),
                ],
            )
        ],
        line=1,
    )
    # Code points, not UTF-16 units: the two emoji count one each.
    assert first.annotations[0].spans[0].start == 3
    assert (second.text, second.line, second.meta["article_id"]) == (CYRILLIC, 2, "222")
    assert [s.label for s in second.annotations[0].spans] == ["Doubt", "Bandwagon"]


def test_overlapping_passages_and_labels_with_commas_are_kept(tmp_path: Path) -> None:
    write(tmp_path / "article5.txt", ARABIC)
    labels = rows(
        "5",
        ARABIC,
        ("محمد بن سلمان في الرياض", "Name_Calling,Labeling"),
        ("في الرياض إن أرامكو", "Exaggeration,Minimisation"),
        ("محمد بن سلمان في الرياض", "Appeal_to_Authority"),
    )
    path = write(tmp_path / "article5.task2-TC.labels", "".join(labels))
    [doc] = documents(read_all(path))
    assert doc.annotations[0].spans == [
        passage(ARABIC, "محمد بن سلمان في الرياض", "Name_Calling,Labeling"),
        passage(ARABIC, "في الرياض إن أرامكو", "Exaggeration,Minimisation"),
        passage(ARABIC, "محمد بن سلمان في الرياض", "Appeal_to_Authority"),
    ]


def test_texts_are_found_in_a_folder_beside_the_labels(tmp_path: Path) -> None:
    """SemEval's layout: train-articles/ beside train-labels-task2-technique-classification/."""
    write(tmp_path / "train-articles" / "article1.txt", "Text one.")
    write(tmp_path / "train-articles" / "article2.txt", "Text two, elsewhere.")
    write(tmp_path / "train-articles" / "notes.txt", "Not an article.")
    labels_dir = tmp_path / "train-labels-task2-technique-classification"
    write(labels_dir / "article2.txt", "Text two, here.")
    path = write(labels_dir / "train.labels", "1\tDoubt\t0\t4\n2\tDoubt\t0\t4\n")
    # The labels file's own folder wins over the folders beside it.
    assert texts_for(path) == {
        "1": (tmp_path / "train-articles" / "article1.txt").resolve(),
        "2": (labels_dir / "article2.txt").resolve(),
    }
    one, two = documents(read_all(path))
    assert (one.text, two.text) == ("Text one.", "Text two, here.")


def test_an_article_without_text_is_a_bad_record_at_its_first_row(tmp_path: Path) -> None:
    write(tmp_path / "article1.txt", "Text one.")
    path = write(tmp_path / "all.labels", "1\tDoubt\t0\t4\n9\tDoubt\t0\t4\n9\tSlogans\t5\t8\n")
    items = read_all(path)
    assert bad_records(items) == [
        BadRecord(2, "no text file article9.txt next to all.labels or in a folder beside it")
    ]
    assert [d.meta["article_id"] for d in documents(items)] == ["1"]


def test_malformed_rows_make_their_article_a_bad_record_naming_the_lines(tmp_path: Path) -> None:
    write(tmp_path / "article1.txt", "Text one is fine.")
    write(tmp_path / "article2.txt", "Text two has bad rows.")
    path = write(
        tmp_path / "all.labels",
        "1\tDoubt\t0\t4\n"
        "2\tDoubt\t0\n"
        "2\tDoubt\tzero\t4\n"
        "2\tDoubt\t9\t9\n"
        "2\t \t0\t4\n"
        "a stray line\n"
        "1\tSlogans\t5\t8\n",
    )
    items = read_all(path)
    assert bad_records(items) == [
        BadRecord(6, "expected id<TAB>label<TAB>start<TAB>end, found no TAB"),
        BadRecord(
            2,
            "article 2: line 2: expected id<TAB>label<TAB>start<TAB>end (4 fields), found 3; "
            "line 3: start 'zero' and end '4' must be integers; "
            "line 4: end 9 is not after start 9; line 5: the label is empty",
        ),
    ]
    [doc] = documents(items)
    assert [(s.start, s.end, s.label) for s in doc.annotations[0].spans] == [
        (0, 4, "Doubt"),
        (5, 8, "Slogans"),
    ]


def test_crlf_rows_and_a_bom_are_read_and_the_text_is_kept_exactly(tmp_path: Path) -> None:
    text = "\r\n  Leading blank line and spaces.\r\n"
    write(tmp_path / "article3.txt", text)
    path = write(tmp_path / "article3.labels", "\ufeff3\tDoubt\t4\t11\r\n")
    [doc] = documents(read_all(path))
    assert doc.text == text
    assert doc.annotations[0].spans == [SpanRecord(4, 11, "Doubt", Layer.UNRELIABLE)]


def test_an_empty_per_article_labels_file_is_an_article_without_passages(tmp_path: Path) -> None:
    write(tmp_path / "article4.txt", "Nothing wrong here.")
    path = write(tmp_path / "article4.task2-TC.labels", "")
    [doc] = documents(read_all(path))
    assert doc.meta == {"file": "article4.txt", "article_id": "4"}
    assert doc.annotations == [AnnotationRecord(None, Status.DONE, [])]


def test_an_empty_labels_file_that_names_no_article_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no id<TAB>label<TAB>start<TAB>end rows"):
        read_all(write(tmp_path / "train.labels", "\n"))


def test_invalid_utf8_in_the_labels_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "all.labels", b"1\tDoubt\t0\t4\n1\tCaf\xe9\t0\t4\n")
    with pytest.raises(FormatError, match="invalid UTF-8") as error:
        read_all(path)
    assert error.value.line == 2


def test_invalid_utf8_in_a_text_is_a_bad_record(tmp_path: Path) -> None:
    write(tmp_path / "article1.txt", b"Caf\xe9")
    path = write(tmp_path / "all.labels", "1\tDoubt\t0\t3\n")
    [bad] = bad_records(read_all(path))
    assert bad.line == 1
    assert "article1.txt" in bad.reason and "invalid UTF-8" in bad.reason


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("any.labels", "", True),
        ("train.tsv", "111\tDoubt\t0\t4\n111\tName_Calling,Labeling\t5\t9\n", True),
        ("gold.txt", "111\tDoubt\t0\t4\r\n\r\n", True),
        ("table.tsv", "id\tlabel\tstart\tend\n111\tDoubt\t0\t4\n", False),
        ("article1.txt", "A headline\n\nThe article text.\n", False),
        ("spans.tsv", "111\t0\t4\n", False),
        ("rows.csv", "111\tDoubt\t0\t4\n", False),
        ("empty.tsv", "", False),
    ],
)
def test_looks_like_labels(tmp_path: Path, name: str, content: str, expected: bool) -> None:
    assert looks_like_labels(write(tmp_path / name, content)) is expected


def test_round_trip_with_cyrillic_arabic_and_emoji(tmp_path: Path, nlp: Language) -> None:
    source = tmp_path / "in"
    write(source / "article111.txt", EMOJI)
    write(source / "article222.txt", CYRILLIC)
    write(source / "article333.txt", ARABIC)
    labels = rows(
        "111", EMOJI, ("Nepal signed a deal", "Loaded_Language"), ("officials said", "Doubt")
    )
    labels += rows("222", CYRILLIC, ("цены вырастут", "Doubt"), ("вырастут — «все", "Flag,Waving"))
    labels += rows("333", ARABIC, ("بحسب مصادر غير مؤكدة", "Doubt"))
    first = documents(read_all(write(source / "train.labels", "".join(labels))))
    assert len(first) == 3

    out = tmp_path / "out"
    out.mkdir()
    count, problems = standoff_labels.write((export_item(doc) for doc in first), out, nlp)
    assert (count, problems) == (3, [])
    assert sorted(p.name for p in out.iterdir()) == [
        "article111.labels",
        "article111.txt",
        "article222.labels",
        "article222.txt",
        "article333.labels",
        "article333.txt",
    ]
    again = [documents(read_all(out / f"article{i}.labels"))[0] for i in ("111", "222", "333")]
    assert [content(d) for d in again] == [content(d) for d in first]
    assert (out / "article111.txt").read_bytes() == EMOJI.encode("utf-8")


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


def test_writer_ids_come_from_meta_when_safe_and_free(tmp_path: Path, nlp: Language) -> None:
    items = [
        make_item("One.", [], meta={"article_id": "2"}),
        make_item("Two.", [], meta={"article_id": "../x"}),
        make_item("Three.", [], meta={"article_id": "2"}),
        make_item("Four.", [], meta={"article_id": 77}),
        make_item("Five.", [], meta={"file": "five.txt"}, annotated=False),
    ]
    count, _ = standoff_labels.write(items, tmp_path, nlp)
    assert count == 5
    written = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    assert written == {
        "article2.txt": "One.",
        "article2.labels": "",
        "article1.txt": "Two.",
        "article1.labels": "",
        "article3.txt": "Three.",
        "article3.labels": "",
        "article77.txt": "Four.",
        "article77.labels": "",
        # Nobody annotated it: its text only, so it reads back as a plain text.
        "article4.txt": "Five.",
    }


def test_writer_reports_everything_but_unreliable_passages(tmp_path: Path, nlp: Language) -> None:
    text = "Nepal met India in Kathmandu, officials said."
    spans = [
        passage(text, "officials said", "Doubt"),
        SpanRecord(0, 5, "GPE"),
        SpanRecord(10, 15, "GPE", Layer.ENTITY, rejected=True),
        SpanRecord(19, 28, "Doubt", Layer.UNRELIABLE, note="check the source"),
        SpanRecord(0, 9, "Bad\tlabel", Layer.UNRELIABLE),
    ]
    item = make_item(
        text,
        spans,
        relations=[RelationRecord(1, 3, "LOCATED_IN")],
        topics=[TopicRecord("politics"), TopicRecord("sport", False)],
        status=Status.IN_PROGRESS,
        meta={"article_id": "9"},
    )
    count, problems = standoff_labels.write([item], tmp_path, nlp)
    assert count == 1
    assert [(p.start, p.end, p.label, p.reason) for p in problems] == [
        (0, 5, "GPE", "this format holds only unreliable passages"),
        (10, 15, "GPE", "a rejected span cannot be held"),
        (19, 28, "Doubt", "the note 'check the source' cannot be held; written without it"),
        (0, 9, "Bad\tlabel", "a reason with a TAB or line break"),
        (0, 28, "LOCATED_IN", "relations cannot be held"),
        (0, 0, "politics", "topics cannot be held (this one applies)"),
        (0, 0, "sport", "topics cannot be held (this one does not apply)"),
        (0, 0, "in_progress", "the status cannot be held; it reads back as done"),
    ]
    assert (tmp_path / "article9.labels").read_text(encoding="utf-8") == (
        "9\tDoubt\t30\t44\n9\tDoubt\t19\t28\n"
    )

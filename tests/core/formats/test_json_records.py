"""Records in .json files, with the line each starts on, and what a broken .jsonl really is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import FormatError
from annotator.core.formats import json_records
from annotator.core.formats.json_records import (
    ARRAY,
    LIKELY_ARRAY,
    SPREAD_OBJECT,
    describe_jsonl_mistake,
    iter_json_records,
)
from annotator.core.records import BadRecord, Omission

PRODIGY_TASK = {
    "text": "🙂 Apple opened a store in Москва.",
    "meta": {"source": "news"},
    "spans": [{"start": 2, "end": 7, "label": "ORG"}, {"start": 27, "end": 33, "label": "GPE"}],
    "answer": "accept",
    "_input_hash": 1,
    "_task_hash": 2,
}


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def records(path: Path) -> list:
    return list(iter_json_records(path))


def test_a_pretty_printed_prodigy_object_is_one_record_at_line_one(tmp_path: Path) -> None:
    path = write(tmp_path / "task.json", json.dumps(PRODIGY_TASK, ensure_ascii=False, indent=2))
    assert records(path) == [(1, PRODIGY_TASK)]


def test_an_array_of_doccano_records_gives_each_ones_start_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "doccano.json",
        "\ufeff[\n"
        '  {"id": 1, "text": "Nepal met India.", "label": [[0, 5, "GPE"]]},\n'
        "\n"
        "  {\n"
        '    "id": 2,\n'
        '    "text": "قال محمد",\n'
        '    "label": []\n'
        '  }, {"id": 3, "text": "third", "label": []}\n'
        "]\n",
    )
    assert records(path) == [
        (2, {"id": 1, "text": "Nepal met India.", "label": [[0, 5, "GPE"]]}),
        (4, {"id": 2, "text": "قال محمد", "label": []}),
        (8, {"id": 3, "text": "third", "label": []}),
    ]


def test_an_element_that_is_not_an_object_is_a_bad_record(tmp_path: Path) -> None:
    path = write(
        tmp_path / "mixed.json",
        '[\n  {"text": "one"},\n  [0, 5, "GPE"],\n  "loose text",\n  null,\n  {"text": "two"}\n]',
    )
    assert records(path) == [
        (2, {"text": "one"}),
        BadRecord(3, "expected a JSON object, found list"),
        BadRecord(4, "expected a JSON object, found str"),
        BadRecord(5, "expected a JSON object, found null"),
        (6, {"text": "two"}),
    ]


def test_records_under_one_key_are_the_records(tmp_path: Path) -> None:
    path = write(
        tmp_path / "wrapped.json",
        '{\n  "version": 2,\n  "labels": ["GPE", "ORG"],\n  "examples": [\n'
        '    {"text": "one"},\n    {"text": "two"}\n  ]\n}\n',
    )
    assert records(path) == [
        Omission(
            "top-level keys beside 'examples': 'version', 'labels'",
            "only the records under 'examples' are imported",
            2,
        ),
        (5, {"text": "one"}),
        (6, {"text": "two"}),
    ]


def test_an_object_with_two_lists_of_records_is_itself_one_record(tmp_path: Path) -> None:
    obj = {"train": [{"text": "a"}], "dev": [{"text": "b"}]}
    path = write(tmp_path / "split.json", json.dumps(obj, indent=2))
    assert records(path) == [(1, obj)]


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.json", '[\n  {"text": "one"},\n  {"text": "two",}\n]')
    with pytest.raises(FormatError) as error:
        records(path)
    assert error.value.line == 3
    assert error.value.reason == (
        "malformed JSON: Expecting property name enclosed in double quotes (column 18)"
    )


def test_a_missing_comma_between_elements_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.json", '[\n  {"text": "one"}\n  {"text": "two"}\n]')
    with pytest.raises(FormatError) as error:
        records(path)
    assert (error.value.line, error.value.reason) == (
        3,
        "malformed JSON: expected ',' or ']' after an array element (column 3)",
    )


def test_json_lines_saved_as_json_is_refused_at_the_second_object(tmp_path: Path) -> None:
    path = write(tmp_path / "lines.json", '{"text": "one"}\n{"text": "two"}\n')
    with pytest.raises(FormatError) as error:
        records(path)
    assert (error.value.line, error.value.reason) == (
        2,
        "malformed JSON: extra data after the JSON value (column 1)",
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("  \n", "the file is empty (no JSON records)"),
        ("\n[ ]", "the JSON array is empty (no records) (column 1)"),
        ('"just a string"', "expected a JSON array or object, found str (column 1)"),
    ],
)
def test_files_without_records_are_refused(tmp_path: Path, content: str, reason: str) -> None:
    with pytest.raises(FormatError) as error:
        records(write(tmp_path / "x.json", content))
    assert error.value.reason == reason


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "x.json", b'[\n{"text": "caf\xe9"}\n]')
    with pytest.raises(FormatError, match="invalid UTF-8") as error:
        records(path)
    assert error.value.line == 2


def test_describe_a_pretty_printed_object(tmp_path: Path) -> None:
    path = write(tmp_path / "x.jsonl", json.dumps(PRODIGY_TASK, indent=2))
    assert describe_jsonl_mistake(path) == SPREAD_OBJECT


def test_describe_a_pretty_printed_object_larger_than_the_sample(tmp_path: Path) -> None:
    big = dict(PRODIGY_TASK, text="word " * 20_000)  # 100 KB: parsed whole, under 50 MB
    path = write(tmp_path / "x.jsonl", json.dumps(big, indent=2))
    assert describe_jsonl_mistake(path) == SPREAD_OBJECT


def test_describe_an_array_on_several_lines_and_on_one(tmp_path: Path) -> None:
    pretty = write(tmp_path / "a.jsonl", json.dumps([PRODIGY_TASK, PRODIGY_TASK], indent=2))
    one_line = write(tmp_path / "b.jsonl", json.dumps([PRODIGY_TASK]))
    assert describe_jsonl_mistake(pretty) == ARRAY
    assert describe_jsonl_mistake(one_line) == ARRAY


def test_describe_an_array_too_big_to_parse_says_it_looks_like_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_records, "FULL_PARSE_BYTES", 100_000)
    path = write(tmp_path / "a.jsonl", json.dumps([PRODIGY_TASK] * 2000, indent=2))
    assert path.stat().st_size > 100_000
    assert describe_jsonl_mistake(path) == LIKELY_ARRAY


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "c.jsonl",
            'text,title,source\n"Nepal, India",Talks,AP\nMore,Other,Reuters\n',
            "this looks like CSV (a table with the columns text, title, source), not JSON Lines;"
            " save it as .csv",
        ),
        (
            "t.jsonl",
            "id\ttext\n1\tNepal met India.\n",
            "this looks like TSV (a table with the columns id, text), not JSON Lines;"
            " save it as .tsv",
        ),
    ],
)
def test_describe_a_table(tmp_path: Path, name: str, content: str, expected: str) -> None:
    assert describe_jsonl_mistake(write(tmp_path / name, content)) == expected


@pytest.mark.parametrize(
    "content",
    [
        "Just an article, written as prose. It has commas, but no table.\nSecond line.\n",
        '{"text": "one"}\n{"text": "two",\n',  # the first line is fine: the mistake is later
        '{"text": "never closed",\n  "meta": {\n',
        "",
    ],
)
def test_describe_says_nothing_when_it_cannot_tell(tmp_path: Path, content: str) -> None:
    assert describe_jsonl_mistake(write(tmp_path / "x.jsonl", content)) is None

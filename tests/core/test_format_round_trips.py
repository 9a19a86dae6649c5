"""Every format we write reads back to what was written: export, import into a new project,
export again, and the two exports agree field by field; what a format cannot hold is reported
by the writer, never lost without a word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.project import Project
from annotator.core.records import Layer


@pytest.fixture
def project_path(project_target: Path | str) -> Path | str:
    """Every test of this module runs on a SQLite file and on a PostgreSQL database."""
    return project_target


TEXT = "🙂 В Москве Путин встретился с Си Цзиньпином. قال مسؤول إن الاتفاق تاريخي، بحسب مصادر."
SOURCE = {
    "text": TEXT,
    "entities": [
        {"id": 1, "label": "GPE", "start_offset": TEXT.index("Москве"), "end_offset": 10},
        {"id": 2, "label": "PERSON", "start_offset": 11, "end_offset": 16},
        {"id": 3, "label": "PERSON", "start_offset": 30, "end_offset": 43},
    ],
    "relations": [{"id": 7, "from_id": 2, "to_id": 3, "type": "MET", "Comments": "summit"}],
    "links": [[11, 16, "Q7747"]],
    "attributes": [[30, 43, "PERSON", {"role": "guest"}]],
    "notes": [[2, 10, "GPE", "capital"]],
    "unreliable_notes": [],
    "cats": {"diplomacy": 1.0, "economy": 0.0},
    "span_groups": [[45, 54, "QUOTE", "quotes"]],
    "Comments": ["checked twice"],
    "user": "alice",
}


@pytest.fixture
def original(tmp_path: Path) -> Path:
    """A project with one rich set: entities with a link, an attribute and a note, a
    relation, an unreliable passage with a note, a topic, a kept custom field."""
    assert TEXT[2:10] == "В Москве" and TEXT[11:16] == "Путин"
    source = tmp_path / "source.jsonl"
    source.write_text(json.dumps(SOURCE, ensure_ascii=False) + "\n", encoding="utf-8")
    path = tmp_path / "original.annotator"
    with Project.open(path) as project:
        report = project.import_paths([source])
        assert report.skipped_records == [] and report.relations == 1
        start = TEXT.index("بحسب مصادر")
        project.edits.add_span(
            1, "alice", start, start + 10, "unverifiable", layer=Layer.UNRELIABLE, note="who?"
        )
    return path


def content(path: Path) -> dict:
    """Everything a set holds, as comparable values: spans with note, link and attributes,
    topic decisions, relations by their ends."""
    from annotator.core.relations import relations

    with Project.open(path, create=False) as project:
        annotation = project.edits.annotation(1, "alice")
        assert annotation is not None
        return {
            "spans": {
                (s.start, s.end, s.layer.value, s.label): (
                    s.note,
                    s.kb_id,
                    json.dumps(s.attributes, sort_keys=True),
                )
                for s in annotation.spans
            },
            "topics": annotation.topics,
            "relations": {
                (r.label, r.head.start, r.head.end, r.child.start, r.child.end)
                for r in relations(project, 1, "alice")
            },
        }


def unreported_losses(before: dict, after: dict, problems: list) -> list[str]:
    """What the round trip lost that no export problem names (a span by its offsets and
    label, a relation or a topic by its label): must be nothing."""
    at = {(p.start, p.end, p.label) for p in problems}
    named = {p.label for p in problems}
    lost = [
        f"span {where} {held}"
        for where, held in before["spans"].items()
        if after["spans"].get(where) != held and (where[0], where[1], where[3]) not in at
    ]
    lost += [
        f"relation {relation}"
        for relation in before["relations"] - after["relations"]
        if relation[0] not in named
    ]
    lost += [
        f"topic {label}"
        for label, applies in before["topics"].items()
        if after["topics"].get(label) != applies and label not in named
    ]
    return lost


#: Formats that hold everything a set can hold; the others report what they leave out.
LOSSLESS = {"prodigy", "doccano", "spacy"}


@pytest.mark.parametrize(
    ("fmt", "target"),
    [
        ("prodigy", "out.jsonl"),
        ("prodigy", "out.json"),
        ("doccano", "out.jsonl"),
        ("brat", "brat"),
        ("conll", "out.conll"),
        ("csv", "out.csv"),
        ("csv", "out.tsv"),
        ("labels", "labels"),
        ("spacy", "spacy"),
    ],
)
def test_export_import_export_gives_the_same_file(
    original: Path, tmp_path: Path, fmt: str, target: str
) -> None:
    first = tmp_path / "first" / target
    with Project.open(original) as project:
        report = project.export(first, fmt=fmt, annotator="alice", dev_ratio=0.0)
    copy = tmp_path / "copy.annotator"
    imported = first / "train.spacy" if fmt == "spacy" else first
    with Project.open(copy) as project:
        project.import_paths([imported], annotator="alice")
        second = tmp_path / "second" / target
        project.export(second, fmt=fmt, annotator="alice", dev_ratio=0.0)
    assert _files(second) == _files(first)

    before, after = content(original), content(copy)
    assert unreported_losses(before, after, report.problems) == []
    if fmt in LOSSLESS:
        assert report.problems == []
        assert after == before


def _files(path: Path) -> dict[str, object]:
    """Every file written, parsed where it is JSON or a DocBin, so key order does not
    matter."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    result: dict[str, object] = {}
    for file in files:
        if file.suffix == ".spacy":
            result[file.name] = _docs(file)
            continue
        text = file.read_text(encoding="utf-8")
        if file.suffix == ".jsonl":
            result[file.name] = [json.loads(line) for line in text.splitlines()]
        elif file.suffix == ".json":
            result[file.name] = json.loads(text)
        else:
            result[file.name] = text
    return result


def _docs(path: Path) -> list[tuple]:
    """A DocBin's documents as comparable values: tokens, entities with links, categories,
    span groups and our round-trip record."""
    import spacy
    from spacy.tokens import DocBin

    return [
        (
            [t.text for t in doc],
            [(e.start_char, e.end_char, e.label_, e.kb_id_) for e in doc.ents],
            sorted(doc.cats.items()),
            sorted(
                (key, [(s.start_char, s.end_char, s.label_) for s in group])
                for key, group in doc.spans.items()
            ),
            json.loads(doc.user_data.get("annotator.record", "{}")),
        )
        for doc in DocBin().from_disk(path).get_docs(spacy.blank("en").vocab)
    ]

"""Every format we write reads back to what was written: export, import into a new project,
export again, and the two exports agree field by field; what a format cannot hold is reported
by the writer, never lost without a word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.project import Project
from annotator.core.records import Layer

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
    "cats": ["diplomacy"],
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
        project.add_span(
            1, "alice", start, start + 10, "unverifiable", layer=Layer.UNRELIABLE, note="who?"
        )
    return path


def content(path: Path) -> dict:
    with Project.open(path, create=False) as project:
        annotation = project.annotation(1, "alice")
        assert annotation is not None
        from annotator.core.relations import relations

        return {
            "spans": sorted(
                (s.start, s.end, s.label, s.layer.value, s.note, s.kb_id) for s in annotation.spans
            ),
            "topics": annotation.topics,
            "relations": [
                (r.label, r.head.start, r.child.start) for r in relations(project, 1, "alice")
            ],
        }


#: What each format cannot hold, by design (the writer reports each as a problem).
CANNOT_HOLD = {
    "conll": {"unreliable", "notes", "links", "relations", "topics"},
    "csv": {"notes", "relations"},
    "labels": {"entity", "notes", "relations", "topics"},
    "brat": {"topics"},
}


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
    reported = {p.reason for p in report.problems}
    cannot = CANNOT_HOLD.get(fmt, set())
    if not cannot:
        assert reported == set(), reported
    else:
        assert reported, f"{fmt} must report what it cannot hold"

    copy = tmp_path / "copy.annotator"
    imported = first / "train.spacy" if fmt == "spacy" else first
    with Project.open(copy) as project:
        project.import_paths([imported], annotator="alice")
        second = tmp_path / "second" / target
        project.export(second, fmt=fmt, annotator="alice", dev_ratio=0.0)
    assert _files(second) == _files(first)

    before, after = content(original), content(copy)
    if not cannot:
        assert after == before
    if "topics" not in cannot:
        assert after["topics"] == before["topics"]
    if "relations" not in cannot:
        assert after["relations"] == before["relations"]


def _files(path: Path) -> dict[str, object]:
    """Every file written, parsed where it is JSON, so key order does not matter."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    result: dict[str, object] = {}
    for file in files:
        if file.suffix == ".spacy":
            result[file.name] = len(file.read_bytes()) > 0
            continue
        text = file.read_text(encoding="utf-8")
        if file.suffix == ".jsonl":
            result[file.name] = [json.loads(line) for line in text.splitlines()]
        elif file.suffix == ".json":
            result[file.name] = json.loads(text)
        else:
            result[file.name] = text
    return result

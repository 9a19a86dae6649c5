"""Importing real Prodigy exports, doccano and spaCy files, and every kind of bad JSONL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import FormatError
from annotator.core.project import Project
from annotator.core.records import LabelKind, Layer, Status
from tests.conftest import snapshot


@pytest.fixture
def project_path(project_target: Path | str) -> Path | str:
    """Every test of this module runs on a SQLite file and on a PostgreSQL database."""
    return project_target


DATA = Path(__file__).parent.parent / "data" / "prodigy"


def raw_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_real_prodigy_ner_manual_export(project_path: Path) -> None:
    path = DATA / "prodigy-ner-manual.jsonl"
    records = raw_records(path)
    with Project.open(project_path) as project:
        report = project.import_paths([path], annotator="fashion")
        assert report.documents_added == len(records)
        assert report.spans["entity"] == sum(len(r.get("spans", [])) for r in records)
        first = next(r for r in records if r.get("spans"))
        document = next(d for d in project.documents() if project.text(d.id) == first["text"])
        annotation = project.edits.annotation(document.id, "fashion")
        assert annotation is not None and annotation.status is Status.DONE
        span = first["spans"][0]
        assert (annotation.spans[0].start, annotation.spans[0].end, annotation.spans[0].label) == (
            span["start"],
            span["end"],
            "FASHION_BRAND",
        )
        assert document.meta == first["meta"]
        assert "FASHION_BRAND" in {label.name for label in project.labels(LabelKind.ENTITY)}
        stats = project.stats()
        assert stats.annotators == {"fashion": {"done": len(records)}}


def test_real_prodigy_binary_textcat_reject_means_label_does_not_apply(
    project_path: Path,
) -> None:
    path = DATA / "prodigy-textcat-binary.jsonl"
    records = raw_records(path)
    with Project.open(project_path) as project:
        project.import_paths([path], annotator="triage")
        decided = {}
        for document in project.documents():
            annotation = project.edits.annotation(document.id, "triage")
            assert annotation is not None and annotation.status is Status.DONE
            decided[project.text(document.id)] = annotation.topics["DOCUMENTATION"]
    assert decided == {r["text"]: r["answer"] == "accept" for r in records}
    assert any(decided.values()) and not all(decided.values())


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    return path


def test_prodigy_annotators_statuses_and_choice_topics(project_path: Path, tmp_path: Path) -> None:
    text = "🙂 Путин прибыл в Пекин."
    start = text.index("Пекин")
    rows = [
        {
            "text": text,
            "spans": [{"start": start, "end": start + 5, "label": "GPE"}],
            "answer": "accept",
            "_annotator_id": "news-alice",
            "options": [{"id": "diplomacy", "text": "Diplomacy"}, {"id": "trade", "text": "Trade"}],
            "accept": ["diplomacy"],
        },
        {"text": text, "answer": "ignore", "_session_id": "news-bob"},
        {"text": "A bad example.", "spans": [], "answer": "reject"},
    ]
    path = write_jsonl(tmp_path / "mixed.jsonl", rows)
    with Project.open(project_path) as project:
        project.import_paths([path], annotator="carol")
        alice = project.edits.annotation(1, "news-alice")
        assert alice is not None and alice.topics == {"diplomacy": True, "trade": False}
        assert [(s.start, s.end) for s in alice.spans] == [(start, start + 5)]
        bob = project.edits.annotation(1, "news-bob")
        assert bob is not None and bob.status is Status.SKIPPED
        bad = next(d.id for d in project.documents() if d.title == "A bad example.")
        carol = project.edits.annotation(bad, "carol")
        assert carol is not None and carol.status is Status.REJECTED


def test_doccano_triples_relation_objects_and_cats(project_path: Path, tmp_path: Path) -> None:
    text = "قال وزير الخارجية المصري إن القاهرة ترحب بالاتفاق."
    start = text.index("القاهرة")
    rows = [
        {
            "id": 7,
            "text": text,
            "label": [[start, start + 7, "GPE"]],
            "cats": ["diplomacy"],
            "source_site": "example",
        },
        {
            "text": "Nepal exports power.",
            "entities": [{"id": 1, "label": "GPE", "start_offset": 0, "end_offset": 5}],
            "relations": [],
        },
        {"text": "No labels here.", "label": []},
    ]
    path = write_jsonl(tmp_path / "doccano.jsonl", rows)
    with Project.open(project_path) as project:
        project.import_paths([path], annotator="dana")
        first = project.edits.annotation(1, "dana")
        assert first is not None and first.topics == {"diplomacy": True}
        assert [(s.start, s.end, s.label, s.layer) for s in first.spans] == [
            (start, start + 7, "GPE", Layer.ENTITY)
        ]
        assert project.documents()[0].meta == {}
        out = tmp_path / "out.jsonl"
        project.export(out, fmt="doccano", annotator="dana")
        exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert (exported[0]["id"], exported[0]["source_site"]) == (7, "example")
        assert project.edits.annotation(2, "dana").spans[0].label == "GPE"
        assert project.edits.annotation(3, "dana") is None
        assert project.document_count() == 3


GOOD = {
    "text": "Nepal and India.",
    "spans": [{"start": 0, "end": 5, "label": "GPE"}],
    "answer": "accept",
}


@pytest.mark.parametrize(
    ("lines", "line", "reason"),
    [
        (['{"text": "ok", "answer": "accept"}', '{"text": "broken"'], 2, "malformed JSON"),
        (
            [
                json.dumps(GOOD),
                json.dumps({**GOOD, "spans": [{"start": 0, "end": 99, "label": "GPE"}]}),
            ],
            2,
            "outside the text",
        ),
        (
            [json.dumps({**GOOD, "spans": [{"start": 5, "end": 2, "label": "GPE"}]})],
            1,
            "ends before it starts",
        ),
        (
            [
                json.dumps(
                    {
                        **GOOD,
                        "spans": [
                            {"start": 0, "end": 5, "label": "GPE"},
                            {"start": 3, "end": 9, "label": "ORG"},
                        ],
                    }
                )
            ],
            1,
            "overlaps entity GPE",
        ),
        (
            [
                json.dumps(GOOD),
                json.dumps({**GOOD, "spans": [{"start": "0", "end": 5, "label": "GPE"}]}),
            ],
            2,
            "'start' must be an integer",
        ),
        ([json.dumps(GOOD), "[1, 2, 3]"], 2, "expected a JSON object"),
        ([json.dumps(GOOD), json.dumps({"answer": "accept", "spans": []})], 2, "'text' is missing"),
        ([json.dumps({**GOOD, "answer": "maybe"})], 1, "unknown answer"),
    ],
)
def test_bad_jsonl_names_line_and_reason_and_changes_nothing(
    project_path: Path, tmp_path: Path, lines: list[str], line: int, reason: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    Project.open(project_path).close()
    before = snapshot(project_path)
    with Project.open(project_path) as project, pytest.raises(FormatError) as caught:
        project.import_paths([path], fmt="prodigy")
    message = str(caught.value)
    assert f"bad.jsonl, line {line}" in message and reason in message
    assert snapshot(project_path) == before


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b'{"text": "ok", "answer": "accept"}\n{"text": "caf\xe9"}\n', "invalid UTF-8"),
    ],
)
def test_empty_and_non_utf8_jsonl(
    project_path: Path, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with Project.open(project_path) as project:
        with pytest.raises(FormatError, match=reason):
            project.import_paths([path])
        assert project.document_count() == 0


def test_failed_file_rolls_back_labels_and_annotators_it_created(
    project_path: Path, tmp_path: Path
) -> None:
    rows = [
        json.dumps(
            {
                **GOOD,
                "spans": [{"start": 0, "end": 5, "label": "BRAND_NEW"}],
                "_annotator_id": "stranger",
            }
        ),
        "{oops",
    ]
    path = tmp_path / "half.jsonl"
    path.write_text("\n".join(rows), encoding="utf-8")
    with Project.open(project_path) as project:
        with pytest.raises(FormatError):
            project.import_paths([path])
        assert "BRAND_NEW" not in {label.name for label in project.labels(LabelKind.ENTITY)}
        assert project.annotators() == []
        assert project.document_count() == 0


def test_spacy_docbin_import(project_path: Path, tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin, Span

    nlp = spacy.blank("en")
    doc = nlp("Officials in Delhi said exports rose. A source said it doubled.")
    doc.ents = [Span(doc, 2, 3, label="GPE")]
    doc.cats = {"trade": 1.0, "health": 0.0}
    doc.spans["sc"] = [Span(doc, 7, 12, label="unverifiable")]
    DocBin(docs=[doc]).to_disk(tmp_path / "train.spacy")
    with Project.open(project_path) as project:
        project.import_paths([tmp_path / "train.spacy"], annotator="eve")
        annotation = project.edits.annotation(1, "eve")
        assert annotation is not None
        assert annotation.topics == {"trade": True, "health": False}
        assert [(s.label, s.layer) for s in annotation.spans] == [
            ("GPE", Layer.ENTITY),
            ("unverifiable", Layer.GROUP),
        ]
        text = project.text(1)
        assert text[annotation.spans[1].start : annotation.spans[1].end] == (
            "A source said it doubled"
        )

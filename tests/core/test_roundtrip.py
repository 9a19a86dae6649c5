"""Export then import gives back the same texts and annotations, in every format."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.project import Project
from annotator.core.records import Layer, Status


@pytest.fixture
def project_path(project_target: Path | str) -> Path | str:
    """Every test of this module runs on a SQLite file and on a PostgreSQL database."""
    return project_target


TEXTS = [
    "🙂🙂 Nepal and India signed a power deal in Kathmandu on 3 May.",
    "Президент России Владимир Путин прибыл в Пекин.\r\nВстреча прошла в Доме народных собраний.",
    "قال وزير الخارجية المصري إن القاهرة ترحب بالاتفاق.",
    "Line one\r\nThe WHO said 40% of cases were in Asia.\r\nA source said the figure doubled.",
]

# (text index, substring, label, layer, note)
SPANS = [
    (0, "Nepal", "GPE", Layer.ENTITY, None),
    (0, "India", "GPE", Layer.ENTITY, None),
    (0, "Kathmandu", "GPE", Layer.ENTITY, None),
    (0, "3 May", "DATE", Layer.ENTITY, None),
    (1, "России", "GPE", Layer.ENTITY, None),
    (1, "Владимир Путин", "PERSON", Layer.ENTITY, None),
    (1, "Пекин", "GPE", Layer.ENTITY, None),
    (1, "Путин прибыл в Пекин", "misleading", Layer.UNRELIABLE, "Дата не указана"),
    (2, "القاهرة", "GPE", Layer.ENTITY, None),
    (3, "WHO", "ORG", Layer.ENTITY, None),
    (3, "40%", "PERCENT", Layer.ENTITY, None),
    (3, "A source said the figure doubled.", "unverifiable", Layer.UNRELIABLE, "anonymous"),
]
TOPICS = {0: {"trade": True, "energy": True}, 1: {"diplomacy": True}, 3: {"health": True}}
STATUSES = {0: Status.DONE, 1: Status.DONE, 2: Status.IN_PROGRESS, 3: Status.DONE}


def build_project(path: Path, articles: Path) -> Project:
    articles.mkdir()
    for index, text in enumerate(TEXTS):
        (articles / f"{index}.txt").write_bytes(text.encode("utf-8"))
    project = Project.open(path)
    project.import_paths(sorted(articles.iterdir()))
    ids = [d.id for d in project.documents()]
    for index, substring, label, layer, note in SPANS:
        start = TEXTS[index].index(substring)
        project.edits.add_span(
            ids[index], "alice", start, start + len(substring), label, layer=layer, note=note
        )
    for index, topics in TOPICS.items():
        for label, applies in topics.items():
            project.edits.set_topic(ids[index], "alice", label, applies)
    for index, status in STATUSES.items():
        project.edits.set_status(ids[index], "alice", status)
    project.edits.set_status(ids[1], "bob", Status.DONE)
    return project


def contents(project: Project, annotator: str) -> dict[str, tuple]:
    """Text → (status, spans, topics that apply) for one annotator, comparable across projects."""
    result = {}
    for document in project.documents():
        text = project.text(document.id)
        annotation = project.edits.annotation(document.id, annotator)
        if annotation is None:
            continue
        spans = sorted(
            (s.start, s.end, s.label, s.layer.value, s.note or None) for s in annotation.spans
        )
        topics = sorted(label for label, applies in annotation.topics.items() if applies)
        result[text] = (annotation.status, spans, topics)
    return result


@pytest.mark.parametrize("fmt", ["spacy", "prodigy", "doccano"])
def test_export_then_import_gives_back_texts_and_annotations(tmp_path: Path, fmt: str) -> None:
    with build_project(tmp_path / "a.annotator", tmp_path / "articles") as source:
        report = source.export(
            tmp_path / "out", fmt=fmt, annotator="alice", include_unfinished=True, dev_ratio=0.5
        )
        assert report.documents == 4
        assert report.problems == []
        expected = contents(source, "alice")
    with Project.open(tmp_path / "b.annotator") as target:
        for path in report.files:
            if path.suffix in {".spacy", ".jsonl"}:
                target.import_paths([path])
        assert contents(target, "alice") == expected
        assert sorted(project_text for project_text in expected) == sorted(TEXTS)


@pytest.mark.parametrize("fmt", ["spacy", "prodigy", "doccano"])
def test_only_done_work_is_exported_by_default(tmp_path: Path, fmt: str) -> None:
    with build_project(tmp_path / "a.annotator", tmp_path / "articles") as source:
        ids = [d.id for d in source.documents()]
        source.edits.set_status(ids[3], "alice", Status.REJECTED)
        report = source.export(tmp_path / "out", fmt=fmt, annotator="alice", dev_ratio=0.5)
    assert report.documents == 2
    with Project.open(tmp_path / "b.annotator") as target:
        for path in report.files:
            if path.suffix in {".spacy", ".jsonl"}:
                target.import_paths([path])
        assert sorted(project_text for project_text in contents(target, "alice")) == sorted(
            [TEXTS[0], TEXTS[1]]
        )

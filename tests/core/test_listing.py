"""The document list: filters, sorting, paging and full-text search from one annotator's view."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.listing import (
    DocumentFilter,
    count_documents,
    document_rows,
    list_document_ids,
    list_documents,
)
from annotator.core.project import Project
from annotator.core.records import Layer, Status

TEXTS = {
    "a.txt": "Elections in Nepal\n\nVoters in Kathmandu chose a new parliament.",
    "b.txt": "Trade with China\n\nExports of tea to China grew by 12% in March.",
    "c.txt": "Погода в Москве\n\nВ Москве выпал снег.",
}


@pytest.fixture
def project(project_target: Path | str, tmp_path: Path) -> Project:
    for name, text in TEXTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    opened = Project.open(project_target)
    opened.import_paths([tmp_path / name for name in TEXTS])
    text = opened.text(1)
    start = text.index("Kathmandu")
    opened.edits.add_span(1, "alice", start, start + 9, "GPE")
    opened.edits.add_span(1, "alice", 0, 9, "misleading", layer=Layer.UNRELIABLE)
    opened.edits.set_topic(1, "alice", "elections", True)
    opened.edits.set_status(1, "alice", Status.DONE)
    opened.edits.set_topic(2, "alice", "trade", True)
    opened.edits.set_topic(2, "alice", "economy", True)
    opened.edits.set_topic(2, "bob", "health", True)
    yield opened
    opened.close()


def titles(rows: list) -> list[str]:
    return [row.title for row in rows]


def test_rows_show_status_entities_topics_and_unreliable_of_the_viewer(project: Project) -> None:
    rows = list_documents(project, DocumentFilter("alice"))
    assert [(r.title, r.status, r.entities, r.topics, r.unreliable) for r in rows] == [
        ("Elections in Nepal", Status.DONE, 1, ("elections",), 1),
        ("Trade with China", Status.IN_PROGRESS, 0, ("trade", "economy"), 0),
        ("Погода в Москве", Status.NEW, 0, (), 0),
    ]
    bob = list_documents(project, DocumentFilter("bob"))
    assert [(r.status, r.topics) for r in bob] == [
        (Status.NEW, ()),
        (Status.IN_PROGRESS, ("health",)),
        (Status.NEW, ()),
    ]


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (DocumentFilter("alice", status=Status.NEW), ["Погода в Москве"]),
        (DocumentFilter("alice", entity_label="GPE"), ["Elections in Nepal"]),
        (DocumentFilter("alice", topic="trade"), ["Trade with China"]),
        (DocumentFilter("alice", unreliable_only=True), ["Elections in Nepal"]),
        (DocumentFilter("alice", search="china tea"), ["Trade with China"]),
        (DocumentFilter("alice", search="москв"), ["Погода в Москве"]),
        (DocumentFilter("alice", search='parl"iament'), []),
        (DocumentFilter("alice", search="kathm", status=Status.DONE), ["Elections in Nepal"]),
    ],
)
def test_filters_select_the_right_documents(
    project: Project, flt: DocumentFilter, expected: list[str]
) -> None:
    assert titles(list_documents(project, flt)) == expected
    assert count_documents(project, flt) == len(expected)


@pytest.mark.parametrize("sort", ["order", "title", "status", "entities", "length"])
@pytest.mark.parametrize("descending", [False, True])
def test_ids_then_rows_give_the_same_list_as_paging(
    project: Project, sort: str, descending: bool
) -> None:
    """The app reads ids once and rows by id; it must show what a paged query shows."""
    flt = DocumentFilter("alice")
    ids = list_document_ids(project, flt, sort=sort, descending=descending)
    paged = list_documents(project, flt, sort=sort, descending=descending)
    assert document_rows(project, "alice", ids) == paged


def test_sorting_and_paging(project: Project) -> None:
    by_title = list_documents(project, DocumentFilter("alice"), sort="title")
    assert titles(by_title) == ["Elections in Nepal", "Trade with China", "Погода в Москве"]
    by_entities = list_documents(
        project, DocumentFilter("alice"), sort="entities", descending=True, limit=1
    )
    assert titles(by_entities) == ["Elections in Nepal"]
    page = list_documents(project, DocumentFilter("alice"), offset=1, limit=1)
    assert titles(page) == ["Trade with China"]
    with pytest.raises(AnnotatorError, match="Cannot sort"):
        list_documents(project, DocumentFilter("alice"), sort="text; DROP TABLE documents")


def test_documents_imported_after_a_search_are_found_too(project: Project, tmp_path: Path) -> None:
    assert count_documents(project, DocumentFilter("alice", search="Mongolia")) == 0
    late = tmp_path / "late.txt"
    late.write_text("Mongolia votes\n\nMongolia held elections.", encoding="utf-8")
    project.import_paths([late])
    assert titles(list_documents(project, DocumentFilter("alice", search="mongolia"))) == [
        "Mongolia votes"
    ]


def test_edits_and_background_indexing_do_not_lock_each_other_out(
    project_path: Path, tmp_path: Path
) -> None:
    import json
    import threading

    from annotator.core.listing import ensure_search_index

    rows = "\n".join(
        json.dumps({"text": f"Article {i}: Nepal and India traded power in year {i}."})
        for i in range(1500)
    )
    (tmp_path / "many.jsonl").write_text(rows, encoding="utf-8")
    with Project.open(project_path) as project:
        project.import_paths([tmp_path / "many.jsonl"])
        errors: list[BaseException] = []

        def index() -> None:
            try:
                ensure_search_index(project)
            except BaseException as exc:
                errors.append(exc)

        worker = threading.Thread(target=index)
        worker.start()
        for document_id in range(1, 60):
            text = project.text(document_id)
            start = text.index("Nepal")
            project.edits.add_span(document_id, "alice", start, start + 5, "GPE")
            project.edits.set_status(document_id, "alice", Status.DONE)
        worker.join()
        assert errors == []
        assert project.status_count("alice", Status.DONE) == 59
        assert count_documents(project, DocumentFilter("alice", search="power")) == 1500


def test_search_finds_documents_the_index_has_not_reached_yet(
    project_path: Path, tmp_path: Path
) -> None:
    from annotator.core.listing import ensure_search_index

    (tmp_path / "old.txt").write_text("Tea prices\n\nTea from Ilam sold well.", encoding="utf-8")
    (tmp_path / "new.txt").write_text("Power deal\n\nIlam's 50% share of tea.", encoding="utf-8")
    with Project.open(project_path) as project:
        project.import_paths([tmp_path / "old.txt"])
        ensure_search_index(project)
        project.import_paths([tmp_path / "new.txt"])
        found = list_document_ids(
            project, DocumentFilter("alice", search="ilam tea"), build_index=False
        )
        assert found == [1, 2]
        percent = DocumentFilter("alice", search="50%")
        assert list_document_ids(project, percent, build_index=False) == [2]


def test_indexing_reports_progress_against_one_total(project_path: Path, tmp_path: Path) -> None:
    import json

    from annotator.core.listing import INDEX_CHUNK, ensure_search_index

    count = INDEX_CHUNK * 3 + 7
    rows = "\n".join(json.dumps({"text": f"Article {i} about Nepal."}) for i in range(count))
    (tmp_path / "many.jsonl").write_text(rows, encoding="utf-8")
    reports: list[tuple[int, int]] = []
    with Project.open(project_path) as project:
        project.import_paths([tmp_path / "many.jsonl"])
        added = ensure_search_index(project, lambda p: reports.append((p.done, p.total)))
        assert added == count
        assert {total for _, total in reports} == {count}
        done = [done for done, _ in reports]
        assert done == sorted(set(done)) and done[0] == INDEX_CHUNK and done[-1] == count
        assert count_documents(project, DocumentFilter("alice", search="nepal")) == count

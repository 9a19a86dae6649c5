"""Merging a colleague's project: both directions agree, twice changes nothing."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.core.default_tagger import load_default_tagger
from annotator.core.errors import ProjectError
from annotator.core.merging import merge_project
from annotator.core.pretag import pipeline_identity
from annotator.core.project import Project
from annotator.core.records import Layer, Status
from tests.conftest import snapshot

SHARED = "Leaders of Nepal and China met in Beijing on Monday."
ONLY_A = "Officials in Delhi said exports rose by 12% last year."
ONLY_B = "Президент России прибыл в Пекин."


def default_tagger_identity() -> str:
    return pipeline_identity(load_default_tagger())[0]


def make(path: Path, folder: Path, texts: list[str], annotator: str) -> Path:
    folder.mkdir()
    for index, text in enumerate(texts):
        (folder / f"{index}.txt").write_text(text, encoding="utf-8")
    with Project.open(path) as project:
        project.import_paths(sorted(folder.iterdir()))
        project.pretag()
        for document in project.documents():
            text = project.text(document.id)
            suggestions = project.edits.suggestions(document.id, annotator)
            if suggestions:
                project.edits.accept_suggestion(suggestions[0].id, annotator)
            if len(suggestions) > 1:
                project.edits.reject_suggestion(suggestions[1].id, annotator)
            project.edits.add_span(
                document.id,
                annotator,
                0,
                len(text.split()[0]),
                "misleading",
                layer=Layer.UNRELIABLE,
                note=f"{annotator}'s note",
            )
            project.edits.set_topic(document.id, annotator, "diplomacy", annotator == "alice")
            project.edits.set_status(document.id, annotator, Status.DONE)
    return path


def canonical(path: Path) -> dict:
    """Everything a merge must carry, keyed by text and annotator name, never by row id."""
    with Project.open(path) as project:
        result = {}
        spans_by_id = {}
        for document in project.documents():
            for annotator in project.annotators():
                annotation = project.edits.annotation(document.id, annotator.name)
                if annotation is None:
                    continue
                for span in annotation.spans:
                    spans_by_id[span.id] = (span.start, span.end, span.label)
        for document in project.documents():
            text = project.text(document.id)
            for annotator in project.annotators():
                annotation = project.edits.annotation(document.id, annotator.name)
                if annotation is None:
                    continue
                result[(text, annotator.name)] = (
                    annotation.status,
                    sorted(
                        (
                            s.start,
                            s.end,
                            s.label,
                            s.layer.value,
                            s.note,
                            s.created_by,
                            s.rejected,
                            spans_by_id.get(s.origin_span_id),
                        )
                        for s in annotation.spans
                    ),
                    annotation.topics,
                )
        return result


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    a = make(tmp_path / "a.annotator", tmp_path / "a", [SHARED, ONLY_A], "alice")
    b = make(tmp_path / "b.annotator", tmp_path / "b", [SHARED, ONLY_B], "bob")
    return a, b


def test_merging_both_ways_gives_the_same_project(pair: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = pair
    a_then_b = shutil.copy(a, tmp_path / "ab.annotator")
    b_then_a = shutil.copy(b, tmp_path / "ba.annotator")
    with Project.open(a_then_b) as project:
        report = merge_project(project, b)
    assert (report.documents_added, report.documents_matched) == (1, 1)
    with Project.open(b_then_a) as project:
        merge_project(project, a)
    merged = canonical(Path(a_then_b))
    assert merged == canonical(Path(b_then_a))
    tagger = default_tagger_identity()
    assert {name for _text, name in merged} == {"alice", "bob", tagger}
    bob_shared = merged[(SHARED, "bob")]
    accepted = [s for s in bob_shared[1] if s[7] is not None and not s[6]]
    assert accepted and accepted[0][5] == tagger
    assert merged[(SHARED, "alice")][2] == {"diplomacy": True}
    assert merged[(SHARED, "bob")][2] == {"diplomacy": False}


def test_merging_twice_changes_nothing_and_their_file_is_untouched(
    pair: tuple[Path, Path],
) -> None:
    a, b = pair
    digest = hashlib.sha256(b.read_bytes()).hexdigest()
    with Project.open(a) as project:
        merge_project(project, b)
    once = snapshot(a)
    with Project.open(a) as project:
        report = merge_project(project, b)
    assert (report.annotations_added, report.spans_added, report.topics_added) == (0, 0, 0)
    twice = snapshot(a)
    for volatile in ("edit_log", "sqlite_sequence"):
        once.pop(volatile), twice.pop(volatile)
    assert once == twice
    assert hashlib.sha256(b.read_bytes()).hexdigest() == digest


def test_my_work_is_never_overwritten(pair: tuple[Path, Path], tmp_path: Path) -> None:
    a, _b = pair
    other = shutil.copy(a, tmp_path / "other.annotator")
    with Project.open(other) as project:
        project.edits.set_topic(1, "alice", "diplomacy", False)
        project.edits.set_status(1, "alice", Status.IN_PROGRESS)
    before = canonical(a)[(SHARED, "alice")]
    with Project.open(a) as project:
        merge_project(project, other)
    assert canonical(a)[(SHARED, "alice")] == before


def test_merging_a_file_that_is_not_a_project_is_refused(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    a, _b = pair
    bogus = tmp_path / "notes.annotator"
    bogus.write_text("not a database", encoding="utf-8")
    with Project.open(a) as project, pytest.raises(ProjectError, match="not an Annotator"):
        merge_project(project, bogus)
    with Project.open(a) as project, pytest.raises(ProjectError, match="into itself"):
        merge_project(project, a)


def test_merging_relations_and_unlabelled_ends_twice_adds_them_once(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[1] / "data" / "prodigy"
    theirs = tmp_path / "rel.annotator"
    with Project.open(theirs) as project:
        project.import_paths([source / "rel-manual-dailymed-drug-disease-head50.jsonl"])
    mine = tmp_path / "mine.annotator"
    Project.open(mine).close()
    counts = []
    for _ in range(2):
        with Project.open(mine) as project:
            report = merge_project(project, theirs)
        conn = sqlite3.connect(mine)
        counts.append(
            (
                conn.execute("SELECT count(*) FROM relations").fetchone()[0],
                conn.execute("SELECT count(*) FROM spans WHERE layer = 'argument'").fetchone()[0],
                report.relations_added,
            )
        )
        conn.close()
    assert counts == [(55, 32, 55), (55, 32, 0)]

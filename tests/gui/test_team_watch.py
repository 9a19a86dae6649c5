"""A team's server project in the window: colleagues' work appears as they save it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.project import Project
from annotator.core.records import Status
from tests.gui.conftest import ARTICLES, open_window

MONGOLIA = ARTICLES["a.txt"].index("Mongolia")


@pytest.fixture
def team_project(team_database: str, tmp_path: Path) -> str:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    with Project.open(team_database) as project:
        project.import_paths(sorted(folder.iterdir()))
        project.edits.add_span(1, "alice", MONGOLIA, MONGOLIA + 8, "GPE")
        project.edits.set_status(1, "alice", Status.DONE)
        project.edits.set_status(1, "bob", Status.DONE)
    return team_database


@pytest.fixture
def reviewer(qtbot, team_project: str) -> Iterator[object]:
    yield from open_window(qtbot, team_project, "tester")


def versions_of_mongolia(window) -> list[str]:
    return [
        s.label
        for s in window.view.spans()
        if s.kind == "review" and (s.start, s.end) == (MONGOLIA, MONGOLIA + 8)
    ]


def test_a_colleagues_span_saved_elsewhere_appears_in_the_reviewers_window(
    qtbot, reviewer, team_project: str
) -> None:
    assert reviewer.session.project.on_server
    assert reviewer.windowTitle().startswith(reviewer.session.project.name)
    reviewer.team_watch.timer.setInterval(200)
    assert reviewer.review.start(["alice", "bob"])
    qtbot.waitUntil(lambda: not reviewer.review.count_task.thread.isRunning(), timeout=5000)
    reviewer.open_document(1)
    before = versions_of_mongolia(reviewer)
    assert before, "alice's Mongolia is a disagreement while bob has nothing there"

    with Project.open(team_project) as elsewhere:  # bob, on his own laptop
        elsewhere.edits.add_span(1, "bob", MONGOLIA, MONGOLIA + 8, "GPE")

    qtbot.waitUntil(lambda: versions_of_mongolia(reviewer) == [], timeout=10_000)
    agreed = [s for s in reviewer.view.spans() if (s.start, s.end) == (MONGOLIA, MONGOLIA + 8)]
    assert agreed, "what both now say shows as agreed"


def test_a_file_project_does_not_poll(qtbot, window) -> None:
    assert window.team_watch is None

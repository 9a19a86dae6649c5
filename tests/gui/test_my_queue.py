"""An annotator with documents assigned works through their own queue: the list starts on
"My queue", and Return (done, next) and Ctrl+PgDown go to the next unfinished document of
the queue, also when the list shows every document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.assignment import assign, queue
from annotator.core.project import Project
from annotator.core.records import Status
from tests.gui.conftest import open_window


@pytest.fixture
def team_file(tmp_path: Path) -> Path:
    """Twelve articles, each given to one of tester and bob; tester finished one already."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(1, 13):
        text = f"Story {number:02d}\n\nMinisters met in Kathmandu for round {number}."
        (folder / f"{number:02d}.txt").write_text(text, encoding="utf-8")
    path = tmp_path / "team.annotator"
    with Project.open(path) as project:
        project.import_paths(sorted(folder.iterdir()), detect_boilerplate=False)
        assign(project, ["tester", "bob"], overlap=1, seed=5)
        mine = queue(project, "tester")
        project.edits.set_status(mine[1], "tester", Status.DONE)
    return path


@pytest.fixture
def window(qtbot, team_file: Path) -> Iterator[object]:
    for opened in open_window(qtbot, team_file, "tester"):
        qtbot.waitUntil(opened.isActiveWindow)
        yield opened


def queued(path: Path, name: str) -> list[int]:
    with Project.open(path) as project:
        return queue(project, name)


def listed(window) -> list[int]:
    model = window.model
    return [model.row_data(row).id for row in range(model.rowCount())]


def test_the_list_starts_on_my_queue_and_unticking_it_shows_every_document(
    window, team_file: Path
) -> None:
    mine = queued(team_file, "tester")
    assert 0 < len(mine) < 12
    assert window.filters.my_queue.isVisible() and window.filters.my_queue.isChecked()
    assert listed(window) == mine
    assert window.editor.document_id == mine[0]
    assert window.progress_label.text() == f"1 of {len(mine)} in your queue done"
    window.filters.my_queue.setChecked(False)
    assert listed(window) == list(range(1, 13))
    window.filters.my_queue.setChecked(True)
    assert listed(window) == mine


def test_done_and_next_follows_my_queue_past_finished_and_unassigned_documents(
    qtbot, window, team_file: Path
) -> None:
    mine = queued(team_file, "tester")
    window.filters.my_queue.setChecked(False)
    window.open_document(mine[0])
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    # mine[1] is done already; the documents between are bob's.
    assert window.editor.document_id == mine[2]
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.document_id == mine[3]
    with Project.open(team_file) as project:
        assert project.edits.annotation(mine[0], "tester").status is Status.DONE


def test_the_end_of_my_queue_says_so(qtbot, window, team_file: Path) -> None:
    mine = queued(team_file, "tester")
    window.filters.my_queue.setChecked(False)
    window.open_document(mine[-1])
    assert not window.next_unfinished()
    assert window.editor.document_id == mine[-1]
    assert window.statusBar().currentMessage() == (
        "No unfinished documents in your queue after this one."
    )


def test_switching_annotator_shows_their_queue_or_every_document(
    qtbot, window, team_file: Path
) -> None:
    window.session.set_annotator("bob")
    assert listed(window) == queued(team_file, "bob")
    window.session.set_annotator("carol")
    assert window.filters.my_queue.isHidden()
    assert listed(window) == list(range(1, 13))
    assert window.progress_label.text() == "0 of 12 done"


def test_without_an_assignment_there_is_no_queue_and_next_walks_the_list(
    qtbot, project_file: Path
) -> None:
    opened = open_window(qtbot, project_file, "tester")
    window = next(opened)
    qtbot.waitUntil(window.isActiveWindow)
    assert window.filters.my_queue.isHidden()
    assert window.model.rowCount() == 3
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert window.editor.document_id == 2
    next(opened, None)  # closes the window

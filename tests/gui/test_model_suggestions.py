"""The trained model in the real window: topic suggestions with scores decided by keys, the
list ordered "model unsure first", and retraining in the background after N finished
documents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core import settings
from annotator.core.listing import DocumentFilter, list_document_ids
from annotator.core.model_registry import list_models
from annotator.core.project import Project
from annotator.core.records import LabelKind, Status
from annotator.gui.model_actions import RETRAIN_SETTING
from tests.core.test_uncertainty import trained  # noqa: F401  the module's trained project
from tests.gui.conftest import open_window


@pytest.fixture
def project_file(trained: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: F811
    monkeypatch.setenv("ANNOTATOR_HOME", str(trained.parent / "home"))
    copy = tmp_path / "news.annotator"
    copy.write_bytes(trained.read_bytes())
    settings.update_settings(annotator="alice")
    return copy


@pytest.fixture
def window(qtbot, project_file: Path) -> Iterator[object]:
    yield from open_window(qtbot, project_file, "alice")


def open_document(qtbot, window, document_id: int) -> None:
    window.session.focusRequested.emit(document_id)
    qtbot.waitUntil(lambda: window.editor.document_id == document_id, timeout=3000)


def topic_key(project: Project, label: str) -> str:
    return next(t.shortcut for t in project.labels(LabelKind.TOPIC) if t.name == label)


def test_topic_suggestions_show_scores_and_keys_accept_or_reject_them(
    qtbot, window, project_file: Path
) -> None:
    with Project.open(project_file) as project:
        project.pretag("latest")
        document = project.documents()[30].id
        suggested = project.edits.topic_suggestions(document, "alice")
    assert suggested
    open_document(qtbot, window, document)
    first = suggested[0]

    def shown() -> list[str]:
        return [window.topics.list.item(i).text() for i in range(window.topics.list.count())]

    qtbot.waitUntil(
        lambda: any(
            first.label in line and f"suggested {first.score:.2f}" in line for line in shown()
        ),
        timeout=3000,
    )

    key = topic_key(window.session.project, first.label)
    number = key.split("+")[-1]
    qtbot.keyClick(
        window.view,
        Qt.Key(Qt.Key.Key_0 + int(number)),
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    with Project.open(project_file) as project:
        assert project.edits.annotation(document, "alice").topics == {first.label: False}
    window.session.undo_stack.undo()

    window.editor.accept_all()
    with Project.open(project_file) as project:
        decided = project.edits.annotation(document, "alice").topics
        assert decided == {s.label: True for s in suggested}
        assert project.edits.topic_suggestions(document, "alice") == []
    window.session.undo_stack.undo()
    with Project.open(project_file) as project:
        assert project.edits.annotation(document, "alice").topics == {}


def test_model_unsure_first_scores_in_the_background_and_orders_the_list(
    qtbot, window, project_file: Path
) -> None:
    window.model_actions.order_unsure()

    qtbot.waitUntil(lambda: window.model.sort_key == "unsure", timeout=60_000)
    shown = [window.model.row_data(row).id for row in range(window.model.rowCount())]
    with Project.open(project_file) as project:
        expected = list_document_ids(project, DocumentFilter("alice"), sort="unsure")
        finished = {d.id for d in project.documents()[:24]}
    assert shown == expected
    assert not finished & set(shown[:12])


def test_finishing_n_more_documents_retrains_in_the_background(
    qtbot, window, project_file: Path
) -> None:
    window.session.project.set_setting(RETRAIN_SETTING, 2)
    with Project.open(project_file) as project:
        before = [m.name for m in list_models(project)]
        open_ids = [d.id for d in project.documents()[24:26]]

    open_document(qtbot, window, open_ids[0])
    window.editor.set_status(Status.DONE)
    window.model_actions.document_finished()
    assert window.model_actions.running is None  # one more finished: not yet
    open_document(qtbot, window, open_ids[1])
    window.done_and_next()

    training = window.model_actions.running
    assert training is not None and not training.isVisible()
    qtbot.waitUntil(lambda: training.model is not None, timeout=120_000)
    with Project.open(project_file) as project:
        models = list_models(project)
    assert len(models) == len(before) + 1
    assert models[0].train_documents + models[0].dev_documents == 26
    assert "new model is ready" in window.statusBar().currentMessage()

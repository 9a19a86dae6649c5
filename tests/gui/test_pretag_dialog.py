"""The Pre-tag dialog offers every tagger with its language and labels; those that cannot
tag this project stay visible but cannot be chosen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QInputDialog

from annotator.core.project import Project
from annotator.core.taggers import BUILT_IN, all_taggers
from annotator.gui.pretag_dialog import MODEL_ROLE, PretagDialog


def rows(dialog: PretagDialog) -> dict[str, tuple[str, bool]]:
    items = dialog.model.model()
    return {
        items.item(row).data(MODEL_ROLE): (items.item(row).text(), items.item(row).isEnabled())
        for row in range(items.rowCount())
    }


def test_an_english_project_offers_the_built_in_tagger_and_greys_out_natasha(qtbot) -> None:
    dialog = PretagDialog(all_taggers(), "en")
    qtbot.addWidget(dialog)

    offered = rows(dialog)

    assert offered[BUILT_IN][1] and " — en — " in offered[BUILT_IN][0]
    assert not offered["natasha"][1]
    assert "not for this project's language (en)" in offered["natasha"][0]
    assert dialog.chosen_model() is None


def test_a_russian_project_chooses_natasha_and_a_typed_folder_is_taken_as_is(qtbot) -> None:
    dialog = PretagDialog(all_taggers(), "ru")
    qtbot.addWidget(dialog)

    assert dialog.chosen_model() == "natasha"
    dialog.model.setEditText("/data/pipelines/my-model")
    assert dialog.chosen_model() == "/data/pipelines/my-model"


def test_project_language_from_the_edit_menu_changes_what_pre_tag_accepts(
    qtbot, window, project_file: Path, monkeypatch
) -> None:
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args, **kwargs: ("ru", True))

    window.actions_by_name["language"].trigger()

    with Project.open(project_file) as project:
        assert project.language == "ru"
    assert "ru" in window.statusBar().currentMessage()

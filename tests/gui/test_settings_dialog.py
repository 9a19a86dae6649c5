"""Edit ▸ Settings: choices are stored per user and show at once in the open window."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette, QStyleHints
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from annotator.core import settings
from annotator.gui import open_suggestions
from annotator.gui.colours import contrast, is_dark
from annotator.gui.settings_dialog import SettingsDialog


@pytest.fixture(autouse=True)
def system_theme_afterwards(qapp) -> Iterator[None]:
    """The palette belongs to the whole test process: each test leaves the system's."""
    yield
    qapp.styleHints().setColorScheme(Qt.ColorScheme.Unknown)
    qapp.setPalette(QPalette())


def open_dialog(qtbot, window) -> SettingsDialog:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.settings_dialog is not None, timeout=3000)
    dialog = window.settings_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    return dialog


def choose(combo, value: str) -> None:
    combo.setCurrentIndex(combo.findData(value))


def test_ctrl_comma_opens_the_settings_with_the_stored_choices(qtbot, window) -> None:
    settings.update_settings(font_size=15, open_suggestions_on_done="reject", backup_minutes=45)
    dialog = open_dialog(qtbot, window)
    assert window.actions_by_name["settings"].text() == "Se&ttings…"
    assert dialog.name.text() == "tester"
    assert dialog.font_size.value() == 15
    assert dialog.theme.currentData() == "system"
    assert dialog.on_done.currentData() == "reject"
    assert dialog.backup.value() == 45
    assert dialog.boilerplate.isChecked()
    dialog.reject()


def test_ok_stores_every_choice_and_the_window_follows(qtbot, window, project_file) -> None:
    dialog = open_dialog(qtbot, window)
    dialog.name.setText("  Mira ")
    dialog.font_size.setValue(19)
    choose(dialog.on_done, "leave")
    dialog.backup.setValue(12)
    dialog.boilerplate.setChecked(False)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not dialog.isVisible()
    assert settings.user_settings() == settings.UserSettings(
        annotator="Mira",
        font_size=19,
        theme="system",
        open_suggestions_on_done="leave",
        backup_minutes=12,
        detect_boilerplate=False,
    )
    assert open_suggestions.current_choice() == "leave"
    assert window.view.font().pointSize() == 19
    assert window.session.annotator == "Mira"
    assert "Mira" in window.annotator_button.text()
    assert window._backup_timer.interval() == 12 * 60 * 1000


def test_cancel_changes_nothing(qtbot, window) -> None:
    dialog = open_dialog(qtbot, window)
    dialog.font_size.setValue(25)
    choose(dialog.theme, "dark")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert settings.user_settings().font_size == 12
    assert window.view.font().pointSize() == 12
    assert not is_dark(QApplication.palette())


def test_a_blank_name_cannot_be_stored(qtbot, window) -> None:
    dialog = open_dialog(qtbot, window)
    dialog.name.setText("   ")
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.accept()
    assert dialog.isVisible()
    assert "annotator" not in settings.load_settings() or settings.current_annotator() == "tester"
    dialog.reject()


def painted_behind(qtbot, window, word: str) -> QColor:
    """The pixel painted just inside a new entity's fill, left of its first letter."""
    view = window.view
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    start = window.editor.text.index(word)
    view.set_selection_cp(start, start + len(word))
    qtbot.keyClick(view, Qt.Key.Key_3)
    qtbot.waitUntil(lambda: len(view.spans()) == 1, timeout=2000)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.selected_span_id() is None, timeout=2000)
    image = view.viewport().grab().toImage()
    rect = view.span_rects(view.spans()[0])[0]
    return image.pixelColor(int(rect.left()) - 1, int(rect.center().y()))


def test_dark_theme_repaints_at_once_and_label_fills_stay_readable(qtbot, window) -> None:
    dialog = open_dialog(qtbot, window)
    choose(dialog.theme, "dark")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Apply).click()
    qtbot.waitUntil(lambda: is_dark(window.view.palette()), timeout=2000)
    assert is_dark(window.table.palette()) and is_dark(window.side.palette())
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    painted = painted_behind(qtbot, window, "Mongolia")
    palette = window.view.palette()
    assert painted != palette.color(QPalette.ColorRole.Base)
    assert contrast(palette.color(QPalette.ColorRole.Text), painted) >= 4.5
    dialog = open_dialog(qtbot, window)
    assert dialog.theme.currentData() == "dark"
    choose(dialog.theme, "light")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not is_dark(window.view.palette()), timeout=2000)
    assert settings.user_settings().theme == "light"


def test_system_theme_follows_the_system_colour_scheme(qtbot, window, monkeypatch) -> None:
    from annotator.gui.app import system_scheme_changed

    app = QApplication.instance()
    dialog = open_dialog(qtbot, window)
    choose(dialog.theme, "system")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not is_dark(window.view.palette())
    monkeypatch.setattr(QStyleHints, "colorScheme", lambda _self: Qt.ColorScheme.Dark)
    system_scheme_changed(app)
    qtbot.waitUntil(lambda: is_dark(window.view.palette()), timeout=2000)
    monkeypatch.setattr(QStyleHints, "colorScheme", lambda _self: Qt.ColorScheme.Light)
    system_scheme_changed(app)
    qtbot.waitUntil(lambda: not is_dark(window.view.palette()), timeout=2000)


def test_an_explicit_theme_ignores_the_system_scheme(qtbot, window, monkeypatch) -> None:
    from annotator.gui.app import system_scheme_changed

    settings.update_settings(theme="light")
    monkeypatch.setattr(QStyleHints, "colorScheme", lambda _self: Qt.ColorScheme.Dark)
    system_scheme_changed(QApplication.instance())
    QApplication.processEvents()
    assert not is_dark(window.view.palette())


def test_zoom_keys_and_the_dialog_share_one_text_size(qtbot, window) -> None:
    settings.update_settings(font_size="huge")
    window.zoom(1)
    assert settings.user_settings().font_size == 13
    assert window.view.font().pointSize() == 13
    dialog = open_dialog(qtbot, window)
    assert dialog.font_size.value() == 13
    dialog.reject()

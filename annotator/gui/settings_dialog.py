"""Edit ▸ Settings: the person's own choices, stored per user and applied at once.

The dialog only gathers the choices and stores them (``settings.save_user_settings``); the
main window applies them, so a theme switch or a new text size shows without a restart.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core import settings
from annotator.gui import open_suggestions

THEME_NAMES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


class SettingsDialog(QDialog):
    """OK and Apply store the choices and emit ``applied``; Cancel changes nothing."""

    applied = Signal(object)

    def __init__(self, current: settings.UserSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.name = QLineEdit(current.annotator)
        self.name.setToolTip("Stored with every annotation you make")
        self.font_size = QSpinBox()
        self.font_size.setRange(settings.FONT_SIZES.start, settings.FONT_SIZES.stop - 1)
        self.font_size.setSuffix(" pt")
        self.font_size.setValue(current.font_size)
        self.font_size.setToolTip("Also changed with Ctrl++ and Ctrl+-")
        self.theme = QComboBox()
        for value, text in THEME_NAMES.items():
            self.theme.addItem(text, value)
        self.theme.setCurrentIndex(self.theme.findData(current.theme))
        self.on_done = QComboBox()
        for value, text in open_suggestions.CHOICES.items():
            self.on_done.addItem(text, value)
        self.on_done.setCurrentIndex(self.on_done.findData(current.open_suggestions_on_done))
        self.on_done.setToolTip(
            "What Done does with model suggestions you have not accepted or rejected"
        )
        self.backup = QSpinBox()
        self.backup.setRange(settings.BACKUP_MINUTES.start, settings.BACKUP_MINUTES.stop - 1)
        self.backup.setSuffix(" min")
        self.backup.setValue(current.backup_minutes)
        self.backup.setToolTip("How often the open project is backed up into your data folder")
        self.boilerplate = QCheckBox("Detect boilerplate on import")
        self.boilerplate.setChecked(current.detect_boilerplate)
        self.boilerplate.setToolTip(
            "Recognise lines repeated across a source's articles (menus, cookie notices, "
            "bylines) when importing"
        )
        form = QFormLayout()
        form.addRow("Your &name:", self.name)
        form.addRow("Article &text size:", self.font_size)
        form.addRow("T&heme:", self.theme)
        form.addRow("Done with open &suggestions:", self.on_done)
        form.addRow("&Back up every:", self.backup)
        form.addRow("", self.boilerplate)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        self.name.textChanged.connect(self._check_name)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def chosen(self) -> settings.UserSettings:
        return settings.UserSettings(
            annotator=self.name.text().strip(),
            font_size=self.font_size.value(),
            theme=self.theme.currentData(),
            open_suggestions_on_done=self.on_done.currentData(),
            backup_minutes=self.backup.value(),
            detect_boilerplate=self.boilerplate.isChecked(),
        )

    def apply(self) -> None:
        """Store and announce the choices; a blank name is never stored (edits need one)."""
        if not self.name.text().strip():
            return
        chosen = self.chosen()
        settings.save_user_settings(chosen)
        self.applied.emit(chosen)

    def accept(self) -> None:
        if not self.name.text().strip():
            return
        self.apply()
        super().accept()

    def _check_name(self, text: str) -> None:
        ok = bool(text.strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).setEnabled(ok)

"""The Settings dialog's choices: stored per user, checked on the way in and on the way out."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from annotator.core import settings


def test_defaults_without_a_settings_file() -> None:
    chosen = settings.user_settings()
    assert chosen == settings.UserSettings(annotator="tester")
    assert chosen.detect_boilerplate is True
    assert chosen.theme == "system"


def test_choices_round_trip_and_keep_the_other_settings() -> None:
    settings.update_settings(recent=["/a.annotator"], geometry="abc")
    chosen = settings.UserSettings(
        annotator="Mira",
        font_size=16,
        theme="dark",
        open_suggestions_on_done="leave",
        backup_minutes=10,
        detect_boilerplate=False,
    )
    settings.save_user_settings(chosen)
    assert settings.user_settings() == chosen
    assert settings.current_annotator() == "Mira"
    stored = settings.load_settings()
    assert stored["recent"] == ["/a.annotator"] and stored["geometry"] == "abc"


def test_hand_edited_nonsense_falls_back_to_defaults() -> None:
    settings.settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings.settings_path().write_text(
        json.dumps(
            {
                "font_size": True,
                "theme": "purple",
                "open_suggestions_on_done": 3,
                "backup_minutes": 0,
                "detect_boilerplate": "no",
            }
        ),
        encoding="utf-8",
    )
    assert settings.user_settings() == settings.UserSettings(annotator="tester")


def test_out_of_range_choices_are_refused() -> None:
    good = settings.UserSettings(annotator="tester")
    for bad in (
        replace(good, theme="purple"),
        replace(good, font_size=200),
        replace(good, backup_minutes=0),
    ):
        with pytest.raises(ValueError):
            settings.save_user_settings(bad)
    assert not settings.settings_path().exists()

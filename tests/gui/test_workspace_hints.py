"""The workspace says what happened, or what to do, where the user would otherwise see nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.project import Project

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def press_topic_key(qtbot, window, modifiers: Qt.KeyboardModifier) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window.view, Qt.Key.Key_2, modifiers)


def test_topic_keys_say_what_they_did_when_the_topics_tab_is_hidden(qtbot, window) -> None:
    window.side.setCurrentWidget(window.entities)
    assert not window.topics.isVisible()
    bar = window.statusBar()
    press_topic_key(qtbot, window, CTRL)
    assert bar.currentMessage() == "Topic 'trade' applied"
    press_topic_key(qtbot, window, CTRL)
    assert bar.currentMessage() == "Topic 'trade' cleared"
    press_topic_key(qtbot, window, CTRL | SHIFT)
    assert bar.currentMessage() == "Topic 'trade' does not apply"
    # With the Topics tab in sight the list itself shows the change; no message repeats it.
    window.side.setCurrentWidget(window.topics)
    bar.clearMessage()
    press_topic_key(qtbot, window, CTRL)
    qtbot.waitUntil(lambda: window.topics.state("trade") is True, timeout=2000)
    assert bar.currentMessage() == ""


def test_an_empty_project_says_how_to_begin_until_articles_arrive(qtbot, tmp_path: Path) -> None:
    from annotator.gui.main_window import MainWindow, open_session

    path = tmp_path / "empty.annotator"
    with Project.open(path):
        pass
    main = MainWindow(open_session(path, "tester"))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    hint = main.empty_hint
    assert hint.isVisible() and not main.view.isVisible()
    assert "Ctrl+I" in hint.text() and "Pre-tag" in hint.text()
    article = tmp_path / "first.txt"
    article.write_text("First story\n\nLeaders met in Beijing.", encoding="utf-8")
    main.operations.import_paths([article])
    qtbot.waitUntil(main.view.isVisible, timeout=15000)
    assert not hint.isVisible()
    qtbot.waitUntil(lambda: "Beijing" in main.view.toPlainText(), timeout=5000)
    main.operations.import_report.close()
    main.close()

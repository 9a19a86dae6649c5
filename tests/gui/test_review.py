"""Review mode driven by keys: settle disagreements into the gold set, then check the store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from annotator.core.adjudication import GOLD
from annotator.core.project import Project
from annotator.core.records import Layer, Status
from tests.gui.conftest import ARTICLES

TEXT = ARTICLES["a.txt"]


def at(word: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(word, start + 1)
    return start, start + len(word)


@pytest.fixture
def colleagues(project_file: Path) -> Path:
    with Project.open(project_file) as project:
        assert project.text(1) == TEXT
        for name, spans in {
            "alice": [("Nepal", "GPE"), ("Mongolia", "GPE"), ("Monday", "DATE")],
            "bob": [("Nepal", "GPE"), ("Mongolia", "LOC"), ("40%", "PERCENT")],
        }.items():
            for word, label in spans:
                project.edits.add_span(1, name, *at(word), label)
            project.edits.set_status(1, name, Status.DONE)
        project.edits.add_span(
            1, "bob", *at("trade grew by 40%"), "misleading", layer=Layer.UNRELIABLE, note="base?"
        )
        project.edits.set_topic(1, "alice", "diplomacy", True)
        project.edits.set_topic(1, "bob", "diplomacy", False)
        project.edits.add_span(
            2, "alice", *(lambda s: (s, s + 5))(ARTICLES["b.txt"].index("India")), "GPE"
        )
    return project_file


def gold(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            'SELECT s.layer, s.start, s."end", l.name, c.name, r.name FROM spans AS s '
            "JOIN annotations AS a ON a.id = s.annotation_id "
            "JOIN annotators AS g ON g.id = a.annotator_id JOIN labels AS l ON l.id = s.label_id "
            "JOIN annotators AS c ON c.id = s.created_by "
            "LEFT JOIN annotators AS r ON r.id = s.adjudicated_by "
            "WHERE g.name = ? ORDER BY s.layer, s.start",
            (GOLD,),
        ).fetchall()
    finally:
        conn.close()


def key(qtbot, window, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window.view, key, modifier)


def review_spans(window) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in window.view.spans() if s.kind == "review"]


def start_review(qtbot, window) -> None:
    assert window.review.start(["alice", "bob"])
    qtbot.waitUntil(lambda: not window.review.count_task.thread.isRunning(), timeout=5000)


def test_review_marks_each_open_disagreement_in_the_pane(qtbot, window, colleagues) -> None:
    start_review(qtbot, window)
    assert window.session.annotator == GOLD
    assert window.annotator_button.text() == "Reviewing as tester → gold"
    assert sorted(review_spans(window)) == sorted(
        [at("Mongolia"), at("Monday"), at("40%"), at("trade grew by 40%")]
    )
    assert "<b>5</b> open" in window.review.panel.header.text()
    qtbot.waitUntil(lambda: "entities F1" in window.review.panel.figures.text(), timeout=5000)


def test_settling_by_keys_builds_the_gold_set(qtbot, window, colleagues) -> None:
    start_review(qtbot, window)
    key(qtbot, window, Qt.Key.Key_J)
    assert window.review.current is not None
    key(qtbot, window, Qt.Key.Key_W)
    key(qtbot, window, Qt.Key.Key_B)
    key(qtbot, window, Qt.Key.Key_0)
    key(qtbot, window, Qt.Key.Key_W)
    assert gold(colleagues) == [
        ("entity", *at("Mongolia"), "LOC", "bob", "tester"),
        ("entity", *at("Monday"), "DATE", "alice", "tester"),
        ("unreliable", *at("trade grew by 40%"), "misleading", "bob", "tester"),
    ]
    qtbot.waitUntil(lambda: review_spans(window) == [], timeout=2000)
    key(qtbot, window, Qt.Key.Key_J)
    key(qtbot, window, Qt.Key.Key_Q)
    with Project.open(colleagues) as project:
        assert project.edits.annotation(1, GOLD).topics == {"diplomacy": True}
    key(qtbot, window, Qt.Key.Key_Return)
    rows = gold(colleagues)
    assert ("entity", *at("Nepal"), "GPE", "alice", "tester") in rows
    with Project.open(colleagues) as project:
        assert project.edits.annotation(1, GOLD).status is Status.DONE


def test_undo_takes_a_settlement_back(qtbot, window, colleagues) -> None:
    start_review(qtbot, window)
    key(qtbot, window, Qt.Key.Key_J)
    key(qtbot, window, Qt.Key.Key_Q)
    assert [row[3] for row in gold(colleagues)] == ["GPE"]
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold(colleagues) == []
    qtbot.waitUntil(lambda: at("Mongolia") in review_spans(window), timeout=2000)
    key(
        qtbot,
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier,
    )
    assert [row[3] for row in gold(colleagues)] == ["GPE"]


def test_clicking_a_marked_disagreement_chooses_it(qtbot, window, colleagues) -> None:
    start_review(qtbot, window)
    marked = next(s for s in window.view.spans() if s.kind == "review" and s.start == at("40%")[0])
    window.view.spanClicked.emit(marked.id)
    key(qtbot, window, Qt.Key.Key_0)
    assert gold(colleagues) == []
    assert at("40%") not in review_spans(window)


def test_document_list_filters_by_disagreements(qtbot, window, colleagues) -> None:
    start_review(qtbot, window)
    assert window.filters.disagreements.isVisibleTo(window)
    window.filters.disagreements.setValue(1)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    assert window.model.row_data(0).title == "Summit in Beijing"
    window.filters.disagreements.setValue(6)
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=3000)


def test_leaving_review_mode_returns_to_ones_own_work(qtbot, window, colleagues) -> None:
    start_review(qtbot, window)
    key(qtbot, window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.session.annotator == "tester"
    assert not window.session.reviewing
    assert review_spans(window) == []
    assert window.side.indexOf(window.review.panel) == -1
    assert not window.actions_by_name["take_first"].isEnabled()


def test_file_merge_brings_a_colleague_in_and_twice_changes_nothing(
    qtbot, window, project_file, tmp_path, monkeypatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    folder = tmp_path / "theirs"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    theirs = tmp_path / "dave.annotator"
    with Project.open(theirs) as project:
        project.import_paths([folder / "a.txt"])
        project.edits.add_span(1, "dave", *at("Nepal"), "GPE")
    before = theirs.read_bytes()
    window.operations.merge_file(theirs)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10000)
    assert "0 new documents, 1 matched by text" in shown[0]
    with Project.open(project_file) as project:
        assert [(s.start, s.label) for s in project.edits.annotation(1, "dave").spans] == [
            (at("Nepal")[0], "GPE")
        ]
    window.operations.merge_file(theirs)
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=10000)
    assert "0 annotations, 0 spans" in shown[1]
    assert theirs.read_bytes() == before


def test_agreement_report_shows_the_project_figures_and_saves_them(
    qtbot, window, colleagues, tmp_path
) -> None:
    from annotator.core.agreement import agreement

    window.operations.agreement_report(["alice", "bob"])
    qtbot.waitUntil(lambda: hasattr(window.operations, "report_dialog"), timeout=10000)
    dialog = window.operations.report_dialog
    qtbot.addWidget(dialog)
    with Project.open(colleagues) as project:
        expected = agreement(project, ["alice", "bob"]).pairs[0].exact["(micro)"].f1
    shown = dialog.browser.toPlainText()
    assert "1 documents compared" in shown
    assert f"{expected:.3f}" in shown
    out = tmp_path / "agreement.html"
    dialog.save_to(out)
    assert "<svg" in out.read_text(encoding="utf-8")


def test_review_dialog_offers_those_who_finished_work_and_keys_go_to_the_pane(
    qtbot, window, colleagues
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from annotator.gui.review import AnnotatorsDialog

    window.session.project.edits.add_span(2, "tester", 0, 5, "ORG")

    def accept_defaults() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, AnnotatorsDialog):
            dialog.accept()
        else:
            QTimer.singleShot(20, accept_defaults)

    QTimer.singleShot(0, accept_defaults)
    key(qtbot, window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.session.compared == ["alice", "bob"]
    assert window.focusWidget() is window.view


def active(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)


def test_review_list_names_the_words_and_each_version_grouped_by_kind(
    qtbot, window, colleagues
) -> None:
    with Project.open(colleagues) as project:
        project.edits.add_span(1, "alice", *at("Beijing", 1), "GPE")
        project.edits.add_span(1, "bob", *at("in Beijing", 1), "GPE")
    start_review(qtbot, window)
    assert window.review.panel.rows() == [
        ("Different label — 1 open of 1", True),
        ("Mongolia — alice: GPE · bob: LOC", False),
        ("Different boundaries — 1 open of 1", True),
        ("in Beijing — alice: GPE “Beijing” · bob: GPE “in Beijing”", False),
        ("Only some have it — 3 open of 3", True),
        ("Monday — alice: DATE · bob: –", False),
        ("40% — alice: – · bob: PERCENT", False),
        ("passage “trade grew by 40%” — alice: – · bob: misleading", False),
        ("Topics — 1 open of 1", True),
        ("diplomacy — alice: applies · bob: does not apply", False),
    ]
    active(qtbot, window)
    key(qtbot, window, Qt.Key.Key_J)
    key(qtbot, window, Qt.Key.Key_W)
    qtbot.waitUntil(
        lambda: ("Mongolia — alice: GPE · bob: LOC  → bob", False) in window.review.panel.rows(),
        timeout=3000,
    )
    assert ("Different label — 0 open of 1", True) in window.review.panel.rows()


def test_what_everyone_agrees_on_shows_as_agreed_from_the_start(qtbot, window, colleagues) -> None:
    start_review(qtbot, window)
    agreed = [(s.start, s.end, s.label) for s in window.view.spans() if s.kind == "agreed"]
    assert agreed == [(*at("Nepal"), "GPE")]
    assert gold(colleagues) == []
    active(qtbot, window)
    key(qtbot, window, Qt.Key.Key_Return)
    assert ("entity", *at("Nepal"), "GPE", "alice", "tester") in gold(colleagues)
    window.open_document(1)
    qtbot.waitUntil(
        lambda: not [s for s in window.view.spans() if s.kind == "agreed"], timeout=3000
    )
    assert (*at("Nepal"), "GPE") in [
        (s.start, s.end, s.label) for s in window.view.spans() if s.kind == "entity"
    ]


def test_review_mode_is_checked_in_the_menu_and_the_status_bar_counts_what_is_left(
    qtbot, window, colleagues, monkeypatch
) -> None:
    from annotator.gui.review import AnnotatorsDialog

    mode = window.actions_by_name["review_mode"]
    assert mode.isCheckable() and not mode.isChecked()
    monkeypatch.setattr(AnnotatorsDialog, "exec", lambda _self: 0)
    mode.trigger()  # the reviewer cancels the choice of annotators
    assert not mode.isChecked() and not window.session.reviewing
    start_review(qtbot, window)
    assert mode.isChecked()
    status = window.review.status
    assert status.isVisibleTo(window)
    qtbot.waitUntil(
        lambda: status.text() == "Reviewing alice, bob → gold: 5 disagreements left", timeout=5000
    )
    active(qtbot, window)
    key(qtbot, window, Qt.Key.Key_J)
    key(qtbot, window, Qt.Key.Key_W)
    qtbot.waitUntil(
        lambda: status.text() == "Reviewing alice, bob → gold: 4 disagreements left", timeout=3000
    )
    key(qtbot, window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert not mode.isChecked()
    assert not status.isVisibleTo(window)


def test_the_documents_figures_are_measured_off_the_gui_thread(
    qtbot, window, colleagues, monkeypatch
) -> None:
    import threading

    from annotator.gui import review

    threads: list[threading.Thread] = []
    measure = review.agreement

    def watched(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread())
        return measure(*args, **kwargs)

    monkeypatch.setattr(review, "agreement", watched)
    start_review(qtbot, window)
    qtbot.waitUntil(lambda: "entities F1" in window.review.panel.figures.text(), timeout=5000)
    assert threads and threading.main_thread() not in threads


def test_every_side_tab_is_in_sight_in_a_1024_pixel_window(qtbot, window, colleagues) -> None:
    from PySide6.QtCore import QRect

    def tabs_in_sight() -> list[str]:
        """Tabs lying wholly inside the tab bar and inside the window."""
        bar = window.side.tabBar()
        return [
            bar.tabText(index)
            for index in range(bar.count())
            if bar.rect().contains(bar.tabRect(index))
            and window.rect().contains(
                QRect(bar.mapTo(window, bar.tabRect(index).topLeft()), bar.tabRect(index).size())
            )
        ]

    start_review(qtbot, window)
    window.resize(1024, 640)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (1024, 640), timeout=3000)
    assert window.side.count() == 6
    assert tabs_in_sight() == [window.side.tabText(i) for i in range(6)]
    window.review.stop()
    assert len(tabs_in_sight()) == window.side.count() == 5


def test_reviewing_three_annotators_names_and_takes_the_third(qtbot, window, colleagues) -> None:
    with Project.open(colleagues) as project:
        project.edits.add_span(1, "carol", *at("Mongolia"), "ORG")
        project.edits.add_span(1, "carol", *at("Nepal"), "GPE")
    assert window.review.start(["alice", "bob", "carol"])
    qtbot.waitUntil(lambda: not window.review.count_task.thread.isRunning(), timeout=5000)
    rows = [text for text, heading in window.review.panel.rows() if not heading]
    assert "Mongolia — alice: GPE · bob: LOC · carol: ORG" in rows
    assert "Monday — alice: DATE · bob: – · carol: –" in rows
    assert "<b>E</b> carol" in window.review.panel.keys.text()
    qtbot.waitUntil(
        lambda: window.review.status.text().startswith("Reviewing alice, bob, carol → gold:"),
        timeout=3000,
    )
    active(qtbot, window)
    key(qtbot, window, Qt.Key.Key_J)
    key(qtbot, window, Qt.Key.Key_E)
    assert ("entity", *at("Mongolia"), "ORG", "carol", "tester") in gold(colleagues)
    qtbot.waitUntil(lambda: "carol vs bob" in window.review.panel.figures.text(), timeout=5000)


def test_agreement_report_draws_its_chart_in_the_app(qtbot, window, colleagues, monkeypatch):
    from PySide6.QtGui import QColor, QDesktopServices

    from annotator.gui.charts import EXACT_COLOUR

    window.operations.agreement_report(["alice", "bob"])
    qtbot.waitUntil(lambda: hasattr(window.operations, "report_dialog"), timeout=10000)
    dialog = window.operations.report_dialog
    qtbot.addWidget(dialog)
    shown = dialog.browser.toPlainText()
    assert "1.00 /" not in shown and "DATE1" not in shown  # no chart as run-on text
    assert list(dialog.bars) == ["chart:0"]
    bars = dialog.bars["chart:0"]
    image = dialog.browser.charts["chart:0"]
    scale = image.devicePixelRatio()
    rows = {label: (exact, overlap) for label, exact, overlap in bars.bar_rects()}
    expected = {label: (e, o) for label, e, o in bars.rows}
    # GPE: both have Nepal, only alice Mongolia (bob: LOC), so F1 2/3 either way.
    assert expected["GPE"] == pytest.approx((2 / 3, 2 / 3))
    exact, overlap = rows["GPE"]
    assert exact.width() == pytest.approx(2 / 3 * bars.bar_width) == overlap.width()
    centre = exact.center()
    pixel = image.pixelColor(int(centre.x() * scale), int(centre.y() * scale))
    assert pixel.name() == QColor(EXACT_COLOUR).name()
    beyond = exact.right() + 5
    assert image.pixelColor(int(beyond * scale), int(centre.y() * scale)).alpha() == 0
    micro_exact, micro_overlap = rows["(micro)"]
    assert micro_exact.width() > 0 and micro_overlap.width() >= micro_exact.width()
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    dialog.open_in_browser()
    assert len(opened) == 1
    assert "<svg" in Path(opened[0].toLocalFile()).read_text(encoding="utf-8")


def test_boilerplate_stays_greyed_in_review_mode(qtbot, window, colleagues) -> None:
    from annotator.core import boilerplate
    from annotator.core.project import Project

    start, end = at("Summit in Beijing")
    with Project.open(colleagues) as project:
        boilerplate.mark(project, 1, start, end, "tester")
    start_review(qtbot, window)
    shown = window.view.spans()
    assert len({s.id for s in shown}) == len(shown)
    assert [(s.start, s.end) for s in shown if s.kind == "boilerplate"] == [(start, end)]
    assert sorted(review_spans(window)) == sorted(
        [at("Mongolia"), at("Monday"), at("40%"), at("trade grew by 40%")]
    )


TEAM = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]


@pytest.fixture
def team(project_file: Path) -> Path:
    """Eight annotators on the first article (and six on the second), all done; the reviewer
    (tester) labelled the first article too and is still at it.

    Nepal: GPE by all eight. Mongolia: GPE ×5, LOC ×2 (frank, heidi), ORG (grace). Monday:
    DATE by alice, bob, carol only. The second Beijing: GPE by alice, bob, carol, LOC by dave,
    erin, 'in Beijing' GPE by grace alone. India (second article): GPE by six.
    """
    mongolia = {"frank": "LOC", "heidi": "LOC", "grace": "ORG"}
    beijing = {"alice": "GPE", "bob": "GPE", "carol": "GPE", "dave": "LOC", "erin": "LOC"}
    india = ARTICLES["b.txt"].index("India")
    with Project.open(project_file) as project:
        for name in TEAM:
            project.edits.add_span(1, name, *at("Nepal"), "GPE")
            project.edits.add_span(1, name, *at("Mongolia"), mongolia.get(name, "GPE"))
            if name in ("alice", "bob", "carol"):
                project.edits.add_span(1, name, *at("Monday"), "DATE")
            if name in beijing:
                project.edits.add_span(1, name, *at("Beijing", 1), beijing[name])
            if name == "grace":
                project.edits.add_span(1, name, *at("in Beijing", 1), "GPE")
            project.edits.set_status(1, name, Status.DONE)
        for name in TEAM[:6]:
            project.edits.add_span(2, name, india, india + 5, "GPE")
            project.edits.set_status(2, name, Status.DONE)
        project.edits.add_span(1, "tester", *at("Nepal"), "GPE")
        project.edits.set_status(1, "tester", Status.IN_PROGRESS)
    return project_file


def start_team_review(qtbot, window) -> None:
    assert window.review.start(TEAM)
    qtbot.waitUntil(lambda: not window.review.count_task.thread.isRunning(), timeout=5000)
    active(qtbot, window)


def people_statuses(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT a.document_id, n.name, a.status, a.updated_at FROM annotations AS a "
            "JOIN annotators AS n ON n.id = a.annotator_id WHERE n.name != ? ORDER BY 1, 2",
            (GOLD,),
        ).fetchall()
    finally:
        conn.close()


def test_the_picker_takes_the_seventh_annotators_version(qtbot, window, team) -> None:
    start_team_review(qtbot, window)
    beijing = at("Beijing", 1)[0]
    marked = next(
        s for s in window.view.spans() if s.kind == "review" and s.start <= beijing < s.end
    )
    window.view.spanClicked.emit(marked.id)
    key(qtbot, window, Qt.Key.Key_V)
    qtbot.waitUntil(lambda: window.review.picker is not None, timeout=3000)
    menu = window.review.picker
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    entries = [action.text() for action in menu.actions()]
    assert len(entries) == 8
    assert entries[6] == "&7  grace: GPE “in Beijing”"
    assert entries[0] == "&1  alice: GPE “Beijing”  (3 of 8 have it)"
    qtbot.keyClick(menu, Qt.Key.Key_7)
    assert gold(team) == [("entity", *at("in Beijing", 1), "GPE", "grace", "tester")]
    qtbot.waitUntil(lambda: not menu.isVisible(), timeout=3000)
    assert window.focusWidget() is window.view


def test_rows_with_eight_annotators_group_identical_versions(qtbot, window, team) -> None:
    start_team_review(qtbot, window)
    rows = [text for text, heading in window.review.panel.rows() if not heading]
    assert "Mongolia — GPE ×5: alice, bob, carol +2 · LOC ×2: frank, heidi · ORG ×1: grace" in rows
    assert "Monday — – ×5: dave, erin, frank +2 · DATE ×3: alice, bob, carol" in rows
    assert all(len(row) < 110 for row in rows)
    badges = [s.label for s in window.view.spans() if s.kind == "review"]
    assert "GPE ×5 · LOC ×2 · ORG ×1" in badges
    assert "comparing 8 annotators" in window.review.panel.header.text()
    assert "<b>V</b> any of 8" in window.review.panel.keys.text()


def test_m_adopts_what_k_agree_on_and_one_undo_takes_it_back(qtbot, window, team) -> None:
    start_team_review(qtbot, window)
    assert window.review.panel.min_agree.value() == 5  # a majority of eight
    key(qtbot, window, Qt.Key.Key_M)
    assert gold(team) == [
        ("entity", *at("Nepal"), "GPE", "alice", "tester"),
        ("entity", *at("Mongolia"), "GPE", "alice", "tester"),
    ]
    qtbot.waitUntil(
        lambda: any(
            row.startswith("Monday") and row.endswith("→ neither")
            for row, _heading in window.review.panel.rows()
        ),
        timeout=3000,
    )
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold(team) == []
    window.review.panel.min_agree.setValue(6)
    key(qtbot, window, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)
    india = ARTICLES["b.txt"].index("India")
    assert ("entity", india, india + 5, "GPE", "alice", "tester") in gold(team)
    assert ("entity", *at("Nepal"), "GPE", "alice", "tester") in gold(team)
    assert ("entity", *at("Mongolia"), "GPE", "alice", "tester") not in gold(team)
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold(team) == []


def test_marking_reviewed_keeps_every_annotators_status(qtbot, window, team) -> None:
    from annotator.core.adjudication import review_state

    before = people_statuses(team)
    start_team_review(qtbot, window)
    assert "not reviewed yet" in window.review.panel.header.text()
    key(qtbot, window, Qt.Key.Key_Return)
    project = window.session.project
    state = review_state(project, 1)
    assert (state.status, state.reviewer) == ("reviewed", "tester")
    assert people_statuses(team) == before
    assert project.edits.annotation(1, "tester").status is Status.IN_PROGRESS
    assert project.edits.annotation(1, GOLD).status is Status.DONE
    window.open_document(1)
    qtbot.waitUntil(lambda: "reviewed by tester" in window.review.panel.header.text(), timeout=3000)
    key(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert review_state(project, 1).status == "skipped"
    assert people_statuses(team) == before
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert review_state(project, 1).status == "reviewed"
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert review_state(project, 1) is None
    assert people_statuses(team) == before

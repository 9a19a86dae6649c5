"""A team on one PostgreSQL project, end to end: three annotator processes label their own
queues (overlap 2), a reviewer settles the disagreements in the app, the agreement report
measures alpha over the partial overlap, and one annotator's work done on a laptop without
the server, pushed later, arrives intact."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.adjudication import REVIEWED, review_state
from annotator.core.agreement import agreement
from annotator.core.assignment import assign
from annotator.core.project import Project
from annotator.core.records import GOLD, Status
from annotator.core.sync import pull, push
from tests.core.team_session import NEPAL, label_my_queue
from tests.gui.conftest import open_window

TEAM = sorted(NEPAL)
DOCUMENTS = 6


def test_three_annotators_a_reviewer_and_agreement_on_one_team_database(
    qtbot, team_database: str, tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(DOCUMENTS):
        (folder / f"{number}.txt").write_text(
            f"Talks {number}\n\nEnvoys from Nepal met in Beijing on day {number}.", "utf-8"
        )
    with Project.open(team_database) as project:
        project.import_paths(sorted(folder.iterdir()))
        report = assign(project, TEAM, overlap=2, seed=3)
    assert sum(load.assigned for load in report.loads.values()) == DOCUMENTS * 2

    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    workers = [
        context.Process(target=label_my_queue, args=(team_database, name, results)) for name in TEAM
    ]
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=300) for _ in TEAM]
    done = {name: (finished, error) for name, finished, error in reports}
    for worker in workers:
        worker.join(timeout=60)
    assert {name: error for name, (_, error) in done.items() if error} == {}
    assert sum(len(finished) for finished, _ in done.values()) == DOCUMENTS * 2

    window = next(open_window(qtbot, team_database, "rita"))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    assert window.review.start(TEAM)
    qtbot.waitUntil(lambda: not window.review.count_task.thread.isRunning(), timeout=10_000)
    for document_id in range(1, DOCUMENTS + 1):
        window.open_document(document_id)
        window.review.panel.min_agree.setValue(2)
        qtbot.keyClick(window.view, Qt.Key.Key_M)  # adopt what both of its annotators say
        if window.review.review().unsettled:  # carol and one other disagree on Nepal
            first = next(n for n in TEAM if document_id in done[n][0])
            take = (Qt.Key.Key_Q, Qt.Key.Key_W, Qt.Key.Key_E)[TEAM.index(first)]
            qtbot.keyClick(window.view, take)  # the version of the first who labelled it
        assert window.review.review().unsettled == 0
        qtbot.keyClick(window.view, Qt.Key.Key_Return)  # the reviewer's own mark
    window.close()

    with Project.open(team_database) as project:
        for document_id in range(1, DOCUMENTS + 1):
            state = review_state(project, document_id)
            assert state is not None and (state.status, state.reviewer) == (REVIEWED, "rita")
            gold = project.edits.annotation(document_id, GOLD)
            assert gold is not None
            text = project.text(document_id)
            assert {text[s.start : s.end] for s in gold.spans} == {"Nepal", "Beijing"}
            finishers = [n for n in TEAM if document_id in done[n][0]]
            assert len(finishers) == 2
            if all(NEPAL[n] == "GPE" for n in finishers):
                assert {s.label for s in gold.spans} == {"GPE"}
            for name in TEAM:
                assert project.edits.annotation(document_id, name) is None or name in finishers
        measured = agreement(project, TEAM)
    assert measured.documents == DOCUMENTS
    assert measured.entity_alpha.units > 0 and measured.entity_alpha.value is not None
    assert measured.entity_alpha.value < 1  # carol's LOC
    pairs = {(p.reference, p.candidate): p.documents for p in measured.pairs}
    assert all(0 < count < DOCUMENTS for count in pairs.values()), pairs

    laptop = tmp_path / "carol-laptop.annotator"
    with Project.open(team_database) as team, Project.open(laptop) as mine:
        pull(team, mine)  # the whole project, to go on with on the train
        not_hers = {d.content_hash for d in team.documents() if d.id not in done["carol"][0]}
    with Project.open(laptop) as mine:  # on the train: no server
        extra = next(d.id for d in mine.documents() if d.content_hash in not_hers)
        text = mine.text(extra)
        start = text.index("Envoys")
        mine.edits.add_span(extra, "carol", start, start + len("Envoys"), "NORP")
        mine.edits.set_topic(extra, "carol", "diplomacy", True)
        mine.edits.set_status(extra, "carol", Status.DONE)
        offline = mine.edits.annotation(extra, "carol")
        hash_of = {d.id: d.content_hash for d in mine.documents()}
    with Project.open(laptop) as mine, Project.open(team_database) as team:
        report = push(mine, team, annotators=["carol"])
        assert (report.sets_added, report.sets_written, report.conflicts) == (1, 1, [])
        on_team = {d.content_hash: d.id for d in team.documents()}
        arrived = team.edits.annotation(on_team[hash_of[extra]], "carol")
    assert arrived is not None and offline is not None
    assert [(s.start, s.end, s.label) for s in arrived.spans] == [
        (s.start, s.end, s.label) for s in offline.spans
    ]
    assert (arrived.status, arrived.topics) == (Status.DONE, {"diplomacy": True})

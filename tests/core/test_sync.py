"""Push and pull between a laptop's project file and the team's PostgreSQL database: work
arrives intact, colleagues' work comes back, a set changed on both sides is a conflict that
overwrites nothing, syncing twice changes nothing, documents meet by their text, a failure
leaves the target as it was, and work done offline is never lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotator.core import adjudication
from annotator.core import sync as core_sync
from annotator.core.errors import ProjectError
from annotator.core.project import Project
from annotator.core.records import GOLD, LabelKind, Layer, Status
from annotator.core.relations import relations, set_link
from annotator.core.store import sync as store
from annotator.core.sync import pull, push
from tests.conftest import snapshot

NEPAL = "Leaders of Nepal and China met in Beijing on Monday to sign a trade accord."
DELHI = "Officials in Delhi said exports to Germany rose by 12% last year."
KYIV = "The mayor of Kyiv thanked volunteers from Poland for their help."
EXTRA = "Farmers in Kenya expect a good harvest after the long rains."


def write_articles(folder: Path, texts: list[str]) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for index, text in enumerate(texts):
        path = folder / f"{index:02d}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture
def team(team_database: str, tmp_path: Path) -> str:
    """The team's database: three articles, pre-tagged by the built-in tagger."""
    with Project.open(team_database) as project:
        project.import_paths(write_articles(tmp_path / "team", [NEPAL, DELHI, KYIV]))
        project.pretag()
    return team_database


@pytest.fixture
def laptop(tmp_path: Path) -> Path:
    return tmp_path / "laptop.annotator"


def document_id(project: Project, text: str) -> int:
    [found] = [d.id for d in project.documents() if project.text(d.id).strip() == text]
    return found


def label_work(project: Project, text: str, annotator: str, *, note: str = "note") -> None:
    """A day's work on one article: a suggestion accepted and one rejected, a passage marked
    unreliable with a note, a link, a topic decided, the document done, a minute spent."""
    document = document_id(project, text)
    suggestions = project.edits.suggestions(document, annotator)
    assert len(suggestions) >= 2
    accepted = project.edits.accept_suggestion(suggestions[0].id, annotator)
    project.edits.reject_suggestion(suggestions[1].id, annotator)
    set_link(project, accepted.id, annotator, "Q837")
    project.edits.add_span(
        document, annotator, 0, 7, "misleading", layer=Layer.UNRELIABLE, note=f"{annotator}: {note}"
    )
    project.edits.set_topic(document, annotator, "diplomacy", True)
    project.edits.set_topic(document, annotator, "economy", False)
    project.edits.set_status(document, annotator, Status.DONE)
    project.edits.add_active_time(document, annotator, 60.0)


def add_last_word(project: Project, text: str, annotator: str) -> None:
    """An entity over the article's last word (where no suggestion was accepted)."""
    start = text.rindex(" ") + 1
    project.edits.add_span(document_id(project, text), annotator, start, len(text) - 1, "GPE")


def add_group_span(project: Project, text: str, annotator: str) -> None:
    """A span of a span group (spaCy's doc.spans["sc"]) with the annotator's attributes, as
    a DocBin import brings them (the app draws none yet)."""
    document = document_id(project, text)
    with project.write() as conn:
        set_id, who = conn.exec_driver_sql(
            "SELECT a.id, n.id FROM annotations AS a JOIN annotators AS n "
            "ON n.id = a.annotator_id WHERE a.document_id = ? AND n.name = ?",
            (document, annotator),
        ).one()
        label = conn.exec_driver_sql(
            "INSERT INTO labels (kind, name, colour, description, position) "
            "VALUES ('span', 'claim', '#888888', '', 0) RETURNING id"
        ).scalar_one()
        conn.exec_driver_sql(
            'INSERT INTO spans (annotation_id, layer, span_group, start, "end", label_id, '
            "attributes, created_by, rejected, created_at) VALUES (?, 'group', 'sc', 0, 6, ?, "
            "'{\"negated\": true}', ?, FALSE, '2024-05-01 10:00:00')",
            (set_id, label, who),
        )


def add_relation(project: Project, text: str, annotator: str) -> None:
    """A relation between the annotator's first two spans (the app draws none yet)."""
    document = document_id(project, text)
    spans = [s for s in project.edits.annotation(document, annotator).spans if not s.rejected]
    with project.write() as conn:
        set_id, who = conn.exec_driver_sql(
            "SELECT a.id, n.id FROM annotations AS a JOIN annotators AS n "
            "ON n.id = a.annotator_id WHERE a.document_id = ? AND n.name = ?",
            (document, annotator),
        ).one()
        conn.exec_driver_sql(
            "INSERT INTO labels (kind, name, colour, description, position) "
            "VALUES ('relation', 'located_in', '#888888', '', 0) ON CONFLICT DO NOTHING"
        )
        label = conn.exec_driver_sql(
            "SELECT id FROM labels WHERE kind = 'relation' AND name = 'located_in'"
        ).scalar_one()
        conn.exec_driver_sql(
            "INSERT INTO relations (annotation_id, head_span_id, child_span_id, label_id, "
            "created_by, created_at) VALUES (?, ?, ?, ?, ?, '2024-05-01 10:00:00')",
            (set_id, spans[0].id, spans[1].id, label, who),
        )


def work(target: Path | str) -> dict[tuple[str, str], Any]:
    """Every set as the project's own API shows it, keyed by text and annotator, never by id:
    status, time, spans with provenance (the span a suggestion came from named by its owner
    and place), topics, relations, and the document's review mark with the gold set."""
    with Project.open(target, create=False) as project:
        result = {}
        for document in project.documents():
            text = project.text(document.id).strip()
            names = [a.name for a in project.annotators()]
            sets = {n: project.edits.annotation(document.id, n) for n in names}
            sets = {n: s for n, s in sets.items() if s is not None}
            owner = {
                span.id: (name, span.start, span.end, span.label)
                for name, annotation in sets.items()
                for span in annotation.spans
            }
            for name, annotation in sets.items():
                spans = sorted(
                    (
                        s.layer.value,
                        s.start,
                        s.end,
                        s.label,
                        s.note,
                        s.kb_id,
                        s.created_by,
                        s.rejected,
                        s.group,
                        repr(sorted(s.attributes.items())),
                        repr(owner.get(s.origin_span_id)),
                    )
                    for s in annotation.spans
                )
                links = sorted(
                    (r.label, r.head.start, r.head.end, r.child.start, r.child.end)
                    for r in relations(project, document.id, name)
                )
                review = None
                if name == GOLD and (state := adjudication.review_state(project, document.id)):
                    review = (state.status, state.reviewer)
                result[(text, name)] = (
                    annotation.status,
                    annotation.active_seconds,
                    spans,
                    dict(annotation.topics),
                    links,
                    review,
                )
        return result


def of(found: dict[tuple[str, str], Any], name: str) -> dict[str, Any]:
    return {text: value for (text, who), value in found.items() if who == name}


def test_push_brings_new_work_to_the_team_intact(team: str, laptop: Path) -> None:
    with Project.open(team) as remote, Project.open(laptop) as local:
        pulled = pull(remote, local)
        assert pulled.documents_added == 3 and pulled.sets_added == 3  # the model's suggestions
        label_work(local, NEPAL, "alice")
        label_work(local, DELHI, "alice", note="second")
        add_relation(local, NEPAL, "alice")
        add_group_span(local, NEPAL, "alice")
        local.add_label(LabelKind.TOPIC, "sports")
        local.edits.set_topic(document_id(local, DELHI), "alice", "sports", False)
        report = push(local, remote)
    assert (report.sets_added, report.sets_updated, report.conflicts) == (2, 0, [])
    assert report.labels_added == ["relation located_in", "span claim", "topic sports"]
    assert {(c.document, c.annotator) for c in report.changes} == {
        (NEPAL, "alice"),
        (DELHI, "alice"),
    }
    mine, theirs = of(work(laptop), "alice"), of(work(team), "alice")
    assert set(theirs) == {NEPAL, DELHI}
    assert theirs == mine
    status, seconds, spans, topics, links, _review = theirs[NEPAL]
    assert (status, seconds, topics) == ("done", 60.0, {"diplomacy": True, "economy": False})
    accepted = [s for s in spans if s[10] != "None" and not s[7]]
    assert accepted and accepted[0][5] == "Q837"  # the link came along
    assert "default" in accepted[0][10] or "tagger" in accepted[0][10]  # points at the model
    assert links and links[0][0] == "located_in"
    [group] = [s for s in spans if s[0] == "group"]
    assert (group[3], group[8], group[9]) == ("claim", "sc", repr([("negated", True)]))


def test_pull_brings_colleagues_work(team: str, laptop: Path) -> None:
    with Project.open(team) as remote, Project.open(laptop) as local:
        pull(remote, local)
        label_work(remote, KYIV, "bob")
        report = pull(remote, local)
    assert (report.sets_added, report.documents_added) == (1, 0)
    assert [(c.document, c.annotator, c.action) for c in report.changes] == [(KYIV, "bob", "added")]
    assert of(work(laptop), "bob") == of(work(team), "bob") != {}


def test_a_set_changed_on_both_sides_is_a_conflict_and_neither_is_overwritten(
    team: str, laptop: Path
) -> None:
    with Project.open(team) as remote, Project.open(laptop) as local:
        pull(remote, local)
        label_work(local, NEPAL, "alice", note="on the laptop")
        push(local, remote)
        # Both change alice's set on Nepal after they agreed: on the laptop and on the server.
        add_last_word(local, NEPAL, "alice")
        remote.edits.set_topic(document_id(remote, NEPAL), "alice", "trade", True)
        before = work(laptop), work(team)
        pushed = push(local, remote)
        pulled = pull(remote, local)
    for report in (pushed, pulled):
        assert [(c.document, c.annotator, c.action) for c in report.conflicts] == [
            (NEPAL, "alice", "left as is")
        ]
        assert report.sets_written == 0 and not report.changed
    assert (work(laptop), work(team)) == before


def test_force_lets_the_pushed_version_win_and_keep_both_adds_a_suffixed_copy(
    team: str, laptop: Path
) -> None:
    with Project.open(team) as remote, Project.open(laptop) as local:
        pull(remote, local)
        label_work(local, NEPAL, "alice")
        push(local, remote)
        add_last_word(local, NEPAL, "alice")
        remote.edits.set_topic(document_id(remote, NEPAL), "alice", "trade", True)
        theirs_before = of(work(team), "alice")[NEPAL]
        kept = pull(remote, local, on_conflict="keep-both")
        copy = f"alice ({remote.name})"
        assert [(c.action, c.kept_as) for c in kept.conflicts] == [("kept both", copy)]
        forced = push(local, remote, on_conflict="force")
        assert [c.action for c in forced.conflicts] == ["replaced"]
        again = push(local, remote)
    assert again.conflicts == [] and not again.changed
    on_laptop, on_team = work(laptop), work(team)
    assert on_team[(NEPAL, "alice")] == on_laptop[(NEPAL, "alice")]
    assert on_laptop[(NEPAL, copy)][1:] == theirs_before[1:]
    assert (NEPAL, copy) not in on_team


def test_a_second_push_with_nothing_new_changes_nothing(team: str, laptop: Path) -> None:
    with Project.open(team) as remote, Project.open(laptop) as local:
        pull(remote, local)
        label_work(local, NEPAL, "alice")
        first = push(local, remote)
        assert first.changed
        team_before, laptop_before = snapshot(team), snapshot(laptop)
        second = push(local, remote)
        third = pull(remote, local)
    for report in (second, third):
        assert not report.changed and report.changes == [] and report.conflicts == []
        assert report.sets_unchanged == 4  # the model's three sets and alice's
    assert snapshot(team) == team_before
    assert snapshot(laptop) == laptop_before


def test_documents_are_matched_by_content_hash_even_with_different_ids(
    team: str, laptop: Path, tmp_path: Path
) -> None:
    with Project.open(laptop) as local:
        # The laptop imported the articles itself, in another order, and one more.
        local.import_paths(write_articles(tmp_path / "own", [EXTRA, KYIV, DELHI, NEPAL]))
        local.pretag()
        label_work(local, KYIV, "alice")
    with Project.open(team) as remote, Project.open(laptop) as local:
        assert document_id(local, KYIV) != document_id(remote, KYIV)
        report = push(local, remote, annotators=["alice"])
        assert report.documents_added == 0  # alice worked on Kyiv only, which the team has
        everything = push(local, remote)
        assert everything.documents_added == 1
        assert len(remote.documents()) == 4
    assert of(work(team), "alice") == of(work(laptop), "alice")
    assert set(of(work(team), "alice")) == {KYIV}


@pytest.mark.parametrize("direction", ["push", "pull"])
def test_a_failed_sync_leaves_the_target_unchanged(
    team: str, laptop: Path, direction: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Project.open(team) as remote, Project.open(laptop) as local:
        pull(remote, local)
        label_work(local, NEPAL, "alice")
        label_work(remote, KYIV, "bob")
        target = team if direction == "push" else laptop
        before = snapshot(target)
        calls = []

        def failing(*args: Any) -> None:
            calls.append(args)
            raise ProjectError("the disk is full")

        # Fails after documents, labels, sets and spans were written: topics come last.
        monkeypatch.setattr(store, "add_topics", failing)
        sync = push if direction == "push" else pull
        with pytest.raises(ProjectError, match="disk is full"):
            sync(*((local, remote) if direction == "push" else (remote, local)))
        assert calls
    assert snapshot(target) == before


def test_work_done_on_a_train_is_not_lost(team: str, laptop: Path) -> None:
    """Pull, work offline, a colleague works on other articles meanwhile, push: both kept."""
    with Project.open(team) as remote, Project.open(laptop) as local:
        pull(remote, local)
        label_work(remote, DELHI, "alice", note="before the train")
        pull(remote, local)
    # On the train: only the laptop.
    with Project.open(laptop) as local:
        label_work(local, NEPAL, "alice", note="on the train")
        add_last_word(local, DELHI, "alice")
        local.edits.add_active_time(document_id(local, DELHI), "alice", 30.0)
    # Meanwhile at the office.
    with Project.open(team) as remote:
        label_work(remote, KYIV, "bob")
        label_work(remote, NEPAL, "bob")
    on_train = of(work(laptop), "alice")
    with Project.open(team) as remote, Project.open(laptop) as local:
        pulled = pull(remote, local)  # first what happened at the office, as with git
        assert of(work(laptop), "alice") == on_train
        pushed = push(local, remote)
    assert {(c.document, c.annotator) for c in pulled.changes} == {(KYIV, "bob"), (NEPAL, "bob")}
    assert pulled.sets_newer_on_target == 2  # alice's work on the train, which the push takes
    assert {(c.document, c.annotator, c.action) for c in pushed.changes} == {
        (NEPAL, "alice", "added"),
        (DELHI, "alice", "updated"),
    }
    assert pushed.conflicts == [] and pulled.conflicts == []
    on_laptop, on_team = work(laptop), work(team)
    assert of(on_team, "alice") == of(on_laptop, "alice") == on_train
    assert of(on_team, "bob") == of(on_laptop, "bob")
    assert set(of(on_team, "bob")) == {KYIV, NEPAL}
    assert on_team[(DELHI, "alice")][1] == 90.0


def test_a_dry_run_reports_what_would_move_and_writes_nothing(team: str, laptop: Path) -> None:
    with Project.open(team) as remote, Project.open(laptop) as local:
        pull(remote, local)
        label_work(local, NEPAL, "alice")
        team_before, laptop_before = snapshot(team), snapshot(laptop)
        dry = push(local, remote, dry_run=True)
        assert snapshot(team) == team_before and snapshot(laptop) == laptop_before
        real = push(local, remote)
    assert dry.dry_run and not real.dry_run
    assert (
        (dry.sets_added, dry.changes)
        == (real.sets_added, real.changes)
        == (
            1,
            [core_sync.SetChange(NEPAL, dry.changes[0].content_hash, "alice", "added")],
        )
    )


def test_naming_an_annotator_moves_only_their_sets(team: str, laptop: Path) -> None:
    with Project.open(team) as remote, Project.open(laptop) as local:
        pull(remote, local)
        label_work(local, NEPAL, "alice")
        label_work(local, DELHI, "carol")
        report = push(local, remote, annotators=["alice"])
        assert [(c.document, c.annotator) for c in report.changes] == [(NEPAL, "alice")]
    on_team = work(team)
    assert (NEPAL, "alice") in on_team and (DELHI, "carol") not in on_team


def test_a_new_model_run_reaches_the_laptop_and_accepted_suggestions_keep_their_origin(
    team: str, laptop: Path
) -> None:
    with Project.open(team) as remote, Project.open(laptop) as local:
        pull(remote, local)
        label_work(local, NEPAL, "alice")
        push(local, remote)
        # The team's model set changes: one suggestion it made goes (a new run, say).
        model = next(a.name for a in remote.annotators() if a.kind == "model")
        nepal = document_id(remote, NEPAL)
        suggestions = remote.edits.annotation(nepal, model).spans
        kept = {(s.start, s.end) for s in suggestions[:-1]}
        with remote.write() as conn:
            conn.exec_driver_sql("DELETE FROM spans WHERE id = ?", (suggestions[-1].id,))
            conn.exec_driver_sql(
                "UPDATE annotations SET updated_at = '2030-01-01 00:00:00' WHERE id = "
                "(SELECT annotation_id FROM spans WHERE id = ?)",
                (suggestions[0].id,),
            )
        report = pull(remote, local)
    assert [(c.annotator, c.action) for c in report.changes] == [(model, "updated")]
    on_laptop = work(laptop)
    assert {(s[1], s[2]) for s in on_laptop[(NEPAL, model)][2]} == kept
    assert on_laptop[(NEPAL, "alice")] == work(team)[(NEPAL, "alice")]


def test_the_gold_set_travels_with_its_review_mark(team: str, laptop: Path) -> None:
    with Project.open(team) as remote, Project.open(laptop) as local:
        pull(remote, local)
        label_work(local, NEPAL, "alice")
        label_work(local, NEPAL, "bob", note="bob's")
        nepal = document_id(local, NEPAL)
        review = adjudication.review_document(local, nepal, ["alice", "bob"])
        open_items = [i for i in review.items if i.decision is None]
        adjudication.settle(local, nepal, open_items[0], "alice", "rita")
        adjudication.mark_review(local, nepal, "reviewed", "rita")
        report = push(local, remote)
    assert (NEPAL, GOLD) in {(c.document, c.annotator) for c in report.changes}
    on_team = work(team)
    assert on_team[(NEPAL, GOLD)] == work(laptop)[(NEPAL, GOLD)]
    assert on_team[(NEPAL, GOLD)][5] == ("reviewed", "rita")


def test_a_project_cannot_be_synced_with_itself(laptop: Path) -> None:
    with (
        Project.open(laptop) as local,
        Project.open(laptop) as again,
        pytest.raises(ProjectError, match="itself"),
    ):
        push(local, again)


def test_a_set_someone_changes_during_the_push_stops_it_with_nothing_changed(
    team: str, laptop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Project.open(team) as remote, Project.open(laptop) as local:
        pull(remote, local)
        label_work(local, NEPAL, "alice")
        push(local, remote)
        add_last_word(local, NEPAL, "alice")
        update_set = store.update_set

        def edited_meanwhile(*args: Any) -> bool:
            # alice, still logged in at the office, adds a topic just before the push writes.
            with Project.open(team) as office:
                office.edits.set_topic(document_id(office, NEPAL), "alice", "trade", True)
            monkeypatch.setattr(store, "update_set", update_set)
            return update_set(*args)

        monkeypatch.setattr(store, "update_set", edited_meanwhile)
        before = snapshot(team)
        with pytest.raises(ProjectError, match=r"changed while syncing .*alice's set on Leaders"):
            push(local, remote)
    after = snapshot(team)
    assert after["spans"] == before["spans"]
    assert len(after["topics"]) == len(before["topics"]) + 1  # only the edit at the office


def test_a_new_laptop_project_takes_the_teams_language_and_guidelines(
    team_database: str, laptop: Path, tmp_path: Path
) -> None:
    with Project.open(team_database, language="ru") as remote:
        remote.set_guidelines("Mark every person.")
        remote.import_paths(write_articles(tmp_path / "ru", ["Президент России прибыл в Пекин."]))
    with Project.open(team_database) as remote, Project.open(laptop) as local:
        assert local.language == "en"
        pull(remote, local)
    with Project.open(laptop) as local:
        assert (local.language, local.guidelines) == ("ru", "Mark every person.")

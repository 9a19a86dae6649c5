"""Task distribution: overlap, balance, the shared slice, seeds, and re-balancing that keeps
work where it is (annotator.core.assignment over a real project file)."""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from annotator.core.assignment import (
    SharedSlice,
    assign,
    changes,
    current,
    has_queue,
    parse_names,
    plan,
    queue,
)
from annotator.core.errors import AnnotatorError
from annotator.core.project import Project
from annotator.core.records import Status

SEVEN = ["ana", "ben", "chen", "dara", "eli", "fatma", "gus"]


def regular_loads(distribution: dict[int, dict[str, bool]]) -> Counter[str]:
    return Counter(
        name for holders in distribution.values() if not any(holders.values()) for name in holders
    )


def rows(project: Project) -> list[tuple]:
    """Every assignment row as stored, timestamps included."""
    with project.read() as conn:
        return [
            tuple(row)
            for row in conn.exec_driver_sql(
                "SELECT q.document_id, n.name, q.shared, q.assigned_at FROM assignments AS q "
                "JOIN annotators AS n ON n.id = q.annotator_id ORDER BY 1, 2"
            )
        ]


def holders(project: Project) -> dict[int, set[str]]:
    result: dict[int, set[str]] = {}
    for document, name, _shared, _at in rows(project):
        result.setdefault(document, set()).add(name)
    return result


def make_project(target: Path | str, folder: Path, count: int) -> Project:
    lines = "\n".join(
        json.dumps({"text": f"Article {i}: talks on trade in Kathmandu, round {i}."})
        for i in range(count)
    )
    source = folder / f"articles-{count}.jsonl"
    source.write_text(lines, encoding="utf-8")
    project = Project.open(target)
    project.import_paths([source], detect_boilerplate=False)
    return project


@pytest.fixture
def project(project_target: Path | str, tmp_path: Path) -> Project:
    """200 articles, in a project file and (with a server to test on) a team database."""
    opened = make_project(project_target, tmp_path, 200)
    yield opened
    opened.close()


# The distribution itself --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("documents", "people", "overlap", "shared"),
    [(1000, 7, 2, 100), (1000, 7, 3, 0), (997, 4, 1, 13), (1000, 7, 7, 0), (5, 3, 2, 0)],
)
def test_every_document_goes_to_exactly_overlap_distinct_annotators_with_loads_within_one(
    documents: int, people: int, overlap: int, shared: int
) -> None:
    names = SEVEN[:people]
    result = plan(range(1, documents + 1), names, overlap=overlap, shared=shared, seed=3)
    assert sorted(result) == list(range(1, documents + 1))
    in_slice = [d for d, who in result.items() if any(who.values())]
    assert len(in_slice) == shared
    for document, who in result.items():
        if document in in_slice:
            continue
        assert len(who) == overlap and set(who) <= set(names), (document, who)
    loads = regular_loads(result)
    counts = [loads.get(name, 0) for name in names]
    assert max(counts) - min(counts) <= 1, loads
    assert sum(counts) == (documents - shared) * overlap


def test_every_pair_of_annotators_shares_documents_to_measure_their_agreement() -> None:
    result = plan(range(1, 1001), SEVEN, overlap=2, shared=0, seed=11)
    pairs = Counter(tuple(sorted(who)) for who in result.values())
    assert set(pairs) == set(itertools.combinations(SEVEN, 2))
    # 1,000 documents over 21 pairs: about 48 each, none left far behind.
    assert min(pairs.values()) >= 25, pairs


def test_the_shared_slice_goes_to_every_annotator_and_only_it_is_flagged() -> None:
    result = plan(range(1, 1001), SEVEN, overlap=2, shared=100, seed=5)
    in_slice = {d: who for d, who in result.items() if any(who.values())}
    assert len(in_slice) == 100
    assert all(who == dict.fromkeys(SEVEN, True) for who in in_slice.values())
    assert not any(any(who.values()) for d, who in result.items() if d not in in_slice)


def test_the_same_seed_gives_the_same_distribution_whatever_the_order_of_the_names() -> None:
    first = plan(range(1, 501), SEVEN, overlap=2, shared=50, seed=42)
    again = plan(range(1, 501), list(reversed(SEVEN)), overlap=2, shared=50, seed=42)
    other = plan(range(1, 501), SEVEN, overlap=2, shared=50, seed=43)
    assert first == again
    assert first != other


@pytest.mark.parametrize(("size", "grown_size"), [(20, 20), (20, 30)])
def test_the_shared_slice_keeps_its_documents_when_the_project_grows(
    size: int, grown_size: int
) -> None:
    first = plan(range(1, 201), SEVEN, overlap=2, shared=size, seed=8)
    grown = plan(range(1, 301), SEVEN, overlap=2, shared=grown_size, seed=8, current=first)
    before = {d for d, who in first.items() if any(who.values())}
    after = {d for d, who in grown.items() if any(who.values())}
    assert len(after) == grown_size and before <= after
    assert all(grown[d] == first[d] for d in range(1, 201) if d not in after)


@pytest.mark.parametrize(
    ("text", "total", "expected"),
    [("10%", 1000, 100), ("12.5%", 8, 1), ("25", 1000, 25), (7, 10, 7), ("0", 5, 0)],
)
def test_a_shared_slice_is_a_percentage_or_a_count(text: str, total: int, expected: int) -> None:
    assert SharedSlice.parse(text).documents(total) == expected


@pytest.mark.parametrize("text", ["ten", "-3", "150%", "2.5"])
def test_a_shared_slice_that_is_no_share_is_refused(text: str) -> None:
    with pytest.raises(AnnotatorError):
        SharedSlice.parse(text)


def test_names_are_read_from_a_comma_separated_list_and_a_repeat_is_refused() -> None:
    assert parse_names(" ana, ben ,chen") == ["ana", "ben", "chen"]
    with pytest.raises(AnnotatorError, match="ana named more than once"):
        parse_names("ana,ben,ana")
    with pytest.raises(AnnotatorError):
        parse_names("ana,,ben")


def test_a_joiner_takes_unstarted_documents_until_loads_are_within_one() -> None:
    before = plan(range(1, 1001), SEVEN[:6], overlap=2, shared=0, seed=1)
    started = [(d, name) for d, who in before.items() for name in who if d % 3 == 0]
    after = plan(
        range(1, 1001), SEVEN, overlap=2, shared=0, seed=1, current=before, started=started
    )
    loads = regular_loads(after)
    assert max(loads.values()) - min(loads.values()) <= 1, loads
    assert all(name in after[d] for d, name in started)
    removed, added, _ = changes(before, after)
    assert {name for _d, name, _s in added} == {"gus"}
    assert len(added) == len(removed) == loads["gus"]


# On a project ------------------------------------------------------------------------------


def test_assigning_a_project_stores_the_distribution_and_reports_it(project: Project) -> None:
    report = assign(project, ["ana", "ben", "chen"], overlap=2, shared="10%", seed=7)
    assert (report.documents, report.overlap, report.shared_documents) == (200, 2, 20)
    assert report.annotators == ["ana", "ben", "chen"]
    stored = holders(project)
    assert len(stored) == 200
    assert all(len(who) == 2 or who == {"ana", "ben", "chen"} for who in stored.values())
    for name, load in report.loads.items():
        assert load.shared == 20
        assert load.assigned == load.moved_in == len(queue(project, name))
        assert load.moved_out == 0
    assigned = [load.assigned - load.shared for load in report.loads.values()]
    assert sum(assigned) == 180 * 2 and max(assigned) - min(assigned) <= 1
    assert report.changed and report.moved == 3 * 20 + 360


def test_assigning_again_without_changes_changes_nothing(project: Project) -> None:
    assign(project, ["ana", "ben", "chen"], overlap=2, shared="10%", seed=7)
    project.edits.set_status(4, "ana", Status.DONE)
    before = rows(project)
    report = assign(project, ["chen", "ben", "ana"], overlap=2, shared="10%", seed=7)
    assert not report.changed and report.moved == 0
    assert rows(project) == before


def test_parameters_left_out_are_those_of_the_last_assignment(project: Project) -> None:
    assign(project, ["ana", "ben", "chen"], overlap=2, shared="5", seed=9)
    before = rows(project)
    report = assign(project)
    assert (report.overlap, report.shared, report.seed) == (2, "5", 9)
    assert rows(project) == before


def test_a_leavers_started_and_finished_documents_stay_theirs_and_the_rest_move(
    project: Project,
) -> None:
    assign(project, ["ana", "ben", "chen", "dara"], overlap=2, shared=10, seed=1)
    mine = queue(project, "dara")
    done, begun, untouched = mine[0], mine[1], mine[2:]
    project.edits.set_status(done, "dara", Status.DONE)
    project.edits.set_topic(begun, "dara", "elections", True)
    report = assign(project, ["ana", "ben", "chen"])
    assert queue(project, "dara") == sorted([done, begun])
    assert report.loads["dara"].assigned == report.loads["dara"].started == 2
    assert report.loads["dara"].moved_out == len(untouched)
    stored = holders(project)
    in_slice = {d for d, _n, shared, _at in rows(project) if shared}
    for document in untouched:
        expected = 3 if document in in_slice else 2
        assert "dara" not in stored[document] and len(stored[document]) == expected
    for document in (done, begun):
        assert "dara" in stored[document]
        assert len(stored[document]) == (4 if document in in_slice else 2)
    regular = [d for d in stored if d not in in_slice]
    loads = Counter(n for d in regular for n in stored[d] if n != "dara")
    assert max(loads.values()) - min(loads.values()) <= 1, loads


def test_a_joiner_takes_a_fair_share_and_nobodys_started_work_moves(project: Project) -> None:
    assign(project, ["ana", "ben", "chen"], overlap=2, shared=0, seed=2)
    started = {(d, "ana") for d in queue(project, "ana")[:50]}
    for document, name in started:
        project.edits.set_status(document, name, Status.DONE)
    report = assign(project, ["ana", "ben", "chen", "dara"])
    stored = holders(project)
    assert all(name in stored[d] for d, name in started)
    assert report.loads["dara"].moved_in == report.loads["dara"].assigned == 100
    assert all(len(who) == 2 for who in stored.values())
    assert sorted(load.assigned for load in report.loads.values()) == [100, 100, 100, 100]
    moved_out = sum(load.moved_out for load in report.loads.values())
    assert moved_out == 100


def test_work_begun_before_any_assignment_stays_with_the_person_who_began_it(
    project: Project,
) -> None:
    for document in range(1, 31):
        project.edits.set_status(document, "ben", Status.DONE)
    assign(project, ["ana", "ben", "chen"], overlap=1, shared=0, seed=4)
    assert set(range(1, 31)) <= set(queue(project, "ben"))
    assert sorted(len(queue(project, n)) for n in ("ana", "ben", "chen")) == [66, 67, 67]


def test_new_documents_are_given_out_by_the_next_assignment(
    project: Project, tmp_path: Path
) -> None:
    assign(project, ["ana", "ben"], overlap=1, shared=0, seed=1)
    before = rows(project)
    late = tmp_path / "late.txt"
    late.write_text("Late news\n\nA late article about Nepal.", encoding="utf-8")
    project.import_paths([late], detect_boilerplate=False)
    report = assign(project)
    assert report.moved == 1
    assert set(before) < set(rows(project))
    assert len(holders(project)[201]) == 1


def test_a_lower_overlap_takes_only_unstarted_documents_away(project: Project) -> None:
    assign(project, ["ana", "ben", "chen"], overlap=3, shared=0, seed=1)
    for document in range(1, 11):
        for name in ("ana", "ben", "chen"):
            project.edits.set_status(document, name, Status.DONE)
    assign(project, overlap=1)
    stored = holders(project)
    assert all(stored[d] == {"ana", "ben", "chen"} for d in range(1, 11))
    assert all(len(stored[d]) == 1 for d in range(11, 201))


def test_a_shrinking_shared_slice_keeps_its_remaining_documents(project: Project) -> None:
    assign(project, ["ana", "ben", "chen"], overlap=1, shared=40, seed=1)
    first = {d for d, _n, shared, _at in rows(project) if shared}
    assign(project, shared=20)
    second = {d for d, _n, shared, _at in rows(project) if shared}
    assert len(second) == 20 and second < first
    stored = holders(project)
    assert all(len(stored[d]) == 1 for d in first - second)


def test_the_current_assignment_and_queues_read_as_stored(project: Project) -> None:
    assert current(project) is None
    assert not has_queue(project, "ana")
    made = assign(project, ["ana", "ben"], overlap=1, shared="10%", seed=1)
    shown = current(project)
    assert shown is not None
    assert {n: (x.assigned, x.shared) for n, x in shown.loads.items()} == {
        n: (x.assigned, x.shared) for n, x in made.loads.items()
    }
    assert not shown.changed and shown.shared == "10%"
    assert has_queue(project, "ana") and not has_queue(project, "zoe")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"annotators": ["ana", "ben"], "overlap": 3}, "between 1 and 2"),
        ({"annotators": ["ana"], "shared": "500"}, "more than the project holds"),
        ({"annotators": []}, "Name the annotators"),
        ({"annotators": ["ana", "default-tagger"]}, "a model is given no documents"),
    ],
)
def test_impossible_assignments_are_refused_and_change_nothing(
    project: Project, arguments: dict, message: str
) -> None:
    project.ensure_annotator("default-tagger", kind="model")
    with pytest.raises(AnnotatorError, match=message):
        assign(project, **arguments)
    assert rows(project) == []


def test_deleting_a_document_deletes_its_assignments(project: Project) -> None:
    assign(project, ["ana", "ben"], overlap=2, shared=0, seed=1)
    with project.write() as conn:
        conn.exec_driver_sql("DELETE FROM documents WHERE id = 5")
    assert 5 not in holders(project)
    assert assign(project).moved == 0


def test_the_assignments_table_comes_and_goes_with_its_migration(project_path: Path) -> None:
    from annotator.core.store.database import migrate

    with Project.open(project_path) as opened:
        migrate(opened._reader, "0007", downgrade=True)
    conn = sqlite3.connect(project_path)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert "assignments" not in tables
    with Project.open(project_path) as opened:
        assign(opened, ["ana"], overlap=1)
        assert rows(opened) == []


def test_the_my_queue_filter_lists_only_the_annotators_documents(project: Project) -> None:
    from annotator.core.listing import DocumentFilter, count_documents, list_document_ids

    assign(project, ["ana", "ben"], overlap=1, shared=10, seed=3)
    project.edits.set_status(queue(project, "ana")[0], "ana", Status.DONE)
    mine = DocumentFilter("ana", my_queue=True)
    assert list_document_ids(project, mine) == queue(project, "ana")
    assert count_documents(project, mine) == 105
    unfinished = DocumentFilter("ana", my_queue=True, status=Status.NEW)
    assert count_documents(project, unfinished) == 104
    assert count_documents(project, DocumentFilter("zoe", my_queue=True)) == 0
    assert count_documents(project, DocumentFilter("ana")) == 200

"""Agreement with many annotators: the pairwise matrix and each annotator's mean, over a real
project of 30 annotators who each finished a few of 21 documents.

Expected figures come from the team's plan (tests/core/agreement_team.py) and scikit-learn,
never from the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.core.agreement import agreement
from annotator.core.agreement_matrix import (
    ENTITY_F1_EXACT,
    SCALE,
    SUMMARY_ABOVE,
    common_prefix,
    figures,
    heat_colour,
    ink_for,
    pair_matrix,
    short_number,
    topic_figure,
)
from annotator.core.project import Project
from annotator.core.store.agreement import finished_by
from tests.core.agreement_team import (
    FINISHED,
    LONER,
    NAMES,
    OUTLIER,
    PLAN,
    STARTED,
    TEXTS,
    exact_f1,
    shared,
    team_file,
)


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return team_file(tmp_path_factory)


@pytest.fixture(scope="module")
def report(team: Path):
    with Project.open(team) as project:
        return agreement(project, NAMES)


def partners(name: str) -> list[str]:
    return [other for other in NAMES if other != name and shared(name, other)]


def compared(name: str) -> int:
    """Documents the annotator finished that at least one other finished too."""
    return sum(name in names and len(names) >= 2 for names in FINISHED.values())


def test_each_annotators_mean_is_over_the_others_they_share_documents_with(report) -> None:
    summary = {row.annotator: row for row in pair_matrix(report, ENTITY_F1_EXACT).summary()}
    assert len(summary) == 30
    for name in NAMES:
        figures_ = {other: exact_f1(name, other) for other in partners(name)}
        measured = {other: value for other, value in figures_.items() if value is not None}
        row = summary[name]
        assert row.others == 29
        assert row.partners == len(figures_)
        assert row.measured == len(measured)
        assert row.documents == compared(name)
        if not measured:
            assert row.mean is None and row.weighted_mean is None
            continue
        assert row.mean == pytest.approx(sum(measured.values()) / len(measured))
        weights = {other: len(shared(name, other)) for other in measured}
        assert row.weighted_mean == pytest.approx(
            sum(measured[o] * weights[o] for o in measured) / sum(weights.values())
        )
        lowest = min(measured, key=lambda other: measured[other])
        assert row.lowest is not None
        assert row.lowest.value == pytest.approx(measured[lowest])


def test_pairs_without_a_shared_document_have_no_figure_and_do_not_pull_means_down(
    report,
) -> None:
    matrix = pair_matrix(report, ENTITY_F1_EXACT)
    assert not shared("annotator01", "annotator15")
    cell = matrix.cell("annotator01", "annotator15")
    assert cell is not None
    assert (cell.value, cell.documents, cell.units, cell.shared) == (None, 0, 0, False)
    row = next(r for r in matrix.summary() if r.annotator == "annotator01")
    values = [exact_f1("annotator01", other) for other in partners("annotator01")]
    # Counting the 19 pairs without data as 0 would give a third of the true mean.
    assert row.mean == pytest.approx(sum(values) / len(values))
    assert row.mean > sum(values) / 29 * 2
    loner = next(r for r in matrix.summary() if r.annotator == LONER)
    assert (loner.documents, loner.partners, loner.mean, loner.lowest) == (0, 0, None, None)
    assert matrix.unshared() == sum(
        not shared(a, b) for i, a in enumerate(NAMES) for b in NAMES[i + 1 :]
    )


def test_the_careless_annotator_has_the_lowest_mean(report) -> None:
    rows = [r for r in pair_matrix(report, ENTITY_F1_EXACT).summary() if r.mean is not None]
    assert min(rows, key=lambda r: r.mean).annotator == OUTLIER
    assert min(rows, key=lambda r: r.weighted_mean).annotator == OUTLIER


def test_the_matrix_holds_every_pair_both_ways_with_the_documents_both_finished(report) -> None:
    matrix = pair_matrix(report, ENTITY_F1_EXACT)
    assert len(matrix.cells()) == len(report.pairs) == 30 * 29 // 2
    for i, first in enumerate(NAMES):
        assert matrix.rows[i][i] is None
        for second in NAMES[i + 1 :]:
            there, back = matrix.cell(first, second), matrix.cell(second, first)
            assert there is not None and back is not None
            assert there.documents == back.documents == len(shared(first, second))
            assert there.value == back.value
            expected = exact_f1(first, second)
            assert there.value == (None if expected is None else pytest.approx(expected))
            spans = sum(
                len(PLAN[(d, first)][0]) + len(PLAN[(d, second)][0]) for d in shared(first, second)
            )
            assert there.units == spans


def test_a_topic_kappa_undefined_for_a_pair_is_left_out_of_the_mean(report) -> None:
    matrix = pair_matrix(report, topic_figure("diplomacy"))
    left_out = 0
    for row in matrix.summary():
        kappas = []
        for other in partners(row.annotator):
            docs = shared(row.annotator, other)
            a = ["diplomacy" in PLAN[(d, row.annotator)][1] for d in docs]
            b = ["diplomacy" in PLAN[(d, other)][1] for d in docs]
            if len(set(a) | set(b)) > 1:
                kappas.append(cohen_kappa_score(a, b))
        left_out += row.partners - len(kappas)
        assert row.measured == len(kappas)
        if kappas:
            assert row.mean == pytest.approx(sum(kappas) / len(kappas))
        else:
            assert row.mean is None
    assert left_out > 0  # the plan has pairs that agree on every shared document


def test_work_not_marked_done_does_not_count(report) -> None:
    for index, name in STARTED:
        assert name not in FINISHED[index]
    assert report.finished == {name: compared(name) for name in NAMES}
    assert report.documents == sum(len(names) >= 2 for names in FINISHED.values())


def test_the_store_says_who_finished_each_document_in_one_answer(team: Path) -> None:
    with Project.open(team) as project:
        ids = {project.text(d.id): d.id for d in project.documents()}
        with project.read() as conn:
            found = finished_by(conn, NAMES)
            assert finished_by(conn, ["annotator01"]) == {
                ids[TEXTS[i]]: ["annotator01"]
                for i, names in FINISHED.items()
                if "annotator01" in names
            }
    assert {d: sorted(names) for d, names in found.items()} == {
        ids[TEXTS[i]]: sorted(names) for i, names in FINISHED.items()
    }


def test_reports_summarise_above_six_annotators(team: Path, report) -> None:
    assert SUMMARY_ABOVE == 6
    assert report.summarised
    with Project.open(team) as project:
        assert not agreement(project, NAMES[:6]).summarised
        assert agreement(project, NAMES[:7]).summarised


def test_json_keeps_every_pair_and_adds_each_annotators_means(report) -> None:
    data = report.as_dict()
    assert len(data["pairs"]) == 435
    assert {(p["reference"], p["candidate"]) for p in data["pairs"]} == {
        (a, b) for i, a in enumerate(NAMES) for b in NAMES[i + 1 :]
    }
    summary = data["summary"]
    assert list(summary) == [f.key for f in figures(report)]
    assert "unreliable_char_kappa" not in summary  # nobody marked a passage: no figure
    rows = {row["annotator"]: row for row in summary["entities_f1_exact"]["annotators"]}
    assert rows[LONER]["mean"] is None and rows[LONER]["partners"] == 0
    expected = [exact_f1("annotator02", o) for o in partners("annotator02")]
    assert rows["annotator02"]["mean"] == pytest.approx(sum(expected) / len(expected))
    assert rows["annotator02"]["measured_pairs"] == len(expected)
    assert data["finished"]["annotator02"] == compared("annotator02")


def test_heat_colours_run_from_dark_to_light_with_readable_ink() -> None:
    assert heat_colour(0.0) == SCALE[0] and heat_colour(1.0) == SCALE[-1]
    assert heat_colour(-0.4) == SCALE[0] and heat_colour(1.7) == SCALE[-1]
    assert heat_colour(0.5) == SCALE[2]
    assert heat_colour(0.3) not in (heat_colour(0.2), heat_colour(0.4))
    assert ink_for(SCALE[0]) == "#ffffff" and ink_for(SCALE[-1]) == "#000000"
    assert [short_number(v) for v in (0.834, 1.0, -0.12, 0.0, -0.001)] == [
        ".83",
        "1",
        "−.12",
        ".00",
        ".00",
    ]


def test_heat_map_labels_drop_only_a_dataset_prefix_every_name_shares() -> None:
    assert common_prefix(["ner_news-alex", "ner_news-bea", "ner_news-chen"]) == "ner_news-"
    assert common_prefix(["ner_news-alex", "ner_news-bea", "other-chen"]) == ""
    assert common_prefix(["annotator01", "annotator02"]) == ""  # no separator: keep names
    assert common_prefix(["news-a", "news-"]) == ""  # a name would be left empty

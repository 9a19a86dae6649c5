"""`annotator agreement` with 30 annotators: a summary per annotator instead of 435 pair
tables, every pair in --json, a heat map in the HTML report; six keep the pair-by-pair output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from tests.core.agreement_team import LONER, NAMES, OUTLIER, exact_f1, shared, team_file

runner = CliRunner()


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return team_file(tmp_path_factory)


def expected_mean(name: str) -> float:
    values = [v for o in NAMES if o != name and (v := exact_f1(name, o)) is not None]
    return sum(values) / len(values)


def test_many_annotators_get_each_ones_mean_instead_of_every_pair(team: Path) -> None:
    result = runner.invoke(app, ["agreement", str(team)])
    assert result.exit_code == 0, result.output
    output = result.output
    assert not re.search(r"annotator\d\d against annotator\d\d", output)  # no pair tables
    shown = " ".join(output.split())
    assert "20 documents compared (done by at least two of 30 annotators)" in shown
    unshared = sum(not shared(a, b) for i, a in enumerate(NAMES) for b in NAMES[i + 1 :])
    assert f"30 annotators make 435 pairs: {435 - unshared} finished a document in " in shown
    assert "--json" in shown and "--out report.html" in shown
    table = output[output.index("entities and passages") : output.index("topics:")]
    rows = [line for line in table.splitlines() if re.search(r"annotator\d\d", line)]
    assert len(rows) == 30
    # Lowest mean first: the careless annotator heads the table, the loner (no data) ends it.
    assert OUTLIER in rows[0] and LONER in rows[-1]
    for name in NAMES:
        row = next(line for line in rows if name in line)
        cells = [cell.strip() for cell in row.strip("│ ").split("│")]
        if name == LONER:
            assert cells[1:4] == ["0", "0 of 29", "–"]
            continue
        partners = sum(bool(shared(name, other)) for other in NAMES if other != name)
        assert cells[2] == f"{partners} of 29"
        assert cells[3] == f"{expected_mean(name):.3f}"


def test_json_keeps_every_pair_with_the_documents_it_rests_on(team: Path) -> None:
    result = runner.invoke(app, ["agreement", str(team), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["pairs"]) == 435
    for pair in data["pairs"]:
        assert pair["documents"] == len(shared(pair["reference"], pair["candidate"]))
        expected = exact_f1(pair["reference"], pair["candidate"])
        f1 = pair["entities_exact"]["(micro)"]["f1"]
        assert f1 == (None if expected is None else pytest.approx(expected))
    means = {row["annotator"]: row for row in data["summary"]["entities_f1_exact"]["annotators"]}
    assert means[OUTLIER]["mean"] == pytest.approx(expected_mean(OUTLIER))
    assert means[LONER]["mean"] is None


def test_the_html_report_shows_a_heat_map_and_the_summary_not_every_pair(
    team: Path, tmp_path: Path
) -> None:
    out = tmp_path / "team.html"
    result = runner.invoke(app, ["agreement", str(team), "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<table class='heat'" in html
    assert "Each annotator's agreement with the others" in html
    assert " against " not in re.sub(r"<[^>]+>", "", html)
    first, second = "annotator01", "annotator02"
    value = exact_f1(first, second)
    assert value is not None
    documents = len(shared(first, second))
    assert (
        f"title='{first} and {second}: entity F1, exact match {value:.3f} over {documents} "
        "documents (" in html
    )
    assert f"title='{first} and annotator15: no document both finished'></td>" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


def test_six_annotators_keep_the_pair_by_pair_report(team: Path, tmp_path: Path) -> None:
    out = tmp_path / "six.html"
    six = ",".join(NAMES[:6])
    result = runner.invoke(app, ["agreement", str(team), "--annotators", six, "--out", str(out)])
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())
    assert "entities: annotator02 against annotator01" in shown
    assert "pairs:" not in shown and "mean agreement with the others" not in shown
    html = out.read_text(encoding="utf-8")
    assert "<table class='heat'" not in html
    assert html.count(" against ") >= 15

"""`annotator agreement`: tables, JSON and the HTML report, over a real project file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import krippendorff
import pytest
from sklearn.metrics import cohen_kappa_score
from typer.testing import CliRunner

from annotator.cli import app
from annotator.core.project import Project
from annotator.core.records import Status
from tests.core.test_agreement import PLAN, TEXTS

runner = CliRunner()
CAROL = [["diplomacy", "trade"], ["trade", "economy"], []]


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    for index, text in enumerate(TEXTS):
        (tmp_path / f"{index}.txt").write_text(text, encoding="utf-8")
    path = tmp_path / "team.annotator"
    with Project.open(path) as project:
        project.import_paths([tmp_path / f"{i}.txt" for i in range(len(TEXTS))])
        plans = {**PLAN, "carol": [(PLAN["alice"][i][0], [], CAROL[i]) for i in range(3)]}
        for name, plan in plans.items():
            for document_id, (entities, _passages, topics) in enumerate(plan, start=1):
                text = TEXTS[document_id - 1]
                for surface, label in entities:
                    start = text.index(surface)
                    project.edits.add_span(document_id, name, start, start + len(surface), label)
                for topic in topics:
                    project.edits.set_topic(document_id, name, topic, True)
                project.edits.set_status(document_id, name, Status.DONE)
    return path


def topic_vector(name: str, topic: str) -> list[int]:
    plans = {**{n: [p[2] for p in plan] for n, plan in PLAN.items()}, "carol": CAROL}
    return [int(topic in topics) for topics in plans[name]]


def test_json_figures_match_the_reference_implementations(project_file: Path) -> None:
    result = runner.invoke(
        app, ["agreement", str(project_file), "--annotators", "alice,bob", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["documents"] == 3
    pair = data["pairs"][0]
    assert pair["entities_exact"]["(micro)"]["f1"] == pytest.approx(10 / 16)
    assert pair["topics_kappa"]["trade"] == pytest.approx(
        cohen_kappa_score(topic_vector("alice", "trade"), topic_vector("bob", "trade"))
    )


def test_three_annotators_give_alpha_over_all_and_a_pairwise_matrix(
    project_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["agreement", str(project_file), "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["annotators"] == ["alice", "bob", "carol"]
    assert len(data["pairs"]) == 3
    for topic in ("trade", "diplomacy", "economy"):
        expected = krippendorff.alpha(
            reliability_data=[topic_vector(n, topic) for n in ("alice", "bob", "carol")],
            level_of_measurement="nominal",
        )
        assert data["topic_alpha"][topic] == pytest.approx(expected)
    html = out.read_text(encoding="utf-8")
    assert "Pairwise entity agreement" in html
    assert html.count("<svg") == 3
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    alice_carol = next(
        p for p in data["pairs"] if {p["reference"], p["candidate"]} == {"alice", "carol"}
    )
    assert alice_carol["entities_exact"]["(micro)"]["f1"] == pytest.approx(1.0)


def test_tables_are_printed_and_an_existing_report_is_not_overwritten(
    project_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    out.write_text("keep me", encoding="utf-8")
    result = runner.invoke(app, ["agreement", str(project_file), "--out", str(out)])
    assert result.exit_code == 1
    assert "use --overwrite to replace it" in " ".join(result.output.split())
    assert out.read_text(encoding="utf-8") == "keep me"
    result = runner.invoke(
        app,
        [
            "agreement",
            str(project_file),
            "--annotators",
            "alice,bob",
            "--out",
            str(out),
            "--overwrite",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "entities: bob against alice" in result.output
    assert "<table>" in out.read_text(encoding="utf-8")


def test_unknown_annotator_is_named(project_file: Path) -> None:
    result = runner.invoke(app, ["agreement", str(project_file), "--annotators", "alice,zoe"])
    assert result.exit_code == 1
    assert "zoe" in result.output


def test_partial_overlap_reports_each_pairs_documents_and_each_alphas_units(
    tmp_path: Path,
) -> None:
    from tests.core.test_agreement_partial_overlap import build

    path, out = tmp_path / "partial.annotator", tmp_path / "partial.html"
    build(path, tmp_path)
    result = runner.invoke(app, ["agreement", str(path), "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["documents"] == 5
    documents = {(p["reference"], p["candidate"]): p["documents"] for p in data["pairs"]}
    assert documents == {
        ("ann", "ben"): 2,
        ("ann", "cat"): 1,
        ("ann", "dan"): 1,
        ("ben", "cat"): 1,
        ("ben", "dan"): 2,
        ("cat", "dan"): 2,
    }
    assert data["topic_units"] == 5
    assert data["entities_token_alpha"]["units"] > 0
    assert data["entities_token_alpha"]["alpha"] is not None
    html = out.read_text(encoding="utf-8")
    assert "Over the <b>2</b> documents both marked done" in html
    assert f"<td>{data['unreliable_char_alpha']['units']:,}</td>" in html
    result = runner.invoke(app, ["agreement", str(path)])
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())
    assert "5 documents compared (done by at least two of ann, ben, cat, dan)" in shown
    assert "(2 documents both finished)" in shown

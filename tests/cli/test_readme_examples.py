"""The README's file-format examples are true: they import and export as the text says."""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

from typer.testing import CliRunner

from annotator.cli.app import app
from annotator.core.project import Project

README = Path(__file__).resolve().parents[2] / "README.md"
runner = CliRunner()


def examples() -> list[tuple[str, str]]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### File formats, by example") : text.index("### Pre-tagging")]
    return re.findall(r"```(\w+)\n(.*?)```", section, re.DOTALL)


def imported(path: Path, project: Path) -> Project:
    result = runner.invoke(app, ["import", str(project), str(path)])
    assert result.exit_code == 0, result.output
    return Project.open(project)


def entities_and_topics(project: Project, annotator: str) -> tuple[list, dict]:
    annotation = project.annotation(1, annotator)
    assert annotation is not None, annotator
    spans = [(s.start, s.end, s.label) for s in annotation.spans]
    return spans, dict(annotation.topics)


def test_import_examples_give_what_the_readme_says(tmp_path: Path, monkeypatch) -> None:
    (_, txt), (_, prodigy), (_, doccano), (_, docbin), *_ = examples()
    (tmp_path / "nepal.txt").write_text(txt, encoding="utf-8")
    with imported(tmp_path / "nepal.txt", tmp_path / "txt.annotator") as project:
        assert project.documents()[0].title == "Nepal signs power deal with India"

    (tmp_path / "p.jsonl").write_text(prodigy, encoding="utf-8")
    with imported(tmp_path / "p.jsonl", tmp_path / "p.annotator") as project:
        gpe = [(0, 5, "GPE"), (25, 30, "GPE")]
        assert entities_and_topics(project, "alice") == (gpe, {})
        assert entities_and_topics(project, "bob") == ([], {"energy": True, "trade": False})
        rejected = project.annotation(2, "tester")
        assert rejected is not None
        assert dict(rejected.topics) == {"trade": False}

    (tmp_path / "d.jsonl").write_text(doccano, encoding="utf-8")
    with imported(tmp_path / "d.jsonl", tmp_path / "d.annotator") as project:
        assert entities_and_topics(project, "tester") == (gpe, {"energy": True})
        second = project.annotation(2, "tester")
        assert second is not None
        assert {label for label, applies in second.topics.items() if applies} == {
            "trade",
            "economy",
        }

    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(_write(tmp_path / "make.py", docbin)))
    with imported(tmp_path / "articles.spacy", tmp_path / "s.annotator") as project:
        assert entities_and_topics(project, "tester") == (gpe, {"energy": True, "trade": False})


def test_export_examples_are_what_the_exporters_write(tmp_path: Path) -> None:
    blocks = examples()
    prodigy, doccano_out, prodigy_out = blocks[1][1], blocks[4][1], blocks[5][1]
    first = json.loads(prodigy.splitlines()[0])
    first["accept"] = ["energy"]
    first["options"] = [{"id": "energy", "text": "energy"}]
    (tmp_path / "in.jsonl").write_text(json.dumps(first), encoding="utf-8")
    imported(tmp_path / "in.jsonl", tmp_path / "x.annotator").close()
    for fmt in ("doccano", "prodigy"):
        result = runner.invoke(
            app,
            [
                *("export", str(tmp_path / "x.annotator"), str(tmp_path / f"{fmt}.jsonl")),
                *("--format", fmt, "--annotator", "alice"),
            ],
        )
        assert result.exit_code == 0, result.output
    written = (tmp_path / "doccano.jsonl").read_text(encoding="utf-8").strip()
    assert json.loads(written) == json.loads(doccano_out)
    task = json.loads((tmp_path / "prodigy.jsonl").read_text(encoding="utf-8"))
    shown = prodigy_out.strip()
    assert task["tokens"][0] == json.loads(re.search(r'"tokens": \[(\{.*?\})', shown).group(1))
    for key in ("spans", "accept", "_input_hash", "_task_hash", "answer"):
        assert json.dumps(task[key]) in shown, key


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path

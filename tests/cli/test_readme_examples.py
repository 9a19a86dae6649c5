"""The README's file-format examples are true: they import and export as the text says."""

from __future__ import annotations

import json
import re
import runpy
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from annotator.cli.app import app
from annotator.core.project import Project
from annotator.core.records import Layer

README = Path(__file__).resolve().parents[2] / "README.md"
runner = CliRunner()


def example(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- example {name} -->\n```\w+\n(.*?)```", text, re.DOTALL)
    assert found is not None, name
    return found.group(1)


def imported(paths: list[Path], project: Path, *options: str) -> Project:
    result = runner.invoke(app, ["import", str(project), *map(str, paths), *options])
    assert result.exit_code == 0, result.output
    return Project.open(project)


def work(project: Project, document: int, annotator: str) -> tuple[list, dict]:
    annotation = project.edits.annotation(document, annotator)
    assert annotation is not None, annotator
    spans = [(s.start, s.end, s.label, s.rejected) for s in annotation.spans]
    return spans, dict(annotation.topics)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_txt_example_gives_its_title(tmp_path: Path) -> None:
    with imported([write(tmp_path / "nepal.txt", example("txt"))], tmp_path / "t.annotator") as p:
        assert p.documents()[0].title == "Nepal signs power deal with India"


def test_prodigy_examples_give_what_the_readme_says(tmp_path: Path) -> None:
    source = write(tmp_path / "p.jsonl", example("prodigy"))
    path = tmp_path / "p.annotator"
    with imported([source], path) as project:
        gpe = [(0, 5, "GPE", False), (25, 30, "GPE", False)]
        assert work(project, 1, "alice") == (gpe, {})
        assert work(project, 1, "bob") == ([], {"energy": True, "trade": False})
        assert work(project, 2, "tester") == ([], {"trade": False})
        teach = project.edits.annotation(3, "tester")
        assert teach is not None
        assert [(s.label, s.rejected) for s in teach.spans] == [("GPE", False), ("GPE", True)]
    conn = sqlite3.connect(path)
    relation = conn.execute(
        "SELECT h.layer, c.layer, l.name FROM relations AS r JOIN spans AS h "
        "ON h.id = r.head_span_id JOIN spans AS c ON c.id = r.child_span_id "
        "JOIN labels AS l ON l.id = r.label_id"
    ).fetchall()
    link = conn.execute("SELECT kb_id FROM spans WHERE kb_id IS NOT NULL").fetchall()
    partial = conn.execute("SELECT count(*) FROM annotations WHERE partial = 1").fetchone()
    conn.close()
    assert relation == [(Layer.ARGUMENT.value, Layer.ENTITY.value, "TREATS")]
    assert link == [("Q3037",)]
    # bob's choice of topics, the binary textcat answer, the combined ner.teach answers and the
    # link judge only what they name: their entities are unknown, not "none".
    assert partial == (4,)


def test_doccano_examples_give_what_the_readme_says(tmp_path: Path) -> None:
    source = write(tmp_path / "d.jsonl", example("doccano"))
    with imported([source], tmp_path / "d.annotator") as project:
        gpe = [(0, 5, "GPE", False), (25, 30, "GPE", False)]
        assert work(project, 1, "tester") == (gpe, {"energy": True})
        assert work(project, 2, "tester") == ([], {"trade": True, "economy": True})
        from annotator.core.relations import relations

        [relation] = relations(project, 3, "tester")
        assert (relation.label, relation.head.label, relation.child.label) == (
            "TREATS",
            "DRUG",
            "DISEASE",
        )


def test_spacy_example_gives_what_the_readme_says(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(write(tmp_path / "make.py", example("spacy"))))
    with imported([tmp_path / "articles.spacy"], tmp_path / "s.annotator") as project:
        gpe = [(0, 5, "GPE", False), (25, 30, "GPE", False)]
        assert work(project, 1, "tester") == (gpe, {"energy": True, "trade": False})


def test_brat_example_gives_what_the_readme_says(tmp_path: Path) -> None:
    write(tmp_path / "nepal.txt", "Nepal will sell power to India.")
    source = write(tmp_path / "nepal.ann", example("brat"))
    with imported([source], tmp_path / "b.annotator") as project:
        annotation = project.edits.annotation(1, "tester")
        assert annotation is not None
        assert [(s.label, s.kb_id, s.note) for s in annotation.spans] == [
            ("GPE", "Q837", None),
            ("GPE", None, "the buyer"),
        ]


def test_conll_csv_and_labels_examples_give_what_the_readme_says(tmp_path: Path) -> None:
    conll = write(tmp_path / "nepal.conll", example("conll"))
    with imported([conll], tmp_path / "c.annotator") as project:
        assert project.text(1) == "Nepal will sell power to India ."
        assert work(project, 1, "tester") == (
            [(0, 5, "GPE", False), (25, 30, "GPE", False)],
            {},
        )
    table = write(tmp_path / "news.csv", example("csv"))
    with imported([table], tmp_path / "t.annotator") as project:
        first = project.documents()[0]
        assert (first.title, first.meta) == ("Power deal", {"id": "1", "source": "Kathmandu Post"})
        assert project.text(first.id) == "Nepal will sell power to India."
    folder = tmp_path / "propaganda"
    folder.mkdir()
    write(folder / "article7.txt", "Experts say the deal will save billions.")
    write(folder / "article7.labels", example("labels"))
    with imported([folder], tmp_path / "l.annotator") as project:
        annotation = project.edits.annotation(1, "tester")
        assert annotation is not None
        assert [(s.start, s.end, s.label, s.layer) for s in annotation.spans] == [
            (0, 10, "Appeal_to_Authority", Layer.UNRELIABLE),
            (11, 40, "Exaggeration,Minimisation", Layer.UNRELIABLE),
        ]


def test_export_examples_are_what_the_exporters_write(tmp_path: Path) -> None:
    write(tmp_path / "nepal.txt", "Nepal will sell power to India.")
    source = write(tmp_path / "nepal.ann", example("brat"))
    imported([source], tmp_path / "x.annotator", "--annotator", "alice").close()
    for fmt, name in (("prodigy", "p.jsonl"), ("doccano", "d.jsonl"), ("conll", "c.conll")):
        result = runner.invoke(
            app,
            ["export", str(tmp_path / "x.annotator"), str(tmp_path / name), "--format", fmt],
        )
        assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["export", str(tmp_path / "x.annotator"), str(tmp_path / "t.csv"), "--format", "csv"]
    )
    assert "SELLS_TO" in result.output and "the buyer" not in result.output
    task = json.loads((tmp_path / "p.jsonl").read_text(encoding="utf-8"))
    shown = json.loads(example("prodigy-out").replace(", ...]", "]"))
    assert task["tokens"][0] == shown["tokens"][0]
    assert {**task, "tokens": task["tokens"][:1]} == shown
    written = json.loads((tmp_path / "d.jsonl").read_text(encoding="utf-8"))
    assert written == json.loads(example("doccano-out"))
    assert (tmp_path / "c.conll").read_text(encoding="utf-8") == example("conll-out")
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == example("csv-out")

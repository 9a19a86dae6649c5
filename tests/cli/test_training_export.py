"""An exported project trains: spaCy's own `debug data` and `train` accept it as it is."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.core.project import Project
from annotator.core.records import Layer, Status

PEOPLE = ["Anna Petrova", "Ram Sharma", "Li Wei", "Omar Haddad", "Sara Lind", "Tenzin Dorje"]
PLACES = ["Nepal", "China", "Russia", "Egypt", "Sweden", "Mongolia", "Tibet", "India"]
ORGS = ["the United Nations", "NATO", "the World Bank", "ASEAN", "the IMF"]
CLAIMS = [
    "Officials privately admitted the figures were invented.",
    "Unnamed sources said the deal would double exports overnight.",
    "The country is now the largest trading partner of every neighbour.",
]


def article(rng: random.Random, index: int) -> tuple[str, list[tuple[str, str]], str | None]:
    person, place, org = rng.choice(PEOPLE), rng.choice(PLACES), rng.choice(ORGS)
    text = f"Report {index}. {person} met officials from {org} in {place} to talk about trade."
    entities = [(person, "PERSON"), (org.removeprefix("the "), "ORG"), (place, "GPE")]
    claim = None
    if index % 3 == 0:
        claim = CLAIMS[index % len(CLAIMS)]
        text += " " + claim
    return text, entities, claim


@pytest.mark.slow
def test_exported_project_passes_spacy_debug_data_and_trains(tmp_path: Path) -> None:
    rng = random.Random(7)
    articles = tmp_path / "articles"
    articles.mkdir()
    plans = [article(rng, index) for index in range(320)]
    for index, (text, _entities, _claim) in enumerate(plans):
        (articles / f"{index:03}.txt").write_text(text, encoding="utf-8")
    project = tmp_path / "p.annotator"
    assert runner_ok(["import", str(project), str(articles)])
    with Project.open(project) as opened:
        for document, (text, entities, claim) in zip(opened.documents(), plans, strict=True):
            assert opened.text(document.id) == text
            for surface, label in entities:
                start = text.index(surface)
                opened.edits.add_span(document.id, "alice", start, start + len(surface), label)
            if claim is not None:
                start = text.index(claim)
                opened.edits.add_span(
                    document.id,
                    "alice",
                    start,
                    start + len(claim),
                    "fabricated",
                    layer=Layer.UNRELIABLE,
                )
            opened.edits.set_topic(document.id, "alice", "trade", True)
            opened.edits.set_topic(document.id, "alice", "diplomacy", document.id % 2 == 0)
            opened.edits.set_status(document.id, "alice", Status.DONE)
    out = tmp_path / "out"
    assert runner_ok(["export", str(project), str(out), "--annotator", "alice"])
    paths = ["--paths.train", str(out / "train.spacy"), "--paths.dev", str(out / "dev.spacy")]
    debug = spacy_cli(["debug", "data", str(out / "config.cfg"), *paths])
    assert debug.returncode == 0, debug.stdout + debug.stderr
    train = spacy_cli(
        [
            "train",
            str(out / "config.cfg"),
            *paths,
            "--training.max_steps",
            "20",
            "--training.eval_frequency",
            "10",
            "--output",
            str(tmp_path / "model"),
        ]
    )
    assert train.returncode == 0, train.stdout + train.stderr
    import spacy

    nlp = spacy.load(tmp_path / "model" / "model-last")
    assert {"ner", "textcat_multilabel", "spancat"} <= set(nlp.pipe_names)
    assert set(nlp.get_pipe("ner").labels) == {"PERSON", "ORG", "GPE"}


def runner_ok(args: list[str]) -> bool:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return True


def spacy_cli(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spacy", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )

"""Our sample articles and the demo project built from them."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.default_tagger import load_default_tagger
from annotator.core.demo import create_demo_project, sample_articles
from annotator.core.pretag import pipeline_identity
from annotator.core.project import Project
from annotator.core.resources import resource_path

REASONS = {"fabricated", "unverifiable", "misleading"}


def test_every_unreliable_quote_occurs_once_in_its_article() -> None:
    folder = resource_path("samples")
    rows = [
        json.loads(line) for line in (folder / "unreliable.jsonl").read_text("utf-8").splitlines()
    ]
    assert len(rows) >= 5
    for row in rows:
        text = (folder / "articles" / row["file"]).read_text(encoding="utf-8")
        assert text.count(row["quote"]) == 1, row["quote"]
        assert row["reason"] in REASONS and row["note"]


def test_every_article_has_a_title_line_and_topics() -> None:
    topics = json.loads(resource_path("samples", "topics.json").read_text(encoding="utf-8"))
    articles = sample_articles()
    assert 5 <= len(articles) <= 10
    assert {path.name for path in articles} == set(topics)
    for path in articles:
        first, blank = path.read_text(encoding="utf-8").splitlines()[:2]
        assert first.strip() and not blank.strip()


def test_demo_project_holds_samples_pretagged_and_is_created_once(tmp_path: Path) -> None:
    path = create_demo_project(tmp_path / "demo.annotator")
    with Project.open(path) as project:
        stats = project.stats()
        assert stats.documents == len(sample_articles())
        tagger = pipeline_identity(load_default_tagger())[0]
        assert stats.models[tagger].documents == stats.documents
        assert stats.open_suggestions["GPE"] >= 20
        assert {"DATE", "MONEY", "PERCENT", "NORP", "ORG"} <= set(stats.open_suggestions)
        before = project.stats()
    create_demo_project(path)
    with Project.open(path) as project:
        assert project.stats() == before

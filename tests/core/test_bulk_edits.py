"""Edits on thousands of spans at once stay set-based: deciding every suggestion of a long
article and undoing it take a handful of statements, and asking which suggestions are still
open is answered from indexes, not by scanning the person's whole set per suggestion."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
import spacy
from sqlalchemy import event

from annotator.core.errors import SpanError
from annotator.core.project import Project
from annotator.core.store.suggestions import open_count_sql


@pytest.fixture
def project_path(project_target: Path | str) -> Path | str:
    """Every test of this module runs on a SQLite file and on a PostgreSQL database."""
    return project_target


WORDS = ["Nepal", "trade", "grew", "in", "the", "capital", "officials", "said", "Beijing"]
SUGGESTIONS = 1_500


def long_article(tokens: int) -> str:
    rng = random.Random(3)
    return " ".join(rng.choice(WORDS) for _ in range(tokens))


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    article = tmp_path / "long.txt"
    article.write_text("Long article\n\n" + long_article(12_000), encoding="utf-8")
    nlp = spacy.blank("en")
    nlp.meta["name"] = "places"
    nlp.add_pipe("entity_ruler").add_patterns(
        [{"label": "GPE", "pattern": "Nepal"}, {"label": "GPE", "pattern": "Beijing"}]
    )
    opened = Project.open(tmp_path / "long.annotator")
    opened.import_paths([article])
    opened.pretag(nlp=nlp)
    yield opened
    opened.close()


class Statements:
    """Every statement the project's engines send, counted while the block runs."""

    def __init__(self, project: Project) -> None:
        self.engines = {project._reader, project._writer}
        self.count = 0

    def _seen(self, *_args: object) -> None:
        self.count += 1

    def __enter__(self) -> Statements:
        for engine in self.engines:
            event.listen(engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc: object) -> None:
        for engine in self.engines:
            event.remove(engine, "before_cursor_execute", self._seen)


def test_accepting_every_suggestion_and_undoing_it_are_a_few_statements(
    project: Project,
) -> None:
    suggested = project.edits.suggestions(1, "alice")
    assert len(suggested) > SUGGESTIONS
    with Statements(project) as accepting:
        made = project.edits.decide_suggestions(1, "alice", reject=False)
    assert len(made) == len(suggested)
    with Statements(project) as undoing:
        project.edits.remove_spans([s.id for s in made], "alice")
    assert project.edits.annotation(1, "alice").spans == []
    assert len(project.edits.suggestions(1, "alice")) == len(suggested)
    # Chunks of 900 ids: a few statements each, whatever the number of spans.
    assert accepting.count < 30
    assert undoing.count < 20


def test_removing_spans_refuses_anothers_without_removing_any(project: Project) -> None:
    mine = project.edits.decide_suggestions(1, "alice", reject=False)
    theirs = project.edits.decide_suggestions(1, "bob", reject=False)
    with pytest.raises(SpanError, match="belong to bob"):
        project.edits.remove_spans([mine[0].id, theirs[0].id], "alice")
    assert len(project.edits.annotation(1, "alice").spans) == len(mine)
    assert len(project.edits.annotation(1, "bob").spans) == len(theirs)


def query_plan(project: Project, sql: str) -> str:
    with project.read() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
    return "\n".join(row[-1] for row in rows)


def test_open_suggestion_questions_are_answered_from_indexes(project: Project) -> None:
    project.edits.decide_suggestions(1, "alice", reject=False)
    plan = query_plan(
        project,
        f"SELECT {open_count_sql('a.id', 'a.document_id')} FROM annotations AS a",
    )
    assert "ix_spans_origin" in plan
    assert "ix_spans_live_entities" in plan
    assert "SCAN hs" not in plan

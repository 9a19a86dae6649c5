"""Boilerplate on scraped pages: found by how lines recur in the project and within a page,
greyed for everyone, never suggested, skipped by accept-all, exported as not judged, and the
headline (not the site's name) as the title. Our own sample pages, shaped like real ones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from annotator.core import boilerplate
from annotator.core.errors import SpanError
from annotator.core.project import Project
from annotator.core.records import Status


@pytest.fixture
def project_path(project_target: Path | str) -> Path | str:
    """Every test of this module runs on a SQLite file and on a PostgreSQL database."""
    return project_target


MENU = "Harbour Gazette: news from the coast\n\n  • News\n  • Politics\n  • Sport\nNo Result\n"
FOOTER = "\n\nAll rights reserved.\n\n  • About Us\n  • Contact Us\n"


def page(headline: str, body: str, related: str = "") -> str:
    tail = f"\n\nRelated Posts\n\n{related}\n\n12 May, 2026" if related else ""
    return f"{MENU}\n{headline}\n\n{body}{tail}{FOOTER}"


BODIES = [
    "Officials in Nepal met traders from India on Monday to discuss a new agreement on the "
    "price of electricity sold across the border during the dry season, the ministry said.",
    "Fishermen in Norway say that the cod quota set by the ministry in Oslo for next season is "
    "far too low for the small boats that work the northern fjords in winter.",
    "The port authority in Valencia announced that cargo traffic from China grew by a tenth in "
    "the first quarter, as shipping lines moved routes away from the Red Sea.",
]
RELATED = "Nepal and India sign power deal after talks in Kathmandu"


@pytest.fixture
def pages(tmp_path: Path) -> list[Path]:
    files = []
    for number, body in enumerate(BODIES):
        path = tmp_path / f"page{number}.txt"
        path.write_text(page(f"Headline number {number} about the coast", body, RELATED))
        files.append(path)
    return files


@pytest.fixture
def project(tmp_path: Path, pages: list[Path]) -> Iterator[Project]:
    opened = Project.open(tmp_path / "scraped.annotator")
    opened.import_paths(pages, detect_boilerplate=True)
    yield opened
    opened.close()


def greyed_text(project: Project, document_id: int) -> str:
    text = project.text(document_id)
    return " | ".join(text[r.start : r.end] for r in boilerplate.regions(project, document_id))


def test_site_menu_footer_and_related_posts_are_found_and_the_body_is_not(
    project: Project,
) -> None:
    greyed = greyed_text(project, 1)
    for part in ("Harbour Gazette", "Politics", "No Result", "Related Posts", RELATED, "About Us"):
        assert part in greyed
    assert "Officials in Nepal" not in greyed
    assert "Headline number 0" not in greyed


def test_the_title_is_the_headline_not_the_site_name(project: Project) -> None:
    assert [d.title for d in project.documents()] == [
        f"Headline number {n} about the coast" for n in range(3)
    ]


def test_a_line_recurring_across_documents_is_found_in_each(tmp_path: Path) -> None:
    texts = [f"Weekly Digest\n\nStory {n}: {body}" for n, body in enumerate(BODIES)]
    paths = []
    for number, text in enumerate(texts):
        paths.append(tmp_path / f"d{number}.txt")
        paths[-1].write_text(text)
    with Project.open(tmp_path / "digest.annotator") as project:
        project.import_paths(paths[:2], detect_boilerplate=True)
        assert greyed_text(project, 1) == ""
        project.import_paths(paths[2:], detect_boilerplate=True)
        assert [greyed_text(project, n) for n in (1, 2, 3)] == ["Weekly Digest"] * 3


def ruler() -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.meta["name"] = "places"
    nlp.add_pipe("entity_ruler").add_patterns(
        [{"label": "GPE", "pattern": name} for name in ("Nepal", "India", "Kathmandu")]
    )
    return nlp


def test_boilerplate_gets_no_suggestions_and_accept_all_skips_it(project: Project) -> None:
    report = project.pretag(nlp=ruler())
    assert report.in_boilerplate == 3 * 3  # Nepal, India, Kathmandu in each related post
    text = project.text(1)
    suggested = [text[s.start : s.end] for s in project.edits.suggestions(1, "alice")]
    assert suggested == ["Nepal", "India"]
    accepted = project.edits.decide_suggestions(1, "alice", reject=False)
    assert [text[s.start : s.end] for s in accepted] == ["Nepal", "India"]


def test_marking_later_hides_suggestions_there_and_unmarking_shows_them(
    project: Project,
) -> None:
    project.pretag(nlp=ruler())
    text = project.text(1)
    start = text.index("Officials in Nepal")
    end = text.index(".", start) + 1
    change = boilerplate.mark(project, 1, start, end, "alice")
    assert project.edits.suggestions(1, "alice") == []
    boilerplate.undo(project, change)
    assert len(project.edits.suggestions(1, "alice")) == 2


def test_unmarked_detected_boilerplate_stays_article_text_after_detecting_again(
    project: Project,
) -> None:
    text = project.text(1)
    start = text.index("Related Posts")
    boilerplate.unmark(project, 1, start, start + 5, "alice")
    assert "Related Posts" not in greyed_text(project, 1)
    boilerplate.detect(project)
    assert "Related Posts" not in greyed_text(project, 1)
    assert "Harbour Gazette" in greyed_text(project, 1)
    with pytest.raises(SpanError, match="no boilerplate there"):
        boilerplate.unmark(project, 1, start, start + 5, "alice")


def test_spacy_export_leaves_boilerplate_unjudged(project: Project, tmp_path: Path) -> None:
    project.pretag(nlp=ruler())
    project.edits.decide_suggestions(1, "alice", reject=False)
    project.edits.set_status(1, "alice", Status.DONE)
    report = project.export(tmp_path / "out", fmt="spacy", annotator="alice", dev_ratio=0)
    assert any("boilerplate" in note for note in report.notes)
    nlp = spacy.blank("en")
    [doc] = DocBin().from_disk(tmp_path / "out" / "train.spacy").get_docs(nlp.vocab)
    by_word = {token.text: token.ent_iob_ for token in doc}
    assert by_word["Harbour"] == ""
    assert by_word["Kathmandu"] == ""
    assert by_word["Officials"] == "O"
    assert [e.text for e in doc.ents] == ["Nepal", "India"]


def test_cli_finds_boilerplate_on_demand(tmp_path: Path, pages: list[Path]) -> None:
    from typer.testing import CliRunner

    from annotator.cli.app import app

    path = tmp_path / "later.annotator"
    with Project.open(path) as project:
        project.import_paths(pages, detect_boilerplate=False)
        assert boilerplate.regions(project, 1) == []
    result = CliRunner().invoke(app, ["boilerplate", str(path)])
    assert result.exit_code == 0, result.output
    assert "in 3 of 3 documents" in result.output
    with Project.open(path) as project:
        assert "Harbour Gazette" in greyed_text(project, 1)

"""Importing files: what is stored, and that bad input changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import FormatError
from annotator.core.project import Project
from tests.conftest import snapshot


@pytest.fixture
def project_path(project_target: Path | str) -> Path | str:
    """Every test of this module runs on a SQLite file and on a PostgreSQL database."""
    return project_target


ARTICLE = "Talks in Kathmandu\r\n\r\nNepal and India signed a trade deal on Monday.\r\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def test_text_folder_is_imported_recursively_with_titles_and_crlf_kept(
    project_path: Path, tmp_path: Path
) -> None:
    write(tmp_path / "in" / "a.txt", ARTICLE)
    write(tmp_path / "in" / "sub" / "b.txt", "\n\n  Второй заголовок\nТекст статьи.")
    write(tmp_path / "in" / "picture.png", "not an article")
    with Project.open(project_path) as project:
        report = project.import_paths([tmp_path / "in"])
        assert (report.files, report.documents_added) == (2, 2)
        assert [(p.path.name, p.reason) for p in report.ignored] == [
            ("picture.png", "unsupported file type .png")
        ]
        documents = project.documents()
        assert [d.title for d in documents] == ["Talks in Kathmandu", "Второй заголовок"]
        assert documents[0].meta == {"file": "a.txt"}
        assert project.text(documents[0].id) == ARTICLE


def test_same_text_is_stored_once_and_counted_as_repeated_not_existing(
    project_path: Path, tmp_path: Path
) -> None:
    write(tmp_path / "one.txt", ARTICLE)
    write(tmp_path / "copy.txt", ARTICLE)
    with Project.open(project_path) as project:
        report = project.import_paths([tmp_path / "one.txt", tmp_path / "copy.txt"])
        assert (report.documents_added, report.documents_existing) == (1, 0)
        assert report.documents_repeated == 1
        assert project.document_count() == 1
        again = project.import_paths([tmp_path / "one.txt"])
        assert (again.documents_added, again.documents_existing) == (0, 1)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"  \n", "the file is empty"),
        ("latin1.txt", "Caf\u00e9 in Paris".encode("latin-1"), "invalid UTF-8 at byte 3"),
        ("table.xlsx", b"PK\x03\x04", "unsupported file type '.xlsx'"),
        ("table.csv", b"a,b\n1,2\n", "no text column"),
        ("page.html", b"<html><body><script>x()</script></body></html>", "no article text"),
    ],
)
def test_bad_file_names_file_and_reason_and_changes_nothing(
    project_path: Path, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    good = write(tmp_path / "good.txt", ARTICLE)
    bad = tmp_path / name
    bad.write_bytes(content)
    with Project.open(project_path) as project:
        project.import_paths([write(tmp_path / "earlier.txt", "An earlier article.")])
    before = snapshot(project_path)
    with Project.open(project_path) as project, pytest.raises(FormatError) as caught:
        project.import_paths([good, bad])
    assert name in str(caught.value)
    assert reason in str(caught.value)
    assert snapshot(project_path) == before


def test_skip_invalid_imports_the_rest_and_reports_what_it_skipped(
    project_path: Path, tmp_path: Path
) -> None:
    good = write(tmp_path / "good.txt", ARTICLE)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok line\n\xff broken")
    with Project.open(project_path) as project:
        report = project.import_paths([good, bad], skip_invalid=True)
        assert project.document_count() == 1
    assert [(s.path.name, s.line) for s in report.skipped_files] == [("bad.txt", 2)]
    report_file = tmp_path / "skipped.jsonl"
    report.write_skipped(report_file)
    assert "invalid UTF-8" in report_file.read_text(encoding="utf-8")


def test_html_article_gives_main_text_title_and_metadata_without_scripts(
    project_path: Path, tmp_path: Path
) -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i}: ministers from Nepal and India met in Kathmandu to discuss "
        f"electricity exports, new border crossings and the price of fuel.</p>"
        for i in range(6)
    )
    html = (
        "<html><head><title>Nepal and India agree on power trade</title>"
        '<meta name="author" content="Jane Reporter">'
        '<meta property="article:published_time" content="2024-03-12">'
        '<link rel="canonical" href="https://news.example.org/nepal-india-power">'
        "<script>fetch('https://tracker.example.com')</script></head><body>"
        "<nav>Home | World | Sport</nav><article><h1>Nepal and India agree on power trade</h1>"
        f'{paragraphs}<img src="https://images.example.com/x.jpg"></article></body></html>'
    )
    path = write(tmp_path / "article.html", html)
    with Project.open(project_path) as project:
        project.import_paths([path])
        document = project.documents()[0]
        text = project.text(document.id)
    assert document.title == "Nepal and India agree on power trade"
    assert "Paragraph 5: ministers from Nepal" in text
    assert "tracker" not in text and "fetch(" not in text
    assert document.meta["author"] == "Jane Reporter"
    assert document.meta["date"] == "2024-03-12"
    assert document.meta["url"] == "https://news.example.org/nepal-india-power"

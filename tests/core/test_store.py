"""Opening project files: new, reopened, and every file we must refuse without touching it."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from annotator.core.errors import ProjectError
from annotator.core.project import Project
from annotator.core.records import LabelKind
from annotator.core.store.files import head_revision


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_project_uses_wal_foreign_keys_and_default_schemes(project_path: Path) -> None:
    with Project.open(project_path) as project:
        with project.read() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert project.language == "en"
        entity_names = [label.name for label in project.labels(LabelKind.ENTITY)]
        assert entity_names[:3] == ["PERSON", "ORG", "GPE"]
        assert [r.name for r in project.labels(LabelKind.RELIABILITY)] == [
            "fabricated",
            "unverifiable",
            "misleading",
        ]
        assert project.labels(LabelKind.ENTITY)[0].shortcut == "1"
    conn = sqlite3.connect(project_path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()


def test_reopened_project_keeps_language_and_labels(project_path: Path) -> None:
    with Project.open(project_path, language="ru") as project:
        project.add_label(LabelKind.TOPIC, "sanctions", description="Economic sanctions")
    with Project.open(project_path) as project:
        assert project.language == "ru"
        topics = {label.name: label for label in project.labels(LabelKind.TOPIC)}
        assert topics["sanctions"].description == "Economic sanctions"


def test_unknown_language_is_refused_with_its_name(project_path: Path) -> None:
    with pytest.raises(ProjectError, match="xx_no_such"):
        Project.open(project_path, language="xx_no_such")


def test_project_from_newer_version_is_refused_and_left_untouched(project_path: Path) -> None:
    Project.open(project_path).close()
    conn = sqlite3.connect(project_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    before = digest(project_path)
    with pytest.raises(ProjectError, match="newer version of Annotator"):
        Project.open(project_path)
    assert digest(project_path) == before


def test_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.annotator"
    path.write_text("these are my notes, not a database\n", encoding="utf-8")
    before = digest(path)
    with pytest.raises(ProjectError, match="not an SQLite database"):
        Project.open(path)
    assert digest(path) == before


def test_other_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(ProjectError, match="not an Annotator project"):
        Project.open(path)
    assert digest(path) == before


def test_corrupt_project_is_refused_and_left_untouched(project_path: Path) -> None:
    Project.open(project_path).close()
    data = bytearray(project_path.read_bytes())
    data[100:4096] = b"\xde\xad" * ((4096 - 100) // 2)
    project_path.write_bytes(bytes(data))
    before = digest(project_path)
    with pytest.raises(ProjectError, match="cannot be"):
        Project.open(project_path)
    assert digest(project_path) == before


@contextmanager
def unwritable(target: Path) -> Iterator[Path]:
    """A file or folder made unwritable: chmod for users, the immutable flag for root."""
    if os.geteuid() != 0:
        mode = target.stat().st_mode
        target.chmod(0o555 if target.is_dir() else 0o444)
        try:
            yield target
        finally:
            target.chmod(mode)
        return
    if shutil.which("chattr") is None:
        pytest.skip("root without chattr cannot make a file read-only")
    flagged = subprocess.run(["chattr", "+i", str(target)], capture_output=True)
    if flagged.returncode != 0:
        pytest.skip(f"this filesystem has no immutable flag: {flagged.stderr!r}")
    try:
        yield target
    finally:
        subprocess.run(["chattr", "-i", str(target)], check=True)


@pytest.fixture
def read_only(project_path: Path) -> Iterator[Path]:
    Project.open(project_path).close()
    with unwritable(project_path):
        yield project_path


def test_read_only_project_is_refused_with_a_clear_message(read_only: Path) -> None:
    before = digest(read_only)
    with pytest.raises(ProjectError, match="read-only"):
        Project.open(read_only)
    assert digest(read_only) == before


@pytest.fixture
def read_only_folder(project_path: Path) -> Iterator[Path]:
    """The project's folder made unwritable (SQLite must create -wal and -shm files there)."""
    Project.open(project_path).close()
    with unwritable(project_path.parent):
        yield project_path


def test_project_in_a_read_only_folder_is_refused_naming_the_folder(
    read_only_folder: Path,
) -> None:
    before = digest(read_only_folder)
    with pytest.raises(ProjectError, match=r"read-only .*its folder"):
        Project.open(read_only_folder)
    assert digest(read_only_folder) == before


def test_missing_project_is_not_created_when_creation_is_off(project_path: Path) -> None:
    with pytest.raises(ProjectError, match="does not exist"):
        Project.open(project_path, create=False)
    assert not project_path.exists()


def test_project_at_an_older_schema_is_upgraded_on_open_and_keeps_its_data(
    project_path: Path, tmp_path: Path
) -> None:
    from annotator.core.store.database import migrate

    article = tmp_path / "a.txt"
    article.write_text("Nepal and India signed a deal.", encoding="utf-8")
    with Project.open(project_path) as project:
        project.import_paths([article])
        project.edits.add_span(1, "alice", 0, 5, "GPE")
        migrate(project._reader, "0001", downgrade=True)
    conn = sqlite3.connect(project_path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    conn.close()
    with Project.open(project_path) as project:
        with project.read() as connection:
            version = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            assert version.scalar() == head_revision()
        annotation = project.edits.annotation(1, "alice")
        assert annotation is not None and [s.label for s in annotation.spans] == ["GPE"]
        from annotator.core.listing import DocumentFilter, count_documents

        assert count_documents(project, DocumentFilter("alice", search="nepal")) == 1


def test_a_waiting_edit_gets_the_next_write_turn_before_a_busy_background_job(
    project_path: Path,
) -> None:
    """A job that commits and begins again at once must not starve an edit that is waiting."""
    import threading
    import time

    order: list[str] = []
    with Project.open(project_path) as project:
        holding = threading.Event()

        def background() -> None:
            with project.write() as conn:
                conn.exec_driver_sql("SELECT 1")
                holding.set()
                time.sleep(0.3)
            with project.write() as conn:
                order.append("background again")

        def edit() -> None:
            holding.wait()
            with project.write() as conn:
                conn.exec_driver_sql("SELECT 1")
                order.append("edit")

        threads = [threading.Thread(target=background), threading.Thread(target=edit)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert order == ["edit", "background again"]


def test_full_disk_gives_a_clear_message_and_changes_nothing(
    project_path: Path, tmp_path: Path
) -> None:
    """Simulated with SQLite's size limit: the project may grow by only a few pages."""
    import json
    import sqlite3

    from sqlalchemy import event

    from annotator.core.records import Layer
    from tests.conftest import snapshot

    articles = tmp_path / "big.jsonl"
    articles.write_text(
        "".join(
            json.dumps({"text": f"Article {i}: " + "Nepal traded. " * 200}) + "\n"
            for i in range(300)
        ),
        encoding="utf-8",
    )
    small = tmp_path / "small.txt"
    small.write_text("Leaders of Nepal met in Beijing.", encoding="utf-8")
    with Project.open(project_path) as project:
        project.import_paths([small])
        project.checkpoint()
        pages = sqlite3.connect(project_path).execute("PRAGMA page_count").fetchone()[0]
        project._writer.dispose()
        event.listen(
            project._writer,
            "connect",
            lambda dbapi, _record: dbapi.execute(f"PRAGMA max_page_count = {pages + 2}"),
        )
        before = snapshot(project_path)
        with pytest.raises(ProjectError, match="disk is full") as raised:
            project.import_paths([articles])
        assert str(project_path) in str(raised.value)
        assert snapshot(project_path) == before
        with pytest.raises(ProjectError, match="disk is full"):
            for start in range(0, 30):
                project.edits.add_span(
                    1,
                    "alice",
                    start,
                    start + 2,
                    "misleading",
                    layer=Layer.UNRELIABLE,
                    note="x" * 4000,
                )
        saved = project.edits.annotation(1, "alice")
    with Project.open(project_path) as project:
        assert project.edits.annotation(1, "alice") == saved
        assert project.document_count() == 1


def test_listed_schema_revisions_are_the_shipped_migrations_in_order() -> None:
    from alembic.script import ScriptDirectory

    from annotator.core.store.database import alembic_config
    from annotator.core.store.files import SCHEMA_REVISIONS

    scripts = ScriptDirectory.from_config(alembic_config())
    oldest_first = [script.revision for script in scripts.walk_revisions()][::-1]
    assert list(SCHEMA_REVISIONS) == oldest_first
    assert head_revision() == scripts.get_current_head()


def test_opening_an_up_to_date_project_does_not_import_alembic(project_path: Path) -> None:
    Project.open(project_path).close()
    script = (
        "import sys; from pathlib import Path; from annotator.core.project import Project;"
        f"Project.open(Path({str(project_path)!r})).close();"
        "print('alembic' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"

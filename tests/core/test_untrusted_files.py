"""A colleague's file is untrusted input: a crafted or damaged project is refused, with its name
and the reason, before any of its rows is read, and my project stays byte for byte as it was."""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.core.errors import ProjectError
from annotator.core.merging import merge_project
from annotator.core.project import Project
from tests.conftest import snapshot
from tests.core.untrusted_files import (
    MY_TEXT,
    THEIR_TEXT,
    altered,
    real_project,
    with_flipped_page,
    with_huge_text,
    with_overlong_cell,
)


@pytest.fixture
def theirs(tmp_path: Path) -> Path:
    return real_project(tmp_path / "bob.annotator", THEIR_TEXT, "bob")


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    return real_project(tmp_path / "mine.annotator", MY_TEXT, "alice")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused_merge(mine: Path, crafted: Path) -> str:
    """Merge ``crafted`` into ``mine``, expecting a refusal; proves ``mine`` and ``crafted``
    are byte-identical afterwards, and returns the message."""
    before, rows, theirs_before = digest(mine), snapshot(mine), digest(crafted)
    with Project.open(mine) as project, pytest.raises(ProjectError) as refusal:
        merge_project(project, crafted)
    assert snapshot(mine) == rows
    assert digest(mine) == before
    assert digest(crafted) == theirs_before
    message = str(refusal.value)
    assert str(crafted) in message
    assert "nothing was changed" in message.lower()
    return message


# Crafted schemas: refused before a single row is read.


def test_a_trigger_is_refused_and_changes_nothing(mine: Path, theirs: Path) -> None:
    crafted = altered(
        theirs,
        "trigger.annotator",
        "CREATE TRIGGER keep_quiet AFTER INSERT ON spans BEGIN DELETE FROM spans; END",
    )
    message = refused_merge(mine, crafted)
    assert 'trigger "keep_quiet" on spans' in message


@pytest.mark.parametrize(
    "statements",
    [
        ["CREATE VIEW helper AS SELECT load_extension('/tmp/payload.so') AS x"],
        [
            "ALTER TABLE labels RENAME TO real_labels",
            "CREATE VIEW labels AS SELECT id, kind, steal(name) AS name FROM real_labels",
        ],
    ],
    ids=["view-loading-an-extension", "table-replaced-by-a-view-calling-a-function"],
)
def test_a_view_calling_a_function_is_refused_and_changes_nothing(
    mine: Path, theirs: Path, statements: list[str]
) -> None:
    crafted = altered(theirs, "view.annotator", *statements)
    message = refused_merge(mine, crafted)
    assert "view" in message
    assert ("helper" in message) or ('"labels" is a view where Annotator makes a table' in message)


@pytest.mark.parametrize(
    "statement, named",
    [
        ("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)", 'table "notes"'),
        ("ALTER TABLE spans ADD COLUMN shadow TEXT DEFAULT 'x'", 'table "spans" is not the one'),
        ("CREATE INDEX ix_lower ON labels (lower(name))", 'index "ix_lower" on labels'),
    ],
    ids=["extra-table", "changed-table", "expression-index"],
)
def test_anything_else_our_migrations_never_make_is_refused(
    mine: Path, theirs: Path, statement: str, named: str
) -> None:
    message = refused_merge(mine, altered(theirs, "extra.annotator", statement))
    assert named in message


# Damaged files: found by the integrity check before a row is read.


@pytest.mark.parametrize(
    "craft",
    [with_flipped_page, with_huge_text, with_overlong_cell],
    ids=["flipped-page", "text-declared-larger-than-the-file", "cell-larger-than-its-page"],
)
def test_a_damaged_file_is_refused_and_changes_nothing(
    mine: Path, theirs: Path, craft: Callable[[Path, str], Path]
) -> None:
    message = refused_merge(mine, craft(theirs, "damaged.annotator"))
    assert "damaged" in message


# Rows that no project holds: the schema is ours, the data is not.


def test_rows_pointing_at_nothing_are_refused(mine: Path, theirs: Path) -> None:
    crafted = altered(theirs, "orphans.annotator", "DELETE FROM annotators WHERE name = 'bob'")
    message = refused_merge(mine, crafted)
    assert "inconsistent" in message and "annotators" in message


def test_a_text_that_does_not_match_its_fingerprint_is_refused(mine: Path, theirs: Path) -> None:
    """Otherwise their spans would land on my different text that they claim to share."""
    crafted = altered(
        theirs,
        "swapped.annotator",
        f"UPDATE documents SET text = '{MY_TEXT}', length = {len(MY_TEXT)}",
    )
    message = refused_merge(mine, crafted)
    assert "does not match its fingerprint" in message


def test_a_span_outside_its_text_is_refused(mine: Path, theirs: Path) -> None:
    crafted = altered(theirs, "outside.annotator", 'UPDATE spans SET "end" = 100000')
    message = refused_merge(mine, crafted)
    assert "lies outside its text" in message


def test_a_newer_annotators_file_is_named_as_such(mine: Path, theirs: Path) -> None:
    crafted = altered(
        theirs,
        "newer.annotator",
        "CREATE TABLE future (id INTEGER PRIMARY KEY)",
        "UPDATE alembic_version SET version_num = '9999'",
    )
    message = refused_merge(mine, crafted)
    assert "newer version of Annotator (schema 9999)" in message


def test_a_sound_colleague_file_still_merges(mine: Path, theirs: Path) -> None:
    with Project.open(mine) as project:
        report = merge_project(project, theirs)
        assert (report.documents_added, report.spans_added) == (1, 1)
        assert [s.label for s in project.edits.annotation(2, "bob").spans] == ["GPE"]


def test_a_colleague_file_merges_into_a_file_or_a_team_database_and_a_crafted_one_does_not(
    project_target: Path | str, theirs: Path
) -> None:
    """The merge's statements on my project are the same SQL on SQLite and PostgreSQL."""
    mine = theirs.with_name("mine.txt")
    mine.write_text(MY_TEXT, encoding="utf-8")
    with Project.open(project_target) as project:
        project.import_paths([mine])
        project.edits.add_span(1, "alice", 0, 9, "ORG")
    crafted = altered(
        theirs, "trigger.annotator", "CREATE TRIGGER t AFTER DELETE ON spans BEGIN SELECT 1; END"
    )
    before = snapshot(project_target)
    with Project.open(project_target) as project, pytest.raises(ProjectError, match="trigger"):
        merge_project(project, crafted)
    assert snapshot(project_target) == before
    for expected in ((1, 0, 1, 1), (0, 1, 0, 0)):
        with Project.open(project_target) as project:
            report = merge_project(project, theirs)
            assert (
                report.documents_added,
                report.documents_matched,
                report.annotations_added,
                report.spans_added,
            ) == expected
            assert [s.label for s in project.edits.annotation(2, "bob").spans] == ["GPE"]
            assert [s.label for s in project.edits.annotation(1, "alice").spans] == ["ORG"]


# The other readers of files someone else wrote go through the same door.


def test_stats_of_a_crafted_file_are_refused(theirs: Path) -> None:
    from annotator.core.stats import file_stats

    crafted = altered(
        theirs, "t.annotator", "CREATE TRIGGER t AFTER INSERT ON spans BEGIN SELECT 1; END"
    )
    with pytest.raises(ProjectError, match=r"t\.annotator was refused.*trigger"):
        file_stats(crafted)
    assert file_stats(theirs).documents == 1


def test_restoring_a_crafted_backup_is_refused(theirs: Path, tmp_path: Path) -> None:
    """A restored file is opened as a trusted project afterwards: its trigger would then run."""
    from annotator.core.backup import restore_backup

    crafted = altered(
        theirs, "backup.annotator", "CREATE TRIGGER t AFTER INSERT ON spans BEGIN SELECT 1; END"
    )
    target = tmp_path / "restored.annotator"
    with pytest.raises(ProjectError, match=r"backup\.annotator was refused.*trigger"):
        restore_backup(crafted, target)
    assert not target.exists()


# The safeguards themselves.


def test_the_connection_has_sqlites_safeguards_for_untrusted_files(theirs: Path) -> None:
    from annotator.core.store.untrusted import open_untrusted

    conn = open_untrusted(theirs)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
            conn.execute("PRAGMA journal_mode")  # only reading pragmas pass the authorizer
        conn.set_authorizer(None)
        settings = {
            pragma: conn.execute(f"PRAGMA {pragma}").fetchone()[0]
            for pragma in ("query_only", "trusted_schema", "cell_size_check", "mmap_size")
        }
        assert settings == {
            "query_only": 1,
            "trusted_schema": 0,
            "cell_size_check": 1,
            "mmap_size": 0,
        }
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("DELETE FROM spans")
        if sys.version_info >= (3, 12):
            assert conn.getconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE)
            assert not conn.getconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_TRIGGER)
            assert not conn.getconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_VIEW)
    finally:
        conn.close()


def test_nothing_runs_on_behalf_of_a_view_even_past_the_schema_check(theirs: Path) -> None:
    """The authorizer (and on Python 3.12+ SQLite's own switch) stands behind the schema check."""
    from annotator.core.store.untrusted import read_only_connection

    crafted = altered(theirs, "view.annotator", "CREATE VIEW v AS SELECT name FROM labels")
    conn = read_only_connection(crafted)
    try:
        assert conn.execute("SELECT count(*) FROM labels").fetchone()[0] > 0
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute("SELECT * FROM v").fetchall()
    finally:
        conn.close()


def test_the_shipped_schemas_are_what_the_migrations_make(theirs: Path) -> None:
    from annotator.core.store import known_schema
    from annotator.core.store.files import SCHEMA_REVISIONS
    from annotator.core.store.untrusted import migrated_schemas, migrations_digest, schema_of

    hint = "after adding or changing a migration, run: python -m annotator.core.store.untrusted"
    assert migrations_digest() == known_schema.MIGRATIONS_DIGEST, hint
    assert migrated_schemas() == known_schema.SCHEMAS, hint
    assert list(known_schema.SCHEMAS) == list(SCHEMA_REVISIONS), hint
    conn = sqlite3.connect(theirs)
    try:
        assert schema_of(conn) == known_schema.SCHEMAS[SCHEMA_REVISIONS[-1]]
    finally:
        conn.close()


def test_with_newer_migrations_the_schemas_are_found_once_and_kept_on_disk(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.core.store import known_schema, untrusted

    monkeypatch.setattr(known_schema, "MIGRATIONS_DIGEST", "written before a new migration")
    monkeypatch.setattr(untrusted, "_SCHEMAS", {})
    found = untrusted.known_schemas()
    assert found == untrusted.migrated_schemas()
    assert len(list((isolated_home / "data" / "cache").glob("schemas-*.json"))) == 1
    monkeypatch.setattr(untrusted, "_SCHEMAS", {})
    monkeypatch.setattr(untrusted, "migrated_schemas", lambda: pytest.fail("not read from disk"))
    assert untrusted.known_schemas() == found

"""Rolling backups in the user data folder, and a restore that never overwrites unasked."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.backup import backup_folder, list_backups, make_backup, restore_backup
from annotator.core.errors import ProjectError
from annotator.core.project import Project
from annotator.core.records import Layer
from tests.conftest import snapshot


@pytest.fixture
def project_file(project_path: Path, tmp_path: Path) -> Path:
    article = tmp_path / "a.txt"
    article.write_text("Leaders of Nepal met in Beijing on Monday.", encoding="utf-8")
    with Project.open(project_path) as project:
        project.import_paths([article])
        project.edits.add_span(1, "alice", 11, 16, "GPE")
    return project_path


def test_backup_is_a_consistent_copy_in_the_data_folder(
    project_file: Path, isolated_home: Path
) -> None:
    with Project.open(project_file) as project:
        project.edits.add_span(1, "alice", 24, 31, "GPE")
        backup = make_backup(project_file)
        project.edits.add_span(1, "alice", 35, 41, "DATE")
    assert backup.is_relative_to(isolated_home)
    assert backup.parent == backup_folder(project_file)
    with Project.open(backup, create=False) as copy:
        assert [s.label for s in copy.edits.annotation(1, "alice").spans] == ["GPE", "GPE"]


def test_only_the_newest_backups_are_kept(project_file: Path) -> None:
    made = [make_backup(project_file, keep=3) for _ in range(5)]
    assert [b.path for b in list_backups(project_file)] == made[:-4:-1]


def test_restore_to_a_new_file_gives_back_the_project(project_file: Path, tmp_path: Path) -> None:
    backup = make_backup(project_file)
    target = tmp_path / "restored.annotator"
    assert restore_backup(backup, target) is None
    assert snapshot(target) == snapshot(project_file)


def test_restore_never_overwrites_unasked_and_backs_up_what_it_replaces(
    project_file: Path,
) -> None:
    backup = make_backup(project_file)
    with Project.open(project_file) as project:
        project.edits.add_span(1, "alice", 0, 7, "misleading", layer=Layer.UNRELIABLE)
    edited = snapshot(project_file)
    with pytest.raises(ProjectError, match="exists"):
        restore_backup(backup, project_file)
    assert snapshot(project_file) == edited
    replaced = restore_backup(backup, project_file, overwrite=True)
    with Project.open(project_file) as project:
        assert [s.label for s in project.edits.annotation(1, "alice").spans] == ["GPE"]
    assert replaced is not None
    assert snapshot(replaced) == edited


def test_a_damaged_backup_is_refused(project_file: Path, tmp_path: Path) -> None:
    backup = make_backup(project_file)
    data = bytearray(backup.read_bytes())
    data[5000:9000] = b"\x00" * 4000
    backup.write_bytes(bytes(data))
    target = tmp_path / "restored.annotator"
    with pytest.raises(ProjectError, match=r"damaged|not a backup"):
        restore_backup(backup, target)
    assert not target.exists()

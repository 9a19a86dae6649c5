"""Rolling backups of a project file, and restoring one.

Backups are taken with SQLite's online backup API (in annotator.core.store.backups), so they
are consistent even while the app is writing, and land in the user data folder (one subfolder
per project), never beside the project. The newest ``KEEP`` are kept. Restoring never
overwrites a project unless asked, and first backs up the project it replaces, so a restore
can itself be undone.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from annotator.core import settings
from annotator.core.errors import ProjectError
from annotator.core.store import backups as backup_store

KEEP = 10
SUFFIX = ".annotator"


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: datetime
    size: int


def backup_folder(project: Path) -> Path:
    """One folder per project, told apart by its full path (two 'thesis.annotator' differ)."""
    resolved = project.expanduser().resolve()
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:10]
    return settings.folders().data / "backups" / f"{resolved.stem}-{digest}"


def list_backups(project: Path) -> list[Backup]:
    """Newest first."""
    folder = backup_folder(project)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"*{SUFFIX}"):
        stat = path.stat()
        found.append(Backup(path, datetime.fromtimestamp(stat.st_mtime), stat.st_size))
    return sorted(found, key=lambda b: (b.taken, b.path.name), reverse=True)


def make_backup(project: Path, keep: int = KEEP) -> Path:
    """Back the project up now; keeps the newest ``keep`` backups of it."""
    project = project.expanduser()
    if not project.is_file():
        raise ProjectError(f"{project} does not exist; there is nothing to back up.")
    folder = backup_folder(project)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{project.stem}-{stamp}{SUFFIX}"
    try:
        backup_store.copy_to_new_file(project, target)
    except backup_store.DatabaseError as exc:
        raise ProjectError(f"Could not back up {project}: {exc}") from exc
    except OSError as exc:
        raise ProjectError(f"Could not write the backup {target}: {exc.strerror or exc}") from exc
    for old in list_backups(project)[keep:]:
        old.path.unlink(missing_ok=True)
    return target


def backup_if_older_than(project: Path, seconds: float) -> Path | None:
    """The app's rolling backup: a new one only when the newest is older than ``seconds``."""
    newest = list_backups(project)
    if newest and time.time() - newest[0].path.stat().st_mtime < seconds:
        return None
    return make_backup(project)


def restore_backup(backup: Path, target: Path, *, overwrite: bool = False) -> Path | None:
    """Copy a backup to ``target``. Returns the backup made of what it replaced, if anything."""
    backup, target = backup.expanduser(), target.expanduser()
    backup_store.check_whole(backup)
    replaced = None
    if target.exists():
        if not overwrite:
            raise ProjectError(
                f"{target} exists; restore to a new file, or use --overwrite to replace it "
                "(it is backed up first)."
            )
        replaced = make_backup(target)
    for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        if leftover.exists() and not target.exists():
            raise ProjectError(f"{leftover} is left from another project; move it away first.")
    if target.exists():
        backup_store.copy_over(backup, target)
    else:
        backup_store.copy_to_new_file(backup, target)
    return replaced

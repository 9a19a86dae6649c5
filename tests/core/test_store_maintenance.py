"""annotator.core.store.maintenance: upkeep of an open project's database."""

from __future__ import annotations

from pathlib import Path

from annotator.core.project import Project
from annotator.core.store.maintenance import checkpoint


def test_checkpoint_empties_the_write_ahead_log(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Ministers met in Kathmandu on 3 May.\n", encoding="utf-8")
    path = tmp_path / "news.annotator"
    wal = Path(f"{path}-wal")
    with Project.open(path) as project:
        with project.write() as conn:
            conn.exec_driver_sql("CREATE TABLE scratch (x)")
            conn.exec_driver_sql("INSERT INTO scratch VALUES (1)")
        assert wal.stat().st_size > 0
        with project.read() as conn:
            checkpoint(conn)
        assert wal.stat().st_size == 0

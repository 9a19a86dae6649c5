"""Project statistics: what has been annotated, by whom, with which labels."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.store import stats as queries

if TYPE_CHECKING:
    from annotator.core.project import Project


@dataclass
class ProjectStats:
    """Counts over the whole project; label counts include model suggestions."""

    documents: int = 0
    annotators: dict[str, dict[str, int]] = field(default_factory=dict)
    active_seconds: dict[str, float] = field(default_factory=dict)
    entities: dict[str, int] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)
    unreliable: dict[str, int] = field(default_factory=dict)
    relations: dict[str, int] = field(default_factory=dict)
    links: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def project_stats(project: Project) -> ProjectStats:
    connection = project.engine.raw_connection()
    try:
        return _stats(connection.driver_connection)
    finally:
        connection.close()


def file_stats(path: Path) -> ProjectStats:
    """Statistics of a project file read as it is, without opening it as a project (no
    SQLAlchemy, no upgrade): quick for a command that only reads."""
    from annotator.core.store.files import open_read_only

    conn = open_read_only(path, "a project")
    try:
        return _stats(conn)
    finally:
        conn.close()


def _stats(conn: sqlite3.Connection) -> ProjectStats:
    stats = ProjectStats(documents=queries.document_count(conn))
    for name, status, count, seconds in queries.statuses(conn):
        stats.annotators.setdefault(name, {})[status] = count
        stats.active_seconds[name] = stats.active_seconds.get(name, 0.0) + (seconds or 0.0)
    for layer, label, count in queries.span_labels(conn):
        if layer == "entity":
            stats.entities[label] = count
        elif layer == "unreliable":
            stats.unreliable[label] = count
    stats.topics = dict(queries.topic_labels(conn))
    stats.relations = dict(queries.relation_labels(conn))
    stats.links = queries.link_count(conn)
    return stats

"""Project statistics: what has been annotated, by whom, with which labels.

People's work and models' suggestions are counted apart: a suggestion nobody accepted is not
an entity, and a tagger that pre-tagged every document has not finished any of them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.store import stats as queries

if TYPE_CHECKING:
    from annotator.core.project import Project


#: The figures of one annotator's assignment, in the order the store counts them.
ASSIGNMENT_FIGURES = ("assigned", "shared", "done", "skipped", "remaining")


@dataclass
class ModelStats:
    """What one model (tagger) left in the project."""

    documents: int = 0
    #: Entities it suggests (not rejected).
    suggestions: int = 0
    #: Of those, the ones no person has decided yet.
    open: int = 0


@dataclass
class ProjectStats:
    """Counts over the whole project. ``annotators``, ``entities``, ``topics``,
    ``unreliable``, ``relations`` and ``links`` count people's work only; models are in
    ``models`` and their undecided entities in ``open_suggestions``."""

    documents: int = 0
    annotators: dict[str, dict[str, int]] = field(default_factory=dict)
    active_seconds: dict[str, float] = field(default_factory=dict)
    models: dict[str, ModelStats] = field(default_factory=dict)
    entities: dict[str, int] = field(default_factory=dict)
    open_suggestions: dict[str, int] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)
    unreliable: dict[str, int] = field(default_factory=dict)
    relations: dict[str, int] = field(default_factory=dict)
    links: int = 0
    #: Per annotator with an assignment (``annotator assign``): assigned, shared (of them in
    #: the shared slice), done, skipped (or rejected) and remaining (new or in progress).
    assignments: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def suggestions_open(self) -> int:
        """Model entities nobody has accepted or rejected yet, all labels together."""
        return sum(self.open_suggestions.values())

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "suggestions_open": self.suggestions_open}


def project_stats(project: Project) -> ProjectStats:
    connection = project._reader.raw_connection()
    try:
        return _stats(connection.driver_connection)
    finally:
        connection.close()


def file_stats(path: Path) -> ProjectStats:
    """Statistics of a project file read as it is, without opening it as a project (no
    SQLAlchemy, no upgrade): quick for a command that only reads. The file may be anyone's,
    so it is opened as untrusted (checked before any row is read)."""
    from annotator.core.store.untrusted import open_untrusted

    conn = open_untrusted(path, "a project")
    try:
        return _stats(conn)
    finally:
        conn.close()


def _stats(conn: sqlite3.Connection) -> ProjectStats:
    stats = ProjectStats(documents=queries.document_count(conn))
    for name, kind, status, count, seconds in queries.statuses(conn):
        if kind == "model":
            stats.models.setdefault(name, ModelStats()).documents += count
            continue
        stats.annotators.setdefault(name, {})[status] = count
        stats.active_seconds[name] = stats.active_seconds.get(name, 0.0) + (seconds or 0.0)
    for model, label, suggested, still_open in queries.entity_suggestions(conn):
        figures = stats.models.setdefault(model, ModelStats())
        figures.suggestions += suggested
        figures.open += still_open
        if still_open:
            stats.open_suggestions[label] = stats.open_suggestions.get(label, 0) + still_open
    stats.open_suggestions = dict(sorted(stats.open_suggestions.items(), key=lambda i: -i[1]))
    for layer, label, count in queries.span_labels(conn):
        if layer == "entity":
            stats.entities[label] = count
        elif layer == "unreliable":
            stats.unreliable[label] = count
    stats.topics = dict(queries.topic_labels(conn))
    stats.relations = dict(queries.relation_labels(conn))
    stats.links = queries.link_count(conn)
    for name, *figures in queries.assignment_progress(conn):
        stats.assignments[name] = dict(zip(ASSIGNMENT_FIGURES, figures, strict=True))
    return stats

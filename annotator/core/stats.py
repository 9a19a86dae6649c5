"""Project statistics: what has been annotated, by whom, with which labels."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def project_stats(project: Project) -> ProjectStats:
    stats = ProjectStats()
    with project.engine.connect() as conn:
        stats.documents = conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one()
        for name, status, count, seconds in conn.exec_driver_sql(
            "SELECT n.name, a.status, count(*), sum(a.active_seconds) FROM annotations AS a "
            "JOIN annotators AS n ON n.id = a.annotator_id GROUP BY n.name, a.status "
            "ORDER BY n.name, a.status"
        ):
            stats.annotators.setdefault(name, {})[status] = count
            stats.active_seconds[name] = stats.active_seconds.get(name, 0.0) + (seconds or 0.0)
        for layer, label, count in conn.exec_driver_sql(
            "SELECT s.layer, l.name, count(*) FROM spans AS s JOIN labels AS l "
            "ON l.id = s.label_id WHERE s.rejected = 0 GROUP BY s.layer, l.name "
            "ORDER BY count(*) DESC, l.name"
        ):
            if layer == "entity":
                stats.entities[label] = count
            elif layer == "unreliable":
                stats.unreliable[label] = count
        for label, count in conn.exec_driver_sql(
            "SELECT l.name, count(*) FROM topics AS t JOIN labels AS l ON l.id = t.label_id "
            "WHERE t.applies = 1 GROUP BY l.name ORDER BY count(*) DESC, l.name"
        ):
            stats.topics[label] = count
    return stats

"""The demo project: our sample articles, pre-tagged by the built-in tagger.

It is what a first run opens, so a new user sees highlighted entities before doing anything.
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.project import Project
from annotator.core.resources import resource_path
from annotator.core.settings import demo_project_path


def sample_articles() -> list[Path]:
    return sorted(resource_path("samples", "articles").glob("*.txt"))


def create_demo_project(path: Path | None = None) -> Path:
    """Create (or complete) the demo project and return its path; existing work is kept."""
    path = path or demo_project_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with Project.open(path) as project:
        project.import_paths(sample_articles(), annotator="demo")
        project.pretag()
    return path

"""The models trained for a project: kept in the user's data folder, listed, deleted.

Each project has a folder named after it (its file name and an id kept in the project, so two
projects called ``news.annotator`` never share one, and a moved project keeps its models).
Each model is a subfolder named by when it was trained, holding the pipeline spaCy saved and
``model.json``: what it learned from (documents, annotator, labels), how long, and its scores
on the held-out documents.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.errors import AnnotatorError
from annotator.core.settings import folders

if TYPE_CHECKING:
    from annotator.core.project import Project

ID_SETTING = "project_id"
INFO_FILE = "model.json"
PIPELINE_FOLDER = "pipeline"
#: What ``--model latest`` means.
LATEST = "latest"


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float


@dataclass
class TrainedModel:
    """One model trained for the project, as ``model.json`` describes it."""

    name: str
    created: str
    annotator: str
    train_documents: int
    dev_documents: int
    labels: list[str]
    seconds: float
    stopped: str
    base: str | None = None
    #: spaCy's overall scores on the held-out documents (``ents_f``, ``cats_macro_f``...).
    scores: dict[str, float] = field(default_factory=dict)
    per_label: list[LabelScore] = field(default_factory=list)
    #: Share of the finished documents it saw (below 1 for a learning-curve point).
    fraction: float = 1.0
    folder: Path = Path()

    @property
    def pipeline(self) -> Path:
        return self.folder / PIPELINE_FOLDER

    @property
    def f1(self) -> float:
        return headline_f1(self.scores)

    def to_json(self) -> str:
        values = asdict(self)
        values.pop("folder")
        return json.dumps(values, indent=2, ensure_ascii=False)

    @classmethod
    def from_folder(cls, folder: Path) -> TrainedModel:
        values: dict[str, Any] = json.loads((folder / INFO_FILE).read_text(encoding="utf-8"))
        values["per_label"] = [LabelScore(**item) for item in values.get("per_label", [])]
        return cls(**values, folder=folder)


def headline_f1(scores: dict[str, float]) -> float:
    """The F1 a model is summed up by, in percent: entities', else topics' (micro: a topic
    that never applies in the held-out documents has no F1 to average), else passages'."""
    for key in ("ents_f", "cats_micro_f", "spans_sc_f", "cats_score"):
        if key in scores:
            return 100 * scores[key]
    return 0.0


def models_folder(project: Project) -> Path:
    """Where this project's models live; gives the project its id on first use."""
    key = project.get_setting(ID_SETTING)
    if not isinstance(key, str):
        key = uuid.uuid4().hex[:8]
        project.set_setting(ID_SETTING, key)
    return _folder(project, key)


def _existing_folder(project: Project) -> Path | None:
    """The models folder if the project ever had one: listing must not write to it."""
    key = project.get_setting(ID_SETTING)
    return _folder(project, key) if isinstance(key, str) else None


def _folder(project: Project, key: str) -> Path:
    stem = re.sub(r"[^\w.-]+", "_", project.name) or "project"
    return folders().data / "models" / f"{stem}-{key}"


def list_models(project: Project) -> list[TrainedModel]:
    """The project's models, newest first; a folder without a readable ``model.json`` (a
    training that was cut off) is not a model."""
    root = _existing_folder(project)
    if root is None or not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        if folder.name.startswith(".") or not (folder / INFO_FILE).is_file():
            continue
        try:
            found.append(TrainedModel.from_folder(folder))
        except (ValueError, TypeError, OSError):
            continue
    return sorted(found, key=lambda m: m.created, reverse=True)


def latest_model(project: Project) -> TrainedModel:
    models = [m for m in list_models(project) if m.fraction == 1.0]
    if not models:
        raise AnnotatorError(
            f"{project.name} has no trained model yet; train one with "
            f"'annotator train {project.location}' (or Model ▸ Train in the app)."
        )
    return models[0]


def find_model(project: Project, name: str) -> TrainedModel:
    for model in list_models(project):
        if model.name == name:
            return model
    names = ", ".join(m.name for m in list_models(project)) or "none yet"
    raise AnnotatorError(f"There is no model named '{name}' (models: {names}).")


def delete_model(project: Project, name: str) -> TrainedModel:
    model = find_model(project, name)
    shutil.rmtree(model.folder)
    return model


def resolve_model_name(project: Project, model: str | Path | None) -> str | Path | None:
    """``latest`` or the name of one of the project's models as its pipeline folder; any
    other name is left for the pipeline loader."""
    if model is None:
        return None
    if str(model) == LATEST:
        return latest_model(project).pipeline
    for trained in list_models(project):
        if trained.name == str(model):
            return trained.pipeline
    return model

"""Training a model on the project's finished documents, with spaCy's own training loop.

The annotator's finished work is exported as a spaCy training set (the same files ``export``
writes), the generated config is given absolute paths, an evaluation about once an epoch and a
logger that reports progress, and ``spacy train`` runs in a child process on the CPU
(:mod:`annotator.core.train_child`). The model kept is the best one on the held-out documents;
it is stored with its scores in the project's models folder (:mod:`model_registry`). A cancel
stops the child at once and leaves nothing behind.
"""

from __future__ import annotations

import json
import math
import queue
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from annotator.core.errors import AnnotatorError, Cancelled
from annotator.core.model_registry import (
    INFO_FILE,
    PIPELINE_FOLDER,
    LabelScore,
    TrainedModel,
    models_folder,
)
from annotator.core.progress import CancelCallback

if TYPE_CHECKING:
    from annotator.core.project import Project

#: A training stops here unless told otherwise: long enough for a few hundred articles to
#: converge on a laptop, short enough to try again the same hour.
DEFAULT_MAX_MINUTES = 10.0
#: The hidden option that makes a bundled app (no ``python -m``) run the training child.
CHILD_OPTION = "--train-child"
#: Words per optimizer step once spaCy's batch size has grown (its efficiency config).
WORDS_PER_STEP = 1000
#: Evaluations without improvement before spaCy stops (its default is 1600 steps at 200).
PATIENCE_EVALUATIONS = 8


@dataclass(frozen=True)
class TrainingEvent:
    """Something the training reports: ``exported`` (the data is ready), ``step``, ``eval``
    (losses and scores after an evaluation) or ``trained``."""

    kind: str
    step: int = 0
    epoch: int = 0
    seconds: float = 0.0
    losses: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    scores: dict[str, float] = field(default_factory=dict)
    message: str = ""


TrainingCallback = Callable[[TrainingEvent], None]


def train(
    project: Project,
    *,
    annotator: str | None = None,
    dev_ratio: float = 0.2,
    max_minutes: float = DEFAULT_MAX_MINUTES,
    base: str | None = None,
    fraction: float = 1.0,
    seed: int = 0,
    keep: bool = True,
    on_event: TrainingCallback | None = None,
    cancel: CancelCallback | None = None,
) -> TrainedModel:
    """Train on the annotator's finished documents (``fraction`` of the training share, for
    a learning curve) and, with ``keep``, keep the model; see the module docstring."""
    if not 0 < fraction <= 1:
        raise AnnotatorError(f"The share of documents must be in (0, 1], not {fraction}.")
    if max_minutes <= 0:
        raise AnnotatorError(f"--max-minutes must be above 0, not {max_minutes}.")
    report = _say(on_event)
    root = models_folder(project)
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".training-", dir=root))
    started = time.monotonic()
    try:
        exported = project.export(
            work / "data",
            fmt="spacy",
            annotator=annotator,
            dev_ratio=dev_ratio,
            seed=seed,
            overwrite=True,
        )
        data = work / "data"
        if not (data / "config.cfg").is_file():
            raise AnnotatorError(
                f"{exported.annotator}'s finished documents hold no entities, topic decisions "
                "or unreliable passages to learn from; finish some documents first."
            )
        if exported.dev == 0:
            raise AnnotatorError(
                "Training needs at least two finished documents: one to learn from and one to "
                "measure the model on."
            )
        train_count = exported.train
        if fraction < 1:
            train_count = _keep_share(data / "train.spacy", fraction, seed)
        config, labels = _training_config(data, base)
        report(
            TrainingEvent(
                "exported",
                message=f"{train_count:,} documents to learn from, {exported.dev:,} to measure on",
            )
        )
        result = _run_child(config, work / "out", max_minutes * 60, report, cancel)
        name = datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d_%H%M%S")
        target = root / name
        suffix = 2
        while target.exists():
            target = root / f"{name} ({suffix})"
            suffix += 1
        model = TrainedModel(
            name=target.name,
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            annotator=exported.annotator,
            train_documents=train_count,
            dev_documents=exported.dev,
            labels=labels,
            seconds=round(time.monotonic() - started, 1),
            stopped=result["stopped"],
            base=base,
            scores=_overall(result["scores"]),
            per_label=_per_label(result["scores"], set(labels)),
            fraction=fraction,
            folder=target,
        )
        if not keep:
            model.folder = Path()
            return model
        pipeline = Path(result["pipeline"])
        _name_pipeline(pipeline, project, target.name)
        (work / "model").mkdir()
        shutil.move(str(pipeline), work / "model" / PIPELINE_FOLDER)
        (work / "model" / INFO_FILE).write_text(model.to_json(), encoding="utf-8")
        (work / "model").rename(target)
        report(TrainingEvent("trained", seconds=model.seconds, message=target.name))
        return model
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _say(on_event: TrainingCallback | None) -> TrainingCallback:
    return on_event if on_event is not None else (lambda _event: None)


def _keep_share(path: Path, fraction: float, seed: int) -> int:
    """Keep a seeded random share of the training documents (the held-out ones stay all)."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    docs = list(DocBin().from_disk(path).get_docs(Vocab()))
    keep = max(1, math.ceil(len(docs) * fraction))
    chosen = sorted(random.Random(seed).sample(range(len(docs)), keep))
    kept = DocBin(store_user_data=True, docs=[docs[i] for i in chosen])
    kept.to_disk(path)
    return keep


def _training_config(data: Path, base: str | None) -> tuple[Path, list[str]]:
    """The exported config made ready to train here: absolute paths, our progress logger,
    evaluation about once an epoch, and (with ``base``) the base pipeline's ``ner`` to start
    from. Returns the config's path and the labels it trains."""
    import spacy
    from spacy.tokens import DocBin

    from annotator.core.train_child import LOGGER

    config = spacy.util.load_config(data / "config.cfg")
    config["paths"]["train"] = str(data / "train.spacy")
    config["paths"]["dev"] = str(data / "dev.spacy")
    config["training"]["logger"] = {"@loggers": LOGGER}
    docs = DocBin().from_disk(data / "train.spacy").get_docs(spacy.blank("xx").vocab)
    steps_per_epoch = max(1, sum(len(doc) for doc in docs) // WORDS_PER_STEP)
    every = min(200, max(10, steps_per_epoch))
    config["training"]["eval_frequency"] = every
    config["training"]["patience"] = every * PATIENCE_EVALUATIONS
    entities, labels = _labels(data)
    if base is not None:
        _start_from(config, base, entities, data.parent / "base")
    path = data.parent / "train.cfg"
    config.to_disk(path)
    return path, sorted(labels)


def _start_from(config: Any, base: str, entities: set[str], copy: Path) -> None:
    """Start the entity recognizer from the base pipeline's: a copy of it that also knows the
    data's labels (spaCy does not add labels to a component it sources), with its own copy of
    the layers it listened to, and the base's vectors if it has some."""
    from annotator.core.pipelines import load_pipeline

    nlp = load_pipeline(base)
    if "ner" not in nlp.pipe_names:
        raise AnnotatorError(f"The base pipeline '{base}' has no 'ner' to start from.")
    if "ner" not in config["components"]:
        raise AnnotatorError("Only entities can start from a base pipeline; this data has none.")
    if nlp.lang != config["nlp"]["lang"]:
        raise AnnotatorError(
            f"The base pipeline is for language '{nlp.lang}', the project for "
            f"'{config['nlp']['lang']}'."
        )
    ner = nlp.get_pipe("ner")
    for label in sorted(entities - set(ner.labels)):
        ner.add_label(label)
    nlp.to_disk(copy)
    source = str(copy)
    sourced: dict[str, Any] = {"source": source}
    listened = [
        name
        for name, component in nlp.pipeline
        if "ner" in getattr(component, "listening_components", [])
    ]
    if listened:
        sourced["replace_listeners"] = ["model.tok2vec"]
    config["components"]["ner"] = sourced
    if nlp.vocab.vectors.shape[0]:
        config["initialize"]["vectors"] = source
    pipeline = list(config["nlp"]["pipeline"])
    if "tok2vec" in pipeline and not {"textcat_multilabel", "spancat"} & set(pipeline):
        pipeline.remove("tok2vec")
        del config["components"]["tok2vec"]
        config["nlp"]["pipeline"] = pipeline


def _labels(data: Path) -> tuple[set[str], set[str]]:
    """The entity labels of the training documents, and every label they train."""
    import spacy
    from spacy.tokens import DocBin

    entities: set[str] = set()
    others: set[str] = set()
    for doc in DocBin().from_disk(data / "train.spacy").get_docs(spacy.blank("xx").vocab):
        entities.update(e.label_ for e in doc.ents)
        # The export implies "does not apply" for a project's other topics: the model still
        # learns them, but it learned what a topic is only where one applied.
        others.update(label for label, value in doc.cats.items() if value >= 0.5)
        for group in doc.spans.values():
            others.update(span.label_ for span in group)
    return entities, entities | others


def child_command(*arguments: str) -> list[str]:
    """How to start the training child: ``python -m``, or the bundled app itself."""
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_OPTION, *arguments]
    return [sys.executable, "-m", "annotator.core.train_child", *arguments]


def _run_child(
    config: Path,
    output: Path,
    max_seconds: float,
    report: TrainingCallback,
    cancel: CancelCallback | None,
) -> dict[str, Any]:
    """Run the child to the end, passing on its events; cancel kills it."""
    process = subprocess.Popen(
        child_command(str(config), str(output), str(max_seconds)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    lines: queue.Queue[str | None] = queue.Queue()
    errors: list[str] = []
    readers = [
        threading.Thread(target=_forward, args=(process.stdout, lines), daemon=True),
        threading.Thread(target=_collect, args=(process.stderr, errors), daemon=True),
    ]
    for reader in readers:
        reader.start()
    result: dict[str, Any] = {}
    try:
        for event in _events(lines, process, cancel):
            kind = event.pop("event")
            if kind in ("step", "eval"):
                report(
                    TrainingEvent(
                        kind,
                        step=int(event.get("step", 0)),
                        epoch=int(event.get("epoch", 0)),
                        seconds=float(event.get("seconds", 0.0)),
                        losses=event.get("losses", {}),
                        score=float(event.get("score", 0.0)),
                        scores=event.get("scores", {}),
                    )
                )
            elif kind == "trained":
                result.update(stopped=event["stopped"], pipeline=event["pipeline"])
            elif kind == "scores":
                result["scores"] = event["scores"]
    except BaseException:
        process.kill()
        process.wait()
        raise
    for reader in readers:
        reader.join()
    if process.wait() != 0 or "scores" not in result:
        detail = "".join(errors).strip().splitlines()[-12:]
        raise AnnotatorError("spaCy's training failed:\n" + "\n".join(detail))
    return result


def _forward(stream: IO[str] | None, lines: queue.Queue[str | None]) -> None:
    """The child's stdout, line by line, then None when it closes."""
    if stream is not None:
        for line in stream:
            lines.put(line)
    lines.put(None)


def _collect(stream: IO[str] | None, errors: list[str]) -> None:
    """The child's stderr, kept to explain a failure."""
    if stream is not None:
        errors.extend(stream)


def _events(
    lines: queue.Queue[str | None], process: subprocess.Popen, cancel: CancelCallback | None
) -> Iterator[dict[str, Any]]:
    """The child's JSON events as they come; other lines (spaCy's own messages) are passed
    over. Cancel is checked at least every tenth of a second."""
    while True:
        if cancel is not None and cancel():
            raise Cancelled("Training cancelled; no model was kept.")
        try:
            line = lines.get(timeout=0.1)
        except queue.Empty:
            continue
        if line is None:
            return
        if line.startswith("{"):
            try:
                yield json.loads(line)
            except ValueError:
                continue


def _overall(scores: dict[str, Any]) -> dict[str, float]:
    return {
        k: float(v)
        for k, v in scores.items()
        if isinstance(v, (int, float)) and not k.endswith("_per_type") and k != "speed"
    }


def _per_label(scores: dict[str, Any], learned: set[str]) -> list[LabelScore]:
    """Precision, recall and F1 per entity label, per topic and per passage label; a topic
    that never applied in the training documents has no row (spaCy scores it 0)."""
    rows = []
    for key in ("ents_per_type", "cats_f_per_type", "spans_sc_per_type"):
        for label, values in sorted((scores.get(key) or {}).items()):
            if key == "cats_f_per_type" and label not in learned:
                continue
            rows.append(
                LabelScore(
                    label,
                    float(values.get("p", 0.0)),
                    float(values.get("r", 0.0)),
                    float(values.get("f", 0.0)),
                )
            )
    return rows


def _name_pipeline(pipeline: Path, project: Project, version: str) -> None:
    """Name the pipeline after the project (spaCy calls every trained one ``pipeline``)."""
    meta_path = pipeline / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    stem = "".join(c if c.isalnum() else "_" for c in project.name.lower()).strip("_")
    meta["name"] = f"annotator_{stem or 'project'}"
    meta["version"] = version.replace(" ", "-")
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")


@dataclass(frozen=True)
class CurvePoint:
    """One point of a learning curve: the share of the training documents and the model's
    scores with it."""

    fraction: float
    train_documents: int
    scores: dict[str, float]
    per_label: list[LabelScore]


#: The shares a learning curve trains on, as Prodigy's ``train-curve`` does.
CURVE_FRACTIONS = (0.25, 0.5, 0.75, 1.0)


def train_curve(
    project: Project,
    *,
    annotator: str | None = None,
    dev_ratio: float = 0.2,
    max_minutes: float = DEFAULT_MAX_MINUTES,
    fractions: tuple[float, ...] = CURVE_FRACTIONS,
    seed: int = 0,
    on_point: Callable[[CurvePoint], None] | None = None,
    on_event: TrainingCallback | None = None,
    cancel: CancelCallback | None = None,
) -> list[CurvePoint]:
    """Train on growing shares of the finished documents, measured on the same held-out
    ones, to show whether more labelling still helps. No model is kept. ``max_minutes`` is
    per point."""
    points = []
    for fraction in fractions:
        model = train(
            project,
            annotator=annotator,
            dev_ratio=dev_ratio,
            max_minutes=max_minutes,
            fraction=fraction,
            seed=seed,
            keep=False,
            on_event=on_event,
            cancel=cancel,
        )
        point = CurvePoint(fraction, model.train_documents, model.scores, model.per_label)
        points.append(point)
        if on_point is not None:
            on_point(point)
    return points

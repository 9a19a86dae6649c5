"""An exported spaCy training set: ``train.spacy``, ``dev.spacy`` and a matching ``config.cfg``.

Each document goes to dev or train by a seeded hash of its content hash, not by its position,
so the split does not depend on item order, and a document keeps its side as the project grows
(otherwise re-exporting would leak former dev documents into train).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin

from annotator.core.errors import FormatError
from annotator.core.formats.docbin import DOCBIN_ATTRS, SPANS_KEY, build_doc
from annotator.core.formats.spacy_config import (
    CONFIG_FILE,
    DEV_FILE,
    TRAIN_FILE,
    training_config,
)
from annotator.core.records import ExportItem, ExportProblem


@dataclass
class TrainingSetReport:
    """What an export wrote: document counts per split, span problems, and the files."""

    train_count: int
    dev_count: int
    problems: list[ExportProblem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def write_training_set(
    items: Iterable[ExportItem],
    out_dir: Path,
    nlp: Language,
    *,
    dev_ratio: float = 0.2,
    seed: int = 0,
    overwrite: bool = False,
) -> TrainingSetReport:
    """Write a training set ``python -m spacy train`` accepts as is, split deterministically.

    With two or more documents and ``dev_ratio > 0`` both splits get at least one document,
    since spaCy cannot train without a dev set, nor on an empty train set. Existing files are
    only replaced with ``overwrite=True``, and are checked before any work so a refusal
    leaves nothing half written.
    """
    if not 0 <= dev_ratio < 1:
        raise ValueError(f"dev_ratio must be at least 0 and below 1, not {dev_ratio}")
    out_dir = Path(out_dir)
    paths = [out_dir / TRAIN_FILE, out_dir / DEV_FILE, out_dir / CONFIG_FILE]
    train_path, dev_path, config_path = paths
    if not overwrite:
        for path in paths:
            if path.exists():
                raise FormatError(
                    path, "already exists; choose another folder, or use --overwrite to replace it"
                )

    train: list[tuple[float, Doc]] = []
    dev: list[tuple[float, Doc]] = []
    problems: list[ExportProblem] = []
    for item in items:
        doc, item_problems = build_doc(item, nlp)
        problems.extend(item_problems)
        score = _split_score(seed, item.content_hash)
        (dev if score < dev_ratio else train).append((score, doc))
    if dev_ratio > 0 and len(train) + len(dev) >= 2:
        # Move the document nearest the threshold, so the choice stays order-independent.
        if not dev:
            dev.append(train.pop(min(range(len(train)), key=lambda i: train[i][0])))
        elif not train:
            train.append(dev.pop(max(range(len(dev)), key=lambda i: dev[i][0])))

    train_docs = [doc for _, doc in train]
    all_docs = train_docs + [doc for _, doc in dev]
    has_entities = any(doc.ents for doc in all_docs)
    has_topics = any(doc.cats for doc in all_docs)
    has_spans = any(doc.spans.get(SPANS_KEY) for doc in all_docs)
    notes = []
    config = None
    if has_entities or has_topics or has_spans:
        config = training_config(
            nlp.lang,
            has_entities=has_entities,
            has_topics=has_topics,
            has_spans=has_spans,
            span_sizes=_span_sizes(all_docs) if has_spans else None,
        )
    else:
        notes.append(
            f"no {CONFIG_FILE} written: the documents hold no entities, topic decisions or "
            "unreliable passages for spaCy to train on"
        )

    out_dir.mkdir(parents=True, exist_ok=True)
    for path, split in ((train_path, train), (dev_path, dev)):
        doc_bin = DocBin(attrs=list(DOCBIN_ATTRS), store_user_data=True)
        for _, doc in split:
            doc_bin.add(doc)
        doc_bin.to_disk(path)
    if config is None:
        return TrainingSetReport(len(train), len(dev), problems, [train_path, dev_path], notes)
    config_path.write_text(config, encoding="utf-8")
    return TrainingSetReport(len(train), len(dev), problems, paths, notes)


def _split_score(seed: int, content_hash: str) -> float:
    """A stable pseudo-random number in [0, 1) for one document and seed.

    ``hash()`` is salted per process, so a cryptographic hash keeps the split reproducible.
    """
    digest = hashlib.sha256(f"{seed}\0{content_hash}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _span_sizes(docs: list[Doc]) -> tuple[int, int]:
    """Shortest and longest unreliable passage, in tokens, for spancat's suggester."""
    lengths = [len(span) for doc in docs for span in doc.spans.get(SPANS_KEY, [])]
    return min(lengths), max(lengths)

"""Comparing annotators on one document: every span and topic marked same or different.

Spans of all annotators are grouped into clusters of overlapping spans (per layer); each
cluster is one item a reviewer settles. The kinds follow what reviewers ask first: do they
agree, do they disagree only on the label, only on the boundaries, or did someone miss it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from annotator.core.records import Layer, SpanRecord


class Kind(str, enum.Enum):
    SAME = "same"
    LABEL = "different label"
    BOUNDARIES = "different boundaries"
    ONLY_SOME = "only one annotator"


@dataclass(frozen=True)
class SpanItem:
    """One cluster of overlapping spans: what each annotator has there (possibly nothing)."""

    layer: Layer
    start: int
    end: int
    kind: Kind
    versions: Mapping[str, tuple[SpanRecord, ...]]


@dataclass(frozen=True)
class TopicItem:
    label: str
    kind: Kind
    values: Mapping[str, bool | None]


def _clusters(spans: list[tuple[str, SpanRecord]]) -> list[list[tuple[str, SpanRecord]]]:
    ordered = sorted(spans, key=lambda item: (item[1].start, item[1].end))
    clusters: list[list[tuple[str, SpanRecord]]] = []
    reach = -1
    for item in ordered:
        if clusters and item[1].start < reach:
            clusters[-1].append(item)
            reach = max(reach, item[1].end)
        else:
            clusters.append([item])
            reach = item[1].end
    return clusters


def _kind(versions: Mapping[str, tuple[SpanRecord, ...]]) -> Kind:
    if any(not spans for spans in versions.values()):
        return Kind.ONLY_SOME
    shapes = {tuple((s.start, s.end, s.label) for s in spans) for spans in versions.values()}
    if len(shapes) == 1:
        return Kind.SAME
    bounds = {tuple((s.start, s.end) for s in spans) for spans in versions.values()}
    return Kind.LABEL if len(bounds) == 1 else Kind.BOUNDARIES


def compare_spans(
    spans_by_annotator: Mapping[str, Sequence[SpanRecord]], layer: Layer
) -> list[SpanItem]:
    """Items in text order; every annotator appears in every item's versions."""
    names = list(spans_by_annotator)
    pooled = [
        (name, span)
        for name, spans in spans_by_annotator.items()
        for span in spans
        if span.layer is layer
    ]
    items = []
    for cluster in _clusters(pooled):
        versions = {name: tuple(span for who, span in cluster if who == name) for name in names}
        items.append(
            SpanItem(
                layer=layer,
                start=min(span.start for _who, span in cluster),
                end=max(span.end for _who, span in cluster),
                kind=_kind(versions),
                versions=versions,
            )
        )
    return items


def compare_topics(
    topics_by_annotator: Mapping[str, Mapping[str, bool]], labels: Sequence[str]
) -> list[TopicItem]:
    """Per topic label: each annotator's decision (unset counts as not applying)."""
    items = []
    for label in labels:
        values = {name: topics.get(label) for name, topics in topics_by_annotator.items()}
        if all(value is None for value in values.values()):
            continue
        applies = {bool(value) for value in values.values()}
        items.append(TopicItem(label, Kind.SAME if len(applies) == 1 else Kind.LABEL, values))
    return items


def disagreements(items: Sequence[SpanItem | TopicItem]) -> int:
    return sum(item.kind is not Kind.SAME for item in items)

"""Questions about many spans at once, asked by the edits that act on many (undo of a bulk
decision, relabel all): one query per chunk of ids, never one per span."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from annotator.core.store.content import chunks, marks


@dataclass(frozen=True)
class Owners:
    """Whose sets the spans are in, as (annotation id, annotator name), and the ids that no
    longer exist."""

    sets: set[tuple[int, str]]
    missing: list[int]


def owners(conn: Connection, span_ids: Sequence[int]) -> Owners:
    sets: set[tuple[int, str]] = set()
    found: set[int] = set()
    for part in chunks(list(span_ids)):
        for span_id, annotation_id, name in conn.exec_driver_sql(
            "SELECT s.id, a.id, n.name FROM spans AS s "
            "JOIN annotations AS a ON a.id = s.annotation_id "
            f"JOIN annotators AS n ON n.id = a.annotator_id WHERE s.id IN ({marks(len(part))})",
            tuple(part),
        ):
            found.add(span_id)
            sets.add((annotation_id, name))
    return Owners(sets, [span_id for span_id in span_ids if span_id not in found])

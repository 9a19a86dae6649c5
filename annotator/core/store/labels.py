"""The storage questions of a label scheme: its order, who uses a label, and removing one.

A scheme's order is the ``position`` column (0, 1, 2, ... with no gaps once anything was
deleted or moved); every list of labels reads it, so it is the one order of a scheme.
Deleting a label removes every row that names it in one statement per table, never a loop
over single spans.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from annotator.core.store.bulk import now_text

#: Every annotation that holds a row naming the label ``:label``: its spans, its topic
#: decisions, and relations labelled with it or with an end among its spans.
_SPANS_OF_LABEL = "SELECT id FROM spans WHERE label_id = :label"
_RELATIONS_OF_LABEL = (
    f"label_id = :label OR head_span_id IN ({_SPANS_OF_LABEL}) "
    f"OR child_span_id IN ({_SPANS_OF_LABEL})"
)
_USES = (
    "SELECT annotation_id, 1 AS span, CASE WHEN rejected THEN 1 ELSE 0 END AS rejected, "
    "0 AS topic, 0 AS relation FROM spans "
    "WHERE label_id = :label "
    "UNION ALL SELECT annotation_id, 0, 0, 1, 0 FROM topics WHERE label_id = :label "
    f"UNION ALL SELECT annotation_id, 0, 0, 0, 1 FROM relations WHERE {_RELATIONS_OF_LABEL}"
)


def label_id(conn: Connection, kind: str, name: str) -> int | None:
    return conn.exec_driver_sql(
        "SELECT id FROM labels WHERE kind = ? AND name = ?", (kind, name)
    ).scalar()


_LABEL_FIELDS = "id, kind, name, colour, shortcut, description, position"


def labels_of_kind(conn: Connection, kind: str) -> list[tuple[Any, ...]]:
    """Every label of a scheme as ``label_row`` gives it, in the scheme's order."""
    return [
        tuple(row)
        for row in conn.exec_driver_sql(
            f"SELECT {_LABEL_FIELDS} FROM labels WHERE kind = ? ORDER BY position, id", (kind,)
        )
    ]


def scheme_size(conn: Connection, kind: str) -> int:
    return conn.exec_driver_sql("SELECT count(*) FROM labels WHERE kind = ?", (kind,)).scalar_one()


def shortcuts(conn: Connection) -> list[tuple[int, str, str, str]]:
    """(id, kind, name, shortcut) of every label that has a key."""
    return [
        (row[0], row[1], row[2], row[3])
        for row in conn.exec_driver_sql(
            "SELECT id, kind, name, shortcut FROM labels WHERE shortcut IS NOT NULL"
        )
    ]


def insert_label(
    conn: Connection,
    kind: str,
    name: str,
    colour: str,
    shortcut: str | None,
    description: str,
    position: int,
) -> int:
    return conn.exec_driver_sql(
        "INSERT INTO labels (kind, name, colour, shortcut, description, position) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (kind, name, colour, shortcut, description, position),
    ).scalar_one()


def update_label(
    conn: Connection,
    label_id: int,
    name: str,
    colour: str,
    shortcut: str | None,
    description: str,
) -> None:
    conn.exec_driver_sql(
        "UPDATE labels SET name = ?, colour = ?, shortcut = ?, description = ? WHERE id = ?",
        (name, colour, shortcut, description, label_id),
    )


def label_row(conn: Connection, label_id: int) -> tuple[Any, ...] | None:
    """(id, kind, name, colour, shortcut, description, position) of a label, or None."""
    row = conn.exec_driver_sql(
        f"SELECT {_LABEL_FIELDS} FROM labels WHERE id = ?", (label_id,)
    ).first()
    return None if row is None else tuple(row)


def scheme(conn: Connection, kind: str) -> list[tuple[int, str, str | None]]:
    """(id, name, shortcut) of the scheme's labels in its order."""
    return [
        (row[0], row[1], row[2])
        for row in conn.exec_driver_sql(
            "SELECT id, name, shortcut FROM labels WHERE kind = ? ORDER BY position, id", (kind,)
        )
    ]


def uses(conn: Connection, label_id: int) -> list[tuple[Any, ...]]:
    """Per annotator who has any row naming the label: (name, kind, spans, of which
    rejections, topic decisions, relations, documents), people before models, by name."""
    return [
        tuple(row)
        for row in conn.exec_driver_sql(
            "SELECT n.name, n.kind, sum(u.span), sum(u.rejected), sum(u.topic), "
            f"sum(u.relation), count(DISTINCT a.document_id) FROM ({_USES}) AS u "
            "JOIN annotations AS a ON a.id = u.annotation_id "
            "JOIN annotators AS n ON n.id = a.annotator_id "
            "GROUP BY n.id ORDER BY n.kind = 'model', n.name",
            {"label": label_id},
        )
    ]


def delete_label(conn: Connection, label_id: int, kind: str, name: str) -> None:
    """The label and every row naming it, in the caller's transaction.

    The sets that lose rows are marked as changed; a person's span accepted from a deleted
    suggestion keeps its label and loses only the link to it (the key's ``SET NULL``). A
    topic's review decisions go with it: they are keyed by its name, which a new label may
    take again.
    """
    parameters = {"label": label_id, "now": now_text()}
    conn.exec_driver_sql(
        "UPDATE annotations SET updated_at = :now WHERE id IN "
        f"(SELECT annotation_id FROM ({_USES}) AS u)",
        parameters,
    )
    conn.exec_driver_sql(f"DELETE FROM relations WHERE {_RELATIONS_OF_LABEL}", parameters)
    conn.exec_driver_sql("DELETE FROM spans WHERE label_id = :label", parameters)
    conn.exec_driver_sql("DELETE FROM topics WHERE label_id = :label", parameters)
    if kind == "topic":
        conn.exec_driver_sql(
            "DELETE FROM review_decisions WHERE layer = 'topic' AND label = ?", (name,)
        )
    conn.exec_driver_sql("DELETE FROM labels WHERE id = :label", parameters)


def set_order(conn: Connection, rows: Sequence[tuple[int, str | None, int]]) -> None:
    """Rows of (position, shortcut, label id): the scheme's new order and keys."""
    if not rows:
        return
    conn.exec_driver_sql(
        "UPDATE labels SET position = ?, shortcut = ? WHERE id = ?", [tuple(r) for r in rows]
    )


def log(conn: Connection, action: str, details: dict[str, Any]) -> None:
    """An edit-log entry for a change to a scheme (no one document, no one annotator)."""
    conn.exec_driver_sql(
        "INSERT INTO edit_log (at, action, details) VALUES (?, ?, ?)",
        (now_text(), action, json.dumps(details, ensure_ascii=False)),
    )

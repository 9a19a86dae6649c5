"""Adopting what at least K of N annotators agree on, as set-based SQL in the caller's
transaction: the items are found, settled into the gold set and recorded in a handful of
statements, however many documents and items there are.

An item is what ``annotator.core.review`` compares: a chain of overlapping spans of one layer
(entities, unreliable passages) pooled from the compared annotators, or one topic. Two
annotators agree on a span item exactly when they have the same spans there (start, end and
label); having none there is a version too (nobody marked it). A topic's versions are
"applies" and "does not apply" (no decision counts as not applying). The N of a document are
the compared annotators with a set on it; an item is settled when exactly one version has at
least K of their votes, so two camps of K never settle anything.

Items come from window functions (a span opens a new item when it starts at or after the
furthest end before it); exact agreement from a signature per version (each distinct span of
the item numbered, a version the sum of 2^(n-1) over its spans), so annotators with equal
signatures have the same spans. Portable SQL: CTEs, window functions, bit shifts,
``RETURNING``, ``TRUE``/``FALSE``, temporary tables dropped before the transaction ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from annotator.core.store.content import chunks, marks
from annotator.core.store.review import SPAN_COLUMNS, TOPIC_COLUMNS

SETS = "review_adopt_sets"
CLUSTERED = "review_adopt_spans"
SUPPORT = "review_adopt_support"
ITEMS = "review_adopt_items"
#: Distinct spans of one item that a version's signature (a 64-bit sum) can tell apart.
MAX_SHAPES = 63
#: The working tables, dropped before the transaction ends.
WORKING = (ITEMS, SUPPORT, CLUSTERED, SETS)

#: Per item: the document, its key, the chosen version (an annotator's name, or 'neither'
#: for "nobody marked it"), the set the chosen spans are copied from, the topic's label and
#: whether it applies, the votes of the winning version and the document's N; then the gold
#: set it goes into and the time. The time is a typed column, not a parameter of the
#: INSERT … SELECT statements: PostgreSQL reads a text parameter in a select list as text,
#: which a timestamp column refuses.
_CREATE_ITEMS = (
    f"CREATE TEMPORARY TABLE {ITEMS} (document_id INTEGER NOT NULL, layer VARCHAR NOT NULL, "
    'start INTEGER NOT NULL, "end" INTEGER NOT NULL, label VARCHAR NOT NULL, '
    "choice VARCHAR NOT NULL, source_set INTEGER, source_annotator INTEGER, "
    "label_id INTEGER, applies BOOLEAN, votes INTEGER NOT NULL, voters INTEGER NOT NULL, "
    "gold_set INTEGER, at TIMESTAMP WITH TIME ZONE)"
)

#: The compared sets' spans, each with the item (chain of overlapping spans of one layer)
#: it belongs to: a span opens a new item when it starts at or after the furthest end
#: before it.
_CLUSTER = f"""
WITH pool AS (
    SELECT s.id, t.document_id, s.layer, s.start, s."end", s.label_id, t.annotator_id,
           t.annotation_id, t.name
    FROM spans AS s JOIN {SETS} AS t ON t.annotation_id = s.annotation_id
    WHERE s.layer IN ('entity', 'unreliable') AND s.rejected = FALSE
),
opened AS (
    SELECT p.id, p.document_id, p.layer, p.start, p."end", p.label_id, p.annotator_id,
           p.annotation_id, p.name,
           CASE WHEN max(p."end") OVER w IS NULL OR p.start >= max(p."end") OVER w
                THEN 1 ELSE 0 END AS opens
    FROM pool AS p
    WINDOW w AS (PARTITION BY p.document_id, p.layer ORDER BY p.start, p."end", p.id
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
)
SELECT o.id, o.document_id, o.layer, o.start, o."end", o.label_id, o.annotator_id,
       o.annotation_id, o.name,
       sum(o.opens) OVER (PARTITION BY o.document_id, o.layer ORDER BY o.start, o."end", o.id
                          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS item
FROM opened AS o
"""

#: Each annotator's version of each item and how many annotators have exactly that version
#: (itself included). The distinct spans of an item are numbered 1, 2, … in text order and a
#: version is the sum of 2^(n-1) over its spans: equal sums, equal sets of spans, exactly.
#: Such a sum holds 63 spans; an item with more distinct spans (a rare chain of overlaps) is
#: left to the reviewer (``shapes`` says how many it has).
_SUPPORT = f"""
WITH ranked AS (
    SELECT c.document_id, c.layer, c.item, c.annotation_id, c.name,
           dense_rank() OVER (PARTITION BY c.document_id, c.layer, c.item
                              ORDER BY c.start, c."end", c.label_id) AS shape
    FROM {CLUSTERED} AS c
),
versions AS (
    SELECT document_id, layer, item, annotation_id, name,
           max(max(shape)) OVER (PARTITION BY document_id, layer, item) AS shapes,
           sum(CASE WHEN shape <= {MAX_SHAPES}
                    THEN CAST(1 AS BIGINT) << CAST(shape - 1 AS INTEGER) ELSE 0 END) AS signature
    FROM ranked GROUP BY document_id, layer, item, annotation_id, name
)
SELECT v.document_id, v.layer, v.item, v.annotation_id, v.name, v.shapes,
       count(*) OVER (PARTITION BY v.document_id, v.layer, v.item, v.signature) AS votes
FROM versions AS v
"""

#: The winner of every item where exactly one version reaches K (parameters: K four times);
#: having no span there is a version too, that of the document's other annotators.
_SPAN_WINNERS = f"""
WITH voters AS (
    SELECT document_id, count(*) AS voters FROM {SETS} GROUP BY document_id
),
items AS (
    SELECT document_id, layer, item, min(start) AS start, max("end") AS "end"
    FROM {CLUSTERED} GROUP BY document_id, layer, item
),
tally AS (
    SELECT i.document_id, i.layer, i.item, i.start, i."end", n.voters,
           n.voters - count(*) AS blank,
           max(u.votes) AS best,
           sum(CASE WHEN u.votes >= ? THEN 1 ELSE 0 END) AS reaching
    FROM items AS i
    JOIN voters AS n ON n.document_id = i.document_id
    JOIN {SUPPORT} AS u
      ON u.document_id = i.document_id AND u.layer = i.layer AND u.item = i.item
    GROUP BY i.document_id, i.layer, i.item, i.start, i."end", n.voters
    HAVING max(u.shapes) <= {MAX_SHAPES}
),
settled AS (
    SELECT t.*, CASE WHEN t.blank > t.best THEN t.blank ELSE t.best END AS top
    FROM tally AS t
    WHERE t.reaching + CASE WHEN t.blank >= ? THEN t.blank ELSE 0 END
          = CASE WHEN t.blank > t.best THEN t.blank ELSE t.best END
      AND (t.best >= ? OR t.blank >= ?)
      AND NOT EXISTS (
          SELECT 1 FROM review_decisions AS d WHERE d.document_id = t.document_id
          AND d.layer = t.layer AND d.start = t.start AND d."end" = t."end" AND d.label = '')
),
chosen AS (
    SELECT t.document_id, t.layer, t.item, min(u.name) AS name
    FROM settled AS t JOIN {SUPPORT} AS u
      ON u.document_id = t.document_id AND u.layer = t.layer AND u.item = t.item
     AND u.votes = t.best
    WHERE t.best > t.blank
    GROUP BY t.document_id, t.layer, t.item
)
SELECT t.document_id, t.layer, t.start, t."end", '',
       coalesce(c.name, 'neither'), u.annotation_id, NULL, NULL, NULL, t.top, t.voters
FROM settled AS t
LEFT JOIN chosen AS c
  ON c.document_id = t.document_id AND c.layer = t.layer AND c.item = t.item
LEFT JOIN {SUPPORT} AS u
  ON u.document_id = c.document_id AND u.layer = c.layer AND u.item = c.item
 AND u.name = c.name
"""

#: Topics where exactly one of "applies" and "does not apply" has at least K votes
#: (parameters: K four times). The version taken is that of the first annotator by name who
#: said so (for "does not apply", one who decided so before one who left it undecided).
_TOPIC_WINNERS = f"""
WITH voters AS (
    SELECT document_id, count(*) AS voters FROM {SETS} GROUP BY document_id
),
votes AS (
    SELECT s.document_id, tp.label_id, count(*) AS decided,
           sum(CASE WHEN tp.applies THEN 1 ELSE 0 END) AS yes
    FROM topics AS tp JOIN {SETS} AS s ON s.annotation_id = tp.annotation_id
    GROUP BY s.document_id, tp.label_id
),
settled AS (
    SELECT v.document_id, v.label_id, l.name AS label, v.yes, n.voters - v.yes AS no,
           n.voters, v.yes >= ? AS applies
    FROM votes AS v
    JOIN voters AS n ON n.document_id = v.document_id
    JOIN labels AS l ON l.id = v.label_id
    WHERE ((v.yes >= ? AND n.voters - v.yes < ?) OR (n.voters - v.yes >= ? AND v.yes < ?))
      AND NOT EXISTS (
          SELECT 1 FROM review_decisions AS d WHERE d.document_id = v.document_id
          AND d.layer = 'topic' AND d.start = 0 AND d."end" = 0 AND d.label = l.name)
),
ranked AS (
    SELECT t.document_id, t.label_id, s.name, s.annotator_id,
           row_number() OVER (
               PARTITION BY t.document_id, t.label_id
               ORDER BY CASE WHEN tp.applies IS NULL THEN 1 ELSE 0 END, s.name) AS rank
    FROM settled AS t
    JOIN {SETS} AS s ON s.document_id = t.document_id
    LEFT JOIN topics AS tp ON tp.annotation_id = s.annotation_id AND tp.label_id = t.label_id
    WHERE (t.applies AND tp.applies = TRUE)
       OR (NOT t.applies AND (tp.applies IS NULL OR tp.applies = FALSE))
)
SELECT t.document_id, 'topic', 0, 0, t.label, r.name, NULL, r.annotator_id, t.label_id,
       t.applies, CASE WHEN t.applies THEN t.yes ELSE t.no END, t.voters
FROM settled AS t
JOIN ranked AS r ON r.document_id = t.document_id AND r.label_id = t.label_id AND r.rank = 1
"""

_ITEM_COLUMNS = (
    'document_id, layer, start, "end", label, choice, source_set, source_annotator, label_id, '
    "applies, votes, voters"
)


@dataclass(frozen=True)
class Adopted:
    """One item settled by adoption: where, which version, and its votes of how many."""

    document_id: int
    key: tuple[str, int, int, str]
    choice: str
    votes: int
    voters: int


@dataclass(frozen=True)
class AdoptionChanges:
    """What one adoption wrote, so that undo puts the gold set back exactly."""

    decision_ids: tuple[int, ...]
    added_span_ids: tuple[int, ...]
    removed_spans: tuple[tuple[Any, ...], ...]
    topic_pairs: tuple[tuple[int, int], ...]
    previous_topics: tuple[tuple[Any, ...], ...]
    created_sets: tuple[int, ...]


def _drop(conn: Connection) -> None:
    for table in WORKING:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")


def find_adoptable(
    conn: Connection,
    annotator_ids: Sequence[int],
    min_agree: int,
    document_ids: Sequence[int] | None,
) -> int:
    """Fill the items table with what adoption settles; returns how many items. The sets
    compared are those of the annotators on the documents (all when ``document_ids`` is
    None)."""
    _drop(conn)
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {SETS} (annotation_id INTEGER NOT NULL, "
        "document_id INTEGER NOT NULL, annotator_id INTEGER NOT NULL, name VARCHAR NOT NULL)"
    )
    where = f"a.annotator_id IN ({marks(len(annotator_ids))})"
    parameters: tuple[Any, ...] = tuple(annotator_ids)
    if document_ids is not None:
        where += f" AND a.document_id IN ({marks(len(document_ids))})"
        parameters += tuple(document_ids)
    conn.exec_driver_sql(
        f"INSERT INTO {SETS} (annotation_id, document_id, annotator_id, name) "
        "SELECT a.id, a.document_id, a.annotator_id, n.name FROM annotations AS a "
        f"JOIN annotators AS n ON n.id = a.annotator_id WHERE {where}",
        parameters,
    )
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {CLUSTERED} AS {_CLUSTER}")
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {SUPPORT} AS {_SUPPORT}")
    conn.exec_driver_sql(f"CREATE INDEX {SUPPORT}_item ON {SUPPORT} (document_id, layer, item)")
    conn.exec_driver_sql(_CREATE_ITEMS)
    conn.exec_driver_sql(f"INSERT INTO {ITEMS} ({_ITEM_COLUMNS}) {_SPAN_WINNERS}", (min_agree,) * 4)
    conn.exec_driver_sql(
        f"INSERT INTO {ITEMS} ({_ITEM_COLUMNS}) {_TOPIC_WINNERS}", (min_agree,) * 5
    )
    return conn.exec_driver_sql(f"SELECT count(*) FROM {ITEMS}").scalar_one()


def adoptable_items(conn: Connection) -> list[Adopted]:
    """The items found, in document and text order (topics last)."""
    return [
        Adopted(row[0], (row[1], row[2], row[3], row[4]), row[5], row[6], row[7])
        for row in conn.exec_driver_sql(
            f'SELECT document_id, layer, start, "end", label, choice, votes, voters FROM {ITEMS} '
            "ORDER BY document_id, CASE WHEN layer = 'topic' THEN 1 ELSE 0 END, start, layer, label"
        )
    ]


def settle_adoptable(conn: Connection, gold_id: int, reviewer_id: int, at: str) -> AdoptionChanges:
    """Write every found item into the gold set (replacing what gold had there) and record
    the decisions; then drop the working tables."""
    conn.exec_driver_sql(f"UPDATE {ITEMS} SET at = ?", (at,))
    created = tuple(
        row[0]
        for row in conn.exec_driver_sql(
            "INSERT INTO annotations (document_id, annotator_id, status, active_seconds, "
            "partial, created_at, updated_at) "
            f"SELECT DISTINCT i.document_id, ?, 'in_progress', 0, FALSE, i.at, i.at "
            f"FROM {ITEMS} AS i WHERE NOT EXISTS (SELECT 1 FROM annotations AS a "
            "WHERE a.document_id = i.document_id AND a.annotator_id = ?) RETURNING id",
            (gold_id, gold_id),
        )
    )
    conn.exec_driver_sql(
        f"UPDATE {ITEMS} SET gold_set = (SELECT a.id FROM annotations AS a "
        f"WHERE a.document_id = {ITEMS}.document_id AND a.annotator_id = ?)",
        (gold_id,),
    )
    removed = tuple(
        tuple(row)
        for row in conn.exec_driver_sql(
            f"DELETE FROM spans WHERE id IN (SELECT s.id FROM spans AS s JOIN {ITEMS} AS i "
            "ON s.annotation_id = i.gold_set AND s.layer = i.layer "
            f'AND s.start < i."end" AND s."end" > i.start) RETURNING {SPAN_COLUMNS}'
        )
    )
    added = tuple(
        row[0]
        for row in conn.exec_driver_sql(
            'INSERT INTO spans (annotation_id, layer, start, "end", label_id, note, created_by, '
            "origin_span_id, rejected, created_at, adjudicated_by) "
            'SELECT i.gold_set, s.layer, s.start, s."end", s.label_id, s.note, s.created_by, '
            f"s.id, FALSE, i.at, ? FROM {ITEMS} AS i JOIN spans AS s "
            "ON s.annotation_id = i.source_set AND s.layer = i.layer "
            'AND s.start >= i.start AND s."end" <= i."end" AND s.rejected = FALSE '
            "ORDER BY s.id RETURNING id",
            (reviewer_id,),
        )
    )
    pairs = tuple(
        (row[0], row[1])
        for row in conn.exec_driver_sql(
            f"SELECT gold_set, label_id FROM {ITEMS} WHERE layer = 'topic'"
        )
    )
    previous_topics = tuple(
        tuple(row)
        for row in conn.exec_driver_sql(
            f"SELECT {', '.join('t.' + c for c in TOPIC_COLUMNS.split(', '))} "
            f"FROM topics AS t JOIN {ITEMS} AS i "
            "ON t.annotation_id = i.gold_set AND t.label_id = i.label_id "
            "WHERE i.layer = 'topic'"
        )
    )
    conn.exec_driver_sql(
        "INSERT INTO topics (annotation_id, label_id, applies, adjudicated_by, taken_from) "
        f"SELECT i.gold_set, i.label_id, i.applies, ?, i.source_annotator FROM {ITEMS} AS i "
        "WHERE i.layer = 'topic' ON CONFLICT (annotation_id, label_id) DO UPDATE SET "
        "applies = excluded.applies, adjudicated_by = excluded.adjudicated_by, "
        "taken_from = excluded.taken_from",
        (reviewer_id,),
    )
    decided = tuple(
        row[0]
        for row in conn.exec_driver_sql(
            'INSERT INTO review_decisions (document_id, layer, start, "end", label, choice, '
            'reviewer_id, at) SELECT document_id, layer, start, "end", label, choice, ?, at '
            f"FROM {ITEMS} WHERE TRUE RETURNING id",
            (reviewer_id,),
        )
    )
    _drop(conn)
    return AdoptionChanges(decided, added, removed, pairs, previous_topics, created)


def discard(conn: Connection) -> None:
    """Drop the working tables without settling anything."""
    _drop(conn)


def undo(conn: Connection, changes: AdoptionChanges) -> None:
    """Put the gold set and the decisions back as they were before the adoption."""
    for part in chunks(changes.decision_ids):
        conn.exec_driver_sql(
            f"DELETE FROM review_decisions WHERE id IN ({marks(len(part))})", tuple(part)
        )
    for part in chunks(changes.added_span_ids):
        conn.exec_driver_sql(f"DELETE FROM spans WHERE id IN ({marks(len(part))})", tuple(part))
    if changes.removed_spans:
        conn.exec_driver_sql(
            f"INSERT INTO spans ({SPAN_COLUMNS}) VALUES ({marks(16)})",
            [tuple(row) for row in changes.removed_spans],
        )
    if changes.topic_pairs:
        conn.exec_driver_sql(
            "DELETE FROM topics WHERE annotation_id = ? AND label_id = ?",
            [tuple(pair) for pair in changes.topic_pairs],
        )
    if changes.previous_topics:
        conn.exec_driver_sql(
            f"INSERT INTO topics ({TOPIC_COLUMNS}) VALUES ({marks(7)})",
            [tuple(row) for row in changes.previous_topics],
        )
    for part in chunks(changes.created_sets):
        conn.exec_driver_sql(
            f"DELETE FROM annotations WHERE id IN ({marks(len(part))}) "
            "AND NOT EXISTS (SELECT 1 FROM spans WHERE annotation_id = annotations.id) "
            "AND NOT EXISTS (SELECT 1 FROM topics WHERE annotation_id = annotations.id)",
            tuple(part),
        )

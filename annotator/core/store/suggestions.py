"""Model suggestions as one annotator sees them: which are still open, and deciding many at once.

A suggestion is a span in a model's set. It is *open* for a person's set while that set holds
no decision on it: no span copied from it (accepted or rejected), no entity of the person's
own over the same words (the person answered there), and no rejection of the same span read
from a file. The editor offers exactly the open ones, and an export marks exactly their words
as not yet decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from annotator.core.store.content import chunks, marks

#: Joins spans ``s`` to a model's set on the document of set ``h`` (joined after ``h``), outside
#: the document's boilerplate (a model's guesses in a site menu are no one's business).
_SUGGESTED = (
    "JOIN annotations AS m ON m.id = s.annotation_id "
    "AND m.document_id = h.document_id "
    "JOIN annotators AS mn ON mn.id = m.annotator_id AND mn.kind = 'model' "
    "AND NOT EXISTS (SELECT 1 FROM boilerplate AS b WHERE b.document_id = m.document_id "
    "AND b.kind IN ('detected', 'marked') AND b.start < s.\"end\" AND s.start < b.\"end\")"
)
#: ... that ``h`` holds no decision on. ``h.id`` may be NULL (a person with no set yet): then
#: every suggestion is open. Three questions, each answered by one index seek: a span copied
#: from it (``ix_spans_origin``), a rejection of the same span read from a file (the identity
#: index), and a live entity of the person over the same words. A person's live entities never
#: overlap each other, so the only candidate for the last is the one starting last before the
#: suggestion ends (``ix_spans_live_entities``).
_UNDECIDED = (
    "s.rejected = FALSE "
    "AND NOT EXISTS (SELECT 1 FROM spans AS hs WHERE hs.origin_span_id = s.id "
    "AND hs.annotation_id = h.id) "
    "AND NOT EXISTS (SELECT 1 FROM spans AS hs WHERE hs.annotation_id = h.id "
    "AND hs.layer = s.layer AND hs.span_group = s.span_group AND hs.start = s.start "
    'AND hs."end" = s."end" AND hs.label_id = s.label_id AND hs.rejected = TRUE) '
    "AND (s.layer != 'entity' OR coalesce((SELECT hs.\"end\" FROM spans AS hs "
    "WHERE hs.annotation_id = h.id AND hs.layer = 'entity' AND hs.rejected = FALSE "
    'AND hs.start < s."end" ORDER BY hs.start DESC LIMIT 1), -1) <= s.start)'
)


def open_count_sql(set_id: str, document_id: str) -> str:
    """A scalar subquery counting the open suggestions of the set ``set_id`` on the document
    ``document_id`` (column expressions of the enclosing query): the document list's figure,
    by the same definition the editor shows."""
    suggested = _SUGGESTED.replace("h.document_id", document_id)
    undecided = _UNDECIDED.replace("h.id", set_id)
    return f"(SELECT count(*) FROM spans AS s {suggested} WHERE {undecided})"


#: The columns ``editing.span_from_row`` reads, for a span ``s`` with label ``l`` and creator
#: ``c``.
SPAN_COLUMNS = (
    's.id, s.layer, s.start, s."end", l.name, s.note, c.name, s.origin_span_id, s.rejected, '
    "s.kb_id, s.span_group, s.attributes, s.extra"
)
_NAMED = "JOIN labels AS l ON l.id = s.label_id JOIN annotators AS c ON c.id = s.created_by"


def annotation_id(conn: Connection, document_id: int, annotator: str) -> int | None:
    """The set of this annotator (by name) on the document, if they have one."""
    return conn.exec_driver_sql(
        "SELECT a.id FROM annotations AS a JOIN annotators AS n ON n.id = a.annotator_id "
        "WHERE a.document_id = ? AND n.name = ?",
        (document_id, annotator),
    ).scalar()


def open_suggestions(
    conn: Connection, document_id: int, annotation_id: int | None
) -> list[tuple[Any, ...]]:
    """The open suggestions on a document for one set (None: a person with no set yet), as
    :data:`SPAN_COLUMNS` rows in text order."""
    return list(
        conn.exec_driver_sql(
            f"SELECT {SPAN_COLUMNS} FROM (SELECT CAST(? AS INTEGER) AS id, "
            "CAST(? AS INTEGER) AS document_id) AS h "
            f"JOIN spans AS s ON TRUE {_SUGGESTED} {_NAMED} "
            f'WHERE {_UNDECIDED} ORDER BY s.start, s."end", s.id',
            (annotation_id, document_id),
        ).all()
    )


def open_ranges(
    conn: Connection, annotation_ids: Sequence[int]
) -> dict[int, list[tuple[int, int]]]:
    """For each person's set, the character ranges of its open entity suggestions (an export
    marks their words as not decided)."""
    found: dict[int, list[tuple[int, int]]] = {}
    for part in chunks(list(annotation_ids)):
        rows = conn.exec_driver_sql(
            'SELECT h.id, s.start, s."end" FROM annotations AS h '
            "JOIN annotators AS hn ON hn.id = h.annotator_id AND hn.kind = 'human' "
            f"JOIN spans AS s ON TRUE {_SUGGESTED} "
            f"WHERE h.id IN ({marks(len(part))}) AND s.layer = 'entity' "
            f'AND {_UNDECIDED} ORDER BY h.id, s.start, s."end"',
            tuple(part),
        )
        for annotation_id, start, end in rows:
            found.setdefault(annotation_id, []).append((start, end))
    return found


def decide(
    conn: Connection, annotation_id: int, suggestion_ids: Sequence[int], reject: bool, now: str
) -> list[int]:
    """Copy the suggestions into the set as accepted (or rejected) spans, in one statement;
    the new spans' ids."""
    created: list[int] = []
    for part in chunks(list(suggestion_ids)):
        created += [
            row[0]
            for row in conn.exec_driver_sql(
                'INSERT INTO spans (annotation_id, layer, span_group, start, "end", label_id, '
                "kb_id, created_by, origin_span_id, rejected, created_at) "
                'SELECT ?, s.layer, s.span_group, s.start, s."end", s.label_id, s.kb_id, '
                f"s.created_by, s.id, ?, ? FROM spans AS s WHERE s.id IN ({marks(len(part))}) "
                "ORDER BY s.id RETURNING id",
                (annotation_id, reject, now, *part),
            )
        ]
    return created


def spans_by_id(conn: Connection, span_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """:data:`SPAN_COLUMNS` rows of these spans, in id order."""
    rows: list[tuple[Any, ...]] = []
    for part in chunks(list(span_ids)):
        rows += conn.exec_driver_sql(
            f"SELECT {SPAN_COLUMNS} FROM spans AS s {_NAMED} "
            f"WHERE s.id IN ({marks(len(part))}) ORDER BY s.id",
            tuple(part),
        ).all()
    return rows


# Writing a model's suggestions (pre-tagging) ---------------------------------------------


def _finished(document: str) -> str:
    """Whether a person has marked the document ``document`` (a column expression) done."""
    return (
        "EXISTS (SELECT 1 FROM annotations AS p JOIN annotators AS pn ON pn.id = p.annotator_id "
        f"AND pn.kind = 'human' WHERE p.document_id = {document} AND p.status = 'done')"
    )


#: Documents ``d`` a person has marked done.
_FINISHED = _finished("d.id")


def untagged_page(
    conn: Connection, model_id: int, after_document: int, limit: int, unfinished_only: bool
) -> list[tuple[int, str]]:
    """(id, text) of the next documents after ``after_document`` this model has no set on
    (and, with ``unfinished_only``, that nobody has marked done)."""
    skip_finished = f"AND NOT {_FINISHED} " if unfinished_only else ""
    return [
        (row[0], row[1])
        for row in conn.exec_driver_sql(
            "SELECT d.id, d.text FROM documents AS d WHERE d.id > ? AND NOT EXISTS "
            "(SELECT 1 FROM annotations AS a WHERE a.document_id = d.id "
            f"AND a.annotator_id = ?) {skip_finished}ORDER BY d.id LIMIT ?",
            (after_document, model_id, limit),
        )
    ]


def finished_untagged_count(conn: Connection, model_id: int) -> int:
    """How many documents a person has marked done and this model has not tagged."""
    return conn.exec_driver_sql(
        f"SELECT count(*) FROM documents AS d WHERE {_FINISHED} AND NOT EXISTS "
        "(SELECT 1 FROM annotations AS a WHERE a.document_id = d.id AND a.annotator_id = ?)",
        (model_id,),
    ).scalar_one()


def drop_superseded(conn: Connection, model_id: int, document_ids: Sequence[int]) -> int:
    """Remove other models' suggestions that nobody decided, on these documents unless a
    person has marked one done (there an open suggestion is part of what they exported).
    Returns how many went."""
    removed = 0
    for part in chunks(list(document_ids)):
        removed += conn.exec_driver_sql(
            "DELETE FROM spans WHERE id IN (SELECT s.id FROM spans AS s "
            "JOIN annotations AS m ON m.id = s.annotation_id "
            "JOIN annotators AS mn ON mn.id = m.annotator_id AND mn.kind = 'model' "
            f"WHERE m.annotator_id != ? AND m.document_id IN ({marks(len(part))}) "
            "AND NOT EXISTS (SELECT 1 FROM spans AS h WHERE h.origin_span_id = s.id) "
            f"AND NOT {_finished('m.document_id')})",
            (model_id, *part),
        ).rowcount
    return max(removed, 0)


def add_model_sets(
    conn: Connection, model_id: int, document_ids: Sequence[int], now: str
) -> dict[int, int]:
    """The model's (finished) set on each document, made where missing: document → set id."""
    conn.exec_driver_sql(
        "INSERT INTO annotations (document_id, annotator_id, status, active_seconds, "
        "created_at, updated_at) VALUES (?, ?, 'done', 0, ?, ?) ON CONFLICT DO NOTHING",
        [(document_id, model_id, now, now) for document_id in document_ids],
    )
    found: dict[int, int] = {}
    for part in chunks(list(document_ids)):
        found.update(
            conn.exec_driver_sql(
                "SELECT document_id, id FROM annotations WHERE annotator_id = ? "
                f"AND document_id IN ({marks(len(part))})",
                (model_id, *part),
            ).all()
        )
    return found


def add_suggestions(conn: Connection, rows: Sequence[tuple[int, int, int, int, int, str]]) -> int:
    """Rows of (set id, start, end, label id, model id, time) as entity spans; returns how
    many were new."""
    if not rows:  # an empty parameter list would be taken as a single statement
        return 0
    return max(
        conn.exec_driver_sql(
            'INSERT INTO spans (annotation_id, layer, start, "end", label_id, created_by, '
            "rejected, created_at) VALUES (?, 'entity', ?, ?, ?, ?, FALSE, ?) "
            "ON CONFLICT DO NOTHING",
            list(rows),
        ).rowcount,
        0,
    )


def text_sample(conn: Connection, documents: int, characters: int) -> list[str]:
    """The start of the first documents: enough to tell which script a project is written in."""
    return [
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT substr(text, 1, ?) FROM documents ORDER BY id LIMIT ?",
            (characters, documents),
        )
    ]


def drop_superseded_topics(conn: Connection, model_id: int, document_ids: Sequence[int]) -> int:
    """Other models' topic suggestions on these documents, as :func:`drop_superseded` does for
    spans; a person's decision lives in their own set, so nothing decided is lost."""
    removed = 0
    for part in chunks(list(document_ids)):
        removed += conn.exec_driver_sql(
            "DELETE FROM topics WHERE id IN (SELECT t.id FROM topics AS t "
            "JOIN annotations AS m ON m.id = t.annotation_id "
            "JOIN annotators AS mn ON mn.id = m.annotator_id AND mn.kind = 'model' "
            f"WHERE m.annotator_id != ? AND m.document_id IN ({marks(len(part))}) "
            f"AND NOT {_finished('m.document_id')})",
            (model_id, *part),
        ).rowcount
    return max(removed, 0)


def add_topic_scores(conn: Connection, rows: Sequence[tuple[int, int, float]]) -> None:
    """Rows of (set id, topic label id, score): a classifier's view of every topic, applying
    where its score reaches one half."""
    if not rows:  # an empty parameter list would be taken as a single statement
        return
    conn.exec_driver_sql(
        "INSERT INTO topics (annotation_id, label_id, applies, score) VALUES (?, ?, ? >= 0.5, ?) "
        "ON CONFLICT DO NOTHING",
        [(set_id, label_id, score, score) for set_id, label_id, score in rows],
    )


def open_topic_suggestions(
    conn: Connection, document_id: int, annotation_id: int | None
) -> list[tuple[str, float]]:
    """(topic, score) a model says applies and the set ``annotation_id`` has not decided,
    highest score first; one line per topic when several models suggest it."""
    return [
        (row[0], row[1])
        for row in conn.exec_driver_sql(
            "SELECT l.name, max(t.score) FROM topics AS t "
            "JOIN annotations AS m ON m.id = t.annotation_id AND m.document_id = ? "
            "JOIN annotators AS mn ON mn.id = m.annotator_id AND mn.kind = 'model' "
            "JOIN labels AS l ON l.id = t.label_id "
            "WHERE t.applies = TRUE AND t.score IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM topics AS h WHERE h.annotation_id = ? AND h.label_id = t.label_id) "
            "GROUP BY l.name ORDER BY max(t.score) DESC, l.name",
            (document_id, annotation_id),
        )
    ]


def unscored_page(
    conn: Connection, model_id: int, after_document: int, limit: int
) -> list[tuple[int, str]]:
    """(id, text) of the next documents this model has not yet said how sure it is about."""
    return [
        (row[0], row[1])
        for row in conn.exec_driver_sql(
            "SELECT d.id, d.text FROM documents AS d WHERE d.id > ? AND NOT EXISTS "
            "(SELECT 1 FROM model_uncertainty AS u WHERE u.document_id = d.id "
            "AND u.annotator_id = ?) ORDER BY d.id LIMIT ?",
            (after_document, model_id, limit),
        )
    ]


def set_uncertainty(conn: Connection, model_id: int, rows: Sequence[tuple[int, float]]) -> None:
    """Rows of (document id, uncertainty) for this model, replacing its earlier figures."""
    if not rows:
        return
    conn.exec_driver_sql(
        "INSERT INTO model_uncertainty (document_id, annotator_id, uncertainty) "
        "VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET uncertainty = excluded.uncertainty",
        [(document_id, model_id, value) for document_id, value in rows],
    )


def uncertainty_of(conn: Connection, model: str, document_ids: Sequence[int]) -> dict[int, float]:
    """The figures of the model named ``model`` for these documents, where it has one."""
    found: dict[int, float] = {}
    for part in chunks(list(document_ids)):
        found.update(
            conn.exec_driver_sql(
                "SELECT u.document_id, u.uncertainty FROM model_uncertainty AS u "
                "JOIN annotators AS n ON n.id = u.annotator_id AND n.name = ? "
                f"WHERE u.document_id IN ({marks(len(part))})",
                (model, *part),
            ).all()
        )
    return found


def decide_topics(
    conn: Connection, document_id: int, annotation_id: int, reject: bool
) -> list[str]:
    """Decide every open topic suggestion of the document in one statement: applies, or (when
    rejecting) does not apply. Returns the topics decided."""
    label_ids = [
        row[0]
        for row in conn.exec_driver_sql(
            "INSERT INTO topics (annotation_id, label_id, applies) "
            "SELECT DISTINCT ?, t.label_id, ? FROM topics AS t "
            "JOIN annotations AS m ON m.id = t.annotation_id AND m.document_id = ? "
            "JOIN annotators AS mn ON mn.id = m.annotator_id AND mn.kind = 'model' "
            "WHERE t.applies = TRUE AND t.score IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM topics AS h WHERE h.annotation_id = ? AND h.label_id = t.label_id) "
            "RETURNING label_id",
            (annotation_id, not reject, document_id, annotation_id),
        )
    ]
    return topic_names(conn, label_ids)


def topic_names(conn: Connection, label_ids: Sequence[int]) -> list[str]:
    names: list[str] = []
    for part in chunks(list(label_ids)):
        names += [
            row[0]
            for row in conn.exec_driver_sql(
                f"SELECT name FROM labels WHERE id IN ({marks(len(part))}) ORDER BY name",
                tuple(part),
            )
        ]
    return names


def clear_topics(conn: Connection, annotation_id: int, labels: Sequence[str]) -> None:
    """Make these topics undecided again in one statement (undo of deciding them all)."""
    conn.exec_driver_sql(
        f"DELETE FROM topics WHERE annotation_id = ? AND label_id IN (SELECT id FROM labels "
        f"WHERE kind = 'topic' AND name IN ({marks(len(labels))}))",
        (annotation_id, *labels),
    )

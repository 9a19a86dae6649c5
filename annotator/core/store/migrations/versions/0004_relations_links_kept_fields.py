"""Relations, knowledge-base links, span groups, partial answers and the fields files carry.

The ``spans`` and ``labels`` tables are rebuilt (SQLite's "make a new table, copy, swap"
procedure) because their CHECK constraints and the span identity change; the migration runs
with foreign keys switched off (see ``store.database.migrate``), so nothing cascades while the
old tables are dropped, and ``PRAGMA foreign_key_check`` proves the result before commit.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LABELS = """
CREATE TABLE labels_new (
    id INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    colour VARCHAR NOT NULL,
    shortcut VARCHAR,
    description TEXT NOT NULL,
    position INTEGER NOT NULL,
    CONSTRAINT pk_labels PRIMARY KEY (id),
    CONSTRAINT ck_labels_kind CHECK (kind IN ({kinds})),
    CONSTRAINT uq_labels_kind_name UNIQUE (kind, name)
)"""

SPANS = """
CREATE TABLE spans_new (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    annotation_id INTEGER NOT NULL,
    layer VARCHAR NOT NULL,
    {new_columns}
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    label_id INTEGER {label_null},
    note TEXT,
    created_by INTEGER NOT NULL,
    origin_span_id INTEGER,
    rejected BOOLEAN NOT NULL,
    created_at DATETIME NOT NULL,
    adjudicated_by INTEGER REFERENCES annotators (id),
    {new_checks}
    CONSTRAINT ck_spans_layer CHECK (layer IN ({layers})),
    CONSTRAINT ck_spans_offsets CHECK (start >= 0 AND "end" > start),
    CONSTRAINT fk_spans_annotation_id_annotations FOREIGN KEY(annotation_id)
        REFERENCES annotations (id) ON DELETE CASCADE,
    CONSTRAINT fk_spans_created_by_annotators FOREIGN KEY(created_by) REFERENCES annotators (id),
    CONSTRAINT fk_spans_label_id_labels FOREIGN KEY(label_id) REFERENCES labels (id),
    CONSTRAINT fk_spans_origin_span_id_spans FOREIGN KEY(origin_span_id)
        REFERENCES spans (id) ON DELETE SET NULL,
    CONSTRAINT identity UNIQUE ({identity})
)"""
NEW_SPANS = SPANS.format(
    new_columns="span_group VARCHAR NOT NULL DEFAULT '', kb_id VARCHAR, attributes JSON, "
    "extra JSON,",
    label_null="",
    new_checks="CONSTRAINT ck_spans_labelled CHECK (label_id IS NOT NULL OR layer = 'argument'),",
    layers="'entity', 'unreliable', 'group', 'argument'",
    identity='annotation_id, layer, span_group, start, "end", label_id',
)
OLD_SPANS = SPANS.format(
    new_columns="",
    label_null="NOT NULL",
    new_checks="",
    layers="'entity', 'unreliable'",
    identity='annotation_id, layer, start, "end", label_id',
)

OLD_SPAN_COLUMNS = (
    'id, annotation_id, layer, start, "end", label_id, note, created_by, origin_span_id, '
    "rejected, created_at, adjudicated_by"
)


def _swap(table: str, columns: str) -> None:
    """Copy ``table`` into ``table_new``, drop the old one and give the new one its name."""
    op.execute(f"INSERT INTO {table}_new ({columns}) SELECT {columns} FROM {table}")
    op.execute(f"DROP TABLE {table}")
    op.execute(f"ALTER TABLE {table}_new RENAME TO {table}")


def _rebuild_spans(new: bool) -> None:
    """Rebuild ``spans`` in the new (or, for a downgrade, the old) shape, keeping its ids and
    the AUTOINCREMENT high-water mark so ids of deleted spans are never given out again."""
    sequence = (
        op.get_bind()
        .exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = 'spans'")
        .scalar()
    )
    op.execute(NEW_SPANS if new else OLD_SPANS)
    _swap("spans", OLD_SPAN_COLUMNS)
    op.execute("CREATE INDEX ix_spans_label ON spans (label_id)")
    if new:
        # The identity constraint cannot hold for unlabelled relation ends (NULLs never clash
        # in SQLite); this index makes one such span per place, so merging twice adds none.
        op.execute(
            "CREATE UNIQUE INDEX ix_spans_unlabelled ON spans "
            '(annotation_id, span_group, start, "end") WHERE label_id IS NULL'
        )
    if sequence is not None:
        op.execute(f"UPDATE sqlite_sequence SET seq = {int(sequence)} WHERE name = 'spans'")


def upgrade() -> None:
    op.execute(LABELS.format(kinds="'entity', 'topic', 'reliability', 'relation', 'span'"))
    _swap("labels", "id, kind, name, colour, shortcut, description, position")
    _rebuild_spans(new=True)
    op.execute("ALTER TABLE documents ADD COLUMN extra JSON")
    op.execute("ALTER TABLE annotations ADD COLUMN partial BOOLEAN NOT NULL DEFAULT 0")
    op.execute("ALTER TABLE annotations ADD COLUMN extra JSON")
    op.execute("ALTER TABLE annotations ADD COLUMN imported_digest VARCHAR(64)")
    op.execute(
        """
        CREATE TABLE relations (
            id INTEGER NOT NULL,
            annotation_id INTEGER NOT NULL,
            head_span_id INTEGER NOT NULL,
            child_span_id INTEGER NOT NULL,
            label_id INTEGER NOT NULL,
            created_by INTEGER NOT NULL,
            extra JSON,
            created_at DATETIME NOT NULL,
            CONSTRAINT pk_relations PRIMARY KEY (id),
            CONSTRAINT ck_relations_two_ends CHECK (head_span_id != child_span_id),
            CONSTRAINT fk_relations_annotation_id_annotations FOREIGN KEY(annotation_id)
                REFERENCES annotations (id) ON DELETE CASCADE,
            CONSTRAINT fk_relations_head_span_id_spans FOREIGN KEY(head_span_id)
                REFERENCES spans (id) ON DELETE CASCADE,
            CONSTRAINT fk_relations_child_span_id_spans FOREIGN KEY(child_span_id)
                REFERENCES spans (id) ON DELETE CASCADE,
            CONSTRAINT fk_relations_label_id_labels FOREIGN KEY(label_id) REFERENCES labels (id),
            CONSTRAINT fk_relations_created_by_annotators FOREIGN KEY(created_by)
                REFERENCES annotators (id),
            CONSTRAINT identity UNIQUE (head_span_id, child_span_id, label_id)
        )"""
    )
    op.execute("CREATE INDEX ix_relations_annotation ON relations (annotation_id)")
    op.execute("CREATE INDEX ix_relations_child ON relations (child_span_id)")


def downgrade() -> None:
    """Back to 0003: relations, links, span groups and kept fields are dropped with their
    columns, as an older Annotator could not show them."""
    op.execute("DROP TABLE relations")
    op.execute("DELETE FROM spans WHERE layer NOT IN ('entity', 'unreliable')")
    op.execute("ALTER TABLE annotations DROP COLUMN imported_digest")
    op.execute("ALTER TABLE annotations DROP COLUMN extra")
    op.execute("ALTER TABLE annotations DROP COLUMN partial")
    op.execute("ALTER TABLE documents DROP COLUMN extra")
    _rebuild_spans(new=False)
    op.execute("DELETE FROM labels WHERE kind NOT IN ('entity', 'topic', 'reliability')")
    op.execute(LABELS.format(kinds="'entity', 'topic', 'reliability'"))
    _swap("labels", "id, kind, name, colour, shortcut, description, position")

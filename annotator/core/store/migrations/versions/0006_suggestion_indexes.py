"""Indexes that keep "which suggestions are still open" cheap on long articles.

Whether a suggestion is open asks two questions of the person's set: did they copy it (a span
whose ``origin_span_id`` is the suggestion) and does one of their live entities cover the same
words. Without these indexes both were scans of the whole set for every suggestion, which on a
40,000-word article with 3,000 accepted spans took most of a second per edit.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_spans_origin", "spans", ["origin_span_id"])
    op.create_index(
        "ix_spans_live_entities",
        "spans",
        ["annotation_id", "start", "end"],
        sqlite_where=sa.text("layer = 'entity' AND rejected = 0"),
        postgresql_where=sa.text("layer = 'entity' AND rejected = false"),
    )


def downgrade() -> None:
    op.drop_index("ix_spans_live_entities", "spans")
    op.drop_index("ix_spans_origin", "spans")

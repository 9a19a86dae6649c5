"""The live-entities index, written as both databases read it: ``rejected = FALSE``.

SQLite uses a partial index only for a query whose condition is written as the index's, and
PostgreSQL cannot compare a boolean with 0. The store now says ``rejected = FALSE``
everywhere (both understand it), so the index of 0006 is made again with that condition.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _live_entities(condition: str) -> None:
    op.drop_index("ix_spans_live_entities", "spans")
    op.create_index(
        "ix_spans_live_entities",
        "spans",
        ["annotation_id", "start", "end"],
        sqlite_where=sa.text(condition),
        postgresql_where=sa.text(condition),
    )


def upgrade() -> None:
    _live_entities("layer = 'entity' AND rejected = FALSE")


def downgrade() -> None:
    _live_entities("layer = 'entity' AND rejected = 0")

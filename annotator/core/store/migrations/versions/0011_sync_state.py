"""What a laptop project last agreed on with a team database, set by set (``annotator push``
and ``annotator pull``).

One row per (remote project, document, annotator): the digest of that annotator's set on that
document as both sides held it when they last agreed. A push or pull compares each side's set
with it, so a set changed on only one side since then is copied to the other, and a set
changed on both is a conflict that overwrites nothing. Documents are named by their content
hash and annotators by name, never by row id, as ids differ between the two projects.
``remote`` is the other project's sync identity (the ``sync_id`` setting).

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("remote", sa.String(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("annotator", sa.String(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("remote", "content_hash", "annotator", name=op.f("pk_sync_state")),
    )


def downgrade() -> None:
    op.drop_table("sync_state")

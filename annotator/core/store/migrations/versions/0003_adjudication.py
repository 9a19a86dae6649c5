"""Adjudication: who settled a gold span or topic, and the reviewer's decisions.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE spans ADD COLUMN adjudicated_by INTEGER REFERENCES annotators (id)")
    op.execute("ALTER TABLE topics ADD COLUMN adjudicated_by INTEGER REFERENCES annotators (id)")
    op.execute("ALTER TABLE topics ADD COLUMN taken_from INTEGER REFERENCES annotators (id)")
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "document_id",
            sa.Integer,
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("layer", sa.String, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("label", sa.String, nullable=False),
        sa.Column("choice", sa.String, nullable=False),
        sa.Column("reviewer_id", sa.Integer, sa.ForeignKey("annotators.id"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("document_id", "layer", "start", "end", "label"),
    )
    op.create_table(
        "review_counts",
        sa.Column(
            "document_id",
            sa.Integer,
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("annotators", sa.String, nullable=False),
        sa.Column("disagreements", sa.Integer, nullable=False),
        sa.Column("unsettled", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("review_counts")
    op.drop_table("review_decisions")
    op.drop_column("topics", "taken_from")
    op.drop_column("topics", "adjudicated_by")
    op.drop_column("spans", "adjudicated_by")

"""Task distribution: which documents are whose to annotate.

One row per (document, annotator) an assignment gives out (``annotator assign``): each
document goes to a number of annotators, and a shared slice goes to everyone so that their
agreement can be measured. ``shared`` marks the rows of that slice; ``assigned_at`` says when
the row was made, so a re-balancing shows what it moved. Deleting a document deletes its
rows; annotators are never deleted.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey(
                "documents.id", ondelete="CASCADE", name="fk_assignments_document_id_documents"
            ),
            nullable=False,
        ),
        sa.Column(
            "annotator_id",
            sa.Integer(),
            sa.ForeignKey("annotators.id", name="fk_assignments_annotator_id_annotators"),
            nullable=False,
        ),
        sa.Column("shared", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "annotator_id", name=op.f("pk_assignments")),
    )
    op.create_index("ix_assignments_annotator", "assignments", ["annotator_id", "document_id"])


def downgrade() -> None:
    op.drop_index("ix_assignments_annotator", "assignments")
    op.drop_table("assignments")

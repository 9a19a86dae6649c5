"""Review status: a reviewer's word on a whole document, kept apart from annotators' statuses.

One row per document a reviewer marked ``reviewed`` or ``skipped``, with who and when. No
annotator's set carries it, so marking a document reviewed never changes anyone's own status
(the reviewer's included, who may have labelled the document too). Deleting a document
deletes its row; annotators are never deleted.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_reviews",
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey(
                "documents.id", ondelete="CASCADE", name="fk_document_reviews_document_id_documents"
            ),
            nullable=False,
        ),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column(
            "reviewer_id",
            sa.Integer(),
            sa.ForeignKey("annotators.id", name="fk_document_reviews_reviewer_id_annotators"),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('reviewed', 'skipped')", name=op.f("ck_document_reviews_status")
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_reviews")),
    )
    op.create_index("ix_document_reviews_status", "document_reviews", ["status"])


def downgrade() -> None:
    op.drop_index("ix_document_reviews_status", "document_reviews")
    op.drop_table("document_reviews")

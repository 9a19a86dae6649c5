"""Model scores: a text classifier's confidence in each topic it suggests, and how unsure the
latest model is about each document (the "model unsure first" order).

Both are plain additions: a nullable column on ``topics`` (people's topics have no score) and
a table keyed by document and model, so a document's score from one model never overwrites
another's.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("topics", sa.Column("score", sa.Float(), nullable=True))
    op.create_table(
        "model_uncertainty",
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey(
                "documents.id",
                ondelete="CASCADE",
                name="fk_model_uncertainty_document_id_documents",
            ),
            nullable=False,
        ),
        sa.Column(
            "annotator_id",
            sa.Integer(),
            sa.ForeignKey("annotators.id", name="fk_model_uncertainty_annotator_id_annotators"),
            nullable=False,
        ),
        sa.Column("uncertainty", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "annotator_id", name="pk_model_uncertainty"),
    )


def downgrade() -> None:
    op.drop_table("model_uncertainty")
    op.drop_column("topics", "score")

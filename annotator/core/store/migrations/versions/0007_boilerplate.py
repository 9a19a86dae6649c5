"""Boilerplate: the parts of a scraped page around the article (menus, "Related Posts",
footers), per document and shared by everyone who labels it.

A region is ``detected`` (lines that recur across the project or within the page),
``marked`` by a person, or ``kept``: a person said a detected region is article text, which
later detections respect.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "boilerplate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey(
                "documents.id", ondelete="CASCADE", name="fk_boilerplate_document_id_documents"
            ),
            nullable=False,
        ),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column(
            "annotator_id",
            sa.Integer(),
            sa.ForeignKey("annotators.id", name="fk_boilerplate_annotator_id_annotators"),
            nullable=True,
        ),
        sa.CheckConstraint(
            "kind IN ('detected', 'marked', 'kept')", name=op.f("ck_boilerplate_kind")
        ),
        sa.CheckConstraint('start >= 0 AND "end" > start', name=op.f("ck_boilerplate_offsets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boilerplate")),
    )
    op.create_index("ix_boilerplate_document", "boilerplate", ["document_id", "start"])


def downgrade() -> None:
    op.drop_index("ix_boilerplate_document", "boilerplate")
    op.drop_table("boilerplate")

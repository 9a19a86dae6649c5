"""ORM models of a project file.

Offsets are Python ``str`` offsets (code points), end exclusive. Spans point at their label by
id, so renaming a label renames it on every span at once.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Timestamps are stored in UTC so projects moved between machines stay consistent."""
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Setting(Base):
    """Project-wide settings that travel with the file (language, guidelines)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class Document(Base):
    """An article. Its text never changes once imported: every offset depends on it."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(String)
    source: Mapped[str | None] = mapped_column(String)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    length: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    annotations: Mapped[list[Annotation]] = relationship(back_populates="document")


class Label(Base):
    """One label of a scheme: entity labels, topics or reliability reasons."""

    __tablename__ = "labels"
    __table_args__ = (
        UniqueConstraint("kind", "name"),
        CheckConstraint("kind IN ('entity', 'topic', 'reliability')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String)
    name: Mapped[str] = mapped_column(String)
    colour: Mapped[str] = mapped_column(String)
    shortcut: Mapped[str | None] = mapped_column(String)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Annotator(Base):
    """Who made an annotation: a person, or a model (name and version)."""

    __tablename__ = "annotators"
    __table_args__ = (CheckConstraint("kind IN ('human', 'model')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    kind: Mapped[str] = mapped_column(String, default="human")
    model_version: Mapped[str | None] = mapped_column(String)


class Annotation(Base):
    """One annotator's work on one document: its status, time spent, spans and topics."""

    __tablename__ = "annotations"
    __table_args__ = (
        UniqueConstraint("document_id", "annotator_id"),
        CheckConstraint(
            "status IN ('new', 'in_progress', 'done', 'skipped', 'rejected')", name="status"
        ),
        Index("ix_annotations_annotator_status", "annotator_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    status: Mapped[str] = mapped_column(String, default="new")
    active_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    document: Mapped[Document] = relationship(back_populates="annotations")
    annotator: Mapped[Annotator] = relationship()
    spans: Mapped[list[Span]] = relationship(
        back_populates="annotation", cascade="all, delete-orphan", order_by="Span.start"
    )
    topics: Mapped[list[Topic]] = relationship(
        back_populates="annotation", cascade="all, delete-orphan"
    )


class Span(Base):
    """An entity or an unreliable passage inside one annotation.

    Provenance: ``created_by`` is the annotator (human or model) that made the span;
    ``origin_span_id`` points at the model suggestion a human accepted or rejected. A
    rejected suggestion is kept as a span with ``rejected`` set, so it is never offered again
    and never exported.
    """

    __tablename__ = "spans"
    __table_args__ = (
        CheckConstraint("layer IN ('entity', 'unreliable')", name="layer"),
        CheckConstraint("start >= 0 AND end > start", name="offsets"),
        UniqueConstraint("annotation_id", "layer", "start", "end", "label_id", name="identity"),
        Index("ix_spans_label", "label_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"))
    layer: Mapped[str] = mapped_column(String)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label_id: Mapped[int] = mapped_column(ForeignKey("labels.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    origin_span_id: Mapped[int | None] = mapped_column(ForeignKey("spans.id", ondelete="SET NULL"))
    rejected: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    adjudicated_by: Mapped[int | None] = mapped_column(ForeignKey("annotators.id"))

    annotation: Mapped[Annotation] = relationship(back_populates="spans")
    label: Mapped[Label] = relationship()


class Topic(Base):
    """A topic decision: the label applies, or was explicitly judged not to apply."""

    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("annotation_id", "label_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"))
    label_id: Mapped[int] = mapped_column(ForeignKey("labels.id"))
    applies: Mapped[bool] = mapped_column(Boolean, default=True)
    adjudicated_by: Mapped[int | None] = mapped_column(ForeignKey("annotators.id"))
    taken_from: Mapped[int | None] = mapped_column(ForeignKey("annotators.id"))

    annotation: Mapped[Annotation] = relationship(back_populates="topics")
    label: Mapped[Label] = relationship()


class ReviewDecision(Base):
    """How a reviewer settled one disagreement, so a settled item shows as settled.

    Span items are keyed by layer and the extent of the compared spans; topic items by layer
    'topic' and the topic's name. ``choice`` is an annotator's name, or 'both' or 'neither'.
    """

    __tablename__ = "review_decisions"
    __table_args__ = (UniqueConstraint("document_id", "layer", "start", "end", "label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    layer: Mapped[str] = mapped_column(String)
    start: Mapped[int] = mapped_column(Integer, default=0)
    end: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String, default="")
    choice: Mapped[str] = mapped_column(String)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReviewCount(Base):
    """Disagreements per document for the annotators last compared (for the list filter)."""

    __tablename__ = "review_counts"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    annotators: Mapped[str] = mapped_column(String)
    disagreements: Mapped[int] = mapped_column(Integer, default=0)
    unsettled: Mapped[int] = mapped_column(Integer, default=0)


class EditLog(Base):
    """An audit trail: who changed what and when, enough to explain any annotation."""

    __tablename__ = "edit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    annotator_id: Mapped[int | None] = mapped_column(ForeignKey("annotators.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

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
from sqlalchemy.sql import false, text

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
    #: Fields of the input a file carried that the project does not model (Prodigy's
    #: ``_input_hash`` and ``tokens``, doccano's ``id``...), written back by the same format.
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    annotations: Mapped[list[Annotation]] = relationship(back_populates="document")


class Boilerplate(Base):
    """A region of a document around the article (see migration 0007): ``detected``,
    ``marked`` by a person, or ``kept`` (a person said a detected region is article text)."""

    __tablename__ = "boilerplate"
    __table_args__ = (
        CheckConstraint("kind IN ('detected', 'marked', 'kept')", name="kind"),
        CheckConstraint('start >= 0 AND "end" > start', name="offsets"),
        Index("ix_boilerplate_document", "document_id", "start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String)
    annotator_id: Mapped[int | None] = mapped_column(ForeignKey("annotators.id"))


class Label(Base):
    """One label of a scheme: entity labels, topics, reliability reasons, relation types and
    span-group labels."""

    __tablename__ = "labels"
    __table_args__ = (
        UniqueConstraint("kind", "name"),
        CheckConstraint(
            "kind IN ('entity', 'topic', 'reliability', 'relation', 'span')", name="kind"
        ),
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
    #: Judges only what it marks (binary answers, entity links): unmarked text is unknown.
    partial: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Fields of the file's record the project does not model (Prodigy's ``_task_hash``,
    #: ``_timestamp``, custom keys), written back by the same format.
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: Fingerprint of the content as imported: equal at export means "unchanged since import".
    imported_digest: Mapped[str | None] = mapped_column(String(64))

    document: Mapped[Document] = relationship(back_populates="annotations")
    annotator: Mapped[Annotator] = relationship()
    spans: Mapped[list[Span]] = relationship(
        back_populates="annotation", cascade="all, delete-orphan", order_by="Span.start"
    )
    topics: Mapped[list[Topic]] = relationship(
        back_populates="annotation", cascade="all, delete-orphan"
    )


class Span(Base):
    """An entity, an unreliable passage, a span of a span group, or a relation's unlabelled end.

    Provenance: ``created_by`` is the annotator (human or model) that made the span;
    ``origin_span_id`` points at the model suggestion a human accepted or rejected. A
    rejected span (a rejected suggestion, or a binary "no" from a file) is kept with
    ``rejected`` set, so it is never offered again and never exported as an entity.
    """

    __tablename__ = "spans"
    __table_args__ = (
        CheckConstraint("layer IN ('entity', 'unreliable', 'group', 'argument')", name="layer"),
        CheckConstraint('start >= 0 AND "end" > start', name="offsets"),
        CheckConstraint("label_id IS NOT NULL OR layer = 'argument'", name="labelled"),
        UniqueConstraint(
            "annotation_id", "layer", "span_group", "start", "end", "label_id", name="span_identity"
        ),
        Index("ix_spans_label", "label_id"),
        Index("ix_spans_origin", "origin_span_id"),
        Index(
            "ix_spans_live_entities",
            "annotation_id",
            "start",
            "end",
            sqlite_where=text("layer = 'entity' AND rejected = FALSE"),
            postgresql_where=text("layer = 'entity' AND rejected = FALSE"),
        ),
        Index(
            "ix_spans_unlabelled",
            "annotation_id",
            "span_group",
            "start",
            "end",
            unique=True,
            sqlite_where=text("label_id IS NULL"),
            postgresql_where=text("label_id IS NULL"),
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"))
    layer: Mapped[str] = mapped_column(String)
    #: The span group's key (spaCy ``doc.spans[key]``) of a 'group' span; '' otherwise.
    span_group: Mapped[str] = mapped_column(String, default="", server_default="")
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label_id: Mapped[int | None] = mapped_column(ForeignKey("labels.id"))
    note: Mapped[str | None] = mapped_column(Text)
    #: A knowledge-base link (a Wikidata id, say) of an entity.
    kb_id: Mapped[str | None] = mapped_column(String)
    #: The annotator's own properties of the span (brat attributes).
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: Fields of the file's span the project does not model, written back by the same format.
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    origin_span_id: Mapped[int | None] = mapped_column(ForeignKey("spans.id", ondelete="SET NULL"))
    rejected: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    adjudicated_by: Mapped[int | None] = mapped_column(ForeignKey("annotators.id"))

    annotation: Mapped[Annotation] = relationship(back_populates="spans")
    label: Mapped[Label | None] = relationship()


class Relation(Base):
    """A labelled, directed relation between two spans of one annotation.

    Deleting either span deletes the relation: it means nothing without both ends.
    """

    __tablename__ = "relations"
    __table_args__ = (
        UniqueConstraint("head_span_id", "child_span_id", "label_id", name="relation_identity"),
        CheckConstraint("head_span_id != child_span_id", name="two_ends"),
        Index("ix_relations_annotation", "annotation_id"),
        Index("ix_relations_child", "child_span_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"))
    head_span_id: Mapped[int] = mapped_column(ForeignKey("spans.id", ondelete="CASCADE"))
    child_span_id: Mapped[int] = mapped_column(ForeignKey("spans.id", ondelete="CASCADE"))
    label_id: Mapped[int] = mapped_column(ForeignKey("labels.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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
    #: A text classifier's confidence that the topic applies (its suggestions only).
    score: Mapped[float | None] = mapped_column(Float)

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


class DocumentReview(Base):
    """A reviewer's word on a whole document, reviewed or skipped (migration 0009): kept
    apart from every annotator's own status."""

    __tablename__ = "document_reviews"
    __table_args__ = (
        CheckConstraint("status IN ('reviewed', 'skipped')", name="status"),
        Index("ix_document_reviews_status", "status"),
    )

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ModelUncertainty(Base):
    """How unsure a model is about a document (0 sure, 1 a coin toss), for the order "model
    unsure first"; one row per model, so one model's figures never replace another's."""

    __tablename__ = "model_uncertainty"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"), primary_key=True)
    uncertainty: Mapped[float] = mapped_column(Float)


class Assignment(Base):
    """A document given to an annotator to label (see migration 0008 and
    ``annotator.core.assignment``); ``shared`` rows are the slice everyone labels."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_annotator", "annotator_id", "document_id"),)

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"), primary_key=True)
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SyncState(Base):
    """What a project last agreed on with a remote one, set by set (see migration 0011 and
    ``annotator.core.sync``): the digest of an annotator's set on a document when both held it."""

    __tablename__ = "sync_state"

    remote: Mapped[str] = mapped_column(String, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    annotator: Mapped[str] = mapped_column(String, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EditLog(Base):
    """An audit trail: who changed what and when, enough to explain any annotation."""

    __tablename__ = "edit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    annotator_id: Mapped[int | None] = mapped_column(ForeignKey("annotators.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

"""The project: one SQLite file and the API that the command line and the desktop app share.

Every method that changes something runs in its own short transaction and commits before it
returns, so what the caller was told is saved survives a crash.
"""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from annotator.core.backup import backup_folder
from annotator.core.editing import Edits
from annotator.core.errors import LabelError, ProjectError
from annotator.core.labels import (
    DEFAULT_SCHEMES,
    LabelInfo,
    colour_for,
    default_shortcut,
)
from annotator.core.records import LabelKind, Status
from annotator.core.store.database import (
    check_openable,
    create_project_engine,
    upgrade_schema,
)
from annotator.core.store.models import Annotator, Document, EditLog, Label, Setting

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.core.exporting import ExportReport
    from annotator.core.importing import ImportReport
    from annotator.core.pretag import PretagReport
    from annotator.core.stats import ProjectStats

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class AnnotatorInfo:
    id: int
    name: str
    kind: str
    model_version: str | None


@dataclass(frozen=True)
class DocumentInfo:
    """A document without its text: cheap enough to list thousands."""

    id: int
    title: str | None
    source: str | None
    meta: dict[str, Any]
    length: int
    content_hash: str


def label_info(label: Label) -> LabelInfo:
    return LabelInfo(
        id=label.id,
        kind=LabelKind(label.kind),
        name=label.name,
        colour=label.colour,
        shortcut=label.shortcut,
        description=label.description,
        position=label.position,
    )


class Project:
    """An open project file. Use ``Project.open(path)``; close it, or use it as a context."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self._reader = engine
        self._writer = create_project_engine(path, writer=True)
        self._sessions = sessionmaker(self._writer, expire_on_commit=False)
        self._readers = sessionmaker(self._reader, expire_on_commit=False)
        self.edits = Edits(self)

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True, language: str | None = None) -> Project:
        """Open a project file, creating it when it does not exist and ``create`` is set.

        The file is checked before anything is written to it: a file that is not a project,
        is damaged or was written by a newer Annotator raises ProjectError and stays as it was.
        """
        path = Path(path).expanduser()
        current = check_openable(path)
        is_new = not path.exists() or path.stat().st_size == 0
        if is_new and not create:
            raise ProjectError(f"{path} does not exist.")
        engine = create_project_engine(path)
        try:
            upgrade_schema(engine, current, path)
        except DatabaseError as exc:
            engine.dispose()
            raise ProjectError(f"{path} cannot be opened as a project: {exc.orig}") from exc
        project = cls(path, engine)
        if is_new or project.get_setting("language") is None:
            project._initialise(language or DEFAULT_LANGUAGE)
        elif language is not None and language != project.language:
            project.set_language(language)
        return project

    @classmethod
    @contextmanager
    def creating(cls, path: str | Path, *, language: str | None = None) -> Iterator[Project]:
        """Open a project for a block of work (a first import), creating the file when it
        does not exist; closed when the block ends.

        When the block fails and the file is one it created, the file goes again, with
        SQLite's side files and a backup folder made meanwhile: a failed first import leaves
        nothing behind, as a failed import into an existing project changes nothing in it.
        """
        path = Path(path).expanduser()
        created = not path.exists()
        backups = backup_folder(path)
        had_backups = backups.exists()
        try:
            with cls.open(path, create=True, language=language) as project:
                yield project
        except BaseException:
            if created:
                _discard(path, None if had_backups else backups)
            raise

    def _initialise(self, language: str) -> None:
        """Give a new project its language and the default label schemes."""
        self._validate_language(language)
        with self.transaction() as session:
            session.merge(Setting(key="language", value=language))
            session.merge(Setting(key="guidelines", value=""))
            for kind, specs in DEFAULT_SCHEMES.items():
                for position, spec in enumerate(specs):
                    session.add(
                        Label(
                            kind=kind.value,
                            name=spec.name,
                            colour=colour_for(position),
                            shortcut=default_shortcut(kind, position),
                            description=spec.description,
                            position=position,
                        )
                    )

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading: its deferred transactions never block a writer."""
        with self._reader.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction, committed when the block ends and rolled back on any error.
        It takes the write lock first, so two writers queue instead of failing midway."""
        with self._writer.begin() as conn:
            yield conn

    def import_paths(
        self,
        paths: Iterable[str | Path],
        *,
        detect_boilerplate: bool | None = None,
        **options: Any,
    ) -> ImportReport:
        """Import files and folders; options as ``annotator.core.importing.import_paths``.
        New plain articles get their boilerplate found (``detect_boilerplate``; by default the
        user's setting), as a site's menus only show as such once several pages are in."""
        from annotator.core.boilerplate import detect
        from annotator.core.collection import collection_paused
        from annotator.core.importing import import_paths
        from annotator.core.settings import user_settings
        from annotator.core.taggers import language_advice

        with collection_paused():
            report = import_paths(self, paths, **options)
        self.checkpoint()
        if report.documents_added:
            report.language_advice = language_advice(self)
            wanted = (
                user_settings().detect_boilerplate
                if detect_boilerplate is None
                else detect_boilerplate
            )
            # Annotated datasets from other tools are curated already: their texts stay as
            # they came unless the researcher asks (Edit > Find boilerplate).
            if wanted and not report.sets_added:
                report.boilerplate = detect(self).summary()
        return report

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the file after bulk work.

        Otherwise the first small edit after importing a large corpus pays for copying
        hundreds of megabytes, and the annotator sees a stall.
        """
        with self.read() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def pretag(self, model: str | Path | None = None, **options: Any) -> PretagReport:
        """Store a spaCy pipeline's entities as suggestions; see ``annotator.core.pretag``.
        ``model`` may also be ``latest`` or the name of one of the project's trained models."""
        from annotator.core.model_registry import resolve_model_name
        from annotator.core.pretag import pretag

        report = pretag(self, resolve_model_name(self, model), **options)
        self.checkpoint()
        return report

    def export(self, out: str | Path, **options: Any) -> ExportReport:
        """Write a training set; options as ``annotator.core.exporting.export``."""
        from annotator.core.collection import collection_paused
        from annotator.core.exporting import export

        with collection_paused():
            return export(self, out, **options)

    def stats(self) -> ProjectStats:
        from annotator.core.stats import project_stats

        return project_stats(self)

    def close(self) -> None:
        self._reader.dispose()
        self._writer.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    # Settings ---------------------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        """Read on the reading engine, so it is safe inside any write transaction."""
        with self.read() as conn:
            row = conn.exec_driver_sql("SELECT value FROM settings WHERE key = ?", (key,)).first()
        if row is None:
            return default
        # The column has numeric affinity: SQLite keeps a JSON number as a number, not text.
        return json.loads(row[0]) if isinstance(row[0], str) else row[0]

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as session:
            session.merge(Setting(key=key, value=value))

    @property
    def language(self) -> str:
        return self.get_setting("language", DEFAULT_LANGUAGE)

    @staticmethod
    def _validate_language(language: str) -> None:
        import spacy

        try:
            spacy.blank(language)
        except Exception as exc:
            raise ProjectError(f"spaCy has no language '{language}': {exc}") from exc

    def set_language(self, language: str) -> None:
        """Change the tokenizer language; only while no annotator has made any span."""
        self._validate_language(language)
        self.set_setting("language", language)
        self.__dict__.pop("tokenizer", None)

    @functools.cached_property
    def tokenizer(self) -> Language:
        """A blank pipeline of the project language: the tokenizer spans snap to and export with."""
        import spacy

        return spacy.blank(self.language)

    @property
    def guidelines(self) -> str:
        return self.get_setting("guidelines", "")

    def set_guidelines(self, text: str) -> None:
        self.set_setting("guidelines", text)

    # Annotators -------------------------------------------------------------------------

    def ensure_annotator(
        self, name: str, *, kind: str = "human", model_version: str | None = None
    ) -> AnnotatorInfo:
        """The annotator of that name, created on first use."""
        name = name.strip()
        if not name:
            raise ProjectError("An annotator needs a non-empty name.")
        with self.transaction() as session:
            annotator = annotator_row(session, name, kind=kind, model_version=model_version)
            return AnnotatorInfo(
                annotator.id, annotator.name, annotator.kind, annotator.model_version
            )

    def annotators(self) -> list[AnnotatorInfo]:
        with self._readers() as session:
            rows = session.scalars(select(Annotator).order_by(Annotator.name))
            return [AnnotatorInfo(a.id, a.name, a.kind, a.model_version) for a in rows]

    # Labels -----------------------------------------------------------------------------

    def labels(self, kind: LabelKind) -> list[LabelInfo]:
        with self._readers() as session:
            rows = session.scalars(
                select(Label).where(Label.kind == kind.value).order_by(Label.position, Label.id)
            )
            return [label_info(label) for label in rows]

    def add_label(
        self,
        kind: LabelKind,
        name: str,
        *,
        colour: str | None = None,
        shortcut: str | None = None,
        description: str = "",
    ) -> LabelInfo:
        name = name.strip()
        if not name:
            raise LabelError("A label needs a non-empty name.")
        with self.transaction() as session:
            if session.scalar(select(Label).where(Label.kind == kind.value, Label.name == name)):
                raise LabelError(f"The {kind.value} label '{name}' already exists.")
            label = new_label(session, kind, name, colour=colour, description=description)
            if shortcut is not None:
                check_shortcut_free(session, shortcut, label.id)
                label.shortcut = shortcut or None
            return label_info(label)

    def update_label(
        self,
        label_id: int,
        *,
        name: str | None = None,
        colour: str | None = None,
        shortcut: str | None = None,
        description: str | None = None,
    ) -> LabelInfo:
        """Rename, recolour or re-key a label; spans refer to it by id, so they follow a rename."""
        with self.transaction() as session:
            label = session.get(Label, label_id)
            if label is None:
                raise LabelError(f"There is no label with id {label_id}.")
            if name is not None and name.strip() != label.name:
                name = name.strip()
                clash = session.scalar(
                    select(Label).where(Label.kind == label.kind, Label.name == name)
                )
                if not name or clash is not None:
                    raise LabelError(f"Cannot rename '{label.name}' to '{name}': name taken.")
                session.add(
                    EditLog(action="rename_label", details={"from": label.name, "to": name})
                )
                label.name = name
            if colour is not None:
                label.colour = colour
            if shortcut is not None:
                shortcut = shortcut.strip()
                check_shortcut_free(session, shortcut, label.id)
                label.shortcut = shortcut or None
            if description is not None:
                label.description = description
            try:
                session.flush()
            except IntegrityError as exc:
                raise LabelError(f"Cannot update label {label_id}: {exc.orig}") from exc
            return label_info(label)

    # Documents --------------------------------------------------------------------------

    def document_count(self) -> int:
        with self._readers() as session:
            return session.scalar(select(func.count(Document.id))) or 0

    def documents(self, *, offset: int = 0, limit: int | None = None) -> list[DocumentInfo]:
        """Documents in import order, without their texts."""
        query = (
            select(
                Document.id,
                Document.title,
                Document.source,
                Document.meta,
                Document.length,
                Document.content_hash,
            )
            .order_by(Document.id)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        with self._readers() as session:
            return [DocumentInfo(*row) for row in session.execute(query)]

    def document_info(self, document_id: int) -> DocumentInfo:
        with self.read() as conn:
            row = conn.exec_driver_sql(
                "SELECT id, title, source, meta, length, content_hash FROM documents WHERE id = ?",
                (document_id,),
            ).first()
        if row is None:
            raise ProjectError(f"There is no document with id {document_id}.")
        meta = json.loads(row[3]) if isinstance(row[3], str) else (row[3] or {})
        return DocumentInfo(row[0], row[1], row[2], meta, row[4], row[5])

    def status_count(self, annotator: str, status: Status) -> int:
        """How many documents the annotator has in a status (cheap: uses an index)."""
        with self.read() as conn:
            return conn.exec_driver_sql(
                "SELECT count(*) FROM annotations AS a JOIN annotators AS n "
                "ON n.id = a.annotator_id WHERE n.name = ? AND a.status = ?",
                (annotator, status.value),
            ).scalar_one()

    def text(self, document_id: int) -> str:
        with self._readers() as session:
            text = session.scalar(select(Document.text).where(Document.id == document_id))
        if text is None:
            raise ProjectError(f"There is no document with id {document_id}.")
        return text


def _discard(path: Path, backups: Path | None) -> None:
    """Remove a project file this process created, its SQLite side files and, when given,
    the backup folder made for it."""
    for leftover in (path, *(Path(f"{path}{side}") for side in ("-wal", "-shm", "-journal"))):
        leftover.unlink(missing_ok=True)
    if backups is not None:
        shutil.rmtree(backups, ignore_errors=True)


def annotator_row(
    session: Session, name: str, *, kind: str = "human", model_version: str | None = None
) -> Annotator:
    """Get or create an annotator inside the caller's transaction."""
    annotator = session.scalar(select(Annotator).where(Annotator.name == name))
    if annotator is None:
        annotator = Annotator(name=name, kind=kind, model_version=model_version)
        session.add(annotator)
        session.flush()
    elif model_version is not None and annotator.model_version != model_version:
        annotator.model_version = model_version
    return annotator


def new_label(
    session: Session,
    kind: LabelKind,
    name: str,
    *,
    colour: str | None = None,
    description: str = "",
) -> Label:
    """Append a label to its scheme with the next colour and a free shortcut, if any."""
    position = session.scalar(select(func.count(Label.id)).where(Label.kind == kind.value)) or 0
    taken = set(session.scalars(select(Label.shortcut).where(Label.kind == kind.value)))
    shortcut = default_shortcut(kind, position)
    label = Label(
        kind=kind.value,
        name=name,
        colour=colour or colour_for(position),
        shortcut=shortcut if shortcut not in taken else None,
        description=description,
        position=position,
    )
    session.add(label)
    session.flush()
    return label


def check_shortcut_free(session: Session, shortcut: str, label_id: int) -> None:
    """One key, one label: a key shared by two labels would make a keypress ambiguous."""
    wanted = shortcut.replace(" ", "").casefold()
    if not wanted:
        return
    for other in session.scalars(select(Label).where(Label.shortcut.is_not(None))):
        if other.id != label_id and other.shortcut.replace(" ", "").casefold() == wanted:
            raise LabelError(
                f"The key {shortcut} already belongs to the {other.kind} label '{other.name}'."
            )

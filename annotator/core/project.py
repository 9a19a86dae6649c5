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

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DatabaseError, IntegrityError

from annotator.core.backup import backup_folder, make_backup
from annotator.core.editing import Edits
from annotator.core.errors import LabelError, ProjectError
from annotator.core.labels import (
    DEFAULT_SCHEMES,
    LabelInfo,
    colour_for,
    default_shortcut,
)
from annotator.core.locations import is_server_url, short_name
from annotator.core.records import LabelKind, Status
from annotator.core.store import annotations as set_store
from annotator.core.store import documents as document_store
from annotator.core.store import labels as label_store
from annotator.core.store import maintenance as maintenance_store
from annotator.core.store import settings as setting_store
from annotator.core.store.database import (
    check_openable,
    create_project_engine,
    migrate,
    needs_upgrade,
    open_server,
)
from annotator.core.store.dialect import shown_url

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


def label_info(row: tuple[Any, ...]) -> LabelInfo:
    """A label read as ``store.labels.label_row`` gives it."""
    return LabelInfo(row[0], LabelKind(row[1]), row[2], row[3], row[4], row[5], row[6])


class Project:
    """An open project: a SQLite file, or a team's PostgreSQL database named by a URL. Use
    ``Project.open(path or url)``; close it, or use it as a context."""

    def __init__(self, location: Path | str, reader: Engine, writer: Engine) -> None:
        self.on_server = not isinstance(location, Path)
        #: What opens this project again (the file, or the URL as given, with its password).
        self.target: Path | str = location
        #: The project file; None for a project on a server.
        self.path: Path | None = None if self.on_server else Path(location)
        #: Where the project is, as messages name it (a server's URL without its password).
        self.location = shown_url(str(location)) if self.on_server else str(location)
        #: A short name for titles and file names: the file's stem or the database's name.
        self.name = short_name(location)
        self._reader = reader
        self._writer = writer
        self.edits = Edits(self)

    @classmethod
    def open(
        cls, target: str | Path, *, create: bool = True, language: str | None = None
    ) -> Project:
        """Open a project file, creating it when it does not exist and ``create`` is set, or
        a team's database (``postgresql://user@host/dbname``).

        The file is checked before anything is written to it: a file that is not a project,
        is damaged or was written by a newer Annotator raises ProjectError and stays as it was.
        """
        if is_server_url(target):
            engine, is_new = open_server(str(target))
            project = cls(str(target), engine, engine)
        else:
            path = Path(target).expanduser()
            current = check_openable(path)
            is_new = not path.exists() or path.stat().st_size == 0
            if is_new and not create:
                raise ProjectError(f"{path} does not exist.")
            engine = create_project_engine(path)
            try:
                if needs_upgrade(current):
                    # A migration that fails half way is rolled back by SQLite, but a user
                    # should never have to trust that alone: an existing file is backed up.
                    if current is not None:
                        make_backup(path)
                    migrate(engine)
            except DatabaseError as exc:
                engine.dispose()
                raise ProjectError(f"{path} cannot be opened as a project: {exc.orig}") from exc
            project = cls(path, engine, create_project_engine(path, writer=True))
        if is_new or project.get_setting("language") is None:
            project._initialise(language or DEFAULT_LANGUAGE)
        elif language is not None and language != project.language:
            project.set_language(language)
        return project

    @classmethod
    @contextmanager
    def creating(cls, target: str | Path, *, language: str | None = None) -> Iterator[Project]:
        """Open a project for a block of work (a first import), creating the file when it
        does not exist; closed when the block ends.

        When the block fails and the file is one it created, the file goes again, with
        SQLite's side files and a backup folder made meanwhile: a failed first import leaves
        nothing behind, as a failed import into an existing project changes nothing in it.
        A server's database is the team's, and stays.
        """
        if is_server_url(target):
            with cls.open(target, create=True, language=language) as project:
                yield project
            return
        path = Path(target).expanduser()
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
        with self.write() as conn:
            setting_store.put(conn, "language", language)
            setting_store.put(conn, "guidelines", "")
            for kind, specs in DEFAULT_SCHEMES.items():
                for position, spec in enumerate(specs):
                    label_store.insert_label(
                        conn,
                        kind.value,
                        spec.name,
                        colour_for(position),
                        default_shortcut(kind, position),
                        spec.description,
                        position,
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
        if self.on_server:
            return
        with self.read() as conn:
            maintenance_store.checkpoint(conn)

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

    def __str__(self) -> str:
        return self.location

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Settings ---------------------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        """Read on the reading engine, so it is safe inside any write transaction."""
        with self.read() as conn:
            found, value = setting_store.get(conn, key)
        return value if found else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.write() as conn:
            setting_store.put(conn, key, value)

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
        with self.write() as conn:
            set_store.ensure_annotator(conn, name, kind=kind, model_version=model_version)
            return AnnotatorInfo(*set_store.annotator_row(conn, name))

    def annotators(self) -> list[AnnotatorInfo]:
        with self.read() as conn:
            return [AnnotatorInfo(*row) for row in set_store.annotators(conn)]

    # Labels -----------------------------------------------------------------------------

    def labels(self, kind: LabelKind) -> list[LabelInfo]:
        with self.read() as conn:
            return [label_info(row) for row in label_store.labels_of_kind(conn, kind.value)]

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
        with self.write() as conn:
            if label_store.label_id(conn, kind.value, name) is not None:
                raise LabelError(f"The {kind.value} label '{name}' already exists.")
            label_id = new_label(conn, kind, name, colour=colour, description=description)
            if shortcut is not None:
                check_shortcut_free(conn, shortcut, label_id)
                row = label_store.label_row(conn, label_id)
                label_store.update_label(conn, label_id, name, row[3], shortcut or None, row[5])
            return label_info(label_store.label_row(conn, label_id))

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
        with self.write() as conn:
            row = label_store.label_row(conn, label_id)
            if row is None:
                raise LabelError(f"There is no label with id {label_id}.")
            old = label_info(row)
            new_name = old.name if name is None else name.strip()
            if new_name != old.name:
                clash = label_store.label_id(conn, old.kind.value, new_name)
                if not new_name or clash is not None:
                    raise LabelError(f"Cannot rename '{old.name}' to '{new_name}': name taken.")
                label_store.log(conn, "rename_label", {"from": old.name, "to": new_name})
            key = old.shortcut
            if shortcut is not None:
                check_shortcut_free(conn, shortcut.strip(), label_id)
                key = shortcut.strip() or None
            try:
                label_store.update_label(
                    conn,
                    label_id,
                    new_name,
                    old.colour if colour is None else colour,
                    key,
                    old.description if description is None else description,
                )
            except IntegrityError as exc:
                raise LabelError(f"Cannot update label {label_id}: {exc.orig}") from exc
            return label_info(label_store.label_row(conn, label_id))

    # Documents --------------------------------------------------------------------------

    def document_count(self) -> int:
        with self.read() as conn:
            return document_store.count(conn)

    def documents(self, *, offset: int = 0, limit: int | None = None) -> list[DocumentInfo]:
        """Documents in import order, without their texts."""
        with self.read() as conn:
            return [_document_info(row) for row in document_store.page(conn, offset, limit)]

    def document_info(self, document_id: int) -> DocumentInfo:
        with self.read() as conn:
            row = document_store.fields(conn, document_id)
        if row is None:
            raise ProjectError(f"There is no document with id {document_id}.")
        return _document_info(row)

    def status_count(self, annotator: str, status: Status) -> int:
        """How many documents the annotator has in a status (cheap: uses an index)."""
        with self.read() as conn:
            return set_store.status_count(conn, annotator, status.value)

    def last_change_by_others(self, annotator: str) -> int:
        """A mark that moves whenever someone other than ``annotator`` changes the project:
        a team member's window polls it to show colleagues' work as it arrives."""
        with self.read() as conn:
            return set_store.last_change_by_others(conn, annotator)

    def text(self, document_id: int) -> str:
        with self.read() as conn:
            text = document_store.text(conn, document_id)
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


def _document_info(row: tuple[Any, ...]) -> DocumentInfo:
    meta = json.loads(row[3]) if isinstance(row[3], str) else (row[3] or {})
    return DocumentInfo(row[0], row[1], row[2], meta, row[4], row[5])


def new_label(
    conn: Connection,
    kind: LabelKind,
    name: str,
    *,
    colour: str | None = None,
    description: str = "",
) -> int:
    """Append a label to its scheme with the next colour and a free shortcut, if any."""
    position = label_store.scheme_size(conn, kind.value)
    taken = {row[2] for row in label_store.scheme(conn, kind.value)}
    shortcut = default_shortcut(kind, position)
    return label_store.insert_label(
        conn,
        kind.value,
        name,
        colour or colour_for(position),
        shortcut if shortcut not in taken else None,
        description,
        position,
    )


def check_shortcut_free(conn: Connection, shortcut: str, label_id: int) -> None:
    """One key, one label: a key shared by two labels would make a keypress ambiguous."""
    wanted = shortcut.replace(" ", "").casefold()
    if not wanted:
        return
    for other_id, kind, name, key in label_store.shortcuts(conn):
        if other_id != label_id and key.replace(" ", "").casefold() == wanted:
            raise LabelError(f"The key {shortcut} already belongs to the {kind} label '{name}'.")

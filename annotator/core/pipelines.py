"""Finding and loading the spaCy pipeline a user names.

A user names a pipeline as they have it: an installed package (``en_core_web_sm``), the folder
``spacy train`` wrote, the folder of an unpacked pipeline package, or the ``.whl`` / ``.tar.gz``
file they downloaded from spaCy's releases. The last two matter for the desktop bundle, where
nothing can be pip-installed: a downloaded archive is unpacked once into the data folder and
reused.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from annotator.core.errors import AnnotatorError
from annotator.core.settings import folders

if TYPE_CHECKING:
    from spacy.language import Language

#: Components that never add entities; leaving them out makes tagging several times faster.
UNNEEDED_COMPONENTS = (
    "parser",
    "lemmatizer",
    "senter",
    "textcat",
    "textcat_multilabel",
    "spancat",
    "trainable_lemmatizer",
)
ARCHIVE_SUFFIXES = (".whl", ".zip", ".tar.gz", ".tgz")
SEARCH_DEPTH = 3
"""An unpacked wheel keeps the pipeline two folders down (``name/name-version``), an sdist
three (``name-version/name/name-version``)."""


def installed_pipelines() -> list[str]:
    import spacy.util

    return sorted(spacy.util.get_installed_models())


def load_pipeline(model: str | Path | None) -> Language:
    """The built-in tagger (None), or the pipeline a user named (see the module docstring)."""
    import spacy

    if model is None:
        from annotator.core.default_tagger import load_default_tagger

        return load_default_tagger()
    path = Path(model).expanduser()
    excluded = list(UNNEEDED_COMPONENTS)
    try:
        if path.exists():
            return spacy.load(locate_pipeline(path), exclude=excluded)
        return spacy.load(str(model), exclude=excluded)
    except (OSError, ValueError, KeyError) as exc:
        installed = ", ".join(installed_pipelines()) or "none"
        raise AnnotatorError(
            f"Cannot load the spaCy pipeline '{model}': {exc}. Give a pipeline folder, a "
            "downloaded pipeline package (.whl or .tar.gz) or an installed pipeline package "
            f"(installed here: {installed}); without --model the built-in tagger is used."
        ) from exc


def locate_pipeline(path: Path) -> Path:
    """The folder spaCy loads: ``path`` itself, or the one pipeline inside it or its archive."""
    if path.is_file():
        path = unpack_archive(path)
    if (path / "config.cfg").is_file():
        return path
    found = sorted(
        config.parent
        for depth in range(1, SEARCH_DEPTH + 1)
        for config in path.glob("/".join(["*"] * depth) + "/config.cfg")
        if (config.parent / "meta.json").is_file()
    )
    if len(found) == 1:
        return found[0]
    if not found:
        raise AnnotatorError(
            f"{path} holds no spaCy pipeline (no folder with config.cfg and meta.json)."
        )
    names = ", ".join(str(folder.relative_to(path)) for folder in found)
    raise AnnotatorError(f"{path} holds several spaCy pipelines ({names}): choose one of them.")


def unpack_archive(archive: Path) -> Path:
    """Unpack a downloaded pipeline once; later runs reuse the folder.

    The folder is named by the archive's name and a hash of its bytes, so a different file of
    the same name is unpacked anew. It is filled under a temporary name and renamed when
    complete: an interrupted unpack is never mistaken for a pipeline.
    """
    name = archive.name
    if not name.endswith(ARCHIVE_SUFFIXES):
        raise AnnotatorError(
            f"{archive} is not a spaCy pipeline: give a folder, or a pipeline package "
            f"({', '.join(ARCHIVE_SUFFIXES)})."
        )
    digest = file_digest(archive)
    stem = name.removesuffix(next(s for s in ARCHIVE_SUFFIXES if name.endswith(s)))
    store = folders().data / "pipelines"
    target = store / f"{stem}-{digest[:12]}"
    if target.is_dir():
        return target
    store.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=store))
    try:
        extract(archive, partial)
        os.replace(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def extract(archive: Path, into: Path) -> None:
    """Extract every member inside ``into``; a member naming a path outside it is refused."""
    try:
        if archive.name.endswith((".whl", ".zip")):
            with zipfile.ZipFile(archive) as opened:
                names = opened.namelist()
                check_members(archive, names)
                opened.extractall(into)
        else:
            with tarfile.open(archive, "r:gz") as opened:
                members = opened.getmembers()
                check_members(archive, [member.name for member in members])
                for member in members:
                    if not (member.isfile() or member.isdir()):
                        raise AnnotatorError(
                            f"{archive} is not a pipeline package: it holds a link or device "
                            f"({member.name})."
                        )
                if hasattr(tarfile, "data_filter"):
                    opened.extractall(into, filter="data")
                else:
                    opened.extractall(into)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as exc:
        raise AnnotatorError(f"{archive} cannot be unpacked: {exc}.") from exc


def check_members(archive: Path, names: list[str]) -> None:
    for name in names:
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise AnnotatorError(
                f"{archive} is not a pipeline package: its member {name!r} would be written "
                "outside the folder it is unpacked into."
            )

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
import time
import zipfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from annotator.core.errors import AnnotatorError
from annotator.core.settings import folders

if TYPE_CHECKING:
    from spacy.language import Language

#: Components whose output pre-tagging does not store; leaving them out makes tagging several
#: times faster. Text classifiers stay: their scores become topic suggestions.
UNNEEDED_COMPONENTS = (
    "parser",
    "lemmatizer",
    "senter",
    "spancat",
    "trainable_lemmatizer",
)
#: Components that tag words for the parser and lemmatizer; see :func:`without_word_taggers`.
WORD_TAGGERS = ("tagger", "morphologizer", "attribute_ruler")
ARCHIVE_SUFFIXES = (".whl", ".zip", ".tar.gz", ".tgz")
SEARCH_DEPTH = 4
"""An unpacked wheel keeps the pipeline two folders down (``name/name-version``), an sdist
three (``name-version/name/name-version``), a zip of ``spacy package``'s output folder four."""
UNPACKING = ".unpacking-"
ABANDONED_AFTER_SECONDS = 3600


def installed_pipelines() -> list[str]:
    import spacy.util

    return sorted(spacy.util.get_installed_models())


def load_pipeline(model: str | Path | None) -> Language:
    """The built-in tagger (None or ``builtin``), natasha (``natasha``, when its extra is
    installed), or the pipeline a user named (see the module docstring)."""
    import spacy

    import annotator.core.person_mentions  # noqa: F401  the built-in tagger's component, by any path
    from annotator.core.natasha_tagger import NATASHA_NAME
    from annotator.core.taggers import BUILT_IN

    path = Path(model).expanduser() if model is not None else Path()
    if model is None or (str(model) == BUILT_IN and not path.exists()):
        from annotator.core.default_tagger import load_default_tagger

        return load_default_tagger()
    if str(model) == NATASHA_NAME and not path.exists():
        from annotator.core.natasha_tagger import load_natasha

        return load_natasha()
    excluded = list(UNNEEDED_COMPONENTS)
    try:
        if path.exists():
            return without_word_taggers(spacy.load(locate_pipeline(path), exclude=excluded))
        return without_word_taggers(spacy.load(str(model), exclude=excluded))
    except (OSError, ValueError, KeyError) as exc:
        installed = ", ".join(installed_pipelines()) or "none"
        raise AnnotatorError(
            f"Cannot load the spaCy pipeline '{model}': {exc}. Give a pipeline folder, a "
            "downloaded pipeline package (.whl or .tar.gz) or an installed pipeline package "
            f"(installed here: {installed}), '{BUILT_IN}' or '{NATASHA_NAME}'; without --model "
            "the built-in tagger is used."
        ) from exc


def without_word_taggers(nlp: Language) -> Language:
    """Leave out what tags words (parts of speech, morphology) when nothing that finds
    entities reads it, and the shared ``tok2vec`` when no component left listens to it.

    spaCy's small English pipeline keeps a ``tok2vec`` for its tagger and parser while its
    ``ner`` has its own: tagging with all of it takes twice as long for the same entities.
    An entity ruler's patterns may ask for POS or lemmas, so with a ruler everything stays.
    """
    if any("ruler" in name for name in nlp.pipe_names):
        return nlp
    for name in WORD_TAGGERS:
        if name in nlp.pipe_names:
            nlp.remove_pipe(name)
    for name in [n for n in nlp.pipe_names if nlp.get_pipe_meta(n).factory == "tok2vec"]:
        if not any(_listens_to(nlp.config["components"][other], name) for other in nlp.pipe_names):
            nlp.remove_pipe(name)
    return nlp


def _listens_to(config: Any, upstream: str) -> bool:
    """Whether a component's config holds a listener of ``upstream`` (or of any tok2vec)."""
    if isinstance(config, dict):
        if str(config.get("@architectures", "")).startswith("spacy.Tok2VecListener"):
            return config.get("upstream") in (upstream, "*")
        return any(_listens_to(value, upstream) for value in config.values())
    return False


def pipeline_fingerprint(nlp: Language) -> str:
    """A hash of what decides a pipeline's output: its config, each component's weights or
    patterns, the tokenizer's rules and the vectors' name and shape (hashing the vectors
    themselves would read hundreds of megabytes). ``meta.json`` is left out on purpose."""
    digest = hashlib.sha256(nlp.config.to_str().encode("utf-8"))
    for name, component in nlp.pipeline:
        to_bytes = getattr(component, "to_bytes", None)
        if to_bytes is None:
            continue
        digest.update(name.encode("utf-8"))
        try:
            digest.update(to_bytes(exclude=["vocab"]))
        except TypeError:  # a component whose to_bytes takes no exclude
            digest.update(to_bytes())
    digest.update(nlp.tokenizer.to_bytes(exclude=["vocab"]))
    vectors = nlp.vocab.vectors
    digest.update(f"{vectors.name}:{vectors.shape}".encode())
    return digest.hexdigest()


def locate_pipeline(path: Path) -> Path:
    """The folder spaCy loads: ``path`` itself, or the one pipeline inside it or its archive."""
    if path.is_file():
        return unpack_archive(path)
    return find_pipeline(path, path)


def find_pipeline(folder: Path, named: Path) -> Path:
    """The one folder with config.cfg and meta.json in ``folder``; errors name ``named``."""
    if (folder / "config.cfg").is_file():
        return folder
    found = sorted(
        config.parent
        for depth in range(1, SEARCH_DEPTH + 1)
        for config in folder.glob("/".join(["*"] * depth) + "/config.cfg")
        if (config.parent / "meta.json").is_file()
    )
    if len(found) == 1:
        return found[0]
    if not found:
        raise AnnotatorError(
            f"{named} holds no spaCy pipeline (no folder with config.cfg and meta.json)."
        )
    names = ", ".join(str(path.relative_to(folder)) for path in found)
    raise AnnotatorError(f"{named} holds several spaCy pipelines ({names}): choose one of them.")


def unpack_archive(archive: Path) -> Path:
    """Unpack a downloaded pipeline once and return the pipeline in it; later runs reuse it.

    The folder is named by the archive's name and a hash of its bytes, so a different file of
    the same name is unpacked anew. It is filled under a temporary name and renamed only when
    it is complete and holds a pipeline: an interrupted or useless unpack is never reused. Two
    processes unpacking the same file at once both end up with the one that finished first.
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
        return find_pipeline(target, archive)
    store.mkdir(parents=True, exist_ok=True)
    remove_abandoned_unpacks(store)
    partial = Path(tempfile.mkdtemp(prefix=UNPACKING, dir=store))
    try:
        extract(archive, partial)
        inside = find_pipeline(partial, archive).relative_to(partial)
        try:
            os.replace(partial, target)
        except OSError:
            if not target.is_dir():
                raise
            shutil.rmtree(partial, ignore_errors=True)  # another process finished first
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target / inside


def remove_abandoned_unpacks(store: Path) -> None:
    """Unpacks a killed process left behind; an hour old, so none is still being written."""
    cutoff = time.time() - ABANDONED_AFTER_SECONDS
    for folder in store.glob(UNPACKING + "*"):
        try:
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


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
            extract_zip(archive, into)
        else:
            extract_tar(archive, into)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as exc:
        raise AnnotatorError(f"{archive} cannot be unpacked: {exc}.") from exc
    except (NotImplementedError, RuntimeError) as exc:  # zip compression, encryption
        raise AnnotatorError(f"{archive} cannot be unpacked: {exc}.") from exc


def extract_zip(archive: Path, into: Path) -> None:
    with zipfile.ZipFile(archive) as opened:
        members = opened.infolist()
        check_members(archive, [member.filename for member in members])
        for member in members:
            # Zips made by some Windows tools separate folders with backslashes.
            member.filename = member.filename.replace("\\", "/")
            opened.extract(member, into)


def extract_tar(archive: Path, into: Path) -> None:
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


def check_members(archive: Path, names: list[str]) -> None:
    for name in names:
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise AnnotatorError(
                f"{archive} is not a pipeline package: its member {name!r} would be written "
                "outside the folder it is unpacked into."
            )

"""Where the files in ``resources/`` are, in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """The resources folder: ``annotator/_resources`` in a wheel, ``resources/`` in a checkout."""
    for candidate in (_PACKAGE_DIR / "_resources", _PACKAGE_DIR.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"Annotator's resources folder is missing (looked beside {_PACKAGE_DIR})"
    )


def resource_path(*parts: str) -> Path:
    """A file or folder inside the resources folder."""
    return resources_dir().joinpath(*parts)

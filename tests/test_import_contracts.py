"""The layers' import contracts in pyproject.toml ([tool.importlinter]) hold, and can fail.

``lint-imports`` runs in a fresh interpreter, as a developer runs it. The second test runs the
same contracts on a scratch copy of the package with one forbidden import per contract, so a
contract that cannot fail (a misspelt module, a wildcard that matches nothing) is caught too.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

VIOLATIONS = {
    # core imports neither Qt nor the GUI nor the CLI
    "annotator/core/_violation_qt.py": "import PySide6\n",
    # the GUI and the CLI reach the database only through core's API
    "annotator/gui/_violation_store.py": (
        "import sqlite3\n\nfrom annotator.core.store import files\n"
    ),
    # the CLI above the GUI above core
    "annotator/gui/_violation_layers.py": "from annotator.cli import output\n",
    # the store imports of core only what it lists here
    "annotator/core/store/_violation_core.py": "from annotator.core import project\n",
}
"""New modules of the scratch copy, each breaking one contract."""

LOW_LEVEL_VIOLATION = ("annotator/core/errors.py", "annotator.core.labels")
"""A module the store may import, made to import more (the low-level contract)."""


def lint_imports(folder: Path) -> tuple[int, str]:
    """``lint-imports`` on the package and the pyproject.toml in ``folder``: (status, output).

    The folder comes first on the child's path, so its copy of the package is the one read.
    """
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
            "--no-cache",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.returncode, result.stdout + result.stderr


def verdicts(output: str) -> dict[str, str]:
    """Each contract's name and KEPT or BROKEN, from lint-imports' summary."""
    return dict(re.findall(r"^(\S.*?) (KEPT|BROKEN)\b", output, re.MULTILINE))


def contract_count() -> int:
    return (
        (ROOT / "pyproject.toml")
        .read_text(encoding="utf-8")
        .count("[[tool.importlinter.contracts]]")
    )


def test_the_import_contracts_hold() -> None:
    status, output = lint_imports(ROOT)
    assert status == 0, output
    found = verdicts(output)
    assert len(found) == contract_count() and set(found.values()) == {"KEPT"}, output


def test_every_contract_fails_on_a_forbidden_import(tmp_path: Path) -> None:
    shutil.copytree(
        ROOT / "annotator", tmp_path / "annotator", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for relative, source in VIOLATIONS.items():
        (tmp_path / relative).write_text(source, encoding="utf-8")
    low_level, imported = LOW_LEVEL_VIOLATION
    with (tmp_path / low_level).open("a", encoding="utf-8") as handle:
        handle.write(f"\nimport {imported}  # noqa: E402\n")

    status, output = lint_imports(tmp_path)

    assert status != 0, output
    found = verdicts(output)
    assert len(found) == contract_count() and set(found.values()) == {"BROKEN"}, output
    # Each one for the import planted for it, in the copy (not the installed package).
    for relative in VIOLATIONS:
        module = relative.removesuffix(".py").replace("/", ".")
        assert module in output, output
    assert f"annotator.core.errors -> {imported}" in output, output

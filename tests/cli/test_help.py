"""Every command's ``--help`` reads as the README shows it: options and arguments by name,
value placeholders in capitals (``PATH``, ``TEXT``), none after a flag that takes no value.

typer 0.27 began writing placeholders as ``<path>`` and arguments as ``{project}``, and 0.29
put ``<bool>`` after every flag; the pin in pyproject.toml keeps us below that, and this test
says when a release would change what users see.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from annotator.cli import app

runner = CliRunner()
#: Wide enough that no option name is cut or wrapped.
WIDE = {"COLUMNS": "200", "TERMINAL_WIDTH": "200"}
LOWER_CASE_PLACEHOLDER = re.compile(r"<[a-z][a-z_| ]*>|\{[a-z_]+\}")


def commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """The command and, for a group, every command under it, each with its words."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from commands(sub, (*path, name))


ALL = list(commands(typer.main.get_command(app)))


def test_every_command_is_rendered() -> None:
    names = {" ".join(path) for path, _command in ALL}
    assert {"", "import", "stats", "export", "backup", "backup list", "train"} <= names


@pytest.mark.parametrize(("path", "command"), ALL, ids=[" ".join(p) or "annotator" for p, _ in ALL])
def test_help_names_every_option_without_lower_case_placeholders(
    path: tuple[str, ...], command: Any
) -> None:
    result = runner.invoke(app, [*path, "--help"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert not LOWER_CASE_PLACEHOLDER.findall(result.output), result.output
    for parameter in command.params:
        if getattr(parameter, "hidden", False):
            continue
        if parameter.param_type_name == "option":
            for name in (*parameter.opts, *parameter.secondary_opts):
                assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", result.output), name
        else:
            assert parameter.human_readable_name in result.output, parameter.name

"""The ``annotator`` command line: a thin Typer layer over ``annotator.core``."""

from annotator.cli.app import app, main

__all__ = ["app", "main"]

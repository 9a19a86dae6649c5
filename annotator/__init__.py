"""Annotator: label news articles offline and export spaCy, Prodigy and doccano training sets."""

__version__ = "0.1.0"

"""The PySide6 desktop app: windows, item models, the reading pane, undo commands, workers.

It calls ``annotator.core``; the core never calls it.
"""

"""Pausing Python's cycle collector during bulk imports and exports.

An import or export builds and drops hundreds of thousands of small records; none form
reference cycles, but each burst of allocations makes the collector walk the growing heap,
which cost a third of an export's time and made it vary two-fold between runs. The previous
state is restored exactly: the app turns automatic collection off its own way (a zero
threshold, see ``gui/collector.py``), and that is left alone.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

"""Code points (the store's offsets) to and from UTF-16 units (Qt's positions).

Only characters outside the Basic Multilingual Plane (emoji, some CJK) take two UTF-16 units,
so the map keeps the sorted positions of those characters and costs nothing for texts
without them.
"""

from __future__ import annotations

import bisect


class OffsetMap:
    """Converts offsets for one text in O(log k), k = number of astral characters."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        self._astral = (
            [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
        )
        self._qt_astral = [i + n for n, i in enumerate(self._astral)]

    def to_qt(self, offset: int) -> int:
        """The UTF-16 position of a code-point offset."""
        return offset + bisect.bisect_left(self._astral, offset)

    def to_python(self, position: int) -> int:
        """The code-point offset of a UTF-16 position; inside a surrogate pair, its character."""
        before = bisect.bisect_left(self._qt_astral, position)
        if before and self._qt_astral[before - 1] + 1 == position:
            return self._astral[before - 1]
        return position - before

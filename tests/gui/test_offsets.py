"""Code points to UTF-16 and back, for every boundary of awkward texts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.gui.offsets import OffsetMap


def utf16_position(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


def test_emoji_cyrillic_arabic_and_crlf() -> None:
    text = "🙂🙂 Привет,\r\nNepal! قال 👍🏽 e\u0301"
    offsets = OffsetMap(text)
    for offset in range(len(text) + 1):
        position = utf16_position(text, offset)
        assert offsets.to_qt(offset) == position
        assert offsets.to_python(position) == offset
    nepal = text.index("Nepal")
    assert offsets.to_qt(nepal) == nepal + 2


def test_position_inside_a_surrogate_pair_maps_to_its_character() -> None:
    offsets = OffsetMap("a🙂b")
    assert [offsets.to_python(p) for p in range(5)] == [0, 1, 1, 2, 3]


@given(st.text())
def test_round_trip_for_any_text(text: str) -> None:
    offsets = OffsetMap(text)
    for offset in range(len(text) + 1):
        position = offsets.to_qt(offset)
        assert position == utf16_position(text, offset)
        assert offsets.to_python(position) == offset

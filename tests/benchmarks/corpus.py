"""Generated benchmark articles: distinct texts (spaCy's tokenizer caches repeated ones)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

WORDS = [
    "the",
    "minister",
    "said",
    "talks",
    "would",
    "continue",
    "after",
    "a",
    "meeting",
    "in",
    "the",
    "capital",
    "where",
    "officials",
    "discussed",
    "trade",
    "energy",
    "prices",
    "border",
    "security",
    "and",
    "new",
    "investment",
    "in",
    "roads",
    "railways",
    "ports",
    "and",
    "power",
    "lines",
    "while",
    "critics",
    "warned",
    "that",
    "the",
    "deal",
    "lacked",
    "detail",
    "and",
    "that",
    "parliament",
    "had",
    "not",
    "seen",
    "the",
    "text",
    "of",
    "the",
    "agreement",
    "before",
    "it",
    "was",
    "signed",
]
NAMES = [
    "Nepal",
    "India",
    "China",
    "Russia",
    "Kathmandu",
    "Beijing",
    "Moscow",
    "Delhi",
    "Tibet",
    "Mongolia",
    "Kazakhstan",
    "Vietnam",
    "Japan",
    "Korea",
    "Iran",
    "Turkey",
    "Egypt",
    "Brazil",
    "Germany",
    "France",
]


def article(rng: random.Random, index: int, length: int = 3000) -> str:
    """About ``length`` characters of news-like prose with place names, numbered uniquely."""
    parts = [f"Report {index}:"]
    size = len(parts[0])
    while size < length:
        if rng.random() < 0.08:
            word = rng.choice(NAMES)
        elif rng.random() < 0.02:
            word = f"{rng.randint(2, 99)}%"
        else:
            word = rng.choice(WORDS) + rng.choice(("", "", "", "s", "ed", "ing"))
        parts.append(word)
        size += len(word) + 1
    return " ".join(parts)[:length].rstrip() + "."


def articles(count: int, seed: int = 0) -> Iterator[str]:
    rng = random.Random(seed)
    for index in range(count):
        yield article(rng, index)


def write_jsonl(path: Path, count: int, seed: int = 0) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for index, text in enumerate(articles(count, seed)):
            row = {"text": text, "meta": {"title": f"Article {index}", "source": "bench"}}
            handle.write(json.dumps(row) + "\n")
    return path

"""Short articles in the style of our samples, for the label → train → pre-tag loop tests.

Each has a headline, a city, a person introduced by a title and one of two topics (trade or
diplomacy), and says which words an annotator would mark, so a test can label them through
the app as a person would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

CITIES = ["Kathmandu", "Beijing", "Ulaanbaatar", "Cairo", "Tbilisi", "Elista", "Hanoi", "Delhi"]
PEOPLE = ["Anna Petrova", "Ram Sharma", "Li Wei", "Omar Haddad", "Nino Beridze", "Batu Oyun"]
TITLES = ["Trade Minister", "Foreign Minister", "Ambassador", "President"]
TRADE = [
    "{title} {person} said exports of tea and wheat from {city} grew by a fifth this year.",
    "In {city}, {title} {person} announced lower tariffs on steel and a new customs deal.",
]
DIPLOMACY = [
    "{title} {person} arrived in {city} for talks on the border treaty with two neighbours.",
    "Leaders gathered in {city}, where {title} {person} called for a summit before spring.",
]


@dataclass(frozen=True)
class Article:
    text: str
    city: str
    person: str
    topic: str


def make_articles(count: int, seed: int = 7) -> list[Article]:
    rng = random.Random(seed)
    found = []
    for index in range(count):
        topic = "trade" if index % 2 else "diplomacy"
        template = rng.choice(TRADE if topic == "trade" else DIPLOMACY)
        city, person, title = rng.choice(CITIES), rng.choice(PEOPLE), rng.choice(TITLES)
        body = template.format(title=title, person=person, city=city)
        text = f"Report {index:02} from the region\n\n{body} Officials 🙂 welcomed the news."
        found.append(Article(text, city, person, topic))
    return found


def write_articles(folder: Path, articles: list[Article]) -> Path:
    folder.mkdir()
    for index, article in enumerate(articles):
        (folder / f"{index:03}.txt").write_text(article.text, encoding="utf-8")
    return folder

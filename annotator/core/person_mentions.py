"""Persons as news names them: after a title or role, and again wherever the name recurs.

An entity ruler cannot find these. Its match is the whole entity, but news puts the title in
front of the name ("Prime Minister Khadga Prasad Sharma Oli") and OntoNotes, the scheme users
correct pre-tags towards, leaves the title out. So this component runs after the ruler and
finds names only where a title, an honorific or a role vouches for them, never from
capitalisation alone: a sentence's first word is not a person, nor is every word of a
title-case headline. A name found once is then tagged wherever the document repeats it, whole
or by its last word ("Oli", "Putin"), because news introduces a person once and then drops the
title. Words the ruler already labelled keep their label ("Austin" stays a city), except
inside a name a title vouches for ("Defence Secretary Lloyd Austin").

The word lists are the component's config, so they are saved in the pipeline's
``config.cfg`` and a changed list changes the pipeline's fingerprint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

FACTORY = "annotator_person_mentions"
LABEL = "PERSON"
MAX_NAME_WORDS = 5
#: How far after "Name," a role may come: "Erdni Tserenov, First Deputy Prime Minister".
MAX_ROLE_DISTANCE = 5
#: A line of this many long words, all capitalised and with no comma, is a title-case
#: headline: its capitalised verbs ("Says", "Visits") would pass for names.
HEADLINE_MIN_WORDS = 3
#: Labels a name may swallow when a title vouches for it; others (dates, money, ORG) end it.
NAME_LIKE_LABELS = ("GPE", "NORP", "LOC")
INITIAL = re.compile(r"^[A-Z]\.?$")
ROMAN_NUMERAL = re.compile(r"^(II|III|IV|V|VI|VII|VIII|IX|X)$")
APOSTROPHES = str.maketrans("", "", "'’")
LINE_BREAK = "\n"
COMPLEMENT_PREPOSITIONS = ("of", "for")
COMPLEMENT_ARTICLES = ("the",)
CLOSING_PUNCTUATION = (",", ".", ";", ":", ")")
ROLE_LEAD_INS = ("the", "a", "an", "its", "his", "her", "their", "'s", "’s", "-")
HYPHENS = ("-", "‐")
#: "In Springfield Heights, Mayor ...": a capitalised run after these is a place.
PLACE_PREPOSITIONS = ("in", "at", "from", "near", "on", "across", "around", "of", "into", "to")
TITLE_SUFFIXES = ("elect", "designate")

HONORIFICS = [
    "Mr",
    "Mr.",
    "Mrs",
    "Mrs.",
    "Ms",
    "Ms.",
    "Dr",
    "Dr.",
    "Prof",
    "Prof.",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "Madame",
    "Mme",
    "Monsieur",
]
TITLES = [
    "President",
    "Vice",
    "Minister",
    "Premier",
    "Chancellor",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Emperor",
    "Empress",
    "Crown",
    "Pope",
    "Patriarch",
    "Metropolitan",
    "Archbishop",
    "Bishop",
    "Cardinal",
    "Imam",
    "Ayatollah",
    "Mufti",
    "Rabbi",
    "Reverend",
    "Rev.",
    "Lama",
    "Sheikh",
    "Emir",
    "Sultan",
    "Governor",
    "Mayor",
    "Senator",
    "Sen.",
    "Congressman",
    "Congresswoman",
    "Representative",
    "Rep.",
    "Ambassador",
    "Envoy",
    "Secretary",
    "Spokesman",
    "Spokeswoman",
    "Spokesperson",
    "Chairman",
    "Chairwoman",
    "Chairperson",
    "Chair",
    "Head",
    "Leader",
    "Speaker",
    "Director",
    "Commissioner",
    "Prosecutor",
    "Attorney",
    "Judge",
    "Justice",
    "Adviser",
    "Advisor",
    "Aide",
    "Deputy",
    "Member",
    "Delegate",
    "MP",
    "CEO",
    "Chief",
    "Founder",
    "General",
    "Gen.",
    "Colonel",
    "Col.",
    "Lieutenant",
    "Lt.",
    "Admiral",
    "Adm.",
    "Marshal",
    "Commander",
    "Captain",
    "Capt.",
    "Sergeant",
    "Professor",
    "Coach",
]
#: Titles that also precede a name in lower case ("opposition leader Rahul Gandhi"); "head",
#: "general" or "member" in lower case are too often ordinary words.
LOWERCASE_TITLES = [
    "president",
    "minister",
    "premier",
    "chancellor",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "governor",
    "mayor",
    "senator",
    "ambassador",
    "envoy",
    "secretary",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "chairman",
    "chairwoman",
    "leader",
    "commissioner",
    "adviser",
    "advisor",
]
#: Occupations that, after "Name,", say the name is a person's ("Jane Doe, an economist").
ROLES = [
    "analyst",
    "economist",
    "expert",
    "scholar",
    "researcher",
    "scientist",
    "professor",
    "journalist",
    "correspondent",
    "editor",
    "writer",
    "author",
    "artist",
    "singer",
    "soloist",
    "musician",
    "actor",
    "actress",
    "lawyer",
    "activist",
    "diplomat",
    "politician",
    "lawmaker",
    "official",
    "founder",
    "director",
    "head",
    "chief",
    "deputy",
    "monk",
    "abbot",
]
#: Words of institutions, places and things named after people: a capitalised run holding one
#: is not a person ("King Street", "General Motors"), and they may make up the "of" part of a
#: title ("Minister of Foreign Affairs Sergei Lavrov").
INSTITUTION_WORDS = [
    "Affairs",
    "Foreign",
    "Defence",
    "Defense",
    "Finance",
    "Economy",
    "Economic",
    "Development",
    "Trade",
    "Industry",
    "Energy",
    "Health",
    "Education",
    "Science",
    "Culture",
    "Interior",
    "Internal",
    "Home",
    "Agriculture",
    "Transport",
    "Labour",
    "Labor",
    "Environment",
    "Emergency",
    "Situations",
    "Security",
    "State",
    "Treasury",
    "Commerce",
    "Tourism",
    "Information",
    "Communications",
    "Resources",
    "Social",
    "Welfare",
    "Justice",
    "Republic",
    "Federation",
    "Kingdom",
    "Emirate",
    "Council",
    "Committee",
    "Commission",
    "Assembly",
    "Parliament",
    "Government",
    "Ministry",
    "Department",
    "Office",
    "Bank",
    "Board",
    "Court",
    "Supreme",
    "Central",
    "National",
    "Federal",
    "Joint",
    "Chiefs",
    "Staff",
    "Army",
    "Navy",
    "Air",
    "Force",
    "Forces",
    "Armed",
    "Police",
    "Guard",
    "Party",
    "Union",
    "Agency",
    "Service",
    "Authority",
    "Administration",
    "Region",
    "Province",
    "Oblast",
    "District",
    "City",
    "County",
    "Municipality",
    "Directors",
    "University",
    "Institute",
    "Academy",
    "Company",
    "Corporation",
    "Group",
    "Fund",
    "Foundation",
    "Organisation",
    "Organization",
    "Association",
    "Motors",
    "Electric",
    "Dynamics",
    "Street",
    "Road",
    "Avenue",
    "Square",
    "Palace",
    "House",
    "Tower",
    "Bridge",
    "Airport",
    "Station",
    "Hotel",
    "Hospital",
    "Museum",
    "Centre",
    "Center",
    "School",
    "College",
    "Stadium",
    "Island",
    "Islands",
    "Cathedral",
    "Monastery",
    "Mosque",
    "Library",
    "Gallery",
    "Theatre",
    "Theater",
    "Opera",
    "Orchestra",
    "Prize",
    "Award",
    "Cup",
    "Act",
    "Law",
    "Doctrine",
    "Day",
    "Festival",
    "Forum",
    "Summit",
    "Initiative",
]
#: Lower-case parts of names: "Ursula von der Leyen", "Lula da Silva", "Abdel Fattah al-Sisi".
PARTICLES = [
    "von",
    "van",
    "der",
    "den",
    "de",
    "da",
    "das",
    "dos",
    "del",
    "della",
    "di",
    "du",
    "la",
    "le",
    "bin",
    "ibn",
    "al",
    "el",
    "ben",
]
#: Capitalised words that are never a person's name, so neither part of one nor a repeat of one.
NOT_NAMES = [
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
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Prime",
    "Acting",
    "Interim",
    "Executive",
    "Permanent",
    "Senior",
    "Elect",
]


@dataclass
class Words:
    """The config's word lists as sets, and the ones derived from them."""

    honorifics: frozenset[str]
    titles: frozenset[str]
    lowercase_titles: frozenset[str]
    roles: frozenset[str]
    institutions: frozenset[str]
    particles: frozenset[str]
    not_names: frozenset[str]
    title_words: frozenset[str] = field(init=False)
    role_words: frozenset[str] = field(init=False)
    trigger_ids: frozenset[int] = field(init=False)

    def __post_init__(self) -> None:
        self.title_words = self.honorifics | self.titles | self.lowercase_titles
        self.role_words = self.titles | self.lowercase_titles | self.roles
        self.trigger_ids = frozenset(get_string_id(w) for w in self.title_words | self.role_words)

    def is_name(self, text: str) -> bool:
        """A capitalised word with lower-case letters ("Oli", "McDonald", "O'Brien") that no
        list claims; all-capital words are acronyms or shouting, not names."""
        return (
            text[:1].isupper()
            and any(c.islower() for c in text)
            and text.translate(APOSTROPHES).isalpha()
            and text not in self.not_names
            and text not in self.title_words
        )


@Language.factory(
    FACTORY,
    default_config={
        "honorifics": HONORIFICS,
        "titles": TITLES,
        "lowercase_titles": LOWERCASE_TITLES,
        "roles": ROLES,
        "institution_words": INSTITUTION_WORDS,
        "particles": PARTICLES,
        "not_names": NOT_NAMES,
    },
)
def make_person_mentions(
    nlp: Language,
    name: str,
    honorifics: list[str],
    titles: list[str],
    lowercase_titles: list[str],
    roles: list[str],
    institution_words: list[str],
    particles: list[str],
    not_names: list[str],
) -> PersonMentions:
    stop_words = {w.capitalize() for w in nlp.Defaults.stop_words}
    words = Words(
        honorifics=frozenset(honorifics),
        titles=frozenset(titles),
        lowercase_titles=frozenset(lowercase_titles),
        roles=frozenset(roles),
        institutions=frozenset(institution_words),
        particles=frozenset(particles),
        not_names=frozenset(not_names) | frozenset(institution_words) | stop_words,
    )
    return PersonMentions(name, words)


class PersonMentions:
    """Adds PERSON entities after titles and roles, then at every repeat of those names."""

    def __init__(self, name: str, words: Words) -> None:
        self.name = name
        self.words = words

    @property
    def labels(self) -> tuple[str, ...]:
        return (LABEL,)

    def __call__(self, doc: Doc) -> Doc:
        # Token ids, not Token objects: this runs on every token of every article.
        ids = doc.to_array(ORTH).tolist()
        trigger_ids = self.words.trigger_ids
        triggers = [i for i, orth in enumerate(ids) if orth in trigger_ids]
        if not triggers:
            return doc
        strings = doc.vocab.strings
        finder = NameFinder(doc, [strings[orth] for orth in ids], self.words)
        found = [span for i in triggers for span in finder.at(i)]
        if not found:
            return doc
        persons = filter_spans(found)
        finder.claim(persons)
        persons += finder.repeats(persons)
        # A person replaces only entities wholly inside it ("Austin" in "Lloyd Austin").
        doc.set_ents(persons, default="unmodified")
        return doc


class NameFinder:
    """Reads one document's tokens around titles and roles; knows which tokens the ruler
    labelled and which lines are title-case headlines."""

    def __init__(self, doc: Doc, texts: list[str], words: Words) -> None:
        self.doc = doc
        self.texts = texts
        self.words = words
        self.entity_at: list[Span | None] = [None] * len(texts)
        for entity in doc.ents:
            for i in range(entity.start, entity.end):
                self.entity_at[i] = entity
        self.headline_lines: dict[int, bool] = {}

    def at(self, i: int) -> Iterable[Span]:
        """Names the title or role word at ``i`` vouches for."""
        text = self.texts[i]
        words = self.words
        if self.in_headline(i):
            return
        if text in words.title_words and (name := self.after_title(i)) is not None:
            yield name
        if text in words.role_words and (name := self.before_role(i)) is not None:
            yield name

    def after_title(self, i: int) -> Span | None:
        """The name after the title, without it: "President Xi Jinping", "Head of the Republic
        of Kalmykia Batu Khasikov", "the foreign minister, Sergei Lavrov,"."""
        texts, n = self.texts, len(self.texts)
        honorific = texts[i] in self.words.honorifics
        j = i + 1
        if j + 1 < n and texts[j] in HYPHENS and texts[j + 1].lower() in TITLE_SUFFIXES:
            j += 2
        if j < n and texts[j] in COMPLEMENT_PREPOSITIONS and not honorific:
            j = self.skip_complement(j)
        if j is None or j >= n:
            return None
        if texts[j] == ",":
            end = self.name_end(j + 1)
            closed = end is not None and (end == n or texts[end] in CLOSING_PUNCTUATION)
            return self.person(j + 1, end, honorific) if closed else None
        return self.person(j, self.name_end(j), honorific)

    def skip_complement(self, j: int) -> int | None:
        """The token after "of the Republic of Kalmykia": each part must be something the
        ruler labelled or a run of institution words, so the name's first word is not taken
        for the end of a place."""
        texts, n = self.texts, len(self.texts)
        while j < n and texts[j] in COMPLEMENT_PREPOSITIONS:
            j += 1
            if j < n and texts[j] in COMPLEMENT_ARTICLES:
                j += 1
            if j >= n:
                return None
            entity = self.entity_at[j]
            if entity is not None and entity.start == j:
                j = entity.end
                continue
            start = j
            while j < n and texts[j] in self.words.institutions:
                j += 1
            if j == start:
                return None
        return j

    def name_end(self, start: int) -> int | None:
        """The end of the name that starts at ``start``: capitalised words, initials, hyphens
        and particles inside it, a regnal number after it; None if no name starts there."""
        texts, n, words = self.texts, len(self.texts), self.words
        j, count = start, 0
        while j < n and count < MAX_NAME_WORDS:
            text = texts[j]
            entity = self.entity_at[j]
            if entity is not None and (
                entity.label_ not in NAME_LIKE_LABELS or entity.start < start
            ):
                break
            if words.is_name(text) or (INITIAL.match(text) and text not in ("A", "I")):
                j, count = j + 1, count + 1
            elif self.links_name(j, start):
                j += 1
            elif count and ROMAN_NUMERAL.match(text):
                j += 1
                break
            else:
                break
        if not count:
            return None
        if j < n and (texts[j] in words.institutions or words.is_name(texts[j])):
            return None
        entity = self.entity_at[j - 1]
        if entity is not None and entity.end > j:
            return None
        return j

    def links_name(self, j: int, start: int) -> bool:
        """Whether token ``j`` joins words of one name: a hyphen ("Kassym-Jomart") or a
        particle before the rest of it ("von der Leyen", "al-Sisi")."""
        texts, n, words = self.texts, len(self.texts), self.words
        if texts[j] in HYPHENS:
            return j > start and j + 1 < n and words.is_name(texts[j + 1])
        if texts[j] not in words.particles:
            return False
        while j < n and texts[j] in words.particles:
            j += 1
        return j < n and (words.is_name(texts[j]) or (texts[j] in HYPHENS and j + 1 < n))

    def person(self, start: int, end: int | None, honorific: bool) -> Span | None:
        """The name, unless it is only a word the ruler labelled: "Captain America" is not a
        person, though "Mr Jordan" is."""
        if end is None:
            return None
        if not honorific and all(self.entity_at[k] is not None for k in range(start, end)):
            return None
        return Span(self.doc, start, end, label=LABEL)

    def before_role(self, i: int) -> Span | None:
        """The name before a role: "Bayir Puteev, Member of ...", "Jane Doe, an economist".
        It has two or more words, then a comma (and perhaps a parenthesis) and soon the role.
        Nothing the ruler labelled may be in it, and the role must be a title when capitalised
        or an occupation when not, so "Central Buddhist Spiritual Administration, Member" is
        no one."""
        texts, words = self.texts, self.words
        j = i - 1
        while j > 0 and i - j <= MAX_ROLE_DISTANCE and texts[j] != ",":
            if not (texts[j] in ROLE_LEAD_INS or texts[j][:1].isalpha()):
                return None
            j -= 1
        if j <= 0 or texts[j] != ",":
            return None
        end = j
        if texts[end - 1] == ")":
            opening = end - 1
            while opening > 0 and end - opening <= MAX_ROLE_DISTANCE and texts[opening] != "(":
                opening -= 1
            if texts[opening] != "(":
                return None
            end = opening
        start = end
        while start > 0 and words.is_name(texts[start - 1]):
            start -= 1
        if end - start < 2 or end - start > MAX_NAME_WORDS:
            return None
        before = texts[start - 1] if start > 0 else ""
        if before in words.particles or before in HYPHENS or before in words.title_words:
            return None
        if before.lower() in PLACE_PREPOSITIONS:
            return None
        if any(self.entity_at[k] is not None for k in range(start, end)):
            return None
        return Span(self.doc, start, end, label=LABEL)

    def in_headline(self, i: int) -> bool:
        """Whether token ``i`` is on a title-case line ("Kremlin Says Putin To Meet Asian
        Leaders"): there, capitalised verbs would run into names."""
        texts = self.texts
        start = i
        while start > 0 and LINE_BREAK not in texts[start - 1]:
            start -= 1
        if start not in self.headline_lines:
            end = i
            while end < len(texts) and LINE_BREAK not in texts[end]:
                end += 1
            line = texts[start:end]
            long_words = [t for t in line if len(t) >= 4 and t.isalpha()]
            self.headline_lines[start] = (
                len(long_words) >= HEADLINE_MIN_WORDS
                and "," not in line
                and all(t[0].isupper() for t in long_words)
            )
        return self.headline_lines[start]

    def claim(self, persons: list[Span]) -> None:
        """Mark the tokens of ``persons`` as taken, so repeats do not land inside them."""
        for person in persons:
            for k in range(person.start, person.end):
                self.entity_at[k] = person

    def repeats(self, persons: list[Span]) -> list[Span]:
        """Every other place the document names these persons, whole or by the last word
        (with its particles: "von der Leyen"), where nothing else is labelled."""
        texts, words = self.texts, self.words
        known: dict[str, set[tuple[str, ...]]] = {}
        for person in persons:
            name = tuple(texts[person.start : person.end])
            last = surname(name, words)
            # A sentence may begin with the surname's particle: "Von der Leyen said".
            capitalised = (last[0].capitalize(), *last[1:]) if last else ()
            for form in (name, last, capitalised):
                if form and not (len(form) == 1 and form[0] in words.not_names):
                    known.setdefault(form[0], set()).add(form)
        found: list[Span] = []
        i, n = 0, len(texts)
        while i < n:
            forms = known.get(texts[i])
            match = None
            for form in sorted(forms or (), key=len, reverse=True):
                end = i + len(form)
                if tuple(texts[i:end]) == form and self.free(i, end):
                    match = end
                    break
            if match is None:
                i += 1
                continue
            found.append(Span(self.doc, i, match, label=LABEL))
            i = match
        return found

    def free(self, start: int, end: int) -> bool:
        """Nothing labelled in ``start:end`` and no institution word after it: "Hong" is no
        person in "Hong Kong", nor "Putin" in "Putin Street"."""
        if any(self.entity_at[k] is not None for k in range(start, end)):
            return False
        return end == len(self.texts) or self.texts[end] not in self.words.institutions


def surname(name: tuple[str, ...], words: Words) -> tuple[str, ...]:
    """The last word of a name of several words, with the particles before it and the parts
    hyphenated to it ("Oyun-Erdene"); none for a one-word name or one ending in a numeral."""
    if len(name) < 2 or ROMAN_NUMERAL.match(name[-1]) or INITIAL.match(name[-1]):
        return ()
    start = len(name) - 1
    while start > 1 and name[start - 1] in HYPHENS:
        start -= 2
    while start > 1 and name[start - 1] in words.particles:
        start -= 1
    return name[start:] if start > 0 else ()

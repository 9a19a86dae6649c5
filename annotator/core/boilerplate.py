"""Boilerplate: what a scraped page carries around the article (menus, "No Result / View All
Result", "Related Posts", "Most Popular", footers), greyed in the app, given no suggestions,
skipped by accept-all and exported as "not judged" rather than "not an entity".

Found line by line, three ways:
- a short line that recurs in several documents of the project (a site's menu and footer);
- a short line that recurs within the page itself (menus drawn twice, "No time to read?");
- navigation lines ("Previous Post", "Most Popular", "All rights reserved."), and everything
  after the first "Previous/Next/Related/Most Popular" heading that follows the article body.
A person can also mark a region by key and unmark one; an unmarked detected region is
remembered as article text, so detecting again does not grey it anew.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.errors import SpanError
from annotator.core.progress import CancelCallback, ProgressCallback, Reporter
from annotator.core.spans import check_bounds
from annotator.core.store import boilerplate as store

if TYPE_CHECKING:
    from annotator.core.project import Project

#: Lines of at most this many words can be boilerplate by recurring; longer ones are prose.
SHORT_LINE_WORDS = 12
#: A recurring line within one page must be shorter still (a headline shown twice is not).
REPEATED_IN_PAGE_WORDS = 6
#: A line that recurs in this many documents is the site's, not an article's.
MIN_DOCUMENTS = 3
#: A paragraph this long is article body; tail headings only count after one.
BODY_WORDS = 20
PAGE = 500

_BULLET = re.compile(r"^[\s•·▪◦*\-–—]+")
_SPACES = re.compile(r"\s+")
NAVIGATION = re.compile(
    r"^(previous|next) (post|article|story)$|^related (posts|articles|stories|news)$"
    r"|^most (popular|read|viewed)$|^(read|see) (more|also)$|^you (may|might) also like$"
    r"|^all rights reserved\.?$|^©.*$|^copyright\b.*$|^no results?$|^view all results?$"
    r"|^no time to read\?$|^get a summary$|^share( this)?( article| post)?:?$"
    r"|^follow( us)?\b.{0,40}$|^(advertisement|subscribe|sign up|log ?in|menu|search)$"
)
TAIL = re.compile(
    r"^(previous|next) (post|article|story)$|^related (posts|articles|stories|news)$"
    r"|^most (popular|read|viewed)$|^you (may|might) also like$"
)


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    key: str
    words: int

    @property
    def sentence(self) -> bool:
        """A sentence of some length: article prose even when several texts repeat it (a
        wire story's one-line paragraph), never greyed for recurring."""
        return self.words >= 6 and self.key.endswith((".", "!", "?", "…", "”", '"'))


def lines(text: str) -> list[Line]:
    """Non-blank lines with their offsets (code points) and a comparison key: bullets, case
    and spacing do not make two menu lines different."""
    found: list[Line] = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            key = _SPACES.sub(" ", _BULLET.sub("", stripped)).casefold()
            start = offset + lead
            found.append(Line(start, start + len(stripped), key, len(key.split())))
        offset += len(raw)
    return found


def _line_hash(key: str) -> int:
    return zlib.crc32(key.encode("utf-8"))


def in_page(text: str, recurring: set[int] | frozenset[int] = frozenset()) -> list[tuple[int, int]]:
    """The boilerplate regions of one text; ``recurring`` holds the hashes of short lines that
    recur across the project."""
    found = lines(text)
    counts = Counter(line.key for line in found if line.words <= REPEATED_IN_PAGE_WORDS)
    marked: list[tuple[int, int]] = []
    body_seen = False
    for line in found:
        if body_seen and TAIL.match(line.key):
            marked.append((line.start, len(text.rstrip())))
            break
        short = line.words <= SHORT_LINE_WORDS and not line.sentence
        if (
            NAVIGATION.match(line.key)
            or (line.words <= REPEATED_IN_PAGE_WORDS and counts[line.key] > 1)
            or (short and _line_hash(line.key) in recurring)
        ):
            marked.append((line.start, line.end))
        body_seen = body_seen or line.words >= BODY_WORDS
    return merge(text, marked)


def merge(text: str, regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join regions separated only by whitespace, so a menu is one region, not twenty."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(regions):
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def headline(text: str, greyed: list[tuple[int, int]] | None = None) -> str | None:
    """The first line that is not boilerplate: a scraped page's headline, not its site name."""
    greyed = in_page(text) if greyed is None else greyed
    found = lines(text)
    for line in found:
        if not any(start <= line.start < end for start, end in greyed):
            return text[line.start : line.end][:300]
    return text[found[0].start : found[0].end][:300] if found else None


def _title_in(text: str, title: str | None, greyed: list[tuple[int, int]]) -> bool:
    """Whether the title is one of the text's greyed lines (the site's name, say)."""
    return bool(title) and any(title in text[start:end] for start, end in greyed)


@dataclass
class BoilerplateReport:
    documents: int = 0
    #: Documents with at least one region, and the regions.
    with_boilerplate: int = 0
    regions: int = 0
    #: Short lines found in at least ``min_documents`` documents.
    recurring_lines: int = 0
    #: Documents whose title was a line of boilerplate (the site's name), now the headline.
    retitled: int = 0

    def summary(self) -> str:
        return (
            f"Boilerplate: {self.regions:,} region(s) in {self.with_boilerplate:,} of "
            f"{self.documents:,} documents ({self.recurring_lines:,} line(s) recur across "
            "documents)."
            + (
                f" {self.retitled:,} title(s) were the site's, now the headline."
                if self.retitled
                else ""
            )
        )


def _pages(project: Project) -> Iterator[list[tuple[int, str, str | None]]]:
    after = 0
    while True:
        with project.read() as conn:
            page = store.text_pages(conn, after, PAGE)
        if not page:
            return
        after = page[-1][0]
        yield page


def detect(
    project: Project,
    *,
    min_documents: int = MIN_DOCUMENTS,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
) -> BoilerplateReport:
    """Find the boilerplate of every document again (people's marks and unmarks stay): one
    pass counts short lines across the project, a second writes the regions a page at a
    time."""
    reporter = Reporter(progress, cancel)
    total = project.document_count()
    seen: Counter[int] = Counter()
    for page in _pages(project):
        reporter.check_cancelled()
        for _id, text, _title in page:
            seen.update(
                {
                    _line_hash(line.key)
                    for line in lines(text)
                    if line.words <= SHORT_LINE_WORDS and not line.sentence
                }
            )
    recurring = {key for key, count in seen.items() if count >= min_documents}
    report = BoilerplateReport(recurring_lines=len(recurring))
    for page in _pages(project):
        reporter.check_cancelled()
        ids = [document_id for document_id, _, _ in page]
        with project.read() as conn:
            kept = store.regions(conn, ids, ("kept",))
        found: dict[int, list[tuple[int, int]]] = {}
        titles: list[tuple[str, int]] = []
        for document_id, text, title in page:
            keep = kept.get(document_id, [])
            found[document_id] = [
                (start, end)
                for start, end in in_page(text, recurring)
                if not any(start < k_end and k_start < end for k_start, k_end, _ in keep)
            ]
            if _title_in(text, title, found[document_id]):
                better = headline(text, found[document_id])
                if better and better != title:
                    titles.append((better, document_id))
        with project.write() as conn:
            report.regions += store.replace_detected(conn, found)
            store.set_titles(conn, titles)
        report.retitled += len(titles)
        report.documents += len(page)
        report.with_boilerplate += sum(1 for spans in found.values() if spans)
        reporter.report(report.documents, total, "Finding boilerplate")
    return report


@dataclass(frozen=True)
class Region:
    start: int
    end: int
    kind: str


def regions(project: Project, document_id: int) -> list[Region]:
    """The document's greyed regions, in text order."""
    with project.read() as conn:
        found = store.regions(conn, [document_id])
    return [Region(start, end, kind) for start, end, kind in found.get(document_id, [])]


@dataclass(frozen=True)
class Change:
    """What a mark or unmark did, so undo can put it back exactly."""

    document_id: int
    removed: tuple[tuple[int, int, str, int | None], ...]
    added: int | None


def mark(project: Project, document_id: int, start: int, end: int, annotator: str) -> Change:
    """Grey start..end as boilerplate (a person's mark; it replaces "kept" notes there)."""
    text = project.text(document_id)
    check_bounds(len(text), start, end)
    who = project.ensure_annotator(annotator).id
    with project.write() as conn:
        removed = store.remove_overlapping(conn, document_id, start, end, ("kept",))
        added = store.add_region(conn, document_id, start, end, "marked", who)
    return Change(document_id, tuple(removed), added)


def unmark(project: Project, document_id: int, start: int, end: int, annotator: str) -> Change:
    """Make the greyed regions over start..end article text again; detected ones are
    remembered as kept, so the next detection leaves them alone."""
    who = project.ensure_annotator(annotator).id
    with project.write() as conn:
        removed = store.remove_overlapping(conn, document_id, start, end, ("detected", "marked"))
        if not removed:
            raise SpanError("There is no boilerplate there to unmark.")
        low = min(row[0] for row in removed)
        high = max(row[1] for row in removed)
        added = None
        if any(row[2] == "detected" for row in removed):
            added = store.add_region(conn, document_id, low, high, "kept", who)
    return Change(document_id, tuple(removed), added)


def undo(project: Project, change: Change) -> None:
    """Put the regions back as they were before ``change``."""
    with project.write() as conn:
        if change.added is not None:
            store.remove_region(conn, change.added)
        store.restore(conn, change.document_id, change.removed)

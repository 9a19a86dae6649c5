"""What an import did, counted from the store, and what it did not keep, by name.

The command line and the app show the same lines (``summary_lines``), so a user sees the same
account wherever they import from. Span, relation and topic counts are the change in the store
(reported equals stored); what was not kept is listed by file, with the reason.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

#: At most this many bad records are named one by one in a message; the rest are counted.
LISTED = 20


@dataclass(frozen=True)
class Problem:
    """A file or one record of it that was not imported, and why."""

    path: Path
    line: int | None
    reason: str

    def describe(self) -> str:
        where = f"{self.path}, line {self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Omitted:
    """Something a file held that the project did not keep (a field, a line type, a column)."""

    path: Path
    what: str
    reason: str
    count: int


@dataclass
class ImportReport:
    files: int = 0
    records: int = 0
    documents_added: int = 0
    #: Records whose text was in the project before this import.
    documents_existing: int = 0
    #: Records whose text came earlier in this import (the same text twice in a file).
    documents_repeated: int = 0
    sets_added: int = 0
    #: The same task (or text, from the same annotator) again: the later record won.
    sets_superseded: int = 0
    #: Partial answers (binary judgements, links) of one text and annotator, combined.
    sets_combined: int = 0
    #: Sets already in the project, unchanged since their import, replaced by the file's.
    sets_updated: int = 0
    sets_unchanged: int = 0
    spans: Counter[str] = field(default_factory=Counter)
    rejected_spans: int = 0
    links: int = 0
    relations: int = 0
    topics: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    duplicate_spans: int = 0
    duplicate_relations: int = 0
    labels_added: dict[str, list[str]] = field(default_factory=dict)
    skipped_files: list[Problem] = field(default_factory=list)
    skipped_records: list[Problem] = field(default_factory=list)
    #: Sets edited in the project since their import: kept, the file's version not imported.
    kept_versions: list[Problem] = field(default_factory=list)
    omitted: list[Omitted] = field(default_factory=list)
    ignored: list[Problem] = field(default_factory=list)

    def absorb(self, other: ImportReport) -> None:
        """Add one file's account (kept apart until its savepoint commits) to the import's."""
        for name in (
            "files",
            "records",
            "documents_added",
            "documents_existing",
            "documents_repeated",
            "sets_added",
            "sets_superseded",
            "sets_combined",
            "sets_updated",
            "sets_unchanged",
            "rejected_spans",
            "links",
            "relations",
            "topics",
            "duplicate_spans",
            "duplicate_relations",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.spans.update(other.spans)
        for name in ("skipped_files", "skipped_records", "kept_versions", "omitted", "ignored"):
            getattr(self, name).extend(getattr(other, name))

    def omit(self, path: Path, what: str, reason: str, count: int = 1) -> None:
        """Count something not kept: one line per file and kind, however often it was met."""
        for index, known in enumerate(self.omitted):
            if (known.path, known.what, known.reason) == (path, what, reason):
                self.omitted[index] = Omitted(path, what, reason, known.count + count)
                return
        self.omitted.append(Omitted(path, what, reason, count))

    @property
    def annotation_sets(self) -> int:
        return self.sets_added + self.sets_updated

    def write_skipped(self, path: Path) -> None:
        """The report ``--skip-invalid`` promises: one JSON line per skipped file or record."""
        with path.open("w", encoding="utf-8") as handle:
            for item in self.skipped_files + self.skipped_records:
                row = {"file": str(item.path), "line": item.line, "reason": item.reason}
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")

    #: Set when the project's texts are in another script than its language.
    language_advice: str | None = None
    #: What finding boilerplate after the import found (None when it did not run).
    boilerplate: str | None = None

    def summary_lines(self) -> list[str]:
        """The account of the import, most important first, for the CLI and the app."""
        lines = [
            f"Read {self.records:,} record(s) from {self.files:,} file(s): "
            f"{self.documents_added:,} new document(s)"
            + (
                f", {self.documents_existing:,} already in the project"
                if self.documents_existing
                else ""
            )
            + (
                f", {self.documents_repeated:,} repeating a text met earlier in the import"
                if self.documents_repeated
                else ""
            )
            + "."
        ]
        if self.language_advice:
            lines.append(self.language_advice)
        if self.boilerplate:
            lines.append(self.boilerplate)
        sets = [f"{self.sets_added:,} new"]
        for count, what in (
            (self.sets_updated, "updated from the file"),
            (self.sets_unchanged, "already imported and unchanged"),
            (self.sets_superseded, "superseded by a later record of the same task"),
            (self.sets_combined, "combined with other answers on the same text"),
        ):
            if count:
                sets.append(f"{count:,} {what}")
        lines.append("Annotation sets: " + ", ".join(sets) + ".")
        if self.statuses:
            lines.append(
                "Statuses: "
                + ", ".join(
                    f"{s.replace('_', ' ')} {n:,}" for s, n in sorted(self.statuses.items())
                )
                + "."
            )
        layers = {
            "entity": "entities",
            "unreliable": "unreliable passages",
            "group": "span-group spans",
            "argument": "unlabelled relation ends",
        }
        stored = [f"{self.spans[k]:,} {name}" for k, name in layers.items() if self.spans[k]]
        if self.rejected_spans:
            stored.append(f"{self.rejected_spans:,} rejected spans")
        for count, what in (
            (self.links, "knowledge-base links"),
            (self.relations, "relations"),
            (self.topics, "topic decisions"),
        ):
            if count:
                stored.append(f"{count:,} {what}")
        lines.append("Stored: " + (", ".join(stored) if stored else "no annotations") + ".")
        for count, what in ((self.duplicate_spans, "span"), (self.duplicate_relations, "relation")):
            if count:
                lines.append(
                    f"{count:,} {what}(s) were listed twice in the same record and stored once."
                )
        for kind, names in sorted(self.labels_added.items()):
            lines.append(f"New {kind} labels: {', '.join(names)}.")
        for item in self.omitted:
            lines.append(f"Not kept from {item.path}: {item.what} ({item.count:,}): {item.reason}.")
        if self.kept_versions:
            lines.append(
                f"Kept your version of {len(self.kept_versions):,} annotation set(s) edited in "
                "this project since they were imported; the file's versions were not imported:"
            )
            lines += [f"  {p.describe()}" for p in self.kept_versions[:LISTED]]
            lines += _more(self.kept_versions)
        if self.skipped_files:
            lines.append(f"Skipped {len(self.skipped_files):,} file(s):")
            lines += [f"  {p.describe()}" for p in self.skipped_files[:LISTED]]
            lines += _more(self.skipped_files)
        if self.skipped_records:
            lines.append(f"Skipped {len(self.skipped_records):,} bad record(s):")
            lines += [f"  {p.describe()}" for p in self.skipped_records[:LISTED]]
            lines += _more(self.skipped_records)
        if self.ignored:
            lines.append(f"Ignored {len(self.ignored):,} file(s) in the folders:")
            lines += [f"  {p.describe()}" for p in self.ignored]
        return lines


def _more(items: list[Problem]) -> list[str]:
    return [f"  … and {len(items) - LISTED:,} more"] if len(items) > LISTED else []

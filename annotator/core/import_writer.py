"""Writing checked records into the store, a batch at a time, deciding what each set becomes.

For each (document, annotator) a file speaks about, one of:
- new: the project has no work of that annotator on that text;
- superseded: an earlier record of this import said it first; the later record wins;
- combined: partial answers (binary judgements, links) on one text add up to one set;
- updated: the project's set came from an earlier import and was not edited since, so the
  file's newer version replaces it;
- unchanged: the project already holds exactly this;
- kept: the project's set was edited since its import: it is kept and the file's version is
  reported, never written over someone's work.
Counts come from the store before and after each batch, so what is reported is what is stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from annotator.core.formats.txt import title_of
from annotator.core.import_report import ImportReport, Problem
from annotator.core.record_checks import combine, most_decided, overlaps_existing, shared_fields
from annotator.core.records import (
    DERIVED_TITLE,
    FORMAT_KEY,
    LAYER_KIND,
    AnnotationRecord,
    DocumentRecord,
    LabelKind,
    Layer,
    Status,
    annotation_digest,
    joined_fields,
    public,
)
from annotator.core.store import imports as store
from annotator.core.store import labels as label_store
from annotator.core.store.bulk import ensure_label_id, now_text
from annotator.core.store.content import StoredContent, annotation_contents, dumps


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: Fields naming one task that a combined set no longer is: rebuilt on export from what the
#: set holds (a new task hash; the binary ``label`` from its topic decisions), so not lost.
REBUILT_FIELDS = frozenset({"_task_hash", "label"})


@dataclass
class ImportState:
    """What one import remembers across its files: where its own rows begin, which existing
    sets it replaced, and the labels it has looked up or added."""

    first_new_document: int
    first_new_annotation: int
    replaced: set[int] = field(default_factory=set)
    labels: dict[tuple[str, str], int] = field(default_factory=dict)
    labels_added: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def start(cls, conn: Connection) -> ImportState:
        return cls(store.max_id(conn, "documents"), store.max_id(conn, "annotations"))

    def label_id(self, conn: Connection, kind: LabelKind, name: str) -> int:
        key = (kind.value, name)
        if key not in self.labels:
            known = label_store.label_id(conn, kind.value, name)
            if known is None:
                known = ensure_label_id(conn, kind, name)
                self.labels_added.setdefault(kind.value, []).append(name)
            self.labels[key] = known
        return self.labels[key]

    def created_here(self, annotation_id: int) -> bool:
        return annotation_id > self.first_new_annotation or annotation_id in self.replaced


@dataclass(frozen=True)
class Entry:
    """A checked record and where it came from: the file (for messages) and its format
    (which kept fields belong to)."""

    record: DocumentRecord
    path: Path
    format: str


@dataclass
class _Pending:
    annotation: AnnotationRecord
    line: int | None
    who: int
    path: Path
    format: str


@dataclass
class _Plan:
    """What a batch writes: sets to insert, to rewrite, to add to, and their records."""

    new: dict[tuple[int, int], _Pending] = field(default_factory=dict)
    rewrite: dict[int, _Pending] = field(default_factory=dict)
    add_into: dict[int, _Pending] = field(default_factory=dict)


class BatchWriter:
    """Writes batches of checked records (of one file, or of many small files at once); its
    counts go into ``report``, and records it finds bad into ``bad``."""

    def __init__(
        self,
        conn: Connection,
        default_annotator: str,
        state: ImportState,
        report: ImportReport,
    ) -> None:
        self.conn = conn
        self.default_annotator = default_annotator
        self.state = state
        self.report = report
        self.bad: list[Problem] = []

    def write_batch(self, entries: list[Entry]) -> None:
        document_ids = self._write_documents(entries)
        pending = self._resolve_in_batch(entries, document_ids)
        plan = self._plan(pending)
        self._write(plan)

    # Documents ----------------------------------------------------------------------------

    def _write_documents(self, entries: list[Entry]) -> list[int]:
        records = [entry.record for entry in entries]
        hashes = [content_hash(r.text) for r in records]
        before = store.max_id(self.conn, "documents")
        now = now_text()
        rows = [
            (
                r.text,
                r.title or title_of(r.text),
                r.source,
                _json(r.meta),
                h,
                len(r.text),
                now,
                _json(extra) if (extra := _document_extra(r, e.format)) else None,
            )
            for r, e, h in zip(records, entries, hashes, strict=True)
        ]
        self.report.documents_added += store.insert_documents(self.conn, rows)
        ids = store.documents_after(self.conn, before)
        missing = [h for h in hashes if h not in ids]
        if missing:
            ids.update(store.document_ids(self.conn, missing))
        counted: set[str] = set()
        joined: list[tuple[int, Entry]] = []
        for digest, entry in zip(hashes, entries, strict=True):
            document_id = ids[digest]
            if document_id <= self.state.first_new_document:
                self.report.documents_existing += 1
            elif document_id > before and digest not in counted:
                counted.add(digest)
                continue
            else:
                self.report.documents_repeated += 1
            joined.append((document_id, entry))
        self._join_document_fields(joined)
        self.report.records += len(records)
        return [ids[h] for h in hashes]

    def _join_document_fields(self, joined: list[tuple[int, Entry]]) -> None:
        """A record whose text is already stored brings its document fields too: a title, a
        metadata key or a kept field (Prodigy's ``_input_hash``) the stored document lacks is
        added; one that differs from the stored value is named in the report."""
        joined = [(i, e) for i, e in joined if e.record.title or e.record.meta or e.record.extra]
        if not joined:
            return
        fields = store.document_fields(self.conn, sorted({i for i, _ in joined}))
        changed: set[int] = set()
        for document_id, entry in joined:
            record = entry.record
            title, meta, extra = fields[document_id]
            before = (title, dict(meta), dict(extra))
            if record.title and extra.pop(DERIVED_TITLE, False):
                title = None  # made here from the first line: the file's own title wins
            incoming = public(record.extra)
            differing = [f"meta.{k}" for k, v in record.meta.items() if meta.get(k, v) != v]
            differing += [k for k, v in incoming.items() if extra.get(k, v) != v]
            if record.title and title and record.title != title:
                differing.append("title")
            fields[document_id] = (
                title or record.title,
                {**record.meta, **meta},
                joined_fields(extra, incoming, entry.format),
            )
            if fields[document_id] != before:
                changed.add(document_id)
            for key in differing:
                self.report.omit(
                    entry.path,
                    f"document field {key!r} of a record whose text is already stored",
                    "a text is stored once, with the first value met",
                )
        store.update_document_fields(
            self.conn,
            [
                (title, _json(meta), dumps(extra), document_id)
                for document_id, (title, meta, extra) in fields.items()
                if document_id in changed
            ],
        )

    # Deciding -----------------------------------------------------------------------------

    def _resolve_in_batch(
        self, entries: list[Entry], document_ids: list[int]
    ) -> dict[tuple[int, int], _Pending]:
        """Repeated records within the batch: the later wins, partial answers combine."""
        names = {
            a.annotator or self.default_annotator for e in entries for a in e.record.annotations
        }
        annotators = store.annotator_ids(self.conn, names)
        pending: dict[tuple[int, int], _Pending] = {}
        for entry, document_id in zip(entries, document_ids, strict=True):
            record = entry.record
            for annotation in record.annotations:
                name = annotation.annotator or self.default_annotator
                key = (document_id, annotators[name])
                earlier = pending.get(key)
                later = _Pending(annotation, record.line, key[1], entry.path, entry.format)
                if earlier is None:
                    pending[key] = later
                elif _combines(earlier.annotation, annotation):
                    merged = self._combined(earlier.annotation, later)
                    if merged is not None:
                        pending[key] = replace(earlier, annotation=merged)
                        self.report.sets_combined += 1
                else:
                    pending[key] = later
                    self.report.sets_superseded += 1
        return pending

    def _combined(self, earlier: AnnotationRecord, item: _Pending) -> AnnotationRecord | None:
        later = item.annotation
        merged, differing = combine(earlier, later)
        accepted = [
            (s.start, s.end, s.label)
            for s in earlier.spans
            if s.layer is Layer.ENTITY and not s.rejected
        ]
        problem = overlaps_existing(later, accepted)
        if problem is not None:
            self.bad.append(Problem(item.path, item.line, problem))
            return None
        self._report_differing(item.path, differing)
        return merged

    def _report_differing(self, path: Path, differing: list[str]) -> None:
        for key in differing:
            if key in REBUILT_FIELDS:
                continue
            self.report.omit(
                path,
                f"field {key!r} of answers combined into one set",
                "the combined answers gave it different values; it belongs to no one task "
                "of the set (a new task id is made on export)",
            )

    def _plan(self, pending: dict[tuple[int, int], _Pending]) -> _Plan:
        plan = _Plan()
        stored = store.stored_sets(self.conn, pending)
        earlier_imports, earlier_answers = [], []
        for key, item in pending.items():
            existing = stored.get(key)
            if existing is None:
                plan.new[key] = item
            elif _combines_stored(existing, item.annotation):
                if self.state.created_here(existing.id):
                    plan.add_into[existing.id] = item
                else:
                    earlier_answers.append((existing, item))
            elif self.state.created_here(existing.id):
                plan.rewrite[existing.id] = item
                self.report.sets_superseded += 1
            else:
                earlier_imports.append((existing, item))
        self._compare_answers(plan, earlier_answers)
        self._check_additions(plan, stored)
        self._compare_with_project(plan, earlier_imports)
        return plan

    def _compare_answers(
        self, plan: _Plan, earlier: list[tuple[store.StoredSet, _Pending]]
    ) -> None:
        """Partial answers for a set an earlier import made: nothing new (already there), new
        judgements to add, or none taken because the set was edited here since."""
        for existing, item, content, current in self._as_stored(earlier):
            if existing.imported_digest != current:
                self.report.kept_versions.append(
                    Problem(item.path, item.line, "edited in this project since it was imported")
                )
            elif _already_judged(item.annotation, content):
                self.report.sets_unchanged += 1
            else:
                plan.add_into[existing.id] = item
                self.state.replaced.add(existing.id)

    def _as_stored(
        self, earlier: list[tuple[store.StoredSet, _Pending]]
    ) -> Iterator[tuple[store.StoredSet, _Pending, StoredContent, str]]:
        """Each stored set met again, with what it holds now and that content's digest (which
        tells whether it was edited here since its import)."""
        if not earlier:
            return
        contents = annotation_contents(self.conn, [s.id for s, _ in earlier])
        for existing, item in earlier:
            content = contents[existing.id]
            current = annotation_digest(
                Status(existing.status),
                content.spans,
                content.topics,
                content.relations,
                existing.partial,
            )
            yield existing, item, content, current

    def _check_additions(self, plan: _Plan, stored: dict[tuple[int, int], store.StoredSet]) -> None:
        """Partial answers joining a stored set: checked against what it already accepted."""
        if not plan.add_into:
            return
        accepted = store.accepted_entities(self.conn, list(plan.add_into))
        by_id = {s.id: s for s in stored.values()}
        for annotation_id, item in list(plan.add_into.items()):
            problem = overlaps_existing(item.annotation, accepted[annotation_id])
            if problem is not None:
                self.bad.append(Problem(item.path, item.line, problem))
                del plan.add_into[annotation_id]
                continue
            existing = by_id[annotation_id]
            stored_fields = {k: v for k, v in existing.extra.items() if k != store.TASK_KEY}
            extra, differing = shared_fields(stored_fields, item.annotation.extra)
            self._report_differing(item.path, differing)
            plan.add_into[annotation_id] = _Pending(
                replace(
                    item.annotation,
                    status=most_decided(Status(existing.status), item.annotation.status),
                    extra=extra,
                    task_key=None,
                ),
                item.line,
                item.who,
                item.path,
                item.format,
            )
            self.report.sets_combined += 1

    def _compare_with_project(
        self, plan: _Plan, earlier: list[tuple[store.StoredSet, _Pending]]
    ) -> None:
        """Sets from an earlier import: unchanged, updated (if not edited since) or kept."""
        for existing, item, _content, current in self._as_stored(earlier):
            incoming = _digest(item.annotation)
            if current == incoming:
                self.report.sets_unchanged += 1
            elif existing.imported_digest == current:
                plan.rewrite[existing.id] = item
                self.state.replaced.add(existing.id)
                self.report.sets_updated += 1
            else:
                self.report.kept_versions.append(
                    Problem(item.path, item.line, "edited in this project since it was imported")
                )

    # Writing ------------------------------------------------------------------------------

    def _write(self, plan: _Plan) -> None:
        existing_ids = list(plan.rewrite) + list(plan.add_into)
        before = store.content_counts(self.conn, existing_ids)
        store.clear_annotations(self.conn, list(plan.rewrite))
        self._drop_rejudged(plan.add_into)
        rewritten = [
            (*_set_row(item.annotation, _digest(item.annotation), item.format), annotation_id)
            for annotation_id, item in plan.rewrite.items()
        ]
        added_to = [
            (*_set_row(item.annotation, None, item.format), annotation_id)
            for annotation_id, item in plan.add_into.items()
        ]
        store.update_annotations(self.conn, rewritten + added_to)
        store.insert_annotations(
            self.conn,
            [
                key + _set_row(item.annotation, _digest(item.annotation), item.format)
                for key, item in plan.new.items()
            ],
        )
        created = store.annotation_ids(self.conn, plan.new)
        self.report.sets_added += len(plan.new)
        written: dict[int, tuple[int, AnnotationRecord]] = {}
        for key, item in plan.new.items():
            written[created[key]] = (key[1], item.annotation)
        for annotation_id, item in [*plan.rewrite.items(), *plan.add_into.items()]:
            written[annotation_id] = (item.who, item.annotation)
        self._write_content(written)
        after = store.content_counts(self.conn, list(written))
        self._count(before, after)
        self._record_combined_digests([i for i, (_who, a) in written.items() if a.partial], written)

    def _record_combined_digests(
        self, partial: list[int], written: dict[int, tuple[int, AnnotationRecord]]
    ) -> None:
        """Partial sets hold the sum of their answers (combined here, or with earlier ones):
        their fingerprint as imported is taken from what is now stored."""
        if not partial:
            return
        contents = annotation_contents(self.conn, partial)
        rows = []
        for annotation_id in partial:
            content, record = contents[annotation_id], written[annotation_id][1]
            digest = annotation_digest(
                record.status, content.spans, content.topics, content.relations, True
            )
            rows.append((digest, annotation_id))
        store.set_imported_digests(self.conn, rows)

    def _drop_rejudged(self, add_into: dict[int, _Pending]) -> None:
        """Spans judged again by a later answer: the earlier judgement goes, the later wins."""
        if not add_into:
            return
        ids = store.span_ids(self.conn, list(add_into))
        doomed = []
        for annotation_id, item in add_into.items():
            for span in item.annotation.spans:
                label = self._span_label(span.layer, span.label)
                key = (annotation_id, span.layer, span.group, span.start, span.end, label)
                if key in ids:
                    doomed.append(ids[key])
        store.delete_spans(self.conn, doomed)

    def _span_label(self, layer: Layer, label: str) -> int | None:
        if layer is Layer.ARGUMENT:
            return None
        return self.state.label_id(self.conn, LAYER_KIND[layer], label)

    def _write_content(self, written: dict[int, tuple[int, AnnotationRecord]]) -> None:
        now = now_text()
        spans, topics = [], []
        labels: dict[tuple[Layer, str], int | None] = {}
        for annotation_id, (who, annotation) in written.items():
            for span in annotation.spans:
                key = (span.layer, span.label)
                if key not in labels:
                    labels[key] = self._span_label(span.layer, span.label)
                spans.append(
                    (
                        annotation_id,
                        span.layer,
                        span.group,
                        span.start,
                        span.end,
                        labels[key],
                        span.note,
                        span.kb_id,
                        _json(span.attributes) if span.attributes else None,
                        _json(span.extra) if span.extra else None,
                        who,
                        span.rejected,
                        now,
                    )
                )
            for topic in annotation.topics:
                label = self.state.label_id(self.conn, LabelKind.TOPIC, topic.label)
                topics.append((annotation_id, label, topic.applies))
        store.insert_spans(self.conn, spans)
        store.upsert_topics(self.conn, topics)
        with_relations = [i for i, (_, a) in written.items() if a.relations]
        if not with_relations:
            return
        ids = store.span_ids(self.conn, with_relations)
        rows = []
        for annotation_id in with_relations:
            who, annotation = written[annotation_id]
            keys = [
                (
                    annotation_id,
                    s.layer,
                    s.group,
                    s.start,
                    s.end,
                    labels[(s.layer, s.label)],
                )
                for s in annotation.spans
            ]
            for relation in annotation.relations:
                head, child = ids.get(keys[relation.head]), ids.get(keys[relation.child])
                if head is None or child is None or head == child:
                    continue
                label = self.state.label_id(self.conn, LabelKind.RELATION, relation.label)
                extra = _json(relation.extra) if relation.extra else None
                rows.append((annotation_id, head, child, label, who, extra, now))
        store.insert_relations(self.conn, rows)

    def _count(self, before: store.ContentCounts, after: store.ContentCounts) -> None:
        for (layer, rejected), total in after.spans.items():
            change = total - before.spans.get((layer, rejected), 0)
            if rejected:
                self.report.rejected_spans += change
            else:
                self.report.spans[layer] += change
        for (layer, rejected), total in before.spans.items():
            if (layer, rejected) not in after.spans:
                if rejected:
                    self.report.rejected_spans -= total
                else:
                    self.report.spans[layer] -= total
        self.report.links += after.links - before.links
        self.report.relations += after.relations - before.relations
        self.report.topics += after.topics - before.topics


def _already_judged(answer: AnnotationRecord, content: StoredContent) -> bool:
    """Whether every judgement of ``answer`` is already in the stored set, the same."""
    stored = {(s.identity, s.rejected, s.kb_id) for s in content.spans}
    decided = {(t.label, t.applies) for t in content.topics}
    return all((s.identity, s.rejected, s.kb_id) in stored for s in answer.spans) and all(
        (t.label, t.applies) in decided for t in answer.topics
    )


def _combines(earlier: AnnotationRecord, later: AnnotationRecord) -> bool:
    """Partial answers combine unless they are the same task asked again (then later wins)."""
    same_task = earlier.task_key is not None and earlier.task_key == later.task_key
    return earlier.partial and later.partial and not same_task


def _combines_stored(existing: store.StoredSet, later: AnnotationRecord) -> bool:
    same_task = existing.task_key is not None and existing.task_key == later.task_key
    return existing.partial and later.partial and not same_task


def _digest(annotation: AnnotationRecord) -> str:
    return annotation_digest(
        annotation.status,
        annotation.spans,
        annotation.topics,
        annotation.relations,
        annotation.partial,
    )


def _document_extra(record: DocumentRecord, fmt: str) -> dict[str, Any]:
    """A document's kept fields, with where they came from and whether its title was made
    here from the first line (a list of "(untitled)" rows helps nobody)."""
    extra = dict(record.extra)
    if public(extra):
        extra.setdefault(FORMAT_KEY, fmt)
    if not record.title:
        extra[DERIVED_TITLE] = True
    return extra


_JSON_MEMO: dict[tuple[Any, ...], str] = {}


def _json(value: dict[str, Any]) -> str:
    """``value`` as JSON; the small flat dicts that records and spans repeat (``{"file":
    "news.conll"}``, brat's ``{"brat_id": "T1"}``) are encoded once, not ten thousand times.
    The memo starts afresh when full, so a long session's first files do not fill it for good."""
    try:
        key = tuple((k, type(v), v) for k, v in value.items())
        found = _JSON_MEMO.get(key)
    except TypeError:
        return json.dumps(value, ensure_ascii=False)
    if found is None:
        found = json.dumps(value, ensure_ascii=False)
        if len(found) < 200:
            if len(_JSON_MEMO) >= 4096:
                _JSON_MEMO.clear()
            _JSON_MEMO[key] = found
    return found


def _set_row(annotation: AnnotationRecord, digest: str | None, fmt: str) -> tuple[Any, ...]:
    """(status, partial, extra, imported_digest) of a set; its task key and the format its
    fields came from are kept in ``extra``."""
    if not annotation.extra and annotation.task_key is None:
        # No fields of the file's own: nothing for a writer to tell apart by origin.
        return (annotation.status.value, annotation.partial, None, digest)
    # Our own files (a DocBin's record) say where the fields first came from: that stays.
    extra = {FORMAT_KEY: fmt, **annotation.extra}
    if annotation.task_key is not None:
        extra[store.TASK_KEY] = annotation.task_key
    return (annotation.status.value, annotation.partial, dumps(extra), digest)

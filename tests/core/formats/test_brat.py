"""brat standoff: the real folders read with their README counts and written back line for line,
every annotation kind mapped, and what cannot be kept reported rather than dropped."""

from __future__ import annotations

import hashlib
import random
import time
from collections import Counter
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from annotator.core.errors import FormatError
from annotator.core.formats import brat
from annotator.core.records import (
    DocumentRecord,
    ExportItem,
    LabelKind,
    Layer,
    ReadItem,
    ReadOptions,
    RelationRecord,
    SchemeLabel,
    SpanRecord,
    Status,
    TopicRecord,
)
from tests.core.formats.conftest import (
    bad_records,
    documents,
    export_item,
    omissions,
    scheme_labels,
)

DATA = Path(__file__).parents[2] / "data" / "brat"
KEEPHA = DATA / "keepha-ja-medtxt-cr-ade"
MATERIALS = DATA / "mspt-materials-syntheses-8"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.blank("en")


def read(path: Path) -> list[ReadItem]:
    return list(brat.read(path, ReadOptions()))


def read_folder(folder: Path) -> list[ReadItem]:
    return [item for ann in sorted(folder.glob("*.ann")) for item in read(ann)]


def only_document(items: list[ReadItem]) -> DocumentRecord:
    (document,) = documents(items)
    return document


def write_pair(folder: Path, text: str, ann: str, stem: str = "doc") -> Path:
    """A .txt/.ann pair written byte for byte (no newline translation)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.txt").write_bytes(text.encode("utf-8"))
    (folder / f"{stem}.ann").write_bytes(ann.encode("utf-8"))
    return folder / f"{stem}.ann"


def by_id(document: DocumentRecord) -> dict[str, SpanRecord]:
    return {s.extra["brat_id"]: s for s in document.annotations[0].spans if "brat_id" in s.extra}


def normalised_lines(path: Path) -> set[str]:
    """An .ann's lines with whitespace runs (trailing TABs and spaces) normalised."""
    text = path.read_text(encoding="utf-8")
    return {" ".join(line.split()) for line in text.splitlines() if line.strip()}


def brat_counts(docs: list[DocumentRecord]) -> Counter[str]:
    """How many T, E, R and A lines the records stand for."""
    counts: Counter[str] = Counter()
    for document in docs:
        for span in document.annotations[0].spans:
            counts["T"] += "brat_id" in span.extra
            counts["A"] += len(span.extra.get("brat_attribute_ids", {}))
            for event in span.extra.get("brat_events", []):
                counts["E"] += 1
                counts["A"] += len(event.get("attribute_ids", {}))
        counts["R"] += sum("brat_id" in r.extra for r in document.annotations[0].relations)
    return counts


def make_item(
    text: str,
    spans: list[SpanRecord],
    relations: list[RelationRecord] | None = None,
    **changes: object,
) -> ExportItem:
    item = ExportItem(
        text=text,
        title=None,
        meta={"file": "synthetic.txt"},
        annotator="alice",
        status=Status.DONE,
        spans=spans,
        topics=[],
        topic_labels=[],
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        relations=relations or [],
    )
    for key, value in changes.items():
        setattr(item, key, value)
    return item


def at(text: str, part: str, label: str, **fields: object) -> SpanRecord:
    start = text.index(part)
    return SpanRecord(start, start + len(part), label, **fields)  # type: ignore[arg-type]


# Real folders --------------------------------------------------------------------------------


def test_keepha_folder_reads_with_the_readme_counts() -> None:
    items = read_folder(KEEPHA)
    docs = documents(items)
    assert len(docs) == 12
    assert bad_records(items) == [] and omissions(items) == []
    assert brat_counts(docs) == Counter({"T": 1038, "R": 770, "A": 197})
    spans = [s for d in docs for s in d.annotations[0].spans if "brat_id" in s.extra]
    relations = [r for d in docs for r in d.annotations[0].relations if "brat_id" in r.extra]
    assert len({s.label for s in spans}) == 12
    assert len({r.label for r in relations}) == 13
    assert all(d.annotations[0].annotator is None for d in docs)
    assert all(d.annotations[0].status is Status.DONE for d in docs)


def test_materials_folder_reads_with_the_readme_counts() -> None:
    items = read_folder(MATERIALS)
    docs = documents(items)
    assert len(docs) == 8
    assert bad_records(items) == [] and omissions(items) == []
    assert brat_counts(docs) == Counter({"T": 420, "E": 70, "R": 295, "A": 20})
    spans = [s for d in docs for s in d.annotations[0].spans]
    relations = [r for d in docs for r in d.annotations[0].relations if "brat_id" in r.extra]
    assert len({s.label for s in spans}) == 21
    assert len({r.label for r in relations}) == 11
    without_arguments = 0
    for document in docs:
        annotation = document.annotations[0]
        events = {e["id"] for s in annotation.spans for e in s.extra.get("brat_events", [])}
        without_arguments += len(events - {r.extra.get("brat_event") for r in annotation.relations})
    assert without_arguments == 18


def test_real_text_is_kept_exactly_without_final_newline(tmp_path: Path) -> None:
    document = only_document(read(MATERIALS / "101002pssa201127501.ann"))
    raw = (MATERIALS / "101002pssa201127501.txt").read_bytes()
    assert document.text.encode("utf-8") == raw
    assert not document.text.endswith("\n")
    assert document.meta == {"file": "101002pssa201127501.txt"}
    assert document.line == 1 and document.source == str(MATERIALS / "101002pssa201127501.ann")


def test_full_width_japanese_offsets_are_code_points() -> None:
    document = only_document(read(KEEPHA / "JP0217-100.ann"))
    t3 = by_id(document)["T3"]
    assert document.text[t3.start : t3.end] == "Ｓ－１　＋　ＣＤＤＰ療法"


# Mapping --------------------------------------------------------------------------------------


def test_discontinuous_entity_is_fragments_joined_by_fragment_relations() -> None:
    document = only_document(read(KEEPHA / "JP0217-100.ann"))
    annotation = document.annotations[0]
    t48 = by_id(document)["T48"]
    (link,) = [r for r in annotation.relations if r.extra.get("brat_fragment_of") == "T48"]
    second = annotation.spans[link.child]
    assert annotation.spans[link.head] is t48
    assert (link.label, link.extra["brat_order"]) == ("fragment", 1)
    assert document.text[t48.start : t48.end] + " " + document.text[second.start : second.end] == (
        "ほぼ 消失"
    )
    assert second.label == t48.label == "OPINION" and "brat_id" not in second.extra
    assert t48.attributes == {"Sentiment": "positive"}


def test_two_discontinuous_entities_share_one_fragment_span() -> None:
    annotation = only_document(read(KEEPHA / "JP0217-104.ann")).annotations[0]
    links = {r.extra["brat_fragment_of"]: r for r in annotation.relations if r.label == "fragment"}
    assert links["T50"].child == links["T125"].child
    shared = annotation.spans[links["T50"].child]
    assert (shared.start, shared.end, shared.label) == (1070, 1076, "DISORDER")
    assert sum((s.start, s.end) == (1070, 1076) for s in annotation.spans) == 1


def test_span_overlapping_a_placed_entity_goes_to_the_overlapping_group(tmp_path: Path) -> None:
    text = "New York City Council met."
    ann = (
        "T1\tORG 0 21\tNew York City Council\n"
        "T2\tGPE 0 13\tNew York City\n"
        "T3\tGPE 0 8\tNew York\n"
        "T4\tGPE 0 8\tNew York\n"
        "T5\tGPE 0 8\tNew York\n"
    )
    spans = by_id(only_document(read(write_pair(tmp_path, text, ann))))
    assert (spans["T1"].layer, spans["T1"].group) == (Layer.ENTITY, "")
    assert (spans["T2"].layer, spans["T2"].group) == (Layer.GROUP, "overlapping")
    assert spans["T2"].label == "GPE" and spans["T2"].extra["brat_id"] == "T2"
    assert {spans[t].group for t in ("T3", "T4", "T5")} == {
        "overlapping",
        "overlapping 2",
        "overlapping 3",
    }
    assert len({s.identity for s in spans.values()}) == 5


def test_longer_later_span_wins_the_entity_layer(tmp_path: Path) -> None:
    text = "Bank of New York Mellon"
    ann = "T1\tORG 0 11\tBank of New\nT2\tORG 8 23\tNew York Mellon\n"
    spans = by_id(only_document(read(write_pair(tmp_path, text, ann))))
    assert (spans["T2"].layer, spans["T1"].layer) == (Layer.ENTITY, Layer.GROUP)


def test_thousands_of_overlapping_spans_are_placed_greedily_and_fast(tmp_path: Path) -> None:
    """Longest first, then earliest, each entity unless it overlaps one already placed: the
    same choice a plain pairwise check makes, without its quadratic time."""
    rng = random.Random(11)
    text = "word " * 4000
    bounds = []
    for _ in range(3000):
        start = rng.randrange(0, 3999) * 5
        bounds.append((start, start + 4 + 5 * rng.randrange(0, 3)))
    ann = "".join(f"T{n}\tLOC {s} {e}\t{text[s:e]}\n" for n, (s, e) in enumerate(bounds, start=1))
    started = time.perf_counter()
    spans = by_id(only_document(read(write_pair(tmp_path, text, ann))))
    seconds = time.perf_counter() - started

    placed: list[tuple[int, int]] = []
    expected = set()
    order = sorted(enumerate(bounds, start=1), key=lambda t: (t[1][0] - t[1][1], t[1][0]))
    for number, (start, end) in order:
        if (start, end) not in placed and all(end <= s or e <= start for s, e in placed):
            placed.append((start, end))
            expected.add(f"T{number}")
    entities = {ident for ident, span in spans.items() if span.layer is Layer.ENTITY}
    assert entities == expected
    assert seconds < 2.0


def test_real_overlap_of_a_shared_fragment_goes_to_the_overlapping_group() -> None:
    docs = documents(read_folder(KEEPHA))
    grouped = [s for d in docs for s in d.annotations[0].spans if s.layer is Layer.GROUP]
    assert [(s.start, s.end, s.label, s.group) for s in grouped] == [
        (637, 639, "DISORDER", "overlapping")
    ]


def test_attribute_lines_become_span_attributes_with_their_ids() -> None:
    spans = by_id(only_document(read(KEEPHA / "JP0217-100.ann")))
    assert spans["T45"].attributes == {"Negation": "negated"}
    assert spans["T45"].extra["brat_attribute_ids"] == {"Negation": "A1"}
    assert spans["T87"].attributes == {"Temporality": "point"}


def test_flag_attribute_is_true_and_note_and_norms_land_on_the_span(tmp_path: Path) -> None:
    text = "Barack Obama spoke."
    ann = (
        "T1\tPerson 0 12\tBarack Obama\n"
        "A1\tNegation T1\n"
        "#1\tAnnotatorNotes T1\tchecked twice\n"
        "#2\tAnnotatorNotes T1\tsecond note\n"
        "N1\tReference T1 Wikipedia:534366\tBarack Obama\n"
        "N2\tReference T1 Wikidata:Q76\tObama\n"
    )
    (span,) = documents(read(write_pair(tmp_path, text, ann)))[0].annotations[0].spans
    assert span.attributes == {"Negation": True}
    assert span.note == "checked twice\nsecond note"
    assert span.kb_id == "Wikipedia:534366"
    assert span.extra["brat_norms"] == [
        {"id": "N1", "type": "Reference", "ref": "Wikipedia:534366", "text": "Barack Obama"},
        {"id": "N2", "type": "Reference", "ref": "Wikidata:Q76", "text": "Obama"},
    ]
    assert span.extra["brat_note_ids"] == ["#1", "#2"]


def test_events_relations_to_events_and_event_attributes(tmp_path: Path) -> None:
    text = "Powders were mixed and then heated in air."
    ann = (
        "E2\tOperation:T3 Atmosphere:T4\n"
        "E1\tOperation:T2 Material:T1 Material:T1 Next:E2\n"
        "T1\tMaterial 0 7\tPowders\n"
        "T2\tOperation 13 18\tmixed\n"
        "T3\tOperation 28 34\theated\n"
        "T4\tGas 38 41\tair\n"
        "R1\tNext_Operation Arg1:E1 Arg2:E2\t\n"
        "A1\tStart_Recipe E1\n"
        "#1\tAnnotatorNotes E2\tslowly\n"
        "#2\tAnnotatorNotes R1\tsee methods\n"
    )
    annotation = only_document(read(write_pair(tmp_path, text, ann))).annotations[0]
    spans = {s.extra["brat_id"]: i for i, s in enumerate(annotation.spans)}
    mixed = annotation.spans[spans["T2"]]
    assert mixed.extra["brat_events"] == [
        {
            "id": "E1",
            "type": "Operation",
            "attributes": {"Start_Recipe": True},
            "attribute_ids": {"Start_Recipe": "A1"},
        }
    ]
    assert annotation.spans[spans["T3"]].extra["brat_events"][0]["note"] == "slowly"
    e1 = sorted(
        (r for r in annotation.relations if r.extra.get("brat_event") == "E1"),
        key=lambda r: r.extra["brat_order"],
    )
    assert [(r.label, r.child) for r in e1] == [
        ("Material", spans["T1"]),
        ("Material", spans["T1"]),
        ("Next", spans["T3"]),
    ]
    assert e1[2].extra["brat_child_event"] == "E2"
    (r1,) = [r for r in annotation.relations if r.extra.get("brat_id") == "R1"]
    assert (r1.head, r1.child, r1.label) == (spans["T2"], spans["T3"], "Next_Operation")
    assert r1.extra["brat_head_event"] == "E1" and r1.extra["brat_child_event"] == "E2"
    assert "brat_roles" not in r1.extra and r1.extra["note"] == "see methods"


def test_empty_ann_is_a_document_annotated_with_nothing(tmp_path: Path) -> None:
    document = only_document(read(write_pair(tmp_path, "Nothing here.", "")))
    (annotation,) = document.annotations
    assert annotation.status is Status.DONE and annotation.spans == []
    assert annotation.annotator is None


def test_bom_of_the_text_is_stripped_and_nothing_else(tmp_path: Path) -> None:
    path = write_pair(tmp_path, "\ufeffA b\r\n\tc  ", "T1\tX 0 1\tA\n")
    assert only_document(read(path)).text == "A b\r\n\tc  "


# Problems -------------------------------------------------------------------------------------


def test_surface_text_mismatch_is_a_bad_record_naming_its_line(tmp_path: Path) -> None:
    ann = "T1\tPER 0 4\tAnna\nT2\tPER 9 12\tBob\n"
    items = read(write_pair(tmp_path, "Anna met Rob.", ann))
    assert documents(items) == []
    (bad,) = bad_records(items)
    assert bad.line == 2 and "'Bob'" in bad.reason and "'Rob'" in bad.reason


def test_offsets_outside_the_text_are_a_bad_record(tmp_path: Path) -> None:
    (bad,) = bad_records(read(write_pair(tmp_path, "Short.", "\nT1\tX 2 40\tort.\n")))
    assert bad.line == 2 and "outside the text" in bad.reason


@pytest.mark.parametrize("offsets", ["2", "2 4 5", "² 4", "two 4", "2 4;"])
def test_offsets_that_are_not_two_numbers_are_a_bad_record(tmp_path: Path, offsets: str) -> None:
    (bad,) = bad_records(read(write_pair(tmp_path, "Short.", f"T1\tX {offsets}\tor\n")))
    assert bad.line == 1 and "offsets must be 'START END" in bad.reason


def test_reference_to_a_missing_id_is_a_bad_record(tmp_path: Path) -> None:
    ann = "T1\tPER 0 4\tAnna\nR1\tKnows Arg1:T1 Arg2:T9\t\n"
    (bad,) = bad_records(read(write_pair(tmp_path, "Anna met Rob.", ann)))
    assert bad.line == 2 and "T9" in bad.reason
    (bad,) = bad_records(read(write_pair(tmp_path, "Anna.", "A1\tNegation T7\n")))
    assert bad.line == 1 and "T7" in bad.reason


def test_unknown_line_kinds_are_omissions_with_counts(tmp_path: Path) -> None:
    ann = (
        "T1\tPER 0 4\tAnna\n"
        "T2\tPER 9 12\tRob\n"
        "*\tEquiv T1 T2\n"
        "*\tEquiv T2 T1\n"
        "M1\tNegation T1\n"
        "X1\tWhatever T1\n"
    )
    items = read(write_pair(tmp_path, "Anna met Rob.", ann))
    assert len(documents(items)) == 1
    found = {o.what: o for o in omissions(items)}
    assert set(found) == {"'*' lines", "'M' lines", "'X' lines"}
    assert found["'*' lines"].count == 2 and "line 3" in found["'*' lines"].reason
    assert found["'M' lines"].count == 1 and found["'X' lines"].count == 1


def test_missing_text_file_is_a_format_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "lonely.ann").write_text("T1\tX 0 1\ta\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"lonely\.txt"):
        read(tmp_path / "lonely.ann")


def test_ann_that_is_not_utf8_is_a_format_error_with_its_line(tmp_path: Path) -> None:
    path = write_pair(tmp_path, "abc", "")
    path.write_bytes(b"T1\tX 0 1\ta\nT2\tX 1 2\t\xe9\n")
    with pytest.raises(FormatError) as error:
        read(path)
    assert error.value.line == 2


# annotation.conf -------------------------------------------------------------------------------


def test_conf_declares_each_entity_and_relation_type_once() -> None:
    labels = scheme_labels(read(KEEPHA / "JP0217-100.ann"))
    assert len(labels) == len(set(labels)) == 28
    entities = {label.name for label in labels if label.kind is LabelKind.ENTITY}
    relations = [label.name for label in labels if label.kind is LabelKind.RELATION]
    assert len(entities) == 15 and "PERSONAL_INFORMATION" in entities
    assert relations.count("REFERS_TO") == 1 and "<OVERLAP>" not in relations
    assert "Negation" not in entities | set(relations)  # attributes declare no labels


def test_conf_events_hierarchy_and_abstract_types(tmp_path: Path) -> None:
    conf = (
        "[entities]\n!Thing\n  Person\n\tOrganization\n# Commented\n"
        "[relations]\nWorks_for\tArg1:Person, Arg2:Organization\n"
        "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>\n"
        "[events]\nHire\tEmployer:Organization, Employee+:Person, Place?:<ANY>\n"
        "[attributes]\nNegation\tArg:<EVENT>\n"
    )
    (tmp_path / "annotation.conf").write_text(conf, encoding="utf-8")
    labels = set(scheme_labels(read(write_pair(tmp_path / "sub", "Hi.", ""))))
    assert labels == {
        SchemeLabel(LabelKind.ENTITY, "Person"),
        SchemeLabel(LabelKind.ENTITY, "Organization"),
        SchemeLabel(LabelKind.ENTITY, "Hire"),
        SchemeLabel(LabelKind.RELATION, "Works_for"),
        SchemeLabel(LabelKind.RELATION, "Employer"),
        SchemeLabel(LabelKind.RELATION, "Employee"),
        SchemeLabel(LabelKind.RELATION, "Place"),
    }


def test_conf_is_parsed_once_for_a_whole_folder() -> None:
    brat._conf_labels.cache_clear()
    read_folder(KEEPHA)
    info = brat._conf_labels.cache_info()
    assert (info.misses, info.hits) == (1, 11)


def test_unreadable_conf_is_an_omission_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "annotation.conf").write_bytes(b"[entities]\n\xff\xfe\n")
    items = read(write_pair(tmp_path, "Hi.", ""))
    assert len(documents(items)) == 1 and scheme_labels(items) == []
    (omission,) = omissions(items)
    assert omission.what.endswith("annotation.conf")


def test_find_conf_searches_parent_folders_up_to_root(tmp_path: Path) -> None:
    ann = write_pair(tmp_path / "corpus" / "part", "Hi.", "")
    assert brat.find_conf(ann, root=tmp_path) is None
    (tmp_path / "annotation.conf").write_text("[entities]\n", encoding="utf-8")
    assert brat.find_conf(ann, root=tmp_path) == (tmp_path / "annotation.conf").resolve()
    assert brat.find_conf(ann, root=tmp_path / "corpus") is None
    (tmp_path / "corpus" / "annotation.conf").write_text("[entities]\n", encoding="utf-8")
    assert brat.find_conf(ann, root=tmp_path).parent == (tmp_path / "corpus").resolve()
    assert brat.text_for(ann) == ann.with_suffix(".txt")


# Writing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", [KEEPHA, MATERIALS], ids=lambda f: f.name)
def test_real_folder_round_trips_line_for_line(folder: Path, tmp_path: Path, nlp: Language) -> None:
    docs = documents(read_folder(folder))
    written, problems = brat.write([export_item(d) for d in docs], tmp_path, nlp)
    assert (written, problems) == (len(docs), [])
    for ann in sorted(folder.glob("*.ann")):
        assert normalised_lines(tmp_path / ann.name) == normalised_lines(ann), ann.name
        txt = ann.with_suffix(".txt")
        assert (tmp_path / txt.name).read_bytes() == txt.read_bytes()
    again = documents(read_folder(tmp_path))
    for before, after in zip(docs, again, strict=True):
        (first,), (second,) = before.annotations, after.annotations
        assert [(s, s.extra) for s in first.spans] == [(s, s.extra) for s in second.spans]
        assert [(r, r.extra) for r in first.relations] == [(r, r.extra) for r in second.relations]


def test_written_conf_declares_what_the_documents_use(tmp_path: Path, nlp: Language) -> None:
    docs = documents(read_folder(MATERIALS))
    brat.write([export_item(d) for d in docs], tmp_path, nlp)
    conf = (tmp_path / "annotation.conf").read_text(encoding="utf-8").splitlines()
    assert "Property_Of\tArg1:<ENTITY>, Arg2:<ENTITY>" in conf
    assert "Next_Operation\tArg1:<ANY>, Arg2:<ANY>" in conf
    assert any(line.startswith("Operation\tRecipe_Target*:") for line in conf)
    assert "Start_Recipe\tArg:<ANY>" in conf
    labels = set(scheme_labels(read_folder(tmp_path)))
    assert SchemeLabel(LabelKind.RELATION, "Recipe_Target") in labels
    assert SchemeLabel(LabelKind.ENTITY, "Material") in labels


def test_synthetic_document_round_trips(tmp_path: Path, nlp: Language) -> None:
    text = "😀 Путин встретил 🇫🇷 Макрона в الرياض.\nКомментарий: «не подтверждено»"
    passage = text[text.index("Комментарий") :]
    putin, macron, riyadh = (
        at(text, "Путин", "PER", extra={"brat_id": "T1"}, kb_id="Q7747"),
        at(text, "Макрона", "PER", attributes={"Role": "guest", "Negation": True}),
        at(text, "الرياض", "LOC", note="Эр-Рияд\nthe capital"),
    )
    met = at(text, "встретил", "", layer=Layer.ARGUMENT)
    unreliable = at(text, passage, "unverified", layer=Layer.UNRELIABLE, note="no source")
    quote = at(text, "«не подтверждено»", "quote", layer=Layer.GROUP, group="quotes")
    inner = text.index("Путин") + 3
    nested = SpanRecord(inner, inner + 2, "NICK", Layer.GROUP, group="overlapping")
    flag = at(text, "🇫🇷", "FLAG")
    spans = [putin, macron, riyadh, met, unreliable, quote, nested, flag]
    relations = [RelationRecord(0, 1, "meets"), RelationRecord(3, 2, "where")]
    item = make_item(text, spans, relations)
    written, problems = brat.write([item], tmp_path, nlp)
    assert (written, problems) == (1, [])
    document = only_document(read(tmp_path / "synthetic.ann"))
    assert document.text == text and document.meta == {"file": "synthetic.txt"}
    (annotation,) = document.annotations
    assert {s.identity for s in annotation.spans} == {s.identity for s in spans}
    got = {s.identity: s for s in annotation.spans}
    for span in spans:
        back = got[span.identity]
        assert (back.note, back.kb_id, back.attributes) == (span.note, span.kb_id, span.attributes)
        assert text[back.start : back.end] == text[span.start : span.end]
    assert got[putin.identity].extra["brat_id"] == "T1"
    assert {
        (annotation.spans[r.head].identity, annotation.spans[r.child].identity, r.label)
        for r in annotation.relations
    } == {(spans[r.head].identity, spans[r.child].identity, r.label) for r in relations}


def test_new_discontinuous_span_and_kept_ids_do_not_clash(tmp_path: Path, nlp: Language) -> None:
    text = "left and right hands"
    first = SpanRecord(0, 4, "PART", extra={"brat_id": "T2"})
    shared = SpanRecord(15, 20, "PART")
    second = SpanRecord(9, 14, "PART")
    fragment = {"brat_fragment_of": "T2", "brat_order": 1}
    relations = [
        RelationRecord(0, 1, "fragment", fragment),
        RelationRecord(2, 1, "fragment", {"brat_fragment_of": "new", "brat_order": 1}),
    ]
    brat.write([make_item(text, [first, shared, second], relations)], tmp_path, nlp)
    lines = normalised_lines(tmp_path / "synthetic.ann")
    assert lines == {"T2 PART 0 4;15 20 left hands", "T3 PART 9 14;15 20 right hands"}


def test_writer_reports_rejected_spans_topics_and_unwritable_values(
    tmp_path: Path, nlp: Language
) -> None:
    text = "Anna met Rob."
    spans = [
        SpanRecord(0, 4, "PER", rejected=True),
        SpanRecord(9, 12, "PER", attributes={"Scores": [1, 2]}),
        SpanRecord(5, 8, "Meeting type"),
    ]
    item = make_item(
        text,
        spans,
        [RelationRecord(0, 1, "knows")],
        topics=[TopicRecord("politics")],
        status=Status.SKIPPED,
    )
    written, problems = brat.write([item], tmp_path, nlp)
    reasons = {(p.start, p.label): p.reason for p in problems}
    assert written == 1 and len(problems) == 6
    assert "'skipped'" in reasons[(0, "")]
    assert reasons[(0, "PER")] == "rejected suggestion, not an annotation"
    assert "rejected span" in reasons[(0, "knows")]
    assert "not a brat flag or value" in reasons[(9, "PER")]
    assert "'Meeting_type'" in reasons[(5, "Meeting type")]
    assert "topic" in reasons[(0, "politics")]
    assert normalised_lines(tmp_path / "synthetic.ann") == {
        "T1 PER 9 12 Rob",
        "T2 Meeting_type 5 8 met",
    }


def test_file_names_come_from_meta_unless_taken(tmp_path: Path, nlp: Language) -> None:
    one = make_item("One.", [], meta={"file": "story.txt"})
    two = make_item("Two.", [], meta={"file": "dir/story.txt"})
    three = make_item("Three.", [], meta={}, annotated=False)
    written, _ = brat.write([one, two, three], tmp_path, nlp)
    assert written == 3
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        [
            "annotation.conf",
            "story.txt",
            "story.ann",
            f"doc-{two.content_hash[:12]}.txt",
            f"doc-{two.content_hash[:12]}.ann",
            f"doc-{three.content_hash[:12]}.txt",
        ]
    )
    assert (tmp_path / "story.ann").read_text(encoding="utf-8") == ""
    assert only_document(read(tmp_path / "story.ann")).annotations[0].spans == []

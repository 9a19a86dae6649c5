"""What an import means: repeated and partial records, review versions, entity links, bad
records, duplicates, and reports that count what is stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin, Span

from annotator.core.errors import FormatError
from annotator.core.project import Project
from annotator.core.records import LabelKind, Layer, Status
from tests.conftest import snapshot


@pytest.fixture
def project_path(project_target: Path | str) -> Path | str:
    """Every test of this module runs on a SQLite file and on a PostgreSQL database."""
    return project_target


TEXT = "Nepal and India signed a deal in Kathmandu on Monday."


def jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def at(text: str, part: str, label: str, **extra: object) -> dict:
    start = text.index(part)
    return {"start": start, "end": start + len(part), "label": label, **extra}


def spans_of(target: Path | str, annotator: str) -> list[tuple]:
    with Project.open(target) as project, project.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT s.start, s.\"end\", coalesce(l.name, ''), s.layer, s.rejected, s.kb_id "
            "FROM spans AS s JOIN annotations AS a ON a.id = s.annotation_id "
            "JOIN annotators AS n ON n.id = a.annotator_id LEFT JOIN labels AS l "
            'ON l.id = s.label_id WHERE n.name = ? ORDER BY s.start, s."end"',
            (annotator,),
        ).all()
    return [
        (start, end, label, layer, int(rejected), kb)
        for start, end, label, layer, rejected, kb in rows
    ]


def test_binary_answers_on_one_text_combine_and_export_unjudged_tokens_as_missing(
    project_path: Path, tmp_path: Path
) -> None:
    rows = [
        {
            "text": TEXT,
            "spans": [at(TEXT, "Nepal", "GPE")],
            "answer": "accept",
            "_view_id": "ner",
            "_input_hash": 1,
            "_task_hash": 11,
        },
        {
            "text": TEXT,
            "spans": [at(TEXT, "Monday", "GPE")],
            "answer": "reject",
            "_view_id": "ner",
            "_input_hash": 1,
            "_task_hash": 12,
        },
        {
            "text": TEXT,
            "spans": [at(TEXT, "Kathmandu", "GPE")],
            "answer": "accept",
            "_view_id": "ner",
            "_input_hash": 1,
            "_task_hash": 13,
        },
    ]
    with Project.open(project_path) as project:
        report = project.import_paths([jsonl(tmp_path / "teach.jsonl", rows)], annotator="ann")
        assert (report.sets_added, report.sets_combined) == (1, 2)
        assert (report.spans["entity"], report.rejected_spans) == (2, 1)
        out = tmp_path / "train"
        project.export(out, annotator="ann", dev_ratio=0.0)
    nlp = spacy.blank("en")
    [doc] = DocBin().from_disk(out / "train.spacy").get_docs(nlp.vocab)
    iob = {t.text: t.ent_iob_ for t in doc}
    assert (iob["Nepal"], iob["Kathmandu"], iob["India"], iob["signed"]) == ("B", "B", "", "")
    assert [(s.text, s.label_) for s in doc.spans["incorrect_spans"]] == [("Monday", "GPE")]


def test_the_same_task_again_is_superseded_and_counts_match_the_store(
    project_path: Path, tmp_path: Path
) -> None:
    first = {"text": TEXT, "spans": [at(TEXT, "Nepal and India", "ORG")], "answer": "accept"}
    later = {
        "text": TEXT,
        "spans": [at(TEXT, "Nepal", "GPE"), at(TEXT, "India", "GPE")],
        "answer": "accept",
    }
    with Project.open(project_path) as project:
        report = project.import_paths([jsonl(tmp_path / "x.jsonl", [first, later])])
        assert (report.sets_added, report.sets_superseded) == (1, 1)
        assert report.spans["entity"] == 2
        assert report.documents_existing == 0 and report.documents_repeated == 1
    assert [row[:3] for row in spans_of(project_path, "tester")] == [
        (0, 5, "GPE"),
        (10, 15, "GPE"),
    ]


def test_records_of_different_annotators_stay_separate_sets(
    project_path: Path, tmp_path: Path
) -> None:
    rows = [
        {"text": TEXT, "spans": [at(TEXT, "Nepal", "GPE")], "answer": "accept", "_annotator_id": a}
        for a in ("alice", "bob")
    ]
    with Project.open(project_path) as project:
        report = project.import_paths([jsonl(tmp_path / "x.jsonl", rows)])
    assert report.sets_added == 2
    assert spans_of(project_path, "alice") == spans_of(project_path, "bob") != []


def test_every_bad_record_is_named_and_skip_invalid_keeps_the_good_ones(
    project_path: Path, tmp_path: Path
) -> None:
    rows = [{"text": f"Article {n} about Nepal."} for n in range(30)]
    rows[3] = {"text": "   \n\t "}
    rows[7] = {"text": "Short.", "spans": [{"start": 0, "end": 99, "label": "GPE"}]}
    path = jsonl(tmp_path / "many.jsonl", rows)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{broken\n")
    with Project.open(project_path) as project:
        pass
    before = snapshot(project_path)
    with Project.open(project_path) as project, pytest.raises(FormatError) as caught:
        project.import_paths([path])
    message = str(caught.value)
    assert "3 bad records" in message
    assert "line 4: the text holds only whitespace" in message
    assert "line 8: span 1 (GPE)" in message and "line 31: malformed JSON" in message
    assert snapshot(project_path) == before
    with Project.open(project_path) as project:
        report = project.import_paths([path], skip_invalid=True)
        assert project.document_count() == 28
    first = report.skipped_records[0]
    assert (first.line, first.reason.split(" (")[0]) == (4, "the text holds only whitespace")
    assert len(report.skipped_records) == 3


def test_a_span_listed_twice_in_a_record_is_one_span_and_said(
    project_path: Path, tmp_path: Path
) -> None:
    row = {"text": TEXT, "spans": [at(TEXT, "Nepal", "GPE"), at(TEXT, "Nepal", "GPE")]}
    with Project.open(project_path) as project:
        report = project.import_paths([jsonl(tmp_path / "x.jsonl", [{**row, "answer": "accept"}])])
    assert report.duplicate_spans == 1
    assert "1 span(s) were listed twice" in "\n".join(report.summary_lines())
    assert len(spans_of(project_path, "tester")) == 1


def test_review_versions_become_each_annotators_set_and_the_answer_gold(
    project_path: Path, tmp_path: Path
) -> None:
    record = {
        "text": TEXT,
        "spans": [at(TEXT, "Nepal", "GPE"), at(TEXT, "India", "GPE")],
        "answer": "accept",
        "_session_id": "review-carol",
        "versions": [
            {
                "text": TEXT,
                "spans": [at(TEXT, "Nepal", "GPE")],
                "answer": "accept",
                "sessions": ["news-alice", "news-bob"],
            },
            {
                "text": TEXT,
                "spans": [at(TEXT, "Nepal and India", "ORG")],
                "answer": "accept",
                "sessions": ["news-dan"],
            },
        ],
    }
    with Project.open(project_path) as project:
        report = project.import_paths([jsonl(tmp_path / "review.jsonl", [record])])
        assert report.sets_added == 4
    assert [r[:3] for r in spans_of(project_path, "news-alice")] == [(0, 5, "GPE")]
    assert [r[:3] for r in spans_of(project_path, "news-bob")] == [(0, 5, "GPE")]
    assert [r[:3] for r in spans_of(project_path, "news-dan")] == [(0, 15, "ORG")]
    assert [r[:3] for r in spans_of(project_path, "gold")] == [(0, 5, "GPE"), (10, 15, "GPE")]


def test_entity_linking_choice_links_the_span_and_goes_back_out(
    project_path: Path, tmp_path: Path
) -> None:
    record = {
        "text": TEXT,
        "spans": [at(TEXT, "Kathmandu", "GPE")],
        "options": [{"id": "Q3037", "html": "Kathmandu, capital"}, {"id": "NIL", "text": "None"}],
        "accept": ["Q3037"],
        "answer": "accept",
        "_view_id": "choice",
        "_input_hash": 5,
        "_task_hash": 6,
    }
    with Project.open(project_path) as project:
        report = project.import_paths([jsonl(tmp_path / "el.jsonl", [record])], annotator="ann")
        assert report.links == 1 and report.topics == 0
        project.export(tmp_path / "el-out.jsonl", fmt="prodigy", annotator="ann")
        project.export(tmp_path / "spacy", annotator="ann", dev_ratio=0.0)
    assert spans_of(project_path, "ann")[0][5] == "Q3037"
    [again] = [json.loads(line) for line in (tmp_path / "el-out.jsonl").read_text().splitlines()]
    assert {k: again[k] for k in record} == record
    [doc] = DocBin().from_disk(tmp_path / "spacy" / "train.spacy").get_docs(spacy.blank("en").vocab)
    assert [(e.text, e.kb_id_) for e in doc.ents] == [("Kathmandu", "Q3037")]


def test_docbin_negatives_stay_annotated_and_other_span_groups_stay_groups(
    project_path: Path, tmp_path: Path
) -> None:
    nlp = spacy.blank("en")
    negative = nlp("Nothing to see here.")
    negative.ents = []
    grouped = nlp("Officials in Delhi said exports rose.")
    grouped.ents = [Span(grouped, 2, 3, "GPE")]
    grouped.spans["claims"] = [Span(grouped, 3, 6, "CLAIM")]
    unjudged = nlp("Nobody looked at this one.")
    DocBin(docs=[negative, grouped, unjudged]).to_disk(tmp_path / "in.spacy")
    with Project.open(project_path) as project:
        report = project.import_paths([tmp_path / "in.spacy"], annotator="ann")
        assert report.sets_added == 2
        assert report.spans == {"entity": 1, "group": 1}
        out = tmp_path / "out"
        project.export(out, annotator="ann", dev_ratio=0.0)
    docs = list(DocBin().from_disk(out / "train.spacy").get_docs(nlp.vocab))
    assert [d.text for d in docs] == [negative.text, grouped.text]
    assert {t.ent_iob_ for t in docs[0]} == {"O"}
    assert [(s.text, s.label_) for s in docs[1].spans["claims"]] == [("said exports rose", "CLAIM")]


def test_reimporting_a_file_changes_nothing_and_edited_sets_are_kept(
    project_path: Path, tmp_path: Path
) -> None:
    row = {"text": TEXT, "spans": [at(TEXT, "Nepal", "GPE")], "answer": "accept"}
    path = jsonl(tmp_path / "x.jsonl", [row])
    with Project.open(project_path) as project:
        project.import_paths([path])
        before = snapshot(project_path)
        again = project.import_paths([path])
        assert (again.sets_added, again.sets_unchanged) == (0, 1)
        assert {k: v for k, v in snapshot(project_path).items() if k != "edit_log"} == {
            k: v for k, v in before.items() if k != "edit_log"
        }
        changed = {**row, "spans": [at(TEXT, "India", "GPE")]}
        updated = project.import_paths([jsonl(tmp_path / "y.jsonl", [changed])])
        assert updated.sets_updated == 1
        start = TEXT.index("Kathmandu")
        project.edits.add_span(1, "tester", start, start + 9, "GPE")
        kept = project.import_paths([path])
        assert len(kept.kept_versions) == 1
        assert "edited in this project" in kept.kept_versions[0].reason
    assert [r[:3] for r in spans_of(project_path, "tester")] == [
        (10, 15, "GPE"),
        (start, start + 9, "GPE"),
    ]


def test_export_with_unfinished_writes_unannotated_documents_as_text(
    project_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("First article about Nepal.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Second article about India.", encoding="utf-8")
    with Project.open(project_path) as project:
        project.import_paths([tmp_path / "a.txt", tmp_path / "b.txt"])
        project.edits.add_span(1, "alice", 21, 26, "GPE")
        report = project.export(tmp_path / "out.jsonl", fmt="doccano", include_unfinished=True)
        assert (report.annotator, report.documents, report.unannotated) == ("alice", 2, 1)
        assert report.chosen_because is not None and "only annotator" in report.chosen_because
    first, second = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert first["label"] == [[21, 26, "GPE"]]
    assert "label" not in second and second["text"] == "Second article about India."


def test_a_pretty_printed_object_is_refused_as_jsonl_with_a_hint_and_read_as_json(
    project_path: Path, tmp_path: Path
) -> None:
    record = {"text": TEXT, "spans": [at(TEXT, "Nepal", "GPE")], "answer": "accept"}
    pretty = json.dumps(record, indent=2)
    (tmp_path / "one.jsonl").write_text(pretty, encoding="utf-8")
    (tmp_path / "one.json").write_text(pretty, encoding="utf-8")
    with Project.open(project_path) as project:
        with pytest.raises(FormatError, match="spread over several lines"):
            project.import_paths([tmp_path / "one.jsonl"])
        report = project.import_paths([tmp_path / "one.json"])
        assert report.spans["entity"] == 1
        annotation = project.edits.annotation(1, "tester")
        assert annotation is not None and annotation.status is Status.DONE
        assert [s.layer for s in annotation.spans] == [Layer.ENTITY]


def test_a_relation_to_a_span_the_record_does_not_have_is_a_bad_record(
    project_path: Path, tmp_path: Path
) -> None:
    row = {
        "text": TEXT,
        "entities": [{"id": 1, "label": "GPE", "start_offset": 0, "end_offset": 5}],
        "relations": [{"id": 1, "from_id": 1, "to_id": 9, "type": "NEAR"}],
    }
    with Project.open(project_path) as project, pytest.raises(FormatError) as caught:
        project.import_paths([jsonl(tmp_path / "d.jsonl", [row])])
    assert "line 1" in str(caught.value) and "no entity with that id" in str(caught.value)


def test_prodigy_custom_keys_timestamps_and_span_keys_come_back_unchanged(
    project_path: Path, tmp_path: Path
) -> None:
    record = {
        "text": TEXT,
        "meta": {"source": "wire", "score": 0.91},
        "html": "<b>Nepal</b> and India",
        "title": "Deal",
        "body": "A deal.",
        "score": 0.5,
        "priority": 0.7,
        "project_id": 12,
        "spans": [
            {
                **at(TEXT, "Nepal", "GPE"),
                "token_start": 0,
                "token_end": 0,
                "source": "en_core_web_sm",
                "pattern": 4,
            }
        ],
        "answer": "accept",
        "_input_hash": 101,
        "_task_hash": 202,
        "_view_id": "ner_manual",
        "_session_id": "news-alice",
        "_annotator_id": "news-alice",
        "_timestamp": 1700000000,
    }
    with Project.open(project_path) as project:
        project.import_paths([jsonl(tmp_path / "in.jsonl", [record])])
        project.export(tmp_path / "out.jsonl", fmt="prodigy", annotator="news-alice")
    [again] = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert {k: again[k] for k in record} == record
    assert set(again) == {*record, "tokens"}


def test_texts_imported_without_annotations_export_with_unfinished(
    project_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("An article about Nepal.", encoding="utf-8")
    with Project.open(project_path) as project:
        project.import_paths([tmp_path / "a.txt"])
        assert project.annotators() == []
        with pytest.raises(Exception, match="include-unfinished"):
            project.export(tmp_path / "none.jsonl", fmt="prodigy")
        report = project.export(tmp_path / "out.jsonl", fmt="prodigy", include_unfinished=True)
    assert (report.documents, report.unannotated) == (1, 1)
    [task] = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert task["text"] == "An article about Nepal." and "answer" not in task


def test_a_txt_named_with_its_ann_beside_it_is_read_as_brat(
    project_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "n.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "n.ann").write_text("T1\tGPE 0 5\tNepal\n", encoding="utf-8")
    with Project.open(project_path) as project:
        report = project.import_paths([tmp_path / "n.txt"])
        assert report.spans["entity"] == 1


def test_a_relation_given_by_token_ids_joins_the_spans_ending_on_those_tokens(
    project_path: Path, tmp_path: Path
) -> None:
    text = "The New York Times bought Acme Widgets Inc yesterday"
    words = text.split(" ")
    tokens, offset = [], 0
    for number, word in enumerate(words):
        tokens.append({"text": word, "start": offset, "end": offset + len(word), "id": number})
        offset += len(word) + 1
    record = {
        "text": text,
        "tokens": tokens,
        "spans": [at(text, "New York Times", "ORG"), at(text, "Acme Widgets Inc", "ORG")],
        "relations": [{"head": 3, "child": 7, "label": "BOUGHT"}],
        "answer": "accept",
    }
    with Project.open(project_path) as project:
        project.import_paths([jsonl(tmp_path / "rel.jsonl", [record])], annotator="ann")
        from annotator.core.relations import relations

        [relation] = relations(project, 1, "ann")
    assert (relation.head.label, relation.child.label) == ("ORG", "ORG")
    assert text[relation.head.start : relation.head.end] == "New York Times"
    assert text[relation.child.start : relation.child.end] == "Acme Widgets Inc"


def test_a_topic_choice_shown_with_several_spans_is_topics_not_links(
    project_path: Path, tmp_path: Path
) -> None:
    record = {
        "text": TEXT,
        "spans": [at(TEXT, "Nepal", "GPE"), at(TEXT, "India", "GPE")],
        "options": [{"id": "BUSINESS"}, {"id": "TECH"}, {"id": "SPORT"}],
        "accept": ["BUSINESS", "TECH"],
        "answer": "accept",
        "_view_id": "choice",
    }
    with Project.open(project_path) as project:
        report = project.import_paths([jsonl(tmp_path / "c.jsonl", [record])], annotator="ann")
        annotation = project.edits.annotation(1, "ann")
    assert report.links == 0
    assert annotation is not None
    assert annotation.topics == {"BUSINESS": True, "TECH": True, "SPORT": False}


def teach_records() -> list[dict]:
    return [
        {
            "text": TEXT,
            "spans": [at(TEXT, part, label)],
            "answer": answer,
            "_view_id": "ner",
            "_task_hash": number,
        }
        for number, (part, label, answer) in enumerate(
            [("Nepal", "GPE", "accept"), ("India", "ORG", "reject"), ("Kathmandu", "GPE", "accept")]
        )
    ]


def test_reimporting_binary_answers_keeps_edits_and_adds_nothing_twice(
    project_path: Path, tmp_path: Path
) -> None:
    path = jsonl(tmp_path / "teach.jsonl", teach_records())
    with Project.open(project_path) as project:
        project.import_paths([path], annotator="ann")
        again = project.import_paths([path], annotator="ann")
        # The file's three answers are combined again, and the result is already there.
        assert (again.sets_unchanged, again.spans["entity"], again.rejected_spans) == (1, 0, 0)
        kathmandu = next(s for s in project.edits.annotation(1, "ann").spans if s.start == 33)
        project.edits.delete_span(kathmandu.id, "ann")
        edited = project.import_paths([path], annotator="ann")
        assert len(edited.kept_versions) == 1 and edited.spans["entity"] == 0
        assert [s.start for s in project.edits.annotation(1, "ann").spans if not s.rejected] == [0]


def test_combined_binary_topics_go_out_as_every_decision(
    project_path: Path, tmp_path: Path
) -> None:
    rows = [
        {"text": TEXT, "label": "POLITICS", "answer": "accept", "_task_hash": 1},
        {"text": TEXT, "label": "SPORTS", "answer": "reject", "_task_hash": 2},
    ]
    with Project.open(project_path) as project:
        report = project.import_paths([jsonl(tmp_path / "t.jsonl", rows)], annotator="ann")
        assert report.omitted == [] and report.topics == 2
        project.export(tmp_path / "p.jsonl", fmt="prodigy", annotator="ann")
        project.export(tmp_path / "d.jsonl", fmt="doccano", annotator="ann")
    [task] = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert task["accept"] == ["POLITICS"]
    assert {o["id"] for o in task["options"]} == {"POLITICS", "SPORTS"}
    assert task["_task_hash"] not in (1, 2) and "label" not in task
    [record] = [json.loads(line) for line in (tmp_path / "d.jsonl").read_text().splitlines()]
    assert record["cats"] == {"POLITICS": 1.0, "SPORTS": 0.0}


def test_a_text_already_stored_gains_the_fields_a_later_file_brings(
    project_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "art.txt").write_text(TEXT, encoding="utf-8")
    record = {"text": TEXT, "meta": {"url": "http://a"}, "_input_hash": -12345, "answer": "accept"}
    other = {"text": TEXT, "meta": {"url": "http://b"}, "_input_hash": -12345, "answer": "accept"}
    with Project.open(project_path) as project:
        project.import_paths([tmp_path / "art.txt"])
        project.import_paths([jsonl(tmp_path / "p.jsonl", [record])], annotator="ann")
        report = project.import_paths([jsonl(tmp_path / "q.jsonl", [other])], annotator="bob")
        assert [(o.what, o.count) for o in report.omitted] == [
            ("document field 'meta.url' of a record whose text is already stored", 1)
        ]
        project.export(tmp_path / "out.jsonl", fmt="prodigy", annotator="ann")
        document = project.documents()[0]
    [task] = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert task["_input_hash"] == -12345
    assert document.meta == {"file": "art.txt", "url": "http://a"}


def test_brat_event_attributes_travel_into_prodigy_and_doccano(
    project_path: Path, tmp_path: Path
) -> None:
    folder = Path(__file__).resolve().parents[1] / "data" / "brat" / "mspt-materials-syntheses-8"
    with Project.open(project_path) as project:
        project.import_paths([folder], annotator="ann")
        project.export(tmp_path / "p.jsonl", fmt="prodigy", annotator="ann")
        project.export(tmp_path / "d.jsonl", fmt="doccano", annotator="ann")
    for name in ("p.jsonl", "d.jsonl"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert text.count('"Start_Recipe": true') == 10, name
        assert '"brat_id"' not in text, name


def test_a_record_without_a_title_is_listed_by_its_first_line_but_exported_without_one(
    project_path: Path, tmp_path: Path
) -> None:
    record = {"text": "  Floods in Pokhara\nRain closed the roads.", "answer": "accept"}
    with Project.open(project_path) as project:
        project.import_paths([jsonl(tmp_path / "p.jsonl", [record])], annotator="ann")
        assert project.documents()[0].title == "Floods in Pokhara"
        project.export(tmp_path / "out.jsonl", fmt="prodigy", annotator="ann")
        project.export(tmp_path / "d.jsonl", fmt="doccano", annotator="ann")
    [task] = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert "meta" not in task
    [row] = [json.loads(line) for line in (tmp_path / "d.jsonl").read_text().splitlines()]
    assert "title" not in row


def test_a_tsv_labels_file_in_a_folder_reads_its_articles_once(
    project_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "article5.txt").write_text(
        "Experts say the deal will save billions.", encoding="utf-8"
    )
    (folder / "gold.tsv").write_text(
        "5\tLoaded_Language\t0\t7\n5\tDoubt\t16\t40\n", encoding="utf-8"
    )
    with Project.open(project_path) as project:
        report = project.import_paths([folder], annotator="ann")
        assert (report.documents_added, report.spans["unreliable"]) == (1, 2)
        assert report.ignored == []
        assert {label.name for label in project.labels(LabelKind.RELIABILITY)} >= {
            "Loaded_Language",
            "Doubt",
        }


def test_a_later_file_gives_a_real_title_and_its_own_fields_to_a_stored_text(
    project_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "a.conll").write_text("Nepal\tB-GPE\nsigned\tO\n", encoding="utf-8")
    record = {
        "text": "Nepal signed",
        "meta": {"title": "Real headline"},
        "_input_hash": -12345,
        "answer": "accept",
    }
    with Project.open(project_path) as project:
        project.import_paths([tmp_path / "a.conll"], annotator="ann")
        assert project.documents()[0].title == "Nepal signed"
        report = project.import_paths([jsonl(tmp_path / "p.jsonl", [record])], annotator="bob")
        assert report.omitted == []
        assert project.documents()[0].title == "Real headline"
        project.export(tmp_path / "bob.jsonl", fmt="prodigy", annotator="bob")
        project.export(tmp_path / "ann.conll", fmt="conll", annotator="ann")
    [task] = [json.loads(line) for line in (tmp_path / "bob.jsonl").read_text().splitlines()]
    assert (task["_input_hash"], task["meta"]["title"]) == (-12345, "Real headline")
    assert (tmp_path / "ann.conll").read_text() == "Nepal\tB-GPE\nsigned\tO\n\n"


def test_a_token_id_relation_end_is_the_entity_not_a_passage_ending_there(
    project_path: Path, tmp_path: Path
) -> None:
    text = "They say Nepal and India agree"
    words = text.split(" ")
    tokens, offset = [], 0
    for number, word in enumerate(words):
        tokens.append({"text": word, "start": offset, "end": offset + len(word), "id": number})
        offset += len(word) + 1
    record = {
        "text": text,
        "tokens": tokens,
        "spans": [
            at(text, "They say Nepal", "UNRELIABLE:rumour"),
            at(text, "Nepal", "GPE"),
            at(text, "India", "GPE"),
        ],
        "relations": [{"head": 2, "child": 4, "label": "AGREES"}],
        "answer": "accept",
    }
    with Project.open(project_path) as project:
        project.import_paths([jsonl(tmp_path / "r.jsonl", [record])], annotator="ann")
        from annotator.core.relations import relations

        [relation] = relations(project, 1, "ann")
    assert (relation.head.label, text[relation.head.start : relation.head.end]) == ("GPE", "Nepal")

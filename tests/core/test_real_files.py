"""Real exports of other tools go into a project and come out again with nothing lost.

Each test imports a real file (tests/data, with its origin and licence) through the project,
exports it in the same format and compares what comes out with what went in, field by field;
and checks that the import report's counts are the counts stored.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.project import Project


@pytest.fixture
def project_path(project_target: Path | str) -> Path | str:
    """Every real export is imported into a SQLite file and into a PostgreSQL database."""
    return project_target


DATA = Path(__file__).resolve().parents[1] / "data"


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def stored_counts(target: Path | str) -> dict[str, int]:
    def count(conn, sql: str) -> int:
        return conn.exec_driver_sql(sql).scalar_one()

    with Project.open(target) as project, project.read() as conn:
        spans = dict(
            conn.exec_driver_sql(
                "SELECT layer, count(*) FROM spans WHERE rejected = FALSE GROUP BY layer"
            ).all()
        )
        return {
            **spans,
            "rejected": count(conn, "SELECT count(*) FROM spans WHERE rejected = TRUE"),
            "relations": count(conn, "SELECT count(*) FROM relations"),
            "topics": count(conn, "SELECT count(*) FROM topics"),
            "links": count(conn, "SELECT count(kb_id) FROM spans"),
            "sets": count(conn, "SELECT count(*) FROM annotations"),
            "documents": count(conn, "SELECT count(*) FROM documents"),
        }


def reported_counts(report) -> dict[str, int]:
    return {
        **{layer: count for layer, count in report.spans.items() if count},
        "rejected": report.rejected_spans,
        "relations": report.relations,
        "topics": report.topics,
        "links": report.links,
        "sets": report.sets_added,
        "documents": report.documents_added,
    }


@pytest.mark.parametrize(
    ("name", "all_answers"),
    [
        ("prodigy-ner-manual.jsonl", False),
        ("prodigy-textcat-binary.jsonl", False),
        ("rel-manual-dailymed-drug-disease-head50.jsonl", True),
    ],
)
def test_real_prodigy_exports_come_back_field_by_field(
    project_path: Path, tmp_path: Path, name: str, all_answers: bool
) -> None:
    source = DATA / "prodigy" / name
    with Project.open(project_path) as project:
        report = project.import_paths([source], annotator="importer")
        assert reported_counts(report) == stored_counts(project_path)
        out = tmp_path / "out.jsonl"
        project.export(
            out, fmt="prodigy", annotator="importer", all_answers=all_answers, overwrite=True
        )
    original = records(source)
    exported = records(out)
    if not all_answers:
        original = [r for r in original if r["answer"] == "accept" or "label" in r]
    assert len(exported) == len(original)
    by_hash = {r["_input_hash"]: r for r in exported}
    for record in original:
        again = by_hash[record["_input_hash"]]
        assert sorted(again) == sorted(record), record["text"][:40]
        for key, value in record.items():
            assert again[key] == value, (key, record["text"][:40])


def test_real_rel_manual_relations_and_unlabelled_heads_are_stored(
    project_path: Path,
) -> None:
    source = DATA / "prodigy" / "rel-manual-dailymed-drug-disease-head50.jsonl"
    with Project.open(project_path) as project:
        report = project.import_paths([source], annotator="importer")
    assert report.relations == 55
    assert report.spans["argument"] > 0
    with Project.open(project_path) as project, project.read() as conn:
        labels = dict(
            conn.exec_driver_sql(
                "SELECT l.name, count(*) FROM relations AS r JOIN labels AS l "
                "ON l.id = r.label_id GROUP BY l.name"
            ).all()
        )
    assert labels == {"DISEASE_MODIFYING": 39, "SYMPTOMATIC_RELEIF": 16}
    assert report.statuses == {"done": 16, "rejected": 32, "skipped": 2}


@pytest.mark.parametrize("folder", ["keepha-ja-medtxt-cr-ade", "mspt-materials-syntheses-8"])
def test_real_brat_folders_come_back_line_by_line(
    project_path: Path, tmp_path: Path, folder: str
) -> None:
    source = DATA / "brat" / folder
    with Project.open(project_path) as project:
        report = project.import_paths([source], annotator="importer")
        assert report.ignored == []
        assert reported_counts(report) == stored_counts(project_path)
        out = tmp_path / "brat"
        project.export(out, fmt="brat", annotator="importer")
    repeated = 0
    for ann in source.glob("*.ann"):
        written = out / ann.name
        assert (out / ann.with_suffix(".txt").name).read_bytes() == ann.with_suffix(
            ".txt"
        ).read_bytes()
        lines = normalised(ann)
        # A relation listed twice (same type, same ends, another id) is stored once, and said:
        # the first in the file is kept.
        once: dict[str, str] = {}
        for line in lines:
            once.setdefault(line.split(" ", 1)[1], line)
        repeated += len(lines) - len(once)
        assert set(normalised(written)) == set(once.values()), ann.name
    assert report.duplicate_relations == repeated


def normalised(path: Path) -> list[str]:
    """The file's lines in order, runs of whitespace (and trailing TABs) made one space."""
    return [
        " ".join(line.rstrip().split())
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


@pytest.mark.parametrize("name", ["wnut17-emerging-dev.conll", "btc-section-e-mh17.conll"])
def test_real_conll_files_come_back_token_by_token(
    project_path: Path, tmp_path: Path, name: str
) -> None:
    source = DATA / "iob" / name
    with Project.open(project_path) as project:
        report = project.import_paths([source], annotator="importer")
        assert reported_counts(report) == stored_counts(project_path)
        out = tmp_path / "out.conll"
        project.export(out, fmt="conll", annotator="importer")
    original = [
        tuple(part.strip() for part in line.split("\t"))
        for line in source.read_text(encoding="utf-8").splitlines()
    ]
    again = [tuple(line.split("\t")) for line in out.read_text(encoding="utf-8").splitlines()]
    # A sentence repeated in the file is one document; the later tagging of it wins.
    expected: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for sentence in _sentences(original):
        expected[tuple(token for token, *_ in sentence)] = sentence
    assert _sentences(again) == list(expected.values())


def _sentences(lines: list[tuple[str, ...]]) -> list[tuple[tuple[str, ...], ...]]:
    sentences, current = [], []
    for line in lines:
        if line == ("",):
            if current:
                sentences.append(tuple(current))
            current = []
        else:
            current.append(line)
    if current:
        sentences.append(tuple(current))
    return sentences

"""The command line as a user runs it: import, stats, export, and its error messages."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from annotator.cli import app
from annotator.core.project import Project
from annotator.core.records import Layer, Status
from tests.conftest import snapshot

runner = CliRunner()

ARTICLE = "Ministers met in Kathmandu.\n\nNepal and India agreed to trade power on 3 May."


def make_articles(folder: Path, count: int = 3) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        (folder / f"a{index}.txt").write_text(f"Article {index}\n\n{ARTICLE}", encoding="utf-8")
    return folder


def test_import_creates_project_and_stats_json_has_the_promised_keys(
    tmp_path: Path, project_target: Path | str
) -> None:
    project = project_target
    result = runner.invoke(app, ["import", str(project), str(make_articles(tmp_path / "in"))])
    assert result.exit_code == 0, result.output
    assert "3 new document(s)" in result.output
    with Project.open(project) as opened:
        start = opened.text(1).index("Kathmandu")
        opened.edits.add_span(1, "alice", start, start + 9, "GPE")
        opened.edits.add_span(1, "alice", 0, 9, "unverifiable", layer=Layer.UNRELIABLE)
        opened.edits.set_topic(1, "alice", "trade", True)
        opened.edits.set_status(1, "alice", Status.DONE)
    result = runner.invoke(app, ["stats", str(project), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["documents"] == 3
    assert data["annotators"] == {"alice": {"done": 1}}
    assert data["entities"] == {"GPE": 1}
    assert data["topics"] == {"trade": 1}
    assert data["unreliable"] == {"unverifiable": 1}


def test_failed_import_exits_non_zero_names_file_and_line_and_changes_nothing(
    tmp_path: Path,
    project_target: Path | str,
) -> None:
    project = project_target
    runner.invoke(app, ["import", str(project), str(make_articles(tmp_path / "in"))])
    before = snapshot(project)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"first line\nsecond \xc3\x28 line\n")
    result = runner.invoke(app, ["import", str(project), str(tmp_path / "in"), str(bad)])
    assert result.exit_code == 1
    assert "bad.txt, line 2" in result.output and "invalid UTF-8" in result.output
    assert snapshot(project) == before


def test_failed_first_import_leaves_no_project_file_behind(
    tmp_path: Path, isolated_home: Path
) -> None:
    from annotator.core.backup import backup_folder

    project = tmp_path / "new.annotator"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Nepal will sell power."}\n{"text": \n', encoding="utf-8")
    result = runner.invoke(app, ["import", str(project), str(bad)])
    assert result.exit_code == 1
    assert "bad.jsonl, line 2" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]
    assert not backup_folder(project).exists()
    # A new project refused before any file is read (an unknown language) leaves none either.
    result = runner.invoke(
        app, ["import", str(project), str(make_articles(tmp_path / "in")), "--lang", "zz"]
    )
    assert result.exit_code == 1
    assert not project.exists()
    assert not any(tmp_path.glob("new.annotator*"))


def test_skip_invalid_writes_a_report_of_skipped_files(
    tmp_path: Path, project_target: Path | str
) -> None:
    project = project_target
    bad = tmp_path / "in" / "empty.txt"
    make_articles(tmp_path / "in", 2)
    bad.write_text("", encoding="utf-8")
    report = tmp_path / "skipped.jsonl"
    result = runner.invoke(
        app,
        ["import", str(project), str(tmp_path / "in"), "--skip-invalid", "--report", str(report)],
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert rows == [{"file": str(bad), "line": None, "reason": "the file is empty"}]
    with Project.open(project) as opened:
        assert opened.document_count() == 2


def test_export_of_unknown_annotator_and_of_missing_project_fail_clearly(
    tmp_path: Path, project_target: Path | str
) -> None:
    project = project_target
    runner.invoke(app, ["import", str(project), str(make_articles(tmp_path / "in"))])
    result = runner.invoke(
        app, ["export", str(project), str(tmp_path / "out"), "--annotator", "nobody"]
    )
    assert result.exit_code == 1
    assert "no annotator named 'nobody'" in result.output
    result = runner.invoke(app, ["stats", str(tmp_path / "missing.annotator")])
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert not (tmp_path / "missing.annotator").exists()


def test_export_writes_spacy_training_set_and_refuses_to_overwrite(
    tmp_path: Path, project_target: Path | str
) -> None:
    project = project_target
    runner.invoke(app, ["import", str(project), str(make_articles(tmp_path / "in", 5))])
    with Project.open(project) as opened:
        for document in opened.documents():
            start = opened.text(document.id).index("Kathmandu")
            opened.edits.add_span(document.id, "tester", start, start + 9, "GPE")
            opened.edits.set_status(document.id, "tester", Status.DONE)
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", str(project), str(out), "--dev-ratio", "0.4"])
    assert result.exit_code == 0, result.output
    assert "Exported 5 documents of tester" in result.output
    assert "need attention" not in result.output
    assert {p.name for p in out.iterdir()} == {"train.spacy", "dev.spacy", "config.cfg"}
    before = (out / "train.spacy").read_bytes()
    result = runner.invoke(app, ["export", str(project), str(out)])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert (out / "train.spacy").read_bytes() == before


def test_backup_now_list_and_restore(tmp_path: Path) -> None:
    project = tmp_path / "p.annotator"
    assert (
        runner.invoke(app, ["import", str(project), str(make_articles(tmp_path / "in"))]).exit_code
        == 0
    )
    made = runner.invoke(app, ["backup", "now", str(project)])
    assert made.exit_code == 0, made.output
    listed = runner.invoke(app, ["backup", "list", str(project)])
    assert listed.exit_code == 0 and "MB" in listed.output
    from annotator.core.backup import list_backups

    backup = list_backups(project)[0].path
    refused = runner.invoke(app, ["backup", "restore", str(backup), str(project)])
    assert refused.exit_code == 1 and "exists" in refused.output
    target = tmp_path / "restored.annotator"
    restored = runner.invoke(app, ["backup", "restore", str(backup), str(target)])
    assert restored.exit_code == 0, restored.output
    assert snapshot(target) == snapshot(project)


def test_doctor_reports_versions_platform_folders_and_project_schema(
    tmp_path: Path, isolated_home: Path
) -> None:
    import spacy

    from annotator.core.store.files import head_revision

    project = tmp_path / "p.annotator"
    assert (
        runner.invoke(app, ["import", str(project), str(make_articles(tmp_path / "in"))]).exit_code
        == 0
    )
    result = runner.invoke(app, ["doctor", str(project), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["spacy"] == spacy.__version__
    assert data["qt_platform"] == "offscreen"
    assert Path(data["folders"]["data"]).is_relative_to(isolated_home)
    assert data["project"] == {"path": str(project), "schema": head_revision(), "state": "current"}
    table = runner.invoke(app, ["doctor"])
    assert table.exit_code == 0 and "spacy" in table.output


def test_self_check_runs_import_pretag_export_and_the_window(qapp) -> None:
    result = runner.invoke(app, ["--self-check"])
    assert result.exit_code == 0, result.output
    steps = ("imported 7 sample articles", "extracted", "pre-tagged", "training set", "main window")
    for step in steps:
        assert step in result.output
    assert "self-check passed" in result.output


def test_install_desktop_lists_what_it_wrote_and_remove_undoes_it(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    launcher = tmp_path / "bin" / "annotator"
    launcher.parent.mkdir()
    launcher.write_text("#!/bin/sh\n", encoding="utf-8")
    launcher.chmod(0o755)
    installed = runner.invoke(app, ["install-desktop", "--launcher", str(launcher)])
    assert installed.exit_code == 0, installed.output
    desktop = tmp_path / "share" / "applications" / "org.annotator.Annotator.desktop"
    assert f"Exec={launcher} gui %f" in desktop.read_text(encoding="utf-8")
    from annotator.core.desktop import installed_paths

    count = len(installed_paths(tmp_path / "share"))
    assert count >= 12  # entry, MIME type, metainfo, SVG and eight PNG sizes
    assert f"Installed {count} files" in installed.output
    removed = runner.invoke(app, ["install-desktop", "--remove"])
    assert removed.exit_code == 0 and f"Removed {count} files" in removed.output
    assert not desktop.exists()
    refused = runner.invoke(app, ["install-desktop", "--launcher", str(tmp_path / "missing")])
    assert refused.exit_code == 1
    assert "is not an executable annotator command" in refused.output


def test_export_reports_open_suggestions_written_as_missing(tmp_path: Path) -> None:
    project = tmp_path / "news.annotator"
    runner.invoke(app, ["import", str(project), str(make_articles(tmp_path / "in", 2))])
    assert runner.invoke(app, ["pretag", str(project)]).exit_code == 0
    with Project.open(project) as opened:
        open_count = sum(len(opened.edits.suggestions(d.id, "alice")) for d in opened.documents())
        for document in opened.documents():
            opened.edits.set_status(document.id, "alice", Status.DONE)
    assert open_count > 0

    result = runner.invoke(
        app, ["export", str(project), str(tmp_path / "out"), "--annotator", "alice"]
    )

    assert result.exit_code == 0, result.output
    assert f"{open_count} model suggestion(s)" in " ".join(result.output.split())
    assert "missing" in result.output

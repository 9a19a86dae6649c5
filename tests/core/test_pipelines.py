"""Naming a spaCy pipeline the way a user has it: folder, unpacked package, downloaded archive."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import spacy

from annotator.core.errors import AnnotatorError
from annotator.core.pipelines import load_pipeline, locate_pipeline
from annotator.core.project import Project
from annotator.core.settings import folders

TEXT = "Officials in Nepal and Bhutan met in Thimphu."


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`spacy package` output for a tiny pipeline: the package folder and its sdist .tar.gz."""
    import spacy

    work = tmp_path_factory.mktemp("package")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": name} for name in ("Nepal", "Bhutan")])
    nlp.to_disk(work / "pipeline")
    (work / "out").mkdir()
    completed = subprocess.run(
        [
            *(sys.executable, "-m", "spacy", "package", str(work / "pipeline"), str(work / "out")),
            *("--name", "tiny", "--version", "0.0.1", "--build", "sdist"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return work / "out" / "en_tiny-0.0.1"


def wheel_from(package: Path, into: Path) -> Path:
    """A .whl laid out as spaCy's pipeline wheels are: name/, name/name-version/, dist-info."""
    wheel = into / "en_tiny-0.0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path in sorted((package / "en_tiny").rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(package).as_posix())
        archive.writestr("en_tiny-0.0.1.dist-info/METADATA", "Name: en_tiny\nVersion: 0.0.1\n")
    return wheel


def entities(model: str | Path) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in load_pipeline(model)(TEXT).ents]


def unpacked_folders() -> list[Path]:
    store = folders().data / "pipelines"
    return sorted(store.iterdir()) if store.exists() else []


def test_downloaded_sdist_is_unpacked_once_into_the_data_folder_and_loaded(
    packaged: Path,
) -> None:
    archive = packaged / "dist" / "en_tiny-0.0.1.tar.gz"
    assert entities(archive) == [("Nepal", "GPE"), ("Bhutan", "GPE")]
    [unpacked] = unpacked_folders()
    config_time = locate_pipeline(unpacked).joinpath("config.cfg").stat().st_mtime_ns
    assert entities(archive) == [("Nepal", "GPE"), ("Bhutan", "GPE")]
    assert unpacked_folders() == [unpacked]
    assert locate_pipeline(unpacked).joinpath("config.cfg").stat().st_mtime_ns == config_time


def test_wheel_file_pretags_a_project_under_the_pipelines_name(
    packaged: Path, tmp_path: Path, project_path: Path
) -> None:
    wheel = wheel_from(packaged, tmp_path)
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    with Project.open(project_path) as project:
        project.import_paths([article])
        report = project.pretag(str(wheel))
        assert report.model.startswith("en_tiny@")
        assert (report.version, report.spans_added) == ("0.0.1", 2)


def test_unpacked_package_folder_is_searched_for_its_pipeline(packaged: Path) -> None:
    assert locate_pipeline(packaged) == packaged / "en_tiny" / "en_tiny-0.0.1"
    assert entities(packaged) == [("Nepal", "GPE"), ("Bhutan", "GPE")]


def test_folder_with_two_pipelines_names_both_and_asks_to_choose(
    packaged: Path, tmp_path: Path
) -> None:
    import shutil

    for copy in ("first", "second"):
        shutil.copytree(packaged / "en_tiny" / "en_tiny-0.0.1", tmp_path / "models" / copy)
    with pytest.raises(AnnotatorError, match=r"several spaCy pipelines \(first, second\)"):
        load_pipeline(tmp_path / "models")


def test_folder_without_a_pipeline_and_a_file_of_another_kind_are_refused(
    tmp_path: Path,
) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(AnnotatorError, match="holds no spaCy pipeline"):
        load_pipeline(tmp_path / "empty")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a model", encoding="utf-8")
    with pytest.raises(AnnotatorError, match=r"notes\.txt is not a spaCy pipeline"):
        load_pipeline(notes)


def test_archive_with_a_member_outside_its_folder_is_refused_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    hostile = tmp_path / "hostile" / "en_evil-1.0.0-py3-none-any.whl"
    hostile.parent.mkdir()
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("en_evil/en_evil-1.0.0/config.cfg", "[nlp]\nlang = en\n")
        archive.writestr("../../escaped.txt", "written outside")
    with pytest.raises(AnnotatorError, match="outside the folder"):
        load_pipeline(hostile)
    assert not (folders().data / "escaped.txt").exists()
    assert not list(tmp_path.rglob("escaped.txt"))
    assert unpacked_folders() == []


def test_damaged_archive_gives_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "en_core_web_sm-3.8.0-py3-none-any.whl"
    broken.write_bytes(b"PK\x03\x04 truncated download")
    with pytest.raises(AnnotatorError, match="cannot be unpacked"):
        load_pipeline(broken)
    assert unpacked_folders() == []


def test_archive_without_a_pipeline_names_the_archive_and_is_not_kept(tmp_path: Path) -> None:
    empty = tmp_path / "en_nothing-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("en_nothing/__init__.py", "")
    with pytest.raises(AnnotatorError, match=r"en_nothing-1\.0\.0-py3-none-any\.whl holds no"):
        load_pipeline(empty)
    assert unpacked_folders() == []


def test_zip_with_backslash_separators_is_unpacked_into_folders(
    packaged: Path, tmp_path: Path
) -> None:
    windows = tmp_path / "en_tiny-0.0.1.zip"
    with zipfile.ZipFile(windows, "w") as archive:
        for path in sorted((packaged / "en_tiny").rglob("*")):
            if path.is_file():
                archive.write(path, str(path.relative_to(packaged)).replace("/", "\\"))
    assert entities(windows) == [("Nepal", "GPE"), ("Bhutan", "GPE")]


def test_second_process_finishing_the_same_unpack_uses_the_first_ones_folder(
    packaged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.core import pipelines

    wheel = wheel_from(packaged, tmp_path)
    real_extract = pipelines.extract

    def extract_while_another_process_finishes(archive: Path, into: Path) -> None:
        real_extract(archive, into)
        other = into.parent / f"en_tiny-0.0.1-py3-none-any-{pipelines.file_digest(archive)[:12]}"
        real_extract(archive, other)

    monkeypatch.setattr(pipelines, "extract", extract_while_another_process_finishes)
    found = locate_pipeline(wheel)
    assert found.name == "en_tiny-0.0.1" and (found / "config.cfg").is_file()
    [only] = unpacked_folders()
    assert found.is_relative_to(only)


def test_unpack_abandoned_by_a_killed_process_is_cleared_after_an_hour(
    packaged: Path, tmp_path: Path
) -> None:
    import os
    import time

    store = folders().data / "pipelines"
    old, recent = store / ".unpacking-old", store / ".unpacking-recent"
    for folder in (old, recent):
        (folder / "half").mkdir(parents=True)
    hours_ago = time.time() - 7200
    os.utime(old, (hours_ago, hours_ago))
    locate_pipeline(wheel_from(packaged, tmp_path))
    assert not old.exists() and recent.exists()


def test_zip_with_an_unsupported_compression_gives_a_clear_error(tmp_path: Path) -> None:
    odd = tmp_path / "en_odd-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(odd, "w") as archive:
        archive.writestr("en_odd/en_odd-1.0.0/config.cfg", "[nlp]\n")
    data = bytearray(odd.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.index(signature)
        data[at + offset : at + offset + 2] = (99).to_bytes(2, "little")
    odd.write_bytes(bytes(data))
    with pytest.raises(AnnotatorError, match=r"en_odd-1\.0\.0-py3-none-any\.whl cannot be"):
        load_pipeline(odd)
    assert unpacked_folders() == []


def small_english_style_pipeline(folder: Path) -> Path:
    """Like spaCy's small pipelines: a shared tok2vec for the tagger, and an entity recognizer
    with a tok2vec of its own. Trained for a few steps here, saved and loaded by path."""
    from spacy.training import Example

    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec")
    nlp.add_pipe("tagger")
    own_tok2vec = {
        "@architectures": "spacy.HashEmbedCNN.v2",
        "pretrained_vectors": None,
        "width": 64,
        "depth": 2,
        "embed_size": 500,
        "window_size": 1,
        "maxout_pieces": 3,
        "subword_features": True,
    }
    nlp.add_pipe(
        "ner",
        config={
            "model": {
                "@architectures": "spacy.TransitionBasedParser.v2",
                "state_type": "ner",
                "extra_state_tokens": False,
                "hidden_width": 32,
                "maxout_pieces": 2,
                "use_upper": True,
                "nO": None,
                "tok2vec": own_tok2vec,
            }
        },
    )
    doc = nlp.make_doc("Anna visited Cairo .")
    examples = [
        Example.from_dict(
            doc, {"tags": ["N", "V", "N", "P"], "entities": ["U-PER", "O", "U-GPE", "O"]}
        )
    ]
    nlp.initialize(lambda: examples)
    for _ in range(40):
        nlp.update(examples)
    nlp.to_disk(folder)
    return folder


def test_word_taggers_and_an_unused_tok2vec_are_left_out_with_the_same_entities(
    tmp_path: Path,
) -> None:
    folder = small_english_style_pipeline(tmp_path / "small")
    full = spacy.load(folder)

    loaded = load_pipeline(folder)

    assert full.pipe_names == ["tok2vec", "tagger", "ner"]
    assert loaded.pipe_names == ["ner"]
    texts = ["Anna visited Cairo .", "Cairo welcomed Anna ."]
    assert [[(e.start_char, e.end_char, e.label_) for e in full(t).ents] for t in texts] == [
        [(e.start_char, e.end_char, e.label_) for e in loaded(t).ents] for t in texts
    ]

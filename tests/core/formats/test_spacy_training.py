"""spaCy training sets: config generation, deterministic split, no overwriting, real training."""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
import spacy
from confection import Config
from spacy.tokens import DocBin
from spacy.training import Example

from annotator.core.errors import FormatError
from annotator.core.formats import docbin
from annotator.core.formats.spacy_config import MAX_SUGGESTED_SPAN_TOKENS, training_config
from annotator.core.formats.spacy_training import write_training_set
from annotator.core.records import ExportItem, Layer, SpanRecord, Status, TopicRecord

TOPICS = ["politics", "economy", "sport", "conflict"]
PEOPLE = [
    "Angela Merkel",
    "Narendra Modi",
    "Jacinda Ardern",
    "Luiz Lula",
    "Cyril Ramaphosa",
    "Olaf Scholz",
    "Emmanuel Macron",
    "Pedro Sanchez",
    "Fumio Kishida",
    "Joe Biden",
]
COUNTRIES = [
    "Nepal",
    "India",
    "Brazil",
    "Kenya",
    "France",
    "Germany",
    "Japan",
    "Chile",
    "Egypt",
    "Canada",
    "Norway",
    "Peru",
]
ORGS = [
    "Reuters",
    "the United Nations",
    "the World Bank",
    "Siemens",
    "Petrobras",
    "FIFA",
    "the IMF",
    "Toyota",
    "Safaricom",
    "NATO",
]
# (template, topics): {p} person, {c}/{d} countries, {o} organisation.
TEMPLATES = [
    ("{p} met officials from {o} in {c} on Monday.", ["politics"]),
    ("{o} said exports from {c} to {d} fell sharply this quarter.", ["economy"]),
    ("The team from {c} beat {d} in a match organised by {o}.", ["sport"]),
    ("Troops from {c} crossed into {d}, according to {o}.", ["conflict", "politics"]),
    ("{p} promised new investment in {c} after talks with {o}.", ["economy", "politics"]),
    ("Fans in {c} celebrated as {p} watched the final.", ["sport"]),
    ("Prices in {c} rose again, and {o} expects more inflation.", ["economy"]),
    ("{p} flew to {d} to discuss the ceasefire with {o}.", ["conflict", "politics"]),
]
RUMOURS = [
    ("sources close to the talks claim the deal is already signed", "hearsay"),
    ("some say the figures were invented", "speculation"),
    ("an anonymous post suggested a secret agreement", "hearsay"),
    ("critics believe the vote was rigged", "speculation"),
]


def make_item(text: str, spans: list[SpanRecord], topics: list[str], title: str) -> ExportItem:
    return ExportItem(
        text=text,
        title=title,
        meta={},
        annotator="alice",
        status=Status.DONE,
        spans=spans,
        topics=[TopicRecord(label) for label in topics],
        topic_labels=TOPICS,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )


def generated_items(count: int, seed: int = 7) -> list[ExportItem]:
    """Varied news-like sentences with entities, topics and, for some, an unreliable passage."""
    rng = random.Random(seed)
    items = []
    for index in range(count):
        template, topics = TEMPLATES[index % len(TEMPLATES)]
        country, other = rng.sample(COUNTRIES, 2)
        fillers = {"p": rng.choice(PEOPLE), "c": country, "d": other, "o": rng.choice(ORGS)}
        text, spans = "", []
        pos = 0
        labels = {"p": "PERSON", "c": "GPE", "d": "GPE", "o": "ORG"}
        while (open_ := template.find("{", pos)) != -1:
            text += template[pos:open_]
            key = template[open_ + 1]
            spans.append(SpanRecord(len(text), len(text) + len(fillers[key]), labels[key]))
            text += fillers[key]
            pos = open_ + 3
        text += template[pos:]
        if index % 3 == 0:
            rumour, reason = RUMOURS[index % len(RUMOURS)]
            text += f" Meanwhile, {rumour}."
            start = text.index(rumour)
            spans.append(
                SpanRecord(start, start + len(rumour), reason, Layer.UNRELIABLE, "unsourced")
            )
        text += f" (Report {index}.)"
        items.append(make_item(text, spans, topics, f"Article {index}"))
    return items


def dev_titles(out_dir: Path) -> set[str | None]:
    return {doc.title for doc in docbin.read(out_dir / "dev.spacy")}


@pytest.mark.parametrize("lang", ["en", "ru", "ar"])
@pytest.mark.parametrize(
    ("entities", "topics", "spans", "pipeline"),
    [
        (True, True, True, ["tok2vec", "ner", "textcat_multilabel", "spancat"]),
        (True, False, False, ["tok2vec", "ner"]),
        (False, True, False, ["textcat_multilabel"]),
        (False, False, True, ["tok2vec", "spancat"]),
    ],
)
def test_config_has_only_components_with_data(
    lang: str, entities: bool, topics: bool, spans: bool, pipeline: list[str]
) -> None:
    text = training_config(lang, has_entities=entities, has_topics=topics, has_spans=spans)
    config = Config().from_str(text)
    assert config["nlp"]["lang"] == lang
    assert config["nlp"]["pipeline"] == pipeline
    assert config["paths"]["train"] == "train.spacy"
    assert config["paths"]["dev"] == "dev.spacy"
    assert config["paths"]["vectors"] is None
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    assert nlp.pipe_names == pipeline


def test_config_without_any_component_is_refused() -> None:
    with pytest.raises(ValueError, match="needs entities, topics or spans"):
        training_config("en", has_entities=False, has_topics=False, has_spans=False)


def test_span_suggester_covers_passage_lengths_up_to_a_cap() -> None:
    config = Config().from_str(
        training_config("en", has_entities=False, has_topics=False, has_spans=True,
                        span_sizes=(4, 500))
    )  # fmt: skip
    assert config["components"]["spancat"]["suggester"] == {
        "@misc": "spacy.ngram_range_suggester.v1",
        "min_size": 4,
        "max_size": MAX_SUGGESTED_SPAN_TOKENS,
    }


@pytest.mark.parametrize(
    ("lang", "text", "entity", "passage"),
    [
        ("ru", "Владимир Путин прибыл в Москву, говорят очевидцы.", "Москву", "говорят очевидцы"),
        ("ar", "وصل الرئيس إلى القاهرة، بحسب مصادر غير مؤكدة.", "القاهرة", "بحسب مصادر غير مؤكدة"),
    ],
)
def test_exported_set_trains_offline_for_other_languages(
    tmp_path: Path, lang: str, text: str, entity: str, passage: str
) -> None:
    """In process and only a few updates: the slow test covers the real `spacy train`."""
    items = []
    for index in range(6):
        doc_text = f"{text} {index}"
        start, p_start = doc_text.index(entity), doc_text.index(passage)
        spans = [
            SpanRecord(start, start + len(entity), "LOC"),
            SpanRecord(p_start, p_start + len(passage), "hearsay", Layer.UNRELIABLE),
        ]
        items.append(make_item(doc_text, spans, ["politics"], f"t{index}"))
    nlp = spacy.blank(lang)
    write_training_set(items, tmp_path, nlp, dev_ratio=0.3)

    config = Config().from_disk(tmp_path / "config.cfg")
    trainable = spacy.util.load_model_from_config(config, auto_fill=True)
    assert trainable.pipe_names == ["tok2vec", "ner", "textcat_multilabel", "spancat"]
    docs = spacy.tokens.DocBin().from_disk(tmp_path / "train.spacy").get_docs(trainable.vocab)
    examples = [Example(trainable.make_doc(doc.text), doc) for doc in docs]
    optimizer = trainable.initialize(lambda: examples)
    for _ in range(2):
        losses = trainable.update(examples, sgd=optimizer)
    assert set(losses) == {"tok2vec", "ner", "textcat_multilabel", "spancat"}


def test_split_is_deterministic_and_order_independent(tmp_path: Path) -> None:
    items = generated_items(50)
    nlp = spacy.blank("en")
    first = write_training_set(items, tmp_path / "a", nlp, seed=1)
    again = write_training_set(list(reversed(items)), tmp_path / "b", nlp, seed=1)
    other = write_training_set(items, tmp_path / "c", nlp, seed=2)

    assert first.train_count + first.dev_count == 50
    assert 0 < first.dev_count < 50
    assert dev_titles(tmp_path / "a") == dev_titles(tmp_path / "b")
    assert dev_titles(tmp_path / "a") != dev_titles(tmp_path / "c")
    assert (again.train_count, again.dev_count) == (first.train_count, first.dev_count)
    assert other.train_count + other.dev_count == 50
    assert first.files == [tmp_path / "a" / n for n in ("train.spacy", "dev.spacy", "config.cfg")]


def test_growing_project_keeps_each_document_on_its_side(tmp_path: Path) -> None:
    items = generated_items(60)
    nlp = spacy.blank("en")
    write_training_set(items[:40], tmp_path / "small", nlp)
    write_training_set(items, tmp_path / "grown", nlp)
    small_dev = dev_titles(tmp_path / "small")
    assert small_dev <= dev_titles(tmp_path / "grown")


@pytest.mark.parametrize("dev_ratio", [0.0001, 0.9999])
def test_two_documents_always_give_one_train_and_one_dev(tmp_path: Path, dev_ratio: float) -> None:
    report = write_training_set(
        generated_items(2), tmp_path, spacy.blank("en"), dev_ratio=dev_ratio
    )
    assert (report.train_count, report.dev_count) == (1, 1)


def test_zero_dev_ratio_puts_everything_in_train(tmp_path: Path) -> None:
    report = write_training_set(generated_items(5), tmp_path, spacy.blank("en"), dev_ratio=0)
    assert (report.train_count, report.dev_count) == (5, 0)


def test_problems_are_reported(tmp_path: Path) -> None:
    text = "Talks in Kathmandu ended."
    start = text.index("Kathmandu")
    item = make_item(text, [SpanRecord(start + 1, start + 9, "GPE")], ["politics"], "t")
    report = write_training_set([item], tmp_path, spacy.blank("en"))
    assert [(p.start, p.label) for p in report.problems] == [(start + 1, "GPE")]


@pytest.mark.parametrize("existing", ["train.spacy", "dev.spacy", "config.cfg"])
def test_existing_files_are_not_overwritten(tmp_path: Path, existing: str) -> None:
    (tmp_path / existing).write_text("precious")
    nlp = spacy.blank("en")
    with pytest.raises(FormatError) as caught:
        write_training_set(generated_items(5), tmp_path, nlp)
    assert caught.value.path == tmp_path / existing
    assert existing in str(caught.value)
    assert (tmp_path / existing).read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == [existing]

    report = write_training_set(generated_items(5), tmp_path, nlp, overwrite=True)
    assert report.train_count + report.dev_count == 5
    assert (tmp_path / existing).read_bytes() != b"precious"


def test_documents_with_nothing_to_train_are_written_without_a_config(tmp_path: Path) -> None:
    item = ExportItem("No labels.", None, {}, "alice", Status.DONE, [], [], [], "h")
    report = write_training_set([item], tmp_path / "out", spacy.blank("en"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["dev.spacy", "train.spacy"]
    assert report.notes and "no config.cfg written" in report.notes[0]
    [doc] = DocBin().from_disk(tmp_path / "out" / "train.spacy").get_docs(spacy.blank("en").vocab)
    assert [t.ent_iob_ for t in doc] == ["O", "O", "O"]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "spacy", *args], cwd=cwd, capture_output=True, text=True
    )
    print(f"spacy {args[0]} {args[1]}: {time.monotonic() - started:.1f} s")
    assert result.returncode == 0, f"STDOUT:\n{result.stdout}\nSTDERR:\n{result.stderr}"
    return result


@pytest.mark.slow
def test_exported_set_passes_debug_data_and_trains(tmp_path: Path) -> None:
    out = tmp_path / "export"
    report = write_training_set(generated_items(300), out, spacy.blank("en"))
    assert report.problems == []
    assert report.dev_count >= 40

    # The defaults work from the export folder, as the config's header says ...
    run(["debug", "data", "config.cfg"], cwd=out)
    # ... and the --paths overrides from anywhere else.
    paths = ["--paths.train", str(out / "train.spacy"), "--paths.dev", str(out / "dev.spacy")]
    run(
        ["train", str(out / "config.cfg"), *paths, "--training.max_steps", "20",
         "--training.eval_frequency", "10", "--output", str(out / "model")],
        cwd=tmp_path,
    )  # fmt: skip

    model = spacy.load(out / "model" / "model-last")
    assert model.pipe_names == ["tok2vec", "ner", "textcat_multilabel", "spancat"]
    assert set(model.get_pipe("textcat_multilabel").labels) == set(TOPICS)
    assert set(model.get_pipe("spancat").labels) == {"hearsay", "speculation"}

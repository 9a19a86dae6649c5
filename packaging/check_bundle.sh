#!/usr/bin/env bash
# Use the built bundle as a user would, beyond --self-check: import a real Prodigy export, export
# it in all three formats, train a pipeline on the spaCy export (with the development
# environment's spaCy, as a user trains with theirs), then pre-tag our sample articles with that
# trained pipeline loaded by path and from its packaged .tar.gz (the bundle has to carry
# everything a user's model needs), and add the bundle to a desktop menu.
set -euo pipefail
cd "$(dirname "$0")/.."
bundled=$PWD/dist/annotator/annotator
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ANNOTATOR_HOME=$work/home QT_QPA_PLATFORM=offscreen

"$bundled" import "$work/alice.annotator" tests/data/prodigy/prodigy-ner-manual.jsonl --annotator alice
"$bundled" export "$work/alice.annotator" "$work/spacy" --annotator alice
"$bundled" export "$work/alice.annotator" "$work/alice.prodigy.jsonl" --format prodigy --annotator alice
"$bundled" export "$work/alice.annotator" "$work/alice.doccano.jsonl" --format doccano --annotator alice
.venv/bin/python -m spacy train "$work/spacy/config.cfg" --paths.train "$work/spacy/train.spacy" \
  --paths.dev "$work/spacy/dev.spacy" --training.max_steps 20 --training.eval_frequency 10 \
  --output "$work/model" >"$work/train.log" 2>&1 || { cat "$work/train.log"; exit 1; }
"$bundled" import "$work/news.annotator" resources/samples/articles/
"$bundled" pretag "$work/news.annotator" --model "$work/model/model-last"
"$bundled" stats "$work/news.annotator" --json >"$work/stats.json"
mkdir "$work/package"
.venv/bin/python -m spacy package "$work/model/model-last" "$work/package" --name trained \
  --version 0.1.0 --build sdist >"$work/package.log" 2>&1 || { cat "$work/package.log"; exit 1; }
"$bundled" pretag "$work/alice.annotator" \
  --model "$work/package/en_trained-0.1.0/dist/en_trained-0.1.0.tar.gz"
XDG_DATA_HOME=$work/share "$bundled" install-desktop
grep -qx "Exec=$bundled gui %f" "$work/share/applications/org.annotator.Annotator.desktop"
.venv/bin/python - "$work/stats.json" <<'PY'
import json
import sys

stats = json.load(open(sys.argv[1]))
assert stats["documents"] == 7, stats
assert stats["annotators"]["en_pipeline"] == {"done": 7}, stats
print("bundle check passed: 7 articles pre-tagged by a pipeline trained on the bundle's export")
PY

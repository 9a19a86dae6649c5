#!/usr/bin/env bash
# Use the built bundle as a user would, beyond --self-check: import a real Prodigy export, export
# it in all three formats, train a pipeline on the spaCy export (with the development
# environment's spaCy, as a user trains with theirs), pre-tag with that pipeline from its
# folder and from its packaged .tar.gz, run doctor, and add the bundle to a desktop menu. The
# bundle's suggestions must equal the pip-installed app's: the bundle carries everything a
# user's model needs.
set -euo pipefail
cd "$(dirname "$0")/.."
bundled=$PWD/dist/annotator/annotator
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ANNOTATOR_HOME=$work/home QT_QPA_PLATFORM=offscreen
quietly() { "$@" >"$work/step.log" 2>&1 || { cat "$work/step.log"; exit 1; }; }

"$bundled" import "$work/alice.annotator" tests/data/prodigy/prodigy-ner-manual.jsonl --annotator alice
"$bundled" export "$work/alice.annotator" "$work/spacy" --annotator alice
"$bundled" export "$work/alice.annotator" "$work/alice.prodigy.jsonl" --format prodigy --annotator alice
"$bundled" export "$work/alice.annotator" "$work/alice.doccano.jsonl" --format doccano --annotator alice
quietly .venv/bin/python -m spacy train "$work/spacy/config.cfg" \
  --paths.train "$work/spacy/train.spacy" --paths.dev "$work/spacy/dev.spacy" \
  --training.max_steps 150 --training.eval_frequency 50 --output "$work/model"

cp "$work/alice.annotator" "$work/pip.annotator"
"$bundled" pretag "$work/alice.annotator" --model "$work/model/model-last"
quietly .venv/bin/annotator pretag "$work/pip.annotator" --model "$work/model/model-last"
.venv/bin/python - "$work/alice.annotator" "$work/pip.annotator" <<'PY'
import sqlite3
import sys

QUERY = (
    'SELECT a.document_id, s.start, s."end", l.name FROM spans AS s '
    "JOIN annotations AS a ON a.id = s.annotation_id JOIN annotators AS n ON n.id = a.annotator_id "
    "JOIN labels AS l ON l.id = s.label_id WHERE n.kind = 'model' ORDER BY 1, 2, 3"
)
bundle, pip = (sqlite3.connect(path).execute(QUERY).fetchall() for path in sys.argv[1:])
assert bundle, "the trained pipeline suggested nothing in the bundle"
assert bundle == pip, "the bundle's suggestions differ from the pip-installed app's"
print(f"bundle and pip install agree on all {len(bundle)} suggestions of the trained pipeline")
PY

mkdir "$work/package"
quietly .venv/bin/python -m spacy package "$work/model/model-last" "$work/package" \
  --name trained --version 0.1.0 --build sdist
"$bundled" import "$work/news.annotator" resources/samples/articles/
"$bundled" pretag "$work/news.annotator" \
  --model "$work/package/en_trained-0.1.0/dist/en_trained-0.1.0.tar.gz"
"$bundled" stats "$work/news.annotator" --json | .venv/bin/python -c '
import json, sys
stats = json.load(sys.stdin)
tagged = {name: model for name, model in stats["models"].items() if name.startswith("en_trained@")}
assert [model["documents"] for model in tagged.values()] == [7], stats
assert not any(name.startswith("en_trained@") for name in stats["annotators"]), stats
print("the packaged pipeline (.tar.gz) pre-tagged all 7 sample articles")'

# Model ▸ Train in the bundle: spaCy's training runs in a child of the bundled binary itself.
"$bundled" train "$work/alice.annotator" --annotator alice --max-minutes 1 >"$work/train.log" 2>&1 \
  || { cat "$work/train.log"; exit 1; }
grep -q "Trained on" "$work/train.log" || { cat "$work/train.log"; exit 1; }
"$bundled" pretag "$work/alice.annotator" --model latest
echo "the bundle trains a model and pre-tags with it"

# Team mode in the bundle: its driver on the host's libpq, against the PostgreSQL CI started.
if [ -n "${ANNOTATOR_TEST_POSTGRES:-}" ]; then
  team=$(.venv/bin/python -c 'import sys; from sqlalchemy import create_engine
from annotator.core.store.dialect import server_url
admin = server_url(sys.argv[1]); name = "annotator_bundle_check"
engine = create_engine(admin, isolation_level="AUTOCOMMIT")
with engine.connect() as conn:
    conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    conn.exec_driver_sql(f"CREATE DATABASE {name}")
print(admin.set(database=name).render_as_string(hide_password=False).replace("+psycopg", ""))' \
    "$ANNOTATOR_TEST_POSTGRES")
  quietly "$bundled" import "$team" tests/data/prodigy/prodigy-ner-manual.jsonl --annotator alice
  "$bundled" stats "$team" --json | .venv/bin/python -c '
import json, sys
stats = json.load(sys.stdin)
assert stats["documents"] > 0 and "alice" in stats["annotators"], stats
print("the bundle works on a team database:", stats["documents"], "documents")'
fi

"$bundled" doctor --json | .venv/bin/python -c '
import json, sys
found = json.load(sys.stdin)
assert found["qt_platform"] == "offscreen", found
print("doctor in the bundle: Qt", found["qt"], "on", found["qt_platform"], "- spaCy", found["spacy"])'

quietly env XDG_DATA_HOME="$work/share" "$bundled" install-desktop
expected=$(.venv/bin/python -c 'import sys; from pathlib import Path
from annotator.core.desktop import exec_argument
print(f"Exec={exec_argument(Path(sys.argv[1]))} gui %f")' "$bundled")
grep -qxF "$expected" "$work/share/applications/org.annotator.Annotator.desktop"
echo "bundle check passed"

#!/usr/bin/env bash
# Build the one-folder bundle into dist/annotator, hold it to its size budget, and prove the
# bundled binary works end to end (--self-check, offscreen). Linux; see packaging/README.md for
# Windows and macOS. Needs binutils' strip (Debian: apt-get install binutils).
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET_BYTES=250000000

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e '.[bundle]'
.venv/bin/pyinstaller --noconfirm --log-level ERROR --distpath dist --workpath .build/pyinstaller \
  packaging/pyinstaller/annotator.spec

size=$(du -s --bytes dist/annotator | cut -f1)
echo "dist/annotator: $((size / 1000000)) MB ($((size / 1048576)) MiB), budget $((BUDGET_BYTES / 1000000)) MB"
if [ "$size" -gt "$BUDGET_BYTES" ]; then
  echo "The bundle is over its size budget: see what grew with" \
    "'du -ah dist/annotator | sort -h | tail -30'." >&2
  exit 1
fi
QT_QPA_PLATFORM=offscreen dist/annotator/annotator --self-check
bash packaging/check_bundle.sh

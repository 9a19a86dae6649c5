#!/usr/bin/env bash
# Build the one-folder Linux bundle into dist/annotator, print its size, and prove it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pip install -q pyinstaller
.venv/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
  packaging/pyinstaller/annotator.spec
du -sh dist/annotator
QT_QPA_PLATFORM=offscreen dist/annotator/annotator --self-check

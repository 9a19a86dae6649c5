"""The README's command-line walk-through runs as written, top to bottom, and leaves what it
says: a project with the samples, alice's and bob's work, a trained model, exports and an
agreement report."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from annotator.core.project import Project

ROOT = Path(__file__).resolve().parents[2]


def walkthrough() -> str:
    """Every block marked ``<!-- example walkthrough -->``, in order, as one script."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- example walkthrough -->\n```bash\n(.*?)```", text, re.DOTALL)
    assert len(blocks) >= 2, "the walk-through's blocks are marked <!-- example walkthrough -->"
    return "".join(blocks)


def test_readme_walkthrough_runs_top_to_bottom_and_leaves_what_it_says(
    tmp_path: Path, isolated_home: Path
) -> None:
    # Run from a checkout's root, as the README says: here a folder whose resources/ is ours.
    (tmp_path / "resources").symlink_to(ROOT / "resources")
    script = tmp_path / "walkthrough.sh"
    script.write_text(walkthrough(), encoding="utf-8")
    bin_folder = Path(sys.executable).parent
    result = subprocess.run(
        ["bash", "-euo", "pipefail", str(script)],
        cwd=tmp_path,
        env=dict(os.environ, PATH=f"{bin_folder}{os.pathsep}{os.environ['PATH']}", COLUMNS="100"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]

    tour = tmp_path / "tour"
    samples = len(list((ROOT / "resources" / "samples" / "articles").iterdir()))
    with Project.open(tour / "news.annotator", create=False) as project:
        stats = project.stats()
        trained = [a.name for a in project.annotators() if a.name.startswith("en_pipeline@")]
    assert stats.documents == samples + 6
    assert stats.annotators == {"alice": {"done": 6}, "bob": {"done": 3}}
    # alice's entities and bob's (he left June out and took Geneva for a LOC).
    assert stats.entities == {"GPE": 13 + 5, "DATE": 3 + 1, "ORG": 1 + 1, "PERCENT": 1, "LOC": 1}
    assert trained and all(name in stats.models for name in trained)
    assert (tour / "training" / "model-best" / "meta.json").is_file()
    assert {p.name for p in (tour / "out").iterdir()} == {
        "train.spacy",
        "dev.spacy",
        "config.cfg",
        "doccano.jsonl",
    }
    prodigy = (tour / "alice.prodigy.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["_annotator_id"] for line in prodigy] == ["alice"] * 6
    assert len((tour / "out" / "doccano.jsonl").read_text(encoding="utf-8").splitlines()) == (
        samples + 6
    )
    assert "<table>" in (tour / "agreement.html").read_text(encoding="utf-8")
    assert list((isolated_home / "data" / "models").glob("*/*/model.json"))
    assert (isolated_home / "data" / "demo.annotator").is_file()
    assert '"suggestions_open"' in result.stdout

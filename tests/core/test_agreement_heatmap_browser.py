"""The heat map of the agreement report with many annotators, as headless Chromium lays it out:
each pair's cell in its colour with its figure and documents on hover, empty where the two
share nothing, and 42 annotators readable on a 1366-pixel screen.

Skipped where no Chromium is installed (CI installs Debian's).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from html import unescape
from itertools import combinations
from pathlib import Path

import pytest

from annotator.core.agreement import AgreementReport, PairReport, agreement
from annotator.core.agreement_html import render_html
from annotator.core.agreement_math import PRF
from annotator.core.agreement_matrix import heat_colour
from annotator.core.project import Project
from tests.core.agreement_team import NAMES, exact_f1, shared, team_file

BROWSER = next(
    (path for name in ("chromium", "chromium-browser") if (path := shutil.which(name))), None
)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium installed")

#: Appended for the test only (the report has no scripts): once laid out, write what the first
#: heat map shows into the page as JSON, where --dump-dom prints it.
PROBE = """<script>addEventListener('load', () => {
  const table = document.querySelector('table.heat');
  const box = e => { const b = e.getBoundingClientRect();
                     return [b.left, b.top, b.width, b.height]; };
  const rows = [...table.querySelectorAll('tbody tr')].map(tr => ({
    name: tr.querySelector('th').textContent, label: box(tr.querySelector('th')),
    clipped: tr.querySelector('th').scrollWidth > tr.querySelector('th').clientWidth,
    cells: [...tr.querySelectorAll('td')].map(td => ({
      cls: td.className, text: td.textContent, title: td.getAttribute('title') || '',
      background: getComputedStyle(td).backgroundColor, box: box(td),
      overflows: td.scrollWidth > td.clientWidth}))}));
  const columns = [...table.querySelectorAll('thead th.column span')].map(s => ({
    text: s.textContent, box: box(s), clipped: s.scrollHeight > s.clientHeight + 1}));
  const scroll = table.closest('.scroll');
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({rows, columns, pageWidth: innerWidth,
    overflow: scroll.scrollWidth - scroll.clientWidth,
    summaryRows: document.querySelectorAll('table.summary tbody tr').length,
    pairSections: [...document.querySelectorAll('h2')].filter(
      h => h.textContent.includes(' against ')).length});
  document.body.append(out);
});</script>"""


def laid_out(html: str, tmp_path: Path) -> dict:
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
            "--window-size=1366,2000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    dom = result.stdout
    probe = dom[dom.index('<pre id="probe">') + len('<pre id="probe">') :]
    return json.loads(unescape(probe[: probe.index("</pre>")]))


def rgb(colour: str) -> str:
    return f"rgb({int(colour[1:3], 16)}, {int(colour[3:5], 16)}, {int(colour[5:7], 16)})"


def test_each_pair_is_a_cell_in_its_colour_named_on_hover_and_empty_without_overlap(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    with Project.open(team_file(tmp_path_factory)) as project:
        report = agreement(project, NAMES)
    shown = laid_out(render_html(report, "team.annotator"), tmp_path)
    assert shown["pairSections"] == 0  # 435 pairs are not listed one by one
    assert shown["summaryRows"] == 30
    assert [row["name"] for row in shown["rows"]] == NAMES
    coloured = empty = 0
    for first, row in zip(NAMES, shown["rows"], strict=True):
        assert len(row["cells"]) == 30
        for second, cell in zip(NAMES, row["cells"], strict=True):
            if first == second:
                assert cell["cls"] == "self" and cell["text"] == ""
                continue
            documents = len(shared(first, second))
            if not documents:
                empty += 1
                assert cell["text"] == "" and cell["background"] == "rgb(255, 255, 255)"
                assert cell["title"] == f"{first} and {second}: no document both finished"
                continue
            value = exact_f1(first, second)
            assert value is not None
            coloured += 1
            assert cell["background"] == rgb(heat_colour(value))
            plural = "s" if documents != 1 else ""
            assert cell["title"].startswith(
                f"{first} and {second}: entity F1, exact match {value:.3f} over "
                f"{documents} document{plural} ("
            )
            assert cell["text"] == (f"{value:.2f}".replace("0.", ".") if value < 1 else "1")
            assert not cell["overflows"]
    assert coloured == 2 * sum(bool(shared(a, b)) for a, b in combinations(NAMES, 2))
    assert empty > coloured  # most pairs of a large team share nothing


def test_42_annotators_fit_a_laptop_screen_with_every_name_readable(tmp_path: Path) -> None:
    rng = random.Random(42)
    people = ["alex", "bea", "chen", "dara", "eli", "femi", "gus", "hana", "ivo", "jun", "kai"]
    people += ["lia", "mo", "nia", "oto", "pia", "quin", "rui", "sam", "tao", "uma", "vik"]
    people += ["wen", "xia", "yan", "zoe", "abe", "bo", "cy", "di", "ed", "fay", "gil", "hal"]
    people += ["ines", "jo", "kim", "lu", "max", "ned", "ola", "patricia-marie"]
    names = [f"ner_news_2024-{person}" for person in people]
    pairs = []
    for first, second in combinations(names, 2):
        documents = rng.choice([0, 0, 1, 2, 5, 13])
        matched = rng.randint(0, 9) if documents else 0
        exact = {"(micro)": PRF(matched, 10 if documents else 0, 10 if documents else 0)}
        pairs.append(PairReport(first, second, exact=exact, overlap=exact, documents=documents))
    report = AgreementReport(names, 300, pairs, {}, finished=dict.fromkeys(names, 20))
    shown = laid_out(render_html(report, "prodigy.annotator"), tmp_path)
    assert len(shown["rows"]) == len(shown["columns"]) == 42
    assert shown["overflow"] <= 0  # no sideways scrolling at 1366 pixels
    # Names lose the dataset prefix they all share, and none is cut off.
    assert [row["name"] for row in shown["rows"]] == people
    assert [column["text"] for column in shown["columns"]] == people
    assert not any(row["clipped"] for row in shown["rows"])
    assert not any(column["clipped"] for column in shown["columns"])
    cells = [cell for row in shown["rows"] for cell in row["cells"]]
    assert min(cell["box"][2] for cell in cells) >= 20
    assert min(cell["box"][3] for cell in cells) >= 16
    assert not any(cell["overflows"] for cell in cells)
    # Each column label stands over its own column.
    first_row = shown["rows"][0]["cells"]
    for column, cell in zip(shown["columns"], first_row, strict=True):
        centre = column["box"][0] + column["box"][2] / 2
        assert cell["box"][0] <= centre <= cell["box"][0] + cell["box"][2]

"""The agreement dialog with 30 annotators: a heat map of every pair (hover names the pair,
figure and documents; a click shows the pair's figures) beside each annotator's means."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip
from sklearn.metrics import cohen_kappa_score

from annotator.core.agreement import AgreementReport, agreement
from annotator.core.agreement_matrix import heat_colour
from annotator.core.project import Project
from annotator.gui.agreement_dialog import AgreementDialog
from tests.core.agreement_team import LONER, NAMES, OUTLIER, PLAN, exact_f1, shared, team_file


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return team_file(tmp_path_factory)


def measure(team: Path, names: list[str]) -> AgreementReport:
    with Project.open(team) as project:
        return agreement(project, names)


@pytest.fixture(scope="module")
def report(team: Path) -> AgreementReport:
    return measure(team, NAMES)


@pytest.fixture
def dialog(qtbot, report: AgreementReport) -> AgreementDialog:
    shown = AgreementDialog(report, "team.annotator")
    qtbot.addWidget(shown)
    shown.resize(1300, 740)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def centre(dialog: AgreementDialog, first: str, second: str) -> QPoint:
    heat_map = dialog.annotators.heat_map
    return heat_map.cell_rect(NAMES.index(first), NAMES.index(second)).center().toPoint()


def hover(qtbot, dialog: AgreementDialog, first: str, second: str) -> str:
    heat_map = dialog.annotators.heat_map
    point = centre(dialog, first, second)
    QApplication.sendEvent(
        heat_map, QHelpEvent(QEvent.Type.ToolTip, point, heat_map.mapToGlobal(point))
    )
    qtbot.waitUntil(QToolTip.isVisible, timeout=3000)
    return QToolTip.text()


def means(dialog: AgreementDialog) -> dict[str, str]:
    table = dialog.annotators.table
    return {table.item(row, 0).text(): table.item(row, 3).text() for row in range(30)}


def test_many_annotators_open_on_a_heat_map_coloured_by_each_pairs_figure(dialog) -> None:
    assert dialog.tabs.currentWidget() is dialog.annotators
    heat_map = dialog.annotators.heat_map
    assert heat_map.isVisible()
    assert dialog.annotators.choice.currentText() == "entity F1, exact match"
    image = heat_map.grab().toImage()
    scale = image.devicePixelRatio()
    for first, second in [("annotator01", "annotator02"), ("annotator13", "annotator14")]:
        value = exact_f1(first, second)
        assert value is not None
        point = centre(dialog, first, second)
        pixel = image.pixelColor(int(point.x() * scale) - 3, int(point.y() * scale) - 3)
        assert pixel.name() == QColor(heat_colour(value)).name()
    assert not shared("annotator01", "annotator15")
    point = centre(dialog, "annotator01", "annotator15")
    empty = image.pixelColor(int(point.x() * scale), int(point.y() * scale))
    assert empty.name() == heat_map.palette().base().color().name()


def test_hovering_a_cell_names_the_pair_the_figure_and_its_documents(qtbot, dialog) -> None:
    value = exact_f1("annotator01", "annotator02")
    documents = len(shared("annotator01", "annotator02"))
    text = hover(qtbot, dialog, "annotator01", "annotator02")
    assert text.startswith(
        f"annotator01 and annotator02: entity F1, exact match {value:.3f} over "
        f"{documents} documents ("
    )
    assert hover(qtbot, dialog, "annotator15", "annotator01") == (
        "annotator15 and annotator01: no document both finished"
    )


def test_the_table_gives_each_annotators_mean_over_those_they_share_documents_with(
    dialog,
) -> None:
    shown = means(dialog)
    assert len(shown) == 30
    for name in (OUTLIER, "annotator02", "annotator29"):
        values = [v for o in NAMES if o != name and (v := exact_f1(name, o)) is not None]
        assert shown[name] == f"{sum(values) / len(values):.3f}"
    assert shown[LONER] == "–"  # no data, not 0
    table = dialog.annotators.table
    table.sortItems(3, Qt.SortOrder.AscendingOrder)
    assert table.item(0, 0).text() == OUTLIER
    assert table.item(29, 0).text() == LONER  # no figure sorts last
    table.selectRow(0)
    assert dialog.annotators.heat_map.highlight == OUTLIER


def test_choosing_a_topic_redraws_the_map_and_the_means_for_its_kappa(qtbot, dialog) -> None:
    choice = dialog.annotators.choice
    choice.setCurrentIndex(choice.findText("topic “trade”, Cohen's κ"))
    text = hover(qtbot, dialog, "annotator02", "annotator03")
    assert text.startswith("annotator02 and annotator03: topic “trade”, Cohen's κ")
    kappas = []
    for other in NAMES:
        documents = shared("annotator02", other) if other != "annotator02" else []
        a = ["trade" in PLAN[(d, "annotator02")][1] for d in documents]
        b = ["trade" in PLAN[(d, other)][1] for d in documents]
        if len(set(a) | set(b)) > 1:
            kappas.append(cohen_kappa_score(a, b))
    assert means(dialog)["annotator02"] == f"{sum(kappas) / len(kappas):.3f}"


def test_clicking_a_cell_shows_that_pairs_own_figures(qtbot, dialog) -> None:
    heat_map = dialog.annotators.heat_map
    qtbot.mouseClick(
        heat_map, Qt.MouseButton.LeftButton, pos=centre(dialog, "annotator02", "annotator01")
    )
    shown = dialog.annotators.pair.toPlainText()
    documents = len(shared("annotator01", "annotator02"))
    assert "annotator02 against annotator01" in shown
    assert f"Over the {documents} documents both marked done" in shown
    qtbot.mouseClick(
        heat_map, Qt.MouseButton.LeftButton, pos=centre(dialog, "annotator01", "annotator15")
    )
    assert "finished no document in common" in dialog.annotators.pair.toPlainText()


def test_three_annotators_get_the_heat_map_beside_the_report_they_had(qtbot, team) -> None:
    shown = AgreementDialog(measure(team, NAMES[:3]), "team.annotator")
    qtbot.addWidget(shown)
    assert shown.tabs is not None and shown.tabs.currentWidget() is shown.browser
    assert "annotator02 against annotator01" in shown.browser.toPlainText()
    assert shown.annotators is not None and len(shown.annotators.heat_map.matrix.rows) == 3

"""Review mode: compare annotators on the open document and settle each disagreement.

While reviewing, the open annotation is the gold set (annotator ``gold``): the pane shows it as
usual, so hand edits work as ever, and overlays every open disagreement with a dotted outline
in the colour of its kind and a badge naming each annotator's version, and everything all
compared annotators agree on (not yet in gold) with a ticked badge. The side list names the
words in question and each version, grouped by kind. The reviewer takes one version (Q, W, E
for the first, second, third annotator; V opens a list of every version, any number of them,
picked by digit or arrows), both (B) or neither (0); J and K move between disagreements. M
adopts what at least K of the compared annotators agree on in the document (Shift+M in every
document), K set in the panel. Beyond three annotators the list and the badges group the
annotators by identical versions ("GPE ×5: …"), so a row stays one readable line. Every
settle and every adoption is one undo step. Return marks the document reviewed, Shift+Return
skips it: the reviewer's own record, never anyone's status. The agreement figures of the
document are measured off the GUI thread: they tokenize the text.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.adjudication import (
    BOTH,
    GOLD,
    NEITHER,
    REVIEW_SKIPPED,
    REVIEWED,
    TOPIC_LAYER,
    DocumentReview,
    ReviewItem,
    ReviewState,
    count_disagreements,
    review_counts,
    review_document,
    review_state,
    unsettled_in_project,
    update_count,
)
from annotator.core.agreement import AgreementReport, agreement
from annotator.core.agreement_html import number
from annotator.core.errors import AnnotatorError
from annotator.core.records import Layer, Status
from annotator.core.review import Kind
from annotator.gui import commands
from annotator.gui.dialogs import ok_cancel
from annotator.gui.span_view import DisplaySpan
from annotator.gui.workers import QuietTask

if TYPE_CHECKING:
    from annotator.core.project import Project
    from annotator.gui.main_window import MainWindow
    from annotator.gui.session import ProjectSession

KIND_COLOUR = {Kind.LABEL: "#d9480f", Kind.BOUNDARIES: "#b07d00", Kind.ONLY_SOME: "#7048e8"}
KIND_TEXT = {
    Kind.SAME: "agree",
    Kind.LABEL: "different label",
    Kind.BOUNDARIES: "different boundaries",
    Kind.ONLY_SOME: "only some have it",
}
TOPICS_SECTION = "topics"
#: The list's sections, in the order a reviewer works through them.
SECTIONS = (
    KIND_TEXT[Kind.LABEL],
    KIND_TEXT[Kind.BOUNDARIES],
    KIND_TEXT[Kind.ONLY_SOME],
    TOPICS_SECTION,
)
TAKE_KEYS = ("Q", "W", "E")
#: Up to this many annotators a row names each one's version; beyond, it groups them.
NAMED_VERSIONS = len(TAKE_KEYS)
#: Names shown per group of agreeing annotators before "+n".
GROUP_NAMES = 4
#: Pairs of annotators listed one by one in the figures; beyond, a summary.
NAMED_PAIRS = 3
#: Ids of the pane's review overlay count down from here, clear of the spans of the Links
#: panel's marks (small negative ids) and of stored spans (positive).
OVERLAY_ID_BASE = -1_000_000
QUOTE_LIMIT = 40


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The words in question on one line, shortened in the middle of a long passage."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    half = (limit - 1) // 2
    return f"{flat[:half].rstrip()}…{flat[-half:].lstrip()}"


def version_text(item: ReviewItem, name: str, text: str = "", words: bool = False) -> str:
    """One annotator's version: a topic's decision, or the labels (with their words where the
    boundaries differ, which is the point of that kind, or when ``words`` asks for them)."""
    if item.layer == TOPIC_LAYER:
        value = item.topic.get(name)
        return "applies" if value else ("does not apply" if value is False else "–")
    spans = item.spans.get(name, ())
    if (item.kind is Kind.BOUNDARIES or words) and text:
        return " + ".join(f"{s.label} “{quote(text[s.start : s.end], 24)}”" for s in spans) or "–"
    return " + ".join(span.label for span in spans) or "–"


def who(names: list[str]) -> str:
    """A group's names, the first few of a large group and how many more."""
    if len(names) <= GROUP_NAMES:
        return ", ".join(names)
    return f"{', '.join(names[: GROUP_NAMES - 1])} +{len(names) - GROUP_NAMES + 1}"


def badge_text(item: ReviewItem) -> str:
    """What the pane's badge says: each annotator's label, short enough to sit under words;
    with many annotators, each distinct version and how many have it ('GPE ×5 · LOC ×2')."""
    if len(item.names) > NAMED_VERSIONS:
        return " · ".join(
            f"{version_text(item, names[0])} ×{len(names)}" for names in item.groups()
        )
    return " · ".join(f"{name} {version_text(item, name)}" for name in item.names)


def row_text(item: ReviewItem, text: str) -> str:
    """A list row: the words (or the topic), then each version, e.g. 'Tibet — alice: – · bob:
    GPE', and the decision once settled. With more annotators than take keys, the versions
    are grouped, largest first: 'Tibet — GPE ×5: alice, bob, carol +2 · – ×3: dave, …'."""
    what = item.label if item.layer == TOPIC_LAYER else quote(text[item.start : item.end])
    if item.layer == Layer.UNRELIABLE.value:
        what = f"passage “{what}”"
    if len(item.names) > NAMED_VERSIONS:
        versions = " · ".join(
            f"{version_text(item, names[0], text)} ×{len(names)}: {who(names)}"
            for names in item.groups()
        )
    else:
        versions = " · ".join(f"{name}: {version_text(item, name, text)}" for name in item.names)
    settled = f"  → {item.decision}" if item.decision else ""
    return f"{what} — {versions}{settled}"


def picker_text(item: ReviewItem, position: int, name: str, text: str) -> str:
    """One entry of the version picker: its digit (the first ten), who, what, how many share
    it."""
    key = f"&{position + 1}" if position < 9 else ("1&0" if position == 9 else "  ")
    shared = next(len(names) for names in item.groups() if name in names)
    agree = f"  ({shared} of {len(item.names)} have it)" if shared > 1 else ""
    what = f"{name}: {version_text(item, name, text, words=True)}".replace("&", "&&")
    return f"{key}  {what}{agree}"


def review_note(state: ReviewState | None) -> str:
    if state is None:
        return "not reviewed yet"
    what = "reviewed" if state.status == REVIEWED else "skipped"
    return f"{what} by {state.reviewer}"


def section_of(item: ReviewItem) -> str:
    return TOPICS_SECTION if item.layer == TOPIC_LAYER else KIND_TEXT[item.kind]


def figures_text(report: AgreementReport | None, review: DocumentReview) -> str:
    """The document's agreement figures: per pair of annotators (a summary of all pairs when
    there are many), then topics."""
    lines = []
    if report is not None and len(report.pairs) > NAMED_PAIRS:
        lines += many_pairs_text(report)
        report = None
    for pair in report.pairs if report is not None else ():
        lines.append(
            f"{pair.candidate} vs {pair.reference}: entities F1 "
            f"{number(pair.exact['(micro)'].f1, 2)} exact, "
            f"{number(pair.overlap['(micro)'].f1, 2)} overlap, token κ "
            f"{number(pair.token_kappa, 2)}; passages char κ "
            f"{number(pair.unreliable_char_kappa, 2)}"
        )
    topics = [item for item in review.items if item.layer == TOPIC_LAYER]
    agreed = sum(item.kind is Kind.SAME for item in topics)
    lines.append(f"topics: agree on {agreed} of {len(topics)} decided")
    return "<br>".join(escape(line) for line in lines)


def many_pairs_text(report: AgreementReport) -> list[str]:
    """Krippendorff's alpha over everyone, and the pairs' exact entity F1: mean and the
    lowest pair (where a reviewer looks first)."""
    lines = [
        f"{len(report.annotators)} annotators: entities α {number(report.entity_alpha.value, 2)}"
        f" ({report.entity_alpha.units:,} tokens), passages α "
        f"{number(report.unreliable_alpha.value, 2)}"
    ]
    scored = [
        (pair.exact["(micro)"].f1, pair)
        for pair in report.pairs
        if "(micro)" in pair.exact and pair.exact["(micro)"].f1 is not None
    ]
    if scored:
        low, worst = min(scored, key=lambda entry: entry[0])
        mean = sum(f1 for f1, _pair in scored) / len(scored)
        lines.append(
            f"entities F1 exact over {len(scored)} pairs: mean {number(mean, 2)}, lowest "
            f"{number(low, 2)} ({worst.candidate} vs {worst.reference})"
        )
    return lines


def measure_document(
    project: Project, annotators: list[str], document_id: int
) -> tuple[int, AgreementReport | None]:
    """The open document's agreement (a worker's job: it tokenizes the text)."""
    try:
        return document_id, agreement(project, annotators, [document_id])
    except AnnotatorError:
        return document_id, None


def human_annotators(project: Project) -> list[str]:
    return [a.name for a in project.annotators() if a.kind == "human" and a.name != GOLD]


def finished_some(project: Project, names: list[str]) -> set[str]:
    """Whom to compare by default: those who marked at least one document done."""
    return {name for name in names if project.status_count(name, Status.DONE)}


class AnnotatorsDialog(QDialog):
    """Whose work to compare: two or more human annotators."""

    def __init__(self, names: list[str], checked: set[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review: compare annotators")
        self.list = QListWidget()
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked
            )
            self.list.addItem(item)
        buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Compare the work of (at least two):"))
        layout.addWidget(self.list)
        layout.addWidget(buttons)

    def chosen(self) -> list[str]:
        return [
            self.list.item(row).text()
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]


class ReviewPanel(QWidget):
    """The open document's disagreements, its agreement figures, the review keys, and the
    threshold of 'adopt what at least K agree on' with its two buttons."""

    itemChosen = Signal(int)
    #: Adopt in the open document (False) or in every document (True).
    adoptRequested = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QLabel(wordWrap=True)
        self.figures = QLabel(wordWrap=True)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.currentRowChanged.connect(self._row_changed)
        self.keys = QLabel(wordWrap=True)
        self.min_agree = QSpinBox()
        self.min_agree.setPrefix("at least ")
        self.min_agree.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.min_agree.setToolTip(
            "Adopt every open item where at least this many of the compared annotators "
            "(those with a set on the document) agree exactly, and no other version as many"
        )
        self.adopt_here = QPushButton("Here (M)")
        self.adopt_everywhere = QPushButton("Everywhere (Shift+M)")
        for button, everywhere in ((self.adopt_here, False), (self.adopt_everywhere, True)):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, e=everywhere: self.adoptRequested.emit(e))
        threshold = QHBoxLayout()
        threshold.addWidget(QLabel("Adopt where"))
        threshold.addWidget(self.min_agree)
        threshold.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.adopt_here)
        buttons.addWidget(self.adopt_everywhere)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        for widget in (self.header, self.figures, self.list, self.keys):
            layout.addWidget(widget)
        layout.addLayout(threshold)
        layout.addLayout(buttons)
        #: The review item of each list row; None for a section heading.
        self._indexes: list[int | None] = []

    def set_compared(self, count: int) -> None:
        """K runs from 1 to the number compared; it starts at a majority."""
        self.min_agree.setRange(1, max(count, 1))
        self.min_agree.setSuffix(f" of {count} agree")
        self.min_agree.setValue(count // 2 + 1)

    def show_review(
        self,
        review: DocumentReview,
        reviewer: str,
        text: str,
        current: int | None,
        state: ReviewState | None = None,
    ) -> None:
        """List the disagreements under a heading per kind, open ones in bold."""
        count = len(review.annotators)
        compared = ", ".join(review.annotators) if count <= GROUP_NAMES else f"{count} annotators"
        self.header.setText(
            f"<b>{review.disagreements}</b> disagreements, <b>{review.unsettled}</b> open · "
            f"comparing {escape(compared)} · reviewer {escape(reviewer)} · "
            f"{escape(review_note(state))}"
        )
        self.header.setToolTip(", ".join(review.annotators))
        keys = " · ".join(
            f"<b>{key}</b> {escape(name)}"
            for key, name in zip(TAKE_KEYS, review.annotators, strict=False)
        )
        self.keys.setText(
            f"Take: {keys} · <b>V</b> any of {count} · <b>B</b> both · <b>0</b> neither · "
            "<b>J</b>/<b>K</b> next/previous · <b>Return</b> reviewed"
        )
        sections: dict[str, list[int]] = {name: [] for name in SECTIONS}
        for index, item in enumerate(review.items):
            if item.kind is not Kind.SAME:
                sections[section_of(item)].append(index)
        self.list.blockSignals(True)
        self.list.clear()
        self._indexes = []
        for name, indexes in sections.items():
            if not indexes:
                continue
            still_open = sum(review.items[i].open for i in indexes)
            self._add_heading(f"{name.capitalize()} — {still_open} open of {len(indexes)}")
            for index in indexes:
                item = review.items[index]
                row = QListWidgetItem(row_text(item, text))
                font = row.font()
                font.setBold(item.open)
                row.setFont(font)
                self.list.addItem(row)
                self._indexes.append(index)
        if current in self._indexes:
            self.list.setCurrentRow(self._indexes.index(current))
        self.list.blockSignals(False)

    def _add_heading(self, text: str) -> None:
        heading = QListWidgetItem(text)
        heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        heading.setForeground(self.palette().placeholderText())
        self.list.addItem(heading)
        self._indexes.append(None)

    def rows(self) -> list[tuple[str, bool]]:
        """(text, is a heading) of every row, top to bottom."""
        return [
            (self.list.item(row).text(), self._indexes[row] is None)
            for row in range(self.list.count())
        ]

    def show_figures(self, text: str) -> None:
        self.figures.setText(text)

    def mark_current(self, index: int) -> None:
        if index in self._indexes:
            self.list.blockSignals(True)
            self.list.setCurrentRow(self._indexes.index(index))
            self.list.blockSignals(False)

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self._indexes):
            index = self._indexes[row]
            if index is not None:
                self.itemChosen.emit(index)


class ReviewController(QObject):
    """Turns review mode on and off and carries out the reviewer's decisions."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.panel = ReviewPanel()
        self.status = QLabel()
        self.current: int | None = None
        self._review: DocumentReview | None = None
        self._stale = True
        self.count_task: QuietTask | None = None
        #: Until the count is in, the status bar says so instead of a number.
        self._counting = False
        self.figures_task: QuietTask | None = None
        self._figures: dict[int, str] = {}
        self._measure_next: int | None = None
        #: The pane's overlay: span id to review item and the item's span id.
        self._overlay_items: dict[int, int] = {}
        self._overlay_ids: dict[int, int] = {}
        #: The open version picker (V), kept so it is not collected while shown.
        self.picker: QMenu | None = None
        self.panel.itemChosen.connect(self.choose)
        self.panel.adoptRequested.connect(self.adopt_min)
        self.panel.min_agree.editingFinished.connect(lambda: self.window.view.setFocus())
        window.session.documentChanged.connect(self._document_changed)
        window.editor.refreshed.connect(self._update_panel)
        window.view.spanClicked.connect(self._span_clicked)

    @property
    def session(self) -> ProjectSession:
        return self.window.session

    # Mode ---------------------------------------------------------------------------------

    def toggle(self) -> None:
        if self.session.reviewing:
            self.stop()
        else:
            self.start()
        self.window.set_review_actions(self.session.reviewing)

    def start(self, annotators: list[str] | None = None) -> bool:
        project = self.session.project
        if annotators is None:
            names = human_annotators(project)
            dialog = AnnotatorsDialog(names, finished_some(project, names), self.window)
            if not dialog.exec():
                return False
            annotators = dialog.chosen()
        if len(annotators) < 2:
            QMessageBox.information(self.window, "Review", "Choose at least two annotators.")
            return False
        reviewer = self.session.annotator
        self.session.reviewer = reviewer
        self.session.compared = list(annotators)
        self.current = None
        self._stale = True
        self._figures = {}
        self.panel.set_compared(len(annotators))
        self.window.editor.overlay = self.overlay_spans
        self.window.side.insertTab(0, self.panel, "Review")
        self.window.side.setCurrentWidget(self.panel)
        self.window.filters.disagreements.show()
        self.window.statusBar().insertPermanentWidget(0, self.status)
        self.status.show()
        self.session.set_annotator(GOLD)
        self.window.set_review_actions(True)
        self._reopen()
        self._count_all()
        self.window.view.setFocus()
        return True

    def stop(self) -> None:
        reviewer = self.session.reviewer
        if reviewer is None:
            return
        self.stop_tasks()
        self.session.reviewer = None
        self.session.compared = []
        self.window.editor.overlay = None
        self.window.side.removeTab(self.window.side.indexOf(self.panel))
        self.window.filters.disagreements.setValue(0)
        self.window.filters.disagreements.hide()
        self.window.statusBar().removeWidget(self.status)
        self.window.set_review_actions(False)
        self.session.set_annotator(reviewer)
        self._reopen()
        self.window.view.setFocus()

    def stop_tasks(self) -> None:
        """Stop counting and measuring (leaving review mode, closing the window)."""
        self._measure_next = None
        for task in (self.count_task, self.figures_task):
            if task is not None:
                task.stop()
        self.figures_task = None

    def _reopen(self) -> None:
        """Show the open document again, now as the other annotation (gold or the person's)."""
        document_id = self.window.editor.document_id
        if document_id is not None:
            self.window.editor.load(document_id)

    def _count_all(self) -> None:
        project, names = self.session.project, list(self.session.compared)
        self.status.setText(f"Reviewing {', '.join(names)} → gold: counting disagreements…")
        self.count_task = QuietTask(
            self,
            lambda progress, cancel: count_disagreements(project, names, progress, cancel),
        )
        self.count_task.finished.connect(self.window.filters.emit_filter)
        self.count_task.finished.connect(self._counted)
        self._counting = True
        self.count_task.start()

    def _counted(self) -> None:
        self._counting = False
        self._show_state()

    def _show_state(self) -> None:
        """The status bar: whose work is compared and how many disagreements are left."""
        if not self.session.reviewing:
            return
        if self._counting:
            return
        names = list(self.session.compared)
        left = unsettled_in_project(self.session.project, names)
        plural = "" if left == 1 else "s"
        compared = ", ".join(names) if len(names) <= GROUP_NAMES else f"{len(names)} annotators"
        reviewed = review_counts(self.session.project).get(REVIEWED, 0)
        done = (
            f" · {reviewed:,} document{'' if reviewed == 1 else 's'} reviewed" if reviewed else ""
        )
        self.status.setText(
            f"Reviewing {compared} → gold: {left:,} disagreement{plural} left{done}"
        )

    # The open document --------------------------------------------------------------------

    def review(self) -> DocumentReview | None:
        document_id = self.window.editor.document_id
        if not self.session.reviewing or document_id is None:
            return None
        if self._stale or self._review is None or self._review.document_id != document_id:
            if self._review is None or self._review.document_id != document_id:
                self.current = None
            self._review = review_document(self.session.project, document_id, self.session.compared)
            self._stale = False
        return self._review

    def colleagues_changed(self) -> None:
        """Colleagues' new work on the open document shows in the review at once."""
        if self._review is not None:
            self._stale = True
            self.window.editor.refresh()

    def _document_changed(self, document_id: int) -> None:
        if self._review is not None and self._review.document_id == document_id:
            self._stale = True

    def overlay_spans(self) -> list[DisplaySpan]:
        """Open disagreements (dotted, a badge per version) and what everyone agrees on but
        gold does not hold yet (the label's colour, a ticked badge), so the pane shows the
        whole document from the moment it opens, not only after Return adopts the agreements.
        """
        self._overlay_items, self._overlay_ids = {}, {}
        review = self.review()
        if review is None:
            return []
        colours = self.window.editor.colours()
        in_gold = [(s.layer.value, s.start, s.end) for s in self.window.editor.own_spans()]
        shown: list[DisplaySpan] = []

        def add(index: int, start: int, end: int, label: str, colour: str, kind: str) -> None:
            span_id = OVERLAY_ID_BASE - len(shown)
            self._overlay_items[span_id] = index
            self._overlay_ids.setdefault(index, span_id)
            shown.append(DisplaySpan(span_id, start, end, label, colour, kind))

        for index, item in enumerate(review.items):
            if item.layer == TOPIC_LAYER:
                continue
            if item.open:
                add(index, item.start, item.end, badge_text(item), KIND_COLOUR[item.kind], "review")
                continue
            covered = any(
                layer == item.layer and start < item.end and end > item.start
                for layer, start, end in in_gold
            )
            if item.kind is not Kind.SAME or item.decision is not None or covered:
                continue
            kind = "agreed" if item.layer == Layer.ENTITY.value else "unreliable"
            for span in next(iter(item.spans.values())):
                add(
                    index,
                    span.start,
                    span.end,
                    span.label,
                    colours.get(span.label, "#cccccc"),
                    kind,
                )
        return shown

    def _update_panel(self) -> None:
        review = self.review()
        if review is None:
            return
        update_count(self.session.project, review)
        self.panel.show_review(
            review,
            self.session.reviewer or "",
            self.window.editor.text,
            self.current,
            review_state(self.session.project, review.document_id),
        )
        self._measure(review)
        self._show_state()

    def _measure(self, review: DocumentReview) -> None:
        """Show the document's figures, measuring them on a worker the first time."""
        document_id = review.document_id
        if document_id in self._figures:
            self.panel.show_figures(self._figures[document_id])
            return
        self.panel.show_figures("Measuring agreement…")
        if self.figures_task is not None:
            self._measure_next = document_id
            return
        project, names = self.session.project, list(self.session.compared)
        task = QuietTask(
            self, lambda _progress, _cancel: measure_document(project, names, document_id)
        )
        task.worker.succeeded.connect(self._measured)
        task.finished.connect(lambda: self._measuring_done(task))
        self.figures_task = task
        task.start()

    def _measured(self, result: tuple[int, AgreementReport | None]) -> None:
        document_id, report = result
        review = self.review()
        if review is None or review.document_id != document_id:
            return
        self._figures[document_id] = figures_text(report, review)
        self.panel.show_figures(self._figures[document_id])

    def _measuring_done(self, task: QuietTask) -> None:
        """Let the finished task go (one per document reviewed), then measure the one the
        reviewer moved to meanwhile."""
        task.thread.wait()
        task.deleteLater()
        if task is not self.figures_task:
            return
        self.figures_task = None
        waiting, self._measure_next = self._measure_next, None
        review = self.review()
        if waiting is not None and review is not None and review.document_id == waiting:
            self._measure(review)

    # Choosing and settling ----------------------------------------------------------------

    def choose(self, index: int) -> None:
        review = self.review()
        if review is None or not 0 <= index < len(review.items):
            return
        self.current = index
        self.panel.mark_current(index)
        item = review.items[index]
        if item.layer != TOPIC_LAYER:
            if item.open and index in self._overlay_ids:
                self.window.view.select_span(self._overlay_ids[index])
            self.window.view.scroll_to_cp(item.start)
        else:
            self.window.side.setCurrentWidget(self.panel)
        self.window.statusBar().showMessage(
            f"{KIND_TEXT[item.kind]}: {row_text(item, self.window.editor.text)}", 6000
        )

    def _span_clicked(self, span_id: int) -> None:
        if span_id in self._overlay_items:
            self.choose(self._overlay_items[span_id])

    def step(self, direction: int) -> None:
        """J/K: the next or previous open disagreement of the document."""
        review = self.review()
        if review is None:
            return
        open_items = [i for i, item in enumerate(review.items) if item.open]
        if not open_items:
            self.window.statusBar().showMessage("Every disagreement here is settled.", 6000)
            return
        here = self.current if self.current is not None else -1
        if direction > 0:
            later = [i for i in open_items if i > here]
            self.choose(later[0] if later else open_items[0])
        else:
            earlier = [i for i in open_items if i < here]
            self.choose(earlier[-1] if earlier else open_items[-1])

    def take(self, position: int) -> None:
        review = self.review()
        if review is None:
            return
        if position >= len(review.annotators):
            self.window.statusBar().showMessage("There is no annotator in that position.", 6000)
            return
        self.settle(review.annotators[position])

    def _target(self) -> int | None:
        """The item a key settles: the chosen one, else the first open one."""
        review = self.review()
        if review is None:
            return None
        if self.current is None or not 0 <= self.current < len(review.items):
            open_items = [i for i, item in enumerate(review.items) if item.open]
            if not open_items:
                self.window.statusBar().showMessage("Nothing left to settle here.", 6000)
                return None
            self.current = open_items[0]
        return self.current

    def pick_version(self) -> None:
        """V: a list of every annotator's version of the item, by digit or arrows; any number
        of annotators (Q, W, E reach only the first three). A popup, not a dialog."""
        review = self.review()
        index = self._target()
        if review is None or index is None:
            return
        item = review.items[index]
        text = self.window.editor.text
        menu = QMenu(self.window)
        menu.setToolTipsVisible(True)
        for position, name in enumerate(item.names):
            action = menu.addAction(picker_text(item, position, name, text))
            action.setData(name)
            action.triggered.connect(
                lambda _=False, n=name, d=review.document_id, i=index: self._settle_from_picker(
                    d, i, n
                )
            )
        menu.aboutToHide.connect(lambda: self.window.view.setFocus())
        if self.picker is not None:
            self.picker.deleteLater()
        self.picker = menu
        menu.popup(self._picker_place(index))
        if menu.actions():
            menu.setActiveAction(menu.actions()[0])

    def _picker_place(self, index: int) -> QPoint:
        """Under the item's words when they are marked in the pane, else the pane's middle."""
        view = self.window.view
        span_id = self._overlay_ids.get(index)
        shown = next((s for s in view.spans() if s.id == span_id), None)
        rects = view.span_rects(shown) if shown is not None else []
        if rects and view.viewport().rect().contains(rects[0].bottomLeft().toPoint()):
            return view.viewport().mapToGlobal(rects[0].bottomLeft().toPoint())
        return view.viewport().mapToGlobal(view.viewport().rect().center())

    def _settle_from_picker(self, document_id: int, index: int, name: str) -> None:
        review = self.review()
        if review is None or review.document_id != document_id:
            return
        self.current = index
        self.settle(name)

    def settle(self, choice: str) -> None:
        """Settle the chosen item (the first open one if none is chosen), then move on."""
        review = self.review()
        if review is None or self._target() is None:
            return
        assert self.current is not None
        item = review.items[self.current]
        command = commands.Settle(
            self.session, review.document_id, [item], choice, self.session.reviewer or ""
        )
        try:
            commands.execute(self.session, command)
        except AnnotatorError as exc:
            self.window.statusBar().showMessage(str(exc), 8000)
            return
        self._stale = True
        settled = self.current
        self.window.editor.refresh()
        self.current = settled
        self.step(1)

    def take_both(self) -> None:
        self.settle(BOTH)

    def take_neither(self) -> None:
        self.settle(NEITHER)

    def adopt_agreements(self) -> None:
        """Before 'done': what everyone agrees on goes into gold without a key per item."""
        review = self.review()
        if review is None:
            return
        agreed = [item for item in review.items if item.kind is Kind.SAME and item.decision is None]
        if agreed:
            command = commands.Settle(
                self.session, review.document_id, agreed, BOTH, self.session.reviewer or ""
            )
            commands.execute(self.session, command)
            self._stale = True

    def adopt_min(self, everywhere: bool = False) -> None:
        """M (Shift+M): settle every open item where at least K agree, here (everywhere);
        one undo step either way, leaving the real disagreements."""
        review = self.review()
        if review is None:
            return
        k = self.panel.min_agree.value()
        names = list(self.session.compared)
        command = commands.AdoptMin(
            self.session,
            review.document_id,
            names,
            k,
            self.session.reviewer or "",
            None if everywhere else [review.document_id],
            after=self._count_all if everywhere else None,
        )
        try:
            commands.execute(self.session, command)
        except AnnotatorError as exc:
            self.window.statusBar().showMessage(str(exc), 8000)
            return
        adoption = command.adoption
        settled = len(adoption.items) if adoption is not None else 0
        where = (
            f" in {len(adoption.documents):,} documents"
            if everywhere and adoption is not None
            else ""
        )
        self.window.statusBar().showMessage(
            f"Adopted {settled:,} item{'' if settled == 1 else 's'}{where} where at least {k} "
            f"of {len(names)} agree (Ctrl+Z takes {'it' if settled == 1 else 'them'} back)",
            8000,
        )
        self._stale = True
        self.current = None
        self.window.editor.refresh()

    def finish(self, status: str = REVIEWED) -> None:
        """Return (Shift+Return): the document is reviewed (skipped). Reviewed first adopts
        what everyone agrees on. The reviewer's record, not anyone's status; one undo step."""
        review = self.review()
        if review is None:
            return
        if status == REVIEWED:
            self.adopt_agreements()
        command = commands.MarkReview(
            self.session, review.document_id, status, self.session.reviewer or ""
        )
        commands.execute(self.session, command)
        self._stale = True

    def skip(self) -> None:
        self.finish(REVIEW_SKIPPED)

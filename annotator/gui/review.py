"""Review mode: compare annotators on the open document and settle each disagreement.

While reviewing, the open annotation is the gold set (annotator ``gold``): the pane shows it as
usual, so hand edits work as ever, and overlays every open disagreement with a dotted outline
in the colour of its kind and a badge naming each annotator's version, and everything all
compared annotators agree on (not yet in gold) with a ticked badge. The side list names the
words in question and each version, grouped by kind. The reviewer takes one version (Q, W, E
for the first, second, third annotator), both (B) or neither (0); J and K move between
disagreements. Every settle is one undo step. The agreement figures of the document are
measured off the GUI thread: they tokenize the text.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.adjudication import (
    BOTH,
    GOLD,
    NEITHER,
    TOPIC_LAYER,
    DocumentReview,
    ReviewItem,
    count_disagreements,
    review_document,
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


def version_text(item: ReviewItem, name: str, text: str = "") -> str:
    """One annotator's version: a topic's decision, or the labels (with their words where the
    boundaries differ, which is the point of that kind)."""
    if item.layer == TOPIC_LAYER:
        value = item.topic.get(name)
        return "applies" if value else ("does not apply" if value is False else "–")
    spans = item.spans.get(name, ())
    if item.kind is Kind.BOUNDARIES and text:
        return " + ".join(f"{s.label} “{quote(text[s.start : s.end], 24)}”" for s in spans) or "–"
    return " + ".join(span.label for span in spans) or "–"


def badge_text(item: ReviewItem) -> str:
    """What the pane's badge says: each annotator's label, short enough to sit under words."""
    names = item.topic if item.layer == TOPIC_LAYER else item.spans
    return " · ".join(f"{name} {version_text(item, name)}" for name in names)


def row_text(item: ReviewItem, text: str) -> str:
    """A list row: the words (or the topic), then each version, e.g. 'Tibet — alice: – · bob:
    GPE', and the decision once settled."""
    names = item.topic if item.layer == TOPIC_LAYER else item.spans
    what = item.label if item.layer == TOPIC_LAYER else quote(text[item.start : item.end])
    if item.layer == Layer.UNRELIABLE.value:
        what = f"passage “{what}”"
    versions = " · ".join(f"{name}: {version_text(item, name, text)}" for name in names)
    settled = f"  → {item.decision}" if item.decision else ""
    return f"{what} — {versions}{settled}"


def section_of(item: ReviewItem) -> str:
    return TOPICS_SECTION if item.layer == TOPIC_LAYER else KIND_TEXT[item.kind]


def figures_text(report: AgreementReport | None, review: DocumentReview) -> str:
    """The document's agreement figures: per pair of annotators, then topics."""
    lines = []
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
    """The open document's disagreements, its agreement figures and the review keys."""

    itemChosen = Signal(int)

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
        layout = QVBoxLayout(self)
        for widget in (self.header, self.figures, self.list, self.keys):
            layout.addWidget(widget)
        #: The review item of each list row; None for a section heading.
        self._indexes: list[int | None] = []

    def show_review(
        self, review: DocumentReview, reviewer: str, text: str, current: int | None
    ) -> None:
        """List the disagreements under a heading per kind, open ones in bold."""
        self.header.setText(
            f"<b>{review.disagreements}</b> disagreements, <b>{review.unsettled}</b> open · "
            f"comparing {escape(', '.join(review.annotators))} · reviewer {escape(reviewer)}"
        )
        keys = " · ".join(
            f"<b>{key}</b> {escape(name)}"
            for key, name in zip(TAKE_KEYS, review.annotators, strict=False)
        )
        self.keys.setText(
            f"Take: {keys} · <b>B</b> both · <b>0</b> neither · <b>J</b>/<b>K</b> next/previous"
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
        self.panel.itemChosen.connect(self.choose)
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
        self.status.setText(
            f"Reviewing {', '.join(names)} → gold: {left:,} disagreement{plural} left"
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
            review, self.session.reviewer or "", self.window.editor.text, self.current
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

    def settle(self, choice: str) -> None:
        """Settle the chosen item (the first open one if none is chosen), then move on."""
        review = self.review()
        if review is None:
            return
        if self.current is None or not 0 <= self.current < len(review.items):
            open_items = [i for i, item in enumerate(review.items) if item.open]
            if not open_items:
                self.window.statusBar().showMessage("Nothing left to settle here.", 6000)
                return
            self.current = open_items[0]
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

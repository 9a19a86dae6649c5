"""The main window: document list, reading pane, side panels, menus and the status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core import settings
from annotator.core.assignment import queue_progress
from annotator.core.errors import AnnotatorError
from annotator.core.project import Project
from annotator.core.records import LabelKind, Layer, Status
from annotator.gui import open_suggestions
from annotator.gui.activity import ActivityClock
from annotator.gui.colours import apply_theme
from annotator.gui.dialogs import ask_language
from annotator.gui.document_list import DocumentListModel, FilterBar
from annotator.gui.editor import DocumentEditor
from annotator.gui.find_bar import FindBar
from annotator.gui.label_editor import LabelSchemeDialog
from annotator.gui.links_panel import LinksPanel
from annotator.gui.model_actions import ModelActions
from annotator.gui.operations import Operations
from annotator.gui.panels import GuidelinesPanel, SpanListPanel, TopicsPanel
from annotator.gui.review import ReviewController
from annotator.gui.session import ProjectSession
from annotator.gui.settings_dialog import SettingsDialog
from annotator.gui.shortcuts import REVIEW_ACTIONS, ShortcutSheet, by_action, sheet_html
from annotator.gui.span_view import SpanView
from annotator.gui.team_watch import TeamWatch
from annotator.gui.window_geometry import place_window, window_record
from annotator.gui.workers import QuietTask

UNFINISHED = {Status.NEW, Status.IN_PROGRESS}
MAX_RECENT = 8
GETTING_STARTED = """<h3>Getting started</h3>
<ol><li>Pick an article in the list on the left.</li>
<li>Model suggestions have dashed outlines: press <b>A</b> to accept the selected one,
<b>X</b> to reject it, <b>Shift+A</b> to accept them all.</li>
<li>Select text and press a label's key (<b>1</b>–<b>9</b>) to add an entity; click a span and
press another key to relabel it, <b>Delete</b> to remove it.</li>
<li>Select a dubious passage and press <b>U</b> (or <b>Alt+1</b>…) to mark it unreliable.</li>
<li>Toggle topics with <b>Ctrl+1</b>…<b>Ctrl+9</b>, then press <b>Enter</b>: done, next.</li>
</ol><p>Everything is saved as you go. File ▸ Export writes the training set.</p>"""
EMPTY_PROJECT = """<h3>No articles yet</h3>
<p><b>File ▸ Import files…</b> (Ctrl+I) or <b>File ▸ Import folder…</b> brings articles in:
plain text, HTML, JSONL, CSV, spaCy DocBin, brat, CoNLL.</p>
<p>Then <b>File ▸ Pre-tag…</b> lets a spaCy pipeline (the built-in tagger, or one you have
installed) suggest the entities: accept them with <b>A</b>, reject them with <b>X</b>.</p>
<p><b>Help ▸ Getting started</b> walks through the rest.</p>"""


class MainWindow(QMainWindow):
    def __init__(self, session: ProjectSession) -> None:
        super().__init__()
        self.session = session
        self.view = SpanView()
        self.editor = DocumentEditor(session, self.view, self)
        self.model = DocumentListModel(session)
        self.filters = FilterBar(session)
        self.table = QTableView()
        self.topics = TopicsPanel()
        self.unreliable = SpanListPanel(Layer.UNRELIABLE)
        self.entities = SpanListPanel(Layer.ENTITY)
        self.links = LinksPanel()
        self.guidelines = GuidelinesPanel(session.project.set_guidelines)
        self.find_bar = FindBar(self.view, lambda: self.editor.text)
        self.editor.loaded.connect(lambda _document: self.find_bar.refresh())
        self.title = QLabel()
        self.empty_hint = QLabel(EMPTY_PROJECT)
        self.annotator_button = QPushButton()
        self.status_label = QLabel()
        self.offline_label = QLabel()
        self.progress_label = QLabel()
        self.operations = Operations(self)
        self.model_actions = ModelActions(self)
        self.review = ReviewController(self)
        self._changed_rows: set[int] = set()
        self._rows_timer = QTimer(self, singleShot=True, interval=0)
        self._rows_timer.timeout.connect(self._refresh_rows)
        self.clock = ActivityClock(self, self._record_time)
        self.backup_task: QuietTask | None = None
        self.team_watch: TeamWatch | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.shortcut_sheet: ShortcutSheet | None = None
        self.backup_every_s = settings.user_settings().backup_minutes * 60
        self._backup_timer = QTimer(self, interval=self.backup_every_s * 1000)
        self._backup_timer.timeout.connect(self.back_up)
        self._backup_timer.start()
        self._build_layout()
        self._build_menus()
        self._connect()
        self._restore_settings()
        self._show_project()
        # Keys belong to the article from the start: the first widget in the focus chain is
        # the search box, which would take the first label key as a query.
        self.view.setFocus()

    # Layout -------------------------------------------------------------------------------

    def _build_layout(self) -> None:
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((230, 78, 64, 120, 40)):
            self.table.setColumnWidth(column, width)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.filters)
        left_layout.addWidget(self.table)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600; padding: 4px 12px;")
        centre_layout.addWidget(self.title)
        centre_layout.addWidget(self.find_bar)
        centre_layout.addWidget(self.view, 1)
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setMargin(24)
        self.empty_hint.hide()
        centre_layout.addWidget(self.empty_hint, 1)
        self.side = QTabWidget()
        self.side.addTab(self.topics, "Topics")
        self.side.addTab(self.unreliable, "Unreliable")
        self.side.addTab(self.entities, "Entities")
        self.side.addTab(self.links, "Links")
        self.side.addTab(self.guidelines, "Guidelines")
        # Tabs run down the window's right edge: six of them (with review mode's) never fit
        # across a side panel of a 1024-pixel window, and scroll arrows would hide the last.
        self.side.setTabPosition(QTabWidget.TabPosition.East)
        self.side.setUsesScrollButtons(False)
        self.side.tabBar().setElideMode(Qt.TextElideMode.ElideNone)
        self.splitter = QSplitter()
        for widget in (left, centre, self.side):
            self.splitter.addWidget(widget)
        # Small enough that all three fit a 1024-pixel window; the side panel's minimum is its
        # own minimumSizeHint (tab bar and widest page), so no page is ever cut off.
        self.view.setMinimumWidth(360)
        self.empty_hint.setMinimumWidth(360)
        left.setMinimumWidth(240)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([390, 720, 380])
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.setCentralWidget(self.splitter)
        self.annotator_button.setFlat(True)
        self.annotator_button.setToolTip("Who is annotating; click to switch")
        bar = self.statusBar()
        bar.addPermanentWidget(self.offline_label)
        bar.addPermanentWidget(self.status_label)
        bar.addPermanentWidget(self.progress_label)
        bar.addPermanentWidget(self.annotator_button)

    def action(self, name: str, text: str, slot: object, keys: tuple[str, ...] = ()) -> QAction:
        action = QAction(text, self)
        shortcut = by_action().get(name)
        sequences = keys or (shortcut.keys if shortcut else ())
        if sequences:
            action.setShortcuts([QKeySequence(k) for k in sequences])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        self.actions_by_name[name] = action
        return action

    def _build_menus(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        ops = self.operations
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.action("new", "&New project…", ops.new_project, ("Ctrl+N",)))
        file_menu.addAction(self.action("open", "&Open project…", ops.open_project, ("Ctrl+O",)))
        self.recent_menu = file_menu.addMenu("Open &recent")
        file_menu.addSeparator()
        file_menu.addAction(
            self.action("import_files", "&Import files…", ops.import_files, ("Ctrl+I",))
        )
        file_menu.addAction(self.action("import_folder", "Import &folder…", ops.import_folder))
        file_menu.addAction(self.action("pretag", "&Pre-tag…", ops.pretag))
        file_menu.addAction(self.action("export", "&Export…", ops.export))
        file_menu.addAction(self.action("merge", "&Merge a colleague's project…", ops.merge))
        file_menu.addSeparator()
        file_menu.addAction(self.action("quit", "&Quit", self.close, ("Ctrl+Q",)))
        edit = self.menuBar().addMenu("&Edit")
        undo = self.session.undo_stack.createUndoAction(self, "&Undo")
        redo = self.session.undo_stack.createRedoAction(self, "&Redo")
        undo.setShortcuts([QKeySequence(k) for k in by_action()["undo"].keys])
        redo.setShortcuts([QKeySequence(k) for k in by_action()["redo"].keys])
        self.actions_by_name.update(undo=undo, redo=redo)
        edit.addActions([undo, redo])
        edit.addSeparator()
        ed = self.editor
        for name, text, slot in (
            ("delete", "&Delete span", ed.delete_selected),
            ("accept", "&Accept suggestion", ed.accept_selected),
            ("reject", "Re&ject suggestion", ed.reject_selected),
            ("accept_all", "Accept a&ll suggestions", ed.accept_all),
            ("reject_all", "Reject all suggestio&ns", ed.reject_all),
            ("next_span", "Next span", lambda: ed.select_neighbour_span(1)),
            ("previous_span", "Previous span", lambda: ed.select_neighbour_span(-1)),
            ("start_left", "Move start left", lambda: ed.move_boundary("start", -1)),
            ("start_right", "Move start right", lambda: ed.move_boundary("start", 1)),
            ("end_left", "Move end left", lambda: ed.move_boundary("end", -1)),
            ("end_right", "Move end right", lambda: ed.move_boundary("end", 1)),
            ("unreliable", "Mark &unreliable…", lambda: ed.mark_unreliable()),
            ("note", "Edit &note…", lambda: ed.edit_note()),
            ("boilerplate", "Mark &boilerplate", ed.mark_boilerplate),
            ("unboilerplate", "Unmark boilerplate", ed.unmark_boilerplate),
            ("picker", "&Pick label…", ed.pick_label),
            ("clear", "Clear selection", self.view.clear_span_selection),
        ):
            edit.addAction(self.action(name, text, slot))
        edit.addSeparator()
        edit.addAction(self.action("schemes", "Label &schemes…", self.edit_schemes))
        edit.addAction(self.action("language", "Project languag&e…", self.edit_language))
        preferences = self.action("settings", "Se&ttings…", self.edit_settings, ("Ctrl+,",))
        preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
        edit.addAction(preferences)
        edit.addAction(
            self.action(
                "guidelines", "&Guidelines", lambda: self.side.setCurrentWidget(self.guidelines)
            )
        )
        document = self.menuBar().addMenu("&Document")
        for name, text, slot in (
            ("done_next", "&Done, next", self.done_and_next),
            ("skip", "&Skip", self.skip),
            ("next", "&Next", lambda: self.go(1)),
            ("previous", "&Previous", lambda: self.go(-1)),
            ("next_unfinished", "Next &unfinished", lambda: self.next_unfinished()),
        ):
            document.addAction(self.action(name, text, slot))
        document.addAction(
            self.action(
                "reject_doc", "Re&ject document", lambda: self.editor.set_status(Status.REJECTED)
            )
        )
        document.addSeparator()
        open_suggestions.add_menu(document)
        view = self.menuBar().addMenu("&View")
        view.addAction(self.action("find", "&Find in article…", self.find_bar.open_bar))
        view.addAction(self.action("search", "&Search the documents", self._focus_search))
        view.addAction(self.action("zoom_in", "&Larger text", lambda: self.zoom(1)))
        view.addAction(self.action("zoom_out", "&Smaller text", lambda: self.zoom(-1)))
        review = self.menuBar().addMenu("&Review")
        rc = self.review
        mode = self.action("review_mode", "&Review mode", rc.toggle)
        mode.setCheckable(True)
        review.addAction(mode)
        review.addSeparator()
        for name, text, slot in (
            ("next_disagreement", "&Next disagreement", lambda: rc.step(1)),
            ("previous_disagreement", "&Previous disagreement", lambda: rc.step(-1)),
            ("take_first", "Take the &first version", lambda: rc.take(0)),
            ("take_second", "Take the &second version", lambda: rc.take(1)),
            ("take_third", "Take the &third version", lambda: rc.take(2)),
            ("pick_version", "Take &any version…", rc.pick_version),
            ("take_both", "Keep &both", rc.take_both),
            ("take_neither", "Keep &neither", rc.take_neither),
            ("adopt_min", "&Adopt what at least K agree on here", lambda: rc.adopt_min(False)),
            (
                "adopt_min_all",
                "Adopt what at least K agree on in &every document",
                lambda: rc.adopt_min(True),
            ),
        ):
            review.addAction(self.action(name, text, slot))
        review.addSeparator()
        review.addAction(
            self.action("agreement", "&Agreement report…", lambda: ops.agreement_report())
        )
        self.set_review_actions(False)
        self.model_actions.add_menu(self.menuBar().addMenu("&Model"))
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.action("help", "&Keyboard shortcuts", self.show_shortcuts))
        help_menu.addAction(
            self.action("getting_started", "&Getting started", self.show_getting_started)
        )
        self.label_actions: list[QAction] = []
        self._install_label_keys()

    def set_review_actions(self, enabled: bool) -> None:
        """The review keys work only in review mode, whose menu item shows it is on."""
        for name in REVIEW_ACTIONS:
            self.actions_by_name[name].setEnabled(enabled)
        self.actions_by_name["review_mode"].setChecked(enabled)

    def _install_label_keys(self) -> None:
        """Keys of the project's labels: entities, topics and reliability reasons."""
        for action in self.label_actions:
            self.removeAction(action)
        self.label_actions = []
        project = self.session.project
        handlers = {
            LabelKind.ENTITY: self.editor.apply_label,
            LabelKind.TOPIC: self.topic_key,
            LabelKind.RELIABILITY: lambda name: self.editor.mark_unreliable(name),
        }
        for kind, handler in handlers.items():
            for label in project.labels(kind):
                if not label.shortcut:
                    continue
                action = QAction(label.name, self)
                action.setShortcut(QKeySequence(label.shortcut))
                action.triggered.connect(lambda _=False, n=label.name, h=handler: h(n))
                self.addAction(action)
                self.label_actions.append(action)
                if kind is LabelKind.TOPIC:
                    self._install_topic_rejection(label.name, label.shortcut)

    def _install_topic_rejection(self, label: str, shortcut: str) -> None:
        """Shift with a topic's key: does not apply (rejects a suggested topic)."""
        key = QKeySequence(shortcut)[0]
        rejection = QAction(f"{label}: does not apply", self)
        rejection.setShortcut(
            QKeySequence(key.keyboardModifiers() | Qt.KeyboardModifier.ShiftModifier | key.key())
        )
        rejection.triggered.connect(lambda _=False, n=label: self.topic_key(n, reject=True))
        self.addAction(rejection)
        self.label_actions.append(rejection)

    def topic_key(self, label: str, reject: bool = False) -> None:
        """A topic's key; with the Topics tab out of sight, the status bar says what it did,
        since nothing else on screen would."""
        if reject:
            self.editor.reject_topic(label)
        else:
            self.editor.toggle_topic(label)
        annotation = self.editor.annotation
        if self.topics.isVisible() or annotation is None:
            return
        state = {True: "applied", False: "does not apply", None: "cleared"}
        self.statusBar().showMessage(f"Topic '{label}' {state[annotation.topics.get(label)]}", 4000)

    def _connect(self) -> None:
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.filters.filterChanged.connect(self._filter_changed)
        self.filters.orderChanged.connect(self.model_actions.order_by)
        self.editor.refreshed.connect(self._update_panels)
        self.editor.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.session.errorOccurred.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.session.documentChanged.connect(self._queue_row_refresh)
        self.session.documentsChanged.connect(self._documents_changed)
        self.session.labelsChanged.connect(self._labels_changed)
        self.session.focusRequested.connect(self._focus_document)
        self.session.annotatorChanged.connect(lambda _name: self._show_annotator())
        self.view.spanClicked.connect(self._span_clicked)
        self.view.selectionChangedCp.connect(self._selection_changed)
        self.topics.topicToggled.connect(self.editor.set_topic)
        for panel in (self.unreliable, self.entities):
            panel.spanChosen.connect(self.jump_to_span)
        self.unreliable.noteRequested.connect(self.editor.edit_note)
        self.entities.accept_all.clicked.connect(self.editor.accept_all)
        self.links.entryChosen.connect(
            lambda entry: self.editor.mark(entry.ends if entry is not None else [])
        )
        self.links.deleteRequested.connect(self.editor.delete_link)
        self.annotator_button.clicked.connect(self.switch_annotator)

    def _queue_row_refresh(self, document_id: int) -> None:
        """List rows and the progress count follow an edit after it is on screen."""
        self._changed_rows.add(document_id)
        self._rows_timer.start()

    def _refresh_rows(self) -> None:
        for document_id in self._changed_rows:
            self.model.refresh_document(document_id)
        self._changed_rows.clear()
        self._update_progress()

    # Project ------------------------------------------------------------------------------

    def _show_project(self) -> None:
        project = self.session.project
        self.setWindowTitle(f"{project.name} — Annotator")
        self.guidelines.set_text(project.guidelines)
        self._show_annotator()
        self._update_progress()
        if self.model.rowCount() > 0:
            self.select_row(0)
        self._remember_recent(project.location)
        self.index_for_search()
        self.back_up()
        self.watch_colleagues()

    def index_for_search(self) -> None:
        """Bring the full-text index up to date off the GUI thread, so searching never stalls."""
        from annotator.core.listing import ensure_search_index

        project = self.session.project

        def index(progress: object, cancel: object) -> None:
            if ensure_search_index(project, progress, cancel):  # type: ignore[arg-type]
                project.checkpoint()

        self.search_task = QuietTask(self, index)
        self.search_task.finished.connect(self._search_index_ready)
        self.search_task.start()

    def _search_index_ready(self) -> None:
        """A search typed while the index was being built covered only part of the project."""
        if self.filters.search.text().strip():
            self.filters.emit_filter()

    def back_up(self) -> None:
        """A rolling backup off the GUI thread, when the newest one is old enough."""
        from annotator.core.backup import backup_if_older_than

        if self.backup_task is not None and self.backup_task.thread.isRunning():
            return
        path = self.session.project.path
        if path is None:
            return
        every = self.backup_every_s
        self.backup_task = QuietTask(
            self, lambda _progress, _cancel: backup_if_older_than(path, every)
        )
        self.backup_task.start()

    def watch_colleagues(self) -> None:
        """On a team's server, colleagues' work appears as they save it."""
        if self.session.project.on_server and self.team_watch is None:
            self.team_watch = TeamWatch(self, self.session)
            self.team_watch.othersChanged.connect(self._colleagues_changed)
            self.team_watch.reachable.connect(self._server_reachable)
            self.session.outbox.changed.connect(self._show_outbox)

    def _server_reachable(self, reachable: bool) -> None:
        if reachable and self.session.outbox.offline:
            self.session.outbox.flush()

    def _show_outbox(self, waiting: int) -> None:
        """Offline, the window says so and how many edits it keeps; back online, that they
        were written."""
        if waiting:
            self.offline_label.setText(
                f"Offline: {waiting} edit{'s' if waiting > 1 else ''} kept, written when the "
                "server answers again"
            )
            self.offline_label.setToolTip(self.session.outbox.reason)
        else:
            self.offline_label.setText("")
            self.statusBar().showMessage("Back online: the kept edits are saved.", 6000)

    def _colleagues_changed(self) -> None:
        current = self.editor.document_id
        self.model.reload()
        self._update_progress(recount=True)
        row = self.model.row_of(current) if current is not None else None
        if row is not None:
            self.table.selectionModel().blockSignals(True)
            self.select_row(row)
            self.table.selectionModel().blockSignals(False)
        if self.session.reviewing:
            self.review.colleagues_changed()

    def _show_annotator(self) -> None:
        if self.session.reviewing:
            self.annotator_button.setText(f"Reviewing as {self.session.reviewer} → gold")
        else:
            self.annotator_button.setText(f"Annotator: {self.session.annotator}")

    def _update_progress(self, recount: bool = False) -> None:
        project = self.session.project
        if recount or not hasattr(self, "_documents"):
            self._documents = project.document_count()
            self._show_empty_hint()
        assigned, done = queue_progress(project, self.session.annotator)
        if assigned:
            self.progress_label.setText(f"{done:,} of {assigned:,} in your queue done")
            return
        done = project.status_count(self.session.annotator, Status.DONE)
        self.progress_label.setText(f"{done:,} of {self._documents:,} done")

    def _show_empty_hint(self) -> None:
        """A project without articles says how to begin instead of showing a blank pane."""
        empty = self._documents == 0
        self.empty_hint.setVisible(empty)
        self.title.setVisible(not empty)
        self.view.setVisible(not empty)

    def _documents_changed(self) -> None:
        self.index_for_search()
        current = self.editor.document_id
        self.model.reload()
        self.filters.fill_labels()
        self._update_progress(recount=True)
        row = self.model.row_of(current) if current is not None else None
        if row is not None:
            self.select_row(row)
        elif self.model.rowCount() > 0:
            self.select_row(0)

    def _labels_changed(self) -> None:
        self._install_label_keys()
        self.filters.fill_labels()
        self.model.reload()

    def _filter_changed(self, flt: object) -> None:
        current = self.editor.document_id
        self.model.set_filter(flt)  # type: ignore[arg-type]
        row = self.model.row_of(current) if current is not None else None
        if row is not None:
            self.select_row(row)

    # Navigation ---------------------------------------------------------------------------

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def current_row(self) -> int:
        return self.table.selectionModel().currentIndex().row()

    def _row_changed(self, current: object, _previous: object) -> None:
        row = self.current_row()
        item = self.model.row_data(row)
        if item is None or item.id == self.editor.document_id:
            return
        self.clock.switch(item.id)
        self.editor.load(item.id)
        self.title.setText(item.title or "(untitled)")

    def open_document(self, document_id: int) -> None:
        """Show a document, selecting its row when the list shows it."""
        row = self.model.row_of(document_id)
        if row is not None:
            self.select_row(row)
        if self.editor.document_id != document_id:
            self.clock.switch(document_id)
            self.editor.load(document_id)
            info = self.session.project.document_info(document_id)
            self.title.setText(info.title or "(untitled)")

    def _focus_document(self, document_id: int) -> None:
        if document_id != self.editor.document_id:
            self.open_document(document_id)

    def go(self, step: int) -> None:
        row = self.current_row() + step
        if 0 <= row < self.model.rowCount():
            self.select_row(row)

    def next_unfinished(self, include_current: bool = False) -> bool:
        """Select the next unfinished document of the list; when documents are assigned to
        the annotator, the next of their own queue (whether or not the list shows only it)."""
        start = self.current_row() + (0 if include_current else 1)
        for row in range(max(start, 0), self.model.rowCount()):
            if not self.model.in_queue(row):
                continue
            item = self.model.row_data(row)
            if item is not None and item.status in UNFINISHED:
                self.select_row(row)
                return True
        where = "in your queue " if self.model.queue else ""
        self.statusBar().showMessage(f"No unfinished documents {where}after this one.", 6000)
        return False

    def done_and_next(self) -> None:
        if self.session.reviewing:
            self.review.finish()  # the reviewer's record, not anyone's status
        else:
            if self.editor.suggestions:
                choice = open_suggestions.choose(self, len(self.editor.suggestions))
                if choice is None:
                    return
                if choice != "leave":
                    self.editor.decide_all(reject=choice == "reject")
            self.editor.set_status(Status.DONE)
        self.model_actions.document_finished()
        self.next_unfinished()

    def skip(self) -> None:
        if self.session.reviewing:
            self.review.skip()
        else:
            self.editor.set_status(Status.SKIPPED)
        self.next_unfinished()

    # Panels -------------------------------------------------------------------------------

    def _update_panels(self) -> None:
        editor = self.editor
        spans = editor.own_spans()
        colours = editor.colours()
        self.topics.show_topics(
            editor.labels[LabelKind.TOPIC], editor.annotation, editor.topic_suggestions
        )
        self.unreliable.show_spans(editor.text, spans, [], colours)
        self.entities.show_spans(editor.text, spans, editor.suggestions, colours)
        self.side.setTabText(
            self.side.indexOf(self.unreliable), f"Unreliable ({self.unreliable.count()})"
        )
        self.side.setTabText(
            self.side.indexOf(self.entities), f"Entities ({self.entities.count()})"
        )
        self.links.show_entries(editor.text, editor.relations(), spans)
        self.side.setTabText(self.side.indexOf(self.links), f"Links ({self.links.count()})")
        status = editor.status().value.replace("_", " ")
        self.status_label.setText(f"Status: {status}")

    def jump_to_span(self, span_id: int) -> None:
        span = self.editor.span(span_id)
        if span is not None:
            self.view.select_span(span_id)
            self.view.scroll_to_cp(span.start)

    def _span_clicked(self, span_id: int) -> None:
        span = self.editor.span(span_id)
        if span is not None:
            kind = "suggestion" if self.editor.is_suggestion(span_id) else span.layer.value
            note = f" — {span.note}" if span.note else ""
            self.statusBar().showMessage(f"{span.label} ({kind}){note}", 5000)

    def _selection_changed(self, start: int, end: int) -> None:
        from PySide6.QtWidgets import QApplication

        modifiers = QApplication.keyboardModifiers()
        self.editor.precise = bool(modifiers & Qt.KeyboardModifier.ControlModifier)

    # Dialogs and settings -----------------------------------------------------------------

    def edit_schemes(self) -> None:
        dialog = LabelSchemeDialog(self.session.project, self)
        dialog.exec()
        if dialog.changed():
            self.session.labelsChanged.emit()

    def edit_language(self) -> None:
        project = self.session.project
        chosen = ask_language(project.language, self)
        if chosen is None:
            return
        try:
            project.set_language(chosen)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Project language", str(exc))
            return
        self.statusBar().showMessage(f"The project's language is now {chosen}.", 5000)

    def switch_annotator(self) -> None:
        """Choose among the project's annotators, or type a new name."""
        names = sorted(a.name for a in self.session.project.annotators() if a.kind == "human")
        if self.session.annotator not in names:
            names.insert(0, self.session.annotator)
        name, ok = QInputDialog.getItem(
            self,
            "Annotator",
            "Annotate as (choose, or type a new name):",
            names,
            names.index(self.session.annotator),
            True,
        )
        if ok and name.strip():
            self.annotate_as(name.strip())
            settings.update_settings(annotator=name.strip())

    def annotate_as(self, name: str) -> None:
        """Go on as another person: review mode ends and the list shows their statuses."""
        if name == self.session.annotator:
            return
        self.review.stop()
        self.clock.switch(None)
        self.session.set_annotator(name)
        self.editor.document_id = None
        self._documents_changed()

    def edit_settings(self) -> None:
        """Window-modal but not blocking: the choices apply when OK or Apply is pressed."""
        self.settings_dialog = SettingsDialog(settings.user_settings(), self)
        self.settings_dialog.applied.connect(self.apply_user_settings)
        self.settings_dialog.open()

    def apply_user_settings(self, chosen: settings.UserSettings) -> None:
        """Show the stored choices at once: theme, text size, who annotates, backups."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, chosen.theme)
        self.view.set_font_size(chosen.font_size)
        self.annotate_as(chosen.annotator)
        self.backup_every_s = chosen.backup_minutes * 60
        self._backup_timer.setInterval(self.backup_every_s * 1000)
        if self.editor.document_id is not None:
            # Panel rows mix label colours with the palette's base when they are built.
            self._update_panels()
        self.statusBar().showMessage("Settings saved.", 4000)

    def show_shortcuts(self) -> None:
        """The F1 sheet, with this project's label keys; it stays open beside the work."""
        project = self.session.project
        labels = {kind: project.labels(kind) for kind in LabelKind}
        if self.shortcut_sheet is not None:
            self.shortcut_sheet.close()
        self.shortcut_sheet = ShortcutSheet(sheet_html(labels), self)
        self.shortcut_sheet.show()

    def show_getting_started(self) -> None:
        self._show_help("Getting started", GETTING_STARTED)

    def _show_help(self, title: str, html: str) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(title)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(html)
        box.exec()

    def _focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    def zoom(self, step: int) -> None:
        sizes = settings.FONT_SIZES
        size = max(sizes.start, min(sizes.stop - 1, settings.user_settings().font_size + step))
        settings.update_settings(font_size=size)
        self.view.set_font_size(size)

    def _record_time(self, document_id: int, seconds: float) -> None:
        try:
            self.session.project.edits.add_active_time(document_id, self.session.annotator, seconds)
        except AnnotatorError:
            return

    def _restore_settings(self) -> None:
        """The window as the user left it, if that still fits a screen; the text size."""
        values = settings.load_settings()
        place_window(self, values.get("window"))
        sizes = values.get("splitter")
        if (
            isinstance(sizes, list)
            and len(sizes) == self.splitter.count()
            and all(isinstance(size, int) and size > 0 for size in sizes)
        ):
            self.splitter.setSizes(sizes)
        self.view.set_font_size(settings.user_settings().font_size)

    def _remember_recent(self, path: str) -> None:
        values = settings.load_settings()
        recent = [str(path)] + [p for p in values.get("recent", []) if p != str(path)]
        settings.update_settings(recent=recent[:MAX_RECENT], last_project=str(path))
        self.recent_menu.clear()
        for item in recent[:MAX_RECENT]:
            action = self.recent_menu.addAction(item)
            action.triggered.connect(lambda _=False, p=item: self.operations.switch_to(p))

    def switch_session(self, session: ProjectSession) -> None:
        """Replace the open project; the window is rebuilt around the new session."""
        self.successor = MainWindow(session)
        self.successor.setGeometry(self.normalGeometry())
        self.successor.splitter.setSizes(self.splitter.sizes())
        if self.isMaximized():
            self.successor.showMaximized()
        else:
            self.successor.show()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.model_actions.stop()
        self.editor.warm_up.stop()
        self.search_task.stop()
        if self.team_watch is not None:
            self.team_watch.stop()
        if self.backup_task is not None:
            self.backup_task.stop()
        self.review.stop_tasks()
        self.guidelines.flush()
        self.clock.stop()
        settings.update_settings(window=window_record(self), splitter=self.splitter.sizes())
        self.session.close()
        super().closeEvent(event)


def open_session(target: str | Path, annotator: str) -> ProjectSession:
    project = Project.open(target)
    project.ensure_annotator(annotator)
    return ProjectSession(project, annotator)

"""File-menu operations: new/open project, import, pre-tag, export, run off the GUI thread.

Each long operation runs as a background task with a cancellable progress dialog, then tells
the user what it did (and what it skipped and why) and refreshes the views through the session.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotator.core import settings
from annotator.core.agreement import AgreementReport
from annotator.core.errors import AnnotatorError
from annotator.core.exporting import ExportReport
from annotator.core.importing import ImportReport
from annotator.core.merging import MergeReport
from annotator.core.pretag import PretagReport
from annotator.core.taggers import all_taggers
from annotator.gui.pretag_dialog import PretagDialog
from annotator.gui.transfer_dialogs import ExportDialog, ImportDialog
from annotator.gui.workers import BackgroundTask, run_in_background

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

PROJECT_FILTER = "Annotator projects (*.annotator);;All files (*)"
IMPORT_FILTER = (
    "Articles and annotations (*.txt *.html *.htm *.jsonl *.json *.spacy *.ann *.conll *.iob "
    "*.iob2 *.bio *.csv *.tsv *.labels);;All files (*)"
)


class Operations:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.task: BackgroundTask | None = None
        self.import_report: QMessageBox | None = None
        self.pretag_report: QMessageBox | None = None

    @property
    def project(self) -> Any:
        return self.window.session.project

    def _folder(self) -> str:
        path = self.project.path
        return str(path.parent if path is not None else Path.home())

    # Projects -----------------------------------------------------------------------------

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "New project", self._folder(), PROJECT_FILTER
        )
        if path:
            target = Path(path)
            if target.suffix != ".annotator":
                target = target.with_suffix(".annotator")
            if target.exists():
                QMessageBox.warning(
                    self.window, "New project", f"{target} already exists; use Open to open it."
                )
                return
            self.switch_to(target)

    def open_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open project", self._folder(), PROJECT_FILTER
        )
        if path:
            self.switch_to(Path(path))

    def switch_to(self, path: str | Path) -> None:
        from annotator.gui.main_window import open_session

        try:
            session = open_session(path, self.window.session.annotator)
        except AnnotatorError as exc:
            QMessageBox.critical(self.window, "Cannot open project", str(exc))
            return
        self.window.switch_session(session)

    # Long operations ----------------------------------------------------------------------

    def _run(self, title: str, job: Any, done: Any) -> None:
        self.task = run_in_background(
            self.window,
            title,
            job,
            done,
            lambda message: QMessageBox.warning(self.window, title, message),
        )

    def import_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.window, "Import files", self._folder(), IMPORT_FILTER
        )
        if paths:
            self._ask_and_import([Path(p) for p in paths])

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Import folder", self._folder())
        if folder:
            self._ask_and_import([Path(folder)])

    def _ask_and_import(self, paths: list[Path]) -> None:
        annotators = [a.name for a in self.project.annotators() if a.kind == "human"]
        dialog = ImportDialog(paths, annotators, self.window.session.annotator, self.window)
        if not dialog.exec():
            return
        choice = dialog.choice()
        self.import_paths(
            choice.paths,
            skip_invalid=choice.skip_invalid,
            fmt=choice.fmt,
            annotator=choice.annotator or self.window.session.annotator,
            text_column=choice.text_column,
        )

    def import_paths(
        self,
        paths: list[Path],
        skip_invalid: bool = True,
        *,
        fmt: str = "auto",
        annotator: str | None = None,
        text_column: str | None = None,
    ) -> None:
        who = annotator or self.window.session.annotator
        self._run(
            "Importing",
            lambda progress, cancel: self.project.import_paths(
                paths,
                fmt=fmt,
                annotator=who,
                skip_invalid=skip_invalid,
                text_column=text_column,
                progress=progress,
                cancel=cancel,
            ),
            self._imported,
        )

    def _imported(self, report: ImportReport) -> None:
        lines = report.summary_lines()
        stored = next(i for i, line in enumerate(lines) if line.startswith("Stored:"))
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Import finished",
            "\n".join(lines[: stored + 1]),
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        details = lines[stored + 1 :]
        if details:
            box.setInformativeText(
                "The details list new labels and what was not kept, skipped or ignored."
            )
            box.setDetailedText("\n".join(details))
        self.import_report = box
        box.open()
        self.window.session.labelsChanged.emit()
        self.window.session.documentsChanged.emit()

    def pretag(self) -> None:
        dialog = PretagDialog(all_taggers(self.project), self.project.language, self.window)
        if not dialog.exec():
            return
        self.pretag_with(dialog.chosen_model(), dialog.batch.value())

    def pretag_with(
        self, model: str | Path | None, batch: int = 64, *, unfinished_only: bool = False
    ) -> None:
        """Pre-tag in the background: every document this pipeline has not tagged (the done
        ones keep the suggestions they were finished with), or only the unfinished ones."""
        self._run(
            "Pre-tagging",
            lambda progress, cancel: self.project.pretag(
                model,
                batch_size=batch,
                unfinished_only=unfinished_only,
                progress=progress,
                cancel=cancel,
            ),
            self._pretagged,
        )

    def rank_with(
        self, model: str | Path, then: Callable[[], None], failed: Callable[[], None]
    ) -> None:
        """Score the documents by how unsure the model is, in the background, then ``then``;
        ``failed`` when it could not (no model yet, a tagger without probabilities)."""
        from annotator.core.uncertainty import rank

        def warn(message: str) -> None:
            QMessageBox.warning(self.window, "Model unsure first", message)
            failed()

        self.task = run_in_background(
            self.window,
            "Scoring documents",
            lambda progress, cancel: rank(self.project, model, progress=progress, cancel=cancel),
            lambda _report: then(),
            warn,
        )

    def _pretagged(self, report: PretagReport) -> None:
        """A window-modal note, not an application-modal one: the user can read it while
        going on with the article, and a training window left open stays usable."""
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Pre-tagging finished",
            report.summary(),
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        self.pretag_report = box
        box.open()
        self.window.session.labelsChanged.emit()
        self.window.session.documentsChanged.emit()

    def export(self) -> None:
        annotators = [a.name for a in self.project.annotators()]
        dialog = ExportDialog(
            annotators, self.window.session.annotator, Path(self._folder()), self.window
        )
        if not dialog.exec():
            return
        choice = dialog.choice()
        self._run(
            "Exporting",
            lambda progress, cancel: self.project.export(
                choice.out,
                fmt=choice.fmt,
                annotator=choice.annotator,
                include_unfinished=choice.include_unfinished,
                all_answers=choice.all_answers,
                dev_ratio=choice.dev_ratio,
                seed=choice.seed,
                overwrite=choice.overwrite,
                progress=progress,
                cancel=cancel,
            ),
            self._exported,
        )

    def merge(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Merge a colleague's project", self._folder(), PROJECT_FILTER
        )
        if path:
            self.merge_file(Path(path))

    def merge_file(self, theirs: Path) -> None:
        from annotator.core.merging import merge_project

        project = self.project
        self._run(
            "Merging",
            lambda _progress, _cancel: merge_project(project, theirs),
            lambda report: self._merged(theirs, report),
        )

    def _merged(self, theirs: Path, report: MergeReport) -> None:
        QMessageBox.information(
            self.window,
            "Merge finished",
            f"Merged {theirs.name}: {report.documents_added:,} new documents, "
            f"{report.documents_matched:,} matched by text, {report.annotations_added:,} "
            f"annotations, {report.spans_added:,} spans and {report.topics_added:,} topic "
            "decisions added. Nothing of yours was changed.",
        )
        self.window.session.labelsChanged.emit()
        self.window.session.documentsChanged.emit()

    def agreement_report(self, annotators: list[str] | None = None) -> None:
        """Agreement over the whole project, for the annotators under review (or chosen now)."""
        from annotator.core.agreement import agreement
        from annotator.gui.review import AnnotatorsDialog, finished_some, human_annotators

        session = self.window.session
        if annotators is None and session.reviewing:
            annotators = list(session.compared)
        if annotators is None:
            names = human_annotators(self.project)
            dialog = AnnotatorsDialog(names, finished_some(self.project, names), self.window)
            if not dialog.exec():
                return
            annotators = dialog.chosen()
        project, chosen = self.project, list(annotators)
        self._run(
            "Measuring agreement",
            lambda _progress, _cancel: agreement(project, chosen),
            self._show_agreement,
        )

    def _show_agreement(self, report: AgreementReport) -> None:
        from annotator.gui.agreement_dialog import AgreementDialog

        self.report_dialog = AgreementDialog(report, self.project.name, self.window)
        self.report_dialog.show()

    def _exported(self, report: ExportReport) -> None:
        lines = [f"Exported {report.documents:,} documents of {report.annotator}:"]
        if report.chosen_because:
            lines.insert(0, f"Exporting {report.annotator}'s work: {report.chosen_because}.")
        lines += [f"• {path}" for path in report.files]
        if report.unannotated:
            lines.append(f"{report.unannotated:,} of them without annotations (text only).")
        lines += [f"Note: {note}." for note in report.notes]
        if report.problems:
            lines.append(f"{len(report.problems)} span(s) need attention:")
            lines += [
                f"• {p.title or p.content_hash[:10]} {p.start}..{p.end} {p.label}: {p.reason}"
                for p in report.problems[:20]
            ]
        QMessageBox.information(self.window, "Export finished", "\n".join(lines))
        settings.update_settings(last_export=str(report.files[0].parent if report.files else ""))

"""One simulated annotator of a team: a process that labels the documents of its own queue on
the team's database, as a person at their own machine would."""

from __future__ import annotations

import multiprocessing

from annotator.core.assignment import queue
from annotator.core.project import Project
from annotator.core.records import Status

#: How each simulated annotator labels "Nepal": carol disagrees with the others.
NEPAL = {"alice": "GPE", "bob": "GPE", "carol": "LOC"}


def label_my_queue(target: str, name: str, results: multiprocessing.Queue) -> None:
    """Label Nepal and Beijing in every document of the queue, say the article is about
    diplomacy, finish it; report the documents finished (or the error met)."""
    finished: list[int] = []
    try:
        with Project.open(target) as project:
            for document_id in queue(project, name):
                text = project.text(document_id)
                for word, label in (("Nepal", NEPAL[name]), ("Beijing", "GPE")):
                    start = text.index(word)
                    project.edits.add_span(document_id, name, start, start + len(word), label)
                project.edits.set_topic(document_id, name, "diplomacy", True)
                project.edits.set_status(document_id, name, Status.DONE)
                finished.append(document_id)
        results.put((name, finished, None))
    except Exception as exc:  # the parent reports whatever went wrong
        results.put((name, finished, repr(exc)))

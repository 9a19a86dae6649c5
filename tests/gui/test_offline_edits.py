"""The team's server goes away while an annotator works: the window says it is offline,
keeps every edit without freezing, and writes them when the server is back. A private
PostgreSQL server of the test's own is stopped and started again, for real."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.project import Project
from tests.gui.conftest import ARTICLES, open_window

BIN = (
    Path("/usr/lib/postgresql")
    / (
        sorted(os.listdir("/usr/lib/postgresql"))[-1]
        if Path("/usr/lib/postgresql").is_dir()
        else ""
    )
    / "bin"
)


def as_postgres(*command: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True)


class PrivateServer:
    def __init__(self, folder: Path) -> None:
        self.data = folder / "data"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        folder.chmod(0o777)
        as_postgres(str(BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        log = str(self.data.parent / "server.log")  # not our pipes: they would stay open
        as_postgres(
            str(BIN / "pg_ctl"), "-D", str(self.data), "-l", log, "-o", options, "-w", "start"
        )

    def stop(self) -> None:
        as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateServer]:
    if os.geteuid() != 0 or not (BIN / "pg_ctl").exists() or shutil.which("runuser") is None:
        if os.environ.get("CI"):
            pytest.fail("CI stops a PostgreSQL server of its own here: run as root with postgresql")
        pytest.skip("needs root and Debian's postgresql to run a server of the test's own")
    folder = Path("/tmp") / f"annotator-offline-{os.getpid()}-{time.monotonic_ns()}"
    folder.mkdir()
    running = PrivateServer(folder)
    running.start()
    yield running
    subprocess.run(
        [
            "runuser",
            "-u",
            "postgres",
            "--",
            str(BIN / "pg_ctl"),
            "-D",
            str(running.data),
            "-m",
            "immediate",
            "stop",
        ],
        capture_output=True,
    )
    shutil.rmtree(folder, ignore_errors=True)


def test_edits_made_while_the_server_is_down_are_kept_and_written_when_it_is_back(
    qtbot, server: PrivateServer, tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    with Project.open(server.url) as project:
        project.import_paths(sorted(folder.iterdir()))
    window = next(open_window(qtbot, server.url, "alice"))
    window.team_watch.timer.setInterval(300)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    window.open_document(1)
    text = window.editor.text
    # The user has been at work a moment: the window has its tokenizer (loaded in the
    # background after opening), so a label key needs the server only to save.
    qtbot.waitUntil(lambda: "tokenizer" in vars(window.session.project), timeout=20_000)
    words = ["Nepal", "Mongolia", "Beijing"]

    server.stop()
    began = time.monotonic()
    for word in words:
        start = text.index(word)
        window.view.set_selection_cp(start, start + len(word))  # the user selects it
        qtbot.keyClick(window.view, Qt.Key.Key_3)  # GPE
    took = time.monotonic() - began
    assert window.session.outbox.offline and len(window.session.outbox.waiting) == 3
    assert "Offline: 3 edits kept" in window.offline_label.text()
    assert took < 8, f"the window froze for {took:.1f} s"

    server.start()
    qtbot.waitUntil(lambda: not window.session.outbox.offline, timeout=20_000)
    assert window.offline_label.text() == ""
    with Project.open(server.url) as project:
        saved = project.edits.annotation(1, "alice")
        assert saved is not None
        assert sorted(text[s.start : s.end] for s in saved.spans) == sorted(words)
    window.close()

"""`layercheck --watch`, driven as a user does: a subprocess, files edited, Ctrl-C.

Nothing here is timed: each wait is for some output to appear, with a generous limit, and
an edit the watcher may have missed (it starts watching just after the first report) is
written again until its report comes.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ORM_USER_MODEL, write_project

pytest.importorskip("watchfiles")

ROUTER = """
    from fastapi import APIRouter

    router = APIRouter()
"""
ROUTER_WITH_MODEL = """
    from fastapi import APIRouter

    from app.models.user import User

    router = APIRouter()
"""
HEADER = re.compile(r"^\[\d\d:\d\d:\d\d\] (\d+) findings?")
# A report ends with its summary line (the concise format).
END = re.compile(r"^(Found \d+ errors?|All checks passed)")
LIMIT = 120.0  # seconds: a loaded machine is slow, never this slow


def _interruptible() -> None:
    """Ctrl-C's signal back to its default in the watch process: a test run started as a
    background job (`pytest &` from a script) ignores SIGINT, and its children would inherit
    that, so `stop` could not interrupt the watch as a user's Ctrl-C does."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Watch:
    """A `layercheck --watch` process and the reports it printed, one per run."""

    def __init__(self, root: Path, *args: str) -> None:
        self.root = root
        command = [sys.executable, "-m", "layercheck", "--watch", "--output-format", "concise", *args]
        self.process = subprocess.Popen(
            command,
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            preexec_fn=_interruptible,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.reports: list[list[str]] = []
        self.errors: list[str] = []
        self._current: list[str] | None = None
        threading.Thread(target=self._read, args=(self.process.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._read_errors, daemon=True).start()

    @staticmethod
    def _read(stream: object, into: queue.Queue[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            into.put(line.rstrip("\n"))

    def _read_errors(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.errors.append(line.rstrip("\n"))

    def _pump(self, timeout: float) -> None:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return
        if HEADER.match(line):
            self._current = [line]
        elif self._current is not None:
            self._current.append(line)
            if END.match(line):
                self.reports.append(self._current)
                self._current = None

    def report(
        self, after: int, wanted: Callable[[list[str]], bool], retry: Callable[[], None] | None = None
    ) -> list[str]:
        """The first report past the `after` first ones that `wanted` accepts; `retry` is
        called again (an edit written again) while none comes."""
        deadline = time.monotonic() + LIMIT
        next_retry = time.monotonic() + 5
        while time.monotonic() < deadline:
            for report in self.reports[after:]:
                if wanted(report):
                    return report
            if self.process.poll() is not None and self.lines.empty():
                break
            if retry is not None and time.monotonic() > next_retry:
                retry()
                next_retry = time.monotonic() + 5
            self._pump(0.2)
        raise AssertionError(f"no such report; reports: {self.reports}; stderr: {self.errors}")

    def first(self) -> list[str]:
        report = self.report(0, lambda report: True)
        deadline = time.monotonic() + LIMIT
        while not any("watching" in line for line in self.errors) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # the watcher starts right after that line
        return report

    def edit(self, relative: str, text: str, wanted: Callable[[list[str]], bool]) -> list[str]:
        path = self.root / relative
        count = len(self.reports)

        def write() -> None:
            path.write_text(textwrap.dedent(text).lstrip("\n"))

        write()
        return self.report(count, wanted, retry=write)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=LIMIT)
        finally:
            if self.process.poll() is None:
                self.process.kill()


def count(report: list[str]) -> int:
    match = HEADER.match(report[0])
    assert match is not None
    return int(match.group(1))


def has(code: str, name: str) -> Callable[[list[str]], bool]:
    return lambda report: any(f" {code} " in line and name in line for line in report)


def lacks(code: str, name: str) -> Callable[[list[str]], bool]:
    return lambda report: not has(code, name)(report)


@pytest.fixture
def app(tmp_path: Path) -> Path:
    return write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models/__init__.py": "",
            "app/models/user.py": ORM_USER_MODEL,
            "app/api/__init__.py": "",
            "app/api/users.py": ROUTER,
        },
    )


@pytest.fixture
def watching(app: Path) -> object:
    watch = Watch(app)
    yield watch
    watch.stop()


def test_a_violation_added_is_reported_and_one_removed_is_reported_gone(app: Path, watching: Watch) -> None:
    first = watching.first()
    assert count(first) == 0 and first[-1].startswith("All checks passed")
    added = watching.edit("app/api/users.py", ROUTER_WITH_MODEL, has("LC104", "users.py"))
    assert count(added) == 1
    removed = watching.edit("app/api/users.py", ROUTER, lacks("LC104", "users.py"))
    assert count(removed) == 0
    assert watching.stop() == 0  # Ctrl-C ends the watch, successfully


def test_a_change_to_the_configuration_reloads_the_settings(app: Path, watching: Watch) -> None:
    watching.first()
    watching.edit("app/api/users.py", ROUTER_WITH_MODEL, has("LC104", "users.py"))
    ignoring = "[project]\nname = 'app'\n\n[tool.layercheck]\nignore = ['LC104']\n"
    report = watching.edit("pyproject.toml", ignoring, lacks("LC104", "users.py"))
    assert count(report) == 0
    watching.edit("pyproject.toml", "[project]\nname = 'app'\n", has("LC104", "users.py"))


def test_a_file_that_stops_parsing_gives_lc001_and_the_watch_goes_on(app: Path, watching: Watch) -> None:
    watching.first()
    broken = watching.edit("app/api/users.py", "router = (\n", has("LC001", "users.py"))
    assert count(broken) == 1
    fixed = watching.edit("app/api/users.py", ROUTER_WITH_MODEL, has("LC104", "users.py"))
    assert not has("LC001", "users.py")(fixed)
    assert watching.process.poll() is None


def test_changes_in_the_cache_and_in_excluded_files_start_no_run(app: Path) -> None:
    (app / ".gitignore").write_text("generated/\n")
    (app / "generated").mkdir()
    watch = Watch(app)
    try:
        watch.first()
        # Ignored by git, and inside the cache: no run; then a real change: one run.
        (app / "generated/module.py").write_text(textwrap.dedent(ROUTER_WITH_MODEL))
        (app / ".layercheck_cache" / "scratch.txt").write_text("x")
        time.sleep(1)  # not a measure: leaves those events a chance to start a run (they must not)
        report = watch.edit("app/api/users.py", ROUTER_WITH_MODEL, has("LC104", "users.py"))
        assert not has("LC104", "module.py")(report)
        # Every run after the first saw the router's edit: none was started by the others.
        assert all(has("LC104", "users.py")(later) for later in watch.reports[1:]), watch.reports
    finally:
        assert watch.stop() == 0


def test_without_watchfiles_the_message_says_how_to_get_it(app: Path) -> None:
    code = (
        "import sys; sys.modules['watchfiles'] = None\n"
        "from layercheck.cli import main\n"
        "main(['--watch', '.'], prog_name='layercheck')\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=app, capture_output=True, text=True, timeout=LIMIT, env=dict(os.environ)
    )
    assert completed.returncode == 2
    assert "pip install 'layercheck[watch]'" in completed.stderr

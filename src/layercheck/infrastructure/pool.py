"""One worker forked at the start of a run on a few files, to hide libcst's import.

A pre-commit run checks the one or two changed files against a warm cache: its time is
mostly importing libcst and the rules, which the parent does not otherwise need. Forked
first, a child imports them while the parent finds, hashes and names the project's files;
the parent then hands it the files the cache cannot answer, and reads back one result per
file, as a pool worker would send them. A pool costs more to start than this single
child (queues, threads); runs with many misses use the pool.

Linux only (fork is the default start method there, and this process has no threads yet).
A child that dies leaves the parent with the files it did not answer, which the runner
retries in isolation like any crashed worker's.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

# Beyond this many files to check, the runner prefers its pool.
MAX_FILES = 8


class BrokenWorker(Exception):
    """The child died before answering every file."""


class ForkedWorker:
    """A child process that imports the engine now and checks the files it is sent later."""

    def __init__(self) -> None:
        import pickle  # imported here: most runs never fork this worker

        self._pickle = pickle
        tasks_read, self._tasks = os.pipe()
        self._results, results_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            os.close(self._tasks)
            os.close(self._results)
            _serve(tasks_read, results_write)
        os.close(tasks_read)
        os.close(results_write)
        self._sent = False

    def submit(self, tasks: list[Any], settings: Any, verbose: bool) -> None:
        """Send the files to check (once)."""
        pickle = self._pickle
        try:
            with os.fdopen(self._tasks, "wb") as stream:
                pickle.dump((settings, verbose, tasks), stream, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            pass  # the child died first (a broken pipe): `results` says so, the files are checked again
        self._sent = True

    def results(self) -> Iterator[Any]:
        """The child's results, one per file sent, as they come; BrokenWorker if it dies first."""
        pickle = self._pickle
        try:
            with os.fdopen(self._results, "rb") as stream:
                expected = pickle.load(stream)
                for _ in range(expected):
                    yield pickle.load(stream)
        except (EOFError, pickle.UnpicklingError, OSError) as error:
            raise BrokenWorker(str(error) or "killed") from None
        finally:
            self._reap()

    def cancel(self) -> None:
        """Stop a child that will not be needed."""
        if not self._sent:
            os.close(self._tasks)
            self._sent = True
        import signal

        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.close(self._results)
        except OSError:
            pass
        self._reap()

    def _reap(self) -> None:
        if self.pid:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.pid = 0


def _serve(tasks_read: int, results_write: int) -> None:
    """The child's whole life: import, wait for files, check them, exit."""
    import pickle

    code = 1
    try:
        _preload()
        with os.fdopen(tasks_read, "rb") as source:
            settings, verbose, tasks = pickle.load(source)
        from layercheck.infrastructure.worker import check_task, init_worker

        init_worker(settings, verbose)
        with os.fdopen(results_write, "wb") as sink:
            pickle.dump(len(tasks), sink)
            for task in tasks:
                pickle.dump(check_task(task), sink, protocol=pickle.HIGHEST_PROTOCOL)
                sink.flush()
        code = 0
    except BaseException:  # noqa: BLE001  (the parent sees the missing results)
        pass
    finally:
        os._exit(code)


def _preload() -> None:
    """Import the engine and every per-file rule (the settings are not known yet)."""
    import importlib

    try:
        import layercheck.engine.checker  # noqa: F401
        from layercheck.domain.registry import RULES

        for info in RULES:
            if info.scope == "file" and info.implementation:
                importlib.import_module(info.implementation.split(":")[0])
    except Exception:  # noqa: BLE001  (a rule that cannot be imported is reported per file)
        pass


def supported() -> bool:
    """Whether a plain fork is safe and cheap here."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")

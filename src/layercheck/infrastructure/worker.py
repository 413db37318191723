"""What a worker process does: hold the run's settings, check files, hand back records.

The runner (`runner.py`) and the child forked before discovery (`pool.py`) both start
workers that run these functions; neither needs the other.
"""

from __future__ import annotations

import gc
from typing import Any

from layercheck.domain.records import FileTask
from layercheck.domain.settings import Settings
from layercheck.engine.source import SourceError, read_tree_file
from layercheck.infrastructure.cache import digest

_settings: Settings | None = None
_verbose = False
# A worker collects cyclic garbage (a few closures per file) after this many batches.
_BATCHES_PER_COLLECTION = 16
_batches_since_collection = 0
# Real paths of the folders of the run's files (`escapes`), per process.
_folders: dict[str, str] = {}


def init_worker(settings: Settings, verbose: bool) -> None:
    """Hold the run's settings in this process (a worker, or the parent checking in-process)."""
    global _settings, _verbose, _folders
    _settings = settings
    _verbose = verbose
    _folders = {}


def check_task(task: FileTask) -> tuple[str, str | None, dict[str, Any]]:
    """Run in a worker (or in-process): check one file, return its digest and record."""
    from layercheck.engine.checker import check_bytes, unreadable

    assert _settings is not None
    try:
        data = read_tree_file(task.path, str(_settings.project_root), _folders)
    except SourceError as error:
        return task.path, None, unreadable(task, error).to_dict()  # LC001 says why
    record = check_bytes(task, data, _settings, _verbose)
    return task.path, digest(data), record.to_dict()


def init_pool_worker(settings: Settings, verbose: bool, parent: int | None = None) -> None:
    """A pool worker's start: the settings, the engine and rules imported, the collector off.
    `parent`: the run's process id (the worker ends when that process is gone)."""
    if parent is not None:
        _exit_with_parent(parent)
    init_worker(settings, verbose)
    import_engine(settings)  # once, before the first file arrives (forked: already done)
    # Parsing allocates millions of objects, which go with their file when it is done (a
    # tree has no cycles, nor has the engine's hold on it): the cyclic garbage collector
    # would only walk them again and again. It runs every few batches instead, over what
    # is left (a few closures per file), never over what the worker inherited.
    gc.freeze()
    gc.disable()


def import_engine(settings: Settings) -> None:
    """Import the engine and the rules the settings enable (libcst with them), ready for the
    many parses of a pool's workers (`native_parse.prepare_for_many_parses`)."""
    try:
        from layercheck.engine.checker import rule_classes
        from layercheck.engine.native_parse import prepare_for_many_parses

        rule_classes(settings.enabled_codes())
        prepare_for_many_parses()
    except Exception:  # noqa: S110  (a rule that cannot be imported is reported per file)
        pass


# How often (seconds) a pool worker looks whether the run that started it is still there.
_PARENT_CHECK_SECONDS = 1.0


def _exit_with_parent(parent: int) -> None:
    """A pool worker waits on its queue for work; if the run is killed (an editor closing
    the language server, a hook's timeout), nothing closes that queue, and the worker would
    wait forever. A watcher thread ends the worker once its parent is gone (also when it
    went before this worker got this far)."""
    import os
    import threading
    import time

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(0)
            time.sleep(_PARENT_CHECK_SECONDS)

    threading.Thread(target=watch, name="layercheck-parent-watch", daemon=True).start()


def ready() -> None:
    """Nothing: the first task of a pool forked early (`Runner.prestart`), so that it starts
    its workers, whose start imports the engine."""


def check_batch(tasks: list[FileTask]) -> list[tuple[str, str | None, dict[str, Any]]]:
    """Run in a worker: check a few files, one result each."""
    global _batches_since_collection
    results = [check_task(task) for task in tasks]
    _batches_since_collection += 1
    if _batches_since_collection >= _BATCHES_PER_COLLECTION:
        gc.collect()
        _batches_since_collection = 0
    return results

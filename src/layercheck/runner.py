"""Many files: cache look-ups, then a process pool for the files that missed.

Workers are forked where the platform allows, so they inherit the imported engine and the
resolved settings; tasks go largest file first so the pool does not end waiting on one big
file; each result comes back as a small JSON-ready dict.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from layercheck.cache import Cache
from layercheck.diagnostics import FILE_START, Diagnostic
from layercheck.facts import ModuleFacts
from layercheck.records import FileRecord, FileTask
from layercheck.settings import Settings

# Below this much work a pool costs more (start-up, pickling) than it saves.
_POOL_MIN_FILES = 24
_POOL_MIN_BYTES = 256 * 1024

_worker_settings: Settings | None = None
_worker_verbose = False

Progress = Callable[[int], None]


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _init_worker(settings: Settings, verbose: bool) -> None:
    global _worker_settings, _worker_verbose
    _worker_settings = settings
    _worker_verbose = verbose


def _check_task(task: FileTask) -> tuple[str, str | None, dict[str, Any]]:
    """Run in a worker (or in-process): check one file, return its digest and record."""
    from layercheck.engine.checker import check_bytes, check_file

    assert _worker_settings is not None
    try:
        with open(task.path, "rb") as handle:
            data = handle.read()
    except OSError:
        record = check_file(task, _worker_settings, _worker_verbose)  # reports why as LC001
        return task.path, None, record.to_dict()
    if os.path.islink(task.path) or not os.path.isfile(task.path):
        record = check_file(task, _worker_settings, _worker_verbose)
        return task.path, None, record.to_dict()
    record = check_bytes(task, data, _worker_settings, _worker_verbose)
    return task.path, digest(data), record.to_dict()


def _crashed(task: FileTask, cause: str) -> FileRecord:
    facts = ModuleFacts(path=task.display_path, module=task.module, layer=task.layer, parsed=False)
    message = f"internal error: the worker checking this file died ({cause})"
    return FileRecord(facts=facts, diagnostics=[Diagnostic("LC000", message, task.display_path, FILE_START)])


class Runner:
    """Produces a FileRecord for every task, from the cache or by checking the file."""

    def __init__(self, settings: Settings, cache: Cache | None, jobs: int | None, verbose: bool = False) -> None:
        self.settings = settings
        self.cache = cache
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.verbose = verbose
        self.hits = 0
        self.misses = 0

    def digests(self, tasks: Iterable[FileTask]) -> dict[str, str | None]:
        """Content digests of the files (None for one that cannot be read)."""
        result: dict[str, str | None] = {}
        for task in tasks:
            try:
                with open(task.path, "rb") as handle:
                    result[task.path] = digest(handle.read())
            except OSError:
                result[task.path] = None
        return result

    def run(
        self,
        tasks: list[FileTask],
        digests: dict[str, str | None],
        progress: Progress | None = None,
    ) -> dict[str, FileRecord]:
        records: dict[str, FileRecord] = {}
        missing: list[FileTask] = []
        for task in tasks:
            file_digest = digests.get(task.path)
            cached = self.cache.get(task.path, file_digest) if self.cache and file_digest else None
            if cached is not None:
                try:
                    records[task.path] = FileRecord.from_dict(cached)
                    self.hits += 1
                    continue
                except (KeyError, TypeError, ValueError, IndexError):
                    pass  # a damaged entry is re-checked, never trusted
            missing.append(task)
        self.misses = len(missing)
        if progress and self.hits:
            progress(self.hits)
        for path, file_digest, raw in self._check(missing, progress):
            records[path] = FileRecord.from_dict(raw)
            if self.cache is not None and file_digest is not None and not _has_internal_error(raw):
                self.cache.put(path, file_digest, raw)
        return records

    def _check(
        self, tasks: list[FileTask], progress: Progress | None
    ) -> Iterable[tuple[str, str | None, dict[str, Any]]]:
        _init_worker(self.settings, self.verbose)
        sizes = {task.path: _size(task.path) for task in tasks}
        ordered = sorted(tasks, key=lambda task: sizes[task.path], reverse=True)
        use_pool = self.jobs > 1 and (len(tasks) >= _POOL_MIN_FILES or sum(sizes.values()) >= _POOL_MIN_BYTES)
        if not use_pool:
            for task in ordered:
                yield _check_task(task)
                if progress:
                    progress(1)
            return
        yield from self._check_in_pool(ordered, progress)

    def _check_in_pool(
        self, tasks: list[FileTask], progress: Progress | None
    ) -> Iterable[tuple[str, str | None, dict[str, Any]]]:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        pending: list[FileTask] = []
        with ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=(self.settings, self.verbose),
        ) as pool:
            futures: dict[Future[tuple[str, str | None, dict[str, Any]]], FileTask] = {
                pool.submit(_check_task, task): task for task in tasks
            }
            for future, task in futures.items():
                try:
                    yield future.result()
                except BrokenProcessPool:
                    pending.append(task)
                    continue
                if progress:
                    progress(1)
        # A worker died (a crash in native code, or killed): retry each file left alone in
        # its own process, so only the file that kills a worker is reported.
        for task in pending:
            yield self._isolated(task)
            if progress:
                progress(1)

    def _isolated(self, task: FileTask) -> tuple[str, str | None, dict[str, Any]]:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        try:
            with ProcessPoolExecutor(
                max_workers=1, mp_context=context, initializer=_init_worker, initargs=(self.settings, self.verbose)
            ) as pool:
                return pool.submit(_check_task, task).result()
        except BrokenProcessPool as error:
            return task.path, None, _crashed(task, str(error) or "killed").to_dict()


def _has_internal_error(raw: dict[str, Any]) -> bool:
    return any(item.get("code") == "LC000" for item in raw.get("diagnostics", []))


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0

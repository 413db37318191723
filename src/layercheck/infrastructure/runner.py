"""Many files: cache look-ups, then a process pool for the files that missed.

Workers are forked where the platform allows, so they inherit the imported engine and the
resolved settings; tasks go largest file first so the pool does not end waiting on one big
file; each result comes back as a small JSON-ready dict.
"""

from __future__ import annotations

import gc
import itertools
import os
import stat
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from layercheck.domain.diagnostics import FILE_START, Diagnostic
from layercheck.domain.facts import ModuleFacts
from layercheck.domain.records import FileRecord, FileTask
from layercheck.domain.settings import Settings
from layercheck.engine.source import SourceError, escapes, read_bytes
from layercheck.infrastructure import worker
from layercheck.infrastructure.cache import Cache, digest
from layercheck.infrastructure.pool import MAX_FILES as MAX_CHILD_FILES
from layercheck.infrastructure.pool import BrokenWorker, ForkedWorker

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

# Below this much work a pool costs more (start-up, pickling) than it saves.
_POOL_MIN_FILES = 24
_POOL_MIN_BYTES = 256 * 1024
# Files travel to workers in batches of about this many bytes (fewer round trips).
_BATCH_MIN_BYTES = 32 * 1024
_BATCH_MAX_BYTES = 256 * 1024
_BATCH_MAX_FILES = 64

Progress = Callable[[int], None]


def _read_or_none(path: str) -> bytes | None:
    try:
        return read_bytes(path)
    except SourceError:
        return None


def file_digests(paths: Iterable[str], root: str, cache: Cache | None) -> dict[str, str | None]:
    """Content digests of files of the tree below `root` (None for one that cannot be read,
    or a symlink out of the tree, as `read_tree_file` refuses it)."""
    result: dict[str, str | None] = {}
    folders: dict[str, str] = {}
    # Folder (as spelled in the paths) -> whether a file in it that is no link leads out of
    # the tree: the same for every such file of the folder, asked once.
    leading_out: dict[str, bool] = {}
    for path in paths:
        try:
            status: os.stat_result | None = os.lstat(path)
        except OSError:
            status = None
        link = status is not None and stat.S_ISLNK(status.st_mode)
        if status is None or link:
            out = escapes(path, root, folders, link=link if status is not None else None)
        else:
            folder = os.path.dirname(path)
            known = leading_out.get(folder)
            out = leading_out[folder] = escapes(path, root, folders, link=False) if known is None else known
        if out:
            result[path] = None
        elif cache is not None:
            # A file that is not a link: its `lstat` is its `stat`.
            result[path] = cache.file_digest(path, _read_or_none, None if link else status)
        else:
            data = _read_or_none(path)
            result[path] = digest(data) if data is not None else None
    return result


def _fits(task: FileTask, raw: dict[str, Any]) -> bool:
    """Whether a cached record was made for this task: its module names and the layer its
    path gave it depend on the tree around the file (a new `__init__.py`, a layer folder
    created beside it), not only on its content, so a record of the same content may be
    stale."""
    try:
        facts = raw["facts"]
        extra = facts.get("extra") or {}
        placed = extra.get("name_layer") if "layer_evidence" in extra else facts["layer"]
        aliases = list(facts.get("aliases") or ())
        return bool(facts["module"] == task.module and placed == task.layer and aliases == list(task.aliases))
    except (KeyError, TypeError, AttributeError):
        return False


def _crashed(task: FileTask, cause: str) -> FileRecord:
    facts = ModuleFacts(path=task.display_path, module=task.module, layer=task.layer, parsed=False)
    message = f"internal error: the worker checking this file died ({cause})"
    return FileRecord(facts=facts, diagnostics=[Diagnostic("LC000", message, task.display_path, FILE_START)])


class _ChildFuture:
    """A forked child's answers, in the shape of a pool future's."""

    def __init__(self, child: ForkedWorker) -> None:
        self.child = child

    def result(self) -> list[tuple[str, str | None, dict[str, Any]]]:
        answers: list[tuple[str, str | None, dict[str, Any]]] = []
        try:
            answers.extend(self.child.results())
        except BrokenWorker:
            raise _PartialResults(answers) from None
        return answers

    def cancel(self) -> None:
        self.child.cancel()


class _PartialResults(BrokenWorker):
    """A child died: the answers it gave before."""

    def __init__(self, answers: list[tuple[str, str | None, dict[str, Any]]]) -> None:
        super().__init__("the worker died")
        self.answers = answers


class Runner:
    """Produces a FileRecord for every task, from the cache or by checking the file."""

    def __init__(
        self,
        settings: Settings,
        cache: Cache | None,
        jobs: int | None,
        verbose: bool = False,
        prewarmed: ForkedWorker | None = None,
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.verbose = verbose
        self.hits = 0
        self.misses = 0
        self.changed_during_run = False
        # One pool for every `run` of this runner (a run reads more files round after
        # round): its workers are forked once, while this process is still small.
        self._executor: ProcessPoolExecutor | None = None
        # A child forked at the start of the run (`infrastructure/pool.py`), until it is used or stopped.
        self._child = prewarmed
        # Files handed to workers by `start`, and their results once collected.
        self._early: dict[str, FileTask] = {}
        self._early_batches: list[tuple[list[FileTask], Future[Any]]] = []
        self._early_results: dict[str, tuple[str, str | None, dict[str, Any]]] = {}

    def prestart(self, files: int) -> None:
        """Fork the workers now, when `files` to check (none of them cached) warrant a pool:
        they import the engine while this process names and places the files, instead of
        after it has."""
        if self.jobs < 2 or files < _POOL_MIN_FILES or self._executor is not None or self._child is not None:
            return
        self._executor = _pool(self.jobs, self.settings, self.verbose)
        self._executor.submit(worker.ready)  # a pool forks its workers at the first submit

    def start(self, tasks: list[FileTask]) -> None:
        """Hand the checked files the cache cannot answer to workers now, so that they import
        the engine (libcst, the rules) and check them while this process finds and names the
        rest of the project; `run` collects their results. With one job they are checked in
        this process later, as usual."""
        tasks = [task for task in tasks if task.path not in self._early]
        child, self._child = self._child, None
        if child is not None and 0 < len(tasks) <= MAX_CHILD_FILES:
            child.submit(tasks, self.settings, self.verbose)
            self._early.update((task.path, task) for task in tasks)
            self._early_batches.append((tasks, _ChildFuture(child)))  # type: ignore[arg-type]
            return
        if child is not None:
            child.cancel()
        if not tasks or self.jobs < 2:
            return
        sizes = {task.path: _size(task.path) for task in tasks}
        ordered = sorted(tasks, key=lambda task: sizes[task.path], reverse=True)
        if self._executor is None:
            self._executor = _pool(min(self.jobs, len(tasks)), self.settings, self.verbose)
        self._early.update((task.path, task) for task in tasks)
        self._early_batches.extend(
            (batch, self._executor.submit(worker.check_batch, batch)) for batch in _batches(ordered, sizes, self.jobs)
        )

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._child is not None:
            self._child.cancel()
            self._child = None
        for _, future in self._early_batches:
            if isinstance(future, _ChildFuture):
                future.cancel()
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None

    def _collect_early(self) -> dict[str, tuple[str, str | None, dict[str, Any]]]:
        """The results of the files handed out by `start` (a file whose worker died is
        checked again alone, as in `_check_in_pool`)."""
        results = self._early_results
        if not self._early_batches:
            return results
        from concurrent.futures.process import BrokenProcessPool

        broken = False
        for _, future in self._early_batches:
            try:
                answers = future.result()
            except _PartialResults as error:
                answers = error.answers
            except BrokenProcessPool:
                answers, broken = [], True
            for result in answers:
                results[result[0]] = result
        if broken:
            self.close()  # a broken pool takes no more work: the next run forks a new one
        self._early_batches = []
        for path, task in sorted(self._early.items()):
            if path not in results:
                results[path] = self._isolated(task)
        return results

    def digests(self, tasks: Iterable[FileTask]) -> dict[str, str | None]:
        """Content digests of the files (None for one that cannot be read); with a cache, a
        file whose stat has not changed is not read again."""
        return file_digests((task.path for task in tasks), str(self.settings.project_root), self.cache)

    def _cached(self, task: FileTask, digests: dict[str, str | None]) -> bool:
        file_digest = digests.get(task.path)
        return self.cache is not None and file_digest is not None and self.cache.has(task.path, file_digest)

    def previous(self, path: str) -> FileRecord | None:
        """The last cached record of a file, whatever content it was for."""
        raw = self.cache.latest(path) if self.cache is not None else None
        try:
            return FileRecord.from_dict(raw) if raw is not None else None
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    def cached(self, tasks: list[FileTask], digests: dict[str, str | None]) -> dict[str, FileRecord]:
        """The records the cache holds for these files (the others are left out, unchecked)."""
        records: dict[str, FileRecord] = {}
        for task in tasks:
            file_digest = digests.get(task.path)
            raw = self.cache.get(task.path, file_digest) if self.cache is not None and file_digest else None
            if raw is not None and _fits(task, raw):
                try:
                    records[task.path] = FileRecord.from_dict(raw)
                except (KeyError, TypeError, ValueError, IndexError):
                    continue
        return records

    def facts(self, tasks: list[FileTask], digests: dict[str, str | None]) -> dict[str, FileRecord]:
        """Records holding only the facts (what the project index reads), from the cache:
        cheaper to decode than whole records. Files the cache cannot answer are left out."""
        records: dict[str, FileRecord] = {}
        for task in tasks:
            file_digest = digests.get(task.path)
            raw = self.cache.get(task.path, file_digest) if self.cache is not None and file_digest else None
            if raw is not None and _fits(task, raw):
                try:
                    records[task.path] = FileRecord(ModuleFacts.from_dict(raw["facts"]))
                except (KeyError, TypeError, ValueError, IndexError):
                    continue
        return records

    def run(
        self,
        tasks: list[FileTask],
        digests: dict[str, str | None],
        progress: Progress | None = None,
    ) -> dict[str, FileRecord]:
        records: dict[str, FileRecord] = {}
        missing: list[FileTask] = []
        early: list[tuple[str, str | None, dict[str, Any]]] = []
        if self.jobs > 1:
            # Files the cache cannot answer go to workers first: forked while this process is
            # still small, they check them while the cached records are decoded here.
            fresh = [task for task in tasks if task.path not in self._early and not self._cached(task, digests)]
            if fresh and (
                self._executor is not None
                or self._child is not None
                or len(fresh) >= _POOL_MIN_FILES
                or sum(_size(task.path) for task in fresh) >= _POOL_MIN_BYTES
            ):
                self.start(fresh)
        for task in tasks:
            if task.path in self._early:
                early.append(self._collect_early().pop(task.path))
                del self._early[task.path]
                continue
            file_digest = digests.get(task.path)
            cached = self.cache.get(task.path, file_digest) if self.cache and file_digest else None
            if cached is not None and _fits(task, cached):
                try:
                    records[task.path] = FileRecord.from_dict(cached)
                    self.hits += 1
                    continue
                except (KeyError, TypeError, ValueError, IndexError):
                    pass  # a damaged entry is re-checked, never trusted
            missing.append(task)
        self.misses = len(missing) + len(early)
        if progress and (self.hits or early):
            progress(self.hits + len(early))
        for path, file_digest, raw in itertools.chain(early, self._check(missing, progress)):
            records[path] = FileRecord.from_dict(raw)
            if file_digest != digests.get(path):
                self.changed_during_run = True  # edited (or deleted) after its digest was taken
            if self.cache is not None and file_digest is not None and not _has_internal_error(raw):
                self.cache.put(path, file_digest, raw)
        return records

    def _check(
        self, tasks: list[FileTask], progress: Progress | None
    ) -> Iterable[tuple[str, str | None, dict[str, Any]]]:
        worker.init_worker(self.settings, self.verbose)
        sizes = {task.path: _size(task.path) for task in tasks}
        ordered = sorted(tasks, key=lambda task: sizes[task.path], reverse=True)
        use_pool = self._executor is not None or (
            self.jobs > 1 and (len(tasks) >= _POOL_MIN_FILES or sum(sizes.values()) >= _POOL_MIN_BYTES)
        )
        if not tasks:
            return
        if not use_pool:
            was_enabled = gc.isenabled()
            gc.disable()  # as in workers, while parsing (`worker.init_pool_worker`)
            try:
                for task in ordered:
                    yield worker.check_task(task)
                    if progress:
                        progress(1)
            finally:
                if was_enabled:
                    gc.enable()
            return
        yield from self._check_in_pool(ordered, sizes, progress)

    def _check_in_pool(
        self, tasks: list[FileTask], sizes: dict[str, int], progress: Progress | None
    ) -> Iterable[tuple[str, str | None, dict[str, Any]]]:
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        pending: list[FileTask] = []
        if self._executor is None:
            self._executor = _pool(self.jobs, self.settings, self.verbose)
        pool = self._executor
        futures = {pool.submit(worker.check_batch, batch): batch for batch in _batches(tasks, sizes, self.jobs)}
        for future in as_completed(futures):
            try:
                results = future.result()
            except BrokenProcessPool:
                pending.extend(futures[future])
                continue
            yield from results
            if progress:
                progress(len(results))
        if pending:
            self.close()  # a broken pool takes no more work: the next run forks a new one
        # A worker died (a crash in native code, or killed): retry each file left alone in
        # its own process, so only the file that kills a worker is reported.
        for task in sorted(pending, key=lambda task: task.path):
            yield self._isolated(task)
            if progress:
                progress(1)

    def _isolated(self, task: FileTask) -> tuple[str, str | None, dict[str, Any]]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            with _pool(1, self.settings, self.verbose) as pool:
                return pool.submit(worker.check_task, task).result()
        except BrokenProcessPool as error:
            return task.path, None, _crashed(task, str(error) or "killed").to_dict()


def _pool(jobs: int, settings: Settings, verbose: bool) -> ProcessPoolExecutor:
    """Worker processes, forked where the platform allows (they inherit what is imported)."""
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    # A process running other threads (the language server) must not fork: a child could
    # wait forever on a lock one of them held. It starts fresh workers instead.
    fork = "fork" in methods and threading.active_count() == 1
    if fork:
        # Imported here once, before forking, the engine (libcst, the rules) is the workers'
        # from their start: each would otherwise import it, all at once, while the run waits.
        worker.import_engine(settings)
    context = multiprocessing.get_context("fork" if fork else "spawn")
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=worker.init_pool_worker,
        initargs=(settings, verbose, os.getpid()),  # the workers end with this process
    )


def _batches(tasks: list[FileTask], sizes: dict[str, int], jobs: int) -> list[list[FileTask]]:
    """Tasks (largest first) grouped so that each batch carries about the same bytes: one
    round trip per batch instead of per file, and small batches at the end to even out."""
    target = min(_BATCH_MAX_BYTES, max(_BATCH_MIN_BYTES, sum(sizes.values()) // (jobs * 24)))
    batches: list[list[FileTask]] = []
    current: list[FileTask] = []
    weight = 0
    for task in tasks:
        current.append(task)
        weight += sizes[task.path]
        if weight >= target or len(current) >= _BATCH_MAX_FILES:
            batches.append(current)
            current, weight = [], 0
    if current:
        batches.append(current)
    return batches


def _has_internal_error(raw: dict[str, Any]) -> bool:
    return any(item.get("code") == "LC000" for item in raw.get("diagnostics", []))


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0

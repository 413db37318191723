"""The application layer: one call that checks paths and returns findings.

The CLI and the LSP server are thin adapters over this; it knows nothing of terminals.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from layercheck.application.glob_warnings import nested_configurations, unmatched_layer_globs
from layercheck.application.root_checks import RootScope, root_findings, root_scope
from layercheck.domain.diagnostics import Diagnostic
from layercheck.domain.records import FileRecord, FileTask
from layercheck.domain.settings import Settings
from layercheck.infrastructure import pool
from layercheck.infrastructure.cache import Cache, default_cache_dir
from layercheck.infrastructure.discovery import Listing, below, discover, project_listing, split_undecodable
from layercheck.infrastructure.modules import ModuleNamer
from layercheck.infrastructure.runner import Runner, digest, file_digests
from layercheck.project.index import MARKERS

if TYPE_CHECKING:
    from layercheck.infrastructure.pool import ForkedWorker
    from layercheck.project.index import ProjectIndex

ProgressFactory = Callable[[int], Callable[[int], None]]


@dataclass
class CheckResult:
    """What a run found, and over how many files."""

    diagnostics: list[Diagnostic]
    files_checked: int
    cache_hits: int = 0
    # Absolute path -> record, for fixes and the graph; empty when the last run was reused.
    records: dict[str, FileRecord] = field(default_factory=dict)
    tasks: dict[str, FileTask] = field(default_factory=dict)
    # Absolute paths of the files checked (the others were read for project facts only).
    checked: list[str] = field(default_factory=list)
    # Configuration that is valid but probably wrong (a layer glob that matches no file).
    warnings: list[str] = field(default_factory=list)


@dataclass
class CheckOptions:
    """How to run: caching, parallelism, progress, an in-memory buffer for one file."""

    use_cache: bool = True
    cache_dir: Path | None = None
    jobs: int | None = None
    verbose: bool = False
    progress: ProgressFactory | None = None
    # (path, bytes): check these bytes as the content of path (stdin, editor buffers).
    override: tuple[Path, bytes] | None = None
    # Fixes and the graph need every file's record: never answer from the last run alone.
    need_records: bool = False


def open_cache(settings: Settings, options: CheckOptions) -> Cache | None:
    if not options.use_cache:
        return None
    directory = options.cache_dir or (
        (settings.project_root / settings.cache_dir) if settings.cache_dir else default_cache_dir(settings.project_root)
    )
    return Cache(directory, settings.fingerprint(), MARKERS)


def _run_key(settings: Settings, checked: list[str], digests: dict[str, str | None]) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(settings.fingerprint().encode())
    for path in sorted(digests):
        hasher.update(f"{path}\0{digests[path]}\n".encode())
    hasher.update("\0".join(checked).encode())
    return hasher.hexdigest()


def _read(
    tasks: dict[str, FileTask],
    checked: list[str],
    known: dict[str, FileRecord],
    runner: Runner,
    digests: dict[str, str | None],
    settings: Settings,
    options: CheckOptions,
    everything: bool,
) -> tuple[dict[str, FileRecord], ProjectIndex]:
    """The records the run needs, sorted by path, and the project index over them: every
    file when the root rules, fixes or the graph look at the whole project, else the checked
    files and the modules they can reach (`reach.py`)."""
    from layercheck.project.findings import build_index

    if everything or options.need_records:
        to_run = [task for path, task in tasks.items() if path not in known]
        progress = options.progress(len(to_run)) if options.progress else None
        records = dict(sorted({**runner.run(to_run, digests, progress), **known}.items()))
        return records, build_index(records.values(), settings)
    from layercheck.application.reach import read_reachable

    # The bar counts the checked files; modules reached through their imports come after.
    advance: list[Callable[[int], None] | None] = [options.progress(len(checked)) if options.progress else None]

    def read(batch: list[FileTask]) -> dict[str, FileRecord]:
        found = runner.run(batch, digests, advance[0])
        advance[0] = None
        return found

    def build(records: Iterable[FileRecord], unread: Iterable[str]) -> ProjectIndex:
        return build_index(records, settings, unread)

    def cached(batch: list[FileTask]) -> dict[str, FileRecord]:
        return runner.cached(batch, digests)

    markers_in = runner.cache.markers_in if runner.cache is not None else None
    return read_reachable(tasks, checked, known, read, build, settings, runner.previous, cached, markers_in)


def _project_files(settings: Settings, cache: Cache | None) -> Listing:
    """The project's files, from the last run's walk when nothing it walked has changed."""
    listing = project_listing(settings, cache.listing() if cache is not None else None)
    if cache is not None and listing.saved is not None:
        cache.set_listing(listing.saved)
    return listing


def _discover_in_project(
    paths: list[Path], settings: Settings, cache: Cache | None
) -> tuple[list[Path], list[Path], bool]:
    """The project's files, the files to check, and whether those are some of the former:
    folders the project's walk went into need no walk of their own."""
    listing = _project_files(settings, cache)
    given = [os.path.abspath(path) for path in paths]
    if given and all(folder in listing.entered for folder in given):
        return listing.files, below(listing.files, given), True
    return listing.files, discover(paths, settings), False


def _prefork(paths: list[Path], options: CheckOptions) -> ForkedWorker | None:
    """For a run on a few named files (pre-commit's changed files), a worker forked before
    anything else, to import libcst and the rules meanwhile (`infrastructure/pool.py`); else None."""
    if options.override is not None or options.jobs == 1 or not pool.supported():
        return None
    if options.jobs is None and (os.cpu_count() or 1) < 2:
        return None
    if not paths or len(paths) > pool.MAX_FILES or not all(os.path.isfile(path) for path in paths):
        return None
    import threading

    if threading.active_count() > 1:
        return None  # forking a threaded process could leave the child stuck on a lock
    return pool.ForkedWorker()


@dataclass
class _RunFiles:
    """What discovery decided for one run."""

    checked: list[Path]  # the files to check
    project: list[Path]  # every file of the project the run reads facts from (checked included)
    undecodable: list[str]  # names that are not valid UTF-8: reported, not checked


def _files_of_run(
    paths: list[Path],
    settings: Settings,
    cache: Cache | None,
    override_path: Path | None,
    whole_root: bool,
    prewarmed: bool,
) -> _RunFiles:
    """Discovery, once per run: the files to check and the project's files around them."""
    project: list[Path] | None = None
    within = False  # the checked files are some of `project`'s
    if override_path is not None:
        found = [override_path]
    elif whole_root or prewarmed:
        found = discover(paths, settings)
    else:
        project, found, within = _discover_in_project(paths, settings, cache)
    checked, undecodable = split_undecodable(found)
    if whole_root:
        return _RunFiles(checked, checked, undecodable)
    in_project = split_undecodable(project if project is not None else _project_files(settings, cache).files)[0]
    return _RunFiles(checked, in_project if within else sorted({*checked, *in_project}), undecodable)


def _digests(
    files: _RunFiles, settings: Settings, cache: Cache | None, override: tuple[Path, bytes] | None
) -> dict[str, str | None]:
    """Content digests of every file of the run, checked files first (they key the cache;
    without a cache nothing needs them: workers hash what they read)."""
    ordered = list(dict.fromkeys([str(path) for path in files.checked] + [str(path) for path in files.project]))
    digests = file_digests(ordered, str(settings.project_root), cache) if cache is not None else dict.fromkeys(ordered)
    if override is not None:
        digests[str(Path(override[0]).absolute())] = digest(override[1])
    return digests


def _reused_result(
    cache: Cache | None, run_key: str, whole: RootScope | None, options: CheckOptions, override: bool
) -> list[Diagnostic] | None:
    """The last run's findings when nothing it read has changed since."""
    if cache is None or override or options.need_records:
        return None
    reused = cache.last_run_result(run_key)
    if reused is not None and whole is not None:
        # The root rules also read files found through the index (`.env` by the package).
        consulted = reused.get("root_inputs", [])
        if whole.files.digest_of(consulted) != reused.get("root_digest"):
            reused = None
    return None if reused is None else [Diagnostic.from_dict(item) for item in reused["diagnostics"]]


def check(paths: list[Path], settings: Settings, options: CheckOptions | None = None) -> CheckResult:
    """Check `paths` (files or folders) against the whole project's facts.

    One pass, each step once: discovery -> digests -> the last run's answer if nothing
    changed -> per-file records (cache or workers) and the project index -> findings ->
    the cache written back."""
    options = options or CheckOptions()
    override_path = Path(options.override[0]).absolute() if options.override else None
    prewarmed = _prefork(paths, options)
    cache = open_cache(settings, options)
    root = settings.project_root.resolve()
    whole_root = [Path(os.path.realpath(p)) for p in paths] == [root]  # realpath: no error on a symlink loop

    files = _files_of_run(paths, settings, cache, override_path, whole_root, prewarmed is not None)
    checked = [str(path) for path in files.checked]
    warnings = unmatched_layer_globs(settings, files.project) + nested_configurations(settings, files.checked)
    warnings += [f"{name}: not checked: the file name is not valid UTF-8" for name in files.undecodable]
    digests = _digests(files, settings, cache, options.override)
    namer = ModuleNamer(settings)
    run_key = _run_key(settings, checked, digests)
    # Checks of the project as a whole (`.env`, `requirements.txt`): not for a buffer.
    whole = None if override_path is not None else root_scope(paths, files.checked, settings, namer.display_path)
    if whole is not None:
        run_key += whole.files.inputs_digest()
    reused = _reused_result(cache, run_key, whole, options, override_path is not None)
    if reused is not None:
        if prewarmed is not None:
            prewarmed.cancel()
        return CheckResult(reused, len(checked), cache_hits=len(files.project), checked=checked, warnings=warnings)

    runner = Runner(settings, cache, options.jobs, options.verbose, prewarmed)
    try:
        # Checked files the cache cannot answer go to workers now: they import the engine and
        # check them while this process names and places every file of the project.
        early = [
            namer.task_for(Path(path))
            for path in checked
            if path != str(override_path) and (cache is None or not cache.has(path, digests[path]))
        ]
        runner.start(early)
        named = {task.path: task for task in early}
        tasks = {str(path): named.get(str(path)) or namer.task_for(path) for path in files.project}
        known: dict[str, FileRecord] = {}
        if override_path is not None and options.override is not None:
            from layercheck.engine.checker import check_bytes

            task = tasks.get(str(override_path)) or namer.task_for(override_path)
            tasks[str(override_path)] = task
            known[str(override_path)] = check_bytes(task, options.override[1], settings, options.verbose)
        records, index = _read(tasks, checked, known, runner, digests, settings, options, everything=whole is not None)
    finally:
        runner.close()
    from layercheck.project.findings import assemble

    scope = whole
    project_checks = None if scope is None else (lambda index: root_findings(settings, index, scope))
    diagnostics = assemble(records, checked, settings, index, whole_project=project_checks)
    if cache is not None:
        # Not reused: the findings of a file edited during the run (they are not those of the
        # digests taken), nor an internal error (the next run must try again).
        failed = any(d.code == "LC000" for d in diagnostics)
        if override_path is None and not runner.changed_during_run and not failed:
            result: dict[str, Any] = {"diagnostics": [d.to_dict() for d in diagnostics]}
            if whole is not None:
                result["root_inputs"] = sorted(str(path) for path in whole.files.consulted)
                result["root_digest"] = whole.files.digest_of(result["root_inputs"])
            cache.set_last_run(run_key, result)
        cache.save(present=digests.keys())
    return CheckResult(diagnostics, len(checked), runner.hits, records, tasks, checked, warnings)

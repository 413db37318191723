"""The application layer: one call that checks paths and returns findings.

The CLI and the LSP server are thin adapters over this; it knows nothing of terminals.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from layercheck.application.answers import Answers, facts_digest, group_by_file
from layercheck.application.glob_warnings import nested_configurations, unmatched_layer_globs
from layercheck.application.root_checks import RootScope, root_findings, root_scope
from layercheck.domain.diagnostics import Diagnostic
from layercheck.domain.records import FileRecord, FileTask
from layercheck.domain.settings import Settings
from layercheck.infrastructure import pool
from layercheck.infrastructure.cache import Cache, default_cache_dir
from layercheck.infrastructure.discovery import (
    Listing,
    below,
    discover,
    path_order,
    project_listing,
    split_undecodable,
)
from layercheck.infrastructure.modules import ModuleNamer
from layercheck.infrastructure.runner import Runner, digest, file_digests
from layercheck.project.whole import MARKERS

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
) -> tuple[list[str], list[str], bool]:
    """The project's files, the files to check, and whether those are some of the former:
    folders the project's walk went into need no walk of their own."""
    listing = _project_files(settings, cache)
    given = [os.path.abspath(path) for path in paths]
    if given and all(folder in listing.entered for folder in given):
        return listing.files, below(listing.files, given), True
    return listing.files, [str(path) for path in discover(paths, settings)], False


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


def _fork_for(paths: list[str], options: CheckOptions) -> ForkedWorker | None:
    """A forked worker for a few files to check, where that is safe (see `_prefork`)."""
    if not paths or len(paths) > pool.MAX_FILES or options.jobs == 1 or not pool.supported():
        return None
    if options.jobs is None and (os.cpu_count() or 1) < 2:
        return None
    import threading

    return pool.ForkedWorker() if threading.active_count() == 1 else None


@dataclass
class _RunFiles:
    """What discovery decided for one run."""

    # (absolute paths, as strings: see `discovery.Listing`)
    checked: list[str]  # the files to check
    project: list[str]  # every file of the project the run reads facts from (checked included)
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
    project: list[str] | None = None
    within = False  # the checked files are some of `project`'s
    if override_path is not None:
        found = [str(override_path)]
    elif whole_root or prewarmed:
        found = [str(path) for path in discover(paths, settings)]
    else:
        project, found, within = _discover_in_project(paths, settings, cache)
    checked, undecodable = split_undecodable(found)
    if whole_root:
        return _RunFiles(checked, checked, undecodable)
    in_project = split_undecodable(project if project is not None else _project_files(settings, cache).files)[0]
    return _RunFiles(checked, in_project if within else sorted({*checked, *in_project}, key=path_order), undecodable)


def _digests(
    files: _RunFiles, settings: Settings, cache: Cache | None, override: tuple[Path, bytes] | None
) -> dict[str, str | None]:
    """Content digests of every file of the run, checked files first (they key the cache;
    without a cache nothing needs them: workers hash what they read)."""
    ordered = list(dict.fromkeys(files.checked + files.project))
    digests = file_digests(ordered, str(settings.project_root), cache) if cache is not None else dict.fromkeys(ordered)
    if override is not None:
        digests[str(Path(override[0]).absolute())] = digest(override[1])
    return digests


def _in_scope(found: list[Diagnostic], whole: RootScope | None) -> list[Diagnostic]:
    """The root findings a run reports: all of them, or those on the files it names."""
    if whole is None or whole.only is None:
        return list(found)
    return [d for d in found if os.path.abspath(d.path) in whole.only]


def _read_changes(
    stored: Answers,
    tasks: dict[str, FileTask],
    checked: list[str],
    runner: Runner,
    digests: dict[str, str | None],
    settings: Settings,
    root_valid: bool,
) -> tuple[list[str], dict[str, FileRecord], ProjectIndex, bool]:
    """For a run over the whole project with earlier answers: the files to decide again
    (changed ones, and those their changed facts reach), the records and index to decide
    them with, and whether the root findings must be decided again (some facts changed)."""
    from layercheck.project.findings import build_index

    changed = stored.changed(digests)
    # While workers check the changed files, decode every other file's facts: the root
    # rules will need them if the changed facts differ (that time is spent waiting anyway).
    waiting = runner.cache is not None and any(not runner.cache.has(path, digests.get(path)) for path in changed)
    rest = [task for path, task in tasks.items() if path not in changed]
    only_facts = runner.facts(rest, digests) if waiting else {}
    fresh = runner.run([tasks[path] for path in changed if path in tasks], digests)
    facts = {path: facts_digest(record) for path, record in fresh.items()}
    moved = [path for path in changed if path not in facts or stored.facts_changed(path, facts[path])]
    affected = stored.dependents(moved, runner.cache.markers_in if runner.cache is not None else None)
    undecided = {path for path, entry in stored.entries.items() if entry.findings is None}
    to_decide = [path for path in checked if path in affected or path in changed or path in undecided]
    if not moved and root_valid:
        # Facts unchanged: what the files to decide reach is all they need (`reach.py`).
        records, index = _read(tasks, to_decide, fresh, runner, digests, settings, CheckOptions(), False)
        return to_decide, records, index, False
    # Some facts changed: the root rules read every module's facts (decoded alone, cheaper
    # than whole records); the files to decide need their whole records.
    whole_records = runner.run([tasks[path] for path in to_decide if path not in fresh], digests)
    rest = [task for task in rest if task.path not in whole_records]
    if not waiting:
        only_facts = runner.facts(rest, digests)
    missing = [task for task in rest if task.path not in only_facts]
    records = dict(sorted({**only_facts, **runner.run(missing, digests), **whole_records, **fresh}.items()))
    return to_decide, records, build_index(records.values(), settings), True


def _remember(
    stored: Answers | None,
    project: list[str],
    records: dict[str, FileRecord],
    tasks: dict[str, FileTask],
    decided_paths: list[str],
    decided: list[Diagnostic],
    digests: dict[str, str | None],
    markers_in: Callable[[str], int | None] | None,
    full_index: bool,
    root_decided: bool,
) -> Answers | None:
    """The answers to keep after a run: the earlier ones updated with what it decided and
    read, or new ones (None when a file's findings cannot be told apart)."""
    answers = stored
    partial = False
    if answers is None:
        # A run on part of the project (a sub-folder, as `layercheck src/app` or a benchmark
        # inside the tree) starts the answers too: the files it did not read are noted with
        # their digests and no facts, so that the same run again is answered from the store.
        partial = set(decided_paths) != set(project) or any(path not in records for path in project)
        answers = Answers.new(project)
    by_file = group_by_file(decided, tasks, decided_paths)
    if by_file is None:
        return None
    answers.record_run(records, tasks, by_file, digests, markers_in, full_index, root_decided)
    if partial:
        answers.note_unread(digests)
    return answers


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
    checked = files.checked
    warnings = list(settings.warnings)
    warnings += unmatched_layer_globs(settings, files.project) + nested_configurations(settings, files.checked)
    warnings += [f"{name}: not checked: the file name is not valid UTF-8" for name in files.undecodable]
    digests = _digests(files, settings, cache, options.override)
    forked: Runner | None = None
    if prewarmed is None and override_path is None and (cache is None or cache.is_empty):
        # Nothing to reuse: every checked file goes to workers, forked now to import the
        # engine while this process names and places the files.
        forked = Runner(settings, cache, options.jobs, options.verbose)
        forked.prestart(len(checked))
    elif prewarmed is None and cache is not None and override_path is None and not options.need_records:
        # A few files changed since the last run saw them (their stat moved): most likely
        # to check, so a child forked now imports the engine meanwhile (`pool.py`).
        prewarmed = _fork_for([""] * cache.files_read, options)
    namer = ModuleNamer(settings)
    # Checks of the project as a whole (`.env`, `requirements.txt`): not for a buffer.
    whole = None if override_path is not None else root_scope(paths, files.checked, settings, namer.display_path)
    # What earlier runs decided, for exactly these project files (`answers.py`): not with a
    # buffer (its content is not the file's), nor for fixes and the graph (they need records).
    project = files.project
    stored = None
    if cache is not None and override_path is None and not options.need_records:
        stored = Answers.load(cache.answers(), project)
    markers_in = cache.markers_in if cache is not None else None
    to_decide = checked if stored is None else stored.stale(checked, digests, markers_in)
    root_inputs = whole.files.inputs_digest() if whole is not None else ""
    # The root findings kept, if the files they read are unchanged (`root_kept`), and if no
    # module changed either (`root_found`).
    root_kept = None
    if stored is not None and whole is not None:
        root_kept = stored.root_findings(root_inputs, whole.files.digest_of, None)
    root_found = None if stored is None or root_kept is None or stored.changed(digests) else root_kept
    if stored is not None and not to_decide and (whole is None or root_found is not None):
        if prewarmed is not None:
            prewarmed.cancel()
        if forked is not None:
            forked.close()
        reused = stored.findings(checked) + _in_scope(root_found or [], whole)
        reused.sort(key=Diagnostic.sort_key)
        return CheckResult(reused, len(checked), cache_hits=len(files.project), checked=checked, warnings=warnings)

    if forked is None and prewarmed is None and stored is not None and cache is not None:
        # Changed files the cache has no record of: a child forked now imports the engine
        # while this process reads the rest (`infrastructure/pool.py`).
        unknown = [path for path in stored.changed(digests) if not cache.has(path, digests.get(path))]
        prewarmed = _fork_for(unknown, options)
    runner = forked or Runner(settings, cache, options.jobs, options.verbose, prewarmed)
    try:
        # Checked files the cache cannot answer go to workers now: they import the engine and
        # check them while this process names and places every file of the project.
        early = [
            namer.task_for(Path(path))
            for path in to_decide
            if path != str(override_path) and (cache is None or not cache.has(path, digests[path]))
        ]
        runner.start(early)
        named = {task.path: task for task in early}
        tasks = {path: named.get(path) or namer.task_for(Path(path)) for path in files.project}
        known: dict[str, FileRecord] = {}
        if override_path is not None and options.override is not None:
            from layercheck.engine.checker import check_bytes

            task = tasks.get(str(override_path)) or namer.task_for(override_path)
            tasks[str(override_path)] = task
            known[str(override_path)] = check_bytes(task, options.override[1], settings, options.verbose)
        if stored is not None and whole is not None:
            to_decide, records, index, root_stale = _read_changes(
                stored, tasks, checked, runner, digests, settings, root_kept is not None
            )
            root_found = None if root_stale else root_kept
        else:
            everything = whole is not None
            records, index = _read(tasks, to_decide, known, runner, digests, settings, options, everything)
            root_found = None
    finally:
        runner.close()
    from layercheck.project.findings import assemble

    decided = assemble(records, to_decide, settings, index)
    root_decided = whole is not None and root_found is None
    if root_decided and whole is not None:
        scope = RootScope(whole.files, None)  # all of them, kept; the run shows those in its scope
        checks = lambda index: root_findings(settings, index, scope)  # noqa: E731
        root_found = assemble({}, [], settings, index, whole_project=checks)
        if stored is not None:
            consulted = sorted(str(path) for path in scope.files.consulted)
            stored.set_root(root_inputs, consulted, scope.files.digest_of(consulted), root_found)
    reused_paths = set(checked) - set(to_decide)
    diagnostics = decided + (stored.findings(sorted(reused_paths)) if stored is not None else [])
    diagnostics += _in_scope(root_found or [], whole)
    diagnostics.sort(key=Diagnostic.sort_key)
    if cache is not None:
        # Not kept: the findings of a file edited during the run (they are not those of the
        # digests taken), nor an internal error (the next run must try again).
        failed = any(d.code == "LC000" for d in diagnostics)
        if override_path is None and not runner.changed_during_run and not failed and not options.need_records:
            full_index = all(path in records for path in project)
            answers = _remember(
                stored, project, records, tasks, to_decide, decided, digests, markers_in, full_index, root_decided
            )
            if answers is not None and whole is not None and answers.root is None:
                consulted = sorted(str(path) for path in whole.files.consulted)
                answers.set_root(root_inputs, consulted, whole.files.digest_of(consulted), root_found or [])
            if answers is not None and answers.dirty:
                cache.set_answers(answers.to_data())
        cache.save(present=digests.keys())
    return CheckResult(diagnostics, len(checked), runner.hits, records, tasks, checked, warnings)

"""Which project files a run reads: the checked ones, and every module they can lead to.

Cross-module facts come from the whole project, but a question about a name is answered
by the modules on its way only: the module it is imported from, the packages above it,
the modules those re-export from, the modules defining base classes, and so on. A run on
part of a project (`layercheck src/app` with the tests beside it, pre-commit's changed
files) reads the checked files, then every project module their names can lead to, round
after round, and never the tests, scripts or migrations nothing checked imports. Reading
fewer files changes no answer: a module is left out only when no name resolution from the
checked files can reach it, and the index still knows the names of the modules left out
(a tail spelling they share stays ambiguous, as it is in a full read).

Questions about every module at once (does some module register an exception handler?)
are the exception: their condition kinds are declared in `index.WHOLE_PROJECT_KINDS`, with
the byte strings a module needs to have the fact and the layers that never count. When a
checked file asks one and the files read so far do not settle it, the run also reads every
file that could have the fact. A
project rule that looks at every module sets `whole_project`: the run then reads them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from layercheck.domain.facts import ModuleFacts
from layercheck.domain.records import FileRecord, FileTask
from layercheck.domain.registry import enabled_implementations
from layercheck.domain.settings import Settings
from layercheck.engine.source import SourceError, read_tree_file
from layercheck.project.whole import CLASSICAL_MAPPING, MARKERS, WholeProjectFact, whole_project_fact

if TYPE_CHECKING:
    from layercheck.project.index import ProjectIndex

Read = Callable[[list[FileTask]], dict[str, FileRecord]]
# The bits of `index.MARKERS` a file was found to contain (None: not known).
MarkersIn = Callable[[str], "int | None"]
IndexBuilder = Callable[[Iterable[FileRecord], Iterable[str]], "ProjectIndex"]


class ModuleMap:
    """Every project module name (each file's name and aliases, and their tail spellings,
    as the index resolves them) with the files that bear it."""

    def __init__(self, tasks: Iterable[FileTask]) -> None:
        self.files: dict[str, list[str]] = {}
        for task in tasks:
            for name in (task.module, *task.aliases):
                self.files.setdefault(name, []).append(task.path)
        # A tail the index finds ambiguous resolves nowhere; reading its files anyway is
        # harmless (more facts never change an answer) and keeps this simple.
        self.tails: dict[str, list[str]] = {}
        for name, paths in self.files.items():
            parts = name.split(".")
            for start in range(1, len(parts)):
                tail = ".".join(parts[start:])
                if tail not in self.files:
                    self.tails.setdefault(tail, []).extend(paths)

    def files_named(self, dotted: str) -> list[str]:
        """The files a dotted name can resolve into: each module named by one of its prefixes."""
        found: list[str] = []
        parts = dotted.split(".")
        for cut in range(1, len(parts) + 1):
            prefix = ".".join(parts[:cut])
            found.extend(self.files.get(prefix, ()))
            found.extend(self.tails.get(prefix, ()))
        return found


def referenced_names(record: FileRecord) -> Iterator[str]:
    """The dotted names in a record that the index may resolve (all come from imports,
    except a package's own definitions, which a submodule of the same name would shadow)."""
    facts: ModuleFacts = record.facts
    for item in facts.imports:
        yield item.target
    yield from facts.bindings.values()
    yield from facts.instances.values()
    for fact in facts.classes.values():
        yield from fact.bases
    if facts.is_package:
        for name in (*facts.classes, *facts.functions):
            yield f"{facts.module}.{name}"
    for candidate in record.candidates:
        yield from candidate.condition.names


def _follow(
    sources: list[FileRecord], modules: ModuleMap, seen: set[str], records: dict[str, FileRecord]
) -> set[str]:
    """Files not in `records` that the names of `sources` lead to (names in `seen` were
    followed before; the new ones are added)."""
    found: set[str] = set()
    for record in sources:
        for name in referenced_names(record):
            if name not in seen:
                seen.add(name)
                found.update(path for path in modules.files_named(name) if path not in records)
    return found


def _whole_project_rules(settings: Settings) -> bool:
    """Whether an enabled project rule asks about every module."""
    rules = enabled_implementations("project", settings.enabled_codes())
    return any(getattr(rule_class, "whole_project", False) for _, rule_class in rules)


def _unsettled(records: dict[str, FileRecord], checked: list[str], index: ProjectIndex) -> list[WholeProjectFact]:
    """The whole-project questions the checked files ask that the partial index cannot
    answer yet."""
    # (Every file asks whether a module it does not reach maps one of its classes; a run
    # that left modules unread reads those that could.)
    kinds: set[str] = {CLASSICAL_MAPPING}
    for path in checked:
        record = records.get(path)
        for candidate in record.candidates if record is not None else ():
            if not index.settles(candidate.condition):
                kinds.add(candidate.condition.kind)
    return [fact for fact in map(whole_project_fact, sorted(kinds)) if fact is not None]


def _could_settle(
    task: FileTask,
    questions: list[WholeProjectFact],
    root: str,
    markers_in: MarkersIn | None = None,
    folders: dict[str, str] | None = None,
) -> bool:
    """Whether the file could have the fact one of `questions` asks about: its layer
    counts and its bytes contain the markers (which the cache may already know).
    `folders`: the real paths of folders already resolved (`source.escapes`)."""
    questions = [fact for fact in questions if task.layer not in fact.ignored_layers]
    if not questions:
        return False
    bits = markers_in(task.path) if markers_in is not None else None
    if bits is not None:
        known = bits

        def contains(marker: bytes) -> bool:
            return bool(known & (1 << MARKERS.index(marker)))

    else:
        try:
            data = read_tree_file(task.path, root, folders)  # never a FIFO, a device, or a link out of the tree
        except SourceError:
            return True  # unreadable: the runner reads it and reports why

        def contains(marker: bytes) -> bool:
            return marker in data

    return any(fact.could_hold(contains) for fact in questions)


def read_reachable(
    tasks: dict[str, FileTask],
    checked: list[str],
    records: dict[str, FileRecord],
    read: Read,
    build: IndexBuilder,
    settings: Settings,
    previous: Callable[[str], FileRecord | None] | None = None,
    cached: Read | None = None,
    markers_in: MarkersIn | None = None,
) -> tuple[dict[str, FileRecord], ProjectIndex]:
    """Records of the checked files and of every module they can reach, by path, sorted,
    and the index over them. `records` holds what is already known (an editor buffer);
    `previous` gives the last cached record of a file whatever its content, and `cached`
    reads records from the cache only (both optional)."""
    records = dict(records)
    pending = [path for path in checked if path not in records and path in tasks]
    modules = ModuleMap(tasks.values())
    seen: set[str] = set()  # names already followed
    found: set[str] = set()  # files they lead to, not read yet
    if pending and previous is not None and cached is not None:
        # While workers check the changed files, follow the names their previous versions
        # used, through cached records only: most of what the new versions reach is read
        # by the time their records arrive (more records than needed change no answer).
        frontier = [record for record in map(previous, pending) if record is not None]
        while frontier:
            reached = _follow(frontier, modules, seen, records)
            found |= reached
            hits = cached([tasks[path] for path in sorted(reached)])
            records.update(hits)
            found -= hits.keys()
            frontier = list(hits.values())
    if pending:
        records.update(read([tasks[path] for path in pending]))
    if _whole_project_rules(settings):
        return _read_rest(tasks, records, read, build)
    _read_following(list(records), found, tasks, records, read, modules, seen)
    records = dict(sorted(records.items()))
    unread = [path for path in tasks if path not in records]
    index = build(records.values(), _names_of(tasks, unread))
    questions = _unsettled(records, checked, index) if unread else []
    if questions:
        root = str(settings.project_root)
        folders: dict[str, str] = {}
        settling = [
            tasks[path] for path in unread if _could_settle(tasks[path], questions, root, markers_in, folders)
        ]
        if settling:
            read_now = read(settling)
            records.update(read_now)
            if any(record.facts.extra.get("mapped_classes") for record in read_now.values()):
                # A classical mapping names the classes it maps: the modules on their way
                # resolve them as a whole run would.
                _read_following(list(read_now), set(), tasks, records, read, modules, seen)
            records = dict(sorted(records.items()))
            unread = [path for path in tasks if path not in records]
            index = build(records.values(), _names_of(tasks, unread))
    return records, index


def _read_following(
    frontier: list[str],
    found: set[str],
    tasks: dict[str, FileTask],
    records: dict[str, FileRecord],
    read: Read,
    modules: ModuleMap,
    seen: set[str],
) -> None:
    """Read into `records` the files the names of `frontier` (paths read) lead to, and
    those of `found` (paths not read yet), round after round until none is new."""
    while frontier or found:
        found |= _follow([records[path] for path in frontier], modules, seen, records)
        frontier = sorted(path for path in found if path not in records)
        found = set()
        if frontier:
            records.update(read([tasks[path] for path in frontier]))


def _read_rest(
    tasks: dict[str, FileTask], records: dict[str, FileRecord], read: Read, build: IndexBuilder
) -> tuple[dict[str, FileRecord], ProjectIndex]:
    rest = [task for path, task in tasks.items() if path not in records]
    if rest:
        records.update(read(rest))
    records = dict(sorted(records.items()))
    return records, build(records.values(), ())


def _names_of(tasks: dict[str, FileTask], paths: list[str]) -> list[str]:
    return [name for path in paths for name in (tasks[path].module, *tasks[path].aliases)]

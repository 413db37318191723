"""A project held in memory, for long-lived clients such as the language server.

`application.check` answers one question and forgets. An editor asks the same question on
every keystroke about one file whose latest text exists only in memory; re-reading and
re-hashing the whole project each time would be far too slow. A `Workspace` reads the
project once (through the cache and the process pool, as a run does), keeps every file's
record, and then re-checks one file's text at a time, re-deciding its findings against
the project index rebuilt from the records in memory.
"""

from __future__ import annotations

import io
import os
import tokenize
from collections.abc import Callable, Iterable
from pathlib import Path

from layercheck.application.check import CheckOptions, open_cache
from layercheck.application.root_checks import root_findings, root_scope
from layercheck.domain.diagnostics import Diagnostic
from layercheck.domain.records import FileRecord, FileTask
from layercheck.domain.settings import Settings
from layercheck.infrastructure.discovery import project_files
from layercheck.infrastructure.modules import ModuleNamer
from layercheck.infrastructure.runner import Runner
from layercheck.project.findings import assemble, build_index
from layercheck.project.index import ProjectIndex


def source_bytes(text: str) -> bytes:
    """An editor buffer as the bytes its file would hold: encoded with the codec its PEP 263
    declaration names (the checker decodes the bytes as Python would), else UTF-8."""
    head = "".join(text.splitlines(keepends=True)[:2]).encode("utf-8", "replace")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(head).readline)
        return text.encode("utf-8" if encoding == "utf-8-sig" else encoding, "replace")
    except (SyntaxError, LookupError):
        return text.encode("utf-8", "replace")


def _key(path: Path | str) -> str:
    """The one spelling of a path used as a key, as discovery spells it: absolute, its
    folders' symlinks resolved (discovery never enters a symlinked folder), the name kept."""
    absolute = os.path.abspath(path)
    return os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))


class Workspace:
    """Every file record of one project, updated one file at a time."""

    def __init__(self, settings: Settings, options: CheckOptions | None = None) -> None:
        self.settings = settings
        self.options = options or CheckOptions()
        self.namer = ModuleNamer(settings)
        self.tasks: dict[str, FileTask] = {}
        self.records: dict[str, FileRecord] = {}
        # Files discovery found on disk (the rest were added because a client checked them).
        self.discovered: set[str] = set()
        self._index: ProjectIndex | None = None

    @classmethod
    def load(cls, settings: Settings, options: CheckOptions | None = None) -> Workspace:
        """Read every file of the project (cached records are reused, the rest checked)."""
        workspace = cls(settings, options)
        workspace.rescan()
        return workspace

    @property
    def root(self) -> Path:
        return self.settings.project_root.resolve()

    def contains(self, path: Path | str) -> bool:
        """Whether `path` lies below this project's root."""
        key = Path(_key(path))
        return key == self.root or self.root in key.parents

    def rescan(self, changed: Iterable[Path | str] = ()) -> None:
        """Bring the records in line with the disk: new files are read, deleted files
        dropped, and `changed` files (plus any whose content differs from the cache) re-read.

        Files a client holds in memory must not be passed in `changed`: their records come
        from `update`."""
        found = {os.fspath(path) for path in project_files(self.settings)}
        for vanished in self.discovered - found:
            self.tasks.pop(vanished, None)
            self.records.pop(vanished, None)
        stale = {_key(path) for path in changed}
        self.discovered = found
        self._read([path for path in sorted(found) if path not in self.records or path in stale])

    def _read(self, paths: list[str]) -> None:
        """(Re-)read files from disk: through the cache, in the process pool when many."""
        self._index = None
        if not paths:
            return
        tasks = []
        for path in paths:
            self.tasks[path] = self.tasks.get(path) or self.namer.task_for(Path(path))
            tasks.append(self.tasks[path])
        cache = open_cache(self.settings, self.options)
        runner = Runner(self.settings, cache, self.options.jobs, self.options.verbose)
        progress = self.options.progress(len(tasks)) if self.options.progress else None
        try:
            self.records.update(runner.run(tasks, runner.digests(tasks), progress))
        finally:
            runner.close()
        if cache is not None:
            cache.save()

    def update(self, path: Path | str, data: bytes) -> None:
        """Make `data` the content of `path` (an unsaved editor buffer) and re-check it."""
        from layercheck.engine.checker import check_bytes

        key = _key(path)
        task = self.tasks.get(key) or self.namer.task_for(Path(key))
        self.tasks[key] = task
        self.records[key] = check_bytes(task, data, self.settings, self.options.verbose)
        self._index = None

    def forget(self, path: Path | str) -> None:
        """Drop the in-memory content of `path`: back to the file on disk, if it is a
        project file, else out of the project."""
        key = _key(path)
        if key in self.discovered and os.path.isfile(key):
            self._read([key])
        else:
            self.tasks.pop(key, None)
            self.records.pop(key, None)
            self.discovered.discard(key)
            self._index = None

    @property
    def index(self) -> ProjectIndex:
        """The project index over the records in memory (rebuilt after a change)."""
        if self._index is None:
            self._index = build_index(self.records.values(), self.settings)
        return self._index

    def diagnostics(self, path: Path | str) -> list[Diagnostic]:
        """The findings of one file, decided against the whole project."""
        key = _key(path)
        if key not in self.records:
            return []
        return assemble(self.records, [key], self.settings, self.index, whole_project=self._root_checks(key))

    def preview(self, path: Path | str, data: bytes) -> list[Diagnostic]:
        """The findings `path` would have with content `data`, leaving the workspace as it is."""
        from layercheck.engine.checker import check_bytes

        key = _key(path)
        task = self.tasks.get(key) or self.namer.task_for(Path(key))
        records = {**self.records, key: check_bytes(task, data, self.settings, self.options.verbose)}
        index = build_index(records.values(), self.settings)
        return assemble(records, [key], self.settings, index, whole_project=self._root_checks(key))

    def _root_checks(self, key: str) -> Callable[[ProjectIndex], list[Diagnostic]] | None:
        """The checks of the project as a whole that report on this file (a file in the
        project's root folder, as when it is named on the command line)."""
        scope = root_scope([Path(key)], [key], self.settings, self.namer.display_path)
        if scope is None:
            return None
        return lambda index: root_findings(self.settings, index, scope)

    def fix(self, path: Path | str, text: str, unsafe: bool = False) -> str:
        """`text` (the content of `path`) with every applicable fix applied, round after
        round, as `--fix` would write it (a fix whose result would not parse is left out)."""
        from layercheck.application.fixes import FileFixer, Rechecker
        from layercheck.engine.source import SourceError, decode

        key = _key(path)
        task = self.tasks.get(key) or self.namer.task_for(Path(key))
        try:
            source = decode(source_bytes(text))
        except SourceError:
            return text
        rechecker = Rechecker(self.records, self.settings, self.index)
        initial = rechecker.evaluate(task, source, source.text)
        if isinstance(initial, str):
            return text
        fixer = FileFixer(task.display_path, lambda candidate: rechecker.evaluate(task, source, candidate), unsafe)
        fixed, _, _ = fixer.run(source.text, initial)
        return fixed

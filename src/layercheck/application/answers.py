"""The project-level answer: every file's findings, kept valid across runs of any scope.

A run of any scope (the whole project, a folder, pre-commit's changed files) ends with each
checked file's findings decided against the project's facts. Those findings stay true until
the file changes or a fact they were decided on changes, so the cache keeps them per file
(`Cache.answers`), with what they depend on:

- the file's content digest, and a digest of its facts (what the index reads of it);
- the files its names lead to (its edges, as `reach.py` follows them): its findings depend
  on the facts of the files reachable through edges, and on nothing else;
- the questions about every module its candidates ask (conditions without names, such as
  "does some module register an exception handler?"), which any module may answer;
- the findings of the checks of the project as a whole (root rules), which read every
  module's facts and a few other files (`.env`, requirements).

A run compares the digests of the project's files with the entries. A file whose content
changed is decided again; when its facts changed too, so is every file that reaches it, and
every file asking a whole-project question that the file's old or new content could answer
(the cache notes which marker bytes each file holds), and the root findings. The rest is
answered from the entries without reading a record. A run that sees a change and does not
decide a dependent (a run on one file) marks it to be decided by the next run that checks
it: nothing is ever stale, and a full run after a partial one re-decides exactly what the
partial run's changes reach.

The entries are valid for one list of project files (adding or removing a file renames
modules and changes what names resolve to): with another list, the run decides everything
and, when it covers the whole project, writes new entries.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from layercheck.application.reach import ModuleMap, referenced_names
from layercheck.domain.diagnostics import Diagnostic
from layercheck.domain.records import FileRecord, FileTask
from layercheck.project.whole import CLASSICAL_MAPPING, MARKERS, whole_project_fact

# The bits of `MARKERS` a file holds (None when not known this run).
MarkersIn = Callable[[str], "int | None"]
_ALL_MARKERS = (1 << len(MARKERS)) - 1


def facts_digest(record: FileRecord) -> str:
    """A digest of what the project index reads of a file: its facts."""
    text = json.dumps(record.facts.to_dict(), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def whole_project_kinds(record: FileRecord) -> list[str]:
    """The questions about every module the file's candidates ask (conditions without names),
    and the one every file asks: whether some module maps a class classically."""
    return sorted({CLASSICAL_MAPPING, *(c.condition.kind for c in record.candidates if not c.condition.names)})


def edges_of(record: FileRecord, modules: ModuleMap, path: str) -> set[str]:
    """The project files the names of a record lead to (`reach.py` follows the same)."""
    found: set[str] = set()
    for name in set(referenced_names(record)):
        found.update(modules.files_named(name))
    found.discard(path)
    return found


def _could_hold(kind: str, bits: int | None) -> bool:
    """Whether a file holding the marker `bits` could answer a whole-project question."""
    fact = whole_project_fact(kind)
    if fact is None or bits is None:
        return True  # a question without markers: any change of facts may answer it
    return fact.could_hold(lambda marker: bool(bits & (1 << MARKERS.index(marker))))


@dataclass
class Entry:
    digest: str | None
    facts: str
    markers: int | None
    # The file's findings as dicts, or None: to be decided again.
    findings: list[dict[str, Any]] | None
    edges: list[int]
    kinds: list[str]

    def to_list(self) -> list[Any]:
        return [self.digest, self.facts, self.markers, self.findings, self.edges, self.kinds]

    @classmethod
    def from_list(cls, values: list[Any]) -> Entry:
        digest, facts, markers, findings, edges, kinds = values
        if not (
            (digest is None or isinstance(digest, str))
            and isinstance(facts, str)
            and (markers is None or isinstance(markers, int))
            and (findings is None or (isinstance(findings, list) and all(isinstance(f, dict) for f in findings)))
            and isinstance(edges, list)
            and all(isinstance(edge, int) for edge in edges)
            and isinstance(kinds, list)
            and all(isinstance(kind, str) for kind in kinds)
        ):
            raise ValueError("malformed entry")
        return cls(digest, facts, markers, findings, edges, kinds)


class Answers:
    """The entries of one list of project files, and the root findings."""

    def __init__(self, files: list[str], entries: list[Entry], root: dict[str, Any] | None) -> None:
        self.files = files
        self.entries = dict(zip(files, entries, strict=True))
        self.position = {path: number for number, path in enumerate(files)}
        self.root = root
        self._reverse: dict[str, list[str]] | None = None
        self.dirty = False
        self.fresh = False  # entries made by `new`, to be filled

    # ----- reading -----------------------------------------------------------------------

    @classmethod
    def load(cls, data: Any, files: list[str]) -> Answers | None:
        """The entries saved for exactly these project files, else None."""
        if not isinstance(data, dict) or data.get("files") != files:
            return None
        try:
            entries = [Entry.from_list(values) for values in data["entries"]]
            if len(entries) != len(files) or any(edge >= len(files) or edge < 0 for e in entries for edge in e.edges):
                return None
            root = data.get("root")
            if root is not None and not (
                isinstance(root, dict)
                and isinstance(root.get("findings"), list)
                and isinstance(root.get("inputs"), str)
                and isinstance(root.get("consulted"), list)
                and isinstance(root.get("consulted_digest"), str)
            ):
                return None
            return cls(files, entries, root)
        except (KeyError, TypeError, ValueError):
            return None

    def changed(self, digests: dict[str, str | None]) -> list[str]:
        """The project files whose content is not the one their entry was made for."""
        return [
            path
            for path, entry in self.entries.items()
            if entry.digest is None or digests.get(path, entry.digest) != entry.digest
        ]

    def reverse(self) -> dict[str, list[str]]:
        """For each file, the files whose names lead to it."""
        if self._reverse is None:
            reverse: dict[str, list[str]] = {}
            for path, entry in self.entries.items():
                for edge in entry.edges:
                    reverse.setdefault(self.files[edge], []).append(path)
            self._reverse = reverse
        return self._reverse

    def dependents(self, changed: Iterable[str], markers_in: MarkersIn | None) -> set[str]:
        """The files whose findings a change of the facts of `changed` may change: those
        that reach one of them, and those asking a question about every module that one
        of them (old or new content) could answer; the files themselves included."""
        changed = list(changed)
        if not changed:
            return set()
        reverse = self.reverse()
        found = set(changed)
        queue = list(changed)
        while queue:
            for source in reverse.get(queue.pop(), ()):
                if source not in found:
                    found.add(source)
                    queue.append(source)
        bits = 0
        for path in changed:
            old = self.entries[path].markers if path in self.entries else None
            new = markers_in(path) if markers_in is not None else None
            bits |= _ALL_MARKERS if old is None or new is None else (old | new)
        answered: dict[str, bool] = {}
        for path, entry in self.entries.items():
            for kind in entry.kinds:
                if kind not in answered:
                    answered[kind] = _could_hold(kind, bits)
                if answered[kind]:
                    found.add(path)
                    break
        return found

    def stale(self, checked: Iterable[str], digests: dict[str, str | None], markers_in: MarkersIn | None) -> list[str]:
        """The checked files the entries cannot answer (before reading anything: any
        change of content counts as a change of facts)."""
        affected = self.dependents(self.changed(digests), markers_in)
        return [
            path
            for path in checked
            if path not in self.entries or path in affected or self.entries[path].findings is None
        ]

    def findings(self, paths: Iterable[str]) -> list[Diagnostic]:
        found: list[Diagnostic] = []
        for path in paths:
            entry = self.entries[path]
            assert entry.findings is not None
            found.extend(Diagnostic.from_dict(item) for item in entry.findings)
        return found

    def root_findings(
        self, inputs: str, consulted_digest: Callable[[list[str]], str], digests: dict[str, str | None] | None
    ) -> list[Diagnostic] | None:
        """The root findings, while what they were decided on is unchanged: the files they
        read, and (unless `digests` is None) every module's facts: no file changed."""
        root = self.root
        if root is None or root["inputs"] != inputs or consulted_digest(root["consulted"]) != root["consulted_digest"]:
            return None
        if digests is not None and self.changed(digests):
            return None
        return [Diagnostic.from_dict(item) for item in root["findings"]]

    # ----- writing -----------------------------------------------------------------------

    @classmethod
    def new(cls, files: list[str]) -> Answers:
        """Entries to fill for every file (a run that decided them all)."""
        answers = cls(files, [Entry(None, "", None, None, [], []) for _ in files], None)
        answers.fresh = True
        return answers

    def facts_changed(self, path: str, facts: str) -> bool:
        entry = self.entries.get(path)
        return entry is None or entry.facts != facts

    def record_run(
        self,
        records: dict[str, FileRecord],
        tasks: dict[str, FileTask],
        decided: dict[str, list[Diagnostic]],
        digests: dict[str, str | None],
        markers_in: MarkersIn | None,
        whole_index: bool,
        root_decided: bool,
    ) -> None:
        """What a run decided (`decided`: each file's findings) and read (`records`): the
        new entries, and the files whose findings the changed facts make stale."""
        modules = ModuleMap(task for path, task in tasks.items() if path in self.position)
        updates: list[tuple[str, FileRecord, str, list[Diagnostic] | None]] = []
        moved: list[str] = []
        for path, record in records.items():
            entry = self.entries.get(path)
            if entry is None or (path not in decided and entry.digest == digests.get(path) and entry.digest):
                continue  # not a project file, or read unchanged
            facts = facts_digest(record)
            if not self.fresh and entry.facts != facts:
                moved.append(path)
            findings = decided.get(path)
            if findings is not None and not whole_index:
                if any(whole_project_fact(kind) is None for kind in whole_project_kinds(record)):
                    findings = None  # answered from part of the project: decided again by a whole run
            updates.append((path, record, facts, findings))
        stale = self.dependents(moved, markers_in) if moved else set()
        for path, record, facts, findings in updates:
            markers = markers_in(path) if markers_in is not None else None
            self.decided(tasks[path], record, digests.get(path), markers, findings, modules, facts)
        self.undecide(stale - decided.keys())
        if moved and not root_decided:
            self.drop_root()

    def decided(
        self,
        task: FileTask,
        record: FileRecord,
        digest: str | None,
        markers: int | None,
        findings: list[Diagnostic] | None,
        modules: ModuleMap,
        facts: str,
    ) -> None:
        """A file's new entry: its findings (None: read, not decided)."""
        edges = sorted(self.position[path] for path in edges_of(record, modules, task.path) if path in self.position)
        findings_data = None if findings is None else [d.to_dict() for d in findings]
        self.entries[task.path] = Entry(digest, facts, markers, findings_data, edges, whole_project_kinds(record))
        self._reverse = None
        self.dirty = True

    def note_unread(self, digests: dict[str, str | None]) -> None:
        """New answers of a partial run: the files it did not read keep an entry with their
        digest and no facts (`""`) nor findings. They are unchanged for the next run while
        their content is; once read, their facts count as changed for what reaches them."""
        for path, entry in self.entries.items():
            if entry.digest is None and entry.facts == "" and entry.findings is None:
                entry.digest = digests.get(path)
                self.dirty = True
        self.fresh = False

    def undecide(self, paths: Iterable[str]) -> None:
        """Mark files to be decided again by the next run that checks them."""
        for path in paths:
            entry = self.entries.get(path)
            if entry is not None and entry.findings is not None:
                entry.findings = None
                self.dirty = True

    def set_root(self, inputs: str, consulted: list[str], consulted_digest: str, findings: list[Diagnostic]) -> None:
        self.root = {
            "inputs": inputs,
            "consulted": consulted,
            "consulted_digest": consulted_digest,
            "findings": [d.to_dict() for d in findings],
        }
        self.dirty = True

    def drop_root(self) -> None:
        if self.root is not None:
            self.root = None
            self.dirty = True

    def to_data(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "entries": [self.entries[path].to_list() for path in self.files],
            "root": self.root,
        }


def group_by_file(
    diagnostics: list[Diagnostic], tasks: dict[str, FileTask], paths: Iterable[str]
) -> dict[str, list[Diagnostic]] | None:
    """The findings of each of `paths`, by the path they are shown with (None when one
    cannot be told apart: then nothing is kept)."""
    by_display: dict[str, str] = {}
    for path in paths:
        display = tasks[path].display_path
        if display in by_display:
            return None
        by_display[display] = path
    grouped: dict[str, list[Diagnostic]] = {path: [] for path in by_display.values()}
    for diagnostic in diagnostics:
        found = by_display.get(diagnostic.path)
        if found is None:
            return None
        grouped[found].append(diagnostic)
    return grouped

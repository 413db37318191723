"""Applying fixes without losing data.

A fix is a set of text edits (1-based lines and character columns) on the decoded source.
Each round applies the fixes whose edits do not overlap, then checks the new text again
(in-process, against the project index) so that fixes which overlapped, or which only
appear once another fix is in, are applied in the next round; the rounds stop when no
fix is left, or after `MAX_ROUNDS`. A round's result is kept only when it parses (and
compiles, when the original did); a fix that breaks it is left out and the user is told.
The file is then written atomically, in its own encoding, BOM and line endings, and only
when its bytes change: applying the fixes again changes nothing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from layercheck.domain.diagnostics import Diagnostic, Edit, Fix, Position
from layercheck.domain.records import FileRecord, FileTask
from layercheck.domain.settings import Settings
from layercheck.engine.checker import check_source
from layercheck.engine.source import Source, SourceError, decode
from layercheck.infrastructure.atomic import write_atomically
from layercheck.project.findings import assemble, build_index
from layercheck.project.index import ProjectIndex

MAX_ROUNDS = 10
_NEWLINE = re.compile(r"\r\n?|\n")

# The findings of a text, or why the text is refused (it does not parse or compile).
Evaluation = list[Diagnostic] | str


class EditError(ValueError):
    """An edit that does not fit the text: a position off the text, or overlapping edits."""


class _Lines:
    """Offsets of positions in a text, lines split as the parser splits them."""

    def __init__(self, text: str) -> None:
        self.text = text
        breaks = list(_NEWLINE.finditer(text))
        self.starts = [0, *(match.end() for match in breaks)]
        self.ends = [*(match.start() for match in breaks), len(text)]

    def offset(self, position: Position) -> int:
        line, column = position.line, position.column
        if line == len(self.starts) + 1 and column == 1:
            return len(self.text)  # just past the last line (it has no newline)
        if not 1 <= line <= len(self.starts) or column < 1:
            raise EditError(f"position {line}:{column} is outside the file")
        start = self.starts[line - 1]
        if start + column - 1 > self.ends[line - 1]:
            raise EditError(f"position {line}:{column} is past the end of its line")
        return start + column - 1


def newline_of(text: str) -> str:
    """The file's newline, as libcst sees it: the first one in the file."""
    match = _NEWLINE.search(text)
    return match.group() if match else "\n"


def _ranges(lines: _Lines, edits: Iterable[Edit]) -> list[tuple[int, int, str]]:
    ranges = []
    for edit in edits:
        start, end = lines.offset(edit.span.start), lines.offset(edit.span.end)
        if end < start:
            raise EditError("an edit ends before it starts")
        ranges.append((start, end, edit.content))
    return ranges


def _overlap(first: tuple[int, int, str], second: tuple[int, int, str]) -> bool:
    (a, b, _), (c, d, _) = first, second
    return (a < d and c < b) or (a == b == c == d)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """`text` with `edits` applied; inserted newlines follow the file's line endings."""
    lines = _Lines(text)
    newline = newline_of(text)
    ranges = sorted(_ranges(lines, edits), key=lambda item: (item[0], item[1]))
    out: list[str] = []
    cursor = 0
    for index, (start, end, content) in enumerate(ranges):
        if start < cursor or (index and _overlap(ranges[index - 1], (start, end, content))):
            raise EditError("overlapping edits")
        out.append(text[cursor:start])
        out.append(_NEWLINE.sub(newline, content))
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def applicable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    """Whether `--fix` applies this finding's fix (unsafe ones only with `--unsafe-fixes`)."""
    fix = diagnostic.fix
    return fix is not None and bool(fix.edits) and (fix.applicability == "safe" or unsafe)


@dataclass
class _Group:
    """One fix and the findings it repairs (several findings may carry the same fix)."""

    fix: Fix
    diagnostics: list[Diagnostic]

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        first = self.diagnostics[0]
        return (first.code, first.message, tuple(edit.content for edit in self.fix.edits))

    def describe(self) -> str:
        first = self.diagnostics[0]
        return f"{first.path}:{first.line}:{first.column}: {first.code}"


def compiles(text: str) -> bool:
    """Whether CPython compiles the text (it catches what a parser lets through, such as a
    repeated keyword argument)."""
    try:
        compile(text, "<fixed>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


@dataclass
class FileOutcome:
    """What fixing one file produced."""

    task: FileTask
    source: Source
    original: bytes
    text: str
    fixed: int = 0
    remaining: list[Diagnostic] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text != self.source.text

    def encoded(self) -> bytes:
        """The new text in the file's own encoding, with its BOM if it had one."""
        body = self.text.encode(self.source.encoding)
        return (b"\xef\xbb\xbf" + body) if self.source.has_bom else body

    def diff(self) -> str:
        """A unified diff of the change, as `patch` and `git apply` read it."""
        before = _lines_keeping_ends(self.source.text)
        after = _lines_keeping_ends(self.text)
        path = self.task.display_path
        out = []
        for line in difflib.unified_diff(before, after, fromfile=path, tofile=path):
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        return "".join(out)


def _lines_keeping_ends(text: str) -> list[str]:
    return [line for line in re.split(r"(?<=\n)", text) if line]


class FileFixer:
    """Applies the fixes of one file in rounds, re-checking the text after each round."""

    def __init__(self, label: str, evaluate: Callable[[str], Evaluation], unsafe: bool) -> None:
        self.label = label
        self.evaluate = evaluate
        self.unsafe = unsafe
        self._evaluations: dict[str, Evaluation] = {}
        self._blocked: set[tuple[str, str, tuple[str, ...]]] = set()
        self.problems: list[str] = []

    def _evaluated(self, text: str) -> Evaluation:
        if text not in self._evaluations:
            self._evaluations[text] = self.evaluate(text)
        return self._evaluations[text]

    def _round(self, text: str, diagnostics: list[Diagnostic]) -> list[_Group]:
        """The fixes of this round: applicable, not refused before, not overlapping."""
        groups: dict[tuple[Edit, ...], _Group] = {}
        for diagnostic in diagnostics:
            if applicable(diagnostic, self.unsafe) and diagnostic.fix is not None:
                group = groups.setdefault(diagnostic.fix.edits, _Group(diagnostic.fix, []))
                group.diagnostics.append(diagnostic)
        lines = _Lines(text)
        ordered: list[tuple[list[tuple[int, int, str]], _Group]] = []
        for group in groups.values():
            if group.key in self._blocked:
                continue
            try:
                ranges = _ranges(lines, group.fix.edits)
            except EditError:
                self._refuse(group, "its edits do not fit the file")
                continue
            ordered.append((ranges, group))
        ordered.sort(key=lambda item: (min(r[0] for r in item[0]), item[1].diagnostics[0].code))
        taken: list[tuple[int, int, str]] = []
        chosen: list[_Group] = []
        for ranges, group in ordered:
            if any(_overlap(mine, other) for mine in ranges for other in taken):
                continue  # next round
            if any(_overlap(a, b) for i, a in enumerate(ranges) for b in ranges[i + 1 :]):
                self._refuse(group, "its edits overlap each other")
                continue
            taken.extend(ranges)
            chosen.append(group)
        return chosen

    def _refuse(self, group: _Group, why: str) -> None:
        self._blocked.add(group.key)
        self.problems.append(f"{group.describe()} fix not applied: {why}")

    def _try(self, text: str, groups: list[_Group]) -> tuple[str, list[Diagnostic]] | str:
        try:
            candidate = apply_edits(text, [edit for group in groups for edit in group.fix.edits])
        except EditError as error:
            return str(error)
        result = self._evaluated(candidate)
        return result if isinstance(result, str) else (candidate, result)

    def _apply(self, text: str, groups: list[_Group]) -> tuple[str, list[Diagnostic], list[_Group]] | None:
        """The round's text and findings, leaving out fixes whose result would not parse."""
        together = self._try(text, groups)
        if not isinstance(together, str):
            return together[0], together[1], groups
        good = []
        for group in groups:
            alone = self._try(text, [group])
            if isinstance(alone, str):
                self._refuse(group, alone)
            else:
                good.append(group)
        for subset in (good, good[:1]):
            if subset:
                result = self._try(text, subset)
                if not isinstance(result, str):
                    return result[0], result[1], subset
        return None

    def run(self, text: str, diagnostics: list[Diagnostic]) -> tuple[str, list[Diagnostic], int]:
        """The fixed text, its remaining findings and how many findings were fixed."""
        fixed = 0
        for _ in range(MAX_ROUNDS):
            groups = self._round(text, diagnostics)
            if not groups:
                return text, diagnostics, fixed
            applied = self._apply(text, groups)
            if applied is None or applied[0] == text:
                return text, diagnostics, fixed
            text, diagnostics = applied[0], applied[1]
            fixed += sum(len(group.diagnostics) for group in applied[2])
        if self._round(text, diagnostics):
            self.problems.append(f"{self.label}: fixes did not settle after {MAX_ROUNDS} rounds; run again")
        return text, diagnostics, fixed


class Rechecker:
    """Checks a new text of one file against the project index, deciding its candidates
    and applying suppressions exactly as the run did."""

    def __init__(self, records: dict[str, FileRecord], settings: Settings, index: ProjectIndex | None = None) -> None:
        self.records = records
        self.settings = settings
        self.index = index or build_index(records.values(), settings)
        self.must_compile: dict[str, bool] = {}

    def evaluate(self, task: FileTask, source: Source, text: str) -> Evaluation:
        """The findings of `text` as the content of `task`, or why it is refused."""
        record = check_source(task, Source(text, source.encoding, source.has_bom), self.settings)
        broken = next((d for d in record.diagnostics if d.code == "LC001"), None)
        if broken is not None:
            return f"the result would not parse ({broken.message})"
        if text != source.text:
            if task.path not in self.must_compile:
                # Held to compiling only if the original compiles (it may use newer syntax).
                self.must_compile[task.path] = compiles(source.text)
            if self.must_compile[task.path] and not compiles(text):
                return "the result would not compile"
        if text == source.text:
            return assemble({**self.records, task.path: record}, [task.path], self.settings, self.index)
        # The file's own facts changed (a fix may add `model_config`): the index must know.
        records = {**self.records, task.path: record}
        return assemble(records, [task.path], self.settings, build_index(records.values(), self.settings))


@dataclass
class FixRun:
    """The outcome of fixing a run's findings (nothing is written yet)."""

    outcomes: list[FileOutcome]
    # Findings of the files that were not touched, as the run found them.
    untouched: list[Diagnostic]
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[FileOutcome]:
        return [outcome for outcome in self.outcomes if outcome.changed]

    @property
    def fixed(self) -> int:
        return sum(outcome.fixed for outcome in self.changed)

    def remaining(self) -> list[Diagnostic]:
        found = list(self.untouched)
        for outcome in self.outcomes:
            found.extend(outcome.remaining)
        return sorted(found, key=Diagnostic.sort_key)


def fix_file(task: FileTask, rechecker: Rechecker, unsafe: bool, data: bytes | None = None) -> FileOutcome | str:
    """Fix one file as it is on disk now (or `data` as its content); a string says why it
    cannot be fixed."""
    try:
        if data is None:
            with open(task.path, "rb") as handle:
                data = handle.read()
        source = decode(data)
    except OSError as error:
        return f"{task.display_path}: cannot read: {error.strerror or error}"
    except SourceError as error:
        return f"{task.display_path}: {error.message}"
    initial = rechecker.evaluate(task, source, source.text)
    if isinstance(initial, str):
        return f"{task.display_path}: {initial}"
    fixer = FileFixer(task.display_path, lambda text: rechecker.evaluate(task, source, text), unsafe)
    text, remaining, fixed = fixer.run(source.text, initial)
    outcome = FileOutcome(task, source, data, text, fixed, remaining, fixer.problems)
    try:
        outcome.encoded()
    except UnicodeEncodeError:
        why = f"the result cannot be encoded as {source.encoding}"
        outcome.problems.append(f"{task.display_path}: fixes not applied: {why}")
        outcome.text, outcome.fixed, outcome.remaining = source.text, 0, initial
    return outcome


def fix_findings(
    diagnostics: list[Diagnostic],
    records: dict[str, FileRecord],
    tasks: dict[str, FileTask],
    settings: Settings,
    unsafe: bool,
) -> FixRun:
    """Fix every file with an applicable fix among `diagnostics`; nothing is written."""
    rechecker = Rechecker(records, settings)
    by_display = {task.display_path: task for task in tasks.values()}
    targets = sorted({d.path for d in diagnostics if applicable(d, unsafe) and d.path in by_display})
    outcomes: list[FileOutcome] = []
    problems: list[str] = []
    for display in targets:
        outcome = fix_file(by_display[display], rechecker, unsafe)
        if isinstance(outcome, str):
            problems.append(outcome)
            continue
        outcomes.append(outcome)
        problems.extend(outcome.problems)
    touched = {outcome.task.display_path for outcome in outcomes}
    untouched = [d for d in diagnostics if d.path not in touched]
    return FixRun(outcomes, untouched, problems)


def write_outcome(outcome: FileOutcome) -> str | None:
    """Write a changed file; a string says why it was not written."""
    if not outcome.changed:
        return None
    data = outcome.encoded()
    if data == outcome.original:
        return None
    try:
        with open(outcome.task.path, "rb") as handle:
            if handle.read() != outcome.original:
                return f"{outcome.task.display_path}: changed on disk while fixing; not written"
        write_atomically(outcome.task.path, data)
    except OSError as error:
        return f"{outcome.task.display_path}: cannot write: {error.strerror or error}"
    return None

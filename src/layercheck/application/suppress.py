"""`--add-noqa`: suppress every current finding in place, for a codebase adopting a rule.

Each line with findings gets one `# noqa: CODE, ...` comment, merged into the directive the
line already has (its `layercheck: ignore[...]`, or another tool's `# noqa:` list); a finding
whose lines all end inside a string gets none and is reported. Files are re-checked, then
written as the fixer writes them: only when they still parse, atomically, in their encoding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from layercheck.application.fixes import FileOutcome, Rechecker, apply_edits, write_outcome
from layercheck.domain.diagnostics import Diagnostic, Edit
from layercheck.domain.noqa import addition_edit, comment_lines
from layercheck.domain.records import FileRecord, FileTask
from layercheck.domain.settings import Settings
from layercheck.engine.source import SourceError, decode

_NEWLINE = re.compile(r"\r\n?|\n")

# Findings a `noqa` comment cannot or should not silence: the file could not be checked, or the
# finding is about a suppression itself.
NOQA_EXEMPT = frozenset({"LC000", "LC001", "LC002"})


def noqa_edits(text: str, diagnostics: list[Diagnostic]) -> tuple[list[Edit], list[Diagnostic]] | None:
    """One edit per line suppressing its findings, and the findings no comment can reach
    (a line inside a multi-line string); None when the file cannot be tokenized."""
    found = comment_lines(text)
    if found is None:
        return None
    usable, comments = found
    lines = _NEWLINE.split(text)
    codes: dict[int, list[str]] = {}
    unreachable = []
    for diagnostic in diagnostics:
        line = next((n for n in (diagnostic.span.start.line, diagnostic.span.end.line) if n in usable), None)
        if line is None or line > len(lines):
            unreachable.append(diagnostic)
            continue
        codes.setdefault(line, []).append(diagnostic.code)
    edits = [addition_edit(line, lines[line - 1], comments.get(line), found) for line, found in sorted(codes.items())]
    return edits, unreachable


@dataclass
class NoqaRun:
    """How many `noqa` comments were added or extended, what could not be done, and how many
    files could not be written."""

    added: int = 0
    problems: list[str] = field(default_factory=list)
    unwritten: int = 0


def add_noqa(
    diagnostics: list[Diagnostic], records: dict[str, FileRecord], tasks: dict[str, FileTask], settings: Settings
) -> NoqaRun:
    """Suppress every finding in place with `# noqa: CODE`."""
    rechecker = Rechecker(records, settings)
    by_display = {task.display_path: task for task in tasks.values()}
    targets = sorted({d.path for d in diagnostics if d.code not in NOQA_EXEMPT and d.path in by_display})
    run = NoqaRun()
    problems = run.problems
    for display in targets:
        task = by_display[display]
        try:
            with open(task.path, "rb") as handle:
                data = handle.read()
            source = decode(data)
        except (OSError, SourceError):
            problems.append(f"{display}: cannot read the file")
            continue
        current = rechecker.evaluate(task, source, source.text)
        if isinstance(current, str):
            problems.append(f"{display}: {current}")
            continue
        planned = noqa_edits(source.text, [d for d in current if d.code not in NOQA_EXEMPT])
        if planned is None:
            problems.append(f"{display}: cannot be tokenized; no `noqa` added")
            continue
        edits, unreachable = planned
        problems.extend(f"{d.path}:{d.line}:{d.column}: {d.code} no line of it can take a comment" for d in unreachable)
        text = apply_edits(source.text, edits)
        result = rechecker.evaluate(task, source, text)
        if isinstance(result, str):
            problems.append(f"{display}: `noqa` comments not added: {result}")
            continue
        outcome = FileOutcome(task, source, data, text)
        try:
            outcome.encoded()
        except UnicodeEncodeError:
            problems.append(f"{display}: `noqa` comments not added: not encodable as {source.encoding}")
            continue
        problem = write_outcome(outcome)
        if problem is not None:
            problems.append(problem)
            run.unwritten += 1
            continue
        run.added += len(edits)
    return run

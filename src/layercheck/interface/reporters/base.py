"""What every reporter receives: the findings and the facts of the run around them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from layercheck.domain.diagnostics import Diagnostic
from layercheck.domain.registry import BY_CODE

# Rule pages are named `rules/<code>-<name>.md` (see rules/README.md).
RULE_URL = "https://github.com/layercheck/layercheck/blob/main/rules/{page}.md"


@dataclass
class Report:
    """A run's findings with what reporters need to present them."""

    diagnostics: list[Diagnostic]
    files_checked: int
    show_fixes: bool = False
    statistics: bool = False
    quiet: bool = False
    # Codes whose fixes `--fix` would apply with the current flags.
    fixable_applicability: frozenset[str] = field(default_factory=lambda: frozenset({"safe"}))
    fixed: int = 0

    @property
    def fixable_count(self) -> int:
        return sum(
            1
            for d in self.diagnostics
            if d.fix is not None and d.fix.applicability in self.fixable_applicability
        )


def rule_name(code: str) -> str:
    info = BY_CODE.get(code)
    return info.name if info else code


def rule_url(code: str) -> str:
    """The web address of a rule's page."""
    info = BY_CODE.get(code)
    return RULE_URL.format(page=f"{code}-{info.name}" if info else code)


def absolute(path: str) -> str:
    return os.path.abspath(path)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: Report) -> str:
    """`Found 3 errors in 2 files (1 fixable with --fix).` or `All checks passed!`."""
    count = len(report.diagnostics)
    fixed = f"Fixed {plural(report.fixed, 'error')}. " if report.fixed else ""
    if count == 0:
        return f"{fixed}All checks passed! ({plural(report.files_checked, 'file')} checked)"
    files = len({d.path for d in report.diagnostics})
    line = f"{fixed}Found {plural(count, 'error')} in {plural(files, 'file')}"
    fixable = report.fixable_count
    if fixable:
        line += f" ({fixable} fixable with `--fix`)"
    unsafe = sum(1 for d in report.diagnostics if d.fix is not None and d.fix.applicability == "unsafe")
    if unsafe and "unsafe" not in report.fixable_applicability:
        line += f"; {unsafe} more with `--unsafe-fixes`"
    return line + "."


def statistics_lines(report: Report) -> list[str]:
    """One line per code, most frequent first: `12  LC701  fstring-log-message  [*]`."""
    counts: dict[str, int] = {}
    fixable: dict[str, bool] = {}
    for d in report.diagnostics:
        counts[d.code] = counts.get(d.code, 0) + 1
        fixable[d.code] = fixable.get(d.code, False) or d.fix is not None
    width = max((len(str(n)) for n in counts.values()), default=1)
    return [
        f"{count:>{width}}\t{code}\t{'[*] ' if fixable[code] else '[ ] '}{rule_name(code)}"
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]

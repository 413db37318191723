"""What `check` does with a run's findings for the flags that fix, suppress or filter them:
`--fix`, `--unsafe-fixes`, `--diff`, `--add-noqa`, `--baseline` and `--write-baseline`.

The CLI parses the flags and prints the report; this module decides what is left to report
and, for the flags that replace the report (a diff, added comments, a written baseline),
the exit code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from layercheck.application.check import CheckResult
from layercheck.domain.diagnostics import Diagnostic
from layercheck.domain.settings import Settings
from layercheck.interface.reporters.base import plural

if TYPE_CHECKING:
    from layercheck.application.fixes import FixRun

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True)
class Actions:
    """The flags of `check` that act on findings."""

    fix: bool = False
    unsafe: bool = False
    diff: bool = False
    add_noqa: bool = False
    baseline: Path | None = None
    write_baseline: bool = False
    quiet: bool = False
    # The source read from standard input (`--stdin-filename`): fixed source goes to stdout.
    stdin: bytes | None = None

    @property
    def needs_records(self) -> bool:
        """Whether the run must keep every file's record (fixes re-check files)."""
        return self.fix or self.diff or self.add_noqa

    @property
    def applicability(self) -> frozenset[str]:
        return frozenset({"safe", "unsafe"}) if self.unsafe else frozenset({"safe"})


@dataclass
class Finish:
    """What is left to report, how many findings were fixed, or the exit code when the
    action's own output replaces the report."""

    diagnostics: list[Diagnostic]
    fixed: int = 0
    exit: int | None = None


def _warn(err: TextIO, message: str) -> None:
    err.write(f"layercheck: warning: {message}\n")


def _error(err: TextIO, message: str) -> Finish:
    err.write(f"layercheck: error: {message}\n")
    return Finish([], exit=EXIT_ERROR)


def after_check(result: CheckResult, settings: Settings, actions: Actions, out: TextIO, err: TextIO) -> Finish:
    """Apply the actions to a run's result."""
    diagnostics = result.diagnostics
    fixed = 0
    if actions.add_noqa:
        return _add_noqa(result, settings, actions, out, err)
    if actions.fix or actions.diff:
        finish = _fix(result, settings, actions, out, err)
        if finish.exit is not None:
            return finish
        diagnostics, fixed = finish.diagnostics, finish.fixed
    return _apply_baseline(Finish(diagnostics, fixed), result, settings, actions, out, err)


def _add_noqa(result: CheckResult, settings: Settings, actions: Actions, out: TextIO, err: TextIO) -> Finish:
    from layercheck.application.suppress import add_noqa

    if actions.stdin is not None:
        return _error(err, "`--add-noqa` cannot be used with `--stdin-filename`")
    if actions.fix or actions.diff:
        return _error(err, "`--add-noqa` cannot be combined with `--fix` or `--diff`")
    run = add_noqa(result.diagnostics, result.records, result.tasks, settings)
    for problem in run.problems:
        _warn(err, problem)
    if not actions.quiet:
        out.write(f"Added {plural(run.added, 'noqa directive')}.\n")
    return Finish([], exit=EXIT_ERROR if run.unwritten else EXIT_CLEAN)


def _fix(result: CheckResult, settings: Settings, actions: Actions, out: TextIO, err: TextIO) -> Finish:
    from layercheck.application.fixes import fix_findings, write_outcome

    if actions.stdin is not None:
        run = _fix_stdin(result, settings, actions)
    else:
        run = fix_findings(result.diagnostics, result.records, result.tasks, settings, actions.unsafe)
    for problem in run.problems:
        _warn(err, problem)
    if actions.diff:
        for outcome in run.changed:
            out.write(outcome.diff())
        if not actions.quiet:
            fixed = run.fixed
            err.write(f"Would fix {plural(fixed, 'error')}.\n" if fixed else "No errors would be fixed.\n")
        return Finish([], exit=EXIT_FINDINGS if run.changed else EXIT_CLEAN)
    if actions.stdin is not None:
        # As ruff does: the fixed source on stdout, the findings left on stderr.
        changed = run.changed
        out.flush()
        out.buffer.write(changed[0].encoded() if changed else actions.stdin)  # type: ignore[attr-defined]
        out.flush()
        remaining = run.remaining()
        for d in remaining:
            err.write(f"{d.path}:{d.line}:{d.column}: {d.code} {d.message.splitlines()[0]}\n")
        failed = any(d.code == "LC000" for d in remaining)
        return Finish(remaining, run.fixed, exit=EXIT_ERROR if failed else EXIT_FINDINGS if remaining else EXIT_CLEAN)
    fixed = 0
    remaining = list(run.untouched)
    for outcome in run.outcomes:
        failure = write_outcome(outcome)
        if failure is None:
            remaining.extend(outcome.remaining)
            fixed += outcome.fixed if outcome.changed else 0
        else:
            _warn(err, failure)
            remaining.extend(d for d in result.diagnostics if d.path == outcome.task.display_path)
    return Finish(sorted(remaining, key=Diagnostic.sort_key), fixed)


def _fix_stdin(result: CheckResult, settings: Settings, actions: Actions) -> FixRun:
    from layercheck.application.fixes import FixRun, Rechecker, fix_file

    assert actions.stdin is not None
    path = result.checked[0] if result.checked else None
    task = result.tasks.get(path) if path else None
    if task is None:
        return FixRun([], list(result.diagnostics), ["cannot fix standard input: unknown file"])
    outcome = fix_file(task, Rechecker(result.records, settings), actions.unsafe, actions.stdin)
    if isinstance(outcome, str):
        return FixRun([], list(result.diagnostics), [outcome])
    return FixRun([outcome], [], list(outcome.problems))


def _apply_baseline(
    finish: Finish, result: CheckResult, settings: Settings, actions: Actions, out: TextIO, err: TextIO
) -> Finish:
    if actions.baseline is None and settings.baseline is None and not actions.write_baseline:
        return finish  # no baseline: nothing to import or read
    from layercheck.application.baseline import BaselineError, baseline_path, read_baseline, write_baseline

    root = settings.project_root
    path = baseline_path(actions.baseline, settings.baseline, root)
    if actions.write_baseline:
        if path is None:
            return _error(err, "`--write-baseline` needs `--baseline FILE` or a `baseline` setting")
        try:
            written = write_baseline(path, finish.diagnostics, root, result.checked)
        except (BaselineError, OSError) as error:
            return _error(err, str(error))
        if not actions.quiet:
            out.write(f"Recorded {plural(len(written), 'finding')} in {path}.\n")
        failed = sorted({d.path for d in finish.diagnostics if d.code == "LC000"})
        for failed_path in failed:
            _warn(err, f"{failed_path}: not recorded: layercheck failed on it (LC000)")
        return Finish([], finish.fixed, exit=EXIT_ERROR if failed else EXIT_CLEAN)
    if path is None:
        return finish
    try:
        baseline = read_baseline(path)
    except BaselineError as error:
        return _error(err, str(error))
    filtered = baseline.filter(finish.diagnostics, root, result.checked)
    if filtered.stale and not actions.quiet:
        entries = (
            "1 baseline entry no longer matches"
            if filtered.stale == 1
            else (f"{filtered.stale} baseline entries no longer match")
        )
        err.write(f"{entries}; run `--write-baseline` to prune\n")
    return Finish(filtered.new, finish.fixed)

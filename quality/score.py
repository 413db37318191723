"""Score layercheck against the hand-made labels of real projects (see quality/README.md).

For every project of `projects.toml` (the dev set by default): check that each label's hash
still matches its line in the checkout, run layercheck on the project's roots (once with zero
configuration, once with the project's layer mapping written as `layercheck.toml`), keep the
findings inside the project's scope and codes, match them to the labels and print true
positives, false positives, misses and unjudged findings per rule family and per code.

    python quality/score.py --checkouts /work/checkouts [--project NAME ...]
        [--held-out | --all] [--mode zero|mapped|both] [--layercheck PATH]
        [--show-misses] [--show-false] [--show-unjudged] [--json OUT]

Standard library only (plus tomli on Python 3.10). Always exits 0 unless the arguments or
projects.toml are unusable: a project that cannot be scored is reported and skipped.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
MODES = ("zero", "mapped")
VERDICTS = ("violation", "ok")
CONFIG_NAMES = ("layercheck.toml", "pyproject.toml")  # layercheck's own lookup order
MARKER = "# written by quality/score.py for a mapped run; safe to delete"
IMPORT_TROUBLE = ("ModuleNotFoundError", "ImportError")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Label:
    """One hand-made verdict on one line."""

    path: str
    line: int
    code: str
    verdict: str
    why: str
    hash: str
    source: str  # `labels/NAME.tsv:LINE`, for messages


@dataclass(frozen=True)
class Finding:
    """One layercheck finding, with its path relative to the checkout."""

    path: str
    line: int
    column: int
    code: str
    message: str


@dataclass
class Project:
    """One `[[project]]` table of projects.toml."""

    name: str
    repo: str
    commit: str
    roots: list[str]
    run_from: str
    scope: list[str]
    codes: list[str]
    shape: str
    held_out: bool
    config: dict[str, Any] | None


@dataclass
class Match:
    """The outcome of matching one project's findings to its labels (one mode)."""

    tp: list[tuple[Label, Finding]] = field(default_factory=list)
    fp: list[tuple[Label, Finding]] = field(default_factory=list)
    fn: list[Label] = field(default_factory=list)
    ok_quiet: list[Label] = field(default_factory=list)  # `ok` labels with no finding: right
    unjudged: list[Finding] = field(default_factory=list)
    # A second finding on (or next to) a line whose label another finding already matched:
    # the statement is judged, the extra report is neither right nor wrong.
    dup: list[tuple[Finding, Label]] = field(default_factory=list)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    unjudged: int = 0
    dup: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.unjudged += other.unjudged
        self.dup += other.dup

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall}


# --------------------------------------------------------------------------- inputs


def line_hash(text: str) -> str:
    """The label hash: first 10 hex digits of sha1 of the stripped line (UTF-8)."""
    return hashlib.sha1(text.strip().encode("utf-8")).hexdigest()[:10]


_LINE_END = re.compile(r"\r\n|\r|\n")


def read_lines(path: Path) -> list[str]:
    """A file's lines as layercheck numbers them (Python's line ends: `\\r\\n`, `\\r` or
    `\\n`, not the other characters `str.splitlines` breaks on; BOM dropped)."""
    lines = _LINE_END.split(path.read_bytes().decode("utf-8-sig", errors="replace"))
    if lines and lines[-1] == "":
        lines.pop()  # the text after the final newline is not a line
    return lines


def _strings(table: dict[str, Any], key: str, default: list[str]) -> list[str]:
    value = table.get(key, default)
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"`{key}` must be a list of strings, got {value!r}")
    return list(value)


def load_projects(path: Path) -> list[Project]:
    """Parse projects.toml; a malformed table is an error naming the project."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    projects = []
    for index, table in enumerate(data.get("project", []), start=1):
        name = table.get("name") or f"#{index}"
        try:
            config = table.get("config")
            if config is not None and not isinstance(config, dict):
                raise ValueError("`config` must be a table")
            projects.append(
                Project(
                    name=str(name),
                    repo=str(table.get("repo", "")),
                    commit=str(table.get("commit", "")),
                    roots=_strings(table, "roots", ["."]),
                    run_from=str(table.get("run-from", ".")),
                    scope=_strings(table, "scope", ["."]),
                    codes=[code.upper() for code in _strings(table, "codes", [])],
                    shape=str(table.get("shape", "")),
                    held_out=bool(table.get("held-out", False)),
                    config=config,
                )
            )
        except ValueError as error:
            raise SystemExit(f"{path}: project {name}: {error}") from None
    return projects


def load_labels(path: Path, warnings: list[str]) -> list[Label]:
    """Parse labels/NAME.tsv; malformed rows are skipped with a warning."""
    labels: list[Label] = []
    seen: dict[tuple[str, int, str, str], str] = {}
    header_seen = False
    for number, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = raw.split("\t")
        if not header_seen:
            header_seen = True
            if cells and cells[0].strip().lower() == "path":
                continue
        where = f"{path.name}:{number}"
        if len(cells) != 6:
            warnings.append(f"{where}: expected 6 tab-separated cells, got {len(cells)}; skipped")
            continue
        rel, line, code, verdict, why, digest = (cell.strip() for cell in cells)
        if not line.isdigit() or int(line) < 1:
            warnings.append(f"{where}: line `{line}` is not a positive number; skipped")
            continue
        if verdict not in VERDICTS:
            warnings.append(f"{where}: verdict `{verdict}` is neither `violation` nor `ok`; skipped")
            continue
        if not re.fullmatch(r"LC\d{3}", code.upper()):
            warnings.append(f"{where}: code `{code}` is not a rule code; skipped")
            continue
        label = Label(_clean(rel), int(line), code.upper(), verdict, why, digest.lower(), where)
        # Two findings of one code on one line (`session.execute(select(...))`) take two
        # labels with different whys; the same why twice is a slip.
        key = (label.path, label.line, label.code, label.why)
        if key in seen:
            warnings.append(f"{where}: same path, line, code and why as {seen[key]} (both kept)")
        seen.setdefault(key, where)
        labels.append(label)
    return labels


def _clean(path: str) -> str:
    """A checkout-relative path with `/` separators and no `./`."""
    cleaned = os.path.normpath(path.replace("\\", "/")).replace(os.sep, "/")
    return "" if cleaned == "." else cleaned


def in_scope(path: str, scope: Sequence[str]) -> bool:
    """Whether `path` lies under one of the scope prefixes (folder or file)."""
    for prefix in scope:
        prefix = _clean(prefix)
        if not prefix or path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            return True
    return False


def code_selected(code: str, codes: Sequence[str]) -> bool:
    """Whether `code` is one of the project's codes (a prefix such as `LC2` also selects)."""
    return any(code.startswith(selector) for selector in codes)


def check_hashes(checkout: Path, labels: Iterable[Label]) -> list[str]:
    """One message per label whose line is gone or no longer hashes to its hash."""
    problems = []
    cache: dict[str, list[str] | None] = {}
    for label in labels:
        if label.path not in cache:
            try:
                cache[label.path] = read_lines(checkout / label.path)
            except OSError:
                cache[label.path] = None
        lines = cache[label.path]
        if lines is None:
            problems.append(f"{label.source}: {label.path}: file missing")
            continue
        actual = line_hash(lines[label.line - 1]) if label.line <= len(lines) else None
        if actual == label.hash:
            continue
        moved = [n for n, text in enumerate(lines, start=1) if line_hash(text) == label.hash and text.strip()]
        hint = ""
        if moved:
            nearest = min(moved, key=lambda n: abs(n - label.line))
            hint = f"; the hashed text is now at line {nearest}"
        now = "past the end of the file" if actual is None else f"now `{lines[label.line - 1].strip()[:60]}`"
        problems.append(
            f"{label.source}: {label.path}:{label.line} {label.code}: hash {label.hash} != {actual} ({now}){hint}"
        )
    return problems


# --------------------------------------------------------------------------- running layercheck


def dump_toml(table: dict[str, Any]) -> str:
    """Serialise a TOML table (tables, arrays, strings, numbers, booleans)."""
    out: list[str] = []

    def key(name: str) -> str:
        return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name, ensure_ascii=False)

    def value(item: Any) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, (int, float)):
            return repr(item)
        if isinstance(item, str):
            return json.dumps(item, ensure_ascii=False)
        if isinstance(item, list):
            return "[" + ", ".join(value(element) for element in item) + "]"
        if isinstance(item, dict):
            return "{" + ", ".join(f"{key(k)} = {value(v)}" for k, v in item.items()) + "}"
        raise TypeError(f"cannot write {type(item).__name__} to TOML")

    def emit(current: dict[str, Any], prefix: tuple[str, ...]) -> None:
        subtables = {k: v for k, v in current.items() if isinstance(v, dict)}
        if prefix and (not subtables or len(subtables) < len(current)):
            out.append("[" + ".".join(key(part) for part in prefix) + "]")
        for name, item in current.items():
            if not isinstance(item, dict):
                out.append(f"{key(name)} = {value(item)}")
        for name, item in subtables.items():
            if out and out[-1] != "":
                out.append("")
            emit(item, (*prefix, name))

    emit(table, ())
    return "\n".join(out) + "\n"


def find_config(start: Path) -> Path | None:
    """The config file layercheck would pick for `start` (same walk as layercheck's)."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            if (candidate / name).is_file():
                return candidate / name
    return None


def has_layercheck_table(path: Path) -> bool:
    """Whether a config file carries layercheck settings (a layercheck.toml always does)."""
    if path.name != "pyproject.toml":
        return True
    try:
        return "layercheck" in tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False


def _relative(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


@dataclass
class Run:
    """One layercheck run: its findings (checkout-relative) or what went wrong."""

    command: list[str]
    returncode: int | None = None
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    file_errors: list[Finding] = field(default_factory=list)  # LC000 / LC001
    error: str | None = None
    notes: list[str] = field(default_factory=list)


def to_checkout_path(filename: str, cwd: Path, checkout: Path) -> str | None:
    """A finding's filename (absolute or relative to the run's cwd) made checkout-relative."""
    absolute = Path(os.path.normpath(cwd / filename))
    for base, target in ((checkout, absolute), (checkout.resolve(), absolute.resolve())):
        try:
            return target.relative_to(base).as_posix()
        except ValueError:
            continue
    return None


def run_layercheck(
    layercheck: list[str],
    project: Project,
    checkout: Path,
    mode: str,
    timeout: float,
    retries: int = 2,
    jobs: int | None = None,
) -> Run:
    """Run layercheck in `mode` on the project; the mapped config is removed afterwards."""
    cwd = checkout / project.run_from
    paths = [os.path.relpath(checkout / root, cwd) for root in project.roots]
    command = [*layercheck, "check", *paths, "--output-format", "json", "--no-cache", "--exit-zero"]
    if project.codes:
        # The codes that report some of a labeled code's violations are run too (recode).
        extra = [code for general, specific in REPORTED_AS.items() if general in project.codes for code in specific]
        command += ["--select", ",".join(dict.fromkeys([*project.codes, *extra]))]
    if jobs:
        command += ["--jobs", str(jobs)]
    run = Run(command=command)
    if not cwd.is_dir():
        run.error = f"run-from `{project.run_from}` is not a folder of the checkout"
        return run
    with checkout_lock(cwd, run):
        _run_in(run, project, checkout, cwd, mode, timeout, retries)
    return run


@contextlib.contextmanager
def checkout_lock(cwd: Path, run: Run) -> Iterator[None]:
    """Hold a lock on `cwd` while a run uses it: two scorers at once on the same checkout
    would see each other's `layercheck.toml`. The lock lives in the temp folder (nothing is
    added to the checkout) and dies with the process."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: no lock
        yield
        return
    digest = hashlib.sha1(str(cwd.resolve()).encode()).hexdigest()[:16]
    with open(Path(tempfile.gettempdir()) / f"layercheck-quality-{digest}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            run.notes.append("waited for another scorer running on this checkout")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run_in(run: Run, project: Project, checkout: Path, cwd: Path, mode: str, timeout: float, retries: int) -> None:
    """The run itself, under the lock: write the mapped config, run, restore what was there."""
    for root in project.roots:
        if not (checkout / root).exists():
            run.notes.append(f"root `{root}` does not exist in the checkout")
    target = cwd / "layercheck.toml"
    own_pyproject = cwd / "pyproject.toml"
    saved: bytes | None = None
    if target.is_file():
        content = target.read_bytes()
        if content.startswith(MARKER.encode()):
            target.unlink()  # left over by an interrupted run of this script
            run.notes.append("removed a layercheck.toml left by an interrupted mapped run")
        else:
            saved = content
    try:
        if mode == "mapped":
            if project.config is None:
                run.error = "no [project.config] for the mapped run"
                return
            if saved is not None:
                run.notes.append("run-from has its own layercheck.toml: replaced for the run, then restored")
            if own_pyproject.is_file() and has_layercheck_table(own_pyproject):
                run.notes.append("run-from's pyproject.toml has [tool.layercheck]; the written layercheck.toml wins")
            target.write_text(MARKER + "\n" + dump_toml(project.config), encoding="utf-8")
        first = checkout / project.roots[0] if project.roots else cwd
        chosen = find_config(first.resolve() if first.exists() else cwd)
        if mode == "mapped" and chosen is not None and chosen.resolve() != target.resolve():
            # A package's own pyproject.toml nearer the roots would win: name the written one.
            run.notes.append(f"a nearer config ({_relative(chosen, checkout)}) is overridden with --config")
            run.command = [*run.command, "--config", str(target)]
        if mode == "zero" and chosen is not None and has_layercheck_table(chosen):
            run.notes.append(f"not zero configuration: layercheck reads {_relative(chosen, checkout)}")
        _execute(run, cwd, checkout, timeout, retries)
    finally:
        if mode == "mapped":
            if saved is not None:
                target.write_bytes(saved)
            else:
                target.unlink(missing_ok=True)


def _execute(run: Run, cwd: Path, checkout: Path, timeout: float, retries: int) -> None:
    """Run the command, retrying while layercheck's own import is broken (modules moving)."""
    for attempt in range(retries + 1):
        started = time.perf_counter()
        try:
            done = subprocess.run(run.command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
        except FileNotFoundError:
            run.error = f"cannot run `{run.command[0]}`"
            return
        except subprocess.TimeoutExpired:
            run.error = f"timed out after {timeout:.0f} s"
            return
        run.seconds = time.perf_counter() - started
        run.returncode = done.returncode
        if done.returncode != 0 and any(word in done.stderr for word in IMPORT_TROUBLE) and attempt < retries:
            time.sleep(5)
            continue
        break
    try:
        raw = json.loads(done.stdout) if done.stdout.strip() else None
    except json.JSONDecodeError:
        raw = None
    if not isinstance(raw, list):
        tail = (done.stderr.strip() or done.stdout.strip()).splitlines()[-3:]
        run.error = f"exit {done.returncode}, no JSON findings: " + " | ".join(tail)
        return
    if done.returncode != 0:
        run.notes.append(f"layercheck exited {done.returncode}: {done.stderr.strip()[:200]}")
    for item in raw:
        rel = to_checkout_path(str(item.get("filename", "")), cwd, checkout)
        location = item.get("location") or {}
        if rel is None:
            run.notes.append(f"finding outside the checkout: {item.get('filename')}")
            continue
        finding = Finding(
            rel, int(location.get("row") or 0), int(location.get("column") or 0), item["code"], item.get("message", "")
        )
        (run.file_errors if finding.code in ("LC000", "LC001") else run.findings).append(finding)


# --------------------------------------------------------------------------- matching


# Where the rule catalogue reports a kind of violation under a more specific code: LC103's
# page leaves api/task -> repository to LC102, api -> model to LC104 and schema -> model to
# LC504. A label written with the general code is found by the specific one on its line.
REPORTED_AS = {"LC103": ("LC102", "LC104", "LC504")}


def recode(labels: Sequence[Label], findings: Sequence[Finding]) -> list[Finding]:
    """The findings, with a specific code's finding taken as the general code's where a
    violation label names the general code on that line, no finding of that code is there, and no
    label of the finding's own code is there (so no label loses its match)."""
    by_line = {(label.path, label.line, label.code) for label in labels}
    # (An `ok` label of the general code says "not this code here": it is not recoded onto.)
    violations = {(label.path, label.line, label.code) for label in labels if label.verdict == "violation"}
    found = {(finding.path, finding.line, finding.code) for finding in findings}
    result = []
    for finding in findings:
        for general, specific in REPORTED_AS.items():
            here = (finding.path, finding.line)
            if (
                finding.code in specific
                and (*here, general) in violations
                and (*here, general) not in found
                and (*here, finding.code) not in by_line
            ):
                finding = replace(finding, code=general)
                found.add((*here, general))
        result.append(finding)
    return result


def match(labels: Sequence[Label], findings: Sequence[Finding]) -> Match:
    """Match findings to labels of the same path and code (README: same line, else one apart).

    Exact lines are matched first, a line's violations before its near-misses; then each
    remaining finding, in line order, takes the lowest remaining label one line apart (for
    equal-length windows this greedy order gives the most matches). Each label and each finding is used once.
    """
    result = Match()
    groups: dict[tuple[str, str], tuple[list[Label], list[Finding]]] = {}
    for label in labels:
        groups.setdefault((label.path, label.code), ([], []))[0].append(label)
    for finding in findings:
        groups.setdefault((finding.path, finding.code), ([], []))[1].append(finding)

    for group_labels, group_findings in groups.values():
        # (a line may hold a violation and a near-miss of one code: `select(func.count())` in
        # a service, the query once; its one finding is the violation's, the near-miss says
        # no second one is due)
        group_labels.sort(key=lambda label: (label.line, label.verdict != "violation"))
        group_findings.sort(key=lambda finding: (finding.line, finding.column))
        taken: dict[int, Finding] = {}  # label index -> finding
        free: list[Finding] = []
        for finding in group_findings:  # pass 1: same line
            index = next(
                (i for i, label in enumerate(group_labels) if label.line == finding.line and i not in taken), None
            )
            if index is None:
                free.append(finding)
            else:
                taken[index] = finding
        rest: list[Finding] = []
        for finding in free:  # pass 2: one line apart
            if any(label.line == finding.line for label in group_labels):
                # A second finding on a labeled line (`from sqlalchemy import delete, select`
                # reported per name) is that line's duplicate, not the next line's label.
                rest.append(finding)
                continue
            index = next(
                (i for i, label in enumerate(group_labels) if abs(label.line - finding.line) == 1 and i not in taken),
                None,
            )
            if index is None:
                rest.append(finding)
            else:
                taken[index] = finding
        for index, label in enumerate(group_labels):
            if index in taken:
                pair = (label, taken[index])
                (result.tp if label.verdict == "violation" else result.fp).append(pair)
            elif label.verdict == "violation":
                result.fn.append(label)
            else:
                result.ok_quiet.append(label)
        for finding in rest:
            near = [group_labels[i] for i in taken if abs(group_labels[i].line - finding.line) <= 1]
            if near:
                result.dup.append((finding, min(near, key=lambda label: abs(label.line - finding.line))))
            else:
                result.unjudged.append(finding)
    return result


def family(code: str) -> str:
    return code[:3] + "xx"


def tally(result: Match) -> dict[str, Counts]:
    """Counts per code."""
    per_code: dict[str, Counts] = {}

    def bump(code: str, what: str) -> None:
        counts = per_code.setdefault(code, Counts())
        setattr(counts, what, getattr(counts, what) + 1)

    for label, _ in result.tp:
        bump(label.code, "tp")
    for label, _ in result.fp:
        bump(label.code, "fp")
    for label in result.fn:
        bump(label.code, "fn")
    for label in result.ok_quiet:
        per_code.setdefault(label.code, Counts())
    for finding in result.unjudged:
        bump(finding.code, "unjudged")
    for finding, _ in result.dup:
        bump(finding.code, "dup")
    return per_code


def summarise(per_code: dict[str, Counts]) -> dict[str, Any]:
    """Per code, per family, total (micro) and macro recall over codes."""
    families: dict[str, Counts] = {}
    total = Counts()
    for code, counts in per_code.items():
        families.setdefault(family(code), Counts()).add(counts)
        total.add(counts)
    recalls = [counts.recall for counts in per_code.values() if counts.recall is not None]
    return {
        "codes": {code: per_code[code] for code in sorted(per_code)},
        "families": {name: families[name] for name in sorted(families)},
        "total": total,
        "macro_recall": sum(recalls) / len(recalls) if recalls else None,
        "macro_codes": len(recalls),
    }


# --------------------------------------------------------------------------- report


def _ratio(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


COLUMNS = f"{'TP':>4} {'FP':>4} {'FN':>4} {'unj':>4} {'dup':>4} {'prec':>5} {'rec':>5}"


def _cells(counts: Counts | None) -> str:
    if counts is None:
        return f"{'':>4} {'':>4} {'':>4} {'':>4} {'':>4} {'':>5} {'':>5}"
    return (
        f"{counts.tp:>4} {counts.fp:>4} {counts.fn:>4} {counts.unjudged:>4} {counts.dup:>4} "
        f"{_ratio(counts.precision):>5} {_ratio(counts.recall):>5}"
    )


def print_table(summaries: dict[str, dict[str, Any] | None], modes: Sequence[str], out: list[str]) -> None:
    """One table: rows per family and code, one block of columns per mode."""
    width = len(COLUMNS)
    out.append(" " * 16 + "   ".join(f"{(' ' + mode + ' ').center(width, '-')}" for mode in modes))
    out.append(f"{'':16}" + "   ".join(COLUMNS for _ in modes))
    present = [summary for summary in summaries.values() if summary is not None]
    codes = sorted({code for summary in present for code in summary["codes"]})
    for fam in sorted({family(code) for code in codes}):
        row = f"{fam:16}" + "   ".join(
            _cells(summary["families"].get(fam) if (summary := summaries[mode]) else None) for mode in modes
        )
        out.append(row)
        for code in (code for code in codes if family(code) == fam):
            out.append(
                f"  {code:14}"
                + "   ".join(
                    _cells(summary["codes"].get(code) if (summary := summaries[mode]) else None) for mode in modes
                )
            )
    out.append(
        f"{'all (micro)':16}"
        + "   ".join(_cells(summary["total"] if (summary := summaries[mode]) else None) for mode in modes)
    )
    macro = "   ".join(
        f"{mode} {_ratio(summary['macro_recall'])} ({summary['macro_codes']} codes)"
        if (summary := summaries[mode])
        else f"{mode} -"
        for mode in modes
    )
    out.append(f"macro recall over codes: {macro}")


def _listing(
    title: str, per_mode: dict[str, list[tuple[tuple[str, int, str], str]]], modes: Sequence[str], out: list[str]
) -> None:
    """Items of several modes merged: `[modes] path:line CODE why`."""
    merged: dict[tuple[str, int, str], tuple[list[str], str]] = {}
    for mode in modes:
        for key, why in per_mode.get(mode, []):
            which = merged.setdefault(key, ([], why))[0]
            if mode not in which:  # two findings of one mode may share a line
                which.append(mode)
    out.append(f"  {title} ({len(merged)}):")
    for (path, line, code), (which, why) in sorted(merged.items()):
        tag = "both" if len(which) == len(modes) > 1 else ",".join(which)
        out.append(f"    [{tag}] {path}:{line} {code} {why}")


def project_payload(
    project: Project, runs: dict[str, Run], results: dict[str, Match], summaries: dict[str, Any], warnings: list[str]
) -> dict[str, Any]:
    def label_item(label: Label) -> dict[str, Any]:
        return {"path": label.path, "line": label.line, "code": label.code, "verdict": label.verdict, "why": label.why}

    def finding_item(finding: Finding) -> dict[str, Any]:
        return asdict(finding)

    modes: dict[str, Any] = {}
    for mode, run in runs.items():
        entry: dict[str, Any] = {
            "command": run.command,
            "returncode": run.returncode,
            "seconds": round(run.seconds, 3),
            "error": run.error,
            "notes": run.notes,
            "file_errors": [finding_item(f) for f in run.file_errors],
        }
        if mode in results:
            result, summary = results[mode], summaries[mode]
            entry.update(
                findings_scored=len(result.tp) + len(result.fp) + len(result.unjudged) + len(result.dup),
                codes={code: counts.as_dict() for code, counts in summary["codes"].items()},
                families={name: counts.as_dict() for name, counts in summary["families"].items()},
                total=summary["total"].as_dict(),
                macro_recall=summary["macro_recall"],
                true_positives=[{**label_item(lb), "finding": finding_item(f)} for lb, f in result.tp],
                false_positives=[{**label_item(lb), "finding": finding_item(f)} for lb, f in result.fp],
                misses=[label_item(lb) for lb in result.fn],
                unjudged=[finding_item(f) for f in result.unjudged],
                duplicates=[{**finding_item(f), "label": label_item(lb)} for f, lb in result.dup],
            )
        modes[mode] = entry
    return {
        "repo": project.repo,
        "commit": project.commit,
        "roots": project.roots,
        "run-from": project.run_from,
        "scope": project.scope,
        "codes": project.codes,
        "shape": project.shape,
        "held-out": project.held_out,
        "warnings": warnings,
        "modes": modes,
    }


# --------------------------------------------------------------------------- main


def default_layercheck() -> str:
    venv = HERE.parent / ".venv" / "bin" / "layercheck"
    return str(venv) if venv.exists() else (shutil.which("layercheck") or "layercheck")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--checkouts", required=True, type=Path, help="folder holding one checkout per project name")
    parser.add_argument("--project", action="append", default=[], metavar="NAME", help="score only these projects")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--held-out", action="store_true", help="score only the held-out projects")
    which.add_argument("--all", action="store_true", help="score the dev and the held-out projects")
    parser.add_argument("--mode", choices=("zero", "mapped", "both"), default="both")
    parser.add_argument("--layercheck", default=default_layercheck(), help="layercheck command (default: %(default)s)")
    parser.add_argument("--show-misses", action="store_true", help="list violation labels nothing reported")
    parser.add_argument("--show-false", action="store_true", help="list findings on `ok` labels")
    parser.add_argument("--show-unjudged", action="store_true", help="list findings on unlabeled lines in scope")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write every figure to OUT")
    parser.add_argument("--projects-file", type=Path, default=HERE / "projects.toml", help=argparse.SUPPRESS)
    parser.add_argument("--labels-dir", type=Path, default=HERE / "labels", help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=900, help="seconds per layercheck run")
    parser.add_argument("--jobs", type=int, help="layercheck's --jobs (default: layercheck's own)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        # `kill PID` must still run the `finally` that removes a mapped run's layercheck.toml.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    modes = list(MODES) if args.mode == "both" else [args.mode]
    layercheck = shlex.split(args.layercheck)
    if not args.projects_file.is_file():
        print(f"no {args.projects_file}: nothing to score", file=sys.stderr)
        return 0
    try:
        projects = load_projects(args.projects_file)
    except tomllib.TOMLDecodeError as error:
        print(f"{args.projects_file}: invalid TOML: {error}", file=sys.stderr)
        return 2

    selected: list[Project] = []
    known = {project.name for project in projects}
    for name in args.project:
        if name not in known:
            print(f"warning: no project named {name} in {args.projects_file.name}", file=sys.stderr)
    for project in projects:
        if args.project and project.name not in args.project:
            continue
        wanted = args.all or (project.held_out == args.held_out)
        if not wanted:
            if args.project:
                state = "held-out" if project.held_out else "a dev project"
                flag = "--held-out or --all" if project.held_out else "--all (or drop --held-out)"
                print(f"skipping {project.name}: it is {state}; pass {flag}", file=sys.stderr)
            continue
        selected.append(project)

    version = subprocess.run([*layercheck, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    out: list[str] = [f"layercheck: {' '.join(layercheck)} ({version or 'version unknown'})"]
    payload: dict[str, Any] = {
        "layercheck": {"command": layercheck, "version": version},
        "modes": modes,
        "projects": {},
    }
    overall_codes: dict[str, dict[str, Counts]] = {mode: {} for mode in modes}
    overall_ok: dict[str, bool] = {mode: False for mode in modes}

    for project in selected:
        checkout = (args.checkouts / project.name).absolute()
        warnings: list[str] = []
        header = f"== {project.name} ({project.repo}{'; held-out' if project.held_out else ''})"
        out += ["", header, f"   roots {project.roots}  run-from {project.run_from!r}  scope {project.scope}"]
        out.append(f"   codes {' '.join(project.codes) or '(none: every code)'}  shape: {project.shape}")
        if not checkout.is_dir():
            out.append(f"   SKIPPED: no checkout at {checkout}")
            payload["projects"][project.name] = {"skipped": f"no checkout at {checkout}"}
            continue
        git_head = _git_head(checkout)
        if git_head and project.commit and git_head != project.commit:
            warnings.append(f"checkout is at {git_head[:12]}, projects.toml pins {project.commit[:12]}")
        label_file = args.labels_dir / f"{project.name}.tsv"
        labels = load_labels(label_file, warnings) if label_file.is_file() else []
        if not label_file.is_file():
            warnings.append(f"no labels/{project.name}.tsv: every finding is unjudged")
        mismatches = check_hashes(checkout, labels)
        if mismatches:
            warnings.append(f"{len(mismatches)} label(s) no longer match the checkout:")
            warnings += ["  " + problem for problem in mismatches]
        scored: list[Label] = []
        for label in labels:
            if not in_scope(label.path, project.scope):
                warnings.append(f"{label.source}: {label.path} is outside the scope; not scored")
            elif project.codes and not code_selected(label.code, project.codes):
                warnings.append(f"{label.source}: {label.code} is not in the project's codes; not scored")
            else:
                scored.append(label)
        counts_line = {v: sum(label.verdict == v for label in scored) for v in VERDICTS}
        out.append(f"   labels: {counts_line['violation']} violation, {counts_line['ok']} ok")

        runs: dict[str, Run] = {}
        results: dict[str, Match] = {}
        summaries: dict[str, Any] = {}
        for mode in modes:
            run = run_layercheck(layercheck, project, checkout, mode, args.timeout, jobs=args.jobs)
            runs[mode] = run
            for note in run.notes:
                warnings.append(f"{mode}: {note}")
            if run.file_errors:
                shown = ", ".join(f"{f.path}:{f.line} {f.code}" for f in run.file_errors[:5])
                warnings.append(f"{mode}: {len(run.file_errors)} file(s) not analysed: {shown}")
            if run.error:
                warnings.append(f"{mode}: NOT SCORED: {run.error}")
                continue
            kept = [
                finding
                for finding in recode(scored, run.findings)
                if in_scope(finding.path, project.scope)
                and (not project.codes or code_selected(finding.code, project.codes))
            ]
            results[mode] = match(scored, kept)
            per_code = tally(results[mode])
            for code in project.codes:
                if re.fullmatch(r"LC\d{3}", code):
                    per_code.setdefault(code, Counts())
            summaries[mode] = summarise(per_code)
            for code, counts in per_code.items():
                overall_codes[mode].setdefault(code, Counts()).add(counts)
            overall_ok[mode] = True
            out.append(
                f"   {mode}: {len(run.findings)} findings ({len(kept)} in scope and codes) in {run.seconds:.1f} s"
            )
        for warning in warnings:
            out.append(f"   warning: {warning}")
        if summaries:
            print_table({mode: summaries.get(mode) for mode in modes}, modes, out)
        if args.show_misses:
            _listing(
                "misses",
                {m: [((lb.path, lb.line, lb.code), lb.why) for lb in r.fn] for m, r in results.items()},
                modes,
                out,
            )
        if args.show_false:
            _listing(
                "false positives",
                {
                    m: [((f.path, f.line, lb.code), f"{lb.why} | {f.message}") for lb, f in r.fp]
                    for m, r in results.items()
                },
                modes,
                out,
            )
        if args.show_unjudged:
            _listing(
                "unjudged",
                {m: [((f.path, f.line, f.code), f.message) for f in r.unjudged] for m, r in results.items()},
                modes,
                out,
            )
            _listing(
                "duplicates (a label nearby already matched)",
                {
                    m: [((f.path, f.line, f.code), f"{f.message} (label at line {lb.line})") for f, lb in r.dup]
                    for m, r in results.items()
                },
                modes,
                out,
            )
        payload["projects"][project.name] = project_payload(project, runs, results, summaries, warnings)

    overall = {mode: summarise(overall_codes[mode]) if overall_ok[mode] else None for mode in modes}
    out += ["", f"== overall ({len(selected)} project(s): {', '.join(p.name for p in selected) or 'none'})"]
    if any(overall.values()):
        print_table(overall, modes, out)
    else:
        out.append("   nothing scored")
    payload["overall"] = {
        mode: None
        if summary is None
        else {
            "codes": {code: counts.as_dict() for code, counts in summary["codes"].items()},
            "families": {name: counts.as_dict() for name, counts in summary["families"].items()},
            "total": summary["total"].as_dict(),
            "macro_recall": summary["macro_recall"],
        }
        for mode, summary in overall.items()
    }
    print("\n".join(out))
    if args.json:
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")
    return 0


def _git_head(checkout: Path) -> str | None:
    if not (checkout / ".git").exists():
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return done.stdout.strip() or None


if __name__ == "__main__":
    sys.exit(main())

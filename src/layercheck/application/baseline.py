"""A baseline: the findings a codebase already has, recorded so that only new ones are reported.

Adopting a linter on a large codebase should not start with hundreds of findings. The
baseline file lists them by rule code, file (relative to the project root) and the code
under the finding (its fingerprint), with a count for identical lines; line numbers play
no part, so editing elsewhere in a file does not bring a finding back. A finding is hidden
while its file holds no more occurrences of it than the baseline counted; entries that no
longer match anything are reported so that `--write-baseline` can prune them.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from layercheck.domain.diagnostics import Diagnostic
from layercheck.infrastructure.atomic import write_atomically

_FORMAT_KEY = "layercheck-baseline"
_FORMAT = 1
# Findings that say layercheck could not check a file are never recorded.
_UNRECORDED = frozenset({"LC000"})

Key = tuple[str, str, str]  # (path relative to the project root, code, fingerprint)


class BaselineError(Exception):
    """The baseline file is missing or not a layercheck baseline; the message says which."""


def relative_path(path: str, root: Path) -> str:
    """`path` relative to the project root, `/`-separated (absolute when outside it)."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root.resolve()).as_posix()
    except ValueError:
        try:
            return absolute.resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, RuntimeError, OSError):  # outside the root, or a symlink loop
            return absolute.as_posix()


def key_of(diagnostic: Diagnostic, root: Path) -> Key:
    """How a finding is matched: its file, code and the code under it (or its message,
    for findings about an import or a whole file, whose message names what they are about)."""
    return (relative_path(diagnostic.path, root), diagnostic.code, diagnostic.fingerprint or diagnostic.message)


@dataclass
class Filtered:
    """What the baseline leaves of a run's findings."""

    new: list[Diagnostic]
    hidden: int
    # Recorded occurrences in the checked files that match nothing any more.
    stale: int


class Baseline:
    """Recorded findings: key -> how many times the key occurred, plus a message for readers."""

    def __init__(self, counts: dict[Key, int], messages: dict[Key, str] | None = None) -> None:
        self.counts = counts
        self.messages = messages or {}

    @classmethod
    def of(cls, diagnostics: Iterable[Diagnostic], root: Path) -> Baseline:
        counts: Counter[Key] = Counter()
        messages: dict[Key, str] = {}
        for diagnostic in diagnostics:
            if diagnostic.code in _UNRECORDED:
                continue
            key = key_of(diagnostic, root)
            counts[key] += 1
            messages.setdefault(key, diagnostic.message.splitlines()[0])
        return cls(dict(counts), messages)

    def __len__(self) -> int:
        return sum(self.counts.values())

    def filter(self, diagnostics: list[Diagnostic], root: Path, checked: Iterable[str]) -> Filtered:
        """The findings not in the baseline; `checked` (paths of the checked files) says
        which entries could have matched, for the count of stale ones."""
        left = dict(self.counts)
        new = []
        for diagnostic in diagnostics:
            key = key_of(diagnostic, root)
            if left.get(key, 0) > 0 and diagnostic.code not in _UNRECORDED:
                left[key] -= 1
            else:
                new.append(diagnostic)
        seen = {relative_path(path, root) for path in checked}
        stale = sum(count for key, count in left.items() if key[0] in seen)
        return Filtered(new, len(diagnostics) - len(new), stale)

    def updated(self, current: Baseline, root: Path, checked: Iterable[str]) -> Baseline:
        """`current` for the checked files, plus this baseline's entries for files that were
        not checked and still exist (writing a baseline for part of a project keeps the rest)."""
        seen = {relative_path(path, root) for path in checked}
        counts = dict(current.counts)
        messages = dict(current.messages)
        for key, count in self.counts.items():
            if key[0] not in seen and (root / key[0]).exists() and key not in counts:
                counts[key] = count
                messages[key] = self.messages.get(key, "")
        return Baseline(counts, messages)

    def to_json(self) -> str:
        findings = [
            {
                "path": key[0],
                "code": key[1],
                "fingerprint": key[2],
                "count": count,
                "message": self.messages.get(key, ""),
            }
            for key, count in sorted(self.counts.items())
        ]
        return json.dumps({_FORMAT_KEY: _FORMAT, "findings": findings}, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, source: str) -> Baseline:
        try:
            data = json.loads(text)
        except ValueError as error:
            raise BaselineError(f"{source}: not valid JSON ({error})") from None
        if not isinstance(data, dict) or _FORMAT_KEY not in data:
            raise BaselineError(f"{source}: not a layercheck baseline")
        if data[_FORMAT_KEY] != _FORMAT:
            raise BaselineError(f"{source}: unsupported baseline format {data[_FORMAT_KEY]!r}")
        counts: dict[Key, int] = {}
        messages: dict[Key, str] = {}
        try:
            for item in data["findings"]:
                key = (str(item["path"]), str(item["code"]), str(item["fingerprint"]))
                count = int(item.get("count", 1))
                if count < 1:
                    raise ValueError(f"count {count}")
                counts[key] = counts.get(key, 0) + count
                messages[key] = str(item.get("message", ""))
        except (KeyError, TypeError, ValueError) as error:
            raise BaselineError(f"{source}: malformed entry ({error})") from None
        return cls(counts, messages)


def read_baseline(path: Path) -> Baseline:
    """Load a baseline file; BaselineError names the file and what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found (create it with `--write-baseline`)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"{path}: cannot read the baseline: {error}") from None
    if not text.strip():
        return Baseline({})  # an empty file (just created) is an empty baseline
    return Baseline.from_json(text, str(path))


def write_baseline(path: Path, diagnostics: list[Diagnostic], root: Path, checked: Iterable[str]) -> Baseline:
    """Record the findings in `path`, keeping entries of files that were not checked; an
    existing file that is not a baseline is never overwritten."""
    checked = list(checked)
    current = Baseline.of(diagnostics, root)
    if path.exists():
        current = read_baseline(path).updated(current, root, checked)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(str(path), current.to_json().encode("utf-8"))
    return current


def baseline_path(option: Path | None, configured: str | None, root: Path) -> Path | None:
    """The baseline file: `--baseline` (relative to the working folder) or the `baseline`
    setting (relative to the project root)."""
    if option is not None:
        return option
    if configured:
        return root / configured
    return None

"""What a project declares it depends on: the Pydantic major version, and the third-party
distributions (whose names are never the project's own modules).

A project pinned to Pydantic v1 (`pydantic = "^1.10"`, `pydantic<2`) cannot use v2's
`model_config = ConfigDict(...)`: the rules that ask for v2 style (LC501, LC502) have
nothing to say there. The pin is read, never imported or installed, from the dependency
declarations at the project root: `pyproject.toml` (`[project]` dependencies, optional
dependencies, Poetry's tables), `requirements*.txt` (also in a `requirements/` folder) and
Pipenv's `Pipfile`; where none of them pins Pydantic (it comes with FastAPI), the version a
lock file records (`Pipfile.lock`, `poetry.lock`, `uv.lock`, `pdm.lock`) decides.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

# A requirement's distribution name (`pusher`, `python-jose[cryptography]>=3`).
_DISTRIBUTION = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _requirement(distribution: str) -> re.Pattern[str]:
    """A requirement line of `distribution`: `pydantic`, `pydantic[email]>=2`, not
    `pydantic-settings` or `pydantic_core`."""
    return re.compile(rf"^\s*{distribution}(?![\w.-])\s*(\[[^\]]*\])?\s*(?P<spec>[^;#]*)", re.IGNORECASE)


_MAJOR_ONE = re.compile(r"(==|~=|\^|~|===)\s*1(\.|\*|\s*$|,)|<\s*2(\.0)*\s*($|,)|<=\s*1\.")
_MAJOR_TWO = re.compile(r"(==|~=|\^|~|>=|>|===)\s*2(\.|\*|\s*$|,)")


def _major_of(spec: str) -> int | None:
    """1 or 2 from a version specifier (`^1.10.4`, `>=1.8,<2`, `==2.5.*`), else None."""
    spec = spec.strip().strip("\"'")
    if _MAJOR_TWO.search(spec):
        return 2
    if _MAJOR_ONE.search(spec):
        return 1
    return None


def _pyproject_specs(data: dict[str, Any], distribution: str) -> Iterator[str]:
    requirement = _requirement(distribution)
    project = data.get("project", {})
    lists = [project.get("dependencies", [])]
    lists.extend((project.get("optional-dependencies") or {}).values())
    for requirements in lists:
        for item in requirements if isinstance(requirements, list) else ():
            match = requirement.match(item) if isinstance(item, str) else None
            if match:
                yield match.group("spec")
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {})]
    tables.extend(group.get("dependencies", {}) for group in (poetry.get("group") or {}).values())
    for table in tables:
        value = _by_name(table, distribution) if isinstance(table, dict) else None
        if isinstance(value, dict):
            value = value.get("version")
        if isinstance(value, str):
            yield value


def _by_name(table: dict[str, Any], distribution: str) -> Any:
    """A distribution's entry in a table of dependencies, however its name is cased
    (`SQLAlchemy = "^1.4"`)."""
    return next((value for name, value in table.items() if name.lower() == distribution), None)


# Lock files, and how each records a distribution's version: a `[[package]]` table of Poetry,
# uv or PDM (`name = "pydantic"` then `version = "1.10.7"`), or Pipenv's JSON entry.
_TOML_LOCKED = r'^name = "{name}"\s*\nversion = "(\d+)\.'
_LOCK_FILES = (
    ("Pipfile.lock", r'"{name}":\s*\{{[^{{}}]*?"version":\s*"==(\d+)\.'),
    ("poetry.lock", _TOML_LOCKED),
    ("uv.lock", _TOML_LOCKED),
    ("pdm.lock", _TOML_LOCKED),
)


def _locked_major(root: Path, distribution: str) -> int | None:
    """The major version of `distribution` the project's lock files record (searched, not
    parsed: a lock runs to megabytes, and every run reads the settings), when they agree."""
    found: set[int] = set()
    for name, template in _LOCK_FILES:
        path = root / name
        try:
            text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        except OSError:
            continue
        pattern = re.compile(template.format(name=re.escape(distribution)), re.MULTILINE)
        found.update(int(major) for major in pattern.findall(text) if major in ("1", "2"))
    return found.pop() if len(found) == 1 else None


def _pipfile(root: Path) -> dict[str, Any]:
    """Pipenv's `Pipfile` (TOML), or nothing."""
    path = root / "Pipfile"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig")) if path.is_file() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _pipfile_packages(data: dict[str, Any]) -> dict[str, Any]:
    """The `[packages]` and `[dev-packages]` of a Pipfile, by name."""
    tables = [data.get("packages"), data.get("dev-packages")]
    return {name: value for table in tables if isinstance(table, dict) for name, value in table.items()}


def _requirement_files(root: Path) -> list[Path]:
    files = sorted(root.glob("requirements*.txt"))
    folder = root / "requirements"
    if folder.is_dir():
        files.extend(sorted(folder.glob("*.txt")))
    return files


@dataclass(frozen=True)
class Declarations:
    """A project's dependency declarations, read once (every run reads the settings, and
    three questions are asked of them): `pyproject.toml`'s data, the lines of its
    requirement files, its Pipfile's packages by name."""

    root: Path
    pyproject: dict[str, Any]
    requirement_lines: tuple[str, ...]
    pipfile_packages: dict[str, Any]

    def major(self, distribution: str) -> int | None:
        """The major version (1 or 2) of `distribution` the project pins: its
        declarations first, else its lock files; None when they say nothing or span both."""
        requirement = _requirement(distribution)
        found: set[int] = set()
        for spec in _pyproject_specs(self.pyproject, distribution):
            major = _major_of(spec)
            if major is not None:
                found.add(major)
        for line in self.requirement_lines:
            match = requirement.match(line)
            major = _major_of(match.group("spec")) if match else None
            if major is not None:
                found.add(major)
        pinned = _by_name(self.pipfile_packages, distribution)
        if isinstance(pinned, dict):
            pinned = pinned.get("version")
        if isinstance(pinned, str):
            major = _major_of(pinned)
            if major is not None:
                found.add(major)
        if not found:
            return _locked_major(self.root, distribution)
        return found.pop() if len(found) == 1 else None

    def distributions(self) -> tuple[str, ...]:
        """The third-party distributions declared, spelled as their import names usually
        are (`python-jose` -> `python_jose`, `PyYAML` -> `pyyaml`)."""
        declared = [*_distribution_names(self.pyproject, list(self.requirement_lines)), *self.pipfile_packages]
        names = {name.lower().replace("-", "_").replace(".", "_") for name in declared}
        return tuple(sorted(names))


def read_declarations(root: Path) -> Declarations:
    """The declarations at `root`; what cannot be read counts as declaring nothing (a broken
    pyproject is reported where it is read as configuration)."""
    pyproject = root / "pyproject.toml"
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8-sig")) if pyproject.is_file() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = {}
    lines: list[str] = []
    for path in _requirement_files(root):
        try:
            lines.extend(path.read_text(encoding="utf-8", errors="replace").splitlines())
        except OSError:
            continue
    return Declarations(root, data, tuple(lines), _pipfile_packages(_pipfile(root)))


def _distribution_names(data: dict[str, Any], requirement_lines: list[str]) -> Iterator[str]:
    project = data.get("project", {})
    lists = [project.get("dependencies", [])]
    lists.extend((project.get("optional-dependencies") or {}).values())
    entries = [entry for group in lists if isinstance(group, list) for entry in group]
    for item in [*entries, *requirement_lines]:
        if not isinstance(item, str) or item.lstrip().startswith(("-", "#")):
            continue  # `-r base.txt`, `--index-url ...`, comments
        match = _DISTRIBUTION.match(item)
        if match:
            yield match.group(1)
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {})]
    tables.extend(group.get("dependencies", {}) for group in (poetry.get("group") or {}).values())
    for table in tables:
        yield from (name for name in (table if isinstance(table, dict) else {}) if name != "python")

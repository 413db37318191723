"""What a project declares it depends on: the Pydantic major version, and the third-party
distributions (whose names are never the project's own modules).

A project pinned to Pydantic v1 (`pydantic = "^1.10"`, `pydantic<2`) cannot use v2's
`model_config = ConfigDict(...)`: the rules that ask for v2 style (LC501, LC502) have
nothing to say there. The pin is read, never imported or installed, from the dependency
declarations at the project root: `pyproject.toml` (`[project]` dependencies, optional
dependencies, Poetry's tables) and `requirements*.txt` (also in a `requirements/` folder).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

# A requirement's distribution name (`pusher`, `python-jose[cryptography]>=3`).
_DISTRIBUTION = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
# `pydantic`, `pydantic[email]`, not `pydantic-settings` or `pydantic_core`.
_REQUIREMENT = re.compile(r"^\s*pydantic\s*(\[[^\]]*\])?\s*(?P<spec>[^;#]*)", re.IGNORECASE)
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


def _pyproject_specs(data: dict[str, Any]) -> Iterator[str]:
    project = data.get("project", {})
    lists = [project.get("dependencies", [])]
    lists.extend((project.get("optional-dependencies") or {}).values())
    for requirements in lists:
        for item in requirements if isinstance(requirements, list) else ():
            match = _REQUIREMENT.match(item) if isinstance(item, str) else None
            if match:
                yield match.group("spec")
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {})]
    tables.extend(group.get("dependencies", {}) for group in (poetry.get("group") or {}).values())
    for table in tables:
        value = table.get("pydantic") if isinstance(table, dict) else None
        if isinstance(value, dict):
            value = value.get("version")
        if isinstance(value, str):
            yield value


def _requirement_files(root: Path) -> list[Path]:
    files = sorted(root.glob("requirements*.txt"))
    folder = root / "requirements"
    if folder.is_dir():
        files.extend(sorted(folder.glob("*.txt")))
    return files


def declared_pydantic_major(root: Path) -> int | None:
    """The Pydantic major version the project at `root` pins (1 or 2), or None when it
    declares none (or a range spanning both)."""
    found: set[int] = set()
    pyproject = root / "pyproject.toml"
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8-sig")) if pyproject.is_file() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = {}  # a broken pyproject is reported where it is read as configuration
    for spec in _pyproject_specs(data):
        major = _major_of(spec)
        if major is not None:
            found.add(major)
    for path in _requirement_files(root):
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            match = _REQUIREMENT.match(line)
            major = _major_of(match.group("spec")) if match else None
            if major is not None:
                found.add(major)
    return found.pop() if len(found) == 1 else None


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


def declared_distributions(root: Path) -> tuple[str, ...]:
    """The third-party distributions the project at `root` declares, spelled as their
    import names usually are (`python-jose` -> `python_jose`, `PyYAML` -> `pyyaml`)."""
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
    names = {name.lower().replace("-", "_").replace(".", "_") for name in _distribution_names(data, lines)}
    return tuple(sorted(names))

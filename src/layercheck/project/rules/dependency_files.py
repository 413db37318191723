"""LC801 non-pyproject-dependency-file: dependencies declared outside `pyproject.toml`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path

from layercheck.domain.diagnostics import Diagnostic
from layercheck.project.rules.root_base import RootRule

# A requirements file exported from pyproject.toml by a tool (`uv export`, `pip-compile
# pyproject.toml`, `poetry export`) is a lock file derived from it, not a second source.
_EXPORTED = re.compile(
    r"\b(uv|poetry|pdm|hatch) export\b|\bpip[- ]compile\b.*\bpyproject\.toml\b", re.IGNORECASE
)
# `setup.cfg` sections that declare a package and its dependencies (not tool settings).
_SETUP_CFG_PACKAGING = re.compile(r"^\[(metadata|options|options\.extras_require)\]", re.MULTILINE)
# `setup()` with no argument: the shim that lets old pips install a pyproject project.
_SETUP_SHIM = re.compile(r"\bsetup\(\s*\)")


class NonPyprojectDependencyFile(RootRule):
    """Flags `requirements*.txt`, `setup.py`, `setup.cfg` and `Pipfile` in the project root.

    The backend guide declares dependencies in `pyproject.toml` only (step 1): a second list
    drifts from it, and nobody knows which one production installs. Not reported: a
    requirements file generated from `pyproject.toml` (its header says so, or it only
    installs the project itself, `-e .`), a `setup.cfg` holding only tool settings, and a
    `setup.py` that is the bare `setup()` shim.
    """

    code = "LC801"

    def check(self) -> Iterator[Diagnostic]:
        candidates = [*self.files.root_files(), *self.files.files_in("requirements")]
        for path in candidates:
            reason = self._reason(path)
            if reason:
                yield self.finding(path, reason)

    def _reason(self, path: Path) -> str | None:
        name = path.name
        in_requirements_folder = path.parent.name == "requirements" and path.parent != self.files.root
        if fnmatch(name, "requirements*.txt") or (in_requirements_folder and name.endswith((".txt", ".in"))):
            text = self.files.text(path) or ""
            if _EXPORTED.search("\n".join(text.splitlines()[:5])) or not _declares_packages(text):
                return None
            return f"dependencies declared in `{name}`; declare them in `pyproject.toml`"
        if name == "setup.py":
            text = self.files.text(path) or ""
            if _SETUP_SHIM.search(text) and "install_requires" not in text:
                return None
            return "`setup.py` packaging; declare the project and its dependencies in `pyproject.toml`"
        if name == "setup.cfg":
            text = self.files.text(path) or ""
            if not _SETUP_CFG_PACKAGING.search(text):
                return None
            return "`setup.cfg` packaging; declare the project and its dependencies in `pyproject.toml`"
        if name == "Pipfile":
            return "dependencies declared in `Pipfile`; declare them in `pyproject.toml`"
        return None


def _declares_packages(text: str) -> bool:
    """Any line that names a package (not a comment, an option, `-r other.txt` or `-e .`)."""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith(("-r", "--requirement", "-c", "--constraint", "--index-url", "-i ")):
            continue
        if line in ("-e .", "--editable .", ".", "-e.", "-e ./") or line.startswith("--"):
            continue
        return True
    return False

"""The shape of a root rule: a check of the project as a whole, run once per run.

Some conventions are about files that are not Python modules (`requirements.txt`, `.env`,
`.env.example`) or about what the project lacks (no `main.py`, no exception handler). A root
rule receives the project's non-Python files (through `ProjectFiles`, which does the
reading), the project index and its options, and reports against a file or, for something
missing, against the project root, at line 1 column 1 unless it knows the precise line.
Rules see the files through the `ProjectFiles` port; the adapter that reads the disk and
asks git lives with the infrastructure (`project_files.py`).

Root rules run when the run covers the project root (`layercheck` or `layercheck .` there,
the usual CI call); a run on a few changed files (pre-commit) reports only their findings
on the files it was given, so it is not flooded with findings about the whole project.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from layercheck.domain.diagnostics import FILE_START, Diagnostic, Span
from layercheck.domain.layers import LayerMap

if TYPE_CHECKING:
    from layercheck.project.index import ProjectIndex


class ProjectFiles(Protocol):
    """What a root rule may ask about the project's files (`project_files.py` reads them)."""

    root: Path

    def display(self, path: Path) -> str:
        """A path as findings show it."""

    def find(self, names: tuple[str, ...], beside: list[Path] | None = None) -> Path | None:
        """The first of `names` found in the root, the folders above it, or `beside`."""

    def find_near(self, names: tuple[str, ...], folder: Path) -> Path | None:
        """The first of `names` found in `folder` or above it (up to the repository top)."""

    def root_files(self) -> list[Path]:
        """The files directly in the project root."""

    def files_in(self, folder: str) -> list[Path]:
        """The files directly in a folder of the root."""

    def text(self, path: Path) -> str | None:
        """A file's text, or None when it cannot be read."""

    def is_tracked(self, path: Path) -> bool | None:
        """Whether git tracks the file (None without git)."""

    def is_ignored(self, path: Path) -> bool:
        """Whether git ignores the file."""


class RootRule:
    """Base class of rules about the project as a whole."""

    code: ClassVar[str]

    def __init__(
        self, files: ProjectFiles, index: ProjectIndex, layer_map: LayerMap, options: dict[str, Any]
    ) -> None:
        self.files = files
        self.index = index
        self.layer_map = layer_map
        self.options = options

    def check(self) -> Iterator[Diagnostic]:
        """Findings about the project."""
        raise NotImplementedError

    def finding(self, path: Path, message: str, span: Span = FILE_START) -> Diagnostic:
        """A finding on a file (or on the root folder, for something missing)."""
        return Diagnostic(self.code, message, self.files.display(path), span, fingerprint=message)

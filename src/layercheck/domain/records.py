"""The per-file unit of work and its result: what crosses process and cache boundaries.

Both are plain values so a worker process can receive a task, and its result can be sent
back, cached as JSON and reused in a later run without importing libcst.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from layercheck.domain.diagnostics import Candidate, Diagnostic
from layercheck.domain.facts import ModuleFacts


@dataclass(frozen=True)
class FileTask:
    """One file to read, parse and check."""

    path: str  # absolute path on disk
    display_path: str  # as shown to the user (relative to the working folder when below it)
    module: str  # dotted module name below its source root
    aliases: tuple[str, ...]  # the module's other dotted names (below other roots)
    is_package: bool
    layer: str | None
    held: bool  # whether layer rules apply (a layer that is not tests/migrations/main...)
    # The glob that placed the file in `layer` (None: no glob matched), and whether the
    # user's configuration gave it (then the layer stands whatever the code does).
    layer_glob: str | None = None
    layer_configured: bool = False
    # The layer its folders give it when a file-name glob placed it (`services/config.py`:
    # service): where its code shows the file name misleads, the folder decides.
    folder_layer: str | None = None


@dataclass
class FileRecord:
    """What checking one file produced; independent of every other file."""

    facts: ModuleFacts
    diagnostics: list[Diagnostic] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    # Line-ending and encoding facts the fixer needs to write the file back faithfully.
    encoding: str = "utf-8"

    def to_dict(self) -> dict[str, Any]:
        return {
            "facts": self.facts.to_dict(),
            "diagnostics": [item.to_dict() for item in self.diagnostics],
            "candidates": [item.to_dict() for item in self.candidates],
            "encoding": self.encoding,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileRecord:
        return cls(
            facts=ModuleFacts.from_dict(data["facts"]),
            diagnostics=[Diagnostic.from_dict(item) for item in data["diagnostics"]],
            candidates=[Candidate.from_dict(item) for item in data["candidates"]],
            encoding=data.get("encoding", "utf-8"),
        )

"""When and how the root rules run (the checks of the project as a whole).

They run when the run covers the project root: a checked path is the root folder or a folder
above it (`layercheck`, `layercheck .`). A run on some files only (pre-commit passes the
changed ones, the editor one buffer) reports root findings only on the files it was given
(`layercheck setup.py` reports LC801 there), never on the rest of the project.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from layercheck.domain.diagnostics import FILE_START, Diagnostic
from layercheck.domain.registry import RULES, enabled_implementations
from layercheck.domain.settings import Settings
from layercheck.infrastructure.project_files import DiskProjectFiles
from layercheck.project.rules.root_base import RootRule

if TYPE_CHECKING:
    from layercheck.project.index import ProjectIndex  # (a warm run answers without one)


@dataclass(frozen=True)
class RootScope:
    """The project's files, and which findings to keep (None: all of them)."""

    files: DiskProjectFiles
    only: frozenset[str] | None


def root_scope(
    paths: list[Path], checked: list[str], settings: Settings, display: Callable[[Path], str]
) -> RootScope | None:
    """The root rules' scope for a run over `paths`, or None when they should not run."""
    if not any(info.scope == "root" and info.code in settings.enabled_codes() for info in RULES):
        return None
    root = settings.project_root.resolve()
    for path in paths:
        given = Path(os.path.abspath(path))
        if given.is_dir() and (given == root or given in root.parents):
            return RootScope(DiskProjectFiles(root, display), None)
    folder = str(root)
    in_root = frozenset(path for path in checked if os.path.dirname(path) == folder)
    if not in_root:
        return None
    return RootScope(DiskProjectFiles(root, display), in_root)


def root_rules(settings: Settings, index: ProjectIndex, files: DiskProjectFiles) -> list[RootRule]:
    enabled = settings.enabled_codes()
    layer_map = settings.layer_map()
    return [
        rule_class(files, index, layer_map, settings.options_for(info.code))
        for info, rule_class in enabled_implementations("root", enabled)
    ]


def root_findings(settings: Settings, index: ProjectIndex, scope: RootScope) -> list[Diagnostic]:
    """The root rules' findings in scope; a rule that raises becomes one LC000 finding."""
    found: list[Diagnostic] = []
    for rule in root_rules(settings, index, scope.files):
        try:
            found.extend(rule.check())
        except Exception as error:  # contained like file rules: the run goes on, exit code 2
            cause = f"{type(error).__name__}: {error}".strip().splitlines()[0]
            path = scope.files.display(scope.files.root)
            found.append(Diagnostic("LC000", f"internal error in {rule.code}: {cause}", path, FILE_START))
    if scope.only is not None:
        found = [d for d in found if os.path.abspath(d.path) in scope.only]
    return found

"""Warnings about configuration that is valid but probably wrong; the run goes on.

- A layer glob of the user's own configuration that places no file of the project is almost
  always a typo (`app/service/**` for `app/services/**`) or a layout that moved: the layer
  is silently empty and its rules never run. The warning names the key.
- A configuration file in a folder below the project root is not used for the files under
  it (a run has one project root and one set of settings): the warning says so, and how to
  check that project with its own settings.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from layercheck.domain.layers import PRESETS, glob_to_regex
from layercheck.domain.settings import Settings
from layercheck.infrastructure.config import CONFIG_FILES
from layercheck.infrastructure.modules import ModuleNamer


def user_layer_globs(settings: Settings) -> list[tuple[str, str]]:
    """(layer, glob) for every layer glob the configuration added to its preset."""
    preset = {spec.name: set(spec.paths) for spec in PRESETS.get(settings.preset, ())}
    return [
        (spec.name, glob) for spec in settings.layers for glob in spec.paths if glob not in preset.get(spec.name, set())
    ]


def unmatched_layer_globs(settings: Settings, files: Iterable[str]) -> list[str]:
    """One warning for each of the user's layer globs that matches none of `files`.

    A glob matches a file when it matches the file's path below the project root or below
    one of the source roots (`src`), as layers are assigned.
    """
    pending = {(layer, glob): glob_to_regex(glob.strip("/")) for layer, glob in user_layer_globs(settings)}
    if not pending:
        return []
    # Plain strings: every file of the project is asked, on every run (warm ones too).
    prefixes = [os.path.join(str(root), "") for root in ModuleNamer(settings).roots]
    for path in files:
        name = str(path)
        for prefix in prefixes:
            if not name.startswith(prefix):
                continue
            relative = name[len(prefix) :].replace(os.sep, "/")
            for key in [key for key, regex in pending.items() if regex.match(relative)]:
                del pending[key]
        if not pending:
            return []
    where = settings.config_file or "configuration"
    return [f"{where}: `layers.{layer}`: `{glob}` matches no file" for layer, glob in pending]


def _configures_layercheck(path: Path) -> bool:
    if path.name != "pyproject.toml":
        return True
    try:
        return "[tool.layercheck" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def nested_configurations(settings: Settings, files: Iterable[str]) -> list[str]:
    """One warning for each layercheck configuration below the project root that holds
    some of `files` (they are checked with the root's settings, not with it)."""
    # Plain strings, not `Path`s: every folder of the project is asked, on every run.
    root = str(settings.project_root.resolve())
    folders: dict[str, Path | None] = {root: None}
    found: dict[Path, None] = {}

    def config_in(folder: str) -> Path | None:
        if folder not in folders:
            candidates = (os.path.join(folder, name) for name in CONFIG_FILES)
            config = next((c for c in candidates if os.path.isfile(c) and _configures_layercheck(Path(c))), None)
            folders[folder] = Path(config) if config is not None else None
        return folders[folder]

    # Per folder below the root, the configurations in it and above it, innermost first
    # (None: not below the root); every file of a project asks, most share folders.
    chains: dict[str, tuple[Path, ...] | None] = {root: None}

    def chain(folder: str) -> tuple[Path, ...] | None:
        climbed: list[str] = []
        while folder not in chains and os.path.dirname(folder) != folder:
            climbed.append(folder)
            folder = os.path.dirname(folder)
        known = chains.get(folder)
        above = known if known is not None else ()
        inside = known is not None or folder == root
        for step in reversed(climbed):
            config = config_in(step) if inside else None
            above = ((config,) if config is not None else ()) + above
            chains[step] = above if inside else None
        return chains.get(climbed[0]) if climbed else known

    by_folder: dict[str, tuple[Path, ...] | None] = {}
    for path in files:
        name = os.path.dirname(str(path))
        if name not in by_folder:
            by_folder[name] = chain(name)
        for config in by_folder[name] or ():
            found.setdefault(config, None)
    used = settings.config_file or "the default settings"
    return [
        f"{config}: not used for the files below it (this run uses {used}); run layercheck in "
        f"`{config.parent}` to check them with it"
        for config in found
    ]

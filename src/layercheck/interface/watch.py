"""`layercheck --watch`: check once, then again on every change under the project.

The file system is watched by `watchfiles` (an optional extra: `pip install
'layercheck[watch]'`), whose Rust core groups the events of one save. A batch of changes
counts when it touches a file the project's discovery finds (so excludes and `.gitignore`
are honoured), a file that was one before (a deletion), a configuration file (the settings
are read again) or a file the root rules read (`.env`, requirements); the cache folder and
`.git` never count. Each run uses the warm cache, so only what changed is checked again,
and prints a fresh report headed with the time and the number of findings. Ctrl-C ends it.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from layercheck.domain.settings import Settings
from layercheck.infrastructure.cache import CACHE_DIR_NAME
from layercheck.infrastructure.config import CONFIG_FILES, ConfigError
from layercheck.infrastructure.discovery import project_files

MISSING = (
    "`--watch` needs the `watchfiles` package: install it with `pip install 'layercheck[watch]'` "
    "(or `pip install watchfiles` in layercheck's environment)"
)
# The root rules' inputs: a change to one is worth a run.
_ROOT_INPUTS = (".env", ".gitignore", "requirements", "setup.", "Pipfile")
# Milliseconds without a new event before a batch is handed over (one save is one batch).
STEP_MS = 50


def available() -> bool:
    try:
        import watchfiles  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class WatchTarget:
    """What the command line wants watched and how one run is reported."""

    load_settings: Callable[[], Settings]  # raises ConfigError
    run: Callable[[Settings], tuple[int, str]]  # one check: the number of findings, the report
    cache_dir: Path | None


class _Relevance:
    """Which changed paths are worth a run, for the current settings."""

    def __init__(self, settings: Settings, cache_dir: Path | None) -> None:
        self.root = os.path.realpath(settings.project_root)
        self.cache = [
            os.path.realpath(path)
            for path in (
                cache_dir,
                settings.project_root / settings.cache_dir if settings.cache_dir else None,
                settings.project_root / CACHE_DIR_NAME,
            )
            if path is not None
        ]
        self.files = self._files(settings)

    @staticmethod
    def _files(settings: Settings) -> set[str]:
        return {os.path.realpath(path) for path in project_files(settings)}

    def ignored(self, path: str) -> bool:
        real = os.path.realpath(path)
        parts = Path(real).parts
        if ".git" in parts:
            return True
        return any(real == cache or real.startswith(cache + os.sep) for cache in self.cache)

    def config_changed(self, paths: set[str]) -> bool:
        return any(os.path.basename(path) in CONFIG_FILES for path in paths)

    def relevant(self, paths: set[str], settings: Settings, modified_only: bool = False) -> bool:
        """Whether a batch changes a file the run reads (the listing is refreshed, unless
        every change is a modification of a file it holds)."""
        paths = {path for path in paths if not self.ignored(path)}
        if not paths:
            return False
        if self.config_changed(paths):
            return True
        before = self.files
        if modified_only and all(os.path.realpath(path) in before for path in paths):
            return True
        if any(os.path.basename(path).endswith((".py", ".pyi")) for path in paths):
            self.files = self._files(settings)
        for path in paths:
            real = os.path.realpath(path)
            if real in before or real in self.files:
                return True
            if os.path.basename(path).startswith(_ROOT_INPUTS):
                return True
        return False


def _preload(settings: Settings) -> None:
    """Import the engine and the rules once: the workers each run forks inherit them instead
    of importing libcst again (most of a run after one edit)."""
    try:
        from layercheck.engine.checker import rule_classes

        rule_classes(settings.enabled_codes())
    except Exception:  # noqa: S110  (a rule that cannot be imported is reported per file)
        pass


def _say(stream: TextIO, line: str) -> None:
    stream.write(line + "\n")
    stream.flush()


def header(count: int, changed: int | None, out: TextIO) -> None:
    stamp = time.strftime("%H:%M:%S")
    noun = "finding" if count == 1 else "findings"
    cause = "" if changed is None else f" after {changed} changed file{'s' if changed != 1 else ''}"
    _say(out, f"[{stamp}] {count} {noun}{cause}")


def watch(target: WatchTarget, out: TextIO, err: TextIO) -> int:
    """Run, then run again on each relevant change until interrupted; the exit status (0)."""
    import watchfiles

    try:
        settings = target.load_settings()
    except ConfigError as error:
        _say(err, f"layercheck: error: {error}")
        return 2
    relevance = _Relevance(settings, target.cache_dir)

    def run(changed: int | None) -> None:
        # As in a single run, the cyclic collector is off while records are decoded and
        # decided (they hold no cycles): its walks over them would double a run's time.
        gc.disable()
        try:
            count, report = target.run(settings)
        except Exception as error:  # the watch goes on: the next change may fix it
            _say(err, f"layercheck: error: {type(error).__name__}: {error}")
            return
        finally:
            gc.enable()
        header(count, changed, out)
        out.write(report)
        out.flush()

    try:
        run(None)
        _say(err, f"layercheck: watching {relevance.root} for changes (Ctrl-C to stop)")
        _preload(settings)
        for batch in watchfiles.watch(relevance.root, step=STEP_MS, raise_interrupt=True, debug=False):
            paths = {path for _, path in batch}
            modified = all(change == watchfiles.Change.modified for change, _ in batch)
            if not relevance.relevant(paths, settings, modified):
                continue
            if relevance.config_changed(paths):
                try:
                    settings = target.load_settings()
                except ConfigError as error:
                    _say(err, f"layercheck: error: {error} (the last settings still apply)")
                relevance = _Relevance(settings, target.cache_dir)
            run(len({path for path in paths if not relevance.ignored(path)}))
    except KeyboardInterrupt:
        pass
    return 0

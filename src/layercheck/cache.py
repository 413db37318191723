"""The on-disk cache: per-file results keyed by content hash, plus the last run's answer.

Layout (as ruff's): `.layercheck_cache/` holds a `.gitignore` (`*`) and a `CACHEDIR.TAG`, and
one JSON file per layercheck version and settings fingerprint. Writes go to a temporary
file renamed into place, so two runs sharing a cache never see half a file; a corrupt,
foreign or old-version file is ignored (it is JSON, never unpickled, so never trusted).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from layercheck import __version__

CACHE_DIR_NAME = ".layercheck_cache"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by layercheck.\n"
_FORMAT = 1


def default_cache_dir(project_root: Path) -> Path:
    return project_root / CACHE_DIR_NAME


class Cache:
    """Results of earlier runs with the same settings, loaded once and saved once."""

    def __init__(self, directory: Path, settings_fingerprint: str) -> None:
        self.directory = directory
        self.file = directory / f"v{__version__}" / f"{settings_fingerprint}.json"
        self.entries: dict[str, list[Any]] = {}
        self.last_run: dict[str, Any] | None = None
        self.dirty = False
        self._load()

    def _load(self) -> None:
        try:
            with open(self.file, "rb") as handle:
                data = json.loads(handle.read())
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("format") != _FORMAT or data.get("version") != __version__:
            return
        entries = data.get("entries")
        if isinstance(entries, dict):
            self.entries = entries
        last_run = data.get("last_run")
        if isinstance(last_run, dict):
            self.last_run = last_run

    def get(self, path: str, digest: str) -> dict[str, Any] | None:
        """The cached record of `path` if its content still hashes to `digest`."""
        entry = self.entries.get(path)
        if entry is None or len(entry) != 2 or entry[0] != digest:
            return None
        record = entry[1]
        return record if isinstance(record, dict) else None

    def put(self, path: str, digest: str, record: dict[str, Any]) -> None:
        self.entries[path] = [digest, record]
        self.dirty = True

    def set_last_run(self, key: str, result: dict[str, Any]) -> None:
        self.last_run = {"key": key, "result": result}
        self.dirty = True

    def last_run_result(self, key: str) -> dict[str, Any] | None:
        if self.last_run is None or self.last_run.get("key") != key:
            return None
        result = self.last_run.get("result")
        return result if isinstance(result, dict) else None

    def save(self) -> None:
        """Write atomically; a cache that cannot be written is silently skipped."""
        if not self.dirty:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            self._mark_directory()
            payload = json.dumps(
                {"format": _FORMAT, "version": __version__, "entries": self.entries, "last_run": self.last_run},
                separators=(",", ":"),
            )
            fd, temporary = tempfile.mkstemp(dir=self.file.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(payload)
                os.replace(temporary, self.file)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            return
        self.dirty = False

    def _mark_directory(self) -> None:
        gitignore = self.directory / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("# Automatically created by layercheck.\n*\n")
        tag = self.directory / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text(_TAG)


def clean(directory: Path) -> bool:
    """Remove a cache directory; True when something was removed."""
    import shutil

    if not (directory / "CACHEDIR.TAG").exists() and not directory.name == CACHE_DIR_NAME:
        return False
    if not directory.exists():
        return False
    shutil.rmtree(directory, ignore_errors=True)
    return True

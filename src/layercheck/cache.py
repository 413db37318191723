"""The on-disk cache: per-file results keyed by content hash, plus the last run's answer.

Layout (as ruff's): `.layercheck_cache/` holds a `.gitignore` (`*`) and a `CACHEDIR.TAG`, and
per layercheck version and settings fingerprint two files:

- `<fingerprint>.records`: a first line naming the format, a JSON header line, then the
  records' JSON texts end to end. The header maps each path to its content digest and where
  its record lies; a record is decoded only when a run asks for it, so a run that needs a
  few records never decodes the others. The header also keeps each file's size and
  modification time with its digest: a file whose stat is unchanged is not read and hashed
  again (a stat taken within a second of the file's last change is not trusted, as git
  does with racily clean files).
- `<fingerprint>.last.json`: the previous run's key and findings, so a run where nothing
  changed answers without reading a single record.

Writes go to a temporary file renamed into place, so two runs sharing a cache never see
half a file; a corrupt, foreign or old-version file, or a damaged record, is ignored (it is
JSON, never unpickled, so never trusted).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from layercheck import __version__

CACHE_DIR_NAME = ".layercheck_cache"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by layercheck.\n"
_FORMAT = 2
_MAGIC = f"layercheck-cache {_FORMAT} {__version__}\n".encode()
# A stat this close to the file's last change may miss a change within the same clock tick.
_RACY_NS = 1_000_000_000


def default_cache_dir(project_root: Path) -> Path:
    return project_root / CACHE_DIR_NAME


def digest(data: bytes) -> str:
    """The content digest files are keyed by."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def read_bytes(path: str) -> bytes | None:
    """A file's content (None when it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


class Cache:
    """Results of earlier runs with the same settings, loaded lazily and saved once."""

    def __init__(self, directory: Path, settings_fingerprint: str) -> None:
        self.directory = directory
        folder = directory / f"v{__version__}"
        self.file = folder / f"{settings_fingerprint}.records"
        self.last_file = folder / f"{settings_fingerprint}.last.json"
        # path -> [digest, offset, length] into the body of the records file.
        self._index: dict[str, list[Any]] = {}
        # path -> [size, mtime_ns, digest], for files whose stat can be trusted.
        self._stats: dict[str, list[Any]] = {}
        self._handle: IO[bytes] | None = None
        self._body: bytes | None = None
        self._body_start = 0
        # Records put (or kept from the body) in this run: path -> [digest, JSON bytes].
        self._fresh: dict[str, list[Any]] = {}
        self._last_run: dict[str, Any] | None = None
        self._last_loaded = False
        self.last_run: dict[str, Any] | None = None
        self.dirty = False
        self._load()

    # ----- reading -------------------------------------------------------------------------

    def _load(self) -> None:
        try:
            handle = open(self.file, "rb")  # noqa: SIM115  (kept open: the body is read lazily)
        except OSError:
            return
        header: Any = None
        try:
            if handle.readline() == _MAGIC:
                header = json.loads(handle.readline())
        except (OSError, ValueError):
            header = None
        if not isinstance(header, dict):
            handle.close()
            return
        index, stats = header.get("records"), header.get("stats")
        if isinstance(index, dict) and isinstance(stats, dict):
            self._index, self._stats = index, stats
            self._handle = handle
            self._body_start = handle.tell()
        else:
            handle.close()

    def _raw(self, path: str, digest_: str) -> bytes | None:
        entry = self._fresh.get(path)
        if entry is not None:
            return entry[1] if entry[0] == digest_ else None
        entry = self._index.get(path)
        if not isinstance(entry, list) or len(entry) != 3 or entry[0] != digest_:
            return None
        if self._body is None:
            if self._handle is None:
                return None
            try:
                self._handle.seek(self._body_start)
                self._body = self._handle.read()
            except OSError:
                self._body = b""
        offset, length = entry[1], entry[2]
        if not isinstance(offset, int) or not isinstance(length, int) or offset + length > len(self._body):
            return None
        return self._body[offset : offset + length]

    def get(self, path: str, digest_: str) -> dict[str, Any] | None:
        """The cached record of `path` if its content still hashes to `digest_`."""
        raw = self._raw(path, digest_)
        if raw is None:
            return None
        try:
            record = json.loads(raw)
        except ValueError:
            return None
        return record if isinstance(record, dict) else None

    def file_digest(self, path: str, read: Callable[[str], bytes | None] = read_bytes) -> str | None:
        """The content digest of a file, from its stat when that is unchanged since a
        digest was taken, else by reading it with `read` (None when it cannot be read)."""
        try:
            status = os.stat(path)
        except OSError:
            return None
        known = self._stats.get(path)
        if (
            isinstance(known, list)
            and len(known) == 3
            and known[0] == status.st_size
            and known[1] == status.st_mtime_ns
            and isinstance(known[2], str)
        ):
            return known[2]
        data = read(path)
        found = digest(data) if data is not None else None
        if found is not None and time.time_ns() - status.st_mtime_ns > _RACY_NS:
            self._stats[path] = [status.st_size, status.st_mtime_ns, found]
            self.dirty = True
        elif path in self._stats:
            del self._stats[path]
            self.dirty = True
        return found

    # ----- writing -------------------------------------------------------------------------

    def put(self, path: str, digest_: str, record: dict[str, Any]) -> None:
        self._fresh[path] = [digest_, json.dumps(record, separators=(",", ":")).encode()]
        self.dirty = True

    def set_last_run(self, key: str, result: dict[str, Any]) -> None:
        self._last_run = {"key": key, "result": result}
        self._last_loaded = True
        self.last_run = self._last_run
        self._write(self.last_file, json.dumps(self._last_run, separators=(",", ":")).encode())

    def last_run_result(self, key: str) -> dict[str, Any] | None:
        if not self._last_loaded:
            self._last_loaded = True
            try:
                with open(self.last_file, "rb") as handle:
                    data = json.loads(handle.read())
            except (OSError, ValueError):
                data = None
            self._last_run = data if isinstance(data, dict) else None
            self.last_run = self._last_run
        if self._last_run is None or self._last_run.get("key") != key:
            return None
        result = self._last_run.get("result")
        return result if isinstance(result, dict) else None

    def save(self) -> None:
        """Write the records file atomically; a cache that cannot be written is skipped.

        Records not put in this run are copied as the bytes they were read as."""
        if not self.dirty:
            return
        index: dict[str, list[Any]] = {}
        chunks: list[bytes] = []
        offset = 0
        for path in sorted({*self._index, *self._fresh}):
            if path not in self._fresh and not os.path.exists(path):
                continue  # the file is gone: so is its record
            fresh = self._fresh.get(path)
            if fresh is not None:
                entry_digest, raw = fresh[0], fresh[1]
            else:
                entry_digest = self._index[path][0] if isinstance(self._index[path], list) else None
                raw = self._raw(path, entry_digest) if isinstance(entry_digest, str) else None
            if raw is None:
                continue
            index[path] = [entry_digest, offset, len(raw)]
            chunks.append(raw)
            offset += len(raw)
        stats = {path: known for path, known in self._stats.items() if path in index or os.path.exists(path)}
        header = json.dumps({"records": index, "stats": stats}, separators=(",", ":")).encode()
        if self._write(self.file, b"".join([_MAGIC, header, b"\n", *chunks])):
            self.dirty = False

    def _write(self, target: Path, data: bytes) -> bool:
        import tempfile

        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._mark_directory()
            fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            return False
        return True

    def _mark_directory(self) -> None:
        gitignore = self.directory / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("# Automatically created by layercheck.\n*\n")
        tag = self.directory / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text(_TAG)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __del__(self) -> None:
        self.close()


def clean(directory: Path) -> bool:
    """Remove a cache directory; True when something was removed."""
    import shutil

    if not (directory / "CACHEDIR.TAG").exists() and not directory.name == CACHE_DIR_NAME:
        return False
    if not directory.exists():
        return False
    shutil.rmtree(directory, ignore_errors=True)
    return True

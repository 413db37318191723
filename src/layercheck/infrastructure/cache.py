"""The on-disk cache: per-file results keyed by content hash, plus the project's answers.

Layout (as ruff's): `.layercheck_cache/` holds a `.gitignore` (`*`) and a `CACHEDIR.TAG`, and
per layercheck version, settings fingerprint and working folder (records show paths from
it) four files, each naming the code that wrote it (the version, and for a working copy
the size and time of every module: editing a rule invalidates them):

- `<fingerprint>.records`: two lines naming the format and the code, a JSON line of stats,
  a JSON line of where the records lie, then the records' JSON texts end to end. The stats
  keep each file's size and modification time with its content digest: a file whose stat
  is unchanged is not read and hashed again (a stat taken within a second of the file's
  last change is not trusted, as git does with racily clean files). The index maps each
  path to its digest, the place of its record and the checksum of the record's bytes; the
  file is mapped, not read, and the index and each record are decoded only when a run
  asks for them, so a run where nothing changed reads the stats alone.
- `<fingerprint>.journal`: the records (and stats) of the last few runs that checked a few
  files, so that a run on one changed file writes a few kilobytes, not the whole records
  file; a run with many new records folds the journal into the records file.
- `<fingerprint>.answers.json`: every file's findings with what they depend on, and the
  root rules' findings (`application/answers.py`), behind a checksum of the JSON: a run of
  any scope whose files and dependencies did not change answers without reading a record,
  and a partial run leaves the answers of the other files valid.
- `<fingerprint>.files.json`: the project's Python files, with the modification time of
  every folder walked and `.gitignore` read to find them: while none changes, a run does
  not walk the project again.

Every write goes to a temporary file renamed into place, so two runs sharing a cache never
see half a file (the last one to finish wins, the other's records are merely missing); a
corrupt, foreign or old-version file, or a damaged record, is ignored (it is JSON, never
unpickled, so never trusted).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from layercheck.domain.version import __version__

CACHE_DIR_NAME = ".layercheck_cache"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by layercheck.\n"
_FORMAT = 10
_MAGIC = f"layercheck-cache {_FORMAT} {__version__}\n".encode()
# A stat this close to the file's last change may miss a change within the same clock tick.
_RACY_NS = 1_000_000_000
# Beyond this many journal records (or bytes), a save rewrites the records file instead.
_JOURNAL_MAX_RECORDS = 200
_JOURNAL_MAX_BYTES = 2 * 1024 * 1024


def default_cache_dir(project_root: Path) -> Path:
    return project_root / CACHE_DIR_NAME


def digest(data: bytes) -> str:
    """The content digest files are keyed by."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _short_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


@functools.cache
def _code_id() -> str:
    """Which layercheck code made a cache: the version says it for a release, this (the
    size and time of every module) for a working copy whose rules are being edited."""
    # The whole package (this module sits in `layercheck/infrastructure/`): a rule edited
    # in `layercheck/rules/` must not be answered from records its old code wrote.
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    entries: list[str] = []
    folders = [package]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as scan:
                for entry in scan:
                    if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                        folders.append(entry.path)
                    elif entry.name.endswith(".py"):
                        status = entry.stat()
                        entries.append(f"{entry.path}\0{status.st_size}\0{status.st_mtime_ns}")
        except OSError:
            continue
    return _short_hash("\n".join(sorted(entries)))


def _checksum(raw: bytes) -> str:
    """What a record's bytes hash to: any damage to them (a disk, another tool) shows."""
    return hashlib.blake2b(raw, digest_size=8).hexdigest()


def read_bytes(path: str) -> bytes | None:
    """A file's content (None when it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _stat_entry(value: Any) -> bool:
    """[size, mtime_ns, digest, markers]: the bits of the markers the content contains."""
    return (
        isinstance(value, list)
        and len(value) == 4
        and isinstance(value[0], int)
        and isinstance(value[1], int)
        and isinstance(value[2], str)
        and isinstance(value[3], int)
    )


class Cache:
    """Results of earlier runs with the same settings, loaded lazily and saved once."""

    def __init__(self, directory: Path, settings_fingerprint: str, markers: tuple[bytes, ...] = ()) -> None:
        self.directory = directory
        # Byte strings whose presence in each file is noted when the file is hashed.
        self.markers = markers
        folder = directory / f"v{__version__}"
        # Records hold paths as shown from the working folder: one set of files per folder.
        name = f"{settings_fingerprint}-{_short_hash(os.getcwd())}"
        self.file = folder / f"{name}.records"
        self.journal_file = folder / f"{name}.journal"
        self.answers_file = folder / f"{name}.answers.json"
        self.listing_file = folder / f"{name}.files.json"
        self._magic = _MAGIC + f"{_code_id()} {_short_hash(repr(markers))}\n".encode()
        # The records file's index, as read (decoded on first use, see `_index`).
        self._index_line: bytes | None = None
        self._decoded_index: dict[str, list[Any]] = {}
        self._body: Any = None  # the mapped records file (bytes-like), or None
        self._body_start = 0
        # path -> [digest, JSON bytes]: records from the journal, then those put in this run.
        self._journal: dict[str, list[Any]] = {}
        self._fresh: dict[str, list[Any]] = {}
        # path -> [size, mtime_ns, digest], for files whose stat can be trusted.
        self._stats: dict[str, list[Any]] = {}
        self._journal_stats: dict[str, list[Any]] = {}
        self._markers: dict[str, int] = {}
        self._answers: Any = None
        self._answers_loaded = False
        # Files `file_digest` had to read this run (their stat changed since the last).
        self.files_read = 0
        self.dirty = False
        self._load()
        self._load_journal()

    # ----- reading -------------------------------------------------------------------------

    def _load(self) -> None:
        try:
            handle = open(self.file, "rb")  # noqa: SIM115  (closed below; the map outlives it)
        except OSError:
            return
        with handle:
            try:
                if handle.readline() != _MAGIC or handle.readline() != self._magic[len(_MAGIC) :]:
                    return
                stats = json.loads(handle.readline())
                # Where the records lie is decoded only when a record is wanted: a run where
                # nothing changed needs the stats alone.
                index = handle.readline()
                start = handle.tell()
                import mmap

                body: Any = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):
                return
        if isinstance(stats, dict):
            self._stats, self._index_line = stats, index
            self._body, self._body_start = body, start
        else:
            body.close()

    @property
    def _index(self) -> dict[str, list[Any]]:
        """path -> [digest, offset, length, checksum] into the body of the records file."""
        if self._index_line is not None:
            try:
                index = json.loads(self._index_line)
            except ValueError:
                index = None
            self._index_line = None
            self._decoded_index = index if isinstance(index, dict) else {}
        return self._decoded_index

    def _load_journal(self) -> None:
        try:
            with open(self.journal_file, "rb") as handle:
                if handle.readline() != _MAGIC or handle.readline() != self._magic[len(_MAGIC) :]:
                    return
                data = json.loads(handle.read())
        except (OSError, ValueError):
            return
        records = data.get("records") if isinstance(data, dict) else None
        stats = data.get("stats") if isinstance(data, dict) else None
        if not isinstance(records, dict) or not isinstance(stats, dict):
            return
        for path, entry in records.items():
            if (
                isinstance(entry, list)
                and len(entry) == 3
                and all(isinstance(part, str) for part in entry)
                and _checksum(entry[1].encode()) == entry[2]
            ):
                self._journal[path] = [entry[0], entry[1].encode()]
        self._journal_stats = {path: entry for path, entry in stats.items() if _stat_entry(entry)}
        self._stats.update(self._journal_stats)

    def _raw(self, path: str, digest_: str) -> bytes | None:
        entry = self._fresh.get(path) or self._journal.get(path)
        if entry is not None:
            return entry[1] if entry[0] == digest_ else None
        entry = self._index.get(path)
        if self._body is None or not isinstance(entry, list) or len(entry) != 4 or entry[0] != digest_:
            return None
        offset, length = entry[1], entry[2]
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length < 0:
            return None
        start = self._body_start + offset
        if start + length > len(self._body):
            return None
        raw = bytes(self._body[start : start + length])
        return raw if _checksum(raw) == entry[3] else None  # a damaged record is not trusted

    def latest(self, path: str) -> dict[str, Any] | None:
        """The cached record of `path` for whatever content it had (to guess, while its
        new content is checked, what it will import)."""
        entry = self._fresh.get(path) or self._journal.get(path) or self._index.get(path)
        if not isinstance(entry, list) or not entry or not isinstance(entry[0], str):
            return None
        return self.get(path, entry[0])

    @property
    def is_empty(self) -> bool:
        """Whether no record is cached (a first run): every file will be checked."""
        return not self._index and not self._journal and not self._fresh

    def has(self, path: str, digest_: str | None) -> bool:
        """Whether a record of this content of `path` is cached (nothing is decoded)."""
        if digest_ is None:
            return False
        entry = self._fresh.get(path) or self._journal.get(path) or self._index.get(path)
        return isinstance(entry, list) and bool(entry) and entry[0] == digest_

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

    def file_digest(
        self,
        path: str,
        read: Callable[[str], bytes | None] = read_bytes,
        status: os.stat_result | None = None,
    ) -> str | None:
        """The content digest of a file, from its stat (taken here unless given) when that is
        unchanged since a digest was taken, else by reading it with `read` (None when it
        cannot be read). Which of the markers the content contains is noted (`markers_in`)."""
        if status is None:
            try:
                status = os.stat(path)
            except OSError:
                return None
        known = self._stats.get(path)
        if known is not None and _stat_entry(known) and known[0] == status.st_size and known[1] == status.st_mtime_ns:
            self._markers[path] = known[3]
            return str(known[2])
        data = read(path)
        self.files_read += 1
        if data is None:
            self._stats.pop(path, None)
            self._journal_stats.pop(path, None)
            return None
        found = digest(data)
        bits = self._markers[path] = sum(1 << i for i, marker in enumerate(self.markers) if marker in data)
        if time.time_ns() - status.st_mtime_ns > _RACY_NS:
            self._stats[path] = self._journal_stats[path] = [status.st_size, status.st_mtime_ns, found, bits]
            self.dirty = True
        else:
            # A stale entry is harmless (it never matches again): not worth a write.
            self._stats.pop(path, None)
            self._journal_stats.pop(path, None)
        return found

    # ----- writing -------------------------------------------------------------------------

    def markers_in(self, path: str) -> int | None:
        """The bits of the markers the file contained when its digest was taken this run
        (None when it was not), without reading it."""
        return self._markers.get(path)

    def put(self, path: str, digest_: str, record: dict[str, Any]) -> None:
        self._fresh[path] = [digest_, json.dumps(record, separators=(",", ":")).encode()]
        self.dirty = True

    def answers(self) -> Any:
        """What the last runs decided (`application/answers.py` checks it), or None."""
        if not self._answers_loaded:
            self._answers_loaded = True
            try:
                with open(self.answers_file, "rb") as handle:
                    if handle.readline() != _MAGIC or handle.readline() != self._magic[len(_MAGIC) :]:
                        return None
                    checksum = handle.readline().strip().decode("ascii", "replace")
                    payload = handle.read()
                if _checksum(payload) == checksum:  # a damaged answer is never trusted
                    self._answers = json.loads(payload)
            except (OSError, ValueError):
                self._answers = None
        return self._answers

    def set_answers(self, data: Any) -> None:
        payload = json.dumps(data, separators=(",", ":")).encode()
        self._answers, self._answers_loaded = data, True
        self._write(self.answers_file, self._magic + _checksum(payload).encode() + b"\n" + payload)

    def listing(self) -> Any:
        """What the last run kept of its walk of the project (`discovery.project_listing`
        checks it before using it), or None."""
        try:
            with open(self.listing_file, "rb") as handle:
                if handle.readline() != _MAGIC or handle.readline() != self._magic[len(_MAGIC) :]:
                    return None
                return json.loads(handle.read())
        except (OSError, ValueError):
            return None

    def set_listing(self, listing: dict[str, Any]) -> None:
        self._write(self.listing_file, self._magic + json.dumps(listing, separators=(",", ":")).encode())

    def save(self, present: Collection[str] | None = None) -> None:
        """Write what this run learnt; a cache that cannot be written is skipped.

        A few new records go to the journal; many, or a full journal, rewrite the records
        file with everything (records not put in this run are copied as the bytes they were
        read as), leaving out files that are gone (not in `present`, the project's files,
        when given)."""
        if not self.dirty:
            return
        journal = {**self._journal, **self._fresh}
        size = sum(len(entry[1]) for entry in journal.values())
        if self._body is not None and len(journal) <= _JOURNAL_MAX_RECORDS and size <= _JOURNAL_MAX_BYTES:
            saved = self._write_journal(journal)
        else:
            saved = self._compact(present)
        if saved:
            self.dirty = False

    def _write_journal(self, journal: dict[str, list[Any]]) -> bool:
        records = {path: [entry[0], entry[1].decode(), _checksum(entry[1])] for path, entry in journal.items()}
        payload = json.dumps({"records": records, "stats": self._journal_stats}, separators=(",", ":"))
        return self._write(self.journal_file, self._magic + payload.encode())

    def _compact(self, present: Collection[str] | None) -> bool:
        def exists(path: str) -> bool:
            return path in present if present is not None else os.path.exists(path)

        index: dict[str, list[Any]] = {}
        chunks: list[bytes] = []
        offset = 0
        for path in sorted({*self._index, *self._journal, *self._fresh}):
            if path not in self._fresh and not exists(path):
                continue  # the file is gone: so is its record
            entry = self._fresh.get(path) or self._journal.get(path)
            if entry is not None:
                entry_digest, raw = entry[0], entry[1]
            else:
                entry_digest = self._index[path][0] if isinstance(self._index[path], list) else None
                raw = self._raw(path, entry_digest) if isinstance(entry_digest, str) else None
            if raw is None:
                continue
            index[path] = [entry_digest, offset, len(raw), _checksum(raw)]
            chunks.append(raw)
            offset += len(raw)
        stats = {path: known for path, known in self._stats.items() if path in index or exists(path)}
        header = [json.dumps(part, separators=(",", ":")).encode() + b"\n" for part in (stats, index)]
        self.close()  # where a mapped file cannot be replaced (Windows), unmap it first
        if not self._write(self.file, b"".join([self._magic, *header, *chunks])):
            return False
        try:
            self.journal_file.unlink()  # folded into the records file
        except OSError:
            pass
        return True

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
        if self._body is not None:
            self._body.close()
            self._body = None

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

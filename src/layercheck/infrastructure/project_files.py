"""The project's files that are not Python modules, for the rules about the project as a whole.

An adapter (it reads the disk and may ask `git`), so the root rules themselves touch nothing:
through the `ProjectFiles` port they ask which dependency files exist, what `.env.example`
holds, and whether `.env` is tracked or ignored. Files are looked for in the project root and, when the project
sits in a git repository below its top (a `backend/` folder), in the folders up to the top:
`.env` usually lives beside `docker-compose.yml` at the top.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from layercheck.engine.source import SourceError, read_bytes
from layercheck.infrastructure.discovery import gitignore_spec

if TYPE_CHECKING:
    import pathspec

_GIT_TIMEOUT = 10


class DiskProjectFiles:
    """Non-Python files of one project root, read lazily, each at most once."""

    def __init__(self, root: Path, display: Callable[[Path], str]) -> None:
        self.root = root.resolve()
        self._display = display
        self._texts: dict[Path, str | None] = {}
        # Every path looked at (found or not), so a cached answer can be checked for staleness.
        self.consulted: set[Path] = set()

    # ----- where to look -------------------------------------------------------------------

    @cached_property
    def repository_top(self) -> Path | None:
        """The nearest folder at or above the root holding `.git` (None outside git)."""
        for folder in (self.root, *self.root.parents):
            if (folder / ".git").exists():
                return folder
        return None

    @cached_property
    def folders(self) -> list[Path]:
        """The root, then its parents up to the repository top: where `.env` files may live."""
        top = self.repository_top
        if top is None or top == self.root:
            return [self.root]
        chain = [self.root]
        for folder in self.root.parents:
            chain.append(folder)
            if folder == top:
                break
        return chain

    def display(self, path: Path) -> str:
        """A path as findings show it (relative to the working folder when below it)."""
        return self._display(path)

    def find(self, names: tuple[str, ...], beside: list[Path] | None = None) -> Path | None:
        """The first of `names` found in the root, then its parents up to the repository
        top, then in the folders `beside` (modules' folders) and theirs up to the root."""
        for folder in [*self.folders, *self._up_to_root(beside or [])]:
            for name in names:
                path = folder / name
                self.consulted.add(path)
                if path.is_file():
                    return path
        return None

    def find_near(self, names: tuple[str, ...], folder: Path) -> Path | None:
        """The first of `names` found in `folder` or a folder above it, up to the root and
        then to the repository top: the file nearest to a module."""
        for candidate in [*self._up_to_root([folder]), *self.folders]:
            for name in names:
                path = candidate / name
                self.consulted.add(path)
                if path.is_file():
                    return path
        return None

    def _up_to_root(self, folders: list[Path]) -> list[Path]:
        chain: list[Path] = []
        for folder in folders:
            folder = folder.resolve()
            while folder != self.root and self.root in folder.parents:
                if folder not in chain:
                    chain.append(folder)
                folder = folder.parent
        return chain

    def root_files(self) -> list[Path]:
        """The files directly in the project root, sorted."""
        try:
            return sorted(path for path in self.root.iterdir() if path.is_file())
        except OSError:
            return []

    def files_in(self, folder: str) -> list[Path]:
        """The files directly in a folder of the root (`requirements/`), sorted."""
        path = self.root / folder
        if not path.is_dir():
            return []
        try:
            return sorted(item for item in path.iterdir() if item.is_file())
        except OSError:
            return []

    def text(self, path: Path) -> str | None:
        """A file's text (None when it cannot be read); undecodable bytes are replaced."""
        if path not in self._texts:
            self.consulted.add(path)
            try:  # a regular file only: a FIFO or a device named `.env` must not hang the run
                self._texts[path] = read_bytes(str(path)).decode("utf-8", "replace")
            except SourceError:
                self._texts[path] = None
        return self._texts[path]

    # ----- git -----------------------------------------------------------------------------

    def _git(self, folder: Path, *args: str) -> int | None:
        """`git args` run in `folder`: its exit status, or None when git cannot answer."""
        # Imported here: a run answered from the cache never asks git.
        import shutil
        import subprocess

        executable = shutil.which("git")
        if executable is None or self.repository_top is None:
            return None
        try:
            completed = subprocess.run(
                [executable, *args],
                cwd=folder,
                capture_output=True,
                timeout=_GIT_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return completed.returncode if completed.returncode in (0, 1) else None

    def is_tracked(self, path: Path) -> bool | None:
        """Whether git tracks the file (None outside a repository or without git)."""
        status = self._git(path.parent, "ls-files", "--error-unmatch", "--", path.name)
        return None if status is None else status == 0

    def is_ignored(self, path: Path) -> bool:
        """Whether git ignores the file: `git check-ignore`, else the `.gitignore` files."""
        status = self._git(path.parent, "check-ignore", "-q", "--", path.name)
        if status is not None:
            return status == 0
        return self._ignored_by_gitignore_files(path)

    def _ignored_by_gitignore_files(self, path: Path) -> bool:
        top = self.repository_top or self.root
        folders = [folder for folder in (path.parent, *path.parent.parents) if folder == top or top in folder.parents]
        ignored = False
        for folder in reversed(folders):  # the deeper .gitignore has the last word
            spec = self._gitignore(folder)
            if spec is None:
                continue
            result = spec.check_file(path.relative_to(folder).as_posix())
            if result.include is not None:  # some pattern (or a `!` negation) matched
                ignored = bool(result.include)
        return ignored

    def _gitignore(self, folder: Path) -> pathspec.GitIgnoreSpec | None:
        text = self.text(folder / ".gitignore")
        if text is None:
            return None
        return gitignore_spec(text.splitlines())

    # ----- for the run's cache key ---------------------------------------------------------

    @staticmethod
    def digest_of(paths: list[str]) -> str:
        """A digest of the existence, size and modification time of each path."""
        hasher = hashlib.blake2b(digest_size=12)
        for path in paths:
            try:
                stat = os.stat(path)
                hasher.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
            except OSError:
                hasher.update(f"{path}\0-\n".encode())
        return hasher.hexdigest()

    def inputs_digest(self) -> str:
        """A digest of what the root rules read from the disk and from git (names, sizes,
        modification times), so a reused last-run answer is never stale."""
        hasher = hashlib.blake2b(digest_size=12)
        for folder in self.folders:
            try:
                entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
            except OSError:
                continue
            for entry in entries:
                name = entry.name
                if not name.startswith((".env", ".gitignore", "requirements", "setup.", "Pipfile")):
                    continue
                try:
                    stat = entry.stat()
                except OSError:
                    continue
                hasher.update(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        for path in self.files_in("requirements"):
            try:
                stat = path.stat()
            except OSError:
                continue
            hasher.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        if self.repository_top is not None and any((folder / ".env").exists() for folder in self.folders):
            # `git add`/`git rm --cached` change whether `.env` is tracked.
            index = self.repository_top / ".git" / "index"
            try:
                hasher.update(f"{index.stat().st_mtime_ns}".encode())
            except OSError:
                pass
        return hasher.hexdigest()

"""Which files to check: Python files below the given paths, minus what is excluded.

Folders are walked without following symlinked folders (so a symlink loop or a link out of
the tree is never entered). `.gitignore` files are honoured at every level, as git does,
and so are the `exclude`/`extend-exclude` globs. A file named explicitly on the command
line is always checked.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import translate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from layercheck.domain.layers import glob_to_regex
from layercheck.domain.settings import Settings

if TYPE_CHECKING:
    import pathspec

PYTHON_SUFFIXES = (".py", ".pyi")


def gitignore_spec(lines: list[str]) -> pathspec.GitIgnoreSpec:
    """The patterns of a `.gitignore`; a line git cannot read (`!` alone) is skipped, as git does."""
    import pathspec  # only for a project with a `.gitignore` (a warm run imports little)

    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except ValueError:
        valid = []
        for line in lines:
            try:
                pathspec.GitIgnoreSpec.from_lines([line])
            except ValueError:
                continue
            valid.append(line)
        return pathspec.GitIgnoreSpec.from_lines(valid)


@dataclass(frozen=True)
class _IgnoreFile:
    base: str  # folder of the .gitignore, absolute, with a trailing separator
    spec: pathspec.GitIgnoreSpec


class Excluder:
    """Decides whether a path is excluded by globs or by `.gitignore` files."""

    def __init__(self, settings: Settings) -> None:
        self.root = settings.project_root.resolve()
        self.respect_gitignore = settings.respect_gitignore
        self.name_globs: list[str] = []
        self.path_regexes = []
        for glob in (*settings.exclude, *settings.extend_exclude):
            if "/" in glob.strip("/"):
                self.path_regexes.append(glob_to_regex(glob.strip("/")))
            else:
                self.name_globs.append(glob.strip("/"))
        self._ignore_files: dict[str, _IgnoreFile | None] = {}
        # All name globs as one pattern, as `fnmatch` matches each (case-normalised names).
        self._names = (
            re.compile("|".join(f"(?:{translate(os.path.normcase(glob))})" for glob in self.name_globs))
            if self.name_globs
            else None
        )

    def _relative(self, path: Path) -> str | None:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return None

    def excluded_by_globs(self, path: Path) -> bool:
        if self._names is not None and self._names.match(os.path.normcase(path.name)):
            return True
        if not self.path_regexes:
            return False
        relative = self._relative(path)
        if relative is None:
            return False
        return any(regex.match(relative) for regex in self.path_regexes)

    def _ignore_file(self, folder: str) -> _IgnoreFile | None:
        if folder in self._ignore_files:
            return self._ignore_files[folder]
        loaded = None
        gitignore = os.path.join(folder, ".gitignore")
        if os.path.isfile(gitignore):
            try:
                with open(gitignore, encoding="utf-8", errors="replace") as handle:
                    spec = gitignore_spec(handle.read().splitlines())
                loaded = _IgnoreFile(folder.rstrip(os.sep) + os.sep, spec)
            except OSError:
                loaded = None
        self._ignore_files[folder] = loaded
        return loaded

    def ignored_by_git(self, path: Path, is_dir: bool, ignore_files: list[_IgnoreFile]) -> bool:
        if not self.respect_gitignore:
            return False
        full = str(path)
        for ignore in ignore_files:
            if not full.startswith(ignore.base):
                continue
            relative = full[len(ignore.base) :].replace(os.sep, "/")
            if is_dir:
                relative += "/"
            if ignore.spec.match_file(relative):
                return True
        return False

    def ignore_files_for(self, folder: Path) -> list[_IgnoreFile]:
        """The .gitignore files that apply inside `folder` (from the project root down)."""
        if not self.respect_gitignore:
            return []
        chain: list[_IgnoreFile] = []
        folders = [folder, *folder.parents]
        for ancestor in reversed(folders):
            if ancestor != self.root and self.root not in ancestor.parents:
                continue
            loaded = self._ignore_file(str(ancestor))
            if loaded is not None:
                chain.append(loaded)
        return chain


def _walk(
    folder: Path, excluder: Excluder, ignore_files: list[_IgnoreFile], entered: dict[str, int] | None = None
) -> Iterator[Path]:
    if entered is not None:
        try:  # before the listing: a change made while it is read shows next time
            entered[str(folder)] = os.stat(folder).st_mtime_ns
        except OSError:
            return
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return
    own = excluder._ignore_file(str(folder)) if excluder.respect_gitignore else None
    if own is not None and own not in ignore_files:
        ignore_files = [*ignore_files, own]
    for entry in entries:
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        if not is_dir and not entry.name.endswith(PYTHON_SUFFIXES):
            continue  # never checked, whatever the excludes say
        path = Path(entry.path)
        if excluder.excluded_by_globs(path):
            continue
        if excluder.ignored_by_git(path, is_dir, ignore_files):
            continue
        if is_dir:
            yield from _walk(path, excluder, ignore_files, entered)
        elif entry.name.endswith(PYTHON_SUFFIXES):
            yield path


def discover(paths: Iterable[Path], settings: Settings, entered: dict[str, int] | None = None) -> list[Path]:
    """Absolute paths of the Python files to check, sorted, each once; the folders the walk
    went into are added to `entered` (with their modification times), when given."""
    excluder = Excluder(settings)
    found: dict[Path, None] = {}
    for given in paths:
        path = Path(os.path.abspath(given))
        if path.is_dir() and not path.is_symlink():
            if excluder.excluded_by_globs(path) and path != excluder.root:
                continue
            for file in _walk(path, excluder, excluder.ignore_files_for(path), entered):
                found.setdefault(file, None)
        else:
            # Named explicitly (even if excluded, missing or not a .py file): checked, and a
            # missing one is reported as unreadable rather than silently skipped; with
            # `force-exclude` (as pre-commit hooks use) the excludes apply to it too.
            if settings.force_exclude and _excluded_explicitly(path, excluder):
                continue
            found.setdefault(path, None)
    return sorted(found)


def _excluded_explicitly(path: Path, excluder: Excluder) -> bool:
    """Whether a named file, or a folder above it, is excluded by globs or `.gitignore`."""
    candidates = [path, *(p for p in path.parents if excluder.root in p.parents)]
    if any(excluder.excluded_by_globs(candidate) for candidate in candidates):
        return True
    for candidate in candidates:
        ignore_files = excluder.ignore_files_for(candidate.parent)
        if excluder.ignored_by_git(candidate, candidate != path, ignore_files):
            return True
    return False


def below(files: list[str], folders: Iterable[str]) -> list[str]:
    """The files (sorted, as `discover` returns them) below any of `folders` (absolute)."""
    prefixes = tuple(folder.rstrip(os.sep) + os.sep for folder in folders)
    return [path for path in files if path.startswith(prefixes)]


def path_order(path: str) -> list[str]:
    """The sort key that orders path strings as `discover` orders its `Path`s (part by part,
    as the platform compares names)."""
    return os.path.normcase(path).split(os.sep)


def project_files(settings: Settings) -> list[Path]:
    """Every Python file of the project, for the project index."""
    return discover([settings.project_root], settings)


# A folder changed this close to its listing may change again within the same clock tick.
_RACY_NS = 1_000_000_000


@dataclass
class Listing:
    """The project's Python files (absolute, as strings: a warm run asks nothing a `Path`
    answers, and making thousands of them costs more than the rest of its look at the tree),
    the folders walked to find them, and what to keep for the next run (None when the
    listing was reused, or is too fresh to trust)."""

    files: list[str]
    entered: dict[str, int]
    saved: dict[str, Any] | None


def project_listing(settings: Settings, saved: Any = None) -> Listing:
    """`project_files`, with the folders walked; reused from `saved` (what an earlier run
    kept) when no folder walked and no `.gitignore` read has changed since: files come and
    go, and folders are excluded or ignored, only by changing one of those."""
    key = _listing_key(settings)
    if _listing_holds(saved, key):
        return Listing(list(saved["files"]), saved["folders"], None)
    excluder = Excluder(settings)
    entered: dict[str, int] = {}
    root = Path(os.path.abspath(settings.project_root))
    files = list(map(str, sorted(dict.fromkeys(_walk(root, excluder, excluder.ignore_files_for(root), entered)))))
    ignores: dict[str, list[int]] = {}
    for folder, loaded in excluder._ignore_files.items():
        if loaded is not None:
            try:
                status = os.stat(os.path.join(folder, ".gitignore"))
            except OSError:
                return Listing(files, entered, None)
            ignores[os.path.join(folder, ".gitignore")] = [status.st_mtime_ns, status.st_size]
    now = time.time_ns()
    times = [*entered.values(), *(entry[0] for entry in ignores.values())]
    if any(now - mtime < _RACY_NS for mtime in times):
        return Listing(files, entered, None)
    return Listing(files, entered, {"key": key, "folders": entered, "ignores": ignores, "files": list(files)})


def _listing_key(settings: Settings) -> str:
    return json.dumps(
        [str(settings.project_root), settings.exclude, settings.extend_exclude, settings.respect_gitignore]
    )


def _listing_holds(saved: Any, key: str) -> bool:
    if not isinstance(saved, dict) or saved.get("key") != key:
        return False
    folders, ignores, files = saved.get("folders"), saved.get("ignores"), saved.get("files")
    if not isinstance(folders, dict) or not isinstance(ignores, dict) or not isinstance(files, list):
        return False
    try:
        for folder, mtime in folders.items():
            if os.stat(folder).st_mtime_ns != mtime:
                return False
        for path, known in ignores.items():
            status = os.stat(path)
            if known != [status.st_mtime_ns, status.st_size]:
                return False
    except (OSError, TypeError, ValueError):
        return False
    return all(isinstance(path, str) for path in files)


def split_undecodable(files: list[str]) -> tuple[list[str], list[str]]:
    """`files` without those whose name is not valid UTF-8 (no module name, cache entry or
    output format can carry it), and those names made printable, for a warning."""
    kept: list[str] = []
    skipped: list[str] = []
    for path in files:
        name = os.fspath(path)
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            skipped.append(os.fsencode(name).decode("utf-8", "replace"))
            continue
        kept.append(path)
    return kept, skipped

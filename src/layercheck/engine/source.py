"""Reading and decoding a source file the way Python itself would."""

from __future__ import annotations

import errno
import io
import os
import stat
import tokenize
from dataclasses import dataclass

# Larger files are not even read (the parser would need far more memory than this).
MAX_FILE_BYTES = 32 * 1024 * 1024


class SourceError(Exception):
    """The file cannot be read or decoded; the message says why, for an LC001 finding."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Source:
    """A decoded file: its text and how to encode it back byte for byte."""

    text: str
    encoding: str  # the codec, without the BOM marker ("utf-8", "latin-1", ...)
    has_bom: bool


def decode(data: bytes) -> Source:
    """Decode bytes as Python would: BOM, PEP 263 coding declaration, else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if "invalid or missing encoding declaration" in str(error):
            encoding = "utf-8"  # bytes that are not UTF-8 in the first two lines: say where below
        else:
            raise SourceError(f"cannot detect the encoding: {error}") from None
    has_bom = encoding == "utf-8-sig"
    codec = "utf-8" if has_bom else encoding
    body = data[3:] if has_bom else data
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        column = error.start - (body.rfind(b"\n", 0, error.start) + 1) + 1
        declared = "" if codec != "utf-8" or has_bom else " (and no coding declaration)"
        raise SourceError(
            f"cannot decode as {codec}{declared}: invalid byte 0x{body[error.start]:02x}", line, column
        ) from None
    except LookupError:
        raise SourceError(f"unknown encoding `{codec}` in the coding declaration") from None
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        raise SourceError("the file contains a NUL byte", line, offset - (text.rfind("\n", 0, offset) + 1) + 1)
    return Source(text=text, encoding=codec, has_bom=has_bom)


def read_bytes(path: str) -> bytes:
    """The bytes of a regular file; anything else raises a SourceError that says what it is.

    The file is opened without blocking and checked on the open descriptor, so a FIFO or a
    device named `x.py` is refused instead of hanging the run, even if it replaced the file
    after discovery.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        if os.path.islink(path):
            raise SourceError(f"dangling symlink to `{os.readlink(path)}`") from None
        raise SourceError("file not found (deleted during the run?)") from None
    except IsADirectoryError:
        raise SourceError("is a directory, not a file") from None
    except PermissionError:
        raise SourceError("permission denied") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise SourceError("symlink loop") from None
        raise SourceError(f"cannot read: {error.strerror or error}") from None
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            what = "a symlink to a folder (not followed)" if os.path.islink(path) else "a directory, not a file"
            raise SourceError(f"is {what}")
        if not stat.S_ISREG(status.st_mode):
            raise SourceError("not a regular file (a FIFO, socket or device)")
        if status.st_size > MAX_FILE_BYTES:
            size = status.st_size / (1024 * 1024)
            raise SourceError(f"file too large to check: {size:.0f} MiB (the limit is {MAX_FILE_BYTES // 2**20} MiB)")
        # Sized by the file (a read sized by the limit would allocate the limit every time),
        # read on until the end in case it grew meanwhile.
        chunks = []
        wanted = status.st_size + 1
        total = 0
        while total <= MAX_FILE_BYTES:
            chunk = os.read(descriptor, min(wanted, MAX_FILE_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            wanted = 1 << 16
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)  # also b"" for an empty file
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    if len(data) > MAX_FILE_BYTES:
        raise SourceError(f"file too large to check: more than {MAX_FILE_BYTES // 2**20} MiB")
    return data


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _real_folder(folder: str, folders: dict[str, str]) -> str:
    """`os.path.realpath(folder)` for an absolute, normalized folder, memoized in `folders`:
    from its parent's resolved path, so each folder of a tree costs one `lstat`, not one per
    component of its path (a warm run resolves every folder of the project)."""
    known = folders.get(folder)
    if known is not None:
        return known
    parent, name = os.path.split(folder)
    if not name or parent == folder or os.path.islink(folder):
        real = os.path.realpath(folder)
    else:
        real = os.path.join(_real_folder(parent, folders), name)
    folders[folder] = real
    return real


def escapes(path: str, root: str, folders: dict[str, str] | None = None, link: bool | None = None) -> bool:
    """Whether `path`, found in the tree below `root`, is a symlink (or sits below one) that
    leads out of it. A file named outside the tree is not an escape.

    `folders` memoizes resolved folders (and the root) across the files of one run; `link`
    says whether the file itself is a symlink, when the caller knows (from its `lstat`)."""
    absolute = os.path.abspath(path)
    if folders is None:
        real_root = os.path.realpath(root)
        real = os.path.realpath(absolute)
        absolute_root = os.path.abspath(root)
    else:
        real_root = folders.get(root) or folders.setdefault(root, os.path.realpath(root))
        key = "\0" + root  # no folder is named so: the root's absolute spelling
        absolute_root = folders.get(key) or folders.setdefault(key, os.path.abspath(root))
        folder, name = os.path.split(absolute)
        real_folder = _real_folder(folder, folders)
        # Below a resolved folder, only the file itself can still be a link.
        if link is None:
            link = os.path.islink(absolute)
        real = os.path.realpath(absolute) if link else os.path.join(real_folder, name)
    if not (_within(absolute, absolute_root) or _within(absolute, real_root)):
        return False
    return not _within(real, real_root)


def read_tree_file(path: str, root: str, folders: dict[str, str] | None = None) -> bytes:
    """`read_bytes` for a file of the checked tree: a symlink out of the tree is not read.
    `folders` memoizes resolved folders across the files of a run (see `escapes`)."""
    if escapes(path, root, folders):
        raise SourceError("symlink points outside the checked tree (not followed)")
    return read_bytes(path)


def read_source(path: str, root: str | None = None) -> Source:
    """Read and decode a file; any failure becomes a SourceError naming the cause."""
    return decode(read_tree_file(path, root) if root is not None else read_bytes(path))

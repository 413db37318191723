"""Writing a file in one step, so that no reader (an editor, another run) sees half of it."""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import suppress


def write_atomically(path: str, data: bytes) -> None:
    """Replace the file's content at once: a temporary file in the same folder, then a rename.

    An existing file keeps its mode (and, where allowed, its owner); a symlink stays a link
    and its target is written.
    """
    target = os.path.realpath(path)
    folder, name = os.path.split(target)
    try:
        status: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        status = None
    handle, temporary = tempfile.mkstemp(dir=folder or ".", prefix=f".{name}.", suffix=".layercheck")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if status is not None:
            os.chmod(temporary, stat.S_IMODE(status.st_mode))
            if hasattr(os, "chown"):
                with suppress(OSError):
                    os.chown(temporary, status.st_uid, status.st_gid)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise

"""Reading and decoding a source file the way Python itself would."""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass


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
        raise SourceError(f"cannot detect the encoding: {error}") from None
    has_bom = encoding == "utf-8-sig"
    codec = "utf-8" if has_bom else encoding
    body = data[3:] if has_bom else data
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        column = error.start - (body.rfind(b"\n", 0, error.start) + 1) + 1
        raise SourceError(
            f"cannot decode as {codec}: invalid byte 0x{body[error.start]:02x}", line, column
        ) from None
    except LookupError:
        raise SourceError(f"unknown encoding `{codec}` in the coding declaration") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SourceError("the file contains a NUL byte", line)
    return Source(text=text, encoding=codec, has_bom=has_bom)


def read_source(path: str) -> Source:
    """Read and decode a file; any failure becomes a SourceError naming the cause."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except IsADirectoryError:
        raise SourceError("is a directory, not a file") from None
    except FileNotFoundError:
        raise SourceError("file not found (missing, or a dangling symlink)") from None
    except PermissionError:
        raise SourceError("permission denied") from None
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None
    return decode(data)

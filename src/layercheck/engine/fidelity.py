"""libcst's known gaps on valid code, and how they are bridged or reported.

- libcst drops a few characters it has no place for in its tree: a form feed before the
  first token of a line (`\\f` then code), the indentation around it, a line continuation at
  the very start of a file. Positions are measured on the code libcst generates, so after a
  dropped character every position in the file would be off by it, and a fix would edit the
  wrong characters. `Realignment` maps offsets in the generated code back onto the file.
- libcst 1.9's node validation rejects (`CSTLogicError`, "Logic error!") a Python 3.14
  t-string concatenated to the string before it (`t"a" t"b"`), which its parser reads
  correctly: layercheck parses without that validation (`native_parse.py`), so such files
  are checked. Any other error of the parser becomes LC001 through `parser_failure`.
"""

from __future__ import annotations

import libcst as cst


def may_differ(source: str) -> bool:
    """Whether libcst might regenerate `source` with characters missing (cheap to ask)."""
    return "\f" in source or source.lstrip(" \t").startswith("\\")


class Realignment:
    """Offsets in libcst's generated code -> offsets in the source text."""

    def __init__(self, offsets: list[int]) -> None:
        self.offsets = offsets

    def start(self, offset: int) -> int:
        return self.offsets[min(offset, len(self.offsets) - 1)]

    def end(self, offset: int) -> int:
        """An exclusive end: just after the source character of the last generated one."""
        if offset <= 0:
            return self.offsets[0]
        return self.offsets[min(offset, len(self.offsets) - 1) - 1] + 1

    def span(self, offsets: tuple[int, int]) -> tuple[int, int]:
        start, end = offsets
        return (self.start(start), self.end(end)) if end > start else (self.start(start), self.start(start))


def realignment(module: cst.Module, source: str, newline: str = "") -> Realignment | None:
    """None when libcst's code for `module` is `source` (the usual case); else the mapping.

    `newline` is appended to both texts when libcst counts a final newline the file lacks.
    """
    if not may_differ(source):
        return None
    generated = module.code
    if generated == source:
        return None
    generated += newline
    text = source + newline
    offsets: list[int] = []
    position = 0
    for character in generated:
        # Characters are only dropped, never added: skip the dropped ones in the source.
        found = text.find(character, position)
        if found < 0:
            return None  # not a pure deletion: keep the positions as generated
        offsets.append(found)
        position = found + 1
    offsets.append(len(text) if position >= len(text) else position)
    return Realignment(offsets)


def parser_failure(text: str, error: Exception) -> tuple[str, int, int]:
    """The LC001 message, line and column for an error other than a syntax error that
    libcst's parser raised on `text`."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"cannot parse: {first}", 1, 1

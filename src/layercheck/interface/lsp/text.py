"""Plain text operations behind the editor's code actions: lines, changes, `# noqa`.

Positions here are layercheck's (1-based line, 1-based column in characters); nothing
here knows the protocol.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from layercheck.domain.diagnostics import Edit
from layercheck.domain.noqa import addition_edit, comment_lines

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split only at `\\n`, `\\r\\n` and `\\r` (as the protocol
    and the parser count lines; `str.splitlines` would also split at form feeds)."""
    return _LINE.findall(text)


def strip_ending(line: str) -> str:
    return line.rstrip("\r\n")


@dataclass(frozen=True)
class LineChange:
    """Replace lines [start, end) (0-based) with `text`: the smallest whole-line change."""

    start: int
    end: int
    text: str


def line_change(old: str, new: str) -> LineChange | None:
    """The lines that differ between two texts, as one change (None when equal)."""
    if old == new:
        return None
    before, after = split_lines(old), split_lines(new)
    head = 0
    while head < min(len(before), len(after)) and before[head] == after[head]:
        head += 1
    tail = 0
    while (
        tail < min(len(before), len(after)) - head
        and before[len(before) - 1 - tail] == after[len(after) - 1 - tail]
    ):
        tail += 1
    return LineChange(head, len(before) - tail, "".join(after[head : len(after) - tail]))


def suppression_edit(text: str, lines: tuple[int, ...], code: str) -> Edit | None:
    """The edit that suppresses `code` on the first of `lines` (a finding's first line,
    then its last) that can end in a comment: it extends the line's noqa list or
    layercheck ignore list, or appends a new noqa comment naming `code`. None when no such line
    can take a comment (its end is inside a multi-line string, or after a backslash)."""
    all_lines = split_lines(text)
    found = comment_lines(text)
    for number in dict.fromkeys(lines):
        if not 1 <= number <= len(all_lines):
            continue
        line = strip_ending(all_lines[number - 1])
        if found is None:
            if line.rstrip().endswith("\\"):
                continue
            comment = None
        else:
            usable, comments = found
            if number not in usable:
                continue
            comment = comments.get(number)
        return addition_edit(number, line, comment, [code])
    return None

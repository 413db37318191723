"""Suppression comments as text: dropping unused codes (LC002's fix) and adding new ones
(`--add-noqa`).

Both produce plain `Edit`s on one line, so the fixer applies them like any rule's fix and
the JSON output carries them for editors. Nothing here imports libcst: the lines where a
comment may go are found with the standard tokenizer.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable

from layercheck.domain.diagnostics import Edit, Span
from layercheck.domain.facts import Suppression

# A directive inside a comment: a `noqa` list (any tool's codes) or `layercheck: ignore[...]`.
_NOQA = re.compile(
    r"#\s*noqa\s*:\s*(?P<codes>[A-Za-z]+[0-9][A-Za-z0-9]*(?:[\s,]+[A-Za-z]+[0-9][A-Za-z0-9]*)*)", re.IGNORECASE
)
_IGNORE = re.compile(r"#\s*layercheck\s*:\s*ignore\[(?P<codes>[^\]]*)\]")
_SPLIT = re.compile(r"[\s,]+")


def _codes(raw: str) -> list[str]:
    return [code for code in _SPLIT.split(raw.strip()) if code]


def _join(codes: Iterable[str], written: str) -> str:
    """Codes joined the way the directive already separates them (`, ` by default)."""
    separator = " " if written.strip() and "," not in written and " " in written.strip() else ", "
    return separator.join(codes)


def removal_edit(suppression: Suppression, drop: Iterable[str]) -> Edit | None:
    """The edit that removes `drop` from a suppression, or the whole directive when no code
    is left; None when the line is unknown (a record from an older cache)."""
    text = suppression.text
    start, end = suppression.column - 1, suppression.end_column - 1
    directive = text[start:end]
    match = _NOQA.match(directive) or _IGNORE.match(directive)
    if not text or match is None:
        return None
    dropped = set(drop)
    written = match.group("codes")
    # A `noqa` list may also name other tools' codes (`E501`): those stay.
    kept = [code for code in _codes(written) if code not in dropped]
    line = suppression.line
    if kept:
        first, last = start + match.start("codes"), start + match.end("codes")
        return Edit(Span.of(line, first + 1, line, last + 1), _join(kept, written))
    before, after = text[:start], text[end:]
    next_comment = after.find("#")
    if next_comment >= 0:
        # Another comment follows (`# type: ignore`): it stays where the directive was.
        return Edit(Span.of(line, start + 1, line, end + next_comment + 1), "")
    if not before.strip():
        # A line holding only the directive (and maybe its reason) goes away entirely.
        return Edit(Span.of(line, 1, line + 1, 1), "")
    # The directive, its reason and the blanks before it: no trailing whitespace is left.
    return Edit(Span.of(line, len(before.rstrip()) + 1, line, len(text) + 1), "")


def comment_lines(text: str) -> tuple[set[int], dict[int, tuple[int, str]]] | None:
    """Lines that can take a trailing comment, and the comment already on each line
    (1-based column, text); None when the tokenizer cannot read the file.

    A line cannot take a comment when its end is inside a string (a multi-line string or
    f-string) or when it continues with a backslash.
    """
    closed: set[int] = set()
    comments: dict[int, tuple[int, str]] = {}
    open_fstrings: list[int] = []
    fstring_start = getattr(tokenize, "FSTRING_START", -1)
    fstring_end = getattr(tokenize, "FSTRING_END", -1)
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = (token.start[1] + 1, token.string)
            elif token.type == tokenize.STRING and token.end[0] > token.start[0]:
                closed.update(range(token.start[0], token.end[0]))
            elif token.type == fstring_start:
                open_fstrings.append(token.start[0])
            elif token.type == fstring_end and open_fstrings:
                closed.update(range(open_fstrings.pop(), token.end[0]))
    except (tokenize.TokenError, SyntaxError):
        return None
    lines = text.split("\n")
    usable = set()
    for number, line in enumerate(lines, start=1):
        if number in closed:
            continue
        if line.rstrip("\r").endswith("\\") and number not in comments:
            continue
        usable.add(number)
    return usable, comments


def addition_edit(line: int, line_text: str, comment: tuple[int, str] | None, codes: Iterable[str]) -> Edit:
    """The edit that suppresses `codes` on a line: merged into the line's `layercheck:
    ignore[...]` or `# noqa: ...` directive when it has one, else a new `# noqa: ...`."""
    wanted = list(dict.fromkeys(codes))
    if comment is not None:
        column, comment_text = comment
        for pattern in (_IGNORE, _NOQA):
            match = pattern.search(comment_text)
            if match is None:
                continue
            written = match.group("codes")
            existing = _codes(written)
            merged = existing + [code for code in wanted if code not in existing]
            first = column + match.start("codes")
            last = column + match.end("codes")
            return Edit(Span.of(line, first, line, last), _join(merged, written))
    code_end = len(line_text.rstrip())
    directive = ("  " if code_end else "") + "# noqa: " + ", ".join(sorted(wanted))
    return Edit(Span.of(line, code_end + 1, line, len(line_text) + 1), directive)

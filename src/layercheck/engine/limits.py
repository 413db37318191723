"""Refuse, before parsing, the files the parser could crash or drown on.

libcst's native parser recurses on the C stack once per nesting level: a few thousand nested
brackets or chained operators overflow it, and the process dies with a segfault that no
`except` can catch. It also keeps several kilobytes per token: a generated file of hundreds of
thousands of lines takes gigabytes. So each file is scanned first, in one cheap pass with no
tokenizer, and refused with a clear LC001 when it is

- nested deeper than Python itself allows: 200 levels of brackets, 100 of indentation;
- one expression deeper than `MAX_EXPRESSION_DEPTH` (a chain of operators, attribute
  accesses, calls, strings or an `elif` ladder; Python stops compiling at about 3,000);
- larger than `MAX_TOKENS` (an estimate: brackets, operators, separators and lines).

The scan skips comments and string literals, so it is exact for ordinary code and errs on
the safe side (a little high) for the rest; every limit leaves the parser a wide margin on
an 8 MiB stack, the default for a main thread and for threads on Linux.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

MAX_BRACKETS = 200  # Python's own limit (the tokenizer's MAXLEVEL)
MAX_INDENTS = 100  # Python's own limit (the tokenizer's MAXINDENT)
MAX_EXPRESSION_DEPTH = 1000
MAX_TOKENS = 250_000
# A bracket costs the parser about five times the stack of a chained operator.
_BRACKET_WEIGHT = 4
_TOKEN_CHARACTERS = "\n,.=()[]{}:+-*/%<>&|^~@"

_SCAN = re.compile(
    r"""
    (?P<comment>\#[^\r\n]*)
    | (?P<string>
        (?:[rRbBuUfFtT]{1,2})?
        (?: '''(?:[^\\]|\\[\s\S])*?(?:'''|\Z)
          | \"\"\"(?:[^\\]|\\[\s\S])*?(?:\"\"\"|\Z)
          | '(?:[^'\\\r\n]|\\(?:\r\n|[\s\S]))*(?:'|(?=[\r\n])|\Z)
          | "(?:[^"\\\r\n]|\\(?:\r\n|[\s\S]))*(?:"|(?=[\r\n])|\Z)
        )
      )
    | (?P<continuation>\\(?:\r\n|\r|\n))
    | (?P<newline>\r\n|\r|\n)(?P<indent>[ \t\f]*)(?:(?P<blank>(?=[\#\r\n]|\Z))|(?P<lead>elif|else)\b)?
    | (?P<open>[(\[{])
    | (?P<close>[)\]}])
    | (?P<separator>[,;])
    | (?P<operator>\*\*|//|<<|>>|[-+*/%@&|^~<>.])
    | (?P<keyword>\b(?:and|or|not|if|else|lambda|await|for|in|is)\b)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Refusal:
    """Why a file is not parsed, and where (1-based line and column)."""

    message: str
    line: int = 1
    column: int = 1


def _position(text: str, offset: int) -> tuple[int, int]:
    prefix = text[:offset]
    breaks = list(re.finditer(r"\r\n?|\n", prefix))
    line_start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, offset - line_start + 1


def _width(indent: str) -> int:
    """Indentation width as Python's tokenizer measures it (tabs to multiples of 8)."""
    width = 0
    for character in indent:
        if character == "\t":
            width = (width // 8 + 1) * 8
        elif character == "\f":
            width = 0
        else:
            width += 1
    return width


def _estimated_tokens(text: str) -> int:
    return sum(text.count(character) for character in _TOKEN_CHARACTERS)


def refusal(text: str) -> Refusal | None:
    """The reason not to parse `text`, or None when it is safe to parse."""
    tokens = _estimated_tokens(text)
    if tokens > MAX_TOKENS:
        lines = len(re.findall(r"\r\n?|\n", text)) + (0 if text.endswith(("\n", "\r")) else 1)
        return Refusal(
            f"file too large to check: ~{tokens:,} tokens over {lines:,} lines (the limit is {MAX_TOKENS:,})"
        )
    return _nesting_refusal(text)


def _nesting_refusal(text: str) -> Refusal | None:
    # `depth` is the nesting the parser will see at this point of the current expression:
    # weighted brackets plus the operators chained since the last separator. Each open
    # bracket saves the depth to return to after its closing bracket.
    brackets: list[tuple[int, int]] = []  # (depth before the bracket, depth inside it)
    depth = base = 0
    indents = [0]
    elif_runs: dict[int, int] = {}
    for match in _SCAN.finditer(text):
        kind = match.lastgroup
        if kind in ("comment", "continuation"):
            continue
        if kind in ("string", "operator", "keyword"):
            depth += 1
        elif kind == "open":
            if len(brackets) >= MAX_BRACKETS:
                message = f"too deeply nested: more than {MAX_BRACKETS} nested brackets (Python's own limit)"
                return Refusal(message, *_position(text, match.start()))
            brackets.append((depth, base))
            depth += _BRACKET_WEIGHT
            base = depth
        elif kind == "close":
            if brackets:
                depth, base = brackets.pop()
                depth += 1
        elif kind == "separator":
            depth = base
        elif brackets:
            continue  # a line break inside brackets
        else:  # a new logical line
            depth = base = 0
            if match.group("blank") is not None:
                continue
            found = _line_start(match, indents, elif_runs)
            if found:
                return Refusal(found, *_position(text, match.end("indent")))
            continue
        if depth > MAX_EXPRESSION_DEPTH:
            message = f"too deeply nested: an expression nests more than {MAX_EXPRESSION_DEPTH} levels deep"
            return Refusal(message, *_position(text, match.start()))
    return None


def _line_start(match: re.Match[str], indents: list[int], elif_runs: dict[int, int]) -> str | None:
    """Track indentation and `elif` ladders at the start of a logical line."""
    width = _width(match.group("indent"))
    if width > indents[-1]:
        indents.append(width)
        if len(indents) > MAX_INDENTS + 1:
            return f"too deeply nested: more than {MAX_INDENTS} levels of indentation (Python's own limit)"
    else:
        while len(indents) > 1 and width < indents[-1]:
            indents.pop()
    for deeper in [key for key in elif_runs if key > width]:
        del elif_runs[deeper]
    lead = match.group("lead")
    if lead == "elif":
        elif_runs[width] = elif_runs.get(width, 0) + 1
        if elif_runs[width] > MAX_EXPRESSION_DEPTH:
            return f"too deeply nested: more than {MAX_EXPRESSION_DEPTH} `elif` branches in one `if`"
    elif lead != "else":
        elif_runs[width] = 0
    return None


def parse_expression(text: str) -> cst.BaseExpression | None:
    """An expression held in a string (a forward reference), or None when it is not one
    or is too deeply nested to parse safely."""
    if _nesting_refusal(text) is not None:
        return None
    try:
        return cst.parse_expression(text.strip())
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None

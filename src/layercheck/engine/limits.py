"""Refuse, before parsing, the files the parser could crash or drown on.

libcst's native parser recurses on the C stack once per nesting level: about a thousand
nested brackets or a few thousand chained operators overflow an 8 MiB stack, and the process
dies with a segfault that no `except` can catch; long chains of calls or lambdas also take
quadratic time. The parser keeps several kilobytes per token, too: a generated file of
hundreds of thousands of lines takes gigabytes. So each file is scanned first, in one cheap
pass with no tokenizer (a few percent of the parse), and refused with an LC001 that names
the cause when it is

- nested deeper than Python itself allows: 200 levels of brackets, 99 of indentation;
- one expression deeper than `MAX_EXPRESSION_DEPTH`: a chain of operators, attribute
  accesses, calls, adjacent strings or an `elif` ladder (Python's compiler stops at about
  3,000);
- longer than `MAX_TOKENS` tokens.

The scan skips comments and string literals, so it measures ordinary code exactly and errs
on the high side for the rest; every limit leaves the parser a wide margin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

MAX_BRACKETS = 200  # Python's own limit (the tokenizer's MAXLEVEL)
MAX_INDENTS = 99  # Python's own limit (the tokenizer's MAXINDENT is 100 with the first level)
MAX_EXPRESSION_DEPTH = 1000
MAX_TOKENS = 250_000  # about 1 GB of parser memory at the densest; 80,000 lines of usual code
# A bracket costs the parser about five times the stack of a chained operator.
_BRACKET_WEIGHT = 4
_KEYWORDS = frozenset({"and", "or", "not", "if", "else", "lambda", "await", "for", "in", "is"})

# A string literal (its prefix is matched as a name), to its end or the file's.
_STRING = r"""
      '''[^\\']*(?:(?:\\[\s\S]|'(?!''))[^\\']*)*(?:'''|\Z)
    | \"\"\"[^\\"]*(?:(?:\\[\s\S]|"(?!""))[^\\"]*)*(?:\"\"\"|\Z)
    | '[^'\\\r\n]*(?:\\(?:\r\n|[\s\S])[^'\\\r\n]*)*(?:'|(?=[\r\n])|\Z)
    | "[^"\\\r\n]*(?:\\(?:\r\n|[\s\S])[^"\\\r\n]*)*(?:"|(?=[\r\n])|\Z)
"""
# Names come first: most of a file is names, and matching a whole name at once is what keeps
# the scan cheap. Numbers and `=` are not matched, so `tokens` counts a little low.
_SCAN = re.compile(
    r"""
    (?P<word>[^\W\d]\w*)
    | (?P<comment>\#[^\r\n]*)
    | (?P<string>""" + _STRING + r""")
    | (?P<continuation>\\(?:\r\n|\r|\n))
    | (?P<newline>(?:\r\n|\r|\n)(?P<indent>[ \t\f]*)(?:(?P<blank>(?=[\#\r\n]|\Z))|(?P<lead>elif|else)\b)?)
    | (?P<open>[(\[{])
    | (?P<close>[)\]}])
    | (?P<separator>[,;])
    | (?P<operator>\*\*|//|<<|>>|[-+*/%@&|^~<>.])
    """,
    re.VERBOSE,
)
_LINE_BREAK = re.compile(r"\r\n?|\n")


@dataclass(frozen=True)
class Refusal:
    """Why a file is not parsed, and where (1-based line and column)."""

    message: str
    line: int = 1
    column: int = 1


def _position(text: str, offset: int) -> tuple[int, int]:
    breaks = list(_LINE_BREAK.finditer(text, 0, offset))
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


def _too_large(text: str) -> Refusal:
    lines = len(_LINE_BREAK.findall(text)) + (0 if text.endswith(("\n", "\r")) else 1)
    return Refusal(f"file too large to check: {lines:,} lines, more than {MAX_TOKENS:,} tokens")


def refusal(text: str) -> Refusal | None:
    """The reason not to parse `text`, or None when it is safe to parse."""
    return scan(text, None)


_FIRST_LINE = re.compile(r"[ \t\f]*(?![#\r\n]|\Z)")


# The quick pass's tokens: code between strings, comments, brackets and line breaks is one
# run (`x = await self.repo.get`), whatever words and operators it holds.
_QUICK = re.compile(
    r"""
    (?P<run>[^'"\#\\\r\n()\[\]{}]+)
    | (?P<open>[(\[{])
    | (?P<close>[)\]}])
    | (?P<string>""" + _STRING + r""")
    | (?P<comment>\#[^\r\n]*)
    | (?P<newline>(?:\r\n|\r|\n)(?P<indent>[ \t\f]*)(?:(?P<blank>(?=[\#\r\n]|\Z))|(?P<lead>elif|else)\b)?)
    | \\(?:\r\n|\r|\n)?
    """,
    re.VERBOSE,
)


def scan(text: str, logical_lines: list[int] | None) -> Refusal | None:
    """`refusal(text)`, noting meanwhile in `logical_lines` (when given) where each logical
    line starts: the offset of its first token. `engine/positions.py` places statements by
    them, checking them against the tree, so a line the scan misreads costs time, not truth.

    Almost every file is far inside every limit: a quick pass over runs of code, which
    bounds each logical line's expression depth by what it holds (a character counts at
    most one level, a bracket five), proves it, finding the same logical lines. Only a
    file that pass cannot clear (a logical line holding more than the depth limit, a
    bracket nesting at the limit, more characters than the token limit) is scanned token
    by token, which measures exactly and places the refusal."""
    start = len(logical_lines) if logical_lines is not None else 0
    if len(text) <= MAX_TOKENS and _cleared(text, logical_lines):
        return None
    if logical_lines is not None:
        del logical_lines[start:]
    return _exact_scan(text, logical_lines)


def _cleared(text: str, logical_lines: list[int] | None) -> bool:
    """Whether `text` is within every limit, by the quick pass (see `scan`); the logical
    lines found meanwhile go to `logical_lines`. False when this pass cannot tell: the
    token-by-token scan decides then (a file with an indentation problem, too)."""
    if logical_lines is not None:
        first = _FIRST_LINE.match(text)
        if first is not None:
            logical_lines.append(first.end())
    # As in `_exact_scan`, with `depth` now at least the depth that scan would measure: a
    # run counts a level per character, after its last separator (or the whole run).
    brackets: list[tuple[int, int]] = []
    depth = base = 0
    indents = [0]
    elif_runs: dict[int, int] = {}
    for match in _QUICK.finditer(text):
        kind = match.lastgroup
        if kind == "run":
            run = match.group()
            last = max(run.rfind(","), run.rfind(";"))
            if last < 0:
                depth += len(run)
            else:
                if depth + last > MAX_EXPRESSION_DEPTH:
                    return False
                depth = base + len(run) - last - 1
        elif kind == "open":
            if len(brackets) + 1 >= MAX_BRACKETS:
                return False
            brackets.append((depth, base))
            depth += _BRACKET_WEIGHT
            base = depth
        elif kind == "close":
            if brackets:
                depth, base = brackets.pop()
                depth += 1
        elif kind == "string":
            depth += 1
        elif kind == "newline":
            if brackets:
                continue  # a line break inside brackets
            depth = base = 0
            if match.group("blank") is None:
                if logical_lines is not None:
                    logical_lines.append(match.end("indent"))
                if _line_start(match, indents, elif_runs):
                    return False
            continue
        else:  # a comment or a line continuation
            continue
        if depth > MAX_EXPRESSION_DEPTH:
            return False
    return True


def _exact_scan(text: str, logical_lines: list[int] | None) -> Refusal | None:
    """The token-by-token scan: what `scan` says of a file its quick pass did not clear."""
    if logical_lines is not None:
        first = _FIRST_LINE.match(text)
        if first is not None:
            logical_lines.append(first.end())
    # `depth` is the nesting the parser will see at this point of the current expression:
    # weighted brackets plus what was chained since the last separator. Each open bracket
    # saves the depth and the base (the depth after the last separator) to return to.
    brackets: list[tuple[int, int]] = []
    depth = base = tokens = 0
    indents = [0]
    elif_runs: dict[int, int] = {}
    keywords = _KEYWORDS
    for match in _SCAN.finditer(text):
        tokens += 1
        kind = match.lastgroup
        if kind == "word":
            if match.group() not in keywords:
                continue
            depth += 1
        elif kind == "operator" or kind == "string":
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
        elif kind == "newline":
            if tokens > MAX_TOKENS:
                return _too_large(text)
            if brackets:
                continue  # a line break inside brackets
            depth = base = 0
            if match.group("blank") is None:
                if logical_lines is not None:
                    logical_lines.append(match.end("indent"))
                problem = _line_start(match, indents, elif_runs)
                if problem:
                    return Refusal(problem, *_position(text, match.end("indent")))
            continue
        else:  # a comment or a line continuation
            continue
        if depth > MAX_EXPRESSION_DEPTH:
            message = f"too deeply nested: an expression nests more than {MAX_EXPRESSION_DEPTH} levels deep"
            return Refusal(message, *_position(text, match.start()))
    if tokens > MAX_TOKENS:
        return _too_large(text)
    return None


def _line_start(match: re.Match[str], indents: list[int], elif_runs: dict[int, int]) -> str | None:
    """Follow indentation and `elif` ladders at the start of a logical line."""
    indent = match.group("indent")
    width = len(indent) if "\t" not in indent and "\f" not in indent else _width(indent)
    if width > indents[-1]:
        indents.append(width)
        if len(indents) > MAX_INDENTS + 1:
            return f"too deeply nested: more than {MAX_INDENTS} levels of indentation (Python's own limit)"
    else:
        while len(indents) > 1 and width < indents[-1]:
            indents.pop()
    lead = match.group("lead")
    if elif_runs:
        for deeper in [key for key in elif_runs if key > width]:
            del elif_runs[deeper]
    if lead == "elif":
        elif_runs[width] = elif_runs.get(width, 0) + 1
        if elif_runs[width] > MAX_EXPRESSION_DEPTH:
            return f"too deeply nested: more than {MAX_EXPRESSION_DEPTH} `elif` branches in one `if`"
    elif lead is None:
        elif_runs.pop(width, None)
    return None


def parse_expression(text: str) -> cst.BaseExpression | None:
    """An expression written in a string (a forward reference), or None when the string
    holds no expression or one too deeply nested to parse safely."""
    if refusal(text) is not None:
        return None
    try:
        return cst.parse_expression(text.strip())
    except Exception:  # a syntax error, or one of libcst's own (`CSTLogicError`): no expression
        return None

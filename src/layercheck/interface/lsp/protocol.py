"""Findings as protocol values: ranges in the client's units, diagnostics, edits.

layercheck counts 1-based lines and 1-based columns in characters; the protocol counts
0-based lines and 0-based columns in the code units of the negotiated position encoding
(UTF-16 unless the client offers another), so a column after an emoji or an astral-plane
character differs between the two.
"""

from __future__ import annotations

from lsprotocol import types

from layercheck.domain.diagnostics import Diagnostic, Position, Span
from layercheck.domain.registry import BY_CODE
from layercheck.interface.lsp.text import split_lines, strip_ending
from layercheck.interface.reporters.base import rule_name, rule_url

SOURCE = "layercheck"
FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.layercheck"
_ERRORS = frozenset({"LC000", "LC001"})


def _units(text: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _characters(text: str, units: int, encoding: str) -> int:
    """How many characters of `text` fill `units` code units (rounding down)."""
    count = 0
    for index, char in enumerate(text):
        count += _units(char, encoding)
        if count > units:
            return index
    return len(text)


class PositionMap:
    """Converts positions for one document text and one position encoding."""

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.lines = [strip_ending(line) for line in split_lines(text)]
        self.encoding = encoding

    def to_client(self, position: Position) -> types.Position:
        line = position.line - 1
        if line < 0:
            return types.Position(0, 0)
        if line >= len(self.lines):
            return types.Position(len(self.lines), 0)
        text = self.lines[line]
        column = min(max(position.column - 1, 0), len(text))
        return types.Position(line, _units(text[:column], self.encoding))

    def from_client(self, position: types.Position) -> Position:
        if position.line >= len(self.lines):
            return Position(len(self.lines) + 1, 1)
        text = self.lines[position.line]
        return Position(position.line + 1, _characters(text, position.character, self.encoding) + 1)

    def range(self, span: Span) -> types.Range:
        return types.Range(self.to_client(span.start), self.to_client(span.end))

    def span(self, range_: types.Range) -> Span:
        return Span(self.from_client(range_.start), self.from_client(range_.end))


def severity(code: str) -> types.DiagnosticSeverity:
    """Errors for a file layercheck could not check; warnings for findings (as ruff)."""
    return types.DiagnosticSeverity.Error if code in _ERRORS else types.DiagnosticSeverity.Warning


def to_lsp(diagnostic: Diagnostic, positions: PositionMap) -> types.Diagnostic:
    """One finding as a protocol diagnostic (`data` carries the rule's name and its fix)."""
    info = BY_CODE.get(diagnostic.code)
    data: dict[str, object] = {"name": rule_name(diagnostic.code)}
    if diagnostic.fix is not None:
        data["fix"] = {"message": diagnostic.fix.message, "applicability": diagnostic.fix.applicability}
    tags = [types.DiagnosticTag.Unnecessary] if diagnostic.code == "LC002" else None
    return types.Diagnostic(
        range=positions.range(diagnostic.span),
        message=diagnostic.message,
        severity=severity(diagnostic.code),
        code=diagnostic.code,
        code_description=types.CodeDescription(href=rule_url(diagnostic.code)) if info else None,
        source=SOURCE,
        tags=tags,
        data=data,
    )


def text_edit(start: Position, end: Position, content: str, positions: PositionMap) -> types.TextEdit:
    return types.TextEdit(range=types.Range(positions.to_client(start), positions.to_client(end)), new_text=content)


def overlaps(a: types.Range, b: types.Range) -> bool:
    """Whether two ranges share a position (touching counts: a cursor at a finding's end)."""
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (
        b.start.line,
        b.start.character,
    ) <= (a.end.line, a.end.character)

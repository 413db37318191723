"""Positions of the few nodes that were reported, computed only when something was reported.

libcst's PositionProvider regenerates the whole file with a line and column update per token
and a range object per node, which costs more than parsing the file. We need positions only
for the reported nodes (and the imports project rules report on), so this runs libcst's code
generation with a state that only counts characters: the generated text is the source text,
so a node's offsets are its place in the source, turned into lines and columns at the end.
Ranges are recorded only inside the requested nodes (a node's syntactic range can be hoisted
from its children's), and generation stops once the last requested node has been placed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst._position import CodePosition, CodeRange

from layercheck.engine.fidelity import realignment
from layercheck.engine.statement_lines import Anchors, LineElements, contains

_NEWLINE = re.compile(r"\r\n?|\n")


class _AllPlaced(Exception):
    """Raised inside code generation once every requested node has a position."""


class _Unrecorded:
    """The context of a syntactic position nobody asked for: does nothing, cheaply."""

    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_UNRECORDED = _Unrecorded()


class _Recorded:
    """Records a node's syntactic range, hoisted from children as libcst's provider does."""

    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(
        self, state: _OffsetState, node: cst.CSTNode, start_node: cst.CSTNode | None, end_node: cst.CSTNode | None
    ) -> None:
        self.state = state
        self.node = node
        self.start_node = start_node
        self.end_node = end_node
        self.start = 0

    def __enter__(self) -> None:
        self.start = self.state.offset

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is not None:
            return  # generation stopped: children never generated have nothing to hoist
        syntactic = self.state.syntactic
        start, end = self.start, self.state.offset
        if self.start_node is not None:
            start = syntactic[id(self.start_node)][0]
        if self.end_node is not None:
            end = syntactic[id(self.end_node)][1]
        syntactic[id(self.node)] = (start, end)


class _OffsetState(CodegenState):
    """A code generation state that keeps no text: only the offset reached so far."""

    def __init__(self, module: cst.Module, wanted: dict[int, cst.CSTNode]) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.offset = 0
        self.indent_length = 0
        self.wanted = wanted
        self.remaining = len(wanted)
        # Inside a requested node (depth > 0) every node's range is kept, for hoisting.
        self.depth = 0
        self.starts: list[int] = []
        self.syntactic: dict[int, tuple[int, int]] = {}
        self.inclusive: dict[int, tuple[int, int]] = {}
        self.indents: dict[int, tuple[str, ...]] = {}

    def increase_indent(self, value: str) -> None:
        self.indent_tokens.append(value)
        self.indent_length += len(value)

    def decrease_indent(self) -> None:
        self.indent_length -= len(self.indent_tokens.pop())

    def add_indent_tokens(self) -> None:
        self.offset += self.indent_length

    def add_token(self, value: str) -> None:
        self.offset += len(value)
        if not self.tokens:
            self.tokens.append(value)  # the module asks whether anything was generated

    def pop_trailing_newline(self) -> None:
        pass  # the end of the module: positions already recorded stay as libcst has them

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.depth += 1
            # The enclosing blocks' indentation: a replacement must be generated inside it.
            self.indents[id(node)] = tuple(self.indent_tokens)
        if self.depth:
            self.starts.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        if not self.depth:
            return
        start = self.starts.pop()
        key = id(node)
        if key not in self.syntactic:
            self.syntactic[key] = (start, self.offset)
        if key in self.wanted:
            self.inclusive[key] = (start, self.offset)
            self.depth -= 1
            self.remaining -= 1
            if not self.remaining:
                raise _AllPlaced

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Any:
        if self.depth:
            return _Recorded(self, node, start_node, end_node)
        return _UNRECORDED


class _CheckedState(_OffsetState):
    """An offset state that starts inside the file and keeps the code it generates, to be
    compared with the source there."""

    def __init__(self, module: cst.Module, wanted: dict[int, cst.CSTNode], start: int, indents: tuple[str, ...]):
        super().__init__(module, wanted)
        self.offset = start
        self.indent_tokens = list(indents)
        self.indent_length = sum(map(len, indents))
        self.generated: list[str] = []

    def add_indent_tokens(self) -> None:
        self.generated.extend(self.indent_tokens)
        self.offset += self.indent_length

    def add_token(self, value: str) -> None:
        self.generated.append(value)
        self.offset += len(value)


@dataclass(frozen=True)
class NodePlaces:
    """Syntactic ranges (for findings) and whitespace-inclusive ranges (for fix edits)."""

    syntactic: dict[cst.CSTNode, CodeRange]
    inclusive: dict[cst.CSTNode, CodeRange]
    # The indentation tokens in force where each node starts.
    indents: dict[cst.CSTNode, tuple[str, ...]] = field(default_factory=dict)


class _Lines:
    """Turns character offsets of a text into (1-based line, 0-based column) positions."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(match.end() for match in _NEWLINE.finditer(text))]

    def position(self, offset: int) -> CodePosition:
        line = bisect_right(self.starts, offset)
        return CodePosition(line, offset - self.starts[line - 1])

    def range(self, offsets: tuple[int, int]) -> CodeRange:
        return CodeRange(self.position(offsets[0]), self.position(offsets[1]))


def locate(
    module: cst.Module,
    nodes: Collection[cst.CSTNode],
    source: str | None = None,
    *,
    logical_lines: list[int] | None = None,
    anchors: dict[int, Anchors] | None = None,
    edited: Collection[int] = (),
) -> NodePlaces:
    """Ranges of `nodes` (0-based columns, as libcst counts them).

    `source` is the text `module` was parsed from (its code); given, it saves generating it.
    With the starts of its logical lines (`limits.scan`) and, per node, the line elements
    that may hold it (`statement_lines.line_anchors`), only those elements' code is
    generated; the whole file's when that cannot be trusted. The nodes a fix edits
    (`edited`, by id) get whitespace-inclusive ranges and indentation; the others may get
    only their syntactic range (`inclusive` then holds the same).
    """
    wanted = {id(node): node for node in nodes}
    if not wanted:
        return NodePlaces({}, {}, {})
    if source is not None and logical_lines is not None and anchors is not None:
        placed = _locate_by_lines(module, wanted, source, logical_lines, anchors, edited)
        if placed is not None:
            return placed
    state = _OffsetState(module, wanted)
    try:
        module._codegen(state)
    except _AllPlaced:
        pass
    text = module.code if source is None else source
    newline = "" if module.has_trailing_newline else module.default_newline
    text += newline  # libcst counts the newline it generates, then drops
    lines = _Lines(text)
    # The rare source libcst does not reproduce exactly (a dropped form feed): offsets in its
    # generated code are mapped back onto the source.
    realigned = realignment(module, source, newline) if source is not None else None
    if realigned is not None:
        for table in (state.syntactic, state.inclusive):
            for key in table:
                table[key] = realigned.span(table[key])
    syntactic = {node: lines.range(state.syntactic[key]) for key, node in wanted.items() if key in state.syntactic}
    inclusive = {node: lines.range(state.inclusive[key]) for key, node in wanted.items() if key in state.inclusive}
    indents = {node: state.indents[key] for key, node in wanted.items() if key in state.indents}
    return NodePlaces(syntactic=syntactic, inclusive=inclusive, indents=indents)


def _locate_by_lines(
    module: cst.Module,
    wanted: dict[int, cst.CSTNode],
    source: str,
    logical_lines: list[int],
    anchors: dict[int, Anchors],
    edited: Collection[int],
) -> NodePlaces | None:
    """Ranges of the wanted nodes from their own code, found once only in the text of the
    line element holding them, or else from that element's code; None when the scan's
    lines and the tree disagree (a line misread, a source libcst does not reproduce
    exactly) or a node is not where its anchors said."""
    elements = LineElements(module)
    if elements.count != len(logical_lines):
        return None
    # libcst generates a final newline the source may lack.
    text = source if module.has_trailing_newline else source + module.default_newline
    syntactic: dict[int, tuple[int, int]] = {}
    inclusive: dict[int, tuple[int, int]] = {}
    indents: dict[int, tuple[str, ...]] = {}
    groups: dict[int, tuple[cst.CSTNode, dict[int, cst.CSTNode]]] = {}
    # Where the names of each import statement start (past `import`), found once for all
    # the names it imports.
    imported_from: dict[int, int] = {}
    places = elements.places
    for key, node in wanted.items():
        held_by = anchors.get(key)
        element = next((a for a in held_by.elements if id(a) in places), None) if held_by else None
        if held_by is None or element is None:
            return None
        if key not in edited:
            found = _find_by_text(module, node, held_by, element, elements, logical_lines, text, imported_from)
            if found is not None:
                syntactic[key] = inclusive[key] = found
                continue
        groups.setdefault(id(element), (element, {}))[1][key] = node
    lines = _Lines(text)
    for element_key, (element, nodes) in groups.items():
        line_index, enclosing = elements.places[element_key]
        first_line = lines.position(logical_lines[line_index]).line
        start_line = first_line - elements.leading_lines(element)
        if start_line < 1:
            return None
        start = lines.starts[start_line - 1]
        state = _CheckedState(module, nodes, start, enclosing)
        try:
            element._codegen(state)
        except _AllPlaced:
            pass
        generated = "".join(state.generated)
        if state.remaining or text[start : start + len(generated)] != generated:
            return None
        syntactic.update((key, state.syntactic[key]) for key in nodes)
        inclusive.update((key, state.inclusive[key]) for key in nodes)
        indents.update((key, state.indents[key]) for key in nodes if key in state.indents)
    # A node found by its text has one range for both (the same offsets): built once.
    ranges: dict[tuple[int, int], CodeRange] = {}

    def placed(offsets: tuple[int, int]) -> CodeRange:
        found = ranges.get(offsets)
        if found is None:
            found = ranges[offsets] = lines.range(offsets)
        return found

    return NodePlaces(
        syntactic={node: placed(syntactic[key]) for key, node in wanted.items()},
        inclusive={node: placed(inclusive[key]) for key, node in wanted.items()},
        indents={node: indents[key] for key, node in wanted.items() if key in indents},
    )


def _find_by_text(
    module: cst.Module,
    node: cst.CSTNode,
    anchors: Anchors,
    element: cst.CSTNode,
    elements: LineElements,
    logical_lines: list[int],
    text: str,
    imported_from: dict[int, int],
) -> tuple[int, int] | None:
    """The offsets of an unparenthesized expression whose code occurs exactly once in the
    text of the logical lines holding it (counting every occurrence not glued to a longer
    name, so its own is among them); None when that cannot be told so cheaply. `element`:
    the first of the anchors' line elements the module has."""
    if not isinstance(node, cst.BaseExpression) or node.lpar:
        return None
    lines_held = elements.lines_holding(anchors, node, element)
    if lines_held is None:
        return None
    first, after, indents = lines_held
    code = _plain_code(node)
    if code is None:
        # Generated inside the indentation of its lines, so that a node over several lines
        # reads as it is written.
        state = CodegenState(
            default_indent=module.default_indent,
            default_newline=module.default_newline,
            indent_tokens=list(indents or ()),
        )
        node._codegen(state)
        code = "".join(state.tokens)
    if not code:
        return None
    low = logical_lines[first]
    high = logical_lines[after] if after < len(logical_lines) else len(text)
    low = _part_start(element, node, text, low, high, imported_from)
    check_before = _is_name_character(code[0])
    check_after = _is_name_character(code[-1])
    found = -1
    start = text.find(code, low, high)
    size = len(text)
    while start != -1:
        end = start + len(code)
        preceding = text[start - 1] if check_before and start > 0 else ""
        following = text[end] if check_after and end < size else ""
        if not (preceding and (preceding.isalnum() or preceding == "_")) and not (
            following and (following.isalnum() or following == "_")
        ):
            if found != -1:
                return None  # twice: which is it?
            found = start
        start = text.find(code, start + 1, high)
    return None if found == -1 else (found, found + len(code))


def _part_start(
    element: cst.CSTNode, node: cst.CSTNode, text: str, low: int, high: int, imported_from: dict[int, int]
) -> int:
    """Where to start looking for `node` in its lines, past the part of the statement that
    cannot hold it: an imported name is after the `import` keyword (`from app.plain import
    plain`), a return annotation after the arrow (`user: User) -> User:`). A name found
    twice in its line otherwise falls back to generating the line's code, which costs more
    than the rest of placing it. `low` itself when neither applies. `imported_from`
    remembers the first per import statement."""
    element_type = type(element)
    if element_type is cst.SimpleStatementLine:
        body = element.body  # type: ignore[attr-defined]
        statement = body[0] if len(body) == 1 else None
        if not isinstance(statement, cst.ImportFrom) or isinstance(statement.names, cst.ImportStar):
            return low
        if not any(
            alias.name is node or (alias.asname is not None and alias.asname.name is node) for alias in statement.names
        ):
            return low
        # Between `from` and `import` only the module's dotted name can stand, and no
        # name is called `import`: its first whole word there is the keyword.
        known = imported_from.get(id(element))
        if known is None:
            keyword = _IMPORT_KEYWORD.search(text, low, high)
            known = imported_from[id(element)] = low if keyword is None else keyword.end()
        return known
    if element_type is cst.FunctionDef:
        returns = element.returns  # type: ignore[attr-defined]
        if returns is None or type(element.body) is not cst.IndentedBlock or not contains(returns, node):  # type: ignore[attr-defined]
            return low
        # The arrow is the last `->` right after a closing parenthesis (one in a string
        # default comes before it; one in a comment after the colon is not after `)`).
        arrow = text.rfind("->", low, high)
        while arrow != -1:
            if text[low:arrow].rstrip(" \t\f\\\r\n").endswith(")"):
                return arrow + 2
            arrow = text.rfind("->", low, arrow)
    return low


_IMPORT_KEYWORD = re.compile(r"\bimport\b")


def _plain_code(node: cst.CSTNode) -> str | None:
    """The code of a bare name or dotted name written without spaces or parentheses
    (`select`, `app.models.user`: most of what imports name), without generating it; None
    for anything else."""
    if type(node) is cst.Name:
        return None if node.lpar or node.rpar else node.value
    if type(node) is cst.Attribute and not (node.lpar or node.rpar):
        dot = node.dot
        if not (_no_space(dot.whitespace_before) and _no_space(dot.whitespace_after)):
            return None
        left = _plain_code(node.value)
        return None if left is None else f"{left}.{node.attr.value}"
    return None


def _no_space(whitespace: object) -> bool:
    return type(whitespace) is cst.SimpleWhitespace and not whitespace.value


def _is_name_character(character: str) -> bool:
    return character.isalnum() or character == "_"


__all__ = ["CodegenState", "NodePlaces", "locate"]

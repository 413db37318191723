"""Which logical line of a file each statement (or clause, or decorator) starts on.

libcst's nodes carry no positions, and generating a whole file's code to place a few nodes
costs a fifth of parsing it. But a file's statements, decorators and clauses (`else:`,
`except ...:`) each begin a logical line of their own, in the order the tree holds them, and
the pre-parse scan (`limits.scan`) already finds where every logical line starts. So a
reported node is placed by generating the code of the line element that holds it only,
starting where the scan says that element's line starts; `positions.py` checks the code so
generated against the source and falls back to the whole file when they differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from layercheck.engine.walk import iter_children

# Nodes whose code starts on a logical line of its own (an `elif` is one too, but its code
# starts with `if` when generated alone, so it is never an element to generate from).
LINE_ELEMENT_TYPES: frozenset[type[cst.CSTNode]] = frozenset(
    {
        cst.SimpleStatementLine,
        cst.FunctionDef,
        cst.ClassDef,
        cst.If,
        cst.For,
        cst.While,
        cst.With,
        cst.Try,
        cst.TryStar,
        cst.Match,
        cst.Decorator,
        cst.Else,
        cst.ExceptHandler,
        cst.ExceptStarHandler,
        cst.Finally,
        cst.MatchCase,
    }
)


@dataclass(frozen=True)
class Anchors:
    """The line elements that may hold a reported node, innermost first, and whether the
    node is known to lie inside them (else placing it by its text checks that first)."""

    elements: tuple[cst.CSTNode, ...]
    certain: bool


def line_anchors(
    node: cst.CSTNode,
    ancestors: Sequence[cst.CSTNode],
    current: cst.CSTNode | None = None,
    inside_current: bool = False,
) -> Anchors:
    """The anchors of `node` reported while the walk is on `current` (`ancestors` is the
    walk's stack): `node` itself if it is a line element, `current` if it is one (a rule
    visiting a function reports its annotations), then the enclosing ones. A node reported
    while the walk is on it or on its parent (`call.func`), or known to be inside `current`,
    is certain to be inside, and outside any line element within them."""
    found = tuple(ancestor for ancestor in reversed(ancestors) if type(ancestor) in LINE_ELEMENT_TYPES)
    certain = current is node or inside_current or (current is not None and _is_child(current, node))
    if current is not None and current is not node and type(current) in LINE_ELEMENT_TYPES:
        found = (current, *found)
    if type(node) in LINE_ELEMENT_TYPES:
        found = (node, *found)
    return Anchors(found, certain)


class LineElements:
    """Every line element of a module: the index of the logical line it starts on, and the
    indentation in force there (what code generation needs to start from it)."""

    def __init__(self, module: cst.Module) -> None:
        self.default_indent = module.default_indent
        # id(element) -> (logical line index, enclosing indentation tokens)
        self.places: dict[int, tuple[int, tuple[str, ...]]] = {}
        # id(element) -> index of the first logical line after it
        self.ends: dict[int, int] = {}
        # id(`elif` If) -> the index of its line and its indentation (no element: its code
        # starts with `elif`)
        self.elifs: dict[int, tuple[int, tuple[str, ...]]] = {}
        self.count = 0  # logical lines seen
        self._statements(module.body, ())

    def _line(self, node: cst.CSTNode, indents: tuple[str, ...]) -> None:
        self.places[id(node)] = (self.count, indents)
        self.count += 1
        self.ends[id(node)] = self.count  # a compound element moves it past its body

    def _statements(self, statements: Sequence[cst.CSTNode], indents: tuple[str, ...]) -> None:
        for statement in statements:
            if type(statement) is cst.SimpleStatementLine:
                self._line(statement, indents)
            else:
                self._compound(statement, indents)
                self.ends[id(statement)] = self.count

    def _suite(self, suite: cst.BaseSuite, indents: tuple[str, ...]) -> None:
        if type(suite) is cst.IndentedBlock:
            indent = self.default_indent if suite.indent is None else suite.indent
            self._statements(suite.body, (*indents, indent))
        # A `SimpleStatementSuite` (`if x: return`) is on its header's line.

    def _compound(self, node: cst.CSTNode, indents: tuple[str, ...], is_elif: bool = False) -> None:
        decorators: Sequence[cst.Decorator] = getattr(node, "decorators", ())
        if decorators:
            # The statement's code starts with its first decorator's line.
            self.places[id(node)] = (self.count, indents)
            for decorator in decorators:
                self._line(decorator, indents)
            self.count += 1  # the `def` or `class` line
        elif is_elif:
            self.elifs[id(node)] = (self.count, indents)
            self.count += 1
        else:
            self._line(node, indents)
        node_type = type(node)
        if node_type is cst.Match:
            assert isinstance(node, cst.Match)
            inner = (*indents, self.default_indent if node.indent is None else node.indent)
            for case in node.cases:
                self._line(case, inner)
                self._suite(case.body, inner)
                self.ends[id(case)] = self.count
            return
        self._suite(node.body, indents)  # type: ignore[attr-defined]
        if node_type is cst.Try or node_type is cst.TryStar:
            for handler in node.handlers:  # type: ignore[attr-defined]
                self._clause(handler, indents)
            if node.orelse is not None:  # type: ignore[attr-defined]
                self._clause(node.orelse, indents)  # type: ignore[attr-defined]
            if node.finalbody is not None:  # type: ignore[attr-defined]
                self._clause(node.finalbody, indents)  # type: ignore[attr-defined]
            return
        orelse = getattr(node, "orelse", None)
        if type(orelse) is cst.If:
            self._compound(orelse, indents, is_elif=True)
        elif orelse is not None:
            self._clause(orelse, indents)

    def _clause(self, clause: cst.CSTNode, indents: tuple[str, ...]) -> None:
        self._line(clause, indents)
        self._suite(clause.body, indents)  # type: ignore[attr-defined]
        self.ends[id(clause)] = self.count

    def lines_holding(
        self, anchors: Anchors, node: cst.CSTNode, element: cst.CSTNode | None = None
    ) -> tuple[int, int, tuple[str, ...] | None] | None:
        """The logical lines [first, after) that hold `node`, and the indentation in force
        there: the header of the innermost line element holding it (the decorators and the
        line up to the colon, with a one-line body) when the node is there, else all of the
        element's lines (indentation unknown: None); None when that is not known."""
        innermost = anchors.elements[0] if anchors.elements else None
        if innermost is not None and anchors.certain and id(innermost) in self.elifs:
            line, indents = self.elifs[id(innermost)]
            return (line, line + 1, indents)  # in the `elif` line
        if element is None:  # (the first anchor the module has, when the caller knows it)
            element = next((a for a in anchors.elements if id(a) in self.places), None)
        if element is None:
            return None
        # Certain to be in the innermost element, and in none within it: in its header.
        inside = anchors.certain and element is innermost
        first, indents = self.places[id(element)]
        if type(element) is cst.SimpleStatementLine or type(element) is cst.Decorator:
            return (first, first + 1, indents) if inside or contains(element, node) else None
        if inside or any(contains(part, node) for part in _header_parts(element)):
            return (first, first + 1 + len(getattr(element, "decorators", ())), indents)
        return (first, self.ends[id(element)], None) if contains(element, node) else None

    def leading_lines(self, element: cst.CSTNode) -> int:
        """How many whole lines (blank or comment) an element's code has before its first
        logical line."""
        count = len(getattr(element, "leading_lines", ()))
        decorators: Sequence[cst.Decorator] = getattr(element, "decorators", ())
        if decorators:
            count += len(decorators[0].leading_lines)
        return count


def contains(ancestor: cst.CSTNode, node: cst.CSTNode) -> bool:
    """Whether `node` is `ancestor` or one of its semantic descendants."""
    pending = [ancestor]
    while pending:
        current = pending.pop()
        if current is node:
            return True
        pending.extend(iter_children(current))
    return False


def _is_child(parent: cst.CSTNode, node: cst.CSTNode) -> bool:
    return any(child is node for child in iter_children(parent))


# The fields of compound statements and clauses that hold other line elements.
_BLOCK_FIELDS = frozenset({"body", "orelse", "handlers", "finalbody", "cases"})


def _header_parts(element: cst.CSTNode) -> list[cst.CSTNode]:
    """The child nodes of a compound element outside its blocks (decorators, test, items,
    parameters, annotations...)."""
    return iter_children(element, skip=_BLOCK_FIELDS)

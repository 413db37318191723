"""What a rule sees of the file it checks, and how its reports become diagnostics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst

from layercheck.domain.diagnostics import Applicability, Candidate, Condition, Diagnostic, Edit, Fix, Span
from layercheck.domain.records import FileTask
from layercheck.domain.settings import Settings
from layercheck.engine.names import NameTable
from layercheck.engine.positions import CodegenState, locate
from layercheck.engine.statement_lines import Anchors, line_anchors
from layercheck.engine.walk import Cursor

_FINGERPRINT_LIMIT = 240


@dataclass(frozen=True)
class NodeFix:
    """A fix expressed on the tree: replace each old node by a new node or by raw text."""

    message: str
    changes: tuple[tuple[cst.CSTNode, cst.CSTNode | str], ...]
    applicability: str = "safe"


@dataclass
class _Pending:
    code: str
    node: cst.CSTNode
    message: str
    fix: NodeFix | None
    condition: Condition | None
    # The line elements that may hold the node (`statement_lines.line_anchors`).
    anchors: Anchors


class FileContext:
    """One file under check: its task, source, tree, name table and rule options."""

    def __init__(
        self,
        task: FileTask,
        source: str,
        module: cst.Module,
        names: NameTable,
        settings: Settings,
        ancestors: list[cst.CSTNode],
        logical_lines: list[int] | None = None,
        cursor: Cursor | None = None,
    ) -> None:
        self.task = task
        self.source = source
        self.module = module
        self.names = names
        self.settings = settings
        # The nodes enclosing the one being visited, outermost first.
        self.ancestors = ancestors
        # Where the source's logical lines start (`limits.scan`), to place reported nodes.
        self.logical_lines = logical_lines
        self._cursor = cursor
        self._remembered: dict[int, Anchors] = {}
        self._pending: list[_Pending] = []
        self._lines: list[str] | None = None

    @property
    def layer(self) -> str | None:
        return self.task.layer

    def options_for(self, code: str) -> dict[str, Any]:
        return self.settings.options_for(code)

    def remember(self, node: cst.CSTNode) -> None:
        """Note where `node` is now: a rule that may report it after the walk has left it
        (at `leave_Module`) calls this when it sees it, so that placing it costs the code of
        its statement instead of the whole file's."""
        self._remembered[id(node)] = line_anchors(node, self.ancestors, self._current())

    def _current(self) -> cst.CSTNode | None:
        return self._cursor.current if self._cursor is not None else None

    def report(
        self,
        code: str,
        node: cst.CSTNode,
        message: str,
        *,
        fix: NodeFix | None = None,
        condition: Condition | None = None,
    ) -> None:
        anchors = self._remembered.get(id(node)) or line_anchors(node, self.ancestors, self._current())
        self._pending.append(_Pending(code, node, message, fix, condition, anchors))

    def code_for(self, node: cst.CSTNode) -> str:
        """The source text libcst generates for a node."""
        return self.module.code_for_node(node)

    # ----- turning reports into diagnostics ------------------------------------------------

    def finish(
        self, extra_nodes: list[tuple[cst.CSTNode, Anchors]]
    ) -> tuple[list[Diagnostic], list[Candidate], dict[cst.CSTNode, Span]]:
        """Diagnostics and candidates of this file, plus spans of `extra_nodes` (each with
        its line anchors)."""
        wanted: list[cst.CSTNode] = [p.node for p in self._pending]
        anchors: dict[int, Anchors] = {id(p.node): p.anchors for p in self._pending}
        for node, node_anchors in extra_nodes:
            wanted.append(node)
            anchors[id(node)] = node_anchors
        for pending in self._pending:
            if pending.fix is not None:
                for old, _ in pending.fix.changes:
                    wanted.append(old)
                    anchors.setdefault(id(old), Anchors((old, *pending.anchors.elements), False))
        if not wanted:
            return [], [], {}
        edited = {id(old) for pending in self._pending if pending.fix is not None for old, _ in pending.fix.changes}
        places = locate(
            self.module, wanted, self.source, logical_lines=self.logical_lines, anchors=anchors, edited=edited
        )
        spans: dict[cst.CSTNode, Span] = {}
        for node, code_range in places.syntactic.items():
            spans[node] = Span.of(
                code_range.start.line,
                code_range.start.column + 1,
                code_range.end.line,
                code_range.end.column + 1,
            )
        diagnostics: list[Diagnostic] = []
        candidates: list[Candidate] = []
        seen: set[tuple[str, Span, str]] = set()
        for pending in self._pending:
            span = spans.get(pending.node)
            if span is None:
                continue
            key = (pending.code, span, pending.message)
            if key in seen and pending.condition is None:
                continue
            seen.add(key)
            fix = self._text_fix(pending.fix, places.inclusive, places.indents) if pending.fix else None
            diagnostic = Diagnostic(
                code=pending.code,
                message=pending.message,
                path=self.task.display_path,
                span=span,
                fix=fix,
                fingerprint=self.fingerprint(span),
            )
            if pending.condition is None:
                diagnostics.append(diagnostic)
            else:
                candidates.append(Candidate(diagnostic, pending.condition))
        return diagnostics, candidates, spans

    def _text_fix(
        self, fix: NodeFix, inclusive: dict[cst.CSTNode, Any], indents: dict[cst.CSTNode, tuple[str, ...]]
    ) -> Fix | None:
        edits = []
        for old, new in fix.changes:
            code_range = inclusive.get(old)
            if code_range is None:
                return None
            content = new if isinstance(new, str) else self._code_in_place(new, indents.get(old, ()))
            span = Span.of(
                code_range.start.line,
                code_range.start.column + 1,
                code_range.end.line,
                code_range.end.column + 1,
            )
            edits.append(Edit(span, content))
        applicability: Applicability = "unsafe" if fix.applicability == "unsafe" else "safe"
        return Fix(fix.message, tuple(edits), applicability)

    def _code_in_place(self, node: cst.CSTNode, indents: tuple[str, ...]) -> str:
        """The code of a replacement node, generated inside the indentation of the node it
        replaces (`module.code_for_node` would generate it at column 0)."""
        state = CodegenState(
            default_indent=self.module.default_indent,
            default_newline=self.module.default_newline,
            indent_tokens=list(indents),
        )
        node._codegen(state)
        return "".join(state.tokens)

    def fingerprint(self, span: Span) -> str:
        """The code under a span, whitespace folded: stable when lines move."""
        if self._lines is None:
            self._lines = self.source.splitlines()
        lines = self._lines
        first, last = span.start.line - 1, span.end.line - 1
        if first >= len(lines):
            return ""
        if first == last:
            text = lines[first][span.start.column - 1 : span.end.column - 1]
        else:
            parts = [lines[first][span.start.column - 1 :]]
            parts.extend(lines[first + 1 : last])
            if last < len(lines):
                parts.append(lines[last][: span.end.column - 1])
            text = " ".join(parts)
        return " ".join(text.split())[:_FINGERPRINT_LIMIT]

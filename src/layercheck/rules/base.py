"""The shape of a per-file rule.

A rule is one small class in one module: a docstring (what it flags and why), a `code`
matching its registry line, the layers it checks, and libcst `visit_<Node>` /
`leave_<Node>` methods. All rules of a file run in one walk of its tree; a rule reports
nodes, never prints, never reads files or configuration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import libcst as cst

    from layercheck.diagnostics import Condition
    from layercheck.engine.context import FileContext, NodeFix
    from layercheck.engine.names import NameTable


class Rule:
    """Base class of rules that walk one parsed file."""

    code: ClassVar[str]
    # The layers whose files this rule checks; None checks every file except tests and
    # migrations (the layer-free rules: logging, secrets, environment reads).
    layers: ClassVar[frozenset[str] | None] = None

    def __init__(self, context: FileContext) -> None:
        self.context = context
        self.names: NameTable = context.names
        self.options: dict[str, Any] = context.options_for(self.code)

    def report(
        self,
        node: cst.CSTNode,
        message: str,
        *,
        fix: NodeFix | None = None,
        condition: Condition | None = None,
    ) -> None:
        """Record a finding on `node`; with `condition`, only if the project confirms it."""
        self.context.report(self.code, node, message, fix=fix, condition=condition)

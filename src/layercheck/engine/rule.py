"""The shape of a per-file rule.

A rule is one small class in one module: a docstring (what it flags and why), a `code`
matching its registry line, the layers it checks, and libcst `visit_<Node>` /
`leave_<Node>` methods. All rules of a file run in one walk of its tree; a rule reports
nodes, never prints, never reads files or configuration.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import libcst as cst

    from layercheck.domain.diagnostics import Condition
    from layercheck.engine.context import FileContext, NodeFix
    from layercheck.engine.names import NameTable


class Rule:
    """Base class of rules that walk one parsed file."""

    code: ClassVar[str]
    # The layers whose files this rule checks; None checks every file except tests and
    # migrations (the layer-free rules: logging, secrets, environment reads).
    layers: ClassVar[frozenset[str] | None] = None
    # Whether it also checks tests and migrations: true of the rules on how a line is
    # written rather than where it sits (an f-string log message is eager in a test too,
    # as ruff's G004 says everywhere; tests are exempt from the layer rules only).
    checks_tests: ClassVar[bool] = False
    # The last names of the callees `visit_Call` cares about (`print`, `getenv`, as
    # resolved through imports: see `callee_names`); None: every call. The walk calls it
    # for those calls only, which spares most rules most of a file's calls.
    calls: ClassVar[frozenset[str] | None] = None
    # Words the source must contain for the rule to find anything (one of them, anywhere:
    # the names it resolves are imported under them); the rule is not run on other files.
    # Empty: every file.
    requires: ClassVar[tuple[str, ...]] = ()

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


def callee_names(*groups: Iterable[str]) -> frozenset[str]:
    """The last names of qualified names and method names, for a rule's `calls`."""
    return frozenset(name.rpartition(".")[2] for group in groups for name in group)


def innermost_function(ancestors: Sequence[cst.CSTNode]) -> cst.FunctionDef | None:
    """The innermost function around a node, given the node's ancestors (None at module
    or class level)."""
    import libcst as cst  # noqa: PLC0415

    return next((item for item in reversed(ancestors) if isinstance(item, cst.FunctionDef)), None)


def is_main_guard(test: cst.BaseExpression) -> bool:
    """`__name__ == "__main__"` (either way round)."""
    import libcst as cst  # noqa: PLC0415

    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    if not isinstance(test.comparisons[0].operator, cst.Equal):
        return False
    sides = [test.left, test.comparisons[0].comparator]
    has_name = any(isinstance(side, cst.Name) and side.value == "__name__" for side in sides)
    has_main = any(isinstance(side, cst.SimpleString) and side.evaluated_value == "__main__" for side in sides)
    return has_name and has_main


def names_in(node: cst.CSTNode) -> set[str]:
    """Every name used below `node`."""
    import libcst as cst  # noqa: PLC0415

    from layercheck.engine.walk import iter_children  # noqa: PLC0415

    found: set[str] = set()
    pending = [node]
    while pending:
        current = pending.pop()
        if type(current) is cst.Name:
            found.add(current.value)
        else:
            pending.extend(iter_children(current))
    return found


# Names of functions written to try a module out by hand.
_HARNESS_PREFIXES = ("test", "demo", "example", "debug", "manual", "try")


class ServerCodeRule(Rule):
    """A rule about code the server runs: what only runs by hand is not reported, namely the
    `if __name__ == "__main__":` block of a module (its test harness) and the module-level
    functions that block calls when their names say they are for trying things out
    (`test_send_message()`, `demo()`; not `main()`, which the server may import and run too).
    A finding inside a module-level function waits for the end of the module, where the
    block's calls are known."""

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._entry_points: set[str] = set()
        self._held_back: list[tuple[cst.CSTNode, str, dict[str, Any], str]] = []

    def visit_If(self, node: cst.If) -> None:
        if self.names.at_module_level and is_main_guard(node.test):
            self._entry_points.update(names_in(node))

    def report(self, node: cst.CSTNode, message: str, **options: Any) -> None:
        import libcst as cst  # noqa: PLC0415

        ancestors = self.context.ancestors
        if any(isinstance(item, cst.If) and is_main_guard(item.test) for item in ancestors):
            return  # the module's harness, run by hand
        function = None  # the module-level function around the node (not a method)
        for item in ancestors:
            if isinstance(item, cst.ClassDef):
                break
            if isinstance(item, cst.FunctionDef):
                function = item.name.value
                break
        if function is None:
            super().report(node, message, **options)
            return
        self.context.remember(node)  # reported at `leave_Module`, once the harness is read
        self._held_back.append((node, message, options, function))

    def leave_Module(self, original_node: cst.Module) -> None:
        for node, message, options, function in self._held_back:
            if function not in self._entry_points or not function.lstrip("_").startswith(_HARNESS_PREFIXES):
                super().report(node, message, **options)

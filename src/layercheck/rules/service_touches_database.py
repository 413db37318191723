"""LC302 service-touches-database: a service builds or runs queries itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from layercheck.domain.vocabulary import SESSION_PARAMETER_NAMES, SQL_MODULES, is_query_builder
from layercheck.engine.rule import Rule
from layercheck.rules.externals import is_external
from layercheck.rules.queries import query_built_here
from layercheck.rules.sessions import annotated_session

if TYPE_CHECKING:
    from layercheck.engine.context import FileContext


class ServiceTouchesDatabase(Rule):
    """Flags a service that queries the database itself: a sqlalchemy query built there
    (`select`, `insert`, `update`, `delete`, `text`, `func.*`), or a query method called on
    a session (`execute`, `scalars`, `scalar`, `get`, `query`, `add`, `delete`, `merge`,
    `stream`...). Passing the session on to a repository is fine, and so is ending the unit
    of work (`commit`, `rollback`, `flush`, `refresh` are not in the default list).

    Services call repositories and other services, never the raw database (backend guide,
    step 3): a query in a service cannot be reused by other services and mixes business
    rules with data access.
    """

    code = "LC302"
    layers = frozenset({"service"})

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # Per enclosing function: session-named locals assigned a value (not a session by
        # convention), and `with ... as session` targets with what opened them.
        self._assigned: list[set[str]] = []
        self._opened_by: list[dict[str, str | None]] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._assigned.append(set())
        self._opened_by.append({})

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._assigned.pop()
        self._opened_by.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._note_assigned(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._note_assigned(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._note_assigned(node.target)

    def _note_assigned(self, target: cst.BaseExpression) -> None:
        if self._assigned and isinstance(target, cst.Name) and target.value in SESSION_PARAMETER_NAMES:
            self._assigned[-1].add(target.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if not self._opened_by or node.asname is None or not isinstance(node.asname.name, cst.Name):
            return
        name = node.asname.name.value
        if name in SESSION_PARAMETER_NAMES:
            opener = node.item.func if isinstance(node.item, cst.Call) else node.item
            self._opened_by[-1][name] = self.names.qualified_name(opener)

    def visit_Call(self, node: cst.Call) -> None:
        qualname = self.names.qualified_name(node.func)
        if qualname is not None and is_query_builder(qualname, self.options["query-builders"]):
            shown = query_built_here(node, self.names, self.context.ancestors, self.options["query-builders"])
            if shown is not None:
                self.report(node, f"`{shown}()` builds SQL in a service; move the query to a repository")
            return
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in self.options["session-methods"]:
            return
        message = f"session `.{func.attr.value}()` called in a service; call a repository instead"
        receiver = func.value
        binding = self.names.value_binding(receiver)
        annotated = annotated_session(binding)
        if annotated is not None:
            if annotated is not False:
                self.report(node, message, condition=None if annotated is True else annotated)
            return
        if self._session_by_convention(receiver):
            self.report(node, message)

    def _session_by_convention(self, receiver: cst.BaseExpression) -> bool:
        """An unannotated `db`/`session` parameter, or a `with ... as session` opened by a
        project factory or sqlalchemy (not an HTTP client session)."""
        if not isinstance(receiver, cst.Name) or receiver.value not in SESSION_PARAMETER_NAMES:
            return False
        if not self._assigned:
            return False
        name = receiver.value
        if name in self._opened_by[-1]:
            opener = self._opened_by[-1][name]
            if opener is None:
                return True
            return opener.split(".", 1)[0] in SQL_MODULES or not is_external(opener)
        if name in self._assigned[-1]:
            return False
        binding = self.names.lookup(name)
        return binding is not None and binding.qualname is None and not binding.logger

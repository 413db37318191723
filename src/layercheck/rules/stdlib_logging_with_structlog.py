"""LC703 stdlib-logging-with-structlog: stdlib `logging` logs in a project that uses structlog."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.domain.vocabulary import STDLIB_MODULE_LOG_FUNCTIONS
from layercheck.engine.context import FileContext
from layercheck.engine.rule import Rule
from layercheck.rules.logcalls import ASYNC_LOG_METHODS, LOG_METHODS

GET_LOGGER = "logging.getLogger"
# Accessing these on a logger configures it (levels, handlers, propagation); it logs nothing.
CONFIGURING = frozenset(
    {
        "setLevel",
        "addHandler",
        "removeHandler",
        "addFilter",
        "removeFilter",
        "handlers",
        "filters",
        "propagate",
        "disabled",
        "level",
        "hasHandlers",
        "getEffectiveLevel",
        "isEnabledFor",
        "manager",
        "parent",
        "name",
    }
)
USES_STRUCTLOG = Condition("project_uses_structlog", ())


@dataclass
class _Obtained:
    """A `logging.getLogger(...)` call bound to a name, and what the module does with it."""

    call: cst.Call
    named: bool  # called with a logger name (not the root logger)
    module_level: bool
    logged: bool = False
    configured: bool = False
    handed_on: bool = False


class StdlibLoggingWithStructlog(Rule):
    """Flags stdlib loggers that log in a project whose logging is structlog's.

    A project that configured structlog renders structured events (JSON in production, with
    the request id bound by middleware); a record logged through a stdlib logger skips those
    processors, so it loses the context and the format (backend guide, step 6: logging).

    Reported: a `logging.getLogger(...)` whose logger is used to log in the module (or is
    bound at module level under a name of its own for other modules to log with, or returned
    by a factory), and the
    root-logger functions `logging.info(...)`, `logging.exception(...)`... Configuring stdlib
    logging (`basicConfig`, `getLogger("uvicorn").setLevel(...)`, handlers, structlog's
    stdlib integration) is not reported.
    """

    code = "LC703"
    requires = ("logging",)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.allow_named = bool(self.options.get("allow-stdlib", False))
        # (scope object id, name) -> the getLogger call bound there; `self.x` keys use the class.
        self.obtained: dict[tuple[int, str], _Obtained] = {}
        self._scopes: list[object] = []  # kept alive so their ids stay unique

    # ----- where a logger comes from -------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        qualname = self.names.qualified_name(node.func)
        if qualname == GET_LOGGER:
            self._obtained(node)
            return
        if qualname is not None and qualname.startswith("logging."):
            function = qualname[len("logging.") :]
            if function in STDLIB_MODULE_LOG_FUNCTIONS:
                self.report(
                    node,
                    f"`logging.{function}()` logs through the stdlib root logger; "
                    "log with a structlog logger",
                    condition=USES_STRUCTLOG,
                )
            return
        func = node.func
        if isinstance(func, cst.Attribute):
            self._used_by_method(func.value, func.attr.value)

    def _obtained(self, call: cst.Call) -> None:
        named = bool(call.args)
        parent = self.context.ancestors[-1] if self.context.ancestors else None
        if isinstance(parent, cst.Attribute) and parent.value is call:
            # `logging.getLogger(__name__).info(...)`: used on the spot.
            grandparent = self.context.ancestors[-2] if len(self.context.ancestors) > 1 else None
            method = parent.attr.value
            if isinstance(grandparent, cst.Call) and grandparent.func is parent and _is_log_method(method):
                self._violation(call, named)
            return
        if isinstance(parent, cst.Return):
            # A project factory that hands out stdlib loggers.
            self._violation(call, named)
            return
        targets: list[cst.BaseExpression] = []
        if isinstance(parent, cst.Assign) and parent.value is call:
            targets = [target.target for target in parent.targets]
        elif isinstance(parent, cst.AnnAssign) and parent.value is call:
            targets = [parent.target]
        for target in targets:
            key = self._key(target, binding=True)
            if key is not None:
                self.obtained[key] = _Obtained(call, named, self.names.at_module_level)
                self.context.remember(call)  # reported, if at all, at `leave_Module`

    # ----- what the module does with it ----------------------------------------------------

    def _used_by_method(self, receiver: cst.BaseExpression, method: str) -> None:
        found = self._find(receiver)
        if found is None:
            return
        if _is_log_method(method):
            found.logged = True
        elif method not in CONFIGURING:
            found.handed_on = True  # `logger.getChild(...)` and the like

    def visit_Attribute(self, node: cst.Attribute) -> None:
        # `logger.handlers`, `logger.propagate = False`: configuration, not logging.
        if node.attr.value in CONFIGURING:
            found = self._find(node.value)
            if found is not None:
                found.configured = True

    def visit_Arg(self, node: cst.Arg) -> None:
        # Handed to something else (`structlog.wrap_logger(logger)`): not logging here.
        found = self._find(node.value)
        if found is not None:
            found.handed_on = True

    def leave_Module(self, original_node: cst.Module) -> None:
        for found in self.obtained.values():
            # A module-level logger nobody configures or wraps is there for logging, here
            # or in the modules that import it; unless it is named for this module
            # (`getLogger(__name__)`) and logs nothing here: an unused line, no records.
            exported = (
                found.module_level
                and not (found.configured or found.handed_on)
                and not _named_for_its_module(found.call)
            )
            if found.configured and not found.named:
                # The root logger a setup function fits with handlers (and reports on while
                # it does): logging's configuration, the rule page's exclusion.
                continue
            if found.logged or exported:
                self._violation(found.call, found.named)

    # ----- helpers --------------------------------------------------------------------------

    def _violation(self, call: cst.Call, named: bool) -> None:
        if named and self.allow_named:
            return
        self.report(
            call,
            "stdlib logger from `logging.getLogger()` in a project that logs with structlog; "
            "use `structlog.get_logger()`",
            condition=USES_STRUCTLOG,
        )

    def _find(self, receiver: cst.BaseExpression) -> _Obtained | None:
        if not self.obtained:
            return None
        key = self._key(receiver, binding=False)
        return self.obtained.get(key) if key is not None else None

    def _key(self, target: cst.BaseExpression, binding: bool) -> tuple[int, str] | None:
        """Which binding a name or `self.attr` refers to, as (scope id, name)."""
        if isinstance(target, cst.Name) and binding and self.names.scopes[-1].is_class:
            # A class attribute (`log = logging.getLogger(...)` in the body) is `self.log`.
            owner = self._enclosing_class()
            if owner is None:
                return None
            return (id(owner), f"self.{target.value}")
        if isinstance(target, cst.Name):
            scope = self.names.scopes[-1] if binding else self._scope_of(target.value)
            if scope is None:
                return None
            if binding:
                self._scopes.append(scope)
            return (id(scope), target.value)
        if (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value in ("self", "cls")
        ):
            owner = self._enclosing_class()
            if owner is None:
                return None
            self._scopes.append(owner)
            return (id(owner), f"self.{target.attr.value}")
        return None

    def _scope_of(self, name: str) -> object | None:
        scopes = self.names.scopes
        innermost = len(scopes) - 1
        for index in range(innermost, -1, -1):
            scope = scopes[index]
            if scope.is_class and index != innermost:
                continue
            if name in scope.names:
                return scope
        return None

    def _enclosing_class(self) -> cst.ClassDef | None:
        for node in reversed(self.context.ancestors):
            if isinstance(node, cst.ClassDef):
                return node
        return None


def _is_log_method(method: str) -> bool:
    return method in LOG_METHODS or method in ASYNC_LOG_METHODS


def _named_for_its_module(call: cst.Call) -> bool:
    """`logging.getLogger(__name__)`: the module's own logger, not one shared by name."""
    first = call.args[0].value if call.args else None
    return isinstance(first, cst.Name) and first.value == "__name__"

"""LC401 repository-not-async: a repository function or method is not `async def`."""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.domain.registry import SESSION_METHODS
from layercheck.domain.vocabulary import DATAFRAME_QUERIES, named_like_session
from layercheck.engine.context import FileContext
from layercheck.engine.names import dotted_name
from layercheck.engine.rule import Rule
from layercheck.rules.sessions import session_receiver

# Decorators that make a function something other than a repository operation: properties,
# stubs, and SQLAlchemy hooks, which SQLAlchemy calls synchronously.
_EXEMPT_DECORATORS = frozenset(
    {
        "property",
        "cached_property",
        "overload",
        "hybrid_property",
        "hybrid_method",
        "declared_attr",
        "listens_for",
        "validates",
        "compiles",
    }
)
# Classes from these modules are value types (enums, models, tuples), not repositories.
_VALUE_TYPE_MODULES = ("enum", "pydantic", "typing.NamedTuple", "typing.TypedDict", "builtins.Exception")
# Only projects on SQLAlchemy's asyncio extension (imported, and some async session work
# somewhere) are held to async repositories: in a project built on the sync `Session`
# throughout, `async def` would not make I/O async.
_ASYNC_PROJECT = Condition("project_uses_async_sqlalchemy", ())


def decorator_names(node: cst.FunctionDef | cst.ClassDef) -> list[str]:
    """Dotted names of a definition's decorators (`@event.listens_for(...)` gives `event.listens_for`)."""
    names = []
    for decorator in node.decorators:
        target = decorator.decorator
        if isinstance(target, cst.Call):
            target = target.func
        name = dotted_name(target) if isinstance(target, (cst.Name, cst.Attribute)) else None
        if name is not None:
            names.append(name)
    return names


def is_exempt(node: cst.FunctionDef) -> bool:
    """Properties and their setters, overload stubs, event hooks: not operations a caller awaits."""
    for name in decorator_names(node):
        last = name.rsplit(".", 1)[-1]
        if last in _EXEMPT_DECORATORS or last in ("setter", "getter", "deleter"):
            return True
    return False


@dataclass
class _Candidate:
    """A sync function under inspection until its body has been walked."""

    node: cst.FunctionDef
    owner: cst.ClassDef | None
    # Whether the body does database I/O: a session method called (a statement merely
    # built, a clause or loader options, is no I/O).
    io: bool = False
    returns: list[cst.BaseExpression | None] = field(default_factory=list)
    # It yields a session (`with maker() as session: yield session`): a session provider,
    # the context manager callers open their session with, not an operation.
    yields_session: bool = False


class RepositoryNotAsync(Rule):
    """Flags a repository function or method defined with `def` instead of `async def`.

    The backend guide's repository rule: "Every method is async def." A sync function in
    the repository layer either blocks the event loop on I/O or is a helper the services
    call directly, bypassing the async API. Checked: public (no leading `_`, unless
    `include-private`) methods of module-level classes and module-level functions that do
    database I/O (a session method called: `execute`, `scalars`, `get`, `add`, `commit`...).
    A synchronous helper that only builds a statement, a clause or loader options does no
    I/O and is fine. Not
    checked: dunder methods, properties, `@overload` stubs, SQLAlchemy hooks
    (`@event.listens_for`, `@validates`), factories that return `cls(...)` or a nested
    function (`from_session`, `get_repository`), session providers that yield the session
    (`with maker() as session: yield session`), methods of value types (enums, Pydantic
    models, named tuples, exceptions, dataclasses), and pure helpers with no database
    work, and names matching `ignore-names`. Only in projects that use SQLAlchemy's
    asyncio extension: a project on the sync
    `Session` throughout is not asked to write `async def` around blocking calls.
    """

    code = "LC401"
    layers = frozenset({"repository"})

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # One entry per enclosing function: a candidate, or None for functions not checked.
        self._functions: list[_Candidate | None] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(self._candidate(node))

    def _candidate(self, node: cst.FunctionDef) -> _Candidate | None:
        if node.asynchronous is not None or self._functions or is_exempt(node):
            return None
        name = node.name.value
        if name.startswith("__") and name.endswith("__"):
            return None
        if name.startswith("_") and not self.options["include-private"]:
            return None
        if any(fnmatchcase(name, pattern) for pattern in self.options["ignore-names"]):
            return None
        scopes = self.names.scopes
        if len(scopes) == 1:
            return _Candidate(node, None)
        owner = self._enclosing_class()
        if len(scopes) != 2 or owner is None or self._is_value_type(owner):
            return None
        return _Candidate(node, owner)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        candidate = self._functions.pop()
        if candidate is None or _is_factory(candidate) or candidate.yields_session:
            return
        name = node.name.value
        if not candidate.io:
            return  # a helper that builds a statement or a clause, or no database work at all
        if candidate.owner is None:
            message = f"repository function `{name}` is not `async def`"
        else:
            message = f"repository method `{candidate.owner.name.value}.{name}` is not `async def`"
        self.report(node.name, message, condition=_ASYNC_PROJECT)

    def _outermost(self) -> _Candidate | None:
        return self._functions[0] if self._functions else None

    def visit_Call(self, node: cst.Call) -> None:
        candidate = self._outermost()
        if candidate is None or candidate.io:
            return
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in SESSION_METHODS:
            candidate.io = _session_io(session_receiver(self.names, func.value), func.value)
        elif self.names.qualified_name(func) in DATAFRAME_QUERIES:
            candidate.io = True  # `pd.read_sql_query(text(...), session.connection())`

    def visit_Yield(self, node: cst.Yield) -> None:
        candidate = self._outermost()
        value = node.value
        if candidate is not None and isinstance(value, cst.Name) and named_like_session(value.value):
            candidate.yields_session = True

    def visit_Return(self, node: cst.Return) -> None:
        candidate = self._outermost()
        if candidate is not None and len(self._functions) == 1:
            candidate.returns.append(node.value)

    def _enclosing_class(self) -> cst.ClassDef | None:
        ancestors = self.context.ancestors
        if len(ancestors) >= 2 and isinstance(ancestors[-2], cst.ClassDef):
            return ancestors[-2]
        return None

    def _is_value_type(self, owner: cst.ClassDef) -> bool:
        if any(name.rsplit(".", 1)[-1] in ("dataclass", "define", "frozen") for name in decorator_names(owner)):
            return True
        for base in owner.bases:
            target = base.value.value if isinstance(base.value, cst.Subscript) else base.value
            qualname = self.names.qualified_name(target) or ""
            if qualname.startswith(_VALUE_TYPE_MODULES) or qualname.endswith(("Error", "Exception")):
                return True
        return False


def _session_io(held: bool | Condition, receiver: cst.BaseExpression) -> bool:
    """Whether a session method's receiver is evidence of session I/O by itself: a session,
    or a value named like one. A value of some other type the index would have to look into
    (`conn.close()` on what an unresolved `get_connection()` returned), or a chain of other
    objects' attributes (`self._model.model_fields.get(...)`) not ending in a session's
    name, is not: the finding's only question is whether the project is async."""
    if held is True:
        return True
    if not isinstance(held, Condition) or held.kind == "session_annotation":
        return False
    if held.kind == "member_session":
        return isinstance(receiver, cst.Attribute) and named_like_session(receiver.attr.value)
    return True


def _is_factory(candidate: _Candidate) -> bool:
    """Every `return` builds an object from `cls` or a class parameter, or hands back a
    function defined inside: an alternative constructor or a dependency factory."""
    if not candidate.returns:
        return False
    node = candidate.node
    parameters = {param.name.value for param in (*node.params.posonly_params, *node.params.params)}
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    nested = {statement.name.value for statement in body if isinstance(statement, cst.FunctionDef)}
    for value in candidate.returns:
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and (
            value.func.value == "cls" or value.func.value in parameters
        ):
            continue
        if isinstance(value, cst.Name) and value.value in nested:
            continue
        return False
    return True

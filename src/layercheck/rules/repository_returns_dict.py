"""LC402 repository-returns-dict: a repository returns dicts instead of ORM instances."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from layercheck.engine.context import FileContext
from layercheck.engine.limits import parse_expression
from layercheck.engine.rule import Rule, callee_names

# Containers whose items are what the function really returns.
_WRAPPERS = frozenset(
    {
        "list",
        "List",
        "Sequence",
        "Iterable",
        "Iterator",
        "AsyncIterator",
        "Optional",
        "Union",
        "tuple",
        "Tuple",
        "set",
        "Set",
        "Collection",
        "Awaitable",
        "AsyncGenerator",
        "Generator",
    }
)
_DICT_TYPES = frozenset({"dict", "Dict", "Mapping", "MutableMapping"})
_RECORD_MAPPINGS = frozenset({"RowMapping"})
_LOOSE_VALUES = frozenset({"Any", "object"})
_SCALARS = frozenset({"int", "float", "bool", "str", "Decimal"})


@dataclass
class _Function:
    node: cst.FunctionDef
    checked: bool
    # What the return annotation says: a record (reported once, on the annotation), a
    # mapping (only dict displays with string keys are records then), or no dict (None).
    declared: bool | None
    # Annotated to return a number, a flag or a string (`-> int`): a `.mappings()` call
    # inside reads one value off a row (a count, a sum), it hands no dict out.
    scalar: bool = False
    # `row = result.mappings().first()`: one row's mapping, reported at the function's end
    # unless every return reads a value off it (`return row["count"]`).
    single_rows: list[cst.Call] = field(default_factory=list)
    returns_values_only: bool = True
    # What it found, reported when the function ends if it reads or writes data: awaits
    # something, runs a statement or builds one (`get_usage_stats() -> dict` returning the
    # instance's in-memory counters hands out no row).
    found: list[tuple[cst.CSTNode, str]] = field(default_factory=list)
    touches_data: bool = False


def _last_name(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _members(node: cst.BaseExpression, generic: str) -> list[cst.BaseExpression] | None:
    """The types of `A | B` or `generic[A, B]` (`Union[...]`, `Optional[...]`); None for any
    other expression."""
    if isinstance(node, cst.BinaryOperation):
        return [node.left, node.right]
    if isinstance(node, cst.Subscript) and _last_name(node.value) == generic:
        return [element.slice.value for element in node.slice if isinstance(element.slice, cst.Index)]
    return None


def _heterogeneous(node: cst.BaseExpression) -> bool:
    """`str | int`, `Union[str, int]`: values of several types, as a record's fields have."""
    members = _members(node, "Union")
    if members is None:
        return False
    return len([member for member in members if not _is_none(member)]) > 1


def dict_annotation(node: cst.BaseExpression) -> bool | None:
    """Whether a return annotation names a record-like dict (True), a mapping (False: a
    homogeneous `dict[K, V]` such as `dict[UUID, User]` or `dict[str, int]`), or no dict
    at all (None).

    Records: `dict`, `Mapping`, `dict[str, Any]`, `dict[str, object]`, `dict[str, int |
    str]`, sqlalchemy's `RowMapping`, and containers of them (`list[dict]`).
    """
    if isinstance(node, cst.BinaryOperation):
        found = [dict_annotation(node.left), dict_annotation(node.right)]
        return True if True in found else (False if False in found else None)
    if isinstance(node, cst.SimpleString):
        text = node.evaluated_value
        if not isinstance(text, str):
            return None
        parsed = parse_expression(text)  # guarded: a deeply nested string crashes the parser
        return dict_annotation(parsed) if parsed is not None else None
    name = _last_name(node.value if isinstance(node, cst.Subscript) else node)
    if name in _RECORD_MAPPINGS:
        return True
    if not isinstance(node, cst.Subscript):
        return True if name in _DICT_TYPES else None
    elements = [element.slice.value for element in node.slice if isinstance(element.slice, cst.Index)]
    if name in _WRAPPERS:
        found = [dict_annotation(element) for element in elements]
        return True if True in found else (False if False in found else None)
    if name not in _DICT_TYPES:
        return None
    if len(elements) != 2:
        return True
    value = elements[1]
    return _last_name(value) in _LOOSE_VALUES or _heterogeneous(value)


_ONE_ROW = frozenset({"first", "one", "one_or_none", "fetchone"})
# Methods that run a statement or read its rows, whatever the receiver.
_DATA_CALLS = frozenset(
    {
        "execute", "exec", "scalars", "scalar", "query", "mappings", "_asdict", "fetchall", "fetchone",
        "fetchmany", "fetch_all", "fetch_one", "fetch", "fetchrow", "fetchval", "one_or_none",
        "scalar_one", "scalar_one_or_none", "execute_query",
    }
)


def _value_read(node: cst.BaseExpression) -> bool:
    """`row["count"]`, `row.get("count", 0)`, `int(row["total"] or 0)`: one value read off a
    row, not the row."""
    if isinstance(node, cst.Subscript):
        return True
    if isinstance(node, cst.BooleanOperation):
        return _value_read(node.left) and (_value_read(node.right) or isinstance(node.right, (cst.Integer, cst.Float)))
    if isinstance(node, cst.Call):
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "get":
            return True
        if isinstance(func, cst.Name) and func.value in _SCALARS and len(node.args) == 1:
            return _value_read(node.args[0].value)
    return False


def _entity_read(ancestors: Sequence[cst.CSTNode]) -> bool:
    """Whether the one row a `.mappings().one()` gives is read by a key written out
    (`.mappings().one()["Address"]`, selecting `Address`): what is kept is that value, an ORM
    instance or a column, not the row's mapping."""
    if len(ancestors) < 3:
        return False
    row, read = ancestors[-2], ancestors[-3]
    return (
        isinstance(row, cst.Call)
        and isinstance(read, cst.Subscript)
        and read.value is row
        and len(read.slice) == 1
        and isinstance(read.slice[0].slice, cst.Index)
        and isinstance(read.slice[0].slice.value, cst.SimpleString)
    )


def _scalar(node: cst.BaseExpression) -> bool:
    """`int`, `float | None`, `Optional[Decimal]`: one value, no record."""
    members = _members(node, "Optional") or [node]
    named = [_last_name(member) for member in members if not _is_none(member)]
    return bool(named) and all(name in _SCALARS for name in named)


def record_literal(node: cst.BaseExpression) -> bool:
    """A dict display with a string key (`{"orders": n}`): a record by construction."""
    if isinstance(node, (cst.List, cst.Tuple)):
        return any(record_literal(element.value) for element in node.elements if isinstance(element, cst.Element))
    return isinstance(node, cst.Dict) and any(
        isinstance(element, cst.DictElement) and isinstance(element.key, (cst.SimpleString, cst.FormattedString))
        for element in node.elements
    )


def dict_value(node: cst.BaseExpression) -> bool:
    """A returned expression that builds a dict record (or a list of them)."""
    if isinstance(node, cst.Dict):
        return bool(node.elements)
    if isinstance(node, cst.DictComp):
        # `{column.name: getattr(row, column.name) for column in ...}` turns a row into a
        # record; `{user.id: user for user in users}` or `{id: count for ...}` is an index.
        key, target = node.key, node.for_in.target
        if isinstance(target, cst.Name) and isinstance(node.value, cst.Name) and node.value.value == target.value:
            return False
        if isinstance(key, cst.Attribute):
            return key.attr.value in ("name", "key")
        return isinstance(key, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)) or (
            isinstance(key, cst.Call) and isinstance(key.func, cst.Name) and key.func.value == "str"
        )
    if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
        return dict_value(node.elt)
    if isinstance(node, (cst.List, cst.Tuple)):
        return any(
            dict_value(element.value) for element in node.elements if isinstance(element, cst.Element)
        )
    return False


class RepositoryReturnsDict(Rule):
    """Flags a repository that hands out dicts instead of ORM instances: a `return` of a
    dict literal, a dict comprehension or `dict(...)` (also inside a list), a
    `.mappings()` or `._asdict()` call, or a return annotation naming a record-like dict
    (`dict`, `dict[str, Any]`, `list[dict]`, `RowMapping`). A mapping with values of one
    type (`dict[UUID, User]`, `dict[str, int]`, `{user.id: user for user in users}`) is an
    index, not a record, and passes.

    The backend guide: repositories "return ORM model instances, not dicts". A dict loses the
    types, the relationships and the `from_attributes` mapping the service relies on to
    build its schemas. Only public module-level functions and methods are checked: a
    private helper that builds keyword arguments for a query is fine.
    """

    code = "LC402"
    layers = frozenset({"repository"})
    calls = callee_names({"mappings", "_asdict"})

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._functions: list[_Function] = []
        self._reported_return: cst.Return | None = None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        scopes = self.names.scopes
        top = len(scopes) == 1 or (len(scopes) == 2 and scopes[1].is_class)
        checked = top and not self._functions and not name.startswith("_")
        declared = dict_annotation(node.returns.annotation) if checked and node.returns else None
        scalar = checked and node.returns is not None and _scalar(node.returns.annotation)
        function = _Function(node, checked, declared, scalar)
        if declared and node.returns is not None:
            message = f"repository `{name}` is annotated to return a dict; return ORM instances"
            self._found(function, node.returns.annotation, message)
        self._functions.append(function)

    def _found(self, function: _Function, node: cst.CSTNode, message: str) -> None:
        self.context.remember(node)
        function.found.append((node, message))

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        function = self._functions.pop()
        if self._functions:
            self._functions[-1].touches_data |= function.touches_data  # a nested helper's queries
        if not (function.touches_data or function.node.asynchronous):
            return  # no await, no statement: what it returns is no row
        for found, message in function.found:
            self.report(found, message)
        if function.returns_values_only:
            return  # `get_wallets_count()` reading the count off one row's mapping
        for call in function.single_rows:
            self.report(call, "`.mappings()` turns rows into dicts in a repository; return ORM instances")

    def visit_Await(self, node: cst.Await) -> None:
        if self._functions:
            self._functions[-1].touches_data = True

    def _current(self) -> _Function | None:
        # Only the repository function itself, not a function nested in it.
        if len(self._functions) != 1:
            return None
        function = self._functions[0]
        return function if function.checked and function.declared is not True else None

    def visit_Return(self, node: cst.Return) -> None:
        function = self._current()
        if function is None or node.value is None:
            return
        value = node.value
        if not _value_read(value):
            function.returns_values_only = False
        if function.declared is False:
            flagged = record_literal(value)  # a declared mapping: only an obvious record counts
        else:
            flagged = dict_value(value) or self._dict_call(value)
        if flagged:
            self._reported_return = node
            message = f"repository `{function.node.name.value}` returns a dict; return ORM instances"
            self._found(function, value, message)

    def leave_Return(self, node: cst.Return) -> None:
        if node is self._reported_return:
            self._reported_return = None

    def visit_Call(self, node: cst.Call) -> None:
        if self._functions and not self._functions[-1].touches_data and self._runs_or_builds(node):
            self._functions[-1].touches_data = True
        function = self._current()
        if self._reported_return is not None or function is None or function.declared is False or function.scalar:
            return
        func = node.func
        if isinstance(func, cst.Attribute) and not node.args and func.attr.value in ("mappings", "_asdict"):
            parent = self.context.ancestors[-1] if self.context.ancestors else None
            if func.attr.value == "mappings" and isinstance(parent, cst.Attribute) and parent.attr.value in _ONE_ROW:
                if _entity_read(self.context.ancestors):
                    return  # `result.mappings().one()["Address"]`: the entity of the row, by its key
                function.single_rows.append(node)
                return
            self.report(node, f"`.{func.attr.value}()` turns rows into dicts in a repository; return ORM instances")

    def _runs_or_builds(self, call: cst.Call) -> bool:
        """A statement run (`session.execute(...)`, `cursor.fetchall()`, `.mappings()`) or
        built (`select(...)`, `text(...)`) by any means."""
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in _DATA_CALLS:
            return True
        qualname = self.names.qualified_name(func) or ""
        return qualname.split(".", 1)[0] in ("sqlalchemy", "sqlmodel")

    def _dict_call(self, value: cst.BaseExpression) -> bool:
        if isinstance(value, cst.ListComp):
            value = value.elt
        return isinstance(value, cst.Call) and self.names.qualified_name(value.func) == "builtins.dict"

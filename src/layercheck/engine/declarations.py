"""Classes that only declare: interfaces (ports) whose methods are abstract or bare
signatures, for others to implement. The index records them; LC301 does not judge what
their signatures promise (the implementation's own annotation is judged)."""

from __future__ import annotations

import libcst as cst

from layercheck.domain.vocabulary import MAPPED_ANNOTATIONS
from layercheck.engine.names import NameTable, dotted_name


def declares_only(node: cst.ClassDef) -> bool:
    """Whether a class has methods and each is abstract (`@abstractmethod`) or a bare
    signature (a docstring, `...`, `pass` or `raise NotImplementedError`), but for a context
    manager's entry that returns the instance (an abstract unit of work's `async def
    __aenter__(self): return self`, beside its abstract `commit` and `rollback`)."""
    if not isinstance(node.body, cst.IndentedBlock):
        return False
    methods = [item for item in node.body.body if isinstance(item, cst.FunctionDef)]
    declared = [method for method in methods if not _enters_itself(method)]
    return bool(declared) and all(is_abstract(method) or is_bare(method) for method in declared)


def _enters_itself(method: cst.FunctionDef) -> bool:
    """`def __enter__(self): return self` (or `__aenter__`, a docstring allowed)."""
    if method.name.value not in ("__enter__", "__aenter__") or not isinstance(method.body, cst.IndentedBlock):
        return False
    statements = [line for line in method.body.body if not _docstring(line)]
    if len(statements) != 1 or not isinstance(statements[0], cst.SimpleStatementLine):
        return False
    small = statements[0].body
    return (
        len(small) == 1
        and isinstance(small[0], cst.Return)
        and isinstance(small[0].value, cst.Name)
        and small[0].value.value == "self"
    )


def _docstring(line: cst.BaseStatement) -> bool:
    return (
        isinstance(line, cst.SimpleStatementLine)
        and len(line.body) == 1
        and isinstance(line.body[0], cst.Expr)
        and isinstance(line.body[0].value, cst.SimpleString)
    )


def is_abstract(method: cst.FunctionDef) -> bool:
    return any((dotted_name(d.decorator) or "").endswith("abstractmethod") for d in method.decorators)


def is_bare(method: cst.FunctionDef) -> bool:
    """A docstring, `...`, `pass` or `raise NotImplementedError`, on lines of their own or
    on the signature's line (`def get(self) -> User: ...`)."""
    body = method.body
    if isinstance(body, cst.IndentedBlock):
        lines = [line.body if isinstance(line, cst.SimpleStatementLine) else None for line in body.body]
    else:
        lines = [cst.ensure_type(body, cst.SimpleStatementSuite).body]
    for small in lines:
        if small is None:
            return False
        for item in small:
            if isinstance(item, cst.Pass) or (
                isinstance(item, cst.Expr) and isinstance(item.value, (cst.SimpleString, cst.Ellipsis))
            ):
                continue
            if isinstance(item, cst.Raise) and _raises_not_implemented(item):
                continue
            return False
    return True


def _raises_not_implemented(statement: cst.Raise) -> bool:
    """`raise NotImplementedError` or `raise NotImplementedError(...)`."""
    exc = statement.exc.func if isinstance(statement.exc, cst.Call) else statement.exc
    return exc is not None and (dotted_name(exc) or "").endswith("NotImplementedError")


def maps_columns(node: cst.ClassDef, table: NameTable) -> bool:
    """Whether the class body declares a mapped column (`name: Mapped[str] =
    mapped_column(...)`, also `relationship(...)` or `Column(...)` so annotated)."""
    if not isinstance(node.body, cst.IndentedBlock):
        return False
    return any(
        isinstance(small, cst.AnnAssign)
        and isinstance(small.value, cst.Call)
        and isinstance(small.annotation.annotation, cst.Subscript)
        and table.qualified_name(small.annotation.annotation.value) in MAPPED_ANNOTATIONS
        for statement in node.body.body
        if isinstance(statement, cst.SimpleStatementLine)
        for small in statement.body
    )

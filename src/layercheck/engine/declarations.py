"""Classes that only declare: interfaces (ports) whose methods are abstract or bare
signatures, for others to implement. The index records them; LC301 does not judge what
their signatures promise (the implementation's own annotation is judged)."""

from __future__ import annotations

import libcst as cst

from layercheck.domain.vocabulary import MAPPED_ANNOTATIONS
from layercheck.engine.names import NameTable, dotted_name


def declares_only(node: cst.ClassDef) -> bool:
    """Whether a class has methods and each is abstract (`@abstractmethod`) or a bare
    signature (a docstring, `...`, `pass` or `raise NotImplementedError`)."""
    if not isinstance(node.body, cst.IndentedBlock):
        return False
    methods = [item for item in node.body.body if isinstance(item, cst.FunctionDef)]
    return bool(methods) and all(is_abstract(method) or is_bare(method) for method in methods)


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

"""The classes a type expression names: `list[User]`, `Optional[User]`, `User | None`, `"User"`.

Rules that ask "does this annotation (or `response_model=`) name an ORM model?" and the facts
collector (which records what each function's return annotation names) walk type
expressions the same way, so the answer is the same wherever it is asked.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterator

import libcst as cst

from layercheck.domain.vocabulary import wraps_injected_type
from layercheck.engine.names import NameTable

# Subscripts whose arguments are not types (`Literal["a"]`) or only partly (`Annotated[X, meta]`).
_VALUE_SUBSCRIPTS = frozenset({"Literal"})
_FIRST_ONLY_SUBSCRIPTS = frozenset({"Annotated"})
_MAX_STRING_ANNOTATION = 500
# Where the generics whose parameters are what a value holds come from: containers
# (`list[User]`, `Sequence[User]`, `AsyncIterator[User]`), sqlalchemy's results and
# attributes (`ScalarResult[User]`, `Mapped[User]`), pagination pages (`Page[User]`).
# The standard library's typing vocabulary: never a project class.
_NOT_PROJECT_ROOTS = frozenset({"builtins", "typing", "typing_extensions", "collections", "types"})
_LOOKED_THROUGH_ROOTS = _NOT_PROJECT_ROOTS | {
    "contextlib", "asyncio", "abc", "sqlalchemy", "sqlmodel", "fastapi_pagination", "pydantic", "starlette", "fastapi"
}
# Generics whose parameters a value of them does not hold: a callable that will return a
# `User` (a FastAPI dependency factory's `Callable[..., Awaitable[User]]`), a statement that
# would select users (`Select[tuple[User]]`, built for the router to paginate).
_NOT_HOLDING = frozenset({"Callable", "Select", "Insert", "Update", "Delete", "CompoundSelect", "TextualSelect"})


def annotation_names(
    expression: cst.BaseExpression,
    names: NameTable,
    report_node: cst.CSTNode | None = None,
    held: bool = False,
) -> Iterator[tuple[cst.CSTNode, str]]:
    """Each class named in a type expression, with the node a finding should point at.

    Containers are looked through (`list[X]`, `Sequence[X]`, `tuple[X, Y]`, `dict[str, X]`,
    `Optional[X]`, `X | None`, `Annotated[X, ...]`); a string annotation is parsed and its
    names resolved in the current scope, reported on the string itself. Builtins (`int`,
    `None`) are yielded as `builtins.<name>`; names bound to local values are skipped.
    With `held`, only the classes a value of the type holds: not inside `Callable[...]` or
    a SQL statement's `Select[...]`.
    """
    node = expression
    if isinstance(node, (cst.Name, cst.Attribute)):
        qualname = names.qualified_name(node) or _module_value(node, names)
        if qualname is not None:
            yield (report_node or node), qualname
    elif isinstance(node, cst.Subscript):
        outer = names.qualified_name(node.value) or ""
        short = outer.rsplit(".", 1)[-1]
        if short in _VALUE_SUBSCRIPTS:
            return
        if held and short in _NOT_HOLDING and outer.split(".", 1)[0] in _LOOKED_THROUGH_ROOTS:
            return
        if wraps_injected_type(outer) and node.slice and isinstance(node.slice[0].slice, cst.Index):
            # `FromDishka[Repositories]`: the injector hands the parameter an instance of its type.
            yield from annotation_names(node.slice[0].slice.value, names, report_node, held)
            return
        if "." in outer and outer.split(".", 1)[0] not in _LOOKED_THROUGH_ROOTS:
            # `BaseDao[ServeEntity, Request, Response]`: an instance of a generic class of the
            # project (or of a library that is no container's), not of its parameters.
            yield (report_node or node.value), outer
            return
        elements = node.slice[:1] if short in _FIRST_ONLY_SUBSCRIPTS else node.slice
        for element in elements:
            if isinstance(element.slice, cst.Index):
                yield from annotation_names(element.slice.value, names, report_node, held)
    elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        yield from annotation_names(node.left, names, report_node, held)
        yield from annotation_names(node.right, names, report_node, held)
    elif isinstance(node, (cst.Tuple, cst.List)):
        for item in node.elements:
            yield from annotation_names(item.value, names, report_node, held)
    elif isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        parsed = _parse_string_annotation(node)
        if parsed is not None:
            yield from annotation_names(parsed, names, report_node or node, held)


def type_var_bound(call: cst.Call) -> cst.Name | cst.Attribute | None:
    """The `bound=` of a `TypeVar(...)` call as a name to resolve, also when written as a
    string (`bound="BaseRepository"`, a forward reference); None without one."""
    for arg in call.args:
        if arg.keyword is None or arg.keyword.value != "bound":
            continue
        bound = arg.value
        if isinstance(bound, cst.SimpleString):
            return forward_name(bound)
        return bound if isinstance(bound, (cst.Name, cst.Attribute)) else None
    return None


def forward_name(node: cst.SimpleString) -> cst.Name | cst.Attribute | None:
    """The name a forward reference writes in a string (`"User"`, `"models.User"`), as a
    node to resolve; None for a string that is no plain (dotted) name."""
    text = node.evaluated_value
    if not isinstance(text, str):
        return None
    parts = text.strip().split(".")
    if not all(part.isidentifier() for part in parts):
        return None
    name: cst.Name | cst.Attribute = cst.Name(parts[0])
    for part in parts[1:]:
        name = cst.Attribute(value=name, attr=cst.Name(part))
    return name


def _module_value(node: cst.Name | cst.Attribute, names: NameTable) -> str | None:
    """`pkg.mod.ModelT` for a module-level value used as a type (`ModelT = TypeVar(...)`)."""
    if not isinstance(node, cst.Name):
        return None
    binding = names.scopes[0].names.get(node.value)
    if binding is None or binding is not names.lookup(node.value) or binding.logger:
        return None
    return f"{names.module}.{node.value}"


def _parse_string_annotation(node: cst.SimpleString | cst.ConcatenatedString) -> cst.BaseExpression | None:
    text: str | bytes | None = _plain_text(node)
    if text is None:
        try:
            text = node.evaluated_value
        except Exception:  # bytes, or an f-string piece: not an annotation
            return None
    if not isinstance(text, str) or not text.strip() or len(text) > _MAX_STRING_ANNOTATION:
        return None
    parts = text.strip().split(".")
    if all(part.isidentifier() and not keyword.iskeyword(part) for part in parts):
        # `"User"`, `"models.User"` (most forward references): the nodes the parser would make.
        name: cst.Name | cst.Attribute = cst.Name(parts[0])
        for part in parts[1:]:
            name = cst.Attribute(value=name, attr=cst.Name(part))
        return name
    try:
        return cst.parse_expression(text.strip())
    except Exception:  # not a valid expression: not a forward reference
        return None


def _plain_text(node: cst.SimpleString | cst.ConcatenatedString) -> str | None:
    """The text of a string with no prefix and no escape, read off its quotes; None for any
    other (`evaluated_value` decides)."""
    if type(node) is not cst.SimpleString or "\\" in node.value:
        return None
    value = node.value
    quote = value[:3] if value[:3] in ('"""', "'''") else value[:1]
    if quote not in ('"', "'", '"""', "'''") or len(value) < 2 * len(quote) or not value.endswith(quote):
        return None
    return value[len(quote) : len(value) - len(quote)]


def project_class_names(expression: cst.BaseExpression, names: NameTable) -> Iterator[tuple[cst.CSTNode, str]]:
    """`annotation_names` of what a value of the type holds, without builtins and the
    standard typing vocabulary.

    What is left may be a project class (an ORM model, a schema) or a third-party one; the
    project index tells which.
    """
    for node, qualname in annotation_names(expression, names, held=True):
        if qualname.split(".", 1)[0] in _NOT_PROJECT_ROOTS:
            continue
        yield node, qualname



def generic_parameters(expression: cst.BaseExpression, names: NameTable) -> Iterator[tuple[cst.CSTNode, str, str]]:
    """(node, generic, parameter) for each class a project's (or a library's) generic class is
    parametrised with in a type expression (`PagedResult[User]`, `list[Page[User]]`): what a
    page of the project's making holds, which `annotation_names` leaves out (it names the
    generic itself). The project index tells whether the generic holds its parameters."""
    pending: list[cst.CSTNode] = [expression]
    while pending:
        node = pending.pop()
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            parsed = _parse_string_annotation(node)
            if parsed is not None:
                pending.append(parsed)
            continue
        if not isinstance(node, cst.Subscript):
            pending.extend(node.children)
            continue
        outer = names.qualified_name(node.value) or ""
        looked_through = "." not in outer or outer.split(".", 1)[0] in _LOOKED_THROUGH_ROOTS
        for element in node.slice:
            if not isinstance(element.slice, cst.Index):
                continue
            if looked_through:
                pending.append(element.slice.value)
            elif outer.rsplit(".", 1)[-1] not in _NOT_HOLDING:
                for found, parameter in annotation_names(element.slice.value, names, held=True):
                    yield found, outer, parameter

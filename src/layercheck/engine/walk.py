"""One cheap walk over a libcst tree that hands each node to the visitors that asked for it.

libcst's own visitor machinery (and `node.children`) visits every whitespace, comma and
parenthesis node and costs more than parsing itself. Rules never care about those, so the
walk follows a per-class cached list of each node type's *semantic* child fields, in the
order Python evaluates them (decorators and annotations before a function body), and calls
`visit_<NodeType>` / `leave_<NodeType>` methods gathered once per visitor class.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import libcst as cst

# Fields that only ever hold formatting (whitespace, brackets, separators) or tokens.
_FORMATTING_FIELDS = frozenset(
    {
        "lpar",
        "rpar",
        "lbrace",
        "rbrace",
        "lbracket",
        "rbracket",
        "comma",
        "semicolon",
        "colon",
        "equal",
        "dot",
        "relative",
        "leading_lines",
        "lines_after_decorators",
        "header",
        "footer",
        "trailing_whitespace",
        "star",
        "star_tok",
        "arrow",
        "asynchronous",
        "operator",
        "whitespace",
        "encoding",
        "default_indent",
        "default_newline",
        "has_trailing_newline",
        "prefix",
        "quote",
        "start",
        "end",
        "string_prefix",
    }
)

# Evaluation order differs from libcst's field order for definitions: decorators, defaults,
# annotations and base classes run in the enclosing scope before the body exists.
_FIELD_ORDER_OVERRIDES: dict[type[cst.CSTNode], tuple[str, ...]] = {
    cst.FunctionDef: ("decorators", "type_parameters", "params", "returns", "name", "body"),
    cst.ClassDef: ("decorators", "type_parameters", "bases", "keywords", "name", "body"),
    cst.Assign: ("value", "targets"),
    cst.AnnAssign: ("annotation", "value", "target"),
    cst.AugAssign: ("value", "target"),
    cst.For: ("iter", "target", "body", "orelse"),
}

_child_fields_cache: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def semantic_child_fields(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields of `node_type` that can hold meaningful child nodes, in evaluation order."""
    cached = _child_fields_cache.get(node_type)
    if cached is not None:
        return cached
    if node_type in _FIELD_ORDER_OVERRIDES:
        names = _FIELD_ORDER_OVERRIDES[node_type]
    else:
        names = tuple(
            f.name
            for f in dataclasses.fields(node_type)  # type: ignore[arg-type]
            if f.name not in _FORMATTING_FIELDS and not f.name.startswith("whitespace")
        )
    _child_fields_cache[node_type] = names
    return names


def iter_children(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """The semantic children of a node (no whitespace, commas or parentheses)."""
    for name in semantic_child_fields(type(node)):
        value = getattr(node, name, None)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, cst.CSTNode):
                    yield item


Hook = Callable[[Any], Any]


def _hooks_of(visitor: object, prefix: str) -> dict[type[cst.CSTNode], str]:
    """Map node types to the names of `visitor`'s `visit_X`/`leave_X` methods."""
    hooks: dict[type[cst.CSTNode], str] = {}
    for attr in dir(type(visitor)):
        if attr.startswith(prefix):
            node_type = getattr(cst, attr[len(prefix) :], None)
            if isinstance(node_type, type) and issubclass(node_type, cst.CSTNode):
                hooks[node_type] = attr
    return hooks


_hook_names_cache: dict[tuple[type, str], dict[type[cst.CSTNode], str]] = {}


def _cached_hooks(visitor: object, prefix: str) -> dict[type[cst.CSTNode], str]:
    key = (type(visitor), prefix)
    hooks = _hook_names_cache.get(key)
    if hooks is None:
        hooks = _hook_names_cache[key] = _hooks_of(visitor, prefix)
    return hooks


ErrorHandler = Callable[[object, BaseException], None]


class Dispatcher:
    """Walks a tree once, calling every visitor's hooks for each node in order.

    A visitor whose hook raises is reported through `on_error` and dropped for the rest of
    the walk, so one broken rule never hides the findings of the others.
    """

    def __init__(self, visitors: Sequence[object] = ()) -> None:
        self.visit_hooks: dict[type[cst.CSTNode], list[Hook]] = {}
        self.leave_hooks: dict[type[cst.CSTNode], list[Hook]] = {}
        self.stack: list[cst.CSTNode] = []
        self.on_error: ErrorHandler | None = None
        if visitors:
            self.register(visitors)

    def register(self, visitors: Sequence[object], on_error: ErrorHandler | None = None) -> None:
        """Add visitors, in the order their hooks should run for each node."""
        self.on_error = on_error
        for visitor in visitors:
            for node_type, name in _cached_hooks(visitor, "visit_").items():
                self.visit_hooks.setdefault(node_type, []).append(getattr(visitor, name))
            for node_type, name in _cached_hooks(visitor, "leave_").items():
                # Leave in reverse order, so the name table (registered first) closes a
                # scope only after every rule has left it.
                self.leave_hooks.setdefault(node_type, []).insert(0, getattr(visitor, name))

    def _drop(self, hook: Hook, error: BaseException) -> None:
        owner = getattr(hook, "__self__", None)
        if self.on_error is None or owner is None:
            raise error
        self.on_error(owner, error)
        for table in (self.visit_hooks, self.leave_hooks):
            for hooks in table.values():
                hooks[:] = [h for h in hooks if getattr(h, "__self__", None) is not owner]

    def _run(self, hooks: list[Hook], node: cst.CSTNode) -> bool:
        descend = True
        for hook in list(hooks):
            try:
                if hook(node) is False:
                    descend = False
            except RecursionError:
                raise
            except Exception as error:
                self._drop(hook, error)
        return descend

    def walk(self, root: cst.CSTNode) -> None:
        """Visit `root` and its semantic descendants depth-first."""
        visit_hooks = self.visit_hooks
        leave_hooks = self.leave_hooks
        stack = self.stack
        fields_cache = _child_fields_cache
        node_class = cst.CSTNode
        run = self._run

        def visit(node: cst.CSTNode) -> None:
            node_type = type(node)
            hooks = visit_hooks.get(node_type)
            if not hooks or run(hooks, node):
                stack.append(node)
                names = fields_cache.get(node_type) or semantic_child_fields(node_type)
                for name in names:
                    value = getattr(node, name, None)
                    if value is None:
                        continue
                    if isinstance(value, node_class):
                        visit(value)
                    elif type(value) is tuple or type(value) is list:
                        for item in value:
                            if isinstance(item, node_class):
                                visit(item)
                stack.pop()
            after = leave_hooks.get(node_type)
            if after:
                run(after, node)

        visit(root)

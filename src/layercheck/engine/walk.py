"""One cheap walk over a libcst tree that hands each node to the visitors that asked for it.

libcst's own visitor machinery (and `node.children`) visits every whitespace, comma and
parenthesis node and costs more than parsing itself. Rules never care about those, so the
walk follows a per-class cached list of each node type's *semantic* child fields, in the
order Python evaluates them (decorators and annotations before a function body), and calls
`visit_<NodeType>` / `leave_<NodeType>` methods gathered once per visitor class.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import libcst as cst
from libcst import MaybeSentinel

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

# Modules whose node classes are formatting only (whitespace, comments, operator tokens).
_FORMATTING_MODULES = frozenset({"libcst._nodes.whitespace", "libcst._nodes.op"})

_child_fields_cache: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def _annotation_leaves(annotation: object) -> list[object]:
    arguments = typing.get_args(annotation)
    if not arguments:
        return [annotation]
    return [leaf for argument in arguments for leaf in _annotation_leaves(argument)]


def _may_hold_nodes(annotation: object) -> bool:
    """Whether a field so annotated can hold a semantic node: not only text (`Name.value`),
    flags, or formatting nodes (`Slice.first_colon`). An annotation not understood counts."""
    if isinstance(annotation, str):
        return True
    for leaf in _annotation_leaves(annotation):
        if leaf in (str, bool, type(None), MaybeSentinel):
            continue
        if isinstance(leaf, type) and leaf.__module__ in _FORMATTING_MODULES:
            continue
        return True
    return False


def semantic_child_fields(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields of `node_type` that can hold meaningful child nodes, in evaluation order."""
    cached = _child_fields_cache.get(node_type)
    if cached is not None:
        return cached
    if node_type in _FIELD_ORDER_OVERRIDES:
        names = _FIELD_ORDER_OVERRIDES[node_type]
    elif dataclasses.is_dataclass(node_type):
        names = tuple(
            f.name
            for f in dataclasses.fields(node_type)
            if f.name not in _FORMATTING_FIELDS and not f.name.startswith("whitespace") and _may_hold_nodes(f.type)
        )
    else:
        names = ()  # not a node
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
        # Hooks per node type, as tuples: a dropped visitor gets new tuples, so a loop
        # over the old one is never disturbed.
        self.visit_hooks: dict[type[cst.CSTNode], tuple[Hook, ...]] = {}
        self.leave_hooks: dict[type[cst.CSTNode], tuple[Hook, ...]] = {}
        self.stack: list[cst.CSTNode] = []
        # The node whose hooks are running (a rule may report one of its descendants).
        self.current: cst.CSTNode | None = None
        self.on_error: ErrorHandler | None = None
        if visitors:
            self.register(visitors)

    def register(self, visitors: Sequence[object], on_error: ErrorHandler | None = None) -> None:
        """Add visitors, in the order their hooks should run for each node."""
        self.on_error = on_error
        for visitor in visitors:
            for node_type, name in _cached_hooks(visitor, "visit_").items():
                self.visit_hooks[node_type] = (*self.visit_hooks.get(node_type, ()), getattr(visitor, name))
            for node_type, name in _cached_hooks(visitor, "leave_").items():
                # Leave in reverse order, so the name table (registered first) closes a
                # scope only after every rule has left it.
                self.leave_hooks[node_type] = (getattr(visitor, name), *self.leave_hooks.get(node_type, ()))

    def _drop(self, hook: Hook, error: BaseException) -> None:
        owner = getattr(hook, "__self__", None)
        if self.on_error is None or owner is None:
            raise error
        self.on_error(owner, error)
        for table in (self.visit_hooks, self.leave_hooks):
            for node_type, hooks in list(table.items()):
                kept = tuple(h for h in hooks if getattr(h, "__self__", None) is not owner)
                if kept:
                    table[node_type] = kept
                else:
                    del table[node_type]

    def walk(self, root: cst.CSTNode) -> None:
        """Visit `root` and its semantic descendants depth-first."""
        visit_hooks = self.visit_hooks
        leave_hooks = self.leave_hooks
        stack = self.stack
        fields_cache = _child_fields_cache
        # Whether values of a type are nodes worth a visit: a node with hooks, or with
        # children that may have some. Most leaves (names, strings) have none, and are
        # never called at all. `isinstance` against libcst's abstract base class would cost
        # more than the whole walk otherwise does.
        node_kinds: dict[type, bool] = {type(None): False, MaybeSentinel: False}
        node_class = cst.CSTNode

        def worth_visiting(value_type: type) -> bool:
            if not issubclass(value_type, node_class):
                return False
            return value_type in visit_hooks or value_type in leave_hooks or bool(semantic_child_fields(value_type))

        drop = self._drop
        dispatcher = self

        def visit(node: cst.CSTNode) -> None:
            node_type = type(node)
            descend = True
            hooks = visit_hooks.get(node_type)
            if hooks is not None:
                dispatcher.current = node
                for hook in hooks:
                    try:
                        if hook(node) is False:
                            descend = False
                    except RecursionError:
                        raise
                    except Exception as error:
                        drop(hook, error)
            if descend:
                names = fields_cache.get(node_type)
                if names is None:
                    names = semantic_child_fields(node_type)
                if names:
                    stack.append(node)
                    for name in names:
                        value: Any = getattr(node, name, None)
                        value_type = type(value)
                        if value_type is tuple or value_type is list:
                            for item in value:
                                item_type = type(item)
                                is_node = node_kinds.get(item_type)
                                if is_node is None:
                                    is_node = node_kinds[item_type] = worth_visiting(item_type)
                                if is_node:
                                    visit(item)
                        else:
                            is_node = node_kinds.get(value_type)
                            if is_node is None:
                                is_node = node_kinds[value_type] = worth_visiting(value_type)
                            if is_node:
                                visit(value)
                    stack.pop()
            after = leave_hooks.get(node_type)
            if after is not None:
                dispatcher.current = node
                for hook in after:
                    try:
                        hook(node)
                    except RecursionError:
                        raise
                    except Exception as error:
                        drop(hook, error)

        visit(root)

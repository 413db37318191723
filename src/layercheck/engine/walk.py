"""One cheap walk over a libcst tree that hands each node to the visitors that asked for it.

libcst's own visitor machinery (and `node.children`) visits every whitespace, comma and
parenthesis node and costs more than parsing itself. Rules never care about those, so the
walk follows a per-class cached list of each node type's *semantic* child fields, in the
order Python evaluates them (decorators and annotations before a function body), and calls
`visit_<NodeType>` / `leave_<NodeType>` methods gathered once per visitor class.
"""

from __future__ import annotations

import dataclasses
import operator
import typing
from collections.abc import Callable, Sequence
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


_getters: dict[type, Callable[[Any], Any] | None] = {}


def _child_getter(node_type: type[cst.CSTNode]) -> Callable[[Any], Any] | None:
    """One C call that fetches every semantic child field of a node (a tuple; with one
    field, its value); None for a type without children."""
    if node_type not in _getters:
        names = semantic_child_fields(node_type)
        _getters[node_type] = operator.attrgetter(*names) if names else None
    return _getters[node_type]


_fetchers: dict[type, tuple[Callable[[Any], Any] | None, bool]] = {}


def iter_children(node: cst.CSTNode, skip: frozenset[str] = frozenset()) -> list[cst.CSTNode]:
    """The semantic children of a node (no whitespace, commas or parentheses), in field
    order; the fields named in `skip` are left out."""
    if skip:
        return _children_but(node, skip)
    # (asked hundreds of thousands of times a run, by the walks over one function's body:
    # the fields come from one cached `attrgetter`, as in the main walk)
    node_type = type(node)
    fetcher = _fetchers.get(node_type)
    if fetcher is None:
        fetcher = _fetchers[node_type] = (_child_getter(node_type), len(semantic_child_fields(node_type)) == 1)
    getter, single = fetcher
    if getter is None:
        return []
    children: list[cst.CSTNode] = []
    for value in (getter(node),) if single else getter(node):
        value_type = type(value)
        if value_type is list or value_type is tuple:
            children.extend(item for item in value if _is_node_type(type(item)))
        elif _is_node_type(value_type):
            children.append(value)
    return children


def _children_but(node: cst.CSTNode, skip: frozenset[str]) -> list[cst.CSTNode]:
    """`iter_children` without the fields named in `skip`."""
    children: list[cst.CSTNode] = []
    for name in semantic_child_fields(type(node)):
        if name in skip:
            continue
        value: Any = getattr(node, name, None)
        if type(value) is list or type(value) is tuple:
            children.extend(item for item in value if _is_node_type(type(item)))
        elif _is_node_type(type(value)):
            children.append(value)
    return children


_node_types: dict[type, bool] = {}


def _is_node_type(value_type: type) -> bool:
    """`issubclass(value_type, cst.CSTNode)`, remembered (libcst's base class is abstract,
    which makes the check itself slow)."""
    known = _node_types.get(value_type)
    if known is None:
        known = _node_types[value_type] = issubclass(value_type, cst.CSTNode)
    return known


def walk_subtree(root: cst.CSTNode, visitor: object) -> None:
    """What `root.visit(visitor)` does for a finder's `visit_X`/`leave_X` methods (a `False`
    from `visit_X` skips the node's children), over the semantic nodes only: libcst's own
    visit of a function body costs more than the rule asking about it."""
    visits, leaves = _own_hooks(type(visitor))

    def visit(node: cst.CSTNode) -> None:
        name = visits.get(type(node))
        if name is None or getattr(visitor, name)(node) is not False:
            for child in iter_children(node):
                visit(child)
        name = leaves.get(type(node))
        if name is not None:
            getattr(visitor, name)(node)

    try:
        visit(root)
    finally:
        # (as in `Dispatcher.walk`: the closure refers to itself, and would keep the finder,
        # the rule it holds and the tree for the cyclic garbage collector)
        visit = _unvisited


def _unvisited(node: cst.CSTNode) -> None:
    """What a finished `walk_subtree`'s `visit` is replaced by."""


def _own_hooks(visitor_class: type) -> tuple[dict[type, str], dict[type, str]]:
    """The `visit_X` and `leave_X` methods a finder class defines itself (not the empty
    ones every `cst.CSTVisitor` inherits), by node type. Read off the class's own
    dictionaries: finders are often classes made afresh in each call."""
    visits: dict[type, str] = {}
    leaves: dict[type, str] = {}
    for klass in reversed(visitor_class.__mro__):
        if klass is object or klass.__module__.startswith("libcst"):
            continue
        for attr in vars(klass):
            for prefix, table in (("visit_", visits), ("leave_", leaves)):
                if attr.startswith(prefix):
                    node_type = getattr(cst, attr[len(prefix) :], None)
                    if isinstance(node_type, type) and issubclass(node_type, cst.CSTNode):
                        table[node_type] = attr
    return visits, leaves


Hook = Callable[[Any], Any]
# How a walk handles a node type: its visit hooks, its leave hooks, a getter of its child
# fields (None: no children), whether it has exactly one child field, and (calls only) the
# visit hooks by callee name.
_Plan = tuple[
    "tuple[Hook, ...] | None",
    "tuple[Hook, ...] | None",
    "Callable[[Any], Any] | None",
    bool,
    "dict[str, tuple[Hook, ...]] | None",
]


def _hooks_of(visitor_class: type, prefix: str) -> dict[type[cst.CSTNode], str]:
    """Map node types to the names of a visitor class's `visit_X`/`leave_X` methods."""
    hooks: dict[type[cst.CSTNode], str] = {}
    for attr in dir(visitor_class):
        if attr.startswith(prefix):
            node_type = getattr(cst, attr[len(prefix) :], None)
            if isinstance(node_type, type) and issubclass(node_type, cst.CSTNode):
                hooks[node_type] = attr
    return hooks


ErrorHandler = Callable[[object, BaseException], None]


def _visited(node: cst.CSTNode, plan: _Plan) -> None:
    """What a finished walk's `visit` is replaced by (see `Dispatcher.walk`)."""


@dataclasses.dataclass(frozen=True)
class _Layout:
    """Which method of which visitor (by index) runs for each node type, for a sequence of
    visitor classes: computed once per sequence, bound to each file's visitors."""

    visits: dict[type[cst.CSTNode], tuple[tuple[int, str], ...]]
    leaves: dict[type[cst.CSTNode], tuple[tuple[int, str], ...]]
    # The `visit_Call` hooks for a callee name, for visitors with a `calls` set (with the
    # others): an index into `call_groups` (names share groups: `info`, `debug`...).
    callees: dict[str, int]
    call_groups: tuple[tuple[tuple[int, str], ...], ...]
    # Visitors with `call_words` too: their `visit_Call` also runs for a callee whose name
    # has one of the words (`print_to_log` for "log"), found on first sight of the name.
    call_words: tuple[tuple[frozenset[str], tuple[int, str]], ...] = ()


_layouts: dict[tuple[tuple[type, ...], bool], _Layout] = {}


def _layout(classes: tuple[type, ...], keyed_calls: bool) -> _Layout:
    known = _layouts.get((classes, keyed_calls))
    if known is not None:
        return known
    visits: dict[type[cst.CSTNode], list[tuple[int, str]]] = {}
    leaves: dict[type[cst.CSTNode], list[tuple[int, str]]] = {}
    interests: dict[int, frozenset[str]] = {}
    word_hooks: list[tuple[frozenset[str], tuple[int, str]]] = []
    for index, visitor_class in enumerate(classes):
        calls = getattr(visitor_class, "calls", None) if keyed_calls else None
        words = getattr(visitor_class, "call_words", None) if calls is not None else None
        for node_type, name in _hooks_of(visitor_class, "visit_").items():
            visits.setdefault(node_type, []).append((index, name))
            if node_type is cst.Call and calls is not None:
                interests[index] = calls
                if words:
                    word_hooks.append((frozenset(words), (index, name)))
        for node_type, name in _hooks_of(visitor_class, "leave_").items():
            leaves.setdefault(node_type, []).append((index, name))
    callees: dict[str, int] = {}
    groups: dict[tuple[tuple[int, str], ...], int] = {}
    if interests:
        call_hooks = visits.pop(cst.Call)
        for callee in {name for names in interests.values() for name in names}:
            group = tuple(place for place in call_hooks if callee in interests.get(place[0], (callee,)))
            callees[callee] = groups.setdefault(group, len(groups))
        general = [place for place in call_hooks if place[0] not in interests]
        if general:
            visits[cst.Call] = general
    layout = _Layout(
        visits={node_type: tuple(places) for node_type, places in visits.items()},
        # Leave in reverse order, so the name table (registered first) closes a scope only
        # after every rule has left it.
        leaves={node_type: tuple(reversed(places)) for node_type, places in leaves.items()},
        callees=callees,
        call_groups=tuple(groups),
        call_words=tuple(word_hooks),
    )
    _layouts[(classes, keyed_calls)] = layout
    return layout


class Cursor:
    """The node whose hooks are running (a rule may report one of its descendants); a
    separate object, so that what reads it holds no reference to the hooks (no cycle)."""

    __slots__ = ("current",)

    def __init__(self) -> None:
        self.current: cst.CSTNode | None = None


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
        self.cursor = Cursor()
        self.on_error: ErrorHandler | None = None
        # `visit_Call` hooks of visitors interested in a few callees, by callee name.
        self.callee_hooks: dict[str, tuple[Hook, ...]] = {}
        self.callee_key: Callable[[cst.Call], str | None] | None = None
        # The `call_words` hooks: (words, hook), for callee names not yet in `callee_hooks`.
        self.word_hooks: tuple[tuple[frozenset[str], Hook], ...] = ()
        # Per node type, for the walk under way (`_plan`).
        self._plans: dict[type, _Plan | None] = {}
        if visitors:
            self.register(visitors)

    def register(
        self,
        visitors: Sequence[object],
        on_error: ErrorHandler | None = None,
        callee_key: Callable[[cst.Call], str | None] | None = None,
    ) -> None:
        """Set the visitors, in the order their hooks should run for each node.

        A visitor with a `calls` set (the last names of the callees it cares about) has its
        `visit_Call` called only for those calls: `callee_key` names a call's callee. One
        with `call_words` besides is called too for a callee whose name has one of those
        words between underscores (`print_to_log` for "log").
        """
        self.on_error = on_error
        layout = _layout(tuple(type(visitor) for visitor in visitors), callee_key is not None)

        def bound(places: tuple[tuple[int, str], ...]) -> tuple[Hook, ...]:
            return tuple(getattr(visitors[index], name) for index, name in places)

        self.visit_hooks = {node_type: bound(places) for node_type, places in layout.visits.items()}
        self.leave_hooks = {node_type: bound(places) for node_type, places in layout.leaves.items()}
        call_hooks = [bound(places) for places in layout.call_groups]
        self.callee_hooks = {name: call_hooks[group] for name, group in layout.callees.items()}
        self.callee_key = callee_key if layout.callees else None
        self.word_hooks = tuple((words, getattr(visitors[index], name)) for words, (index, name) in layout.call_words)

    def _drop(self, hook: Hook, error: BaseException) -> None:
        owner = getattr(hook, "__self__", None)
        if self.on_error is None or owner is None:
            raise error
        self.on_error(owner, error)
        self.word_hooks = tuple((words, kept) for words, kept in self.word_hooks if kept is not hook)
        tables: tuple[dict[Any, tuple[Hook, ...]], ...] = (self.visit_hooks, self.leave_hooks, self.callee_hooks)
        for table in tables:
            for node_type, hooks in list(table.items()):
                kept = tuple(h for h in hooks if getattr(h, "__self__", None) is not owner)
                if kept:
                    table[node_type] = kept
                else:
                    del table[node_type]
        self._plans.clear()  # they hold the old hook tuples

    def _plan(self, node_type: type) -> _Plan | None:
        """How to visit nodes of a type in this walk, or None to pass them by: a value that
        is no node, or a leaf nobody hooks (names, strings: most of a tree)."""
        plan: _Plan | None = None
        if issubclass(node_type, cst.CSTNode):
            names = semantic_child_fields(node_type)
            hooks = self.visit_hooks.get(node_type)
            leaves = self.leave_hooks.get(node_type)
            by_callee = self.callee_hooks if node_type is cst.Call and self.callee_hooks else None
            if names or hooks is not None or leaves is not None or by_callee is not None:
                plan = (hooks, leaves, _child_getter(node_type), len(names) == 1, by_callee)
        self._plans[node_type] = plan
        return plan

    def walk(self, root: cst.CSTNode) -> None:
        """Visit `root` and its semantic descendants depth-first."""
        plans = self._plans
        plans.clear()
        plan_of = self._plan
        leave_hooks = self.leave_hooks
        stack = self.stack
        cursor = self.cursor
        drop = self._drop
        # `type(x) is` and dict look-ups throughout: `isinstance` against libcst's abstract
        # base classes would cost more than the whole walk otherwise does.

        callee_key = self.callee_key
        word_hooks = self.word_hooks

        def by_words(name: str, general: tuple[Hook, ...] | None) -> tuple[Hook, ...]:
            """The hooks for a callee name first seen: the general ones, and those whose
            words the name has; remembered for the name's next calls."""
            parts = set(name.lower().split("_"))
            extra = tuple(hook for words, hook in word_hooks if not words.isdisjoint(parts))
            found = (general or ()) + extra
            self.callee_hooks[name] = found
            return found

        def visit(node: cst.CSTNode, plan: _Plan) -> None:
            hooks, leaves, getter, single, by_callee = plan
            if by_callee is not None and callee_key is not None:
                key = callee_key(node)  # type: ignore[arg-type]
                found = by_callee.get(key)  # type: ignore[arg-type]
                if found is None and word_hooks and key:
                    found = by_words(key, hooks)
                if found is not None:
                    hooks = found
            descend = True
            if hooks is not None:
                cursor.current = node
                for hook in hooks:
                    try:
                        if hook(node) is False:
                            descend = False
                    except RecursionError:
                        raise
                    except Exception as error:
                        drop(hook, error)
            if descend and getter is not None:
                stack.append(node)
                values = getter(node)
                for value in (values,) if single else values:
                    value_type = type(value)
                    if value_type is tuple or value_type is list:
                        for item in value:
                            item_type = type(item)
                            child = plans[item_type] if item_type in plans else plan_of(item_type)
                            if child is not None:
                                visit(item, child)
                    else:
                        child = plans[value_type] if value_type in plans else plan_of(value_type)
                        if child is not None:
                            visit(value, child)
                stack.pop()
            if leaves is not None:
                if plans.get(type(node)) is not plan:  # a rule was dropped meanwhile
                    leaves = leave_hooks.get(type(node))
                    if leaves is None:
                        return
                cursor.current = node
                for hook in leaves:
                    try:
                        hook(node)
                    except RecursionError:
                        raise
                    except Exception as error:
                        drop(hook, error)

        root_plan = plan_of(type(root))
        try:
            if root_plan is not None:
                visit(root, root_plan)
        finally:
            # `visit` refers to itself: without this the closure, the hooks, the rules and
            # the whole tree would wait for the cyclic garbage collector.
            visit = _visited

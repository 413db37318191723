"""Whether a constructor call only builds a value to hand on: the dependency wiring of an
entry point (`MessageService(MessageRepository(session))`, a provider returning
`UserRepository(session)` for `Depends`), which runs no code of what it builds.

Asked by LC202 (a repository built for a service is no call into the repository layer) and
by the walk that records how a router or a task uses the names it imports (LC102: an import
used only for wiring is no layer skipped)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from layercheck.engine.names import last_name
from layercheck.engine.walk import iter_children


def handed_on(call: cst.BaseExpression, ancestors: Sequence[cst.CSTNode]) -> bool:
    """The value `call` makes is passed to another call, returned or yielded (alone or in a
    tuple), or held in a local name that is only ever passed on so in its function; also a
    value of a dict handed on so (`repos = {"users": UserRepository(session), ...}`, then
    `CallManager(**repos)`)."""
    parent = ancestors[-1] if ancestors else None
    if parent is not None and passed_on(parent):
        return True
    if type(parent) is cst.DictElement and parent.value is call and len(ancestors) >= 2:  # type: ignore[attr-defined]
        return type(ancestors[-2]) is cst.Dict and handed_on(ancestors[-2], ancestors[:-2])  # type: ignore[arg-type]
    if type(parent) is cst.Assign and parent.value is call and len(parent.targets) == 1:  # type: ignore[attr-defined]
        target = parent.targets[0].target  # type: ignore[attr-defined]
    elif type(parent) is cst.AnnAssign and parent.value is call:  # type: ignore[attr-defined]
        target = parent.target  # type: ignore[attr-defined]
    else:
        return False
    if type(target) is cst.Subscript:
        # `resources["user_repository"] = UsersRepository()` in a lifespan, then
        # `UserService(resources["user_repository"])`: a slot of a registry, only handed on.
        function = next((node for node in reversed(ancestors) if type(node) is cst.FunctionDef), None)
        slot_uses = list(_slot_uses(function.body if function is not None else ancestors[0], target))
        return bool(slot_uses) and all(passed_on(use) for use in slot_uses)
    if type(target) is not cst.Name:
        return False
    # (its function, or the module for a module-level name: `_user_repo = UserRepository()`
    # handed to a resolver the dependencies build)
    function = next((node for node in reversed(ancestors) if type(node) is cst.FunctionDef), None)
    scope = function.body if function is not None else ancestors[0]
    uses = _uses_in(ancestors[0], scope, target.value, parent)
    if not uses:
        # A name never used: left over from the wiring around it when the function builds
        # something from the others (`use_case = CreateSale(orders_repo, lines_repo)` beside
        # an unused `stock_repo`); else the router holds the repository itself (`repo =
        # UserRepository(db)` in an endpoint that returns `{}`).
        return _builds_from_made(scope)
    return all(passed_on(use) for use in uses)


def _slot_key(subscript: cst.Subscript) -> tuple[str, str] | None:
    """`("resources", '"user_repository"')` for `resources["user_repository"]`: a name's slot
    keyed by a literal string."""
    if type(subscript.value) is not cst.Name or len(subscript.slice) != 1:
        return None
    index = subscript.slice[0].slice
    if type(index) is not cst.Index or type(index.value) is not cst.SimpleString:
        return None
    return subscript.value.value, index.value.value


def _slot_uses(scope: cst.CSTNode, target: cst.Subscript) -> Iterator[cst.CSTNode]:
    """The parents of the reads of the slot `target` assigns (`resources["repo"]`) below
    `scope`, the assignment's own target aside. Iterative: a hostile file nests deeply."""
    key = _slot_key(target)
    if key is None:
        return
    pending: list[cst.CSTNode] = [scope]
    while pending:
        parent = pending.pop()
        for child in iter_children(parent):
            if type(child) is cst.Subscript and child is not target and _slot_key(child) == key:
                yield parent
            else:
                pending.append(child)


def _builds_from_made(scope: cst.CSTNode) -> bool:
    """Whether a class (a capitalised callee) is built below `scope` from a name that holds
    what a call made there (`CreateSale(orders_repo, lines_repo)` after `orders_repo =
    OrdersRepository(db)`). Iterative: a hostile file nests deeply."""
    made: set[str] = set()
    built: list[cst.Call] = []
    pending: list[cst.CSTNode] = [scope]
    while pending:
        node = pending.pop()
        kind = type(node)
        if kind is cst.Assign and type(node.value) is cst.Call:  # type: ignore[attr-defined]
            made.update(t.target.value for t in node.targets if type(t.target) is cst.Name)  # type: ignore[attr-defined]
        elif kind is cst.Call and last_name(node.func)[:1].isupper():  # type: ignore[attr-defined]
            built.append(node)  # type: ignore[arg-type]
        pending.extend(iter_children(node))
    return any(type(arg.value) is cst.Name and arg.value.value in made for call in built for arg in call.args)


def passed_on(parent: cst.CSTNode) -> bool:
    """Passed to a call, returned or yielded, or put in a tuple or list with other values
    (`return recorder, context, executor`)."""
    kind = type(parent)
    return kind is cst.Arg or kind is cst.Return or kind is cst.Yield or kind is cst.Element


# The names used below each scope asked of, for the tree asked of last (a module's
# constructor calls ask of the same module, or the same function body, again and again).
_Occurrences = dict[str, list[tuple[cst.CSTNode, tuple[int, ...]]]]
_remembered: tuple[cst.CSTNode | None, dict[int, tuple[cst.CSTNode, _Occurrences]]] = (None, {})


def _uses_in(root: cst.CSTNode, scope: cst.CSTNode, name: str, assignment: cst.CSTNode) -> list[cst.CSTNode]:
    """`list(uses_of(scope, name, assignment))`, from one walk of `scope` per tree."""
    global _remembered
    tree, scopes = _remembered
    if tree is not root:
        scopes = {}
        _remembered = (root, scopes)
    known = scopes.get(id(scope))
    if known is None or known[0] is not scope:
        known = scopes[id(scope)] = (scope, _occurrences(scope))
    return [use for use, inside in known[1].get(name, ()) if id(assignment) not in inside]


def _occurrences(scope: cst.CSTNode) -> _Occurrences:
    """Each name used below `scope` (as `uses_of` sees it), with the parent `uses_of`
    yields for it, and the assignments (by id) whose targets or bare value it is: asked
    with one of those, `uses_of` leaves it out. Iterative: a hostile file nests deeply."""
    found: _Occurrences = {}
    pending: list[tuple[cst.CSTNode, cst.CSTNode | None, tuple[int, ...]]] = [(scope, None, ())]
    while pending:
        parent, grandparent, outside = pending.pop()
        assigning = type(parent) is cst.Assign or type(parent) is cst.AnnAssign
        value = parent.value if assigning else None  # type: ignore[attr-defined]
        for child in iter_children(parent):
            kind = type(child)
            if kind is cst.ImportFrom or kind is cst.Import:
                continue
            if kind is cst.Name:
                called = type(parent) is cst.Call and parent.func is child  # type: ignore[attr-defined]
                use = grandparent if called and grandparent is not None else parent
                excluded = (*outside, id(parent)) if assigning else outside
                found.setdefault(child.value, []).append((use, excluded))  # type: ignore[attr-defined]
            else:
                inner = (*outside, id(parent)) if assigning and child is not value else outside
                pending.append((child, parent, inner))
    return found


def uses_of(node: cst.CSTNode, name: str, assignment: cst.CSTNode | None = None) -> Iterator[cst.CSTNode]:
    """The parents of the occurrences of `name` below `node`, the assignment's own target
    aside (an attribute named like it, `x.repo`, counts too: it only makes the answer
    "not handed on" where it could have been). Where `name` is called (`repo_type(session)`,
    a class a provider is given), the call's parent: what becomes of what it builds.
    Iterative: a hostile file nests deeply."""
    pending: list[tuple[cst.CSTNode, cst.CSTNode | None]] = [(node, None)]
    while pending:
        parent, grandparent = pending.pop()
        for child in iter_children(parent):
            if type(child) is cst.ImportFrom or type(child) is cst.Import:
                continue  # (`from app.repos.audit_dao import AuditDAO` names a module, no value)
            if child is assignment:
                pending.append((child.value, child))  # type: ignore[attr-defined]
            elif type(child) is cst.Name:
                if child.value != name:
                    continue
                called = type(parent) is cst.Call and parent.func is child  # type: ignore[attr-defined]
                if called and grandparent is not None:
                    yield grandparent
                else:
                    yield parent
            else:
                pending.append((child, parent))

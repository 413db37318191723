"""Recognising a session object at a call site (`db.execute(...)`, `self.session.get(...)`),
shared by the rules about queries in loops and sessions built by hand."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from layercheck.domain.diagnostics import Condition
from layercheck.domain.vocabulary import (
    CONNECTION_TYPES,
    DATABASE_HANDLES,
    SESSION_TYPES,
    library_session,
    named_like_session,
)
from layercheck.domain.vocabulary import ENGINE_FACTORIES as ENGINE_KINDS
from layercheck.engine.names import Binding, NameTable, state_slot
from layercheck.engine.rule import innermost_function
from layercheck.engine.walk import iter_children, walk_subtree

# Calls that build an engine (LC601); session types and factories are in SESSION_TYPES.
ENGINE_FACTORIES = frozenset(
    {
        "sqlalchemy.create_engine",
        "sqlalchemy.engine.create_engine",
        "sqlalchemy.engine.create.create_engine",
        "sqlalchemy.engine_from_config",
        "sqlalchemy.ext.asyncio.create_async_engine",
        "sqlalchemy.ext.asyncio.engine.create_async_engine",
        "sqlalchemy.ext.asyncio.async_engine_from_config",
        "sqlmodel.create_engine",
    }
)


# Annotations that say nothing of what a parameter holds.
_SAYS_NOTHING = frozenset(
    {
        "typing.Any",
        *(
            f"{module}.{name}"
            for module in ("typing", "collections.abc")
            for name in ("Generator", "AsyncGenerator", "Iterator", "AsyncIterator")
        ),
    }
)


def annotated_session(binding: Binding | None) -> bool | Condition | None:
    """What a value's annotation says of it: a session (True), no session (False: a builtin
    or `typing` type), a project type the index decides (a condition), or nothing (None)."""
    if binding is None or not binding.instance_of:
        return None
    if binding.instance_of in SESSION_TYPES or binding.instance_of in CONNECTION_TYPES:
        return True
    if binding.instance_of in DATABASE_HANDLES:
        return True
    if binding.instance_of in _SAYS_NOTHING:
        # `db: Generator = Depends(get_db)` (the dependency's own return type copied onto the
        # parameter), `db: Any`: the annotation tells nothing of the value, the name decides.
        return None
    if binding.instance_of.startswith(("builtins.", "typing.")) or binding.instance_of in ENGINE_KINDS:
        return False
    if binding.factory_call == binding.instance_of:
        # What a call gave (`async_session_factory()`, `Foo()`): the index asks what calling
        # it returns, so a session factory's result is a session and the factory is not.
        return Condition("session_annotation", (binding.instance_of + "()",))
    return Condition("session_annotation", (binding.instance_of,))


def _by_name(binding: Binding | None) -> Condition:
    """A receiver named like a session whose origin is out of sight: the name decides in a
    project that uses SQLAlchemy or SQLModel, unless the index knows better what the value
    is (`requests.Session()`, a Redis client, a project class)."""
    if binding is not None and binding.instance_of and binding.instance_of not in _SAYS_NOTHING:
        return Condition("session_named", (binding.instance_of + "()",))
    if binding is not None and binding.qualname:
        return Condition("session_named", (binding.qualname,))
    return Condition("session_named", ())


def _member_session(names: NameTable, receiver: cst.Attribute) -> bool | Condition:
    """A session reached through other objects (`self.repo.session`, `uow.session` on a
    parameter annotated `UnitOfWork`, `self._repo._s` whose class annotates `_s`): the index
    follows what each attribute holds. A chain is followed for provenance, never guessed:
    the condition holds only where the last attribute is known to hold a session."""
    member = names.member_chain(receiver)
    return Condition("member_session", member) if member is not None else False


def _slot_of(binding: Binding | None) -> str | None:
    """The slot of `request.state` a name was read from (`db = request.state.db`), if any."""
    if binding is None or binding.member is None:
        return None
    chain = binding.member[1].split(".")
    return chain[1] if len(chain) == 2 and chain[0] == "state" else None


def session_receiver(names: NameTable, receiver: cst.BaseExpression) -> bool | Condition:
    """Whether `receiver` holds a session: True, False, or a condition the index decides.

    Provenance first: a value annotated with a session type (or a project alias of one,
    decided by the index), an attribute of `self` assigned from such a value, a value
    returned by a session factory (`async with async_session_maker() as session`), a slot of
    `request.state` where the project keeps a session (`request.state.db`). Where
    the origin is out of sight, the name convention (`session`, `db`, `*_session`,
    `self.session`, `self._db`) decides.
    """
    if isinstance(receiver, cst.Attribute):
        slot = state_slot(receiver)
        if slot is not None:
            # `request.state.db.execute(...)`: what the project keeps in that slot.
            return Condition(f"state_session:{slot}", ())
        owner = receiver.value
        if isinstance(owner, cst.Name) and owner.value not in ("self", "cls"):
            made = names.value_binding(owner)
            if library_session(names.qualified_name(receiver), made.instance_of if made else None, receiver.attr.value):
                return True  # `db.session` of fastapi-sqlalchemy or Flask-SQLAlchemy
        if isinstance(owner, cst.Attribute):
            return _member_session(names, receiver)
        if not isinstance(owner, cst.Name):
            return False
        if owner.value not in ("self", "cls"):
            # `context.db_session` on a parameter annotated with a project class whose
            # attribute holds a session: followed for provenance, never guessed.
            return _member_session(names, receiver)
        binding = names.value_binding(receiver)
        known = binding if binding is not None and (binding.instance_of or binding.logger) else None
        annotated = annotated_session(known)
        if annotated is True or isinstance(annotated, Condition):
            if isinstance(annotated, Condition) and named_like_session(receiver.attr.value):
                return _by_name(known)
            return annotated
        if known is not None and known.logger:
            return False
        if binding is not None and binding.convention == "session":
            return _by_name(None)  # `self._s = session`: the name it was copied from decides
        if not named_like_session(receiver.attr.value):
            return False
        # (`self.db` typed in a base class, `db: DbManager | None`: the index reads what the
        # class says the attribute holds before the name decides)
        member = names.member_chain(receiver)
        return Condition("session_named_member", member) if member is not None else _by_name(None)
    if isinstance(receiver, cst.Call):
        # `_active_session(uow.session).get(...)`: what the call's annotation says it returns.
        returned = annotated_session(names.call_result(receiver))
        return returned if returned is not None else False
    if not isinstance(receiver, cst.Name):
        return False
    binding = names.value_binding(receiver)
    slot = _slot_of(binding)
    if slot is not None:
        return Condition(f"state_session:{slot}", ())  # `db = request.state.db`, then `db.execute(...)`
    if binding is not None and binding.member is not None:
        # `db = self.dao.db` then `db.execute(...)`: a session held by another object
        # (followed for provenance, as `_member_session` follows a chain).
        return Condition("member_session", binding.member)
    annotated = annotated_session(binding)
    if annotated is not None:
        if isinstance(annotated, Condition) and named_like_session(receiver.value):
            return _by_name(binding)
        return annotated
    if not named_like_session(receiver.value):
        if binding is not None and binding.qualname and not binding.logger:
            # `from app.database import database` (`database = Database(url)` there): a
            # module-level handle of the project, whatever its name; the index follows it.
            return Condition("session_annotation", (binding.qualname,))
        return False
    if binding is not None and binding.logger:
        return False
    return _by_name(binding)


def in_session_dependency(ancestors: Sequence[cst.CSTNode]) -> bool:
    """Whether the innermost function around a node is a session dependency: it yields a
    value named like a session (`def get_db(): with Session(engine) as session: yield
    session`), whose opening, commit and close are its job."""
    function = innermost_function(ancestors)
    if function is None:
        return False
    finder = _SessionYields()
    walk_subtree(function.body, finder)
    return finder.found


class _SessionYields(cst.CSTVisitor):
    """Finds `yield <name like a session>` in a function body (not in nested functions)."""

    def __init__(self) -> None:
        self.found = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.Name) and named_like_session(node.value.value):
            self.found = True


# Attributes of a SQLAlchemy session that hold objects with methods of their own
# (`session.bind.dispose()`, `session.info.get(...)`, `session.sync_session.query(...)`), and
# `func` (Flask-SQLAlchemy's `db.func.count(...)`, written on a session by habit).
_SESSION_ATTRIBUTES = frozenset(
    {"bind", "info", "identity_map", "dirty", "new", "deleted", "sync_session", "no_autoflush", "dialect", "func"}
)
# The holders found per scope (a function or a class), by the scope node's identity.
_HOLDERS: dict[int, tuple[cst.CSTNode, frozenset[str]]] = {}
_HOLDERS_KEPT = 256


def holds_repositories(receiver: cst.BaseExpression, ancestors: Sequence[cst.CSTNode]) -> bool:
    """Whether a value named like a session is used, in the function around the call (for
    `self.session`, in its class), as an object whose attributes have methods of their own:
    `db.users.get_one(...)` beside `db.commit()` is a unit of work holding its repositories
    (a `DBManager` handed in unannotated), no session, which has no `users`."""
    if isinstance(receiver, cst.Name):
        scope: cst.CSTNode | None = innermost_function(ancestors)
        key = receiver.value
    elif isinstance(receiver, cst.Attribute) and _is_self(receiver.value):
        scope = next((item for item in reversed(ancestors) if isinstance(item, cst.ClassDef)), None)
        key = f"self.{receiver.attr.value}"
    else:
        return False
    return scope is not None and key in _holders(scope)


def _holders(scope: cst.CSTNode) -> frozenset[str]:
    """`db` and `self.session` for each `db.<attribute>.<method>(...)` and
    `self.session.<attribute>.<method>(...)` in the scope (a session's own attributes aside)."""
    kept = _HOLDERS.get(id(scope))
    if kept is not None and kept[0] is scope:
        return kept[1]
    found: set[str] = set()
    pending: list[cst.CSTNode] = [scope]
    while pending:  # (iterative: a hostile file nests deeply)
        node = pending.pop()
        pending.extend(iter_children(node))
        if type(node) is not cst.Call:
            continue
        func = node.func  # type: ignore[attr-defined]
        if type(func) is not cst.Attribute or type(func.value) is not cst.Attribute:
            continue
        member = func.value
        if member.attr.value in _SESSION_ATTRIBUTES:
            continue
        owner = member.value
        if type(owner) is cst.Name:
            found.add(owner.value)
        elif type(owner) is cst.Attribute and _is_self(owner.value):
            found.add(f"self.{owner.attr.value}")
    if len(_HOLDERS) >= _HOLDERS_KEPT:
        _HOLDERS.clear()
    holders = frozenset(found)
    _HOLDERS[id(scope)] = (scope, holders)
    return holders


def _is_self(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "self"

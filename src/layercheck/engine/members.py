"""What the attributes of a module-level class hold, as far as its own code says.

A router reaches a repository through attributes of attributes as often as through a name:
`self.repos.households.get_one(...)` where `repos` is a property returning `self._repos`,
`_repos: AllRepositories | None` is declared on the class, and `AllRepositories.households`
is a cached property annotated `-> RepositoryHouseholds`; or `uow.users.add(...)` on a unit
of work. This walk participant records, per class, what each attribute holds:

- `T:<qualname>`: a type, from a class-level annotation (`_repos: AllRepositories | None`),
  an assignment in a method (`self.repo = UserRepository(db)`, `self.db = db` with `db`
  annotated), or an unannotated property that returns a constructor call;
- `S:<a.b>`: the value of other attributes of the same object (a property returning
  `self.repos.households`);
- `V:<qualname>`: a module-level object of another module (`self.repo = subject_repository`),
  whose class the index reads where it is built;
- `U`: an attribute named for data access set in a method to a value whose class is out of
  sight (`self.repository = repository` of an unannotated parameter).

It also records what the project keeps in the slots of Starlette's `state` object
(`request.state.db = session` in a middleware or a dependency), for the index to tell a
session read back from a slot elsewhere (`request.state.db.execute(...)`): `S` for a session
by its type, `T:<qualname>` for another known type, `N` for a value named like a session
whose origin is out of sight.

Annotated properties need nothing here: their return annotation is a fact already
(`returns`). The index follows these facts across modules and base classes
(`ProjectIndex.member_type`).
"""

from __future__ import annotations

import libcst as cst

from layercheck.domain.vocabulary import (
    CONNECTION_TYPES,
    DATA_ACCESS_NAME,
    DATABASE_HANDLES,
    SESSION_TYPES,
    named_like_session,
)
from layercheck.engine.names import Binding, NameTable, dotted_name, state_slot

_PROPERTY_DECORATORS = frozenset({"property", "cached_property", "functools.cached_property"})
# What an attribute set to a value of no known class holds (see the module's doc).
_OUT_OF_SIGHT = "U"


def _self_chain(node: cst.BaseExpression) -> str | None:
    """`a.b` for `self.a.b` (None for anything else)."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name) and node.value == "self" and parts:
        return ".".join(reversed(parts))
    return None


class MemberCollector:
    """Gathers `members` facts: {class: {attribute: "T:qualname" | "S:a.b"}}; the class ""
    holds the module's own annotated names."""

    def __init__(self, table: NameTable) -> None:
        self.table = table
        self.members: dict[str, dict[str, str]] = {}
        # Unannotated module-level functions and the callable every `return` calls
        # (`def get_repositories(s): return AllRepositories(s)`); "" when they differ.
        self.made: dict[str, str] = {}
        # The unannotated property being walked (class, name), if any.
        self._property: tuple[str, str] | None = None
        self._factory: str | None = None
        # Slot of `request.state` -> what the module stores there (see the module's doc).
        self.state_slots: dict[str, list[str]] = {}
        # Class-body names bound to another name (`model = Hotel` in `class HotelService(
        # BaseService)`): {class: {attribute: qualname}}, for what `cls.model` is where a
        # base class queries it (`select(cls.model)` with `model = None` on the base).
        self.class_values: dict[str, dict[str, str]] = {}
        # The parameters of a generic class an attribute is annotated with (`self._cache =
        # cache` of `cache: CacheRepository[UserOut]`): {class: {attribute: [qualname, ...]}}.
        self.member_args: dict[str, dict[str, list[str]]] = {}

    def _owner(self) -> str | None:
        """The module-level class whose body or method the walk is in."""
        scopes = self.table.scopes
        if len(scopes) >= 2 and scopes[1].is_class:
            return scopes[1].class_name
        return None

    def _held(self, value: cst.BaseExpression, name: str) -> str | None:
        """What an attribute `name` set to (or a property returning) `value` holds: other
        attributes of the same object, or the class the value is an instance of."""
        chain = _self_chain(value)
        if chain is not None:
            return f"S:{chain}" if chain != name else None
        known = self.table.value_binding(value)
        if known is not None and known.instance_of:
            return f"T:{known.instance_of}"
        if type(value) is cst.Name and known is not None and known.qualname and known.qualname != value.value:
            # `self.repo = subject_repository`, an object a module of the project builds
            # (`subject_repository = SubjectRepository()`): the index reads what it holds.
            return f"V:{known.qualname}"
        return None

    def _record(self, owner: str, name: str, value: str) -> None:
        held = self.members.setdefault(owner, {})
        if held.get(name, _OUT_OF_SIGHT) == _OUT_OF_SIGHT:
            held[name] = value  # (what another assignment makes known beats out of sight)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scopes = self.table.scopes
        if len(scopes) == 1 and node.returns is None:
            self._factory = node.name.value
            return
        if len(scopes) != 2 or not scopes[1].is_class or node.returns is not None:
            return
        for decorator in node.decorators:
            if (dotted_name(decorator.decorator) or "") in _PROPERTY_DECORATORS:
                owner = scopes[1].class_name
                if owner is not None:
                    self._property = (owner, node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        if self._property is not None and self._property[1] == original_node.name.value:
            self._property = None
        if self._factory == original_node.name.value and len(self.table.scopes) <= 2:
            if not self.made.get(self._factory):
                self.made.pop(self._factory, None)
            self._factory = None

    def visit_Return(self, node: cst.Return) -> None:
        if self._factory is not None and self.table.function_depth == 1:
            made = self.table.qualified_name(node.value.func) if isinstance(node.value, cst.Call) else None
            first = self.made.setdefault(self._factory, made or "")
            if first != (made or ""):
                self.made[self._factory] = ""
            return
        if self._property is None or node.value is None or self.table.function_depth != 1:
            return
        owner, name = self._property
        held = self._held(node.value, name)
        if held is not None:
            self._record(owner, name, held)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        owner = self._owner()
        if owner is None:
            # A module-level annotation (`app: ForgeApp`, often under TYPE_CHECKING beside
            # `app = AppHolder()`): what the module's name holds, recorded under "".
            if len(self.table.scopes) == 1 and isinstance(node.target, cst.Name):
                known = self.table.annotation_binding(node.annotation.annotation)
                if known.instance_of:
                    self.members.setdefault("", {})[node.target.value] = f"T:{known.instance_of}"
            return
        target = node.target
        if len(self.table.scopes) == 2 and isinstance(target, cst.Name):
            name: str | None = target.value  # `_repos: AllRepositories | None = None`
        else:
            chain = _self_chain(target)  # `self.repo: UserRepository = repo`
            name = chain if chain is not None and "." not in chain else None
        if name is not None:
            known = self.table.annotation_binding(node.annotation.annotation)
            if known.instance_of:
                self._record(owner, name, f"T:{known.instance_of}")
                self._record_arguments(owner, name, known)

    def _record_arguments(self, owner: str, name: str, known: Binding | None) -> None:
        if known is not None and known.type_args:
            self.member_args.setdefault(owner, {})[name] = list(known.type_args)

    def _record_class_value(self, owner: str, node: cst.Assign) -> None:
        """`model = Hotel` in a class body: the class attribute names another class."""
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        if not isinstance(node.value, (cst.Name, cst.Attribute)):
            return
        qualname = self.table.qualified_name(node.value)
        if qualname is not None and not qualname.startswith("builtins."):
            self.class_values.setdefault(owner, {})[node.targets[0].target.value] = qualname

    def _slot_value(self, value: cst.BaseExpression) -> str | None:
        known = self.table.value_binding(value) if isinstance(value, (cst.Name, cst.Attribute)) else None
        if isinstance(value, cst.Call):
            known = self.table.call_result(value)
        if known is not None and known.instance_of:
            held = known.instance_of
            return "S" if held in SESSION_TYPES or held in CONNECTION_TYPES or held in DATABASE_HANDLES else f"T:{held}"
        if isinstance(value, cst.Name) and named_like_session(value.value) and (known is None or not known.logger):
            return "N"
        return None

    def _record_slots(self, node: cst.Assign) -> None:
        for target in node.targets:
            slot = state_slot(target.target)
            held = self._slot_value(node.value) if slot is not None else None
            if slot is not None and held is not None and held not in self.state_slots.get(slot, ()):
                self.state_slots.setdefault(slot, []).append(held)

    def visit_Assign(self, node: cst.Assign) -> None:
        self._record_slots(node)
        owner = self._owner()
        if owner is None:
            return
        if len(self.table.scopes) == 2:
            self._record_class_value(owner, node)
            return
        for target in node.targets:
            chain = _self_chain(target.target)
            if chain is None or "." in chain:
                continue
            held = self._held(node.value, chain)
            if held is None and DATA_ACCESS_NAME.search(chain):
                # (`self.repository = repository` of an unannotated parameter: set, to a value
                # out of sight, which the name convention of SPEC revision 2 may judge; only
                # names it judges are kept)
                held = _OUT_OF_SIGHT
            if held is not None:
                self._record(owner, chain, held)
                if held.startswith("T:"):
                    self._record_arguments(owner, chain, self.table.value_binding(node.value))

"""The classes of a service module as LC301 follows values through them: what a generic
base is given (`ServiceBase[Badge, BadgeCreate]`), which methods are inherited
(`super().get()`, `self.get_multi()` of a base), and which attributes hold a repository
through a type variable bound to one (`self.repository: RepositoryType`, `repo: RepoT`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from layercheck.domain.vocabulary import DATA_ACCESS_NAME, TYPE_VAR_FACTORIES
from layercheck.engine.annotations import type_var_bound
from layercheck.engine.names import NameTable
from layercheck.rules.externals import is_external

# Base classes followed for an attribute a mixin inherits within its module.
_MAX_BASE_DEPTH = 4


@dataclass(frozen=True)
class ServiceClass:
    """A module-level class whose methods the rule walks."""

    # The project classes it derives from (`app.services.base.ServiceBase`).
    bases: tuple[str, ...]
    # The project classes and type variables its bases are given (`Badge, BadgeCreate`).
    arguments: tuple[str, ...]
    # The methods it defines itself: `self.get(...)` of any other is inherited.
    methods: frozenset[str]
    # Its type parameters that have a bound (`class S[RepoT: BaseRepository]`): the bound.
    bounds: dict[str, str] = field(default_factory=dict)
    # Its attributes annotated with a bounded type variable (`repo: RepoT`, `self.repository:
    # RepositoryType = ...`): the bound, whose methods `self.repo.get(...)` runs.
    held: dict[str, str] = field(default_factory=dict)
    # Its qualified name (`app.services.base.BaseService`).
    qualname: str = ""


class ServiceClasses:
    """The class around the walk and what the module's classes and type variables are."""

    def __init__(self, names: NameTable) -> None:
        self.names = names
        self._open: list[ServiceClass] = []
        # Module-level type variables with a bound: the bound as written, resolved where used.
        self._type_bounds: dict[str, cst.Name | cst.Attribute] = {}
        # The module's classes by qualified name: a mixin's `self.repository` is its base's.
        self._defined: dict[str, ServiceClass] = {}

    @property
    def current(self) -> ServiceClass | None:
        return self._open[-1] if self._open else None

    def enter(self, node: cst.ClassDef) -> None:
        """A module-level class starts (the rule calls it only at module level)."""
        bases: list[str] = []
        arguments: list[str] = []
        for arg in node.bases:
            value = arg.value
            if isinstance(value, cst.Subscript):
                for element in value.slice:
                    if isinstance(element.slice, cst.Index):
                        argument = self.names.qualified_name(element.slice.value)
                        if argument is not None and not is_external(argument):
                            arguments.append(argument)
                value = value.value
            base = self.names.qualified_name(value)
            if base is not None and not is_external(base):
                bases.append(base)
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        methods = frozenset(statement.name.value for statement in body if isinstance(statement, cst.FunctionDef))
        bounds: dict[str, str] = {}
        for param in node.type_parameters.params if node.type_parameters is not None else ():
            if isinstance(param.param, cst.TypeVar) and param.param.bound is not None:
                bound = self.names.qualified_name(param.param.bound)
                if bound is not None and not is_external(bound):
                    bounds[param.param.name.value] = bound
        qualname = f"{self.names.module}.{node.name.value}"
        defined = ServiceClass(tuple(bases), tuple(arguments), methods, bounds, qualname=qualname)
        self._open.append(defined)
        self._defined[qualname] = defined

    def leave(self) -> None:
        if self._open:
            self._open.pop()

    def type_variable(self, node: cst.Assign) -> None:
        """`RepositoryType = TypeVar("RepositoryType", bound=BaseRepository)` at module level."""
        value = node.value
        if not (self.names.at_module_level and isinstance(value, cst.Call)):
            return
        if self.names.qualified_name(value.func) not in TYPE_VAR_FACTORIES:
            return
        bound = type_var_bound(value)
        for target in node.targets:
            if bound is not None and isinstance(target.target, cst.Name):
                self._type_bounds[target.target.value] = bound

    def inherited_call(self, func: cst.Attribute) -> tuple[str, ...]:
        """`call:` tags of a method a base class runs: `super().get(db, id)`, or
        `self.get_multi(db)` where the class does not define `get_multi` (a generic
        repository base's, whose return annotation the index reads; `self.model(**data)`,
        the model class the base holds, is one of its callables too)."""
        owner = self.current
        if owner is None:
            return ()
        receiver = func.value
        method = func.attr.value
        via_super = isinstance(receiver, cst.Call) and self.names.qualified_name(receiver.func) == "builtins.super"
        inherited = isinstance(receiver, cst.Name) and receiver.value == "self" and method not in owner.methods
        if not (via_super or inherited):
            return ()
        return tuple(f"call:{base}.{method}" for base in owner.bases)

    def hold(self, target: cst.BaseExpression, annotation: cst.BaseExpression, in_function: bool) -> None:
        """Remember an attribute annotated with a bounded type variable: `repo: RepoT` in the
        class body, `self.repository: RepositoryType = ...` in a method."""
        owner = self.current
        if owner is None:
            return
        if isinstance(target, cst.Name) and not in_function:
            name = target.value
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == "self"
            and in_function
        ):
            name = target.attr.value
        else:
            return
        bound = self._bound_of(owner, annotation)
        if bound is not None:
            owner.held[name] = bound

    def held_call(self, func: cst.Attribute) -> tuple[str, ...]:
        """`call:` tags of `self.repo.get(...)` on an attribute held as a bounded type
        variable: the bound's method (a generic service over its repository's type)."""
        receiver = func.value
        owner = self.current
        if not (
            owner is not None
            and isinstance(receiver, cst.Attribute)
            and isinstance(receiver.value, cst.Name)
            and receiver.value.value == "self"
        ):
            return ()
        bound = self._held(owner, receiver.attr.value, 0)
        return (f"call:{bound}.{func.attr.value}",) if bound is not None else ()

    def given_call(self, func: cst.Attribute) -> tuple[str, ...]:
        """`call:` tags of `self.repository.get_by_username(...)` in `class UserService(
        BaseService[UserRepository])`, where nothing here types the attribute (the base holds
        what its type variable is given): the method of a class the base is given, for an
        attribute named for data access (the index finds which class has the method)."""
        receiver = func.value
        owner = self.current
        if not (
            owner is not None
            and owner.arguments
            and isinstance(receiver, cst.Attribute)
            and isinstance(receiver.value, cst.Name)
            and receiver.value.value == "self"
            and DATA_ACCESS_NAME.search(receiver.attr.value)
        ):
            return ()
        return tuple(f"call:{argument}.{func.attr.value}" for argument in owner.arguments)

    def _bound_of(self, owner: ServiceClass, annotation: cst.BaseExpression) -> str | None:
        """The project class bounding a type variable an annotation names (`RepoT`)."""
        if not isinstance(annotation, cst.Name):
            return None
        bound = owner.bounds.get(annotation.value)
        if bound is not None:
            return bound
        written = self._type_bounds.get(annotation.value)
        if written is None:
            return None
        qualname = self.names.qualified_name(written)
        return qualname if qualname is not None and not is_external(qualname) else None

    def _held(self, owner: ServiceClass, attribute: str, depth: int) -> str | None:
        """The bound an attribute is held as in `owner` or a base class of this module."""
        bound = owner.held.get(attribute)
        if bound is not None or depth > _MAX_BASE_DEPTH:
            return bound
        for base in owner.bases:
            defined = self._defined.get(base)
            if defined is not None and defined is not owner:
                bound = self._held(defined, attribute, depth + 1)
                if bound is not None:
                    return bound
        return None

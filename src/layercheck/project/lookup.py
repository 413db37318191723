"""What the helpers that follow names across modules (`callees.py`, `lineage.py`) ask of
the project index, so that they depend on a question, not on the index that answers it
(the index uses them in turn)."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from layercheck.domain.facts import ClassFact, ModuleFacts
from layercheck.domain.vocabulary import TYPE_VAR_FACTORIES


@dataclass(frozen=True)
class Resolved:
    """Where a dotted name ends up after following re-exports.

    `module` is the project module reached (None for an external name); `name` the symbol
    defined there (None when the dotted name is the module itself); `qualname` the final
    fully qualified name.
    """

    qualname: str
    module: ModuleFacts | None
    name: str | None


class ProjectLookup(Protocol):
    """Name resolution and class facts over the whole project (`ProjectIndex`)."""

    def resolve(self, qualname: str) -> Resolved: ...

    def find_module(self, dotted: str) -> ModuleFacts | None: ...

    def layer_of(self, qualname: str) -> str | None: ...

    def class_fact(self, qualname: str) -> tuple[ModuleFacts, ClassFact] | None: ...

    def subclasses_of(self, qualname: str) -> list[str]: ...

    def is_data_access(self, qualname: str) -> bool: ...

    def is_orm_model(self, qualname: str) -> bool: ...

    def is_orm_class(self, qualname: str) -> bool: ...

    def is_orm_bound_type(self, qualname: str) -> bool: ...

    def is_project_bound_type(self, qualname: str) -> bool: ...

    def is_schema_bound_type(self, qualname: str) -> bool: ...

    def type_bound(self, qualname: str) -> str | None: ...

    def pure_beside_queries(self, qualname: str) -> bool: ...

    def active_record(self, module: ModuleFacts) -> bool: ...

    def defines_orm_classes(self, module: ModuleFacts) -> bool: ...

    def module_role(self, module: ModuleFacts) -> str | None: ...

    def is_pydantic_model(self, qualname: str) -> bool: ...

    def member_type(self, owner: str, chain: str, depth: int = 0, external: bool = False) -> str | None: ...

    def member_out_of_sight(self, owner: str, chain: str, depth: int = 0) -> bool: ...

    def member_type_args(self, owner: str, chain: str, depth: int = 0) -> list[str]: ...

    # Logger factories named in the configuration (`logger-factories`).
    logger_factories: frozenset[str]

    def derives(self, qualname: str, base_is: Callable[[str], bool], depth: int = 0) -> bool: ...


def out_of_sight(qualname: str) -> bool | None:
    """An external name layercheck cannot look into: a class (capitalised, by convention)
    is known not to be what was asked (not a session, not a logger) unless a vocabulary
    lists it; a function's result is out of sight (None)."""
    last = qualname.rsplit(".", 1)[-1]
    if qualname.startswith("builtins."):
        return False
    return False if last[:1].isupper() else None




# Annotations that say nothing of a value's kind (`-> Any`, `-> Generator`, `-> object`).
_OPAQUE_TYPE_MODULES = ("typing.", "typing_extensions.", "collections.abc.")


def says_nothing(index: ProjectLookup, annotated: list[str]) -> bool:
    """Whether the names a return annotation gives are all opaque (`-> Any`, `->
    Generator`): what the function returns is then out of sight, as with no annotation."""
    return all(
        final.startswith(_OPAQUE_TYPE_MODULES) or final == "builtins.object"
        for final in (index.resolve(item).qualname for item in annotated)
    )


def is_type_variable(index: ProjectLookup, qualname: str) -> bool:
    """A type variable: `T = TypeVar("T")` of a project module, or an unbound name that is
    no builtin (a PEP 695 type parameter, `class Repo[T]`, `def f[T]() -> T`)."""
    if qualname.startswith("builtins."):
        return not hasattr(builtins, qualname.split(".", 1)[1])
    resolved = index.resolve(qualname)
    if resolved.module is None or resolved.name is None:
        return False
    return resolved.module.instances.get(resolved.name, "") in TYPE_VAR_FACTORIES

"""Questions about a class and its bases across modules: is it a settings class, does some
class of its lineage set a Pydantic config key, is it defined in the project at all.

Only facts are read (no libcst); a base outside the project that is not a known root
(`pydantic.BaseModel`, `typing.Generic`...) may do anything, so answers that would produce a
finding stay false when such a base is met.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from layercheck.domain.facts import ClassFact, ModuleFacts
from layercheck.domain.vocabulary import SETTINGS_BASES, UNKNOWN_CONFIG

if TYPE_CHECKING:
    from layercheck.project.lookup import ProjectLookup

# Bases from these modules add no Pydantic configuration.
_NEUTRAL_MODULES = ("typing", "typing_extensions", "abc", "collections", "enum", "builtins")
_MAX_DEPTH = 12


def _parents(index: ProjectLookup, fact: ClassFact) -> list[tuple[str, tuple[ModuleFacts, ClassFact] | None]]:
    """Each base's final qualified name, with its class facts when the project defines it."""
    parents = []
    for base in fact.bases:
        resolved = index.resolve(base)
        found = None
        if resolved.module is not None and resolved.name is not None:
            parent = resolved.module.classes.get(resolved.name)
            if parent is not None:
                found = (resolved.module, parent)
        parents.append((resolved.qualname, found))
    return parents


def is_settings_model(index: ProjectLookup, qualname: str) -> bool:
    """A subclass (at any depth) of pydantic-settings' `BaseSettings`."""
    if index.resolve(qualname).qualname in SETTINGS_BASES:
        return True
    found = index.class_fact(qualname)
    return found is not None and _descends_from_settings(index, found[1], 0)


def _descends_from_settings(index: ProjectLookup, fact: ClassFact, depth: int) -> bool:
    if depth > _MAX_DEPTH:
        return False
    for qualname, found in _parents(index, fact):
        if qualname in SETTINGS_BASES:
            return True
        if found is not None and found[1] is not fact and _descends_from_settings(index, found[1], depth + 1):
            return True
    return False


def config_unset(index: ProjectLookup, qualname: str, key: str) -> bool:
    """No class of the lineage of `qualname` sets the Pydantic config `key` (v2 spelling).

    False as soon as a class sets it (to any value), sets its config in a way that cannot be
    read, or has a base outside the project that might set it (SQLModel sets
    `from_attributes=True` itself, for one).
    """
    found = index.class_fact(qualname)
    if found is None:
        return False
    return _unset(index, found[0], found[1], key, 0)


def _unset(index: ProjectLookup, module: ModuleFacts, fact: ClassFact, key: str, depth: int) -> bool:
    if depth > _MAX_DEPTH:
        return False
    keys = module.extra.get("config_keys", {}).get(fact.name, ())
    if key in keys or UNKNOWN_CONFIG in keys:
        return False
    for qualname, found in _parents(index, fact):
        if found is None:
            if qualname in SETTINGS_BASES or index.is_pydantic_model(qualname):
                continue
            if qualname.split(".", 1)[0] in _NEUTRAL_MODULES:
                continue
            return False
        if found[1] is fact or not _unset(index, found[0], found[1], key, depth + 1):
            return False
    return True


def is_project_class(index: ProjectLookup, qualname: str) -> bool:
    """A class defined in one of the project's modules (not a library's), or a class name
    taken from a project module that binds nothing by it (`from core.exceptions import
    NotFoundException` with the package's re-exports commented out): the project's own,
    whatever the module lost."""
    if index.class_fact(qualname) is not None:
        return True
    resolved = index.resolve(qualname)
    module, name = resolved.module, resolved.name
    return (
        module is not None
        and name is not None
        and name[:1].isupper()
        and name not in module.bindings
        and name not in module.classes
        and name not in module.instances
        and not module.extra.get("star_imports")
        # (nor a module answering for names lazily: `def __getattr__(name)`)
        and "__getattr__" not in module.functions
    )


def class_attribute_values(index: ProjectLookup, qualname: str, attribute: str) -> set[str]:
    """What the class attribute `attribute` is bound to along the lineage of the class
    `qualname`: in its own body, its bases' and its subclasses' at any depth. A base class
    that runs `select(cls.model)` with `model = None` queries what each subclass sets
    (`class HotelService(BaseService): model = Hotel`)."""
    values: set[str] = set()
    seen: set[tuple[str, bool]] = set()
    pending = [(qualname, 0, True), (qualname, 0, False)]
    while pending:
        current, depth, upward = pending.pop()
        found = index.class_fact(current)
        if found is None or depth > _MAX_DEPTH:
            continue
        module, fact = found
        key = f"{module.module}.{fact.name}"
        if (key, upward) in seen:
            continue
        seen.add((key, upward))
        bound = module.extra.get("class_values", {}).get(fact.name, {}).get(attribute)
        if bound is not None:
            values.add(bound)
        if upward:
            pending.extend((base, depth + 1, True) for base in fact.bases)
        else:
            pending.extend((sub, depth + 1, False) for sub in index.subclasses_of(key))
    return values


def service_by_lineage(index: ProjectLookup, qualname: str) -> bool:
    """A class named for services (`TweetService`) whose base, or a base of a base, is a class
    of a module of the service layer (`AbstractService` of `database/services.py`): a service,
    whatever the folder holding it says and whatever SQL it runs itself (LC302's finding)."""
    resolved = index.resolve(qualname)
    if resolved.module is None or resolved.name is None or not resolved.name.endswith("Service"):
        return False
    fact = resolved.module.classes.get(resolved.name)
    pending = [(fact, 0)] if fact is not None else []
    while pending:
        current, depth = pending.pop()
        for _, found in _parents(index, current):
            if found is None:
                continue
            if found[0].layer == "service" and found[0] is not resolved.module:
                return True
            if depth < 3:
                pending.append((found[1], depth + 1))
    return False


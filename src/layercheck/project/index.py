"""Project-wide facts: the join of every module's facts, asked questions by rules.

Built once per run from all modules of the project (cached per file), whatever subset of
files is being checked. It never imports the analysed code: everything comes from
`ModuleFacts` extracted statically.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from functools import cached_property, lru_cache

from layercheck.domain.diagnostics import Condition
from layercheck.domain.facts import ClassFact, ModuleFacts
from layercheck.domain.registry import SQL_BUILDERS
from layercheck.domain.vocabulary import (
    CORE_TABLE_TYPES,
    ORM_BASE_FACTORIES,
    SETTINGS_BASES,
    STDLIB_MODULE_LOG_FUNCTIONS,
    is_query_builder,
)
from layercheck.project import callees, data_access, lineage, loggers
from layercheck.project.import_layers import ImportedLayers, constant_name
from layercheck.project.lookup import Resolved, says_nothing
from layercheck.project.sessions import SessionKinds
from layercheck.project.whole import ASYNC_IGNORED_LAYERS, HANDLER_IGNORED_LAYERS, whole_project_fact

ORM_ROOT_BASES = frozenset(
    {
        "sqlalchemy.orm.DeclarativeBase",
        "sqlalchemy.orm.DeclarativeBaseNoMeta",
        "sqlalchemy.orm.decl_api.DeclarativeBase",
        "sqlalchemy.orm.decl_api.DeclarativeBaseNoMeta",
        "sqlalchemy.orm.MappedAsDataclass",
    }
)
SQLMODEL_BASE = "sqlmodel.SQLModel"
# The model bases of other ORMs a FastAPI app may map its tables with: a class deriving from
# one is a mapped model (ormar's and Tortoise's `Model`), and so is a document of an ODM
# (Beanie's `Document`, ODMantic's `Model`): the persistence model of its collection, which
# a service hands out mapped as it would a row.
OTHER_ORM_MODEL_BASES = frozenset(
    {
        "ormar.Model",
        "ormar.models.Model",
        "tortoise.models.Model",
        "tortoise.Model",
        "beanie.Document",
        "beanie.odm.documents.Document",
        "odmantic.Model",
        "odmantic.model.Model",
    }
)
# What the `members` facts say of an attribute set to a value out of sight (`engine/members.py`).
_OUT_OF_SIGHT = "U"
# Type variables named for what crosses the API (`CreateSchemaType`, `ReadT`, `PayloadT`).
_SCHEMA_TYPE_NAME = re.compile(r"(?i)schema|create|update|delete|read|dto|filter|response|request|payload")
PYDANTIC_BASES = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "pydantic.RootModel",
        "pydantic.root_model.RootModel",
        "pydantic.v1.BaseModel",
        "pydantic.generics.GenericModel",
        # A settings class is a BaseModel too (its `class Config:` is v1 style as well).
        *SETTINGS_BASES,
    }
)
_MAX_HOPS = 25
# Links followed from an object to what its attributes hold (`self.repos.users`).
_MAX_MEMBER_DEPTH = 12
# `member_type`'s owner for a module-level value rather than a class (`value:pkg.app`).
_VALUE = "value:"
# Top-level names that always mean the standard library or a well-known package, never a
# project module's tail (`logging.getLogger` must not resolve into `app.logging`).
_FOREIGN_TOPS = frozenset(sys.stdlib_module_names) | frozenset(
    {"sqlalchemy", "sqlmodel", "fastapi", "starlette", "pydantic", "pydantic_settings", "structlog", "alembic"}
)


class ProjectIndex:
    """Answers cross-module questions about the project."""

    def __init__(
        self,
        modules: Iterable[ModuleFacts],
        logger_factories: Iterable[str] = (),
        extra_session_types: Iterable[str] = (),
        unread_modules: Iterable[str] = (),
        foreign_tops: Iterable[str] = (),
    ) -> None:
        self.modules: dict[str, ModuleFacts] = {}
        self.by_path: dict[str, ModuleFacts] = {}
        for facts in modules:
            self.by_path[facts.path] = facts
            for name in (facts.module, *facts.aliases):
                self.modules.setdefault(name, facts)
        # Tail spellings (`app.models.user` for `backend.app.models.user`) for projects whose
        # imports start below the folder the index was rooted at; ambiguous tails are dropped.
        # Project modules a run did not read (nothing it checks can reach them, see
        # `reach.py`) still make a tail ambiguous, so the answers match a full read.
        unread = dict.fromkeys(unread_modules)
        # (every project module read: who imports a module is known, `uses_async_sqlalchemy`)
        self.read_everything = not unread
        named: dict[str, ModuleFacts | None] = {**unread, **self.modules}
        # The project's declared dependencies are libraries: `from pusher import Pusher` is the
        # `pusher` package, not `keep/api/routes/pusher.py` by the tail of its name.
        # A declared dependency that is one of the run's own top-level packages (a uv workspace
        # member checked beside the app: `yuxi` in `package/yuxi/`) is the project's.
        own_tops = {name for name in named if "." not in name}
        foreign = _FOREIGN_TOPS | (frozenset(foreign_tops) - own_tops)
        tails: dict[str, ModuleFacts | None] = {}
        ambiguous: set[str] = set()
        for name, claimant in named.items():
            parts = name.split(".")
            for start in range(1, len(parts)):
                tail = ".".join(parts[start:])
                if tail in named or tail in ambiguous or parts[start] in foreign:
                    continue
                if tail in tails and (tails[tail] is not claimant or claimant is None):
                    ambiguous.add(tail)
                    del tails[tail]
                else:
                    tails[tail] = claimant
        self._tails = {tail: facts for tail, facts in tails.items() if facts is not None}
        self.logger_factories = frozenset(logger_factories)
        self.extra_session_types = frozenset(extra_session_types)
        self.resolve = lru_cache(maxsize=None)(self._resolve)  # type: ignore[method-assign]
        self.is_orm_model = lru_cache(maxsize=None)(self._is_orm_model)  # type: ignore[method-assign]
        # (a router's calls into one library ask the same question thousands of times)
        self.holds = lru_cache(maxsize=None)(self._holds)  # type: ignore[method-assign]
        self._mapped_classes: frozenset[str] | None = None
        self._lineage_cache: dict[str, str | None] = {}
        self.data_access_cache: dict[str, frozenset[str]] = {}
        self.data_access_known: dict[str, bool] = {}
        self.data_access_deciding = 0
        self.ports_deciding: set[str] = set()
        self.ports_found: set[str] = set()
        self.decided_under_ports: list[str] = []
        self.sessions = SessionKinds(self)
        self.imports = ImportedLayers(self)
        # The questions asked tens of thousands of times a run go straight to their answerer
        # (the methods below say what they are; these skip one call each time).
        self.is_session_type = self.sessions.is_session_type  # type: ignore[method-assign]
        self.is_session_factory_alias = self.sessions.is_session_factory_alias  # type: ignore[method-assign]
        self.session_kind = self.sessions.session_kind  # type: ignore[method-assign]
        self.imported_layer = self.imports.imported_layer  # type: ignore[method-assign]
        self.module_role = self.imports.module_role  # type: ignore[method-assign]

    # ----- name resolution -------------------------------------------------------------------

    def find_module(self, dotted: str) -> ModuleFacts | None:
        return self.modules.get(dotted) or self._tails.get(dotted)

    def _split(self, qualname: str) -> tuple[ModuleFacts, list[str]] | None:
        parts = qualname.split(".")
        for cut in range(len(parts), 0, -1):
            facts = self.find_module(".".join(parts[:cut]))
            if facts is not None:
                return facts, parts[cut:]
        return None

    def _resolve(self, qualname: str) -> Resolved:
        current = qualname
        seen: set[str] = set()
        # The re-exports followed: (module, name, the attributes read off it after).
        hops: list[tuple[ModuleFacts, str, list[str]]] = []
        for _ in range(_MAX_HOPS):
            if current in seen:
                # A circle of re-exports (`exceptions/__init__.py` importing `AuthError` from
                # `.base`, then again from `.users`, which imports it from the package): at
                # run time the name was bound before the circle closed, by the module's
                # earlier import of it.
                earlier = self._bound_before_circle(hops, seen)
                if earlier is None:
                    return Resolved(current, None, None)
                current = earlier
                continue
            seen.add(current)
            split = self._split(current)
            if split is None:
                return Resolved(current, None, None)
            facts, rest = split
            if not rest:
                shadowing = self._shadowing_binding(current)
                if shadowing is not None:
                    current = shadowing
                    continue
                return Resolved(current, facts, None)
            first = rest[0]
            if _defines(facts, first):
                return Resolved(current, facts, first)
            target = facts.bindings.get(first)
            if target is None:
                target = self._star_source(facts, first)
            if target is None:
                target = self._project_generic(facts, first)
            if target is None:
                # `crud_v2.todo.get(...)` where `crud_v2/__init__.py` star-imports the `todo`
                # instance its `todo.py` defines: the attribute is the instance, not the module.
                shadowing = self._shadowing_binding(current[: -len(".".join(rest)) - 1])
                if shadowing is not None:
                    current = ".".join([shadowing, *rest])
                    continue
            if target is None or target == current:
                return Resolved(current, facts, first)
            hops.append((facts, first, rest[1:]))
            current = ".".join([target, *rest[1:]])
        return Resolved(current, None, None)

    @staticmethod
    def _bound_before_circle(hops: list[tuple[ModuleFacts, str, list[str]]], seen: set[str]) -> str | None:
        """Where a circle of re-exports leads instead: the first module on it that imports
        the name from somewhere else too (its first such import, leaving the circle)."""
        for facts, name, rest in hops:
            for item in facts.imports:
                if item.is_module or item.in_function or item.target.rpartition(".")[2] != name:
                    continue
                leads = ".".join([item.target, *rest])
                if leads not in seen and item.target != facts.bindings.get(name):
                    return leads
        return None

    def _project_generic(self, facts: ModuleFacts, name: str) -> str | None:
        """`UserRepository = RepositoryBase[User, UserCreate]`: the project's generic class
        the name parametrises (None for a library's, which stays the module's own name)."""
        aliased = facts.extra.get("generic_aliases", {}).get(name)
        return aliased if aliased is not None and self._split(aliased) is not None else None

    def _shadowing_binding(self, dotted: str) -> str | None:
        """What `pkg.name` is when the package binds `name` to something else than its
        submodule of that name (`methods/__init__.py` doing `from .get_user import
        get_user`): after that import the attribute is the function, not the module."""
        package_name, _, last = dotted.rpartition(".")
        if not package_name:
            return None
        # (by its tail too: `from src.core.logger import logger` where the package is named
        # `core.logger`, its folder the source root's)
        package = self.find_module(package_name)
        if package is None or not package.is_package:
            return None
        target = package.bindings.get(last) or self._star_source(package, last)
        # (only the name the submodule itself defines: `from . import get_user` is the module)
        submodule = f"{package.module}.{last}."
        return target if target is not None and target.startswith((dotted + ".", submodule)) else None

    def _star_source(self, facts: ModuleFacts, name: str, depth: int = 0) -> str | None:
        """`pkg.base.Name` for a name `pkg` re-exports with `from .base import *` (a public
        name the star-imported module defines, imports or re-exports in turn), or that one of
        its modules defines when the package re-exports them all at run time (`globals()
        .update(...)` over the modules it imports by name)."""
        if name.startswith("_") or depth > 4:
            return None
        if facts.extra.get("dynamic_reexport"):
            for below in self._package_modules.get(facts.module, ()):
                if _defines(below, name):
                    return f"{below.module}.{name}"  # (the first module defining it)
        for source in facts.extra.get("star_imports", ()):
            found = self.find_module(source)
            if found is None or found is facts:
                continue
            bound = found.bindings.get(name)
            # `from pkg import Policy` in a module `pkg` star-imports (for a type hint) names
            # the package's re-export, not the origin: the next star source has it.
            back = bound is not None and self.find_module(bound.rpartition(".")[0]) is facts
            if (
                name in found.classes
                or name in found.functions
                or name in found.instances
                or name in found.loggers
                or (bound is not None and not back)
                or self._star_source(found, name, depth + 1) is not None
            ):
                return f"{found.module}.{name}"
        return None

    def layer_of(self, qualname: str) -> str | None:
        """The layer of the module defining `qualname` (None outside the project)."""
        resolved = self.resolve(qualname)
        return resolved.module.layer if resolved.module is not None else None

    def class_fact(self, qualname: str) -> tuple[ModuleFacts, ClassFact] | None:
        resolved = self.resolve(qualname)
        if resolved.module is None or resolved.name is None:
            return None
        fact = resolved.module.classes.get(resolved.name)
        return (resolved.module, fact) if fact is not None else None

    # ----- class kinds -------------------------------------------------------------------

    def _base_kind(self, module: ModuleFacts, fact: ClassFact, seen: frozenset[str]) -> str | None:
        """"orm", "sqlmodel" or "pydantic": the family a class descends from, if any."""
        key = f"{module.path}:{fact.name}"
        if key in self._lineage_cache:
            return self._lineage_cache[key]
        kind: str | None = None
        for base in fact.bases:
            resolved = self.resolve(base)
            final = resolved.qualname
            if final in ORM_ROOT_BASES or final in OTHER_ORM_MODEL_BASES:
                kind = "orm"
            elif final == SQLMODEL_BASE:
                kind = kind or "sqlmodel"
            elif final in PYDANTIC_BASES:
                kind = kind or "pydantic"
            elif resolved.module is not None and resolved.name is not None:
                if resolved.module.instances.get(resolved.name) in ORM_BASE_FACTORIES:
                    kind = "orm"
                else:
                    parent = resolved.module.classes.get(resolved.name)
                    parent_key = f"{resolved.module.path}:{resolved.name}"
                    if parent is not None and parent_key not in seen:
                        inherited = self._base_kind(resolved.module, parent, seen | {key})
                        if inherited == "orm" or (inherited and kind is None):
                            kind = inherited
                        if parent.true_keywords and "table" in parent.true_keywords and inherited == "sqlmodel":
                            kind = "orm"
            if kind == "orm":
                break
        self._lineage_cache[key] = kind
        return kind

    def _is_orm_model(self, qualname: str) -> bool:
        found = self.class_fact(qualname)
        if found is None:
            return False
        module, fact = found
        if f"{module.module}.{fact.name}" in self._classically_mapped():
            # A plain domain class that `registry.map_imperatively(Book, books_table)` maps
            # elsewhere: its instances are ORM instances all the same.
            return True
        if fact.is_abstract:
            return False
        if "table" in fact.true_keywords and not fact.bases and self._imports_sqlmodel(module):
            # `class CourseEntity(table=True):` with its `SQLModel` base left out: the class
            # statement says what it is meant to be, a SQLModel table.
            return True
        kind = self._base_kind(module, fact, frozenset())
        if kind == "sqlmodel":
            return "table" in fact.true_keywords
        if kind == "orm":
            # `class Base(DeclarativeBase)` is the declarative base, not a mapped model.
            declares_base = any(self.resolve(b).qualname in ORM_ROOT_BASES for b in fact.bases)
            return fact.has_tablename or not declares_base
        if (
            kind is None
            and fact.name in module.extra.get("column_classes", ())
            and any(self.class_fact(base) is None for base in fact.bases)
        ):
            # `class User(Base)` with `Mapped[...] = mapped_column()` fields where `Base` is
            # out of sight (a library's base, an import that names no module here): the
            # fields say mapped class. (A mixin of columns whose bases are all in sight is
            # told by them.)
            return True
        return fact.has_tablename and kind is None and bool(fact.bases)

    def _classically_mapped(self) -> frozenset[str]:
        """The project classes an imperative mapping maps, by where they are defined
        (computed once)."""
        if self._mapped_classes is None:
            mapped = set()
            for facts in self.modules.values():
                for named in facts.extra.get("mapped_classes", ()):
                    origin = self.resolve(named)
                    if origin.module is not None and origin.name in origin.module.classes:
                        mapped.add(f"{origin.module.module}.{origin.name}")
            self._mapped_classes = frozenset(mapped)
        return self._mapped_classes

    def defines_orm_models(self, module: ModuleFacts) -> bool:
        """Whether a module defines mapped ORM classes."""
        return any(self.is_orm_model(f"{module.module}.{name}") for name in module.classes)

    def defines_orm_classes(self, module: ModuleFacts) -> bool:
        """Whether a module defines classes of the ORM's hierarchy (models or their bases)."""
        return any(self.is_orm_class(f"{module.module}.{name}") for name in module.classes)

    def active_record(self, module: ModuleFacts) -> bool:
        """Whether a module's queries are its ORM classes' own (an active-record base with
        `save(session)`, models with `find(session)`): it defines ORM classes and no other
        definition of it queries."""
        if not self.defines_orm_classes(module):
            return False
        return all(self.is_orm_class(f"{module.module}.{name}") for name in self.data_access_names(module))

    def is_orm_class(self, qualname: str) -> bool:
        """Whether a class belongs to the ORM's hierarchy: a mapped model, or the declarative
        base or an abstract base the models derive from (`class Base(DeclarativeBase)` with
        `save(session)`, an abstract `SqlalchemyBase` with `read(session)`): the model layer,
        even where its methods run queries (active record)."""
        found = self.class_fact(qualname)
        if found is None:
            return False
        module, fact = found
        if fact.is_abstract and not fact.bases:
            # `class CRUDModel: __abstract__ = True`: a mixin the declarative base is combined
            # with (`class BasicMixin(Base, CRUDModel)`), SQLAlchemy's abstract class by its
            # marker. (One with bases is judged by them.)
            return True
        if not fact.bases and self._mixed_into_models(qualname):
            return True
        kind = self._base_kind(module, fact, frozenset())
        return kind == "orm" or (kind == "sqlmodel" and "table" in fact.true_keywords) or self.is_orm_model(qualname)

    def _mixed_into_models(self, qualname: str) -> bool:
        """`class CRUD:` with `find(cls)` and `save(self)` that every class deriving from it is a
        mapped model (`class Role(Base, CRUD)`): the models' active-record mixin, of the ORM
        hierarchy wherever it is defined."""
        subclasses = self.subclasses_of(qualname)
        return bool(subclasses) and all(self.is_orm_model(sub) for sub in subclasses)

    @staticmethod
    def _imports_sqlmodel(module: ModuleFacts) -> bool:
        return any(item.target.split(".", 1)[0] == "sqlmodel" for item in module.imports)

    def is_orm_bound_type(self, qualname: str) -> bool:
        """A type variable bound to the ORM (`ModelType = TypeVar("ModelType", bound=Base)`):
        every type a caller gives it is a mapped class, so a value of it is an ORM instance."""
        bound = self.type_bound(qualname)
        if bound is None:
            return False
        origin = self.resolve(bound)
        if origin.qualname in ORM_ROOT_BASES or self.is_orm_class(origin.qualname):
            return True
        if origin.qualname == SQLMODEL_BASE and _SCHEMA_TYPE_NAME.search(qualname.rsplit(".", 1)[-1]):
            # `CreateSchemaType = TypeVar("CreateSchemaType", bound=SQLModel)`: SQLModel is
            # Pydantic too, and the name says which the generic code is given.
            return False
        if origin.qualname == SQLMODEL_BASE or self._sqlmodel_base(origin.qualname):
            # `T = TypeVar("T", bound=SQLModel)` (or a project `ModelBase(SQLModel)` of common
            # fields) over the project's `table=True` classes: SQLModel's declarative base, as
            # `Base` is SQLAlchemy's, where the project maps tables with it.
            return self._maps_tables_below(origin.qualname)
        return origin.module is not None and origin.module.instances.get(origin.name or "") in ORM_BASE_FACTORIES

    @cached_property
    def _sqlmodel_tables(self) -> bool:
        """Whether the project maps a table with SQLModel (`class Hero(SQLModel, table=True)`)."""
        return any(
            "table" in fact.true_keywords and self._base_kind(module, fact, frozenset()) == "sqlmodel"
            for module in self.by_path.values()
            for fact in module.classes.values()
        )

    def _sqlmodel_base(self, qualname: str) -> bool:
        found = self.class_fact(qualname)
        return found is not None and self._base_kind(found[0], found[1], frozenset()) == "sqlmodel"

    def _maps_tables_below(self, qualname: str) -> bool:
        """Whether a project class (or SQLModel itself) has mapped subclasses in the project."""
        if qualname == SQLMODEL_BASE:
            return self._sqlmodel_tables
        seen: set[str] = set()
        pending = [qualname]
        while pending:
            for sub in self.subclasses_of(pending.pop()):
                if sub in seen:
                    continue
                if self.is_orm_model(sub):
                    return True
                seen.add(sub)
                pending.append(sub)
        return False

    def is_project_bound_type(self, qualname: str) -> bool:
        """A type variable bound to a project class outside the ORM (`Entity =
        TypeVar("Entity", bound=BaseEntity)` over the domain's dataclasses): what a caller
        gives it is that class's kind, no mapped class."""
        bound = self.type_bound(qualname)
        if bound is None or self.is_orm_bound_type(qualname):
            return False
        return self.resolve(bound).module is not None

    def is_schema_bound_type(self, qualname: str) -> bool:
        """A type variable bound to Pydantic (`ReadSchemaType = TypeVar("ReadSchemaType",
        bound=BaseModel)`): a value of it is a schema."""
        bound = self.type_bound(qualname)
        return bound is not None and self.is_pydantic_model(bound)

    def type_bound(self, qualname: str) -> str | None:
        """The bound a project type variable is declared with, as written; None for none."""
        resolved = self.resolve(qualname)
        if resolved.module is None or resolved.name is None:
            return None
        return resolved.module.extra.get("type_bounds", {}).get(resolved.name)

    def is_pydantic_model(self, qualname: str) -> bool:
        found = self.class_fact(qualname)
        if found is None:
            return self.resolve(qualname).qualname in PYDANTIC_BASES
        module, fact = found
        kind = self._base_kind(module, fact, frozenset())
        return kind == "pydantic" or (kind == "sqlmodel" and "table" not in fact.true_keywords)

    # ----- values ----------------------------------------------------------------------------

    def logger_flavour(self, qualname: str) -> str | None:
        """"structlog"/"stdlib" when `qualname` (or `factory()`) is a project logger."""
        known = loggers.logger_kind(self, qualname)
        return known or None

    # ----- sessions (`sessions.py`) and the layers imports reach (`import_layers.py`) ---------

    def is_session_type(self, qualname: str) -> bool:
        return self.sessions.is_session_type(qualname)

    def state_session(self, slot: str) -> bool:
        return self.sessions.state_session(slot)

    def is_session_factory_alias(self, qualname: str) -> bool:
        return self.sessions.is_session_factory_alias(qualname)

    def is_session_annotation(self, qualname: str) -> bool:
        return self.sessions.is_session_annotation(qualname)

    def session_kind(self, qualname: str, depth: int = 0) -> bool | None:
        return self.sessions.session_kind(qualname, depth)

    def module_role(self, module: ModuleFacts) -> str | None:
        return self.imports.module_role(module)

    def module_seen_as(self, module: ModuleFacts) -> str | None:
        return self.imports.module_seen_as(module)

    def imported_layer(self, target: str, is_module: bool = False) -> str | None:
        return self.imports.imported_layer(target, is_module)

    @cached_property
    def subclasses(self) -> dict[str, list[str]]:
        """The project's classes by the project classes they derive from directly."""
        found: dict[str, list[str]] = {}
        for module in self.by_path.values():
            for name, fact in module.classes.items():
                for base in fact.bases:
                    origin = self.resolve(base)
                    if origin.module is not None and (
                        origin.name in origin.module.classes or origin.name in origin.module.instances
                    ):
                        # (`Model = create_model(db)` is a base too: `class User(Model)`; keyed by
                        # the base's own module name, whatever name the import gave it)
                        found.setdefault(f"{origin.module.module}.{origin.name}", []).append(f"{module.module}.{name}")
        return found

    @cached_property
    def _package_modules(self) -> dict[str, list[ModuleFacts]]:
        """The modules below each package that re-exports its modules at run time, sorted by
        name (the modules right below it first)."""
        dynamic = {facts.module for facts in self.by_path.values() if facts.extra.get("dynamic_reexport")}
        found: dict[str, list[ModuleFacts]] = {}
        if not dynamic:
            return found
        for facts in self.by_path.values():
            package = facts.module.rpartition(".")[0]
            while package:
                if package in dynamic:
                    found.setdefault(package, []).append(facts)
                package = package.rpartition(".")[0]
        for below in found.values():
            below.sort(key=lambda item: (item.module.count("."), item.module))
        return found

    def subclasses_of(self, qualname: str) -> list[str]:
        """The project classes deriving directly from `qualname`, however it is named."""
        resolved = self.resolve(qualname)
        if resolved.module is None or resolved.name is None:
            return []
        return self.subclasses.get(f"{resolved.module.module}.{resolved.name}", [])

    def derives(self, qualname: str, base_is: Callable[[str], bool], depth: int = 0) -> bool:
        """Whether a project class has a base, directly or through project bases, whose
        qualified name `base_is` accepts."""
        found = self.class_fact(qualname) if depth < 6 else None
        if found is None:
            return False
        for base in found[1].bases:
            origin = self.resolve(base).qualname
            if base_is(origin) or self.derives(origin, base_is, depth + 1):
                return True
        return False

    # ----- data access (`data_access.py`) -----------------------------------------------------

    def is_data_access(self, qualname: str) -> bool:
        return data_access.is_data_access(self, qualname)

    def data_access_names(self, module: ModuleFacts) -> frozenset[str]:
        return data_access.data_access_names(self, module)

    def holds_data_access(self, module: ModuleFacts) -> bool:
        return data_access.holds_data_access(self, module)

    def runs_queries(self, module: ModuleFacts) -> bool:
        return data_access.runs_queries(self, module)

    def mostly_queries(self, module: ModuleFacts, at_least: int = 1) -> bool:
        return data_access.mostly_queries(self, module, at_least)

    def named_for_concern(self, module: ModuleFacts) -> bool:
        return data_access.named_for_concern(module)

    def member_type(self, owner: str, chain: str, depth: int = 0, external: bool = False) -> str | None:
        """The project class that the attribute chain `a.b` of an instance of the class
        `owner` holds (`self.repos.households` in a controller): followed through class
        annotations, assignments in methods, properties (annotated or returning other
        attributes) and base classes; None where a link is out of sight. With `external`,
        the last link may name a class outside the project (`sqlalchemy.orm.Session`)."""
        current: str | None = self._value_owner(owner[len(_VALUE) :]) if owner.startswith(_VALUE) else owner
        links = chain.split(".")
        for position, attribute in enumerate(links):
            if current is None or depth > _MAX_MEMBER_DEPTH:
                return None
            last = external and position == len(links) - 1
            current = self._attribute_type(current, attribute, depth, last)
        return current

    def member_type_args(self, owner: str, chain: str, depth: int = 0) -> list[str]:
        """The parameters of the generic class the last attribute of the chain `a.b` of an
        `owner` instance is annotated with (`self._cache` of `cache: CacheRepository[UserOut]`
        gives `[UserOut]`), found on its class or a base; [] where none is said."""
        head, _, attribute = chain.rpartition(".")
        holder = self.member_type(owner, head) if head else owner
        found = self.class_fact(holder) if holder is not None and depth <= _MAX_MEMBER_DEPTH else None
        if found is None:
            return []
        module, fact = found
        given = module.extra.get("member_args", {}).get(fact.name, {}).get(attribute)
        if given is not None:
            return list(given)
        if attribute in module.extra.get("members", {}).get(fact.name, {}):
            return []
        for base in fact.bases:
            inherited = self.member_type_args(base, attribute, depth + 1)
            if inherited:
                return inherited
        return []

    def member_out_of_sight(self, owner: str, chain: str, depth: int = 0) -> bool:
        """Whether the last attribute of the chain `a.b` of an `owner` instance is set, in a
        method of its class or of a base, to a value whose class is out of sight (`self.b =
        b` of an unannotated parameter); not one never set, or set to a known class."""
        head, _, attribute = chain.rpartition(".")
        holder = self.member_type(owner, head) if head else owner
        found = self.class_fact(holder) if holder is not None and depth <= _MAX_MEMBER_DEPTH else None
        if found is None:
            return False
        module, fact = found
        held = module.extra.get("members", {}).get(fact.name, {}).get(attribute)
        if held is not None:
            return held == _OUT_OF_SIGHT
        return any(self.member_out_of_sight(base, attribute, depth + 1) for base in fact.bases)

    def _repository_through_value(self, qualname: str) -> bool:
        """`app.DATABASE.tasks.get_task` with `app` a module-level object of the project: the
        attributes between it and the method lead to a repository class."""
        resolved = self.resolve(qualname)
        module, name = resolved.module, resolved.name
        if module is None or name is None or name in module.classes or name in module.functions:
            return False
        rest = callees.rest_of(self, resolved.qualname, module)
        if len(rest) < 2:  # `value.attribute.method` at least
            return False
        held = self.member_type(f"{_VALUE}{module.module}.{name}", ".".join(rest[:-1]))
        return held is not None and callees.is_repository_call(self, held)

    def _value_owner(self, qualname: str) -> str | None:
        """What the attributes of a module-level name are read off: the class of the object
        it holds, or a project class itself (`Context.current.db`, its class-level
        annotations: `current: Context`)."""
        held = self.value_type(qualname)
        if held is None and self.class_fact(qualname) is not None:
            return self.resolve(qualname).qualname
        return held

    def value_type(self, qualname: str) -> str | None:
        """The project class a module-level name holds: its annotation (`app: ForgeApp`,
        which beats the holder an `else` branch builds) or the class that built it."""
        resolved = self.resolve(qualname)
        module, name = resolved.module, resolved.name
        if module is None or name is None:
            return None
        held = module.extra.get("members", {}).get("", {}).get(name) or ""
        if held.startswith("T:") and self.class_fact(held[2:]) is not None:
            return self.resolve(held[2:]).qualname
        built = module.instances.get(name)
        if built is not None and self.class_fact(built) is not None:
            return self.resolve(built).qualname
        return self._made_by(built) if built is not None else None

    def _attribute_type(self, owner: str, attribute: str, depth: int, external: bool = False) -> str | None:
        found = self.class_fact(owner)
        if found is None:
            # A value a project function made (`db = get_repositories(session)`): the class
            # its return annotation names; or a parameter annotated with an alias of a class
            # (`db: DBDep`, `DBDep = Annotated[DBManager, Depends(get_db)]`): that class.
            made = self._made_by(owner) or self._aliased_class(owner)
            found = self.class_fact(made) if made is not None else None
            if found is None:
                return None
            owner = made  # type: ignore[assignment]
        module, fact = found
        held = module.extra.get("members", {}).get(fact.name, {}).get(attribute)
        if held == _OUT_OF_SIGHT:
            held = None
        if held is not None and held.startswith("V:"):
            # (the object another module builds: the class that built it, else as unknown)
            built = self.value_type(held[2:])
            if built is not None:
                return built
            held = None
        if held is None:
            returned = callees.return_names(self, callees.Callee(module, f"{fact.name}.{attribute}"))
            if returned:
                made = self._first_class(returned)
                if made is None and external:
                    # `@property def session(self) -> AsyncSession`: a library's class.
                    made = next((name for name in returned if _library_class(self.resolve(name))), None)
                return made
            for base in fact.bases:
                inherited = self._attribute_type(base, attribute, depth + 1, external)
                if inherited is not None:
                    return inherited
            return None
        kind, _, text = held.partition(":")
        if kind == "S":  # another attribute of the same object
            return self.member_type(owner, text, depth + 1, external)
        if self.class_fact(text) is not None:
            return self.resolve(text).qualname
        if external and self.resolve(text).module is None:
            return text  # a library's class (`sqlalchemy.orm.Session`)
        return self._made_by(text)  # a project function that makes it

    def _aliased_class(self, qualname: str) -> str | None:
        """The project class a module-level annotation alias names (`DBDep =
        Annotated[DBManager, Depends(get_db)]`), if any."""
        resolved = self.resolve(qualname)
        if resolved.module is None or resolved.name is None:
            return None
        target = resolved.module.extra.get("annotated", {}).get(resolved.name)
        return self._first_class([target]) if target else None

    def _made_by(self, qualname: str) -> str | None:
        """The project class a project function returns: by its return annotation, or,
        unannotated, the class every one of its `return`s constructs."""
        factory = callees.find_callee(self, qualname)
        if factory is None or factory.is_constructor:
            return None
        named = callees.return_names(self, factory)
        if named is not None:
            return self._first_class(named)
        made = factory.module.extra.get("made", {}).get(factory.key)
        return self._first_class([made]) if made else None

    def _accessor_layer(self, qualname: str) -> str | None:
        made = self._made_by(qualname)
        found = self.class_fact(made) if made is not None else None
        return callees.class_layer(self, found[0], found[1].name) if found is not None else None

    def _first_class(self, names: Iterable[str]) -> str | None:
        for name in names:
            if self.class_fact(name) is not None:
                return self.resolve(name).qualname
        return None

    def pure_pydantic(self, module: ModuleFacts, name: str) -> bool:
        """A Pydantic class that is not SQLModel's (a SQLModel class without `table=True`
        is also the base table models inherit)."""
        fact = module.classes.get(name)
        return fact is not None and self._base_kind(module, fact, frozenset()) == "pydantic"

    def sqlmodel_schema(self, module: ModuleFacts, name: str) -> bool:
        """A SQLModel class without `table=True` that no table class of the project
        extends (`class BaseRead[T](SQLModel)`, `class UserCreate(UserBase)`): a Pydantic
        schema, where `class UserBase(SQLModel)` under `class User(UserBase, table=True)` is
        the table's base."""
        fact = module.classes.get(name)
        if fact is None or "table" in fact.true_keywords:
            return False
        if self._base_kind(module, fact, frozenset()) != "sqlmodel":
            return False
        pending = [f"{module.module}.{name}"]
        seen: set[str] = set()
        while pending:
            current = pending.pop()
            for subclass in self.subclasses.get(current, ()):
                if subclass in seen:
                    continue
                seen.add(subclass)
                if self.is_orm_model(subclass):
                    return False
                pending.append(subclass)
        return True

    def pure_beside_queries(self, qualname: str) -> bool:
        """`can_revoke_user_api_key(owner, user)` beside the queries of a module that is data
        access by what it does, not by its name: a pure rule (it takes no session, runs no
        query and calls none of its module's functions), no data access for its importers
        and callers. (In a module named for data access, labelers judge every function the
        repository's, `crud_qr.add_noise_to_qr(text)` included: what runs the queries there
        is not always in sight, a `databases` connection held globally.)"""
        resolved = self.resolve(qualname)
        module, name = resolved.module, resolved.name
        return (
            module is not None
            and module.layer == "repository"
            and bool(module.extra.get("layer_evidence"))
            and name in module.functions
            and name not in self.data_access_names(module)
            and name not in module.extra.get("session_takers", ())
            and not any(
                callee.startswith(f"{module.module}.") or self.is_data_access(callee)
                for callee in module.extra.get("calls_out", {}).get(name, ())
            )
        )

    def is_core_table(self, qualname: str) -> bool:
        """A module-level SQLAlchemy Core table of the project (`teams = Table("teams", ...)`)."""
        resolved = self.resolve(qualname)
        module, name = resolved.module, resolved.name
        if module is None or name is None or name not in module.instances:
            return False
        return self.resolve(module.instances[name]).qualname in CORE_TABLE_TYPES

    def is_in_layer(self, qualname: str, layer: str) -> bool:
        return self.layer_of(qualname) == layer

    @cached_property
    def uses_async_sqlalchemy(self) -> bool:
        """Whether some module of the app (not its tests or migrations) imports SQLAlchemy's
        (or SQLModel's) asyncio extension and some module works with an async session
        (awaits a session call, opens one with `async with`, takes an `AsyncSession`, builds
        an async engine or session factory at import): async engine helpers nobody calls, in
        a project whose repositories all run on the sync `Session`, do not make it async.
        Asked of the modules the run reads (see `whole.ASYNC_IGNORED_LAYERS`).

        Where a module the others import builds a sync engine or session factory, async
        session work in a module nothing imports (other than the `main` layer's) is dead code
        and counts for nothing (an async `BaseRepository` no repository extends, beside the
        `SessionLocal = sessionmaker(...)` every repository uses). Who imports a module is
        known only when the run read every module."""
        app = [facts for facts in self.by_path.values() if facts.layer not in ASYNC_IGNORED_LAYERS]
        if not any(
            imp.target.startswith(("sqlalchemy.ext.asyncio", "sqlmodel.ext.asyncio"))
            for facts in app
            for imp in facts.imports
        ):
            return False
        working = [facts for facts in app if facts.extra.get("async_sessions")]
        if not working or not self.read_everything:
            return bool(working)
        imported = self._imported(app)
        if not any(facts.extra.get("sync_factories") and id(facts) in imported for facts in app):
            return True
        return any(id(facts) in imported or facts.layer == "main" for facts in working)

    def _imported(self, importers: list[ModuleFacts]) -> set[int]:
        """The modules (by id) some module of `importers` imports, itself or a name of it."""
        imported: set[int] = set()
        for facts in importers:
            for imp in facts.imports:
                module = self.resolve(imp.target).module
                if module is not None and module is not facts:
                    imported.add(id(module))
        return imported

    @cached_property
    def uses_sqlalchemy(self) -> bool:
        """Whether some module imports SQLAlchemy or SQLModel (the session name convention
        holds only there)."""
        return any(
            imp.target.split(".", 1)[0] in ("sqlalchemy", "sqlmodel")
            for facts in self.by_path.values()
            for imp in facts.imports
        )

    def uses_structlog(self) -> bool:
        return self._uses_structlog

    # Asked once per candidate (every log call of a project): computed once per index.
    @cached_property
    def _uses_structlog(self) -> bool:
        return any(
            imp.target == "structlog" or imp.target.startswith("structlog.")
            for facts in self.by_path.values()
            for imp in facts.imports
        )

    def has_global_exception_handler(self) -> bool:
        """Some module (not a test) registers a handler for `Exception` on an app."""
        return self._has_global_exception_handler

    def served(self, module_name: str) -> bool:
        """Whether a module runs in the server: the app reaches it through imports."""
        reached = self._served_modules
        return reached is None or module_name in reached

    @cached_property
    def _served_modules(self) -> frozenset[str] | None:
        """The modules the server runs: where it starts (the module creating the FastAPI
        app, the modules registering routes, those defining background jobs) and every
        project module they import, directly or through others (imports under
        `TYPE_CHECKING` run nothing; one inside a function counts only in a start). A
        package of the api layer by name that re-exports an SDK is no start: what registers
        routes is; nor is a package the server imports a name from a way to all it
        re-exports. None when no start is in sight: then every
        module counts."""
        starts = [facts for facts in self.by_path.values() if facts.extra.get("serves")]
        if not starts:
            return None
        reached = {facts.module for facts in starts}
        expanded: set[str] = set()
        pending = list(starts)
        while pending:
            facts = pending.pop()
            if facts.module in expanded:
                continue
            expanded.add(facts.module)
            if facts.is_package and not facts.extra.get("serves"):
                # `from cognee import __version__` runs the package, but what the server
                # uses of it is the name: a name it re-exports resolves to its own module
                # (followed there); the rest of an SDK's facade is not reached through it.
                continue
            serves = bool(facts.extra.get("serves"))
            for item in facts.imports:
                if item.type_checking or (item.in_function and not serves):
                    # An import inside a function runs when the function does: a route's or a
                    # job's body runs, another module's function (`config.get_web_base_url()`
                    # importing the notebook session) may never be called by the server.
                    continue
                resolved = self.resolve(item.target)
                found = resolved.module
                if found is None:
                    continue
                reached.add(found.module)
                name = resolved.name
                if name is not None and constant_name(found, name):
                    # `from fides.cli.utils import FIDES_ASCII_ART`: a constant, no code of
                    # the module the server runs (its module-level code is served, above).
                    continue
                pending.append(found)
        return frozenset(reached)

    @cached_property
    def _config_helpers(self) -> frozenset[str]:
        """The project modules in no layer that a config module imports (the helpers that
        load the settings: a Vault loader, a secrets reader), by dotted name."""
        found: set[str] = set()
        for facts in self.by_path.values():
            if facts.layer != "config":
                continue
            for item in facts.imports:
                resolved = self.resolve(item.target)
                module = resolved.module if resolved.module is not None else self.find_module(item.target)
                if module is not None and module.layer is None and module is not facts:
                    found.add(module.module)
        return frozenset(found)

    @cached_property
    def _has_global_exception_handler(self) -> bool:
        return any(
            facts.extra.get("global_exception_handler") and facts.layer not in HANDLER_IGNORED_LAYERS
            for facts in self.by_path.values()
        )

    # ----- conditions --------------------------------------------------------------------

    def _named_session_kinds(self, condition: Condition) -> list[bool | None]:
        """What is known of a value named like a session: the kinds of the names it was made
        from, or of what the attribute of its class holds (`self.db` with `db: DbManager`
        in a base class); empty where nothing is."""
        if condition.kind == "session_named_member":
            held = self.member_type(condition.names[0], condition.names[1], external=True)
            # (`db_session: Any` says nothing of what it holds: the name decides)
            return [self.session_kind(held)] if held is not None and not says_nothing(self, [held]) else []
        return [self.session_kind(name) for name in condition.names]

    def settles(self, condition: Condition) -> bool:
        """Whether this index, built from part of the project, answers `condition` as the
        whole project would. A name's answer comes from the modules on its way, which a run
        always reads; a kind in `WHOLE_PROJECT_KINDS` asks whether some module anywhere has
        a fact, which only a module found to have it settles."""
        if condition.kind in ("session_named", "session_named_member"):
            known = self._named_session_kinds(condition)
            return self.uses_sqlalchemy or (bool(known) and all(answer is False for answer in known))
        if whole_project_fact(condition.kind) is None:
            return True
        if condition.kind == "served" and self._served_modules is None:
            # "No server in sight, so every module counts" is no answer until the modules
            # that could start the server were read.
            return False
        return self.holds(Condition(condition.kind, condition.names))

    def holds(self, condition: Condition) -> bool:
        """Whether a candidate finding's condition is true of this project (remembered)."""
        return self._holds(condition)

    def _holds(self, condition: Condition) -> bool:
        """`holds`, answered."""
        kind = condition.kind
        names = condition.names
        if "@" in kind:
            # `stdlib_logger@log:1`: a logger of that kind whose method takes its message at
            # that place, or whose class does not show where (the usual first place).
            kind, _, placed = kind.partition("@")
            method, _, place = placed.partition(":")
            # (`stdlib_logger@info:0:lazy`: the reading whose advice and fix hand the logger
            # values after its message; `:plain`, the one for a project logging class whose
            # method takes the message alone, `def info(self, message)`)
            place, _, arity = place.partition(":")
            modules = [self.resolve(name) for name in names]
            if arity == "plain" and names and all(found.name is None for found in modules):
                # (a module's logging function, or the standard library's: one reading only)
                return bool(condition.negate)
            if names and all(found.qualname == "logging" for found in modules):
                # `from app.logging import logging` (a project module re-exporting the
                # standard library's), then `logging.info(f"...")`: the root logger's function.
                result = kind in ("stdlib_logger", "stdlib_named") and method in STDLIB_MODULE_LOG_FUNCTIONS
                return not result if condition.negate else result
            if names and all(found.module is not None and found.name is None for found in modules):
                # `import logger`, then `logger.log(msg=f"...")`: the project module's own
                # logging function, a log call when it hands its message to a logger.
                result = any(loggers.is_log_wrapper(self, f"{found.qualname}.{method}") for found in modules)
                flavour = kind.split("_", 1)[0]
                if flavour in ("structlog", "stdlib", "loguru"):
                    # (one reading of the call: the project's own logging library's)
                    result = result and flavour == ("structlog" if self.uses_structlog() else "stdlib")
                return not result if condition.negate else result
            result = self.holds(Condition(kind, names)) and all(
                loggers.takes_message_at(self, name, method, place) is not False for name in names
            )
            if result and arity:
                lazy = all(loggers.takes_lazy_arguments(self, name, method) is not False for name in names)
                result = lazy == (arity == "lazy")
            return not result if condition.negate else result
        if kind.startswith("rows_via:"):
            # `fetch_one_or_404(db, query)`: the rows of the statement handed over, when the
            # project function hands rows back.
            inner = Condition(kind.split(":", 1)[1], names[1:])
            result = self.holds(inner) and callees.hands_back_rows(self, names[0])
            return not result if condition.negate else result
        if kind == "orm_model":
            result = any(self.is_orm_model(name) for name in names)
        elif kind == "orm_return":
            result = any(self.is_orm_model(name) or self.is_orm_bound_type(name) for name in names)
        elif kind == "orm_attribute":
            result = callees.orm_class_attribute(self, names[0], names[1])
        elif kind == "pydantic_model":
            result = any(self.is_pydantic_model(name) for name in names)
        elif kind == "logger":
            result = any(self.logger_flavour(name) for name in names)
        elif kind in ("structlog_logger", "stdlib_logger", "loguru_logger"):
            flavour = kind.split("_", 1)[0]
            result = any(self.logger_flavour(name) == flavour for name in names)
        elif kind == "session_type":
            result = any(self.is_session_type(name) for name in names)
        elif kind == "log_wrapper":
            result = any(loggers.is_log_wrapper(self, name) for name in names)
        elif kind.startswith("log_wrapper_at:"):
            at = int(kind.partition(":")[2])
            result = any(loggers.is_log_wrapper(self, name, at) for name in names)
        elif kind.startswith("wrapper_message:"):
            _, method, place = kind.split(":")
            result = any(loggers.takes_message_at(self, name, method, place) for name in names)
        elif kind == "core_table":
            result = any(self.is_core_table(name) for name in names)
        elif kind == "table_or_builder":
            builder, table = names
            result = is_query_builder(self.resolve(builder).qualname, SQL_BUILDERS) or self.is_core_table(table)
        elif kind == "session_annotation":
            result = any(self.is_session_annotation(name) for name in names)
        elif kind in ("session_named", "session_named_member"):
            # Named like a session: a session unless what is known says otherwise.
            known = self._named_session_kinds(condition)
            result = self.uses_sqlalchemy and (not known or any(k is not False for k in known))
        elif kind in ("structlog_named", "stdlib_named", "loguru_named"):
            # Named like a logger: of this flavour when known, else the project's library.
            flavour = kind.split("_", 1)[0]
            default = "structlog" if self.uses_structlog() else "stdlib"
            flavours = [loggers.logger_kind(self, name) for name in names] or [None]
            result = any(k == flavour or (k is None and flavour == default) for k in flavours)
        elif kind == "query_builder":
            result = any(is_query_builder(self.resolve(name).qualname, SQL_BUILDERS) for name in names)
        elif kind == "logger_named":
            result = any(loggers.logger_kind(self, name) != "" for name in names) if names else True
        elif kind.startswith("layer:"):
            layer = kind.split(":", 1)[1]
            result = any(self.is_in_layer(name, layer) for name in names)
        elif kind == "project_uses_structlog":
            result = self.uses_structlog()
        elif kind == "project_uses_async_sqlalchemy":
            result = self.uses_async_sqlalchemy
        elif kind == "settings_model":
            result = any(lineage.is_settings_model(self, name) for name in names)
        elif kind.startswith("config_unset:"):
            key = kind.split(":", 1)[1]
            result = any(self.is_pydantic_model(n) and lineage.config_unset(self, n, key) for n in names)
        elif kind == "served":
            result = any(self.served(name) for name in names)
        elif kind == "config_helper":
            result = any(name in self._config_helpers for name in names)
        elif kind == "project_class":
            result = any(lineage.is_project_class(self, name) for name in names)
        elif kind.startswith("accessor_layer:"):
            # `zen_store().get_tag(...)`: the class a project function (no constructor) returns.
            # (An accessor that is data access itself, `new_querier(User).first()`, is the
            # call reported: the chain is one call into the repository layer.)
            layer = kind.split(":", 1)[1]
            result = any(
                self._accessor_layer(name) == layer
                and not (layer == "repository" and callees.is_repository_call(self, name))
                for name in names
            )
        elif kind.startswith("instance_layer:"):
            layer = kind.split(":", 1)[1]
            result = any(callees.instance_layer(self, name) == layer for name in names)
        elif kind.startswith("state_session:"):
            # `request.state.db.execute(...)`: what the project keeps in that slot.
            result = self.state_session(kind.split(":", 1)[1])
        elif kind == "member_session":
            # `self.repo.session.commit()`: what the attribute chain holds is a session.
            held = self.member_type(names[0], names[1], external=True)
            result = held is not None and self.session_kind(held) is True
        elif kind.startswith("member_layer:"):
            # `self.repos.users.get(...)`: what the attribute chain holds is a repository.
            owner, chain = names[0], names[1]
            held = self.member_type(owner, chain)
            result = held is not None and callees.is_repository_call(self, held, kind.split(":", 1)[1])
        elif kind == "repository_call":
            result = any(
                callees.is_repository_call(self, name) or self._repository_through_value(name) for name in names
            )
        elif kind == "repository_function_call":
            # (a repository class built to be handed on is wiring, not a call into the layer)
            result = any(callees.is_repository_call(self, name) and self.class_fact(name) is None for name in names)
        elif kind == "orm_in_generic":
            result = callees.orm_page(self, names[0], names[1])
        elif kind == "unmapped_orm_return":
            result = callees.returns_unmapped_orm(self, names)
        elif kind == "global_exception_handler":
            result = self.has_global_exception_handler()
        else:
            raise ValueError(f"unknown condition kind {kind!r}")
        return not result if condition.negate else result


def _library_class(resolved: Resolved) -> bool:
    """A class outside the project that a return annotation names (`AsyncSession`), not a
    builtin or a typing construct."""
    return resolved.module is None and not resolved.qualname.startswith(("builtins.", "typing.", "collections."))


def _defines(facts: ModuleFacts, name: str) -> bool:
    """Whether a module defines `name` at its top level: a class, a function, a logger or
    an instance it makes."""
    return name in facts.classes or name in facts.functions or name in facts.loggers or name in facts.instances

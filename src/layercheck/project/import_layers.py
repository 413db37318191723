"""The layer an import reaches, judged by what is imported (SPEC revision 2): a module's role
for its importers (a `models` module of query functions is data access; a package is what
most of what it gathers is) and a name's own layer (an ORM class is a model import wherever
it is defined; a constant or an enum beside the queries is no layer's). Asked through the
index by the import contracts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from layercheck.domain.facts import ModuleFacts
from layercheck.domain.vocabulary import ENGINE_FACTORIES
from layercheck.project import callees, data_access, lineage
from layercheck.project.data_access import DataAccessLookup
from layercheck.project.lookup import Resolved

# Client libraries of caches and key-value stores (a Redis client kept in `db.py`).
_CACHE_LIBRARIES = frozenset({"redis", "aioredis", "valkey", "coredis", "aiocache", "pymemcache", "aiomcache"})


class ImportLookup(DataAccessLookup, Protocol):
    """What these questions ask of the index beyond name resolution and data access."""

    def defines_orm_models(self, module: ModuleFacts) -> bool: ...

    def pure_pydantic(self, module: ModuleFacts, name: str) -> bool: ...

    def sqlmodel_schema(self, module: ModuleFacts, name: str) -> bool: ...

    def is_core_table(self, qualname: str) -> bool: ...

    def logger_flavour(self, qualname: str) -> str | None: ...

    def is_session_type(self, qualname: str) -> bool: ...


class ImportedLayers:
    """Answers "which layer does this import reach?" for one project, remembering the answers."""

    def __init__(self, index: ImportLookup) -> None:
        self.index = index
        self._reexports_open: set[str] = set()
        # `imported_layer` of each import target, asked by several project rules each.
        self._imported_layers: dict[tuple[str, bool], str | None] = {}

    def module_role(self, module: ModuleFacts) -> str | None:
        """A module's layer as its importers should see it: a `models` module is checked
        against what it defines, because projects use "model" for three things (SPEC
        revision 2): with no ORM class, one whose functions run queries is data access (a
        repository), one that defines Pydantic classes is a schema."""
        if module.layer is None and self.index.defines_orm_models(module):
            if self._query_functions_beside_models(module):
                # `auth/model.py` holding the `RefreshToken` table and the functions that open
                # a session to create, find and revoke tokens for the services: the data
                # access of its feature, the table kept beside it.
                return "repository"
            return "model"  # `database/orm_models.py`: the models, whatever its folders say
        if module.layer == "schema" and self._no_schema_classes(module):
            # `utils/schemas.py` of functions returning JSON-schema dicts (and an enum): no
            # Pydantic model crosses the API from it, so importing it is no schema import.
            return None
        if module.layer != "model":
            return module.layer
        if any(self.index.is_orm_model(f"{module.module}.{name}") for name in module.classes):
            return module.layer
        if self.index.active_record(module):
            return module.layer  # an abstract active-record base: its queries are the models'
        if data_access.runs_queries(self.index, module):
            return "repository"  # its functions run queries: data access, whatever its name
        if any(self.index.pure_pydantic(module, name) for name in module.classes):
            return "schema"
        if any(self.index.sqlmodel_schema(module, name) for name in module.classes):
            return "schema"  # (`base/model.py` of table-less SQLModel classes the tables do not extend)
        reexported = self._reexported_role(module)
        if reexported is not None:
            return reexported
        if (
            module.classes
            and not module.is_package
            and not module.extra.get("configured")
            and not self.index.defines_orm_classes(module)
        ):
            # `retrieval/models/colbert.py`: a machine-learning model's class, no table.
            return None
        return module.layer

    def _holds_only_errors(self, module: ModuleFacts) -> bool:
        """A module of exception classes and nothing else: no function, no other class."""
        return not module.functions and all(
            data_access.is_exception(self.index, f"{module.module}.{name}") for name in module.classes
        )

    def _no_schema_classes(self, module: ModuleFacts) -> bool:
        """A schema module by name, not configured, that defines functions and no class
        but enums and plain namespaces (`database/schema.py` creating the database's schemas,
        whose `class DbSchemas:` holds their names)."""
        if module.is_package or module.extra.get("configured") or not module.functions:
            return False
        return all(
            data_access.is_enum(self.index, f"{module.module}.{name}") or not fact.bases
            for name, fact in module.classes.items()
        )

    def module_seen_as(self, module: ModuleFacts) -> str | None:
        """The layer a module imported whole (`from app.core import dbapi`) reaches: its
        role, or, for a module in no layer that only re-exports, what it re-exports. The
        module's own imports are still judged in its own layer (none)."""
        role = self.module_role(module)
        if module.extra.get("configured"):
            return role
        if role == "database" and self._mostly_orm_models(module):
            # `from app._internal import orm`, then `orm.Build`: a module of fourteen ORM
            # classes that also builds the session factory hands its importers the models.
            return "model"
        if role is None and module.layer is None:
            if self._schema_module(module):
                return "schema"
            return self._reexported_role(module)
        if module.is_package and role == module.layer:
            # `crud/__init__.py` gathering the managers its modules define: the package is
            # what most of them are for its importers (`import app.crud as crud`), not what
            # the folder's name says.
            return self._package_role(module, role)
        return role

    def _query_functions_beside_models(self, module: ModuleFacts) -> bool:
        """Module-level functions, at least two and most of the public ones, that run
        queries, beside ORM classes that do not (not active record)."""
        functions = [name for name in module.functions if not name.startswith("_")]
        querying = set(functions).intersection(data_access.data_access_names(self.index, module))
        return len(querying) >= 2 and 2 * len(querying) >= len(functions) and not self.index.active_record(module)

    def _mostly_orm_models(self, module: ModuleFacts) -> bool:
        """At least two ORM models, and at least half of the module's classes."""
        models = sum(1 for name in module.classes if self.index.is_orm_model(f"{module.module}.{name}"))
        return models >= 2 and 2 * models >= len(module.classes)

    def _schema_module(self, module: ModuleFacts) -> bool:
        """A module in no layer whose classes are Pydantic models (enums beside them), at
        least one: imported whole (`from domain import entities`, then `entities.Movie`), it
        is a schema import, as each of its classes would be."""
        if module.is_package or not module.classes or data_access.holds_data_access(self.index, module):
            return False
        pydantic = [name for name in module.classes if self.index.pure_pydantic(module, name)]
        return bool(pydantic) and all(
            name in pydantic or data_access.is_enum(self.index, f"{module.module}.{name}") for name in module.classes
        )

    def _reexported_role(self, module: ModuleFacts) -> str | None:
        """What a module that only re-exports is for its importers: what most of it
        re-exports (`web/api/models/__init__.py` re-exporting the router of its `views.py`,
        a `core/dbapi.py` gathering the features' query functions); None for any other."""
        return majority(self._reexported_layers(module) or [])

    def _reexported_layers(self, module: ModuleFacts) -> list[str | None] | None:
        """The layers of the names a module re-exports from its own package (None for a
        module that defines classes or functions of its own)."""
        if module.classes or module.functions or module.path in self._reexports_open:
            return None
        package = module.module if module.is_package else module.module.rpartition(".")[0]
        below: list[str | None] = []
        self._reexports_open.add(module.path)  # re-exports may go round in a circle
        try:
            for item in module.imports:
                if not package or not item.target.startswith(package + "."):
                    continue
                resolved = self.index.resolve(item.target)
                if resolved.module is not None and resolved.name is None and resolved.module is not module:
                    # `from . import flows`, `from .base import *`: a submodule, seen as its
                    # importers see it (a module of query functions in no layer is data access)
                    below.append(self.imported_layer(item.target, True))
                else:
                    below.append(self.imported_layer(item.target))
        finally:
            self._reexports_open.discard(module.path)
        return below

    def _package_role(self, module: ModuleFacts, role: str | None) -> str | None:
        """What a package that gathers its modules' names is for its importers: what most
        of those in a layer are (its helpers in no layer do not outvote its managers), no
        layer when none is in one, and the layer its name gives when it gathers nothing."""
        below = self._reexported_layers(module)
        if not below:
            return role
        placed = [item for item in below if item is not None]
        if not placed:
            return None
        return majority(placed) or role

    def imported_layer(self, target: str, is_module: bool = False) -> str | None:
        """`_imported_layer`, remembered: asked outside a walk of re-exports (whose answers
        depend on the circle it cuts) only."""
        if self._reexports_open:
            return self._imported_layer(target, is_module)
        key = (target, is_module)
        if key not in self._imported_layers:
            self._imported_layers[key] = self._imported_layer(target, is_module)
        return self._imported_layers[key]

    def _imported_layer(self, target: str, is_module: bool = False) -> str | None:
        """The layer an import reaches, judged by what is imported (SPEC revision 2): an
        ORM class is a model import whatever module defines it (`db.py` holding the engine
        and the models is not one layer for its importers); a name beside the ORM classes
        that is none (an enum, a Pydantic class, a constant) is no model import; a constant
        (`UPPER_CASE`) of a repository module is no repository import."""
        resolved = self.index.resolve(target)
        module, name = resolved.module, resolved.name
        if module is None:
            return None
        if is_module or name is None:
            role = self.module_seen_as(module)
            if role is None and module.layer is None and data_access.holds_data_access(self.index, module):
                # `global_user_state.py` of query functions, imported whole (`from sky import
                # global_user_state`): a repository module for its importers.
                return "repository"
            return role
        if self.index.is_orm_model(target) or self.index.is_core_table(target) or self._orm_base_value(resolved):
            return "model"
        if (
            module.layer not in (None, "model", "database")
            and name in module.classes
            and self.index.is_orm_class(resolved.qualname)
        ):
            # The declarative base kept in another layer's folder (`repository/table.py`'s
            # `class DBTable(DeclarativeBase)`): the models' base, no repository import. (Beside
            # the engine or the models, importing it stays what it was: `create_all`'s base.)
            return "model"
        found = self.index.class_fact(target)
        if found is not None and lineage.is_settings_model(self.index, target):
            return "config"  # `Settings(BaseSettings)` is configuration, not a schema
        if found is not None and self._settings_section(found[0], found[1].name):
            return "config"  # (`redis: RedisConfig` of the settings class beside it)
        if (
            found is not None
            and module.layer != "model"
            and self._schema_class(found[0], found[1].name)
            # (a Pydantic class whose methods run the queries is a store: `MyDb(BaseModel)`)
            and not (self.index.is_data_access(target) or found[0].extra.get("querying_methods", {}).get(name, 0) >= 2)
        ):
            return "schema"  # a schema is a schema import, whatever file name its module has
        aliased = module.extra.get("annotated", {}).get(name)
        if aliased is not None and aliased != target and self.imported_layer(aliased) == "repository":
            # `UserRepo = Annotated[UserRepository, Depends(get_user_repository)]` in the API's
            # dependencies: the repository under another name, for whoever imports it.
            return "repository"
        callee = module.instances.get(name)
        if callee is not None and name in module.extra.get("repository_providers", ()):
            # `get_company_repository = get_repository(CompanyRepository)` among the API's
            # dependencies: the repository under another name, as an `Annotated` alias is.
            provided = self.index.class_fact(callee)
            if provided is not None and callees.class_layer(self.index, provided[0], provided[1].name) == "repository":
                return "repository"
        if callee is not None and self._makes_settings(callee):
            # `settings = Settings()`, or `settings = _get_settings()` annotated to return
            # the settings class: a settings object is a config import.
            return "config"
        returned = module.extra.get("returns", {}).get(name) if name in module.functions else None
        if name in module.extra.get("session_yielders", ()):
            # `async def get_db(): async with SessionFactory() as session: yield session`,
            # unannotated, in a settings module that also builds the session factory: the
            # session dependency is a database import, whichever module holds it.
            return "database"
        if module.layer == "config" and aliased is not None and self.index.is_session_type(aliased):
            # `AsyncSessionDep = Annotated[AsyncSession, Depends(get_db_session)]` beside the
            # engine in a `persistence/config.py` of connection settings: the session
            # dependency, a database import as its generator is, not configuration.
            return "database"
        if returned and any(self._database_handout(item) for item in returned):
            # `session_scope() -> AsyncGenerator[AsyncSession, None]` or `get_db_service() ->
            # DatabaseService` in a `deps.py`: what it hands out is the database's.
            return "database"
        if self.index.is_data_access(target):
            if name in module.classes and lineage.service_by_lineage(self.index, target):
                # `class TweetService(AbstractService)` in `database/tweets.py`, its base a
                # class of the service layer: a service doing its own SQL (LC302's finding
                # there), named and derived so, not a repository its importers skip to.
                return "service"
            if name in module.extra.get("units_of_work", ()):
                # `DBManager`, the unit of work that builds the repositories on its session
                # and ends its transactions, whatever check it also runs (`SELECT version()`):
                # the database's, as below.
                return "database"
            if name in module.classes and any(self.index.is_orm_model(sub) for sub in self.index.subclasses_of(target)):
                # `class AbstractModel(SQLModel)` whose classmethods run the queries (active
                # record) and the table classes derive from: the models' own base, as the
                # declarative base is, no repository import.
                return None
            return "repository"  # a function or class that runs queries, wherever it lives
        if (
            name in module.loggers
            or name in module.logger_factories
            or (name in module.instances and self.index.logger_flavour(target))
        ):
            return None  # `from app.env import LOG`, `setup_logger()`: a logger serves every layer
        if constant_name(module, name):
            # `NOT_SET`, `DEFAULT_LIMIT`, `INNER_THOUGHTS_KWARG`: a constant, no layer's code;
            # one of the config module (`from app.env import SECRET_KEY`) is configuration.
            return "config" if module.layer == "config" else None
        if (
            name in module.classes
            and data_access.is_exception(self.index, target)
            and (_errors_module(module) or self._holds_only_errors(module))
        ):
            # `AccountAlreadyExists` of `api/auth/auth_exceptions.py`, `services/exceptions/
            # profile.py`, of an `api/exeptions/auth.py` defining exception classes and
            # nothing else: a module of the errors the layers raise and catch, no code of the
            # layer its folder names. (One defined beside a service's code is the service's.)
            return None
        layer = module.layer  # a name is judged by what it is, not by its module's other names
        if self.index.pure_beside_queries(target):
            return None
        if layer == "schema" and self._no_schema_classes(module):
            return None  # (a module named for schemas that defines none: see `module_role`)
        if (
            layer == "repository"
            and name in module.classes
            and not data_access.repository_class(self.index, module, name)
        ):
            return None  # a sentinel, an exception or a helper class beside the repositories
        if (
            layer == "config"
            and name in module.classes
            and not lineage.is_settings_model(self.index, target)
            and name not in module.extra.get("env_classes", ())
        ):
            # An enum or a plain class beside the settings (`DocumentSource`); a plain class
            # reading the environment itself (`class EnvConfig:` of `os.getenv` reads) is
            # the settings.
            return None
        helper = name in module.functions and returned is not None and not self.index.is_data_access(target)
        if layer == "database" and helper:
            # `dict_to_model(row, Model) -> TModel` beside the engine: a helper whose result
            # is nothing of the database's (a session provider's result is, above).
            return None
        if layer == "database" and name in module.instances:
            made = self.index.resolve(module.instances[name]).qualname
            if made.split(".", 1)[0] in _CACHE_LIBRARIES:
                # `async_redis = Redis(...)` beside the engine: the cache's client, no part of
                # the SQL database the layer contracts are about.
                return None
        if (
            layer == "database"
            and name in module.classes
            and self.index.session_kind(target) is not True
            and name not in module.extra.get("provider_classes", ())
            and name not in module.extra.get("units_of_work", ())
        ):
            # An enum or a class of constants beside the engine (`DocumentType` in `db.py`);
            # a class that hands out sessions (`PrefectDBInterface`) or types them (a session
            # `Protocol`) is the database's, and so is a unit of work (`DBManager`).
            return None
        if (
            layer in ("service", "task")
            and name in module.classes
            and data_access.plain_value(self.index, module, name)
        ):
            # `SchedulerType` (an enum) beside the job registry, `SignUpInputData` (a
            # dataclass) beside the use cases: values, no code of the jobs or the services.
            return None
        if layer == "model":
            # A Pydantic class beside the ORM classes is a schema import; an enum, a mixin, a
            # helper function or a SQLModel base (`table=True` models inherit it) is neither.
            found = self.index.class_fact(target)
            return "schema" if found is not None and self._schema_class(found[0], found[1].name) else None
        return layer

    def _schema_class(self, module: ModuleFacts, name: str) -> bool:
        """A Pydantic class, or a SQLModel class no table extends (a schema all the same)."""
        return self.index.pure_pydantic(module, name) or self.index.sqlmodel_schema(module, name)

    def _settings_section(self, module: ModuleFacts, name: str) -> bool:
        """A class a settings class of its module holds as a field (`class AppSettings(
        Settings): redis: RedisConfig`): a section of the configuration, read from the same
        sources, not a schema that crosses the API."""
        wanted = f"T:{module.module}.{name}"
        return any(
            wanted in fields.values() and lineage.is_settings_model(self.index, f"{module.module}.{owner}")
            for owner, fields in module.extra.get("members", {}).items()
            if owner != name
        )

    def _makes_settings(self, callee: str) -> bool:
        """Whether calling `callee` makes the settings: the settings class itself, or a
        project function whose return annotation names it."""
        if lineage.is_settings_model(self.index, callee):
            return True
        resolved = self.index.resolve(callee)
        module, name = resolved.module, resolved.name
        if module is None or name is None or name not in module.functions:
            return False
        returned = module.extra.get("returns", {}).get(name) or ()
        return any(lineage.is_settings_model(self.index, item) for item in returned)

    def _database_handout(self, returned: str) -> bool:
        """Whether a function returning `returned` hands out the database's things: a session
        type, or a name of the database module (`get_db_service() -> DatabaseService`). An
        ORM class or an enum defined in `db.py` beside the engine is not: `check_permission()
        -> WorkspaceMembership` is a helper returning a row, no database import."""
        if self.index.is_session_type(returned) or self.index.resolve(returned).qualname in ENGINE_FACTORIES:
            return True  # (`get_sync_engine() -> Engine`: the engine is the database's too)
        if self.index.layer_of(returned) != "database" or self._type_variable(returned):
            return False
        if self.index.is_pydantic_model(returned):
            return False  # `-> Page[AssetInfo]` with `Page` beside the engine: a value, no handle
        return not (self.index.is_orm_model(returned) or data_access.is_enum(self.index, returned))

    def _orm_base_value(self, resolved: Resolved) -> bool:
        """`Model = create_model(db)` (a declarative base a project factory makes) that the
        ORM models of other modules derive from: importing it is a model import. (`Base =
        declarative_base()` atop the `models.py` whose classes derive from it is that
        module's own base, which the engine's module imports for `create_all`.)"""
        if resolved.module is None or resolved.name not in resolved.module.instances:
            return False
        if self.index.class_fact(resolved.module.instances[resolved.name]) is not None:
            # `settings = Settings()` whose class holds `Base = declarative_base()` (the models
            # derive from `settings.Base`): an instance of a project class is no base itself.
            return False
        own = f"{resolved.module.module}."
        return any(
            self.index.is_orm_model(sub) and not sub.startswith(own)
            for sub in self.index.subclasses_of(resolved.qualname)
        )

    def _type_variable(self, qualname: str) -> bool:
        """`TModel = TypeVar("TModel", bound=BaseModel)`: a generic helper's type, no layer's."""
        resolved = self.index.resolve(qualname)
        if resolved.module is None or resolved.name not in resolved.module.instances:
            return False
        return self.index.resolve(resolved.module.instances[resolved.name]).qualname.rsplit(".", 1)[-1] == "TypeVar"


_ERROR_WORDS = frozenset({"exceptions", "exception", "errors", "error"})


def _errors_module(module: ModuleFacts) -> bool:
    """A module (or a package above it) named for errors: `exceptions.py`,
    `auth_exceptions.py`, `errors/http.py`."""
    parts = module.module.split(".")
    return any(part in _ERROR_WORDS or part.endswith(("_exceptions", "_errors")) for part in parts[-2:])


def majority(layers: Sequence[str | None]) -> str | None:
    """The layer more than half of `layers` are (None when none is)."""
    if not layers:
        return None
    role, count = Counter(layers).most_common(1)[0]
    return role if role is not None and 2 * count > len(layers) else None


def constant_name(module: ModuleFacts, name: str) -> bool:
    """`FIDES_ASCII_ART`, `DEFAULT_LIMIT`: an upper-case name no function or class of `module`."""
    return name.isupper() and name not in module.classes and name not in module.functions

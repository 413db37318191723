"""LC103 import-against-layer-direction."""

from __future__ import annotations

from collections.abc import Iterator

from layercheck.domain.diagnostics import Diagnostic
from layercheck.domain.facts import ModuleFacts
from layercheck.domain.layers import ENTRYPOINT_LAYERS
from layercheck.domain.vocabulary import CONFIG_MODULE_NAMES
from layercheck.project import data_access
from layercheck.project.index import ProjectIndex
from layercheck.project.rules.base import ProjectRule, short

# Pairs that a more specific rule reports instead (LC102, LC104, LC504).
_REPORTED_ELSEWHERE = {
    **{(layer, "repository"): "LC102" for layer in ENTRYPOINT_LAYERS},
    ("api", "model"): "LC104",
    ("schema", "model"): "LC504",
}


# Query functions that make a database module a query module for its own imports (a
# `db.py` with a hundred `get_*` beside the engine, not one with a seeding function).
_QUERY_MODULE_MIN = 3


# Packages that hold the persistence code: the engine, the ORM classes and their value types.
_PERSISTENCE_PACKAGES = frozenset({"db", "database", "orm", "models", "persistence", "storage"})


# File names of table modules that the preset's names miss (`model.py`, `orm.py`).
_TABLE_MODULE_NAMES = frozenset({"model", "orm", "table", "tables"})


def _named_for_tables(module: ModuleFacts) -> bool:
    return module.module.rpartition(".")[2] in _TABLE_MODULE_NAMES


def _name_layer(module: ModuleFacts) -> str | None:
    """The layer a module's name gives it (before what its code does moved it)."""
    if "layer_evidence" in module.extra:
        return module.extra.get("name_layer")
    return module.layer


def _within_persistence(importer: ModuleFacts, source: ModuleFacts) -> bool:
    """Whether both modules sit in one persistence package (`app/db/models.py` importing the
    Pydantic value types of `app/db/types/`, JSON column types, not the API's schemas)."""
    package = importer.module.rpartition(".")[0]
    return package.rpartition(".")[2] in _PERSISTENCE_PACKAGES and source.module.startswith(package + ".")


class ImportAgainstLayerDirection(ProjectRule):
    """Flags an import that goes against the direction of the layers (a repository
    importing a service, a model importing a schema, a service importing a router...).

    Each layer may import only the layers below it (see `layercheck layers`); an upward
    import couples the lower layer to its callers and soon makes an import cycle.
    """

    code = "LC103"

    def check(self, module: ModuleFacts) -> Iterator[Diagnostic]:
        importer = self.index.module_role(module)
        if not self.layer_map.is_held(importer):
            return
        assert importer is not None
        allowed = self.layer_map.by_name[importer].may_import
        for item in self.contract_imports(module):
            own = module.is_package and item.target.startswith(module.module + ".")
            if (own or self.own_module(module, item) is not None) and not module.extra.get("configured"):
                # `crud/__init__.py` gathering its own modules' names: the package is its
                # modules, it reaches no other layer by naming them (unless the configuration
                # puts the package and its modules in layers of their own).
                continue
            imported = self.index.imported_layer(item.target, item.is_module)
            source = self.index.resolve(item.target).module
            if (
                source is not None
                and source.layer == module.layer
                and _name_layer(source) == _name_layer(module)
                # (two modules of no layer by name: alike, unless a feature's `model.py` of
                # tables imports a module of another role, its schemas' `base/model.py`, or
                # a module of declared tables imports a module of Pydantic classes only,
                # `AccountTable.py`'s `AccountEntity` for its `to_entity()`)
                and (
                    source.layer is not None
                    or self.index.module_role(source) == importer
                    or not (_named_for_tables(module) or self._table_module_importing_schemas(module, source, imported))
                )
                and imported != "database"
            ):
                # Within one layer by name (`models/` importing `models/_utils`); what hands
                # out sessions is the database's wherever it lives (`services/deps.py`). A
                # module placed by what it does is not named alike: `schemas/tag_schemas.py`
                # of tables importing the Pydantic classes of `models/tag.py` is judged.
                continue
            if imported is None or self.layer_map.may_import(importer, imported):
                continue
            if imported == "schema" and source is not None and (
                self.index.module_role(source) == importer
                or (importer == "config" and _in_config_package(source, module))
                or (
                    (source.layer == "config" or (source.layer is None and _below_config_folder(source)))
                    and self.layer_map.may_import(importer, "config")
                )
            ):
                # `SecurityConfig` (a Pydantic class) from a config module, or from a module of
                # the config's package (`core/config/security_config.py`,
                # `config/static/models.py`): a section of the configuration, the importer's
                # own layer; a section kept in the settings module (`DataSourceSettings` of
                # `config/env.py`) is the configuration's, for a layer that may import it; so
                # is one in a module of no layer below a configuration folder
                # (`core/config/load/db.py`'s `DatabaseConfig`, the settings' section).
                continue
            if (
                importer == "service"
                and imported == "database"
                and source is not None
                and (
                    _transaction_helper(source, item.target.rpartition(".")[2])
                    or (self.index.resolve(item.target).name is None and _units_of_work_only(source))
                )
            ):
                # `from app.db.unit_of_work import unit_of_work`: the transaction helper the
                # database module offers the services (LC302's advice), no session of theirs;
                # also the module of units of work imported whole (`from app import unit_of_work`).
                continue
            if importer == "database" and imported == "repository" and source is not None and (
                source.extra.get("builds_engine") or source.extra.get("provides_sessions")
            ):
                # `TursoAdapter(SQLAlchemyAdapter)`: the store that builds the engine is the
                # database module too, and its subclass extends it; so is a tenant router that
                # looks a tenant's database up and hands out its sessions.
                continue
            if importer == "database" and imported == "repository" and _units_of_work_only(module):
                # `SqlAlchemyUnitOfWork.__aenter__` building `self.users = UserRepository(
                # self.session)`: a unit of work sits above the repositories it composes over
                # one transaction, the services' way into the data layer; it points down.
                continue
            if importer in ("repository", "model") and imported == "config" and module.extra.get("builds_engine"):
                # A store that builds its own engine (`SQLAlchemyAdapter(url)`), or a
                # `models.py` building it beside the tables, does the database module's work
                # too, and the database may read the configuration.
                continue
            if importer == "database" and imported == "model" and self.index.defines_orm_models(module):
                # A `db.py` holding mapped models too registers its sibling models. (One holding
                # only the declarative base imports the models up the layers for `create_all()`.)
                continue
            if (
                importer == "database"
                and self.index.mostly_queries(module, _QUERY_MODULE_MIN)
                and self.layer_map.may_import("repository", imported)
            ):
                continue  # a database module made of query functions imports what they query
            if (importer, imported) in _REPORTED_ELSEWHERE and module.layer == importer:
                # (The other rule judges the module by its own layer: a `models/` module of
                # Pydantic classes, a schema for its importers, is this rule's to report.)
                continue
            persistence = source is not None and _within_persistence(module, source)
            if (importer, imported) == ("model", "schema") and persistence:
                continue  # the persistence package's own value types (JSON column types)
            if self.index.is_session_type(item.target) or self.index.is_session_factory_alias(item.target):
                continue  # a session type outside the repositories is LC101's finding
            if _implements(module, item.target, self.index) or (
                source is not None and self.index.resolve(item.target).name is None
                and _implements_from(module, item.target, self.index)
            ):
                # `class SqlServiceSqlAlchemy(SqlService)`: an adapter implementing the port an
                # upper layer declares (a `Protocol`, or a class of abstract methods only)
                # depends on the interface, not on that layer's code: the dependency inversion
                # of ports and adapters.
                continue
            may = ", ".join(allowed) if allowed else "no other layer"
            yield self.finding(
                module,
                item.span,  # type: ignore[arg-type]
                f"`{short(item.target)}` ({imported} layer) imported in the {importer} layer, "
                f"against the layer direction ({importer} may import: {may})",
            )

    def _table_module_importing_schemas(self, module: ModuleFacts, source: ModuleFacts, imported: str | None) -> bool:
        """A module declaring tables (`class AccountTable(Base)` with `__tablename__`) that
        imports from a module of Pydantic classes only: a model importing a schema, though
        neither is in a layer by name (a domain's dataclasses mapped imperatively, or a
        storage module importing a mixed module of validators, are not judged so)."""
        return (
            imported == "schema"
            and any(fact.has_tablename or "table" in fact.true_keywords for fact in module.classes.values())
            and self.index.module_seen_as(source) == "schema"
        )


def _implements(module: ModuleFacts, target: str, index: ProjectIndex) -> bool:
    """Whether a class of `module` derives from the abstract project class `target`."""
    final = index.resolve(target).qualname
    if not any(index.resolve(base).qualname == final for fact in module.classes.values() for base in fact.bases):
        return False
    return data_access.is_port(index, final)


def _implements_from(module: ModuleFacts, imported: str, index: ProjectIndex) -> bool:
    """Whether a class of `module` derives from an abstract project class reached through
    the module imported whole (`from domain import usecases`, then `class
    AlchemyMovieRepository(usecases.interfaces.repositories.MovieRepository)`)."""
    prefix = index.resolve(imported).qualname + "."
    finals = (index.resolve(base).qualname for fact in module.classes.values() for base in fact.bases)
    return any(final.startswith(prefix) and data_access.is_port(index, final) for final in finals)


def _package(module: ModuleFacts) -> str:
    """The package a module sits in (`app.core.config` for `app.core.config.llm_config`)."""
    return module.module if module.is_package else module.module.rpartition(".")[0]


def _transaction_helper(source: ModuleFacts, name: str) -> bool:
    """A unit of work of `source` (a class committing or rolling back the session it holds,
    handing out no session), or a function annotated to hand one out (`async def
    unit_of_work(...) -> AsyncIterator[UnitOfWork]`)."""
    units = source.extra.get("units_of_work", ())
    if name in units:
        return True
    returned = source.extra.get("returns", {}).get(name) or ()
    return any(item.startswith(f"{source.module}.") and item.rpartition(".")[2] in units for item in returned)


def _units_of_work_only(source: ModuleFacts) -> bool:
    """A module whose code that queries is its units of work, and that has some."""
    units = set(source.extra.get("units_of_work", ()))
    return bool(units) and set(source.extra.get("data_access", ())) <= units


def _below_config_folder(source: ModuleFacts) -> bool:
    """Whether a folder above `source` is named for configuration (`core/config/load/`)."""
    folders = source.module.split(".") if source.is_package else source.module.split(".")[:-1]
    return bool(CONFIG_MODULE_NAMES.intersection(folders))


def _in_config_package(source: ModuleFacts, importer: ModuleFacts) -> bool:
    """Whether `source` sits beside the config module `importer`, or anywhere below the
    configuration package that holds it (`app.config.static.models` for `app.config.app`;
    not `letta.schemas` for `letta.config`, whose package is the whole app)."""
    package, outer = _package(source), _package(importer)
    if package == outer:
        return True
    # (the configuration package may be further up: `core.config.load.base` for
    # `core.config.settings.loader`, both below `core.config`)
    parts = outer.split(".") if outer else []
    for depth in range(len(parts), 0, -1):
        if parts[depth - 1] in CONFIG_MODULE_NAMES and package.startswith(".".join(parts[:depth]) + "."):
            return True
    return False

"""LC101 session-import-outside-repository."""

from __future__ import annotations

from collections.abc import Iterator

from layercheck.domain.diagnostics import Diagnostic
from layercheck.domain.facts import ModuleFacts
from layercheck.domain.vocabulary import DATA_ACCESS_NAME
from layercheck.project.rules.base import ProjectRule, short

_EXEMPT_LAYERS = frozenset({"tests", "migrations"})
# Unheld layers that still wire nothing but the app: a session type has no business there.
_HELD_HERE = frozenset({"main", "middleware"})
_SCRIPTS = "/scripts/"
_WEB_FRAMEWORKS = frozenset({"fastapi", "starlette"})
# What wires a function's parameters rather than handling a request: the dependency markers
# and the parameter declarations (`page: int = Query(1, ge=1)` in a paginator's class body).
_WIRING_NAMES = frozenset({"Depends", "Security", "Query", "Path", "Body", "Header", "Cookie", "Form", "File"})
_ENGINE_FACTORIES = frozenset(
    {"create_engine", "create_async_engine", "engine_from_config", "async_engine_from_config"}
)
# SQLAlchemy's session factory builders: a held module that builds its factory with one (a
# Celery task's own `sessionmaker(bind=engine)`) is told to take the database module's.
_FACTORY_BUILDERS = frozenset(
    {"sqlalchemy.orm.sessionmaker", "sqlalchemy.ext.asyncio.async_sessionmaker", "sqlalchemy.orm.scoped_session"}
)


class SessionImportOutsideRepository(ProjectRule):
    """Flags a session type (`AsyncSession`, `Session`, `async_sessionmaker`, ...) imported
    outside the repository and database layers, including names the project re-exports,
    in every module but tests, migrations and scripts (modules in no layer included).

    Repositories are the only place that touches a session (backend guide, step 3); the
    rest of the app passes one along through a `SessionDep` alias from the database module.
    """

    code = "LC101"
    _sources: frozenset[str] | None = None
    _importers: dict[str, set[str]] | None = None
    _dependency: str | None = None

    def _session_dependency(self) -> str:
        """The name of the project's own session dependency for the advice (`get_session`
        yielding the session in `app/db.py`), the guide's `get_db` where the project has none
        or several."""
        if self._dependency is None:
            found = {
                name
                for facts in self.index.by_path.values()
                if facts.layer == "database"
                for name in facts.extra.get("session_yielders", ())
            }
            self._dependency = found.pop() if len(found) == 1 else "get_db"
        return self._dependency

    def _provides_sessions(self, module: ModuleFacts) -> bool:
        """A module that builds the session factory or engine, or defines the project's
        session types (`NewType`, `Annotated` aliases, a package re-exporting them): the
        database layer by what it does, whatever its name."""
        if module.extra.get("builds_engine"):
            # `main.py` whose lifespan builds the engine and `app.state.session_factory =
            # sessionmaker(bind=engine)`: the factory is made here, inside a function.
            return True
        if module.extra.get("closes_sessions"):
            # The shutdown helper closing every session (`close_all_sessions()`), its session
            # types only annotating what it closes: the session lifecycle.
            return True
        if module.extra.get("request_sessions"):
            # A middleware opening each request's session into `request.state` (and
            # committing or closing it after the response): the session dependency's work.
            return True
        if module.extra.get("yields_sessions"):
            # A session dependency or a transaction helper yielding the session it opened
            # or was given (`async with transaction(session): ...`, the unit of work the
            # LC302 page sends commits to): the database module's work.
            return True
        if any(self.index.session_kind(inner) for inner in module.extra.get("annotated", {}).values()):
            return True
        for named in module.extra.get("factory_aliases", {}).values():
            if any(self.index.is_session_type(name) for name in named):
                return True
        for callee in [*module.instances.values(), *module.extra.get("builder_calls", ())]:
            final = self.index.resolve(callee).qualname
            if self.index.is_session_type(final) or final.rsplit(".", 1)[-1] in _ENGINE_FACTORIES:
                return True
        # A session dependency (`def get_db() -> AsyncIterator[AsyncSession]`).
        for returned in module.extra.get("returns", {}).values():
            if any(self.index.is_session_type(name) for name in returned):
                return True
        aliases = module.is_package or any(item.target.endswith(".NewType") for item in module.imports)
        if aliases and any(
            self.index.is_session_type(target) or self.index.is_session_factory_alias(target)
            for target in module.bindings.values()
        ):
            return True
        # The module other modules import their session types from (`from app.postgres
        # import AsyncSession`): the project's session aliases live there.
        return module.module in self._session_sources()

    def _data_access(self, module: ModuleFacts) -> bool:
        """A module whose functions run queries through a session and that modules which do
        not import (SPEC revision 2: a repository by what it does, wherever it sits); a
        script or an entry point that runs queries itself is imported by nobody."""
        if self.index.named_for_concern(module):
            return False
        if not (module.extra.get("session_calls") or module.extra.get("data_access")):
            return False  # (`data_access` also names the functions returning the statements they build)
        if module.extra.get("dataloaders"):
            # GraphQL DataLoaders batching queries through the request's session for the
            # resolvers: the data access of the GraphQL API, imported or not.
            return True
        if self.index.active_record(module):
            # Active-record models (`Base.save(session)`, `User.find(session)`): the model
            # layer with queries of its own, not the data-access layer sessions belong to.
            return False
        importing = self._importing(module)
        if self.index.holds_data_access(module) and (importing or len(self.index.data_access_names(module)) >= 2):
            # Most of what it defines runs queries, for the modules importing it; with none in
            # sight (`db/saml.py` used by an extension), a module of query functions still is
            # data access, where one function that queries is an entry point's start-up.
            return True
        if self._drives_services(module):
            # `adapters/clerk.py` turning webhook payloads into calls of `UserService` under a
            # savepoint of its own: it works above the services, not below them.
            return False
        if self._does_http_work(module) and not module.extra.get("provides_sessions"):
            # `core/tenants.py`, a request middleware and the dependencies that check the
            # user's membership with a query: HTTP work, which data access never does (LC403).
            return False
        return any(not self.index.by_path[path].extra.get("session_calls") for path in importing)

    @staticmethod
    def _does_http_work(module: ModuleFacts) -> bool:
        """It imports what handles requests from FastAPI or Starlette (`HTTPException`,
        `Request`, a middleware base); `Depends` or `Query` alone only wire parameters."""
        return any(
            item.target.split(".", 1)[0] in _WEB_FRAMEWORKS and item.target.rsplit(".", 1)[-1] not in _WIRING_NAMES
            for item in module.imports
        )

    def _drives_services(self, module: ModuleFacts) -> bool:
        """It imports something of the service layer and builds no engine (a container or a
        scheduler that builds the engine and hands repositories to the services is the
        app's wiring: its sessions are its own)."""
        if module.extra.get("builds_engine"):
            return False
        return any(not item.is_module and self.index.layer_of(item.target) == "service" for item in module.imports)

    def _importing(self, module: ModuleFacts) -> set[str]:
        """The paths of the project modules importing `module` (computed once)."""
        if self._importers is None:
            importers: dict[str, set[str]] = {}
            for facts in self.index.by_path.values():
                for item in facts.imports:
                    found = self.index.resolve(item.target).module
                    if found is not None and found is not facts:
                        importers.setdefault(found.module, set()).add(facts.path)
            self._importers = importers
        return self._importers.get(module.module, set())

    def _serves_the_data_layer(self, module: ModuleFacts) -> bool:
        """A module in no layer that only the layers allowed sessions import
        (`db/sqlite/utils.py` with the session helpers of `db/sqlite/sqlite.py`,
        `sql/context.py` holding the session a transaction manager hands its repositories),
        or modules in no layer named and made for data access (`repo_impl/base.py` under the
        `*_repo_impl.py` that query): part of the data layer it serves."""
        importing = [self.index.by_path[path] for path in self._importing(module)]
        return bool(importing) and all(
            self.index.module_role(facts) in self.options["allowed-layers"]
            or (
                facts.layer is None
                and (
                    (self._named_for_data_access(facts) and self.index.holds_data_access(facts))
                    # (`manager/company_manager.py` querying through the session its abstract
                    # `Manager` base holds: data access by what it does)
                    or self._data_access(facts)
                )
            )
            for facts in importing
        )

    @staticmethod
    def _named_for_data_access(module: ModuleFacts) -> bool:
        return DATA_ACCESS_NAME.search(module.module.rsplit(".", 1)[-1]) is not None

    def _extends_data_access(self, module: ModuleFacts) -> bool:
        """A module in no layer defining a subclass of a data-access class (`class
        RBACSqlZenStore(SqlZenStore)` adding permission checks around the store's queries)
        or of a unit of work (`SessionByUOW(DefaultSessionPackMixin)` handing the session
        to the repositories it gathers): the store or the unit of work, extended, with its
        sessions."""
        return any(
            self.index.is_data_access(base) or self.index.layer_of(base) == "repository" or self._unit_of_work(base)
            for fact in module.classes.values()
            for base in fact.bases
        )

    def _base_of_data_access(self, module: ModuleFacts) -> bool:
        """A module in no layer defining the base class of data-access classes elsewhere
        (`BaseQueryService.__init__(self, db: Session)` that the `*QueryServiceImpl`
        classes querying through `self.db` derive from): the data layer's own base, holding
        the session its subclasses use."""
        return any(
            self.index.is_data_access(subclass)
            for name in module.classes
            for subclass in self.index.subclasses_of(f"{module.module}.{name}")
        )

    def _unit_of_work(self, qualname: str) -> bool:
        resolved = self.index.resolve(qualname)
        return resolved.module is not None and resolved.name in resolved.module.extra.get("units_of_work", ())

    def _repository_beside_models(self, module: ModuleFacts) -> bool:
        """A model module that also defines a data-access class: one whose methods query
        and which is no ORM class (an active-record model's queries are the model's own)."""
        return self.index.holds_data_access(module) and any(
            name in module.classes and self.index.is_data_access(f"{module.module}.{name}")
            for name in self.index.data_access_names(module)
        )

    def _session_sources(self) -> frozenset[str]:
        """Project modules that others import a session type from (computed once)."""
        if self._sources is None:
            sources = set()
            for facts in self.index.by_path.values():
                for item in facts.imports:
                    owner, _, name = item.target.rpartition(".")
                    found = self.index.find_module(owner) if name and not item.is_module else None
                    if found is not None and found is not facts and (
                        self.index.is_session_type(item.target) or self.index.is_session_factory_alias(item.target)
                    ):
                        sources.add(found.module)
            self._sources = frozenset(sources)
        return self._sources

    def check(self, module: ModuleFacts) -> Iterator[Diagnostic]:
        # Every module outside the allowed layers, modules in no layer included (SPEC
        # revision 2), except tests, migrations and scripts.
        layer = self.index.module_role(module)
        if layer in self.options["allowed-layers"] or layer in _EXEMPT_LAYERS:
            return
        if module.layer is not None and not self.layer_map.is_held(module.layer) and module.layer not in _HELD_HERE:
            return
        if _SCRIPTS in f"/{module.path}":
            return
        if module.extra.get("script") and layer in (None, *_HELD_HERE):
            # A script (`if __name__ == "__main__":`); a module of a layer that tries its
            # code out at the bottom (a 1,800-line service with a `__main__` demo) is held.
            return
        # In no layer by name (or `main.py`): database or data access by what it does. A
        # router or a task that builds its own session factory or alias is still held (the
        # guide puts `SessionDep` in the database module).
        if module.layer in (None, *_HELD_HERE) and (self._provides_sessions(module) or self._data_access(module)):
            return
        if module.layer == "config" and self._provides_sessions(module):
            # `app_server/config.py`, the app's wiring, defining `get_db_session()` that the
            # routers depend on, or a `settings.py` building the session factory: it hands the
            # sessions out, as the database module would.
            return
        if module.layer is None and (
            (self._serves_the_data_layer(module) and not self._drives_services(module))
            or self._extends_data_access(module)
            or self._base_of_data_access(module)
        ):
            # (`db/init_superuser.py` building `UserService(UserRepository(db))` for the
            # start-up code works above the services, whoever imports it)
            return
        if layer == "model" and module.extra.get("builds_engine"):
            # `models.py` building the engine and `SessionLocal` beside its tables: the
            # database module's work is done there too, where the session factory is made.
            return
        if layer == "model" and self._repository_beside_models(module):
            # `models/notes.py` holding the `Note` table and a `NoteTable` class whose methods
            # query (`Notes = NoteTable()`): the data-access layer beside its models, where
            # sessions belong; importers of `Notes` are judged as repository importers.
            return
        where = f"the {layer} layer" if layer else "a module outside the repository layer"
        extra = set(self.options["extra-session-types"])
        builds = bool(module.extra.get("builds_engine"))
        for item in self.contract_imports(module):
            if item.is_module:
                continue
            if (
                self.index.is_session_type(item.target)
                or self.index.is_session_factory_alias(item.target)
                or item.target in extra
            ):
                if builds and self.index.resolve(item.target).qualname in _FACTORY_BUILDERS:
                    # (a job or a router building its own factory: `SessionDep` is no advice
                    # for it; the database module's factory is)
                    yield self.finding(
                        module,
                        item.span,  # type: ignore[arg-type]
                        f"`{short(item.target)}` imported in {where} to build a session factory of its own; "
                        "only the database module builds one (import its factory instead)",
                    )
                    continue
                # The advice names the project's kind of session: sync `Session` or async.
                final = self.index.resolve(item.target).qualname
                kind = "AsyncSession" if "asyncio" in final or short(final).startswith("Async") else "Session"
                yield self.finding(
                    module,
                    item.span,  # type: ignore[arg-type]
                    f"`{short(item.target)}` imported in {where}; only repositories "
                    f"use sessions (inject `SessionDep = Annotated[{kind}, Depends({self._session_dependency()})]` "
                    "from the database module)",
                )

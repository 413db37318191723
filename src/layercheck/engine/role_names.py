"""Names checked against what a module does (SPEC revision 2), the last step of placing a
module after `role_layer`'s unmistakable evidence: a `tasks.py` that defines no job in a
wiring folder is the wiring's, a `models.py` that hands out sessions is the database
module, a `schema.py` of Core tables is the models', a `repository.py` that uses no
database is no repository, a `config.py` that reads no environment and defines no
settings is placed by its folders, a `database.py` of query functions is a repository; and
a module no name places whose classes each hold a session and run the queries through it
is a repository (a ports-and-adapters storage adapter). The thresholds and globs both
steps share live here.
"""

from __future__ import annotations

from layercheck.domain.layers import DATA_ACCESS_FILE_GLOBS
from layercheck.domain.vocabulary import DEPENDENCY_MARKERS, DEPENDENCY_WORDS, WIRING_FOLDERS
from layercheck.engine.role_evidence import RoleEvidence

# Core tables that make a module in no layer (or one named for schemas) the models'.
_CORE_TABLES = 2

# Project modules imported by a module that builds a session factory for itself while it
# drives the app (an evaluation runner), where the database module imports config and models.
APPLICATION_IMPORTS = 8

# Querying definitions that make a module of query functions (not a helper with a few).
MODULE_OF_QUERIES = 5

# Session calls that make a module named for the database, which builds no engine and
# hands out no session, the data access itself.
_DATABASE_CLASS_QUERIES = 20
# Functions a worker's entry point defines beside its `__main__` block (`main()` and a
# signal handler), starting code that lives elsewhere.
_LAUNCHER_FUNCTIONS = 2

# File names of repositories (a folder `repositories/` is trusted as it is).
_REPOSITORY_FILE_GLOBS = frozenset(
    {"**/*_repo.py", "**/*_repository.py", "**/repository.py", "**/repositories.py"}
)

# The preset's folder globs of repositories (a `crud/` folder of managers that call the
# data layer is checked against what its modules do).
_REPOSITORY_FOLDER_GLOBS = frozenset(
    {
        "**/repositories/**",
        "**/repository/**",
        "**/repos/**",
        "**/repo/**",
        "**/crud/**",
        "**/cruds/**",
        "**/dal/**",
        "**/dao/**",
        "**/daos/**",
    }
)


def mostly_queries(evidence: RoleEvidence, at_least: int = MODULE_OF_QUERIES) -> bool:
    """Whether a module is one of query functions: many of its module-level definitions
    run queries, and at least half of them do (`jobs/state.py`; not a processors' `base.py`
    with three helpers that query)."""
    count = len(evidence.data_access)
    return count >= at_least and 2 * count >= evidence.functions + evidence.classes


def counted(count: int, noun: str) -> str:
    """`1 route`, `3 routes`: the evidence's wording."""
    return f"{count} {noun}{'s' if count != 1 else ''}"

# The preset's file-name globs of services (a folder glob, `**/services/**`, is the project's
# own word for the layer).
SERVICE_FILE_GLOBS = frozenset({"**/service.py", "**/services.py", "**/*_service.py"})
# The files named for use cases, the services of clean architecture (`dependencies/usecases.py`
# handing the routes their use cases is wiring, as `dependencies/services.py` is).
_USE_CASE_FILE_GLOBS = frozenset({"**/usecases.py", "**/use_cases.py", "**/*_usecase.py", "**/*_use_case.py"})
# The bare names among them: a file named for the layer's word alone, which is as often the
# domain's noun (the `services` a salon sells) inside a folder of another layer.
_BARE_SERVICE_GLOBS = frozenset({"**/service.py", "**/services.py"})
# The folders of other layers organised by entity, one module per noun of the domain.
_ENTITY_FOLDER_LAYERS = frozenset({"repository", "model", "schema"})

def checked_name(
    module: str,
    is_package: bool,
    name_layer: str | None,
    evidence: RoleEvidence,
    folder_layer: str | None,
    glob: str | None,
) -> tuple[str | None, str] | None:
    """The layer a module's name gives, checked against what its code does: the layer it
    belongs to instead, with the evidence in a few words, when the two disagree; else None."""
    # The names `config` and `database` are checked against what the module does, as
    # `models` and `schemas` are: a `config.py` of Pydantic schemas in a plugin, a
    # `database.py` holding a job backend's models.
    if (
        (folder_layer == "repository" or glob in _REPOSITORY_FOLDER_GLOBS)
        and name_layer in ("repository", "task")
        and not is_package
        and evidence.service_classes
        and evidence.service_classes == evidence.classes
        and evidence.imports_other_repositories
        and not (evidence.jobs or evidence.repository_bases or evidence.repository_named or evidence.tables)
        and not (evidence.engine_builders or evidence.session_providers or evidence.script)
    ):
        # `crud/tasks.py` whose `TaskService` calls `repo_task` of the `repos/` folder beside
        # it and enqueues the job: services kept in a folder named for data access, over
        # the data access another folder holds.
        return ("service", "in a repository folder, but defines services over the repositories it imports")
    if name_layer == "task" and folder_layer not in (None, "task") and not evidence.jobs:
        # `repositories/tasks.py`, `schemas/tasks.py`, `controllers/tasks.py` querying the
        # rows of a to-do app's tasks: "tasks" is the domain's noun there.
        return (folder_layer, "named `tasks`, but defines no background job, in a folder of another layer")
    if (
        name_layer == "task"
        and not (evidence.jobs or evidence.temporal_jobs or evidence.job_library)
        and not evidence.imports_jobs_or_services
        and (
            mostly_queries(evidence)
            # (a job's executor that drives the agents, the models and the tools around its
            # queries uses the app: it is the job's own work)
            or (evidence.querying_class and len(evidence.project_imports) < APPLICATION_IMPORTS)
        )
    ):
        # `jobs/state.py` of a job-running product: "jobs" is the domain's noun, and a module
        # of query functions there is its data access, not a background job (an indexer
        # under `tasks/` that also calls services is the jobs' own work); so is the
        # `JobManager` whose methods submit, claim and list the job rows.
        if not mostly_queries(evidence):
            return ("repository", "in a folder of jobs, but defines none; a class of it runs the queries")
        count = len(evidence.data_access)
        return ("repository", f"in a folder of jobs, but defines none; {count} of its definitions query")
    if (
        name_layer == "task"
        and glob in ("**/tasks.py", "**/worker.py", "**/workers.py", "**/daemons.py")
        and WIRING_FOLDERS.intersection(module.split(".")[:-1])
        and not (evidence.jobs or evidence.temporal_jobs or evidence.job_library)
    ):
        # `core/dependencies/tasks.py` handing the routes the task tracker and the queue:
        # dependency wiring named for what it hands out, no background job.
        return (folder_layer, "named for tasks, but a dependency module that hands them out")
    if (
        name_layer == "task"
        and glob in ("**/worker.py", "**/workers.py")
        and evidence.script
        and not (evidence.jobs or evidence.temporal_jobs or evidence.job_library or evidence.database_work)
        # (a thin launcher: a worker that holds its queue and scheduler classes is the job's code)
        and not evidence.classes
        and evidence.functions <= _LAUNCHER_FUNCTIONS
    ):
        # `app/worker.py` whose `__main__` block starts the polling loop a service defines,
        # importing the models for their tables: the worker process's entry point, as
        # `main.py` is the server's, with no job and no database work of its own.
        return ("main", "named for a worker, but the process's entry point: defines no job, starts the app's code")
    if (
        name_layer == "service"
        and glob in _BARE_SERVICE_GLOBS
        and folder_layer in _ENTITY_FOLDER_LAYERS
        and not (evidence.service_classes or evidence.jobs or evidence.script)
        and (
            # (its import of `schemas/services/` names the noun too: the repository's classes
            # or its query functions say what it is)
            (folder_layer == "repository" and (evidence.repository_classes or mostly_queries(evidence)))
            or (
                folder_layer != "repository"
                and not (evidence.imports_jobs_or_services or evidence.imports_repositories)
            )
        )
    ):
        # `repositories/services.py` querying the `services` table, `models/services.py`
        # declaring it: "services" is the domain's noun there, as "tasks" is above; a
        # `RegistryReposService` in a `repositories/` package is the service its name says.
        named = module.rsplit(".", 1)[-1]
        return (folder_layer, f"named `{named}`, but defines no service, in a folder of {folder_layer}")
    if name_layer == "schema" and evidence.graphql_types and folder_layer == "api":
        # `api/graphql/schema.py` of strawberry types whose resolvers answer the queries:
        # GraphQL's schema is the API's entry point, not a module of Pydantic schemas.
        return ("api", f"defines {counted(evidence.graphql_types, 'GraphQL type')} under the API")
    if glob in DATA_ACCESS_FILE_GLOBS and evidence.graphql_types:
        # `api/queries.py` holding the root `Query` type: GraphQL's word, not data access.
        return ("api", f"defines {counted(evidence.graphql_types, 'GraphQL type')}")
    if name_layer in ("schema", None) and evidence.core_tables >= _CORE_TABLES and not (
        evidence.classes - evidence.tables or evidence.data_access or evidence.routes
    ):
        # `schema.py` (or `tables.py`) declaring the Core tables: the models, by what it maps.
        return ("model", f"declares {counted(evidence.core_tables, 'SQLAlchemy Core table')}")
    if name_layer == "schema" and evidence.tables and 2 * evidence.tables >= evidence.classes:
        # `zen_stores/schemas/tag_schemas.py` of SQLModel tables: the ORM models, whatever
        # the folder says (a schema module declares what crosses the API, not tables).
        return ("model", f"named for schemas, but maps {counted(evidence.tables, 'table')}")
    if name_layer == "model" and evidence.engine_builders and not (evidence.tables or evidence.script):
        # `persistence/models.py` building the engine and the scoped session for the
        # active-record classes it imports: the database module, named for what it serves.
        return ("database", "named for models, but builds the engine and maps no table")
    if (
        name_layer == "model"
        and evidence.sessions
        and (evidence.session_providers or evidence.units_of_work)
        and not (evidence.tables or evidence.core_tables or evidence.script)
        and evidence.data_access <= evidence.units_of_work
    ):
        # `adapters/orm/session.py` handing out sessions, `adapters/orm/unit_of_work.py`
        # committing them: the database module's work, in the ORM's folder.
        return ("database", "named for models, but hands out sessions or units of work and maps no table")
    if (
        name_layer == "model"
        and evidence.functions
        and not (evidence.classes or is_package or evidence.database_work)
    ):
        # `utils/models.py` listing the LLM models a chat app offers: functions, no class,
        # no table, no query.
        return (folder_layer, "named for models, but defines functions only and does no database work")
    if name_layer == "schema" and not (evidence.classes or is_package):
        # `api/schema.py` assembling the GraphQL schema, `openapi/schema.py` collecting the
        # routers: "schema" there is no Pydantic model.
        return (folder_layer, "named for schemas, but defines no class")
    if (
        glob in DATA_ACCESS_FILE_GLOBS
        and evidence.engine_builders
        and (evidence.session_providers or evidence.provider_methods)
        and not (evidence.querying_class or mostly_queries(evidence))
    ):
        # `storage/db_manager.py` building the engine and the session factory and yielding
        # sessions (`DatabaseManager.session()`): the database module, named for its manager.
        return ("database", "named for data access, but builds the engine and hands out sessions")
    if (
        glob in DATA_ACCESS_FILE_GLOBS
        and folder_layer != "repository"
        and not (evidence.session_calls or evidence.sessions or evidence.data_access)
        # (`performers/services/dao.py`'s `ServiceDAO(BaseDAO)` of one `model = Services`
        # line: its queries are the base's, inherited)
        and not evidence.repository_bases
    ):
        # (in a folder of data access too, what else it uses decides, below)
        return (folder_layer, "named for data access, but runs no query and uses no session")
    if (
        glob in _REPOSITORY_FOLDER_GLOBS
        and not is_package
        # (a caching mixin's `self.get(db, ...)`, `get` the repository's it is mixed into,
        # hands the session to no other layer)
        and evidence.session_handoffs > evidence.inherited_handoffs
        # (`repository/auth.py`'s `AuthRepository`, named a repository in the repositories'
        # folder, is one by both names, whatever it hands the session to)
        and not evidence.repository_named
        # (`repositories/items/dependencies.py`'s `valid_item_id(item_id, db)` loading the row
        # through the crud functions for the routes: the FastAPI dependency of the data layer)
        and not DEPENDENCY_WORDS.intersection(module.split("."))
        and not (
            evidence.session_calls
            or evidence.data_access
            or evidence.querying_methods
            or evidence.handle_calls
            or evidence.sql_builders
            or evidence.tables
            or evidence.core_tables
            or evidence.repository_bases
            or evidence.makes_repositories
            or evidence.engine_builders
            or evidence.session_providers
        )
    ):
        # `crud/runs.py` of managers that take the request's session and hand it to the
        # data layer (`get_db().store_run(db_session, ...)`) between checks and calls to
        # other systems: they run no query, build no statement and extend no repository
        # base, so they are the services over that data layer, whatever the folder or the
        # class says (`UserCRUD.get_user(db)` returning `UserDBInterface.get_user(db=db)`).
        # (A facade composing the repositories, `AllRepositories`, is data access.)
        return ("service", "in a repository folder, but runs no query: hands the session on to the data layer")
    if (
        (glob in SERVICE_FILE_GLOBS or glob in _USE_CASE_FILE_GLOBS)
        and WIRING_FOLDERS.intersection(module.split(".")[:-1])
        and not (evidence.data_access or evidence.querying_methods or evidence.session_calls or evidence.script)
    ):
        # `api/dependencies/services.py`'s `get_user_service(repo: UserRepo) -> UserService`
        # (or `dependencies/usecases.py`'s `get_create_user_usecase(uow)`): the providers
        # that hand the routes their services, dependency wiring of the folder's
        # layer, not the services themselves.
        return (folder_layer, "named for services, but a dependency module that hands them out")
    if (
        glob in _REPOSITORY_FILE_GLOBS
        and WIRING_FOLDERS.intersection(module.split(".")[:-1])
        and not (evidence.session_calls or evidence.data_access or evidence.querying_methods or evidence.sql_builders)
    ):
        # `api/dependencies/repository.py`'s `get_repository(UserRepository)` building the
        # request's repository for the endpoints: dependency wiring of the folder's layer,
        # not a repository (it runs no query).
        return (folder_layer, "named for a repository, but a dependency module that hands repositories out")
    if glob in _REPOSITORY_FILE_GLOBS and not (
        evidence.database_work
        or evidence.imports_repositories
        or evidence.imports_persistence
        # (`data/protocols/get_account_repository.py` declaring the abstract repository
        # the adapters implement: the port of the repository layer, named and shaped so)
        or (evidence.repository_ports and evidence.repository_ports == evidence.classes)
    ):
        # `tasks/code_graph/resolve_repo.py` cloning git repositories: "repo" is not always
        # data access; a repository uses a session, the ORM, its models or a base repository.
        return (folder_layer, "named for a repository, but uses no database, session, model or repository")
    if (
        (glob in _REPOSITORY_FOLDER_GLOBS or (name_layer == "repository" and folder_layer == "repository"))
        and not is_package
        and (evidence.classes or evidence.functions)
        and not (
            evidence.database_work
            or evidence.session_parameters
            or evidence.imports_persistence
            or evidence.repository_bases
            or evidence.repository_classes
            or evidence.handle_calls
            or evidence.store_client
        )
    ):
        # (`repositories/token_blacklist.py` keeping revoked tokens in Redis is data access
        # of another store, a repository where the folder keeps it.)
        # `crud/secrets.py` keeping secrets in Kubernetes beside the managers of the data
        # layer, `crud/types_crud.py` of the response envelope the routers return: no
        # database, session, model or repository base, so no data access.
        return (None, "in a repository folder, but uses no database, session, model or repository")
    if (
        name_layer == "config"
        and not (evidence.env_reads or (evidence.settings_sections and folder_layer in (None, "config")))
        and (evidence.functions or evidence.classes)
        # (`core/config.py` of `JWT_ALGORITHM: str = "HS256"` lines and a `create_tables()`
        # helper: the constants are the configuration, the helper rides along)
        and not (
            evidence.module_constants >= _CONFIG_CONSTANTS
            and evidence.module_constants > evidence.functions + evidence.classes
            and not (evidence.database_work or evidence.routes or evidence.data_access)
        )
    ):
        # (a `settings.py` of nothing but constants, `DATABASE_URL = "..."`, is the
        # configuration itself, environment or not; so is an `auth/config.py` of the Pydantic
        # sections, `class AuthSettings(BaseModel)`, that the app's settings nest, where no
        # folder says otherwise: `schemas/configuration.py` holds the API's schemas)
        return (folder_layer, "named for configuration, but defines no settings and reads no environment")
    if (
        name_layer == "database"
        and evidence.engine_builders
        and evidence.querying_class
        and not (evidence.session_providers or evidence.provider_methods or evidence.tables)
        # (a `database.py` building the engine and `SessionLocal` at module level, for the
        # others to import, is the database module, with the models' CRUD mixin beside it)
        and not evidence.module_factories
    ):
        # `services/database.py` whose `DatabaseService` builds its own engine and runs
        # every query of the app (`get_user`, `create_session`): a store class, the data
        # access the routers call, not the database module the others draw sessions from.
        return ("repository", "named for the database, but a class of it builds its engine and runs the queries")
    if name_layer == "database" and not (evidence.engine_builders or evidence.builder_calls):
        if evidence.tables and 2 * evidence.tables >= evidence.classes and not evidence.session_providers:
            # `models/database.py` declaring the tables (their classmethods querying, active
            # record): the models, named for what they map.
            tables = counted(evidence.tables, "table")
            return ("model", f"named for the database, but maps {tables} and builds no engine")
        if evidence.data_access and not (evidence.session_providers or evidence.script):
            # `utils/db.py` of get-or-create functions: data access, not the database module
            # (a `cli/commands/database.py` of seed and reset commands is a script's).
            count = len(evidence.data_access)
            plural = "s run" if count != 1 else " runs"
            return ("repository", f"named for the database, but builds no engine; {count} definition{plural} queries")
        if (
            evidence.session_calls >= _DATABASE_CLASS_QUERIES
            and not (evidence.session_providers or evidence.provider_methods)
        ):
            # `sqldb/db.py` holding `class SQLDB` and its six thousand lines of queries
            # (most through private helpers, `self._query(session, ...)`): the repository.
            count = evidence.session_calls
            return ("repository", f"named for the database, but builds no engine; {count} session calls")
        if not evidence.sessions:
            return (folder_layer, "named for the database, but builds no engine or session and uses no session type")
        if evidence.script and not (evidence.session_providers or evidence.provider_methods):
            # `commands/db.py`, a Typer app whose commands seed and reset the database through
            # the session factory it imports: a command-line tool, not the database module.
            return (folder_layer, "named for the database, but a command-line tool that builds no engine")
    if (
        name_layer == "service"
        and glob in _CONTROLLER_FOLDER_GLOBS
        and evidence.imports_services
        and evidence.web_framework
        and not (evidence.jobs or evidence.script)
    ):
        # `controllers/auth.py` between `routes/` and `services/`: the routes hand it the
        # request (`Depends(get_auth_controller)`), it raises the HTTP errors and calls the
        # services. The HTTP side of the app, not its service layer (a `controllers/` that
        # holds the business rules over the repositories, with no services below, is).
        return ("api", "in a folder of controllers, speaks HTTP and calls the services")
    if _controller_over_repositories(module, is_package, name_layer, evidence):
        # `comment/controllers.py` beside `router.py` and `repository.py`: its classes hold
        # the repositories and the business rules the router calls, and it registers no
        # route (an MVC `controllers.py` that does is a router, by its routes).
        return ("service", "named a controller, registers no routes and calls the repositories")
    if (
        name_layer == "service"
        and module.rsplit(".", 1)[-1].rsplit("_", 1)[-1] in _STORE_WORDS
        and mostly_queries(evidence)
        and not (evidence.routes or evidence.jobs or evidence.imports_jobs_or_services or evidence.script)
    ):
        # `services/vector_store.py` of functions that insert, search and delete the chunk
        # rows: a store, named for what it keeps, the data access the pipeline's services
        # call (an `add_customer_store.py` of one use case runs too few queries to be one).
        count = len(evidence.data_access)
        return ("repository", f"named a store, in a service folder; {count} of its definitions query")
    if (
        name_layer == "service"
        and not is_package
        and evidence.classes
        and evidence.repository_named == evidence.classes
        and evidence.repository_bases == evidence.classes
        and not (evidence.service_classes or evidence.routes or evidence.jobs or evidence.script)
        and not (evidence.imports_jobs_or_services or evidence.engine_builders or evidence.session_providers)
    ):
        # `features/admin/services.py` of `UserRepo(BaseRepository[User, ...])`,
        # `RoleRepo(...)` and their instances the routers call: repositories by their names
        # and their base, whatever the file is called.
        return ("repository", f"named for services, but its {evidence.classes} classes extend a repository base")
    if _maps_tables_only(name_layer, evidence):
        # `db/tables/formula.py`, `infra/postgres/tables.py`: the ORM classes, whatever the
        # module is called; the model layer's rules and direction hold for it.
        return ("model", f"maps {counted(evidence.tables, 'table')}")
    store = _session_store(name_layer, evidence)
    if store is not None:
        # `outbound/adapters/sqla_user_storage.py`'s `SqlaUserStorage(UserStorage)` holding
        # the request's session and running the queries behind a port: the repository, by
        # what its class does, whatever the adapter's file is called.
        return ("repository", f"class `{store}` holds a session and runs the queries")
    return None


# Module-level constants that make a module named for configuration the configuration, with
# a helper or two beside them.
_CONFIG_CONSTANTS = 3


# The preset's folder globs of controllers (a service folder glob, see `domain/layers.py`).
_CONTROLLER_FOLDER_GLOBS = frozenset({"**/controllers/**", "**/controller/**"})


def _controller_over_repositories(
    module: str, is_package: bool, name_layer: str | None, evidence: RoleEvidence
) -> bool:
    """A `controllers.py`/`controller.py` in no layer by name that imports repositories and
    does nothing else a layer would claim: no route, no web framework, no query of its own."""
    return (
        name_layer is None
        and not is_package
        and module.rsplit(".", 1)[-1] in ("controllers", "controller")
        and evidence.imports_repositories
        and not (
            evidence.routes
            or evidence.app_routes
            or evidence.web_framework
            or evidence.session_calls
            or evidence.data_access
            or evidence.sql_builders
            or evidence.jobs
            or evidence.script
            or evidence.engine_builders
            or evidence.tables
            or evidence.test_code
        )
    )


def _provides_stores(evidence: RoleEvidence, stores: list[str]) -> bool:
    """Whether the module's every function only builds one of its store classes, with
    FastAPI's `Depends` for the session (`def get_menu_orm(db=Depends(get_db)): return
    MenuAction(db)`): the stores' providers, its only use of the web framework."""
    if not evidence.functions or evidence.body_handlers:
        return False
    built = {callee.rsplit(".", 1)[-1] for calls in evidence.calls_out.values() for callee in calls}
    return (
        len(evidence.calls_out) == evidence.functions
        and bool(built & set(stores))
        and all(
            callee in DEPENDENCY_MARKERS or callee.rsplit(".", 1)[-1] in stores
            for calls in evidence.calls_out.values()
            for callee in calls
        )
    )


def _maps_tables_only(name_layer: str | None, evidence: RoleEvidence) -> bool:
    """A module in no layer by name whose classes are mostly ORM classes mapped to tables,
    and which does nothing else a layer would claim (no query, route, job, engine, session
    dependency, settings, script or test)."""
    return (
        name_layer is None
        and evidence.tables > 0
        and 2 * evidence.tables >= evidence.classes - evidence.bare_classes
        and not (
            evidence.data_access
            or evidence.querying_methods
            or evidence.session_calls
            or evidence.routes
            or evidence.jobs
            or evidence.engine_builders
            or evidence.session_providers
            or evidence.settings_classes
            or evidence.script
            or evidence.test_code
            or evidence.alembic
        )
    )


# The last word of a module named for what keeps the rows (`vector_store`, `event_storage`).
_STORE_WORDS = frozenset({"store", "stores", "storage"})


def _session_store(name_layer: str | None, evidence: RoleEvidence) -> str | None:
    """The class of a module in no layer by name that is a store over the session: it uses
    a session type or takes a session, each of its classes that does anything runs the queries through it, and
    the module does nothing else a layer would claim (no routes, jobs, services, engine,
    session provider or unit of work, no script or tests)."""
    if name_layer is not None or not evidence.querying_methods:
        return None
    if not (evidence.sessions or evidence.session_parameters):
        return None  # (`__init__(self, session: AuthAsyncSession)`: a project alias, by name)
    if (
        evidence.routes
        or evidence.jobs
        or evidence.imports_jobs_or_services
        or evidence.engine_builders
        or evidence.session_providers
        or evidence.provider_methods
        or evidence.units_of_work
        or evidence.script
        or evidence.test_code
        or evidence.tables
    ):
        return None
    stores = sorted(set(evidence.querying_methods) - evidence.database_library_classes)
    if not stores:
        return None  # (`class Base(DeclarativeBase)` whose `save(session)` the models share)
    if evidence.web_framework and not _provides_stores(evidence, stores):
        return None
    querying_functions = len(evidence.data_access - set(stores))
    if len(stores) < evidence.classes - evidence.bare_classes or evidence.functions > querying_functions:
        # A store among other classes that do work (an API client), or functions doing other
        # work. (A base holding the session for its subclasses, fields only, does none.)
        return None
    return stores[0]

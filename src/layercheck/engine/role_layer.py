"""What a module unmistakably is, from what its code does (SPEC revision 2).

A module's layer comes from configuration first, then from what it unmistakably is, then
from the preset's names. `engine/roles.py` gathers the evidence during the file's walk; this
module decides the second step from it:

- it registers routes on an `APIRouter` (`router = APIRouter()`, `@router.get(...)`, a
  subclass of `APIRouter` calling `self.add_api_route(...)`), or on
  the app it is given (`def setup_health(app: FastAPI)`) -> api, even when it is called
  `crud.py` or sits in `tasks.py`; so do socket.io handlers and
  functions that read the request body (`Body(...)`) another module registers as routes;
- it defines background jobs (celery, dramatiq, taskiq, arq, huey: `@shared_task`,
  `@celery.task`, `@broker.task`, `@dramatiq.actor`) -> task; Temporal activities and
  workflows (`@activity.defn`) too, in a module whose name gives no layer;
- it defines pydantic-settings classes, or a module named for configuration (`env.py`, a
  `config/` package) reads the environment, or a module of nothing but module-level names
  reads it three times or more (`constants.py`; one that builds the engine from its reads is
  the database's), or it holds a plain `class Settings:` reading it -> config;
- a module in no layer by name that builds the engine or the session factory -> database
  (one that also queries and commits as it is imported, defining nothing, is a seed script
  run by hand: none);
- an Alembic revision (imports alembic, sets `down_revision`) or environment (calls
  `context.configure(...)` or `context.run_migrations()`), wherever its folder -> migrations;
- and names checked against the code: a `db.py` of queries is a repository, a `crud/` module
  that only hands the session on is a service, a `schema.py` of tables is the models'; a
  `services/base.py` holding a generic base over a model type that runs the queries of its
  subclasses (named as a base, `ServiceBase`, or kept in a `base.py`) is data access, as
  is a CRUD class in a `crud/` folder's `*_service.py`; an `api/` folder inside the
  `services` package that registers no routes holds services; a
  module of Starlette `BaseHTTPMiddleware` classes that calls no session is middleware; a
  `db.py` that is a command-line tool is none; a `dependencies/services.py` that hands the
  services to the routes is the API's; a module in no layer by name that runs
  queries, hands the session to other modules' functions and raises the API's errors (a
  `managers/user.py`) is a service (so is one whose classes are all named and derived as
  services, `TweetService(AbstractService)` running its own queries), unless its classes
  are all dependency-injection containers (dishka's `Provider` yielding the request's
  session and committing it): the app's composition root, in no layer; and a dependencies
  module (`deps/base.py`) yielding the session beside the providers that build the
  repositories over it is the API's wiring, not the database module.

What is left, the names checked against the rest of what the code does (a `tasks.py`
defining no job, a `config.py` reading no environment, a `database.py` of queries), is
`engine/role_names.py`'s, which `role_layer` hands the module to last.
"""

from __future__ import annotations

import re

from layercheck.domain.layers import DATA_ACCESS_FILE_GLOBS
from layercheck.domain.vocabulary import (
    BACKGROUND_WORDS,
    CONCERN_WORDS,
    CONFIG_MODULE_NAMES,
    DEPENDENCY_WORDS,
    named_for,
)
from layercheck.engine.role_evidence import PERSISTENCE_NAMES, RoleEvidence
from layercheck.engine.role_names import (
    APPLICATION_IMPORTS,
    SERVICE_FILE_GLOBS,
    checked_name,
    counted,
    mostly_queries,
)

# Packages that hold the database module (`services/database/`).
_DATABASE_PACKAGES = frozenset({"database", "db"})
# Querying definitions that make such a module a service rather than one helper.
_SERVICE_MIN_QUERIES = 2
# Calls handing a session to other modules' functions that make a class handing out
# sessions the business logic over them, not the database module.
_ORCHESTRATOR_HANDOFFS = 3
# Query functions beside a single route that keep a repository module what its name says.
_STRAY_ROUTE_QUERIES = 3
# Routes on the app itself that make the module creating it a router module too.
_APP_ROUTER_ROUTES = 10
# The layers of data access a folder may name (`repository/`, `db/`).
_DATA_FOLDER_LAYERS = frozenset({"repository", "database"})
# Environment reads that make a module named for configuration its configuration, whatever
# else it does (`settings.py` reading thirty variables beside the engine it builds).
_CONFIG_ENV_READS = 3
# The folder globs that say "api" by a folder's name alone (`**/api/**`), not by a name
# only routers take (`routers/`, `endpoints/`, `views.py`).
# (`presentation/` is clean architecture's: only the HTTP adapters, see `role_layer`)
_PRESENTATION = "**/presentation/**"
_API_FOLDER_GLOBS = frozenset({"**/api/**", "**/views/**", _PRESENTATION})
# The folders of the API a feature's files sit in beside its router (its `model.py` too).
_FEATURE_API_GLOBS = _API_FOLDER_GLOBS | {"**/endpoints/**", "**/routers/**", "**/routes/**"}
# The preset's file names of routers (a `db/router.py` may route sessions instead).
_ROUTER_FILE_GLOBS = frozenset({"**/router.py", "**/routes.py", "**/routers.py"})
# Service folders whose name also means other things: their modules are services by what
# they do (see `role_layer`).
_WORDY_SERVICE_FOLDERS = frozenset({"**/logic/**", "**/application/**"})
# Query functions that make a module named for routes, registering none, data access (its
# name is all that says router; two helpers the routers call are already a data layer).
_ROUTER_NAMED_QUERIES = 2
# Words of a module's name that say it holds the database's wiring (`session_factory.py`).
_DATABASE_WORDS = frozenset({"session", "sessions", "engine", "db", "database"})
# The names of a plain class that holds the settings (`class Settings:`, `AppConfig`).
_SETTINGS_CLASS_ENDINGS = ("Settings", "Config", "Configuration")
# The names a generic base of data access goes by (`ServiceBase`, `CRUDBase`, `GenericService`,
# a `services/base.py`): a generic `LoadService(Generic[T])` the routes use as it is, named
# for its one model, is that model's service.
_GENERIC_BASE_NAMED = re.compile(r"Base|Generic|Abstract|CRUD|Crud")
_GENERIC_BASE_MODULES = frozenset({"base", "bases", "generic", "common", "crud"})
# Layers a module keeps whatever its code does: they wire or test the app.
_KEPT = frozenset({"tests", "migrations", "main", "middleware"})


# The folders of a bounded context's outer ring: its adapters (persistence, mappers,
# clients), which a `contexts/` folder does not make services.
_OUTER_RINGS = frozenset({"infrastructure", "adapters"})

# Modules named for authentication: the login form they read (`Form()`) serves the endpoints.
_AUTH_MODULE_NAMES = frozenset({"auth", "security", "authentication"})


def _named_for_dependencies(module: str) -> bool:
    """`deps.py`, `auth_dependencies.py`, a module of a `dependencies/` package: named for
    the providers FastAPI's `Depends(...)` calls."""
    parts = module.split(".")
    return bool(DEPENDENCY_WORDS.intersection({*parts, *parts[-1].split("_")}))


def _below(module: str, folder: str, is_package: bool) -> list[str]:
    """The folders of a module below the last `folder` among them."""
    folders = module.split(".") if is_package else module.split(".")[:-1]
    if folder not in folders:
        return []
    return folders[len(folders) - folders[::-1].index(folder) :]


def _folder_of(glob: str | None) -> str:
    """The folder a preset folder glob names, with its article (an `api/` folder), for
    the reasons `layercheck layers` prints."""
    folder = (glob or "**/api/**").split("/")[1]
    return f"{'an' if folder[0] in 'aeiou' else 'a'} `{folder}/`"


def _containers_only(evidence: RoleEvidence) -> bool:
    """Every class of the module is a dependency-injection container (dishka's `Provider`,
    dependency-injector's `DeclarativeContainer`): the app's composition root, whatever its
    providers do with the session they hand out (`yield session`, then `commit()`)."""
    return bool(evidence.provider_containers) and len(evidence.provider_containers) == evidence.classes


def _serves_the_web(evidence: RoleEvidence) -> bool:
    """It uses the web framework, or answers requests another way (body handlers, GraphQL
    types, socket.io handlers)."""
    return bool(evidence.web_framework or evidence.body_handlers or evidence.graphql_types or evidence.socket_handlers)


def _named_for_mapping(module: str) -> bool:
    """`mappers.py`, `user_mapper.py`, a module of a `mappers/` package."""
    return any(part in ("mapper", "mappers") or part.endswith(("_mapper", "_mappers")) for part in module.split("."))


def _named_for_config(last: str) -> bool:
    """`config`, `settings`, `env`..., also `config_file`, `app_config`, `settings_loader`;
    not `log_config` or `logging_config`, the logging setup (its `LOG_LEVEL` read is one more
    setting the settings module should hold)."""
    if last in CONFIG_MODULE_NAMES:
        return True
    words = last.lower().split("_")
    if _LOGGING_WORDS.intersection(words):
        return False
    return words[0] in ("config", "settings") or words[-1] in ("config", "settings", "env")


# The app's instrumentation: its logs and its telemetry (`infra/telemetry.py`'s
# `TelemetryConfig` reading the exporter's endpoint beside the settings module).
_LOGGING_WORDS = frozenset(
    {"log", "logs", "logging", "logger", "telemetry", "tracing", "otel", "opentelemetry", "observability", "sentry"}
)


def _words(name: str) -> list[str]:
    """The lowercased words of a CamelCase name (`LogConfig`: log, config)."""
    return [word.lower() for word in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", name)]


# Functions taking socket.io's `sid` that make a module the handlers of a namespace's events.
_SOCKET_HANDLER_FUNCTIONS = 2
# Modules of miscellaneous helpers: one that also mounts a page on the app stays a helper.
_HELPER_MODULE_NAMES = frozenset({"utils", "util", "helpers", "helper", "tools", "common", "misc"})
# Packages of a cache's client (`cache/cache_service.py` wrapping Redis).
_CACHE_PACKAGES = frozenset({"cache", "caching", "caches", "redis"})


# Packages of the business logic (the preset's service folders) that may hold an `api/`
# folder of their own.
_SERVICE_PACKAGES = frozenset({"services", "service", "usecases", "use_cases", "logic", "bl", "bll"})


def _outer_service_folder(module: str, is_package: bool) -> str | None:
    """The service package above a module's `api` or `views` folder (`services` for
    `server.services.api.users`), if there is one."""
    folders = module.split(".") if is_package else module.split(".")[:-1]
    for position in range(len(folders) - 1, -1, -1):
        if folders[position] in ("api", "views"):
            return next((name for name in reversed(folders[:position]) if name in _SERVICE_PACKAGES), None)
    return None


def _named_for_services(module: str) -> bool:
    """A file named for services or use cases whatever folder places it
    (`use_cases/base_use_cases.py`, `services/user_services.py`)."""
    words = module.rsplit(".", 1)[-1].lower().split("_")
    return bool(_SERVICE_WORDS.intersection(words)) or "_".join(words[-2:]) == "use_cases"


_SERVICE_WORDS = frozenset({"service", "services", "usecase", "usecases"})


def role_layer(
    module: str,
    is_package: bool,
    name_layer: str | None,
    evidence: RoleEvidence,
    folder_layer: str | None = None,
    glob: str | None = None,
) -> tuple[str | None, str] | None:
    """The layer a module unmistakably belongs to by what it does, with the evidence in a
    few words, when that differs from the layer its name gives; else None. A file name
    that misleads (`services/config.py` holding a service) leaves the file to the layer its
    folders give it (`folder_layer`)."""
    if name_layer == "tests" and evidence.routes and not evidence.test_code:
        # `routers/test_checkout.py`: routes named for what they try out, no test in it.
        return ("api", f"named like a test, but registers {counted(evidence.routes, 'route')} and tests nothing")
    if name_layer == "tests" and glob == "**/tests.py" and not evidence.test_code:
        # `exams/tests.py` of an app whose product is tests: Django's habit names a module
        # of test functions so, this one holds none.
        return (folder_layer, "named `tests`, but defines no test")
    if (
        name_layer == "main"
        and evidence.engine_builders
        and evidence.session_providers
        and not (evidence.app_factory or evidence.script or evidence.routes or evidence.app_routes)
    ):
        # `db/main.py` building the engine and yielding the request's session, with no app
        # created or served: the database module, named `main` for its package.
        return ("database", "named main, but builds the engine and hands out sessions, and creates no app")
    if (
        name_layer == "main"
        and evidence.routes
        and folder_layer == "api"
        and not (evidence.app_factory or evidence.script or evidence.app_routes)
    ):
        # `routes/main.py` registering a feature's endpoints on its `APIRouter`, creating no
        # app: a router named for its package, in the routers' folder.
        return ("api", f"named main, but registers {counted(evidence.routes, 'route')} on a router and creates no app")
    if name_layer in _KEPT:
        return None
    if evidence.alembic and evidence.revision:
        return ("migrations", "an Alembic revision")
    if evidence.alembic_env:
        # `database/config/env.py` building the engine to run the migrations: Alembic's
        # environment, not the app's database module.
        return ("migrations", "an Alembic environment, runs the migrations")
    ring = None
    if glob == "**/contexts/**":
        ring = next((name for name in _below(module, "contexts", is_package) if name in _OUTER_RINGS), None)
    if ring is not None:
        # `contexts/users/infrastructure/mappers/user_mapper.py`, `.../db/scoped_session.py`:
        # a bounded context's adapters, not the business functions a Phoenix-style context
        # module (`contexts/accounts.py`) groups for the routers.
        return (None, f"in a bounded context's `{ring}/` folder, not its business functions")
    served = evidence.app_routes + evidence.routes
    if evidence.app_factory and name_layer is None and served >= _APP_ROUTER_ROUTES:
        # `server/server.py` creating the app and serving sixty endpoints: the project's
        # router, which also starts the app (a `main.py` keeps its name's layer; a few
        # routes beside the startup code leave the module the app's wiring).
        return ("api", f"creates the FastAPI app and registers {counted(served, 'route')}")
    if evidence.app_factory and name_layer != "api":
        return ("main", "creates the FastAPI app")
    if (
        evidence.routes == 1
        and name_layer == "repository"
        and len(evidence.data_access) >= _STRAY_ROUTE_QUERIES
        and not evidence.router_includes
    ):
        # `crud/user.py` of six query functions and one route left behind in it (never
        # mounted): the data access its folder says, with a stray route (LC201 there).
        return None
    if evidence.routes:
        return ("api", f"APIRouter, {counted(evidence.routes, 'route')}")
    if evidence.router_includes and name_layer is not None and name_layer != "api":
        # `api/v1/tasks/__init__.py` building `tasks_router` from the routers of its modules:
        # the API's, whatever its folder is named for (`tasks/`).
        return ("api", f"assembles an APIRouter from {counted(evidence.router_includes, 'router')}")
    if evidence.app_routes and module.rsplit(".", 1)[-1] not in _HELPER_MODULE_NAMES:
        # `core/health.py`'s `setup_health_endpoint(app: FastAPI)` registering `@app.get(
        # "/health")` on the app it is given: routes, wherever the app was built. (A `utils.py`
        # of eighty helpers, one of which mounts the docs pages on the app, is no router.)
        return ("api", f"registers {counted(evidence.app_routes, 'route')} on the app it is given")
    if glob in _FEATURE_API_GLOBS and evidence.tables and 2 * evidence.tables >= evidence.classes:
        # `api/v1/module_system/user/model.py` mapping the tables beside the feature's
        # controller, `endpoints/task/model.py` beside its router: the models, whatever
        # folder the feature sits in.
        return ("model", f"in an API folder, but maps {counted(evidence.tables, 'table')}")
    if evidence.socket_handlers and name_layer in (None, "api"):
        return ("api", f"handles {counted(evidence.socket_handlers, 'socket.io event')}")
    if evidence.sid_handlers >= _SOCKET_HANDLER_FUNCTIONS and name_layer is None:
        # `events/handlers/order_handler.py` of `async def handle_update(self, sid, data)`,
        # which a `socketio.AsyncNamespace` calls on its events: entry points, like routes.
        return ("api", f"defines {counted(evidence.sid_handlers, 'socket.io handler')} taking the session id `sid`")
    if (
        evidence.body_handlers
        and name_layer is None
        and not evidence.script
        and not DEPENDENCY_WORDS.intersection(module.split("."))
        # (`auth.py`, `security.py`, also a module of an `auth/` package, `auth/utils.py`)
        and not _AUTH_MODULE_NAMES.intersection(module.split(".")[-2:])
    ):
        # `chat/chat.py` of `async def chat(query: str = Body(...))` handlers that
        # `api_server/chat_routes.py` registers (`chat_router.post("/chat")(chat)`): the
        # endpoints are these functions, wherever the routes are declared. (A module of
        # dependencies reads form fields too: `dependencies/token.py` and its
        # `get_grant_type(grant_type: str = Form(None))` serve the endpoints, and so does an
        # `auth.py` or `security.py` reading the login form, `username: str = Form()`, beside
        # the functions that authenticate users.)
        return ("api", f"defines {counted(evidence.body_handlers, 'endpoint handler')} reading the request body")
    if (
        evidence.graphql_resolvers
        and evidence.graphql_types
        and name_layer in (None, "schema")
        and not evidence.dataloaders
    ):
        # `graphql/resolvers/books.py`'s `@strawberry.type class BookQuery` whose
        # `@strawberry.field` methods answer the queries: GraphQL's endpoints, as routes are;
        # so is `graphql/schema.py`'s root `Query` resolving fields of its own ("schema" is
        # GraphQL's word there). (A module of output types declares fields, resolves nothing.)
        return ("api", f"defines {counted(evidence.graphql_resolvers, 'GraphQL resolver')}")
    if evidence.jobs:
        return ("task", f"defines {counted(evidence.jobs, 'background job')}")
    if evidence.temporal_jobs and name_layer is None:
        return ("task", f"defines {counted(evidence.temporal_jobs, 'Temporal activity or workflow')}")
    if evidence.scheduled_jobs and name_layer is None and folder_layer is None:
        # (`services/job_scheduler.py` scheduling the jobs its service runs stays a service)
        return ("task", f"schedules {counted(evidence.scheduled_jobs, 'background job')} of its own")
    if evidence.settings_classes and not evidence.data_access:
        # (`create_api_key.py` with a small `ApiKeySettings` beside the functions that
        # insert the keys is data access with a setting, not the config module.)
        return ("config", f"defines settings class `{evidence.settings_classes[0]}`")
    plain_settings = sorted(
        name
        for name in evidence.env_classes
        if name.endswith(_SETTINGS_CLASS_ENDINGS) and not _LOGGING_WORDS.intersection(_words(name))
    )
    if (
        plain_settings
        and name_layer is None
        # (`pkg/logger_tool.py`'s `LogConfig` reading the log level and the log folder: the
        # logging setup, whose reads the settings module should hold; so is a telemetry setup)
        and not _LOGGING_WORDS.intersection(module.rsplit(".", 1)[-1].lower().split("_"))
        and evidence.env_reads - evidence.module_env_reads >= _CONFIG_ENV_READS
        and not (evidence.data_access or evidence.routes or evidence.session_calls)
    ):
        # `shared/core/__init__.py`'s `class Settings:` reading twenty variables in its
        # `__init__` for every service: the settings, without pydantic-settings' base.
        return ("config", f"defines settings class `{plain_settings[0]}` reading the environment")
    if evidence.dataloaders and name_layer in (None, "api"):
        # A GraphQL DataLoader loads rows in batches for the resolvers: querying is its job,
        # and the context that hands loaders to resolvers is wiring, not a layer skipped.
        return (None, f"defines {counted(evidence.dataloaders, 'GraphQL DataLoader')} (batch data access)")
    if (
        name_layer == "config"
        and not (evidence.settings_classes or evidence.engine_builders)
        and evidence.env_reads < _CONFIG_ENV_READS
        and (evidence.data_access or evidence.sessions)
    ):
        # `slack/config.py` looking up and validating the rows of a config table through
        # sessions: no settings of the app, whatever its name says (an env read beside it;
        # a `settings.py` that reads the environment throughout and builds the engine is
        # the configuration, and the database, at once).
        count = len(evidence.data_access)
        # (`api/routers/users/config.py` of helpers that query for the routes beside it: the
        # routers' own code, in their folder, whether or not it raises their `HTTPException`s;
        # a name that misleads leaves the folder to decide)
        if mostly_queries(evidence, _SERVICE_MIN_QUERIES) and folder_layer != "api":
            return ("repository", f"named for configuration, but defines no settings; {count} definitions query")
        return (folder_layer, "named for configuration, but defines no settings and works with database sessions")
    if (
        name_layer == "schema"
        and folder_layer in _DATA_FOLDER_LAYERS
        and evidence.sessions
        and not (evidence.tables or evidence.routes)
    ):
        # `repository/abstractions/dto.py`'s base class declaring the `session: AsyncSession`
        # its repositories hold: a schema carries data, never a database session; the folder
        # says what the module is.
        return (folder_layer, f"named like a schema, but works with database sessions in a {folder_layer} folder")
    package = module.split(".")[-1 if is_package else -2] if "." in module else ""
    if (
        name_layer == "service"
        and glob in SERVICE_FILE_GLOBS
        and package in _CACHE_PACKAGES
        and not (evidence.database_work or evidence.imports_repositories or evidence.imports_jobs_or_services)
    ):
        # `infrastructure/cache/cache_service.py` wrapping the Redis client that the cached
        # repositories use: a store's client, not the business logic the name suggests.
        return (None, f"named as a service, but a client of the `{package}` package that does no database work")
    if (
        name_layer == "service"
        and glob in SERVICE_FILE_GLOBS
        and folder_layer == "repository"
        and not is_package
        and evidence.repository_classes
        and evidence.querying_methods
        and not (evidence.imports_jobs_or_services or evidence.script)
    ):
        # `crud/super_optimised_service.py` whose `UltraOptimizedCrudService` runs every
        # query on `self.db`: the folder and the class both say data access, only the file's
        # suffix says service. (`crud/dashboard_service.py` of the dashboard's functions is
        # the service its name says, kept in a folder named for what it does.)
        return ("repository", "named as a service, but in a repository folder, and its CRUD class runs the queries")
    if (
        name_layer in (None, "service")
        and evidence.middleware_classes
        and not (
            evidence.routes
            or evidence.jobs
            or evidence.data_access
            or evidence.querying_methods
            or evidence.session_calls
        )
    ):
        # `roles/services/permission_middleware.py` holding a `BaseHTTPMiddleware` and its
        # setup: the app's request middleware, whatever folder it was filed in (one that
        # also calls a session of its own is judged where its name puts it).
        return ("middleware", f"defines {counted(evidence.middleware_classes, 'request middleware')}")
    stores = evidence.generic_stores
    if (
        name_layer == "service"
        and glob not in SERVICE_FILE_GLOBS
        and not _named_for_services(module)
        and stores
        and (_GENERIC_BASE_NAMED.search(stores[0]) or module.rsplit(".", 1)[-1] in _GENERIC_BASE_MODULES)
        and set(stores) == set(evidence.querying_methods)
        and mostly_queries(evidence, 1)
        and not (evidence.imports_repositories or evidence.imports_jobs_or_services or evidence.script)
    ):
        # `services/base.py`'s `ServiceBase(Generic[ModelType, ...])` whose `get`, `create`
        # and `remove` run `db.query(self.model)` for every subclass: the project's generic
        # data access, a repository base kept among the services that derive from it. (A
        # module whose own name says service, `kit/services.py`, is one by that name: its
        # generic `ResourceService` querying is LC302's finding.)
        return ("repository", f"generic over a model type, `{stores[0]}` runs the queries of its subclasses")
    last = module.rsplit(".", 1)[-1]
    if (
        evidence.env_reads
        and _named_for_config(last)
        and name_layer in (None, "config")
        # (`ai/config_manager.py`'s `AIConfigManager` looking the tenants' rows up through
        # the session, one key read from the environment beside it: data access whose
        # name says what it manages, not the app's configuration)
        and (
            name_layer == "config"
            or not (evidence.data_access or evidence.querying_methods)
            or evidence.env_reads >= _CONFIG_ENV_READS
        )
    ):
        return ("config", f"{'package' if is_package else 'module'} `{last}` reads the environment")
    if (
        name_layer is None
        and evidence.module_env_reads - evidence.client_env_reads >= _CONFIG_ENV_READS
        and not (evidence.functions or evidence.classes or is_package)
        # (`db/base.py` reading the URL's parts to build the engine is the database module,
        # its reads LC602's findings)
        and not evidence.engine_builders
    ):
        # `constants.py` of `DATABASE_HOST = os.getenv("DATABASE_HOST")` lines and nothing
        # else: the one place the environment is read, whatever the module is called.
        return ("config", f"module-level constants from {counted(evidence.module_env_reads, 'environment read')}")
    folders = module.split(".")[:-1]
    holder = next((name for name in reversed(folders) if name in CONFIG_MODULE_NAMES), None)
    # (`config/security.py` of password hashing, tokens and the current-user dependency,
    # reading its secret key: the security helpers kept beside the settings, named for
    # their concern; a `config/security.py` of settings alone defines no function)
    concern_helpers = evidence.functions > 0 and named_for(CONCERN_WORDS, module.rsplit(".", 1)[-1])
    # (`api/core/configs/_main.py` of an app whose top package is called `api`: an API
    # folder alone places it, and it serves nothing of the web, so its name says nothing)
    unplaced = name_layer is None or (glob in _API_FOLDER_GLOBS and not _serves_the_web(evidence))
    if evidence.env_reads and holder is not None and not concern_helpers and (
        # (`config/session_factory.py` building the engine from its reads is the database
        # module kept in the configuration's package; `config/setup.py` reading the JWT
        # secret beside the URL of the engine it builds is the configuration)
        (unplaced and not (evidence.engine_builders and _DATABASE_WORDS.intersection(last.split("_"))))
        or (name_layer == "database" and not (evidence.database_work or evidence.engine_builders))
        # (`config/db.py` building the engine beside `SECRET_KEY`, the AWS keys and the
        # tokens the routes import: the app's settings, its engine kept with them)
        or (
            evidence.settings_constants >= _CONFIG_ENV_READS
            and not (evidence.data_access or evidence.querying_methods)
        )
    ):
        # `configs/app_configs.py`, `settings/database.py`: the modules of a configuration
        # package centralise the environment reads, each for its part of the app (a
        # `config/database.py` holding the database's settings, not its engine, among them).
        return ("config", f"reads the environment in the `{holder}` package")
    if (
        name_layer is None
        and len(evidence.data_access) >= _SERVICE_MIN_QUERIES
        and (evidence.imports_jobs_or_services or evidence.imports_repositories)
        # (a module of a `db/` package, building on the generic crud helpers or enqueueing a
        # job after its write, is data access itself: the folder says what it is; so does
        # the name of a `utils/db_util.py` of query functions that logs through a service)
        and not PERSISTENCE_NAMES.intersection(module.split(".")[:-1])
        and not PERSISTENCE_NAMES.intersection(module.rsplit(".", 1)[-1].split("_"))
        and not (evidence.engine_builders or evidence.session_providers)
        and not (evidence.script and not evidence.querying_class)
        # (a module named for access control, `auth_utils.py`, decides; `auth/handlers.py`
        # of a feature folder named for its concern is that feature's business logic)
        and not named_for(BACKGROUND_WORDS, module)
        and not named_for(CONCERN_WORDS, module.rsplit(".", 1)[-1])
        # (a module of query functions, most of its definitions querying, that reuses other
        # modules' queries and calls no service is data access itself: `curd/chat.py`)
        and (evidence.imports_jobs_or_services or not mostly_queries(evidence))
    ):
        # Runs queries and enqueues jobs, calls services or composes repositories
        # (`contexts/datasets.py`, a `tree_manager.py` driving the `*_repository` classes):
        # the business logic of a service that touches the database (LC302 says so there).
        calls = "jobs or services" if evidence.imports_jobs_or_services else "repositories"
        return ("service", f"runs queries and calls {calls}")
    if (
        name_layer is None
        and evidence.web_framework
        and evidence.project_handoffs >= _SERVICE_MIN_QUERIES
        and evidence.session_calls
        and not (
            evidence.imports_jobs_or_services
            or evidence.routes
            or evidence.body_handlers
            or evidence.engine_builders
            or evidence.session_providers
            or evidence.script
        )
        and not PERSISTENCE_NAMES.intersection(module.split(".")[:-1])
        and not named_for(CONCERN_WORDS | BACKGROUND_WORDS, module)
        and not DEPENDENCY_WORDS.intersection(module.split("."))
        and not _containers_only(evidence)
    ):
        # `managers/user.py`'s `UserManager` raising the API's `HTTPException`s around the
        # lookups it hands the session to in `database/helpers.py` and its own `update(User)`:
        # business logic over a data layer, a service, whatever its name. (A helper that only
        # hands the session on runs no query of its own; a plugin calling the services is
        # above them.)
        return ("service", "runs queries, hands the session to other modules' functions and uses the web framework")
    if (
        name_layer is None
        and evidence.service_subclasses
        and evidence.service_subclasses == evidence.classes
        and evidence.querying_methods
        and not (
            evidence.tables
            or evidence.routes
            or evidence.jobs
            or evidence.engine_builders
            or evidence.session_providers
            or evidence.script
            or evidence.repository_bases
            or evidence.repository_classes
        )
    ):
        # `database/tweets.py` of `TweetService(AbstractService)` classes running their own
        # queries over the session their base holds: services by their names and lineage,
        # whatever the folder (LC302 says they query; a folder of `*Repository` classes
        # stays the data layer its name says).
        return ("service", "defines services (named and derived as services) that run their own queries")
    if (
        name_layer == "service"
        and package in _DATABASE_PACKAGES
        and (evidence.engine_builders or evidence.session_yields)
        and not evidence.script
    ):
        # `services/database/service.py` building the engine, `services/database/utils.py`
        # yielding sessions: the database package's service is the database module. (A
        # `core/database/service.py` whose one generator is the `@contextmanager` turning
        # SQL errors into the app's, `yield` bare, hands out no session: the generic service
        # it serves is what the module is.)
        return ("database", f"builds the engine or provides sessions in the `{package}` package")
    if (
        name_layer == "service"
        and glob in ("**/services/**", "**/service/**")
        and package in _DATABASE_PACKAGES
        and not (
            evidence.session_calls
            or evidence.data_access
            or evidence.querying_methods
            or evidence.imports_jobs_or_services
            or evidence.script
        )
    ):
        # `services/database/exceptions.py` beside the package's `repositories/` and
        # `models/`: the data layer's own errors, kept in the services folder's `database`
        # package; it runs no query and calls no service, so it is no business logic.
        return (None, f"in the `{package}` package of a services folder, but runs no query and calls no service")
    if (
        name_layer == "service"
        and evidence.engine_builders
        and (evidence.session_providers or evidence.provider_methods)
        and not (evidence.data_access or evidence.querying_methods or evidence.script)
    ):
        # `services/db_session_injector.py` building the engines and yielding the request's
        # session: the database module, kept among the services it injects into.
        return ("database", "builds the engine and hands out sessions")
    # (a module an API folder alone places, which registers no routes and uses nothing of the
    # web framework, is as unplaced as one in no layer: `presentation/container.py` wiring)
    placed_by_name = name_layer is not None and not (
        glob in _API_FOLDER_GLOBS
        and not _serves_the_web(evidence)
    )
    if evidence.engine_builders and not placed_by_name and not (evidence.script and not evidence.module_factories):
        if evidence.module_session_calls and not (evidence.functions or evidence.classes):
            # `utils/populate.py` building its own engine and session, then querying, adding
            # and committing the seed rows as it is imported: a script run by hand, no
            # database module the others import.
            return (None, "builds its own engine and runs queries on import: a script")
        # (a startup script that builds an engine to check the schema is a script; a module
        # that builds the engine and the session factory at import, for the others to import,
        # is the database module even with a `__main__` block for a manual check)
        if evidence.imports_repositories and (evidence.imports_jobs_or_services or evidence.imports_application):
            # `config/container.py` building the engine and handing repositories to the
            # services: the app's composition root, wiring like `main.py`, in no layer.
            return (None, "builds the engine and wires the repositories into the services")
        if evidence.imports_repositories and not evidence.engines and evidence.session_calls:
            # `chat/task/llm.py` opening sessions from a factory of its own over the database
            # module's engine, running queries and calling the crud functions: a service
            # that touches the database (its session factory is LC601's finding).
            return ("service", "builds a session factory, runs queries and calls repositories")
        if evidence.imports_repositories and not (
            evidence.units_of_work and evidence.classes == len(evidence.units_of_work)
        ):
            return ("repository", "builds the engine and composes the repositories")
        if (evidence.querying_class or mostly_queries(evidence)) and not (
            evidence.provider_methods or evidence.session_providers
        ):
            # `openlineage/store.py`: a store class that builds its engine and runs every
            # query of its tables, the data access the routers call. (A session manager
            # whose `session()` and `transaction()` hand sessions out, checking the
            # connection with a `SELECT 1` on the way, is the database module.)
            return ("repository", "builds its own engine and runs the queries")
        if len(evidence.project_imports) >= APPLICATION_IMPORTS:
            # An evaluation runner or a harness that opens its own sessions among a dozen
            # of the app's modules: it uses the app, it is not the database module below it.
            return None
        return ("database", "builds the engine or the session factory")
    if (
        name_layer is None
        and evidence.provider_methods
        and evidence.session_calls
        and evidence.project_handoffs >= _ORCHESTRATOR_HANDOFFS
        and not (evidence.data_access or evidence.script or evidence.routes or evidence.engine_builders)
        and not _containers_only(evidence)
    ):
        # `conda_store.py`'s `CondaStore`, which opens the sessions (`with self.get_db() as
        # db:`), hands them to the data-access functions of other modules and commits what
        # they did: the app's business logic, whatever else it provides (LC302 says so).
        return ("service", "hands out sessions, but passes them to other modules' queries and commits")
    if (
        name_layer is None
        and evidence.provider_containers
        and (evidence.imports_jobs_or_services or (_containers_only(evidence) and evidence.imports_repositories))
        and not (evidence.data_access or evidence.script or evidence.routes)
        and not (evidence.querying_methods and not _containers_only(evidence))
    ):
        # `ioc/app.py`'s dishka `Provider` yielding the request's session and providing the
        # gateways and the interactors over it: the app's composition root, in no layer.
        containers = counted(len(evidence.provider_containers), "dependency-injection container")
        return (None, f"{containers} wiring the services")
    if (
        name_layer is None
        and evidence.session_yields
        and not (evidence.data_access or evidence.querying_methods or evidence.classes)
        and not (evidence.routes or evidence.jobs or evidence.script or evidence.imports_jobs_or_services)
        # (a job module opening its own sessions, `with get_db_session() as db:`, to hand them
        # to the repository's functions is their caller, not where the others get sessions)
        and not (evidence.imports_repositories and evidence.handoffs_out >= _ORCHESTRATOR_HANDOFFS)
        # (`deps/base.py`'s `get_db()` beside the providers building the repositories over
        # it: the API's dependency wiring, which may import every layer it wires)
        and not (evidence.imports_repositories and _named_for_dependencies(module))
    ):
        # `database/functions.py`'s `get_async_session()` yielding a session of the database
        # module's factory, beside the `create_all()` helpers: the session dependency, the
        # database's own, with what it imports (a module whose functions query is not).
        return ("database", "yields the request's session and runs no query")
    if (
        name_layer is None
        and (evidence.provider_methods or evidence.returned_sessions)
        and evidence.sessions
        and not (evidence.data_access or evidence.script or evidence.routes)
        and len(evidence.project_imports) < APPLICATION_IMPORTS
    ):
        # A class handing out the engine and sessions (`db.session_context()`): the database
        # module, wherever it sits.
        return ("database", "hands out sessions from a class of its own")
    if (
        evidence.units_of_work
        and (evidence.sessions or evidence.session_calls)
        and (
            name_layer is None
            or glob in _WORDY_SERVICE_FOLDERS
            # (`infrastructure/services/sqlalchemy_transaction_manager.py`: a folder of the
            # adapters' services places it, its own name does not say service)
            or (name_layer == "service" and glob not in SERVICE_FILE_GLOBS and not _named_for_services(module))
            # (`utils/db_manager.py` whose `DBManager` opens the session, builds the
            # repositories over it and commits, no query beside it: a unit of work, named for
            # the database's manager, not a query module)
            or glob in DATA_ACCESS_FILE_GLOBS
        )
        and not (evidence.routes or evidence.script or evidence.imports_jobs_or_services)
        and set(evidence.querying_methods) <= evidence.units_of_work
        and evidence.data_access <= evidence.units_of_work
    ):
        # `core/application/unit_of_work.py`'s `UnitOfWork`, entered around a use case,
        # committing or rolling back the session it opens: the transaction helper the guide
        # keeps in the database module, wherever it sits (its session calls are its own).
        first = sorted(evidence.units_of_work)[0]
        return ("database", f"unit of work `{first}` commits or rolls back the session")
    if (
        glob in _WORDY_SERVICE_FOLDERS
        and _named_for_dependencies(module)
        and not (evidence.data_access or evidence.querying_methods or evidence.session_calls or evidence.routes)
    ):
        # `application/dependencies/category_dependencies.py` building the repository and
        # the service for `Depends(...)`: the API's wiring, no use case; its
        # `dependencies.py` yielding the request's session is the database module's work.
        folder = glob.split("/")[1]
        if evidence.session_providers and not (evidence.imports_repositories or evidence.imports_jobs_or_services):
            return ("database", f"hands out the request's session, among the `{folder}/` folder's dependencies")
        return (None, f"the API's dependency wiring, in the `{folder}/` folder")
    if (
        glob in _WORDY_SERVICE_FOLDERS
        and (glob != "**/logic/**" or module.split(".")[1:2] != ["logic"])
        and not (
            evidence.database_work
            or evidence.handle_calls
            or evidence.imports_persistence
            or evidence.imports_repositories
            or evidence.imports_jobs_or_services
        )
    ):
        # `app/logic/` names the business logic of a backend; deeper, "logic" is also a
        # kind of thing the product has (`nodes/logic/` of if/else workflow nodes). Ports and
        # adapters' `application/` holds the use cases and what they declare for the
        # adapters: ports, DTOs, errors (the adapters implementing a port or raising its
        # errors depend inward, as they should), and sometimes the app's wiring (an
        # `application/urls.py` gathering the routers). A module there that touches no
        # database or model and calls no repository or service is no service.
        folder = glob.split("/")[1]
        return (None, f"in the `{folder}/` folder, but uses no database, model, repository or service")
    if (
        name_layer == "service"
        and _named_for_mapping(module)
        and not (
            evidence.database_work
            or evidence.session_calls
            or evidence.data_access
            or evidence.querying_methods
            or evidence.imports_repositories
            or evidence.imports_jobs_or_services
            or evidence.routes
            or evidence.jobs
        )
    ):
        # `logic/dto/mappers/order_mappers.py` turning ORM rows into the use cases' DTOs for
        # the repositories: a data mapper between two layers' types, which runs nothing of
        # the business logic whatever folder it sits in.
        return (None, "a data mapper between layers' types, in a service folder, running no query or service")
    outer = _outer_service_folder(module, is_package) if glob in _API_FOLDER_GLOBS else None
    if outer is not None and not _serves_the_web(evidence):
        # `services/api/users.py` of functions taking the session that the routers call:
        # "api" names what the services serve (or the other APIs they call), inside the
        # `services` package that says what its modules are.
        return ("service", f"in {_folder_of(glob)} folder of the `{outer}` package, but registers no routes")
    if (
        glob in _API_FOLDER_GLOBS
        and not (is_package or evidence.web_framework or evidence.body_handlers or evidence.graphql_types)
        and mostly_queries(evidence)
    ):
        # `api/helpers/api_key_policy.py` of functions that take the session and run the
        # queries the routers and resolvers call: the data access kept beside them.
        count = len(evidence.data_access)
        reason = f"in {_folder_of(glob)} folder, but registers no routes; {count} of its definitions query"
        return ("repository", reason)
    if (
        glob == _PRESENTATION
        and evidence.sessions
        and (evidence.provider_methods or evidence.session_providers)
        and not (evidence.routes or evidence.data_access or evidence.querying_methods or is_package)
    ):
        # `presentation/di/request_provider.py`, the DI provider yielding the request's session
        # beside the adapters: the database module's work, in the wiring's folder.
        return ("database", "hands out sessions, in a `presentation/` folder, registering no routes")
    # (`presentation/` names only the HTTP adapters: its database work, a DI provider building
    # the engine, is no router's; an `api/` folder also holds the routers' own queries)
    database_work = evidence.database_library or evidence.session_calls
    if (
        glob in _API_FOLDER_GLOBS
        and not (evidence.web_framework or is_package)
        and not (database_work and glob != _PRESENTATION)
    ):
        # `api/` names the web layer, or what talks to other APIs (`sdk/api/aws.py`, an
        # agent's prompts and tools under `web/api/agent/`): a module there that registers
        # no routes, uses nothing of FastAPI, Starlette or a GraphQL server and does no
        # database work is no router or router helper.
        return (None, f"in {_folder_of(glob)} folder, but registers no routes and uses nothing of FastAPI")
    if (
        glob == "**/views.py"
        and name_layer == "api"
        and not (
            evidence.web_framework
            or evidence.database_library
            or evidence.session_calls
            or evidence.body_handlers
            or evidence.graphql_types
        )
    ):
        # `admin/views.py` registering the models' pages with an admin package
        # (`admin.add_view(User, ...)`): views of another framework, no router of this app.
        return (None, "named `views`, but registers no routes and uses nothing of FastAPI")
    abstract = evidence.abstract_models
    if (
        name_layer in ("repository", "service")
        and abstract
        and set(evidence.querying_methods) <= abstract
        and evidence.data_access <= abstract
        # (a `db_manager.py` that also builds the engine and hands out the sessions is the
        # database's, with the models' CRUD mixin beside it)
        and not (evidence.routes or evidence.jobs or evidence.script or evidence.engine_builders)
        and not (evidence.provider_classes or evidence.session_providers)
    ):
        # `services/database/controllers/crud_controllers.py`'s `CRUDModel` declaring
        # `__abstract__ = True`, mixed into the declarative base with `find(db)` and `save(db)`:
        # the models' active-record methods, the model layer wherever it is filed.
        return ("model", f"abstract ORM base `{sorted(abstract)[0]}` (`__abstract__ = True`)")
    if (
        name_layer in ("repository", "service")
        and evidence.provider_containers
        and len(evidence.provider_containers) == evidence.classes
        and not (evidence.querying_methods or evidence.data_access or evidence.session_calls or evidence.routes)
    ):
        # `containers/repositories/sql.py`'s dishka container providing the session maker it
        # builds to the repositories: the app's wiring (the database's, when it builds the
        # engine), filed under the layer it provides for.
        containers = counted(len(evidence.provider_containers), "dependency-injection container")
        if evidence.engine_builders:
            return ("database", f"{containers} building the engine or the session factory")
        return (None, f"{containers}, no queries")
    if (
        name_layer == "api"
        and evidence.admin_views
        and not (
            evidence.routes
            or evidence.app_routes
            or evidence.body_handlers
            or evidence.router_includes
        )
    ):
        # `routers/blog/blog_admin.py`'s `class PostAdmin(ModelView, model=Post)`: the admin
        # package's pages, bound to the ORM classes by design, no router of this app (its
        # `@action`s updating rows through the admin's own session among them).
        return (None, f"defines {counted(evidence.admin_views, 'admin view')} of an admin package, registers no routes")
    if (
        glob in _ROUTER_FILE_GLOBS
        and name_layer == "api"
        and (package in _DATABASE_PACKAGES or evidence.engine_builders)
        and evidence.sessions
        and not (_serves_the_web(evidence) or evidence.router_includes or evidence.app_routes)
    ):
        # `core/db/router.py`'s `DatabaseRouter` sending reads to a replica and writes to
        # the primary, with the session factory that routes them: a database router, the
        # database module's work, not the web's.
        return ("database", f"named `{last}`, but routes database sessions and registers no routes")
    if (
        glob in _ROUTER_FILE_GLOBS
        and name_layer == "api"
        and mostly_queries(evidence, _ROUTER_NAMED_QUERIES)
        and not (
            evidence.body_handlers
            or evidence.socket_handlers
            or evidence.graphql_types
            or evidence.router_includes
            or evidence.app_routes
            or evidence.script
        )
    ):
        # `utils/routes.py` of the query helpers the routers call (`_get_cart_item(session,
        # ...)`, raising `HTTPException` when a row is missing), no route of its own: the
        # routers' data access, as a `dao.py` would be.
        return ("repository", f"named `{last}`, but registers no routes and most of it runs queries")
    if (
        name_layer == "api"
        and glob not in _ROUTER_FILE_GLOBS
        and evidence.classes
        and not evidence.functions
        and evidence.session_calls >= _ROUTER_NAMED_QUERIES
        and evidence.sql_builders >= _ROUTER_NAMED_QUERIES
        and not (
            evidence.routes
            or evidence.app_routes
            or evidence.body_handlers
            or evidence.socket_handlers
            or evidence.graphql_types
            or evidence.router_includes
            or evidence.dataloaders
            or evidence.middleware_classes
            or evidence.admin_views
            or evidence.script
        )
    ):
        # `api/search_modules.py` of search strategy classes, each building its statement and
        # running it on the session it is handed, no route and no function of its own: the
        # data access the routers call, kept in the API's folder. (The API's dependencies,
        # `get_current_user(db=Depends(get_db))`, are functions.)
        return ("repository", "in the API's folder, but registers no routes; its classes build and run the queries")
    return checked_name(module, is_package, name_layer, evidence, folder_layer, glob)

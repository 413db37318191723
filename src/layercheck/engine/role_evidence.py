"""What one module's code shows about its role (SPEC revision 2): the evidence
`engine/roles.py` gathers during the file's walk and `engine/role_layer.py` weighs."""

from __future__ import annotations

from dataclasses import dataclass, field

from layercheck.domain.vocabulary import DATA_ACCESS_NAME

# Querying methods that make a class a library of data work (not a script's helper).
QUERYING_CLASS_METHODS = 3
# Folder and module names of the persistence layer, as imports spell them.
PERSISTENCE_NAMES = frozenset({"models", "model", "db", "database", "orm", "entities", "tables"})


@dataclass
class RoleEvidence:
    """What one module's code shows about its role, gathered during the walk."""

    routes: int = 0
    # Module-level classes whose methods are a logger's (`debug`, `info`, `error`, ...): a
    # project's logger wrapper (`MultiLogger` fanning out to structlog loggers).
    logger_classes: set[str] = field(default_factory=set)
    # Background jobs scheduled inside functions and methods (`self.scheduler.add_job(
    # self._cleanup_job, ...)`): the task layer where no name places the module.
    scheduled_jobs: int = 0
    # Imports from a job queue or a scheduler (`celery`, `apscheduler`): the module runs or
    # schedules background work, whatever else it does.
    job_library: bool = False
    # Routes registered on the FastAPI app itself (`@app.get(...)`).
    app_routes: int = 0
    # Routers included into a router (`tasks_router.include_router(task_router)`): a module
    # assembling the API's routers.
    router_includes: int = 0
    jobs: int = 0
    # Temporal activities and workflows: a module of them is a task module unless its name
    # gives it a layer (a service module whose methods double as activities stays a service).
    temporal_jobs: int = 0
    settings_classes: list[str] = field(default_factory=list)
    # Pydantic sections of the settings (`class AuthSettings(BaseModel)` in `auth/config.py`,
    # nested in the app's `Settings`): configuration without pydantic-settings' base.
    settings_sections: int = 0
    engine_builders: int = 0
    # Of those, the engines themselves (`create_engine`), not session factories.
    engines: int = 0
    env_reads: int = 0
    # Those at module level, outside any function or class (`DATABASE_HOST = os.getenv(...)`).
    module_env_reads: int = 0
    # The module-level classes whose code reads the environment (`class EnvConfig:` reading
    # `os.getenv(...)` in its `__init__`): the settings, whatever base they have.
    env_classes: set[str] = field(default_factory=set)
    # Module-level names in capitals bound to a value (`JWT_ALGORITHM: str = "HS256"`).
    module_constants: int = 0
    # Of those, the ones handed straight to a library's constructor or function
    # (`redis.Redis(host=os.getenv("REDIS_HOST"))`): a client built, no setting kept.
    client_env_reads: int = 0
    # Module-level constants assigned an environment read (`SECRET_KEY = os.getenv(...)`)
    # that the module itself never reads: settings kept for the rest of the app.
    settings_constants: int = 0
    # Session method calls (`session.execute(...)`, `self.db.commit()`): data access.
    session_calls: int = 0
    # Of those, the ones at module level, run on import (a seed script's `session.add(...)`).
    module_session_calls: int = 0
    # Async work with a session here: a session call awaited (`await session.execute(...)`),
    # a session opened by `async with`, a parameter annotated with SQLAlchemy's
    # `AsyncSession`, an async engine or session factory built at import time. A project
    # whose asyncio imports lead to none of it anywhere (async engine helpers nobody calls)
    # is not on async SQLAlchemy (LC401).
    async_sessions: bool = False
    # A sync engine or session factory built at import (`SessionLocal = sessionmaker(...)`).
    sync_factories: bool = False
    # It calls SQLAlchemy's `close_all_sessions()` (the app's shutdown of its sessions).
    closes_sessions: bool = False
    # Calls named like an engine or session factory through a project name (`make_engine`
    # re-exported, `sessionmaker` from the database package): the index follows them.
    builder_calls: list[str] = field(default_factory=list)
    # An Alembic revision: it imports alembic and sets `down_revision` (wherever it lives).
    alembic: bool = False
    revision: bool = False
    # An Alembic environment: it runs the migrations (`context.configure(...)`,
    # `context.run_migrations()`), wherever it lives (a `database/config/env.py`).
    alembic_env: bool = False
    # Session types or factories imported or annotated here (a database module uses them).
    sessions: bool = False
    # `if __name__ == "__main__":` or command-line commands (`typer.Typer()`,
    # `@click.command()`): a script. `FastAPI(...)` built here (the app factory).
    script: bool = False
    # Engines or session factories built at module level (`Session = sessionmaker(...)`):
    # what a database module others import offers, even one runnable as a script.
    module_factories: int = 0
    app_factory: bool = False
    # Module-level functions and classes whose code runs queries through a session (not
    # generators: `get_db()` yielding a session is the session dependency, not data access).
    data_access: set[str] = field(default_factory=set)
    # Module-level functions that run queries through a module-level name of the project
    # (`from app.database import database`, then `await database.fetch_all(query)`), with
    # those names: whether each holds a session is the index's to say, across modules.
    handle_calls: dict[str, set[str]] = field(default_factory=dict)
    # Module-level functions and the project functions imported from elsewhere they call:
    # one answering from another module's query function is data access too (the index
    # decides). Kept only for modules with data access of their own.
    calls_out: dict[str, set[str]] = field(default_factory=dict)
    # Module-level functions that take a session (`def get_system(db: Session, key)`).
    session_takers: set[str] = field(default_factory=set)
    # Of those, the ones doing nothing but end or settle the transaction of the session they
    # are handed (`commit_and_refresh(session, record)`): no data access to call.
    transaction_helpers: set[str] = field(default_factory=set)
    # Functions and methods that take a session, however deep.
    session_parameters: int = 0
    # Calls that pass such a session parameter on (`get_db().store_run(db_session, ...)`).
    session_handoffs: int = 0
    # Those that pass it to a method the class calling it does not define (`self.get(db, id)`
    # of a caching mixin, or of a subclass of a base in another module): the class's own
    # data access, provided by its base or by the repository it is mixed into.
    inherited_handoffs: int = 0
    # A function's sessions, taken or opened itself (`with get_db_session() as db:`), handed
    # to another module's function (`crud.get_signal(db, pair)`).
    handoffs_out: int = 0
    # Those that pass it to a function of another project module (`get_user_by_id_(user_id,
    # session)` imported from `database/helpers.py`): the module works over a data layer.
    project_handoffs: int = 0
    # How many methods query, of each module-level class that is data access.
    querying_methods: dict[str, int] = field(default_factory=dict)
    # Imports from repository modules (`from app.db.repositories.tasks import ...`): a
    # module that composes repositories is no database module below them.
    imports_repositories: bool = False
    # (of another folder than its own: `crud/tasks.py` importing `repos/tasks.py`)
    imports_other_repositories: bool = False
    # Imports from job or service modules (`from app.jobs import dataset_jobs`): a module
    # that queries and enqueues jobs or calls services is business logic.
    imports_jobs_or_services: bool = False
    # (the services among them: a module named like one, or of a `services/` package)
    imports_services: bool = False
    # Imports from an `application/` package (ports and adapters' use cases and ports): a
    # module building the engine that hands them the repositories is the composition root.
    imports_application: bool = False
    # Module-level generator functions (`def get_db(): ... yield session`): what a database
    # module provides its importers.
    session_providers: int = 0
    # Sessions opened for each request and kept in its state (`request.state.db = Session(engine)`).
    request_sessions: int = 0
    # Methods of module-level classes returning a session they build (`return Session(engine)`).
    returned_sessions: int = 0
    # Those of them that yield a value named like a session (`yield session`, a transaction
    # helper handing back the session it began): the session's own providers.
    session_yields: int = 0
    # The names of those functions (`get_db`): a session dependency, the database's
    # whatever module holds it (a settings module beside the session factory).
    session_yielders: set[str] = field(default_factory=set)
    # Generator methods of module-level classes (`PrefectDBInterface.session_context()`),
    # and those classes.
    provider_methods: int = 0
    provider_classes: set[str] = field(default_factory=set)
    # Module-level classes entered as a context (`async with UnitOfWork() as uow:`) that
    # commit and roll back, or that do nothing else (a transaction manager): units of work,
    # the transaction helper of the database layer.
    units_of_work: set[str] = field(default_factory=set)
    # Module-level classes extending an admin package's views (`class PostAdmin(ModelView,
    # model=Post)` of sqladmin): pages of another framework, bound to the ORM classes.
    admin_views: int = 0
    # Imports a key-value or document store's client (`redis`, `motor`, a project's
    # `core/redis.py`): data access of another store, where a repository folder keeps it.
    store_client: bool = False
    # Module-level classes declaring SQLAlchemy's `__abstract__ = True`: bases and mixins of
    # the ORM classes (an active-record `CRUDModel` with `find(db)` the models inherit).
    abstract_models: set[str] = field(default_factory=set)
    # Module-level classes of a dependency-injection library's making: a container or a
    # provider (`class SQLContainer: @provide def session_maker(...)` of dishka): wiring.
    provider_containers: set[str] = field(default_factory=set)
    # Imports from the web framework (`fastapi`, `starlette`): router helpers (dependencies,
    # error handlers, responses) use it; an API client or an engine kept under `api/` does not.
    web_framework: bool = False
    # Imports from the database libraries (`sqlalchemy`, `sqlmodel`): database work.
    database_library: bool = False
    # GraphQL DataLoader subclasses (`class UsersDataLoader(DataLoader[int, User])`).
    dataloaders: int = 0
    # GraphQL object types (`@strawberry.type class Query`, `graphene.ObjectType`): their
    # fields answer requests, as a router's endpoints do.
    graphql_types: int = 0
    # Resolvers (`@strawberry.field` / `@strawberry.mutation` on a function): the code that
    # answers a GraphQL request, as an endpoint answers a route.
    graphql_resolvers: int = 0
    # python-socketio event handlers (`@sio.on("message")`).
    socket_handlers: int = 0
    # Test code: a `test*` function that is no route or a `Test*` class at module level, or
    # pytest or unittest imported (a `routers/test_checkout.py` of routes has none of them).
    test_code: bool = False
    # Module-level functions taking socket.io's session id (`async def handle_connect(self,
    # sid, environ)`): handlers a `socketio.AsyncNamespace` forwards its events to.
    sid_handlers: int = 0
    # Module-level functions that take a request body the FastAPI way (`query: str =
    # Body(...)`, `file: UploadFile = File(...)`, `Form(...)`): endpoint handlers, even when
    # another module registers them as routes (`router.post("/chat")(chat)`). A dependency
    # reads `Query`, `Header` or `Depends`; only an endpoint reads the body.
    body_handlers: int = 0
    # Module-level classes and functions.
    classes: int = 0
    # Of the classes, those that define no function (`@dataclass class PostgresGateway:
    # session: AsyncSession`, an enum, a record): fields only, no work of their own.
    bare_classes: int = 0
    functions: int = 0
    # Module-level classes mapped to a table (`__tablename__ = ...`, SQLModel's `table=True`).
    tables: int = 0
    # Module-level SQLAlchemy Core tables (`users = Table("users", metadata, ...)`).
    core_tables: int = 0
    # The project modules it imports from (same top-level package).
    project_imports: set[str] = field(default_factory=set)
    # Imports from modules of the persistence layer by name (`app.models.user`, `.db`).
    imports_persistence: bool = False
    # Libraries whose query builders it calls through the module (`sa.select`, `sa.func.count`).
    builder_libraries: set[str] = field(default_factory=set)
    # Calls of SQL builders however imported (`select(User)`, `sa.update(...)`).
    sql_builders: int = 0
    # Module-level functions that return a statement they build (`def select_codes(...):
    # query = select(Code) ... return query`): a query module's definitions as much as
    # those that run theirs (the caller runs it, or pages through it).
    statement_builders: set[str] = field(default_factory=set)
    # Module-level classes deriving from a class named for data access (a generic
    # `CRUDBase[User]`, `BaseRepository`, the `UserRepositoryProtocol` it implements).
    repository_bases: int = 0
    # Module-level classes named for data access (`BaseCrud`, `AllRepositories`).
    repository_classes: int = 0
    # Of those, the ones named a repository or a DAO outright (`AuthRepository`, `UserDao`).
    repository_named: int = 0
    # Of those, the interfaces (`class GetAccountRepository(metaclass=ABCMeta)`): ports.
    repository_ports: int = 0
    # Module-level classes named as services (`RegistryReposService`, `UserServices`,
    # `CreateUserUseCase`): the business logic a `services.py` is named for.
    service_classes: int = 0
    # Of those, the ones deriving from a class named as a service (`TweetService(AbstractService)`).
    service_subclasses: int = 0
    # Module-level subclasses of Starlette's `BaseHTTPMiddleware`: request middleware.
    middleware_classes: int = 0
    # Module-level classes deriving from a class of SQLAlchemy or SQLModel (a declarative
    # base with `save(session)`, a `Session` subclass), or given to `declarative_base(cls=...)`:
    # the ORM's or the session's, no store.
    database_library_classes: set[str] = field(default_factory=set)
    # Module-level classes generic over type variables (`class ServiceBase(Generic[ModelType,
    # ...])`, `class Crud[M: Base]`): with querying methods, a generic base of data access.
    generic_classes: set[str] = field(default_factory=set)

    @property
    def makes_repositories(self) -> bool:
        """Whether a module-level function builds a class named for data access
        (`get_repositories()` returning `AllRepositories(session)`)."""
        return any(
            name.rsplit(".", 1)[-1][:1].isupper() and DATA_ACCESS_NAME.search(name.rsplit(".", 1)[-1])
            for called in self.calls_out.values()
            for name in called
        )

    @property
    def querying_class(self) -> bool:
        """Whether a module-level class of it has several querying methods: a library of
        data work, even with a `__main__` block that tries it out at the bottom."""
        return any(count >= QUERYING_CLASS_METHODS for count in self.querying_methods.values())

    @property
    def generic_stores(self) -> list[str]:
        """Module-level generic classes with several querying methods, most of their
        methods querying: a generic base of data access (`ServiceBase(Generic[ModelType,
        ...])` whose `get`, `get_multi`, `create` run `db.query(self.model)`)."""
        return sorted(
            name for name in self.generic_classes if self.querying_methods.get(name, 0) >= QUERYING_CLASS_METHODS
        )

    @property
    def database_work(self) -> bool:
        """Whether the module does anything of the database: a session call or type, a
        querying definition, an import of SQLAlchemy or SQLModel."""
        return bool(self.session_calls or self.sessions or self.data_access or self.database_library)

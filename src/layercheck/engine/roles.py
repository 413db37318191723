"""What a module's code shows about its role (SPEC revision 2), gathered during the file's
single walk: the routes it registers, the jobs it defines, the settings classes, the engine
it builds, the queries it runs, the sessions it takes and hands on, the classes it maps.
`engine/role_layer.py` decides from this evidence what the module unmistakably is.

Only a module's own code is read here; what needs the whole project (ORM classes defined in
`db.py`, a `models/` module without ORM classes) is judged by the import contracts.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any, cast

import libcst as cst

from layercheck.domain.registry import SESSION_METHODS, SQL_BUILDERS
from layercheck.domain.vocabulary import (
    BACKGROUND_WORDS,
    CONNECTION_TYPES,
    CORE_TABLE_TYPES,
    DATA_ACCESS_NAME,
    DATABASE_HANDLES,
    DATAFRAME_QUERIES,
    INTERFACE_BASES,
    SESSION_TYPES,
    SETTINGS_BASES,
    STDLIB_MODULE_LOG_FUNCTIONS,
    WELL_KNOWN_LIBRARIES,
    is_query_builder,
    library_session,
    named_like_session,
)
from layercheck.engine.class_shapes import (
    base_name,
    declarative_mixin,
    declared_abstract,
    from_database_library,
    maps_a_table,
    unit_of_work,
)
from layercheck.engine.declarations import maps_columns
from layercheck.engine.names import (
    NameTable,
    all_params,
    chain_root,
    dotted_name,
    http_style_call,
    last_name,
)
from layercheck.engine.role_evidence import PERSISTENCE_NAMES, RoleEvidence
from layercheck.engine.walk import iter_children

ROUTER_TYPES = frozenset({"fastapi.APIRouter", "fastapi.routing.APIRouter"})
APP_TYPES = frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI"})
ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "api_route", "websocket", "route"}
)
# FastAPI's markers of a parameter read from the request body.
REQUEST_BODY_MARKERS = frozenset(
    {"fastapi.Body", "fastapi.Form", "fastapi.File", "fastapi.params.Body", "fastapi.params.Form",
     "fastapi.params.File", "fastapi.param_functions.Body", "fastapi.param_functions.Form",
     "fastapi.param_functions.File"}
)
JOB_LIBRARIES = ("celery", "dramatiq", "taskiq", "arq", "huey", "rq", "procrastinate", "saq")
# Libraries that queue or schedule background work.
_SCHEDULING_LIBRARIES = frozenset({*JOB_LIBRARIES, "apscheduler", "schedule", "temporalio"})
# What an Alembic environment calls on `alembic.context` to run the migrations.
_ALEMBIC_ENV_CALLS = {name: f"alembic.context.{name}" for name in ("configure", "run_migrations")}
# `@sio.on("connect")`, `@sio.event`: python-socketio's event handlers answer clients as
# endpoints do. The server is often made in another module and imported (`from app.server
# import sio`), out of this module's sight: the name `sio` is the convention that decides.
SOCKET_EVENT_DECORATORS = frozenset({"on", "event"})
_SOCKET_SERVER_NAMES = frozenset({"sio"})
JOB_DECORATORS = frozenset({"task", "shared_task", "actor", "periodic_task", "job", "cron"})
# Temporal's activities and workflows, the jobs its workers run.
TEMPORAL_ACTIVITIES = frozenset({"temporalio.activity.defn"})
ENGINE_BUILDERS = frozenset(
    {
        "create_engine",
        "create_async_engine",
        "engine_from_config",
        "async_engine_from_config",
        "sessionmaker",
        "async_sessionmaker",
        "scoped_session",
        "async_scoped_session",
    }
)
# The standard library and the well-known packages: libraries in every project (built once).
_KNOWN_LIBRARIES = frozenset(sys.stdlib_module_names) | WELL_KNOWN_LIBRARIES
ENV_READS = frozenset({"os.getenv", "os.environ.get", "os.environ", "os.getenvb"})
# Libraries' readers of the environment and `.env` files: a module building one (`Config(
# env_file=".env")` of Starlette) or calling it (`config("DEBUG")` of python-decouple) reads
# the settings as `os.getenv` does.
SETTINGS_READERS = frozenset(
    {"starlette.config.Config", "decouple.config", "decouple.AutoConfig", "environs.Env", "dotenv.dotenv_values"}
)
# Names of session types and factories, as imported (the index knows a project's aliases).
_SESSION_WORDS = frozenset(
    {"Session", "AsyncSession", "sessionmaker", "async_sessionmaker", "scoped_session", "async_scoped_session"}
)
# Words in the name of a job library's app object (`celery_app`, `broker`, `huey`).
_JOB_APP_WORDS = ("celery", "broker", "huey", "dramatiq", "taskiq", "arq")
# Session calls that read or write rows (not transaction control, which a session
# dependency does too): a module-level function or class making them is data access.
_QUERY_CALLS = frozenset(
    {"execute", "exec", "scalars", "scalar", "get", "get_one", "add", "add_all", "delete", "merge", "query",
     "stream", "stream_scalars", "flush", "refresh", "fetch_one", "fetch_all", "fetch_val", "execute_many",
     "iterate"}
)
# `SELECT 1`: the statement a connection check runs, reading no table.
_PROBE_SQL = re.compile(r"\s*select\s+1\s*;?\s*", re.IGNORECASE)
# Test frameworks: a module importing one is test code, whatever else it defines.
_TEST_FRAMEWORKS = frozenset({"pytest", "unittest", "hypothesis"})
# Pydantic's model base, and the names of the settings' sections built on it.
_PYDANTIC_MODEL_BASES = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel"})
_SETTINGS_SECTION_ENDINGS = ("Settings", "Config", "Configuration")
# What a command-line tool's commands are built with: the module is a script's.
_COMMAND_LINE_APPS = frozenset({"typer.Typer", "typer.main.Typer", "click.command", "click.group"})
# The builders that start a statement of their own (not `func.count`, an expression in one).
_STATEMENTS = frozenset({"select", "insert", "update", "delete", "union", "union_all", "text"})
# Folder names of repository modules, as imports spell them.
_REPOSITORY_NAMES = frozenset({"repositories", "repository", "repos", "repo", "crud", "dal", "dao", "daos"})
# (with the use cases of clean architecture)
_SERVICE_NAMES = frozenset({"services", "service"})
_ORCHESTRATED_NAMES = frozenset(
    {
        *("jobs", "tasks", "workers", "services", "service"),
        *("usecases", "use_cases", "usecase", "use_case", "interactors", "interactor"),
    }
)
# Folders of the interfaces the use cases declare for the adapters (`use_cases/ports/`): a
# module importing one implements or holds the port, it calls no service.
_PORT_FOLDERS = frozenset({"ports", "interfaces", "protocols"})
# Modules of plain data (constants, enums, types, errors): importing one from a job or
# service package calls nothing there.
_PLAIN_DATA_MODULES = frozenset({"constants", "enums", "types", "exceptions", "errors", "schemas", "models"})
TEMPORAL_WORKFLOWS = frozenset({"temporalio.workflow.defn"})
# Class decorators and bases of GraphQL object types (their fields resolve requests).
GRAPHQL_TYPE_DECORATORS = frozenset({"strawberry.type", "strawberry.federation.type", "strawberry.interface"})
GRAPHQL_TYPE_BASES = frozenset({"graphene.ObjectType", "graphene.Mutation", "graphene.types.objecttype.ObjectType"})
# Strawberry's decorators of a resolver: a function that answers a query or a mutation.
GRAPHQL_RESOLVER_DECORATORS = frozenset({"strawberry.field", "strawberry.mutation", "strawberry.subscription"})
# Logging methods a class defines to be a logger wrapper (three: not a `Reporter.error()`).
_LOGGER_METHODS = 3
# What builds a callable it is handed, later (dependency_injector's providers, `partial`).
_DEFERRED_BUILDS = frozenset(
    {"Singleton", "ThreadSafeSingleton", "ThreadLocalSingleton", "ContextLocalSingleton", "Factory", "Resource",
     "Callable", "Coroutine", "partial"}
)
# The project's aliases of a session type, by name (`SessionDep`, `AsyncDatabaseDep`, `DbSession`).
_SESSION_ALIAS_NAME = re.compile(r"(?i)session|(db|database)(dep|dependency)?$")
# Calls that write to the terminal (`print`, rich's `console.print`, click's `echo`).
_CONSOLE_WRITES = frozenset({"print", "echo", "secho", "rule"})
# (GraphQL servers too: a strawberry mutation or type module under `api/` is the API's.)
_WEB_FRAMEWORKS = frozenset({"fastapi", "starlette", "strawberry", "graphene", "ariadne"})
# The batch loaders of GraphQL servers (strawberry; graphene's aiodataloader and promise).
DATALOADER_BASES = frozenset(
    {"strawberry.dataloader.DataLoader", "aiodataloader.DataLoader", "promise.dataloader.DataLoader"}
)
# SQLAlchemy's statements, which a query builder's methods return for another to run.
_STATEMENT_TYPES = frozenset(
    # (`Query`: SQLAlchemy 1.x's `session.query(...)`, filtered by one method, run by another)
    {"Select", "Insert", "Update", "Delete", "Subquery", "CompoundSelect", "TextClause", "Executable", "Query"}
)
# Starlette's base of request middleware.
_MIDDLEWARE_BASES = frozenset({"starlette.middleware.base.BaseHTTPMiddleware"})
# What a class derives from to be generic over its type variables (`Generic[ModelType]`).
_GENERIC_BASES = frozenset({"typing.Generic", "typing_extensions.Generic"})

# The session methods that say a module works with the database (its role): not taking the
# connection under a session (`await session.connection()`), which hands it to the code that
# runs the SQL (`run_sync(...)` reading Alembic's heads); LC201 and LC302 report it still.
_DATA_WORK_METHODS = frozenset(SESSION_METHODS) - {"connection"}
# The session calls that end or settle the caller's transaction, reading and writing no row
# of their own choosing (`refresh` reloads the record handed in).
_TRANSACTION_CALLS = frozenset({"commit", "rollback", "refresh", "flush", "close", "expire", "expunge"})


def _ends_transactions_only(node: cst.FunctionDef, sessions: set[str]) -> bool:
    """`def commit_and_refresh(session: SessionDep, record): session.commit();
    session.refresh(record)`: a function whose body is nothing but transaction calls on the
    session it is handed (a docstring aside) settles its caller's transaction, the database
    module's helper, no query of its own (an update setting attributes first is one)."""
    body = node.body.body if type(node.body) is cst.IndentedBlock else ()
    calls = 0
    for statement in body:
        if type(statement) is not cst.SimpleStatementLine:
            return False
        for small in statement.body:
            if type(small) is not cst.Expr:
                return False
            value = small.value
            if type(value) is cst.Await:
                value = value.expression
            if type(value) is cst.SimpleString and not calls:
                continue  # the docstring
            if type(value) is not cst.Call or type(value.func) is not cst.Attribute:
                return False
            target, method = value.func.value, value.func.attr.value
            if not (type(target) is cst.Name and target.value in sessions and method in _TRANSACTION_CALLS):
                return False
            calls += 1
    return calls > 0


class RoleCollector:
    """The walk participant that gathers `RoleEvidence` (registered beside the facts collector)."""

    def __init__(
        self,
        table: NameTable,
        aliases: tuple[str, ...] = (),
        libraries: Iterable[str] = (),
        ancestors: Sequence[cst.CSTNode] = (),
    ) -> None:
        self.table = table
        self.ancestors = ancestors
        self.evidence = RoleEvidence()
        # The packages above the module: an import from any of them is the project's (in a
        # checkout named `backend.onyx.evals.eval`, `from onyx.db import models` too).
        # The names the module goes by count alike: `deriver.enqueue` below the `src` root is
        # also `src.deriver.enqueue` by its package chain, and `src.dependencies` is the
        # project's own module, no library.
        names = (table.module, *aliases)
        self._packages = frozenset(part for name in names for part in name.split(".")[:-1] or name.split(".")[:1])
        self._tops = frozenset(name.split(".", 1)[0] for name in names)
        # The packages this module sits in, under each name it goes by.
        self._own_packages = tuple(name.split(".")[:-1] for name in names)
        # What is known to be a library: the standard library, the well-known packages and
        # the project's declared dependencies (another top-level package of the project,
        # `common` beside `apps`, is none of them).
        self._declared = frozenset(libraries)
        # The definitions around the walk, outermost first: [is_class, name, queries, yields,
        # helper, methods, querying] (`helper`: its queries make nothing data access for
        # importers: a decorator's wrapper, `@functools.wraps(func)`, or a GraphQL
        # DataLoader; a class counts its methods and those that query).
        self._scopes: list[list[Any]] = []
        # Module-level definitions that are no generators, and the bare names each calls.
        self._plain_definitions: set[str] = set()
        # Functions defined inside other functions (a wrapper a scheduling function hands on).
        self._nested_functions: set[str] = set()
        # Module-level functions FastAPI calls for a request (they take a dependency other
        # than the session): what they query is no data access for importers.
        self._request_dependencies: set[str] = set()
        # Module-level constants assigned an environment read (`_env_read`).
        self._env_constants: set[str] = set()
        # Module-level classes that are routers themselves (`class CRUDRouter(APIRouter)`):
        # `self.add_api_route(...)` in them registers a route.
        self._router_classes: set[str] = set()
        # The module's own endpoints (`@app.get(...)`, `@router.post(...)` at module level):
        # in the module that creates the app, the router rules judge these only.
        self.endpoints: list[cst.FunctionDef] = []
        self._local_calls: dict[str, set[str]] = {}
        # Module-level classes whose `__call__` takes the session it runs on (see `_operation`).
        self._handed_callables: set[str] = set()
        # The session parameters of each function around the walk, innermost last.
        self._session_names: list[set[str]] = []
        self._opened_sessions: list[set[str]] = []
        # Methods of module-level classes that build a query for another to run, by class.
        self._builders: dict[str, set[str]] = {}
        # The names the current module-level function assigned a new statement to.
        self._statements: set[str] = set()
        # The module's `if __name__ == "__main__":` block while it is walked.
        self._main_block: cst.If | None = None
        # Locals of the function being walked assigned a session it builds (`Session(engine)`).
        self._sessions_built: set[str] = set()
        # Module-level functions that run a connection check (`SELECT 1`, see `finish`).
        self._probes: set[str] = set()
        # Module-level functions that build an engine of their own (`create_database()`
        # connecting to the server's maintenance database), and those that build a query
        # (`select(table)`): one of the first kind running only raw statements (`CREATE
        # DATABASE`) is the database's setup, not data access its importers reach the
        # tables through; a backup reading every table through its own engine is.
        self._engine_owners: set[str] = set()
        self._query_builders: set[str] = set()
        # (class, method) of the methods of module-level classes that print to the terminal.
        self._printing: set[tuple[str, str]] = set()
        # Module-level class -> the `self.x` methods its methods hand their session to.
        self._self_handoffs: dict[str, list[str]] = {}

    def _enter(self, is_class: bool, name: str) -> None:
        # [is_class, name, queries, yields, helper, methods, querying, the `self.x()` names
        # a function calls, a class's methods: name -> (queries itself, `self.x()` names),
        # yields a session or a connection, a class defines a function of any kind]
        self._scopes.append([is_class, name, False, False, False, 0, 0, set(), {}, False, False])

    def _note_self_handoff(self, func: cst.BaseExpression) -> None:
        if (
            self._scopes
            and self._scopes[0][0]
            and isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == "self"
        ):
            self._self_handoffs.setdefault(self._scopes[0][1], []).append(func.attr.value)

    def _leave(self) -> None:
        """A definition ends: one that queries (a function that does not yield, or a class
        with such a method) is data access when it is module-level, and makes its enclosing
        definition so when it is not."""
        is_class, name, queries, yields, helper, methods, querying, self_calls, members, hands_session, defines = (
            self._scopes.pop()
        )
        method = not is_class and bool(self._scopes) and self._scopes[-1][0]
        if method:
            self._scopes[-1][10] = True
        elif is_class and not self._scopes and not defines:
            self.evidence.bare_classes += 1
        if method and (not name.startswith("__") or self._operation(name)):
            self._scopes[-1][5] += 1
            self._scopes[-1][8][name] = (queries and not yields and not helper, self_calls)
        elif not is_class and self._scopes:
            self._scopes[-1][7] |= self_calls  # a nested function's calls are its owner's
            if not self._scopes[-1][0]:
                self._nested_functions.add(name)
        public_querying = public_methods = building = 0
        if is_class and not self._scopes:
            # (`self.get(db, ...)`, `get` defined by no method of the class: its base's, or
            # the repository's it is mixed into)
            handed = self._self_handoffs.pop(name, ())
            self.evidence.inherited_handoffs += sum(1 for method in handed if method not in members)
        if is_class and members:
            found = _querying_members(members)
            querying = len(found)
            public_methods = sum(1 for method in members if not method.startswith("_"))
            public_querying = sum(1 for method in found if not method.startswith("_"))
            if found and not self._scopes:
                # A fluent query builder's methods build the statement its `.first()` runs.
                built = self._builders.get(name, set()) - found
                building = len(built)
                public_querying += sum(1 for method in built if not method.startswith("_"))
            log_methods = STDLIB_MODULE_LOG_FUNCTIONS.intersection(members)
            if (
                not self._scopes
                and len(log_methods) >= _LOGGER_METHODS
                and not any((name, method) in self._printing for method in log_methods)
            ):
                # (`Display.error(msg)` printing to a rich console is no logger: its message
                # is the text shown, with no lazy arguments to take instead)
                self.evidence.logger_classes.add(name)
        if is_class and methods:
            # A class is data access when most of its methods query (a repository),
            # not an API client that saves a refreshed token once among ten HTTP calls.
            # (or, for a class named for data access, most of its public methods: a CRUD
            # class's private helpers, caching the model's columns or converting rows, are how
            # it queries, not another job)
            queries = 2 * (querying + building) > methods or (
                bool(DATA_ACCESS_NAME.search(name)) and 2 * public_querying > public_methods > 0
            )
            if queries and not self._scopes:
                self.evidence.querying_methods[name] = querying
        if not self._scopes and not (yields and not is_class):
            self._plain_definitions.add(name)
        elif not self._scopes and yields and not is_class:
            self.evidence.session_providers += 1
            self.evidence.session_yields += hands_session
            if hands_session:
                self.evidence.session_yielders.add(name)
        elif hands_session and not is_class and len(self._scopes) == 1 and self._scopes[0][0]:
            # `@asynccontextmanager def session(self)` yielding the session (a method that
            # yields pods or rows page by page hands out no session)
            self.evidence.provider_methods += 1
            self.evidence.provider_classes.add(self._scopes[0][1])
        elif hands_session and not is_class and len(self._scopes) == 1:
            # `def get_session()` returning the `async def _get_session()` that yields a
            # session over its engine: a session dependency, made by a factory.
            self.evidence.session_providers += 1
        if not queries or (yields and not is_class):
            return
        if helper:
            # A decorator whose wrapper runs the statement the decorated function builds
            # (`@compile_sql_or_scalar`) helps data access; a DataLoader serves resolvers.
            return
        if self._scopes and self._scopes[-1][0] and not is_class:
            return  # a method: its class counts it (above)
        if self._scopes:
            self._scopes[-1][2] = True
        elif (
            name not in self._request_dependencies
            and name not in self.evidence.transaction_helpers
            and (name not in self._engine_owners or name in self._query_builders)
        ):
            self.evidence.data_access.add(name)

    def _interface(self, node: cst.ClassDef) -> bool:
        """`class UserRepository(ABC)`, `(Protocol)`, `(metaclass=ABCMeta)`: an interface."""
        if any(self.table.qualified_name(base.value) in INTERFACE_BASES for base in node.bases):
            return True
        return any(
            keyword.keyword is not None
            and keyword.keyword.value == "metaclass"
            and self.table.qualified_name(keyword.value) == "abc.ABCMeta"
            for keyword in node.keywords
        )

    def _operation(self, name: str) -> bool:
        """`__call__` of a class not named for a use case (`GetAllGate`, one query per class,
        over the session it holds): the class's one operation, a method like any other. (A
        `LoginHandler`'s or a `CreateUserUseCase`'s is the business logic it runs; one that
        is handed the session, `ActionType()(name, session)`, is a helper of its callers.)"""
        owner = self._scopes[-1][1]
        return (
            name == "__call__"
            and owner not in self._handed_callables
            and not (_SERVICE_NAMED.search(owner) or _USE_CASE_NAMED.search(owner))
        )

    def finish(self, module: cst.Module | None = None) -> None:
        """A module-level function that calls the module's data-access functions is data
        access too (`get_user_and_app` calling `get_or_create_user`), to a fixpoint; and the
        settings constants the module keeps for others, counted (the few modules that keep
        three or more constants from the environment are walked once more for it)."""
        if module is not None and len(self._env_constants) >= _SETTINGS_CONSTANTS:
            self.evidence.settings_constants = len(self._env_constants - _names_read(module))
        found = self.evidence.data_access
        if not self.evidence.engine_builders:
            # A connection check (`SELECT 1`) is the database module's own beside the engine
            # it builds; elsewhere (`health/checks.py` probing the session it is handed) a
            # function running it is data access as any other.
            found.update(self._probes & self._plain_definitions)
        changed = bool(found)
        while changed:
            changed = False
            for name, called in self._local_calls.items():
                if (
                    name not in found
                    and name in self._plain_definitions
                    and name not in self._request_dependencies
                    # (`get_uow()` making the unit of work queries nothing itself)
                    and (called & found) - self.evidence.units_of_work
                ):
                    found.add(name)
                    changed = True

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._leave()

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._session_names.pop()
        self._opened_sessions.pop()
        self._leave()

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None and not self.evidence.async_sessions:
            self.evidence.async_sessions = any(
                item.asname is not None
                and type(item.asname.name) is cst.Name
                and named_like_session(item.asname.name.value)  # type: ignore[attr-defined]
                for item in node.items
            )

    def visit_WithItem(self, node: cst.WithItem) -> None:
        target = node.asname.name if node.asname is not None else None
        if self._opened_sessions and type(target) is cst.Name and named_like_session(target.value):  # type: ignore[attr-defined]
            self._opened_sessions[-1].add(target.value)  # type: ignore[attr-defined]

    def visit_Yield(self, node: cst.Yield) -> None:
        if self._scopes:
            self._scopes[-1][3] = True
            value = node.value
            held = ""
            if isinstance(value, cst.Attribute):
                held = value.attr.value  # `yield self.session`
            elif isinstance(value, cst.Name):
                held = value.value
            if named_like_session(held) or held in ("conn", "connection"):
                self._scopes[-1][9] = True

    def _declarative_mixins(self, node: cst.Call) -> None:
        mixin = declarative_mixin(self.table, node)
        if mixin is not None:
            self.evidence.database_library_classes.add(mixin)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        taken = {param.name.value for param in node.params.params if self._session_parameter(param)}
        takes_session = bool(taken)
        self.evidence.session_parameters += takes_session
        if takes_session and node.name.value == "__call__" and len(self._scopes) == 1 and self._scopes[0][0]:
            self._handed_callables.add(self._scopes[0][1])
        self._session_names.append(taken)
        self._opened_sessions.append(set())
        self._sessions_built = set()
        if not self._scopes:
            self.evidence.functions += 1
            self._statements = set()
            if any(param.name.value == "sid" for param in node.params.params):
                self.evidence.sid_handlers += 1
            if takes_session:
                self.evidence.session_takers.add(node.name.value)
                if _ends_transactions_only(node, taken):
                    self.evidence.transaction_helpers.add(node.name.value)
            if any(self._body_parameter(param) for param in node.params.params):
                self.evidence.body_handlers += 1
            if any(self._injected(param) and not self._session_parameter(param) for param in all_params(node.params)):
                # `get_current_user(token = Depends(oauth2_scheme), db = Depends(get_db))`:
                # FastAPI calls it for a request (it looks the user up to authenticate);
                # what it queries serves the request, it is no data access to import.
                self._request_dependencies.add(node.name.value)
        if len(self._scopes) == 1 and self._scopes[0][0] and self._builds_query(node, self._scopes[0][1]):
            self._builders.setdefault(self._scopes[0][1], set()).add(node.name.value)
        self._enter(False, node.name.value)
        routes = self.evidence.routes + self.evidence.app_routes
        for decorator in node.decorators:
            func = _decorator_callee(decorator)
            if not isinstance(func, (cst.Attribute, cst.Name)):
                continue
            qualname = self.table.qualified_name(func) or ""
            if qualname == "functools.wraps":
                self._scopes[-1][4] = True
                continue
            last = func.attr.value if isinstance(func, cst.Attribute) else func.value
            if isinstance(func, cst.Attribute) and last in ROUTE_METHODS and self._router(func.value):
                self.evidence.routes += 1
                if len(self._scopes) == 1:
                    self.endpoints.append(node)
                continue
            if isinstance(func, cst.Attribute) and last in ROUTE_METHODS and self._app(func.value):
                self.evidence.app_routes += 1
                if len(self._scopes) == 1:
                    self.endpoints.append(node)
                continue
            if isinstance(func, cst.Attribute) and last in SOCKET_EVENT_DECORATORS and self._socket_server(func.value):
                self.evidence.socket_handlers += 1
                continue
            if last in JOB_DECORATORS and (
                qualname.split(".", 1)[0] in JOB_LIBRARIES or self._job_receiver(func)
            ):
                self.evidence.jobs += 1
            elif last == "scheduled_job" and isinstance(func, cst.Attribute) and self._scheduler(func.value):
                self.evidence.jobs += 1  # `@scheduler.scheduled_job("cron", hour=3)`
            elif qualname in TEMPORAL_ACTIVITIES:
                self.evidence.temporal_jobs += 1
            elif qualname in GRAPHQL_RESOLVER_DECORATORS:
                self.evidence.graphql_resolvers += 1  # `@strawberry.field async def books(self, info)`
            elif qualname in _PROVIDING_DECORATORS and len(self._scopes) == 2 and self._scopes[0][0]:
                self.evidence.provider_containers.add(self._scopes[0][1])  # `@provide(scope=Scope.APP)`
        routed = self.evidence.routes + self.evidence.app_routes > routes
        if len(self._scopes) == 1 and node.name.value.startswith("test") and not routed:
            self.evidence.test_code = True  # (`@router.post(...) async def test_checkout()` is a route)

    def _builds_query(self, node: cst.FunctionDef, class_name: str) -> bool:
        """A method of a fluent query builder: annotated to return its own class (`->
        "QueryBuilder"`, `-> Self`) or a statement (`-> Select`), for the method that
        runs it (`.first()`) to execute."""
        if node.returns is None:
            return False
        annotation = node.returns.annotation
        if isinstance(annotation, cst.SimpleString):
            return annotation.evaluated_value == class_name
        if isinstance(annotation, cst.Name) and annotation.value == class_name:
            return True
        qualname = self.table.qualified_name(annotation) or ""
        library, _, name = qualname.rpartition(".")
        if name == "Self" and library in ("typing", "typing_extensions"):
            return True
        return library.split(".", 1)[0] in ("sqlalchemy", "sqlmodel") and name in _STATEMENT_TYPES

    def _app(self, receiver: cst.BaseExpression) -> bool:
        """The FastAPI app itself (`app = FastAPI(...)`, then `@app.get(...)`)."""
        binding = self.table.value_binding(receiver)
        return binding is not None and binding.instance_of in APP_TYPES

    def _session_parameter(self, param: cst.Param) -> bool:
        """`db: Session`, `session: AsyncSession`, an unannotated `db_session`: a parameter
        that receives a session, by its annotation or, without one, by its name."""
        if param.annotation is not None:
            annotation = param.annotation.annotation
            qualname = self.table.qualified_name(annotation) or ""
            if qualname in SESSION_TYPES:
                self.evidence.async_sessions |= ".asyncio." in qualname
                return True
        return named_like_session(param.name.value)

    def _injected(self, param: cst.Param) -> bool:
        """A parameter FastAPI fills with a dependency: `= Depends(...)`/`Security(...)`, or
        `Annotated[str, Depends(oauth2_scheme)]`."""
        if isinstance(param.default, cst.Call) and self.table.dependency_marker(param.default):
            return True
        annotation = param.annotation.annotation if param.annotation is not None else None
        if not isinstance(annotation, cst.Subscript):
            return False
        return any(
            isinstance(element.slice, cst.Index)
            and isinstance(element.slice.value, cst.Call)
            and self.table.dependency_marker(element.slice.value)
            for element in annotation.slice
        )

    def _body_parameter(self, param: cst.Param) -> bool:
        """`query: str = Body(...)`, `file: UploadFile = File(...)`, `name: str = Form("")`:
        a parameter FastAPI fills from the request body. (An `UploadFile` annotation alone is
        not one: a helper saving the upload takes it too.)"""
        if not isinstance(param.default, cst.Call):
            return False
        return (self.table.qualified_name(param.default.func) or "") in REQUEST_BODY_MARKERS

    def _socket_server(self, receiver: cst.BaseExpression) -> bool:
        """A python-socketio server: made here (`socketio.AsyncServer(...)`) or named `sio`."""
        binding = self.table.value_binding(receiver)
        kind = (binding.instance_of if binding is not None else None) or ""
        if kind.startswith("socketio."):
            return True
        if isinstance(receiver, cst.Attribute):
            return receiver.attr.value in _SOCKET_SERVER_NAMES  # `@app.sio.on(...)`
        return isinstance(receiver, cst.Name) and receiver.value in _SOCKET_SERVER_NAMES

    def _router(self, receiver: cst.BaseExpression) -> bool:
        """An `APIRouter`, a project subclass of one (`UserAPIRouter(...)`, named for what it
        is), or a router made elsewhere in the project and named like one (`api_router`)."""
        binding = self.table.value_binding(receiver)
        kind = binding.instance_of if binding is not None else None
        if kind is not None:
            # (`APIRouterPro(...)`, `VersionedRouter(...)`: the word names what it is)
            return kind in ROUTER_TYPES or "Router" in kind.rsplit(".", 1)[-1]
        if isinstance(receiver, cst.Attribute):
            # `@module.router.get(...)`: a feature's router kept on the object that registers
            # the feature (`module = Module(root="calendar", ...)`).
            return receiver.attr.value.lower().endswith("router")
        name = receiver.value if isinstance(receiver, cst.Name) else ""
        if name == "self" and self._scopes and self._scopes[0][1] in self._router_classes:
            return True  # (`self.add_api_route(...)` in a subclass of `APIRouter`)
        return name.lower().endswith("router") and not (binding is not None and binding.qualname is None)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.module is not None:
            names = [] if isinstance(node.names, cst.ImportStar) else [dotted_name(a.name) or "" for a in node.names]
            # `from app.tasks.migration.constants import BATCH_SIZE`: a constant of a job
            # package is no job (nor a service) the module calls.
            plain = bool(names) and all(name.isupper() for name in names)
            self._imported(dotted_name(node.module), calls=not plain)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self._imported(dotted_name(alias.name))

    def _imported(self, module: str | None, calls: bool = True) -> None:
        if module is None:
            return
        parts = module.split(".")
        if parts[0] in self._packages:
            self.evidence.project_imports.add(module)
        if parts[0] == "alembic":
            self.evidence.alembic = True
        if parts[0] in _TEST_FRAMEWORKS:
            self.evidence.test_code = True
        if parts[0] in _SCHEDULING_LIBRARIES:
            self.evidence.job_library = True
        if parts[0] in _WEB_FRAMEWORKS:
            self.evidence.web_framework = True
        elif parts[0] in ("sqlalchemy", "sqlmodel"):
            self.evidence.database_library = True
        if parts[0] in _STORE_LIBRARIES or _STORE_LIBRARIES.intersection(parts[1:]):
            self.evidence.store_client = True  # `redis.asyncio`, `app.core.redis`'s client
        if self.table.type_checking_depth:
            return  # an annotation's import (`if TYPE_CHECKING:`) uses nothing at run time
        beyond = self._beyond_own_package(parts)
        if _REPOSITORY_NAMES.intersection(parts) or parts[-1].endswith(("_repository", "_repo", "_crud", "_dao")):
            self.evidence.imports_repositories = True
            if _REPOSITORY_NAMES.intersection(beyond[:-1]) or beyond[-1].endswith(("_repository", "_repo", "_dao")):
                # (`crud/tasks.py` importing `repos/tasks.py`, not `crud/messages.py` beside it)
                self.evidence.imports_other_repositories = True
        if PERSISTENCE_NAMES.intersection(parts):
            self.evidence.imports_persistence = True
        if calls and parts[-1] not in _PLAIN_DATA_MODULES and not _PORT_FOLDERS.intersection(parts) and (
            _ORCHESTRATED_NAMES.intersection(beyond) or parts[-1].endswith("_service")
        ):
            # (a service imported inside a function, "to avoid circular imports", is one
            # that imports this module at its top: the module sits below the services, as
            # the auth helpers and the engine's instrumentation do; a job is imported so too
            # where it is enqueued, and counts)
            if not (self._scopes and not BACKGROUND_WORDS.intersection(beyond)):
                self.evidence.imports_jobs_or_services = True
                if _SERVICE_NAMES.intersection(beyond) or parts[-1].endswith("_service"):
                    self.evidence.imports_services = True
        if calls and "application" in parts and parts[-1] not in _PLAIN_DATA_MODULES:
            self.evidence.imports_application = True

    def _beyond_own_package(self, parts: list[str]) -> list[str]:
        """The parts of an imported module's name below the packages it shares with this
        module: `jobs/manager.py` importing `jobs/audit.py` imports `audit` of its own
        package, no job of another (a package's name says what its modules are for, not
        that each of them calls the others' work)."""
        shared = 0
        for own in self._own_packages:
            common = 0
            while common < min(len(parts) - 1, len(own)) and parts[common] == own[common]:
                common += 1
            shared = max(shared, common)
        return parts[shared:]

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        # `from sqlalchemy.orm import Session`, `from app.postgres import AsyncSession`: a
        # module that names sessions does something with them.
        name = dotted_name(node.name) or ""
        if name.rsplit(".", 1)[-1] in _SESSION_WORDS:
            self.evidence.sessions = True

    def _new_statement(self, value: cst.BaseExpression | None) -> bool:
        """`select(User).where(...)`: a chain that starts with a statement builder."""
        if not isinstance(value, cst.Call):
            return False
        qualname = self.table.qualified_name(chain_root(value).func) or ""
        return qualname.rsplit(".", 1)[-1] in _STATEMENTS and is_query_builder(qualname, SQL_BUILDERS)

    def visit_Return(self, node: cst.Return) -> None:
        if self._scopes and not self._scopes[-1][0] and self._built_session(node.value):
            if len(self._scopes) == 2 and self._scopes[0][0]:
                # `session = Session(db.get_engine()); return session` in `DBSession.get()`:
                # a class that builds the sessions it hands out (a store that also lends its
                # session out stays a store: no provider method of a session manager).
                self.evidence.returned_sessions += 1
            else:
                self._scopes[-1][9] = True  # `def get_db(): return Session(engine)`
        if len(self._scopes) != 1 or self._scopes[0][0]:
            return
        value = node.value
        if (isinstance(value, cst.Name) and value.value in self._statements) or self._new_statement(value):
            self.evidence.statement_builders.add(self._scopes[0][1])

    def _built_session(self, value: cst.BaseExpression | None) -> bool:
        """`Session(engine)` (a session type called), or a local assigned one just before."""
        if isinstance(value, cst.Name):
            return value.value in self._sessions_built
        return isinstance(value, cst.Call) and self.table.qualified_name(value.func) in SESSION_TYPES

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._scopes and self._built_session(node.value) and not isinstance(node.value, cst.Name):
            self._sessions_built.update(
                target.target.value for target in node.targets if isinstance(target.target, cst.Name)
            )
            if any(_request_state_slot(target.target) for target in node.targets):
                # `request.state.db = Session(self.engine)` in a middleware's `dispatch`: the
                # session of each request is opened here, as a session dependency opens it.
                self.evidence.request_sessions += 1
        if len(self._scopes) == 1 and not self._scopes[0][0] and self._new_statement(node.value):
            self._statements.update(
                target.target.value for target in node.targets if isinstance(target.target, cst.Name)
            )
        if self.table.at_module_level:
            if isinstance(node.value, cst.Call) and self.table.qualified_name(node.value.func) in CORE_TABLE_TYPES:
                self.evidence.core_tables += 1
            for target in node.targets:
                if isinstance(target.target, cst.Name) and target.target.value == "down_revision":
                    self.evidence.revision = True
                self.evidence.module_constants += _constant_name(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self.table.at_module_level and isinstance(node.target, cst.Name) and node.target.value == "down_revision":
            self.evidence.revision = True
        if self.table.at_module_level and node.value is not None:
            self.evidence.module_constants += _constant_name(node.target)

    def _library_of(self, receiver: cst.BaseExpression) -> str:
        """The top-level package a value comes from (`apscheduler` for `scheduler =
        AsyncIOScheduler()`, `celery` for `app = Celery()`), or "" when unknown."""
        binding = self.table.value_binding(receiver)
        kind = (binding.instance_of or binding.qualname or "") if binding is not None else ""
        return kind.split(".", 1)[0]

    def _own_method_scheduled(self, call: cst.Call, receiver: cst.BaseExpression) -> bool:
        """`self.scheduler.add_job(self._cleanup_job, ...)` (or `func=self._cleanup_job`) in a
        method of a module-level class, the module importing APScheduler."""
        if not (self.evidence.job_library and self._scopes and self._scopes[0][0]):
            return False
        if type(receiver) is not cst.Attribute or type(receiver.value) is not cst.Name:
            return False
        if receiver.value.value != "self":
            return False
        job = next((arg.value for arg in call.args if arg.keyword is not None and arg.keyword.value == "func"), None)
        if job is None and call.args and call.args[0].keyword is None:
            job = call.args[0].value
        return type(job) is cst.Attribute and type(job.value) is cst.Name and job.value.value == "self"

    def _own_function_scheduled(self, call: cst.Call, receiver: cst.BaseExpression) -> bool:
        """`scheduler.add_job(cleanup, ...)`, `cleanup` a function of this module and
        `scheduler` an APScheduler scheduler."""
        if not call.args:
            return False
        job = call.args[0].value
        # (a job wrapper defined in the function that schedules it, over what it opened:
        # `async def delete_old_logs_wrapper(): await log_repo.delete_old_logs()`)
        own = self._plain_definitions | self._nested_functions
        return type(job) is cst.Name and job.value in own and self._scheduler(receiver)

    def _scheduler(self, receiver: cst.BaseExpression) -> bool:
        """An APScheduler scheduler (`scheduler = AsyncIOScheduler()`), by its origin."""
        return self._library_of(receiver) == "apscheduler"

    def _job_receiver(self, func: cst.BaseExpression) -> bool:
        """`@celery_app.task`: the receiver is an instance of a job library's app, or, where
        it comes from elsewhere in the project, is named like one (`celery`, `broker`), or
        comes from a module so named (`from app.queue.celery import app`)."""
        if not isinstance(func, cst.Attribute):
            return False
        if self._library_of(func.value) in JOB_LIBRARIES:
            return True
        name = func.value.value if isinstance(func.value, cst.Name) else ""
        if any(word in name.lower() for word in _JOB_APP_WORDS):
            return True
        origin = self.table.qualified_name(func.value) if name else None
        return origin is not None and any(
            word in part.lower() for part in origin.split(".")[1:-1] for word in _JOB_APP_WORDS
        )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not self._scopes:
            self.evidence.classes += 1
            if node.name.value.startswith("Test"):
                self.evidence.test_code = True
            # (mapped columns in a class with bases: its table named by a base's
            # `declared_attr`; a mixin of columns with no base is no table of its own)
            if maps_a_table(node) or (bool(node.bases) and maps_columns(node, self.table)):
                self.evidence.tables += 1
            if unit_of_work(node):
                self.evidence.units_of_work.add(node.name.value)
            if declared_abstract(node):
                self.evidence.abstract_models.add(node.name.value)
        self._enter(True, node.name.value)
        for decorator in node.decorators:
            func = _decorator_callee(decorator)
            if isinstance(func, cst.Attribute) and func.attr.value in ROUTE_METHODS and self._router(func.value):
                # `@router.websocket("/ws/{id}")` on a Starlette `WebSocketEndpoint` class.
                self.evidence.routes += 1
                continue
            qualname = self.table.qualified_name(func) or ""
            if qualname in GRAPHQL_TYPE_DECORATORS:
                self.evidence.graphql_types += 1
            elif qualname in TEMPORAL_WORKFLOWS:
                self.evidence.temporal_jobs += 1  # `@workflow.defn class Sync:` runs on a worker
        if len(self._scopes) == 1:  # a module-level class
            bases = [base_name(self.table, base) for base in node.bases]
            if any(self.table.qualified_name(base.value) in ROUTER_TYPES for base in node.bases):
                self._router_classes.add(node.name.value)
            if any(from_database_library(self.table, base) for base in node.bases):
                self.evidence.database_library_classes.add(node.name.value)
            if any(DATA_ACCESS_NAME.search(base) for base in bases):
                self.evidence.repository_bases += 1
            if DATA_ACCESS_NAME.search(node.name.value):
                self.evidence.repository_classes += 1
                self.evidence.repository_named += bool(_REPOSITORY_NAMED.search(node.name.value))
                if _REPOSITORY_NAMED.search(node.name.value) and self._interface(node):
                    self.evidence.repository_ports += 1
            if _SERVICE_NAMED.search(node.name.value):
                self.evidence.service_classes += 1
                if any(_SERVICE_NAMED.search(base) for base in bases):
                    self.evidence.service_subclasses += 1
            if node.type_parameters is not None or any(
                isinstance(base.value, cst.Subscript) and self.table.qualified_name(base.value.value) in _GENERIC_BASES
                for base in node.bases
            ):
                self.evidence.generic_classes.add(node.name.value)
        for base in node.bases:
            value = base.value.value if isinstance(base.value, cst.Subscript) else base.value
            qualname = self.table.qualified_name(value) or ""
            if qualname in SETTINGS_BASES:
                self.evidence.settings_classes.append(node.name.value)
            elif qualname in _PYDANTIC_MODEL_BASES and node.name.value.endswith(_SETTINGS_SECTION_ENDINGS):
                self.evidence.settings_sections += 1
            elif qualname in _MIDDLEWARE_BASES and len(self._scopes) == 1:
                self.evidence.middleware_classes += 1
            elif qualname in DATALOADER_BASES:
                self.evidence.dataloaders += 1
                self._scopes[-1][4] = True
            elif qualname in GRAPHQL_TYPE_BASES:
                self.evidence.graphql_types += 1
            elif qualname.split(".", 1)[0] in _ADMIN_LIBRARIES and len(self._scopes) == 1:
                self.evidence.admin_views += 1
            elif qualname in _CONTAINER_BASES and len(self._scopes) == 1:
                self.evidence.provider_containers.add(node.name.value)  # `(containers.DeclarativeContainer)`

    def visit_Await(self, node: cst.Await) -> None:
        awaited = node.expression
        if (
            not self.evidence.async_sessions
            and type(awaited) is cst.Call
            and type(awaited.func) is cst.Attribute  # type: ignore[attr-defined]
            and awaited.func.attr.value in SESSION_METHODS  # type: ignore[attr-defined]
            and self._session_like(awaited.func.value)  # type: ignore[attr-defined]
        ):
            self.evidence.async_sessions = True  # `await session.execute(...)`
        # `await self.total` reading an async property of the class (a paginator's count
        # query): the method uses what that member does, as a call of it would.
        held = node.expression
        if (
            isinstance(held, cst.Attribute)
            and isinstance(held.value, cst.Name)
            and held.value.value == "self"
            and self._scopes
            and not self._scopes[-1][0]
        ):
            self._scopes[-1][7].add(held.attr.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        # (`type(...) is` on this hot path: `Name` and `Attribute` have no subclasses, and
        # `isinstance` on libcst's abstract-base-class nodes costs several times more)
        kind = type(func)
        if not self._scopes:
            self._declarative_mixins(node)
        if self.evidence.alembic and kind is cst.Attribute and func.attr.value in _ALEMBIC_ENV_CALLS:  # type: ignore[attr-defined]
            # (`context.configure(...)` of the environment Alembic runs; not the app's own
            # `MigrationContext.configure(connection)` reading the current revision)
            self.evidence.alembic_env |= self.table.qualified_name(func) in _ALEMBIC_ENV_CALLS.values()
        if node.args and last_name(node.args[0].value) in ENGINE_BUILDERS:
            # (a builder handed on uncalled: `providers.Singleton(create_async_engine, url)`)
            self._deferred_build(node, node.args[0].value)
        if self._session_names and node.args and (self._session_names[-1] or self._opened_sessions[-1]):
            taken, opened = self._session_names[-1], self._opened_sessions[-1]
            handed = [arg.value.value for arg in node.args if type(arg.value) is cst.Name]  # type: ignore[attr-defined]
            by_parameter = any(name in taken for name in handed)
            if by_parameter or any(name in opened for name in handed):
                callee = self.table.qualified_name(func) if kind is cst.Name or kind is cst.Attribute else None
                elsewhere = callee is not None and not callee.startswith(f"{self.table.module}.")
                if by_parameter:
                    self.evidence.session_handoffs += 1
                    self._note_self_handoff(func)
                    if elsewhere and callee.split(".", 1)[0] in self._tops:  # type: ignore[union-attr]
                        self.evidence.project_handoffs += 1
                if elsewhere and not callee.startswith("builtins."):  # type: ignore[union-attr]
                    self.evidence.handoffs_out += 1
        if kind is cst.Name and self._scopes and not any(scope[4] for scope in self._scopes):
            # (a decorator's wrapper calling the module's queries, `@require_permissions(...)`
            # checking a row before the endpoint runs, makes the decorator no data access)
            self._local_calls.setdefault(self._scopes[0][1], set()).add(func.value)  # type: ignore[attr-defined]
            if not self._scopes[0][0]:
                called = self.table.value_binding(func)
                if called is not None and called.qualname and not (called.instance_of or called.logger):
                    self.evidence.calls_out.setdefault(self._scopes[0][1], set()).add(called.qualname)
        if kind is cst.Call:
            inner = cast(cst.Call, func).func
            if type(inner) is cst.Attribute and inner.attr.value in ROUTE_METHODS and self._router(inner.value):
                # `router.post("/login", response_model=...)(views.login_view)`: a route
                # registered by calling the decorator.
                self.evidence.routes += 1
        if len(self._scopes) == 2 and self._scopes[0][0] and last_name(func) in _CONSOLE_WRITES:
            self._printing.add((self._scopes[0][1], self._scopes[1][1]))
        if kind is not cst.Attribute:
            self._record_call(func, node)
            return
        func = cast(cst.Attribute, func)
        if (
            type(func.value) is cst.Name
            and func.value.value == "self"  # type: ignore[attr-defined]
            and self._scopes
            and not self._scopes[-1][0]
        ):
            self._scopes[-1][7].add(func.attr.value)
        if (
            func.attr.value in _DATA_WORK_METHODS
            and not http_style_call(node)
            and self._session_like(func.value)
        ):
            self.evidence.session_calls += 1
            self.evidence.module_session_calls += not self._scopes
            if func.attr.value in _QUERY_CALLS and self._scopes:
                if len(self._scopes) == 1 and not self._scopes[0][0] and self._connection_probe(node):
                    self._probes.add(self._scopes[0][1])  # (judged in `finish`)
                else:
                    self._scopes[-1][2] = True
        elif func.attr.value == "include_router" and self._router(func.value):
            self.evidence.router_includes += 1
        elif func.attr.value.startswith("add_") and func.attr.value.endswith("route") and self._router(func.value):
            # `router.add_api_route("/users", list_users)`, a project router's
            # `add_api_view_route(...)`: a route registered by a call.
            self.evidence.routes += 1
        elif func.attr.value == "add_job" and not self._scopes and self._own_function_scheduled(node, func.value):
            # `scheduler.add_job(check_expired_auctions, "interval", seconds=60)`: a function
            # of this module that APScheduler runs in the background, a job as `@app.task`
            # makes one. (Scheduling a job imported from elsewhere defines none here.)
            self.evidence.jobs += 1
        elif func.attr.value == "add_job" and (
            self._own_method_scheduled(node, func.value)
            or (bool(self._scopes) and not self._scopes[0][0] and self._own_function_scheduled(node, func.value))
        ):
            # `self.scheduler.add_job(func=self._weekly_cleanup_job, trigger=CronTrigger(...))`
            # in a scheduler class of a module importing APScheduler (the class's own method
            # is the job), or `scheduler.add_job(cleanup, "cron")` in a `start_scheduler()`
            # function: jobs scheduled where the app starts them (a module no name places).
            self.evidence.scheduled_jobs += 1
        elif (
            func.attr.value in _QUERY_CALLS
            and type(func.value) is cst.Name
            and self._scopes
            and not self._scopes[0][0]
        ):
            binding = self.table.value_binding(func.value)
            if binding is not None and binding.qualname and not (binding.instance_of or binding.logger):
                self.evidence.handle_calls.setdefault(self._scopes[0][1], set()).add(binding.qualname)
        self._record_call(func, node)

    def _connection_probe(self, call: cst.Call) -> bool:
        """`await session.execute(text("SELECT 1"))` as a statement of its own, its result
        unread: a check that the database answers (a health probe beside the engine), which
        reads no row of the app's."""
        parent = self.ancestors[-1] if self.ancestors else None
        if type(parent) is cst.Await and len(self.ancestors) > 1:
            parent = self.ancestors[-2]
        return type(parent) is cst.Expr and probe_statement(call)

    def _record_call(self, func: cst.BaseExpression, node: cst.Call) -> None:
        """What a call says of the module by what it calls: the app, a command line, a
        query run into a data frame, a statement built, an engine or a session factory."""
        qualname = self.table.qualified_name(func)
        if qualname is None:
            return
        if qualname in APP_TYPES:
            self.evidence.app_factory = True
        elif qualname in _COMMAND_LINE_APPS:
            self.evidence.script = True
        if qualname in DATALOADER_BASES and self._scopes and self._scopes[0][0]:
            # `self._loader = DataLoader(load_fn=self._batch_load)` in a class's `__init__`:
            # a batch loader composed rather than extended, serving resolvers as one does.
            self.evidence.dataloaders += 1
            self._scopes[0][4] = True
        if qualname in DATAFRAME_QUERIES and self._scopes:
            # `pd.read_sql_query(text(query), session.connection())`: a query run through the
            # session's connection into a data frame.
            self._scopes[-1][2] = True
        if is_query_builder(qualname, SQL_BUILDERS):
            self.evidence.sql_builders += 1
            if self._scopes and not self._scopes[0][0] and not qualname.endswith(".text"):
                self._query_builders.add(self._scopes[0][1])
            if type(func) is cst.Attribute:
                # `sa.select(...)` through the imported library: LC104 judges `import sqlalchemy as
                # sa`, and `from sqlalchemy.sql import expression` read off as `expression.select`.
                self.evidence.builder_libraries.add(qualname.split(".", 1)[0])
                self.evidence.builder_libraries.add(qualname.rpartition(".")[0])
        if qualname.rsplit(".", 1)[-1] == "close_all_sessions" and qualname.split(".", 1)[0] == "sqlalchemy":
            # The shutdown helper closing every session the factories made: the session
            # lifecycle, the database module's work (LC101).
            self.evidence.closes_sessions = True
        if qualname.rsplit(".", 1)[-1] in ENGINE_BUILDERS and self._main_block is None:
            # (an engine the `__main__` block builds to try the module out is the demo's own:
            # the models of `indication_orm.py` stay models)
            if qualname.split(".", 1)[0] in ("sqlalchemy", "sqlmodel"):
                self.evidence.engine_builders += 1
                if "engine" in qualname.rsplit(".", 1)[-1]:
                    self.evidence.engines += 1
                    if self._scopes and not self._scopes[0][0]:
                        self._engine_owners.add(self._scopes[0][1])
                if not self._scopes:
                    self.evidence.module_factories += 1
                    # `AsyncSessionLocal = async_sessionmaker(engine)` at import time: the
                    # project's sessions are async (one built in a function nobody calls is not).
                    built_async = ".asyncio." in qualname or any(
                        arg.keyword is not None
                        and arg.keyword.value == "class_"
                        and ".asyncio." in (self.table.qualified_name(arg.value) or "")
                        for arg in node.args
                    )
                    self.evidence.async_sessions |= built_async
                    # (`engine = create_engine(url)`, `SessionLocal = sessionmaker(engine)`:
                    # the project's sessions are sync, where this module is used)
                    self.evidence.sync_factories |= not built_async
            elif not qualname.startswith("builtins."):
                self.evidence.builder_calls.append(qualname)
        elif qualname in ENV_READS or qualname in SETTINGS_READERS:
            self._env_read()

    def _deferred_build(self, call: cst.Call, builder: cst.BaseExpression) -> None:
        """`providers.Singleton(create_async_engine, url)`, `partial(sessionmaker, bind=e)`:
        an engine or a session factory built by what the call hands the builder to (a
        dependency-injection container's provider, a partial): the module builds it all the
        same. (`Instance(sessionmaker, ...)`, a traitlet typed with it, builds nothing.)"""
        if last_name(call.func) not in _DEFERRED_BUILDS:
            return
        qualname = self.table.qualified_name(builder) or ""
        if qualname.split(".", 1)[0] in ("sqlalchemy", "sqlmodel"):
            self.evidence.engine_builders += 1

    def _session_like(self, receiver: cst.BaseExpression) -> bool:
        """A receiver annotated as a session, or named like one (`session`, `self.db`)."""
        binding = self.table.value_binding(receiver)
        if binding is not None and binding.instance_of:
            if binding.instance_of in SESSION_TYPES or binding.instance_of in CONNECTION_TYPES:
                return True
            if binding.instance_of in DATABASE_HANDLES:
                return True
            # What a project function made or yields (`with existed_or_new_session(s) as
            # session`) is settled by the index, not here: the name decides meanwhile.
            # A library's class (`aiohttp.ClientSession`) is known, and no database session.
            top = binding.instance_of.split(".", 1)[0]
            if top not in self._tops and (top in _KNOWN_LIBRARIES or top in self._declared):
                return False
            if top in self._tops and _SESSION_ALIAS_NAME.search(binding.instance_of.rsplit(".", 1)[-1]):
                # `database: AsyncDatabaseDep` (`Annotated[AsyncSession, Depends(...)]` in
                # another module): the project's alias, named for the session it stands for
                # (the index settles it for the rules; here it says what the module does).
                return True
        if isinstance(receiver, cst.Name):
            return named_like_session(receiver.value)
        if isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name):
            if receiver.value.value in ("self", "cls"):
                return named_like_session(receiver.attr.value)
            made = self.table.value_binding(receiver.value)
            if library_session(
                self.table.qualified_name(receiver), made.instance_of if made else None, receiver.attr.value
            ):
                return True
            # `async with self.db as db: await db.session.execute(...)`: the session a wrapper
            # named like one holds (what the module does, not a finding: rules follow it).
            library = (made.instance_of or "").split(".", 1)[0] if made is not None else ""
            return (
                receiver.attr.value == "session"
                and named_like_session(receiver.value.value)
                and not (made is not None and made.logger)
                and library not in _KNOWN_LIBRARIES
            )
        return False

    def visit_If(self, node: cst.If) -> None:
        test = node.test
        if self.table.at_module_level and isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name):
            if test.left.value == "__name__" and any(
                isinstance(target.comparator, cst.SimpleString) and "__main__" in target.comparator.value
                for target in test.comparisons
            ):
                self.evidence.script = True
                self._main_block = node

    def leave_If(self, original_node: cst.If) -> None:
        if original_node is self._main_block:
            self._main_block = None

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self.table.qualified_name(node.value) == "os.environ":
            self._env_read()

    def visit_ComparisonTarget(self, node: cst.ComparisonTarget) -> None:
        # `"DB_HOST" not in os.environ`: a read of the environment too (LC602 counts it).
        if isinstance(node.operator, (cst.In, cst.NotIn)) and isinstance(node.comparator, cst.Attribute):
            if self.table.qualified_name(node.comparator) == "os.environ":
                self._env_read()

    def _env_read(self) -> None:
        self.evidence.env_reads += 1
        self.evidence.module_env_reads += not self._scopes
        handed = not self._scopes and self._handed_to_library()
        self.evidence.client_env_reads += handed
        if not self._scopes and not handed:
            # (`SECRET_KEY = os.getenv("SECRET_KEY")`: a setting kept under its name; whether
            # the module reads it itself is asked at the end, `finish`)
            statement = next((a for a in reversed(self.ancestors) if type(a) is cst.Assign), None)
            if statement is not None and len(statement.targets) == 1:  # type: ignore[attr-defined]
                target = statement.targets[0].target  # type: ignore[attr-defined]
                if type(target) is cst.Name and _constant_name(target):
                    self._env_constants.add(target.value)
        if self._scopes and self._scopes[0][0]:
            self.evidence.env_classes.add(self._scopes[0][1])

    def _handed_to_library(self) -> bool:
        """Whether the environment read being visited is an argument (through `or`, `int()`
        and the like) of a call to a library outside the standard one, not to a settings
        class: `redis.Redis(host=os.getenv("REDIS_HOST"))`."""
        for ancestor in reversed(self.ancestors):
            kind = type(ancestor)
            if kind is cst.Call:
                qualname = self.table.qualified_name(ancestor.func) or ""  # type: ignore[attr-defined]
                if not qualname or qualname.startswith("builtins."):
                    continue
                last = qualname.rsplit(".", 1)[-1].lower()
                return (
                    qualname.split(".", 1)[0] not in sys.stdlib_module_names
                    and "settings" not in last
                    and "config" not in last
                )
            if kind not in (cst.Arg, cst.BooleanOperation, cst.IfExp, cst.Comparison, cst.ComparisonTarget):
                return False
        return False


# A class named a repository or a DAO outright (`AuthRepository`, `UserRepo`, `OrderDAO`).
_REPOSITORY_NAMED = re.compile(r"(Repository|Repo|Dao|DAO)$")
# Class names of business logic, named for what they serve (`ServiceStatements` is none, nor
# is a salon's `class Service(Base)`, the noun alone).
_SERVICE_NAMED = re.compile(r".(Service|Services|UseCase|Interactor)$")
# Callable classes named for the request or command they handle (`LoginHandler`,
# `RegisterCommand`).
_USE_CASE_NAMED = re.compile(r".(Handler|Command|Action|Case)$")


# Module-level settings constants from the environment that make a module hold the settings.
_SETTINGS_CONSTANTS = 3


def _names_read(module: cst.Module) -> set[str]:
    """The names read anywhere in a module (an assignment's own target aside)."""
    found: set[str] = set()
    pending: list[cst.CSTNode] = [module]
    while pending:
        node = pending.pop()
        if type(node) is cst.Name:
            found.add(node.value)  # type: ignore[attr-defined]
            continue
        if type(node) is cst.Assign:
            pending.append(node.value)  # type: ignore[attr-defined]
            for target in node.targets:  # type: ignore[attr-defined]
                if type(target.target) is not cst.Name:
                    pending.append(target.target)
            continue
        pending.extend(iter_children(node))
    return found


def _constant_name(target: cst.BaseExpression) -> bool:
    """`JWT_ALGORITHM`, `DB_URL`: a name in capitals, as constants are spelled (not `__all__`)."""
    if not isinstance(target, cst.Name):
        return False
    name = target.value
    return name.isupper() and not name.startswith("__") and any(c.isalpha() for c in name)


def _querying_members(members: dict[str, tuple[bool, set[str]]]) -> set[str]:
    """The methods of a class that query: themselves, or through a public method of the
    class that does (`log_rating()` calling `self.log()`, which adds the row), to a
    fixpoint. A private helper that queries (`_get_valid_token()` saving a refreshed token)
    makes no data access of the API client methods calling it."""
    found = {name for name, (queries, _) in members.items() if queries}
    public = {name for name in found if not name.startswith("_")}
    changed = bool(public)
    while changed:
        changed = False
        for name, (_, called) in members.items():
            if name not in found and called & public:
                found.add(name)
                if not name.startswith("_"):
                    public.add(name)
                changed = True
    return found


def _decorator_callee(decorator: cst.Decorator) -> cst.BaseExpression:
    """What a decorator names: `router.get` for `@router.get("/")`, `task` for `@task`."""
    target = decorator.decorator
    return target.func if isinstance(target, cst.Call) else target


# Clients of the stores a repository may wrap besides the SQL database (also the names of a
# project's modules holding one).
_STORE_LIBRARIES = frozenset(
    {"redis", "aioredis", "motor", "pymongo", "mongo", "mongodb", "elasticsearch", "opensearchpy", "beanie", "odmantic"}
)
# What makes a class a dependency-injection container (its bases, its methods' decorators);
# `@inject` on a service's method only asks to be given its dependencies.
_CONTAINER_BASES = frozenset(
    {
        "dependency_injector.containers.DeclarativeContainer",
        "dependency_injector.containers.DynamicContainer",
        "dishka.Provider",
        "dishka.provider.Provider",
        "injector.Module",
        "that_depends.BaseContainer",
    }
)
_PROVIDING_DECORATORS = frozenset({"dishka.provide", "dishka.provider.provide", "injector.provider"})
# Admin packages whose views are bound to ORM classes by design.
_ADMIN_LIBRARIES = frozenset({"sqladmin", "starlette_admin", "fastapi_admin", "fastapi_amis_admin", "flask_admin"})
def probe_statement(call: cst.Call) -> bool:
    """`session.execute(text("SELECT 1"))`, `conn.execute(select(1))`: the statement of a
    connection check."""
    if not call.args:
        return False
    statement = call.args[0].value
    if type(statement) is not cst.Call or not statement.args:
        return False
    builder = last_name(statement.func)
    inner = statement.args[0].value
    if builder == "text" and isinstance(inner, cst.SimpleString):
        return _PROBE_SQL.fullmatch(inner.raw_value) is not None
    return builder == "select" and type(inner) is cst.Integer and inner.value == "1"


def _request_state_slot(target: cst.BaseExpression) -> bool:
    """`request.state.db`: a slot of the per-request state Starlette hands every handler."""
    return (
        type(target) is cst.Attribute
        and type(target.value) is cst.Attribute
        and target.value.attr.value == "state"
    )

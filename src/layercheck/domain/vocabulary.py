"""Names with a fixed meaning: sqlalchemy's session types and query builders."""

from __future__ import annotations

import re

SQL_MODULES = ("sqlalchemy", "sqlmodel")
# SQLAlchemy's session factories (by their last name): calling one opens a session; a value of
# one is no session itself (`factory.begin()` opens one and runs nothing).
SESSION_FACTORY_NAMES = frozenset({"sessionmaker", "async_sessionmaker"})
SESSION_TYPES = frozenset(
    {
        "sqlalchemy.ext.asyncio.AsyncSession",
        "sqlalchemy.ext.asyncio.session.AsyncSession",
        "sqlalchemy.ext.asyncio.async_sessionmaker",
        "sqlalchemy.ext.asyncio.session.async_sessionmaker",
        "sqlalchemy.ext.asyncio.async_scoped_session",
        "sqlalchemy.orm.Session",
        "sqlalchemy.orm.session.Session",
        "sqlalchemy.orm.sessionmaker",
        "sqlalchemy.orm.session.sessionmaker",
        "sqlalchemy.orm.scoped_session",
        "sqlalchemy.orm.scoping.scoped_session",
        "sqlmodel.Session",
        "sqlmodel.orm.session.Session",
        "sqlmodel.ext.asyncio.session.AsyncSession",
    }
)
# What makes a type variable (`ModelType = TypeVar("ModelType", bound=Base)`).
TYPE_VAR_FACTORIES = frozenset({"typing.TypeVar", "typing_extensions.TypeVar"})
# pydantic-settings' base class, under each name it is importable by.
SETTINGS_BASES = frozenset(
    {
        "pydantic_settings.BaseSettings",
        "pydantic_settings.main.BaseSettings",
        "pydantic.BaseSettings",
        "pydantic.env_settings.BaseSettings",
        "pydantic.v1.BaseSettings",
    }
)
# In a class's `config_keys` fact: its Pydantic config cannot be read statically.
UNKNOWN_CONFIG = "*"
# The annotation of a mapped column (`name: Mapped[str] = mapped_column(...)`).
MAPPED_ANNOTATIONS = frozenset({"sqlalchemy.orm.Mapped", "sqlalchemy.orm.base.Mapped"})
# Parameter names that hold a session by convention, when no annotation says otherwise.
SESSION_PARAMETER_NAMES = frozenset({"db", "session", "db_session", "async_session", "dbsession", "sess"})
# The bases that make a class a structural interface (`class SupportsExecute(Protocol)`).
PROTOCOL_BASES = frozenset({"typing.Protocol", "typing_extensions.Protocol"})
# The bases that make a class an interface another class implements (a port).
INTERFACE_BASES = frozenset({"abc.ABC"}) | PROTOCOL_BASES
# Calls that return a logger, keyed by fully qualified name, with the logger's flavour.
LOGGER_FACTORIES: dict[str, str] = {
    "logging.getLogger": "stdlib",
    "logging.getLoggerClass": "stdlib",
    "logging.root": "stdlib",
    "structlog.get_logger": "structlog",
    "structlog.getLogger": "structlog",
    "structlog.wrap_logger": "structlog",
    "structlog.stdlib.get_logger": "structlog",
    "structlog.get_context": "",
    "aiologger.Logger.with_default_handlers": "stdlib",
    "aiologger.logger.Logger.with_default_handlers": "stdlib",
    # Job libraries' factories hand out the standard library's loggers (or adapters of them).
    "celery.utils.log.get_task_logger": "stdlib",
    "celery.utils.log.get_logger": "stdlib",
    "prefect.get_run_logger": "stdlib",
    "prefect.logging.get_run_logger": "stdlib",
    "prefect.logging.get_logger": "stdlib",
    "dagster.get_dagster_logger": "stdlib",
}
# Module-level logger objects of logging libraries (loguru formats with `{}`, not `%s`).
LOGGER_OBJECTS: dict[str, str] = {"loguru.logger": "loguru", "loguru._logger.logger": "loguru"}
# Annotations (and classes) that declare a logger.
# Methods of a logger that return another logger of the same flavour.
LOGGER_DERIVING_METHODS = frozenset({"bind", "new", "unbind", "try_unbind", "getChild", "opt"})
LOGGER_TYPES: dict[str, str] = {
    "logging.Logger": "stdlib",
    "logging.LoggerAdapter": "stdlib",
    "logging.RootLogger": "stdlib",
    "structlog.BoundLogger": "structlog",
    "structlog.stdlib.BoundLogger": "structlog",
    "structlog.typing.FilteringBoundLogger": "structlog",
    "structlog.types.FilteringBoundLogger": "structlog",
    "structlog.BoundLoggerBase": "structlog",
    "structlog.stdlib.AsyncBoundLogger": "structlog",
    "structlog.PrintLogger": "structlog",
    "loguru.Logger": "loguru",
    "loguru._logger.Logger": "loguru",
    # aiologger's asyncio loggers take the standard library's messages and arguments
    # (`await logger.info("saved %s", key)`).
    "aiologger.Logger": "stdlib",
    "aiologger.logger.Logger": "stdlib",
}


# A connection of an engine runs SQL as a session does (`with engine.begin() as conn:
# conn.execute(...)`): the session rules treat one as a session.
CONNECTION_TYPES = frozenset(
    {
        "sqlalchemy.engine.Connection",
        "sqlalchemy.engine.base.Connection",
        "sqlalchemy.Connection",
        "sqlalchemy.ext.asyncio.AsyncConnection",
        "sqlalchemy.ext.asyncio.engine.AsyncConnection",
    }
)
# The `databases` package's handles (encode/databases, async SQL over SQLAlchemy Core):
# `database = Database(url)` then `await database.fetch_all(query)` runs SQL as a session
# does. Importing the class is no session-type import; a value of it is a session.
DATABASE_HANDLES = frozenset(
    {
        "databases.Database",
        "databases.core.Database",
        "databases.core.Connection",
        "databases.core.Transaction",
    }
)
# Sessions that a library hands out as a global: fastapi-sqlalchemy's request-scoped
# `db.session` (`from fastapi_sqlalchemy import db`, then `db.session.query(User)`), and
# Flask-SQLAlchemy's `db.session` on its extension object. Importing `db` is no
# session-type import; a call on its `session` is a session call.
SESSION_OBJECTS = frozenset({"fastapi_sqlalchemy.db.session", "fastapi_sqlalchemy.middleware.db.session"})
SESSION_OWNERS = frozenset(
    {"flask_sqlalchemy.SQLAlchemy", "flask_sqlalchemy.extension.SQLAlchemy", "fastapi_sqlalchemy.SQLAlchemy"}
)


def library_session(qualname: str | None, owner_type: str | None, attribute: str) -> bool:
    """`db.session` where `db` is a library's session global (`SESSION_OBJECTS`) or an
    instance of a session-owning extension (`db = SQLAlchemy(app)`)."""
    if qualname is not None and qualname in SESSION_OBJECTS:
        return True
    return attribute == "session" and owner_type is not None and owner_type in SESSION_OWNERS


# SQLAlchemy Core's table: `users = Table("users", metadata, Column(...))` is a model the
# way an ORM class is, and `users.select()` builds a query.
CORE_TABLE_TYPES = frozenset({"sqlalchemy.Table", "sqlalchemy.schema.Table", "sqlalchemy.sql.schema.Table"})
# The statements a Core table builds (`users.insert()`); with no argument, so a session's
# `delete(obj)` is not one.
CORE_TABLE_STATEMENTS = frozenset({"select", "insert", "update", "delete"})
# What builds an engine; `engine.connect()` / `engine.begin()` on one opens a connection.
ENGINE_FACTORIES = frozenset(
    {
        "sqlalchemy.create_engine",
        "sqlalchemy.engine.create_engine",
        "sqlalchemy.ext.asyncio.create_async_engine",
        "sqlmodel.create_engine",
        "sqlalchemy.engine.Engine",
        "sqlalchemy.Engine",
        "sqlalchemy.ext.asyncio.AsyncEngine",
    }
)
ENGINE_CONNECTING_METHODS = frozenset({"connect", "begin"})


def named_like_engine(name: str) -> bool:
    """`engine`, `db_engine`, `self.engine`: an engine whose origin is out of sight."""
    bare = name.lstrip("_").lower()
    return bare == "engine" or bare.endswith("_engine")


def named_like_session(name: str) -> bool:
    """The name convention for a database session whose origin is out of sight (an
    unannotated parameter, an attribute set from an unknown call): `session`, `db`,
    `db_session`, `*_session`, `self.session`, `self._db`."""
    bare = name.lstrip("_").lower()
    return bare in SESSION_PARAMETER_NAMES or bare.endswith("_session")


# Words in the name of a class of data access (`UserRepository`, `CRUDBase`, `TagDao`,
# `UsersTable`, `DocumentStore`).
REPOSITORY_NAME = re.compile(r"(?i)repo|crud|dao|store|table|quer|manager|gateway|persist|access|db")
# The words among those that say nothing but data access (a `FeatureStore` or a
# `ConnectionManager` may be anything).
DATA_ACCESS_NAME = re.compile(r"(?i)repo|crud|dao")


def named_like_logger(name: str) -> bool:
    """The name convention for a logger whose origin is out of sight, as ruff's and
    pylint's logging checks use it: `log`, `logger`, `_logger`, `*_logger`, `LOGGER`; and
    `logging`, the stdlib module's name, given to a project logger (`logging =
    logger(__name__)`) or to another library's logging module (`from absl import logging`)."""
    bare = name.lstrip("_").lower()
    return bare in ("log", "logger", "logging") or bare.endswith("_logger")


def is_query_builder(qualname: str, builders: list[str]) -> bool:
    """`sqlalchemy.select`, `sqlalchemy.sql.expression.select`, `sqlmodel.select`..."""
    module, _, name = qualname.rpartition(".")
    if module.split(".", 1)[0] not in SQL_MODULES:
        return False
    if name in builders:
        return True
    # `func.count()`: every attribute of sqlalchemy's `func` builds a SQL function call.
    return "func" in builders and module.rsplit(".", 1)[-1] == "func"


# Module (or package) names for access control or request dependencies: their lookups
# decide or inject, which makes them neither the data-access layer nor services.
CONCERN_WORDS = frozenset(
    {"security", "auth", "authz", "authn", "authorization", "authentication", "permissions", "permission",
     "access", "acl", "rbac", "policies", "policy", "guards", "deps", "dependencies", "oauth", "oauth2", "jwt",
     "login"}
)
# Module names of FastAPI dependencies: they read the body for the endpoints they serve.
DEPENDENCY_WORDS = frozenset({"deps", "dependencies", "dependency"})
# Folders of the app's wiring: the providers that build what the routes are handed
# (`ioc/repository.py`, `di/services.py`, `containers/`), named for what they hand out. (Not
# `providers/`: an auth package's `providers/api_key/services.py` is a provider's service.)
WIRING_FOLDERS = DEPENDENCY_WORDS | frozenset({"ioc", "di", "container", "containers", "wiring"})
# Module (or package) names of background work: jobs whatever their decorators.
BACKGROUND_WORDS = frozenset(
    {"background", "jobs", "tasks", "workers", "worker", "scheduler", "cron", "bgtasks", "daemons"}
)


def named_for(words: frozenset[str], module: str) -> bool:
    """Whether a part of the dotted module name is one of `words` (or ends `_<word>`:
    `pipeline_tasks`)."""
    return any(part in words or part.rsplit("_", 1)[-1] in words for part in module.split("."))


# Data-frame readers that run a query on a connection they are handed
# (`pd.read_sql_query(text(query), session.connection())`).
DATAFRAME_QUERIES = frozenset(
    {"pandas.read_sql", "pandas.read_sql_query", "pandas.read_sql_table", "polars.read_database"}
)


# Third-party packages a FastAPI + SQLAlchemy backend commonly calls.
WELL_KNOWN_LIBRARIES = frozenset(
    {
        "aiobotocore",
        "aiohttp",
        "alembic",
        "anyio",
        "asyncpg",
        "boto3",
        "botocore",
        "celery",
        "fastapi",
        "httpx",
        "jose",
        "jwt",
        "loguru",
        "orjson",
        "passlib",
        "pydantic",
        "pydantic_settings",
        "redis",
        "requests",
        "sqlalchemy",
        "sqlmodel",
        "starlette",
        "structlog",
        "typing_extensions",
    }
)

# Names of configuration modules and packages (`config.py`, `settings/`, `env.py`).
CONFIG_MODULE_NAMES = frozenset(
    {"config", "configs", "settings", "setting", "env", "environment", "conf", "configuration"}
)

# Session methods that run a statement and give its rows back.
STATEMENT_RUNNERS = frozenset({"execute", "exec", "scalars", "scalar"})

# FastAPI's dependency markers: what is written inside them wires a dependency.
DEPENDENCY_MARKERS = frozenset({"fastapi.Depends", "fastapi.Security", "fastapi.params.Depends"})
# Dependency injectors' parameter markers that wrap the type injected (dishka's
# `FromDishka[Repositories]`, wireup's and aioinject's `Injected[UserService]`): the parameter
# holds an instance of that type, as `Annotated[X, Depends(...)]` does.
INJECTION_LIBRARIES = frozenset({"dishka", "wireup", "aioinject"})
INJECTED_TYPE_MARKERS = frozenset({"FromDishka", "Injected"})


def wraps_injected_type(qualname: str) -> bool:
    """Whether a subscripted name is an injector's marker whose first argument is the type."""
    root, _, rest = qualname.partition(".")
    return root in INJECTION_LIBRARIES and rest.rpartition(".")[2] in INJECTED_TYPE_MARKERS


# The calls that make a declarative base (`Base = declarative_base(cls=ActiveRecord)`).
ORM_BASE_FACTORIES = frozenset(
    {
        "sqlalchemy.orm.declarative_base",
        "sqlalchemy.ext.declarative.declarative_base",
        "sqlalchemy.orm.decl_api.declarative_base",
        "sqlalchemy.orm.registry.generate_base",
    }
)


# Libraries' generic CRUD classes, each with the methods that return an instance of the model
# it was constructed over (FastCRUD's `create` adds and returns the ORM object; its `get` and
# `get_multi` return dicts, its `update` nothing).
LIBRARY_CRUD_CREATORS: dict[str, frozenset[str]] = {
    "fastcrud.FastCRUD": frozenset({"create"}),
    "fastcrud.crud.fast_crud.FastCRUD": frozenset({"create"}),
}
# The keyword that makes those methods return the columns of a schema instead (a dict, or the
# schema with FastCRUD's `return_as_model=True`).
LIBRARY_CRUD_SCHEMA_KEYWORDS = frozenset({"schema_to_select"})

# The standard library's `logging` module functions that log through the root logger
# (`logging.info(...)`).
STDLIB_MODULE_LOG_FUNCTIONS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)

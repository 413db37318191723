"""Names with a fixed meaning: sqlalchemy's session types and query builders."""

from __future__ import annotations

SQL_MODULES = ("sqlalchemy", "sqlmodel")
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
# Parameter names that hold a session by convention, when no annotation says otherwise.
SESSION_PARAMETER_NAMES = frozenset({"db", "session", "db_session", "async_session", "dbsession"})


def is_query_builder(qualname: str, builders: list[str]) -> bool:
    """`sqlalchemy.select`, `sqlalchemy.sql.expression.select`, `sqlmodel.select`..."""
    module, _, name = qualname.rpartition(".")
    if module.split(".", 1)[0] not in SQL_MODULES:
        return False
    if name in builders:
        return True
    # `func.count()`: every attribute of sqlalchemy's `func` builds a SQL function call.
    return "func" in builders and module.rsplit(".", 1)[-1] == "func"

"""SPEC revision 2, the lessons of the twentieth round: projects labeled blind (boilerplates
with dependency-injection wiring, ports and adapters, domain-first templates), each lesson a
small project of our own, checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, orm_module, placed

# The API's dependency wiring: providers of repositories (`get_user_repository`) kept with the
# repositories, named in `Depends(...)` by the providers of services, which only hand what
# they are given to the service's constructor. A dependency that queries what its provider
# gives it (`user_repository.get(...)`, or through a helper) reaches the repository.
PROVIDER_WIRING = {
    "app/__init__.py": "",
    "app/models.py": orm_module("User"),
    "app/db.py": """
        from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

        session_factory = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))


        async def get_session():
            async with session_factory() as session:
                yield session
    """,
    "app/repositories/__init__.py": "",
    "app/repositories/users.py": """
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import User


        class UserRepository:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def get(self, user_id: int) -> User | None:
                return await self.session.get(User, user_id)
    """,
    "app/repositories/providers.py": """
        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.db import get_session
        from app.repositories.users import UserRepository


        def get_user_repository(session: AsyncSession = Depends(get_session)) -> UserRepository:
            return UserRepository(session)
    """,
    "app/services/__init__.py": "",
    "app/services/users.py": """
        from app.repositories.users import UserRepository


        class UserService:
            def __init__(self, user_repository: UserRepository) -> None:
                self.user_repository = user_repository
    """,
    "app/api/__init__.py": "",
    "app/api/service_providers.py": """
        from fastapi import Depends

        from app.repositories.providers import get_user_repository
        from app.repositories.users import UserRepository
        from app.services.users import UserService


        def get_user_service(
            user_repository: UserRepository = Depends(get_user_repository),
        ) -> UserService:
            return UserService(user_repository=user_repository)
    """,
    "app/api/current_user.py": """
        from fastapi import Depends, Header

        from app.repositories.providers import get_user_repository
        from app.api.checks import check_key


        async def current_user(key: str = Header(...), users=Depends(get_user_repository)):
            return await check_key(key=key, users=users)
    """,
    "app/api/checks.py": """
        async def check_key(key, users):
            return await users.get(int(key))
    """,
    "app/api/admin.py": """
        from fastapi import Depends

        from app.repositories.providers import get_user_repository


        async def admin_user(users=Depends(get_user_repository)):
            return await users.get(1)
    """,
}


def test_a_repository_provider_only_handed_to_a_service_is_wiring(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", PROVIDER_WIRING)
    assert findings(root, "LC102") == [
        ("app/api/admin.py", 3, "LC102"),
        ("app/api/current_user.py", 3, "LC102"),
    ]


# A connection check beside the engine (`SELECT 1`) reads no table: a health route importing
# it reaches the database module, not data access; a query function beside it is data access,
# and so is a check elsewhere that runs it on the session it is handed.
CONNECTION_PROBE = {
    "app/__init__.py": "",
    "app/models.py": orm_module("User"),
    "app/database.py": """
        from sqlalchemy import func, select, text
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        from app.models import User

        SessionLocal = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))


        async def check_db_connection() -> bool:
            async with SessionLocal() as session:
                await session.execute(text("SELECT 1"))
            return True


        async def ping() -> bool:
            async with SessionLocal() as session:
                await session.execute(select(1))
            return True


        async def count_users() -> int:
            async with SessionLocal() as session:
                return await session.scalar(select(func.count()).select_from(User))
    """,
    "app/checks.py": """
        from sqlalchemy import text
        from sqlalchemy.ext.asyncio import AsyncSession


        async def db_check(session: AsyncSession) -> None:
            await session.scalar(text("SELECT 1"))
    """,
    "app/api/__init__.py": "",
    "app/api/health.py": """
        from fastapi import APIRouter

        from app.database import check_db_connection, ping
        from app.database import count_users
        from app.checks import db_check

        router = APIRouter()


        @router.get("/health")
        async def health() -> dict:
            return {"db": await check_db_connection(), "ping": await ping(), "users": await count_users()}
    """,
}


def test_a_connection_check_beside_the_engine_is_no_data_access(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", CONNECTION_PROBE)
    assert findings(root, "LC102") == [("app/api/health.py", 4, "LC102"), ("app/api/health.py", 5, "LC102")]


# `engine, factory = create_engine_and_session(url)`: a name unpacked from what a project
# function returns is what made that item; a session factory's `.begin()` opens a session
# (the session it gives is one), it runs nothing itself.
UNPACKED_FACTORY = {
    "app/__init__.py": "",
    "app/database.py": """
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine


        def create_engine_and_session(url: str):
            engine = create_async_engine(url)
            db_session = async_sessionmaker(engine, expire_on_commit=False)
            return engine, db_session


        async_engine, async_db_session = create_engine_and_session("sqlite+aiosqlite://")
    """,
    "app/crud.py": """
        async def get_user(db, user_id: int):
            return None
    """,
    "app/services/__init__.py": "",
    "app/services/users.py": """
        from app.crud import get_user
        from app.database import async_db_session


        async def login(user_id: int) -> None:
            async with async_db_session.begin() as db:
                user = await get_user(db, user_id)
                await db.refresh(user)
    """,
}


def test_a_session_factory_unpacked_from_a_project_function_is_no_session(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", UNPACKED_FACTORY)
    assert findings(root, "LC302") == [("app/services/users.py", 8, "LC302")]


# The app's own top package named like a layer (`src/application/`), holding the routers and
# the ORM models a few folders down: the app, not the service layer; and a dependency
# container building the engine and the session factory through its providers does the
# database module's work.
WHOLE_APP_PACKAGE = {
    "src/application/__init__.py": "",
    "src/application/container.py": """
        from dependency_injector import containers, providers
        from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session, create_async_engine
        from sqlalchemy.orm import sessionmaker


        class AppContainer(containers.DeclarativeContainer):
            engine = providers.Singleton(create_async_engine, "sqlite+aiosqlite://")
            factory = providers.Singleton(sessionmaker, class_=AsyncSession, bind=engine)
            session = providers.Singleton(async_scoped_session, factory, scopefunc=id)
    """,
    "src/application/core/__init__.py": "",
    "src/application/core/db/__init__.py": "",
    "src/application/core/db/transactional.py": """
        from functools import wraps

        from dependency_injector.wiring import Provide
        from sqlalchemy.ext.asyncio import async_scoped_session

        session: async_scoped_session = Provide["session"]


        def transactional(func):
            @wraps(func)
            async def run(*args, **kwargs):
                try:
                    result = await func(*args, **kwargs)
                    await session.commit()
                except Exception:
                    await session.rollback()
                    raise
                return result

            return run
    """,
    "src/application/domain/__init__.py": "",
    "src/application/domain/user/__init__.py": "",
    "src/application/domain/user/models.py": orm_module("User"),
    "src/application/domain/user/repository.py": """
        from application.core.db.transactional import transactional


        class UserRepository:
            @transactional
            async def save(self, user) -> None:
                return None
    """,
    "src/application/domain/user/service.py": """
        from sqlalchemy.ext.asyncio import AsyncSession


        class UserService:
            async def rename(self, session: AsyncSession) -> None:
                await session.commit()
    """,
    "src/application/domain/user/views.py": """
        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/users")
        async def users() -> list:
            return []
    """,
}


def test_the_apps_top_package_named_like_a_layer_is_the_app(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", WHOLE_APP_PACKAGE, "[project]\nname = 'app'\n\n[tool.layercheck]\nsrc = ['src']\n")
    layers = placed(root)
    assert layers["src/application/core/db/transactional.py"]["layer"] is None
    assert layers["src/application/domain/user/service.py"]["layer"] == "service"
    assert findings(root, "LC101", "LC302") == [
        ("src/application/domain/user/service.py", 1, "LC101"),
        ("src/application/domain/user/service.py", 6, "LC302"),
    ]


# A generic service in PEP 695 syntax (`class BaseService[Model: Base]`): `-> Model` hands
# the caller an ORM object, as `TypeVar("Model", bound=Base)` would; a parameter bound to a
# Pydantic model, or to nothing, is no ORM.
PEP695_SERVICE = {
    "app/__init__.py": "",
    "app/models.py": orm_module("User"),
    "app/services/__init__.py": "",
    "app/services/base.py": """
        from pydantic import BaseModel

        from app.models import Base


        class BaseService[Model: Base, CreateSchema: BaseModel]:
            def __init__(self, repository) -> None:
                self.repository = repository

            async def create(self, data: CreateSchema) -> Model:
                return await self.repository.create(data)

            async def echo(self, data: CreateSchema) -> CreateSchema:
                return data


        class Box[T]:
            def get(self) -> T:
                return self.value
    """,
}


def test_a_pep_695_type_parameter_bound_to_the_orm_is_an_orm_return(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", PEP695_SERVICE)
    assert findings(root, "LC301") == [("app/services/base.py", 10, "LC301")]


# SQLModel tables and schemas in feature files named `model.py` (no layer by name): a file
# defining a table is the model layer by what it is, and importing table-less SQLModel
# classes that no table extends (`BaseRead`) from another file is importing schemas.
SQLMODEL_FEATURES = {
    "app/__init__.py": "",
    "app/base/__init__.py": "",
    "app/base/model.py": """
        from sqlmodel import SQLModel


        class BaseRead(SQLModel):
            success: bool = True


        class Timestamps(SQLModel):
            created: str = ""
    """,
    "app/users/__init__.py": "",
    "app/users/model.py": """
        from sqlmodel import Field, SQLModel

        from app.base.model import BaseRead
        from app.base.model import Timestamps


        class UserBase(SQLModel):
            name: str


        class User(UserBase, Timestamps, table=True):
            id: int | None = Field(default=None, primary_key=True)


        class UserRead(BaseRead):
            data: UserBase
    """,
}


def test_a_table_less_sqlmodel_class_no_table_extends_is_a_schema(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", SQLMODEL_FEATURES)
    assert findings(root, "LC103") == [("app/users/model.py", 3, "LC103")]


# A class with log-level method names that prints to the terminal (a command line's
# `Display`) is no logger; a project module's `log(msg, level)` handing its message to
# `logging.log(level=level, msg=msg)` is a logging wrapper, called as `logger.log(msg=...)`.
CONSOLE_AND_WRAPPER = {
    "app/__init__.py": "",
    "app/cli.py": """
        from rich.console import Console


        class Display:
            def __init__(self) -> None:
                self._console = Console()

            def log(self, msg: str) -> None:
                self._console.print(msg)

            def warning(self, msg: str) -> None:
                self._console.print(msg, style="yellow")

            def error(self, msg: str) -> None:
                self._console.print(msg, style="red")


        display = Display()


        def run(user: str) -> None:
            display.error(f"could not create {user}")
    """,
    "app/logger/__init__.py": """
        import logging


        def log(msg: object, level: int | None = None, **kwargs) -> None:
            level = level or logging.INFO
            msg = str(msg)
            logging.log(level=level, msg=msg, **kwargs)
    """,
    "app/middleware.py": """
        from app import logger


        def record(path: str, status: int) -> None:
            logger.log(msg=f"{path} answered {status}")
            logger.log(msg="done", extra={"path": f"{path}"})
    """,
}


def test_a_console_printer_is_no_logger_and_a_modules_log_function_is_a_wrapper(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", CONSOLE_AND_WRAPPER)
    assert findings(root, "LC701") == [("app/middleware.py", 5, "LC701")]


# A project logging class with one `log(self, level, message)` handing the message to loguru
# is a logger, also as `self.log(...)` in a class extending it; so is what a classmethod
# returns from the class's own attribute (`Logger.get()` returning `cls.__logger`).
LOGGING_CLASSES = {
    "app/__init__.py": "",
    "app/logs.py": """
        from loguru import logger


        class Logging:
            def log(self, level, message):
                if level == "debug":
                    logger.debug(message)
                else:
                    logger.info(message)


        class ActivityLog(Logging):
            async def record(self, item) -> None:
                self.log("debug", f"existing log: {item}")
                self.log("debug", "plain message")


        class Report:
            def log(self, level, message):
                return (level, message)

            def run(self, item) -> None:
                self.log("debug", f"not a logger: {item}")


        app_logger = Logging()
    """,
    "app/loggers.py": """
        from loguru import logger as loguru_logger


        class Logger:
            __logger = loguru_logger

            @classmethod
            def get(cls):
                return cls.__logger
    """,
    "app/jobs.py": """
        from app.loggers import Logger
        from app.logs import app_logger


        def run(data: str) -> None:
            Logger.get().info(f"got {data}")
            app_logger.log("error", f"failed on {data}")
    """,
}


def test_a_logging_class_with_a_log_method_and_a_logger_getter_are_loggers(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", LOGGING_CLASSES)
    assert findings(root, "LC701") == [
        ("app/jobs.py", 6, "LC701"),
        ("app/jobs.py", 7, "LC701"),
        ("app/logs.py", 14, "LC701"),
    ]


# An `auth.py` in no layer by name reading the login form (`Form()`) beside the functions
# that authenticate users serves the endpoints; a module of handlers reading the body that
# another module registers as routes is the API.
LOGIN_FORM_DEPENDENCY = {
    "app/__init__.py": "",
    "app/models.py": orm_module("User"),
    "app/crud.py": """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import User


        async def get_user_by_username(session: AsyncSession, username: str) -> User | None:
            return await session.scalar(select(User).where(User.id == username))
    """,
    "app/core/__init__.py": "",
    "app/core/auth.py": """
        from fastapi import Form

        from app.crud import get_user_by_username


        async def authenticate_user(session, username: str, password: str):
            return await get_user_by_username(session, username)


        async def validate_form(session, username: str = Form(), password: str = Form()):
            return await authenticate_user(session, username, password)
    """,
    "app/chat/__init__.py": "",
    "app/chat/chat.py": """
        from fastapi import Body

        from app.crud import get_user_by_username


        def build_prompt(query: str) -> str:
            return query


        async def chat(session, query: str = Body(...)):
            return await get_user_by_username(session, build_prompt(query))
    """,
}


def test_a_login_form_dependency_in_auth_py_makes_no_module_of_endpoints(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", LOGIN_FORM_DEPENDENCY)
    layers = placed(root)
    assert layers["app/core/auth.py"]["layer"] is None
    assert layers["app/chat/chat.py"]["layer"] == "api"


# sqlalchemy's `select` re-exported by the project's database package is still a query
# builder for a router importing it from there; a project function named `select` is not.
REEXPORTED_BUILDER = {
    "app/__init__.py": "",
    "app/db/__init__.py": """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        SessionLocal = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))

        __all__ = ["SessionLocal", "select"]
    """,
    "app/picker.py": """
        def select(options: list[str]) -> str:
            return options[0]
    """,
    "app/api/__init__.py": "",
    "app/api/users.py": """
        from fastapi import APIRouter

        from app.db import select
        from app.picker import select as pick

        router = APIRouter()


        @router.get("/first")
        async def first() -> str:
            return pick(["a", str(select)])
    """,
}


def test_a_query_builder_re_exported_by_the_project_is_still_one(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", REEXPORTED_BUILDER)
    assert findings(root, "LC104") == [("app/api/users.py", 3, "LC104")]

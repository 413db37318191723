"""SPEC revision 2, the lessons of the twenty-third round, each a small project of our own
checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, orm_module, placed


def test_logging_wrappers_that_take_the_message_after_other_values(tmp_path: Path) -> None:
    # `ctx.dynamic_log(status, f"...")` where `dynamic_log(self, level, message)` hands
    # `message` to a logger, and a module's `def log(level, msg)` doing the same: the f-string
    # in the place the wrapper logs is the message. An f-string in a place the wrapper does not
    # log (`emit(f"...", text)` where `emit` logs its second parameter), and a wrapper that logs
    # a fixed text, are no log messages.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/context.py": """
                import logging

                logger = logging.getLogger(__name__)


                def log(level: int, msg: str) -> None:
                    logger.log(level, msg)


                def emit_log(title: str, text: str) -> None:
                    logger.info(text, extra={"title": title})


                class JobContext:
                    def __init__(self) -> None:
                        self.logger = logging.getLogger("jobs")

                    def dynamic_log(self, status: str, message: str) -> None:
                        getattr(self.logger, status)(message)
                        self.logger.info(message)

                    def status_log(self, status: str, count: int) -> None:
                        self.logger.info("status", extra={"status": status, "count": count})
            """,
            "app/tasks.py": """
                import logging

                from app.core.context import JobContext, emit_log, log


                def cleanup(ctx: JobContext, days: int) -> None:
                    ctx.dynamic_log("info", f"cleaning results older than {days} days")
                    ctx.dynamic_log(f"{days}", "cleaning")
                    ctx.status_log(f"{days}", days)
                    log(logging.INFO, f"cleaned {days}")
                    emit_log("title", f"cleaned {days}")
                    emit_log(f"title {days}", "text")
            """,
        },
    )
    assert findings(root, "LC701") == [
        ("app/tasks.py", 7, "LC701"),
        ("app/tasks.py", 10, "LC701"),
        ("app/tasks.py", 11, "LC701"),
    ]


def test_a_sqlmodel_table_whose_class_statement_leaves_out_its_base(tmp_path: Path) -> None:
    # `class CourseEntity(table=True):` with the `SQLModel` base left out (a slip the module's
    # `from sqlmodel import Field` shows): the class statement says it is meant to be a
    # table, so a router importing it imports an ORM class. A class taking `table=True` in a
    # module that does not use SQLModel says nothing of the kind.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models/__init__.py": "",
            "app/models/course.py": """
                from sqlmodel import Field


                class CourseEntity(table=True):
                    __tablename__ = "courses"
                    id: int = Field(primary_key=True)
                    name: str
            """,
            "app/models/widget.py": """
                class Widget(table=True):
                    name: str
            """,
            "app/api/__init__.py": "",
            "app/api/courses.py": """
                from fastapi import APIRouter

                from app.models.course import CourseEntity
                from app.models.widget import Widget

                router = APIRouter()


                @router.get("/courses")
                def courses() -> list[str]:
                    return [CourseEntity.__name__, Widget.__name__]
            """,
        },
    )
    assert findings(root, "LC104") == [("app/api/courses.py", 3, "LC104")]


def _dishka_provider(name: str, imports: str = "", provides: str = "") -> str:
    """A dishka `Provider` module building the session factory and yielding the request's
    session, with more imports and provisions where given."""
    return f"""
from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

{imports}from app.infra.db import new_session_maker


class {name}(Provider):
    @provide(scope=Scope.APP)
    def session_maker(self) -> async_sessionmaker[AsyncSession]:
        return new_session_maker("sqlite+aiosqlite://")

    @provide(scope=Scope.REQUEST)
    async def session(self, maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
        async with maker() as session:
            yield session
{provides}"""


def test_a_dependency_injection_container_wiring_the_interactors(tmp_path: Path) -> None:
    # `ioc/app.py`'s dishka `Provider` yields the request's session and provides the gateway
    # and the use-case interactors over it: the app's composition root, in no layer (its
    # imports of the services and repositories are wiring, no contract). A provider that
    # only builds the session factory and yields the session stays the database's.
    interactor = """
        class {name}:
            def __init__(self, gateway) -> None:
                self.gateway = gateway

            async def __call__(self, user_id: int):
                return await self.gateway.get(user_id)
    """
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/infra/__init__.py": "",
            "app/infra/db.py": """
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine


                def new_session_maker(url: str):
                    return async_sessionmaker(create_async_engine(url))
            """,
            "app/infra/repositories/__init__.py": "",
            "app/infra/repositories/users.py": """
                from sqlalchemy import text
                from sqlalchemy.ext.asyncio import AsyncSession


                class UserGateway:
                    def __init__(self, session: AsyncSession) -> None:
                        self.session = session

                    async def get(self, user_id: int):
                        return (await self.session.execute(text("select 1"))).first()
            """,
            "app/application/__init__.py": "",
            "app/application/interactors/__init__.py": "",
            "app/application/interactors/get_user.py": interactor.format(name="GetUserInteractor"),
            "app/ioc/__init__.py": "",
            "app/ioc/app.py": _dishka_provider(
                "AppProvider",
                imports=(
                    "from app.application.interactors.get_user import GetUserInteractor\n"
                    "from app.infra.repositories.users import UserGateway\n"
                ),
                provides=(
                    "\n    gateway = provide(UserGateway, scope=Scope.REQUEST)\n"
                    "    get_user = provide(GetUserInteractor, scope=Scope.REQUEST)\n"
                ),
            ),
            "app/ioc/database.py": _dishka_provider("DatabaseProvider"),
        },
    )
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/ioc/app.py"] is None
    assert layers["app/ioc/database.py"] == "database"
    assert findings(root, "LC102", "LC103") == []


def test_a_database_module_with_the_models_crud_mixin_beside_its_session_factory(tmp_path: Path) -> None:
    # `database.py` builds the engine and `SessionLocal` at module level, declares `Base`, and
    # holds the `CRUD` mixin the models combine with `Base` (`cls.db.query(cls)`): the
    # database module, not a store class building its own engine, so the models may import
    # its `Base`.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/database.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import Session, declarative_base, sessionmaker

                engine = create_engine("sqlite://")
                SessionLocal = sessionmaker(bind=engine)
                Base = declarative_base()


                class CRUD:
                    db: Session = SessionLocal()

                    @classmethod
                    def find(cls, **kwargs):
                        return cls.db.query(cls).filter_by(**kwargs).first()

                    @classmethod
                    def find_all(cls):
                        return cls.db.query(cls).all()

                    def save(self):
                        self.db.add(self)
                        self.db.commit()
                        return self
            """,
            "app/models.py": """
                from sqlalchemy import Column, Integer

                from app.database import CRUD, Base


                class Role(Base, CRUD):
                    __tablename__ = "roles"
                    id = Column(Integer, primary_key=True)
            """,
        },
    )
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/database.py"] == "database"
    assert findings(root, "LC103") == []


def test_a_unit_of_work_that_begins_and_a_class_handing_out_sessions_it_builds(tmp_path: Path) -> None:
    # `application/transaction/implements/SignUpTransactionImpl.py` begins, commits, rolls back
    # and closes the session it holds, and nothing else: the database's unit of work, filed
    # among the use cases (its session calls are no service's). `utility/DBSession.py`'s
    # `DBSession.get()` builds `Session(engine)` and returns it: a session factory of its own,
    # the database module, so its session type import is fine.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/application/__init__.py": "",
            "app/application/transaction.py": """
                from sqlmodel import Session


                class SignUpTransactionImpl:
                    def __init__(self, session: Session) -> None:
                        self.session = session

                    def begin(self):
                        self.session.begin()

                    def commit(self):
                        self.session.commit()

                    def rollback(self):
                        self.session.rollback()

                    def close(self):
                        self.session.close()
            """,
            "app/utility/__init__.py": "",
            "app/utility/db_session.py": """
                from sqlmodel import Session, create_engine


                class DBSession:
                    url = "sqlite://"

                    @classmethod
                    def get(cls):
                        session = Session(create_engine(cls.url))
                        return session
            """,
        },
    )
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/application/transaction.py"] == "database"
    assert layers["app/utility/db_session.py"] == "database"
    assert findings(root, "LC101", "LC302") == []


def test_the_first_item_of_a_queried_row_and_a_library_crud_create(tmp_path: Path) -> None:
    # A service returns `row[0] if row else None` of `row = (await db.execute(select(User)))
    # .first()`: the ORM entity itself (LC301), as it does FastCRUD's `crud_users.create(...)`
    # over `crud_users = CRUDUser(User)` with `CRUDUser = FastCRUD[User, ...]`. FastCRUD's
    # `get` returns a dict, so does `create(..., schema_to_select=...)`, and `row[0]` of a
    # count query is a number: no finding.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/crud.py": """
                from fastcrud import FastCRUD

                from app.models import User

                CRUDUser = FastCRUD[User, None, None, None, None]
                crud_users = CRUDUser(User)
            """,
            "app/services/__init__.py": "",
            "app/services/users.py": """
                from sqlalchemy import func, select
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.crud import crud_users
                from app.models import User


                async def by_email(db: AsyncSession, email: str):
                    result = await db.execute(select(User).where(User.email == email))
                    row = result.first()
                    user = row[0] if row else None
                    return user


                async def count(db: AsyncSession):
                    row = (await db.execute(select(func.count()).select_from(User))).first()
                    return row[0]


                async def create(db: AsyncSession, data):
                    created = await crud_users.create(db=db, object=data)
                    return created


                async def read(db: AsyncSession, user_id: int):
                    found = await crud_users.get(db=db, id=user_id)
                    return found


                async def create_read(db: AsyncSession, data):
                    return await crud_users.create(db=db, object=data, schema_to_select=dict)
            """,
        },
    )
    assert findings(root, "LC301") == [("app/services/users.py", 12, "LC301"), ("app/services/users.py", 22, "LC301")]


def test_a_connection_opened_at_module_level_and_a_settings_object_carrying_the_base(tmp_path: Path) -> None:
    # `conn = engine.connect()` in the database module, imported by a router that runs
    # `conn.execute(...)`: SQL run in a router (LC201) as on a session. `settings.Base` (a
    # declarative base held by the settings class) makes `settings` no model import: the
    # database module may import it, a model may not (config).
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/config.py": """
                from pydantic_settings import BaseSettings
                from sqlalchemy.orm import declarative_base


                class Settings(BaseSettings):
                    db_url: str = "sqlite://"
                    Base = declarative_base()


                settings = Settings()
            """,
            "app/core/database.py": """
                from sqlalchemy import create_engine

                from app.core.config import settings

                engine = create_engine(settings.db_url)
                conn = engine.connect()
            """,
            "app/models/__init__.py": "",
            "app/models/user.py": """
                from sqlalchemy import Column, Integer

                from app.core.config import settings


                class User(settings.Base):
                    __tablename__ = "users"
                    id = Column(Integer, primary_key=True)
            """,
            "app/routes/__init__.py": "",
            "app/routes/users.py": """
                from fastapi import APIRouter
                from sqlalchemy import text

                from app.core.database import conn

                router = APIRouter()


                @router.get("/users")
                def users() -> list[int]:
                    return [row[0] for row in conn.execute(text("select id from users"))]
            """,
        },
    )
    # (two on the router's line: the `text()` statement built there, and its execution)
    assert findings(root, "LC103", "LC201") == [
        ("app/models/user.py", 3, "LC103"),
        ("app/routes/users.py", 11, "LC201"),
        ("app/routes/users.py", 11, "LC201"),
    ]


def test_the_logging_setup_reading_the_level_from_the_environment(tmp_path: Path) -> None:
    # `core/log_config.py` reading `LOG_LEVEL` from the environment is the logging setup, not
    # the settings module: its read is one more setting for the settings (LC602). The
    # `app_config.py` beside it, which reads the environment into the app's values, is the
    # configuration.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/log_config.py": """
                import logging
                import os


                def get_log_level() -> int:
                    return getattr(logging, os.getenv("LOG_LEVEL", "INFO").upper())
            """,
            "app/core/app_config.py": """
                import os


                def database_url() -> str:
                    return os.getenv("DATABASE_URL", "sqlite://")
            """,
        },
    )
    assert findings(root, "LC602") == [("app/core/log_config.py", 6, "LC602")]


def test_models_of_other_orms_are_orm_classes(tmp_path: Path) -> None:
    # ormar's and Tortoise's `Model` subclasses are the app's mapped tables: a router importing
    # one imports an ORM class (LC104). A Pydantic `User` schema beside it is no model.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models/__init__.py": "",
            "app/models/user.py": """
                import ormar


                class User(ormar.Model):
                    ormar_config = ormar.OrmarConfig(tablename="users")
                    id: int = ormar.Integer(primary_key=True)
            """,
            "app/models/event.py": """
                from tortoise import fields
                from tortoise.models import Model


                class Event(Model):
                    id = fields.IntField(pk=True)
            """,
            "app/schemas/__init__.py": "",
            "app/schemas/user.py": """
                from pydantic import BaseModel


                class User(BaseModel):
                    id: int
            """,
            "app/api/__init__.py": "",
            "app/api/users.py": """
                from fastapi import APIRouter

                from app.models.event import Event
                from app.models.user import User as UserModel
                from app.schemas.user import User

                router = APIRouter()


                @router.get("/users")
                def users() -> list[User]:
                    return [UserModel.__name__, Event.__name__]
            """,
        },
    )
    assert findings(root, "LC104") == [("app/api/users.py", 3, "LC104"), ("app/api/users.py", 4, "LC104")]


def test_an_engine_built_to_try_the_models_out_and_a_unit_of_work_building_repositories(tmp_path: Path) -> None:
    # `indication_orm.py` declares the models and builds an engine only in its `__main__`
    # block to try them out: no database module. `indication_unit_of_work.py` builds the
    # engine and the session factory at module level, and its unit of work (nothing but
    # `__enter__`/`__exit__`/`commit`/`rollback`) builds the repository over its session: the
    # database's unit of work, so importing the repository goes against the layer direction.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/infra/__init__.py": "",
            "app/infra/indication_orm.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


                class Base(DeclarativeBase):
                    pass


                class IndicationOrm(Base):
                    __tablename__ = "indications"
                    id: Mapped[int] = mapped_column(primary_key=True)


                if __name__ == "__main__":
                    engine = create_engine("sqlite://", echo=True)
                    Base.metadata.create_all(engine)
            """,
            "app/infra/repository.py": """
                from sqlalchemy import select
                from sqlalchemy.orm import Session

                from app.infra.indication_orm import IndicationOrm


                class IndicationRepository:
                    def __init__(self, session: Session) -> None:
                        self.session = session

                    def find(self, indication_id: int):
                        statement = select(IndicationOrm).where(IndicationOrm.id == indication_id)
                        return self.session.scalars(statement).first()
            """,
            "app/infra/indication_unit_of_work.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import sessionmaker

                from app.infra.repository import IndicationRepository

                SESSION_FACTORY = sessionmaker(bind=create_engine("sqlite://"))


                class IndicationUnitOfWork:
                    def __enter__(self):
                        self.session = SESSION_FACTORY()
                        self.indications = IndicationRepository(self.session)
                        return self

                    def __exit__(self, *args):
                        self.rollback()
                        self.session.close()

                    def commit(self):
                        self.session.commit()

                    def rollback(self):
                        self.session.rollback()
            """,
        },
    )
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/infra/indication_orm.py"] != "database"
    assert layers["app/infra/indication_unit_of_work.py"] == "database"
    assert findings(root, "LC103") == [("app/infra/indication_unit_of_work.py", 4, "LC103")]


def test_a_main_module_of_the_db_package_that_creates_no_app(tmp_path: Path) -> None:
    # `db/main.py` builds the engine and yields the request's session, and creates no app:
    # the database module, whatever `main.py` usually means. Its `init_db()` importing a model
    # for `create_all` goes against the layer direction (the database may import config). The
    # app's own `main.py`, which creates the FastAPI app, stays main.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Book"),
            "app/db/__init__.py": "",
            "app/db/main.py": """
                from collections.abc import AsyncIterator

                from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

                engine = create_async_engine("sqlite+aiosqlite://")


                async def init_db() -> None:
                    from app.models import Base, Book

                    async with engine.begin() as connection:
                        await connection.run_sync(Base.metadata.create_all)


                async def get_session() -> AsyncIterator[AsyncSession]:
                    async with async_sessionmaker(engine)() as session:
                        yield session
            """,
            "app/main.py": """
                from fastapi import FastAPI

                from app.db.main import init_db

                app = FastAPI(on_startup=[init_db])
            """,
        },
    )
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/db/main.py"] == "database"
    assert layers["app/main.py"] == "main"
    assert findings(root, "LC103") == [("app/db/main.py", 9, "LC103")]


def test_the_loader_the_config_module_runs_before_reading_the_settings(tmp_path: Path) -> None:
    # `core/vault_loader.py` puts the secrets of a file in the environment (`os.environ[key] =
    # value` for each key it reads) and `core/config.py` runs it before `Settings()` reads
    # them: the configuration's own loader, whose `PYTHON_ENVIRONMENT` read is part of loading
    # the settings. `core/logging_utils.py`, which the config module imports too and which sets
    # one named variable, is no loader, nor is `core/manager.py` calling `load_dotenv()` to
    # read its own secret: their reads are LC602's.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/vault_loader.py": """
                import json
                import os


                def load_config() -> None:
                    environment = os.getenv("PYTHON_ENVIRONMENT", "development")
                    with open(f"/vault/secrets/{environment}.json") as handle:
                        for key, value in json.load(handle).items():
                            os.environ[key] = str(value)
            """,
            "app/core/logging_utils.py": """
                import logging
                import os


                def setup_logging() -> None:
                    os.environ["LOG_FILE_NAME"] = "app.log"
                    logging.basicConfig(level=os.getenv("LOG_LEVEL", "INFO"))
            """,
            "app/core/manager.py": """
                import os

                from dotenv import load_dotenv

                load_dotenv()
                SECRET = os.getenv("SECRET")
            """,
            "app/core/config.py": """
                from pydantic_settings import BaseSettings

                from app.core.logging_utils import setup_logging
                from app.core.manager import SECRET
                from app.core.vault_loader import load_config

                load_config()
                setup_logging()


                class Settings(BaseSettings):
                    database_url: str = "sqlite://"


                settings = Settings()
            """,
        },
    )
    assert findings(root, "LC602") == [("app/core/logging_utils.py", 7, "LC602"), ("app/core/manager.py", 6, "LC602")]


def test_a_session_dependency_module_and_a_store_lending_its_session(tmp_path: Path) -> None:
    # `database/functions.py` yields a session of the database module's factory and holds the
    # `create_all()` helper: the session dependency, the database's own (its session type
    # import is fine). `core/deps.py`, whose `get_current_user` queries through it, is a
    # request dependency in no layer, held to LC101. `services/database.py`'s `DatabaseService` builds
    # its engine, runs every query and also lends a session out: a store, the repository.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/database/__init__.py": """
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                engine = create_async_engine("sqlite+aiosqlite://")
                local_session = async_sessionmaker(engine)
            """,
            "app/database/functions.py": """
                from collections.abc import AsyncIterator

                from sqlalchemy.ext.asyncio import AsyncSession

                from app.database import engine, local_session


                async def get_async_session() -> AsyncIterator[AsyncSession]:
                    async with local_session() as session:
                        yield session


                async def create_all() -> None:
                    from app.models import Base

                    async with engine.begin() as connection:
                        await connection.run_sync(Base.metadata.create_all)
            """,
            "app/core/__init__.py": "",
            "app/core/deps.py": """
                from fastapi import Depends
                from fastapi.security import OAuth2PasswordBearer
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.database.functions import get_async_session
                from app.models import User

                oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


                async def get_current_user(
                    token: str = Depends(oauth2_scheme), session: AsyncSession = Depends(get_async_session)
                ) -> User | None:
                    return await session.scalar(select(User).where(User.email == token))
            """,
            "app/services/__init__.py": "",
            "app/services/database.py": """
                from sqlmodel import Session, create_engine, select

                from app.models import User


                class DatabaseService:
                    def __init__(self) -> None:
                        self.engine = create_engine("sqlite://")

                    def get_session(self) -> Session:
                        return Session(self.engine)

                    def get_user(self, user_id: int):
                        with Session(self.engine) as session:
                            return session.exec(select(User).where(User.id == user_id)).first()

                    def list_users(self):
                        with Session(self.engine) as session:
                            return session.exec(select(User)).all()

                    def add_user(self, user: User) -> None:
                        with Session(self.engine) as session:
                            session.add(user)
                            session.commit()


                database_service = DatabaseService()
            """,
        },
    )
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/database/functions.py"] == "database"
    assert layers["app/core/deps.py"] is None
    assert layers["app/services/database.py"] == "repository"
    assert findings(root, "LC101") == [("app/core/deps.py", 4, "LC101")]


def test_an_example_env_file_spelled_with_a_dash(tmp_path: Path) -> None:
    # `.env-template` beside the settings is the example file (as `.env.template` is): no
    # "missing" finding; the keys it lacks are reported on it.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/config.py": """
                from pydantic_settings import BaseSettings


                class Settings(BaseSettings):
                    DATABASE_URL: str
                    SENTRY_DSN: str
            """,
            ".env-template": "DATABASE_URL=\n",
        },
    )
    assert findings(root, "LC802") == [(".env-template", 1, "LC802")]


def test_a_session_context_of_a_repository_module(tmp_path: Path) -> None:
    # `repositories/base.py` holds the repositories' base beside `managed_session()`, the
    # context manager yielding the request's session: a router opening it calls no repository
    # (LC202 reports the repository's own call).
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/repositories/__init__.py": "",
            "app/repositories/base.py": """
                from collections.abc import AsyncIterator
                from contextlib import asynccontextmanager

                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

                from app.models import User

                factory = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))


                @asynccontextmanager
                async def managed_session() -> AsyncIterator[AsyncSession]:
                    async with factory() as session:
                        yield session


                class UserRepository:
                    @classmethod
                    async def get(cls, session: AsyncSession, user_id: int):
                        return await session.scalar(select(User).where(User.id == user_id))
            """,
            "app/api/__init__.py": "",
            "app/api/users.py": """
                from fastapi import APIRouter

                from app.repositories.base import UserRepository, managed_session

                router = APIRouter()


                @router.get("/users/{user_id}")
                async def read(user_id: int) -> dict:
                    async with managed_session() as session:
                        user = await UserRepository.get(session, user_id)
                    return {"id": user.id}
            """,
        },
    )
    assert findings(root, "LC202") == [("app/api/users.py", 11, "LC202")]


def test_a_service_returning_a_column_ordering_returns_no_row(tmp_path: Path) -> None:
    # `get_default_order_by()` of a service returns `User.created_at.desc()`: an ordering on a
    # column, no ORM row (LC301 holds `User(...)` built and returned).
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/services/__init__.py": "",
            "app/services/users.py": """
                from app.models import User


                def get_default_order_by():
                    return User.id.desc()


                def new_user():
                    user = User(id=1)
                    return user
            """,
        },
    )
    assert findings(root, "LC301") == [("app/services/users.py", 10, "LC301")]

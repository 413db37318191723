"""SPEC revision 2, the lessons of the twenty-second round, each a small project of our own
checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import run_layercheck, write_project
from test_revision2 import findings, orm_module, placed


def test_a_log_method_handed_to_a_call_that_runs_it_later(tmp_path: Path) -> None:
    # `background_tasks.add_task(logger.info, f"...")`: Starlette calls `logger.info` with the
    # f-string after the response is sent, so the message is formatted eagerly all the same.
    # So for `functools.partial`, `asyncio.to_thread`, `run_in_executor(None, fn, ...)`. A log
    # method passed among the arguments of another function is that function's business, and
    # no fix is offered (the log call is not written out to rewrite).
    source = """
        import asyncio
        import functools
        import logging

        from fastapi import APIRouter, BackgroundTasks

        logger = logging.getLogger(__name__)
        router = APIRouter()


        def notify(callback, text):
            callback(text)


        @router.post("/send")
        async def send(n: int, tasks: BackgroundTasks):
            tasks.add_task(logger.info, f"sent {n}")
            tasks.add_task(logger.info, "sent %s", n)
            tasks.add_task(logger.warning, "lost %s" % n)
            tasks.add_task(print, f"sent {n}")
            tasks.add_task(notify, logger.info, f"title {n}")
            done = functools.partial(logger.log, logging.INFO, f"done {n}")
            await asyncio.to_thread(logger.error, msg=f"failed {n}")
            asyncio.get_running_loop().run_in_executor(None, logger.info, f"in executor {n}")
            tasks.add_task(logger.info, "sent", extra={"n": f"{n}"})
            return done
    """
    root = write_project(tmp_path, {"app/__init__.py": "", "app/api/__init__.py": "", "app/api/send.py": source})
    lines = {(code, line) for _, line, code in findings(root, "LC701", "LC702")}
    assert lines == {("LC701", 17), ("LC702", 19), ("LC701", 22), ("LC701", 23), ("LC701", 24)}
    before = (root / "app/api/send.py").read_text()
    run = run_layercheck(["check", "--fix", "--unsafe-fixes", "--select", "LC701,LC702", "app"], cwd=root)
    assert run.exit_code == 1, run.output
    assert (root / "app/api/send.py").read_text() == before


_PAGINATOR = """
    import math

    from fastapi import Query
    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.sql.selectable import Select


    class Paginator:
        page: int = Query(1, ge=1)
        size: int = Query(20, le=100)

        def __init__(self, session: AsyncSession, statement: Select):
            self.page = self.page.default
            self.size = self.size.default
            self.statement = statement
            self.session = session

        @property
        async def total(self):
            result = await self.session.execute(select(func.count()).select_from(self.statement))
            return result.scalars().first()

        @property
        async def pages(self):
            return math.ceil(await self.total / self.size)

        async def page_info(self):
            return {"total": await self.total, "pages": await self.pages, "page": self.page, "size": self.size}

        async def pagination(self):
            result = await self.session.execute(self.statement.limit(self.size))
            return result.scalars().all()
"""


def test_a_paginator_running_the_page_queries_is_data_access(tmp_path: Path) -> None:
    # `common/paginator.py`: a class whose methods run the count and page queries through
    # the session it is given, reading its own async properties (`await self.total`). Its
    # FastAPI `Query` declarations wire parameters, they handle no request: it is data access,
    # so its `AsyncSession` import is fine, and a service returning its page of rows hands
    # out ORM instances (its page info, a dict of its own counters, is no rows).
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Category"),
            "app/common/__init__.py": "",
            "app/common/paginator.py": _PAGINATOR,
            "app/services/__init__.py": "",
            "app/services/news.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.common.paginator import Paginator
                from app.models import Category


                async def get_categories(session: AsyncSession):
                    paginator = Paginator(session, select(Category))
                    items = await paginator.pagination()
                    page_info = await paginator.page_info()
                    return items, page_info


                async def get_page_info(session: AsyncSession):
                    paginator = Paginator(session, select(Category))
                    return await paginator.page_info()
            """,
        },
    )
    found = findings(root, "LC101", "LC301")
    assert ("app/common/paginator.py", 5, "LC101") not in found
    assert [item for item in found if item[2] == "LC301"] == [("app/services/news.py", 12, "LC301")]


def test_a_transaction_manager_and_the_database_settings_of_a_config_package(tmp_path: Path) -> None:
    # `adapters/transaction_manager_sqla.py`: a port's adapter whose one public method commits
    # the session it was given is the unit of work of the database layer, so its session
    # type import is fine. `setup/config/database.py`: the database's settings section of a
    # config package, reading the environment in a validator, is configuration (LC602 does
    # not apply); a `config/database.py` building the engine is still the database module.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/adapters/__init__.py": "",
            "app/adapters/types.py": """
                from typing import NewType

                from sqlalchemy.ext.asyncio import AsyncSession

                MainAsyncSession = NewType("MainAsyncSession", AsyncSession)
            """,
            "app/adapters/transaction_manager_sqla.py": """
                from sqlalchemy.exc import SQLAlchemyError

                from app.adapters.types import MainAsyncSession


                class SqlaTransactionManager:
                    def __init__(self, session: MainAsyncSession):
                        self._session = session

                    async def commit(self) -> None:
                        try:
                            await self._session.commit()
                        except SQLAlchemyError as error:
                            raise RuntimeError("commit failed") from error
            """,
            "app/adapters/notifier.py": """
                from app.adapters.types import MainAsyncSession


                class Notifier:
                    def __init__(self, session: MainAsyncSession):
                        self._session = session

                    async def commit(self) -> None:
                        await self._session.commit()

                    async def notify(self, text: str) -> None:
                        print(text)
            """,
            "app/setup/__init__.py": "",
            "app/setup/config/__init__.py": "",
            "app/setup/config/database.py": """
                import os

                from pydantic import BaseModel, Field


                class PostgresSettings(BaseModel):
                    host: str = Field(alias="HOST")

                    def resolved_host(self) -> str:
                        return os.environ.get("POSTGRES_HOST") or self.host
            """,
            "app/settings/__init__.py": "",
            "app/settings/database.py": """
                import os

                from sqlalchemy import create_engine

                engine = create_engine(os.environ.get("DATABASE_URL", "sqlite://"))
            """,
        },
    )
    found = findings(root, "LC101", "LC602")
    assert ("app/adapters/transaction_manager_sqla.py", 3, "LC101") not in found
    assert ("app/adapters/notifier.py", 1, "LC101") in found
    assert ("app/setup/config/database.py", 10, "LC602") not in found
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/adapters/transaction_manager_sqla.py"] == "database"
    assert layers["app/setup/config/database.py"] == "config"
    assert layers["app/settings/database.py"] == "database"


def test_admin_views_and_injection_containers_filed_under_a_layer_folder(tmp_path: Path) -> None:
    # `routers/blog/blog_admin.py`: sqladmin's `ModelView` bound to an ORM class is a page of
    # the admin package, no router of the app (LC104 does not apply). A dishka container
    # under `containers/repositories/` provides what the repositories need: wiring that
    # reads the settings freely, or the database module when it builds the engine.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Post"),
            "app/config.py": "class Config:\n    SQL_URI = 'sqlite://'\n    MONGO_URI = 'mongodb://'\n",
            "app/routers/__init__.py": "",
            "app/routers/blog_admin.py": """
                from sqladmin import ModelView
                from starlette.requests import Request

                from app.models import Post


                class PostAdmin(ModelView, model=Post):
                    column_list = [Post.id]

                    async def on_model_change(self, data: dict, model: Post, created: bool, request: Request) -> None:
                        data["id"] = model.id
            """,
            "app/routers/posts.py": """
                from fastapi import APIRouter

                from app.models import Post

                router = APIRouter()


                @router.get("/posts/{post_id}")
                async def read(post_id: int) -> dict:
                    return {"table": Post.__tablename__, "id": post_id}
            """,
            "app/containers/__init__.py": "",
            "app/containers/repositories/__init__.py": "",
            "app/containers/repositories/mongo.py": """
                from dishka import Scope, provide
                from motor.motor_asyncio import AsyncIOMotorClient

                from app.config import Config


                class MongoContainer:
                    @provide(scope=Scope.APP)
                    def client(self, config: Config) -> AsyncIOMotorClient:
                        return AsyncIOMotorClient(config.MONGO_URI)
            """,
            "app/containers/repositories/sql.py": """
                from dishka import Scope, provide
                from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

                from app.config import Config


                class SQLContainer:
                    @provide(scope=Scope.APP)
                    def session_maker(self, config: Config) -> async_sessionmaker[AsyncSession]:
                        return async_sessionmaker(bind=create_async_engine(config.SQL_URI))
            """,
        },
    )
    found = findings(root, "LC103", "LC104")
    assert found == [("app/routers/posts.py", 3, "LC104")]
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/routers/blog_admin.py"] is None
    assert layers["app/containers/repositories/mongo.py"] is None
    assert layers["app/containers/repositories/sql.py"] == "database"


def test_an_abstract_base_shared_by_every_adapter_is_no_data_access_port(tmp_path: Path) -> None:
    # `InfrastructureBase(ABC)` with an abstract `check_health()`, extended by the store's
    # port and by the authenticator and the websocket connection manager: no concrete class
    # of it runs queries (the store's port is a port of its own), so a router importing the
    # authenticator's base imports no repository. The store's port, implemented by a class
    # that queries, is the data layer's interface.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/infra/__init__.py": "",
            "app/infra/base.py": """
                from abc import ABC, abstractmethod


                class InfrastructureBase(ABC):
                    @abstractmethod
                    async def check_health(self) -> bool: ...
            """,
            "app/infra/auth.py": """
                from abc import ABC, abstractmethod

                from app.infra.base import InfrastructureBase


                class AuthenticatorBase(InfrastructureBase, ABC):
                    @abstractmethod
                    def verify(self, token: str) -> str: ...


                class Argon(AuthenticatorBase):
                    def verify(self, token: str) -> str:
                        return token

                    async def check_health(self) -> bool:
                        return True
            """,
            "app/infra/sockets.py": """
                from app.infra.base import InfrastructureBase


                class ConnectionManager(InfrastructureBase):
                    async def check_health(self) -> bool:
                        return True
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/base.py": """
                from abc import ABC, abstractmethod

                from sqlalchemy.ext.asyncio import AsyncSession

                from app.infra.base import InfrastructureBase


                class Store(InfrastructureBase, ABC):
                    session: AsyncSession

                    @abstractmethod
                    async def get(self, key: str) -> str: ...
            """,
            "app/repositories/sql.py": """
                from sqlalchemy import text
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.repositories.base import Store


                class SqlStore(Store):
                    def __init__(self, session: AsyncSession):
                        self.session = session

                    async def get(self, key: str) -> str:
                        return (await self.session.execute(text("SELECT 1"))).scalar_one()

                    async def check_health(self) -> bool:
                        await self.session.execute(text("SELECT 1"))
                        return True
            """,
            "app/api/__init__.py": "",
            "app/api/routes.py": """
                from fastapi import APIRouter

                from app.infra.auth import AuthenticatorBase
                from app.infra.sockets import ConnectionManager
                from app.repositories.base import Store

                router = APIRouter()


                @router.get("/")
                async def index() -> dict:
                    return {"kinds": [AuthenticatorBase.__name__, ConnectionManager.__name__, Store.__name__]}
            """,
        },
    )
    assert findings(root, "LC102") == [("app/api/routes.py", 5, "LC102")]


def test_a_celery_task_logger_imported_from_the_extensions_module(tmp_path: Path) -> None:
    # `extensions/celery.py` makes `celery_log = get_task_logger(__name__)`, a stdlib logger
    # whose name says nothing of logging; a task importing it logs an f-string.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/extensions/__init__.py": "",
            "app/extensions/celery.py": """
                from celery import Celery
                from celery.utils.log import get_task_logger

                celery = Celery(__name__)
                celery_log = get_task_logger(__name__)
            """,
            "app/task/__init__.py": "",
            "app/task/hello.py": """
                from app.extensions.celery import celery, celery_log


                @celery.task
                def hello(sec: int) -> bool:
                    celery_log.info(f"slept {sec} seconds")
                    celery_log.info("slept %s seconds", sec)
                    return True
            """,
        },
    )
    assert findings(root, "LC701") == [("app/task/hello.py", 6, "LC701")]


def test_active_record_mixins_filed_under_services_are_the_model_layer(tmp_path: Path) -> None:
    # `services/database/controllers/crud_controllers.py`: `class CRUDModel: __abstract__ =
    # True` with `find(db)` and `save(db)` class methods, mixed into the declarative base the
    # tables extend. SQLAlchemy's marker says what it is: the models' own active record, so
    # the session calls there are no service's (LC302), its `Base` import is the model's,
    # and its `Session` import is a model layer's (LC101).
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/services/__init__.py": "",
            "app/services/database/__init__.py": "",
            "app/services/database/database.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import declarative_base, sessionmaker

                engine = create_engine("sqlite://")
                SessionLocal = sessionmaker(bind=engine)
                Base = declarative_base()
            """,
            "app/services/database/controllers/__init__.py": "",
            "app/services/database/controllers/crud_controllers.py": """
                from sqlalchemy.orm import Session


                class CRUDModel:
                    __abstract__ = True

                    @classmethod
                    def find(cls, db: Session, **filters):
                        return db.query(cls).filter_by(**filters).first()

                    def save(self, db: Session) -> None:
                        db.add(self)
                        db.commit()
            """,
            "app/services/database/controllers/mixin_controllers.py": """
                from app.services.database.controllers.crud_controllers import CRUDModel
                from app.services.database.database import Base


                class CrudMixin(Base, CRUDModel):
                    __abstract__ = True
            """,
            "app/services/notes.py": """
                from sqlalchemy.orm import Session


                def archive(db: Session, note) -> None:
                    note.archived = True
                    db.commit()
            """,
            "app/schemas/__init__.py": "",
            "app/schemas/user.py": """
                from sqlalchemy import Column, Integer

                from app.services.database.controllers.mixin_controllers import CrudMixin


                class User(CrudMixin):
                    __tablename__ = "users"
                    id = Column(Integer, primary_key=True)
            """,
        },
    )
    found = findings(root, "LC101", "LC103", "LC302")
    assert found == [
        ("app/services/database/controllers/crud_controllers.py", 1, "LC101"),
        ("app/services/notes.py", 1, "LC101"),
        ("app/services/notes.py", 6, "LC302"),
    ]
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/services/database/controllers/crud_controllers.py"] == "model"
    assert layers["app/services/database/controllers/mixin_controllers.py"] == "model"


def test_units_of_work_with_private_transaction_methods_and_their_subclasses(tmp_path: Path) -> None:
    # `service_layer/unit_of_work.py`: `SqlAlchemyUnitOfWork.__aexit__` rolling back through
    # `self._rollback()`, `_commit()` behind the port's `commit()`, and a `get_uow()` factory
    # beside it: the database's unit of work wherever it is filed, which a service may import
    # whole. `uow/session.py`'s `SessionByUOW(SessionPackMixin)` extends such a unit of work
    # with the repositories it hands the session: its session type import is fine too.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/service_layer/__init__.py": "",
            "app/db.py": """
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                factory = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))
            """,
            "app/service_layer/unit_of_work.py": """
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.db import factory


                class SqlAlchemyUnitOfWork:
                    def __init__(self) -> None:
                        self.session: AsyncSession | None = None

                    async def __aenter__(self):
                        self.session = factory()
                        return self

                    async def __aexit__(self, *args):
                        await self._rollback()
                        await self.session.close()

                    async def _commit(self):
                        await self.session.commit()

                    async def _rollback(self):
                        await self.session.rollback()


                def get_uow() -> SqlAlchemyUnitOfWork:
                    return SqlAlchemyUnitOfWork()
            """,
            "app/service_layer/users.py": """
                from app.service_layer import unit_of_work


                async def rename(name: str) -> str:
                    async with unit_of_work.get_uow() as uow:
                        await uow._commit()
                    return name
            """,
            "app/uow/__init__.py": "",
            "app/uow/base.py": """
                class SessionPackMixin:
                    async def __aenter__(self):
                        return self

                    async def __aexit__(self, *args):
                        await self.session.rollback()

                    async def commit(self):
                        await self.session.commit()
            """,
            "app/uow/session.py": """
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.uow.base import SessionPackMixin


                class SessionByUOW(SessionPackMixin):
                    def __init__(self, session: AsyncSession) -> None:
                        self.session = session
            """,
        },
    )
    assert findings(root, "LC101", "LC103", "LC302") == []
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/service_layer/unit_of_work.py"] == "database"


def test_a_session_read_off_a_parameter_of_a_project_class_into_a_local(tmp_path: Path) -> None:
    # `sql_session = params.sql_session` on `params: Params`, a dataclass whose field is an
    # `AsyncSession`: the local holds the session, so its `commit()` in a router module is
    # LC201's, as `params.sql_session.flush()` written in place is. A value read off a
    # request (`name = request.session`) stays what it is (Starlette's session dict).
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/api/__init__.py": "",
            "app/api/users.py": """
                from dataclasses import dataclass

                from fastapi import APIRouter, Request
                from sqlalchemy.ext.asyncio import AsyncSession


                @dataclass(frozen=True)
                class Params:
                    sql_session: AsyncSession
                    name: str


                async def create_user(params: Params) -> str:
                    sql_session = params.sql_session
                    await sql_session.commit()
                    await params.sql_session.flush()
                    return params.name


                router = APIRouter()


                @router.post("/users")
                async def create(request: Request, session: AsyncSession) -> str:
                    session_data = request.session
                    session_data.get("user")
                    return await create_user(Params(session, "x"))
            """,
        },
    )
    assert findings(root, "LC201") == [("app/api/users.py", 15, "LC201"), ("app/api/users.py", 16, "LC201")]


def test_feature_folders_under_api_with_models_exceptions_and_a_base_out_of_sight(tmp_path: Path) -> None:
    # `api/user/user_model.py`: `class User(Base)` with `Mapped[...] = mapped_column()`
    # fields, where `Base` comes from a module no import names here (a typo, a library's
    # base): the fields say mapped class, so the module is the model layer and services may
    # import `User`; `api/user/__init__.py` gathering it routes nothing; `AccountExists` of
    # `api/user/user_exceptions.py` is an error the service raises, no router code.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/api/__init__.py": "",
            "app/api/user/__init__.py": "from .user_model import User\n",
            "app/api/user/user_model.py": """
                from sqlalchemy import String
                from sqlalchemy.orm import Mapped, mapped_column

                from app.infastructure.database import Base


                class User(Base):
                    email: Mapped[str] = mapped_column(String, unique=True)
            """,
            "app/api/user/user_exceptions.py": """
                from fastapi import HTTPException


                class AccountExists(HTTPException):
                    pass
            """,
            "app/api/user/user_service.py": """
                from app.api.user import User
                from app.api.user.user_exceptions import AccountExists


                class UserService:
                    def check(self, user: User | None) -> None:
                        if user is not None:
                            raise AccountExists(status_code=409)
            """,
            "app/api/user/user_router.py": """
                from fastapi import APIRouter

                from app.api.user.user_model import User

                router = APIRouter()


                @router.get("/users")
                async def users() -> list[str]:
                    return [User.__name__]
            """,
        },
    )
    assert findings(root, "LC103", "LC104") == [("app/api/user/user_router.py", 3, "LC104")]


def test_orm_rows_handed_out_inside_a_result_envelope(tmp_path: Path) -> None:
    # The "service result" pattern: `return ServiceResult(data=user, success=True)` or
    # `return success_service_result(user)`, a plain holder of the project's, hands the ORM
    # row to the router as surely as `return user`. A schema built from the row maps it
    # (`UserOut.model_validate(user)`, a project function returning `UserOut`).
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/result.py": """
                from typing import Any, Generic, TypeVar

                T = TypeVar("T")


                class ServiceResult(Generic[T]):
                    def __init__(self, data: Any, success: bool) -> None:
                        self.data = data
                        self.success = success


                def success_service_result(data: Any):
                    return ServiceResult(data=data, success=True)
            """,
            "app/schemas.py": """
                from pydantic import BaseModel


                class UserOut(BaseModel):
                    id: int


                def to_out(user) -> UserOut:
                    return UserOut(id=user.id)
            """,
            "app/crud/__init__.py": "",
            "app/crud/users.py": """
                from sqlalchemy.orm import Session

                from app.models import User


                class UserCRUD:
                    def __init__(self, db: Session) -> None:
                        self.db = db

                    def get_user(self, user_id: int) -> User | None:
                        return self.db.get(User, user_id)
            """,
            "app/services/__init__.py": "",
            "app/services/users.py": """
                from sqlalchemy.orm import Session

                from app.crud.users import UserCRUD
                from app.result import ServiceResult, success_service_result
                from app.schemas import UserOut, to_out


                class UserService:
                    def __init__(self, db: Session) -> None:
                        self.users_crud = UserCRUD(db)

                    def get_user(self, user_id: int) -> ServiceResult:
                        user = self.users_crud.get_user(user_id)
                        return ServiceResult(data=user, success=True)

                    def find(self, user_id: int) -> ServiceResult:
                        user = self.users_crud.get_user(user_id)
                        return success_service_result(user)

                    def mapped(self, user_id: int):
                        user = self.users_crud.get_user(user_id)
                        if user_id > 1:
                            return to_out(user)
                        if user_id > 2:
                            return ServiceResult(data=UserOut.model_validate(user), success=True)
                        return UserOut.model_validate(user)
            """,
        },
    )
    assert findings(root, "LC301") == [("app/services/users.py", 14, "LC301"), ("app/services/users.py", 18, "LC301")]


def test_wrapper_methods_of_a_task_context_log_what_they_are_given(tmp_path: Path) -> None:
    # `ctx.log_info(f"...")` on `ctx: TaskContext`, whose `log_info(self, message)` hands
    # `message` to `self.logger.info`: the f-string is the log message (reported, no fix);
    # `self.log_debug(f"...")` inside the class too. A `log_progress(**metrics)` that logs
    # a fixed text is no wrapper of what it is given.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/context.py": """
                import logging


                class TaskContext:
                    logger = logging.getLogger("tasks")

                    def log_info(self, message: str, **extra) -> None:
                        self.logger.info(message, extra=extra)

                    def log_debug(self, message: str) -> None:
                        self.logger.debug(message)

                    def log_progress(self, done: int) -> None:
                        self.logger.info("progress", extra={"done": done})

                    def finish(self, name: str) -> None:
                        self.log_debug(f"finished {name}")
            """,
            "app/tasks.py": """
                from app.core.context import TaskContext


                def cleanup(ctx: TaskContext, days: int) -> None:
                    ctx.log_info(f"cleaning results older than {days} days")
                    ctx.log_info("cleaning", days=days)
                    ctx.log_progress(f"{days}")
            """,
        },
    )
    assert findings(root, "LC701") == [("app/core/context.py", 17, "LC701"), ("app/tasks.py", 5, "LC701")]


def test_stores_and_loggers_judged_by_what_they_are(tmp_path: Path) -> None:
    # `repositories/token_blacklist.py` keeping revoked tokens in Redis through the
    # project's `core/redis.py` is a repository (its settings import is LC103's), where a
    # `crud/secrets.py` of no store stays in no layer; `setup_logger()` of `config.py` serves
    # every layer (an enum of the schemas module imported by a model is still LC103's, as
    # the planted apps say); a router handing a repository object to its service's
    # constructor wires it, one importing it for nothing does not.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/config.py": """
                import os

                from loguru import logger

                TTL = int(os.getenv("TTL", "60"))


                def setup_logger():
                    return logger
            """,
            "app/core/__init__.py": "",
            "app/core/redis.py": "from redis.asyncio import Redis\n\nclient = Redis()\n",
            "app/repositories/__init__.py": "",
            "app/repositories/token_blacklist.py": """
                from app.config import TTL, setup_logger
                from app.core.redis import client

                log = setup_logger()


                async def revoke(jti: str) -> None:
                    await client.set(f"blacklist:{jti}", 1, ex=TTL)
            """,
            "app/repositories/names.py": """
                from app.config import setup_logger

                log = setup_logger()


                def normalise(name: str) -> str:
                    return name.strip()
            """,
            "app/schemas.py": """
                from enum import StrEnum


                class Status(StrEnum):
                    DONE = "done"
            """,
            "app/models.py": """
                from sqlalchemy import Enum
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

                from app.schemas import Status


                class Base(DeclarativeBase):
                    pass


                class Job(Base):
                    __tablename__ = "jobs"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    status: Mapped[Status] = mapped_column(Enum(Status))
            """,
            "app/crud/__init__.py": "",
            "app/crud/jobs.py": """
                from sqlalchemy.orm import Session

                from app.models import Job


                class JobCRUD:
                    def get(self, db: Session, job_id: int) -> Job | None:
                        return db.get(Job, job_id)


                job_crud = JobCRUD()
            """,
            "app/services/__init__.py": "",
            "app/services/jobs.py": """
                class JobService:
                    def __init__(self, crud) -> None:
                        self.crud = crud

                    def get(self, db, job_id: int):
                        return self.crud.get(db, job_id)
            """,
            "app/routes/__init__.py": "",
            "app/routes/jobs.py": """
                from fastapi import APIRouter

                from app.crud.jobs import job_crud
                from app.services.jobs import JobService

                router = APIRouter()
                service = JobService(crud=job_crud)


                @router.get("/jobs/{job_id}")
                def read(job_id: int) -> dict:
                    return {"id": job_id, "service": type(service).__name__}
            """,
            # (imported and handed to nothing: the import is the finding)
            "app/routes/stats.py": """
                from fastapi import APIRouter

                from app.crud.jobs import job_crud

                router = APIRouter()
            """,
        },
    )
    assert findings(root, "LC102", "LC103") == [
        ("app/models.py", 4, "LC103"),
        ("app/repositories/token_blacklist.py", 1, "LC103"),
        ("app/routes/stats.py", 3, "LC102"),
    ]


def test_a_pydantic_store_used_by_resolvers_and_by_an_app_class(tmp_path: Path) -> None:
    # `db/__init__.py`'s `MyDb(BaseModel)` builds its engine and runs every query: a store,
    # no schema, for its importers. The GraphQL resolvers read it into a typed local (`db:
    # MyDb = info.context["db"]`) and query it; `MyApp(BaseModel)` with an `api: FastAPI`
    # field registers routes on it (`@self.api.get(...)`) that query `self.db`; connecting
    # and closing the store at start and stop runs no query.
    store = """
        import pydantic
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

        from app.db.models import Standard


        class MyDb(pydantic.BaseModel):
            url: str
            engine: AsyncEngine | None = None

            async def connect(self) -> None:
                self.engine = create_async_engine(self.url)

            async def close(self) -> None:
                await self.engine.dispose()

            async def get_standard(self, code: str):
                async with async_sessionmaker(self.engine)() as session:
                    return await session.scalar(select(Standard).where(Standard.code == code))

            async def get_standards(self):
                async with async_sessionmaker(self.engine)() as session:
                    return (await session.scalars(select(Standard))).all()

            async def count_standards(self) -> int:
                async with async_sessionmaker(self.engine)() as session:
                    return len((await session.scalars(select(Standard))).all())
    """
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db/__init__.py": store,
            "app/db/models.py": orm_module("Standard").replace("id: Mapped[int]", "code: Mapped[str]"),
            "app/graphql/__init__.py": "",
            "app/graphql/queries.py": """
                import strawberry

                from app.db import MyDb


                @strawberry.type
                class Query:
                    @strawberry.field
                    async def standards(self, info: strawberry.Info) -> list[str]:
                        db: MyDb = info.context["db"]
                        return [item.code for item in await db.get_standards()]
            """,
            "app/web.py": """
                import pydantic
                from fastapi import FastAPI

                from app.db import MyDb


                class MyApp(pydantic.BaseModel):
                    api: FastAPI
                    db: MyDb

                    async def setup(self) -> None:
                        self.api.add_event_handler("startup", self.db.connect)

                        @self.api.get("/standards/{code}")
                        async def get_standard(code: str) -> dict:
                            standard = await self.db.get_standard(code)
                            return {"code": standard.code if standard else None}

                        @self.api.on_event("shutdown")
                        async def stop() -> None:
                            await self.db.close()
            """,
        },
    )
    assert findings(root, "LC102", "LC202") == [
        ("app/graphql/queries.py", 3, "LC102"),
        ("app/graphql/queries.py", 11, "LC202"),
        ("app/web.py", 4, "LC102"),
        ("app/web.py", 16, "LC202"),
    ]


def test_a_message_joined_from_a_list_of_fstrings_built_just_before(tmp_path: Path) -> None:
    # `parts = [request_id, f"Exception: {name}", ...]` then `logger.warning(" | ".join(parts))`:
    # the f-strings are formatted eagerly all the same. A list built further up (appended to
    # in between) is not followed, as a held message is not.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/handlers.py": """
                import logging

                logger = logging.getLogger(__name__)


                def on_error(request_id: str, exc: Exception) -> None:
                    parts = [request_id, f"Exception: {exc.__class__.__name__}", f"Message: {exc}"]
                    logger.warning(" | ".join(parts))


                def on_request(request_id: str, slow: bool) -> None:
                    parts = [request_id, f"slow: {slow}"]
                    if slow:
                        parts.append("SLOW")
                    logger.info(" | ".join(parts))
            """,
        },
    )
    assert findings(root, "LC701") == [("app/handlers.py", 8, "LC701")]


def test_a_startup_helper_that_drives_a_service_is_held_to_lc101(tmp_path: Path) -> None:
    # `db/init_superuser.py` builds `UserService(UserRepository(db))` for `db/init_db.py`,
    # the start-up code that queries: it works above the services, so its session type
    # import is LC101's even though only the data layer's start-up imports it.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/repositories/__init__.py": "",
            "app/repositories/users.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.models import User


                class UserRepository:
                    def __init__(self, db: AsyncSession) -> None:
                        self.db = db

                    async def first(self):
                        return await self.db.scalar(select(User))
            """,
            "app/services/__init__.py": "",
            "app/services/users.py": """
                class UserService:
                    def __init__(self, repo) -> None:
                        self.repo = repo

                    async def ensure_admin(self) -> None:
                        await self.repo.first()
            """,
            "app/db/__init__.py": "",
            "app/db/init_superuser.py": """
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.repositories.users import UserRepository
                from app.services.users import UserService


                async def create_superuser(db: AsyncSession) -> None:
                    await UserService(UserRepository(db)).ensure_admin()
            """,
            "app/db/init_db.py": """
                from sqlalchemy import text
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.db.init_superuser import create_superuser


                async def init_db(db: AsyncSession) -> None:
                    await db.execute(text("SELECT 1 FROM alembic_version"))
                    await create_superuser(db)
            """,
            "app/main.py": """
                from fastapi import FastAPI

                from app.db.init_db import init_db

                app = FastAPI(on_startup=[init_db])
            """,
        },
    )
    assert ("app/db/init_superuser.py", 1, "LC101") in findings(root, "LC101")


def test_a_helper_module_of_an_auth_package_reading_the_login_form(tmp_path: Path) -> None:
    # `apps/auth/utils.py`: the auth service's helpers and one FastAPI dependency reading
    # the login form (`username: str = Form()`), which the endpoints depend on. A module of
    # an `auth` package is the endpoints' dependency, as an `auth.py` is, not a module of
    # endpoints: the service importing its helpers imports no router.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/apps/__init__.py": "",
            "app/apps/auth/__init__.py": "",
            "app/apps/auth/utils.py": """
                from fastapi import Form

                from app.models import User


                def get_basic_token(username: str = Form(), password: str = Form()) -> str:
                    return f"{username}:{password}"


                def build_token(user: User) -> str:
                    return str(user.id)
            """,
            "app/apps/auth/services.py": """
                from app.apps.auth.utils import build_token


                def login(user) -> str:
                    return build_token(user)
            """,
        },
    )
    assert findings(root, "LC103", "LC104") == []

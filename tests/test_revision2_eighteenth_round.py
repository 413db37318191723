"""SPEC revision 2, the lessons of the eighteenth round: ten projects labeled blind (a ports
and adapters example, a conda environment server, microservice and feature-folder
templates), each lesson a small project of our own, checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, orm_module, placed

# Ports and adapters: a storage adapter, named for neither layer, that holds the request's
# session (typed with a project alias of `AsyncSession`) behind the port it implements.
ADAPTER_STORAGE = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/entities.py": orm_module("User"),
    "app/core/ports.py": """
        from typing import Protocol

        from app.core.entities import User


        class UserStorage(Protocol):
            def add(self, user: User) -> None: ...

            async def get_by_id(self, user_id: int) -> User | None: ...
    """,
    "app/outbound/__init__.py": "",
    "app/outbound/types_.py": """
        from typing import NewType

        from sqlalchemy.ext.asyncio import AsyncSession

        MainAsyncSession = NewType("MainAsyncSession", AsyncSession)
    """,
    "app/outbound/adapters/__init__.py": "",
    "app/outbound/adapters/sqla_user_storage.py": """
        from sqlalchemy import delete

        from app.core.entities import User
        from app.core.ports import UserStorage
        from app.outbound.types_ import MainAsyncSession


        class SqlaUserStorage(UserStorage):
            def __init__(self, session: MainAsyncSession) -> None:
                self._session = session

            def add(self, user: User) -> None:
                self._session.add(user)

            async def get_by_id(self, user_id: int) -> User | None:
                return await self._session.get(User, user_id)

            async def remove(self, user_id: int) -> None:
                await self._session.execute(delete(User).where(User.id == user_id))
    """,
    "app/outbound/adapters/bcrypt_hasher.py": """
        import hashlib


        class BcryptHasher:
            def hash(self, password: str) -> str:
                return hashlib.sha256(password.encode()).hexdigest()
    """,
}


def test_a_storage_adapter_holding_the_session_is_the_repository(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", ADAPTER_STORAGE)
    layers = placed(root)
    storage = layers["app/outbound/adapters/sqla_user_storage.py"]
    assert storage["layer"] == "repository"
    assert "SqlaUserStorage" in storage["evidence"]
    assert layers["app/outbound/adapters/bcrypt_hasher.py"]["layer"] is None  # no session, no query
    # Its sync `add` calls the session: a repository method that is not `async def`.
    assert findings(root, "LC401") == [("app/outbound/adapters/sqla_user_storage.py", 12, "LC401")]


# A class that hands out sessions (`get_db()`), but opens them to pass to the data-access
# functions of another module and commits what they did: the app's business logic.
ORCHESTRATOR = {
    "app/__init__.py": "",
    "app/orm.py": orm_module("Build"),
    "app/dbutil.py": """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        engine = create_engine("sqlite://")
        SessionLocal = sessionmaker(engine)
    """,
    "app/queries.py": """
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from app.orm import Build


        def get_build(db: Session, build_id: int) -> Build | None:
            return db.scalars(select(Build).where(Build.id == build_id)).first()


        def create_build(db: Session, name: str) -> Build:
            build = Build(id=None)
            db.add(build)
            return build


        def delete_build(db: Session, build_id: int) -> None:
            db.delete(db.get(Build, build_id))
    """,
    "app/store.py": """
        import contextlib

        from sqlalchemy.orm import Session

        from app import queries
        from app.dbutil import SessionLocal


        class Store:
            @contextlib.contextmanager
            def get_db(self):
                db = SessionLocal()
                try:
                    yield db
                finally:
                    db.close()

            def register(self, db: Session, name: str) -> int:
                build = queries.create_build(db, name)
                db.commit()
                return build.id

            def rebuild(self, db: Session, build_id: int) -> None:
                queries.get_build(db, build_id)
                queries.delete_build(db, build_id)
                db.commit()
    """,
    "app/session_manager.py": """
        import contextlib
        from collections.abc import Iterator

        from sqlalchemy.orm import Session

        from app.dbutil import SessionLocal


        class SessionManager:
            @contextlib.contextmanager
            def session(self) -> Iterator[Session]:
                db = SessionLocal()
                try:
                    yield db
                finally:
                    db.close()
    """,
}


def test_a_class_handing_sessions_to_other_modules_queries_and_committing_is_a_service(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", ORCHESTRATOR)
    layers = placed(root)
    assert layers["app/store.py"]["layer"] == "service"
    assert layers["app/session_manager.py"]["layer"] == "database"  # it only hands sessions out
    assert ("app/store.py", 20, "LC302") in findings(root, "LC302")
    assert findings(root, "LC101") == [("app/store.py", 3, "LC101")]


# A module of ORM classes that also builds the session factory: the database layer by what
# it builds, but a router reading the models off it imports the models, and a service may.
ORM_WITH_FACTORY = {
    "app/__init__.py": "",
    "app/internal/__init__.py": "",
    "app/internal/orm.py": """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker


        class Base(DeclarativeBase):
            pass


        class Build(Base):
            __tablename__ = "builds"
            id: Mapped[int] = mapped_column(primary_key=True)


        class Namespace(Base):
            __tablename__ = "namespaces"
            id: Mapped[int] = mapped_column(primary_key=True)


        def new_session_factory(url: str):
            return sessionmaker(bind=create_engine(url))
    """,
    "app/services/__init__.py": "",
    "app/services/builds.py": """
        from app.internal import orm


        def describe(build: orm.Build) -> str:
            return f"build {build.id}"
    """,
    "app/views/__init__.py": "",
    "app/views/api.py": """
        from fastapi import APIRouter

        from app.internal import orm

        router = APIRouter()


        @router.get("/builds/{build_id}")
        def read(build_id: int) -> dict:
            return {"table": orm.Build.__tablename__}
    """,
    "app/views/health.py": """
        from fastapi import APIRouter

        from app.internal import orm

        router = APIRouter()


        @router.get("/health")
        def health() -> dict:
            return {"factory": orm.new_session_factory.__name__}
    """,
}


def test_a_router_reading_models_off_a_module_that_also_builds_the_factory(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", ORM_WITH_FACTORY)
    assert placed(root)["app/internal/orm.py"]["layer"] == "database"
    assert findings(root, "LC103", "LC104") == [("app/views/api.py", 3, "LC104")]


def test_a_logger_an_application_object_carries_and_log_calls_in_tests(tmp_path: Path) -> None:
    # `store.log.debug(f"...")`: the logger a traitlets application carries, by its name as
    # an attribute of another object. Tests are exempt from the layer rules, not from how a
    # log message is written (as ruff's G004 checks them too); environment reads there stay
    # fine.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/worker.py": """
                import math


                def update(store, channel: str) -> float:
                    store.log.debug(f"updating packages for channel {channel}")
                    store.log.info("updated %s", channel)
                    return math.log(2)
            """,
            "tests/__init__.py": "",
            "tests/test_worker.py": """
                import logging
                import os

                logger = logging.getLogger(__name__)


                def test_update() -> None:
                    logger.info(f"running in {os.getenv('CI')}")
                    logger.info("done %s" % 1)
            """,
        },
    )
    assert findings(root, "LC701", "LC702", "LC602") == [
        ("app/worker.py", 5, "LC701"),
        ("tests/test_worker.py", 8, "LC701"),
        ("tests/test_worker.py", 9, "LC702"),
    ]


def test_query_functions_kept_beside_their_table_are_the_features_data_access(tmp_path: Path) -> None:
    # `auth/model.py` maps the refresh-token table and holds the functions that open a
    # session to create and find tokens, which the services call: data access (its session
    # import is no LC101), with the table beside it; the services importing it are fine.
    root = write_project(
        tmp_path / "proj",
        {
            "src/conf/__init__.py": "",
            "src/conf/db.py": """
                from sqlmodel import create_engine

                engine = create_engine("sqlite://")
            """,
            "src/auth/__init__.py": "",
            "src/auth/model.py": """
                import secrets

                from sqlmodel import Field, Session, SQLModel, select

                from conf.db import engine


                class RefreshToken(SQLModel, table=True):
                    id: int | None = Field(default=None, primary_key=True)
                    token: str


                def new_token() -> str:
                    return secrets.token_urlsafe(32)


                def create_token() -> RefreshToken:
                    token = RefreshToken(token=new_token())
                    with Session(engine) as session:
                        session.add(token)
                        session.commit()
                    return token


                def get_token(value: str) -> RefreshToken | None:
                    with Session(engine) as session:
                        return session.exec(select(RefreshToken).where(RefreshToken.token == value)).first()
            """,
            "src/auth/service.py": """
                from auth.model import create_token, get_token


                def rotate(value: str) -> str:
                    if get_token(value) is None:
                        raise ValueError(value)
                    return create_token().token
            """,
        },
    )
    assert findings(root, "LC101", "LC102", "LC103") == []


def test_a_service_returning_what_an_orm_folders_query_function_gave(tmp_path: Path) -> None:
    # `app/orm/user.py` holds query functions and no ORM class (the tables live in
    # `app/models/`): data access for its callers, whatever the folder's name says, so the
    # service returning the row it fetched returns an ORM model.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models/__init__.py": "",
            "app/models/user.py": orm_module("User"),
            "app/orm/__init__.py": "",
            "app/orm/user.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.models.user import User


                async def get_user_by_name(db: AsyncSession, name: str):
                    result = await db.execute(select(User).filter(User.id == name))
                    return result.scalar()
            """,
            "app/service/__init__.py": "",
            "app/service/auth.py": """
                from app.orm.user import get_user_by_name


                async def current_user(db, name: str):
                    user = await get_user_by_name(db=db, name=name)
                    if user is None:
                        raise ValueError(name)
                    return user
            """,
        },
    )
    assert findings(root, "LC301") == [("app/service/auth.py", 8, "LC301")]


def test_layer_folders_without_init_inside_a_package_name_their_layers(tmp_path: Path) -> None:
    # `core/` is a package, but `core/repositories/` and `core/services/` have no
    # `__init__.py` (namespace parts of it, each holding an `auth/` package): their names
    # still place the modules below them. (A folder above the package chain that no package
    # holds, `services/api/` around a whole backend, still names no layer.)
    root = write_project(
        tmp_path / "proj",
        {
            "core/__init__.py": "",
            "core/database/__init__.py": """
                from sqlalchemy.orm import DeclarativeBase


                class Base(DeclarativeBase):
                    pass
            """,
            "core/database/auth.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import sessionmaker

                engine = create_engine("sqlite://")
                SessionLocal = sessionmaker(engine)
            """,
            "core/models/auth/__init__.py": "",
            "core/models/auth/users.py": """
                from sqlalchemy.orm import Mapped, mapped_column

                from core.database import Base


                class UsersTable(Base):
                    __tablename__ = "users"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "core/repositories/auth/__init__.py": "",
            "core/repositories/auth/users.py": """
                from sqlalchemy.orm import Session

                from core.models.auth.users import UsersTable


                class UsersRepository:
                    def __init__(self, session: Session) -> None:
                        self.session = session

                    def get(self, user_id: int):
                        return self.session.get(UsersTable, user_id)
            """,
            "core/routers/__init__.py": "",
            "core/routers/users.py": """
                from fastapi import APIRouter

                from core.database.auth import SessionLocal
                from core.repositories.auth.users import UsersRepository

                router = APIRouter()


                @router.get("/users/{user_id}")
                def read(user_id: int) -> dict:
                    user = UsersRepository(SessionLocal()).get(user_id)
                    return {"id": user.id}
            """,
        },
    )
    layers = placed(root)
    assert layers["core/repositories/auth/users.py"]["layer"] == "repository"
    assert layers["core/models/auth/users.py"]["layer"] == "model"
    assert findings(root, "LC101", "LC102", "LC103") == [("core/routers/users.py", 4, "LC102")]


def test_an_active_record_mixin_given_to_declarative_base_is_no_store(tmp_path: Path) -> None:
    # `Base = declarative_base(cls=BaseClass)`: `BaseClass`'s `filter_by(session)` and
    # `delete(session)` are the models' own queries (active record), not a store's; the
    # module stays the models' base, and its session import is LC101's in the model modules'
    # sense, as before.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/schema_models/__init__.py": "",
            "app/schema_models/base.py": """
                from sqlalchemy import delete, select
                from sqlalchemy.ext.asyncio import AsyncSession
                from sqlalchemy.orm import declarative_base


                class BaseClass:
                    @classmethod
                    async def filter_by(cls, session: AsyncSession, **values):
                        return await session.execute(select(cls).filter_by(**values))

                    @classmethod
                    async def delete(cls, session: AsyncSession, model_id: int):
                        return await session.execute(delete(cls).where(cls.id == model_id))


                Base = declarative_base(cls=BaseClass)
            """,
        },
    )
    assert placed(root)["app/schema_models/base.py"]["layer"] is None


def test_endpoints_on_the_app_in_main_are_routers_for_sql(tmp_path: Path) -> None:
    # `main.py` creates the app and serves a websocket and a status route on it: the queries
    # in those endpoints are SQL in a router; the lifespan creating the tables is wiring.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/database.py": """
                from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

                engine = create_async_engine("sqlite+aiosqlite://")
                SessionLocal = async_sessionmaker(engine, class_=AsyncSession)
            """,
            "app/main.py": """
                from contextlib import asynccontextmanager

                from fastapi import FastAPI, WebSocket
                from sqlalchemy import text

                from app.database import SessionLocal, engine


                @asynccontextmanager
                async def lifespan(app: FastAPI):
                    async with engine.begin() as conn:
                        await conn.execute(text("CREATE TABLE IF NOT EXISTS t (id int)"))
                    yield


                app = FastAPI(lifespan=lifespan)


                @app.websocket("/ws")
                async def ws(websocket: WebSocket) -> None:
                    async with SessionLocal() as db:
                        await db.execute(text("UPDATE users SET seen = now()"))
                        await db.commit()


                @app.get("/_status")
                async def status() -> dict:
                    async with SessionLocal() as db:
                        await db.execute(text("SELECT 1"))
                    return {"ok": True}
            """,
        },
    )
    assert placed(root)["app/main.py"]["layer"] == "main"
    assert findings(root, "LC201") == [
        ("app/main.py", 22, "LC201"),
        ("app/main.py", 22, "LC201"),
        ("app/main.py", 23, "LC201"),
        ("app/main.py", 29, "LC201"),
        ("app/main.py", 29, "LC201"),
    ]


def test_a_stray_init_at_the_root_makes_no_package_of_the_folders_below(tmp_path: Path) -> None:
    # An `__init__.py` left at the checkout's root does not make `api/` (no `__init__.py`,
    # holding `utils/` and `v1/`) a folder of the code named for the API: `api/utils/` is
    # placed by its own names, as before.
    root = write_project(
        tmp_path / "proj",
        {
            "__init__.py": "",
            "api/utils/__init__.py": "",
            "api/utils/pagination.py": """
                from sqlalchemy.orm import Session


                def paginate(db: Session, model, page: int):
                    return db.query(model).offset(page * 10).limit(10).all()
            """,
            "api/v1/__init__.py": "",
            "api/v1/routes/__init__.py": "",
            "api/v1/routes/items.py": """
                from fastapi import APIRouter

                router = APIRouter()


                @router.get("/items")
                def items() -> list:
                    return []
            """,
        },
    )
    layers = placed(root)
    assert layers["api/utils/pagination.py"]["layer"] is None
    assert layers["api/v1/routes/items.py"]["layer"] == "api"


def test_a_repository_reached_through_a_package_imported_whole(tmp_path: Path) -> None:
    # A router importing its feature package whole (`from app import users`) to call
    # `users.crud.get_payout(...)` reaches the repository layer through it. (A model
    # importing a plain enum kept in `schemas/currency.py` stays LC103's: labelers split on
    # it, and more of them call it the models depending on the API's module.)
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/schemas/__init__.py": "",
            "app/schemas/currency.py": """
                import enum


                class Currency(str, enum.Enum):
                    EUR = "eur"
                    USD = "usd"
            """,
            "app/models/__init__.py": "",
            "app/models/payout.py": """
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

                from app.schemas.currency import Currency


                class Base(DeclarativeBase):
                    pass


                class Payout(Base):
                    __tablename__ = "payouts"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    currency: Mapped[Currency]
            """,
            "app/users/__init__.py": "",
            "app/users/crud.py": """
                from sqlalchemy import select
                from sqlalchemy.orm import Session

                from app.models.payout import Payout


                def get_payout(db: Session, payout_id: int) -> Payout | None:
                    return db.scalars(select(Payout).where(Payout.id == payout_id)).first()
            """,
            "app/auth/__init__.py": "",
            "app/auth/endpoints.py": """
                from fastapi import APIRouter

                from .. import users

                router = APIRouter()


                @router.get("/payouts/{payout_id}")
                def read(payout_id: int, db) -> dict:
                    payout = users.crud.get_payout(db, payout_id)
                    return {"id": payout.id}
            """,
        },
    )
    assert findings(root, "LC102", "LC103") == [
        ("app/auth/endpoints.py", 3, "LC102"),
        ("app/models/payout.py", 3, "LC103"),
    ]

"""SPEC revision 2, the lessons of the seventh round: what the earlier rounds left, and seven
more projects nobody had read, labeled by hand and scored blind. Each lesson is a small project
of our own, checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, placed

REPOSITORY = """
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.db.models import Message


    def list_messages(session: Session, conversation_id: str):
        return session.scalars(select(Message).where(Message.conversation_id == conversation_id)).all()


    def add_message(session: Session, conversation_id: str, text: str) -> Message:
        message = Message(conversation_id=conversation_id, text=text)
        session.add(message)
        return message
"""


def test_endpoint_handlers_registered_as_routes_in_another_module_are_the_api(tmp_path: Path) -> None:
    # `chat/chat.py` defines `async def chat(query: str = Body(...))`; `api_server/routes.py`
    # registers it (`router.post("/chat")(chat)`). The function reads the request body the
    # FastAPI way, so it is an endpoint, and its module the API, wherever the route is
    # declared. A helper that only takes an `UploadFile`, and a dependency reading a query
    # parameter, make no endpoint module.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/db/__init__.py": "",
            "app/db/models.py": """
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


                class Base(DeclarativeBase):
                    pass


                class Message(Base):
                    __tablename__ = "messages"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    conversation_id: Mapped[str]
                    text: Mapped[str]
            """,
            "app/db/session.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import sessionmaker

                SessionLocal = sessionmaker(bind=create_engine("sqlite://"))
            """,
            "app/db/repository/__init__.py": "",
            "app/db/repository/message_repository.py": REPOSITORY,
            "app/chat/__init__.py": "",
            "app/chat/chat.py": """
                from fastapi import Body

                from app.db.repository.message_repository import add_message
                from app.db.session import SessionLocal


                async def chat(query: str = Body(..., description="the user's message"), conversation_id: str = Body("")):
                    with SessionLocal() as session:
                        add_message(session, conversation_id, query)
                    return {"answer": query.upper()}
            """,
            "app/chat/uploads.py": """
                from fastapi import Query, UploadFile

                from app.db.repository.message_repository import list_messages


                async def save_upload(file: UploadFile, folder: str) -> str:
                    return f"{folder}/{file.filename}"


                def page(size: int = Query(20)) -> int:
                    return size


                def history(session, conversation_id: str):
                    return list_messages(session, conversation_id)
            """,
            "app/chat/dependencies.py": """
                from fastapi import Form


                def get_grant_type(grant_type: str = Form(None)) -> str:
                    return grant_type or "password"
            """,
            "app/api_server/__init__.py": "",
            "app/api_server/routes.py": """
                from fastapi import APIRouter

                from app.chat.chat import chat

                chat_router = APIRouter(prefix="/chat")
                chat_router.post("/chat", summary="Chat with the model")(chat)
            """,
        },
    )
    layers = placed(root)
    assert layers["app/chat/chat.py"]["layer"] == "api"
    assert "endpoint handler" in layers["app/chat/chat.py"]["evidence"]
    assert layers["app/chat/uploads.py"]["layer"] is None
    assert layers["app/chat/dependencies.py"]["layer"] is None  # a dependency reads the form too
    assert findings(root, "LC102", "LC202") == [
        ("app/chat/chat.py", 3, "LC102"),
        ("app/chat/chat.py", 9, "LC202"),
    ]


def test_a_logger_made_by_a_class_method_and_one_carried_by_a_context_object(tmp_path: Path) -> None:
    # `logger = LoggerConfigurator.configure_logger(__name__)`, annotated to return a project
    # subclass of `logging.LoggerAdapter`, is a stdlib logger; so is the logger a request
    # context carries (`ctx.logger`), by its name, as `self.logger` is. `math.log` is no logger.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/logging.py": """
                import logging


                class ContextualLogger(logging.LoggerAdapter):
                    def process(self, msg, kwargs):
                        return msg, kwargs


                class LoggerConfigurator:
                    @staticmethod
                    def configure_logger(name: str) -> ContextualLogger:
                        return ContextualLogger(logging.getLogger(name), {})


                logger = LoggerConfigurator.configure_logger(__name__)
            """,
            "app/services/__init__.py": "",
            "app/services/syncs.py": """
                import math

                from app.core.logging import logger


                def run_sync(ctx, sync_id: int) -> float:
                    logger.info(f"running sync {sync_id}")
                    ctx.logger.warning(f"sync {sync_id} is slow")
                    ctx.logger.info("sync %s done", sync_id)
                    return math.log(sync_id)
            """,
        },
    )
    assert findings(root, "LC701") == [
        ("app/services/syncs.py", 7, "LC701"),
        ("app/services/syncs.py", 8, "LC701"),
    ]


def test_the_session_global_of_fastapi_sqlalchemy_and_literals_joined_in_a_log_call(tmp_path: Path) -> None:
    # `from fastapi_sqlalchemy import db` hands out the request's session as `db.session`:
    # queries on it in a router are SQL in the router. A log message made of string
    # literals joined with `+` (kept apart for line length) formats nothing eagerly.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models/__init__.py": "",
            "app/models/budget.py": """
                from sqlalchemy import Column, Integer
                from sqlalchemy.orm import declarative_base

                Base = declarative_base()


                class Budget(Base):
                    __tablename__ = "budgets"
                    id = Column(Integer, primary_key=True)
            """,
            "app/controllers/__init__.py": "",
            "app/controllers/budget.py": """
                import logging

                from fastapi import APIRouter
                from fastapi_sqlalchemy import db

                from app.models.budget import Budget

                router = APIRouter()
                logger = logging.getLogger(__name__)


                @router.get("/budgets/{budget_id}")
                def get_budget(budget_id: int):
                    logger.info("\\033[91m" + "looking a budget up" + "\\033[0m")
                    budget = db.session.query(Budget).filter(Budget.id == budget_id).first()
                    db.session.commit()
                    return {"id": budget.id}
            """,
        },
    )
    assert findings(root, "LC201", "LC702") == [
        ("app/controllers/budget.py", 15, "LC201"),
        ("app/controllers/budget.py", 16, "LC201"),
    ]


def test_a_crud_folder_of_managers_over_the_data_layer_is_the_service_layer(tmp_path: Path) -> None:
    # `server/api/` holds the whole backend: routers in `server/api/api/`, managers in
    # `server/api/crud/` that take the request's session and hand it to one data-access
    # class (`get_db().store_run(session, ...)`) beside calls to other systems. The managers
    # run no query and extend no repository base: they are the services, and the routers
    # calling them skip nothing. A module of `crud/` that uses no database at all (secrets
    # kept elsewhere) is in no layer; a CRUD module extending the generic base stays data
    # access.
    root = write_project(
        tmp_path / "proj",
        {
            "server/__init__.py": "",
            "server/api/__init__.py": "",
            "server/api/db/__init__.py": "",
            "server/api/db/sqldb.py": """
                from sqlalchemy import select
                from sqlalchemy.orm import Session

                from server.api.db.tables import Run


                class SQLDB:
                    def store_run(self, session: Session, uid: str) -> None:
                        session.add(Run(uid=uid))
                        session.commit()

                    def read_run(self, session: Session, uid: str) -> Run:
                        return session.scalars(select(Run).where(Run.uid == uid)).one()

                    def list_runs(self, session: Session) -> list[Run]:
                        return list(session.scalars(select(Run)))
            """,
            "server/api/db/tables.py": """
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


                class Base(DeclarativeBase):
                    pass


                class Run(Base):
                    __tablename__ = "runs"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    uid: Mapped[str]
            """,
            "server/api/utils/__init__.py": "",
            "server/api/utils/singletons.py": """
                from server.api.db.sqldb import SQLDB

                _db = SQLDB()


                def get_db() -> SQLDB:
                    return _db
            """,
            "server/api/crud/__init__.py": """
                from .runs import Runs
                from .secrets import Secrets
            """,
            "server/api/crud/base.py": """
                from sqlalchemy import select
                from sqlalchemy.orm import Session


                class CRUDBase:
                    def __init__(self, model) -> None:
                        self.model = model

                    def get(self, session: Session, id: int):
                        return session.scalars(select(self.model).where(self.model.id == id)).first()
            """,
            "server/api/crud/tags.py": """
                from server.api.crud.base import CRUDBase
                from server.api.db.tables import Run


                class CRUDTags(CRUDBase):
                    pass


                tags = CRUDTags(Run)
            """,
            "server/api/crud/runs.py": """
                import sqlalchemy.orm

                from server.api.utils.singletons import get_db


                class Runs:
                    def store_run(self, db_session: sqlalchemy.orm.Session, data: dict, uid: str) -> None:
                        data.setdefault("status", {})
                        get_db().store_run(db_session, uid)

                    def abort_run(self, db_session: sqlalchemy.orm.Session, uid: str) -> dict:
                        run = get_db().read_run(db_session, uid)
                        return {"uid": run.uid, "state": "aborted"}
            """,
            "server/api/crud/secrets.py": """
                import os


                class Secrets:
                    def get(self, name: str) -> str:
                        with open(os.path.join("/run/secrets", name)) as handle:
                            return handle.read()
            """,
            "server/api/api/__init__.py": "",
            "server/api/api/endpoints/__init__.py": "",
            "server/api/api/endpoints/runs.py": """
                from fastapi import APIRouter
                from sqlalchemy.orm import Session

                from server.api import crud
                from server.api.crud.tags import tags

                router = APIRouter()


                @router.post("/runs/{uid}")
                def store_run(uid: str, data: dict, db_session: Session):
                    crud.Runs().store_run(db_session, data, uid)
                    crud.Secrets().get("token")
                    return tags.get(db_session, 1)
            """,
        },
    )
    layers = placed(root)
    assert layers["server/api/crud/runs.py"]["layer"] == "service"
    assert layers["server/api/crud/secrets.py"]["layer"] is None
    assert layers["server/api/crud/tags.py"]["layer"] == "repository"
    assert layers["server/api/utils/singletons.py"]["layer"] is None  # the folder `api/` is the package
    assert findings(root, "LC102", "LC202") == [
        ("server/api/api/endpoints/runs.py", 5, "LC102"),
        ("server/api/api/endpoints/runs.py", 14, "LC202"),
    ]


def test_a_package_re_exporting_a_function_named_like_its_module(tmp_path: Path) -> None:
    # `methods/__init__.py` does `from .get_datasets import get_datasets`: after that import,
    # `methods.get_datasets` is the function, not the submodule, so a router calling it
    # calls the query function. A session opened on the data layer's engine
    # (`get_relational_engine().get_async_session()`) is no repository call (the SQL run
    # on it is LC201); `chats.get_session(session_id)`, reading a stored chat, is one.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": """
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


                class Base(DeclarativeBase):
                    pass


                class Dataset(Base):
                    __tablename__ = "datasets"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    name: Mapped[str]
            """,
            "app/relational/__init__.py": "",
            "app/database.py": """
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                SessionLocal = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))
            """,
            "app/relational/adapter.py": """
                from contextlib import asynccontextmanager

                from sqlalchemy import delete, func, select

                from app.database import SessionLocal
                from app.models import Dataset


                class SQLAlchemyAdapter:
                    @asynccontextmanager
                    async def get_async_session(self):
                        async with SessionLocal() as session:
                            yield session

                    async def list_datasets(self) -> list[Dataset]:
                        async with SessionLocal() as session:
                            return list(await session.scalars(select(Dataset)))

                    async def count_datasets(self) -> int:
                        async with SessionLocal() as session:
                            return await session.scalar(select(func.count(Dataset.id)))

                    async def delete_datasets(self) -> None:
                        async with SessionLocal() as session:
                            await session.execute(delete(Dataset))
            """,
            "app/relational/get_relational_engine.py": """
                from app.relational.adapter import SQLAlchemyAdapter


                def get_relational_engine() -> SQLAlchemyAdapter:
                    return SQLAlchemyAdapter()
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/chats.py": """
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.models import Dataset


                class ChatRepository:
                    def __init__(self, session: AsyncSession) -> None:
                        self.session = session

                    async def get_session(self, session_id: int) -> Dataset | None:
                        return await self.session.get(Dataset, session_id)
            """,
            "app/methods/__init__.py": "from .get_datasets import get_datasets\n",
            "app/methods/get_datasets.py": """
                from sqlalchemy import select

                from app.models import Dataset
                from app.relational.get_relational_engine import get_relational_engine


                async def get_datasets(name: str) -> list[Dataset]:
                    db_engine = get_relational_engine()
                    async with db_engine.get_async_session() as session:
                        return list(await session.scalars(select(Dataset).where(Dataset.name == name)))
            """,
            "app/routers/__init__.py": "",
            "app/routers/datasets.py": """
                from fastapi import APIRouter

                from app.methods import get_datasets
                from app.relational.get_relational_engine import get_relational_engine
                from app.repositories.chats import ChatRepository

                router = APIRouter()


                @router.get("/datasets/{name}")
                async def read_datasets(name: str):
                    return [dataset.id for dataset in await get_datasets(name)]


                @router.get("/chats/{chat_id}")
                async def read_chat(chat_id: int, chats: ChatRepository):
                    async with get_relational_engine().get_async_session() as session:
                        await session.commit()
                    return await chats.get_session(chat_id)
            """,
        },
    )
    assert findings(root, "LC102", "LC201", "LC202") == [
        ("app/routers/datasets.py", 3, "LC102"),
        ("app/routers/datasets.py", 5, "LC102"),
        ("app/routers/datasets.py", 12, "LC202"),
        ("app/routers/datasets.py", 18, "LC201"),
        ("app/routers/datasets.py", 19, "LC202"),
    ]


def test_settings_made_by_a_factory_annotated_with_the_settings_class(tmp_path: Path) -> None:
    # `settings.py` picks the settings class at run time (`settings = _get_settings()`,
    # annotated `-> "Settings"`): importing `settings` in a model is a config import.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/settings_class.py": """
                from pydantic_settings import BaseSettings


                class Settings(BaseSettings):
                    database_url: str = "sqlite://"
                    table_prefix: str = "app_"
            """,
            "app/settings.py": """
                import importlib
                from typing import TYPE_CHECKING

                if TYPE_CHECKING:
                    from app.settings_class import Settings


                def _get_settings() -> "Settings":
                    module = importlib.import_module("app.settings_class")
                    return module.Settings()


                settings = _get_settings()
            """,
            "app/models/__init__.py": "",
            "app/models/base.py": """
                from sqlalchemy.orm import DeclarativeBase

                from app.settings import settings


                class Base(DeclarativeBase):
                    __abstract__ = True
                    prefix = settings.table_prefix
            """,
        },
    )
    assert findings(root, "LC103") == [("app/models/base.py", 3, "LC103")]


def test_reviewer_reads_of_the_seventh_round(tmp_path: Path) -> None:
    # What reviewers rejected in random findings on three of the new projects, each a
    # general fact: test doubles under `fakes/` are tests; a loop over a stepped range walks
    # chunks; the root logger a setup function configures is logging's configuration; a sync
    # method that yields the session is a session provider; a store that builds its own
    # engine may read the configuration; a `db.py` of queries that builds no engine is the
    # repository; a package naming its own modules reaches no other layer.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/config.py": """
                from pydantic_settings import BaseSettings


                class Settings(BaseSettings):
                    database_url: str = "sqlite+aiosqlite://"


                settings = Settings()
            """,
            "app/models/__init__.py": "",
            "app/models/entity.py": """
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


                class Base(DeclarativeBase):
                    pass


                class Entity(Base):
                    __tablename__ = "entities"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/entities.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.models.entity import Entity


                class EntityRepository:
                    async def by_ids(self, db: AsyncSession, ids: list[int]) -> list[Entity]:
                        found: list[Entity] = []
                        for start in range(0, len(ids), 1000):
                            chunk = ids[start : start + 1000]
                            found.extend(await db.scalars(select(Entity).where(Entity.id.in_(chunk))))
                        return found

                    async def each(self, db: AsyncSession, ids: list[int]) -> list[Entity | None]:
                        return [await db.get(Entity, entity_id) for entity_id in ids]
            """,
            "app/repositories/store.py": """
                from contextlib import contextmanager

                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import create_async_engine
                from sqlalchemy.orm import Session, sessionmaker

                from app.config import settings
                from app.models.entity import Entity


                class EntityStore:
                    def __init__(self) -> None:
                        self.engine = create_async_engine(settings.database_url)
                        self.maker = sessionmaker(bind=self.engine.sync_engine)

                    def get_session(self):
                        with self.maker() as session:
                            yield session

                    def count(self, session: Session) -> int:
                        return len(list(session.scalars(select(Entity))))
            """,
            "app/services/__init__.py": "",
            "app/services/fakes/__init__.py": "",
            "app/services/fakes/entities.py": """
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.models.entity import Entity


                class FakeEntityService:
                    async def get(self, db: AsyncSession, entity_id: int) -> Entity:
                        return Entity(id=entity_id)
            """,
            "app/storage/__init__.py": "",
            "app/storage/sqldb/__init__.py": "from .db import SQLDB\n",
            "app/storage/sqldb/db.py": "from sqlalchemy import select\nfrom sqlalchemy.orm import Session\n\n"
            "from app.models.entity import Entity\n\n\nclass SQLDB:\n"
            + "".join(
                f"    def read_{n}(self, session: Session, key: int):\n"
                f"        session.flush()\n"
                f"        return self._one(session, key)\n\n"
                for n in range(21)
            )
            + "    def _one(self, session: Session, key: int):\n"
            "        return session.scalars(select(Entity).where(Entity.id == key)).first()\n",
            "app/logging_setup.py": """
                import logging

                import structlog


                def configure() -> None:
                    structlog.configure()
                    root = logging.getLogger()
                    root.handlers.clear()
                    root.addHandler(logging.StreamHandler())
                    root.warning("logging configured")


                def trace() -> None:
                    log = logging.getLogger(__name__)
                    log.info("traced")
            """,
        },
    )
    layers = placed(root)
    assert layers["app/services/fakes/entities.py"]["layer"] == "tests"
    assert layers["app/storage/sqldb/db.py"]["layer"] == "repository"
    found = findings(root, "LC101", "LC103", "LC301", "LC401", "LC405", "LC703")
    assert [item for item in found if not item[0].startswith("app/storage/")] == [
        ("app/logging_setup.py", 15, "LC703"),
        ("app/repositories/entities.py", 16, "LC405"),
        ("app/repositories/store.py", 20, "LC401"),
    ]
    assert {code for path, _, code in found if path.startswith("app/storage/")} == {"LC401"}  # sync, not LC103


def test_logic_and_views_folders_and_a_sql_package_of_query_modules(tmp_path: Path) -> None:
    # The third set of fresh projects: business logic kept in `logic/`, endpoints as plain
    # functions in `views/` (registered through a route list, no `@router`), and a `sql/`
    # package of query modules that also calls one service function (a repository with an
    # upward import, still data access for the routers). A `views/` module that uses
    # nothing of FastAPI, Starlette or SQLAlchemy (a graph rendered to HTML) is no router.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/database.py": """
                from databases import Database

                database = Database("postgresql://localhost/app")
            """,
            "app/schema.py": """
                from sqlalchemy import Column, Integer, MetaData, String, Table

                metadata = MetaData()
                players = Table("players", metadata, Column("id", Integer, primary_key=True), Column("name", String))
                teams = Table("teams", metadata, Column("id", Integer, primary_key=True), Column("elo", Integer))
            """,
            "app/logic/__init__.py": "",
            "app/logic/ranking.py": """
                START_ELO = 1200


                async def recalculate(session, team_id: int) -> None:
                    await session.execute("UPDATE teams SET elo = 1200 WHERE id = :id", {"id": team_id})
                    await session.commit()
            """,
            "app/sql/__init__.py": "",
            "app/sql/players.py": """
                from app.database import database
                from app.logic.ranking import START_ELO, recalculate


                async def get_players():
                    return await database.fetch_all(query="SELECT * FROM players")


                async def insert_player(name: str):
                    await database.execute(query="INSERT INTO players VALUES (:n, :e)", values={"n": name, "e": START_ELO})
                    await recalculate(database, 1)
            """,
            "app/views/__init__.py": "",
            "app/views/players.py": """
                from fastapi import Request

                from app.sql.players import get_players


                async def list_players(request: Request):
                    return await get_players()
            """,
            "app/nodes/__init__.py": "",
            "app/nodes/logic/__init__.py": "",
            "app/nodes/logic/branch.py": """
                from enum import Enum


                class BranchAction(Enum):
                    CONTINUE = "continue"
                    STOP = "stop"
            """,
            "app/views/graph.py": """
                def render(nodes: list[str]) -> str:
                    return "<ul>" + "".join(f"<li>{node}</li>" for node in nodes) + "</ul>"
            """,
        },
    )
    layers = placed(root)
    assert layers["app/logic/ranking.py"]["layer"] == "service"
    assert layers["app/views/players.py"]["layer"] == "api"
    assert layers["app/views/graph.py"]["layer"] is None
    assert layers["app/nodes/logic/branch.py"]["layer"] is None  # a kind of workflow node, no service
    assert findings(root, "LC102", "LC202", "LC302") == [
        ("app/logic/ranking.py", 5, "LC302"),
        ("app/logic/ranking.py", 6, "LC302"),
        ("app/views/players.py", 3, "LC102"),
        ("app/views/players.py", 7, "LC202"),
    ]


def test_second_reviewer_reads_of_the_seventh_round(tmp_path: Path) -> None:
    # A class whose generator methods yield pods page by page hands out no session; a
    # `*_repo.py` about git repositories that imports a model only for an annotation
    # (`if TYPE_CHECKING:`) is no repository; a database module subclassing the store that
    # builds the engine (`TursoAdapter(SQLAlchemyAdapter)`) extends the database module.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": """
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


                class Base(DeclarativeBase):
                    pass


                class Run(Base):
                    __tablename__ = "runs"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "app/runtime/__init__.py": "",
            "app/runtime/handlers.py": """
                from sqlalchemy.orm import Session


                class RuntimeHandler:
                    def list_pods(self, namespace: str):
                        for page in range(3):
                            yield {"namespace": namespace, "page": page}

                    def delete_resources(self, db_session: Session, namespace: str) -> None:
                        for pod in self.list_pods(namespace):
                            print(pod)
            """,
            "app/ingest/__init__.py": "",
            "app/ingest/code_repo.py": """
                from pathlib import Path
                from typing import TYPE_CHECKING

                if TYPE_CHECKING:
                    from app.models import Run


                def list_sources(root: Path, run: "Run | None" = None) -> list[Path]:
                    return sorted(root.rglob("*.py"))
            """,
            "app/relational/__init__.py": "",
            "app/relational/adapter.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                from app.models import Run


                class SQLAlchemyAdapter:
                    def __init__(self, url: str) -> None:
                        self.sessionmaker = async_sessionmaker(create_async_engine(url))

                    async def runs(self) -> list[Run]:
                        async with self.sessionmaker() as session:
                            return list(await session.scalars(select(Run)))

                    async def count(self) -> int:
                        async with self.sessionmaker() as session:
                            return len(list(await session.scalars(select(Run))))

                    async def first(self) -> Run | None:
                        async with self.sessionmaker() as session:
                            return await session.scalar(select(Run))
            """,
            "app/relational/turso.py": """
                from contextlib import asynccontextmanager

                from sqlalchemy.ext.asyncio import AsyncSession

                from app.relational.adapter import SQLAlchemyAdapter


                class TursoAdapter(SQLAlchemyAdapter):
                    @asynccontextmanager
                    async def get_async_session(self):
                        session: AsyncSession = self.sessionmaker()
                        try:
                            yield session
                        finally:
                            await session.close()
            """,
        },
    )
    layers = placed(root)
    assert layers["app/runtime/handlers.py"]["layer"] is None
    assert layers["app/ingest/code_repo.py"]["layer"] is None
    assert layers["app/relational/adapter.py"]["layer"] == "repository"
    assert layers["app/relational/turso.py"]["layer"] == "database"
    assert findings(root, "LC103") == []


def test_a_project_subclass_of_the_session_is_a_session_type(tmp_path: Path) -> None:
    # `class ExtendedAsyncSession(AsyncSession)` with a `fetchone_or_404` helper, defined in a
    # utilities module and imported by the routers (also as `AsyncSession`): importing it is
    # importing a session type; the module that defines it is where the project's session
    # types live. A module in no layer extending a repository class (permission checks
    # around its queries) is that repository, extended, and takes its sessions.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/utils.py": """
                from sqlalchemy.ext.asyncio import AsyncSession


                class ExtendedAsyncSession(AsyncSession):
                    async def fetchone_or_404(self, statement):
                        row = (await self.execute(statement)).first()
                        if row is None:
                            raise LookupError("not found")
                        return row
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/monitors.py": """
                from sqlalchemy import text
                from sqlalchemy.ext.asyncio import AsyncSession


                class MonitorRepository:
                    async def get(self, session: AsyncSession, monitor_id: int):
                        return await session.scalar(text("SELECT name FROM monitors WHERE id = :id"), {"id": monitor_id})
            """,
            "app/permissions/__init__.py": "",
            "app/permissions/checked_monitors.py": """
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.repositories.monitors import MonitorRepository


                class CheckedMonitorRepository(MonitorRepository):
                    async def get(self, session: AsyncSession, monitor_id: int):
                        if monitor_id < 0:
                            raise PermissionError(monitor_id)
                        return await super().get(session, monitor_id)
            """,
            "app/api/__init__.py": "",
            "app/api/monitors.py": """
                from fastapi import APIRouter

                from app.utils import ExtendedAsyncSession
                from app.utils import ExtendedAsyncSession as AsyncSession

                router = APIRouter()


                @router.get("/monitors/{monitor_id}")
                async def get_monitor(monitor_id: int, session: AsyncSession):
                    return {"id": monitor_id}
            """,
        },
    )
    assert findings(root, "LC101") == [
        ("app/api/monitors.py", 3, "LC101"),
        ("app/api/monitors.py", 4, "LC101"),
    ]

"""SPEC revision 2, the lessons of the sixth round: five projects nobody had read, labeled by
hand and scored blind. Async SQL through the `databases` package and SQLAlchemy Core tables
with no Session anywhere; feature folders of prefixed files (`cruds_x.py`, `models_x.py`)
whose routers hang on a feature object (`@module.router.get`); a `dbapi.py` gathering the
features' query functions; loguru's own levels. Each lesson is a small project of our own,
checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, placed

DATABASES_APP = {
    "app/__init__.py": "",
    "app/database.py": """
        from databases import Database

        database = Database("postgresql://localhost/app")
    """,
    "app/schema.py": """
        from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table

        metadata = MetaData()

        clubs = Table("clubs", metadata, Column("id", Integer, primary_key=True), Column("name", String))
        teams = Table(
            "teams",
            metadata,
            Column("id", Integer, primary_key=True),
            Column("club_id", Integer, ForeignKey("clubs.id")),
        )
    """,
    "app/sql/__init__.py": "",
    "app/sql/clubs.py": """
        from app.database import database


        async def get_club(club_id: int):
            return await database.fetch_one(query="SELECT * FROM clubs WHERE id = :id", values={"id": club_id})


        async def get_clubs():
            return await database.fetch_all(query="SELECT * FROM clubs")


        async def get_club_or_none(club_id: int):
            club = await get_club(club_id)
            return club or None
    """,
    "app/sql/rounds.py": """
        from app.database import database
        from app.sql.clubs import get_clubs


        async def get_rounds():
            return await database.fetch_all(query="SELECT * FROM rounds")


        async def get_rounds_of_clubs():
            clubs = await get_clubs()
            return [club["id"] for club in clubs]
    """,
    "app/helpers/__init__.py": "",
    "app/helpers/report.py": """
        from app.sql.clubs import get_clubs


        async def club_report() -> str:
            clubs = await get_clubs()
            return ", ".join(club["name"] for club in clubs)
    """,
    "app/routes/__init__.py": "",
}


def test_a_databases_handle_runs_sql_and_its_query_modules_are_the_data_layer(tmp_path: Path) -> None:
    # `database = Database(url)` (encode/databases) imported everywhere: its `fetch_*` and
    # `execute` calls run SQL, so `sql/clubs.py` is a module of query functions (also the
    # one answering from another query function, of its module or of a query module of
    # its package), and a router calling it, or the handle itself, skips the service layer.
    # A helper elsewhere calling a query function stays a helper; a local `database`
    # string is nothing of the kind.
    root = write_project(
        tmp_path / "proj",
        {
            **DATABASES_APP,
            "app/routes/clubs.py": """
                from fastapi import APIRouter

                from app.database import database
                from app.helpers.report import club_report
                from app.sql.clubs import get_club_or_none
                from app.sql.rounds import get_rounds_of_clubs

                router = APIRouter()


                @router.get("/clubs/{club_id}")
                async def read_club(club_id: int):
                    await club_report()
                    await get_rounds_of_clubs()
                    return await get_club_or_none(club_id)


                @router.delete("/clubs/{club_id}")
                async def delete_club(club_id: int) -> None:
                    async with database.transaction():
                        await database.execute(query="DELETE FROM clubs WHERE id = :id", values={"id": club_id})


                @router.get("/name")
                async def name() -> str:
                    database = "clubs"
                    return database.title()
            """,
        },
    )
    assert findings(root, "LC102", "LC201", "LC202") == [
        ("app/routes/clubs.py", 5, "LC102"),
        ("app/routes/clubs.py", 6, "LC102"),
        ("app/routes/clubs.py", 14, "LC202"),
        ("app/routes/clubs.py", 15, "LC202"),
        ("app/routes/clubs.py", 20, "LC201"),
        ("app/routes/clubs.py", 21, "LC201"),
        ("app/routes/clubs.py", 21, "LC201"),
    ]


def test_core_tables_are_models_and_their_statements_are_sql(tmp_path: Path) -> None:
    # `schema.py` declaring Core tables is the models' module, whatever its name says; a
    # router importing a table (LC104) and calling `teams.select()` / `teams.insert()`
    # builds SQL (LC201). A session's `delete(obj)` and a `select` of a non-table are not.
    root = write_project(
        tmp_path / "proj",
        {
            **DATABASES_APP,
            "app/picker.py": """
                class Picker:
                    def select(self):
                        return 1


                picker = Picker()
            """,
            "app/routes/teams.py": """
                from fastapi import APIRouter

                from app.database import database
                from app.picker import picker
                from app.schema import teams

                router = APIRouter()


                @router.get("/teams")
                async def list_teams():
                    picker.select()
                    return await database.fetch_all(query=teams.select().where(teams.c.club_id == 1))


                @router.post("/teams")
                async def create_team(club_id: int) -> None:
                    await database.execute(query=teams.insert(), values={"club_id": club_id})
            """,
        },
    )
    assert placed(root)["app/schema.py"]["layer"] == "model"
    assert findings(root, "LC104", "LC201") == [
        ("app/routes/teams.py", 5, "LC104"),
        ("app/routes/teams.py", 13, "LC201"),
        ("app/routes/teams.py", 13, "LC201"),
        ("app/routes/teams.py", 18, "LC201"),
        ("app/routes/teams.py", 18, "LC201"),
    ]


def test_feature_folders_of_prefixed_files_and_routers_on_a_feature_object(tmp_path: Path) -> None:
    # `modules/calendar/{endpoints,cruds,models,schemas}_calendar.py`: the prefixes name the
    # layers, and routes hang on `module.router`, an `APIRouter` the feature object makes.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/types/__init__.py": "",
            "app/types/module.py": """
                from fastapi import APIRouter


                class Module:
                    def __init__(self, root: str) -> None:
                        self.root = root
                        self.router = APIRouter(prefix=f"/{root}")
            """,
            "app/modules/__init__.py": "",
            "app/modules/calendar/__init__.py": "",
            "app/modules/calendar/models_calendar.py": """
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


                class Base(DeclarativeBase):
                    pass


                class Event(Base):
                    __tablename__ = "events"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "app/modules/calendar/schemas_calendar.py": """
                from pydantic import BaseModel


                class EventOut(BaseModel):
                    id: int
            """,
            "app/modules/calendar/cruds_calendar.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.modules.calendar import models_calendar


                async def get_events(db: AsyncSession):
                    result = await db.execute(select(models_calendar.Event))
                    return result.scalars().all()
            """,
            "app/modules/calendar/endpoints_calendar.py": """
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.modules.calendar import cruds_calendar
                from app.modules.calendar.schemas_calendar import EventOut
                from app.types.module import Module

                module = Module(root="calendar")


                @module.router.get("/events", response_model=list[EventOut])
                async def read_events(db: AsyncSession):
                    return await cruds_calendar.get_events(db)
            """,
        },
    )
    layers = placed(root)
    assert layers["app/modules/calendar/endpoints_calendar.py"]["layer"] == "api"
    assert layers["app/modules/calendar/cruds_calendar.py"]["layer"] == "repository"
    assert layers["app/modules/calendar/models_calendar.py"]["layer"] == "model"
    assert layers["app/modules/calendar/schemas_calendar.py"]["layer"] == "schema"
    assert layers["app/types/module.py"]["layer"] is None
    assert findings(root, "LC101", "LC102", "LC202") == [
        ("app/modules/calendar/endpoints_calendar.py", 1, "LC101"),
        ("app/modules/calendar/endpoints_calendar.py", 3, "LC102"),
        ("app/modules/calendar/endpoints_calendar.py", 12, "LC202"),
    ]


def test_a_module_gathering_query_functions_is_the_data_layer_for_its_importers(tmp_path: Path) -> None:
    # `core/dbapi.py` only re-exports the features' query functions: a router importing it
    # whole reaches the data layer; its own imports are judged in no layer (no LC103 for
    # gathering them). `core/orm.py` re-exporting the ORM classes is the models' for LC104.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/features/__init__.py": "",
            "app/core/features/users/__init__.py": "",
            "app/core/features/users/orm.py": """
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


                class Base(DeclarativeBase):
                    pass


                class User(Base):
                    __tablename__ = "users"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "app/core/features/users/queries.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.core.features.users.orm import User


                async def get_user(db_session: AsyncSession, user_id: int):
                    return await db_session.get(User, user_id)


                async def get_users(db_session: AsyncSession):
                    return (await db_session.scalars(select(User))).all()
            """,
            "app/core/dbapi.py": """
                from .features.users.queries import get_user, get_users

                __all__ = ["get_user", "get_users"]
            """,
            "app/core/orm.py": """
                from .features.users.orm import User

                __all__ = ["User"]
            """,
            "app/core/features/users/router.py": """
                from fastapi import APIRouter

                from app.core import dbapi, orm

                router = APIRouter()


                @router.get("/users/{user_id}")
                async def read_user(user_id: int, db_session):
                    user: orm.User = await dbapi.get_user(db_session, user_id)
                    return {"id": user.id}
            """,
        },
    )
    assert findings(root, "LC102", "LC103", "LC104") == [
        ("app/core/features/users/router.py", 3, "LC102"),
        ("app/core/features/users/router.py", 3, "LC104"),
    ]


def test_loguru_levels_and_a_session_factory_alias(tmp_path: Path) -> None:
    # loguru's `logger.trace(f"...")` and `logger.success(f"...")` are log calls; a module
    # naming the session factory's type (`SessionLocalType = Callable[[], AsyncSession]`)
    # is the database's, so its session import is no LC101.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/types/__init__.py": "",
            "app/types/sqlalchemy.py": """
                from collections.abc import Callable

                from sqlalchemy.ext.asyncio import AsyncSession

                SessionLocalType = Callable[[], AsyncSession]
            """,
            "app/utils/__init__.py": "",
            "app/utils/state.py": """
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                from app.types.sqlalchemy import SessionLocalType

                engine = create_async_engine("sqlite+aiosqlite:///app.db")
                SessionLocal: SessionLocalType = async_sessionmaker(engine)
            """,
            "app/tasks.py": """
                from loguru import logger


                def register(name: str) -> None:
                    logger.trace(f"registering {name}")
                    logger.success(f"registered {name}")
                    logger.trace("registered %s", name)
            """,
        },
    )
    assert findings(root, "LC101", "LC701") == [
        ("app/tasks.py", 5, "LC701"),
        ("app/tasks.py", 6, "LC701"),
    ]


def test_a_graphql_schema_under_the_api_is_the_api_and_a_factory_maker_is_the_database(tmp_path: Path) -> None:
    # `api/graphql/schema.py` holding the strawberry `Query` whose resolvers answer the
    # requests is the API, not a module of Pydantic schemas: its call into a repository
    # skips the service layer. `make_db_session_factory()` (which also runs a PRAGMA) hands
    # out a session factory: importing it is a database import, not a repository import.
    root = write_project(
        tmp_path / "proj",
        {
            "viz/__init__.py": "",
            "viz/database.py": """
                from sqlalchemy import create_engine, text
                from sqlalchemy.orm import sessionmaker


                def enable_wal(engine) -> None:
                    with engine.connect() as conn:
                        conn.execute(text("PRAGMA journal_mode=WAL;"))


                def make_db_session_factory(location: str) -> sessionmaker:
                    engine = create_engine(f"sqlite:///{location}")
                    enable_wal(engine)
                    return sessionmaker(bind=engine)
            """,
            "viz/repositories/__init__.py": "",
            "viz/repositories/runs.py": """
                from sqlalchemy import text
                from sqlalchemy.orm import sessionmaker


                class RunsRepository:
                    def __init__(self, session_class: sessionmaker) -> None:
                        self._session_class = session_class

                    def get_runs(self):
                        with self._session_class() as session:
                            return session.execute(text("SELECT * FROM runs")).all()
            """,
            "viz/integrations/__init__.py": "",
            "viz/integrations/store.py": """
                from sqlalchemy import create_engine

                from viz.database import make_db_session_factory

                engine = create_engine("sqlite:///runs.db")


                def open_store(location: str):
                    return make_db_session_factory(location)
            """,
            "viz/api/__init__.py": "",
            "viz/api/graphql/__init__.py": "",
            "viz/api/graphql/schema.py": """
                import strawberry

                from viz.repositories.runs import RunsRepository


                @strawberry.type
                class Query:
                    @strawberry.field
                    def runs(self, info) -> list[str]:
                        return [str(row) for row in RunsRepository(info.context["sessions"]).get_runs()]
            """,
        },
    )
    assert placed(root)["viz/api/graphql/schema.py"]["layer"] == "api"
    assert findings(root, "LC102", "LC103", "LC202") == [
        ("viz/api/graphql/schema.py", 3, "LC102"),
        ("viz/api/graphql/schema.py", 10, "LC202"),
    ]


def test_reviewer_reads_of_the_sixth_round(tmp_path: Path) -> None:
    # What reviewers rejected in findings nobody had labeled, each in one small app:
    # - `features/tags/db/api.py` runs queries and enqueues a job after a write: a module
    #   of a `db/` package is data access, not a service (no LC302 there; LC102 for the
    #   router importing it);
    # - `dict_to_model(row, Model) -> TModel` beside the engine in `db.py` is a helper, no
    #   database import (the session dependency still is);
    # - a `Settings(BaseSettings)` class is a config import, not a schema import;
    # - `get_system(db: Session, key)` in a module of query functions hands the session to
    #   a model's lookup: data access for the router importing it.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/config.py": """
                from pydantic_settings import BaseSettings


                class Settings(BaseSettings):
                    database_url: str = "sqlite:///app.db"
            """,
            "app/db.py": """
                from typing import TypeVar

                from pydantic import BaseModel
                from sqlalchemy import create_engine
                from sqlalchemy.orm import Session, sessionmaker

                from app.config import Settings

                TModel = TypeVar("TModel", bound=BaseModel)
                engine = create_engine(Settings().database_url)
                SessionLocal = sessionmaker(engine)


                def get_db():
                    with SessionLocal() as session:
                        yield session


                def dict_to_model(row: dict, model: type[TModel]) -> TModel:
                    return model(**row)
            """,
            "app/tasks.py": """
                from celery import Celery

                celery_app = Celery("app")


                @celery_app.task
                def reindex(tag_id: int) -> None:
                    return None
            """,
            "app/features/__init__.py": "",
            "app/features/tags/__init__.py": "",
            "app/features/tags/orm.py": """
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


                class Base(DeclarativeBase):
                    pass


                class Tag(Base):
                    __tablename__ = "tags"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    name: Mapped[str]

                    @classmethod
                    def get_by(cls, db, name: str):
                        return db.query(cls).filter(cls.name == name).first()
            """,
            "app/features/tags/db/__init__.py": "",
            "app/features/tags/db/api.py": """
                from sqlalchemy import select
                from sqlalchemy.orm import Session

                from app.features.tags.orm import Tag
                from app.tasks import reindex


                def get_tags(db: Session):
                    return db.scalars(select(Tag)).all()


                def rename_tag(db: Session, tag_id: int, name: str):
                    tag = db.get(Tag, tag_id)
                    tag.name = name
                    db.commit()
                    reindex.delay(tag_id)
                    return tag


                def get_tag_by_name(db: Session, name: str):
                    return Tag.get_by(db, name)
            """,
            "app/services/__init__.py": "",
            "app/services/import_service.py": """
                from pydantic import BaseModel

                from app.config import Settings
                from app.db import dict_to_model, get_db


                class TagIn(BaseModel):
                    name: str


                def parse(row: dict) -> TagIn:
                    return dict_to_model(row, TagIn)


                def settings() -> Settings:
                    return Settings()


                def sessions():
                    return get_db()
            """,
            "app/routers/__init__.py": "",
            "app/routers/tags.py": """
                from fastapi import APIRouter

                from app.features.tags.db.api import get_tag_by_name

                router = APIRouter()


                @router.get("/tags/{name}")
                def read_tag(name: str, db):
                    return get_tag_by_name(db, name)
            """,
        },
    )
    assert placed(root)["app/features/tags/db/api.py"]["layer"] is None
    assert findings(root, "LC102", "LC103", "LC202", "LC302") == [
        ("app/routers/tags.py", 3, "LC102"),
        ("app/routers/tags.py", 10, "LC202"),
        ("app/services/import_service.py", 4, "LC103"),
    ]


def test_rule_reads_a_count_a_webhook_validated_by_hand_and_a_loop_over_tables(tmp_path: Path) -> None:
    # LC402: `.mappings().first()` read for one value (`row["count"]`) hands out no dict,
    # where returning the mapped row does. LC204: a webhook handing `await request.json()`
    # to `TypeAdapter(Event).validate_python(...)` validates its body; one that does not,
    # does not. LC405: one statement per table of a loop over tables is no N+1.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/repositories/__init__.py": "",
            "app/repositories/wallets.py": """
                from sqlalchemy import text, update
                from sqlalchemy.ext.asyncio import AsyncSession


                async def count_wallets(db: AsyncSession):
                    result = await db.execute(text("SELECT COUNT(*) AS count FROM wallets"))
                    row = result.mappings().first()
                    return row.get("count", 0)


                async def get_wallet(db: AsyncSession, wallet_id: int):
                    result = await db.execute(text("SELECT * FROM wallets WHERE id = :id"), {"id": wallet_id})
                    row = result.mappings().first()
                    return row


                async def merge_user(db: AsyncSession, tables, kept: int, gone: int) -> None:
                    for table in tables:
                        await db.execute(update(table).where(table.c.user_id == gone).values(user_id=kept))


                async def touch(db: AsyncSession, wallet_ids: list[int]) -> None:
                    for wallet_id in wallet_ids:
                        await db.execute(text("UPDATE wallets SET seen = 1 WHERE id = :id"), {"id": wallet_id})
            """,
            "app/api/__init__.py": "",
            "app/api/webhooks.py": """
                from fastapi import APIRouter, Request
                from pydantic import BaseModel, TypeAdapter

                router = APIRouter()


                class Event(BaseModel):
                    kind: str


                @router.post("/webhooks/pay")
                async def pay(request: Request) -> None:
                    event = TypeAdapter(Event).validate_python(await request.json())
                    print(event.kind)


                @router.post("/webhooks/raw")
                async def raw(request: Request) -> dict:
                    return await request.json()
            """,
        },
    )
    assert findings(root, "LC204", "LC402", "LC405") == [
        ("app/api/webhooks.py", 19, "LC204"),
        ("app/repositories/wallets.py", 13, "LC402"),
        ("app/repositories/wallets.py", 24, "LC405"),
    ]

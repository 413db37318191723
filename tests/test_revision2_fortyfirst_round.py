"""The forty-first round: what real projects of the round taught, each checked through the
CLI on a small project of its own."""

from __future__ import annotations

from pathlib import Path

from conftest import check_json, write_project
from test_revision2 import findings, placed

_MODEL = """
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


    class Base(DeclarativeBase):
        pass


    class Tweet(Base):
        __tablename__ = "tweets"
        id: Mapped[int] = mapped_column(primary_key=True)
        content: Mapped[str]
    """

_CONNECTION = """
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    engine = create_async_engine("sqlite+aiosqlite://")
    async_session_maker = async_sessionmaker(engine)


    async def get_session():
        async with async_session_maker() as session:
            yield session
    """

_SERVICE_BASE = """
    from fastapi import Depends
    from sqlalchemy.ext.asyncio import AsyncSession

    from database.connection import get_session


    class AbstractService:
        def __init__(self, session: AsyncSession = Depends(get_session)):
            self.session = session
    """


def _database_folder(tmp_path: Path, extra: dict[str, str]) -> Path:
    files = {
        "models/__init__.py": "",
        "models/tweets.py": _MODEL,
        "database/__init__.py": "",
        "database/connection.py": _CONNECTION,
        "database/services.py": _SERVICE_BASE,
        **extra,
    }
    return write_project(tmp_path, files)


# ----- services by name and lineage, running their own queries in a `database/` folder ----

_TWEET_SERVICE = """
    from sqlalchemy import select

    from database.services import AbstractService
    from models.tweets import Tweet


    class TweetService(AbstractService):
        async def create(self, content: str) -> int:
            async with self.session.begin():
                tweet = Tweet(content=content)
                self.session.add(tweet)
                await self.session.flush()
                return tweet.id

        async def count(self) -> int:
            rows = await self.session.execute(select(Tweet))
            return len(rows.scalars().all())
    """

# (near-miss: a `*Repository` class in the same folder is the data layer its name says)
_TWEET_REPOSITORY = """
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from models.tweets import Tweet


    class TweetRepository:
        def __init__(self, session: AsyncSession):
            self.session = session

        async def add(self, content: str) -> int:
            tweet = Tweet(content=content)
            self.session.add(tweet)
            await self.session.flush()
            return tweet.id

        async def count(self) -> int:
            rows = await self.session.execute(select(Tweet))
            return len(rows.scalars().all())
    """

# (near-miss: a class named a service deriving from nothing named so, in a module the
# preset's names do not place: a helper class, not a service by lineage)
_PLAIN_HELPER = """
    from sqlalchemy import select

    from models.tweets import Tweet


    class TweetService:
        def __init__(self, session):
            self.session = session

        async def count(self) -> int:
            rows = await self.session.execute(select(Tweet))
            return len(rows.scalars().all())
    """


def test_services_named_and_derived_as_services_in_a_data_folder_are_services(tmp_path: Path) -> None:
    root = _database_folder(
        tmp_path,
        {
            "database/tweets.py": _TWEET_SERVICE,
            "database/tweet_store.py": _TWEET_REPOSITORY,
            "database/helpers.py": _PLAIN_HELPER,
        },
    )
    layers = placed(root)
    assert layers["database/tweets.py"]["layer"] == "service"
    assert layers["database/tweet_store.py"]["layer"] != "service"
    assert layers["database/helpers.py"]["layer"] != "service"
    assert findings(root, "LC302") == [
        ("database/tweets.py", 9, "LC302"),
        ("database/tweets.py", 11, "LC302"),
        ("database/tweets.py", 12, "LC302"),
        ("database/tweets.py", 16, "LC302"),
        ("database/tweets.py", 16, "LC302"),
    ]


# ----- the database module's transaction helper, called by routers ----------------------

_SQLMODEL_DATABASE = """
    from typing import Annotated

    from fastapi import Depends
    from sqlmodel import Session, SQLModel, create_engine

    engine = create_engine("sqlite://")


    def get_session():
        with Session(engine) as session:
            yield session


    SessionDep = Annotated[Session, Depends(get_session)]


    def commit_and_refresh(session: SessionDep, record: SQLModel):
        \"\"\"Settle the transaction and reload the record.\"\"\"
        session.commit()
        session.refresh(record)


    def save_title(session: SessionDep, record: SQLModel, title: str):
        record.title = title
        session.commit()
        session.refresh(record)
    """

_SQLMODEL_POSTS = """
    from sqlmodel import Field, SQLModel


    class Post(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        title: str
    """

_TRANSACTION_ROUTER = """
    from fastapi import APIRouter

    from app.core.database import SessionDep, commit_and_refresh, save_title
    from app.models.posts import Post

    router = APIRouter()


    @router.post("/posts")
    def create_post(title: str, session: SessionDep):
        post = Post(title=title)
        commit_and_refresh(session, post)
        return {"id": post.id}


    @router.put("/posts/{post_id}")
    def rename_post(post_id: int, title: str, session: SessionDep):
        post = Post(id=post_id, title="")
        save_title(session, post, title)
        return {"id": post.id}
    """


def test_a_transaction_helper_of_the_database_module_is_no_repository(tmp_path: Path) -> None:
    # (near-miss: `save_title` sets the row's attributes before committing: an update, data
    # access the router reaches past the service for)
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/database.py": _SQLMODEL_DATABASE,
            "app/models/__init__.py": "",
            "app/models/posts.py": _SQLMODEL_POSTS,
            "app/routers/__init__.py": "",
            "app/routers/posts.py": _TRANSACTION_ROUTER,
        },
    )
    assert findings(root, "LC102", "LC202") == [
        ("app/routers/posts.py", 3, "LC102"),
        ("app/routers/posts.py", 19, "LC202"),
    ]


# ----- a generic service named for its one model, used by the routes as it is -------------

_GENERIC_LOAD_SERVICE = """
    from typing import Generic, TypeVar

    from fastapi import Depends, HTTPException
    from sqlmodel import Session, select

    from app.db import get_session
    from app.models import Load

    T = TypeVar("T")


    class LoadService(Generic[T]):
        def __init__(self, session: Session = Depends(get_session)) -> None:
            self.session = session

        def _get(self, entity_id: int, entity: T):
            found = self.session.get(entity, entity_id)
            if not found:
                raise HTTPException(status_code=404)
            return found

        def get_all(self):
            return self.session.exec(select(Load)).all()

        def remove(self, load_id: int) -> dict[str, bool]:
            self.session.delete(self._get(load_id, Load))
            self.session.commit()
            return {"success": True}
    """

_SQLMODEL_DB = """
    from sqlmodel import Session, create_engine

    engine = create_engine("sqlite://")


    def get_session():
        with Session(engine) as session:
            yield session
    """

_SQLMODEL_LOAD = """
    from sqlmodel import Field, SQLModel


    class Load(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
    """


def test_a_generic_service_named_for_its_model_is_a_service(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db.py": _SQLMODEL_DB,
            "app/models.py": _SQLMODEL_LOAD,
            "app/services/__init__.py": "",
            "app/services/load.py": _GENERIC_LOAD_SERVICE,
            # (near-miss: the same class in a `services/base.py` is the generic data access
            # the services derive from)
            "app/services/base.py": _GENERIC_LOAD_SERVICE.replace("LoadService", "ServiceBase"),
        },
    )
    layers = placed(root)
    assert layers["app/services/load.py"]["layer"] == "service"
    assert layers["app/services/base.py"]["layer"] == "repository"
    assert ("app/services/load.py", 26, "LC302") in findings(root, "LC302")


# ----- abstract repositories (ports) named for a repository -------------------------------

_PORT = """
    from abc import ABCMeta, abstractmethod

    from app.domain.usecases.get_profile import GetProfile


    class GetAccountByIdRepository(metaclass=ABCMeta):
        Output = GetProfile.Output

        @abstractmethod
        async def get_by_id(self, account_id: str) -> Output:
            ...
    """

_USE_CASE_INTERFACE = """
    from abc import ABCMeta, abstractmethod


    class GetProfile(metaclass=ABCMeta):
        Output = dict

        @abstractmethod
        async def get(self, account_id: str) -> Output:
            ...
    """

# (near-miss: a class named for a git repository, no interface, no database: not data access)
_GIT_REPO = """
    import subprocess


    class CloneRepo:
        def clone(self, url: str) -> None:
            subprocess.run(["git", "clone", url], check=True)
    """


def test_an_abstract_repository_port_keeps_its_name_s_layer(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/data/__init__.py": "",
            "app/data/protocols/__init__.py": "",
            "app/data/protocols/get_account_by_id_repository.py": _PORT,
            "app/data/protocols/clone_repository.py": _GIT_REPO,
            "app/domain/__init__.py": "",
            "app/domain/usecases/__init__.py": "",
            "app/domain/usecases/get_profile.py": _USE_CASE_INTERFACE,
        },
    )
    layers = placed(root)
    assert layers["app/data/protocols/get_account_by_id_repository.py"]["layer"] == "repository"
    assert layers["app/data/protocols/clone_repository.py"]["layer"] is None
    assert findings(root, "LC103") == [("app/data/protocols/get_account_by_id_repository.py", 3, "LC103")]


# ----- an APScheduler job wrapper defined where it is scheduled ---------------------------

_LOG_REPOSITORY = """
    from contextlib import asynccontextmanager

    from sqlalchemy import delete
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

    engine = create_async_engine("sqlite+aiosqlite://")
    factory = async_sessionmaker(engine)


    class LogRepository:
        def __init__(self, session: AsyncSession):
            self.session = session

        async def delete_old_logs(self) -> None:
            await self.session.execute(delete(LogRepository))


    @asynccontextmanager
    async def get_log_repository():
        async with factory() as session:
            yield LogRepository(session)
    """

_SCHEDULING = """
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from app.repositories.logging import get_log_repository

    scheduler = AsyncIOScheduler()


    async def setup_log_cleanup():
        async with get_log_repository() as log_repo:

            async def delete_old_logs_wrapper():
                await log_repo.delete_old_logs()

            scheduler.add_job(delete_old_logs_wrapper, "interval", days=1)
            scheduler.start()
    """

# (near-miss: a scheduler that runs a function of another module schedules no job of its own)
_SCHEDULING_ELSEWHERE = """
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from app.repositories.logging import get_log_repository

    scheduler = AsyncIOScheduler()


    def start():
        scheduler.add_job(get_log_repository, "interval", days=1)
        scheduler.start()
    """


def test_a_job_wrapper_scheduled_where_it_is_defined_makes_a_task(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/repositories/__init__.py": "",
            "app/repositories/logging.py": _LOG_REPOSITORY,
            "app/scheduler/__init__.py": "",
            "app/scheduler/request_logging.py": _SCHEDULING,
            "app/scheduler/elsewhere.py": _SCHEDULING_ELSEWHERE,
        },
    )
    layers = placed(root)
    assert layers["app/scheduler/request_logging.py"]["layer"] == "task"
    assert layers["app/scheduler/elsewhere.py"]["layer"] is None
    assert findings(root, "LC102") == [("app/scheduler/request_logging.py", 3, "LC102")]


# ----- a public method handing out what its private helper is annotated to return ---------

_PRIVATE_HELPER_SERVICE = """
    from fastapi import Depends
    from sqlmodel import Session

    from app.db import get_session
    from app import models
    from app.schemas import LoadOut


    class LoadsService:
        def __init__(self, session: Session = Depends(get_session)) -> None:
            self.session = session

        def _get(self, load_id: int) -> models.Load:
            return self.session.get(models.Load, load_id)

        def _count(self) -> int:
            return 1

        def get_one(self, load_id: int):
            return self._get(load_id)

        def count(self):
            return self._count()

        def get_out(self, load_id: int) -> LoadOut:
            return self._get(load_id)
    """


def test_a_private_helper_s_annotated_row_returned_by_a_public_method_is_orm(tmp_path: Path) -> None:
    # (near-misses: a private helper annotated to return a count; a method annotated to
    # return a schema, taken at its word)
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db.py": _SQLMODEL_DB,
            "app/models.py": _SQLMODEL_LOAD,
            "app/schemas.py": "from pydantic import BaseModel\n\n\nclass LoadOut(BaseModel):\n    id: int\n",
            "app/services/__init__.py": "",
            "app/services/loads.py": _PRIVATE_HELPER_SERVICE,
        },
    )
    assert findings(root, "LC301") == [("app/services/loads.py", 20, "LC301")]


# ----- LC101's advice names the project's own session dependency ---------------------------


def test_the_session_advice_names_the_project_s_own_dependency(tmp_path: Path) -> None:
    service = """
        from sqlmodel import Session


        def count(session: Session) -> int:
            return 1
        """
    root = write_project(
        tmp_path,
        {"app/__init__.py": "", "app/db.py": _SQLMODEL_DB, "app/services/__init__.py": "",
         "app/services/s.py": service},
    )
    run = check_json(root, "--select", "LC101")
    messages = [item["message"] for item in run.json()]
    assert len(messages) == 1 and "Depends(get_session)" in messages[0], messages

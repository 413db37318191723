"""SPEC revision 2, lesson by lesson: what the quality harness's real projects taught, each
reproduced in a small project of our own (no code of theirs) and checked through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import check_json, run_layercheck, write_project


def relative(root: Path, items: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    return sorted(
        (Path(item["filename"]).relative_to(root).as_posix(), item["location"]["row"], item["code"]) for item in items
    )


def findings(root: Path, *codes: str) -> list[tuple[str, int, str]]:
    run = check_json(root, "--select", ",".join(codes))
    assert run.exit_code in (0, 1), run.output + run.stderr
    return relative(root, run.json())


def orm_module(name: str) -> str:
    """A module holding the declarative base and one ORM class called `name`."""
    return (
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n\n"
        f"class {name}(Base):\n    __tablename__ = '{name.lower()}s'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    )


# A sync database module: the engine, the session factory and the `get_db` dependency.
SYNC_DATABASE = """
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    SessionLocal = sessionmaker(bind=create_engine("sqlite://"))


    def get_db():
        db = SessionLocal()
        try:
            yield db
        finally:
            db.close()
    """


def placed(root: Path, *args: str) -> dict[str, dict[str, Any]]:
    run = run_layercheck(["layers", "--output-format", "json", "--no-cache", *args, "."], root)
    assert run.exit_code == 0, run.output
    return {item["path"]: item for item in json.loads(run.output)}


SESSION_CHAIN = {
    "app/__init__.py": "",
    "app/kit/__init__.py": "",
    "app/kit/db.py": """
        from typing import NewType

        from sqlalchemy.ext.asyncio import AsyncSession as _AsyncSession

        AsyncReadSession = NewType("AsyncReadSession", _AsyncSession)
        AsyncSession = NewType("AsyncSession", AsyncReadSession)
    """,
    "app/postgres.py": """
        from app.kit.db import AsyncReadSession, AsyncSession

        __all__ = ["AsyncReadSession", "AsyncSession"]
    """,
}


def test_a_newtype_of_a_newtype_re_exported_is_a_session(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            **SESSION_CHAIN,
            "app/api/__init__.py": "",
            "app/api/items.py": """
                from fastapi import APIRouter

                from app.postgres import AsyncSession

                router = APIRouter()


                @router.post("/items")
                async def create(item: int, session: AsyncSession):
                    session.add(item)
                    await session.commit()
            """,
        },
    )
    assert findings(root, "LC101", "LC201") == [
        ("app/api/items.py", 3, "LC101"),
        ("app/api/items.py", 10, "LC201"),
        ("app/api/items.py", 11, "LC201"),
    ]


SERVICE = """
    import aiohttp


    class OrderService:
        def __init__(self, session, http: aiohttp.ClientSession) -> None:
            self.session = session
            self.http = http

        async def place(self, order):
            await self.http.get("https://example.com")  # an HTTP client session: fine
            self.session.add(order)  # flagged
            await self.session.commit()  # flagged


    async def refresh(db_session, cache: dict):
        cache.get(1)  # a dict: fine
        await db_session.flush()  # flagged


    async def from_request(request):
        session = request.session  # a value read off another object: not a session by name
        return session.get("user")
"""


def test_sessions_by_name_where_the_origin_is_out_of_sight(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {"app/services/orders.py": SERVICE, "app/models.py": "import sqlalchemy\n"},
    )
    assert findings(root, "LC302") == [
        ("app/services/orders.py", 11, "LC302"),
        ("app/services/orders.py", 12, "LC302"),
        ("app/services/orders.py", 17, "LC302"),
    ]


def test_the_session_name_convention_needs_sqlalchemy(tmp_path: Path) -> None:
    """In a project that uses neither SQLAlchemy nor SQLModel, `session` means something else."""
    root = write_project(tmp_path / "proj", {"app/services/orders.py": SERVICE})
    assert findings(root, "LC302") == []


def test_sqlmodel_exec_on_a_statement_built_on_another_line(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/api/routes/items.py": """
                from fastapi import APIRouter
                from sqlmodel import Session, select

                router = APIRouter()


                @router.get("/")
                def read_items(session: Session):
                    statement = select(1)
                    return session.exec(statement).all()
            """,
        },
    )
    assert ("app/api/routes/items.py", 10, "LC201") in findings(root, "LC201")


LOGGERS = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/logger.py": """
        import logging


        def get_logger(name: str) -> logging.Logger:
            return logging.getLogger(name)
    """,
    "app/services/__init__.py": "",
    "app/services/minify.py": """
        from somelib import get_logger

        from app.core import logger as root_logger
        from app.core.logger import logging

        log = root_logger.get_logger(__name__)
        other = logging.getLogger(__name__)
        ext_logger = get_logger()


        class Minifier:
            def __init__(self, logger=None) -> None:
                self._logger = logger or Logger("Minifier")

            async def run(self, name: str, stats: "Stats") -> None:
                log.info(f"minify {name}")  # flagged
                other.warning(f"minify {name}")  # flagged
                await ext_logger.ainfo(f"minify {name}")  # flagged
                self._logger.error(f"minify {name}")  # flagged
                stats.info(f"{name}")  # not named like a logger: fine
                log.info("minify", path=f"/{name}")  # an f-string as a keyword value: fine
    """,
}


def test_loggers_through_wrappers_re_exports_and_names(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", LOGGERS)
    assert findings(root, "LC701") == [
        ("app/services/minify.py", 16, "LC701"),
        ("app/services/minify.py", 17, "LC701"),
        ("app/services/minify.py", 18, "LC701"),
        ("app/services/minify.py", 19, "LC701"),
    ]


def test_module_names_follow_the_package_chain_without_configuration(tmp_path: Path) -> None:
    """`layercheck app` in a checkout with no pyproject.toml still resolves `from app.x import y`."""
    root = tmp_path / "checkout"
    write_project(root, {**SESSION_CHAIN, "app/services/__init__.py": "", "app/services/a.py": """
        from app.postgres import AsyncSession


        async def run(session: AsyncSession):
            await session.execute(1)
    """})
    (root / "pyproject.toml").unlink()
    run = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC101,LC302", "app"], root)
    assert relative(root, json.loads(run.output)) == [
        ("app/services/a.py", 1, "LC101"),
        ("app/services/a.py", 5, "LC302"),
    ]


def test_a_module_is_placed_by_what_it_unmistakably_does(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            # A router called crud.py: api, so importing a repository skips the services.
            "app/routes/users/crud.py": """
                from fastapi import APIRouter

                from app.repositories.users import UserRepository

                router = APIRouter()


                @router.get("/")
                def users():
                    return UserRepository().all()
            """,
            "app/repositories/users.py": "class UserRepository:\n    async def all(self): ...\n",
            # A celery task module under api/: task.
            "app/api/celery_task.py": """
                from celery import shared_task


                @shared_task
                def send(user_id: int) -> None: ...
            """,
            # Routes in a file called tasks.py: api.
            "app/api/v1/tasks.py": """
                from fastapi import APIRouter

                router = APIRouter()


                @router.post("/tasks")
                def enqueue() -> None: ...
            """,
            # A settings module called env.py: config, so its environment reads are fine.
            "app/utils/env.py": """
                import os

                from pydantic_settings import BaseSettings


                class Settings(BaseSettings):
                    debug: bool = bool(os.getenv("DEBUG"))
            """,
            # A config package whose __init__ centralises the environment reads.
            "app/config/__init__.py": 'import os\n\nDATABASE_URL = os.environ["DATABASE_URL"]\n',
            # The engine built in a module in no layer: database.
            "app/core/engine.py": """
                from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

                engine = create_async_engine("sqlite+aiosqlite://")
                SessionLocal = async_sessionmaker(engine, class_=AsyncSession)
            """,
        },
    )
    layers = placed(root)
    assert layers["app/routes/users/crud.py"]["layer"] == "api"
    assert layers["app/routes/users/crud.py"]["evidence"] == "APIRouter, 1 route"
    assert layers["app/api/celery_task.py"]["layer"] == "task"
    assert layers["app/api/v1/tasks.py"]["layer"] == "api"
    assert layers["app/utils/env.py"]["layer"] == "config"
    assert layers["app/config/__init__.py"]["layer"] == "config"
    assert layers["app/core/engine.py"]["layer"] == "database"
    assert layers["app/repositories/users.py"]["evidence"] == "preset glob **/repositories/**"
    assert findings(root, "LC101", "LC102", "LC202", "LC602") == [
        ("app/routes/users/crud.py", 3, "LC102"),
        ("app/routes/users/crud.py", 10, "LC202"),
    ]


def test_configuration_comes_before_what_the_code_does(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/routes/users/crud.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
            "@router.get('/')\ndef users(): ...\n",
        },
        pyproject='[tool.layercheck.layers.repository]\nextend-paths = ["**/routes/**/crud.py"]\n',
    )
    layers = placed(root)
    assert layers["app/routes/users/crud.py"]["layer"] == "repository"
    assert layers["app/routes/users/crud.py"]["evidence"] == "configured glob **/routes/**/crud.py"


def test_session_types_in_modules_in_no_layer(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/core/security.py": "from sqlalchemy.ext.asyncio import AsyncSession\n",
            "app/utils/rate_limit.py": "from sqlalchemy.orm import Session\n",
            "app/scripts/seed.py": "from sqlalchemy.orm import Session\n",
            "app/tests/test_x.py": "from sqlalchemy.orm import Session\n",
        },
    )
    assert findings(root, "LC101") == [("app/core/security.py", 1, "LC101"), ("app/utils/rate_limit.py", 1, "LC101")]


def test_routers_and_services_may_enqueue_tasks(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/tasks/emails.py": "def send_welcome(user_id: int) -> None: ...\n",
            "app/services/users.py": "from app.tasks.emails import send_welcome\n",
            "app/api/users.py": "from app.tasks.emails import send_welcome\n",
        },
    )
    assert findings(root, "LC103") == []


def test_import_contracts_judge_what_is_imported(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            # ORM classes next to the engine: importing one is a model import, not a database one.
            "app/db.py": """
                import enum

                from sqlalchemy import create_engine
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

                engine = create_engine("sqlite://")


                class Base(DeclarativeBase):
                    pass


                class User(Base):
                    __tablename__ = "users"
                    id: Mapped[int] = mapped_column(primary_key=True)


                class Status(enum.Enum):
                    ACTIVE = "active"
            """,
            "app/services/users.py": "from app.db import User\n",
            # An enum defined beside the ORM classes is no model import; the ORM class is.
            "app/models/order.py": """
                import enum

                from app.db import Base
                from sqlalchemy.orm import Mapped, mapped_column


                class OrderStatus(enum.Enum):
                    OPEN = "open"


                class Order(Base):
                    __tablename__ = "orders"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "app/tasks/cleanup.py": "from app.models.order import OrderStatus\nfrom app.models.order import Order\n",
            # A constant of a repository module is no repository import.
            "app/repositories/_utils.py": "NOT_SET = object()\n\n\nasync def find(session):\n    ...\n",
            "app/api/users.py": (
                "from app.repositories._utils import NOT_SET\nfrom app.repositories._utils import find\n"
                "from fastapi import APIRouter\n"
            ),
        },
    )
    assert findings(root, "LC102", "LC103") == [
        ("app/api/users.py", 2, "LC102"),
        ("app/tasks/cleanup.py", 2, "LC103"),
    ]


def test_a_models_module_that_runs_queries_is_data_access(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/orm.py": orm_module("Item"),
            "app/models/items.py": """
                from sqlalchemy import select
                from sqlalchemy.orm import Session

                from app.orm import Item


                def all_items(session: Session):
                    return session.scalars(select(Item)).all()
            """,
            "app/api/items.py": "from app.models.items import all_items\nfrom fastapi import APIRouter\n",
        },
    )
    assert findings(root, "LC102", "LC104") == [("app/api/items.py", 1, "LC102")]


def test_a_models_module_that_runs_queries_may_import_sessions(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/models/items.py": """
                from sqlalchemy import text
                from sqlalchemy.orm import Session


                def count(session: Session) -> int:
                    return session.scalar(text("SELECT count(*) FROM items"))
            """,
        },
    )
    assert findings(root, "LC101") == []


def test_query_builders_through_a_project_re_export(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/kit/__init__.py": "",
            "app/kit/sql.py": "from sqlalchemy import *  # noqa: F403\nfrom sqlalchemy import select, update\n",
            "app/postgres.py": "from app.kit import sql\n",
            "app/services/__init__.py": "",
            "app/services/users.py": """
                from app.postgres import sql
                from app.services.helpers import update


                def a():
                    return sql.select(1)  # flagged


                def b():
                    return update(2)  # a project function called update: fine
            """,
            "app/services/helpers.py": "def update(x):\n    return x\n",
        },
    )
    assert findings(root, "LC302") == [("app/services/users.py", 6, "LC302")]


def test_repositories_made_by_factories_are_repositories(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/repositories/base.py": """
                from typing import Self


                class RepositoryBase:
                    def __init__(self, session) -> None:
                        self.session = session

                    @classmethod
                    def from_session(cls, session) -> Self:
                        return cls(session)
            """,
            "app/repositories/users.py": """
                from app.repositories.base import RepositoryBase


                class UserRepository(RepositoryBase):
                    async def get(self, user_id: int): ...


                class AllRepositories:
                    def __init__(self, session) -> None:
                        self.users = UserRepository(session)


                def get_repositories(session) -> AllRepositories:
                    return AllRepositories(session)
            """,
            "app/api/users.py": """
                from fastapi import APIRouter

                from app.repositories.users import UserRepository, get_repositories

                router = APIRouter()


                @router.get("/{user_id}")
                async def read(user_id: int, session):
                    repo = UserRepository.from_session(session)
                    repos = get_repositories(session)
                    return await repo.get(user_id)
            """,
        },
    )
    found = findings(root, "LC202")
    assert ("app/api/users.py", 12, "LC202") in found  # `repo.get`, from a `-> Self` factory
    assert ("app/api/users.py", 10, "LC202") in found  # the factory call itself


def test_the_deeper_configured_folder_wins(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/services/scheduler/tasks/purge.py": "",
            "app/services/users.py": "",
            "app/services/models/x.py": "",
        },
        pyproject='[tool.layercheck.layers]\nservice = ["app/services/**"]\ntask = ["app/services/scheduler/tasks/**"]\n',
    )
    layers = placed(root)
    assert layers["app/services/scheduler/tasks/purge.py"]["layer"] == "task"
    assert layers["app/services/users.py"]["layer"] == "service"
    assert layers["app/services/models/x.py"]["layer"] == "model"


def test_a_session_factory_is_no_session_but_what_it_opens_is(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/database.py": """
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                async_db_session = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))
            """,
            "app/services/logins.py": """
                from app.database import async_db_session


                async def record(entry) -> None:
                    async with async_db_session.begin() as db:  # the factory's method: fine
                        db.add(entry)  # flagged
                    async with async_db_session() as session:
                        await session.begin_nested()  # flagged
            """,
        },
    )
    assert findings(root, "LC302") == [("app/services/logins.py", 6, "LC302"), ("app/services/logins.py", 8, "LC302")]


def test_a_factory_made_by_a_project_function_and_an_engine_attribute(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/database.py": """
                from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


                def make_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
                    return async_sessionmaker(engine)


                engine = create_async_engine("sqlite+aiosqlite://")
                async_db_session = make_factory(engine)
            """,
            "app/services/backup.py": """
                from sqlalchemy.ext.asyncio import AsyncEngine

                from app.database import async_db_session


                class Backup:
                    def __init__(self, engine: AsyncEngine) -> None:
                        self.engine = engine

                    async def run(self, row) -> None:
                        async with self.engine.begin():  # an engine, not a session
                            pass
                        async with async_db_session.begin() as db:  # the factory's own method
                            db.add(row)  # flagged
            """,
        },
    )
    assert findings(root, "LC302") == [("app/services/backup.py", 14, "LC302")]


def test_a_service_returning_what_its_session_queried(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/models.py": orm_module("Tag"),
            "app/service.py": """
                from app.models import Tag


                def get(*, db_session, tag_id: int):
                    return db_session.query(Tag).filter(Tag.id == tag_id).one_or_none()  # flagged


                def get_all(*, db_session):
                    return db_session.query(Tag)  # flagged


                def count(*, db_session) -> int:
                    return db_session.query(Tag).count()  # a number: fine


                def _private(*, db_session):
                    return db_session.query(Tag).first()  # private helpers are not judged
            """,
        },
    )
    assert findings(root, "LC301") == [("app/service.py", 5, "LC301"), ("app/service.py", 9, "LC301")]


def test_modules_in_no_layer_that_do_database_work_may_import_sessions(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/db/__init__.py": "from sqlalchemy.orm import sessionmaker\n",
            # Builds the factory through the re-export, inside a function.
            "app/db/manage.py": """
                from sqlalchemy.orm import Session

                from app.db import sessionmaker


                def factory(engine) -> None:
                    return sessionmaker(bind=engine, class_=Session)
            """,
            # Runs queries for a service that does not: data access by what it does.
            "app/services/ids.py": "from app.utils.cache import cached_ids\n",
            # A script that runs a query itself, imported by nobody: held to LC101.
            "app/backend_pre_start.py": """
                from sqlalchemy.orm import Session


                def init(db: Session) -> None:
                    db.execute(1)
            """,
            "app/utils/cache.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession


                async def cached_ids(db: AsyncSession) -> list[int]:
                    return list(await db.scalars(select(1)))
            """,
            # A session dependency.
            "app/worker/session.py": """
                from collections.abc import AsyncIterator

                from sqlalchemy.ext.asyncio import AsyncSession


                async def worker_session() -> AsyncIterator[AsyncSession]:
                    yield AsyncSession()
            """,
            # Only annotates a parameter: a violation.
            "app/core/security.py": """
                from sqlalchemy.ext.asyncio import AsyncSession


                def check(db: AsyncSession) -> None: ...
            """,
        },
    )
    assert findings(root, "LC101") == [("app/backend_pre_start.py", 1, "LC101"), ("app/core/security.py", 1, "LC101")]


def test_jobs_on_a_project_celery_app_make_a_task_module(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/core/celery.py": "from celery import Celery\n\ncelery = Celery('app')\n",
            "app/api/celery_task.py": """
                from app.core.celery import celery


                @celery.task(name="tasks.send")
                def send(user_id: int) -> None: ...
            """,
        },
    )
    assert placed(root)["app/api/celery_task.py"]["layer"] == "task"


def test_routers_of_project_subclasses_and_alembic_revisions_anywhere(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/routes/_base/routers.py": "from fastapi import APIRouter\n\n\nclass UserAPIRouter(APIRouter): ...\n",
            "app/routes/users/crud.py": """
                from app.routes._base.routers import UserAPIRouter

                user_router = UserAPIRouter(prefix="/users")


                @user_router.get("/")
                def users(): ...
            """,
            "app/database/revisions/versions/2024_01_01_abc.py": """
                from alembic import op
                from sqlalchemy.orm import Session

                revision = "abc"
                down_revision = None


                def upgrade() -> None:
                    op.execute("SELECT 1")
            """,
        },
    )
    layers = placed(root)
    assert layers["app/routes/users/crud.py"]["layer"] == "api"
    assert layers["app/database/revisions/versions/2024_01_01_abc.py"]["layer"] == "migrations"
    assert findings(root, "LC101") == []


def test_a_mixin_beside_pydantic_classes_in_a_models_module_is_no_schema_import(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/models.py": """
                from pydantic import BaseModel
                from sqlalchemy import Column, DateTime


                class TimeStampMixin:
                    created_at = Column(DateTime)


                class Pagination(BaseModel):
                    total: int
            """,
            "app/schemas.py": "from pydantic import BaseModel\n\n\nclass TagRead(BaseModel):\n    id: int\n",
            "app/tag/models.py": """
                from sqlalchemy.orm import DeclarativeBase

                from app.models import Pagination, TimeStampMixin
                from app.schemas import TagRead


                class Base(DeclarativeBase):
                    pass


                class Tag(Base, TimeStampMixin):
                    __tablename__ = "tags"
            """,
        },
    )
    # Between two modules named `models` nothing is reclassified; a schema module's class is
    # a schema import.
    assert findings(root, "LC103") == [("app/tag/models.py", 4, "LC103")]


def test_scripts_app_factories_and_schemas_by_what_they_are(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            # A seeding script run by hand: LC101 does not hold scripts, wherever they sit.
            "app/initial_data.py": """
                from sqlmodel import Session


                def main(session: Session) -> None: ...


                if __name__ == "__main__":
                    main(Session())
            """,
            # Creates the app (and a docs route in it): the app factory, not a router.
            "app/core/setup.py": """
                from fastapi import APIRouter, FastAPI

                from app.models import User


                def create_application() -> FastAPI:
                    application = FastAPI()
                    docs_router = APIRouter()

                    @docs_router.get("/docs")
                    def docs(): ...

                    return application
            """,
            "app/models.py": orm_module("User"),
            # A module of Pydantic schemas that a file name puts in the config layer.
            "app/plugin/schema/config.py": "from pydantic import BaseModel\n\n\nclass CreateConfigParam(BaseModel):\n    key: str\n",
            "app/plugin/crud/crud_config.py": "from app.plugin.schema.config import CreateConfigParam\n",
        },
    )
    assert placed(root)["app/core/setup.py"]["layer"] == "main"
    assert findings(root, "LC101", "LC103", "LC104") == []


def test_config_and_database_names_are_checked_against_what_the_module_does(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/config.py": "import os\n\nDEBUG = os.getenv('DEBUG')\n",
            "app/plugin/config.py": "from pydantic import BaseModel\n\n\nclass Option(BaseModel):\n    key: str\n",
            "app/db.py": "from sqlalchemy import create_engine\n\nengine = create_engine('sqlite://')\n",
            "app/task/database.py": "class JobBackend:\n    def store(self, row): ...\n",
        },
    )
    layers = placed(root)
    assert layers["app/config.py"]["layer"] == "config"
    assert layers["app/plugin/config.py"]["layer"] is None
    assert "defines no settings" in layers["app/plugin/config.py"]["evidence"]
    assert layers["app/db.py"]["layer"] == "database"
    assert layers["app/task/database.py"]["layer"] is None


def test_loguru_loggers_get_loguru_advice_and_no_percent_fix(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/common/log.py": "from loguru import logger\n\nlog = logger\n",
            "app/services/a.py": """
                from loguru import logger

                from app.common.log import log


                def run(name: str) -> None:
                    logger.info(f"start {name}")
                    log.error(f"failed {name}")
            """,
        },
    )
    run = check_json(root, "--select", "LC701", "--unsafe-fixes")
    found = [(item["location"]["row"], item["message"], item["fix"]) for item in run.json()]
    advice = "f-string used as a log message; pass values as arguments to a `{}` template"
    assert found == [(7, advice, None), (8, advice, None)]


def test_a_layer_named_folder_holding_other_layers_is_the_package(tmp_path: Path) -> None:
    # The whole backend lives below `api/`: `api/` names the package, not the api layer, so
    # its data-access module is no router and its services are no endpoints.
    files = {
        "backend/__init__.py": "",
        "backend/api/__init__.py": "",
        "backend/api/models/__init__.py": "",
        "backend/api/models/user.py": orm_module("User"),
        "backend/api/tasks/__init__.py": "",
        "backend/api/tasks/purge.py": "def purge() -> None:\n    pass\n",
        "backend/api/routes/__init__.py": "",
        "backend/api/routes/users.py": """
            from fastapi import APIRouter

            router = APIRouter()


            @router.get("/users")
            def users() -> list[str]:
                return []
        """,
        "backend/api/core/__init__.py": "",
        "backend/api/core/alerts.py": """
            from sqlalchemy import select
            from sqlalchemy.orm import Session


            def count(session: Session) -> int:
                return len(session.execute(select(1)).all())
        """,
        # A services folder with a `config.py` and a `jobs/` sub-package holds services about
        # those things: one other layer's folder does not make it a package.
        "backend/services/__init__.py": "",
        "backend/services/config.py": "",
        "backend/services/jobs/__init__.py": "",
        "backend/services/jobs/run.py": "",
        "backend/services/users.py": "",
    }
    root = write_project(tmp_path / "proj", files)
    layers = placed(root)
    assert layers["backend/api/core/alerts.py"]["layer"] is None
    assert layers["backend/api/routes/users.py"]["layer"] == "api"
    assert layers["backend/api/models/user.py"]["layer"] == "model"
    assert layers["backend/api/tasks/purge.py"]["layer"] == "task"
    assert layers["backend/services/users.py"]["layer"] == "service"
    assert layers["backend/services/jobs/run.py"]["layer"] == "task"
    assert findings(root, "LC201") == []  # the session call is in no router

    # Without the other layers' folders `api/` is the api layer again, and a warm run sees
    # it: a cached record is for the layer its path gave, not only for its content.
    cached = ["--output-format", "json", "--select", "LC201", "."]
    first = run_layercheck(cached, root)
    assert json.loads(first.output) == []
    for path in ("backend/api/models/user.py", "backend/api/models/__init__.py"):
        (root / path).unlink()
    (root / "backend/api/models").rmdir()
    second = run_layercheck(cached, root)
    assert relative(root, json.loads(second.output)) == [("backend/api/core/alerts.py", 6, "LC201")] * 2


DATA_ACCESS_BESIDE_THE_ENGINE = {
    "app/__init__.py": "",
    "app/models/__init__.py": "",
    "app/models/user.py": orm_module("User"),
    "app/core/__init__.py": "",
    # The database module builds the engine and provides the session dependency (not data
    # access), and also holds query functions (data access, whatever the module is called).
    "app/core/db.py": """
        from sqlalchemy import create_engine, select
        from sqlalchemy.orm import Session

        from app.models.user import User

        engine = create_engine("sqlite://")


        def get_db():
            with Session(engine) as session:
                yield session
                session.commit()


        def get_user(session: Session, user_id: int) -> User | None:
            return session.execute(select(User).where(User.id == user_id)).scalar_one_or_none()


        def get_or_create_user(db, user_id: int) -> User:
            user = get_user(db, user_id)
            if user is None:
                user = User(id=user_id)
                db.add(user)
            return user
    """,
    # A module in no layer made of query functions is data access; one named for access
    # control whose check looks a row up is not, nor a flow that calls a service.
    "app/core/alerts.py": """
        from sqlalchemy import select

        from app.models.user import User


        def list_alerts(session):
            return session.execute(select(User)).scalars().all()


        def count_alerts(session):
            return len(list_alerts(session))
    """,
    "app/security/__init__.py": "",
    "app/security/permissions.py": """
        from sqlalchemy import select

        from app.models.user import User


        def check_can_access(session, user_id: int) -> None:
            if session.execute(select(User.id).where(User.id == user_id)).first() is None:
                raise PermissionError(user_id)
    """,
    "app/services/__init__.py": "",
    "app/services/users.py": "def rename(user_id: int) -> None:\n    pass\n",
    "app/flows.py": """
        from app.services.users import rename


        def onboard(session, user_id: int) -> None:
            rename(user_id)
            session.add(object())
    """,
    # ORM classes and a table-access class in one models module (`Users = UsersTable()`).
    "app/models/notes.py": """
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        from app.core.db import get_db


        class Base(DeclarativeBase):
            pass


        class Note(Base):
            __tablename__ = "notes"
            id: Mapped[int] = mapped_column(primary_key=True)


        class NotesTable:
            def get(self, note_id: int):
                with get_db() as db:
                    return db.query(Note).filter(Note.id == note_id).first()


        Notes = NotesTable()
    """,
    "app/routes/__init__.py": "",
    "app/routes/users.py": """
        from fastapi import APIRouter, Depends

        from app.core.alerts import list_alerts
        from app.core.db import get_db, get_or_create_user, get_user
        from app.flows import onboard
        from app.models.notes import Notes
        from app.security.permissions import check_can_access

        router = APIRouter()


        @router.get("/users/{user_id}")
        def read(user_id: int, db=Depends(get_db)) -> dict:
            check_can_access(db, user_id)
            onboard(db, user_id)
            get_user(db, user_id)
            get_or_create_user(db, user_id)
            list_alerts(db)
            Notes.get(1)
            return {}
    """,
}


def test_query_functions_and_table_classes_outside_repositories_are_data_access(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", DATA_ACCESS_BESIDE_THE_ENGINE)
    assert findings(root, "LC102", "LC202") == [
        ("app/routes/users.py", 3, "LC102"),  # list_alerts: a module of query functions
        ("app/routes/users.py", 4, "LC102"),  # get_or_create_user calls get_user: both data access
        ("app/routes/users.py", 4, "LC102"),
        ("app/routes/users.py", 6, "LC102"),  # Notes, an instance of a table-access class
        ("app/routes/users.py", 16, "LC202"),  # not the permission check (14) nor the flow (15)
        ("app/routes/users.py", 17, "LC202"),
        ("app/routes/users.py", 18, "LC202"),
        ("app/routes/users.py", 19, "LC202"),
    ]


def test_a_database_named_module_of_query_functions_is_a_repository(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/utils/__init__.py": "",
            # No engine, no session dependency: get-or-create functions, data access.
            "app/utils/db.py": """
                from sqlalchemy.orm import Session

                from app.models import User


                def get_or_create_user(db: Session, user_id: int) -> User:
                    user = db.query(User).filter(User.id == user_id).first()
                    if user is None:
                        db.add(User(id=user_id))
                    return user
            """,
            # A file named for configuration among services, holding a service: a service.
            "app/services/__init__.py": "",
            "app/services/config.py": """
                from app.utils.db import get_or_create_user


                def settings_owner(db, user_id: int):
                    db.commit()
                    return get_or_create_user(db, user_id)
            """,
            # Object-relational classes in an `orm/` folder are models; `bl/` is the
            # business-logic layer beside a DAL.
            "app/orm/__init__.py": "",
            "app/orm/note.py": orm_module("Note"),
            "app/bl/__init__.py": "",
            "app/bl/notes_bl.py": "def archive(session) -> None:\n    session.flush()\n",
        },
    )
    layers = placed(root)
    assert layers["app/utils/db.py"]["layer"] == "repository"
    assert layers["app/services/config.py"]["layer"] == "service"
    assert layers["app/orm/note.py"]["layer"] == "model"
    assert layers["app/bl/notes_bl.py"]["layer"] == "service"
    assert findings(root, "LC103", "LC302") == [
        ("app/bl/notes_bl.py", 2, "LC302"),
        ("app/services/config.py", 5, "LC302"),
    ]


def test_a_session_from_a_registry_method_and_closed_by_hand(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/server/__init__.py": "",
            # A registry object whose method is a context manager yielding a session.
            "app/server/db.py": """
                from collections.abc import AsyncGenerator
                from contextlib import asynccontextmanager

                from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

                engine = create_async_engine("sqlite+aiosqlite://")
                factory = async_sessionmaker(engine)


                class Registry:
                    @asynccontextmanager
                    async def async_session(self) -> AsyncGenerator[AsyncSession, None]:
                        async with factory() as session:
                            yield session


                registry = Registry()
            """,
            "app/services/__init__.py": "",
            "app/services/users.py": """
                from app.server.db import registry


                async def count_users() -> int:
                    async with registry.async_session() as sess:
                        result = await sess.execute("SELECT 1")
                    return 1
            """,
            "app/routers/__init__.py": "",
            "app/routers/users.py": """
                from fastapi import APIRouter

                from app.server.db import factory

                router = APIRouter()


                @router.get("/")
                async def read() -> dict:
                    db = factory()
                    try:
                        return {}
                    finally:
                        await db.close()
            """,
        },
    )
    assert findings(root, "LC201", "LC302") == [
        ("app/routers/users.py", 14, "LC201"),
        ("app/services/users.py", 6, "LC302"),
    ]


def test_a_folder_above_the_package_names_no_layer(tmp_path: Path) -> None:
    # A repository of several services: `services/api/` holds the `app` package and is no
    # package itself, so its name says nothing of the code's layers.
    root = write_project(
        tmp_path / "proj",
        {
            "services/api/app/__init__.py": "from sqlalchemy.orm import Session\n",
            "services/api/app/utils/__init__.py": "",
            "services/api/app/utils/memory.py": "def remember(db) -> None:\n    db.query(object)\n",
            "services/api/app/routers/__init__.py": "",
            "services/api/app/routers/notes.py": "def read(db) -> None:\n    db.query(object)\n",
        },
    )
    layers = placed(root)
    assert layers["services/api/app/utils/memory.py"]["layer"] is None
    assert layers["services/api/app/routers/notes.py"]["layer"] == "api"
    assert findings(root, "LC201") == [("services/api/app/routers/notes.py", 2, "LC201")]


def test_repositories_reached_through_attributes_of_attributes(tmp_path: Path) -> None:
    # A registry of repositories held by a base controller (re-exported with a star import),
    # reached as `self.repos.users`, through a property of the subclass, or from a local
    # that an unannotated factory made; a unit of work annotated on a parameter.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "from sqlalchemy.orm import Session\n",
            "app/repos/__init__.py": "",
            "app/repos/users.py": """
                class RepositoryUsers:
                    def __init__(self, session) -> None:
                        self.session = session

                    def get_one(self, name: str):
                        return None
            """,
            "app/repos/registry.py": """
                from functools import cached_property

                from app.repos.users import RepositoryUsers


                class AllRepositories:
                    def __init__(self, session) -> None:
                        self.session = session

                    @cached_property
                    def users(self) -> RepositoryUsers:
                        return RepositoryUsers(self.session)


                class UnitOfWork:
                    users: RepositoryUsers


                def get_repositories(session):
                    return AllRepositories(session)
            """,
            "app/routes/__init__.py": "from .base import *\n",
            "app/routes/base.py": """
                from app.repos.registry import AllRepositories


                class BaseController:
                    _repos: AllRepositories | None = None

                    @property
                    def repos(self):
                        if not self._repos:
                            self._repos = AllRepositories(self.session)
                        return self._repos
            """,
            "app/routes/users.py": """
                from functools import cached_property

                from app.repos.registry import UnitOfWork, get_repositories
                from app.routes import BaseController


                class UserRoutes(BaseController):
                    @cached_property
                    def repo(self):
                        return self.repos.users

                    def read(self):
                        return self.repos.users.get_one("x")

                    def read_again(self):
                        return self.repo.get_one("x")

                    def labels(self):
                        return self.repos.session.info


                def validate(session):
                    db = get_repositories(session)
                    return db.users.get_one("y")


                def with_unit(uow: UnitOfWork):
                    return uow.users.get_one("z")
            """,
        },
    )
    found = [item for item in findings(root, "LC202") if item[0] == "app/routes/users.py"]
    assert found == [
        ("app/routes/users.py", 13, "LC202"),
        ("app/routes/users.py", 16, "LC202"),
        ("app/routes/users.py", 23, "LC202"),  # get_repositories() itself
        ("app/routes/users.py", 24, "LC202"),
        ("app/routes/users.py", 28, "LC202"),
    ]


def test_engine_connections_and_sessions_reached_through_other_objects(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/db.py": 'from sqlalchemy import create_engine\n\nengine = create_engine("sqlite://")\n',
            "app/repos/__init__.py": "",
            "app/repos/users.py": """
                from sqlalchemy.orm import Session


                class UserRepository:
                    def __init__(self, session: Session) -> None:
                        self.session = session
            """,
            "app/services/__init__.py": "",
            "app/services/backup.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.engine import Connection

                from app.db import engine
                from app.repos.users import UserRepository


                class Exporter:
                    def __init__(self, url: str, repo: UserRepository) -> None:
                        self.engine = create_engine(url)
                        self.repo = repo

                    def dump(self):
                        with self.engine.connect() as connection:
                            return connection.execute("SELECT 1").all()

                    def undo(self) -> None:
                        self.repo.session.rollback()


                def wipe() -> None:
                    with engine.begin() as conn:
                        conn.exec_driver_sql("DELETE FROM x")


                def given(conn: Connection) -> None:
                    conn.execute("SELECT 2")


                def other(client, http) -> None:
                    with client.connect() as conn:
                        conn.execute("GET /")
                    http.session.close()
            """,
        },
    )
    assert findings(root, "LC302") == [
        ("app/services/backup.py", 15, "LC302"),
        ("app/services/backup.py", 18, "LC302"),
        ("app/services/backup.py", 23, "LC302"),
        ("app/services/backup.py", 27, "LC302"),
    ]


def test_a_service_returning_the_rows_of_a_statement_built_before(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Event"),
            "app/services/__init__.py": "",
            "app/services/events.py": """
                from sqlalchemy import exists, func, select

                from app.models import Event


                class EventService:
                    def __init__(self, db_session) -> None:
                        self.db_session = db_session

                    def latest(self, limit: int):
                        query = select(Event).where(Event.id > 0)
                        query = query.order_by(Event.id).limit(limit)
                        return self.db_session.exec(query).all()

                    def ids(self):
                        query = select(Event.id)
                        return self.db_session.exec(query).all()

                    def total(self):
                        return self.db_session.execute(select(func.count(Event.id))).scalar_one()

                    def all_rows(self):
                        return self.db_session.execute(select(Event)).scalars().all()

                    def refresh_all(self) -> bool:
                        self.db_session.expire_all()
                        return self.db_session.query(exists().where(Event.id == 1)).scalar()
            """,
        },
    )
    assert findings(root, "LC301") == [
        ("app/services/events.py", 13, "LC301"),
        ("app/services/events.py", 23, "LC301"),
    ]
    assert ("app/services/events.py", 26, "LC302") in findings(root, "LC302")
    assert ("app/services/events.py", 27, "LC302") in findings(root, "LC302")


def test_session_types_in_access_checks_are_lc101_but_not_in_query_modules(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": orm_module("User"),
        "app/routes/__init__.py": "",
        "app/routes/users.py": "from app.core.queries import find_user\nfrom app.security.permissions import check\n",
        "app/security/__init__.py": "",
        # An access check that looks a row up: the session type belongs in a dependency alias.
        "app/security/permissions.py": """
            from sqlalchemy.orm import Session

            from app.models import User


            def check(session: Session, user_id: int) -> None:
                if session.get(User, user_id) is None:
                    raise PermissionError(user_id)
        """,
        "app/core/__init__.py": "",
        # A module of query functions in no layer: data access, where sessions belong.
        "app/core/queries.py": """
            from sqlalchemy.orm import Session

            from app.models import User


            def find_user(session: Session, user_id: int) -> User | None:
                return session.get(User, user_id)
        """,
    }
    root = write_project(tmp_path / "proj", files)
    assert findings(root, "LC101") == [("app/security/permissions.py", 1, "LC101")]


def test_files_named_for_data_access_are_repositories_when_they_query(tmp_path: Path) -> None:
    query_module = "from sqlalchemy.orm import Session\n\n\ndef get(db: Session):\n    return db.execute(1)\n"
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/services/__init__.py": "",
            "app/services/db_manager.py": query_module,
            "app/dbs/postgres/users/dao.py": query_module,
            "app/graphql/queries.py": 'USERS = "query { users { id } }"\n',
            "app/controllers/users.py": "from app.services.db_manager import get\n",
            "app/schema/user.py": "from pydantic import BaseModel\n\n\nclass UserOut(BaseModel):\n    id: int\n",
        },
    )
    layers = placed(root)
    assert layers["app/services/db_manager.py"]["layer"] == "repository"
    assert layers["app/dbs/postgres/users/dao.py"]["layer"] == "repository"
    assert layers["app/graphql/queries.py"]["layer"] is None
    assert layers["app/controllers/users.py"]["layer"] == "service"
    assert layers["app/schema/user.py"]["layer"] == "schema"
    assert findings(root, "LC302", "LC101") == []  # data access may use sessions


def test_what_precision_reviews_taught(tmp_path: Path) -> None:
    # Second-round reviews read random findings on four projects; each false class is here.
    files = {
        "pyproject.toml": '[project]\nname = "app"\ndependencies = ["pydantic>=1.10,<2", "fastapi"]\n',
        "app/__init__.py": "",
        # A constant from a schema module is no schema import.
        "app/models.py": "from app.schemas.user import DEFAULT_NAME\n" + orm_module("User"),
        # A project pinned to Pydantic v1: `class Config:` is the only way there (no LC501).
        "app/schemas/__init__.py": "",
        "app/schemas/user.py": """
            from pydantic import BaseModel

            DEFAULT_NAME = "anonymous"


            class UserOut(BaseModel):
                id: int

                class Config:
                    orm_mode = True
        """,
        # A provider's test harness reads the environment and prints: run by hand (no
        # LC602/LC604/LC704); the same read outside the harness is a finding.
        "app/providers/__init__.py": "",
        "app/providers/mail.py": """
            import os

            TIMEOUT = os.getenv("MAIL_TIMEOUT")

            if __name__ == "__main__":
                password = "hunter2-hunter2"
                print(os.environ.get("MAIL_HOST"), password)
        """,
        # A client program run with `asyncio.run` at module level: a script (no LC704).
        "app/tools/__init__.py": "",
        "app/tools/example_client.py": """
            import asyncio


            async def main() -> None:
                print("connected")


            asyncio.run(main())
        """,
        # A startup script that builds an engine to check the schema is no database module.
        "app/db/__init__.py": "",
        "app/db/init_db.py": """
            from sqlalchemy import create_engine

            from app.models import User


            def main() -> None:
                create_engine("sqlite://")
                print(User)


            if __name__ == "__main__":
                main()
        """,
        # A loader of the configuration file named `config_file`: config by what it does.
        "app/config_file.py": 'import os\n\nPATH = os.getenv("APP_CONFIG_PATH", "app.yaml")\n',
        # A service annotated `-> int` returning what an ORM class method counts.
        "app/services/__init__.py": "",
        "app/services/users.py": """
            from app.models import User


            async def size(db) -> int:
                return await User.size_async(db)
        """,
    }
    root = write_project(tmp_path / "proj", files)
    layers = placed(root)
    assert layers["app/db/init_db.py"]["layer"] is None
    assert layers["app/config_file.py"]["layer"] == "config"
    assert findings(root, "LC501", "LC602", "LC604", "LC704", "LC103", "LC301") == [
        ("app/providers/mail.py", 3, "LC602"),
    ]


def test_a_sentinel_beside_the_repositories_is_no_repository_import(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/repos/__init__.py": "",
            "app/repos/_utils.py": "class NotSet:\n    pass\n\n\nNOT_SET = NotSet()\n",
            "app/repos/base.py": "class BaseRepository:\n    def __init__(self, session) -> None:\n        self.session = session\n",
            "app/repos/users.py": "from app.repos.base import BaseRepository\n\n\nclass Users(BaseRepository):\n    pass\n",
            "app/routes/__init__.py": "",
            "app/routes/users.py": "from app.repos._utils import NotSet\nfrom app.repos.users import Users\n",
        },
    )
    assert findings(root, "LC102") == [("app/routes/users.py", 2, "LC102")]


def test_repositories_through_a_module_level_app_object_and_tasks_named_for_the_domain(tmp_path: Path) -> None:
    # Routers reach repositories through a global app container whose type only an
    # annotation under TYPE_CHECKING says; the repository module is called `tasks.py`.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "from sqlalchemy.orm import Session\n",
            "app/forge/__init__.py": """
                import typing

                if typing.TYPE_CHECKING:
                    from app.forge.container import Container


                class Holder:
                    pass


                if typing.TYPE_CHECKING:
                    app: Container
                else:
                    app = Holder()
            """,
            "app/forge/container.py": """
                from app.db.agent_db import AgentDB


                class Container:
                    DATABASE: AgentDB
            """,
            "app/db/__init__.py": "",
            "app/db/agent_db.py": """
                from app.db.repositories.tasks import TasksRepository


                class AgentDB:
                    def __init__(self, url: str) -> None:
                        self.tasks = TasksRepository(url)
            """,
            "app/db/repositories/__init__.py": "",
            "app/db/repositories/tasks.py": """
                class TasksRepository:
                    def __init__(self, url: str) -> None:
                        self.url = url

                    async def get_task(self, task_id: str):
                        return None
            """,
            "app/routes/__init__.py": "",
            "app/routes/tasks.py": """
                from app.forge import app


                async def read(task_id: str):
                    return await app.DATABASE.tasks.get_task(task_id)
            """,
        },
    )
    assert placed(root)["app/db/repositories/tasks.py"]["layer"] == "repository"
    assert findings(root, "LC202") == [("app/routes/tasks.py", 5, "LC202")]


def test_a_facade_over_the_repositories_and_a_context_that_enqueues_jobs(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Dataset"),
            "app/db/__init__.py": "",
            "app/db/repositories/__init__.py": "",
            "app/db/repositories/datasets.py": "class DatasetsRepository:\n    pass\n",
            # Builds the engine and composes the repositories: a data-access facade, which
            # may import them (no LC103 as a database module would get).
            "app/db/agent_db.py": """
                from sqlalchemy.ext.asyncio import create_async_engine

                from app.db.repositories.datasets import DatasetsRepository


                class AgentDB:
                    def __init__(self, url: str) -> None:
                        self.engine = create_async_engine(url)
                        self.datasets = DatasetsRepository()
            """,
            "app/jobs/__init__.py": "",
            "app/jobs/dataset_jobs.py": "def publish(dataset_id: int) -> None:\n    pass\n",
            # Queries and enqueues a job: business logic that touches the database, not a
            # repository (a router calling it is not LC202).
            "app/contexts/__init__.py": "",
            "app/contexts/datasets.py": """
                from sqlalchemy import select

                from app.jobs import dataset_jobs
                from app.models import Dataset


                async def publish_dataset(db, dataset_id: int):
                    dataset = await db.get(Dataset, dataset_id)
                    dataset_jobs.publish(dataset_id)
                    return dataset


                async def list_datasets(db):
                    return (await db.execute(select(Dataset))).scalars().all()
            """,
            "app/api/__init__.py": "",
            "app/api/handlers.py": """
                from app.contexts import datasets


                async def publish(db, dataset_id: int):
                    return await datasets.publish_dataset(db, dataset_id)
            """,
        },
    )
    layers = placed(root)
    assert layers["app/db/agent_db.py"]["layer"] == "repository"
    # Queries and enqueues jobs: a service by what it does, held to LC302.
    assert layers["app/contexts/datasets.py"]["layer"] == "service"
    assert findings(root, "LC103", "LC202") == []
    assert ("app/contexts/datasets.py", 8, "LC302") in findings(root, "LC302")


def test_a_declared_dependency_is_never_a_project_module_by_its_tail(tmp_path: Path) -> None:
    # `from pusher import Pusher` is the `pusher` library the project depends on, not the
    # project's own `routes/pusher.py`; an undeclared name still reaches it by its tail.
    root = write_project(
        tmp_path / "proj",
        {
            "pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\npusher = "^3.3"\n',
            "backend/api/__init__.py": "",
            "backend/api/routes/__init__.py": "",
            "backend/api/routes/pusher.py": "class Pusher:\n    pass\n",
            "backend/api/routes/beams.py": "class Beams:\n    pass\n",
            "backend/api/services/__init__.py": "",
            "backend/api/services/notify.py": "from pusher import Pusher\nfrom beams import Beams\n",
        },
    )
    assert findings(root, "LC103") == [("backend/api/services/notify.py", 2, "LC103")]


def test_a_harness_function_only_the_main_block_calls_runs_by_hand(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/providers/__init__.py": "",
            "app/providers/telegram.py": """
                import os


                class Provider:
                    def notify(self) -> str:
                        return os.environ["TELEGRAM_TOKEN"]


                def send(provider: Provider) -> str:
                    return os.getenv("TELEGRAM_CHAT", "")


                def test_send_message() -> None:
                    Provider().notify()
                    print(os.environ.get("TELEGRAM_TEST_CHAT"))


                if __name__ == "__main__":
                    test_send_message()
            """,
        },
    )
    assert findings(root, "LC602", "LC704") == [
        ("app/providers/telegram.py", 6, "LC602"),
        ("app/providers/telegram.py", 10, "LC602"),
    ]


def test_a_session_held_by_a_request_context_parameter_is_a_session(tmp_path: Path) -> None:
    # `context.db_session.commit()` where `context` is annotated (through `Annotated` and a
    # module alias) with a project class whose `__init__` keeps the session it is given.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/dependencies.py": """
                from sqlalchemy.orm import Session


                class RequestContext:
                    def __init__(self, db_session: Session, project_id: int):
                        self.db_session = db_session
                        self.project_id = project_id
                        self.request = None


                def get_request_context() -> RequestContext: ...
            """,
            "app/routes/__init__.py": "",
            "app/routes/items.py": """
                from typing import Annotated

                from fastapi import APIRouter, Depends, Request

                from app import dependencies as deps

                router = APIRouter()


                @router.post("/items")
                def create(context: Annotated[deps.RequestContext, Depends(deps.get_request_context)]):
                    context.db_session.commit()


                @router.get("/items")
                def read(request: Request, context: deps.RequestContext):
                    request.session.get("user")
                    context.request.session.get("user")
            """,
        },
    )
    # `request.session` is Starlette's, and `context.request` holds no session: not flagged.
    assert findings(root, "LC201") == [("app/routes/items.py", 12, "LC201")]


def test_an_active_record_model_is_no_repository(tmp_path: Path) -> None:
    # ORM classes whose own methods query (`User.find(db)`, `user.save(db)`): routers calling
    # them use a model (LC104's business), not a repository; a decorator whose wrapper runs
    # the statement a method builds is a helper, not data access.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/utils/__init__.py": "",
            "app/utils/decorators.py": """
                from functools import wraps


                def scalar_result(func):
                    @wraps(func)
                    async def wrapper(cls, db_session, *args):
                        statement = await func(cls, db_session, *args)
                        result = await db_session.execute(statement)
                        return result.scalars().first()

                    return wrapper
            """,
            "app/models/__init__.py": "",
            "app/models/user.py": """
                from sqlalchemy import select
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

                from app.utils.decorators import scalar_result


                class Base(DeclarativeBase):
                    async def save(self, db_session):
                        db_session.add(self)
                        await db_session.flush()


                class User(Base):
                    __tablename__ = "users"
                    id: Mapped[int] = mapped_column(primary_key=True)

                    @classmethod
                    async def find(cls, db_session, user_id: int):
                        return (await db_session.execute(select(cls).where(cls.id == user_id))).scalar()

                    @classmethod
                    @scalar_result
                    async def by_id(cls, db_session, user_id: int):
                        return select(cls).where(cls.id == user_id)
            """,
            "app/api/__init__.py": "",
            "app/api/users.py": """
                from fastapi import APIRouter

                from app.models.user import User

                router = APIRouter()


                @router.post("/users")
                async def create(db_session):
                    user = User()
                    await user.save(db_session)
                    return await User.find(db_session, user.id)
            """,
        },
    )
    assert findings(root, "LC102", "LC103", "LC202") == []
    assert findings(root, "LC104") == [("app/api/users.py", 3, "LC104")]


def test_an_api_folder_module_without_routes_or_fastapi_is_no_router(tmp_path: Path) -> None:
    # `api/` also names what talks to other APIs (`sdk/api/aws.py`) and an engine kept
    # beside its routes (`web/api/agent/prompts.py`): a module there that registers no
    # routes and uses nothing of FastAPI, Starlette or SQLAlchemy is in no layer.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/web/__init__.py": "",
            "app/web/api/__init__.py": "",
            "app/web/api/agent/__init__.py": "",
            "app/web/api/agent/prompts.py": 'PLAN = "Plan the task: {goal}"\n',
            "app/web/api/agent/views.py": """
                from fastapi import APIRouter

                from app.services.planner import plan

                router = APIRouter()


                @router.post("/plan")
                async def start(goal: str) -> str:
                    return plan(goal)
            """,
            "app/web/api/agent/errors.py": """
                from fastapi import HTTPException


                def not_found() -> HTTPException:
                    return HTTPException(404)
            """,
            "app/sdk/__init__.py": "",
            "app/sdk/api/__init__.py": "",
            "app/sdk/api/storage.py": "import json\n\n\ndef upload(data: dict) -> str:\n    return json.dumps(data)\n",
            "app/services/__init__.py": "",
            "app/services/planner.py": """
                from app.sdk.api.storage import upload
                from app.web.api.agent.errors import not_found
                from app.web.api.agent.prompts import PLAN


                def plan(goal: str) -> str:
                    if not goal:
                        raise not_found()
                    return upload({"plan": PLAN.format(goal=goal)})
            """,
        },
    )
    layers = placed(root)
    assert layers["app/web/api/agent/prompts.py"]["layer"] is None
    assert layers["app/sdk/api/storage.py"]["layer"] is None
    assert layers["app/web/api/agent/views.py"]["layer"] == "api"
    assert layers["app/web/api/agent/errors.py"]["layer"] == "api"  # a router helper
    # Only the import of the router helper goes against the layer direction.
    assert findings(root, "LC103") == [("app/services/planner.py", 2, "LC103")]


def test_an_active_record_base_importing_sessions_is_the_model_layer(tmp_path: Path) -> None:
    # A declarative base (or an abstract base) whose methods take the session and query is
    # the model layer with queries of its own: its session imports are LC101's, even in a
    # module no name places (`db/base.py`), and its importers import a model.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/db/__init__.py": "",
            "app/db/base.py": """
                from sqlalchemy.ext.asyncio import AsyncSession
                from sqlalchemy.orm import DeclarativeBase


                class Base(DeclarativeBase):
                    @classmethod
                    async def get(cls, session: AsyncSession, id_: str):
                        return await session.get(cls, id_)

                    async def save(self, session: AsyncSession):
                        session.add(self)
                        await session.flush()
                        return self
            """,
            "app/db/models/__init__.py": "",
            "app/db/models/user.py": """
                from sqlalchemy.orm import Mapped, mapped_column

                from app.db.base import Base


                class User(Base):
                    __tablename__ = "users"
                    id: Mapped[str] = mapped_column(primary_key=True)
            """,
            "app/services/__init__.py": "",
            "app/services/users.py": "from app.db.base import Base\n",
        },
    )
    assert findings(root, "LC101", "LC103") == [("app/db/base.py", 1, "LC101")]


def test_contexts_are_the_service_layer(tmp_path: Path) -> None:
    # Phoenix-style contexts group a domain's business functions for the routers: a
    # service by its folder's name, so its queries are LC302's and its ORM returns LC301's.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Workspace"),
            "app/contexts/__init__.py": "",
            "app/contexts/accounts.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.models import Workspace


                async def list_workspaces(db: AsyncSession) -> list[Workspace]:
                    result = await db.execute(select(Workspace))
                    return list(result.scalars().all())
            """,
            "app/api/__init__.py": "",
            "app/api/workspaces.py": """
                from fastapi import APIRouter

                from app.contexts import accounts

                router = APIRouter()


                @router.get("/workspaces")
                async def index(db) -> list[str]:
                    return [w.name for w in await accounts.list_workspaces(db)]
            """,
        },
    )
    assert placed(root)["app/contexts/accounts.py"]["layer"] == "service"
    assert findings(root, "LC101", "LC102", "LC301", "LC302") == [
        ("app/contexts/accounts.py", 2, "LC101"),
        ("app/contexts/accounts.py", 7, "LC301"),
        ("app/contexts/accounts.py", 8, "LC302"),
        ("app/contexts/accounts.py", 8, "LC302"),
    ]


def test_the_modules_of_a_configuration_package_are_config(tmp_path: Path) -> None:
    # `configs/app_configs.py`, `configs/chat_configs.py`: each centralises the environment
    # reads of its part of the app. An enum beside them is no config import.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/configs/__init__.py": "",
            "app/configs/app_configs.py": """
                import os

                POSTGRES_HOST = os.environ.get("POSTGRES_HOST", "localhost")
                WEB_DOMAIN = os.getenv("WEB_DOMAIN", "")
            """,
            "app/configs/constants.py": """
                import enum
                import os

                DEV_MODE = os.environ.get("DEV_MODE", "") == "true"


                class DocumentSource(str, enum.Enum):
                    WEB = "web"
            """,
            "app/schemas.py": """
                from pydantic import BaseModel

                from app.configs.constants import DocumentSource


                class Doc(BaseModel):
                    source: DocumentSource
            """,
            "app/utils/__init__.py": "",
            "app/utils/platform.py": "import os\n\nPLATFORM = os.getenv('PLATFORM')\n",
        },
    )
    layers = placed(root)
    assert layers["app/configs/app_configs.py"]["layer"] == "config"
    assert layers["app/configs/constants.py"]["layer"] == "config"
    assert findings(root, "LC103", "LC602") == [("app/utils/platform.py", 3, "LC602")]


def test_graphql_dataloaders_are_no_routers(tmp_path: Path) -> None:
    # A DataLoader under `server/api/` loads rows in batches for the resolvers: its queries
    # are no SQL in a router, and the context that hands loaders out skips no layer.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Project"),
            "app/server/__init__.py": "",
            "app/server/api/__init__.py": "",
            "app/server/api/dataloaders/__init__.py": "",
            "app/server/api/dataloaders/projects.py": """
                from sqlalchemy import select
                from strawberry.dataloader import DataLoader

                from app.models import Project


                class ProjectsDataLoader(DataLoader[int, Project]):
                    def __init__(self, db) -> None:
                        super().__init__(load_fn=self._load)
                        self._db = db

                    async def _load(self, keys: list[int]) -> list[Project]:
                        async with self._db() as session:
                            rows = await session.scalars(select(Project).where(Project.id.in_(keys)))
                        return list(rows)
            """,
            "app/server/api/context.py": """
                from dataclasses import dataclass

                from app.server.api.dataloaders.projects import ProjectsDataLoader


                @dataclass
                class Context:
                    projects: ProjectsDataLoader
            """,
            "app/server/api/mutations.py": """
                import strawberry
                from sqlalchemy import delete

                from app.models import Project


                @strawberry.type
                class Mutation:
                    @strawberry.mutation
                    async def delete_project(self, info, project_id: int) -> None:
                        async with info.context.db() as session:
                            await session.execute(delete(Project).where(Project.id == project_id))
            """,
        },
    )
    assert placed(root)["app/server/api/dataloaders/projects.py"]["layer"] is None
    # The mutation is the API layer running SQL itself: still reported.
    assert findings(root, "LC102", "LC201") == [
        ("app/server/api/mutations.py", 12, "LC201"),
        ("app/server/api/mutations.py", 12, "LC201"),
    ]


def test_a_package_that_only_re_exports_is_what_it_re_exports(tmp_path: Path) -> None:
    # `api/models/` is the router of the LLM models a user may pick: its `__init__.py`
    # re-exports the router, so importing the package is no ORM import; `app/models/`
    # re-exporting ORM classes still is.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models/__init__.py": "from app.models.user import User\n",
            "app/models/user.py": orm_module("User"),
            "app/web/__init__.py": "",
            "app/web/api/__init__.py": "",
            "app/web/api/models/__init__.py": 'from app.web.api.models.views import router\n\n__all__ = ["router"]\n',
            "app/web/api/models/views.py": """
                from fastapi import APIRouter

                router = APIRouter()


                @router.get("/")
                async def available() -> list[str]:
                    return ["gpt-4o"]
            """,
            "app/web/api/router.py": """
                from fastapi import APIRouter

                from app.web.api import models
                from app import models as orm

                api_router = APIRouter()
                api_router.include_router(models.router)
            """,
        },
    )
    assert findings(root, "LC103", "LC104") == [("app/web/api/router.py", 4, "LC104")]


def test_graphql_queries_and_schema_modules_are_named_for_graphql(tmp_path: Path) -> None:
    # `api/queries.py` holds the root `Query` type and `api/schema.py` assembles the
    # GraphQL schema: neither is data access nor a Pydantic schema module.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Project"),
            "app/server/__init__.py": "",
            "app/server/api/__init__.py": "",
            "app/server/api/queries.py": """
                import strawberry
                from sqlalchemy import select

                from app.models import Project


                @strawberry.type
                class Query:
                    @strawberry.field
                    async def project_count(self, info) -> int:
                        async with info.context.db() as session:
                            return len((await session.scalars(select(Project))).all())
            """,
            "app/server/api/mutations.py": """
                import strawberry

                from app.server.api.queries import Query


                @strawberry.type
                class Mutation:
                    @strawberry.mutation
                    def touch(self) -> Query:
                        return Query()
            """,
            "app/server/api/schema.py": """
                import strawberry

                from app.server.api.mutations import Mutation
                from app.server.api.queries import Query

                schema = strawberry.Schema(query=Query, mutation=Mutation)
            """,
        },
    )
    layers = placed(root)
    assert layers["app/server/api/queries.py"]["layer"] == "api"
    assert layers["app/server/api/schema.py"]["layer"] != "schema"
    # The resolver's own SQL is the API layer's (LC201); importing the type skips nothing.
    assert findings(root, "LC102", "LC103", "LC201", "LC202") == [
        ("app/server/api/queries.py", 12, "LC201"),
        ("app/server/api/queries.py", 12, "LC201"),
    ]


def test_plain_data_beside_jobs_or_the_engine_is_no_layer_import(tmp_path: Path) -> None:
    # A constant of a job package makes no caller of jobs; an enum in `db.py` (beside the
    # engine and the models) is no database import.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/db.py": """
                import enum

                from sqlalchemy import create_engine
                from sqlalchemy.orm import sessionmaker

                engine = create_engine("sqlite://")
                SessionLocal = sessionmaker(engine)


                class DocumentType(str, enum.Enum):
                    FILE = "file"
            """,
            "app/background/__init__.py": "",
            "app/background/tasks/__init__.py": "",
            "app/background/tasks/constants.py": "BATCH_SIZE = 100\n",
            "app/storage/__init__.py": "",
            "app/storage/migration.py": """
                from sqlalchemy import select, text

                from app.background.tasks.constants import BATCH_SIZE


                def pending(db_session):
                    return db_session.execute(text("SELECT id FROM docs")).fetchmany(BATCH_SIZE)


                def mark_done(db_session, ids):
                    db_session.execute(text("UPDATE docs SET done = 1"))
                    db_session.commit()
            """,
            "app/services/__init__.py": "",
            "app/services/documents.py": "from app.db import DocumentType\nfrom app.db import SessionLocal\n",
        },
    )
    assert placed(root)["app/storage/migration.py"]["layer"] is None
    assert findings(root, "LC103", "LC302") == [("app/services/documents.py", 2, "LC103")]


def test_a_class_is_data_access_when_most_of_its_methods_query(tmp_path: Path) -> None:
    # An API client that saves a refreshed token once among its HTTP calls, and a Pydantic
    # value object with a lookup method, are no repositories for the routers that use them.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Token"),
            "app/connectors/__init__.py": "",
            "app/connectors/calendar.py": """
                import httpx
                from pydantic import BaseModel
                from sqlalchemy import select

                from app.models import Token


                class CalendarClient:
                    def __init__(self, session, token: str):
                        self._session = session
                        self._token = token

                    async def refresh_token(self) -> None:
                        row = await self._session.scalar(select(Token))
                        self._token = str(row.id)

                    async def events(self) -> list:
                        return httpx.get("https://calendar.example/events").json()

                    async def calendars(self) -> list:
                        return httpx.get("https://calendar.example/calendars").json()


                class RetentionRule(BaseModel):
                    days: int

                    async def expired(self, session) -> list:
                        return list(await session.scalars(select(Token)))


                class TokenStore:
                    def __init__(self, session):
                        self.session = session

                    async def get(self, token_id: int):
                        return await self.session.get(Token, token_id)

                    async def add(self, token: Token) -> None:
                        self.session.add(token)
            """,
            "app/api/__init__.py": "",
            "app/api/calendar.py": """
                from fastapi import APIRouter

                from app.connectors.calendar import CalendarClient, RetentionRule, TokenStore

                router = APIRouter()


                @router.get("/events")
                async def events(session) -> list:
                    RetentionRule(days=3)
                    return await CalendarClient(session, "t").events()
            """,
        },
    )
    assert findings(root, "LC102", "LC202") == [("app/api/calendar.py", 3, "LC102")]


def test_persistence_value_types_and_console_reporters(tmp_path: Path) -> None:
    # Pydantic value types of the persistence package (JSON column types in `db/types/`) are
    # no API schemas for its models; a console reporter writing ANSI colours is a program's
    # output, not a server's.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/db/__init__.py": "",
            "app/db/types/__init__.py": "",
            "app/db/types/retention.py": "from pydantic import BaseModel\n\n\nclass Policy(BaseModel):\n    days: int\n",
            "app/db/models.py": """
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

                from app.db.types.retention import Policy
                from app.schemas.users import UserOut


                class Base(DeclarativeBase):
                    pass


                class Project(Base):
                    __tablename__ = "projects"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "app/schemas/__init__.py": "",
            "app/schemas/users.py": "from pydantic import BaseModel\n\n\nclass UserOut(BaseModel):\n    id: int\n",
            "app/evals/__init__.py": "",
            "app/evals/report.py": """
                BOLD = "\\033[1m"
                RESET = "\\033[0m"


                def show(result: str) -> None:
                    print(f"{BOLD}{result}{RESET}")
            """,
            "app/core/__init__.py": "",
            "app/core/debug.py": "def dump(value) -> None:\n    print(value)\n",
        },
    )
    assert findings(root, "LC103", "LC704") == [
        ("app/core/debug.py", 2, "LC704"),
        ("app/db/models.py", 4, "LC103"),
    ]


def test_a_models_package_of_query_modules_is_data_access_for_its_importers(tmp_path: Path) -> None:
    # `models/__init__.py` re-exporting query modules (`from . import flows, logs`), the ORM
    # classes in `database/orm_models.py`: `import app.models as models` in a router skips
    # the service layer (LC102), it imports no ORM (LC104); the ORM module, in no layer by
    # its folders, is the model layer for its own imports.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/database/__init__.py": "",
            "app/database/orm_models.py": "from app.services.flows import limit\n" + orm_module("Flow"),
            "app/models/__init__.py": "from . import (\n    flows,\n    logs,\n)\n",
            "app/models/flows.py": """
                from app.database.orm_models import Flow


                async def read_flow(session, flow_id: int):
                    return await session.get(Flow, flow_id)
            """,
            "app/models/logs.py": """
                from app.database.orm_models import Flow


                async def count_logs(session) -> int:
                    return len((await session.scalars(Flow.__table__.select())).all())
            """,
            "app/services/__init__.py": "",
            "app/services/flows.py": "FLOW_LIMIT = 10\n\n\ndef limit() -> int:\n    return FLOW_LIMIT\n",
            "app/api/__init__.py": "",
            "app/api/flows.py": """
                from fastapi import APIRouter

                import app.models as models

                router = APIRouter()


                @router.get("/flows/{flow_id}")
                async def read(flow_id: int, session):
                    return await models.flows.read_flow(session, flow_id)
            """,
        },
    )
    assert findings(root, "LC102", "LC103", "LC104") == [
        ("app/api/flows.py", 3, "LC102"),
        ("app/database/orm_models.py", 1, "LC103"),
    ]


def test_a_db_module_holding_the_models_registers_its_sibling_models(tmp_path: Path) -> None:
    # `db.py` with the engine and most ORM classes imports the rest to register them with
    # the mapper: a model importing models, not the database layer reaching up.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/db.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

                engine = create_engine("sqlite://")


                class Base(DeclarativeBase):
                    pass


                class User(Base):
                    __tablename__ = "users"
                    id: Mapped[int] = mapped_column(primary_key=True)


                from app.models.extra import Note  # noqa: E402  (registered with the mapper)
                from app.services.users import greet  # noqa: E402
            """,
            "app/models/__init__.py": "",
            "app/models/extra.py": """
                from sqlalchemy.orm import Mapped, mapped_column

                from app.db import Base


                class Note(Base):
                    __tablename__ = "notes"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "app/services/__init__.py": "",
            "app/services/users.py": "def greet() -> str:\n    return 'hi'\n",
        },
    )
    assert findings(root, "LC103") == [("app/db.py", 17, "LC103")]


def test_the_service_of_a_database_package_that_builds_the_engine_is_the_database(tmp_path: Path) -> None:
    # `services/database/service.py` (a DatabaseService building the engine and checking the
    # schema) and `services/database/utils.py` (yielding sessions) are the database module.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/services/__init__.py": "",
            "app/services/database/__init__.py": "",
            "app/services/database/service.py": """
                from sqlalchemy import text
                from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine


                class DatabaseService:
                    def __init__(self, url: str) -> None:
                        self.engine = create_async_engine(url)
                        self.sessions = async_sessionmaker(self.engine, class_=AsyncSession)

                    async def check_schema(self) -> None:
                        async with self.sessions() as session:
                            await session.execute(text("SELECT 1"))
            """,
            "app/services/database/utils.py": """
                from contextlib import asynccontextmanager

                from sqlalchemy.ext.asyncio import AsyncSession


                @asynccontextmanager
                async def session_scope(sessions):
                    session: AsyncSession = sessions()
                    try:
                        yield session
                        await session.commit()
                    finally:
                        await session.close()
            """,
        },
    )
    layers = placed(root)
    assert layers["app/services/database/service.py"]["layer"] == "database"
    assert layers["app/services/database/utils.py"]["layer"] == "database"
    assert findings(root, "LC101", "LC302") == []


def test_a_class_that_hands_out_sessions_makes_the_database_module(tmp_path: Path) -> None:
    # `database/interface.py`: a class whose context-manager methods hand out the sessions
    # is the database module (its folders name no layer); a schema reaching for it goes
    # against the layers, an enum beside the engine in `db.py` is no database import.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/database/__init__.py": "",
            "app/database/interface.py": """
                from contextlib import asynccontextmanager

                from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession


                class DBInterface:
                    def __init__(self, engine: AsyncEngine) -> None:
                        self.engine = engine

                    @asynccontextmanager
                    async def session_context(self):
                        async with AsyncSession(self.engine) as session:
                            yield session
            """,
            "app/db.py": """
                import enum

                from sqlalchemy import create_engine

                engine = create_engine("sqlite://")


                class Status(str, enum.Enum):
                    OPEN = "open"
            """,
            "app/schemas/__init__.py": "",
            "app/schemas/sorting.py": """
                from pydantic import BaseModel

                from app.database.interface import DBInterface
                from app.db import Status


                class Sort(BaseModel):
                    status: Status

                    def expression(self, db: DBInterface):
                        return db.engine
            """,
        },
    )
    assert placed(root)["app/database/interface.py"]["layer"] == "database"
    assert findings(root, "LC103") == [("app/schemas/sorting.py", 3, "LC103")]


def test_a_function_handing_out_sessions_is_a_database_import_wherever_it_lives(tmp_path: Path) -> None:
    # `services/deps.py` re-exposes `session_scope() -> AsyncGenerator[AsyncSession, None]`:
    # a repository may import it (the database's), a service may not; an accessor
    # returning the database module's class is the database's too.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/database.py": """
                from sqlalchemy.ext.asyncio import create_async_engine

                engine = create_async_engine("sqlite+aiosqlite://")


                class DatabaseService:
                    url = "sqlite://"
            """,
            "app/services/__init__.py": "",
            "app/services/deps.py": """
                from collections.abc import AsyncGenerator
                from contextlib import asynccontextmanager

                from sqlalchemy.ext.asyncio import AsyncSession

                from app.database import DatabaseService, engine


                @asynccontextmanager
                async def session_scope() -> AsyncGenerator[AsyncSession, None]:
                    async with AsyncSession(engine) as session:
                        yield session


                def get_db_service() -> DatabaseService:
                    return DatabaseService()
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/users.py": "from app.services.deps import get_db_service, session_scope\n",
            "app/services/users.py": "from app.services.deps import session_scope\n",
        },
    )
    # (the locator's own import of the engine is a service reaching the database, too)
    assert findings(root, "LC103") == [("app/services/deps.py", 6, "LC103"), ("app/services/users.py", 1, "LC103")]


def test_importing_sqlalchemy_to_build_queries_in_a_router(tmp_path: Path) -> None:
    # `import sqlalchemy as sa` then `sa.select(...)`: LC104 at the import; one used for
    # `sa.exc.IntegrityError` alone is fine.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/api/__init__.py": "",
            "app/api/history.py": """
                import sqlalchemy as sa
                from fastapi import APIRouter

                router = APIRouter()


                @router.get("/history")
                async def history(session) -> int:
                    return (await session.execute(sa.select(sa.func.count()))).scalar_one()
            """,
            "app/api/flows.py": """
                import sqlalchemy as sa
                from fastapi import APIRouter, HTTPException

                from app.services.flows import create_flow

                router = APIRouter()


                @router.post("/flows")
                async def create(name: str) -> None:
                    try:
                        await create_flow(name)
                    except sa.exc.IntegrityError:
                        raise HTTPException(409)
            """,
            "app/services/__init__.py": "",
            "app/services/flows.py": "async def create_flow(name: str) -> None: ...\n",
        },
    )
    assert findings(root, "LC104") == [("app/api/history.py", 1, "LC104")]

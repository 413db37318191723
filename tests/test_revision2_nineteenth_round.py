"""SPEC revision 2, the lessons of the nineteenth round: seven projects labeled blind (a
clean-architecture video site, a feature-app foundation, folder-first and domain-first
templates), each lesson a small project of our own, checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, orm_module, placed

# A session kept under a name that does not say so (`self._s`), copied from a parameter the
# session convention covers, or reached through a repository's attribute; and a session a
# project helper hands back (`_active(uow.session).get(...)`), defined above its use.
SESSION_UNDER_OTHER_NAMES = {
    "app/__init__.py": "",
    "app/models.py": orm_module("User"),
    "app/db.py": """
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        session_factory = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))
    """,
    "app/repositories/__init__.py": "",
    "app/repositories/users.py": """
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import User


        class UserRepository:
            def __init__(self, session: AsyncSession) -> None:
                self._s = session

            async def get(self, user_id: int) -> User | None:
                return await self._s.get(User, user_id)
    """,
    "app/services/__init__.py": "",
    "app/services/users.py": """
        from app.models import User
        from app.repositories.users import UserRepository


        class UserService:
            def __init__(self, session, repo: UserRepository) -> None:
                self._s = session
                self._repo = repo
                self._http = object()

            async def rename(self, user_id: int, name: str) -> None:
                user = await self._repo.get(user_id)
                await self._s.get(User, user_id)
                await self._repo._s.flush()

            async def reopen(self) -> None:
                from app.db import session_factory

                async with session_factory() as session:
                    self._s = session
                await self._s.commit()


        class Counter:
            def __init__(self, items) -> None:
                self._items = items

            def count(self) -> int:
                return len(self._items.get("x"))
    """,
    "app/routers/__init__.py": "",
    "app/routers/users.py": """
        from fastapi import APIRouter

        from app.models import User

        router = APIRouter()


        def _active(session):
            return session


        def _typed(session) -> "AsyncSession":
            return session


        @router.get("/users/{user_id}")
        async def read_user(user_id: int, uow) -> None:
            cache = {}
            cache.get(user_id)
            await _active(uow.session).get(User, user_id)
    """,
}


def test_a_session_under_another_name_is_followed_to_where_it_came_from(tmp_path: Path) -> None:
    root = write_project(tmp_path, SESSION_UNDER_OTHER_NAMES)
    assert findings(root, "LC302") == [
        ("app/services/users.py", 13, "LC302"),
        ("app/services/users.py", 14, "LC302"),
        ("app/services/users.py", 21, "LC302"),
    ]
    # An unannotated helper says nothing of what it returns: no guess (`cache.get` neither).
    assert findings(root, "LC201") == []


def test_a_session_a_typed_helper_returns_is_a_session_at_the_call(tmp_path: Path) -> None:
    files = dict(SESSION_UNDER_OTHER_NAMES)
    files["app/routers/users.py"] = """
        from fastapi import APIRouter
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import User

        router = APIRouter()


        def _active(session: AsyncSession | None) -> AsyncSession:
            assert session is not None
            return session


        @router.get("/users/{user_id}")
        async def read_user(user_id: int, uow) -> None:
            await _active(uow.session).get(User, user_id)
            await _active(uow.session).get_bind().dispose()
    """
    root = write_project(tmp_path, files)
    assert findings(root, "LC201") == [("app/routers/users.py", 16, "LC201")]


def test_an_environment_default_set_after_an_early_return_is_a_write(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/launch.py": """
                import os


                def set_defaults() -> None:
                    if "REDIS_URL" in os.environ:
                        return
                    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/0"


                def read_other() -> None:
                    if "OTHER" in os.environ:
                        return
                    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/0"
            """,
        },
    )
    assert findings(root, "LC602") == [("app/launch.py", 11, "LC602")]


def test_a_folder_above_a_hyphenated_app_folder_names_no_layer(tmp_path: Path) -> None:
    # `services/` holding deployable apps (`services/ocd-backend/app`), with an
    # `__init__.py` of its own: no import path runs through `ocd-backend`.
    root = write_project(
        tmp_path,
        {
            "services/__init__.py": "",
            "services/ocd-backend/app/__init__.py": "",
            "services/ocd-backend/app/core/__init__.py": "",
            "services/ocd-backend/app/core/dependencies.py": """
                from app.models import User


                async def get_current_user(user_id: int) -> User:
                    return User(id=user_id)
            """,
            "services/ocd-backend/app/models.py": orm_module("User"),
            "services/ocd-backend/app/services/__init__.py": "",
            "services/ocd-backend/app/services/users.py": """
                from app.models import User


                async def find(user_id: int) -> User:
                    return User(id=user_id)
            """,
        },
    )
    layers = placed(root)
    assert layers["services/ocd-backend/app/core/dependencies.py"]["layer"] is None
    assert layers["services/ocd-backend/app/services/users.py"]["layer"] == "service"
    assert findings(root, "LC301") == [("services/ocd-backend/app/services/users.py", 4, "LC301")]


def test_a_logger_read_off_a_project_object_is_a_logger_by_its_name(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/logging_manager.py": """
                from loguru import logger as _loguru_logger


                class LoggingManager:
                    def __init__(self) -> None:
                        self._logger = _loguru_logger

                    @property
                    def logger(self):
                        return self._logger


                def _manager() -> LoggingManager:
                    return LoggingManager()


                logger = _manager().logger
                settings = _manager().settings


                def started(name: str) -> None:
                    logger.info(f"started {name}")
                    settings.info(f"not a logger {name}")
            """,
            "app/logger.py": "from app.logging_manager import logger\n",
            "app/jobs.py": """
                from app.logger import logger


                def run(job: str) -> None:
                    logger.error(f"failed {job}")
                    logger.error("failed %s", job)
            """,
        },
    )
    assert findings(root, "LC701") == [("app/jobs.py", 5, "LC701"), ("app/logging_manager.py", 22, "LC701")]


def test_a_sync_repository_function_on_a_driver_of_its_own_is_no_session_io(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db.py": """
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                session_factory = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/legacy.py": """
                from sqlalchemy.orm import Session

                from oracle_tools import get_connection


                def list_rows():
                    conn = get_connection()
                    rows = conn.cursor().fetchall()
                    conn.close()
                    return rows


                def list_users(session: Session):
                    return session.execute("select 1").all()
            """,
        },
    )
    assert findings(root, "LC401") == [("app/repositories/legacy.py", 13, "LC401")]


def test_a_modules_own_stdlib_logger_that_never_logs_is_no_lc703(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/logs.py": "import structlog\n\nlog = structlog.get_logger()\n",
            "app/unused.py": """
                import logging

                logger = logging.getLogger(__name__)


                def options() -> list[str]:
                    return []
            """,
            "app/shared.py": """
                import logging

                app_logger = logging.getLogger("app")
            """,
            "app/used.py": """
                import logging

                logger = logging.getLogger(__name__)


                def run() -> None:
                    logger.info("started")
            """,
        },
    )
    assert findings(root, "LC703") == [("app/shared.py", 3, "LC703"), ("app/used.py", 3, "LC703")]


def test_a_transaction_helper_yielding_the_session_is_the_database_modules_work(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/infrastructure/__init__.py": "",
            "app/infrastructure/database/__init__.py": "",
            "app/infrastructure/database/transaction.py": """
                from contextlib import asynccontextmanager

                from sqlalchemy.ext.asyncio import AsyncSession


                @asynccontextmanager
                async def transaction(session: AsyncSession):
                    async with session.begin():
                        yield session
            """,
            "app/lib/__init__.py": "",
            "app/lib/users.py": """
                from fastapi import Depends
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.lib.store import UserStore, get_session


                async def get_user_store(session: AsyncSession = Depends(get_session)):
                    yield UserStore(session)
            """,
            "app/lib/store.py": """
                class UserStore:
                    def __init__(self, session) -> None:
                        self.session = session


                async def get_session():
                    yield None
            """,
        },
    )
    assert findings(root, "LC101") == [("app/lib/users.py", 2, "LC101")]


def test_a_session_built_in_the_session_dependency_is_the_factorys_use(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db/__init__.py": "",
            "app/db/session.py": """
                from sqlmodel import create_engine

                engine = create_engine("sqlite://")
            """,
            "app/api/__init__.py": "",
            "app/api/deps.py": """
                from collections.abc import Generator

                from sqlmodel import Session

                from app.db.session import engine


                def get_db() -> Generator[Session, None, None]:
                    with Session(engine) as session:
                        yield session
            """,
            "app/services/__init__.py": "",
            "app/services/reports.py": """
                from sqlmodel import Session

                from app.db.session import engine


                def nightly() -> None:
                    with Session(engine) as session:
                        session.commit()
            """,
        },
    )
    assert findings(root, "LC601") == [("app/services/reports.py", 7, "LC601")]
    assert ("app/api/deps.py", 3, "LC101") in findings(root, "LC101")


def test_class_based_routes_handed_a_repository_class_reach_past_the_services(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/repositories/__init__.py": "",
            "app/repositories/base.py": """
                from sqlalchemy.orm import Session


                class BaseRepository:
                    def __init__(self, session: Session | None = None) -> None:
                        self.session = session

                    def select(self):
                        return self.session.execute("select 1").all()
            """,
            "app/repositories/accounts.py": """
                from app.repositories.base import BaseRepository


                class AccountRepository(BaseRepository):
                    pass
            """,
            "app/routes/__init__.py": "",
            "app/routes/base.py": """
                from fastapi import APIRouter

                from app.repositories.base import BaseRepository


                class BaseRoute:
                    def __init__(self, repository: type[BaseRepository]) -> None:
                        self.router = APIRouter()
                        self.repository = repository()
                        self.router.add_api_route("/", self.get, methods=["GET"])

                    async def get(self):
                        return self.repository.select()
            """,
            "app/routes/accounts.py": """
                from app.repositories.accounts import AccountRepository
                from app.routes.base import BaseRoute


                class AccountRoute(BaseRoute):
                    def __init__(self, repository: type[AccountRepository] = AccountRepository) -> None:
                        super().__init__(repository=repository)
            """,
        },
    )
    assert findings(root, "LC202") == [("app/routes/base.py", 9, "LC202"), ("app/routes/base.py", 13, "LC202")]
    assert ("app/routes/accounts.py", 1, "LC102") in findings(root, "LC102")


def test_environment_constants_module_is_configuration(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/constants.py": """
                import os

                DATABASE_HOST = os.getenv("DATABASE_HOST")
                DATABASE_NAME = os.getenv("DATABASE_NAME")
                JWT_SECRET_KEY = os.getenv("JWT_SECRET_KEY")
            """,
            "app/limits.py": """
                import os

                MAX_ITEMS = int(os.getenv("MAX_ITEMS", "10"))
                PAGE = int(os.getenv("PAGE", "1"))
                TIMEOUT = float(os.getenv("TIMEOUT", "3"))


                def clamp(value: int) -> int:
                    return min(value, MAX_ITEMS)
            """,
        },
    )
    assert placed(root)["app/constants.py"]["layer"] == "config"
    assert [line for path, line, _ in findings(root, "LC602") if path == "app/constants.py"] == []
    assert len(findings(root, "LC602")) == 3


def test_the_session_dependency_in_the_api_closing_its_session_is_no_sql(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import sessionmaker

                SessionLocal = sessionmaker(bind=create_engine("sqlite://"))
            """,
            "app/api/__init__.py": "",
            "app/api/deps.py": """
                from app.db import SessionLocal


                def get_db():
                    db = SessionLocal()
                    try:
                        yield db
                        db.commit()
                    finally:
                        db.close()


                def ping():
                    db = SessionLocal()
                    db.execute("select 1")
                    db.close()
            """,
        },
    )
    assert findings(root, "LC201") == [("app/api/deps.py", 15, "LC201"), ("app/api/deps.py", 16, "LC201")]


def test_the_systems_search_path_edited_for_child_processes_is_no_setting(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/audio.py": """
                import os
                from pathlib import Path


                def use_ffmpeg() -> None:
                    binary = os.environ.get("FFMPEG_BINARY", "")
                    current = os.environ.get("PATH", "")
                    os.environ["PATH"] = str(Path(binary).parent) + os.pathsep + current


                def endpoint() -> str:
                    found = os.environ.get("SELF_ENDPOINT") or "http://localhost"
                    os.environ["SELF_ENDPOINT"] = found
                    return found
            """,
        },
    )
    assert findings(root, "LC602") == [("app/audio.py", 6, "LC602"), ("app/audio.py", 12, "LC602")]

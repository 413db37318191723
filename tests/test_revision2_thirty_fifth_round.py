"""The thirty-fifth round: what real projects of the round taught, each checked through the
CLI on a small project of its own."""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import check_json, run_layercheck, write_project
from test_revision2 import findings, orm_module, placed

# ----- async engine helpers nobody calls do not make a sync project async (LC401) -----------

_SYNC_REPOSITORY = """
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.models import User


    class UserRepository:
        def __init__(self, session: Session) -> None:
            self.session = session

        def get(self, user_id: int) -> User | None:
            return self.session.scalar(select(User).where(User.id == user_id))
    """

_DEAD_ASYNC_HELPERS = {
    "app/__init__.py": "",
    "app/models.py": orm_module("User"),
    # Async engine helpers that no code uses: the project's sessions are sync throughout.
    "app/db/__init__.py": """
        from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine


        async def create_engine(dsn: str) -> AsyncEngine:
            return create_async_engine(url=dsn)


        async def create_pool(engine: AsyncEngine):
            return async_sessionmaker(bind=engine)
        """,
    "app/db/repositories/__init__.py": "",
    "app/db/repositories/users.py": _SYNC_REPOSITORY,
}


def test_async_engine_helpers_without_async_session_work_leave_sync_repositories_alone(tmp_path: Path) -> None:
    root = write_project(tmp_path, _DEAD_ASYNC_HELPERS)
    assert findings(root, "LC401") == []


def _with_async_work(module: str) -> dict[str, str]:
    files = dict(_DEAD_ASYNC_HELPERS)
    files["app/api/__init__.py"] = ""
    files["app/api/deps.py"] = module
    return files


def test_a_session_opened_by_async_with_makes_the_project_async(tmp_path: Path) -> None:
    deps = """
        from sqlalchemy.ext.asyncio import async_sessionmaker

        maker = async_sessionmaker()


        async def get_db():
            async with maker() as session:
                yield session
        """
    root = write_project(tmp_path, _with_async_work(deps))
    assert [(path, line) for path, line, _ in findings(root, "LC401")] == [("app/db/repositories/users.py", 11)]


def test_an_awaited_session_call_makes_the_project_async(tmp_path: Path) -> None:
    deps = """
        async def ping(db) -> None:
            await db.execute("SELECT 1")
        """
    root = write_project(tmp_path, _with_async_work(deps))
    assert [(path, line) for path, line, _ in findings(root, "LC401")] == [("app/db/repositories/users.py", 11)]


def test_an_async_session_parameter_makes_the_project_async(tmp_path: Path) -> None:
    deps = """
        from sqlalchemy.ext.asyncio import AsyncSession


        def repository(session: AsyncSession) -> object:
            return object()
        """
    root = write_project(tmp_path, _with_async_work(deps))
    assert [(path, line) for path, line, _ in findings(root, "LC401")] == [("app/db/repositories/users.py", 11)]


def test_an_awaited_call_of_something_no_session_leaves_the_project_sync(tmp_path: Path) -> None:
    deps = """
        import httpx


        async def fetch(client: httpx.AsyncClient) -> None:
            await client.get("https://example.org")
        """
    root = write_project(tmp_path, _with_async_work(deps))
    assert findings(root, "LC401") == []


# ----- a router taking the connection under its session runs SQL there (LC201) ---------------

_CONNECTION_IN_ROUTER = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/health.py": """
        from fastapi import APIRouter, Depends
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.db import get_session

        router = APIRouter()


        @router.get("/pool")
        async def pool(session: AsyncSession = Depends(get_session)) -> dict:
            conn = await session.connection()
            return {"pool": str(conn.engine.pool.status())}


        @router.get("/socket")
        async def socket(websocket_pool=Depends(get_session)) -> dict:
            return {"open": websocket_pool.connection() is not None}


        @router.get("/pooled")
        async def pooled(db=Depends(get_session)) -> dict:
            async with db.connection() as conn:
                return {"conn": str(conn)}
        """,
    "app/db.py": """
        from sqlalchemy.ext.asyncio import async_sessionmaker

        maker = async_sessionmaker()


        async def get_session():
            async with maker() as session:
                yield session
        """,
}


def test_the_connection_taken_from_a_session_in_a_router_is_lc201(tmp_path: Path) -> None:
    root = write_project(tmp_path, _CONNECTION_IN_ROUTER)
    found = [(path, line) for path, line, _ in findings(root, "LC201")]
    # (a `connection()` of something not named or typed as a session is left alone, and so
    # is a pooled connection taken as a context manager, the `databases` package's way)
    assert found == [("app/api/health.py", 11)]


def test_an_async_session_factory_built_at_import_makes_the_project_async(tmp_path: Path) -> None:
    deps = """
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        AsyncSessionLocal = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))
        """
    root = write_project(tmp_path, _with_async_work(deps))
    assert [(path, line) for path, line, _ in findings(root, "LC401")] == [("app/db/repositories/users.py", 11)]


# ----- an `Annotated` alias naming its class in a string still names it (LC202) --------------

_FORWARD_REFERENCE_ALIAS = {
    "app/__init__.py": "",
    "app/repository/__init__.py": "from .user import User\n",
    "app/repository/user.py": """
        from sqlalchemy.ext.asyncio import AsyncSession


        class User:
            def __init__(self, session: AsyncSession, row: object) -> None:
                self.session = session
                self.row = row

            async def rename(self, name: str) -> None:
                self.row.name = name
                await self.session.flush()
        """,
    # The class the alias names is imported for the type checker only.
    "app/auth/__init__.py": "from .current import CurrentUser\n",
    "app/auth/current.py": """
        from typing import TYPE_CHECKING, Annotated

        from fastapi import Depends

        if TYPE_CHECKING:
            from app.repository import User


        async def load_user() -> "User":
            raise NotImplementedError


        CurrentUser = Annotated["User", Depends(load_user)]
        Plain = Annotated["not a name", Depends(load_user)]
        """,
    "app/api/__init__.py": "",
    "app/api/me.py": """
        from fastapi import APIRouter

        from app.auth import CurrentUser

        router = APIRouter()


        @router.patch("/me")
        async def rename(user: CurrentUser, name: str) -> dict:
            await user.rename(name)
            return {}
        """,
}


def test_a_method_of_a_repository_class_named_by_a_string_alias_is_lc202(tmp_path: Path) -> None:
    root = write_project(tmp_path, _FORWARD_REFERENCE_ALIAS)
    assert [(path, line) for path, line, _ in findings(root, "LC202")] == [("app/api/me.py", 10)]
    # The import of the alias reaches the repository class: the message says through what.
    [item] = check_json(root, "--select", "LC102").json()
    assert (item["location"]["row"], item["filename"].endswith("me.py")) == (3, True)
    assert "(an alias of `app.repository.User`)" in item["message"]


# ----- a module named like a schema that holds a session, in a repository folder -------------

_SESSION_BASE_NAMED_DTO = {
    "app/__init__.py": "",
    "app/models.py": orm_module("User"),
    "app/repository/__init__.py": "",
    "app/repository/abstractions/__init__.py": "",
    "app/repository/abstractions/dto.py": """
        from sqlalchemy.ext.asyncio import AsyncSession


        class AbstractRepository:
            session: AsyncSession
        """,
    "app/schemas/__init__.py": "",
    "app/schemas/dto.py": """
        from pydantic import BaseModel


        class UserOut(BaseModel):
            id: int
        """,
}


def test_a_schema_named_module_holding_a_session_in_a_repository_folder_is_a_repository(tmp_path: Path) -> None:
    root = write_project(tmp_path, _SESSION_BASE_NAMED_DTO)
    assert findings(root, "LC101") == []
    layers = placed(root)
    assert layers["app/repository/abstractions/dto.py"]["layer"] == "repository"
    assert layers["app/schemas/dto.py"]["layer"] == "schema"


# ----- a route on the app itself calling a repository skips the service (LC202) --------------

_APP_ROUTES_CALL_REPOSITORY = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Notification"),
    "app/repositories/__init__.py": "",
    "app/repositories/notifications.py": """
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from app.models import Notification


        class NotificationRepository:
            def __init__(self, session: Session) -> None:
                self.session = session

            def list_for(self, user_id: int) -> list[Notification]:
                return list(self.session.scalars(select(Notification)))
        """,
    "app/services/__init__.py": "",
    "app/services/notifications.py": """
        from app.repositories.notifications import NotificationRepository


        class NotificationService:
            def __init__(self, repository: NotificationRepository) -> None:
                self.repository = repository

            def unread(self, user_id: int) -> int:
                return len(self.repository.list_for(user_id))
        """,
    "app/main.py": """
        from contextlib import asynccontextmanager

        from fastapi import FastAPI

        from app.repositories.notifications import NotificationRepository
        from app.services.notifications import NotificationService

        service = NotificationService(NotificationRepository(None))


        @asynccontextmanager
        async def lifespan(app: FastAPI):
            NotificationRepository(None).list_for(0)
            yield


        app = FastAPI(lifespan=lifespan)


        @app.get("/notifications/{user_id}")
        def notifications(user_id: int) -> dict:
            rows = service.repository.list_for(user_id)
            return {"count": len(rows), "unread": service.unread(user_id)}
        """,
}


def test_a_route_on_the_app_calling_a_repository_is_lc202_its_startup_code_is_not(tmp_path: Path) -> None:
    root = write_project(tmp_path, _APP_ROUTES_CALL_REPOSITORY)
    assert [(path, line) for path, line, _ in findings(root, "LC202")] == [("app/main.py", 22)]


# ----- the imports the app's own endpoints use are a router's (LC104) ------------------------

_APP_ENDPOINTS_IMPORT_ORM = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Task"),
    "app/main.py": """
        from fastapi import FastAPI
        from sqlalchemy import create_engine, select, text
        from sqlalchemy.orm import Session

        from app.models import Base, Task

        engine = create_engine("sqlite://")
        Base.metadata.create_all(engine)
        app = FastAPI()


        @app.get("/tasks")
        def tasks() -> list[dict]:
            with Session(engine) as session:
                rows = session.scalars(select(Task)).all()
            return [{"id": row.id} for row in rows]


        @app.get("/health")
        def health() -> dict:
            with Session(engine) as session:
                session.execute(text("SELECT 1"))
            return {"ok": True}
        """,
}


def test_orm_and_builders_used_by_the_apps_endpoints_are_lc104_startup_imports_are_not(tmp_path: Path) -> None:
    root = write_project(tmp_path, _APP_ENDPOINTS_IMPORT_ORM)
    found = [(path, line) for path, line, _ in findings(root, "LC104")]
    # `select` (line 2) and `Task` (line 5) serve the endpoint; `Base` only the startup, and
    # `text` only the health check's `SELECT 1`, which reads no row.
    assert found == [("app/main.py", 2), ("app/main.py", 5)]


# ----- the dependencies of an `application/` folder are the API's wiring --------------------

_APPLICATION_DEPENDENCIES = {
    "src/application/__init__.py": "",
    "src/application/dependencies/__init__.py": "",
    "src/application/dependencies/dependencies.py": """
        from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

        Sessionmaker = async_sessionmaker()


        async def get_session() -> AsyncSession:
            async with Sessionmaker() as session:
                yield session
        """,
    "src/application/dependencies/user_dependencies.py": """
        from typing import Annotated

        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession

        from repository.users import UserRepository
        from services.users import UserService

        from .dependencies import get_session


        async def get_user_service(session: Annotated[AsyncSession, Depends(get_session)]) -> UserService:
            return UserService(UserRepository(session))
        """,
    "src/application/use_cases.py": """
        from services.users import UserService


        class RegisterUser:
            def __init__(self, users: UserService) -> None:
                self.users = users

            async def __call__(self, name: str) -> None:
                await self.users.register(name)
        """,
    "src/repository/__init__.py": "",
    "src/repository/users.py": """
        from sqlalchemy.ext.asyncio import AsyncSession


        class UserRepository:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def add(self, name: str) -> None:
                await self.session.flush()
        """,
    "src/services/__init__.py": "",
    "src/services/users.py": """
        from repository.users import UserRepository


        class UserService:
            def __init__(self, users: UserRepository) -> None:
                self.users = users

            async def register(self, name: str) -> None:
                await self.users.add(name)
        """,
}


def test_an_application_folders_dependencies_are_wiring_and_its_session_provider_the_database(tmp_path: Path) -> None:
    root = write_project(tmp_path, _APPLICATION_DEPENDENCIES, "[tool.layercheck]\nsrc = ['src']\n")
    layers = placed(root)
    assert layers["src/application/dependencies/dependencies.py"]["layer"] == "database"
    assert layers["src/application/dependencies/user_dependencies.py"]["layer"] is None
    assert layers["src/application/use_cases.py"]["layer"] == "service"
    # (the wiring imports the session dependency and the session type, as the guide's
    # providers do; LC101 holds it like any module in no layer)
    assert [(path, line) for path, line, _ in findings(root, "LC103")] == []


# ----- a port's unannotated method says nothing of what it returns (LC301) --------------------

_SERVICE_OVER_A_PORT = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Product"),
    "app/schemas.py": """
        from pydantic import BaseModel


        class ProductOut(BaseModel):
            id: int
        """,
    "app/repositories/__init__.py": "",
    "app/repositories/base.py": """
        from abc import ABC, abstractmethod


        class AbstractRepository(ABC):
            @abstractmethod
            async def retrieve(self, *args, **kwargs):
                raise NotImplementedError

            @abstractmethod
            async def destroy(self, *args, **kwargs):
                raise NotImplementedError
        """,
    "app/services/__init__.py": "",
    "app/services/base.py": """
        from typing import Any, Generic, TypeVar

        from pydantic import BaseModel

        from app.repositories.base import AbstractRepository

        DTO = TypeVar("DTO", bound=BaseModel)


        class BaseService(Generic[DTO]):
            def __init__(self, repository: AbstractRepository) -> None:
                self.repository = repository

            async def get_one(self, key: Any) -> DTO:
                return await self.repository.retrieve(key)

            async def delete(self, key: Any) -> Any:
                return await self.repository.destroy(key)

            async def find(self, key: Any):
                return await self.repository.retrieve(key)
        """,
}


def test_an_unannotated_port_method_leaves_the_services_annotation_to_decide(tmp_path: Path) -> None:
    root = write_project(tmp_path, _SERVICE_OVER_A_PORT)
    # `get_one -> DTO` (bound to Pydantic's model) says a schema; `delete` returns what a
    # method named for no rows gives; `find`, unannotated, gets a row by the convention.
    assert [(path, line) for path, line, _ in findings(root, "LC301")] == [("app/services/base.py", 21)]


# ----- whether the project is async is a question about every module (LC401) ----------------


def _lc401(root: Path, *paths: str) -> list[tuple[str, int]]:
    run = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC401", *paths], root)
    return sorted(
        ((root / item["filename"]).relative_to(root).as_posix(), item["location"]["row"]) for item in run.json()
    )


def test_a_run_on_the_repository_alone_reaches_the_async_factory_it_imports(tmp_path: Path) -> None:
    # The repository imports the database module that builds the async factory at import:
    # a run on the repository alone (pre-commit, the editor) answers as the whole run does.
    files = dict(_DEAD_ASYNC_HELPERS)
    files["app/db/session.py"] = """
        from sqlalchemy.ext.asyncio import async_sessionmaker

        maker = async_sessionmaker()
        """
    files["app/db/repositories/users.py"] = "from app.db.session import maker\n" + textwrap.dedent(
        _SYNC_REPOSITORY
    ).lstrip("\n")
    root = write_project(tmp_path / "p", files)
    whole = _lc401(root, ".")
    assert _lc401(root, "app/db/repositories/users.py") == whole == [("app/db/repositories/users.py", 12)]


def test_a_run_on_the_repository_alone_of_a_sync_project_stays_sync(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", _DEAD_ASYNC_HELPERS)
    assert _lc401(root, "app/db/repositories/users.py") == _lc401(root, ".") == []

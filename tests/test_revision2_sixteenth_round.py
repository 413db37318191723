"""SPEC revision 2, the lessons of the sixteenth round: eight more projects nobody had read
(a domain-first app logging through a project class that takes a tag before the message,
boilerplates with their FastAPI dependencies in `deps/`, outbox and job workers in
`worker.py`, a Django-like layout with `routers.py`, a DDD app of bounded contexts), labeled
by hand. Each lesson
is a small project of our own, checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, placed

# A project logging class whose level methods take a tag first and the message second
# (`info(tag, message, extra=None)`), formatting both through a helper before the stdlib
# logger logs them; `log(level, tag, message)` takes a level first.
TAGGED_LOGGER = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/logs.py": """
        import logging


        class LoggerManager:
            def __init__(self):
                self._logger = logging.getLogger("app")

            def _format(self, tag, message, extra=None):
                text = f"[{tag}] {message}"
                return f"{text} ({extra})" if extra else text

            def log(self, level, tag, message, extra=None):
                msg = self._format(tag, message, extra)
                self._logger.log(level, msg)

            def info(self, tag, message, extra=None):
                msg = self._format(tag, message, extra)
                self._logger.info(msg)

            def warning(self, tag, message, extra=None):
                msg = self._format(tag, message, extra)
                self._logger.warning(msg)


        def get_logger() -> LoggerManager:
            return LoggerManager()
    """,
    "app/services/__init__.py": "",
    "app/services/users.py": """
        from app.core.logs import LoggerManager, get_logger

        logger = get_logger()


        class UserService:
            def __init__(self, logger: LoggerManager, request_id: str):
                self.logger = logger
                self.tag = "USERS"
                self.request_id = request_id

            def register(self, user_id: int) -> None:
                self.logger.info(self.tag, f"registered user {user_id}")
                self.logger.info(tag=self.tag, message=f"welcome mail for {user_id}", extra=self.request_id)
                # (the tag and the suffix are not the message: f-strings there are fine)
                self.logger.info(f"USERS-{user_id}", "registered")
                self.logger.warning(self.tag, "slow", extra=f"took {user_id} ms")


        def on_error(level: int, kind: str, path: str) -> None:
            logger.log(level, f"EXCEPTION:{kind}", f"failed on {path}")
    """,
}


def test_a_project_logging_class_taking_a_tag_first_is_read_where_it_takes_the_message(tmp_path: Path) -> None:
    root = write_project(tmp_path, TAGGED_LOGGER)
    assert findings(root, "LC701") == [
        ("app/services/users.py", 13, "LC701"),  # second positional, the method's `message`
        ("app/services/users.py", 14, "LC701"),  # `message=` keyword
        ("app/services/users.py", 21, "LC701"),  # `log(level, tag, message)`: the third
    ]


# The message built on the line above the log call and held in a local.
HELD_MESSAGE = {
    "app/__init__.py": "",
    "app/workers/__init__.py": "",
    "app/workers/jobs.py": """
        import logging

        logger = logging.getLogger(__name__)


        def run(job_name: str, handler) -> None:
            if handler is None:
                error = f"no handler registered for {job_name}"
                logger.warning(error)
                return
            note = "started %s" % job_name
            logger.info(note)
            fixed = "handler found"
            logger.info(fixed)
            detail = f"job {job_name}"
            logger.info("running %s", detail)  # (a lazy argument, not the message)
            message = f"done {job_name}"
            handler()
            logger.info(message)  # (not the line above: what it holds there is not read)


        banner = f"jobs module {__name__}"
        logger.info(banner)  # (module level, read again below: not only logged)
        TITLE = banner


        def dispatch(url: str) -> dict:
            try:
                return {"status": "sent"}
            except OSError as error:
                reason = f"failed to reach {url}: {error}"
                logger.error(reason)  # (also returned: formatted for the caller, logged too)
                return {"error": reason}
    """,
}


def test_an_fstring_held_in_a_local_on_the_line_above_is_the_message(tmp_path: Path) -> None:
    root = write_project(tmp_path, HELD_MESSAGE)
    assert findings(root, "LC701", "LC702") == [
        ("app/workers/jobs.py", 9, "LC701"),
        ("app/workers/jobs.py", 12, "LC702"),
    ]


# FastAPI dependencies kept outside the API's folders (`deps/auth.py` querying the
# repositories for the current user) stay in no layer: most labelers read them so, the
# module's own name is no layer's; a `routers.py` registering routes by calls
# (`router.get("/users")(views.list_users)`, `router.add_api_route(...)`) is the API's, and a
# `worker.py` is named for the task layer.
LAYER_NAMES = {
    "app/__init__.py": "",
    "app/models.py": """
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)
    """,
    "app/repos/__init__.py": "",
    "app/repos/users.py": """
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import User


        class UserRepo:
            def __init__(self, session: AsyncSession):
                self.session = session

            async def get_by_id(self, user_id: int) -> User | None:
                return await self.session.get(User, user_id)
    """,
    "app/deps/__init__.py": "",
    "app/deps/auth.py": """
        from fastapi import Depends, HTTPException

        from app.models import User
        from app.repos.users import UserRepo


        async def get_current_user(user_id: int, repo: UserRepo = Depends()) -> User:
            user = await repo.get_by_id(user_id)
            if user is None:
                raise HTTPException(status_code=401)
            return user
    """,
    "app/users/__init__.py": "",
    "app/users/views.py": """
        async def list_users() -> list[str]:
            return []
    """,
    "app/users/routers.py": """
        from fastapi import APIRouter

        from app.repos.users import UserRepo
        from app.users import views

        router = APIRouter()
        router.get("/users")(views.list_users)
        router.add_api_route("/users/all", views.list_users)
    """,
    # A module of router helpers registers no route: named for routers, but none.
    "app/utils/__init__.py": "",
    "app/utils/routers.py": """
        from fastapi import HTTPException


        def error_forbidden() -> HTTPException:
            return HTTPException(status_code=403)
    """,
    # The routes of the tasks feature, under `api/`, assembled by their package.
    "app/api/__init__.py": "",
    "app/api/tasks/__init__.py": """
        from fastapi import APIRouter, Depends

        from app.deps.auth import get_current_user

        from .routes import task_router

        tasks_router = APIRouter()
        tasks_router.include_router(task_router, dependencies=[Depends(get_current_user)])
    """,
    "app/api/tasks/routes.py": """
        from fastapi import APIRouter

        task_router = APIRouter()


        @task_router.get("/tasks")
        async def list_tasks() -> list[str]:
            return []
    """,
    "app/outbox/__init__.py": "",
    "app/outbox/worker.py": """
        import asyncio


        async def main() -> None:
            while True:
                await asyncio.sleep(1)
    """,
}


def test_routers_worker_modules_and_router_assemblies_are_placed(tmp_path: Path) -> None:
    root = write_project(tmp_path, LAYER_NAMES)
    layers = placed(root)
    assert layers["app/users/routers.py"]["layer"] == "api"
    assert "2 routes" in layers["app/users/routers.py"]["evidence"]
    assert layers["app/utils/routers.py"]["layer"] is None
    assert layers["app/outbox/worker.py"]["layer"] == "task"
    assert layers["app/deps/auth.py"]["layer"] is None
    assert layers["app/api/tasks/__init__.py"]["layer"] == "api"
    assert "assembles an APIRouter" in layers["app/api/tasks/__init__.py"]["evidence"]
    assert findings(root, "LC102", "LC104", "LC202") == [("app/users/routers.py", 3, "LC102")]


# A bounded context's outer ring (`contexts/users/infrastructure/`) holds its adapters, not
# the business functions a Phoenix-style `contexts/accounts.py` groups.
BOUNDED_CONTEXT = {
    "app/__init__.py": "",
    "app/contexts/__init__.py": "",
    "app/contexts/accounts.py": """
        def register(email: str) -> str:
            return email.lower()
    """,
    "app/contexts/users/__init__.py": "",
    "app/contexts/users/infrastructure/__init__.py": "",
    "app/contexts/users/infrastructure/mappers.py": """
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class UserModel(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)


        class UserMapper:
            def to_model(self, user_id: int) -> UserModel:
                return UserModel(id=user_id)
    """,
}


def test_a_bounded_contexts_infrastructure_is_not_its_services(tmp_path: Path) -> None:
    root = write_project(tmp_path, BOUNDED_CONTEXT)
    layers = placed(root)
    assert layers["app/contexts/accounts.py"]["layer"] == "service"
    assert layers["app/contexts/users/infrastructure/mappers.py"]["layer"] is None
    assert "infrastructure/" in layers["app/contexts/users/infrastructure/mappers.py"]["evidence"]
    assert findings(root, "LC301") == []


# Services kept in packages (`services/auth/`) of a `services/` folder that has no
# `__init__.py` of its own (a namespace package the code imports through, `from
# services.auth import ...`); a folder that holds a project of its own is none.
NAMESPACE_SERVICES = {
    "models/__init__.py": """
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)
    """,
    "services/auth/__init__.py": "",
    "services/auth/user.py": """
        from models import User


        class UserService:
            async def get_user(self, user_id: int) -> User:
                return User(id=user_id)
    """,
    "tools/worker/pyproject.toml": "[project]\nname = 'worker'\n",
    "tools/worker/app/__init__.py": "",
    "tools/worker/app/api/__init__.py": "",
    "tools/worker/app/api/helpers.py": "def helper() -> int:\n    return 1\n",
}


def test_a_namespace_folder_of_service_packages_names_their_layer(tmp_path: Path) -> None:
    root = write_project(tmp_path, NAMESPACE_SERVICES)
    layers = placed(root)
    assert layers["services/auth/user.py"]["layer"] == "service"
    assert findings(root, "LC301") == [("services/auth/user.py", 5, "LC301")]


# Ports declared for the data layer among the use cases (`application/common/*_gateway.py`:
# a `Protocol` of bare signatures) promise ORM rows; the gateway implementing them is the
# repository. A repository that converts its rows to the schema it is given
# (`-> ModelType | ReadSchemaType`) hands the services schemas as well.
PORTS_AND_SCHEMA_UNIONS = {
    "app/__init__.py": "",
    "app/models.py": """
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class Post(Base):
            __tablename__ = "posts"
            id: Mapped[int] = mapped_column(primary_key=True)
    """,
    "app/schemas.py": """
        from pydantic import BaseModel


        class PostRead(BaseModel):
            id: int
    """,
    "app/application/__init__.py": "",
    "app/application/post_gateway.py": """
        from typing import Protocol

        from app.models import Post


        class PostGateway(Protocol):
            async def get_post(self, post_id: int) -> Post | None: ...


        class PostReader(Protocol):  # (a port of `post_gateway.py`)
            async def get_posts(self) -> list[Post]: ...


        class PostService:
            def __init__(self, gateway: PostGateway) -> None:
                self.gateway = gateway

            async def newest(self) -> Post | None:
                return await self.gateway.get_post(1)
    """,
    "app/application/use_cases.py": """
        from typing import Protocol

        from app.models import Post


        class PostUseCase(Protocol):  # (the service's own interface: what routers call)
            async def newest(self) -> Post | None: ...
    """,
    "app/repositories/__init__.py": "",
    "app/repositories/base.py": """
        from typing import Generic, TypeVar

        from pydantic import BaseModel
        from sqlalchemy.orm import DeclarativeBase

        ModelType = TypeVar("ModelType", bound=DeclarativeBase)
        ReadSchemaType = TypeVar("ReadSchemaType", bound=BaseModel)


        class BaseRepository(Generic[ModelType, ReadSchemaType]):
            async def get_by_id(self, item_id: int) -> ModelType | ReadSchemaType | None:
                return None
    """,
    "app/repositories/posts.py": """
        from app.models import Post
        from app.repositories.base import BaseRepository
        from app.schemas import PostRead


        class PostRepository(BaseRepository[Post, PostRead]):
            async def latest(self) -> Post | None:
                return None
    """,
    "app/services/__init__.py": "",
    "app/services/posts.py": """
        from app.repositories.posts import PostRepository
        from app.schemas import PostRead


        class PostReader:
            def __init__(self, repo: PostRepository) -> None:
                self.repo = repo

            async def get_post(self, post_id: int) -> PostRead | None:
                return await self.repo.get_by_id(post_id)

            async def latest(self) -> PostRead | None:
                return await self.repo.latest()
    """,
}


def test_ports_and_repositories_converting_to_schemas_are_not_orm_returns(tmp_path: Path) -> None:
    root = write_project(tmp_path, PORTS_AND_SCHEMA_UNIONS)
    assert findings(root, "LC301") == [
        ("app/application/post_gateway.py", 18, "LC301"),  # the service's own annotation
        ("app/application/use_cases.py", 7, "LC301"),
        ("app/services/posts.py", 13, "LC301"),  # `latest() -> Post | None`: ORM only
    ]


# What reviewers rejected on real projects: a `ValueError`'s text sent in the project's
# exception named for a 4xx answer; environment reads in a `setting.py`; a settings loader
# importing the Pydantic bases of its configuration package's other folder.
REVIEWED = {
    "app/__init__.py": "",
    "app/exceptions.py": """
        class AppException(Exception):
            def __init__(self, detail: str, type: str = "error") -> None:
                self.detail = detail


        class BadRequestException(AppException):
            pass
    """,
    "app/routers/__init__.py": "",
    "app/routers/exports.py": """
        from fastapi import APIRouter

        from app.exceptions import BadRequestException

        router = APIRouter()


        @router.post("/exports")
        async def export(kind: str) -> dict:
            try:
                return {"kind": int(kind)}
            except ValueError as e:
                raise BadRequestException(detail=str(e), type="export-error")
            except KeyError as e:
                raise BadRequestException(detail=str(e), type="export-error")
    """,
    "app/cache/__init__.py": "",
    "app/cache/setting.py": """
        import os

        CACHE_URL = os.environ.get("CACHE_URL", "redis://localhost")
    """,
    "app/core/__init__.py": "",
    "app/core/config/__init__.py": "",
    "app/core/config/load/__init__.py": "",
    "app/core/config/load/base.py": """
        from pydantic import BaseModel


        class BaseConfig(BaseModel):
            debug: bool = False
    """,
    "app/core/config/settings/__init__.py": "",
    "app/core/config/settings/loader.py": """
        import os

        from app.core.config.load.base import BaseConfig

        config = BaseConfig(debug=os.getenv("DEBUG") == "1")
    """,
}


def test_what_reviewers_rejected_is_not_reported(tmp_path: Path) -> None:
    root = write_project(tmp_path, REVIEWED)
    assert findings(root, "LC603", "LC602", "LC103") == [("app/routers/exports.py", 15, "LC603")]


# A session type imported for the type checker with a runtime stand-in (`else: AsyncSession
# = Any`) is the session type all the same; a conditional expression choosing between
# f-strings is an f-string message.
TYPING_FALLBACK = {
    "app/__init__.py": "",
    "app/routers/__init__.py": "",
    "app/routers/reminders.py": """
        import logging
        from typing import TYPE_CHECKING, Annotated, Any

        from fastapi import APIRouter, Depends

        if TYPE_CHECKING:
            from sqlalchemy.ext.asyncio import AsyncSession
        else:
            AsyncSession = Any

        router = APIRouter()
        logger = logging.getLogger(__name__)


        async def get_db():
            yield None


        @router.post("/reminders")
        async def create(title: str, session: Annotated[AsyncSession, Depends(get_db)], on: bool) -> None:
            session.add(title)
            logger.info(f"created {title}" if on else f"skipped {title}")
            logger.info("created %s" if on else "skipped %s", title)
    """,
}


def test_a_typing_only_session_type_with_a_runtime_stand_in_is_still_the_session(tmp_path: Path) -> None:
    root = write_project(tmp_path, TYPING_FALLBACK)
    assert findings(root, "LC201", "LC701") == [
        ("app/routers/reminders.py", 21, "LC201"),
        ("app/routers/reminders.py", 22, "LC701"),
    ]

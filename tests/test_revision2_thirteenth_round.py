"""SPEC revision 2, the lessons of the thirteenth round: more projects nobody had read,
tried as a new user would and labeled by hand. Each lesson is a small project of our own,
checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, orm_module, placed

# Ports and adapters: the use case ends its transaction through a port that only commits
# and rolls back, while another port declares what a session does.
UNIT_OF_WORK_PORT = {
    "app/__init__.py": "",
    "app/application/__init__.py": "",
    "app/application/ports.py": """
        from typing import Any, Protocol


        class Committer(Protocol):
            async def commit(self) -> None: ...
            async def rollback(self) -> None: ...


        class Executor(Protocol):
            async def execute(self, statement: Any) -> Any: ...
            async def commit(self) -> None: ...
    """,
    "app/application/use_cases/__init__.py": "",
    "app/application/use_cases/register.py": """
        from app.application.ports import Committer, Executor


        class RegisterUser:
            def __init__(self, committer: Committer, executor: Executor) -> None:
                self._committer = committer
                self._executor = executor

            async def execute(self, name: str) -> None:
                await self._committer.commit()
                await self._committer.rollback()
                await self._executor.commit()
    """,
}


def test_a_port_that_only_commits_is_a_unit_of_work_not_a_session(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", UNIT_OF_WORK_PORT)
    # Only the port that also runs statements is a session by its structure.
    assert findings(root, "LC302") == [("app/application/use_cases/register.py", 12, "LC302")]


# A package of CRUD classes under a name the preset does not know (`crud_v2/`): a generic
# store and the classes that extend it, imported by the routers.
EXTENDED_STORE = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Todo"),
    "app/store/__init__.py": "from .base import *  # noqa\nfrom .todo import *  # noqa\n",
    "app/store/base.py": """
        from typing import Generic, TypeVar

        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        ModelType = TypeVar("ModelType")


        class StoreBase(Generic[ModelType]):
            def __init__(self, model: type[ModelType]) -> None:
                self.model = model

            async def get(self, db: AsyncSession, id: int):
                return (await db.execute(select(self.model).where(self.model.id == id))).scalars().first()

            async def create(self, db: AsyncSession, data: dict):
                obj = self.model(**data)
                db.add(obj)
                await db.flush()
                return obj

            async def delete(self, db: AsyncSession, obj) -> None:
                await db.delete(obj)
                await db.flush()
    """,
    "app/store/todo.py": """
        from app.models import Todo

        from .base import StoreBase


        class TodoStore(StoreBase[Todo]):
            def describe(self, todo: Todo) -> str:
                return f"{todo.id}"


        todo = TodoStore(Todo)
    """,
    "app/routers/__init__.py": "",
    "app/routers/todos.py": """
        from fastapi import APIRouter

        from app.store.todo import todo

        router = APIRouter()


        @router.get("/todos/{id}")
        async def read(id: int, db=None):
            return await todo.get(db, id)
    """,
    # The package star-imports the `todo` instance over its submodule of that name.
    "app/routers/tags.py": """
        from fastapi import APIRouter

        from app import store

        router = APIRouter()


        @router.delete("/todos/{id}")
        async def remove(id: int, db=None):
            await store.todo.delete(db, await store.todo.get(db, id))
    """,
}


def test_a_class_extending_a_data_access_class_is_data_access(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", EXTENDED_STORE)
    assert findings(root, "LC102", "LC202") == [
        ("app/routers/tags.py", 3, "LC102"),
        ("app/routers/tags.py", 10, "LC202"),
        ("app/routers/tags.py", 10, "LC202"),
        ("app/routers/todos.py", 3, "LC102"),
        ("app/routers/todos.py", 10, "LC202"),
    ]


# Business logic in a folder the preset does not name (`managers/`): classes that raise the
# API's errors around lookups they hand the session to in the data layer's module.
MANAGERS = {
    "app/__init__.py": "",
    "app/models.py": orm_module("User"),
    "app/database/__init__.py": "",
    "app/database/helpers.py": """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import User


        async def get_user_by_id_(user_id: int, session: AsyncSession) -> User | None:
            return await session.get(User, user_id)


        async def get_user_by_email_(email: str, session: AsyncSession) -> User | None:
            return (await session.execute(select(User).where(User.id == email))).scalars().first()
    """,
    "app/managers/__init__.py": "",
    "app/managers/user.py": """
        from fastapi import HTTPException
        from sqlalchemy import update
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.database.helpers import get_user_by_email_, get_user_by_id_
        from app.models import User


        class UserManager:
            @staticmethod
            async def get_user_by_id(user_id: int, session: AsyncSession) -> User:
                user = await get_user_by_id_(user_id, session)
                if user is None:
                    raise HTTPException(404)
                return user

            @staticmethod
            async def ban(email: str, session: AsyncSession) -> None:
                user = await get_user_by_email_(email, session)
                if user is None:
                    raise HTTPException(404)
                await session.execute(update(User).where(User.id == user.id).values(id=user.id))
                await session.commit()
    """,
    "app/managers/passwords.py": """
        from fastapi import HTTPException


        def check(password: str) -> None:
            if len(password) < 8:
                raise HTTPException(400)
    """,
}


def test_managers_over_a_data_layer_are_services(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", MANAGERS)
    layers = placed(root)
    assert layers["app/managers/user.py"]["layer"] == "service"
    assert layers["app/managers/passwords.py"]["layer"] is None
    assert layers["app/database/helpers.py"]["layer"] is None  # data access by what it does
    assert findings(root, "LC101", "LC301", "LC302") == [
        ("app/managers/user.py", 3, "LC101"),
        ("app/managers/user.py", 11, "LC301"),
        ("app/managers/user.py", 22, "LC302"),
        ("app/managers/user.py", 22, "LC302"),
        ("app/managers/user.py", 23, "LC302"),
    ]


# An adapter in no layer that turns a webhook's payload into calls of a service, under a
# savepoint of its own: above the services, so its session import is held.
ADAPTER_OVER_SERVICES = {
    "app/__init__.py": "",
    "app/models.py": orm_module("User"),
    "app/users/__init__.py": "",
    "app/users/service.py": """
        from sqlalchemy.ext.asyncio import AsyncSession


        class UserService:
            def __init__(self, session: AsyncSession) -> None:
                self.repo = session

            async def create(self, email: str) -> None:
                return None
    """,
    "app/adapters/__init__.py": "",
    "app/adapters/webhooks.py": """
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.users.service import UserService


        class WebhookAdapter:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session
                self._service = UserService(session)

            async def handle(self, payload: dict) -> None:
                async with self.session.begin_nested():
                    await self._service.create(payload["email"])
    """,
    "app/api/__init__.py": "",
    "app/api/hooks.py": """
        from fastapi import APIRouter

        from app.adapters.webhooks import WebhookAdapter

        router = APIRouter()


        @router.post("/hooks")
        async def hook(payload: dict, session=None) -> None:
            await WebhookAdapter(session).handle(payload)
    """,
}


def test_a_module_that_calls_services_is_no_data_access_for_its_session_import(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", ADAPTER_OVER_SERVICES)
    assert ("app/adapters/webhooks.py", 1, "LC101") in findings(root, "LC101")


def test_a_command_line_tool_named_for_the_database_is_no_database_module(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/database/__init__.py": "",
            "app/database/db.py": """
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                engine = create_async_engine("sqlite+aiosqlite://")
                async_session = async_sessionmaker(engine)
            """,
            "app/services/__init__.py": "",
            "app/services/users.py": "def seed_users() -> None:\n    return None\n",
            "app/commands/__init__.py": "",
            "app/commands/db.py": """
                from typing import TYPE_CHECKING

                import typer

                from app.database.db import async_session
                from app.services.users import seed_users

                if TYPE_CHECKING:
                    from sqlalchemy.ext.asyncio import AsyncSession

                app = typer.Typer()


                @app.command()
                def seed() -> None:
                    seed_users()
            """,
        },
    )
    assert placed(root)["app/commands/db.py"]["layer"] is None
    assert findings(root, "LC103") == []  # a command calling a service is no database module's import


# A generic service over its repository's type: `self.repository: RepositoryType` (a type
# variable bound to the generic repository, whose methods return its ORM-bound `ModelType`),
# and the same with PEP 695 type parameters; mixins that inherit the attribute.
GENERIC_SERVICE = {
    "app/__init__.py": "",
    "app/models.py": orm_module("User"),
    "app/repositories/__init__.py": "",
    "app/repositories/base.py": """
        from typing import Generic, TypeVar

        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import Base

        ModelType = TypeVar("ModelType", bound=Base)


        class BaseRepository(Generic[ModelType]):
            model: type[ModelType]

            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def get_by_id(self, id: int) -> ModelType | None:
                return await self.session.get(self.model, id)

            async def get_all(self) -> list[ModelType]:
                return list((await self.session.execute(select(self.model))).scalars())

            async def count(self) -> int:
                return len(await self.get_all())
    """,
    "app/services/__init__.py": "",
    "app/services/base.py": """
        from typing import Generic, TypeVar

        from app.repositories.base import BaseRepository

        ModelType = TypeVar("ModelType")
        RepositoryType = TypeVar("RepositoryType", bound="BaseRepository")


        class BaseService(Generic[ModelType, RepositoryType]):
            repository_class: type[RepositoryType]

            def __init__(self, session) -> None:
                self.repository: RepositoryType = self.repository_class(session)

            async def get_by_id(self, id: int) -> ModelType:
                instance = await self.repository.get_by_id(id)
                if instance is None:
                    raise LookupError(id)
                return instance


        class ListMixin(BaseService[ModelType, RepositoryType]):
            async def get_all(self) -> list[ModelType]:
                return await self.repository.get_all()

            async def total(self) -> int:
                return await self.repository.count()
    """,
    "app/services/resources.py": """
        from collections.abc import Sequence

        from app.repositories.base import BaseRepository


        class ResourceService[RepositoryT: BaseRepository, ModelT]:
            repo: RepositoryT

            async def get(self, id: int) -> ModelT:
                if found := await self.repo.get_by_id(id):
                    return found
                raise LookupError(id)

            async def get_all(self) -> Sequence[ModelT]:
                return await self.repo.get_all()
    """,
}


def test_a_generic_service_returns_what_its_bounded_repository_returns(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", GENERIC_SERVICE)
    assert findings(root, "LC301") == [
        ("app/services/base.py", 19, "LC301"),  # `return instance`, from `self.repository`
        ("app/services/base.py", 24, "LC301"),  # a mixin's, the attribute its base holds
        ("app/services/resources.py", 11, "LC301"),  # PEP 695: `repo: RepositoryT`
        ("app/services/resources.py", 15, "LC301"),
    ]


def test_a_callable_or_a_statement_of_a_model_is_no_orm_return(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/services/__init__.py": "",
            "app/services/users.py": """
                from collections.abc import Awaitable, Callable

                from sqlalchemy import Select, select

                from app.models import User


                def require_user() -> Callable[..., Awaitable[User]]:
                    async def dependency() -> User:
                        raise LookupError

                    return dependency


                def users_query() -> Select[tuple[User]]:
                    return select(User)


                def first_user() -> User | None:
                    return None
            """,
        },
    )
    assert findings(root, "LC301") == [("app/services/users.py", 19, "LC301")]


def test_a_config_module_of_pydantic_settings_sections_stays_the_configuration(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/auth/__init__.py": "",
            "app/core/auth/config.py": """
                from pydantic import BaseModel


                class AuthSettings(BaseModel):
                    secret_key: str = "change-me"
                    token_minutes: int = 30
            """,
            "app/config.py": """
                from pydantic_settings import BaseSettings

                from app.core.auth.config import AuthSettings


                class Settings(BaseSettings):
                    auth: AuthSettings = AuthSettings()
            """,
        },
    )
    assert placed(root)["app/core/auth/config.py"]["layer"] == "config"
    assert findings(root, "LC103") == []


def test_a_module_doing_http_work_is_no_data_access_for_its_session_import(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Membership"),
            "app/core/__init__.py": "",
            "app/core/tenants.py": """
                from fastapi import HTTPException, Request
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.models import Membership


                def org_id_from_path(request: Request) -> int:
                    return int(request.path_params.get("org_id", 0))


                def org_id_from_query(request: Request) -> int:
                    return int(request.query_params.get("org_id", 0))


                async def validate_membership(request: Request, session: AsyncSession) -> None:
                    found = await session.execute(select(Membership).where(Membership.id == 1))
                    if found.first() is None:
                        raise HTTPException(403)
            """,
            "app/main.py": """
                from fastapi import FastAPI

                from app.core.tenants import validate_membership

                app = FastAPI(dependencies=[])
                checks = [validate_membership]
            """,
        },
    )
    assert findings(root, "LC101") == [("app/core/tenants.py", 3, "LC101")]


def test_a_body_built_into_a_model_by_its_constructor_is_validated(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/routers/__init__.py": "",
            "app/routers/auth.py": """
                from fastapi import APIRouter, HTTPException, Request
                from pydantic import BaseModel, ValidationError

                router = APIRouter()


                class ResetPasswordRequest(BaseModel):
                    code: str


                @router.post("/reset")
                async def reset(request: Request) -> dict:
                    try:
                        body = await request.json()
                        data = ResetPasswordRequest(**body)
                    except ValidationError as exc:
                        raise HTTPException(422) from exc
                    return {"code": data.code}


                @router.post("/raw")
                async def raw(request: Request) -> dict:
                    body = await request.json()
                    return dict(body)
            """,
        },
    )
    assert findings(root, "LC204") == [("app/routers/auth.py", 23, "LC204")]


def test_a_module_named_for_schemas_that_creates_database_schemas_is_no_schema_layer(tmp_path: Path) -> None:
    # `core/database/schema.py`: the database's schemas (`CREATE SCHEMA`) and a namespace of
    # their names, which the models import for `__table_args__`.
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/database/__init__.py": "",
            "app/core/database/schema.py": """
                from sqlalchemy.schema import CreateSchema


                class DbSchemas:
                    identity = "identity"
                    audit = "audit"


                def ensure_schemas_exist(connection) -> None:
                    for name in (DbSchemas.identity, DbSchemas.audit):
                        connection.execute(CreateSchema(name, if_not_exists=True))
            """,
            "app/models/__init__.py": "",
            "app/models/user.py": """
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

                from app.core.database.schema import DbSchemas


                class Base(DeclarativeBase):
                    pass


                class User(Base):
                    __tablename__ = "users"
                    __table_args__ = {"schema": DbSchemas.identity}
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
        },
    )
    assert findings(root, "LC103") == []


# The API's dependency package wiring the routes: repository aliases, the services built
# from them, a health check registered on the app it is given; jobs reaching the engine.
DEPENDENCY_WIRING = {
    "app/__init__.py": "",
    "app/models.py": orm_module("User"),
    "app/core/__init__.py": "",
    "app/core/engine.py": """
        from sqlalchemy import Engine, create_engine

        _engine = create_engine("sqlite://")


        def get_sync_engine() -> Engine:
            return _engine
    """,
    "app/core/health.py": """
        from fastapi import FastAPI
        from sqlalchemy import text
        from sqlalchemy.orm import Session

        from app.core.engine import get_sync_engine


        def setup_health_endpoint(app: FastAPI) -> None:
            @app.get("/health")
            def health() -> dict:
                with Session(get_sync_engine()) as session:
                    session.execute(text("SELECT 1"))
                return {"ok": True}
    """,
    # A module of helpers, one of which mounts the docs page on the app: no router.
    "app/core/utils.py": """
        from fastapi import FastAPI
        from fastapi.responses import HTMLResponse


        def slugify(text: str) -> str:
            return text.lower().replace(" ", "-")


        def mount_docs(app: FastAPI) -> None:
            @app.get("/docs-page", include_in_schema=False)
            def docs_page() -> HTMLResponse:
                return HTMLResponse("<html></html>")
    """,
    "app/repositories/__init__.py": "",
    "app/repositories/users.py": """
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from app.models import User


        class UserRepository:
            def __init__(self, session: Session) -> None:
                self.session = session

            def get(self, id: int) -> User | None:
                return self.session.get(User, id)

            def all(self) -> list[User]:
                return list(self.session.scalars(select(User)))
    """,
    "app/services/__init__.py": "",
    "app/services/users.py": """
        from app.repositories.users import UserRepository


        class UserService:
            def __init__(self, repo: UserRepository) -> None:
                self.repo = repo

            def count(self) -> int:
                return len(self.repo.all())
    """,
    "app/api/__init__.py": "",
    # (the package gathering its own modules' aliases: reported where they are imported)
    "app/api/dependencies/__init__.py": "from app.api.dependencies.repositories import UserRepo\n",
    "app/api/dependencies/repositories.py": """
        from typing import Annotated

        from fastapi import Depends

        from app.repositories.users import UserRepository


        def get_user_repository() -> UserRepository:
            return UserRepository(None)


        UserRepo = Annotated[UserRepository, Depends(get_user_repository)]
    """,
    "app/api/dependencies/services.py": """
        from app.api.dependencies.repositories import UserRepo
        from app.services.users import UserService


        def get_user_service(repo: UserRepo) -> UserService:
            return UserService(repo)
    """,
    "app/jobs/__init__.py": "",
    "app/jobs/cleanup.py": """
        from celery import shared_task

        from app.core.engine import get_sync_engine


        @shared_task
        def cleanup() -> None:
            get_sync_engine().dispose()
    """,
}


def test_the_dependency_wiring_of_the_api_and_what_it_hands_out(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", DEPENDENCY_WIRING)
    layers = placed(root)
    assert layers["app/api/dependencies/services.py"]["layer"] == "api"
    assert layers["app/core/health.py"]["layer"] == "api"
    assert layers["app/core/utils.py"]["layer"] is None
    # (the providers building the repository and the service from it, and the alias that
    # declares the dependency, are wiring: no LC102 there since the fifteenth round; a route
    # taking `repo: UserRepo` would be reported)
    assert findings(root, "LC102", "LC103", "LC201") == [
        ("app/core/health.py", 12, "LC201"),
        ("app/core/health.py", 12, "LC201"),
        ("app/jobs/cleanup.py", 3, "LC103"),  # the engine is the database's
    ]

"""SPEC revision 2, the lessons of the fifteenth round: six more projects nobody had read
(a folder-first app with its data access under `services/repo/`, a domain-driven template
with `repo/` and `presentation/` folders and a transaction manager, a SQLModel app laid out
like a Java one, a structlog app re-exporting its logger), labeled by hand. Each lesson is a
small project of our own, checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import run_layercheck, write_project
from test_revision2 import findings, placed

# Data access in a `repo/` folder inside `services/`: query functions and a repository class
# that the routers call directly.
REPO_FOLDER = {
    "app/__init__.py": "",
    "app/models.py": """
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)
    """,
    "app/services/__init__.py": "",
    "app/services/repo/__init__.py": "",
    "app/services/repo/account.py": """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import User


        async def query_user(session: AsyncSession, user_id: int):
            result = await session.execute(select(User).where(User.id == user_id))
            return result.scalars().first()
    """,
    "app/services/repo/message.py": """
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import User


        class MessageRepository:
            def __init__(self, session: AsyncSession):
                self.session = session

            async def add(self, user: User) -> User:
                self.session.add(user)
                await self.session.commit()
                return user
    """,
    "app/services/accounts.py": """
        from app.services.repo.account import query_user


        async def user_name(session, user_id: int) -> str:
            user = await query_user(session, user_id)
            return user.name
    """,
    # A `repo/` folder of git repositories is no data access.
    "app/tools/__init__.py": "",
    "app/tools/repo/__init__.py": "",
    "app/tools/repo/clone.py": """
        import subprocess


        def clone(url: str, target: str) -> None:
            subprocess.run(["git", "clone", url, target], check=True)
    """,
    "app/api/__init__.py": "",
    "app/api/accounts.py": """
        from fastapi import APIRouter, Depends
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.database import get_session
        from app.services.repo.account import query_user
        from app.services.repo.message import MessageRepository

        router = APIRouter()


        @router.get("/users/{user_id}")
        async def read_user(user_id: int, session: AsyncSession = Depends(get_session)):
            return await query_user(session, user_id)


        @router.post("/messages")
        async def send(session: AsyncSession = Depends(get_session)):
            return await MessageRepository(session).add(None)
    """,
    "app/database.py": """
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        engine = create_async_engine("sqlite+aiosqlite://")
        SessionLocal = async_sessionmaker(engine)


        async def get_session():
            async with SessionLocal() as session:
                yield session
    """,
}


def test_a_repo_folder_holds_repositories_even_among_services(tmp_path: Path) -> None:
    root = write_project(tmp_path, REPO_FOLDER)
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/services/repo/account.py"] == "repository"
    assert layers["app/services/repo/message.py"] == "repository"
    assert layers["app/services/accounts.py"] == "service"
    assert layers["app/tools/repo/clone.py"] is None
    # The repositories' session calls are theirs; the routers that call them skip the
    # service layer.
    assert findings(root, "LC102", "LC202", "LC301", "LC302") == [
        ("app/api/accounts.py", 5, "LC102"),
        ("app/api/accounts.py", 6, "LC102"),
        ("app/api/accounts.py", 13, "LC202"),
        ("app/api/accounts.py", 18, "LC202"),
    ]


# Clean architecture's outer ring: `presentation/` holds the routers and the dependency
# providers that wire the repositories; a transaction manager opens the session and hands the
# repositories a context holding it.
PRESENTATION = {
    "app/__init__.py": "",
    "app/infrastructure/__init__.py": "",
    "app/infrastructure/sql/__init__.py": "",
    "app/infrastructure/sql/pool.py": """
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine


        class Pool:
            def __init__(self, url: str) -> None:
                self.engine = create_async_engine(url)
                self.factory = async_sessionmaker(self.engine)

            def get_session(self):
                return self.factory()
    """,
    "app/infrastructure/sql/context.py": """
        from sqlalchemy.ext.asyncio import AsyncSession


        class SQLContext:
            session: AsyncSession

            def __init__(self, session: AsyncSession) -> None:
                self.session = session
    """,
    "app/infrastructure/sql/transaction.py": """
        from contextlib import asynccontextmanager

        from app.infrastructure.sql.context import SQLContext
        from app.infrastructure.sql.pool import Pool


        class TransactionManager:
            def __init__(self, pool: Pool) -> None:
                self._pool = pool

            @asynccontextmanager
            async def transaction(self):
                async with self._pool.get_session() as session:
                    try:
                        yield SQLContext(session=session)
                        await session.commit()
                    except Exception:
                        await session.rollback()
                        raise
    """,
    "app/domain/__init__.py": "",
    "app/domain/user/__init__.py": "",
    "app/domain/user/repo/__init__.py": "",
    "app/domain/user/repo/sql.py": """
        from sqlalchemy import select
        from sqlmodel import Field, SQLModel

        from app.infrastructure.sql.context import SQLContext


        class UserORM(SQLModel, table=True):
            id: int = Field(primary_key=True)


        class UserRepository:
            async def get(self, context: SQLContext, user_id: int):
                result = await context.session.execute(select(UserORM).where(UserORM.id == user_id))
                return result.scalar_one_or_none()
    """,
    "app/presentation/__init__.py": "",
    "app/presentation/deps.py": """
        from fastapi import Depends

        from app.domain.user.repo.sql import UserRepository


        def get_user_repository() -> UserRepository:
            return UserRepository()
    """,
    "app/presentation/users.py": """
        from fastapi import APIRouter

        from app.domain.user.repo.sql import UserRepository

        router = APIRouter()


        @router.get("/users/{user_id}")
        async def read_user(user_id: int, context):
            return await UserRepository().get(context, user_id)
    """,
    # Presentation's schemas keep their own layer; a module there that uses nothing of the
    # web framework is in none.
    "app/presentation/schemas.py": """
        from pydantic import BaseModel


        class UserOut(BaseModel):
            id: int
    """,
    "app/presentation/pagination.py": """
        def pages(total: int, size: int) -> int:
            return -(-total // size)
    """,
}


def test_a_presentation_folder_is_the_api_and_a_transaction_manager_the_database(tmp_path: Path) -> None:
    root = write_project(tmp_path, PRESENTATION)
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/presentation/deps.py"] == "api"
    assert layers["app/presentation/schemas.py"] == "schema"
    assert layers["app/presentation/pagination.py"] is None
    assert layers["app/domain/user/repo/sql.py"] == "repository"
    assert layers["app/infrastructure/sql/transaction.py"] == "database"
    # The session held for the repositories by a module only the data layer imports is the
    # data layer's; the provider building a repository is wiring, the route querying one is
    # reported.
    assert findings(root, "LC101", "LC102", "LC202") == [
        ("app/presentation/users.py", 3, "LC102"),
        ("app/presentation/users.py", 10, "LC202"),
    ]


def test_a_logger_re_exported_by_a_package_of_the_same_name_under_a_source_root(tmp_path: Path) -> None:
    # `src/` is no package: the modules are named `core.*` and imported as `src.core.*`;
    # `core/logger/__init__.py` re-exports the `logger` its `logger.py` defines.
    root = write_project(
        tmp_path,
        {
            "src/core/__init__.py": "",
            "src/core/logger/__init__.py": 'from .logger import logger\n\n__all__ = ["logger"]\n',
            "src/core/logger/logger.py": """
                from typing import Any

                import structlog


                def configure_logger() -> Any:
                    return structlog.get_logger()


                logger = configure_logger()
            """,
            "src/core/sqs/__init__.py": "",
            "src/core/sqs/consumer.py": """
                from src.core.logger import logger


                def delete(error: Exception) -> None:
                    logger.error(f"Error deleting message: {error}")
                    logger.info("message_deleted", detail=f"{error}")
            """,
        },
    )
    assert findings(root, "LC701") == [("src/core/sqs/consumer.py", 5, "LC701")]


def test_a_logger_factory_annotated_any_leaves_the_name_to_decide(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/logs.py": """
                from typing import Any

                import structlog


                def console_logger() -> Any:
                    return structlog.get_logger()


                def make_logger() -> Any:
                    return console_logger()


                def make_counter() -> Any:
                    return {}


                logger = make_logger()
                counter = make_counter()
            """,
            "app/worker.py": """
                from app.logs import counter, logger


                def run(job: str) -> None:
                    logger.info(f"job {job} started")
                    counter.info(f"job {job} started")
            """,
        },
    )
    assert findings(root, "LC701") == [("app/worker.py", 5, "LC701")]


SQLMODEL_GENERIC_SERVICE = {
    "app/__init__.py": "",
    "app/entity/__init__.py": "",
    "app/entity/base.py": """
        from sqlmodel import Field, SQLModel


        class ModelBase(SQLModel):
            id: int | None = Field(default=None, primary_key=True)
    """,
    "app/entity/user.py": """
        from app.entity.base import ModelBase


        class UserEntity(ModelBase, table=True):
            name: str
    """,
    "app/service/__init__.py": "",
    "app/service/base.py": """
        from typing import Generic, List, TypeVar

        from pydantic import BaseModel
        from sqlmodel import SQLModel

        from app.entity.base import ModelBase

        T = TypeVar("T", bound=ModelBase)
        S = TypeVar("S", bound=SQLModel)
        P = TypeVar("P", bound=BaseModel)
        CreateSchemaType = TypeVar("CreateSchemaType", bound=SQLModel)


        class ServiceBase(Generic[T]):
            def __init__(self, mapper) -> None:
                self.mapper = mapper

            async def retrieve_by_id(self, id: int) -> T:
                return await self.mapper.select_by_id(id=id)

            async def retrieve_all(self) -> List[T]:
                return await self.mapper.select_all()


        class Exporter(Generic[S, P]):
            def first(self, rows: List[S]) -> S:
                return rows[0]

            def payload(self, items: List[P]) -> P:
                return items[0]

            def created(self, items: List[CreateSchemaType]) -> CreateSchemaType:
                return items[0]
    """,
}


def test_a_type_variable_bound_to_sqlmodels_base_is_the_orms(tmp_path: Path) -> None:
    root = write_project(tmp_path, SQLMODEL_GENERIC_SERVICE)
    # (`CreateSchemaType`, bound to SQLModel too, is named for the schemas it stands for)
    assert findings(root, "LC301") == [
        ("app/service/base.py", 18, "LC301"),
        ("app/service/base.py", 21, "LC301"),
        ("app/service/base.py", 26, "LC301"),
    ]


def test_a_type_variable_bound_to_sqlmodel_maps_nothing_without_tables(tmp_path: Path) -> None:
    # Without a `table=True` class, SQLModel is only Pydantic here.
    files = dict(SQLMODEL_GENERIC_SERVICE)
    files["app/entity/user.py"] = """
        from app.entity.base import ModelBase


        class UserEntity(ModelBase):
            name: str
    """
    root = write_project(tmp_path, files)
    assert findings(root, "LC301") == []


# Entry points that build repositories only to hand them to services: dependency wiring.
WIRING = {
    "app/__init__.py": "",
    "app/repositories/__init__.py": "",
    "app/repositories/messages.py": """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession


        class MessageRepository:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def latest(self):
                return (await self.session.execute(select(1))).all()


        async def count_messages(session: AsyncSession) -> int:
            return (await session.execute(select(1))).scalar_one()
    """,
    "app/repositories/users.py": """
        from sqlalchemy.ext.asyncio import AsyncSession


        class UserRepository:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def get(self, user_id: int):
                return await self.session.get(object, user_id)
    """,
    "app/services/__init__.py": "",
    "app/services/messages.py": """
        class MessageService:
            def __init__(self, repository) -> None:
                self.repository = repository

            async def latest(self):
                return await self.repository.latest()
    """,
    "app/api/__init__.py": "",
    # The dependency wiring: providers that build the repositories for the services.
    "app/api/deps.py": """
        from typing import Annotated

        from fastapi import Depends

        from app.repositories.messages import MessageRepository
        from app.repositories.users import UserRepository
        from app.services.messages import MessageService


        def get_message_repository(session) -> MessageRepository:
            return MessageRepository(session)


        def get_message_service(
            repository: Annotated[MessageRepository, Depends(get_message_repository)],
        ) -> MessageService:
            return MessageService(repository)


        def get_user_service(repository: Annotated[UserRepository, Depends()]) -> MessageService:
            return MessageService(repository)


        # (built once at import, and only handed to the service)
        _messages = MessageRepository(None)
        shared_service = MessageService(_messages)
    """,
    # A dependency that queries the repository it is given is no wiring.
    "app/api/auth.py": """
        from typing import Annotated

        from fastapi import Depends

        from app.repositories.users import UserRepository


        async def current_user(users: Annotated[UserRepository, Depends()], user_id: int = 1):
            return await users.get(user_id)
    """,
    # A provider beside the routes, and a route typed with what it builds, which queries it.
    "app/api/audit.py": """
        from fastapi import APIRouter, Depends

        from app.repositories.messages import MessageRepository

        router = APIRouter()


        def get_repository(session=None) -> MessageRepository:
            return MessageRepository(session)


        @router.get("/audit")
        async def audit(repository: MessageRepository = Depends(get_repository)):
            return await repository.latest()
    """,
    # An alias declaring the dependency (wiring), and a route given it that queries it: the
    # layer is skipped there.
    "app/api/aliases.py": """
        from typing import Annotated

        from fastapi import Depends

        from app.api.deps import get_message_repository
        from app.repositories.messages import MessageRepository

        MessageRepo = Annotated[MessageRepository, Depends(get_message_repository)]
    """,
    "app/api/latest.py": """
        from fastapi import APIRouter

        from app.api.aliases import MessageRepo

        router = APIRouter()


        @router.get("/latest")
        async def latest(repository: MessageRepo):
            return await repository.latest()
    """,
    "app/api/messages.py": """
        from fastapi import APIRouter

        from app.repositories.messages import MessageRepository, count_messages
        from app.repositories.users import UserRepository
        from app.services.messages import MessageService

        router = APIRouter()


        @router.get("/messages")
        async def latest(session):
            repository = MessageRepository(session)
            service = MessageService(repository)
            return await service.latest()


        @router.get("/messages/direct")
        async def direct(session):
            return await MessageService(MessageRepository(session)).latest()


        @router.get("/messages/count")
        async def count(session):
            return await count_messages(session)


        @router.get("/users/{user_id}")
        async def user(user_id: int, session):
            users = UserRepository(session)
            return await users.get(user_id)
    """,
}


def test_a_repository_built_only_for_a_service_is_wiring(tmp_path: Path) -> None:
    root = write_project(tmp_path, WIRING)
    # The providers and the routes that build a repository for the service skip no layer;
    # a repository function called, and a repository built to be queried, do.
    assert findings(root, "LC102", "LC202") == [
        ("app/api/audit.py", 3, "LC102"),
        ("app/api/audit.py", 14, "LC202"),
        ("app/api/auth.py", 5, "LC102"),
        ("app/api/auth.py", 9, "LC202"),
        ("app/api/latest.py", 3, "LC102"),
        ("app/api/latest.py", 10, "LC202"),
        ("app/api/messages.py", 3, "LC102"),
        ("app/api/messages.py", 4, "LC102"),
        ("app/api/messages.py", 24, "LC202"),
        ("app/api/messages.py", 29, "LC202"),
        ("app/api/messages.py", 30, "LC202"),
    ]


def test_a_generic_repository_named_by_its_parametrisation_is_followed(tmp_path: Path) -> None:
    # `UserRepository = RepositoryBase[User, UserCreate]`: the generic class itself, whose
    # `create` returns the ORM class it is given, under a schema's annotation.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/base.py": "from sqlmodel import SQLModel\n\n\nclass Base(SQLModel):\n    pass\n",
            "app/core/repository.py": """
                from typing import Generic, TypeVar

                from sqlmodel import SQLModel

                from app.core.base import Base

                ModelType = TypeVar("ModelType", bound=Base)
                CreateSchemaType = TypeVar("CreateSchemaType", bound=SQLModel)


                class RepositoryBase(Generic[ModelType, CreateSchemaType]):
                    def __init__(self, model: type[ModelType]) -> None:
                        self._model = model

                    async def create(self, db, object: CreateSchemaType) -> ModelType:
                        row: ModelType = self._model(**object.model_dump())
                        db.add(row)
                        await db.commit()
                        return row
            """,
            "app/users/__init__.py": "",
            "app/users/models.py": """
                from sqlmodel import Field

                from app.core.base import Base


                class User(Base, table=True):
                    id: int = Field(primary_key=True)
            """,
            "app/users/schemas.py": """
                from sqlmodel import SQLModel


                class UserRead(SQLModel):
                    id: int


                class UserCreate(SQLModel):
                    name: str
            """,
            "app/users/repositories.py": """
                from app.core.repository import RepositoryBase
                from app.users.models import User
                from app.users.schemas import UserCreate

                UserRepository = RepositoryBase[User, UserCreate]
                user_repository = UserRepository(User)
            """,
            "app/users/services.py": """
                from app.users.repositories import UserRepository
                from app.users.schemas import UserCreate, UserRead


                class UserService:
                    def __init__(self, user_repo: UserRepository) -> None:
                        self.user_repo = user_repo

                    async def create_user(self, db, user: UserCreate) -> UserRead:
                        created = await self.user_repo.create(db=db, object=user)
                        return created
            """,
            # A feature named `tasks` keeps its repositories: the file says what it is.
            "app/tasks/__init__.py": "",
            "app/tasks/repositories.py": """
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.core.repository import RepositoryBase
                from app.users.models import User

                TaskRepository = RepositoryBase[User, User]


                async def count(db: AsyncSession) -> int:
                    return len(await db.exec(User))
            """,
        },
    )
    assert placed(root)["app/tasks/repositories.py"]["layer"] == "repository"
    assert findings(root, "LC101", "LC102", "LC103", "LC301") == [("app/users/services.py", 11, "LC301")]


def test_a_composition_root_under_presentation_is_in_no_layer(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/application/__init__.py": "",
            "app/application/create_post.py": """
                async def create_post(uow, title: str) -> None:
                    async with uow:
                        await uow.posts.add(title)
            """,
            "app/infra/__init__.py": "",
            "app/infra/repositories.py": """
                from sqlalchemy.ext.asyncio import AsyncSession


                class PostRepository:
                    def __init__(self, session: AsyncSession) -> None:
                        self.session = session

                    async def add(self, title: str) -> None:
                        self.session.add(title)
            """,
            "app/presentation/__init__.py": "",
            "app/presentation/container.py": """
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                from app.application.create_post import create_post
                from app.infra.repositories import PostRepository


                def get_session_factory():
                    return async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))


                HANDLERS = {"create_post": (create_post, PostRepository)}
            """,
        },
    )
    item = placed(root)["app/presentation/container.py"]
    assert item["layer"] is None
    assert findings(root, "LC101", "LC102", "LC103") == []


def test_the_root_loggers_functions_imported_by_name_are_log_calls(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/search.py": """
                from logging import error, warning


                def seed(index: str, documents: list) -> None:
                    if not documents:
                        warning(f"seeding {index}: no documents")
                    error("seeding %s failed", index)
            """,
            # (a project function called `warning` is no log call)
            "app/alerts.py": """
                def warning(text: str) -> str:
                    return text


                def alert(name: str) -> str:
                    return warning(f"check {name}")
            """,
        },
    )
    assert findings(root, "LC701") == [("app/search.py", 6, "LC701")]
    fixed = run_layercheck(["--fix", "--unsafe-fixes", "--no-cache", "--select", "LC701", "."], root)
    assert fixed.exit_code == 0, fixed.output
    assert 'warning("seeding %s: no documents", index)' in (root / "app/search.py").read_text()


def test_an_abstract_base_holding_the_session_for_data_access_modules(tmp_path: Path) -> None:
    # `manager/*_manager.py` query through the session their abstract `Manager` base holds:
    # the base is part of the data access its only importers are.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/abstract/__init__.py": "",
            "app/abstract/manager.py": """
                from abc import ABC

                from sqlmodel import Session


                class Manager(ABC):
                    _session: Session

                    def __init__(self, session: Session) -> None:
                        self._session = session
            """,
            "app/manager/__init__.py": "",
            "app/manager/company_manager.py": """
                from sqlmodel import select

                from app.abstract.manager import Manager


                class CompanyManager(Manager):
                    def by_name(self, name: str):
                        return self._session.exec(select(1).where(name == name)).first()

                    def all(self):
                        return self._session.exec(select(1)).all()
            """,
            "app/router/__init__.py": "",
            "app/router/companies.py": """
                from fastapi import APIRouter

                from app.manager.company_manager import CompanyManager

                router = APIRouter()


                @router.get("/companies")
                def companies(session):
                    return CompanyManager(session).all()
            """,
        },
    )
    assert findings(root, "LC101") == []


def test_an_example_env_file_without_the_leading_dot_documents_the_settings(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/settings.py": """
                from pydantic_settings import BaseSettings


                class Settings(BaseSettings):
                    DATABASE_URL: str
                    SECRET_KEY: str
            """,
            "env.example": "DATABASE_URL=\n",
        },
    )
    run = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC802", "."], root)
    messages = [(item["filename"], item["message"]) for item in run.json()]
    # It is the example file, missing a key; not "no `.env.example`".
    assert len(messages) == 1
    assert messages[0][0].endswith("env.example") and "SECRET_KEY" in messages[0][1]


def test_wiring_in_dependency_markers_providers_and_jobs(tmp_path: Path) -> None:
    files = dict(WIRING)
    # `Depends(OAuthCrud.inject)` in a provider module: the class's method is the provider.
    files["app/api/providers.py"] = """
        from fastapi import Depends

        from app.repositories.users import UserRepository
        from app.services.messages import MessageService


        def get_service(repository=Depends(UserRepository.inject)) -> MessageService:
            return MessageService(repository)
    """
    # A generic provider bound to the repositories' base builds whichever it is given.
    files["app/api/generic.py"] = """
        from typing import Callable, TypeVar

        from app.repositories.messages import MessageRepository

        R = TypeVar("R", bound=MessageRepository)


        def get_repository(kind: type[R]) -> Callable[..., R]:
            def build(session=None) -> R:
                return kind(session)

            return build
    """
    # A job module typed with a repository queries it, whatever queue runs the job.
    files["app/workers/__init__.py"] = ""
    files["app/workers/cleanup.py"] = """
        from app.repositories.users import UserRepository


        async def cleanup(ctx: dict, user_id: int) -> None:
            users: UserRepository = ctx["users"]
            await users.get(user_id)
    """
    # The DI provider of a `presentation/` folder yielding the request's session.
    files["app/presentation/__init__.py"] = ""
    files["app/presentation/providers.py"] = """
        from fastapi import Request
        from sqlalchemy.ext.asyncio import AsyncSession


        class RequestProvider:
            async def session(self, request: Request) -> AsyncSession:
                async with request.app.state.factory() as session:
                    yield session
    """
    root = write_project(tmp_path, files)
    assert placed(root)["app/presentation/providers.py"]["layer"] == "database"
    found = findings(root, "LC101", "LC102")
    assert ("app/workers/cleanup.py", 1, "LC102") in found
    quiet = ("app/api/providers.py", "app/api/generic.py", "app/presentation/providers.py")
    assert [item for item in found if item[0] in quiet] == []


def test_a_tests_folder_holding_other_layers_folders_is_tests(tmp_path: Path) -> None:
    # `tests/api/` and `tests/crud/` mirror the app's folders: tests all the same.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/crud/__init__.py": "",
            "app/crud/users.py": "async def get(db, user_id):\n    return await db.fetch_one(user_id)\n",
            "tests/__init__.py": "",
            "tests/api/__init__.py": "",
            "tests/api/helpers.py": """
                from app.crud import users


                async def make_user(db):
                    return await users.get(db, 1)
            """,
            "tests/crud/__init__.py": "",
            "tests/crud/test_users.py": "def test_nothing():\n    pass\n",
            "tests/utils/__init__.py": "",
            "tests/utils/user.py": 'TEST_USER_PASSWORD = "changeit"\n',
        },
    )
    layers = placed(root)
    assert layers["tests/api/helpers.py"]["layer"] == "tests"
    assert layers["tests/utils/user.py"]["layer"] == "tests"
    assert findings(root, "LC102", "LC202", "LC604") == []


def test_a_generic_alias_is_followed_when_imports_name_the_source_root(tmp_path: Path) -> None:
    # Checked as `layercheck src` where `src/` is a package its own modules import by name
    # (`from src.core.repository import RepositoryBase`).
    root = write_project(
        tmp_path,
        {
            "src/__init__.py": "",
            "src/core/__init__.py": "",
            "src/core/models.py": """
                from sqlmodel import SQLModel


                class Base(SQLModel):
                    pass
            """,
            # (a table class deriving from the base under the import's name for it)
            "src/users/models.py": """
                from sqlmodel import Field

                from src.core.models import Base


                class User(Base, table=True):
                    id: int = Field(primary_key=True)
            """,
            "src/core/repository.py": """
                from typing import Generic, TypeVar

                from src.core.models import Base

                ModelType = TypeVar("ModelType", bound=Base)


                class RepositoryBase(Generic[ModelType]):
                    async def create(self, db, row: ModelType) -> ModelType:
                        db.add(row)
                        return row
            """,
            "src/users/__init__.py": "",
            "src/users/repositories.py": """
                from src.core.repository import RepositoryBase
                from src.users.models import User

                UserRepository = RepositoryBase[User]
            """,
            "src/users/services.py": """
                from src.users.repositories import UserRepository


                class UserService:
                    def __init__(self, user_repo: UserRepository) -> None:
                        self.user_repo = user_repo

                    async def create(self, db, user):
                        created = await self.user_repo.create(db, user)
                        return created
            """,
        },
    )
    run = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC301", "src"], root)
    found = [(Path(item["filename"]).as_posix(), item["location"]["row"]) for item in run.json()]
    assert len(found) == 1 and found[0][0].endswith("src/users/services.py") and found[0][1] == 10

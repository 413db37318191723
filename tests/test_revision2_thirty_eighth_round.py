"""The thirty-eighth round: what real projects of the round taught, each checked through the
CLI on a small project of its own."""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import write_project
from test_revision2 import findings, placed

# ----- LC103: the session dependency kept in a settings module of the persistence adapter ----

_PERSISTENCE_CONFIG = """
    from typing import Annotated, AsyncGenerator

    from fastapi import Depends
    from pydantic_settings import BaseSettings
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine


    class DbSettings(BaseSettings):
        db_host: str = "localhost"
        db_name: str = "shop"


    _env = DbSettings()
    _engine = create_async_engine(f"postgresql+asyncpg://{_env.db_host}/{_env.db_name}")
    _SessionLocal = async_sessionmaker(bind=_engine)


    async def get_db_session() -> AsyncGenerator[AsyncSession, None]:
        async with _SessionLocal() as db:
            yield db


    AsyncSessionDep = Annotated[AsyncSession, Depends(get_db_session)]
    DB_SETTINGS = _env
    """

_ORM = """
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


    class Base(DeclarativeBase):
        pass


    class UserOrm(Base):
        __tablename__ = "users"
        id: Mapped[int] = mapped_column(primary_key=True)
    """


def _persistence_project(tmp_path: Path, repository: str) -> Path:
    files = {
        "src/__init__.py": "",
        "src/infrastructure/__init__.py": "",
        "src/infrastructure/persistence/__init__.py": "",
        "src/infrastructure/persistence/config.py": _PERSISTENCE_CONFIG,
        "src/infrastructure/persistence/orms/__init__.py": "",
        "src/infrastructure/persistence/orms/user_orm.py": _ORM,
        "src/infrastructure/persistence/repository/__init__.py": "",
        "src/infrastructure/persistence/repository/user_repository.py": repository,
    }
    return write_project(tmp_path, files)


def test_a_session_dependency_alias_of_a_settings_module_is_a_database_import(tmp_path: Path) -> None:
    repository = """
        from sqlalchemy import select

        from src.infrastructure.persistence.config import AsyncSessionDep
        from src.infrastructure.persistence.orms.user_orm import UserOrm


        class UserRepository:
            def __init__(self, db: AsyncSessionDep):
                self.db = db

            async def get(self, user_id: int):
                return await self.db.scalar(select(UserOrm).where(UserOrm.id == user_id))
        """
    root = _persistence_project(tmp_path, repository)
    assert findings(root, "LC103") == []


def test_the_settings_of_a_settings_module_stay_configuration(tmp_path: Path) -> None:
    # (near-miss: the settings object beside the session dependency is still configuration)
    repository = """
        from src.infrastructure.persistence.config import DB_SETTINGS


        class UserRepository:
            def name(self) -> str:
                return DB_SETTINGS.db_name
        """
    root = _persistence_project(tmp_path, repository)
    assert [(path, line) for path, line, _ in findings(root, "LC103")] == [
        ("src/infrastructure/persistence/repository/user_repository.py", 1),
    ]


# ----- LC102: a repository class named as the dependency FastAPI builds ------------------------

_DOMAIN = """
    from typing import Protocol


    class UserRepositoryProtocol(Protocol):
        async def get(self, user_id: int): ...


    class UserService:
        def __init__(self, repository: UserRepositoryProtocol):
            self.repository = repository

        async def get(self, user_id: int):
            return await self.repository.get(user_id)
    """

_REPOSITORY = """
    from sqlalchemy.ext.asyncio import AsyncSession


    class UserSqlAlchemyRepository:
        def __init__(self, session: AsyncSession):
            self.session = session

        async def get(self, user_id: int):
            return await self.session.get(dict, user_id)
    """


def _wiring_project(tmp_path: Path, wiring: str, router: str) -> Path:
    files = {
        "app/__init__.py": "",
        "app/domain/__init__.py": "",
        "app/domain/user.py": _DOMAIN,
        "app/repositories/__init__.py": "",
        "app/repositories/user_repository.py": _REPOSITORY,
        "app/routers/__init__.py": "",
        "app/routers/config/__init__.py": "",
        "app/routers/config/user_dependency_config.py": wiring,
        "app/routers/user_router.py": router,
    }
    return write_project(tmp_path, files)


_ROUTER = """
    from fastapi import APIRouter

    from app.routers.config.user_dependency_config import UserServiceDep

    router = APIRouter()


    @router.get("/users/{user_id}")
    async def get_user(user_id: int, service: UserServiceDep):
        return await service.get(user_id)
    """


def test_a_repository_class_as_the_dependency_of_an_alias_is_wiring(tmp_path: Path) -> None:
    wiring = """
        from typing import Annotated

        from fastapi.params import Depends

        from app.domain.user import UserRepositoryProtocol, UserService
        from app.repositories.user_repository import UserSqlAlchemyRepository

        UserRepositoryDep = Annotated[UserRepositoryProtocol, Depends(UserSqlAlchemyRepository)]


        async def get_user_service(repository: UserRepositoryDep) -> UserService:
            return UserService(repository)


        UserServiceDep = Annotated[UserService, Depends(get_user_service)]
        """
    root = _wiring_project(tmp_path, wiring, _ROUTER)
    assert findings(root, "LC102") == []


def test_a_route_given_the_repository_class_as_its_dependency_skips_the_service(tmp_path: Path) -> None:
    # (near-miss: a route whose parameter FastAPI builds from the repository class queries it)
    wiring = """
        from app.domain.user import UserService


        def get_user_service() -> UserService:
            return UserService(None)


        UserServiceDep = UserService
        """
    router = """
        from typing import Annotated

        from fastapi import APIRouter, Depends

        from app.domain.user import UserRepositoryProtocol
        from app.repositories.user_repository import UserSqlAlchemyRepository

        router = APIRouter()


        @router.get("/users/{user_id}")
        async def get_user(
            user_id: int,
            repository: Annotated[UserRepositoryProtocol, Depends(UserSqlAlchemyRepository)],
        ):
            return await repository.get(user_id)
        """
    root = _wiring_project(tmp_path, wiring, router)
    # (the port it is typed with, a `Protocol` named for data access that no class extends,
    # is the repository's interface the route queries through: reported too)
    assert [(path, line) for path, line, _ in findings(root, "LC102")] == [
        ("app/routers/user_router.py", 5),
        ("app/routers/user_router.py", 6),
    ]


# ----- LC103: the sections of a settings class are configuration, not schemas ------------------

_CONFIG_SOURCES = """
    from pydantic import BaseModel
    from pydantic_settings import BaseSettings


    class TomlSection(BaseModel):
        model_config = {"frozen": True}


    class Settings(BaseSettings):
        pass
    """

_CONFIGS = """
    from app.core.config_sources import Settings, TomlSection


    class RedisConfig(TomlSection):
        max_connections: int = 10


    class AppSettings(Settings):
        redis: RedisConfig = RedisConfig()


    class BannerText(TomlSection):
        text: str = ""
    """


def _sections_project(tmp_path: Path, databases: str) -> Path:
    files = {
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/core/config_sources.py": _CONFIG_SOURCES,
        "app/core/configs.py": _CONFIGS,
        "app/databases.py": databases,
    }
    return write_project(tmp_path, files)


def test_a_settings_section_is_a_config_import(tmp_path: Path) -> None:
    databases = """
        from redis.asyncio import Redis
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        from app.core.configs import RedisConfig

        engine = create_async_engine("postgresql+asyncpg://db/app")
        SessionLocal = async_sessionmaker(bind=engine)


        def redis_client(config: RedisConfig) -> Redis:
            return Redis(max_connections=config.max_connections)
        """
    root = _sections_project(tmp_path, databases)
    assert findings(root, "LC103") == []


def test_a_pydantic_class_no_settings_class_holds_is_a_schema(tmp_path: Path) -> None:
    # (near-miss: a Pydantic class beside the settings that no settings class holds)
    databases = """
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        from app.core.configs import BannerText

        engine = create_async_engine("postgresql+asyncpg://db/app")
        SessionLocal = async_sessionmaker(bind=engine)


        def banner(text: BannerText) -> str:
            return text.text
        """
    root = _sections_project(tmp_path, databases)
    assert [(path, line) for path, line, _ in findings(root, "LC103")] == [("app/databases.py", 3)]


# ----- LC301: a page of rows unpacked from a call and handed back together ---------------------

_USER_MODEL = """
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


    class Base(DeclarativeBase):
        pass


    class User(Base):
        __tablename__ = "users"
        id: Mapped[int] = mapped_column(primary_key=True)
    """

_PAGE_REPOSITORY = """
    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.models.user import User


    class UserRepository:
        def __init__(self, session: AsyncSession):
            self.session = session

        async def list_page(self, skip: int) -> tuple[list[User], int]:
            rows = (await self.session.scalars(select(User).offset(skip))).all()
            total = await self.session.scalar(select(func.count()).select_from(User))
            return list(rows), total
    """


def _page_project(tmp_path: Path, service: str) -> Path:
    files = {
        "app/__init__.py": "",
        "app/models/__init__.py": "",
        "app/models/user.py": _USER_MODEL,
        "app/schemas/__init__.py": "",
        "app/schemas/user.py": "from pydantic import BaseModel\n\n\nclass UserOut(BaseModel):\n    id: int\n",
        "app/repositories/__init__.py": "",
        "app/repositories/user_repository.py": _PAGE_REPOSITORY,
        "app/services/__init__.py": "",
        "app/services/user_service.py": service,
    }
    return write_project(tmp_path, files)


def test_rows_unpacked_from_a_call_and_returned_together_are_unmapped(tmp_path: Path) -> None:
    service = """
        from app.repositories.user_repository import UserRepository


        class UserService:
            def __init__(self, repository: UserRepository):
                self.repository = repository

            async def page(self, skip: int):
                items, total = await self.repository.list_page(skip)
                return items, total

            async def page_reversed(self, skip: int):
                items, total = await self.repository.list_page(skip)
                return total, items
        """
    root = _page_project(tmp_path, service)
    assert [(path, line) for path, line, _ in findings(root, "LC301")] == [
        ("app/services/user_service.py", 10),
        ("app/services/user_service.py", 14),
    ]


def test_a_count_or_mapped_rows_from_an_unpacked_page_are_fine(tmp_path: Path) -> None:
    # (near-misses: the count alone, and the rows mapped to schemas beside it)
    service = """
        from app.repositories.user_repository import UserRepository
        from app.schemas.user import UserOut


        class UserService:
            def __init__(self, repository: UserRepository):
                self.repository = repository

            async def total(self, skip: int):
                items, total = await self.repository.list_page(skip)
                return total, skip

            async def page(self, skip: int):
                items, total = await self.repository.list_page(skip)
                return [UserOut.model_validate(item) for item in items], total
        """
    root = _page_project(tmp_path, service)
    assert findings(root, "LC301") == []


# ----- LC704: print as the sink a logger writes its records to ----------------------------------


def test_print_as_a_loggers_sink_is_the_log_pipeline(tmp_path: Path) -> None:
    service = """
        from loguru import logger


        def configure(level: str) -> None:
            logger.remove()
            logger.add(sink=lambda msg: print(msg, end=""), level=level)
            logger.add(lambda msg: print(msg, end=""), level=level)
        """
    root = write_project(tmp_path, {"app/__init__.py": "", "app/services/__init__.py": "", "app/services/logs.py": service})
    assert findings(root, "LC704") == []


def test_print_in_a_lambda_given_elsewhere_is_reported(tmp_path: Path) -> None:
    # (near-miss: a lambda printing that no logger is given as its sink)
    service = """
        import atexit


        def configure(hooks: set) -> None:
            hooks.add(lambda: print("done"))
            atexit.register(lambda: print("bye"))
        """
    root = write_project(tmp_path, {"app/__init__.py": "", "app/services/__init__.py": "", "app/services/logs.py": service})
    assert [(path, line) for path, line, _ in findings(root, "LC704")] == [
        ("app/services/logs.py", 5),
        ("app/services/logs.py", 6),
    ]


# ----- LC803: handlers registered from a list, their classes out of sight ------------------------

_HANDLERS = """
    from fastapi import Request
    from fastapi.responses import JSONResponse


    async def general_exception_handler(request: Request, exc: Exception):
        return JSONResponse(status_code=500, content={"ok": False})


    async def value_error_handler(request: Request, exc: ValueError):
        return JSONResponse(status_code=400, content={"ok": False})


    ALL_EXCEPTIONS = [(value_error_handler, ValueError), (general_exception_handler, Exception)]
    """


def test_handlers_registered_in_a_loop_may_catch_everything(tmp_path: Path) -> None:
    main = """
        from fastapi import FastAPI

        from app.handlers import ALL_EXCEPTIONS

        app = FastAPI()

        for item in ALL_EXCEPTIONS:
            app.add_exception_handler(item[1], item[0])

        for handler, exception_class in ALL_EXCEPTIONS:
            app.add_exception_handler(exception_class, handler)
        """
    root = write_project(tmp_path, {"app/__init__.py": "", "app/handlers.py": _HANDLERS, "app/main.py": main})
    assert findings(root, "LC803") == []


def test_handlers_registered_by_name_for_other_errors_leave_the_app_uncovered(tmp_path: Path) -> None:
    # (near-miss: every registration names its class, and none is `Exception`)
    main = """
        from fastapi import FastAPI

        from app.handlers import value_error_handler

        app = FastAPI()
        app.add_exception_handler(ValueError, value_error_handler)
        """
    root = write_project(tmp_path, {"app/__init__.py": "", "app/handlers.py": _HANDLERS, "app/main.py": main})
    assert [(path, line) for path, line, _ in findings(root, "LC803")] == [("app/main.py", 5)]


# ----- LC102: a route handed the repository only to build the use case ---------------------------

_USE_CASE = """
    class CreateUseCase:
        def __init__(self, *, role_repository, unit_of_work=None):
            self.role_repository = role_repository

        async def execute(self, name: str):
            return await self.role_repository.create(name)
    """


def _role_project(tmp_path: Path, route_body: str) -> Path:
    router = f"""
        from typing import Annotated

        from fastapi import APIRouter, Depends
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.application.use_cases import CreateUseCase
        from app.database import get_db
        from app.repositories.role_repository import ORMRoleRepository

        router = APIRouter()


        def get_repository(db: AsyncSession = Depends(get_db)) -> ORMRoleRepository:
            return ORMRoleRepository(db=db)


        Repository = Annotated[ORMRoleRepository, Depends(get_repository)]


        @router.post("/roles")
        async def create_role(name: str, repository: Repository):
        {route_body}
        """
    repository = """
        class ORMRoleRepository:
            def __init__(self, db):
                self.db = db

            async def create(self, name: str):
                self.db.add(name)

            async def get(self, role_id: int):
                return await self.db.get(dict, role_id)
        """
    database = """
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        engine = create_async_engine("sqlite+aiosqlite://")
        SessionLocal = async_sessionmaker(engine)


        async def get_db():
            async with SessionLocal() as session:
                yield session
        """
    files = {
        "app/__init__.py": "",
        "app/database.py": database,
        "app/application/__init__.py": "",
        "app/application/use_cases.py": _USE_CASE,
        "app/repositories/__init__.py": "",
        "app/repositories/role_repository.py": repository,
        "app/routers/__init__.py": "",
        "app/routers/roles.py": router,
    }
    return write_project(tmp_path, files)


def test_a_route_handing_the_alias_to_its_use_case_is_wiring(tmp_path: Path) -> None:
    body = """
            use_case = CreateUseCase(role_repository=repository)
            return await use_case.execute(name)
    """
    root = _role_project(tmp_path, body)
    assert findings(root, "LC102") == []


def test_a_route_reading_the_alias_skips_the_service(tmp_path: Path) -> None:
    # (near-miss: the route calls the repository it is given)
    body = """
            use_case = CreateUseCase(role_repository=repository)
            await use_case.execute(name)
            return await repository.get(1)
    """
    root = _role_project(tmp_path, body)
    assert [(path, line) for path, line, _ in findings(root, "LC102")] == [("app/routers/roles.py", 8)]


# ----- layers: a seed script that builds its own engine and commits on import ------------------

_SEED = """
    import os

    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    from app.models import Role

    engine = create_engine(os.environ.get("DATABASE_URL", "sqlite://"))
    SyncSession = sessionmaker(bind=engine)
    session = SyncSession()
    if session.query(Role).filter_by(name="admin").first() is None:
        session.add(Role(name="admin"))
    session.commit()
    session.close()
    """

_ROLE_MODEL = """
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


    class Base(DeclarativeBase):
        pass


    class Role(Base):
        __tablename__ = "roles"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str]
    """


def test_a_seed_script_committing_on_import_is_no_database_module(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/models.py": _ROLE_MODEL, "app/utils/__init__.py": "", "app/utils/populate.py": _SEED}
    root = write_project(tmp_path, files)
    assert placed(root)["app/utils/populate.py"]["layer"] is None
    assert findings(root, "LC103") == []


def test_a_database_module_building_its_factory_stays_the_database(tmp_path: Path) -> None:
    # (near-miss: the engine and the session factory built for others, no query on import)
    database = """
        import os

        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        from app.models import Base

        engine = create_engine(os.environ.get("DATABASE_URL", "sqlite://"))
        SessionLocal = sessionmaker(bind=engine)
        Base.metadata.create_all(engine)
        """
    files = {"app/__init__.py": "", "app/models.py": _ROLE_MODEL, "app/utils/__init__.py": "", "app/utils/engine_setup.py": database}
    root = write_project(tmp_path, files)
    assert placed(root)["app/utils/engine_setup.py"]["layer"] == "database"


# ----- layers: services kept in a `crud/` folder over the repositories of `repos/` ---------------

_REPOS = """
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from src.models import Task


    class RepoTask:
        async def get_all_tasks(self, session: AsyncSession):
            result = await session.execute(select(Task))
            return list(result.scalars().all())


    repo_task = RepoTask()
    """

_TASK_MODEL = """
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


    class Base(DeclarativeBase):
        pass


    class Task(Base):
        __tablename__ = "tasks"
        id: Mapped[int] = mapped_column(primary_key=True)
    """


def _crud_project(tmp_path: Path, crud: str) -> Path:
    files = {
        "src/__init__.py": "",
        "src/models.py": _TASK_MODEL,
        "src/repos/__init__.py": "",
        "src/repos/tasks.py": _REPOS,
        "src/crud/__init__.py": "",
        "src/crud/tasks.py": crud,
    }
    return write_project(tmp_path, files)


def test_service_classes_in_a_crud_folder_over_another_folders_repositories(tmp_path: Path) -> None:
    crud = """
        from sqlalchemy.ext.asyncio import AsyncSession

        from src.models import Task
        from src.repos.tasks import repo_task


        class TaskService:
            async def get_tasks(self, session: AsyncSession):
                return await repo_task.get_all_tasks(session)

            async def get_task(self, session: AsyncSession, task_id: int):
                return await session.get(Task, task_id)


        task_service = TaskService()
        """
    root = _crud_project(tmp_path, crud)
    assert placed(root)["src/crud/tasks.py"]["layer"] == "service"
    assert [(path, line) for path, line, _ in findings(root, "LC302")] == [("src/crud/tasks.py", 12)]


def test_a_crud_class_named_as_a_service_over_the_crud_base_is_data_access(tmp_path: Path) -> None:
    # (near-miss: a `*Service` class extending the folder's generic CRUD base)
    crud = """
        from sqlalchemy.ext.asyncio import AsyncSession

        from src.models import Task
        from src.repos.tasks import RepoTask


        class TaskCrudService(RepoTask):
            async def get_task(self, session: AsyncSession, task_id: int):
                return await session.get(Task, task_id)
        """
    root = _crud_project(tmp_path, crud)
    assert placed(root)["src/crud/tasks.py"]["layer"] == "repository"


def test_service_named_classes_querying_beside_their_crud_folder_stay_data_access(tmp_path: Path) -> None:
    # (near-miss: every class of the `crud/` folder is named a service, runs its own queries
    # and imports only the modules beside it)
    messages = """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from src.models import Task


        class MessageService:
            def __init__(self, session: AsyncSession):
                self.session = session

            async def count(self) -> int:
                return len((await self.session.scalars(select(Task))).all())
        """
    crud = """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from src.crud.messages import MessageService
        from src.models import Task


        class TicketService:
            def __init__(self, session: AsyncSession, messages: MessageService):
                self.session = session
                self.messages = messages

            async def mine(self):
                return list((await self.session.scalars(select(Task))).all())
        """
    root = _crud_project(tmp_path, crud)
    (root / "src/crud/messages.py").write_text(textwrap.dedent(messages))
    assert placed(root)["src/crud/tasks.py"]["layer"] == "repository"


# ----- LC701: a message built up piece by piece before it is logged -------------------------------


def test_a_message_built_up_in_ifs_then_logged_is_an_fstring_message(tmp_path: Path) -> None:
    client = """
        import logging

        logger = logging.getLogger(__name__)


        def log_event(event: str, key: str | None = None, pattern: str | None = None) -> None:
            message = f"event {event}"
            if key:
                message += f": key={key}"
            if pattern:
                message += f": pattern={pattern}"
            message += "."
            logger.info(message)
        """
    root = write_project(tmp_path, {"app/__init__.py": "", "app/cache.py": client})
    assert [(path, line) for path, line, _ in findings(root, "LC701")] == [("app/cache.py", 13)]


def test_a_built_up_message_also_returned_is_no_log_message_only(tmp_path: Path) -> None:
    # (near-miss: the text is the function's result too, formatted for that use)
    client = """
        import logging

        logger = logging.getLogger(__name__)


        def describe(event: str, key: str | None = None) -> str:
            message = f"event {event}"
            if key:
                message += f": key={key}"
            logger.info(message)
            return message
        """
    root = write_project(tmp_path, {"app/__init__.py": "", "app/cache.py": client})
    assert findings(root, "LC701") == []

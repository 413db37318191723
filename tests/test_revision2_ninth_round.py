"""SPEC revision 2, the lessons of the ninth round: eight more projects nobody had read,
labeled by hand and scored blind. Each lesson is a small project of our own, checked through
the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import run_layercheck, write_project
from test_revision2 import findings, orm_module, placed


def test_the_users_glob_beats_a_preset_file_name_but_not_a_deeper_preset_folder(tmp_path: Path) -> None:
    # `app/services/**` mapped to repository: `app/services/database.py` (the store class
    # that runs every query) is a repository, whatever `**/database.py` says; a `models/`
    # folder inside it is still the models' (the preset names a deeper folder).
    root = write_project(
        tmp_path / "proj",
        {
            "app/services/database.py": "",
            "app/services/users.py": "",
            "app/services/models/user.py": "",
        },
        pyproject='[tool.layercheck.layers]\nrepository = ["app/services/**"]\n',
    )
    layers = placed(root)
    assert layers["app/services/database.py"]["layer"] == "repository"
    assert layers["app/services/users.py"]["layer"] == "repository"
    assert layers["app/services/models/user.py"]["layer"] == "model"


def test_the_users_glob_may_name_the_path_below_the_project_root(tmp_path: Path) -> None:
    # `src = [".", "package"]`: `package/yuxi/services/**` names the files below the project
    # root, as a user reads the tree; the preset's globs still match below `package/`.
    root = write_project(
        tmp_path / "proj",
        {
            "package/yuxi/__init__.py": "",
            "package/yuxi/services/__init__.py": "",
            "package/yuxi/services/run_worker.py": "",
            "package/yuxi/services/chat.py": "",
        },
        pyproject=(
            '[tool.layercheck]\nsrc = [".", "package"]\n\n[tool.layercheck.layers]\n'
            'task = ["package/yuxi/services/run_worker.py"]\n'
        ),
    )
    layers = placed(root)
    assert layers["package/yuxi/services/run_worker.py"]["layer"] == "task"
    assert layers["package/yuxi/services/chat.py"]["layer"] == "service"


SESSION_MAKE = """
    from sqlmodel import Session, create_engine

    engine = create_engine("sqlite://")


    def session_make():
        session = Session(engine)
        return session


    def open_session():
        return Session(engine)


    def make_label():
        return str("x")
"""


def test_an_unannotated_function_returning_a_session_hands_out_sessions(tmp_path: Path) -> None:
    # `with session_make() as s:` where `def session_make(): session = Session(engine);
    # return session`: `s` is a session, whatever its name.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/database.py": SESSION_MAKE,
            "app/services/__init__.py": "",
            "app/services/configs.py": """
                from app.core.database import make_label, open_session, session_make


                class ConfigService:
                    @staticmethod
                    def get(config_id: int):
                        with session_make() as s:
                            return s.get(config_id)  # flagged

                    @staticmethod
                    def remove(config_id: int) -> None:
                        s = open_session()
                        s.commit()  # flagged

                    @staticmethod
                    def label(config_id: int) -> str:
                        s = make_label()
                        return s.join(["a"])  # a string's join
            """,
        },
    )
    assert findings(root, "LC302") == [("app/services/configs.py", 8, "LC302"), ("app/services/configs.py", 13, "LC302")]


def test_a_module_below_a_src_package_knows_the_projects_session_helpers(tmp_path: Path) -> None:
    # `src/` is itself a package (`from src.dependencies import tracked_db`): a module there
    # that opens sessions through the project's helper, runs queries and calls the crud
    # functions is a service, and its session calls are LC302's.
    root = write_project(
        tmp_path / "proj",
        {
            "src/__init__.py": "",
            "src/models.py": orm_module("Message"),
            "src/dependencies.py": """
                from contextlib import asynccontextmanager

                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                SessionLocal = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))


                @asynccontextmanager
                async def tracked_db(operation: str):
                    db = SessionLocal()
                    try:
                        yield db
                    finally:
                        await db.close()
            """,
            "src/crud/__init__.py": "",
            "src/crud/messages.py": """
                from sqlalchemy import select

                from src.models import Message


                async def get_message(db, message_id: int):
                    return (await db.execute(select(Message).where(Message.id == message_id))).scalar()
            """,
            "src/deriver/__init__.py": "",
            "src/deriver/backfill.py": """
                from sqlalchemy import update

                from src.crud.messages import get_message
                from src.dependencies import tracked_db
                from src.models import Message


                async def backfill(message_id: int) -> None:
                    async with tracked_db("backfill") as db:
                        message = await get_message(db, message_id)
                        await db.execute(update(Message).where(Message.id == message.id))
                        await db.commit()


                async def remove(message_id: int) -> None:
                    async with tracked_db("remove") as db:
                        await db.execute(update(Message).where(Message.id == message_id))
                        await db.commit()
            """,
        },
    )
    assert placed(root)["src/deriver/backfill.py"]["layer"] == "service"
    lines = [line for path, line, _ in findings(root, "LC302") if path == "src/deriver/backfill.py"]
    assert 11 in lines and 12 in lines and 18 in lines


def test_a_workspace_member_declared_as_a_dependency_is_still_the_projects(tmp_path: Path) -> None:
    # The backend declares its own package (`yuxi`, a uv workspace member) as a dependency:
    # `from yuxi.storage.postgres.models_business import User` in a router is still the
    # project's ORM class, even through folders without `__init__.py` (namespace packages).
    root = write_project(
        tmp_path / "proj",
        {
            "pyproject.toml": '[project]\nname = "server"\ndependencies = ["yuxi", "fastapi"]\n',
            "package/yuxi/__init__.py": "",
            "package/yuxi/storage/postgres/models_business.py": orm_module("User"),
            "server/__init__.py": "",
            "server/routers/__init__.py": "",
            "server/routers/users.py": """
                from fastapi import APIRouter

                from yuxi.storage.postgres.models_business import User

                router = APIRouter()


                @router.get("/users/{user_id}")
                async def read_user(user_id: int) -> dict:
                    return {"model": User.__name__}
            """,
        },
    )
    assert findings(root, "LC104") == [("server/routers/users.py", 3, "LC104")]


LOG_UTIL = """
    import logging


    class LogUtil:
        @staticmethod
        def _get_logger() -> logging.Logger:
            return logging.getLogger("app")

        @staticmethod
        def debug(msg: str, *args, **kwargs):
            logger = LogUtil._get_logger()
            logger.debug(msg, *args, **kwargs)

        @staticmethod
        def info(msg: str, *args, **kwargs):
            logger = LogUtil._get_logger()
            if logger.isEnabledFor(logging.INFO):
                logger._log(logging.INFO, msg, args, **kwargs)

        @staticmethod
        def warning(msg: str, *args, **kwargs):
            logger = LogUtil._get_logger()
            logger.warning(msg, *args, **kwargs)

        @staticmethod
        def error(msg: str, *args, **kwargs):
            logger = LogUtil._get_logger()
            logger.error(msg, *args, **kwargs)


    class Colors:
        @staticmethod
        def info(text: str) -> str:
            return text
"""


def test_a_logging_class_of_static_methods_called_on_the_class(tmp_path: Path) -> None:
    # `LogUtil.error(f"...")`: the class itself is the logger; a class with one `info`
    # method that formats text is no logger.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/utils/__init__.py": "",
            "app/utils/utils.py": LOG_UTIL,
            "app/services/__init__.py": "",
            "app/services/chats.py": """
                from app.utils.utils import Colors, LogUtil


                def fail(error: Exception) -> str:
                    LogUtil.error(f"chat failed: {error}")
                    LogUtil.info("chat %s failed" % error)
                    LogUtil.warning("chat failed: %s", error)
                    return Colors.info(f"failed: {error}")
            """,
        },
    )
    assert findings(root, "LC701", "LC702") == [
        ("app/services/chats.py", 5, "LC701"),
        ("app/services/chats.py", 6, "LC702"),
    ]


def test_a_module_of_query_functions_that_reuses_other_crud_modules_is_data_access(tmp_path: Path) -> None:
    # `curd/chat.py` (no layer by its name): forty query functions that also call another
    # crud module's lookups are data access, not a service; routers calling them skip the
    # service layer. A module that queries and calls a service is one.
    functions = "\n\n".join(
        f"def get_{n}(session: Session, key: int):\n    return session.exec(select(Chat).where(Chat.id == key)).first()"
        for n in range(6)
    )
    root = write_project(
        tmp_path / "proj",
        {
            "apps/__init__.py": "",
            "apps/chat/__init__.py": "",
            "apps/chat/models.py": orm_module("Chat"),
            "apps/datasource/__init__.py": "",
            "apps/datasource/crud/__init__.py": "",
            "apps/datasource/crud/datasource.py": """
                from sqlmodel import Session


                def get_datasource(session: Session, key: int):
                    return session.get(object, key)
            """,
            "apps/chat/curd/__init__.py": "",
            "apps/chat/curd/chat.py": "from sqlmodel import Session, select\n\n"
            "from apps.chat.models import Chat\n"
            "from apps.datasource.crud.datasource import get_datasource\n\n\n"
            + functions
            + "\n\n\ndef get_with_source(session: Session, key: int):\n"
            "    chat = get_0(session, key)\n    return chat, get_datasource(session, key)\n",
            "apps/chat/api/__init__.py": "",
            "apps/chat/api/chat.py": """
                from fastapi import APIRouter

                from apps.chat.curd.chat import get_1

                router = APIRouter()


                @router.get("/chats/{key}")
                def read_chat(key: int, session=None):
                    return get_1(session, key)
            """,
        },
    )
    assert placed(root)["apps/chat/curd/chat.py"]["layer"] is None
    assert findings(root, "LC102", "LC202") == [("apps/chat/api/chat.py", 3, "LC102"), ("apps/chat/api/chat.py", 10, "LC202")]


def test_a_decorator_checking_rows_around_an_endpoint_is_no_data_access(tmp_path: Path) -> None:
    # `@require_permissions(...)` whose wrapper looks a row up before the endpoint runs: a
    # cross-cutting check, like a dependency; the query function beside it is data access.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/schemas/__init__.py": "",
            "app/schemas/roles.py": """
                from functools import wraps

                from pydantic import BaseModel
                from sqlmodel import Session, select


                class Role(BaseModel):
                    name: str


                def check_permission(session: Session, user_id: int) -> bool:
                    return session.exec(select(object).where(user_id == 1)).first() is not None


                def require_permissions(role: str):
                    def decorator(func):
                        @wraps(func)
                        async def wrapper(*args, **kwargs):
                            if not check_permission(kwargs["session"], kwargs["user_id"]):
                                raise PermissionError(role)
                            return await func(*args, **kwargs)

                        return wrapper

                    return decorator
            """,
            "app/api/__init__.py": "",
            "app/api/users.py": """
                from fastapi import APIRouter

                from app.schemas.roles import check_permission, require_permissions

                router = APIRouter()


                @router.get("/users/{user_id}")
                @require_permissions("admin")
                async def read_user(user_id: int, session=None) -> dict:
                    return {"allowed": check_permission(session, user_id)}
            """,
        },
    )
    assert findings(root, "LC202") == [("app/api/users.py", 11, "LC202")]


def test_an_auth_dependency_in_middleware_is_no_data_access(tmp_path: Path) -> None:
    # `middleware/rbac.py`'s `require_permission` looks the user's roles up to decide: the
    # routers depending on it import no repository.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/middleware/__init__.py": "",
            "app/middleware/rbac.py": """
                from sqlalchemy import select
                from sqlalchemy.orm import Session


                def get_current_user_with_permissions(db: Session, email: str):
                    return db.execute(select(object).where(email == "")).first()


                def require_permission(db: Session, permission: str):
                    return db.execute(select(object).where(permission == "")).first()
            """,
            "app/routers/__init__.py": "",
            "app/routers/catalog.py": """
                from fastapi import APIRouter, Depends

                from app.middleware.rbac import get_current_user_with_permissions, require_permission

                router = APIRouter()


                @router.get("/catalog")
                def catalog(user=Depends(get_current_user_with_permissions), _=Depends(require_permission)) -> dict:
                    return {}
            """,
        },
    )
    assert findings(root, "LC102", "LC202") == []


def test_entering_a_session_gives_the_session(tmp_path: Path) -> None:
    # `with db_session as s:` on the injected session: `s` is the session, whatever its
    # name; entering something else (a lock) gives nothing known.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/db.py": """
                from sqlmodel import Session, create_engine

                engine = create_engine("sqlite://")


                def session():
                    with Session(engine) as s:
                        yield s
            """,
            "app/api/__init__.py": "",
            "app/api/login.py": """
                import threading

                from fastapi import APIRouter, Depends
                from sqlmodel import Session

                from app.db import session

                router = APIRouter()
                lock = threading.Lock()


                @router.post("/login")
                def login(db_session: Session = Depends(session)) -> None:
                    with db_session as s:
                        s.add(object())
                    with lock as s:
                        s.commit()
            """,
        },
    )
    assert findings(root, "LC201") == [("app/api/login.py", 15, "LC201")]


def test_a_store_class_in_a_database_module_is_the_data_access(tmp_path: Path) -> None:
    # `services/database.py` whose `DatabaseService` builds its own engine and runs every
    # query: the repository (routers calling it skip the service layer), not the database
    # module; a `database.py` that builds the engine and hands out sessions stays one.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/services/__init__.py": "",
            "app/services/database.py": """
                from sqlmodel import Session, create_engine, select

                from app.models import User


                class DatabaseService:
                    def __init__(self) -> None:
                        self.engine = create_engine("sqlite://")

                    async def get_user(self, user_id: int):
                        with Session(self.engine) as session:
                            return session.get(User, user_id)

                    async def get_user_by_email(self, email: str):
                        with Session(self.engine) as session:
                            return session.exec(select(User).where(User.id == 1)).first()

                    async def create_user(self, email: str):
                        with Session(self.engine) as session:
                            user = User()
                            session.add(user)
                            session.commit()
                            return user


                database_service = DatabaseService()
            """,
            "app/db/__init__.py": "",
            "app/db/database.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import Session, sessionmaker

                SessionLocal = sessionmaker(bind=create_engine("sqlite://"))


                def get_db():
                    with SessionLocal() as session:
                        yield session
            """,
            "app/api/__init__.py": "",
            "app/api/auth.py": """
                from fastapi import APIRouter

                from app.services.database import database_service

                router = APIRouter()


                @router.get("/users/{user_id}")
                async def read_user(user_id: int):
                    return await database_service.get_user(user_id)
            """,
        },
    )
    layers = placed(root)
    assert layers["app/services/database.py"]["layer"] == "repository"
    assert layers["app/db/database.py"]["layer"] == "database"
    assert findings(root, "LC102", "LC202") == [("app/api/auth.py", 3, "LC102"), ("app/api/auth.py", 10, "LC202")]


def test_a_settings_module_of_constants_is_the_configuration(tmp_path: Path) -> None:
    # `application/settings.py` holding `DATABASE_URL = "..."` and no code is the
    # configuration, environment or not: a repository importing it is against the layers; a
    # `services/settings.py` holding a service class is a service.
    root = write_project(
        tmp_path / "proj",
        {
            "application/__init__.py": "",
            "application/settings.py": 'DEBUG = False\nDATABASE_URL = "sqlite://"\nSTATIC_ROOT = "static"\n',
            "apps/__init__.py": "",
            "apps/users/__init__.py": "",
            "apps/users/crud.py": """
                from application.settings import STATIC_ROOT


                def avatar_path(name: str) -> str:
                    return STATIC_ROOT + "/" + name
            """,
            "apps/services/__init__.py": "",
            "apps/services/settings.py": """
                class SettingsService:
                    def theme(self) -> str:
                        return "dark"
            """,
        },
    )
    layers = placed(root)
    assert layers["application/settings.py"]["layer"] == "config"
    assert layers["apps/services/settings.py"]["layer"] == "service"
    assert findings(root, "LC103") == [("apps/users/crud.py", 1, "LC103")]


def test_a_loguru_logger_made_by_an_initializers_method(tmp_path: Path) -> None:
    # `logger = log_initializer.init_log()` where `init_log(self) -> Logger` (loguru's):
    # the project's logger, reached through a method of an instance made above.
    root = write_project(
        tmp_path / "proj",
        {
            "utils/__init__.py": "",
            "utils/log_util.py": """
                from loguru import logger as _logger
                from loguru._logger import Logger


                class LoggerInitializer:
                    def init_log(self) -> Logger:
                        return _logger.patch(lambda record: None)

                    def name(self) -> str:
                        return "app"


                log_initializer = LoggerInitializer()
                logger = log_initializer.init_log()
                label = log_initializer.name()
            """,
            "services/__init__.py": "",
            "services/files.py": """
                from utils.log_util import label, logger


                def upload(name: str) -> None:
                    logger.info(f"uploaded {name}")
                    logger.bind(file=name).warning(f"large file {name}")
                    label.info(f"not a logger {name}")
            """,
        },
    )
    assert findings(root, "LC701") == [("services/files.py", 5, "LC701"), ("services/files.py", 6, "LC701")]


def test_a_model_module_under_an_api_folder_is_the_models(tmp_path: Path) -> None:
    # `api/v1/module_system/user/model.py` maps the feature's tables beside its controller:
    # the models (its imports of other models are fine; a router importing it is LC104's).
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/base.py": "from sqlalchemy.orm import DeclarativeBase\n\n\nclass MappedBase(DeclarativeBase):\n    pass\n",
            "app/api/__init__.py": "",
            "app/api/v1/__init__.py": "",
            "app/api/v1/user/__init__.py": "",
            "app/api/v1/user/model.py": """
                from sqlalchemy.orm import Mapped, mapped_column

                from app.api.v1.dept.model import DeptModel
                from app.core.base import MappedBase


                class UserModel(MappedBase):
                    __tablename__ = "users"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "app/api/v1/dept/__init__.py": "",
            "app/api/v1/dept/model.py": """
                from sqlalchemy.orm import Mapped, mapped_column

                from app.core.base import MappedBase


                class DeptModel(MappedBase):
                    __tablename__ = "depts"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "app/api/v1/user/controller.py": """
                from fastapi import APIRouter

                from app.api.v1.user.model import UserModel

                router = APIRouter()


                @router.get("/users")
                async def users() -> list[str]:
                    return [UserModel.__tablename__]
            """,
        },
    )
    assert placed(root)["app/api/v1/user/model.py"]["layer"] == "model"
    assert findings(root, "LC104") == [("app/api/v1/user/controller.py", 3, "LC104")]


def test_an_enum_beside_the_repositories_is_no_repository_call(tmp_path: Path) -> None:
    # `SortOrder("asc")` where `class SortOrder(str, Enum)` sits in `base_repository.py`:
    # a value, not repository code; the repository itself, called, is LC202's.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/db/__init__.py": "",
            "app/core/db/base_repository.py": """
                from enum import Enum

                from sqlalchemy.ext.asyncio import AsyncSession


                class SortOrder(str, Enum):
                    asc = "asc"
                    desc = "desc"


                class BaseRepository:
                    def __init__(self, session: AsyncSession) -> None:
                        self.session = session

                    async def count(self) -> int:
                        return await self.session.scalar(1)
            """,
            "app/api/__init__.py": "",
            "app/api/listing.py": """
                from fastapi import APIRouter

                from app.core.db.base_repository import BaseRepository, SortOrder

                router = APIRouter()


                @router.get("/items")
                async def items(order: str = "asc", session=None) -> dict:
                    return {"order": SortOrder(order), "count": await BaseRepository(session).count()}
            """,
        },
    )
    assert findings(root, "LC202") == [("app/api/listing.py", 10, "LC202")]


def test_a_container_that_builds_the_engine_and_wires_services_is_the_composition_root(tmp_path: Path) -> None:
    # `config/container.py` builds the engine and hands the repositories to the services:
    # the app's wiring, in no layer (its imports of services are no layer's); one that
    # builds the engine and only composes the repositories is their facade.
    root = write_project(
        tmp_path / "proj",
        {
            "modules/__init__.py": "",
            "modules/catalog/__init__.py": "",
            "modules/catalog/repository.py": """
                from sqlalchemy.orm import Session


                class ListingRepository:
                    def __init__(self, session: Session) -> None:
                        self.session = session

                    def count(self) -> int:
                        return self.session.scalar(1)
            """,
            "modules/catalog/services.py": """
                class CatalogService:
                    def __init__(self, repository) -> None:
                        self.repository = repository

                    def total(self) -> int:
                        return self.repository.count()
            """,
            "config/__init__.py": "",
            "config/container.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import Session

                from modules.catalog.repository import ListingRepository
                from modules.catalog.services import CatalogService

                engine = create_engine("sqlite://")


                def catalog_service() -> CatalogService:
                    return CatalogService(ListingRepository(Session(engine)))
            """,
            "store/__init__.py": "",
            "store/facade.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import Session

                from modules.catalog.repository import ListingRepository

                engine = create_engine("sqlite://")


                def listings() -> ListingRepository:
                    return ListingRepository(Session(engine))
            """,
        },
    )
    layers = placed(root)
    assert layers["config/container.py"]["layer"] is None
    assert layers["store/facade.py"]["layer"] == "repository"
    assert findings(root, "LC103") == []


# ----- the reviewers' reads (mcp-context-forge, RuoYi-Vue3-FastAPI, Yuxi-Know) -----------


def test_a_project_router_class_named_with_router_registers_routes(tmp_path: Path) -> None:
    # `config_controller = APIRouterPro(...)` (a project subclass of `APIRouter`) in
    # `controller/`: the module is a router, not a service, whatever the folder says.
    root = write_project(
        tmp_path / "proj",
        {
            "common/__init__.py": "",
            "common/router.py": "from fastapi import APIRouter\n\n\nclass APIRouterPro(APIRouter):\n    pass\n",
            "module_admin/__init__.py": "",
            "module_admin/controller/__init__.py": "",
            "module_admin/controller/config_controller.py": """
                from sqlalchemy.ext.asyncio import AsyncSession

                from common.router import APIRouterPro

                config_controller = APIRouterPro(prefix="/config")


                @config_controller.get("/list")
                async def config_list(db: AsyncSession) -> list:
                    return []
            """,
        },
    )
    assert placed(root)["module_admin/controller/config_controller.py"]["layer"] == "api"
    assert findings(root, "LC103") == []


def test_a_pydantic_section_kept_in_the_configuration_package_is_configuration(tmp_path: Path) -> None:
    # `config/static/models.py`'s `ChatModelProvider` imported by `config/app.py`: a section
    # of the settings, whatever its file is called (a schema imported there would not be).
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/config/__init__.py": "",
            "app/config/static/__init__.py": "",
            "app/config/static/models.py": """
                from pydantic import BaseModel


                class ChatModelProvider(BaseModel):
                    name: str
            """,
            "app/config/app.py": """
                import os

                from pydantic import BaseModel

                from app.config.static.models import ChatModelProvider
                from app.schemas.users import UserOut


                class Config(BaseModel):
                    provider: ChatModelProvider = ChatModelProvider(name=os.getenv("PROVIDER", "x"))
                    sample: UserOut | None = None
            """,
            "app/schemas/__init__.py": "",
            "app/schemas/users.py": "from pydantic import BaseModel\n\n\nclass UserOut(BaseModel):\n    id: int\n",
        },
    )
    assert findings(root, "LC103") == [("app/config/app.py", 6, "LC103")]


def test_a_logger_set_up_by_a_function_returning_loguru(tmp_path: Path) -> None:
    # `logger = setup_logger("app")` where `def setup_logger(...)` returns loguru's logger
    # under another name: importing it is no configuration import, and it is a logger.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/utils/__init__.py": "from app.utils.logging_config import logger\n",
            "app/utils/logging_config.py": """
                import os

                from loguru import logger as loguru_logger

                SAVE_DIR = os.getenv("SAVE_DIR", "saves")


                def setup_logger(name, level="DEBUG"):
                    loguru_logger.add(f"{SAVE_DIR}/{name}.log", level=level)
                    return loguru_logger


                logger = setup_logger("app")
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/conversations.py": """
                from app.utils import logger


                def archive(conversation_id: int) -> None:
                    logger.info(f"archiving {conversation_id}")
            """,
        },
    )
    assert findings(root, "LC103", "LC701") == [("app/repositories/conversations.py", 5, "LC701")]
    # loguru formats with `{}`: the hint says so (a `%s` rewrite would print `%s` literally)
    run = run_layercheck(["check", "--no-cache", "--select", "LC701", "."], root)
    assert "pass values as arguments to a `{}` template" in run.output


def test_fixed_text_with_a_rule_of_equals_signs_is_no_formatting(tmp_path: Path) -> None:
    # `logger.info("\\n" + "=" * 70)`: a banner of fixed text; a value joined in is LC702's.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/services/__init__.py": "",
            "app/services/build.py": """
                import logging

                logger = logging.getLogger(__name__)


                def report(count: int) -> None:
                    logger.info("\\n" + "=" * 70)
                    logger.info("built " + str(count) + " files")
            """,
        },
    )
    assert findings(root, "LC702") == [("app/services/build.py", 8, "LC702")]


def test_a_replace_me_sentinel_is_no_hardcoded_secret(tmp_path: Path) -> None:
    # `"__REPLACE_ME__run_init-secrets_before_starting"`: a sentinel the app refuses to start
    # with; a real-looking default is still a secret in the repository.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/config.py": """
                from pydantic_settings import BaseSettings


                class Settings(BaseSettings):
                    jwt_secret_key: str = "__REPLACE_ME__run_init-secrets_before_starting"
                    auth_encryption_secret: str = "my-test-salt-2b8f"
            """,
        },
    )
    assert findings(root, "LC604") == [("app/config.py", 6, "LC604")]


def test_a_module_opening_sessions_from_its_own_factory_and_calling_crud_is_a_service(tmp_path: Path) -> None:
    # `chat/task/llm.py`: a factory of its own over the database module's engine, queries,
    # and the crud functions called: a service touching the database (LC302 there); a
    # module that builds the engine itself and only composes the repositories is their facade.
    root = write_project(
        tmp_path / "proj",
        {
            "apps/__init__.py": "",
            "apps/db.py": 'from sqlalchemy import create_engine\n\nengine = create_engine("sqlite://")\n',
            "apps/chat/__init__.py": "",
            "apps/chat/crud.py": """
                from sqlalchemy.orm import Session


                def save_answer(session: Session, text: str) -> None:
                    session.add(text)
            """,
            "apps/chat/task/__init__.py": "",
            "apps/chat/task/llm.py": """
                from sqlalchemy.orm import scoped_session, sessionmaker

                from apps.chat.crud import save_answer
                from apps.db import engine

                session_maker = scoped_session(sessionmaker(bind=engine))


                class LLMService:
                    def answer(self, text: str) -> None:
                        session = session_maker()
                        save_answer(session, text)
                        session.commit()
            """,
        },
    )
    assert placed(root)["apps/chat/task/llm.py"]["layer"] == "service"
    assert ("apps/chat/task/llm.py", 13, "LC302") in findings(root, "LC302")



def test_use_cases_module_is_a_service_and_a_factory_typed_alias_opens_sessions(tmp_path: Path) -> None:
    # `api/notes/use_cases.py` beside the views: the service layer. Its `session_factory`
    # parameter is typed with the project's `AsyncSession = Annotated[async_sessionmaker,
    # Depends(...)]`: `factory.begin()` opens a session (no finding), and what it opens runs
    # the queries (LC302).
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/db.py": """
                from typing import Annotated

                from fastapi import Depends
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                factory = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))


                def get_session() -> async_sessionmaker:
                    return factory


                AsyncSession = Annotated[async_sessionmaker, Depends(get_session)]
            """,
            "app/api/__init__.py": "",
            "app/api/notes/__init__.py": "",
            "app/api/notes/use_cases.py": """
                from app.db import AsyncSession


                class UpdateNote:
                    def __init__(self, session: AsyncSession) -> None:
                        self.async_session = session

                    async def execute(self, note) -> None:
                        async with self.async_session.begin() as session:
                            await session.refresh(note)
            """,
        },
    )
    assert placed(root)["app/api/notes/use_cases.py"]["layer"] == "service"
    assert findings(root, "LC201", "LC302") == [("app/api/notes/use_cases.py", 10, "LC302")]


def test_a_models_module_imported_whole_is_judged_by_the_names_read_from_it(tmp_path: Path) -> None:
    # `from app.projects import models` in a router that reads only `models.ProjectUserScopes`
    # (an enum) and `models.ToolOut` (Pydantic) imports no ORM class; one that reads
    # `models.DatabaseProject` does.
    models = """
        import enum

        from pydantic import BaseModel
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class ProjectUserScopes(enum.Enum):
            READ = "read"


        class ToolOut(BaseModel):
            name: str


        class DatabaseProject(Base):
            __tablename__ = "projects"
            id: Mapped[int] = mapped_column(primary_key=True)
    """
    router = """
        from fastapi import APIRouter

        from app.projects import models

        router = APIRouter()


        @router.get("/scopes")
        def scopes() -> list[str]:
            return [models.ProjectUserScopes.READ.value, models.ToolOut.__name__{extra}]
    """
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/projects/__init__.py": "",
            "app/projects/models.py": models,
            "app/projects/routes.py": router.replace("{extra}", ""),
            "app/projects/admin_routes.py": router.replace("{extra}", ", models.DatabaseProject.__tablename__"),
        },
    )
    assert findings(root, "LC104") == [("app/projects/admin_routes.py", 3, "LC104")]

"""The thirty-seventh round: what real projects of the round taught, each checked through the
CLI on a small project of its own."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import SYNC_DATABASE, findings, orm_module, placed

# ----- LC701: a project logger kept under the stdlib module's name ---------------------------

_LOGGER_FACTORY = """
    import logging


    def configure(logger: logging.Logger, level: int = logging.DEBUG):
        logger.setLevel(level)
        return logger


    def logger(name):
        made = configure(logging.getLogger(name))
        return made
    """


def test_a_project_logger_named_logging_is_a_logger(tmp_path: Path) -> None:
    router = """
        from fastapi import APIRouter

        from app.utils.logger import logger

        logging = logger(__name__)
        router = APIRouter()


        @router.get("/domains")
        def list_domains(page: int):
            logging.debug(f"list_domains page={page}")
            logging.debug(f"list_domains")
            return []
        """
    files = {
        "app/__init__.py": "",
        "app/utils/__init__.py": "",
        "app/utils/logger.py": _LOGGER_FACTORY,
        "app/routers/__init__.py": "",
        "app/routers/domains.py": router,
    }
    root = write_project(tmp_path, files)
    assert [(path, line) for path, line, _ in findings(root, "LC701")] == [
        ("app/routers/domains.py", 11),
        ("app/routers/domains.py", 12),
    ]


def test_a_project_module_named_logging_is_no_logger(tmp_path: Path) -> None:
    # (near-miss: what `logging` is, is in sight: a module of the project's own functions)
    helpers = """
        def debug(text: str) -> str:
            return text.upper()
        """
    router = """
        from app.utils import logging


        def shout(name: str) -> str:
            return logging.debug(f"hello {name}")
        """
    files = {
        "app/__init__.py": "",
        "app/utils/__init__.py": "",
        "app/utils/logging.py": helpers,
        "app/routers/__init__.py": "",
        "app/routers/hello.py": router,
    }
    root = write_project(tmp_path, files)
    assert findings(root, "LC701") == []


# ----- LC301: a generic repository given a schema hands out that schema ----------------------

_CACHE_PORT = """
    from abc import abstractmethod
    from typing import Optional, Protocol, TypeVar

    T = TypeVar("T")


    class CacheRepositoryProtocol(Protocol[T]):
        @abstractmethod
        async def get(self, key: str) -> Optional[T]: ...

        @abstractmethod
        async def get_list(self, keys: list[str]) -> Optional[list[T]]: ...
    """

_SCHEMAS = """
    from pydantic import BaseModel


    class UserOut(BaseModel):
        id: int
    """


def _cached_service(argument: str) -> dict[str, str]:
    service = f"""
        from app.models import User
        from app.repositories.cache import CacheRepositoryProtocol
        from app.schemas import UserOut


        class UserService:
            def __init__(self, users_cache: CacheRepositoryProtocol[{argument}]) -> None:
                self._users_cache = users_cache

            async def get_user(self, key: str):
                if user := await self._users_cache.get(key):
                    return user
                return None

            async def get_users(self, keys: list[str]):
                return await self._users_cache.get_list(keys)
        """
    return {
        "app/__init__.py": "",
        "app/models.py": orm_module("User"),
        "app/schemas.py": _SCHEMAS,
        "app/repositories/__init__.py": "",
        "app/repositories/cache.py": _CACHE_PORT,
        "app/services/__init__.py": "",
        "app/services/users.py": service,
    }


def test_a_generic_repository_given_a_schema_hands_out_the_schema(tmp_path: Path) -> None:
    root = write_project(tmp_path, _cached_service("UserOut"))
    assert findings(root, "LC301") == []


def test_a_generic_repository_given_an_orm_class_hands_out_rows(tmp_path: Path) -> None:
    # (near-miss: the same port parametrised with the ORM class)
    root = write_project(tmp_path, _cached_service("User"))
    assert [(path, line) for path, line, _ in findings(root, "LC301")] == [
        ("app/services/users.py", 12),
        ("app/services/users.py", 16),
    ]


# ----- LC701: a logging library's wrapper and a derived logger, out of sight -----------------


def _logging_service(body: str) -> dict[str, str]:
    return {
        "app/__init__.py": "",
        "app/logger.py": "from beans_logging_fastapi import logger\n\n__all__ = ['logger']\n",
        "app/services/__init__.py": "",
        "app/services/tasks.py": body,
    }


def test_a_logging_librarys_wrapper_takes_its_message_by_keyword(tmp_path: Path) -> None:
    service = """
        from analytics import log_event
        from beans_logging_fastapi import log_at


        def list_tasks(request_id: str, warn_mode: str) -> list:
            log_at(message=f"[{request_id}] - Getting task list...", warn_mode=warn_mode)
            log_at(f"[{request_id}] - listed")
            log_at(message="Getting task list...", warn_mode=warn_mode)
            log_event(message=f"listed for {request_id}")
            return []
        """
    root = write_project(tmp_path, _logging_service(service))
    assert [(path, line) for path, line, _ in findings(root, "LC701")] == [
        ("app/services/tasks.py", 6),
        ("app/services/tasks.py", 7),
    ]


def test_a_logger_derived_from_an_out_of_sight_logger_is_a_logger(tmp_path: Path) -> None:
    service = """
        from app.logger import logger


        def start(version: str, parser) -> None:
            logger.opt(colors=True).info(f"Version: <c>{version}</c>")
            logger.opt(colors=True).info("Version: <c>{}</c>", version)
            parser.opt(colors=True).info(f"Version: {version}")
        """
    root = write_project(tmp_path, _logging_service(service))
    assert [(path, line) for path, line, _ in findings(root, "LC701")] == [("app/services/tasks.py", 5)]


# ----- the app's top package named `api`, below a `src/` that is a package too ---------------

_API_APP = {
    "src/__init__.py": "",
    "src/api/__init__.py": "",
    "src/api/core/__init__.py": "",
    "src/api/core/models/__init__.py": "",
    "src/api/core/models/base.py": orm_module("Task"),
    "src/api/core/schemas/__init__.py": "",
    "src/api/core/schemas/task.py": "from pydantic import BaseModel\n\n\nclass TaskOut(BaseModel):\n    id: int\n",
    "src/api/endpoints/__init__.py": "",
    "src/api/endpoints/task/__init__.py": "",
    "src/api/endpoints/task/router.py": """
        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/tasks")
        async def tasks() -> list:
            return []
        """,
    "src/api/databases/__init__.py": "",
    "src/api/databases/close.py": """
        from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session


        async def close_db(sessions: list[async_scoped_session[AsyncSession]]) -> None:
            for session in sessions:
                await session.remove()
        """,
    "src/api/core/configs/__init__.py": "",
    "src/api/core/configs/_main.py": """
        import os

        from pydantic_settings import BaseSettings


        class MainConfig(BaseSettings):
            env: str = "LOCAL"

            def check(self) -> None:
                if self.env == "PRODUCTION" and "API_DB_HOST" not in os.environ:
                    raise KeyError("API_DB_HOST")
        """,
    "src/api/core/configs/paths.py": """
        import os

        DATA_DIR = os.getenv("API_DATA_DIR", "/var/lib/api")
        """,
}


def test_the_apps_top_package_named_api_places_none_of_its_modules(tmp_path: Path) -> None:
    root = write_project(tmp_path, _API_APP)
    layers = placed(root)
    assert layers["src/api/databases/close.py"]["layer"] is None
    assert layers["src/api/core/configs/paths.py"]["layer"] == "config"
    assert layers["src/api/core/configs/_main.py"]["layer"] == "config"
    assert layers["src/api/endpoints/task/router.py"]["layer"] == "api"
    assert findings(root, "LC602") == []


def test_an_api_package_inside_the_app_is_still_the_api_layer(tmp_path: Path) -> None:
    # (near-miss: `app/api/` beside `app/models/` is the routers' package)
    files = {
        "app/__init__.py": "",
        "app/models.py": orm_module("Task"),
        "app/api/__init__.py": "",
        "app/api/deps.py": """
            from sqlalchemy import select

            from app.models import Task


            async def first_task(session):
                return await session.scalar(select(Task))
            """,
    }
    root = write_project(tmp_path, files)
    assert placed(root)["app/api/deps.py"]["layer"] == "api"


# ----- LC301: a repository handing out `row.__dict__` hands out a dict -----------------------


def _dict_rows_project(get_body: str) -> dict[str, str]:
    repository = f"""
        from app.database import SessionLocal
        from app.models import Domain


        class CRUDDomain:
            def get(self, domain_id):
                with SessionLocal() as session:
                    row = session.query(Domain).get(domain_id)
                    if row is None:
                        return []
                    {get_body}
        """
    service = """
        from app.crud.domains import CRUDDomain


        class DomainController:
            @staticmethod
            def get_domain(domain_id):
                return CRUDDomain().get(domain_id)
        """
    return {
        "app/__init__.py": "",
        "app/models.py": orm_module("Domain"),
        "app/database.py": SYNC_DATABASE,
        "app/crud/__init__.py": "",
        "app/crud/domains.py": repository,
        "app/services/__init__.py": "",
        "app/services/domains.py": service,
    }


def test_a_repository_handing_out_the_rows_dict_hands_out_no_orm_data(tmp_path: Path) -> None:
    root = write_project(tmp_path, _dict_rows_project("return row.__dict__"))
    assert findings(root, "LC301") == []


def test_a_repository_handing_out_the_row_itself_hands_out_orm_data(tmp_path: Path) -> None:
    # (near-miss: the same `get` returning the row, `return []` beside it)
    root = write_project(tmp_path, _dict_rows_project("return row"))
    assert [(path, line) for path, line, _ in findings(root, "LC301")] == [("app/services/domains.py", 7)]


# ----- LC604: the text shown about credentials is no credential --------------------------------


def test_a_constant_named_for_the_message_about_a_secret_is_no_secret(tmp_path: Path) -> None:
    constants = """
        ERROR_INVALID_CREDENTIALS = "Invalid email or password"
        PASSWORD_HINT_MESSAGE = "At least twelve characters"
        ADMIN_PASSWORD = "Sup3r-secret"
        """
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/core/__init__.py": "", "app/core/constants.py": constants}
    )
    assert [(path, line) for path, line, _ in findings(root, "LC604")] == [("app/core/constants.py", 3)]


# ----- LC101: the shutdown helper closing every session ---------------------------------------


def test_the_shutdown_helper_closing_every_session_may_import_the_session_types(tmp_path: Path) -> None:
    files = dict(_API_APP)
    files["src/api/databases/close.py"] = """
        from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_scoped_session
        from sqlalchemy.ext.asyncio import close_all_sessions


        async def close_db(engines: list[AsyncEngine], sessions: list[async_scoped_session[AsyncSession]]) -> None:
            for session in sessions:
                await session.remove()
            await close_all_sessions()
            for engine in engines:
                await engine.dispose()
        """
    root = write_project(tmp_path, files)
    assert findings(root, "LC101") == []


def test_a_helper_that_only_types_sessions_it_is_handed_is_held(tmp_path: Path) -> None:
    # (near-miss: `close.py` of `_API_APP` annotates the sessions and closes them one by one)
    root = write_project(tmp_path, _API_APP)
    assert [(path, line) for path, line, _ in findings(root, "LC101")] == [("src/api/databases/close.py", 1)] * 2


# ----- LC701: a message local logged at the level a mode chooses -----------------------------


def test_a_message_local_logged_in_the_branches_of_the_ifs_after_it(tmp_path: Path) -> None:
    mixin = """
        import logging

        logger = logging.getLogger(__name__)


        def warn(mode: str, key: str, name: str) -> None:
            _message = f"Not found '{key}' attribute in `{name}` class."
            if mode == "ALWAYS":
                logger.warning(_message)
            elif mode == "DEBUG":
                logger.debug(_message)
            else:
                logger.error(_message)


        def fail(mode: str, name: str) -> None:
            _message = f"Failed to insert `{name}`!"
            if mode == "ALWAYS":
                logger.error(_message)
            if mode == "DEBUG":
                logger.debug(_message)
        """
    root = write_project(tmp_path, {"app/__init__.py": "", "app/mixins.py": mixin})
    assert [(path, line) for path, line, _ in findings(root, "LC701")] == [
        ("app/mixins.py", 9),
        ("app/mixins.py", 11),
        ("app/mixins.py", 13),
        ("app/mixins.py", 19),
        ("app/mixins.py", 21),
    ]


def test_a_message_local_the_branches_also_raise_or_rewrite_is_not_followed(tmp_path: Path) -> None:
    # (near-misses: the text is built for the error too, or a branch holds another message)
    mixin = """
        import logging

        logger = logging.getLogger(__name__)


        def warn(mode: str, key: str) -> None:
            _message = f"Not found '{key}'."
            if mode == "ALWAYS":
                logger.warning(_message)
            else:
                raise KeyError(_message)


        def fail(mode: str, name: str) -> None:
            _message = f"Failed to insert `{name}`!"
            if mode == "ALWAYS":
                _message = "Failed to insert."
                logger.error(_message)
            if mode == "DEBUG":
                logger.debug(_message)
        """
    root = write_project(tmp_path, {"app/__init__.py": "", "app/mixins.py": mixin})
    assert findings(root, "LC701") == []


# ----- LC401: an async base repository nothing imports, beside the sync session factory ------

_ASYNC_BASE = """
    from sqlalchemy.ext.asyncio import AsyncSession


    class BaseRepository:
        def __init__(self, db_session: AsyncSession):
            self.db_session = db_session

        async def save(self, row):
            self.db_session.add(row)
            await self.db_session.commit()
    """

_SYNC_REPOSITORY = """
    from app.database import SessionLocal
    from app.models import Order


    class OrderRepository:
        def get_by_id(self, order_id: int):
            with SessionLocal() as db:
                return db.query(Order).filter(Order.id == order_id).first()
    """


def _sync_project(repository: str = _SYNC_REPOSITORY) -> dict[str, str]:
    return {
        "app/__init__.py": "",
        "app/models.py": orm_module("Order"),
        "app/database.py": SYNC_DATABASE,
        "app/common/__init__.py": "",
        "app/common/base_repository.py": _ASYNC_BASE,
        "app/repositories/__init__.py": "",
        "app/repositories/orders.py": repository,
    }


def test_an_async_base_nothing_imports_beside_the_sync_factory_makes_no_project_async(tmp_path: Path) -> None:
    root = write_project(tmp_path, _sync_project())
    assert findings(root, "LC401") == []


def test_an_async_base_a_repository_extends_makes_the_project_async(tmp_path: Path) -> None:
    # (near-miss: the base is imported, so its async session work is live)
    extending = _SYNC_REPOSITORY.replace(
        "from app.models import Order",
        "from app.models import Order\n    from app.common.base_repository import BaseRepository",
    ).replace("class OrderRepository:", "class OrderRepository(BaseRepository):")
    root = write_project(tmp_path, _sync_project(extending))
    assert [(path, line) for path, line, _ in findings(root, "LC401")] == [("app/repositories/orders.py", 7)]


def test_a_parametrised_logger_adapter_is_still_a_logger(tmp_path: Path) -> None:
    # (near-miss of the generic classes' parameters: `LoggerAdapter[Logger]` is a logger type)
    service = """
        import logging


        class Runner:
            def __init__(self, log: logging.LoggerAdapter[logging.Logger]) -> None:
                self.log = log

            def run(self, count: int) -> None:
                self.log.info(f"count={count}")
        """
    root = write_project(tmp_path, {"app/__init__.py": "", "app/runner.py": service})
    assert [(path, line) for path, line, _ in findings(root, "LC701")] == [("app/runner.py", 9)]


def test_a_features_model_beside_its_router_in_an_endpoints_folder_is_the_models(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/core/base.py": "from sqlalchemy.orm import DeclarativeBase\n\n\nclass BaseORM(DeclarativeBase):\n    pass\n",
        "app/endpoints/__init__.py": "",
        "app/endpoints/task/__init__.py": "",
        "app/endpoints/task/model.py": """
            from sqlalchemy import Integer, text
            from sqlalchemy.orm import Mapped, mapped_column

            from app.core.base import BaseORM


            class TaskORM(BaseORM):
                __tablename__ = "tasks"
                id: Mapped[int] = mapped_column(primary_key=True)
                point: Mapped[int] = mapped_column(Integer, server_default=text("70"))
            """,
        "app/endpoints/task/router.py": """
            from fastapi import APIRouter
            from sqlalchemy import text

            from app.endpoints.task.model import TaskORM

            router = APIRouter()


            @router.get("/tasks")
            async def tasks() -> list:
                return [TaskORM.__tablename__, str(text("1"))]
            """,
    }
    root = write_project(tmp_path, files)
    layers = placed(root)
    assert layers["app/endpoints/task/model.py"]["layer"] == "model"
    assert layers["app/endpoints/task/router.py"]["layer"] == "api"
    # (near-miss: the router importing `text` and the ORM class is still reported)
    assert sorted((path, line) for path, line, _ in findings(root, "LC104")) == [
        ("app/endpoints/task/router.py", 2),
        ("app/endpoints/task/router.py", 4),
    ]


def test_an_api_package_beside_the_apps_main_in_a_src_package_is_the_api_layer(tmp_path: Path) -> None:
    # (near-miss of the top package named `api`: `src/` holds the app's `main.py` beside
    # `api/`, so `src` is the app and `api/v1/users/crud.py` below it the API's feature)
    files = {
        "src/__init__.py": "",
        "src/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "src/core/__init__.py": "",
        "src/core/models.py": orm_module("User"),
        "src/api/__init__.py": "",
        "src/api/v1/__init__.py": "",
        "src/api/v1/users/__init__.py": "",
        "src/api/v1/users/crud.py": """
            from sqlalchemy import select

            from src.core.models import User


            async def get_user(session, user_id: int):
                return await session.scalar(select(User).where(User.id == user_id))
            """,
        "src/api/v1/users/router.py": """
            from fastapi import APIRouter

            router = APIRouter()


            @router.get("/users")
            async def users() -> list:
                return []
            """,
        "src/api/v1/users/dependencies.py": """
            from fastapi import Depends

            from src.api.v1.users.crud import get_user


            async def current_user(user_id: int, session=Depends(lambda: None)):
                return await get_user(session, user_id)
            """,
    }
    root = write_project(tmp_path, files)
    assert placed(root)["src/api/v1/users/dependencies.py"]["layer"] == "api"

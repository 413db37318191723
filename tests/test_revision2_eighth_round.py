"""SPEC revision 2, the lessons of the eighth round: eight more projects nobody had read,
labeled by hand and scored blind. Each lesson is a small project of our own, checked through
the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, orm_module, placed

LOGGING_CLASS = """
    import json
    import logging
    import os

    LOG = logging.getLogger("app")


    class ProjectLogger:
        def __init__(self, logger: logging.Logger):
            self.logger = logger

        def debug(self, project_id: str, user_id: str, message: str):
            self.logger.debug(json.dumps({"project": project_id, "user": user_id}) + " | " + message)

        def info(self, project_id: str, user_id: str, message: str):
            self.logger.info(json.dumps({"project": project_id, "user": user_id}) + " | " + message)

        def error(self, project_id: str, user_id: str, message: str):
            self.logger.error(json.dumps({"project": project_id, "user": user_id}) + " | " + message)


    if os.getenv("LOG_JSON"):
        TRACE_LOG = ProjectLogger(LOG)
    else:
        TRACE_LOG = ProjectLogger(logging.getLogger("plain"))
"""


def test_a_logging_class_that_takes_the_message_after_other_values(tmp_path: Path) -> None:
    # `TRACE_LOG.error(project_id, user_id, f"...")`: the project's logging class logs its
    # third parameter, so that is the message; a plain message there is fine, and so is an
    # f-string in a place the class does not log as the message.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/log.py": LOGGING_CLASS,
            "app/services/__init__.py": "",
            "app/services/events.py": """
                from app.core.log import LOG, TRACE_LOG


                def record(project_id: str, user_id: str, error: Exception) -> None:
                    TRACE_LOG.error(project_id, user_id, f"could not record the event: {error}")
                    TRACE_LOG.info(project_id, user_id, "recorded")
                    TRACE_LOG.info(project_id, f"{user_id}", "recorded")
                    LOG.info(f"cache cleared")
            """,
        },
    )
    assert findings(root, "LC701") == [
        ("app/services/events.py", 5, "LC701"),
        ("app/services/events.py", 8, "LC701"),  # an f-string without placeholders is one too
    ]


def test_a_logger_held_in_an_attribute_of_a_project_logging_class(tmp_path: Path) -> None:
    # `self.logger = logger` from `def register(self, logger: AppLogger)`: the class wraps a
    # logger (it defines the level methods and logs through one), so its calls are log calls;
    # an attribute of a plain project class named `logger` is not.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/loggers.py": """
                import logging


                class AppLogger:
                    def __init__(self) -> None:
                        self.logger = logging.getLogger("app")

                    def info(self, title, message=""):
                        self.logger.info(title)

                    def warn(self, title, message=""):
                        self.logger.warning(title)

                    def error(self, title, message=""):
                        self.logger.error(title)


                class Recorder:
                    def info(self, line):
                        return line
            """,
            "app/interaction.py": """
                from app.loggers import AppLogger, Recorder


                class Interaction:
                    def register(self, logger: AppLogger, recorder: Recorder) -> None:
                        self.logger = logger
                        self.recorder = recorder
                        self.logger.info(f"registered {self}")
                        self.recorder.info(f"registered {self}")
            """,
        },
    )
    assert findings(root, "LC701") == [("app/interaction.py", 8, "LC701")]


BASE_CONTROLLER = """
    from typing import Generic, TypeVar

    from pydantic import BaseModel

    from app.database import Base
    from app.repositories.base import BaseRepository

    ModelType = TypeVar("ModelType", bound=Base)
    SchemaType = TypeVar("SchemaType", bound=BaseModel)


    class BaseController(Generic[ModelType, SchemaType]):
        def __init__(self, repository: BaseRepository) -> None:
            self.repository = repository

        async def get_by_id(self, id_: int) -> ModelType:
            return await self.repository.get(id_)

        async def get_all(self) -> list[ModelType]:
            return await self.repository.all()

        def to_schema(self, item: ModelType, schema: type[SchemaType]) -> SchemaType:
            return schema.model_validate(item)
"""


def test_a_service_returning_a_type_variable_bound_to_the_orm(tmp_path: Path) -> None:
    # `-> ModelType` with `ModelType = TypeVar("ModelType", bound=Base)`: whatever model a
    # subclass picks, the caller gets an ORM instance; reported once, on the annotation. One
    # bound to a Pydantic model is a schema.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/database.py": """
                from sqlalchemy.orm import declarative_base

                Base = declarative_base()
            """,
            "app/models/__init__.py": "",
            "app/models/user.py": """
                from sqlalchemy import Column, Integer

                from app.database import Base


                class User(Base):
                    __tablename__ = "users"
                    id = Column(Integer, primary_key=True)
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/base.py": """
                class BaseRepository:
                    def __init__(self, session):
                        self.session = session

                    async def get(self, id_):
                        return await self.session.get(self.model, id_)
            """,
            "app/controllers/__init__.py": "",
            "app/controllers/base.py": BASE_CONTROLLER,
        },
    )
    assert findings(root, "LC301") == [
        ("app/controllers/base.py", 16, "LC301"),
        ("app/controllers/base.py", 19, "LC301"),
    ]


def test_managers_in_a_cruds_folder_that_hand_the_session_on_are_services(tmp_path: Path) -> None:
    # `cruds/user.py` of `UserCRUD` classmethods that take the session and hand it to the
    # data access in `database/interface/` (wrapping its errors): services, whatever the
    # folder and the class say. A question-named data-access call (`token_is_exist`) returns
    # a flag, not an ORM row.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/database/__init__.py": "",
            "app/database/models.py": orm_module("User"),
            "app/database/interface/__init__.py": "",
            "app/database/interface/user.py": """
                from sqlalchemy.orm import Session

                from app.database.models import User


                class UserDBInterface:
                    @classmethod
                    def get_user(cls, db: Session, user_id: int):
                        return db.query(User).filter(User.id == user_id).first()

                    @classmethod
                    def token_is_exist(cls, db: Session, user_id: int, token: str):
                        return db.query(User).filter(User.id == user_id).count() > 0
            """,
            "app/cruds/__init__.py": "",
            "app/cruds/user.py": """
                from sqlalchemy.orm import Session

                from app.database.interface.user import UserDBInterface


                class UserCRUD:
                    @classmethod
                    def get_user(cls, db: Session, user_id: int):
                        try:
                            return UserDBInterface.get_user(db=db, user_id=user_id)
                        except Exception as error:
                            raise RuntimeError("database error") from error

                    @classmethod
                    def token_is_exist(cls, db: Session, user_id: int, token: str):
                        return UserDBInterface.token_is_exist(db=db, user_id=user_id, token=token)
            """,
        },
    )
    assert placed(root)["app/cruds/user.py"]["layer"] == "service"
    assert findings(root, "LC101", "LC301") == [
        ("app/cruds/user.py", 1, "LC101"),
        ("app/cruds/user.py", 10, "LC301"),
    ]


def test_a_websocket_endpoint_class_registered_on_a_router_is_the_api(tmp_path: Path) -> None:
    # `@router.websocket("/ws/{id}")` on a Starlette `WebSocketEndpoint` class: a route, so
    # the module is a router, and its session import is LC101's.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/websockets/__init__.py": "",
            "app/websockets/recorder.py": """
                from fastapi import APIRouter, Depends, WebSocket
                from sqlalchemy.orm import Session
                from starlette.endpoints import WebSocketEndpoint

                router = APIRouter()


                @router.websocket("/ws/recorder/{client_id}")
                class RecorderServer(WebSocketEndpoint):
                    def __init__(self, websocket: WebSocket, db: Session = Depends()):
                        super().__init__(websocket.scope, websocket.receive, websocket.send)
                        self.db = db
            """,
        },
    )
    assert placed(root)["app/websockets/recorder.py"]["layer"] == "api"
    assert findings(root, "LC101") == [("app/websockets/recorder.py", 2, "LC101")]


def test_a_database_module_with_a_main_block_and_models_named_database(tmp_path: Path) -> None:
    # `connectors.py` builds the engine and `Session = sessionmaker(...)` at import for the
    # services to import, and has a `__main__` block for a manual check: the database module,
    # so a service importing its session factory imports against the direction. And
    # `models/database.py` declaring the tables (with active-record lookups) is the models',
    # which may import no configuration but a logger.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/env.py": """
                import logging
                import os

                LOG = logging.getLogger("app")
                DATABASE_URL = os.getenv("DATABASE_URL", "sqlite://")
                MAX_USERS = int(os.getenv("MAX_USERS", "10"))
            """,
            "app/models/__init__.py": "",
            "app/models/database.py": """
                from sqlalchemy import Column, Integer
                from sqlalchemy.orm import declarative_base

                from app.env import LOG, MAX_USERS

                REG = declarative_base()


                class Project(REG):
                    __tablename__ = "projects"
                    id = Column(Integer, primary_key=True)

                    @classmethod
                    def initialize(cls, session):
                        if session.query(cls).count() < MAX_USERS:
                            session.add(cls())
                            LOG.info("root project created")
            """,
            "app/connectors.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import sessionmaker

                from app.env import DATABASE_URL
                from app.models.database import REG, Project

                DB_ENGINE = create_engine(DATABASE_URL)
                Session = sessionmaker(bind=DB_ENGINE)


                def create_tables():
                    REG.metadata.create_all(DB_ENGINE)
                    with Session() as session:
                        Project.initialize(session)


                if __name__ == "__main__":
                    create_tables()
            """,
            "app/controllers/__init__.py": "",
            "app/controllers/project.py": """
                from app.connectors import Session
                from app.models.database import Project


                def count_projects() -> int:
                    with Session() as session:
                        return session.query(Project).count()
            """,
        },
    )
    layers = placed(root)
    assert layers["app/connectors.py"]["layer"] == "database"
    assert layers["app/models/database.py"]["layer"] == "model"
    assert findings(root, "LC103") == [
        ("app/connectors.py", 5, "LC103"),
        ("app/controllers/project.py", 1, "LC103"),
        ("app/models/database.py", 4, "LC103"),
    ]


def test_a_builder_inside_a_legacy_session_query_is_that_query(tmp_path: Path) -> None:
    # `session.query(Event).filter(Event.at < func.now())`: one query, reported once, on the
    # session call; a builder passed to `session.execute(...)` is still its own finding.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Event"),
            "app/services/__init__.py": "",
            "app/services/events.py": """
                from sqlalchemy import func, select
                from sqlalchemy.orm import Session

                from app.models import Event


                def recent(session: Session):
                    return (
                        session.query(Event)
                        .filter(Event.id > func.abs(-1))
                        .all()
                    )


                def latest(session: Session):
                    return session.execute(
                        select(Event).limit(1)
                    )
            """,
        },
    )
    assert findings(root, "LC302") == [
        ("app/services/events.py", 9, "LC302"),
        ("app/services/events.py", 16, "LC302"),
        ("app/services/events.py", 17, "LC302"),
    ]


def test_query_functions_and_graphql_modules_under_an_api_folder(tmp_path: Path) -> None:
    # `api/helpers/api_key_policy.py` of functions that take the session and query: the data
    # access kept beside the resolvers, so a resolver importing them skips the service layer;
    # its pure rule (`can_revoke`) is no data access. A strawberry mutation module under
    # `api/` is the API even with no route and nothing of FastAPI.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/api/__init__.py": "",
            "app/api/helpers/__init__.py": "",
            "app/api/helpers/api_key_policy.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.models import User


                async def get_user(session: AsyncSession, user_id: int):
                    return await session.scalar(select(User).where(User.id == user_id))


                async def get_owner(session: AsyncSession, key_id: int):
                    return await session.scalar(select(User).where(User.id == key_id))


                async def get_system_user(session: AsyncSession):
                    return await session.scalar(select(User).limit(1))


                async def get_role(session: AsyncSession, user_id: int):
                    return await session.scalar(select(User.id).where(User.id == user_id))


                async def list_keys(session: AsyncSession, user_id: int):
                    return (await session.scalars(select(User).where(User.id == user_id))).all()


                def can_revoke(owner_id: int, user_id: int) -> bool:
                    return owner_id == user_id
            """,
            "app/api/mutations/__init__.py": "",
            "app/api/mutations/keys.py": """
                import strawberry

                from app.api.helpers.api_key_policy import can_revoke, get_owner


                @strawberry.type
                class KeyMutations:
                    @strawberry.mutation
                    async def revoke(self, info, key_id: int) -> bool:
                        owner = await get_owner(info.context.session, key_id)
                        return can_revoke(owner.id, 1)
            """,
        },
    )
    layers = placed(root)
    assert layers["app/api/helpers/api_key_policy.py"]["layer"] == "repository"
    assert layers["app/api/mutations/keys.py"]["layer"] == "api"
    assert findings(root, "LC102", "LC202") == [
        ("app/api/mutations/keys.py", 3, "LC102"),
        ("app/api/mutations/keys.py", 10, "LC202"),
    ]


def test_a_logging_wrapper_function_named_with_log_reached_through_its_module(tmp_path: Path) -> None:
    # `core_logger.print_to_log(f"...")` with `import core.logger as core_logger`: a module
    # function that hands its first parameter to a logger, and one that hands it on to that
    # one (`print_to_log_and_console`), are wrappers by what they do, whatever their names
    # (a `log` word in them); a function of the same shape that logs nothing is not.
    root = write_project(
        tmp_path / "proj",
        {
            "core/__init__.py": "",
            "core/logger.py": """
                import logging


                def get_main_logger():
                    return logging.getLogger("main")


                def print_to_log(message: str, log_level: str = "info"):
                    main_logger = get_main_logger()
                    if log_level == "error":
                        main_logger.error(message)
                    else:
                        main_logger.info(message)


                def print_to_log_and_console(message: str, log_level: str = "info"):
                    print_to_log(message, log_level)


                def backup_log_dir(path: str) -> str:
                    return path + ".bak"
            """,
            "users/__init__.py": "",
            "users/crud.py": """
                import core.logger as core_logger


                def delete_user(user_id: int) -> None:
                    core_logger.print_to_log(f"deleting user {user_id}", "info")
                    core_logger.print_to_log_and_console(f"deleted user {user_id}")
                    core_logger.backup_log_dir(f"/var/users/{user_id}")
                    core_logger.print_to_log("deleted", "info")
            """,
        },
    )
    assert findings(root, "LC701") == [("users/crud.py", 5, "LC701"), ("users/crud.py", 6, "LC701")]


def test_fixed_text_joined_with_plus_is_no_formatted_log_message(tmp_path: Path) -> None:
    # `"egress_block " + MATCHED_FIELDS + " reason=%s", *args`: literals and constants make a
    # template, the values go in lazily; a variable joined in is formatting.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/logging_utils.py": 'MATCHED_FIELDS = "host=%s port=%s"\n',
            "app/gate.py": """
                import logging

                from app import logging_utils
                from app.logging_utils import MATCHED_FIELDS

                logger = logging.getLogger(__name__)


                def block(host: str, port: int, reason: str) -> None:
                    logger.info("egress_block " + MATCHED_FIELDS + " reason=%s", host, port, reason)
                    logger.info("egress_allow " + logging_utils.MATCHED_FIELDS, host, port)
                    logger.info("egress_block for " + reason)


                def allow(host: str, port: int, session: bool) -> None:
                    if session:
                        fields = MATCHED_FIELDS
                    else:
                        fields = "host=%s"
                    logger.info("egress_allow " + fields, host, port)
                    detail = reason_of(host)
                    logger.info("egress_allow " + detail)


                def reason_of(host: str) -> str:
                    return host
            """,
        },
    )
    assert findings(root, "LC702") == [("app/gate.py", 12, "LC702"), ("app/gate.py", 22, "LC702")]


def test_an_environment_default_set_by_hand_with_get_is_a_write(tmp_path: Path) -> None:
    # `if not os.environ.get("SSL_CERT_FILE"): os.environ["SSL_CERT_FILE"] = ...` is
    # `setdefault` spelled out; a guard that raises reads the setting.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/services/__init__.py": "",
            "app/services/documents.py": """
                import os

                import certifi

                if not os.environ.get("SSL_CERT_FILE"):
                    os.environ["SSL_CERT_FILE"] = certifi.where()

                if not os.environ.get("DOCLING_TOKEN"):
                    raise RuntimeError("DOCLING_TOKEN is not set")
            """,
        },
    )
    assert findings(root, "LC602") == [("app/services/documents.py", 8, "LC602")]


def test_background_task_folders_and_daemons_are_the_task_layer(tmp_path: Path) -> None:
    # `bgtasks/` of a custom queue's jobs and `daemons/` of the loops a server runs beside
    # its requests are background work: importing the ORM there goes against the direction.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Alert"),
            "app/bgtasks/__init__.py": "",
            "app/bgtasks/alert_task.py": """
                from app.models import Alert


                class AlertTask:
                    queue_name = "alerts"

                    async def run(self, payload: dict) -> None:
                        Alert(id=payload["id"])
            """,
            "app/server/__init__.py": "",
            "app/server/daemons/__init__.py": "",
            "app/server/daemons/sweeper.py": """
                from app.models import Alert


                async def sweep() -> list:
                    return [Alert]
            """,
        },
    )
    layers = placed(root)
    assert layers["app/bgtasks/alert_task.py"]["layer"] == "task"
    assert layers["app/server/daemons/sweeper.py"]["layer"] == "task"
    assert findings(root, "LC103") == [
        ("app/bgtasks/alert_task.py", 1, "LC103"),
        ("app/server/daemons/sweeper.py", 1, "LC103"),
    ]


def test_a_runner_building_its_own_session_factory_in_a_checkout_folder_package(tmp_path: Path) -> None:
    # `backend/onyx/evals/eval.py` (the checkout's `backend/` is a package too, the code
    # imports `onyx.*`) builds a rollback-only session factory among many of the app's
    # modules: it drives the app, it is not the database module below it.
    app_modules = {f"backend/onyx/feature{i}.py": f"VALUE_{i} = {i}\n" for i in range(8)}
    imports = "\n".join(f"from onyx.feature{i} import VALUE_{i}" for i in range(8))
    root = write_project(
        tmp_path / "proj",
        {
            "backend/__init__.py": "",
            "backend/onyx/__init__.py": "",
            **app_modules,
            "backend/onyx/evals/__init__.py": "",
            "backend/onyx/evals/eval.py": f"""
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

{imports}


def run_eval() -> int:
    session_factory = sessionmaker(bind=create_engine("sqlite://"))
    with session_factory() as session:
        session.rollback()
    return VALUE_0 + VALUE_7
""",
        },
    )
    assert placed(root)["backend/onyx/evals/eval.py"]["layer"] is None


def test_a_reader_class_running_sql_into_data_frames_is_data_access(tmp_path: Path) -> None:
    # `utils/bot_database_reader.py`: a class that builds its own engine and runs every
    # query with `pd.read_sql_query(text(...), session.connection())`; a router importing
    # and calling it skips the service layer.
    root = write_project(
        tmp_path / "proj",
        {
            "utils/__init__.py": "",
            "utils/bot_database_reader.py": """
                import pandas as pd
                from sqlalchemy import create_engine, text
                from sqlalchemy.orm import sessionmaker


                class BotDatabase:
                    def __init__(self, db_path: str):
                        self.engine = create_engine(f"sqlite:///{db_path}")
                        self.session_maker = sessionmaker(bind=self.engine)

                    def get_orders(self):
                        with self.session_maker() as session:
                            return pd.read_sql_query(text("SELECT * FROM orders"), session.connection())

                    def get_trades(self):
                        with self.session_maker() as session:
                            return pd.read_sql_query(text("SELECT * FROM trades"), session.connection())

                    def get_positions(self):
                        with self.session_maker() as session:
                            return pd.read_sql_query(text("SELECT * FROM positions"), session.connection())
            """,
            "routers/__init__.py": "",
            "routers/archived.py": """
                from fastapi import APIRouter

                from utils.bot_database_reader import BotDatabase

                router = APIRouter()


                @router.get("/orders")
                def orders(db_path: str):
                    return BotDatabase(db_path).get_orders().to_dict()
            """,
        },
    )
    assert placed(root)["utils/bot_database_reader.py"]["layer"] == "repository"
    assert ("routers/archived.py", 3, "LC102") in findings(root, "LC102")


def test_query_functions_beside_dataclasses_and_builders_in_a_database_package(tmp_path: Path) -> None:
    # `database/search.py`: one public query function beside the `@dataclass` records it
    # fills, and `database/extra_field_query.py`: one query among statement builders. In a
    # `database/` package both are data access for the routers that import them; a pure
    # builder imported from there is not.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/database/__init__.py": "",
            "app/database/models.py": orm_module("Spool"),
            "app/database/search.py": """
                from dataclasses import dataclass

                from sqlalchemy import select

                from app.database.models import Spool


                @dataclass
                class SpoolMatch:
                    spool_id: int
                    score: int


                @dataclass(frozen=True)
                class SearchResult:
                    spools: list


                async def search(db, query: str) -> SearchResult:
                    rows = (await db.execute(select(Spool))).scalars().all()
                    return SearchResult([SpoolMatch(row.id, 1) for row in rows])
            """,
            "app/database/extra_field_query.py": """
                from sqlalchemy import and_, select

                from app.database.models import Spool


                def extra_field_join(key: str):
                    return and_(Spool.id > 0)


                def order_by_extra_field(key: str):
                    return Spool.id


                def filter_extra_field(key: str, value: str):
                    return Spool.id == int(value)


                async def find_extra_field_values(db, key: str) -> list:
                    return list((await db.execute(select(Spool.id))).scalars().all())
            """,
            "app/api/__init__.py": "",
            "app/api/search.py": """
                from fastapi import APIRouter

                from app.database import search
                from app.database.extra_field_query import extra_field_join, find_extra_field_values

                router = APIRouter()


                @router.get("/search")
                async def find(q: str, db=None):
                    extra_field_join(q)
                    await find_extra_field_values(db, q)
                    return await search.search(db, q)
            """,
        },
    )
    assert findings(root, "LC102", "LC202") == [
        ("app/api/search.py", 3, "LC102"),
        ("app/api/search.py", 4, "LC102"),
        ("app/api/search.py", 12, "LC202"),
        ("app/api/search.py", 13, "LC202"),
    ]


def test_a_sync_reader_in_an_async_project_blocks_on_its_data_frame_queries(tmp_path: Path) -> None:
    # LC401: in a project on async SQLAlchemy, a repository's sync method that runs
    # `pd.read_sql_query(...)` on its session's connection blocks the event loop; one that
    # only shapes a frame does no I/O.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/database.py": """
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                SessionLocal = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/archive_repository.py": """
                import pandas as pd
                from sqlalchemy import text


                class ArchiveRepository:
                    def __init__(self, session_maker):
                        self.session_maker = session_maker

                    def get_orders(self):
                        with self.session_maker() as session:
                            return pd.read_sql_query(text("SELECT * FROM orders"), session.connection())

                    def summarize(self, frame):
                        return frame.describe()
            """,
        },
    )
    assert findings(root, "LC401") == [("app/repositories/archive_repository.py", 9, "LC401")]


def test_a_librarys_validation_error_answering_a_4xx_is_the_clients_own_error(tmp_path: Path) -> None:
    # LC603: `except FileValidationError as err: raise HTTPException(400, detail=str(err))`
    # with an upload checker's error: its text says why the file was refused. The same text
    # with a 500, or another library's error with a 400, is internal detail sent out.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/api/__init__.py": "",
            "app/api/profile.py": """
                from fastapi import APIRouter, HTTPException, UploadFile
                from httpx import ConnectError
                from safeuploads import FileValidationError, validate_image

                router = APIRouter()


                @router.post("/photo")
                async def upload(file: UploadFile):
                    try:
                        validate_image(file)
                    except FileValidationError as err:
                        raise HTTPException(status_code=400, detail=str(err))
                    try:
                        validate_image(file)
                    except FileValidationError as err:
                        raise HTTPException(status_code=500, detail=str(err))
                    try:
                        validate_image(file)
                    except ConnectError as err:
                        raise HTTPException(status_code=400, detail=str(err))
            """,
        },
    )
    assert findings(root, "LC603") == [("app/api/profile.py", 17, "LC603"), ("app/api/profile.py", 21, "LC603")]


def test_a_declarative_base_in_a_repository_folder_and_a_dependency_module_named_repository(tmp_path: Path) -> None:
    # `repository/table.py` holding `class DBTable(DeclarativeBase)` (and `Base = DBTable`):
    # the models importing it import the ORM's base, no repository. `api/dependencies/
    # repository.py` handing repositories to the endpoints (`get_repository(UserRepository)`)
    # is the API's dependency wiring, so its session import is LC101's and its repository
    # import LC102's.
    root = write_project(
        tmp_path / "proj",
        {
            "src/__init__.py": "",
            "src/repository/__init__.py": "",
            "src/repository/table.py": """
                import typing

                from sqlalchemy.orm import DeclarativeBase


                class DBTable(DeclarativeBase):
                    pass


                Base: typing.Type[DeclarativeBase] = DBTable
            """,
            "src/models/__init__.py": "",
            "src/models/account.py": """
                from sqlalchemy.orm import Mapped, mapped_column

                from src.repository.table import DBTable


                class Account(DBTable):
                    __tablename__ = "accounts"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "src/repository/crud/__init__.py": "",
            "src/repository/crud/account.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession

                from src.models.account import Account


                class AccountCRUDRepository:
                    def __init__(self, async_session: AsyncSession) -> None:
                        self.async_session = async_session

                    async def read_accounts(self):
                        return (await self.async_session.execute(select(Account))).scalars().all()
            """,
            "src/api/__init__.py": "",
            "src/api/dependencies/__init__.py": "",
            "src/api/dependencies/repository.py": """
                import typing

                from sqlalchemy.ext.asyncio import AsyncSession

                from src.repository.crud.account import AccountCRUDRepository


                def get_repository(repo_type: typing.Type[AccountCRUDRepository]) -> typing.Callable:
                    def _get_repo(async_session: AsyncSession) -> AccountCRUDRepository:
                        return repo_type(async_session=async_session)

                    return _get_repo
            """,
        },
    )
    assert placed(root)["src/api/dependencies/repository.py"]["layer"] == "api"
    # (the repository class is only named in the annotations of the provider that builds
    # it, in a module serving no route: dependency wiring, no LC102; fifteenth round)
    assert findings(root, "LC101", "LC102", "LC103") == [
        ("src/api/dependencies/repository.py", 3, "LC101"),
    ]

"""SPEC revision 2, the lessons of the fifth round: reviewers read 20 random findings of
every rule on three projects nobody had labeled (a large sync app with one `db/` package of
query modules, an async app whose ORM classes live in `db.py` beside the engine, a server
shipped with a notebook client in the same package). Each class of finding they rejected is
reproduced in a small project of our own and checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import check_json, write_project
from test_revision2 import findings, placed

DB_WITH_TABLES = """
    from sqlalchemy import ForeignKey
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

    engine = create_async_engine("postgresql+asyncpg://localhost/app")
    async_session_maker = async_sessionmaker(engine)


    class Base(DeclarativeBase):
        pass


    class Membership(Base):
        __tablename__ = "memberships"
        id: Mapped[int] = mapped_column(primary_key=True)
        role: Mapped[str]


    async def get_async_session():
        async with async_session_maker() as session:
            yield session
"""


def test_a_helper_returning_a_row_class_of_db_py_is_no_database_import(tmp_path: Path) -> None:
    # `check_permission(...) -> Membership` in `utils/rbac.py`, where `Membership` is an ORM
    # class of `db.py` (the engine's module): the helper hands out a row, not the database.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/db.py": DB_WITH_TABLES,
            "app/utils/__init__.py": "",
            "app/utils/rbac.py": """
                from app.db import Membership


                def check_permission(membership: Membership | None, needed: str) -> Membership:
                    if membership is None or membership.role != needed:
                        raise PermissionError(needed)
                    return membership


                def session_factory():
                    from app.db import async_session_maker

                    return async_session_maker
            """,
            "app/utils/scope.py": """
                from collections.abc import AsyncIterator

                from sqlalchemy.ext.asyncio import AsyncSession

                from app.db import async_session_maker


                async def session_scope() -> AsyncIterator[AsyncSession]:
                    async with async_session_maker() as session:
                        yield session
            """,
            "app/services/__init__.py": "",
            "app/services/comments.py": """
                from app.utils.rbac import check_permission
                from app.utils.scope import session_scope


                async def can_comment(membership) -> bool:
                    return check_permission(membership, "editor") is not None
            """,
        },
    )
    # A helper returning the ORM class is no database import; one handing out sessions is.
    assert [(path, line) for path, line, _ in findings(root, "LC103")] == [("app/services/comments.py", 2)]


def test_an_import_inside_a_helper_function_is_no_way_for_the_server(tmp_path: Path) -> None:
    # `config.get_web_base_url()` imports the notebook session inside its body; the server
    # imports `config` but never calls that function. A route's own deferred import runs.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/config.py": """
                import os


                def get_port() -> int:
                    return int(os.environ.get("PORT", "6006"))


                def get_web_base_url() -> str:
                    from app.notebook.session import active_session

                    return active_session() or "http://localhost"
            """,
            "app/notebook/__init__.py": "",
            "app/notebook/session.py": """
                def active_session() -> str | None:
                    print("Open the UI at http://localhost")
                    return None
            """,
            "app/helpers/__init__.py": "",
            "app/helpers/export.py": """
                def export() -> None:
                    print("exporting")
            """,
            "app/routers/__init__.py": "",
            "app/routers/items.py": """
                from fastapi import APIRouter

                from app.config import get_port

                router = APIRouter()


                @router.get("/port")
                async def port() -> int:
                    from app.helpers.export import export

                    export()
                    return get_port()
            """,
        },
    )
    assert [(path, line) for path, line, _ in findings(root, "LC704")] == [("app/helpers/export.py", 2)]


def test_a_manager_that_queries_and_drives_the_repositories_is_a_service(tmp_path: Path) -> None:
    # `tree_manager.py` (no layer by name) builds `PromptRepository` and runs its own SQL,
    # with a `__main__` block trying it out at the bottom: a service, held to LC101/LC302.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/prompt_repository.py": """
                from sqlmodel import Session, select


                class PromptRepository:
                    def __init__(self, db: Session) -> None:
                        self.db = db

                    def fetch(self, message_id: int):
                        return self.db.exec(select(1)).one()
            """,
            "app/tree_manager.py": """
                from sqlmodel import Session, func, text

                from app.prompt_repository import PromptRepository


                def halt_disabled_users(db: Session) -> None:
                    db.execute(text("UPDATE trees SET active = false WHERE disabled"))


                class TreeManager:
                    def __init__(self, db: Session) -> None:
                        self.db = db
                        self.pr = PromptRepository(db)

                    def stats(self) -> int:
                        return self.db.query(
                            func.count(1),
                        ).scalar()

                    def halt(self) -> None:
                        self.db.execute(text("UPDATE trees SET active = false"))

                    def purge(self) -> None:
                        self.db.execute(text("DELETE FROM trees"))

                    def message(self, message_id: int):
                        return self.pr.fetch(message_id)


                if __name__ == "__main__":
                    print(TreeManager(None).stats())
            """,
        },
    )
    assert placed(root)["app/tree_manager.py"]["layer"] == "service"
    found = findings(root, "LC101", "LC302")
    assert ("app/tree_manager.py", 1, "LC101") in found
    lc302 = sorted(line for path, line, code in found if code == "LC302")
    # The session calls and the `text()` statements; the `func.count()` inside
    # `self.db.query(...)` is part of that query, reported once (on the session call).
    assert lc302 == [7, 7, 16, 21, 21, 24, 24]


def test_a_class_whose_methods_write_through_one_of_its_own_is_data_access(tmp_path: Path) -> None:
    # `JournalWriter.log_rating()` calls `self.log()`, which adds the row: every public
    # method writes, so the module is data access and may import `Session`.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/journal_writer.py": """
                from sqlmodel import Session


                class JournalWriter:
                    def __init__(self, db: Session) -> None:
                        self.db = db

                    def log_reply(self, length: int) -> None:
                        self.log("reply", length)

                    def log_rating(self, rating: int) -> None:
                        self.log("rating", rating)

                    def log_ranking(self, ranking: list[int]) -> None:
                        self.log("ranking", len(ranking))

                    def log(self, kind: str, value: int) -> None:
                        self.db.add({"kind": kind, "value": value})
            """,
            # An API client that saves its refreshed token through a private helper: no
            # data access for the routes calling it.
            "app/drive_client.py": """
                from sqlmodel import Session


                class DriveClient:
                    def __init__(self, session: Session) -> None:
                        self._session = session

                    def _token(self) -> str:
                        self._session.add("token")
                        self._session.commit()
                        return "token"

                    def list_files(self) -> list[str]:
                        return [self._token()]

                    def download(self, name: str) -> bytes:
                        return self._token().encode()
            """,
            "app/api/__init__.py": "",
            "app/api/ratings.py": """
                from fastapi import APIRouter

                from app.drive_client import DriveClient
                from app.journal_writer import JournalWriter

                router = APIRouter()


                @router.post("/ratings")
                def rate(rating: int, writer: JournalWriter) -> None:
                    writer.log_rating(rating)
            """,
        },
    )
    assert [(path, line) for path, line, _ in findings(root, "LC102")] == [("app/api/ratings.py", 4)]
    assert findings(root, "LC101") == []


STATE_MODULE = """
    import sqlalchemy
    from sqlalchemy import orm

    _engine = None
    clusters = sqlalchemy.Table("clusters", sqlalchemy.MetaData())


    def get_cluster(name: str):
        with orm.Session(_engine) as session:
            return session.execute(sqlalchemy.select(clusters)).first()


    def set_cluster(name: str) -> None:
        with orm.Session(_engine) as session:
            session.execute(sqlalchemy.insert(clusters).values(name=name))
            session.commit()


    def remove_cluster(name: str) -> None:
        with orm.Session(_engine) as session:
            session.execute(sqlalchemy.delete(clusters))
            session.commit()
"""


def test_a_module_of_query_functions_imported_whole_is_a_repository_import(tmp_path: Path) -> None:
    # `from sky import global_user_state` then `global_user_state.get_cluster(...)` in the
    # module that creates the app and serves its routes on it; `jobs/state.py` is the
    # jobs' data access, not a background job; an async project's sync queries are LC401.
    root = write_project(
        tmp_path / "proj",
        {
            "sky/__init__.py": "",
            "sky/global_user_state.py": STATE_MODULE,
            "sky/jobs/__init__.py": "",
            "sky/jobs/state.py": STATE_MODULE
            + """

    async def get_cluster_async(name: str):
        from sqlalchemy.ext.asyncio import AsyncSession

        async with AsyncSession(_engine) as session:
            return (await session.execute(sqlalchemy.select(clusters))).first()


    def count_clusters() -> int:
        with orm.Session(_engine) as session:
            return len(session.execute(sqlalchemy.select(clusters)).all())
""",
            "sky/utils/__init__.py": "",
            "sky/utils/schemas.py": """
                import enum


                class RemoteIdentity(enum.Enum):
                    LOCAL = "local"


                def get_config_schema() -> dict:
                    return {"type": "object"}
            """,
            "sky/server/__init__.py": "",
            "sky/server/config.py": """
                import os

                from sky.utils import schemas

                PORT = int(os.environ.get("PORT", "46580"))
                SCHEMA = schemas.get_config_schema()
            """,
            "sky/server/server.py": """
                import fastapi

                from sky import global_user_state
                from sky.jobs import state as job_state

                app = fastapi.FastAPI()


                @app.get("/clusters/{name}")
                async def cluster(name: str):
                    return global_user_state.get_cluster(name)


                @app.post("/clusters/{name}")
                async def add(name: str):
                    global_user_state.set_cluster(name)


                @app.delete("/clusters/{name}")
                async def remove(name: str):
                    global_user_state.remove_cluster(name)


                @app.get("/jobs/{name}")
                async def job(name: str):
                    return job_state.get_cluster(name)


                @app.get("/health")
                async def health():
                    return {"ok": True}
            """
            + "".join(
                f'''

                @app.get("/status/{number}")
                async def status_{number}():
                    return {{"ok": {number}}}
'''
                for number in range(5)
            ),
        },
    )
    layers = placed(root)
    assert layers["sky/server/server.py"]["layer"] == "api"
    assert layers["sky/jobs/state.py"]["layer"] == "repository"
    found = findings(root, "LC102", "LC202", "LC103", "LC401")
    assert [(line, code) for path, line, code in found if path == "sky/server/server.py"] == [
        (3, "LC102"),
        (4, "LC102"),
        (11, "LC202"),
        (16, "LC202"),
        (21, "LC202"),
        (26, "LC202"),
    ]
    # The sync functions of the jobs' data access in a project that uses async sessions.
    assert {(path, code) for path, _, code in found if path != "sky/server/server.py"} == {
        ("sky/jobs/state.py", "LC401")
    }


def test_a_project_class_wrapping_loggers_is_a_logger(tmp_path: Path) -> None:
    # `log = get_module_logger(__name__)` returning `MultiLogger`, a class whose methods
    # are a logger's and forward to structlog loggers; a class with one `error()` is none.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/utils/__init__.py": "",
            "app/utils/logging.py": """
                import structlog


                class MultiLogger:
                    def __init__(self, *loggers) -> None:
                        self._loggers = loggers

                    def info(self, *args, **kwargs) -> None:
                        for logger in self._loggers:
                            logger.info(*args, **kwargs)

                    def warning(self, *args, **kwargs) -> None:
                        for logger in self._loggers:
                            logger.warning(*args, **kwargs)

                    def error(self, *args, **kwargs) -> None:
                        for logger in self._loggers:
                            logger.error(*args, **kwargs)


                class Report:
                    def error(self, text: str) -> None:
                        self.text = text


                def get_module_logger(path: str) -> MultiLogger:
                    return MultiLogger(structlog.get_logger(path))


                def get_report() -> Report:
                    return Report()
            """,
            "app/services/__init__.py": "",
            "app/services/orders.py": """
                from app.utils.logging import get_module_logger, get_report

                log = get_module_logger(__name__)
                report = get_report()


                def place(order_id: int) -> None:
                    log.warning(f"placing {order_id}")
                    report.error(f"order {order_id} failed")
            """,
        },
    )
    assert findings(root, "LC701") == [("app/services/orders.py", 8, "LC701")]


def test_near_misses_the_reviewers_rejected_are_not_reported(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            # LC604: the key a credential is stored under, not the credential.
            "app/connectors/__init__.py": "",
            "app/connectors/braintrust.py": """
                _API_KEY = "braintrust_api_key"
                STRIPE_API_KEY = "sk_live_51HxYz"


                def api_key(credentials: dict) -> str:
                    return credentials[_API_KEY]
            """,
            # LC602: `setdefault` spelled out is a write; a membership test alone is a read.
            "app/utilities/__init__.py": "",
            "app/utilities/env_vars.py": """
                import os


                def restore(original: dict[str, str]) -> None:
                    for key, value in original.items():
                        if key not in os.environ:
                            os.environ[key] = value


                def debug_enabled() -> bool:
                    return "DEBUG" in os.environ
            """,
            "app/api/__init__.py": "",
            "app/api/users.py": """
                from email_validator import EmailNotValidError, validate_email
                from fastapi import APIRouter, HTTPException, Request
                from pydantic import BaseModel

                router = APIRouter()


                class EvaluationBody(BaseModel):
                    name: str


                @router.post("/users/{user_id}/email")
                async def set_email(user_id: int, email: str) -> str:
                    try:
                        return validate_email(email).normalized
                    except EmailNotValidError as exc:
                        raise HTTPException(status_code=400, detail=str(exc))


                @router.post("/evaluations")
                async def upsert(request: Request, request_body: EvaluationBody) -> str:
                    payload = await request.json()
                    return payload["id"] + request_body.name


                @router.post("/raw")
                async def raw(request: Request, user_id: int) -> str:
                    payload = await request.json()
                    return payload["id"]


                @router.post("/crash")
                async def crash(user_id: int) -> str:
                    try:
                        return str(1 / user_id)
                    except ZeroDivisionError as exc:
                        raise HTTPException(status_code=400, detail=str(exc))
            """,
        },
    )
    found = findings(root, "LC204", "LC602", "LC603", "LC604")
    assert sorted(found) == [
        ("app/api/users.py", 28, "LC204"),
        ("app/api/users.py", 37, "LC603"),
        ("app/connectors/braintrust.py", 2, "LC604"),
        ("app/utilities/env_vars.py", 11, "LC602"),
    ]


def test_a_session_import_names_the_layer_the_module_plays(tmp_path: Path) -> None:
    # `evals/models.py` of Pydantic classes only: a schema module, whatever its name.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/evals/__init__.py": "",
            "app/evals/models.py": """
                from pydantic import BaseModel
                from sqlalchemy.orm import Session


                class EvalConfig(BaseModel):
                    name: str


                class EvalRun(BaseModel):
                    config: EvalConfig


                def runner(session: Session) -> "Session":
                    return session
            """,
        },
    )
    run = check_json(root, "--select", "LC101")
    assert [item["message"].split(";")[0] for item in run.json()] == ["`Session` imported in the schema layer"]


def test_a_module_of_query_functions_nobody_imports_yet_is_data_access(tmp_path: Path) -> None:
    # `db/saml.py`, used by an extension outside the checkout: a module of query functions,
    # where `backend_pre_start.py` with one query at start-up is an entry point.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/db/__init__.py": "",
            "app/db/saml.py": """
                from sqlalchemy import select
                from sqlalchemy.orm import Session


                def get_account(db: Session, user_id: int):
                    return db.scalar(select(1).where(user_id == 1))


                def upsert_account(db: Session, user_id: int) -> None:
                    db.add(user_id)
                    db.commit()


                def expire(account) -> None:
                    account.expires = None
            """,
            "app/backend_pre_start.py": """
                from sqlalchemy.orm import Session


                def init(db: Session) -> None:
                    db.execute(1)
            """,
        },
    )
    assert findings(root, "LC101") == [("app/backend_pre_start.py", 1, "LC101")]


def test_records_and_errors_beside_a_query_function_leave_it_a_data_access_module(tmp_path: Path) -> None:
    # `db/insertion/span.py`: two `NamedTuple` events and an error beside `insert_span()`,
    # imported by a bulk inserter that runs queries too.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/db/__init__.py": "",
            "app/db/insertion/__init__.py": "",
            "app/db/insertion/span.py": """
                from typing import NamedTuple

                from sqlalchemy.ext.asyncio import AsyncSession


                class SpanInsertionEvent(NamedTuple):
                    project_id: int


                class ClearSpansEvent(NamedTuple):
                    project_id: int


                class SpanConflictError(ValueError):
                    pass


                async def insert_span(session: AsyncSession, span: dict) -> SpanInsertionEvent:
                    await session.execute("INSERT INTO spans VALUES (1)")
                    return SpanInsertionEvent(1)
            """,
            "app/db/bulk_inserter.py": """
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.db.insertion.span import insert_span


                async def flush(session: AsyncSession, spans: list[dict]) -> None:
                    for span in spans:
                        await insert_span(session, span)
                    await session.commit()
            """,
            "app/server.py": """
                from app.db.bulk_inserter import flush

                QUEUE: list[dict] = []


                async def drain(session) -> None:
                    await flush(session, QUEUE)
            """,
        },
    )
    assert findings(root, "LC101") == []


def test_an_indexer_under_tasks_that_calls_services_stays_a_task(tmp_path: Path) -> None:
    # `tasks/connector_indexers/drive_indexer.py` queries and calls services: the jobs' own
    # work, not a data-access module (unlike `jobs/state.py` of query functions alone).
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/services/__init__.py": "",
            "app/services/llm_service.py": """
                async def summarize(text: str) -> str:
                    return text[:10]
            """,
            "app/tasks/__init__.py": "",
            "app/tasks/connector_indexers/__init__.py": "",
            "app/tasks/connector_indexers/drive_indexer.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.services.llm_service import summarize


                async def existing(session: AsyncSession) -> list[int]:
                    return list(await session.scalars(select(1)))


                async def store(session: AsyncSession, text: str) -> None:
                    session.add(await summarize(text))
                    await session.commit()


                async def index(session: AsyncSession, files: list[str]) -> None:
                    for text in files:
                        await store(session, text)
            """,
        },
    )
    assert placed(root)["app/tasks/connector_indexers/drive_indexer.py"]["layer"] == "task"


def test_a_daemon_polling_a_table_is_no_repository(tmp_path: Path) -> None:
    # `class SystemSettings(DaemonTask)` keeps the settings table cached by polling it; a
    # router typing its context with it imports a background worker, not a repository.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/server/__init__.py": "",
            "app/server/types.py": """
                class DaemonTask:
                    async def start(self) -> None: ...
            """,
            "app/server/daemons/__init__.py": "",
            "app/server/daemons/system_settings.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.server.types import DaemonTask


                class SystemSettings(DaemonTask):
                    def __init__(self, session: AsyncSession) -> None:
                        self.session = session

                    async def refresh(self) -> None:
                        self.cache = (await self.session.execute(select(1))).all()

                    async def write(self, value: str) -> None:
                        self.session.add(value)
                        await self.session.commit()
            """,
            "app/server/daemons/settings_store.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession


                class SettingsStore:
                    def __init__(self, session: AsyncSession) -> None:
                        self.session = session

                    async def load(self) -> list:
                        return (await self.session.execute(select(1))).all()

                    async def save(self, value: str) -> None:
                        self.session.add(value)
                        await self.session.commit()
            """,
            "app/api/__init__.py": "",
            "app/api/context.py": """
                from app.server.daemons.settings_store import SettingsStore
                from app.server.daemons.system_settings import SystemSettings
                from fastapi import Request


                class Context:
                    request: Request
                    settings: SystemSettings
                    store: SettingsStore
            """,
        },
    )
    assert findings(root, "LC102") == [("app/api/context.py", 1, "LC102")]


def test_env_bookkeeping_and_early_exit_narrowing_are_no_findings(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            # LC602: the values saved to restore the environment after a temporary write.
            "app/llm.py": """
                import os
                from contextlib import contextmanager


                @contextmanager
                def temporary_env(overrides: dict[str, str]):
                    original = {key: os.environ.get(key) for key in overrides}
                    os.environ.update(overrides)
                    try:
                        yield
                    finally:
                        for key, value in original.items():
                            if value is None:
                                os.environ.pop(key, None)
                            else:
                                os.environ[key] = value


                def model_name(key: str) -> str | None:
                    return os.environ.get(key)
            """,
            # LC603: `if not isinstance(exc, ValueError): raise exc` narrows what follows.
            "app/api/__init__.py": "",
            "app/api/errors.py": """
                from fastapi import Request
                from fastapi.responses import JSONResponse


                def value_error_handler(request: Request, exc: Exception) -> JSONResponse:
                    if not isinstance(exc, ValueError):
                        raise exc
                    return JSONResponse(status_code=400, content={"message": str(exc)})


                def any_error_handler(request: Request, exc: Exception) -> JSONResponse:
                    if isinstance(exc, ValueError):
                        print("value")
                    return JSONResponse(status_code=400, content={"message": str(exc)})
            """,
        },
    )
    found = findings(root, "LC602", "LC603")
    assert sorted(found) == [("app/api/errors.py", 14, "LC603"), ("app/llm.py", 20, "LC602")]


def test_modules_named_for_config_or_models_that_do_other_work_take_that_layer(tmp_path: Path) -> None:
    # `slack/config.py` validating channel configs through sessions is no settings module;
    # `persistence/models.py` building the engine for the active records is the database.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/slack/__init__.py": "",
            "app/slack/config.py": """
                import os

                from sqlalchemy.orm import Session

                MAX_TENANTS = int(os.getenv("MAX_TENANTS", "50"))


                def channel_config(db_session: Session, channel: str) -> dict:
                    return {"channel": channel, "session": db_session}
            """,
            "app/persistence/__init__.py": "",
            "app/persistence/trade_model.py": """
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


                class Base(DeclarativeBase):
                    pass


                class Trade(Base):
                    __tablename__ = "trades"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "app/persistence/models.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import scoped_session, sessionmaker

                from app.persistence.trade_model import Trade


                def init_db(url: str) -> None:
                    engine = create_engine(url)
                    Trade.session = scoped_session(sessionmaker(bind=engine))
            """,
        },
    )
    layers = placed(root)
    assert layers["app/slack/config.py"]["layer"] is None
    assert layers["app/persistence/models.py"]["layer"] == "database"
    # (its environment read is still the configuration's: the file is the config module)
    assert findings(root, "LC602") == []
    # The database module may import configuration only: its ORM import is against the
    # direction; its session factory imports are its own. The channel helper, in no layer,
    # is held to LC101.
    assert sorted(findings(root, "LC101", "LC103")) == [
        ("app/persistence/models.py", 4, "LC103"),
        ("app/slack/config.py", 3, "LC101"),
    ]


def test_routers_calling_the_data_layer_through_its_interface_call_the_repository(tmp_path: Path) -> None:
    # `get_data_layer()` hands out the global `_data_layer: Optional[BaseDataLayer]`; the
    # abstract `BaseDataLayer` is implemented by a class that runs the queries.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/data/__init__.py": """
                from typing import Optional

                from .base import BaseDataLayer

                _data_layer: Optional[BaseDataLayer] = None


                def get_data_layer():
                    return _data_layer
            """,
            "app/data/base.py": """
                from abc import ABC, abstractmethod


                class BaseDataLayer(ABC):
                    @abstractmethod
                    async def get_thread(self, thread_id: str) -> dict: ...

                    @abstractmethod
                    async def delete_thread(self, thread_id: str) -> None: ...
            """,
            "app/data/sql_alchemy.py": """
                from sqlalchemy import text
                from sqlalchemy.ext.asyncio import AsyncSession

                from .base import BaseDataLayer


                class SQLAlchemyDataLayer(BaseDataLayer):
                    def __init__(self, session: AsyncSession) -> None:
                        self.session = session

                    async def get_thread(self, thread_id: str) -> dict:
                        return (await self.session.execute(text("SELECT 1"))).mappings().one()

                    async def delete_thread(self, thread_id: str) -> None:
                        await self.session.execute(text("DELETE FROM threads"))
            """,
            "app/data/storage.py": """
                from abc import ABC, abstractmethod


                class BaseStorageClient(ABC):
                    @abstractmethod
                    async def upload(self, key: str) -> None: ...
            """,
            "app/routers/__init__.py": "",
            "app/routers/threads.py": """
                from fastapi import APIRouter

                from app.data import get_data_layer
                from app.data.storage import BaseStorageClient

                router = APIRouter()


                @router.get("/threads/{thread_id}")
                async def thread(thread_id: str, storage: BaseStorageClient) -> dict:
                    data_layer = get_data_layer()
                    await storage.upload(thread_id)
                    return await data_layer.get_thread(thread_id)
            """,
        },
    )
    assert [(path, line) for path, line, _ in findings(root, "LC202")] == [("app/routers/threads.py", 13)]


def test_an_unannotated_dependency_holds_what_its_provider_returns(tmp_path: Path) -> None:
    # `db=Depends(get_db)` with `get_db() -> DatabaseManager`: the routes call the data
    # manager (LC202), not a session (no LC201); a provider annotated `-> Generator` alone
    # says nothing, and the name decides (`celery_session` is a session).
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/database/__init__.py": "",
            "app/database/db_manager.py": """
                from sqlmodel import Session, create_engine, select


                class DatabaseManager:
                    def __init__(self, url: str) -> None:
                        self.engine = create_engine(url)

                    def get(self, model, filters: dict):
                        with Session(self.engine) as session:
                            return session.exec(select(model)).all()

                    def delete(self, model, filters: dict) -> None:
                        with Session(self.engine) as session:
                            session.delete(session.get(model, 1))
                            session.commit()
            """,
            "app/web/__init__.py": "",
            "app/web/deps.py": """
                from collections.abc import Generator

                from sqlmodel import Session

                from app.database.db_manager import DatabaseManager

                _manager = DatabaseManager("sqlite://")


                async def get_db() -> DatabaseManager:
                    return _manager


                def get_job_db() -> Generator:
                    with Session(_manager.engine) as session:
                        yield session
            """,
            "app/web/routes/__init__.py": "",
            "app/web/routes/teams.py": """
                from fastapi import APIRouter, Depends

                from app.web.deps import get_db, get_job_db

                router = APIRouter()


                @router.get("/teams")
                async def list_teams(user_id: str, db=Depends(get_db)) -> list:
                    return db.get("Team", filters={"user_id": user_id})


                @router.post("/jobs")
                def add_job(name: str, celery_session=Depends(get_job_db)) -> None:
                    celery_session.add(name)
                    celery_session.commit()
            """,
        },
    )
    found = findings(root, "LC201", "LC202")
    assert sorted((line, code) for path, line, code in found if path == "app/web/routes/teams.py") == [
        (10, "LC202"),
        (15, "LC201"),
        (16, "LC201"),
    ]


def test_a_store_that_builds_its_engine_and_runs_every_query_is_the_repository(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/lineage/__init__.py": "",
            "app/lineage/store.py": """
                import os

                from sqlalchemy import create_engine, select, text
                from sqlalchemy.orm import Session


                class LineageStore:
                    def __init__(self, url: str) -> None:
                        self.engine = create_engine(url)

                    def jobs(self) -> list:
                        with self.engine.begin() as conn:
                            return list(conn.execute(select(1)))

                    def purge(self) -> None:
                        with Session(self.engine) as session:
                            session.execute(text("DELETE FROM jobs"))
                            session.commit()

                    def runs(self) -> list:
                        with Session(self.engine) as session:
                            return list(session.execute(select(2)))


                def configure_fips() -> bool:
                    if fips_enabled() and "SSL_CIPHERS" not in os.environ:
                        os.environ["SSL_CIPHERS"] = "FIPS"
                        return True
                    return False


                def fips_enabled() -> bool:
                    return True


                def owner_configured() -> bool:
                    for name in ["OWNER_USERNAME", "OWNER_PASSWORD"]:
                        if name not in os.environ:
                            return False
                    return True
            """,
            "app/lineage/consumer.py": """
                from fastapi import APIRouter

                from app.lineage.store import LineageStore

                router = APIRouter()
                store = LineageStore("sqlite://")


                @router.delete("/lineage")
                def purge() -> None:
                    store.purge()
            """,
        },
    )
    assert placed(root)["app/lineage/store.py"]["layer"] == "repository"
    assert sorted(findings(root, "LC101", "LC102", "LC202", "LC602")) == [
        ("app/lineage/consumer.py", 3, "LC102"),
        ("app/lineage/consumer.py", 6, "LC202"),  # (building the store is calling it too)
        ("app/lineage/consumer.py", 11, "LC202"),
        ("app/lineage/store.py", 38, "LC602"),  # a membership test that only reads
    ]


def test_a_module_naming_its_scoped_session_type_is_the_database_layer(tmp_path: Path) -> None:
    # `SessionType = scoped_session[Session]` beside the declarative base: the module
    # that defines the project's session type may import the session classes.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/persistence/__init__.py": "",
            "app/persistence/base.py": """
                from sqlalchemy.orm import DeclarativeBase, Session, scoped_session

                SessionType = scoped_session[Session]


                class ModelBase(DeclarativeBase):
                    pass
            """,
            "app/persistence/helpers.py": """
                from sqlalchemy.orm import Session


                def describe(session: Session) -> str:
                    return str(session)
            """,
        },
    )
    assert findings(root, "LC101") == [("app/persistence/helpers.py", 1, "LC101")]

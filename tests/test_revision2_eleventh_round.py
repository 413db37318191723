"""SPEC revision 2, the lessons of the eleventh round: five more projects nobody had read,
labeled by hand and scored blind. Each lesson is a small project of our own, checked
through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import check_json, run_layercheck, write_project
from test_revision2 import findings

# A middleware dependency keeps the request's session in `request.state.mysql`; services
# and routers read it back from there. A Redis client kept in another slot is no session.
STATE_SLOTS = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/db.py": """
        from fastapi import Request
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        engine = create_async_engine("sqlite+aiosqlite://")
        factory = async_sessionmaker(engine)


        async def bind_session(request: Request):
            session_factory = request.app.state.session_factory
            async with session_factory() as session:
                request.state.mysql = session
                yield
                await session.commit()
    """,
    "app/core/cache.py": """
        from fastapi import Request
        from redis.asyncio import Redis


        async def bind_cache(request: Request):
            request.state.redis = Redis()
            request.state.session = request.cookies.get("sid")
    """,
    "app/services/__init__.py": "",
    "app/services/users.py": """
        from fastapi import Request


        class UserService:
            @classmethod
            async def get(cls, request: Request, user_id: int):
                session = request.state.mysql
                item = await session.get(dict, user_id)
                await request.state.mysql.execute("select 1")
                cache = request.state.redis
                await cache.get("k")
                await request.state.redis.delete("k")
                return item


        async def forget(request, user_id):
            db = request.state.mysql
            await db.flush()
    """,
    "app/api/__init__.py": "",
    "app/api/users.py": """
        from fastapi import APIRouter, Request

        router = APIRouter()


        @router.get("/users")
        async def read(request: Request):
            await request.state.mysql.commit()
            await request.state.redis.get("x")
            return request.state.session.get("user")
    """,
}


def test_a_session_kept_in_request_state_is_a_session_where_it_is_read(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", STATE_SLOTS)
    assert findings(root, "LC201", "LC302") == [
        ("app/api/users.py", 8, "LC201"),
        ("app/services/users.py", 8, "LC302"),
        ("app/services/users.py", 9, "LC302"),
        ("app/services/users.py", 18, "LC302"),
    ]


def test_a_state_slot_holds_a_session_only_while_the_project_puts_one_there(tmp_path: Path) -> None:
    files = dict(STATE_SLOTS)
    files["app/core/db.py"] = files["app/core/db.py"].replace("request.state.mysql = session", "request.state.mysql = 1")
    root = write_project(tmp_path / "p", files)
    assert findings(root, "LC201", "LC302") == []


def test_a_run_on_one_service_reads_the_module_that_fills_the_slot(tmp_path: Path) -> None:
    """A partial run (pre-commit's changed file) answers as the whole run does, and a warm
    run sees the slot emptied in another module."""
    root = write_project(tmp_path / "p", STATE_SLOTS)
    one = run_layercheck(["check", "--no-cache", "--output-format", "concise", "app/services/users.py"], root)
    assert [line.split(": ")[1].split()[0] for line in one.output.splitlines() if ": LC" in line] == ["LC302"] * 3
    assert run_layercheck(["check", "--output-format", "concise", "app"], root).exit_code == 1
    db = root / "app/core/db.py"
    db.write_text(db.read_text().replace("request.state.mysql = session", "request.state.mysql = None"))
    warm = run_layercheck(["check", "--output-format", "concise", "--select", "LC201,LC302", "app"], root)
    assert warm.exit_code == 0, warm.output


# The reviewers' reads of the round's findings.
REVIEWED = {
    "app/__init__.py": "",
    "app/config.py": """
        from pydantic_settings import BaseSettings


        class Settings(BaseSettings):
            RATE_LIMIT_REFRESH_TOKEN: str = "30/minute"
            LOGIN_RATE_LIMIT_TOKEN: str = "5 per hour"
            SECRET_KEY: str = "changeme"
    """,
    "app/repositories/__init__.py": "",
    "app/repositories/tokens.py": """
        SQL_INSERT_ROTATED_REFRESH_TOKEN = "INSERT INTO refresh_tokens (jti, user_id) VALUES (:jti, :uid)"
        SERVICE_TOKEN = "sk-live-8f2a9c"
        _NO_AUTH_API_KEY = "not-required"
    """,
    "app/api/__init__.py": "",
    "app/api/menus.py": """
        from typing import Any, Dict
        from uuid import UUID

        from fastapi import APIRouter
        from sqlalchemy import text

        router = APIRouter()


        @router.put("/menus/order")
        async def reorder(ordenes: Dict[UUID, int], labels: dict[str, list[str]]):
            return {"ok": True}


        @router.post("/menus/raw")
        async def raw(payload: Dict[str, Any], nested: dict[str, dict], loose: dict):
            return payload


        @router.get("/health")
        async def health(cursor):
            statement = text("SELECT 1 FROM menus WHERE id = :id")
            cursor.execute("SELECT name FROM menus WHERE id = 1")
            return statement
    """,
}


def test_sql_statements_and_rate_limits_named_like_tokens_are_no_secrets(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", REVIEWED)
    assert findings(root, "LC604") == [("app/config.py", 7, "LC604"), ("app/repositories/tokens.py", 2, "LC604")]


def test_a_mapping_whose_values_are_typed_is_a_validated_body(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", REVIEWED)
    assert findings(root, "LC204") == [("app/api/menus.py", 16, "LC204")] * 3


def test_the_sql_string_of_a_reported_text_call_is_one_finding(tmp_path: Path) -> None:
    """`text("SELECT ...")` is one query: one finding, the call's; the raw string a cursor
    runs (no session, no builder) is the string's."""
    root = write_project(tmp_path / "p", REVIEWED)
    assert findings(root, "LC201") == [("app/api/menus.py", 22, "LC201"), ("app/api/menus.py", 23, "LC201")]


# A project's logger made by a generic helper: `lazy_proxy(getter) -> T` returns whatever
# its getter does, so its origin is out of sight and the name convention decides.
GENERIC_LOGGER = {
    "app/__init__.py": "",
    "app/kit/__init__.py": "",
    "app/kit/types.py": """
        from typing import Callable, TypeVar

        T = TypeVar("T")


        def lazy_proxy[U](getter: Callable[[], U]) -> U:
            return getter()


        def lazy_old(getter: Callable[[], T]) -> T:
            return getter()


        def make_cache() -> dict:
            return {}
    """,
    "app/kit/log.py": """
        from loguru import logger as _loguru

        from app.kit.types import lazy_old, lazy_proxy, make_cache


        def _get_logger():
            return _loguru


        logger = lazy_proxy(_get_logger)
        log = lazy_old(_get_logger)
        cache = lazy_proxy(make_cache)
        table = make_cache()
    """,
    "app/services/__init__.py": "",
    "app/services/users.py": """
        from app.kit.log import cache, log, logger, table


        def login(user_id: int) -> None:
            logger.info(f"user {user_id} logged in")
            log.warning(f"user {user_id} again")
            cache.info(f"not a log {user_id}")
            table.info(f"not a log {user_id}")
    """,
}


def test_a_logger_made_by_a_generic_helper_is_named_like_one(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", GENERIC_LOGGER)
    assert findings(root, "LC701") == [("app/services/users.py", 5, "LC701"), ("app/services/users.py", 6, "LC701")]


# A router calling a repository object's method is LC202; calling a method of what that
# object's attributes hold (its ORM class's column) is not a repository call.
REPOSITORY_ATTRIBUTES = {
    "app/__init__.py": "",
    "app/models.py": """
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class AuditLog(Base):
            __tablename__ = "audit_logs"
            id: Mapped[int] = mapped_column(primary_key=True)
            created_at: Mapped[int] = mapped_column()
    """,
    "app/crud/__init__.py": """
        from app.crud.audit_crud import audit_log
    """,
    "app/crud/audit_crud.py": """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import AuditLog


        class CRUDAuditLog:
            def __init__(self, model):
                self.model = model

            async def get(self, session: AsyncSession, log_id: int):
                return await session.scalar(select(self.model).where(self.model.id == log_id))


        audit_log = CRUDAuditLog(AuditLog)
    """,
    "app/api/__init__.py": "",
    "app/api/audit.py": """
        from fastapi import APIRouter

        from app import crud

        router = APIRouter()


        @router.get("/audit/{log_id}")
        async def read(log_id: int, session):
            order = crud.audit_log.model.created_at.desc()
            return await crud.audit_log.get(session, log_id), order
    """,
}


def test_a_method_of_a_repository_objects_attribute_is_no_repository_call(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", REPOSITORY_ATTRIBUTES)
    assert findings(root, "LC202") == [("app/api/audit.py", 11, "LC202")]


def test_a_generic_helper_hands_out_what_its_getter_returns(tmp_path: Path) -> None:
    """`logger = lazy_proxy(_get_logger)` with `_get_logger() -> "Logger"` (loguru's): a
    loguru logger, whose messages take `{}` templates, also through `logger.opt(...)`."""
    files = dict(GENERIC_LOGGER)
    files["app/kit/log.py"] = """
        from typing import TYPE_CHECKING

        from loguru import logger as _loguru

        from app.kit.types import lazy_proxy

        if TYPE_CHECKING:
            from loguru import Logger


        def _get_logger() -> "Logger":
            return _loguru


        logger = lazy_proxy(_get_logger)
        log = logger
        cache = lazy_proxy(dict)
        table = cache
    """
    files["app/services/users.py"] = files["app/services/users.py"].replace(
        'log.warning(f"user {user_id} again")', 'logger.opt(depth=1).warning(f"user {user_id} again")'
    )
    root = write_project(tmp_path / "p", files)
    run = check_json(root, "--select", "LC701")
    found = [(item["location"]["row"], item["message"]) for item in run.json()]
    assert [row for row, _ in found] == [5, 6]
    assert all("`{}` template" in message for _, message in found)


def test_an_aiologger_logger_from_a_project_helper_is_a_logger(tmp_path: Path) -> None:
    """`get_logger(name) -> Logger` building aiologger's `Logger`: its awaited calls take the
    standard library's messages, so an f-string message is LC701."""
    files = {
        "app/__init__.py": "",
        "app/utils/__init__.py": """
            from aiologger import Logger


            def get_logger(name: str) -> Logger:
                return Logger(name=name)
        """,
        "app/core/__init__.py": "",
        "app/core/errors.py": """
            from app.utils import get_logger

            logger = get_logger(__name__)


            async def on_error(errors) -> None:
                await logger.error(f"Request Validation Error: {errors}")
                await logger.error("Request Validation Error: %s", errors)
        """,
    }
    root = write_project(tmp_path / "p", files)
    assert findings(root, "LC701") == [("app/core/errors.py", 7, "LC701")]

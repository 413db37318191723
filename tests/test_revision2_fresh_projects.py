"""SPEC revision 2, the lessons of the fourth round: projects labeled fresh and scored blind
(a domain-first app on Temporal, a folder-first app whose `models/` hold data-access
classes, a large sync app with star re-exports and overloads) and a reviewer's read of a
fourth. Each is reproduced in a small project of our own and checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import run_layercheck, write_project
from test_revision2 import findings, orm_module, placed


def test_a_name_holding_a_dict_or_a_list_is_no_session_whatever_its_name(tmp_path: Path) -> None:
    # `agent_by_session = {...}` then `agent_by_session.get(sid)`: a dict, known as one.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/api/__init__.py": "",
            "app/api/graph.py": """
                from fastapi import APIRouter
                from sqlalchemy import text

                router = APIRouter()


                @router.get("/graph")
                async def graph(agents: list[dict], session) -> dict:
                    agent_by_session = {a["session_id"]: a["id"] for a in agents}
                    db_session = [a["id"] for a in agents]
                    first = db_session.index(1)
                    await session.execute(text("SELECT 1"))  # a session by its name: flagged
                    return {"agent": agent_by_session.get("s1"), "first": first}
            """,
        },
    )
    # (the session call and the `text()` it runs: both on the one line)
    assert {line for _, line, _ in findings(root, "LC201")} == {12}


def test_what_an_annotated_method_of_the_class_returns_is_what_the_name_holds(tmp_path: Path) -> None:
    # `session = await self._get_session()` where `_get_session() -> aiohttp.ClientSession`:
    # an HTTP client; one whose method returns an `AsyncSession` is a database session.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/api/__init__.py": "",
            "app/api/routes.py": """
                import aiohttp
                from fastapi import APIRouter
                from sqlalchemy.ext.asyncio import AsyncSession

                router = APIRouter()


                class Remote:
                    async def _get_session(self) -> aiohttp.ClientSession:
                        return self._session

                    async def health(self) -> bool:
                        session = await self._get_session()
                        async with session.get("https://example.com/health") as response:
                            return response.status == 200


                class Local:
                    def _open(self) -> AsyncSession:
                        return self._session

                    async def count(self) -> int:
                        conn = self._open()
                        return await conn.scalar("SELECT count(*) FROM t")  # flagged


                @router.get("/health")
                async def health() -> bool:
                    return await Remote().health() and await Local().count() > 0
            """,
        },
    )
    assert {line for _, line, _ in findings(root, "LC201")} == {24}


def test_an_http_client_under_api_that_uses_its_session_is_in_no_layer(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/api/__init__.py": "",
            "app/api/cloud_client.py": """
                import aiohttp


                class CloudClient:
                    def __init__(self) -> None:
                        self._session: aiohttp.ClientSession | None = None

                    async def _get_session(self) -> aiohttp.ClientSession:
                        if self._session is None:
                            self._session = aiohttp.ClientSession()
                        return self._session

                    async def status(self) -> int:
                        session = await self._get_session()
                        async with session.get("https://example.com/status") as response:
                            return response.status
            """,
        },
    )
    assert placed(root)["app/api/cloud_client.py"]["layer"] is None
    assert findings(root, "LC201") == []


def test_a_name_a_package_re_exports_with_a_star_is_followed_past_a_type_hint_import(tmp_path: Path) -> None:
    # `models/policy/__init__.py` star-imports `conditional.py` (which imports `Policy` from
    # the package for a hint) and then `policy.py`, which defines it.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models/__init__.py": "",
            "app/models/base.py": orm_module("Account"),
            "app/models/policy/__init__.py": """
                from app.models.policy.conditional import *
                from app.models.policy.policy import *
            """,
            "app/models/policy/conditional.py": """
                from typing import TYPE_CHECKING

                if TYPE_CHECKING:
                    from app.models.policy import Policy


                def applies(policy: "Policy") -> bool:
                    return True
            """,
            "app/models/policy/policy.py": """
                from sqlalchemy.orm import Mapped, mapped_column

                from app.models.base import Base


                class Policy(Base):
                    __tablename__ = "policies"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "app/api/__init__.py": "",
            "app/api/policies.py": """
                from fastapi import APIRouter

                from app.models.policy import Policy

                router = APIRouter()


                @router.get("/policies")
                async def names() -> list[str]:
                    return [Policy.__tablename__]
            """,
        },
    )
    assert findings(root, "LC104") == [("app/api/policies.py", 3, "LC104")]


def test_temporal_activities_and_workflows_are_the_task_layer(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Workspace"),
            "app/workspaces/__init__.py": "",
            "app/workspaces/activities.py": """
                from temporalio import activity

                from app.models import Workspace


                @activity.defn
                async def rename(workspace_id: int, name: str) -> str:
                    return Workspace.__tablename__ + name
            """,
            "app/workspaces/workflows.py": """
                from temporalio import workflow


                @workflow.defn
                class Rename:
                    @workflow.run
                    async def run(self, name: str) -> str:
                        return name
            """,
        },
    )
    layers = placed(root)
    assert layers["app/workspaces/activities.py"]["layer"] == "task"
    assert layers["app/workspaces/workflows.py"]["layer"] == "task"
    assert findings(root, "LC103") == [("app/workspaces/activities.py", 3, "LC103")]


def test_a_models_module_with_a_data_access_class_beside_its_tables_may_import_sessions(tmp_path: Path) -> None:
    # `models/notes.py`: the `Note` table, and `NoteTable` whose methods query, exposed as
    # `Notes = NoteTable()`. Its session import is the data access's; routers importing
    # `Notes` import data access (LC102). A models module whose only queries are event
    # listeners is still the model layer (LC101).
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/db.py": """
                from sqlalchemy.orm import DeclarativeBase


                class Base(DeclarativeBase):
                    pass
            """,
            "app/models/__init__.py": "",
            "app/models/notes.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession
                from sqlalchemy.orm import Mapped, mapped_column

                from app.db import Base


                class Note(Base):
                    __tablename__ = "notes"
                    id: Mapped[int] = mapped_column(primary_key=True)


                class NoteTable:
                    async def get(self, db: AsyncSession, note_id: int) -> Note | None:
                        return await db.get(Note, note_id)

                    async def all(self, db: AsyncSession) -> list[Note]:
                        return list((await db.scalars(select(Note))).all())


                Notes = NoteTable()
            """,
            "app/models/audit.py": """
                from sqlalchemy import event
                from sqlalchemy.orm import Mapped, Session, mapped_column

                from app.db import Base


                class Audit(Base):
                    __tablename__ = "audits"
                    id: Mapped[int] = mapped_column(primary_key=True)


                @event.listens_for(Session, "after_flush")
                def record(session, context) -> None:
                    session.add(Audit())
            """,
            "app/routers/__init__.py": "",
            "app/routers/notes.py": """
                from fastapi import APIRouter

                from app.models.notes import Notes

                router = APIRouter()


                @router.get("/notes")
                async def notes(db) -> int:
                    return len(await Notes.all(db))
            """,
        },
    )
    assert findings(root, "LC101", "LC102") == [
        ("app/models/audit.py", 2, "LC101"),
        ("app/routers/notes.py", 3, "LC102"),
    ]


def test_a_constant_of_the_config_module_is_a_config_import(tmp_path: Path) -> None:
    # `from app.env import TOKEN_KEY` in a models module: configuration, against the layer
    # direction; a constant of a models module imported by a service is no layer's code.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/env.py": """
                import os

                TOKEN_KEY = os.getenv("TOKEN_KEY", "")
                PAGE_SIZE = int(os.getenv("PAGE_SIZE", "20"))
            """,
            "app/models/__init__.py": "",
            "app/models/tokens.py": """
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

                from app.env import TOKEN_KEY

                MAX_TOKENS = 5


                class Base(DeclarativeBase):
                    pass


                class Token(Base):
                    __tablename__ = TOKEN_KEY or "tokens"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "app/services/__init__.py": "",
            "app/services/tokens.py": """
                from app.env import PAGE_SIZE
                from app.models.tokens import MAX_TOKENS


                def limit() -> int:
                    return min(PAGE_SIZE, MAX_TOKENS)
            """,
        },
    )
    assert findings(root, "LC103") == [("app/models/tokens.py", 3, "LC103")]


def test_a_file_named_for_a_repository_that_uses_no_database_is_no_repository(tmp_path: Path) -> None:
    # `tasks/code_graph/resolve_repo.py` clones git repositories; `users_repo.py` deriving
    # from a base repository with no query of its own is one.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/tasks/__init__.py": "",
            "app/tasks/resolve_repo.py": """
                import subprocess
                from pathlib import Path


                def clone(url: str, target: Path) -> Path:
                    subprocess.run(["git", "clone", url, str(target)], check=True)
                    return target
            """,
            "app/base_repository.py": """
                class BaseRepository:
                    model: type = object
            """,
            "app/users_repo.py": """
                from app.base_repository import BaseRepository


                class UsersRepository(BaseRepository):
                    pass
            """,
        },
    )
    layers = placed(root)
    assert layers["app/tasks/resolve_repo.py"]["layer"] == "task"
    assert layers["app/users_repo.py"]["layer"] == "repository"


def test_a_module_with_a_settings_class_beside_its_queries_is_no_config_module(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/settings_store.py": """
                from pydantic_settings import BaseSettings


                class Settings(BaseSettings):
                    debug: bool = False
            """,
            "app/api_keys.py": """
                from pydantic_settings import BaseSettings
                from sqlalchemy.ext.asyncio import AsyncSession


                class ApiKeySettings(BaseSettings):
                    hash_keys: bool = False


                async def create_api_key(session: AsyncSession, key: str) -> None:
                    session.add(key)
                    await session.flush()
            """,
        },
    )
    layers = placed(root)
    assert layers["app/settings_store.py"]["layer"] == "config"
    assert layers["app/api_keys.py"]["layer"] != "config"


def test_a_json_decode_error_answered_with_400_may_carry_its_text(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/api/__init__.py": "",
            "app/api/upload.py": """
                import json

                from fastapi import APIRouter, HTTPException

                router = APIRouter()


                @router.post("/graph")
                async def graph(body: str) -> dict:
                    try:
                        return json.loads(body)
                    except json.JSONDecodeError as error:
                        raise HTTPException(status_code=400, detail=f"not valid JSON: {error}")


                @router.post("/other")
                async def other(body: str) -> dict:
                    try:
                        return json.loads(body)
                    except OSError as error:
                        raise HTTPException(status_code=400, detail=str(error))  # flagged
            """,
        },
    )
    assert findings(root, "LC603") == [("app/api/upload.py", 21, "LC603")]


def test_a_switch_named_like_a_secret_is_no_secret(tmp_path: Path) -> None:
    # `HASH_API_KEY = os.getenv("HASH_API_KEY", "false")`: whether to hash keys, not a key.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/keys.py": """
                import os

                HASH_API_KEY = os.getenv("HASH_API_KEY", "false").lower() == "true"
                SIGNING_SECRET = os.getenv("SIGNING_SECRET", "s3cr3t-value")
            """,
        },
    )
    assert findings(root, "LC604") == [("app/keys.py", 4, "LC604")]


SDK_BESIDE_SERVER = {
    "app/__init__.py": "from app.sdk.login import login\n",
    "app/main.py": """
        from fastapi import FastAPI

        from app.routers.items import router

        app = FastAPI()
        app.include_router(router)
    """,
    "app/routers/__init__.py": "",
    "app/routers/items.py": """
        from fastapi import APIRouter

        from app import __name__ as package_name
        from app.tooling.utils import BANNER
        from app.core.helpers import describe

        router = APIRouter()


        @router.get("/items")
        async def items() -> str:
            return describe(package_name) + BANNER
    """,
    "app/tooling/__init__.py": "",
    "app/tooling/utils.py": """
        from app.tooling.commands import push

        BANNER = "ACME"
        COMMANDS = [push]
    """,
    "app/tooling/commands.py": """
        def push() -> None:
            print("pushed")
    """,
    "app/core/__init__.py": "",
    "app/core/helpers.py": """
        def describe(name: str) -> str:
            print("describing", name)  # flagged
            return name
    """,
    "app/sdk/__init__.py": "",
    "app/sdk/login.py": """
        def login(code: str) -> None:
            print("open https://example.com/device and enter", code)
    """,
}


def test_print_in_a_module_in_no_layer_counts_where_the_server_reaches_it(tmp_path: Path) -> None:
    # The app imports the router, which imports `core/helpers.py`, a name of the package
    # `app` (whose `__init__` re-exports an SDK's device login) and a constant of the tooling's
    # utilities (which import its commands): the helper is server code, the SDK's terminal
    # prompt and the tooling's commands are not. A run on the SDK file alone answers the same.
    root = write_project(tmp_path / "proj", SDK_BESIDE_SERVER)
    assert findings(root, "LC704") == [("app/core/helpers.py", 2, "LC704")]
    only = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC704", "app/sdk/login.py"], root)
    assert only.exit_code == 0, only.output
    assert only.json() == []


def test_print_in_a_module_in_no_layer_counts_when_no_server_is_in_sight(tmp_path: Path) -> None:
    files = {path: source for path, source in SDK_BESIDE_SERVER.items() if path.startswith("app/sdk")}
    root = write_project(tmp_path / "proj", {"app/__init__.py": "", **files})
    assert findings(root, "LC704") == [("app/sdk/login.py", 2, "LC704")]


def test_a_protocol_declaring_what_a_session_does_types_a_session(tmp_path: Path) -> None:
    # `class SupportsExecute(Protocol): async def execute(...)` in the database module: a
    # parameter typed with it is a session (LC302), and importing it in a service is a
    # database import (LC103); a protocol of something else is neither.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/db/__init__.py": "",
            "app/db/engine.py": """
                from typing import Any, Protocol

                from sqlalchemy.ext.asyncio import create_async_engine

                engine = create_async_engine("sqlite+aiosqlite://")


                class SupportsExecute(Protocol):
                    async def execute(self, statement: Any) -> Any: ...


                class SupportsSend(Protocol):
                    async def get(self, url: str) -> Any: ...
            """,
            "app/services/__init__.py": "",
            "app/services/settings.py": """
                from sqlalchemy import text

                from app.db.engine import SupportsExecute, SupportsSend


                async def read(conn: SupportsExecute, client: SupportsSend) -> object:
                    await client.get("https://example.com")
                    return await conn.execute(text("SELECT 1"))
            """,
        },
    )
    assert findings(root, "LC103", "LC302") == [
        ("app/services/settings.py", 3, "LC103"),
        ("app/services/settings.py", 8, "LC302"),
        ("app/services/settings.py", 8, "LC302"),
    ]


def test_a_temporal_activity_in_a_service_module_leaves_it_a_service(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Schedule"),
            "app/schedules/__init__.py": "",
            "app/schedules/service.py": """
                from temporalio import activity

                from app.models import Schedule


                class ScheduleService:
                    @staticmethod
                    @activity.defn
                    async def run_schedule(schedule_id: int) -> str:
                        return Schedule.__tablename__
            """,
        },
    )
    assert placed(root)["app/schedules/service.py"]["layer"] == "service"
    assert findings(root, "LC103") == []


def test_a_variable_copied_under_its_own_name_into_a_child_environment_is_passed_on(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/sandbox.py": """
                import os
                import subprocess


                def run(cmd: list[str]) -> None:
                    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ["HOME"]}
                    env["LIMIT"] = os.environ.get("SANDBOX_LIMIT", "1")  # flagged
                    subprocess.run(cmd, env={"PATH": os.getenv("HOME", "")}, check=True)  # flagged
            """,
        },
    )
    assert findings(root, "LC602") == [("app/sandbox.py", 7, "LC602"), ("app/sandbox.py", 8, "LC602")]


def test_names_masks_and_sentinels_of_secrets_are_no_secrets(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/secrets.py": """
                EXTERNAL_ID_SECRET_KEY = "AWS_EXTERNAL_ID"
                REDACTED_SECRET = "********"
                END_TOKEN = "[TURN_END]"
                PENDING_BOT_TOKEN = "__pending_bot_token__"
                SLACK_BOT_TOKEN = "xoxb-1234-abcd"
            """,
        },
    )
    assert findings(root, "LC604") == [("app/secrets.py", 5, "LC604")]


def test_an_exception_narrowed_by_isinstance_to_a_domain_error_may_carry_its_text(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/errors.py": """
                class NotFoundError(Exception):
                    pass
            """,
            "app/api/__init__.py": "",
            "app/api/errors.py": """
                from fastapi import HTTPException

                from app.errors import NotFoundError


                def translate(exc: Exception) -> HTTPException:
                    if isinstance(exc, NotFoundError):
                        return HTTPException(status_code=404, detail=str(exc))
                    if isinstance(exc, (KeyError, ValueError)): return HTTPException(400, str(exc))
                    return HTTPException(status_code=500, detail=str(exc))  # flagged
            """,
        },
    )
    assert findings(root, "LC603") == [("app/api/errors.py", 9, "LC603"), ("app/api/errors.py", 10, "LC603")]


SWAPPED_NAMES = {
    # The ORM tables live in `stores/schemas/`, the Pydantic classes in `models/`; routers
    # reach a store class (a Pydantic model of many querying methods, beside its enum and
    # configuration) through an accessor annotated to return it.
    "app/__init__.py": "",
    "app/models/__init__.py": "",
    "app/models/tag.py": """
        from typing import TYPE_CHECKING

        from pydantic import BaseModel

        if TYPE_CHECKING:
            from app.stores.schemas.tag_schemas import TagSchema


        class TagResponse(BaseModel):
            name: str

            @classmethod
            def of(cls, row: "TagSchema") -> "TagResponse":
                return cls(name=row.name)
    """,
    "app/stores/__init__.py": "",
    "app/stores/schemas/__init__.py": "",
    "app/stores/schemas/tag_schemas.py": """
        from sqlmodel import Field, SQLModel

        from app.models.tag import TagResponse


        class TagSchema(SQLModel, table=True):
            id: int | None = Field(default=None, primary_key=True)
            name: str

            def to_model(self) -> TagResponse:
                return TagResponse(name=self.name)
    """,
    "app/stores/sql_store.py": """
        from enum import Enum

        from pydantic import BaseModel
        from sqlmodel import Session, select

        from app.stores.schemas.tag_schemas import TagSchema


        class Driver(str, Enum):
            SQLITE = "sqlite"


        class StoreConfiguration(BaseModel):
            url: str = "sqlite://"


        class SqlStore(BaseModel):
            def get_tag(self, session: Session, name: str) -> TagSchema | None:
                return session.exec(select(TagSchema).where(TagSchema.name == name)).first()

            def list_tags(self, session: Session) -> list[TagSchema]:
                return list(session.exec(select(TagSchema)).all())

            def delete_tag(self, session: Session, tag: TagSchema) -> None:
                session.delete(tag)
    """,
    "app/server/__init__.py": "",
    "app/server/utils.py": """
        from app.stores.sql_store import SqlStore

        _STORE = SqlStore()


        def store() -> SqlStore:
            return _STORE
    """,
    "app/server/routers/__init__.py": "",
    "app/server/routers/tags.py": """
        from fastapi import APIRouter

        from app.server.utils import store

        router = APIRouter()


        @router.get("/tags")
        def tags(session) -> list[str]:
            return [tag.name for tag in store().list_tags(session)]
    """,
}


def test_tables_in_a_schemas_folder_and_pydantic_classes_in_models_are_judged_by_what_they_are(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path / "proj", SWAPPED_NAMES)
    layers = placed(root)
    assert layers["app/stores/schemas/tag_schemas.py"]["layer"] == "model"
    assert findings(root, "LC103") == [("app/models/tag.py", 6, "LC103"), ("app/stores/schemas/tag_schemas.py", 3, "LC103")]


def test_a_router_calling_a_store_through_its_accessor_calls_the_repository(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", SWAPPED_NAMES)
    assert findings(root, "LC202") == [("app/server/routers/tags.py", 10, "LC202")]


def test_a_get_or_delete_with_a_url_is_an_http_request_whatever_the_receiver(tmp_path: Path) -> None:
    # `session = await get_session()` from a helper the module cannot see into, then
    # `session.get(f"{url}/search")`: a database session's `get` takes a model, not a string.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/web/__init__.py": "",
            "app/web/pool.py": "async def get_session():\n    ...\n",
            "app/web/brave.py": """
                from app.web.pool import get_session


                async def search_brave(url: str, query: str) -> dict:
                    session = await get_session()
                    async with session.get(f"{url}/search", params={"q": query}) as response:
                        return await response.json()
            """,
            "app/routers/__init__.py": "",
            "app/routers/retrieval.py": """
                from fastapi import APIRouter
                from sqlalchemy import text

                from app.web.brave import search_brave

                router = APIRouter()


                @router.get("/search")
                async def search(q: str, session) -> dict:
                    await session.execute(text("SELECT 1"))  # flagged (a session by its name)
                    return await search_brave("https://example.com", q)
            """,
        },
    )
    assert findings(root, "LC102", "LC202") == []
    assert {line for _, line, _ in findings(root, "LC201")} == {11}


def test_an_exception_handed_to_a_message_helper_is_not_its_text(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/constants.py": """
                class ERROR_MESSAGES:
                    @staticmethod
                    def DEFAULT(error: Exception | None = None, fallback: str = "") -> str:
                        return f"[ERROR: {fallback or 'something went wrong'}]"
            """,
            "app/api/__init__.py": "",
            "app/api/groups.py": """
                from fastapi import APIRouter, HTTPException

                from app.constants import ERROR_MESSAGES

                router = APIRouter()


                @router.post("/groups")
                async def create() -> None:
                    try:
                        ...
                    except Exception as e:
                        raise HTTPException(status_code=500, detail=ERROR_MESSAGES.DEFAULT(e, "could not create"))


                @router.delete("/groups")
                async def delete() -> None:
                    try:
                        ...
                    except Exception as e:
                        raise HTTPException(status_code=500, detail=ERROR_MESSAGES.DEFAULT(str(e)))  # flagged
            """,
        },
    )
    assert findings(root, "LC603") == [("app/api/groups.py", 21, "LC603")]


def test_modules_named_for_models_that_hold_no_table_are_in_no_layer(tmp_path: Path) -> None:
    # `utils/models.py` listing the LLM models on offer, `retrieval/models/colbert.py` a
    # reranker: "models" of machine learning, not of the database.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/routers/__init__.py": "",
            "app/routers/chat.py": """
                from fastapi import APIRouter

                router = APIRouter()


                @router.get("/models")
                async def models() -> list[str]:
                    return []
            """,
            "app/utils/__init__.py": "",
            "app/utils/models.py": """
                from app.routers.chat import models


                async def all_models() -> list[str]:
                    return await models()
            """,
            "app/retrieval/__init__.py": "",
            "app/retrieval/models/__init__.py": "",
            "app/retrieval/models/colbert.py": """
                from app.utils.models import all_models


                class ColBERT:
                    async def rerank(self, query: str) -> list[str]:
                        return await all_models()
            """,
        },
    )
    assert placed(root)["app/utils/models.py"]["layer"] is None
    assert findings(root, "LC103") == []

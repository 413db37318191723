"""Repositories, schemas and models, sessions, config and errors (LC401–LC405, LC501–LC504,
LC601–LC604): each rule run through the CLI on small projects, flagged, clean and near-miss."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest
from conftest import check_json, run_layercheck

# Makes a project "async": LC401 only holds projects on SQLAlchemy's asyncio extension.
DATABASE = """
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

    engine = create_async_engine("postgresql+asyncpg://localhost/app")
    AsyncSessionLocal = async_sessionmaker(engine, expire_on_commit=False)
"""
BASE = """
    from sqlalchemy.orm import DeclarativeBase

    class Base(DeclarativeBase):
        pass
"""
USER_MODEL = """
    from sqlalchemy.orm import Mapped, mapped_column

    from app.models.base import Base

    class User(Base):
        __tablename__ = "users"
        id: Mapped[int] = mapped_column(primary_key=True)
"""
MODELS = {"app/models/base.py": BASE, "app/models/user.py": USER_MODEL}


def found(root: Path, code: str, *flags: str) -> list[tuple[str, int]]:
    """`(path, line)` of each finding of `code`, paths relative to the project root."""
    run = check_json(root, "--select", code, *flags)
    assert run.exit_code in (0, 1), run.output + run.stderr
    base = root.resolve()
    return sorted(
        (Path(item["filename"]).resolve().relative_to(base).as_posix(), item["location"]["row"])
        for item in run.json()
        if item["code"] == code
    )


CASES = [
    # ----- LC401 repository-not-async ---------------------------------------------------------
    pytest.param(
        "LC401",
        {
            "app/database.py": DATABASE,
            "app/repositories/user_repository.py": """
                from sqlalchemy import select

                from app.models.user import User

                def by_email(email: str):
                    return select(User).where(User.email == email)

                class UserRepository:
                    def __init__(self, session):
                        self.session = session

                    def count(self):
                        return self.session.scalar(select(User.id))

                    async def get(self, user_id: int):
                        return await self.session.get(User, user_id)
            """,
            **MODELS,
        },
        # `by_email` only builds a statement: no I/O, not flagged (SPEC revision 2).
        [("app/repositories/user_repository.py", 12)],
        id="LC401-sync-function-and-method",
    ),
    pytest.param(
        "LC401",
        {
            "app/database.py": DATABASE,
            "app/repositories/user_repository.py": """
                import enum
                from dataclasses import dataclass
                from typing import Self

                from sqlalchemy import event, select
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.models.user import User

                def _by_email(email: str):
                    return select(User).where(User.email == email)

                def page_bounds(page: int, size: int) -> tuple[int, int]:
                    return (page - 1) * size, size

                def get_repository(repository_class):
                    def _dependency(session: AsyncSession):
                        return repository_class(session)
                    return _dependency

                @event.listens_for(User, "before_insert")
                def lowercase_email(mapper, connection, target):
                    target.email = target.email.lower()

                class Order(enum.StrEnum):
                    NEWEST = "newest"

                    def clause(self):
                        return select(User.id)

                @dataclass
                class Page:
                    size: int

                    def offset(self, number: int) -> int:
                        return number * self.size

                class UserRepository:
                    def __init__(self, session: AsyncSession) -> None:
                        self.session = session

                    @classmethod
                    def from_session(cls, session: AsyncSession) -> Self:
                        return cls(session)

                    @property
                    def model(self):
                        return User

                    async def get(self, user_id: int):
                        return await self.session.get(User, user_id)
            """,
            **MODELS,
        },
        [],
        id="LC401-private-factories-hooks-helpers-value-types-pass",
    ),
    pytest.param(
        "LC401",
        {
            "app/db.py": "from sqlmodel import Session, create_engine\n\nengine = create_engine('sqlite://')\n",
            "app/crud.py": """
                from sqlmodel import Session, select

                from app.models.user import User

                def get_user(session: Session, user_id: int):
                    return session.exec(select(User).where(User.id == user_id)).first()
            """,
            **MODELS,
        },
        [],
        id="LC401-sync-project-is-not-held",
    ),
    pytest.param(
        "LC401",
        {
            "app/database.py": DATABASE,
            "app/services/user_service.py": """
                from sqlalchemy import select

                def build_query():
                    return select(1)
            """,
        },
        [],
        id="LC401-sync-function-outside-repositories",
    ),
    # ----- LC402 repository-returns-dict ------------------------------------------------------
    pytest.param(
        "LC402",
        {
            "app/repositories/order_repository.py": """
                from typing import Any

                from sqlalchemy import select, func

                async def summary(db, user_id: int):
                    count = await db.scalar(select(func.count()))
                    return {"orders": count}

                async def rows(db):
                    result = await db.execute(select(1))
                    return result.mappings().all()

                async def first(db):
                    row = (await db.execute(select(1))).one()
                    return row._asdict()

                async def listed(db) -> list[dict[str, Any]]:
                    result = await db.execute(select(1))
                    return [dict(row) for row in result]

                async def as_dicts(db):
                    result = await db.execute(select(1))
                    return [dict(row._mapping) for row in result]

                async def serialize(db, user_id: int):
                    user = await db.get(object, user_id)
                    return {column.name: getattr(user, column.name) for column in user.__table__.columns}

                async def totals(db) -> dict[str, int]:
                    return {"orders": await db.scalar(select(func.count()))}

                async def row(db) -> dict[str, int | str] | None:
                    return None
            """,
        },
        [
            ("app/repositories/order_repository.py", 7),
            ("app/repositories/order_repository.py", 11),
            ("app/repositories/order_repository.py", 15),
            ("app/repositories/order_repository.py", 17),
            ("app/repositories/order_repository.py", 23),
            ("app/repositories/order_repository.py", 27),
            ("app/repositories/order_repository.py", 30),
            ("app/repositories/order_repository.py", 32),
        ],
        id="LC402-dict-literal-mappings-asdict-annotation-dict-call-serializer",
    ),
    pytest.param(
        "LC402",
        {
            "app/repositories/user_repository.py": """
                from uuid import UUID

                from sqlalchemy import select, update

                from app.models.user import User

                async def by_ids(db, ids: list[UUID]) -> dict[UUID, User]:
                    users = (await db.scalars(select(User).where(User.id.in_(ids)))).all()
                    return {user.id: user for user in users}

                async def rename(db, user_id: int, name: str) -> User:
                    values = {"name": name}
                    await db.execute(update(User).where(User.id == user_id).values(**values))
                    return await db.get(User, user_id)

                def _filters(name: str) -> dict[str, str]:
                    return {"name": name}

                async def with_callback(db):
                    def to_row(user):
                        return {"id": user.id}
                    return [user for user in await db.scalars(select(User))]

                async def by_name(db, names: list[str]) -> dict[str, User]:
                    users = await db.scalars(select(User).where(User.name.in_(names)))
                    return {user.name: user for user in users}

                async def counts(db):
                    rows = (await db.execute(select(User.id, User.id))).all()
                    return {user_id: count for user_id, count in rows}

                async def counted(db) -> dict[UUID, int]:
                    return {}
            """,
            "app/services/report_service.py": """
                async def summary(total: int) -> dict[str, int]:
                    return {"total": total}
            """,
            **MODELS,
        },
        [],
        id="LC402-instance-indexes-counts-kwargs-private-nested-and-services-pass",
    ),
    # ----- LC403 http-in-repository -------------------------------------------------------------
    pytest.param(
        "LC403",
        {
            "app/repositories/user_repository.py": """
                from fastapi import HTTPException, status
                from starlette.exceptions import HTTPException as StarletteHTTPException

                async def get_or_404(db, user_id: int):
                    user = await db.get(object, user_id)
                    if user is None:
                        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND)
                    if not user:
                        raise StarletteHTTPException(404)
                    return user
            """,
            "app/repositories/base.py": "import fastapi\n",
        },
        [
            ("app/repositories/base.py", 1),
            ("app/repositories/user_repository.py", 1),
            ("app/repositories/user_repository.py", 1),
            ("app/repositories/user_repository.py", 2),
            ("app/repositories/user_repository.py", 7),
            ("app/repositories/user_repository.py", 9),
        ],
        id="LC403-fastapi-starlette-imports-and-calls",
    ),
    pytest.param(
        "LC403",
        {
            "app/repositories/user_repository.py": """
                class UserNotFound(Exception):
                    pass

                async def get(db, user_id: int):
                    user = await db.get(object, user_id)
                    if user is None:
                        raise UserNotFound(user_id)
                    return user
            """,
            "app/services/user_service.py": """
                from fastapi import HTTPException

                def not_found():
                    raise HTTPException(status_code=404, detail="User not found")
            """,
        },
        [],
        id="LC403-domain-error-and-http-in-service-pass",
    ),
    # ----- LC404 raw-sql-in-repository ----------------------------------------------------------
    pytest.param(
        "LC404",
        {
            "app/repositories/user_repository.py": """
                import sqlalchemy as sa
                from sqlalchemy import text

                async def by_email(db, email: str):
                    return await db.execute(text("SELECT * FROM users WHERE email = :email"), {"email": email})

                async def by_table(db, table: str):
                    return await db.execute(sa.text(f"SELECT id FROM {table} WHERE active"))

                async def purge(db):
                    await db.execute("DELETE FROM sessions WHERE expired")
            """,
        },
        [
            ("app/repositories/user_repository.py", 5),
            ("app/repositories/user_repository.py", 8),
            ("app/repositories/user_repository.py", 11),
        ],
        id="LC404-text-fstring-and-execute-literal",
    ),
    pytest.param(
        "LC404",
        {
            "app/repositories/user_repository.py": """
                from sqlalchemy import select, text

                from app.models.user import User

                QUERY = "SELECT * FROM users"

                def text(value):  # a local helper, not sqlalchemy's
                    return value

                async def ordered(db):
                    return await db.scalars(select(User).order_by(text("SELECT id FROM users")))

                async def lock(db, key: int):
                    await db.execute(select(User).from_statement(text_of(QUERY)))

                async def raw(pool):
                    async with pool.acquire() as conn:
                        return await conn.execute("DELETE FROM sessions WHERE expired")
            """,
            "app/services/report_service.py": """
                from sqlalchemy import text

                def raw():
                    return text("SELECT 1 FROM users")
            """,
            **MODELS,
        },
        [],
        id="LC404-local-text-variable-driver-connection-and-service-pass",
    ),
    # ----- LC405 execute-in-loop ----------------------------------------------------------------
    pytest.param(
        "LC405",
        {
            "app/repositories/order_repository.py": """
                from sqlalchemy import update
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.models.user import User

                async def mark(db: AsyncSession, ids: list[int]) -> None:
                    for user_id in ids:
                        await db.execute(update(User).where(User.id == user_id).values(active=False))

                async def load(session, ids: list[int]):
                    return [await session.get(User, user_id) for user_id in ids]

                class UserRepository:
                    def __init__(self, session: AsyncSession) -> None:
                        self.session = session

                    async def refresh_all(self, users: list[User]) -> None:
                        for user in users:
                            await self.session.refresh(user)
            """,
            **MODELS,
        },
        [
            ("app/repositories/order_repository.py", 8),
            ("app/repositories/order_repository.py", 11),
            ("app/repositories/order_repository.py", 19),
        ],
        id="LC405-for-comprehension-and-self-session",
    ),
    pytest.param(
        "LC405",
        {
            "app/repositories/order_repository.py": """
                from itertools import batched

                from sqlalchemy import select, update
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.models.user import User

                async def names(db: AsyncSession) -> list[str]:
                    return [user.name for user in await db.scalars(select(User))]

                async def deactivate(db: AsyncSession, ids: list[int]) -> None:
                    for batch in batched(ids, 500):
                        await db.execute(update(User).where(User.id.in_(batch)).values(active=False))

                async def drain(db: AsyncSession) -> None:
                    while True:
                        result = await db.execute(update(User).where(User.active).values(active=False))
                        if not result.rowcount:
                            break

                async def retry(db: AsyncSession) -> None:
                    for _ in range(3):
                        await db.execute(select(1))

                async def add_all(db: AsyncSession, users: list[User]) -> None:
                    cache = {}
                    for user in users:
                        db.add(user)
                        cache.get(user.id)
                    await db.flush()
            """,
            **MODELS,
        },
        [],
        id="LC405-iterable-batches-while-retry-and-add-pass",
    ),
    # ----- LC501 pydantic-v1-config -------------------------------------------------------------
    pytest.param(
        "LC501",
        {
            "app/schemas/base.py": """
                from pydantic import BaseModel

                class Schema(BaseModel):
                    pass
            """,
            "app/schemas/user.py": """
                from pydantic import ConfigDict

                from app.schemas.base import Schema

                class UserOut(Schema):
                    id: int

                    class Config:
                        orm_mode = True

                class UserIn(Schema):
                    model_config = ConfigDict(orm_mode=True)
            """,
            "app/config.py": """
                from pydantic_settings import BaseSettings

                class Settings(BaseSettings):
                    DATABASE_URL: str

                    class Config:
                        env_file = ".env"
            """,
        },
        [("app/config.py", 6), ("app/schemas/user.py", 8), ("app/schemas/user.py", 12)],
        id="LC501-config-class-settings-and-v1-key",
    ),
    pytest.param(
        "LC501",
        {
            "app/schemas/user.py": """
                from pydantic import BaseModel, ConfigDict
                from pydantic.v1 import BaseModel as V1Model

                class UserOut(BaseModel):
                    model_config = ConfigDict(from_attributes=True)

                class Legacy(V1Model):
                    class Config:
                        orm_mode = True

                class Plain:
                    class Config:
                        orm_mode = True
            """,
        },
        [],
        id="LC501-v2-config-pydantic-v1-and-plain-class-pass",
    ),
    # ----- LC502 out-schema-without-from-attributes ---------------------------------------------
    pytest.param(
        "LC502",
        {
            "app/schemas/user.py": """
                from pydantic import BaseModel, ConfigDict

                class UserBase(BaseModel):
                    email: str

                class UserOut(UserBase):
                    id: int

                class OrderOut(BaseModel):
                    model_config = ConfigDict(extra="forbid")
            """,
        },
        [("app/schemas/user.py", 6), ("app/schemas/user.py", 9)],
        id="LC502-missing-and-config-without-key",
    ),
    pytest.param(
        "LC502",
        {
            "app/schemas/base.py": """
                from pydantic import BaseModel, ConfigDict

                class OrmSchema(BaseModel):
                    model_config = ConfigDict(from_attributes=True)

                SHARED = ConfigDict(from_attributes=True)
            """,
            "app/schemas/user.py": """
                from typing import Generic, TypeVar

                from pydantic import BaseModel
                from sqlmodel import SQLModel

                from app.schemas.base import SHARED, OrmSchema

                T = TypeVar("T")

                class UserOut(OrmSchema):
                    id: int

                class PageOut(OrmSchema, Generic[T]):
                    items: list[T]

                class HeroOut(SQLModel):
                    id: int

                class TokenOut(BaseModel):
                    model_config = SHARED

                class LegacyOut(BaseModel):
                    class Config:
                        orm_mode = True

                class CheckOut:
                    pass

                class UserCreate(BaseModel):
                    email: str
            """,
        },
        [],
        id="LC502-inherited-external-unreadable-v1-and-non-models-pass",
    ),
    # ----- LC503 orm-column-style ---------------------------------------------------------------
    pytest.param(
        "LC503",
        {
            "app/models/base.py": BASE,
            "app/models/item.py": """
                import sqlalchemy as sa
                from sqlalchemy import Column, Integer, String

                from app.models.base import Base

                class Item(Base):
                    __tablename__ = "items"
                    id = Column(Integer, primary_key=True)
                    name: str = sa.Column(String(64))
            """,
        },
        [("app/models/item.py", 8), ("app/models/item.py", 9)],
        id="LC503-column-attributes",
    ),
    pytest.param(
        "LC503",
        {
            "app/models/base.py": BASE,
            "app/models/item.py": """
                from sqlalchemy import JSON, Column, ForeignKey, Integer, Table
                from sqlalchemy.orm import Mapped, mapped_column
                from sqlmodel import Field, SQLModel

                from app.models.base import Base

                item_tags = Table(
                    "item_tags",
                    Base.metadata,
                    Column("item_id", ForeignKey("items.id")),
                )

                class Item(Base):
                    __tablename__ = "items"
                    id: Mapped[int] = mapped_column(Integer, primary_key=True)

                class Hero(SQLModel, table=True):
                    id: int | None = Field(default=None, primary_key=True)
                    data: dict = Field(sa_column=Column(JSON))

                class Row:
                    id = Column(Integer)
            """,
        },
        [],
        id="LC503-table-mapped-sqlmodel-sa-column-and-plain-class-pass",
    ),
    # ----- LC504 schema-imports-orm -------------------------------------------------------------
    pytest.param(
        "LC504",
        {
            **MODELS,
            "app/models/__init__.py": "from app.models.user import User\n",
            "app/schemas/user.py": """
                from pydantic import BaseModel

                from app.models import User
                from app.models import user as user_models

                class UserOut(BaseModel):
                    id: int
            """,
        },
        [("app/schemas/user.py", 3), ("app/schemas/user.py", 4)],
        id="LC504-reexported-model-and-model-module",
    ),
    pytest.param(
        "LC504",
        {
            **MODELS,
            "app/models/status.py": "import enum\n\nclass Status(enum.StrEnum):\n    ACTIVE = 'active'\n",
            "app/schemas/base.py": "from pydantic import BaseModel\n\nclass Schema(BaseModel):\n    pass\n",
            "app/schemas/user.py": """
                from app.models.status import Status
                from app.schemas.base import Schema

                class UserOut(Schema):
                    id: int
                    status: Status
            """,
            "app/services/user_service.py": "from app.models.user import User\n",
        },
        [],
        id="LC504-schema-imports-and-model-import-outside-schemas-pass",
    ),
    # ----- LC601 session-built-by-hand ----------------------------------------------------------
    pytest.param(
        "LC601",
        {
            "app/database.py": DATABASE,
            "app/services/report_service.py": """
                from sqlalchemy.ext.asyncio import create_async_engine

                from app.database import AsyncSession, engine

                reporting_engine = create_async_engine("postgresql+asyncpg://replica/app")

                async def run():
                    async with AsyncSession(engine) as session:
                        return session
            """,
            "app/tasks/cleanup.py": """
                from sqlalchemy.orm import sessionmaker

                Factory = sessionmaker()
            """,
        },
        [("app/services/report_service.py", 5), ("app/services/report_service.py", 8), ("app/tasks/cleanup.py", 3)],
        id="LC601-engine-session-and-factory-outside-database",
    ),
    pytest.param(
        "LC601",
        {
            "app/database.py": DATABASE,
            "app/main.py": DATABASE,
            "tests/conftest.py": DATABASE,
            "app/tasks/cleanup.py": """
                from app.database import AsyncSessionLocal

                async def cleanup():
                    async with AsyncSessionLocal() as session:
                        await session.commit()
            """,
            "app/models/user.py": """
                from sqlalchemy import event
                from sqlalchemy.orm import Session

                from app.models.base import Base

                class User(Base):
                    __tablename__ = "users"

                @event.listens_for(User, "after_insert")
                def audit(mapper, connection, target):
                    Session(bind=connection).flush()
            """,
            "app/models/base.py": BASE,
        },
        [],
        id="LC601-database-main-tests-factory-call-and-event-hook-pass",
    ),
    # ----- LC602 env-read-outside-config --------------------------------------------------------
    pytest.param(
        "LC602",
        {
            "app/services/mail_service.py": """
                import os

                HOST = os.getenv("SMTP_HOST", "localhost")
                PORT = int(os.environ["SMTP_PORT"])
                DEBUG = "DEBUG" in os.environ
            """,
            "app/utils/flags.py": """
                from os import environ

                ENABLED = environ.get("FEATURE_X") == "1"
            """,
        },
        [
            ("app/services/mail_service.py", 3),
            ("app/services/mail_service.py", 4),
            ("app/services/mail_service.py", 5),
            ("app/utils/flags.py", 3),
        ],
        id="LC602-getenv-subscript-in-and-module-in-no-layer",
    ),
    pytest.param(
        # The rule runs only on files that mention `environ` or `getenv`: an alias still
        # names it in its import.
        "LC602",
        {
            "app/services/flags.py": """
                from os import environ as env, getenv as read

                ENABLED = env.get("FEATURE_X") == "1"
                LEVEL = read("LEVEL")
            """,
        },
        [("app/services/flags.py", 3), ("app/services/flags.py", 4)],
        id="LC602-aliased-getters",
    ),
    pytest.param(
        "LC602",
        {
            "app/config.py": """
                import os

                DATABASE_URL = os.getenv("DATABASE_URL", "")
            """,
            "app/main.py": """
                import os
                import subprocess

                os.environ["TZ"] = "UTC"
                os.environ.setdefault("PYTHONASYNCIODEBUG", "0")
                del os.environ["TMP"]
                subprocess.run(["alembic", "upgrade", "head"], env=dict(os.environ))
            """,
            "tests/test_config.py": """
                import os

                URL = os.environ["DATABASE_URL"]
            """,
            "alembic/env.py": """
                import os

                URL = os.getenv("DATABASE_URL")
            """,
            "scripts/seed.py": """
                import os

                URL = os.environ["DATABASE_URL"]
            """,
            "app/services/lookup.py": """
                def pick(environ: dict[str, str]) -> str | None:
                    return environ.get("KEY")
            """,
        },
        [],
        id="LC602-config-writes-tests-migrations-scripts-and-local-dict-pass",
    ),
    # ----- LC603 error-details-to-client --------------------------------------------------------
    pytest.param(
        "LC603",
        {
            "app/api/orders.py": """
                import traceback

                from fastapi import APIRouter, HTTPException, Request
                from fastapi.responses import JSONResponse

                router = APIRouter()

                @router.post("/orders")
                async def place(order_id: int):
                    try:
                        return await place_order(order_id)
                    except ValueError as exc:
                        raise HTTPException(status_code=500, detail=str(exc))
                    except KeyError as missing:
                        raise HTTPException(400, f"missing field {missing}")
                    except Exception:
                        return JSONResponse(status_code=500, content={"trace": traceback.format_exc()})

                async def handler(request: Request, exc: Exception) -> JSONResponse:
                    return JSONResponse(status_code=500, content={"detail": repr(exc)})
            """,
        },
        [("app/api/orders.py", 13), ("app/api/orders.py", 15), ("app/api/orders.py", 17), ("app/api/orders.py", 20)],
        id="LC603-str-fstring-traceback-and-handler-parameter",
    ),
    pytest.param(
        "LC603",
        {
            "app/errors.py": """
                class OrderRejected(Exception):
                    pass
            """,
            "app/api/orders.py": """
                import structlog
                from fastapi import APIRouter, HTTPException, Request, status
                from fastapi.exceptions import RequestValidationError
                from fastapi.responses import JSONResponse

                from app.errors import OrderRejected

                log = structlog.get_logger()
                router = APIRouter()

                @router.post("/orders/{order_id}")
                async def place(order_id: int):
                    try:
                        return await place_order(order_id)
                    except OrderRejected as exc:
                        raise HTTPException(status_code=409, detail=str(exc))
                    except ValueError as exc:
                        log.warning("order_rejected", error=str(exc))
                        raise HTTPException(status_code=404, detail=f"Order {order_id} not found")

                async def validation(request: Request, exc: RequestValidationError) -> JSONResponse:
                    return JSONResponse(status_code=422, content={"detail": exc.errors(), "text": str(exc)})

                @router.get("/orders")
                async def search(q: str):
                    try:
                        return parse_query(q)
                    except ValueError as exc:  # input rejected: its text answers a 4xx
                        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail=str(exc))
            """,
        },
        [],
        id="LC603-domain-error-validation-errors-logged-text-and-rejected-input-pass",
    ),
    # ----- LC604 hardcoded-secret ---------------------------------------------------------------
    pytest.param(
        "LC604",
        {
            "app/config.py": """
                import os

                from pydantic import Field, SecretStr
                from pydantic_settings import BaseSettings

                class Settings(BaseSettings):
                    SECRET_KEY: str = "changeme"
                    stripe_api_key: SecretStr = SecretStr("sk_live_123")
                    db_password: str = Field(default="postgres")

                JWT_SECRET = os.getenv("JWT_SECRET", "dev-secret")
            """,
            "app/core/security.py": """
                from app.core.base_settings import AppSettings

                API_TOKEN = "a1b2c3d4"

                class AuthSettings(AppSettings):
                    signing_key: str = "insecure"
            """,
            "app/core/base_settings.py": """
                from pydantic_settings import BaseSettings

                class AppSettings(BaseSettings):
                    pass
            """,
        },
        [
            ("app/config.py", 7),
            ("app/config.py", 8),
            ("app/config.py", 9),
            ("app/config.py", 11),
            ("app/core/security.py", 3),
            ("app/core/security.py", 6),
        ],
        id="LC604-settings-fields-constants-and-getenv-fallback",
    ),
    pytest.param(
        "LC604",
        {
            "app/config.py": """
                import enum

                from pydantic_settings import BaseSettings

                class TokenType(enum.StrEnum):
                    ACCESS_TOKEN = "access"

                class Settings(BaseSettings):
                    SECRET_KEY: str
                    SMTP_PASSWORD: str = ""
                    TOKEN_URL: str = "/auth/token"
                    ACCESS_TOKEN_EXPIRE_MINUTES: int = 30
                    PRIVATE_KEY: str = "keys/private.pem"

                PK_TOKEN = "token"
                PASSWORD = "password"
            """,
            "app/core/settings/test.py": """
                from pydantic_settings import BaseSettings

                class TestSettings(BaseSettings):
                    secret_key: str = "test-secret"
            """,
            "app/services/forms.py": """
                class LoginForm:
                    password: str = "hunter2"
            """,
            "tests/conftest.py": 'SECRET_KEY = "test-secret"\n',
        },
        [],
        id="LC604-no-default-empty-non-secret-names-key-names-test-settings-pass",
    ),
]


@pytest.mark.parametrize(("code", "files", "expected"), CASES)
def test_rule_findings(project, code: str, files: dict[str, str], expected: list[tuple[str, int]]) -> None:
    root: Path = project(files)
    assert found(root, code) == sorted(expected)


# ----- options --------------------------------------------------------------------------------


def test_lc401_include_private_holds_private_helpers(project) -> None:
    files = {
        "app/database.py": DATABASE,
        "app/repositories/user_repository.py": "from sqlalchemy import select\n\ndef _query(db):\n    return db.execute(select(1))\n",
    }
    root: Path = project(files)
    assert found(root, "LC401") == []
    root = project(files, pyproject="[tool.layercheck.rules.LC401]\ninclude-private = true\n")
    assert found(root, "LC401") == [("app/repositories/user_repository.py", 3)]


def test_lc401_ignore_names_option(project) -> None:
    files = {
        "app/database.py": DATABASE,
        "app/repositories/user_repository.py": """
            from sqlalchemy import select

            class UserRepository:
                def __init__(self, session):
                    self.session = session

                def get_active_statement(self):
                    return select(1)

                def sync_count(self):
                    return self.session.scalar(select(2))

                def count(self):
                    return self.session.scalar(select(2))
        """,
    }
    root: Path = project(files, pyproject='[tool.layercheck.rules.LC401]\nignore-names = ["sync_*"]\n')
    assert found(root, "LC401") == [("app/repositories/user_repository.py", 13)]


def test_lc502_suffixes_option(project) -> None:
    files = {
        "app/schemas/user.py": """
            from pydantic import BaseModel

            class UserResponse(BaseModel):
                id: int

            class UserOut(BaseModel):
                id: int
        """
    }
    root: Path = project(files, pyproject='[tool.layercheck.rules.LC502]\nsuffixes = ["Response"]\n')
    assert found(root, "LC502") == [("app/schemas/user.py", 3)]


def test_lc602_allowed_layers_option(project) -> None:
    files = {
        "app/database.py": "import os\n\nfrom sqlalchemy import create_engine\n\n"
        "engine = create_engine(os.getenv('DATABASE_URL'))\n"
    }
    root: Path = project(files)
    assert found(root, "LC602") == [("app/database.py", 5)]
    root = project(files, pyproject='[tool.layercheck.rules.LC602]\nallowed-layers = ["config", "database"]\n')
    assert found(root, "LC602") == []


def test_lc604_secret_names_option(project) -> None:
    files = {"app/core/keys.py": 'STRIPE_WEBHOOK_SIGNATURE = "whsec_123"\n'}
    root: Path = project(files)
    assert found(root, "LC604") == []
    root = project(files, pyproject='[tool.layercheck.rules.LC604]\nsecret-names = ["signature"]\n')
    assert found(root, "LC604") == [("app/core/keys.py", 1)]


# ----- fixes ------------------------------------------------------------------------------------


def fixed(root: Path, code: str, path: str, *flags: str) -> str:
    run = run_layercheck(["--no-cache", "--select", code, "--fix", *flags, "."], root)
    assert run.exit_code in (0, 1), run.output + run.stderr
    text = (root / path).read_text()
    ast.parse(text)
    return text


FIX_CASES = [
    pytest.param(
        "LC501",
        """
            from pydantic import BaseModel, Extra

            class UserOut(BaseModel):
                id: int

                class Config:
                    orm_mode = True
                    allow_population_by_field_name = True
                    extra = Extra.forbid
                    allow_mutation = False

                def label(self) -> str:
                    return str(self.id)
        """,
        """
            from pydantic import BaseModel, Extra, ConfigDict

            class UserOut(BaseModel):
                id: int

                model_config = ConfigDict(from_attributes=True, populate_by_name=True, extra="forbid", frozen=True)

                def label(self) -> str:
                    return str(self.id)
        """,
        id="LC501-keys-renamed-inverted-and-import-added",
    ),
    pytest.param(
        "LC501",
        """
            \"\"\"Settings.\"\"\"

            from pydantic_settings import BaseSettings

            class Settings(BaseSettings):
                DATABASE_URL: str

                class Config:  # read .env in development
                    env_file = ".env"
        """,
        """
            \"\"\"Settings.\"\"\"

            from pydantic_settings import BaseSettings, SettingsConfigDict

            class Settings(BaseSettings):
                DATABASE_URL: str

                model_config = SettingsConfigDict(env_file=".env")  # read .env in development
        """,
        id="LC501-settings-class-keeps-comment",
    ),
    pytest.param(
        "LC501",
        """
            import pydantic

            class UserIn(pydantic.BaseModel):
                model_config = pydantic.ConfigDict(orm_mode=True)
        """,
        """
            import pydantic

            class UserIn(pydantic.BaseModel):
                model_config = pydantic.ConfigDict(from_attributes=True)
        """,
        id="LC501-v1-key-in-v2-config-renamed",
    ),
    pytest.param(
        "LC502",
        """
            from pydantic import BaseModel

            class UserOut(BaseModel):
                \"\"\"A user as the API shows it.\"\"\"
                id: int
        """,
        """
            from pydantic import BaseModel, ConfigDict

            class UserOut(BaseModel):
                \"\"\"A user as the API shows it.\"\"\"
                model_config = ConfigDict(from_attributes=True)

                id: int
        """,
        id="LC502-model-config-inserted-after-docstring",
    ),
    pytest.param(
        "LC502",
        """
            from pydantic import BaseModel, ConfigDict

            class UserOut(BaseModel):
                model_config = ConfigDict(
                    extra="forbid",
                )
                id: int
        """,
        """
            from pydantic import BaseModel, ConfigDict

            class UserOut(BaseModel):
                model_config = ConfigDict(
                    extra="forbid",
                    from_attributes=True,
                )
                id: int
        """,
        id="LC502-key-added-to-multiline-config",
    ),
    pytest.param(
        "LC502",
        """
            from app.schemas.base import Schema

            class UserOut(Schema):
                model_config = {"extra": "forbid"}
        """,
        """
            from app.schemas.base import Schema

            class UserOut(Schema):
                model_config = {"extra": "forbid", "from_attributes": True}
        """,
        id="LC502-key-added-to-dict-config",
    ),
]


@pytest.mark.parametrize(("code", "before", "after"), FIX_CASES)
def test_fix_rewrites_config(project, code: str, before: str, after: str) -> None:
    files = {
        "app/schemas/user.py": before,
        "app/schemas/base.py": "from pydantic import BaseModel\n\nclass Schema(BaseModel):\n    pass\n",
    }
    root: Path = project(files)
    assert fixed(root, code, "app/schemas/user.py") == textwrap.dedent(after).lstrip("\n")
    assert found(root, code) == []


def test_lc501_fix_not_offered_for_unmappable_keys(project) -> None:
    root: Path = project(
        {
            "app/schemas/user.py": """
                from pydantic import BaseModel

                class UserOut(BaseModel):
                    class Config:
                        orm_mode = True
                        fields = {"id": "user_id"}
            """
        }
    )
    run = check_json(root, "--select", "LC501")
    (finding,) = run.json()
    assert finding["location"]["row"] == 4 and finding["fix"] is None


def test_lc502_fix_not_offered_next_to_v1_config(project) -> None:
    root: Path = project(
        {
            "app/schemas/user.py": """
                from pydantic import BaseModel

                class UserOut(BaseModel):
                    class Config:
                        extra = "forbid"
            """
        }
    )
    run = check_json(root, "--select", "LC502")
    (finding,) = run.json()
    assert finding["fix"] is None


def test_lc501_fix_is_unsafe_when_comments_inside_config_would_be_lost(project) -> None:
    root: Path = project(
        {
            "app/schemas/user.py": """
                from pydantic import BaseModel

                class UserOut(BaseModel):
                    class Config:
                        # read attributes from ORM objects
                        orm_mode = True
            """
        }
    )
    (finding,) = check_json(root, "--select", "LC501").json()
    assert finding["fix"]["applicability"] == "unsafe"
    assert "from_attributes=True" in finding["fix"]["edits"][0]["content"]


def test_lc501_no_fix_in_a_module_still_on_pydantic_v1(project) -> None:
    root: Path = project(
        {
            "app/config.py": """
                from pydantic import BaseSettings

                class Settings(BaseSettings):
                    class Config:
                        env_file = ".env"
            """
        }
    )
    (finding,) = check_json(root, "--select", "LC501").json()
    assert finding["fix"] is None

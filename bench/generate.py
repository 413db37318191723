"""Write a deterministic, layered FastAPI + SQLAlchemy project of about N Python files.

Folder-first layout that the default `supernova` preset maps without configuration:

    app/models/<domain>.py                  SQLAlchemy 2.0 `Mapped` models
    app/schemas/<domain>.py                 pydantic schemas
    app/repositories/<domain>_repository.py queries on an `AsyncSession`
    app/services/<domain>_service.py        business logic, logging
    app/api/routes/<domain>.py              FastAPI routers
    app/tasks/<domain>.py                   background jobs (for the files left over)
    app/core/{config,db}.py, app/api/deps.py, app/main.py, app/services/report_service.py

A fixed share of modules carries the violations layercheck exists to find (a router that
imports a model, runs SQL or imports a repository, a service that imports a session type or
the api layer, f-string and `%` log messages), so rules and candidates do real work.
`report_service.py` is about 1,000 lines: the file the editor re-check is timed on.
Same N, same seed: byte-identical output.
"""

from __future__ import annotations

import random
from pathlib import Path

_WORDS = (
    "account invoice customer order payment refund product price discount coupon subscription "
    "benefit license webhook event checkout cart shipment warehouse inventory supplier ticket "
    "comment review rating message notification campaign report metric dashboard team member "
    "role permission session token device address tax currency ledger transfer payout dispute "
    "file upload export import schedule calendar booking room venue artist album track playlist"
).split()
_FIELD_TYPES = (
    ("str", "String(255)"),
    ("int", "Integer"),
    ("bool", "Boolean"),
    ("datetime", "DateTime(timezone=True)"),
    ("Decimal", "Numeric(12, 2)"),
)
SHARED_FILES = 12  # 6 in _SHARED, report_service, summary_service, main and 3 __init__.py


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _domains(count: int) -> list[str]:
    names = []
    for index in range(count):
        first = _WORDS[index % len(_WORDS)]
        second = _WORDS[(index // len(_WORDS) * 7 + index) % len(_WORDS)]
        names.append(f"{first}_{second}_{index}")
    return names


def _fields(rng: random.Random) -> list[tuple[str, str, str]]:
    picked = []
    for index in range(rng.randint(4, 12)):
        python_type, column_type = _FIELD_TYPES[rng.randrange(len(_FIELD_TYPES))]
        picked.append((f"{rng.choice(_WORDS)}_{index}", python_type, column_type))
    return picked


def model_module(domain: str, fields: list[tuple[str, str, str]], rng: random.Random) -> str:
    cls = _camel(domain)
    lines = [
        f'"""The `{domain}` table."""',
        "",
        "from __future__ import annotations",
        "",
        "from datetime import datetime",
        "from decimal import Decimal",
        "",
        "from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, Numeric, String",
        "from sqlalchemy.orm import Mapped, mapped_column, relationship",
        "",
        "from app.models.base import Base",
        "",
        "",
        f"class {cls}(Base):",
        f'    __tablename__ = "{domain}"',
        "",
        "    id: Mapped[int] = mapped_column(Integer, primary_key=True)",
        "    owner_id: Mapped[int] = mapped_column(ForeignKey(\"account.id\"), index=True)",
    ]
    for name, python_type, column_type in fields:
        nullable = rng.random() < 0.3
        annotation = f"{python_type} | None" if nullable else python_type
        lines.append(f"    {name}: Mapped[{annotation}] = mapped_column({column_type}, nullable={nullable})")
    lines += [
        "    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))",
        "    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)",
        "",
        f'    children: Mapped[list["{cls}"]] = relationship(lazy="raise")',
        "",
        "    @property",
        "    def is_deleted(self) -> bool:",
        "        return self.deleted_at is not None",
        "",
        "    def __repr__(self) -> str:",
        f'        return f"{cls}(id={{self.id!r}})"',
        "",
    ]
    return "\n".join(lines)


def schema_module(domain: str, fields: list[tuple[str, str, str]]) -> str:
    cls = _camel(domain)
    lines = [
        f'"""Request and response bodies for `{domain}`."""',
        "",
        "from __future__ import annotations",
        "",
        "from datetime import datetime",
        "from decimal import Decimal",
        "",
        "from pydantic import BaseModel, ConfigDict, Field, field_validator",
        "",
        "",
        f"class {cls}Base(BaseModel):",
    ]
    for name, python_type, _ in fields:
        lines.append(f"    {name}: {python_type} | None = Field(default=None)")
    lines += [
        "",
        "",
        f"class {cls}Create({cls}Base):",
        "    owner_id: int",
        "",
        '    @field_validator("owner_id")',
        "    @classmethod",
        "    def positive(cls, value: int) -> int:",
        "        if value <= 0:",
        '            raise ValueError("must be positive")',
        "        return value",
        "",
        "",
        f"class {cls}Update({cls}Base):",
        "    pass",
        "",
        "",
        f"class {cls}Read({cls}Base):",
        "    model_config = ConfigDict(from_attributes=True)",
        "",
        "    id: int",
        "    created_at: datetime",
        "",
    ]
    return "\n".join(lines)


def repository_module(domain: str, rng: random.Random) -> str:
    cls = _camel(domain)
    lines = [
        f'"""Queries on `{domain}`."""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Sequence",
        "",
        "from fastapi import Depends",
        "from sqlalchemy import delete, func, select, update",
        "from sqlalchemy.ext.asyncio import AsyncSession",
        "",
        "from app.core.db import get_session",
        f"from app.models.{domain} import {cls}",
        f"from app.schemas.{domain} import {cls}Create, {cls}Update",
        "",
        "",
        f"class {cls}Repository:",
        "    def __init__(self, session: AsyncSession) -> None:",
        "        self.session = session",
        "",
        f"    async def get(self, item_id: int) -> {cls} | None:",
        f"        statement = select({cls}).where({cls}.id == item_id, {cls}.deleted_at.is_(None))",
        "        result = await self.session.execute(statement)",
        "        return result.scalar_one_or_none()",
        "",
        f"    async def list(self, owner_id: int, offset: int = 0, limit: int = 50) -> Sequence[{cls}]:",
        "        statement = (",
        f"            select({cls})",
        f"            .where({cls}.owner_id == owner_id)",
        f"            .order_by({cls}.created_at.desc())",
        "            .offset(offset)",
        "            .limit(limit)",
        "        )",
        "        result = await self.session.execute(statement)",
        "        return result.scalars().all()",
        "",
        "    async def count(self, owner_id: int) -> int:",
        f"        statement = select(func.count()).select_from({cls}).where({cls}.owner_id == owner_id)",
        "        return (await self.session.execute(statement)).scalar_one()",
        "",
        f"    async def create(self, data: {cls}Create) -> {cls}:",
        f"        item = {cls}(**data.model_dump())",
        "        self.session.add(item)",
        "        await self.session.flush()",
        "        return item",
        "",
        f"    async def update(self, item_id: int, data: {cls}Update) -> None:",
        "        values = data.model_dump(exclude_unset=True)",
        f"        await self.session.execute(update({cls}).where({cls}.id == item_id).values(**values))",
        "",
        "    async def delete(self, item_id: int) -> None:",
        f"        await self.session.execute(delete({cls}).where({cls}.id == item_id))",
        "",
    ]
    for index in range(rng.randint(0, 4)):
        lines += [
            f"    async def find_by_field_{index}(self, value: str) -> Sequence[{cls}]:",
            f"        statement = select({cls}).where({cls}.id > {index}).limit(100)",
            "        rows = await self.session.execute(statement)",
            "        return [row for row in rows.scalars() if str(row) != value]",
            "",
        ]
    lines += [
        "",
        f"async def get_{domain}_repository(session: AsyncSession = Depends(get_session)) -> {cls}Repository:",
        f"    return {cls}Repository(session)",
        "",
    ]
    return "\n".join(lines)


def service_module(domain: str, rng: random.Random, violations: set[str]) -> str:
    cls = _camel(domain)
    lines = [
        f'"""Business rules for `{domain}`."""',
        "",
        "from __future__ import annotations",
        "",
        "import logging",
        "",
        "from fastapi import Depends",
    ]
    if "service_session" in violations:
        lines.append("from sqlalchemy.ext.asyncio import AsyncSession")
    if "service_api" in violations:
        lines.append("from app.api.deps import CurrentUser")
    if "service_orm_return" in violations:
        lines.append(f"from app.models.{domain} import {cls}")
    lines += [
        f"from app.repositories.{domain}_repository import {cls}Repository, get_{domain}_repository",
        f"from app.schemas.{domain} import {cls}Create, {cls}Read, {cls}Update",
        "",
        "logger = logging.getLogger(__name__)",
        "",
        "",
        f"class {cls}NotFound(Exception):",
        "    pass",
        "",
        "",
        f"class {cls}Service:",
        f"    def __init__(self, repository: {cls}Repository) -> None:",
        "        self.repository = repository",
        "",
        f"    async def get(self, item_id: int) -> {cls}Read:",
        "        item = await self.repository.get(item_id)",
        "        if item is None:",
    ]
    if "fstring_log" in violations:
        lines.append(f'            logger.warning(f"{domain} {{item_id}} not found")')
    else:
        lines.append(f'            logger.warning("{domain} not found", extra={{"item_id": item_id}})')
    lines += [
        f"            raise {cls}NotFound(item_id)",
        f"        return {cls}Read.model_validate(item)",
        "",
    ]
    if "service_orm_return" in violations:
        lines += [
            f"    async def raw(self, item_id: int) -> {cls} | None:",
            "        return await self.repository.get(item_id)",
            "",
        ]
    lines += [
        f"    async def list(self, owner_id: int, page: int = 1) -> list[{cls}Read]:",
        "        offset = (page - 1) * 50",
        "        items = await self.repository.list(owner_id, offset=offset)",
        f"        return [{cls}Read.model_validate(item) for item in items]",
        "",
        f"    async def create(self, data: {cls}Create) -> {cls}Read:",
        "        item = await self.repository.create(data)",
    ]
    if "percent_log" in violations:
        lines.append(f'        logger.info("created {domain} %s" % item.id)')
    else:
        lines.append(f'        logger.info("created {domain}", extra={{"id": item.id}})')
    lines += [
        f"        return {cls}Read.model_validate(item)",
        "",
        f"    async def update(self, item_id: int, data: {cls}Update) -> {cls}Read:",
        "        await self.get(item_id)",
        "        await self.repository.update(item_id, data)",
        "        return await self.get(item_id)",
        "",
    ]
    for index in range(rng.randint(1, 6)):
        lines += [
            f"    async def rule_{index}(self, owner_id: int, threshold: int = {index * 10}) -> bool:",
            "        total = await self.repository.count(owner_id)",
            "        if total > threshold:",
            '            logger.debug("over threshold", extra={"owner": owner_id, "total": total})',
            "            return False",
            "        for attempt in range(3):",
            "            if attempt * threshold > total:",
            "                break",
            "        return total % 2 == 0",
            "",
        ]
    lines += [
        "",
        f"def get_{domain}_service(repository: {cls}Repository = Depends(get_{domain}_repository)) -> {cls}Service:",
        f"    return {cls}Service(repository)",
        "",
    ]
    if "service_session" in violations:
        lines += [
            "",
            f"async def build_{domain}_service(session: AsyncSession) -> {cls}Service:",
            f"    return {cls}Service({cls}Repository(session))",
            "",
        ]
    return "\n".join(lines)


def router_module(domain: str, rng: random.Random, violations: set[str]) -> str:
    cls = _camel(domain)
    lines = [
        f'"""HTTP endpoints for `{domain}`."""',
        "",
        "from __future__ import annotations",
        "",
        "from fastapi import APIRouter, Depends, HTTPException, status",
    ]
    if "router_sql" in violations:
        lines.append("from sqlalchemy import select")
    if "router_sql" in violations or "router_session" in violations:
        lines.append("from sqlalchemy.ext.asyncio import AsyncSession")
    lines.append("")
    if "router_sql" in violations:
        lines.append("from app.api.deps import CurrentUser, get_session")
    else:
        lines.append("from app.api.deps import CurrentUser")
    if "router_model" in violations or "router_sql" in violations:
        lines.append(f"from app.models.{domain} import {cls}")
    if "router_repository" in violations:
        lines.append(f"from app.repositories.{domain}_repository import {cls}Repository")
    lines += [
        f"from app.schemas.{domain} import {cls}Create, {cls}Read, {cls}Update",
        f"from app.services.{domain}_service import {cls}NotFound, {cls}Service",
        f"from app.services.{domain}_service import get_{domain}_service as get_service",
        "",
        f'router = APIRouter(prefix="/{domain.replace("_", "-")}", tags=["{domain}"])',
        "",
        "",
        f'@router.get("/{{item_id}}", response_model={cls}Read)',
        f"async def read_item(item_id: int, user: CurrentUser, service: {cls}Service = Depends(get_service)):",
        "    try:",
        "        return await service.get(item_id)",
        f"    except {cls}NotFound:",
        "        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND) from None",
        "",
        "",
        f'@router.get("/", response_model=list[{cls}Read])',
        f"async def list_items(user: CurrentUser, page: int = 1, service: {cls}Service = Depends(get_service)):",
        "    return await service.list(user.id, page)",
        "",
        "",
        f'@router.post("/", response_model={cls}Read, status_code=status.HTTP_201_CREATED)',
        f"async def create_item(data: {cls}Create, service: {cls}Service = Depends(get_service)):",
        "    return await service.create(data)",
        "",
        "",
        f'@router.patch("/{{item_id}}", response_model={cls}Read)',
        f"async def update_item(item_id: int, data: {cls}Update, service: {cls}Service = Depends(get_service)):",
        "    return await service.update(item_id, data)",
        "",
    ]
    if "router_sql" in violations:
        lines += [
            "",
            '@router.get("/search/{term}")',
            "async def search(term: str, session: AsyncSession = Depends(get_session)):",
            f"    rows = await session.execute(select({cls}).where({cls}.id > 0).limit(10))",
            "    return [row.id for row in rows.scalars()]",
            "",
        ]
    for index in range(rng.randint(0, 3)):
        lines += [
            "",
            f'@router.get("/{{item_id}}/check-{index}")',
            f"async def check_{index}(item_id: int, service: {cls}Service = Depends(get_service)) -> bool:",
            f"    return await service.rule_0(item_id, threshold={index})",
            "",
        ]
    return "\n".join(lines)


def task_module(domain: str, index: int) -> str:
    cls = _camel(domain)
    return "\n".join(
        [
            f'"""Background jobs for `{domain}` ({index})."""',
            "",
            "from __future__ import annotations",
            "",
            "import logging",
            "",
            f"from app.services.{domain}_service import {cls}Service",
            "",
            "logger = logging.getLogger(__name__)",
            "",
            "",
            f"async def sweep_{index}(service: {cls}Service, owner_id: int) -> int:",
            "    removed = 0",
            "    for page in range(1, 10):",
            "        items = await service.list(owner_id, page)",
            "        if not items:",
            "            break",
            "        removed += len(items)",
            '    logger.info("sweep done", extra={"removed": removed})',
            "    return removed",
            "",
        ]
    )


def report_module(lines_wanted: int = 1000) -> str:
    """A long service module: the file the editor re-check is timed on."""
    lines = [
        '"""Reporting: a long module, as real services grow."""',
        "",
        "from __future__ import annotations",
        "",
        "import logging",
        "from collections import defaultdict",
        "from datetime import datetime, timedelta",
        "",
        "logger = logging.getLogger(__name__)",
        "",
        "",
        "class ReportService:",
        "    def __init__(self, clock: datetime | None = None) -> None:",
        "        self.clock = clock or datetime.now()",
        "",
    ]
    index = 0
    while len(lines) < lines_wanted - 20:
        lines += [
            f"    def metric_{index}(self, rows: list[dict[str, float]], days: int = {index % 30 + 1}) -> dict:",
            f'        """Aggregate metric {index} over the last `days` days."""',
            "        since = self.clock - timedelta(days=days)",
            "        buckets: dict[str, float] = defaultdict(float)",
            "        for row in rows:",
            '            if row.get("at", 0) < since.timestamp():',
            "                continue",
            f'            key = str(row.get("key", "{index}"))',
            '            buckets[key] += row.get("value", 0.0) * ' + str(index % 7 + 1),
            "        if not buckets:",
            f'            logger.info("metric {index} is empty", extra={{"days": days}})',
            "        return dict(sorted(buckets.items()))",
            "",
        ]
        index += 1
    lines += ["", f"METRICS = {index}", ""]
    return "\n".join(lines)


_SHARED = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/config.py": '''"""Settings."""

from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    database_url: str = "postgresql+asyncpg://localhost/app"
    debug: bool = False


settings = Settings()
''',
    "app/core/db.py": '''"""The engine and the session factory."""

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from app.core.config import settings

engine = create_async_engine(settings.database_url)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as session:
        yield session
''',
    "app/api/deps.py": '''"""Dependencies shared by the routers."""

from typing import Annotated

from fastapi import Depends, Header

from app.core.db import get_session


class User:
    def __init__(self, user_id: int) -> None:
        self.id = user_id


async def current_user(x_user: Annotated[int, Header()]) -> User:
    return User(x_user)


CurrentUser = Annotated[User, Depends(current_user)]

__all__ = ["CurrentUser", "get_session"]
''',
    "app/models/base.py": '''"""The declarative base."""

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
''',
}


def generate(root: Path, files: int, seed: int = 1) -> Path:
    """Write the project below `root` (which must be empty or absent); return `root`."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "generated-app"\n\n[tool.layercheck]\n')
    written: dict[str, str] = dict(_SHARED)
    written["app/services/report_service.py"] = report_module()
    # About 500 lines: the file the language server's re-check after an edit is timed on.
    written["app/services/summary_service.py"] = report_module(500)
    per_domain = 5
    budget = max(files - SHARED_FILES, per_domain)
    domains = _domains(budget // per_domain)
    for number, domain in enumerate(domains):
        violations = set()
        # One service in seven returns its ORM model unmapped (LC301): what an edit of that
        # model must re-decide (drawn without the random generator: the rest stays as it was).
        if number % 7 == 3:
            violations.add("service_orm_return")
        # About one module in six of each kind carries a violation.
        for kind in ("router_model", "router_sql", "router_repository", "router_session",
                     "service_session", "service_api", "fstring_log", "percent_log"):
            if rng.random() < 1 / 6:
                violations.add(kind)
        fields = _fields(rng)
        written[f"app/models/{domain}.py"] = model_module(domain, fields, rng)
        written[f"app/schemas/{domain}.py"] = schema_module(domain, fields)
        written[f"app/repositories/{domain}_repository.py"] = repository_module(domain, rng)
        written[f"app/services/{domain}_service.py"] = service_module(domain, rng, violations)
        written[f"app/api/routes/{domain}.py"] = router_module(domain, rng, violations)
    leftover = files - len(written) - 4  # main.py and three __init__.py files below
    for index in range(max(leftover, 0)):
        domain = domains[index % len(domains)]
        written[f"app/tasks/{domain}_{index}.py"] = task_module(domain, index)
    routes = "\n".join(f"from app.api.routes import {d} as {d}_routes" for d in domains[:50])
    written["app/main.py"] = f'"""The application."""\n\nfrom fastapi import FastAPI\n\n{routes}\n\napp = FastAPI()\n'
    for package in ("app/api/__init__.py", "app/api/routes/__init__.py", "app/models/__init__.py"):
        written[package] = ""
    for relative, text in sorted(written.items()):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root

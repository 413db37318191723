"""SPEC revision 2, the lessons of the seventeenth round: what a reviewer reading a large
template's findings rejected (a job manager and a task tracker querying in a `jobs/` folder,
GraphQL DataLoaders composing strawberry's loader, the terminal's variables read where the
logs are coloured), each a small project of our own, checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, orm_module, placed

# A `jobs/` package holding the job rows' manager beside its enums and audit helper: the
# manager submits, claims and lists jobs through the session; no function is a job.
JOB_STORE = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Job"),
    "app/infra/__init__.py": "",
    "app/infra/tasks/__init__.py": "",
    "app/infra/tasks/jobs/__init__.py": "",
    "app/infra/tasks/jobs/enums.py": """
        import enum


        class JobStatus(enum.Enum):
            PENDING = "pending"
            DONE = "done"
    """,
    "app/infra/tasks/jobs/audit.py": """
        from sqlalchemy import insert
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import Job


        class AuditTrail:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def record(self, job_id: int, event: str) -> None:
                await self.session.execute(insert(Job).values(id=job_id, name=event))

            async def note(self, job_id: int) -> None:
                await self.session.execute(insert(Job).values(id=job_id, name="note"))

            async def flush(self) -> None:
                await self.session.flush()
    """,
    "app/infra/tasks/jobs/manager.py": """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.infra.tasks.jobs.audit import AuditTrail
        from app.infra.tasks.jobs.enums import JobStatus
        from app.models import Job


        class JobManager:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session
                self.audit = AuditTrail(session)

            async def submit(self, name: str) -> Job:
                job = Job(name=name)
                self.session.add(job)
                await self.session.flush()
                return job

            async def get(self, job_id: int) -> Job | None:
                return await self.session.get(Job, job_id)

            async def pending(self) -> list[Job]:
                result = await self.session.execute(select(Job).where(Job.status == JobStatus.PENDING))
                return list(result.scalars())
    """,
    "app/tasks/__init__.py": "",
    "app/tasks/cleanup.py": """
        from celery import shared_task

        from app.infra.tasks.jobs.enums import JobStatus


        @shared_task
        def cleanup(job_id: int) -> str:
            return JobStatus.DONE.value
    """,
}


def test_a_job_manager_querying_in_a_jobs_folder_is_data_access_not_a_job(tmp_path: Path) -> None:
    root = write_project(tmp_path, JOB_STORE)
    layers = placed(root)
    assert layers["app/infra/tasks/jobs/manager.py"]["layer"] == "repository"
    assert layers["app/infra/tasks/jobs/audit.py"]["layer"] == "repository"
    # (the folder's other modules are what it says; the job is a job)
    assert layers["app/infra/tasks/jobs/enums.py"]["layer"] == "task"
    assert layers["app/tasks/cleanup.py"]["layer"] == "task"
    assert findings(root, "LC101", "LC103") == []


# GraphQL DataLoaders that compose strawberry's loader over a method of their own, which
# batches one query through the request's session; one module is imported by nobody yet.
DATALOADERS = {
    "app/__init__.py": "",
    "app/models.py": orm_module("File"),
    "app/graphql/__init__.py": "",
    "app/graphql/dataloaders/__init__.py": "",
    "app/graphql/dataloaders/files.py": """
        from __future__ import annotations

        from typing import TYPE_CHECKING

        from sqlalchemy import select
        from strawberry.dataloader import DataLoader

        from app.models import File

        if TYPE_CHECKING:
            from sqlalchemy.ext.asyncio import AsyncSession


        class FileDataLoader:
            def __init__(self, session: AsyncSession) -> None:
                self._session = session
                self._loader = DataLoader(load_fn=self._batch_load)

            async def _batch_load(self, ids: list[int]) -> list[File | None]:
                result = await self._session.execute(select(File).where(File.id.in_(ids)))
                found = {item.id: item for item in result.scalars()}
                return [found.get(key) for key in ids]

            async def load(self, key: int) -> File | None:
                return await self._loader.load(key)

            async def load_many(self, keys: list[int]) -> list[File | None]:
                return await self._loader.load_many(keys)
    """,
    # (a module that only wraps a loader around a web client does no database work: held)
    "app/graphql/avatars.py": """
        from sqlalchemy.ext.asyncio import AsyncSession
        from strawberry.dataloader import DataLoader


        class AvatarLoader:
            def __init__(self, client, session: AsyncSession) -> None:
                self._loader = DataLoader(load_fn=client.fetch_many)
    """,
}


def test_a_module_of_composed_dataloaders_that_query_is_data_access_for_lc101(tmp_path: Path) -> None:
    root = write_project(tmp_path, DATALOADERS)
    assert findings(root, "LC101") == [("app/graphql/avatars.py", 1, "LC101")]


# Where the logs are coloured: the terminal's variables, and a setting read beside them.
TERMINAL = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/colors.py": """
        import os
        import sys


        def supports_color() -> bool:
            if os.getenv("NO_COLOR"):
                return False
            if os.environ.get("FORCE_COLOR"):
                return True
            if os.environ.get("TERM", "") == "dumb":
                return False
            if "WT_SESSION" in os.environ or "COLORTERM" in os.environ:
                return True
            width = int(os.environ["COLUMNS"]) if "COLUMNS" in os.environ else 80
            drive = os.environ.get("SystemDrive", "C:")
            if os.getenv("CI") and any(ci in os.environ for ci in ["GITHUB_ACTIONS", "GITLAB_CI"]):
                return True
            return sys.stdout.isatty() and width > 20 and bool(drive)


        def log_level() -> str:
            return os.getenv("LOG_LEVEL", "INFO")


        def in_ci() -> bool:
            return os.getenv("CI") == "true"
    """,
    "app/cli/__init__.py": "",
    "app/cli/dev.py": """
        import os

        import click


        @click.group()
        def dev() -> None:
            pass


        @dev.command()
        def info() -> None:
            for name in ["ENVIRONMENT", "DATABASE_URL"]:
                click.echo(f"{name}: {os.getenv(name, 'not set')}")


        def database_url() -> str:
            return os.environ["DATABASE_URL"]
    """,
}


def test_the_terminals_variables_are_no_settings_but_the_apps_are(tmp_path: Path) -> None:
    root = write_project(tmp_path, TERMINAL)
    assert findings(root, "LC602") == [
        ("app/cli/dev.py", 18, "LC602"),  # a helper of the command-line program, not a command
        ("app/core/colors.py", 22, "LC602"),
        ("app/core/colors.py", 26, "LC602"),  # whether it runs in CI, outside the terminal's question
    ]


# Clean architecture's adapters kept in `infrastructure/services/`: the transaction manager
# behind the use cases' port; `ioc/` providers named for what they hand out; a services
# folder's `database` package with the data layer's errors.
ADAPTERS = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Todo"),
    "app/core/__init__.py": "",
    "app/core/transactions.py": """
        from abc import ABC, abstractmethod


        class TransactionManager(ABC):
            @abstractmethod
            def begin_transaction(self): ...
    """,
    "app/infrastructure/__init__.py": "",
    "app/infrastructure/services/__init__.py": "",
    "app/infrastructure/services/sqlalchemy_transaction_manager.py": """
        from contextlib import asynccontextmanager

        from sqlalchemy.ext.asyncio import AsyncSession

        from app.core.transactions import TransactionManager


        class SQLAlchemyTransactionManager(TransactionManager):
            def __init__(self, db: AsyncSession):
                self.db = db

            def begin_transaction(self):
                return self._transaction()

            @asynccontextmanager
            async def _transaction(self):
                async with self.db.begin_nested() as savepoint:
                    try:
                        yield
                        await savepoint.commit()
                    except Exception:
                        await savepoint.rollback()
                        raise
    """,
    "app/infrastructure/ioc/__init__.py": "",
    "app/infrastructure/ioc/repository.py": """
        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.db import get_session
        from app.repositories.todo_repository import TodoRepository


        def get_todo_repository(session: AsyncSession = Depends(get_session)) -> TodoRepository:
            return TodoRepository(session)
    """,
    "app/db.py": """
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        engine = create_async_engine("sqlite+aiosqlite://")
        SessionLocal = async_sessionmaker(engine)


        async def get_session():
            async with SessionLocal() as session:
                yield session
    """,
    "app/repositories/__init__.py": "",
    "app/repositories/todo_repository.py": """
        from sqlalchemy import select

        from app.models import Todo
        from app.services.database.exceptions import DatabaseError


        class TodoRepository:
            def __init__(self, session):
                self.session = session

            async def get(self, todo_id: int) -> Todo:
                found = await self.session.scalar(select(Todo).where(Todo.id == todo_id))
                if found is None:
                    raise DatabaseError(todo_id)
                return found
    """,
    "app/services/__init__.py": "",
    "app/services/database/__init__.py": "",
    "app/services/database/exceptions.py": """
        class DatabaseError(Exception):
            pass
    """,
}


def test_adapters_in_service_and_wiring_folders_are_placed_by_what_they_do(tmp_path: Path) -> None:
    root = write_project(tmp_path, ADAPTERS)
    layers = placed(root)
    assert layers["app/infrastructure/services/sqlalchemy_transaction_manager.py"]["layer"] == "database"
    assert layers["app/infrastructure/ioc/repository.py"]["layer"] is None
    assert layers["app/services/database/exceptions.py"]["layer"] is None
    # The providers' session import is held (LC101 covers modules in no layer); the unit of
    # work's is the database module's, its `begin_nested()` no service's; the repository
    # raising the data layer's error imports no service.
    assert findings(root, "LC101", "LC103", "LC302") == [("app/infrastructure/ioc/repository.py", 2, "LC101")]


# SQLAlchemy 1.x's declarative base spelled with its metaclass and a registry of its own,
# naming the tables itself; a router imports a model as a type only.
METACLASS_BASE = {
    "app/__init__.py": "",
    "app/db/__init__.py": "",
    "app/db/models/__init__.py": "",
    "app/db/models/base.py": """
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeMeta, declared_attr, registry

        mapper_registry = registry()


        class Base(metaclass=DeclarativeMeta):
            __abstract__ = True
            registry = mapper_registry
            metadata = mapper_registry.metadata

            @declared_attr
            def __tablename__(cls) -> str:
                return cls.__name__.lower() + "s"
    """,
    "app/db/models/product.py": """
        import sqlalchemy as sa

        from app.db.models.base import Base


        class Product(Base):
            id = sa.Column(sa.Integer, primary_key=True)
    """,
    "app/api/__init__.py": "",
    "app/api/products.py": """
        from fastapi import APIRouter

        from app.db.models.product import Product as _DBProduct

        router = APIRouter()


        @router.get("/products/{product_id}")
        async def get_product(product_id: int) -> dict:
            product: _DBProduct | None = None
            return {"id": product_id, "found": product is not None}
    """,
}


def test_a_declarative_base_made_with_its_metaclass_maps_orm_models(tmp_path: Path) -> None:
    root = write_project(tmp_path, METACLASS_BASE)
    assert findings(root, "LC104") == [("app/api/products.py", 3, "LC104")]


# A read/write database router in the `db` package, and Django-style `tests.py` modules
# (one an exam app's module of its tests' rows, which tests nothing).
ROUTERS_AND_TESTS = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/db/__init__.py": "",
    "app/core/db/router.py": """
        from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker


        class DatabaseRouter:
            def __init__(self, writer: AsyncEngine, readers: list[AsyncEngine]) -> None:
                self.writer = writer
                self.readers = readers


        def create_routing_sessionmaker(router: DatabaseRouter) -> async_sessionmaker[AsyncSession]:
            return async_sessionmaker(bind=router.writer, expire_on_commit=False)
    """,
    "app/core/db/session.py": """
        from sqlalchemy.ext.asyncio import create_async_engine

        from app.core.db.router import DatabaseRouter, create_routing_sessionmaker

        engine = create_async_engine("sqlite+aiosqlite://")
        SessionLocal = create_routing_sessionmaker(DatabaseRouter(engine, []))
    """,
    "app/accounts/__init__.py": "",
    "app/accounts/tests.py": """
        from fastapi.testclient import TestClient
        from sqlalchemy.ext.asyncio import AsyncSession


        def test_me(client: TestClient, session: AsyncSession) -> None:
            assert client.get("/me").status_code == 200
    """,
    "app/exams/__init__.py": "",
    "app/exams/tests.py": """
        import os

        from sqlalchemy.ext.asyncio import AsyncSession

        PASS_MARK = int(os.getenv("PASS_MARK", "50"))


        def passed(score: int) -> bool:
            return score >= PASS_MARK
    """,
}


def test_a_database_router_and_django_style_tests_modules(tmp_path: Path) -> None:
    root = write_project(tmp_path, ROUTERS_AND_TESTS)
    layers = placed(root)
    assert layers["app/core/db/router.py"]["layer"] == "database"
    assert layers["app/accounts/tests.py"]["layer"] == "tests"
    assert layers["app/exams/tests.py"]["layer"] is None
    assert findings(root, "LC101", "LC103", "LC602") == [
        ("app/exams/tests.py", 3, "LC101"),
        ("app/exams/tests.py", 5, "LC602"),
    ]


# A job tracker port with its Postgres and Redis stores under `tasks/tracking/`, handed out by
# a factory there and by a `tasks.py` of the API's dependencies; a tenant config manager that
# queries, with one key read from the environment; a router reaching a repository through a
# getter of the repository module.
TRACKERS = {
    "app/__init__.py": "",
    "app/models.py": orm_module("TaskRun"),
    "app/infra/__init__.py": "",
    "app/infra/tasks/__init__.py": "",
    "app/infra/tasks/tracking/__init__.py": "",
    "app/infra/tasks/tracking/base.py": """
        from abc import ABC, abstractmethod


        class BaseTaskTracker(ABC):
            @abstractmethod
            async def started(self, task_id: str) -> None: ...

            @abstractmethod
            async def finished(self, task_id: str) -> None: ...
    """,
    "app/infra/tasks/tracking/postgres_tracker.py": """
        from sqlalchemy import select, update
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        from app.infra.tasks.tracking.base import BaseTaskTracker
        from app.models import TaskRun


        class PostgresTaskTracker(BaseTaskTracker):
            def __init__(self, url: str) -> None:
                self.engine = create_async_engine(url)
                self.sessions = async_sessionmaker(self.engine)

            async def started(self, task_id: str) -> None:
                async with self.sessions() as session:
                    session.add(TaskRun(name=task_id))
                    await session.commit()

            async def finished(self, task_id: str) -> None:
                async with self.sessions() as session:
                    await session.execute(update(TaskRun).where(TaskRun.name == task_id))
                    await session.commit()

            async def running(self) -> list[TaskRun]:
                async with self.sessions() as session:
                    return list(await session.scalars(select(TaskRun)))
    """,
    "app/infra/tasks/tracking/redis_tracker.py": """
        from app.infra.tasks.tracking.base import BaseTaskTracker


        class RedisTaskTracker(BaseTaskTracker):
            def __init__(self, client) -> None:
                self.client = client

            async def started(self, task_id: str) -> None:
                await self.client.set(task_id, "started")

            async def finished(self, task_id: str) -> None:
                await self.client.set(task_id, "finished")
    """,
    "app/infra/tasks/tracking/factory.py": """
        from __future__ import annotations

        from typing import TYPE_CHECKING

        from app.infra.tasks.tracking.redis_tracker import RedisTaskTracker

        if TYPE_CHECKING:
            from app.infra.tasks.tracking.base import BaseTaskTracker

        _tracker: BaseTaskTracker | None = None


        def get_tracker(client) -> BaseTaskTracker:
            global _tracker
            if _tracker is None:
                _tracker = RedisTaskTracker(client)
            return _tracker
    """,
    "app/core/__init__.py": "",
    "app/core/dependencies/__init__.py": "",
    "app/core/dependencies/tasks.py": """
        from typing import Annotated

        from fastapi import Depends

        from app.infra.tasks.tracking.base import BaseTaskTracker
        from app.infra.tasks.tracking.factory import get_tracker


        def tracker_dependency() -> BaseTaskTracker:
            return get_tracker(None)


        TrackerDep = Annotated[BaseTaskTracker, Depends(tracker_dependency)]
    """,
    "app/ai/__init__.py": "",
    "app/ai/config_manager.py": """
        import os

        from sqlalchemy import select

        from app.models import TaskRun


        def encryption_key() -> str | None:
            return os.getenv("AI_ENCRYPTION_KEY")


        class AIConfigManager:
            def __init__(self, session) -> None:
                self.session = session

            async def get(self, name: str) -> TaskRun | None:
                return await self.session.scalar(select(TaskRun).where(TaskRun.name == name))

            async def all(self) -> list[TaskRun]:
                return list(await self.session.scalars(select(TaskRun)))

            async def save(self, run: TaskRun) -> None:
                self.session.add(run)
                await self.session.flush()
    """,
    "app/repositories/__init__.py": "",
    "app/repositories/runs.py": """
        from sqlalchemy import select

        from app.models import TaskRun


        class RunRepository:
            async def overdue(self, session) -> list[TaskRun]:
                return list(await session.scalars(select(TaskRun)))


        _runs: RunRepository | None = None


        def get_run_repository() -> RunRepository:
            global _runs
            if _runs is None:
                _runs = RunRepository()
            return _runs
    """,
    "app/api/__init__.py": "",
    "app/api/runs.py": """
        from fastapi import APIRouter

        from app.repositories.runs import get_run_repository

        router = APIRouter()


        @router.get("/runs/overdue")
        async def overdue(session) -> list[str]:
            repo = get_run_repository()
            return [run.name for run in await repo.overdue(session)]
    """,
}


def test_stores_of_a_tracker_port_its_wiring_and_a_querying_config_manager(tmp_path: Path) -> None:
    root = write_project(tmp_path, TRACKERS)
    layers = placed(root)
    assert layers["app/infra/tasks/tracking/postgres_tracker.py"]["layer"] == "repository"
    assert layers["app/core/dependencies/tasks.py"]["layer"] is None
    assert layers["app/ai/config_manager.py"]["layer"] is None
    assert findings(root, "LC102", "LC103", "LC202", "LC602") == [
        ("app/ai/config_manager.py", 9, "LC602"),  # a key read outside the settings
        ("app/api/runs.py", 3, "LC102"),  # the getter, from the repository layer
        ("app/api/runs.py", 10, "LC202"),  # a function of the repository module called
        ("app/api/runs.py", 11, "LC202"),
    ]


# SQLAlchemy 1.x helpers and a large template's database kit: a query helper class whose
# methods filter a `Query` and run it on the session they take; a session manager that builds
# the engine, checks it with `SELECT 1` and hands sessions out; the database section of the
# settings kept under `config/load/`; an exceptions package whose re-exports were commented
# out, its `NotFoundException` still the project's.
LEGACY_KIT = {
    "app/__init__.py": "",
    "app/models.py": orm_module("User"),
    "app/core/__init__.py": "",
    "app/core/utils/__init__.py": "",
    "app/core/utils/query.py": """
        from sqlalchemy import text
        from sqlalchemy.orm import Query, Session


        class QueryOptimizer:
            @staticmethod
            def build_filters(query: Query, filters: dict) -> Query:
                return query.filter_by(**filters)

            @staticmethod
            def build_order_by(query: Query, order_by: list[str]) -> Query:
                return query.order_by(*order_by)

            @staticmethod
            def build_query(db: Session, model, filters: dict) -> Query:
                return QueryOptimizer.build_filters(db.query(model), filters)

            @staticmethod
            def execute_raw_sql(db: Session, sql: str) -> list:
                return list(db.execute(text(sql)))
    """,
    "app/core/config/__init__.py": "",
    "app/core/config/load/__init__.py": "",
    "app/core/config/load/db.py": """
        from pydantic import BaseModel


        class DatabaseConfig(BaseModel):
            url: str = "sqlite://"
            pool_size: int = 5
    """,
    "app/core/db/__init__.py": "",
    "app/core/db/session.py": """
        from contextlib import contextmanager

        from sqlalchemy import create_engine, text
        from sqlalchemy.orm import Session, sessionmaker

        from app.core.config.load.db import DatabaseConfig


        class SyncDatabaseManager:
            def __init__(self, config: DatabaseConfig) -> None:
                self.engine = create_engine(config.url, pool_size=config.pool_size)
                self.factory = sessionmaker(bind=self.engine)

            def healthy(self) -> bool:
                with self.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                return True

            @contextmanager
            def session(self):
                session = self.factory()
                try:
                    yield session
                    session.commit()
                except Exception:
                    session.rollback()
                    raise
                finally:
                    session.close()

            def count(self, session: Session, table: str) -> int:
                return session.execute(text(f"SELECT count(*) FROM {table}")).scalar()

            def vacuum(self, session: Session) -> None:
                session.execute(text("VACUUM"))


        db_manager = SyncDatabaseManager(DatabaseConfig())
        SessionLocal = db_manager.factory
    """,
    "app/core/exceptions/__init__.py": """
        # from app.core.exceptions.http import NotFoundException
        # __all__ = ["NotFoundException"]
    """,
    "app/core/exceptions/http.py": """
        class NotFoundException(Exception):
            pass
    """,
    "app/tasks/__init__.py": "",
    "app/tasks/base.py": """
        from celery import Task

        from app.core.db.session import SessionLocal


        class DatabaseTask(Task):
            def __call__(self, *args, **kwargs):
                with SessionLocal() as session:
                    return self.run(session, *args, **kwargs)
    """,
    "app/api/__init__.py": "",
    "app/api/users.py": """
        from fastapi import APIRouter, HTTPException

        from app.core.exceptions import NotFoundException
        from app.core.utils.query import QueryOptimizer

        router = APIRouter()


        def find(user_id: int) -> dict:
            raise NotFoundException(f"no user {user_id}")


        @router.get("/users")
        def list_users(db) -> list:
            return QueryOptimizer.build_query(db, None, {}).all()


        @router.get("/users/{user_id}")
        def get_user(user_id: int) -> dict:
            try:
                return find(user_id)
            except NotFoundException as exc:
                raise HTTPException(status_code=404, detail=str(exc))
    """,
}


def test_a_legacy_query_helper_a_session_manager_and_a_settings_section(tmp_path: Path) -> None:
    root = write_project(tmp_path, LEGACY_KIT)
    layers = placed(root)
    assert layers["app/core/db/session.py"]["layer"] == "database"
    assert findings(root, "LC101", "LC102", "LC103", "LC202", "LC603") == [
        ("app/api/users.py", 4, "LC102"),  # the query helper is data access by what it does
        ("app/api/users.py", 15, "LC202"),
        # (a Celery task opening the database module's sessions: the task layer may not)
        ("app/tasks/base.py", 3, "LC103"),
    ]


# Services ending their transactions through the database module's unit of work (a class,
# and a helper annotated to hand one out), one opening sessions from a class that builds the
# engine and yields them; a tenant router handing out sessions, which the database module
# imports; an auth helper that imports a service only inside a function; a router keeping
# its own session dependency; a 403 answering a refusal.
UNIT_OF_WORK = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Order"),
    "app/db/__init__.py": "",
    "app/db/engine.py": """
        from contextlib import asynccontextmanager

        from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

        from app.tenancy import connection_url


        class TransactionsEngine:
            def __init__(self) -> None:
                self.engine = create_async_engine(connection_url())
                self.factory = async_sessionmaker(self.engine, class_=AsyncSession)

            @asynccontextmanager
            async def session(self):
                async with self.factory() as session:
                    try:
                        yield session
                        await session.commit()
                    except Exception:
                        await session.rollback()
                        raise


        def get_transactions_engine() -> TransactionsEngine:
            return TransactionsEngine()
    """,
    "app/db/unit_of_work.py": """
        from contextlib import asynccontextmanager
        from typing import AsyncIterator

        from sqlalchemy.ext.asyncio import AsyncSession


        class UnitOfWork:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def __aenter__(self) -> "UnitOfWork":
                return self

            async def __aexit__(self, kind, error, trace) -> None:
                if error is None:
                    await self.session.commit()
                else:
                    await self.session.rollback()

            async def execute(self, statement):
                return await self.session.execute(statement)


        @asynccontextmanager
        async def unit_of_work(session: AsyncSession) -> AsyncIterator[UnitOfWork]:
            async with UnitOfWork(session) as uow:
                yield uow
    """,
    "app/tenancy.py": """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import Order


        async def tenant_of(session: AsyncSession, order_id: int) -> Order | None:
            return await session.scalar(select(Order).where(Order.id == order_id))


        async def tenants(session: AsyncSession) -> list[Order]:
            return list(await session.scalars(select(Order)))


        def connection_url() -> str:
            return "sqlite+aiosqlite://"


        async def get_connection_for_tenant(tenant: str) -> AsyncSession:
            return AsyncSession()
    """,
    "app/services/__init__.py": "",
    "app/services/orders.py": """
        from app.db.engine import get_transactions_engine
        from app.db.unit_of_work import UnitOfWork, unit_of_work


        async def close_order(session, statement) -> None:
            async with unit_of_work(session) as uow:
                await uow.execute(statement)


        async def reopen(uow: UnitOfWork, statement) -> None:
            await uow.execute(statement)


        async def archive(statement) -> None:
            async with get_transactions_engine().session() as session:
                await session.execute(statement)
    """,
    "app/services/permissions.py": """
        class PermissionService:
            def allowed(self, user: str) -> bool:
                return user == "admin"
    """,
    "app/auth_context.py": """
        from sqlalchemy import select

        from app.db.engine import get_transactions_engine
        from app.models import Order


        async def can_see(session, user: str, order_id: int) -> bool:
            from app.services.permissions import PermissionService

            if not PermissionService().allowed(user):
                return False
            return await session.scalar(select(Order).where(Order.id == order_id)) is not None


        async def owned(session, user: str) -> list[Order]:
            return list(await session.scalars(select(Order).where(Order.id == 1)))
    """,
    "app/api/__init__.py": "",
    "app/api/orders.py": """
        from fastapi import APIRouter, Depends, HTTPException

        from app.db.engine import get_transactions_engine

        router = APIRouter()


        def get_db():
            db = get_transactions_engine().factory()
            try:
                yield db
                db.commit()
            finally:
                db.close()


        @router.delete("/orders/{order_id}")
        async def delete_order(order_id: int, db=Depends(get_db)) -> None:
            try:
                await db.delete(order_id)
            except PermissionError as exc:
                raise HTTPException(status_code=403, detail=str(exc))
            except RuntimeError as exc:
                raise HTTPException(status_code=403, detail=str(exc))
    """,
}


def test_units_of_work_lazy_service_imports_and_refusals(tmp_path: Path) -> None:
    root = write_project(tmp_path, UNIT_OF_WORK)
    layers = placed(root)
    assert layers["app/auth_context.py"]["layer"] is None
    assert findings(root, "LC103", "LC201", "LC603") == [
        # (a session dependency kept in the router's file is the database module's work done
        # in the router: its commit and close are reported with the route's own call)
        ("app/api/orders.py", 12, "LC201"),
        ("app/api/orders.py", 14, "LC201"),
        ("app/api/orders.py", 20, "LC201"),
        ("app/api/orders.py", 24, "LC603"),  # a runtime error's text, though the status is 403
        # (the class that builds the engine and yields sessions is no unit of work)
        ("app/services/orders.py", 1, "LC103"),
    ]


# A smaller app's idioms: a log message held in `msg` twice in one function; legacy
# statistics queries returning columns; a `crud/` module with a stray route; services whose
# base class types `self.db` as the unit of work; a unit of work implementing the use
# cases' port; an API dependency module typing its parameters with its own repository alias;
# a `utils/db_util.py` of query functions that logs through a service.
SMALL_APP = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Movie"),
    "app/api/__init__.py": "",
    "app/api/opa.py": """
        import logging

        logger = logging.getLogger(__name__)


        def authorize(method: str, roles: list[str]) -> bool:
            msg = f"checking {method}"
            logger.info(msg)
            allowed = "admin" in roles
            msg = f"{method} allowed={allowed}"
            logger.info(msg)
            return allowed


        def delete(item: str) -> str:
            status = "deleted"
            try:
                item.encode()
            except ValueError as error:
                status = f"cannot delete {item}: {error}"
                logger.error(status)  # (also returned below: formatted for that use)
            except Exception as error:
                status = f"failed: {error}"
            return status
    """,
    "app/api/deps.py": """
        from typing import Annotated

        from fastapi import Depends

        from app.repositories.movies import MovieRepository


        def get_movie_repository() -> MovieRepository:
            return MovieRepository()


        MovieRepoDep = Annotated[MovieRepository, Depends(get_movie_repository)]


        async def current_movie(movie_id: int, repo: MovieRepoDep):
            return await repo.get(movie_id)
    """,
    "app/repositories/__init__.py": "",
    "app/repositories/movies.py": """
        from sqlalchemy import func

        from app.models import Movie


        class MovieRepository:
            def __init__(self, db=None) -> None:
                self.db = db

            async def get(self, movie_id: int):
                return self.db.query(Movie).get(movie_id)

            def all(self):
                return self.db.query(Movie).all()

            def genre_statistics(self):
                statistics = self.db.query(Movie).group_by(Movie.id).values(Movie.id, func.count(Movie.id))
                return statistics
    """,
    "app/crud/__init__.py": "",
    "app/crud/users.py": """
        from fastapi import APIRouter, Depends
        from sqlalchemy.orm import Session

        from app.models import Movie

        router = APIRouter()


        def get_movie(db: Session, movie_id: int) -> Movie | None:
            return db.query(Movie).filter(Movie.id == movie_id).first()


        def list_movies(db: Session) -> list[Movie]:
            return db.query(Movie).all()


        def delete_movie(db: Session, movie_id: int) -> None:
            db.query(Movie).filter(Movie.id == movie_id).delete()


        @router.post("/movies")
        def create_movie(db: Session = Depends()) -> None:
            db.add(Movie())
    """,
    "app/routers/__init__.py": "",
    "app/routers/movies.py": """
        from fastapi import APIRouter

        from app.crud.users import get_movie

        router = APIRouter()


        @router.get("/movies/{movie_id}")
        def read(movie_id: int, db) -> dict:
            return {"title": get_movie(db, movie_id).title}
    """,
    "app/utils/__init__.py": "",
    "app/utils/db_util.py": """
        from app.models import Movie
        from app.services.logging_service import LoggingService

        logger = LoggingService().get_logger(__name__)


        def store_movie(movie: Movie, db) -> None:
            db.add(movie)
            db.commit()


        def movies(db) -> list[Movie]:
            return db.query(Movie).all()
    """,
    "app/services/logging_service.py": """
        import logging


        class LoggingService:
            def get_logger(self, name: str) -> logging.Logger:
                return logging.getLogger(name)
    """,
    "app/utis/__init__.py": "",
    "app/utis/db_manager.py": """
        from app.repositories.movies import MovieRepository


        class DbManager:
            def __init__(self, session_factory) -> None:
                self.session_factory = session_factory

            async def __aenter__(self):
                self.session = self.session_factory()
                self.movies = MovieRepository(self.session)
                return self

            async def __aexit__(self, *args) -> None:
                await self.session.rollback()
                await self.session.close()

            async def commit(self) -> None:
                await self.session.commit()
    """,
    "app/services/__init__.py": "",
    "app/services/base.py": """
        from app.utis.db_manager import DbManager


        class BaseService:
            db: DbManager | None

            def __init__(self, db: DbManager | None = None) -> None:
                self.db = db
    """,
    "app/services/movies.py": """
        from typing import Any

        from app.repositories.movies import MovieRepository
        from app.services.base import BaseService


        class MovieService(BaseService):
            async def rename(self, movie_id: int, title: str) -> None:
                movie = await self.db.movies.get(movie_id)
                movie.title = title
                await self.db.commit()

            def statistics(self):
                return MovieRepository().genre_statistics()

            def everything(self):
                return MovieRepository().all()


        class LoginUseCase:
            def __init__(self, db_session: Any) -> None:
                self._db_session = db_session

            async def login(self) -> None:
                await self._db_session.commit()
    """,
    "app/use_cases/__init__.py": "",
    "app/use_cases/ports/__init__.py": "",
    "app/use_cases/ports/unit_of_work.py": """
        from abc import ABC, abstractmethod


        class IUnitOfWork(ABC):
            @abstractmethod
            async def commit(self) -> None: ...
    """,
    "app/infrastructure/__init__.py": "",
    "app/infrastructure/persistence/__init__.py": "",
    "app/infrastructure/persistence/unit_of_work.py": """
        from __future__ import annotations

        from typing import TYPE_CHECKING

        from app.use_cases.ports.unit_of_work import IUnitOfWork

        if TYPE_CHECKING:
            from sqlalchemy.ext.asyncio import AsyncSession


        class UnitOfWork(IUnitOfWork):
            def __init__(self, session: AsyncSession) -> None:
                self._session = session

            async def __aenter__(self) -> UnitOfWork:
                return self

            async def __aexit__(self, kind, error, trace) -> None:
                if error:
                    await self._session.rollback()
                else:
                    await self._session.commit()

            async def commit(self) -> None:
                await self._session.commit()

            async def rollback(self) -> None:
                await self._session.rollback()
    """,
}


def test_a_small_apps_idioms_are_read_as_they_are_written(tmp_path: Path) -> None:
    root = write_project(tmp_path, SMALL_APP)
    layers = placed(root)
    assert layers["app/crud/users.py"]["layer"] == "repository"
    assert layers["app/infrastructure/persistence/unit_of_work.py"]["layer"] == "database"
    assert layers["app/utils/db_util.py"]["layer"] is None  # (its queries are no service's)
    assert findings(root, "LC101", "LC102", "LC202", "LC301", "LC302", "LC701") == [
        ("app/api/deps.py", 16, "LC202"),  # through the module's own `MovieRepoDep`
        ("app/api/opa.py", 8, "LC701"),  # each message held in `msg` is logged once
        ("app/api/opa.py", 11, "LC701"),
        ("app/routers/movies.py", 3, "LC102"),  # the crud module keeps its layer
        ("app/routers/movies.py", 10, "LC202"),
        # (the statistics are columns; the unit of work's commit is no session's, a
        # `db_session: Any`'s is: the annotation says nothing, the name decides)
        ("app/services/movies.py", 17, "LC301"),
        ("app/services/movies.py", 25, "LC302"),
    ]

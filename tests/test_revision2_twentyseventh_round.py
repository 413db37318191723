"""SPEC revision 2, the lessons of the twenty-seventh round, each a small project of our own
checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import check_json, write_project
from test_revision2 import findings, orm_module, placed


def test_a_function_that_builds_its_own_engine_is_database_setup_not_data_access(tmp_path: Path) -> None:
    # `create_database()` in `db/utils.py` connects to the server with an engine of its own
    # and runs `CREATE DATABASE`: the database's setup, which an admin endpoint may call.
    # A query function of the same module stays data access, and so does a backup that
    # builds its own engine to read a table (`select(User)`): the router importing and
    # calling them skips the service layer (LC102, LC202).
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/db/__init__.py": "",
            "app/db/utils.py": """
                from sqlalchemy import select, text
                from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

                from app.models import User

                SERVER_URL = "postgresql+asyncpg://localhost/postgres"


                async def create_database(name: str) -> None:
                    engine = create_async_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
                    async with engine.connect() as connection:
                        await connection.execute(text(f'CREATE DATABASE "{name}"'))
                    await engine.dispose()


                async def count_users(session: AsyncSession) -> int:
                    return len((await session.scalars(select(User))).all())


                async def dump_users() -> list:
                    engine = create_async_engine(SERVER_URL)
                    async with engine.connect() as connection:
                        rows = await connection.execute(select(User))
                    return list(rows)
            """,
            "app/routes/__init__.py": "",
            "app/routes/admin.py": """
                from fastapi import APIRouter

                from app.db.utils import count_users, create_database
                from app.db.utils import dump_users

                router = APIRouter()


                @router.post("/setup")
                async def setup(name: str) -> None:
                    await create_database(name)


                @router.get("/users/count")
                async def users(session) -> int:
                    return await count_users(session)


                @router.get("/users/dump")
                async def dump() -> list:
                    return await dump_users()
            """,
        },
    )
    assert findings(root, "LC102", "LC202") == [
        ("app/routes/admin.py", 3, "LC102"),
        ("app/routes/admin.py", 4, "LC102"),
        ("app/routes/admin.py", 16, "LC202"),
        ("app/routes/admin.py", 21, "LC202"),
    ]


def test_apscheduler_jobs_make_their_module_a_task_module(tmp_path: Path) -> None:
    # `scheduler.add_job(close_expired, "interval", ...)` on an APScheduler scheduler, or
    # `@scheduler.scheduled_job(...)`: the module's functions run in the background, so it
    # is a task module, held to the task layer's imports (models and the engine are the
    # repositories' to import). `main.py` starting the scheduler with a job imported from
    # elsewhere defines no job; a method called `add_job` on something else is no scheduler.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Item"),
            "app/database.py": """
                from sqlalchemy import create_engine

                engine = create_engine("sqlite://")
            """,
            "app/scheduler.py": """
                from apscheduler.schedulers.background import BackgroundScheduler
                from sqlalchemy import select
                from sqlalchemy.orm import Session

                from app.database import engine
                from app.models import Item


                def close_expired() -> None:
                    with Session(engine) as session:
                        for item in session.scalars(select(Item)):
                            session.delete(item)
                        session.commit()


                scheduler = BackgroundScheduler()
                scheduler.add_job(close_expired, "interval", seconds=60)
            """,
            "app/cleanup.py": """
                from apscheduler.schedulers.asyncio import AsyncIOScheduler

                from app.models import Item

                scheduler = AsyncIOScheduler()


                @scheduler.scheduled_job("cron", hour=3)
                def purge() -> list[Item]:
                    return []
            """,
            "app/queue_tools.py": """
                from app.models import Item


                class Board:
                    def add_job(self, job) -> None:
                        pass


                def first(items: list[Item]) -> Item:
                    return items[0]


                board = Board()
                board.add_job(first)
            """,
        },
    )
    layers = placed(root)
    assert layers["app/scheduler.py"]["layer"] == "task"
    assert layers["app/cleanup.py"]["layer"] == "task"
    assert layers["app/queue_tools.py"]["layer"] is None
    assert findings(root, "LC103") == [
        ("app/cleanup.py", 3, "LC103"),
        ("app/scheduler.py", 5, "LC103"),
        ("app/scheduler.py", 6, "LC103"),
    ]


def test_an_imported_name_that_also_names_its_module_is_placed_on_the_name(tmp_path: Path) -> None:
    # `from app.services.plain import plain as plain_service`: the name `plain` is written
    # twice on the line (module and name); the finding points at the imported name, and a
    # return annotation naming a class that a parameter names too points at the annotation.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models/__init__.py": "",
            "app/models/user.py": orm_module("User"),
            "app/repositories/__init__.py": "",
            "app/repositories/user.py": """
                async def user(session, user_id: int):
                    return await session.get(object, user_id)
            """,
            "app/services/__init__.py": "",
            "app/services/user.py": """
                from app.models.user import User


                async def rename(session, user: User, name: str) -> User:
                    user.name = name
                    return user
            """,
            "app/api/__init__.py": "",
            "app/api/users.py": """
                from fastapi import APIRouter

                from app.repositories.user import user as user_repository

                router = APIRouter()
            """,
        },
    )
    run = check_json(root, "--select", "LC102,LC301")
    spans = {
        (Path(item["filename"]).relative_to(root).as_posix(), item["code"]): (
            item["location"]["row"],
            item["location"]["column"],
            item["end_location"]["column"],
        )
        for item in run.json()
    }
    line = "from app.repositories.user import user as user_repository"
    start = line.index(" user as") + 2
    assert spans[("app/api/users.py", "LC102")] == (3, start, start + len("user"))
    header = "async def rename(session, user: User, name: str) -> User:"
    start = header.rindex("User") + 1
    assert spans[("app/services/user.py", "LC301")] == (4, start, start + len("User"))



def test_a_session_built_by_hand_in_a_job_is_told_to_use_the_factory(tmp_path: Path) -> None:
    # A background job serves no request, so LC601 does not tell it to inject the request's
    # session (`get_db`): it points to the database module's factory. In a router it does.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/database.py": """
                from sqlalchemy import create_engine

                engine = create_engine("sqlite://")
            """,
            "app/tasks/__init__.py": "",
            "app/tasks/cleanup.py": """
                from celery import shared_task
                from sqlalchemy.orm import Session

                from app.database import engine


                @shared_task
                def purge() -> None:
                    with Session(engine) as session:
                        session.commit()
            """,
            "app/api/__init__.py": "",
            "app/api/health.py": """
                from fastapi import APIRouter
                from sqlalchemy.orm import Session

                from app.database import engine

                router = APIRouter()


                @router.get("/health")
                def health() -> None:
                    with Session(engine) as session:
                        session.commit()
            """,
        },
    )
    run = check_json(root, "--select", "LC601")
    messages = {Path(item["filename"]).relative_to(root).as_posix(): item["message"] for item in run.json()}
    assert messages == {
        "app/tasks/cleanup.py": "`Session()` built outside the database module; a job takes its session from the database module's factory",
        "app/api/health.py": "`Session()` built outside the database module; inject the request's session (`get_db`)",
    }

"""SPEC revision 2, the lessons of the twenty-ninth round, each a small project of our own
checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, orm_module, placed


def test_router_helpers_named_config_stay_in_the_routers_folder_without_the_web_framework(tmp_path: Path) -> None:
    # `api/routers/staff/config.py`: helpers the routes beside it call, querying through the
    # session they are handed and calling a third-party client, but raising no
    # `HTTPException`. The name misleads (no settings, no environment), so the folder decides:
    # the routers' own code, whose queries are LC201. Outside a routers folder the same module
    # is data access by what it does (no LC201 there).
    helpers = """
        from sqlalchemy import delete, select

        from app.models import Staff
        from app.push import notify


        async def staff_profile(session, staff_id: int):
            staff = await session.scalar(select(Staff).where(Staff.id == staff_id))
            notify(staff_id)
            return {"id": staff.id}


        async def staff_list(session) -> list:
            return list(await session.scalars(select(Staff)))


        async def remove_staff(session, staff_id: int) -> None:
            await session.execute(delete(Staff).where(Staff.id == staff_id))
    """
    files = {
        "app/__init__.py": "",
        "app/models.py": orm_module("Staff"),
        "app/push.py": "def notify(staff_id: int) -> None:\n    print(staff_id)\n",
        "app/api/__init__.py": "",
        "app/api/routers/__init__.py": "",
        "app/api/routers/staff/__init__.py": "",
        "app/api/routers/staff/config.py": helpers,
        "app/api/routers/staff/routes.py": """
            from fastapi import APIRouter

            from app.api.routers.staff.config import staff_list

            router = APIRouter()


            @router.get("/staff")
            async def list_staff(session) -> list:
                return await staff_list(session)
        """,
        "app/integrations/__init__.py": "",
        "app/integrations/config.py": helpers,
    }
    root = write_project(tmp_path, files)
    layers = placed(root)
    assert layers["app/api/routers/staff/config.py"]["layer"] == "api"
    assert layers["app/integrations/config.py"]["layer"] == "repository"
    found = findings(root, "LC201")
    in_helpers = [line for path, line, _ in found if path == "app/api/routers/staff/config.py"]
    assert in_helpers == [8, 8, 14, 14, 18, 18]  # each session call and the query it runs
    assert not [item for item in found if item[0] == "app/integrations/config.py"]


_SCHOOL = """
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


    class Base(DeclarativeBase):
        pass


    class School(Base):
        __tablename__ = "schools"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str]
        state: Mapped[str]
"""


def test_a_repository_handing_out_dicts_built_up_or_one_columns_values_returns_no_rows(tmp_path: Path) -> None:
    # Unannotated repository methods: a list started empty and filled with dicts of the
    # rows' columns, a comprehension over the values of a one-column select or making dicts
    # of the rows' columns, a dict of a row's columns, a row converted by a `_school_to_dict`
    # helper (or None), hand out
    # no ORM instance (a service returning them is fine); a list filled with the rows
    # themselves, or the row, is the rows (LC301 for the service returning them).
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": _SCHOOL,
            "app/repositories/__init__.py": "",
            "app/repositories/schools.py": """
                from sqlalchemy import select

                from app.models import School


                class SchoolRepository:
                    async def listing(self, db):
                        schools = (await db.execute(select(School))).scalars().all()
                        response = []
                        for school in schools:
                            response.append({"id": str(school.id), "name": school.name, "open": True})
                        return response

                    async def states(self, db):
                        result = await db.execute(select(School.state).where(School.state.is_not(None)).distinct())
                        return [state for state in result.scalars().all() if state]

                    async def kept(self, db):
                        schools = (await db.execute(select(School))).scalars().all()
                        kept = []
                        for school in schools:
                            kept.append(school)
                        return kept

                    async def one(self, db, school_id):
                        return await db.get(School, school_id)

                    def _school_to_dict(self, school) -> dict:
                        return {"id": school.id}

                    async def shown(self, db, school_id):
                        school = await db.get(School, school_id)
                        if school is None:
                            return None
                        return self._school_to_dict(school)

                    async def names(self, db):
                        schools = (await db.execute(select(School))).scalars().all()
                        return [{"id": school.id, "at": getattr(school, "created_at", None)} for school in schools]

                    async def info(self, db, school_id):
                        school = await db.get(School, school_id)
                        count = await db.scalar(select(School.id).limit(1))
                        return {"id": str(school.id), "name": school.name, "count": count or 0}
            """,
            "app/services/__init__.py": "",
            "app/services/schools.py": """
                from app.repositories.schools import SchoolRepository


                class SchoolService:
                    def __init__(self) -> None:
                        self.repo = SchoolRepository()

                    async def listing(self, db):
                        return await self.repo.listing(db)

                    async def states(self, db):
                        return await self.repo.states(db)

                    async def kept(self, db):
                        return await self.repo.kept(db)

                    async def one(self, db, school_id):
                        return await self.repo.one(db, school_id)

                    async def shown(self, db, school_id):
                        return await self.repo.shown(db, school_id)

                    async def names(self, db):
                        return await self.repo.names(db)

                    async def info(self, db, school_id):
                        return await self.repo.info(db, school_id)
            """,
        },
    )
    assert findings(root, "LC301") == [
        ("app/services/schools.py", 15, "LC301"),
        ("app/services/schools.py", 18, "LC301"),
    ]


def test_a_logger_a_package_forgot_to_reexport_is_a_logger_by_its_name(tmp_path: Path) -> None:
    # `from app.utils import log` where `app/utils/__init__.py` binds no `log` (its logger
    # lives in `app/utils/logger.py`): nothing says what it is, so its name decides (LC701).
    # A message assigned just before an `if` whose branches open by logging it is followed
    # too (the thirty-seventh round: most labelers call it a violation; one did not).
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/utils/__init__.py": "from app.utils.text import slug\n",
            "app/utils/text.py": "def slug(text: str) -> str:\n    return text.lower()\n",
            "app/utils/logger.py": "import logging\n\nlog = logging.getLogger('app')\n",
            "app/middleware.py": """
                from app.utils import log
                from app.utils import slug


                async def timing(request, call_next):
                    log.info(f"request {request.url}")
                    slug(f"{request.url}")
                    response = await call_next(request)
                    message = f"{request.method} {request.url} {response.status_code}"
                    if response.status_code >= 400:
                        log.error(message)
                    else:
                        log.info(message)
                    return response
            """,
        },
    )
    assert findings(root, "LC701") == [
        ("app/middleware.py", 6, "LC701"),
        ("app/middleware.py", 11, "LC701"),
        ("app/middleware.py", 13, "LC701"),
    ]


def test_a_plain_settings_class_reading_the_environment_is_a_config_import(tmp_path: Path) -> None:
    # `class EnvConfig:` reading `os.getenv(...)` in its `__init__`, re-exported by the
    # configuration package: the settings, whatever its base, so a model importing it goes
    # against the layer direction (LC103); an enum beside it is no config import.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/configurations/__init__.py": "from app.core.configurations.environment import EnvConfig, Mode\n",
            "app/core/configurations/environment/__init__.py": """
                import os
                from enum import Enum


                class Mode(str, Enum):
                    DEV = "dev"


                class EnvConfig:
                    def __init__(self) -> None:
                        self.api_name = os.getenv("API_NAME")
                        self.database_url = os.getenv("DATABASE_URL")
                        self.secret = os.environ["SECRET"]
            """,
            "app/models/__init__.py": "",
            "app/models/user.py": """
                from sqlalchemy import Column, String
                from sqlalchemy.orm import declarative_base

                from app.core.configurations import EnvConfig
                from app.core.configurations import Mode

                Base = declarative_base()


                class User(Base):
                    __tablename__ = "users"
                    name = Column(String, primary_key=True, default=EnvConfig().api_name)
                    mode = Column(String, default=Mode.DEV)
            """,
        },
    )
    assert findings(root, "LC103") == [("app/models/user.py", 4, "LC103")]


def test_sql_functions_refining_a_query_held_in_a_local_belong_to_that_query(tmp_path: Path) -> None:
    # `orders = db.query(Order).filter(...)`, then `orders.filter(func.date(...) == today)`
    # and `stmt = select(Order)` then `stmt.order_by(func.random())`: the query is reported
    # where it is built, the functions refine it. A function built on its own, or refining
    # a query handed in as a parameter, is SQL built here (LC302).
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Order"),
            "app/services/__init__.py": "",
            "app/services/stats.py": """
                from sqlalchemy import func, select

                from app.models import Order


                def stats(db, today):
                    orders = db.query(Order).filter(Order.id > 0)
                    revenue = orders.filter(func.date(Order.id) == today).with_entities(func.sum(Order.id)).scalar()
                    stmt = select(Order)
                    stmt = stmt.order_by(func.random())
                    day = func.date(Order.id)
                    return revenue, db.execute(stmt), day


                def refine(query):
                    return query.order_by(func.random())
            """,
        },
    )
    assert findings(root, "LC302") == [
        ("app/services/stats.py", 7, "LC302"),
        ("app/services/stats.py", 9, "LC302"),
        ("app/services/stats.py", 11, "LC302"),
        ("app/services/stats.py", 12, "LC302"),
        ("app/services/stats.py", 16, "LC302"),
    ]


def test_a_routers_main_module_and_a_scheduler_class_scheduling_its_own_methods(tmp_path: Path) -> None:
    # `routes/main.py` registering endpoints on its `APIRouter`, creating no app, is a
    # router (held: its repository call is LC202); `core/scheduler.py`, a class handing its
    # own methods to APScheduler's `add_job`, defines jobs (the task layer: importing the
    # session dependency is LC103). The app's `main.py` stays the entry point.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Rental"),
            "app/db.py": """
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                engine = create_async_engine("sqlite+aiosqlite://")
                SessionLocal = async_sessionmaker(engine)


                async def get_session():
                    async with SessionLocal() as session:
                        yield session
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/rentals.py": """
                from app.models import Rental


                class RentalRepository:
                    def __init__(self, session) -> None:
                        self.session = session

                    async def get(self, rental_id: int):
                        return await self.session.get(Rental, rental_id)
            """,
            "app/routes/__init__.py": "",
            "app/routes/main.py": """
                from fastapi import APIRouter, Depends

                from app.db import get_session
                from app.repositories.rentals import RentalRepository

                router = APIRouter()


                @router.get("/rentals/{rental_id}")
                async def rental(rental_id: int, session=Depends(get_session)):
                    return await RentalRepository(session).get(rental_id)
            """,
            "app/core/__init__.py": "",
            "app/core/scheduler.py": """
                from apscheduler.schedulers.asyncio import AsyncIOScheduler
                from apscheduler.triggers.cron import CronTrigger

                from app.db import get_session


                class TaskScheduler:
                    def __init__(self) -> None:
                        self.scheduler = AsyncIOScheduler()

                    async def register(self) -> None:
                        self.scheduler.add_job(func=self._cleanup_job, trigger=CronTrigger(hour=2))

                    async def _cleanup_job(self) -> None:
                        async for session in get_session():
                            await session.commit()
            """,
            "app/main.py": """
                from fastapi import FastAPI

                from app.routes.main import router

                app = FastAPI()
                app.include_router(router)
            """,
        },
    )
    layers = placed(root)
    assert layers["app/routes/main.py"]["layer"] == "api"
    assert layers["app/core/scheduler.py"]["layer"] == "task"
    assert layers["app/main.py"]["layer"] == "main"
    found = findings(root, "LC102", "LC103", "LC202")
    assert ("app/routes/main.py", 11, "LC202") in found
    assert ("app/core/scheduler.py", 4, "LC103") in found


def test_a_service_returning_what_its_own_public_method_is_annotated_to_return(tmp_path: Path) -> None:
    # `def create(...) -> Notification` is reported on its annotation; `notify_task` and
    # `notify_leave` returning `self.create(...)` unannotated hand the same row on (LC301).
    # A private helper's row, or a public method returning a schema, is no such return.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Notification"),
            "app/schemas.py": "from pydantic import BaseModel\n\n\nclass NotificationOut(BaseModel):\n    id: int\n",
            "app/services/__init__.py": "",
            "app/services/notifications.py": """
                from sqlalchemy.orm import Session

                from app.models import Notification
                from app.schemas import NotificationOut


                class NotificationService:
                    def __init__(self, db: Session) -> None:
                        self.db = db

                    def create(self, user_id: int) -> Notification:
                        notification = Notification(id=user_id)
                        self.db.add(notification)
                        return notification

                    def shown(self, user_id: int) -> NotificationOut:
                        return NotificationOut(id=user_id)

                    def notify_task(self, user_id: int):
                        notification = self.create(user_id)
                        return notification

                    def notify_leave(self, user_id: int):
                        return self.create(user_id)

                    def notify_shown(self, user_id: int):
                        return self.shown(user_id)
            """,
        },
    )
    assert findings(root, "LC301") == [
        ("app/services/notifications.py", 11, "LC301"),
        ("app/services/notifications.py", 21, "LC301"),
        ("app/services/notifications.py", 24, "LC301"),
    ]


def test_a_job_scheduled_from_a_start_function_makes_the_module_a_task(tmp_path: Path) -> None:
    # `def start_scheduler(): scheduler = AsyncIOScheduler(); scheduler.add_job(cleanup, ...)`
    # with `cleanup` defined beside it: a job of the module, so the module is the task layer
    # (its import of the session factory is LC103). Scheduling a job imported from another
    # module defines none here, and a service scheduling its own method stays a service.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/database.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import sessionmaker

                engine = create_engine("sqlite://")
                SessionLocal = sessionmaker(bind=engine)
            """,
            "app/core/schedule.py": """
                from apscheduler.schedulers.asyncio import AsyncIOScheduler

                from app.core.database import SessionLocal


                def cleanup_old_usage() -> None:
                    with SessionLocal() as db:
                        db.commit()


                def start_scheduler():
                    scheduler = AsyncIOScheduler()
                    scheduler.add_job(cleanup_old_usage, "cron", day=1)
                    scheduler.start()
                    return scheduler
            """,
            "app/services/__init__.py": "",
            "app/services/job_scheduler.py": """
                from apscheduler.schedulers.asyncio import AsyncIOScheduler


                class JobScheduler:
                    def __init__(self) -> None:
                        self._scheduler = AsyncIOScheduler()

                    def add(self, job_id: str) -> None:
                        self._scheduler.add_job(self._run, "interval", id=job_id, minutes=5)

                    def _run(self) -> None:
                        print("run")
            """,
            "app/core/reminders.py": """
                from apscheduler.schedulers.asyncio import AsyncIOScheduler

                from app.core.schedule import cleanup_old_usage


                def start_reminders():
                    scheduler = AsyncIOScheduler()
                    scheduler.add_job(cleanup_old_usage, "interval", hours=1)
                    return scheduler
            """,
        },
    )
    layers = placed(root)
    assert layers["app/core/schedule.py"]["layer"] == "task"
    assert layers["app/core/reminders.py"]["layer"] is None
    assert layers["app/services/job_scheduler.py"]["layer"] == "service"
    assert ("app/core/schedule.py", 3, "LC103") in findings(root, "LC103")


def test_a_repository_object_another_module_builds_held_by_a_service(tmp_path: Path) -> None:
    # `self.repo = subject_repository`, the object `repositories/subjects.py` builds
    # (`subject_repository = SubjectRepository()`): the service returning `self.repo.create(
    # ...)` unmapped returns the repository's row (LC301), as it does calling the object by
    # its name.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Subject"),
            "app/repositories/__init__.py": "",
            "app/repositories/subjects.py": """
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.models import Subject


                class SubjectRepository:
                    async def create(self, db: AsyncSession, subject: Subject):
                        db.add(subject)
                        await db.commit()
                        return subject

                    async def count(self, db: AsyncSession) -> int:
                        return 0


                subject_repository = SubjectRepository()
            """,
            "app/services/__init__.py": "",
            "app/services/subjects.py": """
                from app.models import Subject
                from app.repositories.subjects import subject_repository


                class SubjectService:
                    def __init__(self):
                        self.repo = subject_repository

                    async def create_subject(self, db):
                        return await self.repo.create(db, Subject(id=1))

                    async def count(self, db):
                        return await self.repo.count(db)

                    async def create_direct(self, db):
                        return await subject_repository.create(db, Subject(id=2))
            """,
        },
    )
    assert findings(root, "LC301") == [("app/services/subjects.py", 10, "LC301"), ("app/services/subjects.py", 16, "LC301")]

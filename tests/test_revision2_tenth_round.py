"""SPEC revision 2, the lessons of the tenth round: five more projects nobody had read,
labeled by hand and scored blind, and three reviewers' reads of their findings. Each lesson
is a small project of our own, checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import run_layercheck, write_project
from test_revision2 import findings, orm_module, placed

QUERY_FOLDER = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Code"),
    "app/query/__init__.py": "",
    "app/query/codes.py": """
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from app.models import Code


        def select_codes(search: str | None = None):
            query = select(Code)
            if search:
                query = query.where(Code.id == search)
            return query


        def select_recent():
            return select(Code).order_by(Code.id.desc()).limit(10)


        def get_code(session: Session, code_id: int):
            return session.get(Code, code_id)
    """,
    "app/query/people.py": """
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from app.models import Code
        from app.links import related_ids


        def select_related(session: Session, code_id: int):
            ids = related_ids(session, code_id)
            return select(Code).where(Code.id.in_(ids))
    """,
    "app/links.py": """
        def related_ids(session, code_id):
            return [code_id]
    """,
    "app/routers/__init__.py": "",
    "app/routers/codes.py": """
        from fastapi import APIRouter
        from fastapi_pagination.ext.sqlalchemy import paginate

        from app.query.codes import select_codes, select_recent

        router = APIRouter()


        @router.get("/codes")
        def codes(session, search: str | None = None):
            return paginate(session, select_codes(search))


        @router.get("/codes/recent")
        def recent(session):
            return paginate(session, select_recent())


        from app.query.people import select_related  # noqa: E402


        @router.get("/codes/{code_id}/related")
        def related(session, code_id: int):
            return paginate(session, select_related(session, code_id))
    """,
}


def test_functions_returning_the_statements_they_build_are_data_access(tmp_path: Path) -> None:
    # `query/codes.py` (a folder named for nothing the preset knows): two of its three
    # functions build and return a statement for the caller to run, one runs its own. All
    # three are the data layer's: the router importing and calling them skips a service.
    # A module of nothing but such functions (`query/people.py`, handing its session to a
    # helper) is data access too: sessions belong there (no LC101).
    root = write_project(tmp_path / "proj", QUERY_FOLDER)
    assert [item for item in findings(root, "LC101") if item[0].startswith("app/query/")] == []
    found = [item for item in findings(root, "LC102", "LC202") if item[0] == "app/routers/codes.py"]
    assert ("app/routers/codes.py", 4, "LC102") in found
    assert ("app/routers/codes.py", 11, "LC202") in found
    assert ("app/routers/codes.py", 16, "LC202") in found


def test_a_statement_refined_from_a_parameter_makes_no_query_module(tmp_path: Path) -> None:
    # `apply_filter(query, ...)` returns the statement it was handed, refined: a helper, not
    # a module of queries; the router calling it calls no repository.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Code"),
            "app/utils/__init__.py": "",
            "app/utils/filters.py": """
                from app.models import Code


                def apply_filter(query, search):
                    query = query.where(Code.id == search)
                    return query
            """,
            "app/routers/__init__.py": "",
            "app/routers/codes.py": """
                from fastapi import APIRouter

                from app.utils.filters import apply_filter

                router = APIRouter()


                @router.get("/codes")
                def codes(query, search: str):
                    return apply_filter(query, search)
            """,
        },
    )
    assert [item for item in findings(root, "LC102", "LC202") if item[0] == "app/routers/codes.py"] == []


ROWS_SERVICE = """
    from sqlalchemy.orm import Session

    from app.models import Plan


    class PlanService:
        def fetch(self, db: Session, plan_id: str):
            plan = db.query(Plan).get(plan_id)
            if plan is None:
                raise LookupError(plan_id)
            return plan

        def fetch_all(self, db: Session, **filters):
            query = db.query(Plan)
            for column, value in filters.items():
                query = query.filter(getattr(Plan, column) == value)
            return query.all()

        def count(self, db: Session):
            total = db.query(Plan).count()
            return total

        def name(self, db: Session, plan_id: str):
            plan = db.query(Plan).get(plan_id)
            return plan.name
"""


def test_a_service_returning_rows_it_read_through_a_local_name_returns_orm(tmp_path: Path) -> None:
    # `plan = db.query(Plan).get(id)` ... `return plan`, and `query = db.query(Plan)`
    # refined in a loop then `return query.all()`: ORM rows handed to the caller (LC301).
    # A count, or a column read off the row, is no ORM value.
    root = write_project(
        tmp_path / "proj",
        {"app/__init__.py": "", "app/models.py": orm_module("Plan"), "app/services/__init__.py": "", "app/services/plans.py": ROWS_SERVICE},
    )
    returns = [item for item in findings(root, "LC301") if item[0] == "app/services/plans.py"]
    assert sorted(line for _, line, _ in returns) == [11, 17]


EXTERNAL_MODELS_ROUTER = """
    from fastapi import APIRouter, Depends
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from shared_models.orders import Order, OrderLine
    from shared_models.people import Person
    from shared_models.enums import Status

    router = APIRouter()


    @router.get("/orders/{order_id}")
    def order(order_id: int, db: Session):
        return db.get(Order, order_id)


    @router.get("/orders/{order_id}/lines")
    def lines(order_id: int, db: Session):
        return db.scalars(select(OrderLine.id).where(OrderLine.order_id == order_id)).all()


    @router.get("/people/{person_id}")
    def person(person_id: int, status: Status, who: Person = Depends()):
        return who
"""


def test_a_router_querying_a_class_of_a_models_package_imports_the_orm(tmp_path: Path) -> None:
    # The ORM classes come from a package the project depends on (out of sight): a router
    # that queries one (`db.get(Order, id)`, `select(OrderLine.id)`) shows it is a mapped
    # class. A class only used as a parameter's type, or an enum, says nothing.
    root = write_project(
        tmp_path / "proj",
        {"app/__init__.py": "", "app/routers/__init__.py": "", "app/routers/orders.py": EXTERNAL_MODELS_ROUTER},
        pyproject="[project]\nname = 'app'\ndependencies = ['shared-models']\n",
    )
    imports = [item for item in findings(root, "LC104") if item[0] == "app/routers/orders.py"]
    assert sorted(line for _, line, _ in imports) == [2, 5, 5]


CLI_DATABASE_COMMANDS = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/config.py": """
        from pydantic_settings import BaseSettings


        class Settings(BaseSettings):
            environment: str = "dev"


        settings = Settings()
    """,
    "app/db/__init__.py": "",
    "app/db/session.py": """
        from sqlalchemy.orm import sessionmaker
        from sqlalchemy import create_engine

        SessionLocal = sessionmaker(create_engine("sqlite://"))
    """,
    "app/cli/__init__.py": "",
    "app/cli/commands/__init__.py": "",
    "app/cli/commands/database.py": """
        import typer
        from sqlalchemy import text

        from app.core.config import settings
        from app.db.session import SessionLocal

        app = typer.Typer(help="Database commands")


        @app.command("reset")
        def reset() -> None:
            if settings.environment == "production":
                raise typer.Exit(1)
            with SessionLocal() as session:
                session.execute(text("DELETE FROM users"))
                session.commit()


        @app.command("info")
        def info() -> None:
            with SessionLocal() as session:
                typer.echo(session.execute(text("SELECT count(*) FROM users")).scalar())
    """,
}


def test_command_line_commands_named_for_the_database_are_a_script(tmp_path: Path) -> None:
    # `cli/commands/database.py` defines Typer commands that seed and reset the database:
    # a command-line tool's module, not the data layer (its settings import is no
    # repository reaching for configuration).
    root = write_project(tmp_path / "proj", CLI_DATABASE_COMMANDS)
    assert placed(root)["app/cli/commands/database.py"]["layer"] != "repository"
    assert [item for item in findings(root, "LC103") if item[0] == "app/cli/commands/database.py"] == []


def test_a_cache_client_named_as_a_service_is_no_service_layer(tmp_path: Path) -> None:
    # `infrastructure/cache/cache_service.py` wraps the Redis client the cached repositories
    # use: importing it is no repository reaching up into the services. A `*_service.py`
    # of the same package that queries the database is still a service.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/infrastructure/__init__.py": "",
            "app/infrastructure/cache/__init__.py": "",
            "app/infrastructure/cache/cache_service.py": """
                import redis.asyncio as redis


                class CacheService:
                    def __init__(self, client: redis.Redis) -> None:
                        self.client = client

                    async def get(self, key: str):
                        return await self.client.get(key)


                async def get_cache_service() -> CacheService:
                    return CacheService(redis.Redis())
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/roles.py": """
                from sqlalchemy import select

                from app.infrastructure.cache.cache_service import get_cache_service


                async def get_role(session, role_id: int):
                    cache = await get_cache_service()
                    return await cache.get(str(role_id)) or await session.scalar(select(role_id))
            """,
        },
    )
    assert placed(root)["app/infrastructure/cache/cache_service.py"]["layer"] is None
    assert [item for item in findings(root, "LC103") if item[0] == "app/repositories/roles.py"] == []


def test_names_from_a_star_import_are_the_star_modules(tmp_path: Path) -> None:
    # `from app.models import *` then `User(...)`, `db.query(User)`: the names come from the
    # models package (re-exporting its modules), so the service returns ORM data; a builtin
    # (`len`) stays a builtin.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models/__init__.py": "from app.models.user import *\n",
            "app/models/user.py": orm_module("User"),
            "app/services/__init__.py": "",
            "app/services/users.py": """
                from sqlalchemy.orm import Session

                from app.models import *


                class UserService:
                    def create(self, db: Session, name: str):
                        user = User(name=name)
                        db.add(user)
                        return user

                    def fetch(self, db: Session, name: str):
                        user = db.query(User).filter(User.name == name).first()
                        return user

                    def count(self, db: Session):
                        return len(db.query(User).all())
            """,
        },
    )
    returns = [item for item in findings(root, "LC301") if item[0] == "app/services/users.py"]
    assert sorted(line for _, line, _ in returns) == [10, 14]


FEATURE_WITH_DAO_AND_LOGIC = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Group"),
    "app/db.py": """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        SessionLocal = sessionmaker(create_engine("sqlite://"))
    """,
    "app/modules/__init__.py": "",
    "app/modules/group/__init__.py": "",
    "app/modules/group/dao.py": """
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from app.models import Group


        class GroupDao:
            def __init__(self, db: Session):
                self.db = db

            def find(self, group_id: int):
                return self.db.execute(select(Group).where(Group.id == group_id)).scalar_one_or_none()
    """,
    "app/modules/group/service.py": """
        from sqlalchemy import delete
        from sqlalchemy.orm import Session

        from app.models import Group
        from app.modules.group.dao import GroupDao


        class GroupService:
            def __init__(self, db: Session):
                self.dao = GroupDao(db)

            def remove(self, group_id: int) -> None:
                db = self.dao.db
                db.execute(delete(Group).where(Group.id == group_id))
                db.commit()

            def name(self, group_id: int) -> str:
                client = self.dao.client
                client.execute("GET", group_id)
                return str(group_id)
    """,
    "app/modules/group/logic.py": """
        from app.db import SessionLocal


        def login(name: str) -> bool:
            db = SessionLocal()
            try:
                return db.scalar(name) is not None
            finally:
                db.close()
    """,
}


def test_a_session_read_off_the_dao_into_a_local_name_is_the_daos_session(tmp_path: Path) -> None:
    # `db = self.dao.db` then `db.execute(...)`: the session the service's dao holds (its
    # `__init__` takes `db: Session`), as `self.dao.db.execute(...)` would be; a client read
    # off the dao the same way is no session. `logic.py` beside `dao.py` is the feature's
    # service: its queries are LC302's, its import of the session factory LC103's.
    root = write_project(tmp_path / "proj", FEATURE_WITH_DAO_AND_LOGIC)
    found = findings(root, "LC103", "LC302")
    service = sorted(line for path, line, code in found if path == "app/modules/group/service.py" and code == "LC302")
    assert service == [14, 14, 15]  # execute and delete() on one line, then commit
    logic = [(line, code) for path, line, code in found if path == "app/modules/group/logic.py"]
    assert (1, "LC103") in logic
    assert (7, "LC302") in logic and (9, "LC302") in logic


def test_a_numeric_password_default_is_a_secret_and_a_numeric_limit_is_not(tmp_path: Path) -> None:
    # `password: str = "123456"` in a settings section is a credential written in the code;
    # `os.getenv("MAX_TOKENS", "500")` is a limit, whatever its name holds.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/config.py": """
                import os

                from pydantic import BaseModel
                from pydantic_settings import BaseSettings


                class DatabaseConfig(BaseModel):
                    user: str = "root"
                    password: str = "123456"


                class Settings(BaseSettings):
                    database: DatabaseConfig = DatabaseConfig()
                    max_tokens: int = int(os.getenv("MAX_TOKENS", "500"))
            """,
        },
    )
    assert findings(root, "LC604") == [("app/config.py", 9, "LC604")]


def test_handlers_a_socketio_namespace_forwards_to_are_entry_points(tmp_path: Path) -> None:
    # `events/handlers/orders.py` of `async def handle_x(self, sid, data)` functions that a
    # `socketio.AsyncNamespace` calls on its events: entry points like routes (api), which
    # may take sessions from the database module; their queries are LC201's.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Order"),
            "app/database.py": """
                from contextlib import contextmanager

                from sqlalchemy import create_engine
                from sqlalchemy.orm import Session


                @contextmanager
                def get_db_manager():
                    with Session(create_engine("sqlite://")) as session:
                        yield session
            """,
            "app/events/__init__.py": "",
            "app/events/handlers/__init__.py": "",
            "app/events/handlers/orders.py": """
                from app.database import get_db_manager
                from app.models import Order
                from app.services.orders import notify


                async def handle_update_order(self, sid, data):
                    with get_db_manager() as db:
                        order = db.get(Order, data["id"])
                        await notify(order.id)


                async def handle_claim(self, sid, data):
                    with get_db_manager() as db:
                        db.commit()
            """,
            "app/services/__init__.py": "",
            "app/services/orders.py": """
                async def notify(order_id: int) -> None:
                    return None
            """,
        },
    )
    assert placed(root)["app/events/handlers/orders.py"]["layer"] == "api"
    found = [item for item in findings(root, "LC103", "LC201") if item[0] == "app/events/handlers/orders.py"]
    assert [code for _, _, code in found if code == "LC103"] == []
    assert sorted(line for _, line, code in found if code == "LC201") == [8, 14]


def test_a_router_named_like_a_test_is_a_router_and_a_test_with_routes_a_test(tmp_path: Path) -> None:
    # `routers/test_checkout.py` registers a route (`async def test_checkout()`, to try the
    # checkout out) and tests nothing: a router, checked as one. A test module that builds a
    # router to exercise it (`def test_ping(client)`) stays a test.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Order"),
            "app/routers/__init__.py": "",
            "app/routers/test_checkout.py": """
                from fastapi import APIRouter

                from app.models import Order

                router = APIRouter()


                @router.post("/test-checkout")
                async def test_checkout(db):
                    db.add(Order())
                    db.commit()
            """,
            "tests/__init__.py": "",
            "tests/test_ping.py": """
                from fastapi import APIRouter

                router = APIRouter()


                @router.get("/ping")
                def ping(db):
                    db.commit()


                def test_ping():
                    assert ping is not None
            """,
        },
    )
    layers = placed(root)
    assert layers["app/routers/test_checkout.py"]["layer"] == "api"
    assert layers["tests/test_ping.py"]["layer"] == "tests"
    found = findings(root, "LC104", "LC201")
    assert ("app/routers/test_checkout.py", 3, "LC104") in found
    assert ("app/routers/test_checkout.py", 10, "LC201") in found
    assert [item for item in found if item[0].startswith("tests/")] == []


MONOREPO = {
    "shared/pyproject.toml": "[project]\nname = 'shared'\n",
    "shared/database_layer/base.py": """
        from sqlalchemy.ext.asyncio import AsyncSession


        class BaseRepository:
            def __init__(self, session: AsyncSession) -> None:
                self.session: AsyncSession = session
    """,
    "orders/pyproject.toml": "[project]\nname = 'orders'\n",
    "orders/database_layer/order_repository.py": """
        from shared.database_layer.base import BaseRepository


        class OrderRepository(BaseRepository):
            async def get(self, order_id: int):
                return await self.session.get(object, order_id)
    """,
    "orders/service_layer/order_service.py": """
        from database_layer.order_repository import OrderRepository


        class OrderService:
            def __init__(self, repository: OrderRepository) -> None:
                self.repository: OrderRepository = repository

            async def cancel(self, order_id: int) -> None:
                await self.repository.get(order_id)
                await self.repository.session.commit()
    """,
}


def test_services_of_a_monorepo_checked_together_keep_their_import_names(tmp_path: Path) -> None:
    # `layercheck shared orders` from the monorepo's root: the project is found in
    # `shared/`, and `orders/` (a project of its own, folders without `__init__.py`) imports
    # `database_layer.order_repository` below its own folder and `shared.database_layer.base`
    # below the root. Both resolve, so the session reached through the repository
    # (`self.repository.session.commit()`) is known in the service (LC302).
    root = write_project(tmp_path / "monorepo", MONOREPO, pyproject=" ")
    (root / "pyproject.toml").unlink()
    run = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC302", "shared", "orders"], root)
    assert run.exit_code in (0, 1), run.output + run.stderr
    found = [(item["filename"], item["location"]["row"]) for item in run.json()]
    assert any(name.endswith("orders/service_layer/order_service.py") and row == 10 for name, row in found), found


def test_an_enum_or_a_dataclass_beside_the_jobs_or_use_cases_is_no_layer_import(tmp_path: Path) -> None:
    # `SchedulerType` (an enum) defined beside the job registry and `SignUpInput` (a
    # dataclass) beside the use cases are values: a schema or a model importing them reaches
    # no job and no service. The registry itself, or the use case, still is one.
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/tasks/__init__.py": "",
            "app/tasks/registry.py": """
                from enum import Enum


                class SchedulerType(str, Enum):
                    CRON = "cron"


                def register(name: str) -> None:
                    return None
            """,
            "app/use_cases/__init__.py": "",
            "app/use_cases/sign_up.py": """
                from dataclasses import dataclass


                @dataclass
                class SignUpInput:
                    email: str


                class SignUp:
                    def execute(self, data: SignUpInput) -> None:
                        return None
            """,
            "app/schemas/__init__.py": "",
            "app/schemas/forms.py": """
                from app.tasks.registry import SchedulerType
                from app.tasks.registry import register
                from app.use_cases.sign_up import SignUpInput
                from app.use_cases.sign_up import SignUp
                from pydantic import BaseModel


                class JobForm(BaseModel):
                    kind: SchedulerType
            """,
        },
    )
    found = [line for path, line, _ in findings(root, "LC103") if path == "app/schemas/forms.py"]
    assert found == [2, 4]

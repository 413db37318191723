"""The thirty-third round: what real projects of the round taught, each checked through the
CLI on a small project of its own."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, orm_module, placed

# ----- a feature folder named for its concern holds that feature's business logic ----------

_FEATURE_FOLDERS = {
    "src/__init__.py": "",
    "src/db.py": """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        engine = create_engine("postgresql://localhost/app")
        SessionLocal = sessionmaker(bind=engine)
        """,
    "src/entities.py": orm_module("User"),
    "src/services/__init__.py": "",
    "src/services/mail.py": """
        def send_code(email: str, code: str) -> None:
            print(email, code)
        """,
    "src/router/__init__.py": "",
    "src/router/auth/__init__.py": "",
    # Each feature folder holds `routes.py` and the `handlers.py` its routes call: the
    # validation, the mail and every query of the feature.
    "src/router/auth/handlers.py": """
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from src.entities import User
        from src.services.mail import send_code


        def login_handler(session: Session, email: str) -> bool:
            user = session.scalar(select(User).where(User.id == 1))
            return user is not None


        def forgot_password_handler(session: Session, email: str) -> None:
            user = session.scalar(select(User).where(User.id == 2))
            if user is not None:
                send_code(email, "123456")


        def logout_handler(session: Session) -> None:
            session.execute(select(User))
            session.commit()
        """,
    "src/user_permissions.py": """
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from src.entities import User
        from src.services.mail import send_code


        def can_login(session: Session) -> bool:
            return session.scalar(select(User).where(User.id == 1)) is not None


        def can_reset(session: Session) -> bool:
            send_code("a", "b")
            return session.scalar(select(User).where(User.id == 2)) is not None


        def can_logout(session: Session) -> bool:
            return session.scalar(select(User).where(User.id == 3)) is not None
        """,
}


def test_handlers_in_a_feature_folder_named_auth_are_the_features_service(tmp_path: Path) -> None:
    root = write_project(tmp_path, _FEATURE_FOLDERS)
    layers = placed(root)
    assert layers["src/router/auth/handlers.py"]["layer"] == "service"
    assert {line for path, line, _ in findings(root, "LC302") if path == "src/router/auth/handlers.py"} == {
        9,
        14,
        20,
        21,
    }


def test_a_module_named_for_access_control_is_no_service_by_its_queries(tmp_path: Path) -> None:
    root = write_project(tmp_path, _FEATURE_FOLDERS)
    # (its lookups decide who may do what: named for the concern, it stays in no layer)
    assert placed(root)["src/user_permissions.py"]["layer"] is None


# ----- a SQL function as a new row's column value ---------------------------------------------

_ROW_VALUES = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Token"),
    "app/services/__init__.py": "",
    "app/services/tokens.py": """
        from sqlalchemy import func, select
        from sqlalchemy.orm import Session

        from app.models import Token


        def issue(session: Session, repository) -> None:
            token = Token(id=1, created_at=func.now())
            repository.add(token)


        def revoke(session: Session, repository, token: Token) -> None:
            repository.merge(token, deleted_at=func.now())


        def newest(session: Session) -> int:
            return session.scalar(select(func.max(Token.id)))
        """,
}


def test_a_sql_function_given_to_a_models_constructor_is_no_query_built(tmp_path: Path) -> None:
    root = write_project(tmp_path, _ROW_VALUES)
    # `Token(created_at=func.now())` is the row's value; handed to a method, `merge(...,
    # deleted_at=func.now())` is SQL the service builds; `select(func.max(...))` a query.
    assert findings(root, "LC302") == [
        ("app/services/tokens.py", 13, "LC302"),
        ("app/services/tokens.py", 17, "LC302"),
        ("app/services/tokens.py", 17, "LC302"),
    ]


# ----- rows the service queried, handed out inside a dict -----------------------------------

_PROFILE = {
    "app/__init__.py": "",
    "app/models.py": orm_module("User"),
    "app/services/__init__.py": "",
    "app/services/profiles.py": """
        from sqlalchemy import select
        from sqlalchemy.orm import Session, load_only

        from app.models import User


        def profile(session: Session, user_id: int):
            stmt = select(User).options(load_only(User.id)).where(User.id == user_id)
            found = session.scalar(statement=stmt)
            return {"profile": found, "roles": []}


        def profile_count(session: Session) -> dict[str, int]:
            stmt = select(User.id)
            ids = session.scalars(stmt).all()
            return {"count": len(ids), "ids": ids}


        def _profile(session: Session, user_id: int):
            found = session.get(User, user_id)
            return {"profile": found}
        """,
}


def test_rows_a_service_queried_returned_inside_a_dict_are_orm_data(tmp_path: Path) -> None:
    root = write_project(tmp_path, _PROFILE)
    # (a column's values are no rows; a private helper is not judged)
    assert findings(root, "LC301") == [("app/services/profiles.py", 10, "LC301")]


# ----- a generic service base in the database package ---------------------------------------

_SERVICE_BASE = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/database/__init__.py": "",
    "app/core/database/base.py": """
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        engine = create_async_engine("postgresql+asyncpg://localhost/app")
        session_factory = async_sessionmaker(engine)
        """,
    # A generic service every feature's service derives from, and the context manager that
    # turns SQL errors into the app's: a bare `yield`, no session handed out.
    "app/core/database/service.py": """
        from contextlib import contextmanager

        from sqlalchemy import select
        from sqlalchemy.exc import SQLAlchemyError
        from sqlalchemy.ext.asyncio import AsyncSession


        @contextmanager
        def sql_error_handler():
            try:
                yield
            except SQLAlchemyError as error:
                raise RuntimeError("database error") from error


        class SQLAlchemyService:
            model = None

            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def get_all(self):
                with sql_error_handler():
                    return (await self.session.execute(select(self.model))).scalars().all()
        """,
}


def test_a_service_in_the_database_package_with_a_bare_yield_stays_a_service(tmp_path: Path) -> None:
    root = write_project(tmp_path, _SERVICE_BASE)
    assert placed(root)["app/core/database/service.py"]["layer"] == "service"
    assert sorted(code for _, _, code in findings(root, "LC101", "LC302")) == ["LC101", "LC302", "LC302"]


# ----- the admin's pages, their actions updating rows ---------------------------------------

_ADMIN = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Feedback"),
    "app/admin/__init__.py": "",
    "app/admin/views/__init__.py": "",
    "app/admin/views/feedback.py": """
        from sqladmin import ModelView, action
        from sqlalchemy import update

        from app.models import Feedback


        class FeedbackAdmin(ModelView, model=Feedback):
            @action(name="done", label="Mark done")
            async def mark_done(self, request):
                async with self.session_maker() as session:
                    await session.execute(update(Feedback).values(id=1))
                    await session.commit()
        """,
}


def test_an_admin_view_whose_actions_run_queries_is_no_router(tmp_path: Path) -> None:
    root = write_project(tmp_path, _ADMIN)
    assert placed(root)["app/admin/views/feedback.py"]["layer"] is None
    assert findings(root, "LC104", "LC201") == []


# ----- wiring and errors kept in the api package ------------------------------------------

_API_PACKAGE = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    # A folder of exception classes (its name misspelled) and nothing else.
    "app/api/exeptions/__init__.py": "",
    "app/api/exeptions/auth.py": """
        from fastapi import HTTPException


        class IncorrectPassword(HTTPException):
            def __init__(self) -> None:
                super().__init__(status_code=401, detail="incorrect password")


        class UserExists(IncorrectPassword):
            pass
        """,
    "app/api/helpers.py": """
        from fastapi import HTTPException


        class Forbidden(HTTPException):
            pass


        def forbid() -> None:
            raise Forbidden(status_code=403)
        """,
    "app/api/services/__init__.py": "",
    "app/api/services/auth.py": """
        from app.api.exeptions.auth import IncorrectPassword
        from app.api.helpers import forbid


        class AuthService:
            def login(self, password: str) -> None:
                if not password:
                    raise IncorrectPassword()
                forbid()
        """,
    # The providers that hand the routes their services.
    "app/api/dependencies/__init__.py": "",
    "app/api/dependencies/services/__init__.py": "",
    "app/api/dependencies/services/auth.py": """
        from typing import Annotated

        from fastapi import Depends

        from app.api.services.auth import AuthService


        def get_auth_service() -> AuthService:
            return AuthService()


        AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]
        """,
}


def test_a_module_of_exception_classes_in_the_api_package_serves_every_layer(tmp_path: Path) -> None:
    root = write_project(tmp_path, _API_PACKAGE)
    # (an exception beside a function of the api package is the api's)
    assert findings(root, "LC103") == [("app/api/services/auth.py", 2, "LC103")]


def test_a_services_folder_inside_a_dependencies_folder_is_wiring(tmp_path: Path) -> None:
    root = write_project(tmp_path, _API_PACKAGE)
    layers = placed(root)
    assert layers["app/api/dependencies/services/auth.py"]["layer"] == "api"
    assert layers["app/api/services/auth.py"]["layer"] == "service"


# ----- an ODM's documents are the persistence model --------------------------------------

_DOCUMENTS = {
    "app/__init__.py": "",
    "app/documents.py": """
        from beanie import Document


        class Record(Document):
            title: str
        """,
    "app/schemas.py": """
        from pydantic import BaseModel


        class RecordOut(BaseModel):
            title: str
        """,
    "app/services/__init__.py": "",
    "app/services/records.py": """
        from app.documents import Record
        from app.schemas import RecordOut


        class RecordService:
            async def get(self, record_id: str) -> Record:
                return await Record.get(record_id)

            async def show(self, record_id: str) -> RecordOut:
                found = await Record.get(record_id)
                return RecordOut(title=found.title)
        """,
}


def test_a_service_returning_a_beanie_document_returns_the_persistence_model(tmp_path: Path) -> None:
    root = write_project(tmp_path, _DOCUMENTS)
    assert findings(root, "LC301") == [("app/services/records.py", 6, "LC301")]


# ----- a schema reading an ORM class off the models package --------------------------------

_MODELS_PACKAGE = {
    "app/__init__.py": "",
    "app/models/__init__.py": "from .user import *\nfrom .role import *\n",
    "app/models/user.py": orm_module("User"),
    "app/models/role.py": """
        import enum


        class Role(enum.Enum):
            admin = "admin"
        """,
    "app/schemas/__init__.py": "",
    "app/schemas/token.py": """
        from pydantic import BaseModel

        from app import models


        class TokenPayload(BaseModel):
            sub: str
            user: models.User | str
        """,
    "app/schemas/roles.py": """
        from pydantic import BaseModel

        from app import models


        class RoleOut(BaseModel):
            role: models.Role
        """,
}


def test_a_schema_reading_an_orm_class_off_the_models_package_imports_the_orm(tmp_path: Path) -> None:
    root = write_project(tmp_path, _MODELS_PACKAGE)
    # (an enum read off the same package is no ORM class)
    assert findings(root, "LC504") == [("app/schemas/token.py", 3, "LC504")]


# ----- a statement the service built, run by a project helper -----------------------------

_FETCHING = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Order"),
    "app/utils/__init__.py": "",
    "app/utils/fetching.py": """
        from typing import Any

        from fastapi import HTTPException
        from sqlalchemy import Select
        from sqlalchemy.ext.asyncio import AsyncSession


        async def fetch_one_or_404(db: AsyncSession, query: Select) -> Any:
            row = (await db.execute(query)).scalar_one_or_none()
            if row is None:
                raise HTTPException(status_code=404)
            return row


        async def fetch_count(db: AsyncSession, query: Select) -> int:
            return (await db.execute(query)).scalar() or 0
        """,
    "app/services/__init__.py": "",
    "app/services/orders.py": """
        from sqlalchemy import func, select

        from app.models import Order
        from app.utils.fetching import fetch_count, fetch_one_or_404


        class OrderService:
            def __init__(self, db) -> None:
                self.db = db

            async def get(self, order_id: int):
                query = select(Order).where(Order.id == order_id)
                order = await fetch_one_or_404(self.db, query)
                return order

            async def count(self):
                query = select(func.count(Order.id))
                total = await fetch_count(self.db, query)
                return total
        """,
}


def test_rows_of_a_statement_run_by_a_project_helper_are_the_rows_queried(tmp_path: Path) -> None:
    root = write_project(tmp_path, _FETCHING)
    # (a count's statement selects no rows)
    assert findings(root, "LC301") == [("app/services/orders.py", 14, "LC301")]


# ----- "tasks" as the domain's noun in a folder of another layer --------------------------

_TODO = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Task"),
    "app/controllers/__init__.py": "",
    "app/controllers/tasks.py": """
        from sqlalchemy.orm import Session

        from app.models import Task


        def create_task(db: Session, task_id: int):
            task = Task(id=task_id)
            db.add(task)
            db.commit()
            return task


        def get_task(db: Session, task_id: int):
            return db.query(Task).filter(Task.id == task_id).first()


        def list_tasks(db: Session):
            return db.query(Task).all()


        def delete_task(db: Session, task_id: int) -> None:
            db.query(Task).filter(Task.id == task_id).delete()


        def count_tasks(db: Session) -> int:
            return db.query(Task).count()


        def first_task(db: Session):
            return db.query(Task).first()
        """,
    "app/jobs/__init__.py": "",
    "app/jobs/tasks.py": """
        from celery import shared_task


        @shared_task
        def cleanup() -> None:
            return None
        """,
}


def test_a_tasks_module_of_a_controllers_folder_is_the_folders(tmp_path: Path) -> None:
    root = write_project(tmp_path, _TODO)
    layers = placed(root)
    assert layers["app/controllers/tasks.py"]["layer"] == "service"
    assert layers["app/jobs/tasks.py"]["layer"] == "task"
    assert {code for _, _, code in findings(root, "LC101", "LC301", "LC302")} == {"LC101", "LC301", "LC302"}


# ----- the project's name for its session factory ----------------------------------------

_TYPES = {
    "app/__init__.py": "",
    "app/common/__init__.py": "",
    "app/common/types.py": """
        from typing import TypeVar

        from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

        ModelType = TypeVar("ModelType")
        SessionFactoryType = async_sessionmaker[AsyncSession]
        """,
    "app/common/clock.py": """
        from sqlalchemy.ext.asyncio import AsyncSession


        def now(session: AsyncSession) -> None:
            return None
        """,
}


def test_a_module_naming_the_session_factory_type_is_the_databases(tmp_path: Path) -> None:
    root = write_project(tmp_path, _TYPES)
    assert findings(root, "LC101") == [("app/common/clock.py", 1, "LC101")]


# ----- rows reached through a private helper, an awaited result, a page ---------------------

_CARTS = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Cart"),
    "app/schemas.py": """
        from typing import Generic, TypeVar

        from pydantic import BaseModel

        T = TypeVar("T")


        class Page(BaseModel, Generic[T]):
            total: int
            items: list[T]


        class CartOut(BaseModel):
            id: int
        """,
    "app/services/__init__.py": "",
    "app/services/carts.py": """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import Cart
        from app.schemas import CartOut, Page


        class CartService:
            @staticmethod
            async def _get_or_create(db: AsyncSession, user_id: int) -> Cart:
                return Cart(id=user_id)

            @staticmethod
            async def get_cart(db: AsyncSession, user_id: int):
                cart = await CartService._get_or_create(db, user_id)
                return cart

            @staticmethod
            async def find(db: AsyncSession, cart_id: int):
                found = (await db.execute(select(Cart).where(Cart.id == cart_id))).first()
                return found

            @staticmethod
            async def page(db: AsyncSession) -> Page[Cart]:
                return Page(total=0, items=[])

            @staticmethod
            async def listing(db: AsyncSession) -> Page[CartOut]:
                rows = []
                return Page[Cart](total=0, items=rows)

            @staticmethod
            async def shown(db: AsyncSession) -> Page[CartOut]:
                return Page[CartOut](total=0, items=[])
        """,
}


def test_rows_through_a_private_helper_an_awaited_result_or_a_page_are_orm_data(tmp_path: Path) -> None:
    root = write_project(tmp_path, _CARTS)
    assert findings(root, "LC301") == [
        ("app/services/carts.py", 16, "LC301"),
        ("app/services/carts.py", 21, "LC301"),
        ("app/services/carts.py", 24, "LC301"),
        ("app/services/carts.py", 30, "LC301"),
    ]


# ----- an Alembic environment, and jobs of an app imported from a module named for celery ----

_ALEMBIC_AND_CELERY = {
    "models.py": orm_module("Currency"),
    "database/__init__.py": "",
    "database/config/__init__.py": "",
    # Alembic's environment kept beside the app's database code: it builds the engine to run
    # the migrations.
    "database/config/env.py": """
        from alembic import context
        from sqlalchemy import engine_from_config, pool

        from models import Base

        config = context.config
        target_metadata = Base.metadata


        def run_migrations_online() -> None:
            connectable = engine_from_config(config.get_section("alembic"), poolclass=pool.NullPool)
            with connectable.connect() as connection:
                context.configure(connection=connection, target_metadata=target_metadata)
                with context.begin_transaction():
                    context.run_migrations()


        run_migrations_online()
        """,
    "queue/__init__.py": "",
    "queue/celery.py": """
        from celery import Celery

        app = Celery("worker")
        """,
    # Jobs of the celery app, one of them opening a session over the engine it imports.
    "queue/jobs.py": """
        from sqlalchemy import delete
        from sqlalchemy.orm import sessionmaker

        from database.engine import engine
        from models import Currency
        from queue.celery import app


        @app.task(name="cleanup")
        def cleanup() -> None:
            with sessionmaker(engine)() as session:
                session.execute(delete(Currency))
                session.commit()
        """,
    "database/engine.py": """
        from sqlalchemy import create_engine

        engine = create_engine("sqlite://")
        """,
}


def test_an_alembic_environment_outside_a_migrations_folder_is_the_migrations(tmp_path: Path) -> None:
    root = write_project(tmp_path, _ALEMBIC_AND_CELERY)
    assert placed(root)["database/config/env.py"]["layer"] == "migrations"
    assert [path for path, _, _ in findings(root, "LC103")].count("database/config/env.py") == 0


def test_jobs_of_an_app_imported_from_a_celery_module_make_the_module_a_task(tmp_path: Path) -> None:
    root = write_project(tmp_path, _ALEMBIC_AND_CELERY)
    assert placed(root)["queue/jobs.py"]["layer"] == "task"
    # (a task may not import the database module's engine nor the models)
    assert sorted(code for path, _, code in findings(root, "LC101", "LC103") if path == "queue/jobs.py") == [
        "LC101",
        "LC103",
        "LC103",
    ]


# ----- a repository kept in a registry's slot, only handed to its service ------------------

_LIFESPAN_REGISTRY = {
    "app/__init__.py": "",
    "app/repositories/__init__.py": "",
    "app/repositories/users.py": """
        class UsersRepository:
            async def get(self, session, user_id: int):
                return await session.get(object, user_id)
        """,
    "app/services/__init__.py": "",
    "app/services/users.py": """
        from app.repositories.users import UsersRepository


        class UserService:
            def __init__(self, repository: UsersRepository) -> None:
                self.repository = repository
        """,
    "app/api/__init__.py": "",
    "app/api/users.py": """
        from contextlib import asynccontextmanager

        from fastapi import APIRouter

        from app.repositories.users import UsersRepository
        from app.services.users import UserService

        resources = {}


        @asynccontextmanager
        async def lifespan(router: APIRouter):
            resources["user_repository"] = UsersRepository()
            resources["user_service"] = UserService(resources["user_repository"])
            yield
            resources.clear()


        router = APIRouter(lifespan=lifespan)


        @router.get("/users/{user_id}")
        async def read_user(user_id: int) -> dict:
            resources["audit"] = UsersRepository()
            await resources["audit"].get(None, user_id)
            return {}
        """,
}


def test_a_repository_kept_in_a_registry_only_for_its_service_is_wiring(tmp_path: Path) -> None:
    root = write_project(tmp_path, _LIFESPAN_REGISTRY)
    # (one the endpoint keeps and calls is the router's own)
    assert findings(root, "LC102", "LC202") == [
        ("app/api/users.py", 5, "LC102"),
        ("app/api/users.py", 24, "LC202"),
    ]

"""The thirty-fourth round: what real projects of the round taught, each checked through the
CLI on a small project of its own."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, orm_module, placed

# ----- a demo's in-memory table kept beside the repositories is a container, no query -------

_IN_MEMORY_TABLE = {
    "app/__init__.py": "",
    "app/models.py": orm_module("User"),
    "app/crud.py": """
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from app.models import User

        users_db: dict[str, str] = {"john": "secret", "sam": "qwerty"}
        ADMINS = ["john"]


        def get_user(session: Session, user_id: int) -> User | None:
            return session.scalar(select(User).where(User.id == user_id))
        """,
    "app/api/__init__.py": "",
    "app/api/users.py": """
        from fastapi import APIRouter

        from app.crud import ADMINS, get_user, users_db

        router = APIRouter()


        @router.get("/login/{username}")
        def login(username: str) -> dict:
            password = users_db.get(username)
            admins = ADMINS.copy()
            return {"ok": password is not None, "admin": username in admins}


        @router.get("/users/{user_id}")
        def read(user_id: int) -> dict:
            return {"user": get_user(None, user_id)}
        """,
}


def test_a_method_of_a_literal_container_of_a_repository_module_is_no_repository_call(tmp_path: Path) -> None:
    root = write_project(tmp_path, _IN_MEMORY_TABLE)
    found = findings(root, "LC202")
    # (the import of the container is LC102's finding, not a call into the repository)
    assert [(path, line) for path, line, _ in found] == [("app/api/users.py", 17)]


# ----- a domain class's `from_orm` converts the row it is given ------------------------------

_DOMAIN_FROM_ORM = {
    "app/__init__.py": "",
    "app/infrastructure/__init__.py": "",
    "app/infrastructure/models.py": orm_module("UserORM"),
    "app/infrastructure/repositories/__init__.py": "",
    "app/infrastructure/repositories/users.py": """
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.infrastructure.models import UserORM


        class UserRepository:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def get_by_id(self, user_id: int) -> UserORM | None:
                return await self.session.get(UserORM, user_id)
        """,
    "app/domain/__init__.py": "",
    # The domain classes are re-exported by their package, as the services import them.
    "app/domain/models/__init__.py": """
        from app.domain.models.user import Envelope, User
        """,
    "app/domain/models/user.py": """
        from dataclasses import dataclass
        from typing import Any

        from app.infrastructure.models import UserORM


        @dataclass
        class User:
            id: int

            @classmethod
            def from_orm(cls, row: UserORM) -> "User":
                return cls(id=row.id)


        @dataclass
        class Envelope:
            data: Any

            @classmethod
            def wrap(cls, data: Any) -> "Envelope":
                return cls(data=data)
        """,
    "app/domain/services/__init__.py": "",
    "app/domain/services/users.py": """
        from app.domain.models import Envelope, User
        from app.infrastructure.repositories.users import UserRepository


        class UserService:
            def __init__(self, users: UserRepository) -> None:
                self.users = users

            async def get_user(self, user_id: int) -> User:
                row = await self.users.get_by_id(user_id)
                return User.from_orm(row)

            async def get_wrapped(self, user_id: int) -> Envelope:
                row = await self.users.get_by_id(user_id)
                return Envelope.wrap(row)
        """,
}


def test_a_domain_class_built_from_the_row_by_its_from_method_maps_it(tmp_path: Path) -> None:
    root = write_project(tmp_path, _DOMAIN_FROM_ORM)
    found = findings(root, "LC301")
    # (the envelope's `wrap` holds the row as it is: still reported)
    assert [(path, line) for path, line, _ in found] == [("app/domain/services/users.py", 15)]


# ----- gateways over a session held by a base of fields only are the repository ------------

_GATEWAYS = {
    "backend/__init__.py": "",
    "backend/infra/__init__.py": "",
    "backend/infra/postgres/__init__.py": "",
    "backend/infra/postgres/tables.py": orm_module("Task"),
    "backend/infra/postgres/provider.py": """
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        from backend.infra.postgres.gateways.base import TaskGateway

        engine = create_async_engine("postgresql+asyncpg://localhost/app")
        factory = async_sessionmaker(engine)


        def get_task_gateway(session) -> TaskGateway:
            return TaskGateway(session=session)
        """,
    "backend/infra/postgres/gateways/__init__.py": "",
    # The base only holds the session its subclasses query through.
    "backend/infra/postgres/gateways/base.py": """
        from dataclasses import dataclass

        from sqlalchemy import insert, select
        from sqlalchemy.ext.asyncio import AsyncSession

        from backend.infra.postgres.tables import Task


        @dataclass
        class PostgresGateway:
            session: AsyncSession


        @dataclass
        class TaskGateway(PostgresGateway):
            async def get_all(self) -> list[Task]:
                return list((await self.session.scalars(select(Task))).all())

            async def create(self, title: str) -> None:
                await self.session.execute(insert(Task).values(title=title))
        """,
}


def test_gateways_over_a_session_held_by_a_base_of_fields_are_the_repository(tmp_path: Path) -> None:
    root = write_project(tmp_path, _GATEWAYS)
    layers = placed(root)
    assert layers["backend/infra/postgres/gateways/base.py"]["layer"] == "repository"
    assert layers["backend/infra/postgres/tables.py"]["layer"] == "model"
    found = findings(root, "LC101", "LC103")
    # (the session type is the repository's to import; the database module composing the
    # gateways imports against the layer direction)
    assert [(path, line, code) for path, line, code in found] == [("backend/infra/postgres/provider.py", 3, "LC103")]


# ----- a store named for what it keeps, in the services folder, is the data access -----------

_VECTOR_STORE = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Chunk"),
    "app/services/__init__.py": "",
    "app/services/vector_store.py": """
        from sqlmodel import Session, delete, func, select

        from app.models import Chunk


        def insert_chunks(*, session: Session, chunks: list[Chunk]) -> list[Chunk]:
            session.add_all(chunks)
            session.commit()
            return chunks


        def search(*, session: Session, text: str) -> list[Chunk]:
            return list(session.exec(select(Chunk).limit(5)).all())


        def get_chunks_by_url(*, session: Session, url: str) -> list[Chunk]:
            return list(session.exec(select(Chunk)).all())


        def delete_chunks_by_url(*, session: Session, url: str) -> None:
            session.exec(delete(Chunk))
            session.commit()


        def get_chunk_count(*, session: Session) -> int:
            return session.exec(select(func.count()).select_from(Chunk)).one()
        """,
    # A store of one use case runs too few queries to be the data access.
    "app/services/add_customer_store.py": """
        from sqlmodel import Session

        from app.models import Chunk


        def add_customer_store(session: Session, name: str) -> None:
            session.add(Chunk())
            session.commit()
        """,
}


def test_a_store_module_of_queries_in_the_services_folder_is_the_repository(tmp_path: Path) -> None:
    root = write_project(tmp_path, _VECTOR_STORE)
    layers = placed(root)
    assert layers["app/services/vector_store.py"]["layer"] == "repository"
    assert layers["app/services/add_customer_store.py"]["layer"] == "service"
    found = findings(root, "LC302")
    assert {path for path, _, _ in found} == {"app/services/add_customer_store.py"}


# ----- a repository held out of sight is judged by its name (SPEC revision 2) ----------------

_UNTYPED_REPOSITORY = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Order"),
    "app/schemas.py": """
        from pydantic import BaseModel


        class OrderOut(BaseModel):
            id: int
        """,
    "app/repositories.py": """
        from sqlalchemy import select

        from app.models import Order
        from app.schemas import OrderOut


        class OrderRepository:
            def __init__(self, session) -> None:
                self.session = session

            async def get(self, order_id: int) -> OrderOut:
                row = await self.session.get(Order, order_id)
                return OrderOut(id=row.id)
        """,
    "app/services/__init__.py": "",
    "app/services/mixins.py": """
        from dataclasses import dataclass
        from typing import Type, TypeVar

        from sqlalchemy import Select

        Repository = TypeVar("Repository")
        ModelType = TypeVar("ModelType")


        @dataclass
        class Record:
            key: int


        class CRUDServiceMixin:
            def __init__(self, repository: Type[Repository]) -> None:
                self._repository = repository

            async def get(self, **kwargs) -> ModelType:
                return await self._repository.get(**kwargs)

            async def list(self, limit: int) -> list[ModelType]:
                return await self._repository.list(limit=limit)

            async def count(self) -> int:
                return await self._repository.count()

            async def get_multi_paginated(self, page: int):
                return await self._repository.get_multi_paginated(page=page)

            async def exists(self, **kwargs):
                return await self._repository.exists(**kwargs)

            # What the annotation says beats the name: a statement, a domain record.
            async def find_all_q(self) -> Select:
                return await self._repository.find_all_q()

            async def find_record(self, key: int) -> Record:
                return await self._repository.find_one(key)

            # (an attribute nothing sets holds nothing the name could speak for)
            async def results(self):
                return await self.result_repo.get_results()
        """,
    # A repository whose class is known is judged by what its method is annotated to return.
    "app/services/orders.py": """
        from app.repositories import OrderRepository


        class OrderService:
            def __init__(self, orders: OrderRepository) -> None:
                self.order_repo = orders

            async def get_order(self, order_id: int):
                return await self.order_repo.get(order_id)
        """,
}


def test_a_row_method_of_a_repository_held_out_of_sight_gives_rows(tmp_path: Path) -> None:
    root = write_project(tmp_path, _UNTYPED_REPOSITORY)
    found = findings(root, "LC301")
    assert [(path, line) for path, line, _ in found] == [
        ("app/services/mixins.py", 20),
        ("app/services/mixins.py", 23),
    ]


# ----- a module of table classes is the model layer, and its active-record base is its own ---

_TABLE_MODULES = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/database.py": """
        from sqlalchemy import create_engine

        engine = create_engine("postgresql://localhost/app")
        """,
    # The base every table derives from, whose classmethods run the queries (active record).
    "app/core/record.py": """
        from sqlmodel import Session, SQLModel, select


        class AbstractModel(SQLModel):
            @classmethod
            def by(cls, *where, s: Session):
                return s.exec(select(cls).where(*where)).all()

            @classmethod
            def first(cls, *where, s: Session):
                return s.exec(select(cls).where(*where)).first()

            def save(self, s: Session) -> None:
                s.add(self)
                s.commit()
        """,
    "app/services/__init__.py": "",
    "app/services/auth.py": """
        import uuid


        def create_uuid() -> str:
            return str(uuid.uuid4())
        """,
    "app/db/__init__.py": "",
    "app/db/tables/__init__.py": "",
    "app/db/tables/user.py": """
        from sqlmodel import Field

        from app.core.record import AbstractModel
        from app.services.auth import create_uuid


        class User(AbstractModel, table=True):
            id: str = Field(default_factory=create_uuid, primary_key=True)
        """,
}


def test_a_module_of_table_classes_is_the_model_layer_and_its_base_is_its_own(tmp_path: Path) -> None:
    root = write_project(tmp_path, _TABLE_MODULES)
    layers = placed(root)
    assert layers["app/db/tables/user.py"]["layer"] == "model"
    found = findings(root, "LC103")
    # (the model importing a service is against the direction; importing its base is not)
    assert [(path, line) for path, line, _ in found] == [("app/db/tables/user.py", 4)]


# ----- a callable class's `__call__` is its one operation, unless named for a use case -----

_CALLABLES = {
    "backend/__init__.py": "",
    "backend/tables.py": orm_module("Task"),
    "backend/gates/__init__.py": "",
    # One query per class, run by calling it.
    "backend/gates/todo.py": """
        from dataclasses import dataclass

        from sqlalchemy import insert, select
        from sqlalchemy.ext.asyncio import AsyncSession

        from backend.tables import Task


        @dataclass
        class PostgresGate:
            session: AsyncSession


        @dataclass
        class GetAllGate(PostgresGate):
            async def __call__(self) -> list[Task]:
                return list((await self.session.scalars(select(Task))).all())


        @dataclass
        class CreateGate(PostgresGate):
            async def __call__(self, title: str) -> None:
                await self.session.execute(insert(Task).values(title=title))
        """,
    "backend/handlers/__init__.py": "",
    # A handler of a command queries too, and is the business logic it runs.
    "backend/handlers/login.py": """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from backend.tables import Task


        class LoginHandler:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def __call__(self, email: str) -> bool:
                return (await self.session.scalar(select(Task).where(Task.id == 1))) is not None
        """,
}


_CALLABLES["backend/utils/__init__.py"] = ""
# A callable handed the session it runs on is a helper of its callers, no store.
_CALLABLES["backend/utils/actions.py"] = """
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from backend.tables import Task


    class ActionType:
        async def __call__(self, name: str, session: AsyncSession) -> int:
            return (await session.scalar(select(Task.id).where(Task.id == 1))) or 0
    """


def test_a_callable_class_that_queries_is_data_access_unless_named_for_a_use_case(tmp_path: Path) -> None:
    root = write_project(tmp_path, _CALLABLES)
    layers = placed(root)
    assert layers["backend/gates/todo.py"]["layer"] == "repository"
    assert layers["backend/handlers/login.py"]["layer"] is None
    assert layers["backend/utils/actions.py"]["layer"] is None
    found = findings(root, "LC101")
    assert [(path, line) for path, line, _ in found] == [
        ("backend/handlers/login.py", 2),
        ("backend/utils/actions.py", 2),
    ]


# ----- the database module only a script imports prints to that script ---------------------

_SCRIPT_ONLY_DATABASE = {
    "app/__init__.py": "",
    "app/main.py": """
        from fastapi import FastAPI

        from app.db import get_db

        app = FastAPI()


        @app.get("/health")
        def health() -> dict:
            return {"db": get_db is not None}
        """,
    "app/db.py": """
        def get_db():
            print("opening a session")
            yield None
        """,
    # Creating the database is a job of its own, run before the server starts.
    "app/utils/__init__.py": "",
    "app/utils/db.py": """
        from sqlalchemy import create_engine


        def create_database(url: str) -> None:
            create_engine(url)
            print(f"created {url}")
        """,
    "scripts/__init__.py": "",
    "scripts/migrate.py": """
        from app.utils.db import create_database

        if __name__ == "__main__":
            create_database("postgresql://localhost/app")
        """,
}


def test_a_database_module_only_a_script_imports_is_no_server_code(tmp_path: Path) -> None:
    root = write_project(tmp_path, _SCRIPT_ONLY_DATABASE)
    found = findings(root, "LC704")
    assert [(path, line) for path, line, _ in found] == [("app/db.py", 2)]


# ----- a unit of work is the database's import, whatever check it also runs -----------------

_CHECKING_UNIT_OF_WORK = {
    "src/__init__.py": "",
    "src/models.py": orm_module("User"),
    "src/db.py": """
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        engine = create_async_engine("postgresql+asyncpg://localhost/app")
        sessionmaker = async_sessionmaker(engine)
        """,
    "src/repos/__init__.py": "",
    "src/repos/users.py": """
        from sqlalchemy import select

        from src.models import User


        class UsersRepo:
            def __init__(self, session) -> None:
                self.session = session

            async def get(self, user_id: int) -> User | None:
                return await self.session.scalar(select(User).where(User.id == user_id))
        """,
    "src/utils/__init__.py": "",
    "src/utils/db_tools.py": """
        from sqlalchemy import text
        from typing import Self

        from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

        from src.repos.users import UsersRepo


        class DBManager:
            def __init__(self, session_factory: async_sessionmaker) -> None:
                self.session_factory = session_factory

            async def __aenter__(self) -> Self:
                self.session: AsyncSession = self.session_factory()
                self.users = UsersRepo(self.session)
                return self

            async def __aexit__(self, *exc) -> None:
                await self.rollback()
                await self.session.close()

            async def check_connection(self) -> None:
                await self.session.execute(text("SELECT version();"))

            async def commit(self) -> None:
                await self.session.commit()

            async def rollback(self) -> None:
                await self.session.rollback()
        """,
    "src/api/__init__.py": "",
    "src/api/dependencies/__init__.py": "",
    "src/api/dependencies/db.py": """
        from typing import Any, AsyncGenerator

        from src.db import sessionmaker
        from src.utils.db_tools import DBManager


        async def get_db() -> AsyncGenerator[DBManager, Any]:
            async with DBManager(session_factory=sessionmaker) as db:
                yield db
        """,
}


def test_a_unit_of_work_that_also_runs_a_check_is_the_databases_import(tmp_path: Path) -> None:
    root = write_project(tmp_path, _CHECKING_UNIT_OF_WORK)
    found = findings(root, "LC102", "LC103")
    assert [(path, line) for path, line, _ in found if path == "src/api/dependencies/db.py"] == []

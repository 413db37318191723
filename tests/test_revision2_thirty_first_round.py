"""The thirty-first round: what real projects of the round taught, each checked through the
CLI on a small project of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_project
from test_revision2 import findings, orm_module, placed

# ----- many models deriving from one abstract base ---------------------------------------

_RECORD_BASE = """
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class RecordModel(Base):
    __abstract__ = True
"""


def _record_models(count: int) -> dict[str, str]:
    files = {"app/__init__.py": "", "app/models/__init__.py": "", "app/models/base.py": _RECORD_BASE}
    for number in range(count):
        files[f"app/models/thing_{number}.py"] = (
            "from app.models.base import RecordModel\n\n\n"
            f"class Thing{number}(RecordModel):\n    __tablename__ = 'things_{number}'\n"
        )
    return files


def test_hundreds_of_models_under_one_abstract_base_are_judged_without_a_deep_recursion(tmp_path: Path) -> None:
    # Whether the abstract `RecordModel` is an interface of the data layer is asked of each
    # model deriving from it, and each of them asked it again, one level deeper per model:
    # a project of some hundreds of models ran out of stack and the run was lost. The run
    # completes, and the router's model import and query are found as with three models.
    router = """
        from fastapi import APIRouter
        from sqlalchemy import select

        from app.models.thing_1 import Thing1

        router = APIRouter()


        @router.get("/things")
        async def list_things(session):
            return await session.execute(select(Thing1))
        """
    expected = {("app/api/routes/things.py", line, code) for line, code in ((2, "LC104"), (4, "LC104"), (11, "LC201"))}
    for count in (3, 600):
        root = write_project(tmp_path / str(count), {**_record_models(count), "app/api/routes/things.py": router})
        # (every rule runs: the question is asked by the import contracts, LC102 and LC103)
        assert set(findings(root, "LC0", "LC1", "LC2")) == expected, count


# ----- data transfer objects are schemas by their name ------------------------------------

# (the declarative base and `User`, the ORM class the fixtures below import)
_USER_MODEL = orm_module("User")


@pytest.mark.parametrize("path", ["app/dtos/responses/user_dto.py", "app/dto/user.py", "app/users/user_dto.py"])
def test_a_dto_module_is_a_schema_and_importing_an_orm_class_there_is_found(tmp_path: Path, path: str) -> None:
    # `dtos/`, `dto/` and `*_dto.py` hold the request and response shapes, as `schemas/`
    # does: one that imports the ORM class to copy it from is a schema importing a model.
    dto = """
        from pydantic import BaseModel

        from app.models.user import User


        class UserDto(BaseModel):
            id: int

            @classmethod
            def from_entity(cls, user: User) -> "UserDto":
                return cls(id=user.id)
        """
    other = """
        from pydantic import BaseModel


        class PageDto(BaseModel):
            total: int
        """
    files = {"app/__init__.py": "", "app/models/user.py": _USER_MODEL, path: dto, "app/dtos/page_dto.py": other}
    root = write_project(tmp_path, files)
    assert placed(root)[path]["layer"] == "schema"
    assert findings(root, "LC103", "LC504") == [(path, 3, "LC504")]  # the page's module imports no model


# ----- ports declared by the application layer --------------------------------------------

_UOW_PORT = """
from abc import ABC, abstractmethod

from app.domain.repositories import AbstractUserRepository


class AbstractUnitOfWork(ABC):
    users: AbstractUserRepository

    async def __aenter__(self) -> "AbstractUnitOfWork":
        return self

    @abstractmethod
    async def commit(self) -> None: ...

    @abstractmethod
    async def rollback(self) -> None: ...
"""

_UOW_ADAPTER = """
from sqlalchemy.ext.asyncio import AsyncSession

from app.application.interfaces.uow import AbstractUnitOfWork


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
"""

_UOW_PROVIDER = """
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession

from app.application.interfaces.uow import AbstractUnitOfWork
from app.db.database import session_factory
from app.db.unit_of_work import SqlAlchemyUnitOfWork


async def get_session() -> AsyncIterator[AsyncSession]:
    async with session_factory() as session:
        yield session


def get_uow(session: AsyncSession) -> AbstractUnitOfWork:
    return SqlAlchemyUnitOfWork(session)
"""

# (the port of the repository the unit of work gathers: the ports module uses a repository)
_REPOSITORY_PORT = """
from typing import Protocol


class AbstractUserRepository(Protocol):
    async def get(self, user_id: int) -> dict: ...
"""

_DATABASE = """
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_async_engine("sqlite+aiosqlite://")
session_factory = async_sessionmaker(engine)
"""


def test_a_port_of_the_application_layer_implemented_by_the_database_is_no_upward_import(tmp_path: Path) -> None:
    # An abstract unit of work whose `__aenter__` returns the instance is still an interface
    # (its other methods are abstract): the database's unit of work implementing it depends
    # on the interface only.
    files = {
        "app/__init__.py": "",
        "app/domain/repositories.py": _REPOSITORY_PORT,
        "app/application/interfaces/uow.py": _UOW_PORT,
        "app/db/database.py": _DATABASE,
        "app/db/unit_of_work.py": _UOW_ADAPTER,
    }
    root = write_project(tmp_path, files)
    layers = placed(root)
    assert [layers[path]["layer"] for path in ("app/application/interfaces/uow.py", "app/db/unit_of_work.py")] == [
        "service",
        "database",
    ]
    assert findings(root, "LC103") == []


def test_a_service_class_with_code_of_its_own_imported_by_the_database_is_still_an_upward_import(
    tmp_path: Path,
) -> None:
    # The near miss: a base class whose methods do work is the service layer's code.
    base = _UOW_PORT.replace(
        "    @abstractmethod\n    async def commit(self) -> None: ...\n",
        "    async def commit(self) -> None:\n        await self.flush_events()\n",
    )
    files = {
        "app/__init__.py": "",
        "app/domain/repositories.py": _REPOSITORY_PORT,
        "app/application/interfaces/uow.py": base,
        "app/db/database.py": _DATABASE,
        "app/db/session.py": _UOW_PROVIDER.replace(
            "from app.db.unit_of_work import SqlAlchemyUnitOfWork\n", ""
        ).replace("return SqlAlchemyUnitOfWork(session)", "return AbstractUnitOfWork()"),
    }
    root = write_project(tmp_path, files)
    assert findings(root, "LC103") == [("app/db/session.py", 5, "LC103")]


# ----- a repository method handing on what its base's method returns ------------------------

_BASE_REPOSITORY = """
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.user import User
from app.repositories.mappers import UserMapper


class BaseRepository:
    orm = User
    mapper = UserMapper

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, data):
        result = await self.session.execute(insert(self.orm).values(**data).returning(self.orm))
        item = result.scalars().one()
        return {returned}
"""

_USERS_REPOSITORY = """
from app.repositories.base import BaseRepository


class UsersRepository(BaseRepository):
    async def add_user(self, data):
        added = await super().add(data)
        return added
"""

_USERS_SERVICE = """
from app.repositories.users import UsersRepository


class UsersService:
    def __init__(self, repository: UsersRepository) -> None:
        self.repository = repository

    async def register(self, data):
        user = await self.repository.add_user(data)
        return user
"""

_MAPPERS = """
class UserMapper:
    @staticmethod
    def map_to_domain_entity(item):
        return {"id": item.id}
"""


@pytest.mark.parametrize(("returned", "flagged"), [("self.mapper.map_to_domain_entity(item)", False), ("item", True)])
def test_what_a_repository_method_hands_on_from_its_base_through_super_is_what_the_base_returns(
    tmp_path: Path, returned: str, flagged: bool
) -> None:
    # `added = await super().add(data)`, then `return added`: the base's `add` converts the
    # row through its mapper (no ORM instance for the service to hand on), or returns the
    # row itself (the service hands it on unmapped: LC301).
    files = {
        "app/__init__.py": "",
        "app/models/user.py": _USER_MODEL,
        "app/repositories/mappers.py": _MAPPERS,
        "app/repositories/base.py": _BASE_REPOSITORY.replace("{returned}", returned),
        "app/repositories/users.py": _USERS_REPOSITORY,
        "app/services/users.py": _USERS_SERVICE,
    }
    root = write_project(tmp_path, files)
    assert findings(root, "LC301") == ([("app/services/users.py", 10, "LC301")] if flagged else [])


@pytest.mark.parametrize(("imported", "flagged"), [("PhoneStr", False), ("RegisterUser", True)])
def test_a_value_type_derived_from_str_beside_the_use_cases_is_no_service_import(
    tmp_path: Path, imported: str, flagged: bool
) -> None:
    # `class PhoneStr(str)` validating itself for Pydantic, kept among the use cases, is a
    # value a DTO may type a field with; the use case beside it is the service layer's code.
    use_cases = """
        class PhoneStr(str):
            @classmethod
            def __get_validators__(cls):
                yield cls.validate

            @classmethod
            def validate(cls, value: str) -> "PhoneStr":
                return cls(value.replace(" ", ""))


        class RegisterUser:
            def __init__(self, repository) -> None:
                self.repository = repository

            async def __call__(self, phone: PhoneStr) -> None:
                await self.repository.add(phone)
        """
    dto = f"""
        from pydantic import BaseModel

        from app.usecases.users import {imported}


        class ApplicationDto(BaseModel):
            phone: str
        """
    files = {"app/__init__.py": "", "app/usecases/users.py": use_cases, "app/dto/application.py": dto}
    root = write_project(tmp_path, files)
    assert findings(root, "LC103") == ([("app/dto/application.py", 3, "LC103")] if flagged else [])


# ----- a service method handing on what another of its methods got from the repository ---

_USERS_REPOSITORY_TYPED = """
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.user import User
from app.schemas.user import UserOut


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def update_user(self, user) -> {returned}:
        await self.session.merge(user)
        return user
"""

_CHAINED_SERVICE = """
from app.repositories.users import UserRepository


class AuthService:
    def __init__(self, repository: UserRepository) -> None:
        self.repository = repository

    async def update_user(self, user, email=None):
        if email is not None:
            user.email = email
        new_user = await self.repository.update_user(user)
        return new_user

    async def change_email(self, user, email: str):
        return await self.update_user(user, email=email)
"""


@pytest.mark.parametrize(("returned", "flagged"), [("User", True), ("UserOut", False)])
def test_a_service_method_handing_on_what_its_sibling_got_from_the_repository_returns_that(
    tmp_path: Path, returned: str, flagged: bool
) -> None:
    # `change_email` returns what `update_user` returns, an unannotated method whose result is
    # what the repository's `update_user` gave: the ORM row (both are LC301), or a schema
    # (neither is).
    schema = "from pydantic import BaseModel\n\n\nclass UserOut(BaseModel):\n    id: int\n"
    files = {
        "app/__init__.py": "",
        "app/models/user.py": _USER_MODEL,
        "app/schemas/user.py": schema,
        "app/repositories/users.py": _USERS_REPOSITORY_TYPED.replace("{returned}", returned),
        "app/services/auth.py": _CHAINED_SERVICE,
    }
    root = write_project(tmp_path, files)
    expected = [("app/services/auth.py", 12, "LC301"), ("app/services/auth.py", 15, "LC301")]
    assert findings(root, "LC301") == (expected if flagged else [])


# ----- a module of response models in no layer is a schema --------------------------------


@pytest.mark.parametrize(
    ("helper", "flagged"),
    [("", True), ("\n\ndef token_for(user: User) -> Token:\n    return Token(value=str(user.id))\n", False)],
)
def test_a_module_in_no_layer_made_of_pydantic_classes_importing_an_orm_class_is_lc504(
    tmp_path: Path, helper: str, flagged: bool
) -> None:
    # `validations/response_models/users.py` holds response models only: a schema module by
    # what it is, importing the ORM class (LC504). A module with functions beside its one
    # Pydantic class (`core/security.py` making tokens for users) is no schema.
    module = (
        "from pydantic import BaseModel\n\nfrom app.models.user import User\n\n\n"
        "class Token(BaseModel):\n    value: str\n\n\nclass UserResponse(BaseModel):\n    id: int\n" + helper
    )
    files = {"app/__init__.py": "", "app/models/user.py": _USER_MODEL, "app/validations/users.py": module}
    root = write_project(tmp_path, files)
    assert placed(root)["app/validations/users.py"]["layer"] is None
    assert findings(root, "LC504") == ([("app/validations/users.py", 3, "LC504")] if flagged else [])


# ----- a Core statement on an ORM class's table ---------------------------------------------


@pytest.mark.parametrize(("owner", "flagged"), [("User", True), ("Archive", False)])
def test_a_statement_on_the_table_of_an_orm_class_in_a_service_is_sql_built_there(
    tmp_path: Path, owner: str, flagged: bool
) -> None:
    # `User.__table__.delete()` builds a Core statement on the model's table (LC302 in a
    # service); `__table__` of a class that is no ORM model is no table of the project.
    service = f"""
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models.user import Archive, User


        async def purge(session: AsyncSession) -> None:
            statement = {owner}.__table__.delete()
            await session.execute(statement)
        """
    archive = "\n\nclass Archive:\n    __table__ = 'archive.tar'\n\n    def delete(self) -> None:\n        pass\n"
    files = {"app/__init__.py": "", "app/models/user.py": _USER_MODEL + archive, "app/services/users.py": service}
    root = write_project(tmp_path, files)
    found = [item for item in findings(root, "LC302") if item[1] == 7]
    assert found == ([("app/services/users.py", 7, "LC302")] if flagged else [])


# ----- the app's entry point is no script -------------------------------------------------

_ENTRY = """
import uvicorn
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.users import router

app = FastAPI()
{wiring}


async def warm_up(session: AsyncSession) -> None:
    await session.close()


if __name__ == "__main__":
    uvicorn.run(app)
"""


_SEED_SCRIPT = """
import asyncio

from sqlalchemy.ext.asyncio import AsyncSession


async def seed(session: AsyncSession) -> None:
    await session.close()


if __name__ == "__main__":
    asyncio.run(seed(None))
"""


@pytest.mark.parametrize(
    ("path", "source", "flagged"),
    [
        ("app/main.py", _ENTRY.replace("{wiring}", "app.include_router(router)"), True),
        ("app/main.py", _ENTRY.replace("{wiring}", ""), True),
        ("app/seed_users.py", _SEED_SCRIPT, False),
    ],
)
def test_a_main_module_serving_the_app_under_its_main_block_is_held_by_lc101(
    tmp_path: Path, path: str, source: str, flagged: bool
) -> None:
    # `uvicorn.run(app)` under `if __name__ == "__main__":` in the module that builds the
    # app (and includes the routers) is the app's entry point: its session import is LC101's.
    # A module that builds no app and runs under its `__main__` block is a script, exempt.
    router = "from fastapi import APIRouter\n\nrouter = APIRouter()\n"
    files = {"app/__init__.py": "", "app/api/users.py": router, path: source}
    root = write_project(tmp_path, files)
    assert findings(root, "LC101") == ([(path, 3, "LC101")] if flagged else [])

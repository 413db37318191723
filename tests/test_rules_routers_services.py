"""Router and service rules (LC105, LC202, LC203, LC204, LC301, LC302) on small projects.

Every case is a project on disk checked through the CLI. A line that must be flagged ends
with `# flagged`; every other line of the case must stay clean, so each case pins both the
violations and the near-misses beside them.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import check_json, run_layercheck, write_project

MARKER = "# flagged"

# The project every case is added to: a model, a schema, a session alias, repositories.
BASE = {
    "app/__init__.py": "",
    "app/models/__init__.py": "from app.models.user import User\n",
    "app/models/base.py": """
        from sqlalchemy.orm import DeclarativeBase


        class Base(DeclarativeBase):
            pass
    """,
    "app/models/user.py": """
        from sqlalchemy.orm import Mapped, mapped_column

        from app.models.base import Base


        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)
            email: Mapped[str]
    """,
    "app/schemas/user.py": """
        from pydantic import BaseModel, ConfigDict


        class UserCreate(BaseModel):
            email: str


        class UserOut(BaseModel):
            model_config = ConfigDict(from_attributes=True)
            id: int
            email: str
    """,
    "app/database.py": """
        from typing import Annotated

        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

        engine = create_async_engine("sqlite+aiosqlite://")
        AsyncSessionLocal = async_sessionmaker(engine, expire_on_commit=False)


        async def get_db():
            async with AsyncSessionLocal() as session:
                yield session


        SessionDep = Annotated[AsyncSession, Depends(get_db)]
    """,
    "app/repositories/__init__.py": "from app.repositories.user_repo import UserRepository\n",
    "app/repositories/base.py": """
        from typing import Generic, TypeVar

        from sqlalchemy.ext.asyncio import AsyncSession

        ModelT = TypeVar("ModelT")


        class BaseRepository(Generic[ModelT]):
            def __init__(self, db: AsyncSession) -> None:
                self.db = db

            async def first(self) -> ModelT | None:
                return None
    """,
    "app/repositories/user_repo.py": """
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models.user import User
        from app.repositories.base import BaseRepository


        class UserNotFound(Exception):
            pass


        async def get(db: AsyncSession, user_id: int) -> User | None:
            return await db.get(User, user_id)


        async def list_all(db: AsyncSession) -> list[User]:
            return []


        async def count(db: AsyncSession) -> int:
            return 0


        async def find(db, user_id):
            return await db.get(User, user_id)


        async def exists(db, email):
            return False


        class UserRepository(BaseRepository[User]):
            async def get(self, user_id: int) -> User | None:
                return await self.db.get(User, user_id)

            async def count(self) -> int:
                return 0
    """,
}


def flagged_lines(files: dict[str, str]) -> set[tuple[str, int]]:
    """The `(path, line)` pairs marked `# flagged` in the case's files (lines as written)."""
    marked = set()
    for path, source in files.items():
        lines = textwrap.dedent(source).lstrip("\n").splitlines()
        for number, line in enumerate(lines, start=1):
            if line.rstrip().endswith(MARKER):
                marked.add((path, number))
    return marked


def run_case(tmp_path: Path, code: str, files: dict[str, str], *flags: str, pyproject: str = "") -> list[dict]:
    """The findings of `code` on BASE plus `files`, each with its `path` below the root."""
    root = write_project(tmp_path / "proj", {**BASE, **files}, pyproject)
    run = check_json(root, "--select", code, *flags)
    assert run.exit_code in (0, 1), run.output + run.stderr
    found = [item for item in run.json() if item["code"] == code]
    for item in found:
        item["path"] = Path(item["filename"]).resolve().relative_to(root.resolve()).as_posix()
    return found


def assert_case(tmp_path: Path, code: str, files: dict[str, str], *flags: str, pyproject: str = "") -> list[dict]:
    found = run_case(tmp_path, code, files, *flags, pyproject=pyproject)
    reported = {(item["path"], item["location"]["row"]) for item in found}
    assert reported == flagged_lines(files), [(i["path"], i["location"]["row"], i["message"]) for i in found]
    return found


# ----- LC202 router-calls-repository ----------------------------------------------------------

LC202_CASES = {
    "module alias": {
        "app/api/users.py": """
            from fastapi import APIRouter

            from app.database import SessionDep
            from app.repositories import user_repo as users

            router = APIRouter()


            @router.get("/users/{user_id}")
            async def get_user(user_id: int, db: SessionDep):
                return await users.get(db, user_id)  # flagged
        """,
    },
    "class alias, constructor chained": {
        "app/api/users.py": """
            from fastapi import APIRouter

            from app.database import SessionDep
            from app.repositories import UserRepository as Users

            router = APIRouter()


            @router.get("/users/{user_id}")
            async def get_user(user_id: int, db: SessionDep):
                return await Users(db).get(user_id)  # flagged
        """,
    },
    "parameter annotated with a repository class": {
        "app/api/users.py": """
            from typing import Annotated

            from fastapi import APIRouter, Depends

            from app.api.deps import get_repository
            from app.repositories.user_repo import UserRepository

            router = APIRouter()


            @router.get("/users/{user_id}")
            async def get_user(user_id: int, repo: Annotated[UserRepository, Depends(get_repository)]):
                return await repo.get(user_id)  # flagged
        """,
        "app/api/deps.py": """
            def get_repository():
                return None
        """,
    },
    "project alias of a repository annotation": {
        "app/api/users.py": """
            from fastapi import APIRouter

            from app.api.deps import UserRepoDep

            router = APIRouter()


            @router.get("/users")
            async def count_users(repo: UserRepoDep) -> int:
                return await repo.count()  # flagged
        """,
        "app/api/deps.py": """
            from typing import Annotated

            from fastapi import Depends

            from app.repositories.user_repo import UserRepository

            UserRepoDep = Annotated[UserRepository, Depends(UserRepository)]
        """,
    },
    "class-based view holding a repository": {
        "app/api/users.py": """
            from fastapi import APIRouter

            from app.repositories.user_repo import UserRepository

            router = APIRouter()


            class UserView:
                def __init__(self, repo: UserRepository, name: str) -> None:
                    self.repo = repo
                    self.name = name

                async def get(self, user_id: int):
                    self.name.upper()
                    return await self.repo.get(user_id)  # flagged
        """,
    },
    "near-misses: services, exceptions, dependency wiring, results": {
        "app/api/users.py": """
            from fastapi import APIRouter, Depends, HTTPException

            from app.database import SessionDep
            from app.repositories.providers import repository_of
            from app.repositories.user_repo import UserNotFound, UserRepository
            from app.services import user_service

            router = APIRouter()


            @router.get("/users")
            async def list_users(db: SessionDep, repo=Depends(repository_of(UserRepository))):
                users = await user_service.list_users(db)
                users.sort(key=lambda user: user.id)
                if not users:
                    raise UserNotFound()
                raise HTTPException(status_code=404)
        """,
        "app/repositories/providers.py": """
            def repository_of(repository_class):
                return repository_class
        """,
        "app/services/user_service.py": """
            from app.repositories import user_repo


            async def list_users(db):
                return [user.id for user in await user_repo.list_all(db)]
        """,
    },
}


@pytest.mark.parametrize("case", LC202_CASES, ids=list(LC202_CASES))
def test_lc202_router_calls_repository(case: str, tmp_path: Path) -> None:
    assert_case(tmp_path, "LC202", LC202_CASES[case])


def test_lc202_message_names_the_call(tmp_path: Path) -> None:
    found = assert_case(tmp_path, "LC202", LC202_CASES["module alias"])
    assert found[0]["message"] == "`users.get()` calls the repository layer from a router; call a service instead"


# ----- LC203 endpoint-returns-orm -------------------------------------------------------------

LC203_CASES = {
    "response_model and annotations": {
        "app/api/users.py": """
            from collections.abc import Sequence
            from typing import Optional

            from fastapi import APIRouter, FastAPI

            from app.models import User
            from app.schemas.user import UserOut

            router = APIRouter()
            app = FastAPI()


            @router.get("/a", response_model=User)  # flagged
            async def a(): ...


            @router.get("/b")
            async def b() -> list[User]: ...  # flagged


            @router.get("/c")
            async def c() -> Optional["User"]: ...  # flagged


            @router.post("/d", response_model=User | None)  # flagged
            async def d(): ...


            @app.put("/e")
            async def e() -> tuple[UserOut, User]: ...  # flagged


            @router.api_route("/f", methods=["GET"])
            async def f() -> Sequence[User]: ...  # flagged


            @router.get("/g", response_model=list["User"])  # flagged
            async def g(): ...
        """,
    },
    "near-misses: schemas, helpers, non-table SQLModel": {
        "app/api/users.py": """
            from fastapi import APIRouter
            from sqlmodel import SQLModel

            from app.models import User
            from app.schemas.user import UserOut

            router = APIRouter()


            class UserPublic(SQLModel):
                id: int


            @router.get("/a", response_model=UserOut)
            async def a() -> UserOut: ...


            @router.get("/b", response_model=list[UserOut])
            async def b() -> list[UserPublic]: ...


            @router.get("/c", response_model=None)
            async def c() -> dict[str, int]: ...


            async def load_user() -> User:
                ...
        """,
    },
}


@pytest.mark.parametrize("case", LC203_CASES, ids=list(LC203_CASES))
def test_lc203_endpoint_returns_orm(case: str, tmp_path: Path) -> None:
    assert_case(tmp_path, "LC203", LC203_CASES[case])


def test_lc203_option_accepts_orm_annotation_with_a_response_model(tmp_path: Path) -> None:
    files = {
        "app/api/users.py": """
            from fastapi import APIRouter

            from app.models import User
            from app.schemas.user import UserOut

            router = APIRouter()


            @router.get("/a", response_model=UserOut)
            async def a() -> User: ...


            @router.get("/b")
            async def b() -> User: ...  # flagged
        """,
    }
    pyproject = "[tool.layercheck.rules.LC203]\nallow-orm-annotation-with-response-model = true\n"
    assert_case(tmp_path, "LC203", files, pyproject=pyproject)
    assert len(run_case(tmp_path / "default", "LC203", files)) == 2


# ----- LC204 unvalidated-body -----------------------------------------------------------------

LC204_CASES = {
    "reading the raw request": {
        "app/api/hooks.py": """
            import json

            from fastapi import APIRouter, Request

            router = APIRouter()


            @router.post("/a")
            async def a(request: Request):
                payload = await request.json()  # flagged
                return payload["id"]


            @router.post("/b")
            async def b(request: Request):
                body = await request.body()
                data = json.loads(body)  # flagged
                return data


            @router.post("/c")
            async def c(request):
                return json.loads((await request.body()).decode())  # flagged
        """,
    },
    "schemaless body parameters": {
        "app/api/items.py": """
            from typing import Annotated, Any, Dict, Optional

            from fastapi import APIRouter, Body

            router = APIRouter()


            @router.post("/a")
            async def a(data: dict): ...  # flagged


            @router.post("/b")
            async def b(
                item_id: int,
                data: Dict[str, Any],  # flagged
            ): ...


            @router.post("/c")
            async def c(items: list[dict[str, Any]]): ...  # flagged


            @router.post("/d")
            async def d(payload: Any = Body(...)): ...  # flagged


            @router.post("/e")
            async def e(payload: Annotated[dict, Body(embed=True)]): ...  # flagged


            @router.post("/f")
            async def f(extra: Optional[dict] = None): ...  # flagged
        """,
    },
    "near-misses: schemas, dependencies, query Any, HTTP clients, validated raw bodies": {
        "app/api/items.py": """
            from typing import Annotated, Any

            import httpx
            from fastapi import APIRouter, Depends, Request

            from app.schemas.user import UserCreate

            router = APIRouter()


            def current_user() -> dict:
                return {}


            @router.post("/a")
            async def a(user_in: UserCreate, current: dict = Depends(current_user)): ...


            @router.post("/b")
            async def b(current: Annotated[dict, Depends(current_user)], q: Any = None): ...


            @router.get("/c")
            async def c(client: Annotated[httpx.AsyncClient, Depends()]):
                response = await client.get("https://example.com")
                return response.json()


            @router.post("/d")
            async def d(request: Request):
                return UserCreate.model_validate_json(await request.body())


            def helper(data: dict) -> dict:
                return data
        """,
    },
}


@pytest.mark.parametrize("case", LC204_CASES, ids=list(LC204_CASES))
def test_lc204_unvalidated_body(case: str, tmp_path: Path) -> None:
    assert_case(tmp_path, "LC204", LC204_CASES[case])


# ----- LC301 service-returns-orm --------------------------------------------------------------

LC301_CASES = {
    "ORM return annotations": {
        "app/services/user_service.py": """
            from app.models import User


            async def a(db) -> User: ...  # flagged


            async def b(db) -> list[User]: ...  # flagged


            async def c(db) -> User | None: ...  # flagged


            async def d(db) -> "User": ...  # flagged


            async def e(db) -> tuple[User, str]: ...  # flagged
        """,
    },
    "values from repositories and ORM constructors": {
        "app/services/user_service.py": """
            from app.models.user import User
            from app.repositories import user_repo
            from app.repositories.user_repo import UserRepository
            from app.schemas.user import UserOut


            async def by_assignment(db, user_id: int):
                user = await user_repo.get(db, user_id)
                if user is None:
                    raise ValueError(user_id)
                return user  # flagged


            async def directly(db):
                return await user_repo.list_all(db)  # flagged


            async def constructed(email: str):
                user = User(email=email)
                return user  # flagged


            async def unannotated_repository_function(db, user_id: int):
                return await user_repo.find(db, user_id)  # flagged


            async def injected(repo: UserRepository, user_id: int):
                found = await repo.get(user_id)
                return found  # flagged


            async def inherited_generic(db):
                return await UserRepository(db).first()  # flagged


            async def annotation_lies(db) -> list[UserOut]:
                users = await user_repo.list_all(db)
                return users  # flagged


            async def in_a_tuple(db, user_id: int):
                user = await user_repo.get(db, user_id)
                return user, "token"  # flagged


            class UserService:
                def __init__(self, db) -> None:
                    self.users = UserRepository(db)

                async def get(self, user_id: int):
                    user = await self.users.get(user_id)
                    return user  # flagged

                async def count(self):
                    return await self.users.count()
        """,
    },
    "near-misses: mapped, dicts, counts, services, private helpers, one finding": {
        "app/services/user_service.py": """
            from typing import overload

            from app.models.user import User
            from app.repositories import user_repo
            from app.repositories.user_repo import UserRepository
            from app.schemas.user import UserOut
            from app.services import other_service


            async def mapped(db, user_id: int) -> UserOut:
                user = await user_repo.get(db, user_id)
                return UserOut.model_validate(user)


            async def remapped(db, user_id: int) -> UserOut:
                user = await user_repo.get(db, user_id)
                user = UserOut.model_validate(user)
                return user


            async def as_dict(db, user_id: int) -> dict:
                user = await user_repo.get(db, user_id)
                return {"id": user.id, "email": user.email}


            async def counted(db, repo: UserRepository) -> int:
                total = await user_repo.count(db)
                return total + await repo.count()


            async def counted_directly(db) -> int:
                return await user_repo.count(db)


            async def unannotated_flag(db, email: str):
                return await user_repo.exists(db, email)


            async def delegated(db):
                return await other_service.load(db)


            async def _load(db, user_id: int) -> User:
                return await user_repo.get(db, user_id)


            @overload
            async def pick(db, user_id: int) -> User: ...  # a signature callers see, # flagged


            @overload
            async def pick(db, user_id: None) -> None: ...


            async def pick(db, user_id):  # the implementation is the one checked
                return None


            async def annotated_once(db, user_id: int) -> User | None:  # flagged
                user = await user_repo.get(db, user_id)
                return user


            async def outer(db):
                async def inner():
                    return await user_repo.get(db, 1)

                return [UserOut.model_validate(u) for u in await user_repo.list_all(db)]
        """,
        "app/services/other_service.py": """
            async def load(db):
                return {"loaded": True}
        """,
    },
}


@pytest.mark.parametrize("case", LC301_CASES, ids=list(LC301_CASES))
def test_lc301_service_returns_orm(case: str, tmp_path: Path) -> None:
    assert_case(tmp_path, "LC301", LC301_CASES[case])


def test_lc301_option_checks_private_helpers(tmp_path: Path) -> None:
    files = {
        "app/services/user_service.py": """
            from app.models.user import User


            async def _load(db) -> User: ...  # flagged
        """,
    }
    assert_case(tmp_path, "LC301", files, pyproject="[tool.layercheck.rules.LC301]\ncheck-private = true\n")


def test_lc301_decided_by_the_model_file_of_another_module(tmp_path: Path) -> None:
    """`Account` is an ORM model only because of a base class two modules away."""
    files = {
        "app/models/account.py": """
            from app.models.mixins import Audited


            class Account(Audited):
                __tablename__ = "accounts"
        """,
        "app/models/mixins.py": """
            from app.models.base import Base


            class Audited(Base):
                __abstract__ = True
        """,
        "app/services/account_service.py": """
            from app.models.account import Account


            async def open_account() -> Account:  # flagged
                return Account()
        """,
    }
    assert_case(tmp_path, "LC301", files)


# ----- LC302 service-touches-database ---------------------------------------------------------

LC302_CASES = {
    "queries and session calls": {
        "app/services/user_service.py": """
            from sqlalchemy import func, select
            from sqlalchemy.ext.asyncio import AsyncSession

            from app.database import AsyncSessionLocal, SessionDep
            from app.models.user import User


            async def a(db: AsyncSession):
                stmt = select(func.count(User.id)).where(User.email.like("%@x"))  # flagged
                return await db.scalar(stmt)  # flagged


            async def b(db, user: User):
                db.add(user)  # flagged
                await db.commit()  # flagged


            async def c(session: SessionDep):
                return (await session.scalars(select(User))).all()  # flagged


            async def d():
                async with AsyncSessionLocal() as session:
                    await session.execute(select(User))  # flagged


            def e(db):
                return db.query(User).filter(User.id == 1).first()  # flagged


            class UserService:
                def __init__(self, db: AsyncSession, http) -> None:
                    self.db = db
                    self.http = http

                async def get(self, user_id: int):
                    await self.http.get("https://example.com")
                    return await self.db.get(User, user_id)  # flagged
        """,
    },
    "transaction control is database work too (SPEC revision 2)": {
        "app/services/user_service.py": """
            async def a(db, user):
                await db.commit()  # flagged
                await db.refresh(user)  # flagged


            class Orders:
                def __init__(self, session) -> None:
                    self._session = session

                async def place(self, order):
                    self._session.add(order)  # flagged
                    await self._session.flush()  # flagged
        """,
        "app/models.py": "import sqlalchemy\n",
    },
    "near-misses: repositories, HTTP sessions, caches, local names": {
        "app/services/user_service.py": """
            import aiohttp

            from app.repositories import user_repo


            async def a(db, cache: dict, user_id: int):
                user = await user_repo.get(db, user_id)
                return cache.get(user_id)


            async def b(url: str):
                async with aiohttp.ClientSession() as session:
                    return await session.get(url)


            async def c(request, items: list[str]):
                session = request.session
                select = [item for item in items if session.get(item)]
                return select
        """,
    },
}


@pytest.mark.parametrize("case", LC302_CASES, ids=list(LC302_CASES))
def test_lc302_service_touches_database(case: str, tmp_path: Path) -> None:
    assert_case(tmp_path, "LC302", LC302_CASES[case])


def test_lc302_reports_a_query_once_on_its_outermost_builder(tmp_path: Path) -> None:
    files = {
        "app/services/stats.py": """
            import sqlalchemy as sa

            from app.models.user import User


            async def totals(db):
                stmt = sa.select(sa.func.count(User.id)).where(sa.func.lower(User.email) == "a")  # flagged
                ranked = sa.func.rank()  # flagged
                return stmt, ranked
        """,
    }
    found = assert_case(tmp_path, "LC302", files)
    assert [item["message"] for item in found] == [
        "`select()` builds SQL in a service; move the query to a repository",
        "`func.rank()` builds SQL in a service; move the query to a repository",
    ]


def test_lc302_session_methods_option(tmp_path: Path) -> None:
    files = {
        "app/services/user_service.py": """
            async def a(db):
                await db.commit()  # flagged
                return await db.get(1)
        """,
    }
    pyproject = '[tool.layercheck.rules.LC302]\nsession-methods = ["commit"]\n'
    assert_case(tmp_path, "LC302", files, pyproject=pyproject)


# ----- LC105 transitive-layer-contract --------------------------------------------------------

LAUNDERED = {
    "app/api/users.py": """
        from fastapi import APIRouter

        from app.core.lookups import find_user  # flagged
        from app.services import user_service

        router = APIRouter()
    """,
    "app/core/lookups.py": """
        from app.core.cache import cached
        from app.core.deep import resolve


        def find_user(db, user_id):
            return cached(resolve(db, user_id))
    """,
    "app/core/cache.py": """
        from app.core.deep import resolve


        def cached(value):
            return value
    """,
    "app/core/deep.py": """
        from app.repositories import user_repo


        def resolve(db, user_id):
            return user_repo.find(db, user_id)
    """,
    "app/services/user_service.py": """
        from app.repositories import user_repo
    """,
}


def test_lc105_reports_the_shortest_chain_on_the_first_import(tmp_path: Path) -> None:
    found = assert_case(tmp_path, "LC105", LAUNDERED)
    assert [item["message"] for item in found] == [
        "the repository layer is reached from the api layer through `app.api.users` -> "
        "`app.core.lookups` -> `app.core.deep` -> `app.repositories.user_repo`"
    ]


def test_lc105_follows_the_chain_when_only_the_router_is_checked(tmp_path: Path) -> None:
    """Pre-commit passes changed files only; the chain runs through files it did not pass."""
    root = write_project(tmp_path / "proj", {**BASE, **LAUNDERED})
    run = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC105", "app/api/users.py"], root)
    assert [(item["code"], item["location"]["row"]) for item in run.json()] == [("LC105", 3)]


def test_lc105_is_off_by_default(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", {**BASE, **LAUNDERED})
    assert "LC105" not in check_json(root).codes()


def test_lc105_never_reports_the_legal_chain_or_settings(tmp_path: Path) -> None:
    files = {
        "app/api/users.py": """
            from fastapi import APIRouter

            from app.core.security import hash_password
            from app.services import user_service

            router = APIRouter()
        """,
        "app/services/user_service.py": """
            from app.core.helpers import normalise
            from app.repositories import user_repo
        """,
        "app/core/helpers.py": """
            from app.models.user import User
        """,
        "app/core/security.py": """
            from app.config import settings
        """,
        "app/config.py": """
            settings = object()
        """,
        "app/repositories/user_repo.py": """
            from app.core.security import hash_password
        """,
    }
    assert_case(tmp_path, "LC105", files)


def test_lc105_ignored_layers_option(tmp_path: Path) -> None:
    files = {
        "app/repositories/user_repo.py": """
            from app.core.security import hash_password  # flagged
        """,
        "app/core/security.py": """
            from app.config import settings
        """,
        "app/config.py": """
            from pydantic_settings import BaseSettings


            class Settings(BaseSettings):
                debug: bool = False


            settings = Settings()
        """,
    }
    assert_case(tmp_path, "LC105", files, pyproject="[tool.layercheck.rules.LC105]\nignored-layers = []\n")

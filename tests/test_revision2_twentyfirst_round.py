"""SPEC revision 2, the lessons of the twenty-first round: projects labeled blind (boilerplates
with auth dependencies beside the core modules, generic services over their repositories,
clean-architecture blogs with dataclass entities), each lesson a small project of our own,
checked through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import check_json, write_project
from test_revision2 import findings, orm_module

_DATABASE = """
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session, sessionmaker

    SessionLocal = sessionmaker(bind=create_engine("sqlite://"))


    def get_db():
        with SessionLocal() as db:
            yield db
"""


def test_an_auth_dependency_that_looks_the_user_up_is_no_data_access(tmp_path: Path) -> None:
    # `core/oauth.py`: a token helper and `get_current_user`, which FastAPI calls with the
    # request's token and looks the user up. The lookup serves the request: the module is no
    # data access, so its `Session` import is held to LC101, and a router importing
    # `get_current_user` imports no repository. A module of plain query functions still is.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/db/__init__.py": "",
            "app/db/database.py": _DATABASE,
            "app/core/__init__.py": "",
            "app/core/oauth.py": """
                from fastapi import Depends, HTTPException
                from fastapi.security import OAuth2PasswordBearer
                from sqlalchemy import select
                from sqlalchemy.orm import Session

                from app.db.database import get_db
                from app.models import User

                oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/login")


                def create_access_token(subject: str) -> str:
                    return subject[::-1]


                def get_current_user(token: str = Depends(oauth2_scheme), db: Session = Depends(get_db)) -> User:
                    user = db.execute(select(User).where(User.id == int(token))).scalars().first()
                    if user is None:
                        raise HTTPException(status_code=401)
                    return user
            """,
            "app/core/lookups.py": """
                from sqlalchemy import select
                from sqlalchemy.orm import Session

                from app.models import User


                def find_user(db: Session, user_id: int) -> User | None:
                    return db.execute(select(User).where(User.id == user_id)).scalars().first()
            """,
            "app/api/__init__.py": "",
            "app/api/deps.py": """
                from app.core.oauth import get_current_user
            """,
            "app/api/users.py": """
                from fastapi import APIRouter, Depends

                from app.core.lookups import find_user
                from app.core.oauth import get_current_user

                router = APIRouter()


                @router.get("/me")
                def me(user=Depends(get_current_user)):
                    return {"id": user.id}


                @router.get("/users/{user_id}")
                def one(user_id: int, db=Depends(lambda: None)):
                    return find_user(db, user_id)
            """,
        },
    )
    found = findings(root, "LC101", "LC102")
    assert ("app/core/oauth.py", 4, "LC101") in found
    assert ("app/api/deps.py", 1, "LC102") not in found
    assert ("app/api/users.py", 4, "LC102") not in found
    # The module of query functions stays data access: importing it reaches the repositories.
    assert ("app/api/users.py", 3, "LC102") in found
    assert ("app/core/lookups.py", 2, "LC101") not in found


def test_a_record_decorated_class_with_methods_is_code(tmp_path: Path) -> None:
    # `@attr.s class PasswordService:` with `hash` and `verify`: the decorator only writes its
    # `__init__`; the class is the service's code, and a repository importing it reaches up.
    # A `@dataclass` of fields (one `to_dict()` beside them) stays a value anywhere.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/password_service.py": """
                from dataclasses import dataclass

                import attr


                @attr.s
                class PasswordService:
                    def hash(self, plain: str) -> str:
                        return plain[::-1]

                    def verify(self, plain: str, hashed: str) -> bool:
                        return self.hash(plain) == hashed


                @dataclass
                class HashedPassword:
                    value: str

                    def to_dict(self) -> dict[str, str]:
                        return {"value": self.value}
            """,
            "app/user_repository.py": """
                from sqlalchemy.orm import Session

                from app.models import User
                from app.password_service import HashedPassword
                from app.password_service import PasswordService


                class UserRepository:
                    def __init__(self, session: Session, passwords: PasswordService) -> None:
                        self.session = session
                        self.passwords = passwords

                    def get(self, user_id: int) -> User | None:
                        return self.session.get(User, user_id)

                    def hashed(self, user: User) -> HashedPassword:
                        return HashedPassword(user.name)
            """,
        },
    )
    assert findings(root, "LC103") == [("app/user_repository.py", 5, "LC103")]


def test_a_declarative_base_made_in_the_module_of_an_abstract_base(tmp_path: Path) -> None:
    # `BaseClass = declarative_base()` and `class Base(BaseClass)` (abstract, with the id
    # column and a declared `__tablename__`) in `db/base_class.py`; the models derive from
    # `Base` with no `__tablename__` of their own. They are ORM models all the same: a router
    # importing one imports the ORM.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db/__init__.py": "",
            "app/db/base_class.py": """
                from sqlalchemy import Integer
                from sqlalchemy.ext.declarative import declarative_base, declared_attr
                from sqlalchemy.orm import mapped_column

                BaseClass = declarative_base()


                class Base(BaseClass):
                    __abstract__ = True
                    id = mapped_column(Integer, primary_key=True)

                    @declared_attr
                    def __tablename__(cls) -> str:
                        return cls.__name__.lower()
            """,
            "app/users/__init__.py": "",
            "app/users/models.py": """
                from sqlalchemy import String
                from sqlalchemy.orm import mapped_column

                from app.db.base_class import Base


                class User(Base):
                    email = mapped_column(String)
            """,
            "app/users/routes/__init__.py": "",
            "app/users/routes/user.py": """
                from fastapi import APIRouter

                from app.users.models import User

                router = APIRouter()


                @router.get("/users")
                def list_users() -> list[str]:
                    return [User.__name__]
            """,
        },
    )
    assert findings(root, "LC104") == [("app/users/routes/user.py", 3, "LC104")]


def test_repository_classes_given_to_a_provider_inside_depends_are_wiring(tmp_path: Path) -> None:
    # `Depends(get_repo(UserCacheRepository, UserRepository))` in the API's service
    # providers: the classes are handed to a provider factory inside the marker, as an
    # annotation names them; the providers only build the service. A router constructing the
    # repository and calling it is still LC102.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/db.py": _DATABASE,
            "app/repositories/__init__.py": "",
            "app/repositories/users.py": """
                from sqlalchemy.orm import Session

                from app.models import User


                class UserRepository:
                    def __init__(self, db: Session) -> None:
                        self.db = db

                    def get(self, user_id: int) -> User | None:
                        return self.db.get(User, user_id)


                class UserCacheRepository(UserRepository):
                    pass
            """,
            "app/services/__init__.py": "",
            "app/services/users.py": """
                class UserService:
                    def __init__(self, repository) -> None:
                        self.repository = repository
            """,
            "app/api/__init__.py": "",
            "app/api/providers.py": """
                from fastapi import Depends

                from app.db import get_db
                from app.repositories.users import UserCacheRepository, UserRepository
                from app.services.users import UserService


                def get_repo(cache_class, repository_class):
                    def provide(db=Depends(get_db)):
                        return cache_class(repository_class(db))

                    return provide


                def get_user_service(repository=Depends(get_repo(UserCacheRepository, UserRepository))):
                    return UserService(repository)
            """,
            "app/api/users.py": """
                from fastapi import APIRouter, Depends

                from app.db import get_db
                from app.repositories.users import UserRepository

                router = APIRouter()


                @router.get("/users/{user_id}")
                def one(user_id: int, db=Depends(get_db)):
                    return UserRepository(db).get(user_id)
            """,
        },
    )
    assert findings(root, "LC102") == [("app/api/users.py", 4, "LC102")]


def test_a_service_returning_a_local_it_declares_an_orm_instance(tmp_path: Path) -> None:
    # `user: User = await self.user_repository.get_by_id(...)` then `return user`, in an
    # unannotated method: the local is declared an ORM instance (the repository is a port
    # typed elsewhere). A local declared a schema is no ORM return.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/schemas.py": """
                from pydantic import BaseModel


                class UserOut(BaseModel):
                    name: str
            """,
            "app/services/__init__.py": "",
            "app/services/users.py": """
                from app.models import User
                from app.schemas import UserOut


                class UserService:
                    def __init__(self, user_repository) -> None:
                        self.user_repository = user_repository

                    async def confirm(self, user_id: int):
                        user: User = await self.user_repository.get_by_id(user_id)
                        user.name = user.name.strip()
                        return user

                    async def show(self, user_id: int):
                        shown: UserOut = await self.user_repository.read(user_id)
                        return shown
            """,
        },
    )
    assert findings(root, "LC301") == [("app/services/users.py", 12, "LC301")]


def test_a_generic_service_calls_the_repository_its_base_is_given(tmp_path: Path) -> None:
    # `class UserService(BaseService[UserRepository])`, the base holding `self.repository`
    # typed with its type variable: `self.repository.get_by_username(...)` runs the given
    # repository's method, whose annotation says it returns the ORM row. `self.cache.get(...)`
    # on an attribute not named for data access is not followed.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/repositories/__init__.py": "",
            "app/repositories/base.py": """
                from typing import Generic, TypeVar

                from sqlalchemy.ext.asyncio import AsyncSession

                T = TypeVar("T")


                class BaseRepository(Generic[T]):
                    def __init__(self, session: AsyncSession) -> None:
                        self.session = session
            """,
            "app/repositories/users.py": """
                from sqlalchemy import select

                from app.models import User
                from app.repositories.base import BaseRepository


                class UserRepository(BaseRepository[User]):
                    async def get_by_username(self, name: str) -> User | None:
                        return (await self.session.execute(select(User).where(User.name == name))).scalar()

                    async def get(self, key: str) -> User | None:
                        return None
            """,
            "app/services/__init__.py": "",
            "app/services/base.py": """
                from typing import Generic, TypeVar

                from app.repositories.base import BaseRepository

                Repository = TypeVar("Repository", bound=BaseRepository)


                class BaseService(Generic[Repository]):
                    def __init__(self, repository: Repository, cache) -> None:
                        self.repository = repository
                        self.cache = cache
            """,
            "app/services/users.py": """
                from app.repositories.users import UserRepository
                from app.services.base import BaseService


                class UserService(BaseService[UserRepository]):
                    async def authenticate(self, name: str):
                        user = await self.repository.get_by_username(name)
                        return user

                    async def cached(self, key: str):
                        found = await self.cache.get(key)
                        return found
            """,
        },
    )
    assert findings(root, "LC301") == [("app/services/users.py", 8, "LC301")]


def test_a_logger_brought_by_a_star_import_keeps_its_flavour(tmp_path: Path) -> None:
    # `from app.core.logger import *` where that module exports loguru's `logger`: the
    # f-string message is reported with loguru's advice (a `{}` template), as an explicit
    # import of the name would be, not the standard library's lazy `%s`.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/logger.py": """
                from loguru import logger

                __all__ = ["logger"]
            """,
            "app/dependencies.py": """
                from app.core.logger import *


                def decode(token: str) -> str:
                    logger.info(f"decoded token: {token}")
                    return token
            """,
        },
    )
    run = check_json(root, "--select", "LC701")
    found = [
        (Path(item["filename"]).relative_to(root).as_posix(), item["location"]["row"], item["message"])
        for item in json.loads(run.output)
    ]
    assert found == [
        ("app/dependencies.py", 5, "f-string used as a log message; pass values as arguments to a `{}` template")
    ]


def test_a_service_handing_an_orm_instance_out_inside_a_dict(tmp_path: Path) -> None:
    # `return {"user": user, "token": token}` with `user` from the repository: the row leaves
    # the service unmapped, inside the dict (reported where the return starts). A dict of
    # plain values is no ORM return.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/repositories.py": """
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.models import User


                class UserRepository:
                    def __init__(self, session: AsyncSession) -> None:
                        self.session = session

                    async def get(self, user_id: int) -> User | None:
                        return await self.session.get(User, user_id)
            """,
            "app/services/__init__.py": "",
            "app/services/auth.py": """
                from app.repositories import UserRepository


                class AuthService:
                    def __init__(self, users: UserRepository) -> None:
                        self.users = users

                    async def login(self, user_id: int):
                        user = await self.users.get(user_id)
                        return {
                            "user": user,
                            "token": str(user_id),
                        }

                    async def status(self, user_id: int):
                        return {"id": user_id, "ok": True}
            """,
        },
    )
    assert findings(root, "LC301") == [("app/services/auth.py", 10, "LC301")]


def test_a_session_reached_through_a_class_level_context(tmp_path: Path) -> None:
    # `Context.current.db.session.add(user)` in a route: the class annotates `current:
    # Context` and `db: DbConn`, whose `session` property returns an `AsyncSession`. The
    # session's `delete` is its method, not a project re-export of sqlalchemy's `delete`; the
    # builders read off `from sqlalchemy.sql import expression` are imported to build queries;
    # a SQL text standing alone as a statement (a comment) runs nothing.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/ctx.py": """
                from __future__ import annotations

                from typing import TYPE_CHECKING, NamedTuple

                if TYPE_CHECKING:
                    from app.db import DbConn


                class Context(NamedTuple):
                    if TYPE_CHECKING:
                        current: Context

                    db: DbConn
            """,
            "app/db.py": """
                from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine


                class DbConn:
                    def __init__(self, url: str) -> None:
                        self._factory = async_sessionmaker(create_async_engine(url))

                    @property
                    def session(self) -> AsyncSession:
                        return self._factory()
            """,
            "app/api/__init__.py": "",
            "app/api/users.py": '''
                from fastapi import APIRouter
                from sqlalchemy.sql import expression as sql_exp

                from app.ctx import Context
                from app.models import User

                router = APIRouter()


                @router.post("/users")
                async def create(name: str) -> None:
                    user = User(name=name)
                    Context.current.db.session.add(user)
                    await Context.current.db.session.commit()


                @router.delete("/users/{user_id}")
                async def remove(user_id: int) -> None:
                    user = await Context.current.db.session.scalar(sql_exp.select(User).where(User.id == user_id))
                    """
                    DELETE FROM users WHERE id = :user_id
                    """
                    await Context.current.db.session.delete(user)
            ''',
        },
    )
    found = findings(root, "LC201", "LC104")
    assert ("app/api/users.py", 2, "LC104") in found
    assert ("app/api/users.py", 13, "LC201") in found
    assert ("app/api/users.py", 14, "LC201") in found
    assert ("app/api/users.py", 19, "LC201") in found
    assert ("app/api/users.py", 23, "LC201") in found
    assert not [item for item in found if item[1] in (20, 21, 22) and item[2] == "LC201"]


def test_a_module_named_for_routes_that_only_queries_is_data_access(tmp_path: Path) -> None:
    # `utils/routes.py` holds the routers' query helpers (taking the session through the
    # project's `AsyncDatabaseDep` alias, raising `HTTPException` when a row is missing) and
    # registers no route: the routers' data access. Its own queries are no router's SQL;
    # routers importing and calling its helpers reach the repository layer.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Product"),
            "app/dependencies.py": """
                from typing import Annotated

                from fastapi import Depends
                from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

                factory = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))


                async def get_session():
                    async with factory() as session:
                        yield session


                AsyncDatabaseDep = Annotated[AsyncSession, Depends(get_session)]
            """,
            "app/utils/__init__.py": "",
            "app/utils/routes.py": """
                from fastapi import HTTPException
                from sqlalchemy import select

                from app.dependencies import AsyncDatabaseDep
                from app.models import Product


                async def get_product(product_id: int, database: AsyncDatabaseDep) -> Product:
                    product = await database.scalar(select(Product).where(Product.id == product_id))
                    if product is None:
                        raise HTTPException(status_code=404)
                    return product


                async def list_products(database: AsyncDatabaseDep) -> list[Product]:
                    return list(await database.scalars(select(Product)))
            """,
            "app/routes/__init__.py": "",
            "app/routes/products.py": """
                from fastapi import APIRouter

                from app.dependencies import AsyncDatabaseDep
                from app.utils.routes import get_product

                router = APIRouter()


                @router.get("/products/{product_id}")
                async def one(product_id: int, database: AsyncDatabaseDep):
                    return await get_product(product_id, database)
            """,
        },
    )
    assert findings(root, "LC102", "LC201", "LC202") == [
        ("app/routes/products.py", 4, "LC102"),
        ("app/routes/products.py", 11, "LC202"),
    ]


def test_an_unannotated_session_dependency_beside_the_settings_is_a_database_import(tmp_path: Path) -> None:
    # `database/connection.py` defines the settings and, below them, the session factory and
    # `async def get_db(): ... yield session` (unannotated): a repository importing `get_db`
    # imports the database's session dependency, no configuration; a service importing it
    # reaches the database layer.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Post"),
            "app/database/__init__.py": "",
            "app/database/connection.py": """
                from pydantic_settings import BaseSettings
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine


                class Settings(BaseSettings):
                    database_url: str = "sqlite+aiosqlite://"


                settings = Settings()
                SessionFactory = async_sessionmaker(create_async_engine(settings.database_url))


                async def get_db():
                    async with SessionFactory() as session:
                        yield session
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/posts.py": """
                from fastapi import Depends
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.database.connection import get_db
                from app.models import Post


                class PostRepository:
                    def __init__(self, session: AsyncSession = Depends(get_db)) -> None:
                        self.session = session

                    async def get(self, post_id: int) -> Post | None:
                        return await self.session.get(Post, post_id)
            """,
            "app/services/__init__.py": "",
            "app/services/posts.py": """
                from app.database.connection import get_db, settings


                def describe() -> str:
                    return f"{settings.database_url} {get_db.__name__}"
            """,
        },
    )
    assert findings(root, "LC103") == [("app/services/posts.py", 1, "LC103")]

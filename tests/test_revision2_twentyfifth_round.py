"""SPEC revision 2, the lessons of the twenty-fifth round, each a small project of our own
checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import SYNC_DATABASE, findings, orm_module, placed


def test_a_base_service_querying_the_model_its_subclasses_set(tmp_path: Path) -> None:
    # `class BaseService: model = None` whose classmethods run `select(cls.model)` and build
    # `cls.model(**data)`, with `class HotelService(BaseService): model = Hotel` in another
    # module: the base hands out Hotel rows (LC301). A base whose subclasses bind `model` to
    # a Pydantic class, and a method named like the attribute (`self.get_user()`), do not.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Hotel"),
            "app/schemas.py": """
                from pydantic import BaseModel


                class HotelOut(BaseModel):
                    id: int
            """,
            "app/services/__init__.py": "",
            "app/services/base.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession


                class BaseService:
                    model = None

                    @classmethod
                    async def get_all(cls, session: AsyncSession):
                        result = await session.execute(select(cls.model))
                        return result.scalars().all()

                    @classmethod
                    async def get_one(cls, session: AsyncSession, model_id: int):
                        query = select(cls.model).filter_by(id=model_id)
                        result = await session.execute(query)
                        return result.scalar_one_or_none()

                    @classmethod
                    async def create(cls, session: AsyncSession, data):
                        instance = cls.model(**data.model_dump())
                        session.add(instance)
                        await session.commit()
                        return instance

                    @classmethod
                    async def count(cls, session: AsyncSession):
                        return len(await cls.get_all(session))


                class SchemaService:
                    model = None

                    def build(self, data):
                        made = self.model(**data)
                        return made

                    def first(self):
                        found = self.get_first()
                        return found

                    def get_first(self) -> int:
                        return 1
            """,
            "app/services/hotels.py": """
                from app.models import Hotel
                from app.schemas import HotelOut
                from app.services.base import BaseService, SchemaService


                class HotelService(BaseService):
                    model = Hotel


                class HotelOutService(SchemaService):
                    model = HotelOut
            """,
        },
    )
    assert findings(root, "LC301") == [
        ("app/services/base.py", 11, "LC301"),
        ("app/services/base.py", 17, "LC301"),
        ("app/services/base.py", 24, "LC301"),
    ]


def test_a_service_base_holding_its_repository_as_a_bounded_type_variable(tmp_path: Path) -> None:
    # `def __init__(self, db, repository: RepositoryType): self.repository = repository` with
    # `RepositoryType = TypeVar(..., bound=BaseRepository)`: `self.repository.get_by_id()` is
    # the bound's method, which returns the ORM model (LC301), as with the attribute annotated.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Task"),
            "app/repositories/__init__.py": "",
            "app/repositories/base.py": """
                from typing import Generic, Optional, TypeVar

                from sqlalchemy import select

                from app.models import Base

                ModelType = TypeVar("ModelType", bound=Base)


                class BaseRepository(Generic[ModelType]):
                    def __init__(self, model: type[ModelType], db) -> None:
                        self.model = model
                        self.db = db

                    async def get_by_id(self, entity_id: int) -> Optional[ModelType]:
                        result = await self.db.execute(select(self.model).where(self.model.id == entity_id))
                        return result.scalars().first()

                    async def count(self) -> int:
                        return 0
            """,
            "app/services/__init__.py": "",
            "app/services/base.py": """
                from typing import Generic, TypeVar

                from app.repositories.base import BaseRepository

                RepositoryType = TypeVar("RepositoryType", bound=BaseRepository)


                class BaseService(Generic[RepositoryType]):
                    def __init__(self, db, repository: RepositoryType, label: str) -> None:
                        self.db = db
                        self.repository = repository
                        self.label = label

                    async def get_or_404(self, entity_id: int):
                        entity = await self.repository.get_by_id(entity_id)
                        if entity is None:
                            raise LookupError(self.label)
                        return entity

                    async def total(self):
                        found = await self.repository.count()
                        return found
            """,
        },
    )
    assert findings(root, "LC301") == [("app/services/base.py", 18, "LC301")]


def test_repository_classes_handed_to_a_unit_of_work_in_a_flat_layout(tmp_path: Path) -> None:
    # A provider in `api/dependencies.py` hands the repository classes themselves to the unit
    # of work it builds (`SQLAlchemyUnitOfWork(factory, UsersRepository)`), in a layout whose
    # packages sit side by side (`from infrastructure import ...`): wiring, no LC102. A router
    # that calls a repository class's method is still reported.
    root = write_project(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'tasks'\n",
            "src/models/__init__.py": orm_module("User"),
            "src/core/__init__.py": "",
            "src/core/database.py": """
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                session_factory = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))
            """,
            "src/infrastructure/__init__.py": """
                from infrastructure.repositories.users_repository import UsersRepository
                from infrastructure.uow import SQLAlchemyUnitOfWork
            """,
            "src/infrastructure/repositories/__init__.py": "",
            "src/infrastructure/repositories/users_repository.py": _USERS_REPOSITORY,
            "src/infrastructure/uow.py": """
                class SQLAlchemyUnitOfWork:
                    def __init__(self, session_factory, *repositories) -> None:
                        self.session_factory = session_factory
                        self.repositories = repositories

                    async def __aenter__(self):
                        self.session = self.session_factory()
                        self.users = self.repositories[0](self.session)
                        return self

                    async def __aexit__(self, *args):
                        await self.session.close()
            """,
            "src/services/__init__.py": """
                class UsersService:
                    def __init__(self, uow) -> None:
                        self.uow = uow
            """,
            "src/api/__init__.py": "",
            "src/api/dependencies.py": """
                from typing import Annotated

                from fastapi import Depends

                from core.database import session_factory
                from infrastructure import SQLAlchemyUnitOfWork, UsersRepository
                from services import UsersService


                def get_unit_of_work() -> SQLAlchemyUnitOfWork:
                    return SQLAlchemyUnitOfWork(session_factory, UsersRepository)


                def get_users_service(uow: Annotated[SQLAlchemyUnitOfWork, Depends(get_unit_of_work)]) -> UsersService:
                    return UsersService(uow)
            """,
            "src/api/users.py": """
                from fastapi import APIRouter

                from infrastructure import UsersRepository

                router = APIRouter()


                @router.get("/users/{user_id}")
                async def get_user(user_id: int, session):
                    return await UsersRepository(session).get_one(user_id)
            """,
        },
    )
    assert findings(root, "LC102") == [("src/api/users.py", 3, "LC102")]


_USERS_REPOSITORY = """
    from sqlalchemy import select

    from models import User


    class UsersRepository:
        def __init__(self, session) -> None:
            self.session = session

        async def get_one(self, user_id: int):
            return (await self.session.execute(select(User).where(User.id == user_id))).scalar_one()
"""


def test_store_classes_with_their_providers_and_a_seeding_module_in_the_database_package(tmp_path: Path) -> None:
    # `database/actions.py` of store classes that run the queries through the session a
    # wrapper holds (`async with self.db as db: await db.session.execute(...)`), with the
    # `Depends` providers that build them; and `database/init_data_db.py`, one function
    # writing the fixture rows: both the repository layer, named for nothing. A router
    # importing and calling them skips the services (LC102, LC202). A module of the database
    # package that builds the engine stays the database module.
    root = write_project(
        tmp_path,
        {
            "src/__init__.py": "",
            "src/models.py": orm_module("Menu"),
            "src/database/__init__.py": "",
            "src/database/database.py": """
                from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

                factory = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))


                class Wrapper:
                    def __init__(self) -> None:
                        self.session: AsyncSession | None = None

                    async def __aenter__(self):
                        self.session = factory()
                        return self

                    async def __aexit__(self, *args):
                        await self.session.close()


                async def get_db():
                    yield Wrapper()
            """,
            "src/database/actions.py": """
                from fastapi import Depends
                from sqlalchemy import select

                from src.database.database import get_db
                from src.models import Menu


                class MenuAction:
                    def __init__(self, db) -> None:
                        self.db = db

                    async def get_all(self):
                        async with self.db as db:
                            result = await db.session.execute(select(Menu))
                        return result.scalars().all()

                    async def add(self, title: str):
                        async with self.db as db:
                            db.session.add(Menu(title=title))
                            await db.session.commit()


                def get_menu_orm(db=Depends(get_db)) -> MenuAction:
                    return MenuAction(db)
            """,
            "src/database/init_data_db.py": """
                from src.database.database import Wrapper
                from src.models import Menu


                async def init_test_data_db() -> None:
                    async with Wrapper() as db:
                        db.session.add_all([Menu(), Menu()])
                        await db.session.commit()
            """,
            "src/routes/__init__.py": "",
            "src/routes/tasks.py": """
                from fastapi import APIRouter, Depends

                from src.database.actions import MenuAction, get_menu_orm
                from src.database.init_data_db import init_test_data_db

                router = APIRouter()


                @router.get("/menus")
                async def menus(menu_orm: MenuAction = Depends(get_menu_orm)):
                    return await menu_orm.get_all()


                @router.post("/fixtures")
                async def fixtures():
                    await init_test_data_db()
            """,
        },
    )
    layers = {path: item["layer"] for path, item in placed(root).items() if path.startswith("src/database/")}
    assert layers == {
        "src/database/__init__.py": None,
        "src/database/actions.py": "repository",
        "src/database/database.py": "database",
        "src/database/init_data_db.py": None,
    }
    assert findings(root, "LC102", "LC202") == [
        ("src/routes/tasks.py", 3, "LC102"),  # (`MenuAction`)
        ("src/routes/tasks.py", 3, "LC102"),  # (`get_menu_orm`)
        ("src/routes/tasks.py", 4, "LC102"),
        ("src/routes/tasks.py", 11, "LC202"),
        ("src/routes/tasks.py", 16, "LC202"),
    ]


def test_a_client_built_from_environment_reads_is_no_configuration(tmp_path: Path) -> None:
    # `core/redis.py` building `redis.Redis(host=os.getenv("REDIS_HOST"), ...)` at module
    # level reads the environment for a client, not into settings kept for the app: its
    # reads are LC602. A module of nothing but `X = os.getenv("X")` constants is the
    # configuration, whatever its name.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/redis.py": """
                import os

                import redis.asyncio as redis

                redis_client = redis.Redis(
                    host=os.getenv("REDIS_HOST"),
                    port=int(os.getenv("REDIS_PORT") or 6379),
                    db=os.getenv("REDIS_DB") or 0,
                    password=os.getenv("REDIS_PASSWORD"),
                )
            """,
            "app/core/constants.py": """
                import os

                REDIS_HOST = os.getenv("REDIS_HOST")
                REDIS_PORT = int(os.getenv("REDIS_PORT", "6379"))
                REDIS_DB = os.getenv("REDIS_DB", "0")
                BASE_URL = os.environ["BASE_URL"]
            """,
        },
    )
    assert findings(root, "LC602") == [
        ("app/core/redis.py", 6, "LC602"),
        ("app/core/redis.py", 7, "LC602"),
        ("app/core/redis.py", 8, "LC602"),
        ("app/core/redis.py", 9, "LC602"),
    ]


def test_a_declarative_base_naming_its_subclasses_tables_is_no_model(tmp_path: Path) -> None:
    # `@as_declarative() class Base:` (or `class Base(DeclarativeBase)`) with a
    # `@declared_attr def __tablename__` that names each subclass's table: the declarative
    # base, not a mapped model, so a router importing it for `create_all` imports no ORM
    # model (LC104). Its subclasses are models.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db/__init__.py": "",
            "app/db/base_class.py": """
                from typing import Any

                from sqlalchemy import Column, Integer
                from sqlalchemy.ext.declarative import as_declarative, declared_attr


                @as_declarative()
                class Base:
                    id: Any

                    @declared_attr
                    def __tablename__(cls) -> str:
                        return cls.__name__.lower()


                class Gym(Base):
                    id = Column(Integer, primary_key=True)
            """,
            "app/routers/__init__.py": "",
            "app/routers/shop.py": """
                from fastapi import APIRouter

                from app.db.base_class import Base
                from app.db.base_class import Gym

                router = APIRouter()


                @router.post("/init")
                def init(engine=None):
                    Base.metadata.create_all(bind=engine)
                    return Gym.__tablename__
            """,
        },
    )
    assert findings(root, "LC104") == [("app/routers/shop.py", 4, "LC104")]


def test_a_class_named_a_repository_in_the_repositories_folder_stays_one(tmp_path: Path) -> None:
    # `repository/auth.py`'s `AuthRepository` runs no query of its own: it hands the session to
    # `UserRepository` and issues tokens. Named a repository twice (folder and class), it is
    # one (SPEC revision 2: names before what the code does): its session import is no LC101,
    # and a router calling it skips the services (LC202). A manager named for neither in the
    # same folder, handing the session on, is still the service over that data layer.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/repository/__init__.py": "",
            "app/repository/user.py": """
                from sqlalchemy.orm import Session

                from app.models import User


                class UserRepository:
                    def __init__(self, db: Session) -> None:
                        self.db = db

                    def get_by_email(self, email: str):
                        return self.db.query(User).filter(User.email == email).first()
            """,
            "app/repository/auth.py": """
                from sqlalchemy.orm import Session

                from app.repository.user import UserRepository


                class AuthRepository:
                    def __init__(self, db: Session) -> None:
                        self.db = db
                        self.users = UserRepository(db)

                    def sign_in(self, email: str):
                        user = self.users.get_by_email(email)
                        return {"token": str(user)}
            """,
            "app/repository/runs.py": """
                from sqlalchemy.orm import Session

                from app.repository.user import UserRepository


                class RunManager:
                    def start(self, db: Session, email: str):
                        user = UserRepository(db).get_by_email(email)
                        return {"user": str(user)}
            """,
            "app/routes/__init__.py": "",
            "app/routes/auth.py": """
                from fastapi import APIRouter

                from app.repository.auth import AuthRepository

                router = APIRouter()


                @router.post("/sign-in")
                def sign_in(email: str, db=None):
                    return AuthRepository(db).sign_in(email)
            """,
        },
    )
    layers = {path: item["layer"] for path, item in placed(root).items() if path.startswith("app/repository/")}
    assert layers == {
        "app/repository/__init__.py": "repository",
        "app/repository/auth.py": "repository",
        "app/repository/runs.py": "service",
        "app/repository/user.py": "repository",
    }
    assert findings(root, "LC101", "LC102", "LC202") == [
        ("app/repository/runs.py", 1, "LC101"),
        ("app/routes/auth.py", 3, "LC102"),
        ("app/routes/auth.py", 10, "LC202"),
    ]


def test_inherited_dao_methods_called_through_the_src_package_name(tmp_path: Path) -> None:
    # `src/` is a package (`from src.dao.base import ActorDAO`) and a source root both, so the
    # module is named `dao.base` with `src.dao.base` for an alias: `ActorDAO.get_all(db)`, a
    # classmethod inherited from `BaseDAO`, is a repository call from a router (LC202) however
    # the import spells the module. And a `dao.py` of one `ServiceDAO(BaseDAO): model =
    # Services` line, kept in a folder named `services/`, is data access by its base.
    root = write_project(
        tmp_path,
        {
            "src/__init__.py": "",
            "src/tables.py": orm_module("Actor"),
            "src/dao/__init__.py": "",
            "src/dao/base.py": """
                from sqlalchemy import select

                from src.tables import Actor


                class BaseDAO:
                    model = None

                    @classmethod
                    async def get_all(cls, db):
                        result = await db.execute(select(cls.model))
                        return result.scalars().all()


                class ActorDAO(BaseDAO):
                    model = Actor
            """,
            "src/performers/__init__.py": "",
            "src/performers/services/__init__.py": "",
            "src/performers/services/dao.py": """
                from src.dao.base import BaseDAO
                from src.tables import Actor


                class ServiceDAO(BaseDAO):
                    model = Actor
            """,
            "src/api/__init__.py": "",
            "src/api/actors.py": """
                from fastapi import APIRouter

                from src.dao.base import ActorDAO
                from src.performers.services.dao import ServiceDAO

                router = APIRouter()


                @router.get("/")
                async def actors(db=None):
                    found = await ActorDAO.get_all(db)
                    return found + await ServiceDAO.get_all(db)
            """,
        },
    )
    assert placed(root)["src/performers/services/dao.py"]["layer"] == "repository"
    assert findings(root, "LC102", "LC202") == [
        ("src/api/actors.py", 3, "LC102"),
        ("src/api/actors.py", 4, "LC102"),
        ("src/api/actors.py", 11, "LC202"),
        ("src/api/actors.py", 12, "LC202"),
    ]


def test_a_top_package_named_api_holding_the_whole_app(tmp_path: Path) -> None:
    # The checkout's one package is `api/`, holding `apps/films/{routers,models,services}/`
    # and `db/`: the whole server, named for what it serves, not the router layer. Its
    # services are services (a model import there is no LC104, a query no LC201), its
    # routers routers. A session parameter annotated `Generator` (the dependency's own return
    # type copied onto it) says nothing of the value: the name decides (LC302).
    root = write_project(
        tmp_path,
        {
            "api/__init__.py": "",
            "api/db/__init__.py": "",
            "api/db/session.py": SYNC_DATABASE,
            "api/apps/__init__.py": "",
            "api/apps/films/__init__.py": "",
            "api/apps/films/models/__init__.py": orm_module("FilmModel"),
            "api/apps/films/services/__init__.py": "",
            "api/apps/films/services/film_manager.py": """
                from typing import Generator

                from api.apps.films.models import FilmModel


                class FilmManager:
                    @staticmethod
                    def rent(*, film_id: int, db: Generator) -> None:
                        film = db.query(FilmModel).get(film_id)
                        db.add(film)
                        db.commit()
            """,
            "api/apps/films/routers/__init__.py": "",
            "api/apps/films/routers/films.py": """
                from fastapi import APIRouter, Depends

                from api.apps.films.models import FilmModel
                from api.apps.films.services.film_manager import FilmManager
                from api.db.session import get_db

                router = APIRouter()


                @router.post("/films/{film_id}/rent")
                def rent(film_id: int, db=Depends(get_db)):
                    FilmManager.rent(film_id=film_id, db=db)
                    return db.query(FilmModel).count()
            """,
        },
    )
    layers = placed(root)
    assert layers["api/apps/films/services/film_manager.py"]["layer"] == "service"
    assert layers["api/apps/films/models/__init__.py"]["layer"] == "model"
    assert layers["api/apps/films/routers/films.py"]["layer"] == "api"
    assert findings(root, "LC104", "LC201", "LC302") == [
        ("api/apps/films/routers/films.py", 3, "LC104"),
        ("api/apps/films/routers/films.py", 13, "LC201"),
        ("api/apps/films/services/film_manager.py", 9, "LC302"),
        ("api/apps/films/services/film_manager.py", 10, "LC302"),
        ("api/apps/films/services/film_manager.py", 11, "LC302"),
    ]


def test_a_use_case_called_through_dunder_call(tmp_path: Path) -> None:
    # `async def __call__(self, ...) -> Account` is a use case's one method: what its callers
    # get, so an ORM return annotation there is LC301 as on any public method. A FastAPI
    # dependency class's `__call__` (it takes the request, or a `Depends(...)`), which the
    # framework calls for the routes, and other dunders stay unchecked.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Account"),
            "app/application/__init__.py": "",
            "app/application/commands.py": """
                from fastapi import Depends, Request

                from app.models import Account


                class CreateAccount:
                    def __init__(self, repository) -> None:
                        self.repository = repository

                    async def __call__(self, name: str) -> Account:
                        return await self.repository.add(name)

                    def __repr__(self) -> Account:
                        return Account()


                class CurrentAccount:
                    async def __call__(self, request: Request) -> Account:
                        return Account()


                class AccountGuard:
                    async def __call__(self, db=Depends(lambda: None)) -> Account:
                        return Account()
            """,
        },
    )
    assert findings(root, "LC301") == [("app/application/commands.py", 10, "LC301")]


def test_a_controllers_module_over_the_repositories_is_a_service(tmp_path: Path) -> None:
    # `comment/controllers.py` beside `router.py` and `repository.py`: its class holds the
    # repository and hands out what it returns, registering no route; the service layer, so
    # an ORM return annotation there is LC301. An MVC `controllers.py` registering routes is
    # a router, by its routes.
    root = write_project(
        tmp_path,
        {
            "forum/__init__.py": "",
            "forum/comment/__init__.py": "",
            "forum/comment/models.py": orm_module("Comment"),
            "forum/comment/repository.py": """
                from sqlalchemy import select

                from forum.comment.models import Comment


                class CommentRepository:
                    def __init__(self, session) -> None:
                        self.session = session

                    async def read(self, comment_id: int) -> Comment | None:
                        return await self.session.scalar(select(Comment).where(Comment.id == comment_id))
            """,
            "forum/comment/controllers.py": """
                from forum.comment import models
                from forum.comment.repository import CommentRepository


                class CommentController:
                    def __init__(self, repo: CommentRepository) -> None:
                        self.repo = repo

                    async def read(self, comment_id: int) -> models.Comment:
                        return await self.repo.read(comment_id)
            """,
            "forum/post/__init__.py": "",
            "forum/post/controllers.py": """
                from fastapi import APIRouter

                from forum.comment.repository import CommentRepository

                router = APIRouter()


                @router.get("/posts/{post_id}")
                async def read(post_id: int, session=None):
                    return await CommentRepository(session).read(post_id)
            """,
        },
    )
    layers = placed(root)
    assert layers["forum/comment/controllers.py"]["layer"] == "service"
    assert layers["forum/post/controllers.py"]["layer"] == "api"
    assert findings(root, "LC301") == [("forum/comment/controllers.py", 9, "LC301")]

"""SPEC revision 2, the lessons of the fourteenth round: five more projects nobody had read
(domain-driven layouts among them), labeled by hand. Each lesson is a small project of our
own, checked through the CLI."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import run_layercheck, write_project
from test_revision2 import findings, orm_module, placed

# Classical mapping: the domain's plain classes become ORM classes through a registry in
# another module, and the services hand them out (directly, or from a repository that a unit
# of work builds from the class it is given).
CLASSICAL_MAPPING = {
    "app/__init__.py": "",
    "app/domain/__init__.py": "",
    "app/domain/entities.py": """
        from dataclasses import dataclass


        class Book:
            def __init__(self, title: str) -> None:
                self.title = title


        @dataclass
        class Shelf:
            label: str


        class Reader:
            name: str = ""
    """,
    "app/db/__init__.py": "",
    "app/db/base.py": """
        from sqlalchemy.orm import registry

        mapper_registry = registry()
    """,
    "app/adapters/__init__.py": "",
    "app/adapters/mappers.py": """
        from sqlalchemy import Column, Integer, MetaData, String, Table

        from app.db.base import mapper_registry
        from app.domain.entities import Book, Shelf

        metadata = MetaData()
        books = Table("books", metadata, Column("id", Integer, primary_key=True), Column("title", String))
        shelves = Table("shelves", metadata, Column("id", Integer, primary_key=True))


        def start_mappers() -> None:
            mapper_registry.map_imperatively(Book, books)
            mapper_registry.map_imperatively(Shelf, shelves)
    """,
    "app/repositories/__init__.py": "",
    "app/repositories/books.py": """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.domain.entities import Book


        class BookRepository:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def get(self, book_id: int) -> Book | None:
                return await self.session.get(Book, book_id)
    """,
    "app/db/unit_of_work.py": """
        from app.db.session import SessionFactory


        class UnitOfWork:
            def __init__(self) -> None:
                self.repositories = {}

            async def __aenter__(self):
                self.session = SessionFactory()
                return self

            async def __aexit__(self, *exc) -> None:
                await self.session.close()

            def get_repository(self, repo_class):
                if repo_class not in self.repositories:
                    self.repositories[repo_class] = repo_class(self.session)
                return self.repositories[repo_class]

            async def commit(self) -> None:
                await self.session.commit()

            async def rollback(self) -> None:
                await self.session.rollback()
    """,
    "app/db/session.py": """
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        SessionFactory = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))
    """,
    "app/services/__init__.py": "",
    "app/services/books.py": """
        from app.db.unit_of_work import UnitOfWork
        from app.domain.entities import Book, Reader, Shelf
        from app.repositories.books import BookRepository


        async def find_book(uow: UnitOfWork, book_id: int) -> Book | None:
            repo = uow.get_repository(BookRepository)
            return await repo.get(book_id)


        async def fetch_book(uow: UnitOfWork, book_id: int):
            repo = uow.get_repository(BookRepository)
            return await repo.get(book_id)


        def label(text: str) -> Shelf:
            return Shelf(text)


        def reader(name: str) -> Reader:
            return Reader()
    """,
}


def test_classically_mapped_classes_are_orm_classes(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CLASSICAL_MAPPING)
    # `Book` and `Shelf` are mapped in `mappers.py`; `Reader` is mapped nowhere. The value a
    # repository got from the unit of work's `get_repository(BookRepository)` is that
    # repository's result.
    assert findings(root, "LC301") == [
        ("app/services/books.py", 6, "LC301"),
        ("app/services/books.py", 13, "LC301"),
        ("app/services/books.py", 16, "LC301"),
    ]


def test_a_registry_decorator_maps_a_class_without_a_base(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/models.py": """
                from sqlalchemy import Column, Integer
                from sqlalchemy.orm import registry

                reg = registry()


                @reg.mapped
                class Note:
                    __tablename__ = "notes"
                    id = Column(Integer, primary_key=True)
            """,
            "app/services/__init__.py": "",
            "app/services/notes.py": """
                from app.models import Note


                def new_note() -> Note:
                    return Note()
            """,
        },
    )
    assert findings(root, "LC301") == [("app/services/notes.py", 4, "LC301")]


# Ports and adapters: `application/` holds the use cases, their ports, DTOs and errors; the
# adapters implement the ports and raise the errors; a unit of work sits there too.
APPLICATION_FOLDER = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Listing"),
    "app/application/__init__.py": "",
    "app/application/errors.py": """
        class ListingNotFound(Exception):
            pass
    """,
    "app/application/ports.py": """
        from typing import Protocol


        class ListingReader(Protocol):
            def title_of(self, listing_id: int) -> str: ...
    """,
    "app/application/listings.py": """
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from app.models import Listing


        def publish(session: Session, listing_id: int) -> None:
            listing = session.scalars(select(Listing).where(Listing.id == listing_id)).one()
            listing.published = True
            session.commit()
    """,
    "app/application/unit_of_work.py": """
        from sqlalchemy.orm import Session, sessionmaker

        from app.db import SessionFactory


        class UnitOfWork:
            def __enter__(self):
                self.session: Session = SessionFactory()
                return self

            def __exit__(self, exc_type, exc, tb) -> None:
                if exc_type is None:
                    self.session.commit()
                else:
                    self.session.rollback()
                self.session.close()
    """,
    "app/db.py": """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        SessionFactory = sessionmaker(create_engine("sqlite://"))
    """,
    "app/repositories/__init__.py": "",
    "app/repositories/listings.py": """
        from sqlalchemy.orm import Session

        from app.application.errors import ListingNotFound
        from app.application.ports import ListingReader
        from app.models import Listing


        class SqlListingReader(ListingReader):
            def __init__(self, session: Session) -> None:
                self.session = session

            def title_of(self, listing_id: int) -> str:
                listing = self.session.get(Listing, listing_id)
                if listing is None:
                    raise ListingNotFound()
                return listing.title
    """,
}


def test_an_application_folder_is_the_service_layer_by_what_its_modules_do(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", APPLICATION_FOLDER)
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/application/listings.py"] == "service"
    assert layers["app/application/errors.py"] is None
    assert layers["app/application/ports.py"] is None
    assert layers["app/application/unit_of_work.py"] == "database"
    # The use case that runs the queries itself is the service touching the database; the
    # adapter raising the application's error and implementing its port depends inward; the
    # unit of work's session calls are the database layer's own.
    assert findings(root, "LC101", "LC103", "LC302") == [
        ("app/application/listings.py", 2, "LC101"),
        ("app/application/listings.py", 8, "LC302"),
        ("app/application/listings.py", 8, "LC302"),
        ("app/application/listings.py", 10, "LC302"),
    ]


def test_session_and_unit_of_work_modules_in_the_orm_folder_are_the_database(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/orm/__init__.py": "",
            "app/orm/engine.py": """
                from sqlalchemy.ext.asyncio import create_async_engine

                def get_engine():
                    return create_async_engine("sqlite+aiosqlite://")
            """,
            "app/orm/session.py": """
                from collections.abc import AsyncGenerator, Callable

                from sqlalchemy.ext.asyncio import AsyncSession

                from app.orm.engine import get_engine


                def get_session() -> Callable[[], AsyncGenerator[AsyncSession, None]]:
                    engine = get_engine()

                    async def _get_session() -> AsyncGenerator[AsyncSession, None]:
                        async with AsyncSession(engine) as session:
                            yield session

                    return _get_session
            """,
            "app/orm/tables.py": orm_module("Article"),
        },
    )
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/orm/session.py"] == "database"
    assert layers["app/orm/tables.py"] == "model"
    assert findings(root, "LC101") == []


def test_a_repository_generic_over_domain_entities_hands_out_no_orm(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Wallet"),
            "app/domain/__init__.py": "",
            "app/domain/entities.py": """
                from dataclasses import dataclass


                @dataclass
                class BaseEntity:
                    id: int


                @dataclass
                class WalletEntity(BaseEntity):
                    address: str = ""
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/base.py": """
                from typing import Generic, TypeVar

                from app.domain.entities import BaseEntity
                from app.models import Base

                Entity = TypeVar("Entity", bound=BaseEntity)
                Model = TypeVar("Model", bound=Base)


                class EntityRepository(Generic[Entity]):
                    async def get_by_id(self, id_: int) -> Entity | None:
                        raise NotImplementedError


                class ModelRepository(Generic[Model]):
                    async def get_by_id(self, id_: int) -> Model | None:
                        raise NotImplementedError
            """,
            "app/services/__init__.py": "",
            "app/services/wallets.py": """
                from app.domain.entities import WalletEntity
                from app.repositories.base import EntityRepository, ModelRepository


                class WalletService:
                    def __init__(self, entities: EntityRepository, models: ModelRepository) -> None:
                        self.entities = entities
                        self.models = models

                    async def entity(self, id_: int) -> WalletEntity:
                        return await self.entities.get_by_id(id_)

                    async def row(self, id_: int):
                        return await self.models.get_by_id(id_)
            """,
        },
    )
    assert findings(root, "LC301") == [("app/services/wallets.py", 14, "LC301")]


def test_a_message_joined_from_fstrings_is_an_fstring_message(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/report.py": """
                import logging

                logger = logging.getLogger(__name__)


                def report(wallet: str, pnl: float, items: list[str]) -> None:
                    logger.info(" | ".join([f"wallet {wallet}", f"pnl {pnl}"]))
                    logger.info(", ".join(f"<{item}>" for item in items))
                    logger.info(", ".join(["plain", "text"]))
                    logger.info("report", extra={"line": " ".join([f"{wallet}"])})
            """,
        },
    )
    assert findings(root, "LC701", "LC702") == [("app/report.py", 7, "LC701"), ("app/report.py", 8, "LC701")]


def test_a_service_layer_folder_holds_services(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Article"),
            "app/service_layer/__init__.py": "",
            "app/service_layer/article_builder.py": """
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.models import Article


                async def build(session: AsyncSession, article_id: int) -> dict:
                    article = await session.get(Article, article_id)
                    return {"id": article.id}
            """,
        },
    )
    assert placed(root)["app/service_layer/article_builder.py"]["layer"] == "service"
    assert findings(root, "LC302") == [("app/service_layer/article_builder.py", 7, "LC302")]


def test_rows_returned_under_a_schema_annotation_are_reported(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/schemas.py": """
                from pydantic import BaseModel


                class TokenData(BaseModel):
                    email: str
            """,
            "app/services/__init__.py": "",
            "app/services/token.py": """
                from sqlalchemy.orm import Session

                from app import schemas
                from app.models import User


                def verify(email: str, db: Session) -> schemas.TokenData:
                    user = db.query(User).filter(User.id == 1).first()
                    if email is None:
                        raise ValueError(email)
                    return user


                def load(db: Session) -> User | None:
                    return db.query(User).first()


                def token(db: Session) -> schemas.TokenData:
                    user = db.query(User).first()
                    return schemas.TokenData(email=user.email)
            """,
        },
    )
    # The annotation that names the model is reported on itself, once.
    assert findings(root, "LC301") == [("app/services/token.py", 11, "LC301"), ("app/services/token.py", 14, "LC301")]


def test_a_base_made_by_as_declarative_is_the_orms_base(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/db/__init__.py": "",
            "app/db/base_class.py": """
                from typing import Any

                from sqlalchemy.ext.declarative import as_declarative, declared_attr


                @as_declarative()
                class Base:
                    id: Any

                    @declared_attr
                    def __tablename__(cls) -> str:
                        return cls.__name__.lower()
            """,
            "app/models/__init__.py": "",
            "app/models/user.py": """
                from sqlalchemy import Column, Integer, String

                from app.db.base_class import Base


                class User(Base):
                    id = Column(Integer, primary_key=True)
                    email = Column(String)
            """,
            "app/crud/__init__.py": "",
            "app/crud/base.py": """
                from typing import Generic, Optional, TypeVar

                from sqlalchemy.orm import Session

                from app.db.base_class import Base

                ModelType = TypeVar("ModelType", bound=Base)


                class CRUDBase(Generic[ModelType]):
                    def __init__(self, model: type[ModelType]) -> None:
                        self.model = model

                    def get_by_email(self, db: Session, email: str) -> Optional[ModelType]:
                        return db.query(self.model).filter(self.model.email == email).first()
            """,
            "app/services/__init__.py": "",
            "app/services/auth.py": """
                from sqlalchemy.orm import Session

                from app.crud.base import CRUDBase
                from app.models.user import User

                users = CRUDBase(User)


                def authenticate(db: Session, email: str) -> User | None:
                    return users.get_by_email(db, email)
            """,
        },
    )
    assert findings(root, "LC301") == [("app/services/auth.py", 9, "LC301")]


# Clean architecture: the ORM models convert to the domain's Pydantic entities, imported as
# a package; the repositories implement the use cases' ports reached through the package.
CLEAN_ARCHITECTURE = {
    "src/domain/__init__.py": "from . import entities as entities\nfrom . import usecases as usecases\n",
    "src/domain/entities/__init__.py": "from . import movie as movie\n",
    "src/domain/entities/movie.py": """
        from enum import Enum

        from pydantic import BaseModel


        class Genre(Enum):
            DRAMA = "drama"


        class Movie(BaseModel):
            title: str
    """,
    "src/domain/usecases/__init__.py": "from . import interfaces as interfaces\n",
    "src/domain/usecases/interfaces/__init__.py": "from .movies import MovieStore as MovieStore\n",
    "src/domain/usecases/interfaces/movies.py": """
        from abc import ABC, abstractmethod

        from domain import entities


        class MovieStore(ABC):
            @abstractmethod
            async def get(self, movie_id: int) -> entities.movie.Movie:
                pass
    """,
    "src/infrastructure/__init__.py": "",
    "src/infrastructure/repositories/__init__.py": "",
    "src/infrastructure/repositories/models/__init__.py": "",
    "src/infrastructure/repositories/models/movie.py": """
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        from domain import entities


        class Base(DeclarativeBase):
            pass


        class MovieRow(Base):
            __tablename__ = "movies"
            id: Mapped[int] = mapped_column(primary_key=True)
            title: Mapped[str]

            def to_entity(self) -> entities.movie.Movie:
                return entities.movie.Movie(title=self.title)
    """,
    "src/infrastructure/repositories/movies.py": """
        from sqlalchemy.ext.asyncio import AsyncSession

        from domain import entities, usecases
        from infrastructure.repositories.models.movie import MovieRow


        class SqlMovieStore(usecases.interfaces.MovieStore):
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def get(self, movie_id: int) -> entities.movie.Movie:
                row = await self.session.get(MovieRow, movie_id)
                return row.to_entity()
    """,
}


def test_a_module_of_pydantic_classes_imported_whole_is_a_schema_import(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CLEAN_ARCHITECTURE)
    # The model converting to the entities imports the schema layer; the repository that
    # implements the port it reaches through `usecases` depends inward.
    assert findings(root, "LC103") == [("src/infrastructure/repositories/models/movie.py", 3, "LC103")]


# The same generic base, in a file its name places and in one a folder places.
GENERIC_BASE = """
    from typing import Generic, TypeVar

    from sqlalchemy.orm import Session

    from app.models import Base

    ModelType = TypeVar("ModelType", bound=Base)


    class {name}(Generic[ModelType]):
        def __init__(self, db: Session, model: type[ModelType]) -> None:
            self.db = db
            self.model = model

        def get(self, item_id: int):
            return self.db.query(self.model).get(item_id)

        def list(self):
            return self.db.query(self.model).all()

        def remove(self, item: ModelType) -> None:
            self.db.delete(item)
            self.db.commit()
"""


def test_a_generic_base_in_a_file_named_for_use_cases_stays_a_service(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Client"),
            "app/use_cases/__init__.py": "",
            "app/use_cases/base_use_cases.py": GENERIC_BASE.format(name="BaseService"),
            "app/services/__init__.py": "",
            "app/services/base.py": GENERIC_BASE.format(name="ServiceBase"),
        },
    )
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/use_cases/base_use_cases.py"] == "service"
    assert layers["app/services/base.py"] == "repository"  # (a generic store among the services)


def test_a_repository_base_in_no_layer_may_import_the_session(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/persistence/__init__.py": "",
            "app/persistence/impl/__init__.py": "",
            "app/persistence/impl/base.py": """
                from collections.abc import Callable

                from sqlalchemy.orm import Session


                class BaseImpl:
                    def __init__(self, session_factory: Callable[[], Session]) -> None:
                        self.session_factory = session_factory
            """,
            "app/persistence/impl/user_repo_impl.py": """
                from sqlalchemy import select

                from app.models import User
                from app.persistence.impl.base import BaseImpl


                class UserImpl(BaseImpl):
                    def find(self, user_id: int):
                        with self.session_factory() as session:
                            return session.scalars(select(User).where(User.id == user_id)).first()

                    def names(self):
                        with self.session_factory() as session:
                            return session.scalars(select(User.id)).all()
            """,
            "app/api/__init__.py": "",
            "app/api/deps.py": """
                from sqlalchemy.orm import Session
            """,
        },
    )
    assert findings(root, "LC101") == [("app/api/deps.py", 1, "LC101")]


def _lc301(root: Path, run_output: list[dict]) -> list[tuple[str, int]]:
    return sorted(
        ((root / item["filename"]).relative_to(root).as_posix(), item["location"]["row"])
        for item in run_output
        if item["code"] == "LC301"
    )


def test_a_run_on_one_file_sees_a_mapping_it_does_not_reach(tmp_path: Path) -> None:
    # The service never imports the module that maps its classes: a run on the service alone
    # (pre-commit's changed file, the editor's buffer) still reads the mapping.
    root = write_project(tmp_path / "p", CLASSICAL_MAPPING)
    whole = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC301", "."], root)
    one = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC301", "app/services/books.py"], root)
    assert _lc301(root, one.json()) == _lc301(root, whole.json()) != []


def test_the_cache_sees_a_mapping_added_in_a_module_nobody_imports(tmp_path: Path) -> None:
    files = dict(CLASSICAL_MAPPING)
    files["app/adapters/mappers.py"] = files["app/adapters/mappers.py"].replace(
        "            mapper_registry.map_imperatively(Shelf, shelves)\n", ""
    )
    root = write_project(tmp_path / "p", files)
    cache = tmp_path / "cache"
    args = ["--output-format", "json", "--cache-dir", str(cache), "--select", "LC301", "."]
    before = run_layercheck(args, root)
    assert ("app/services/books.py", 16) not in _lc301(root, before.json())
    mappers = root / "app/adapters/mappers.py"
    mappers.write_text(mappers.read_text() + "    mapper_registry.map_imperatively(Shelf, shelves)\n")
    stat = mappers.stat()
    os.utime(mappers, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    after = run_layercheck(args, root)
    assert ("app/services/books.py", 16) in _lc301(root, after.json())


def test_a_main_module_whose_lifespan_builds_the_session_factory_may_import_it(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "main.py": """
                from contextlib import asynccontextmanager

                from fastapi import FastAPI
                from sqlalchemy import create_engine
                from sqlalchemy.orm import sessionmaker


                @asynccontextmanager
                async def lifespan(app: FastAPI):
                    engine = create_engine("sqlite://")
                    app.state.session_factory = sessionmaker(bind=engine)
                    yield
                    engine.dispose()


                app = FastAPI(lifespan=lifespan)
            """,
            "app/__init__.py": "",
            "app/wiring.py": """
                from sqlalchemy.orm import Session


                def repositories(session: Session) -> dict:
                    return {"session": session}
            """,
        },
    )
    assert findings(root, "LC101") == [("app/wiring.py", 1, "LC101")]


def test_a_views_module_of_another_framework_is_no_router(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/admin/__init__.py": "",
            "app/admin/views.py": """
                from crudadmin import CRUDAdmin

                from app.models import User


                def register_admin_views(admin: CRUDAdmin) -> None:
                    admin.add_view(model=User, allowed_actions={"view"})
            """,
            "app/users/__init__.py": "",
            "app/users/views.py": """
                from fastapi import APIRouter

                from app.models import User

                router = APIRouter()


                @router.get("/users")
                async def users() -> list[str]:
                    return [User.__name__]
            """,
        },
    )
    assert placed(root)["app/admin/views.py"]["layer"] is None
    assert findings(root, "LC104") == [("app/users/views.py", 3, "LC104")]

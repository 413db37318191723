"""SPEC revision 2, the lessons of the twenty-eighth round, each a small project of our own
checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import check_json, write_project
from test_revision2 import findings, orm_module, placed

_REPOSITORY = """
    from sqlalchemy import insert, select

    from app.models.posts import Post


    class PostRepository:
        def __init__(self, session) -> None:
            self.session = session

        async def create_post(self, data: dict) -> Post:
            result = await self.session.execute(insert(Post).values(**data).returning(Post))
            return result.scalar()

        async def list_posts(self) -> list[Post]:
            return list((await self.session.scalars(select(Post))).all())

        async def count_posts(self) -> int:
            return len(await self.list_posts())
"""


def test_a_service_returning_rows_through_a_unit_of_works_attributes_is_lc301(tmp_path: Path) -> None:
    # `self.uow.posts.create_post(...)`: the service holds a unit of work (annotated with
    # its interface, re-exported by the package), whose class annotation says `posts` is
    # the repository; the rows it hands back leave the service unmapped, also copied
    # through a comprehension (`[post for post in posts if ...]`). A count is no row; a
    # schema built from the row maps it.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models/__init__.py": "",
            "app/models/posts.py": orm_module("Post"),
            "app/repositories/__init__.py": "",
            "app/repositories/posts.py": _REPOSITORY,
            "app/uow/__init__.py": "from .interface import UnitOfWorkInterface\n",
            "app/uow/interface.py": """
                from abc import ABC

                from app.repositories.posts import PostRepository


                class UnitOfWorkInterface(ABC):
                    posts: PostRepository
            """,
            "app/schemas/__init__.py": "",
            "app/schemas/posts.py": """
                from pydantic import BaseModel


                class PostOut(BaseModel):
                    id: int
            """,
            "app/services/__init__.py": "",
            "app/services/posts.py": """
                from app.schemas.posts import PostOut
                from app.uow import UnitOfWorkInterface


                class PostService:
                    def __init__(self, uow: UnitOfWorkInterface) -> None:
                        self.uow = uow

                    async def create_post(self, data: dict):
                        created = await self.uow.posts.create_post(data)
                        return created

                    async def visible_posts(self) -> list:
                        posts = await self.uow.posts.list_posts()
                        shown = [post for post in posts if post.id]
                        return shown

                    async def count(self):
                        return await self.uow.posts.count_posts()

                    async def create_mapped(self, data: dict):
                        created = await self.uow.posts.create_post(data)
                        return PostOut.model_validate(created)
            """,
        },
    )
    assert findings(root, "LC301") == [
        ("app/services/posts.py", 11, "LC301"),
        ("app/services/posts.py", 16, "LC301"),
    ]


def test_a_router_typed_with_a_repository_alias_read_off_an_imported_package_is_lc102(tmp_path: Path) -> None:
    # `from app import deps`, then `repo: deps.UserRepo` on a route, where `deps` declares
    # `UserRepo = Annotated[UserRepository, Depends(...)]`: as importing the alias itself.
    # A router reading only a service's alias off the same package skips nothing.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/repositories/__init__.py": "",
            "app/repositories/user.py": """
                from sqlalchemy import select


                class UserRepository:
                    def __init__(self, session) -> None:
                        self.session = session

                    async def names(self) -> list:
                        return list((await self.session.execute(select(1))).all())


                def get_user_repo() -> UserRepository:
                    return UserRepository(None)
            """,
            "app/services/__init__.py": "",
            "app/services/user.py": """
                class UserService:
                    async def names(self, repo) -> list:
                        return await repo.names()


                def get_user_service() -> UserService:
                    return UserService()
            """,
            "app/deps/__init__.py": """
                from typing import Annotated

                from fastapi import Depends

                from app.repositories import user
                from app.services.user import UserService, get_user_service

                UserRepo = Annotated[user.UserRepository, Depends(user.get_user_repo)]
                UserServiceDep = Annotated[UserService, Depends(get_user_service)]
            """,
            "app/api/__init__.py": "",
            "app/api/users.py": """
                from fastapi import APIRouter

                from app import deps

                router = APIRouter()


                @router.get("/")
                async def names(repo: deps.UserRepo, service: deps.UserServiceDep) -> list:
                    return await service.names(repo)
            """,
            "app/api/health.py": """
                from fastapi import APIRouter

                from app import deps

                router = APIRouter()


                @router.get("/health")
                async def health(service: deps.UserServiceDep) -> bool:
                    return bool(service)
            """,
        },
    )
    assert findings(root, "LC102") == [("app/api/users.py", 3, "LC102")]


def test_a_repository_built_in_a_routers_provider_and_handed_to_a_service_is_wiring(tmp_path: Path) -> None:
    # A router module's providers build the DAO and hand it to the service the routes
    # depend on (`get_report_dao` returning `ReportDAO(db)`, `get_report_service(dao:
    # ReportDAO = Depends(get_report_dao))`; an import inside the provider, whose module
    # path names the local it assigns). A route typed with the DAO itself still reaches it.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db.py": """
                def get_db():
                    yield None
            """,
            "app/reports/__init__.py": "",
            "app/reports/dao.py": """
                from sqlalchemy import select


                class ReportDAO:
                    def __init__(self, db) -> None:
                        self.db = db

                    def all(self) -> list:
                        return list(self.db.execute(select(1)).all())
            """,
            "app/reports/audit_dao.py": """
                from sqlalchemy import select


                class AuditDAO:
                    def __init__(self, db) -> None:
                        self.db = db

                    def recent(self) -> list:
                        return list(self.db.execute(select(1)).all())
            """,
            "app/reports/service.py": """
                class ReportService:
                    def __init__(self, dao) -> None:
                        self.dao = dao

                    def all(self) -> list:
                        return self.dao.all()
            """,
            "app/reports/router.py": """
                from fastapi import APIRouter, Depends

                from app.db import get_db
                from app.reports.dao import ReportDAO
                from app.reports.service import ReportService

                router = APIRouter()


                def get_report_dao(db=Depends(get_db)) -> ReportDAO:
                    return ReportDAO(db)


                def get_report_service(dao: ReportDAO = Depends(get_report_dao)) -> ReportService:
                    return ReportService(dao)


                def get_audit_service(db=Depends(get_db)) -> ReportService:
                    from app.reports.audit_dao import AuditDAO
                    audit_dao = AuditDAO(db)
                    return ReportService(audit_dao)


                @router.get("/")
                def reports(service: ReportService = Depends(get_report_service)) -> list:
                    return service.all()


                @router.get("/audit")
                def audit(service: ReportService = Depends(get_audit_service)) -> list:
                    return service.all()
            """,
            "app/reports/raw.py": """
                from fastapi import APIRouter, Depends

                from app.db import get_db
                from app.reports.dao import ReportDAO

                router = APIRouter()


                def get_report_dao(db=Depends(get_db)) -> ReportDAO:
                    return ReportDAO(db)


                @router.get("/raw")
                def raw(dao: ReportDAO = Depends(get_report_dao)) -> list:
                    return dao.all()
            """,
        },
    )
    assert findings(root, "LC102", "LC202") == [
        ("app/reports/raw.py", 4, "LC102"),
        ("app/reports/raw.py", 15, "LC202"),
    ]


def test_a_configs_module_read_through_starlettes_config_is_the_configuration(tmp_path: Path) -> None:
    # `configs.py` building Starlette's `Config(env_file=".env")` reads the settings as
    # `os.getenv` does: the configuration, which a repository may not import (LC103).
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/configs.py": """
                from pathlib import Path

                from starlette.config import Config

                RESOURCES = Path("resources")
                env = Config(env_file=".env")
                DEBUG = env("DEBUG", cast=bool, default=False)
            """,
            "app/core/paths.py": """
                from pathlib import Path

                RESOURCES = Path("resources")
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/files.py": """
                from sqlalchemy import select

                from app.core.configs import RESOURCES
                from app.core.paths import RESOURCES as PLAIN


                class FileRepository:
                    def __init__(self, session) -> None:
                        self.session = session

                    def names(self) -> list:
                        return [RESOURCES, PLAIN, self.session.execute(select(1))]
            """,
        },
    )
    assert placed(root)["app/core/configs.py"]["layer"] == "config"
    assert findings(root, "LC103") == [("app/repositories/files.py", 3, "LC103")]


def test_a_job_module_opening_its_own_sessions_for_the_crud_functions_is_no_database_module(tmp_path: Path) -> None:
    # A flat project: `hunter.py` defines `get_db_session()` (a context manager over the
    # factory) for its own jobs, which hand the sessions to `database_crud`'s functions: it
    # is their caller, not where the others get their sessions, so its imports of the
    # repository are not "database imports repository" (LC103). `models.py` building the
    # engine and `SessionLocal` beside its tables does the database's work: its
    # `sessionmaker` (LC101) and settings (LC103) imports stand.
    root = write_project(
        tmp_path,
        {
            "config.py": """
                import os

                DATABASE_URL = os.getenv("DATABASE_URL", "sqlite://")
            """,
            "models.py": """
                from sqlalchemy import Column, Integer, String, create_engine
                from sqlalchemy.orm import declarative_base, sessionmaker

                from config import DATABASE_URL

                engine = create_engine(DATABASE_URL)
                SessionLocal = sessionmaker(bind=engine)
                Base = declarative_base()


                class Signal(Base):
                    __tablename__ = "signals"
                    id = Column(Integer, primary_key=True)
                    symbol = Column(String)
            """,
            "database_crud.py": """
                from sqlalchemy.orm import Session

                from models import Signal


                def get_signal(db: Session, symbol: str):
                    return db.query(Signal).filter(Signal.symbol == symbol).first()


                def add_signal(db: Session, symbol: str):
                    db.add(Signal(symbol=symbol))
                    db.commit()


                def active(db: Session):
                    return db.query(Signal).all()
            """,
            "hunter.py": """
                from contextlib import contextmanager

                import database_crud as crud
                from models import SessionLocal


                @contextmanager
                def get_db_session():
                    db = SessionLocal()
                    try:
                        yield db
                    finally:
                        db.close()


                def hunt(symbols: list[str]) -> None:
                    with get_db_session() as db:
                        active = crud.active(db)
                    for symbol in symbols:
                        with get_db_session() as db:
                            if crud.get_signal(db, symbol):
                                continue
                        with get_db_session() as db:
                            crud.add_signal(db, symbol)
                    print(active)
            """,
        },
    )
    assert placed(root)["hunter.py"]["layer"] is None
    assert placed(root)["models.py"]["layer"] == "model"
    assert findings(root, "LC101", "LC103") == []


def test_rows_a_repository_hands_to_a_data_mapper_leave_it_converted(tmp_path: Path) -> None:
    # Unannotated repository methods returning `self.mapper.map_to_domain(row)` or
    # `[HouseDataMapper.map_to_domain_entity(row) for row in rows]`: the rows are converted
    # on the way out, so a service returning them (through its unit of work) returns no ORM
    # instance; a method returning the row itself does.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("House"),
            "app/repositories/__init__.py": "",
            "app/repositories/houses.py": """
                from sqlalchemy import select

                from app.models import House


                class HouseDataMapper:
                    @staticmethod
                    def map_to_domain_entity(row):
                        return {"id": row.id}


                class HouseRepository:
                    mapper = HouseDataMapper

                    def __init__(self, session) -> None:
                        self.session = session

                    async def get_one(self, house_id: int):
                        row = await self.session.get(House, house_id)
                        return self.mapper.map_to_domain(row)

                    async def get_all(self):
                        rows = (await self.session.scalars(select(House))).all()
                        return [HouseDataMapper.map_to_domain_entity(row) for row in rows]

                    async def get_row(self, house_id: int):
                        return await self.session.get(House, house_id)
            """,
            "app/uow.py": """
                from app.repositories.houses import HouseRepository


                class UnitOfWork:
                    houses: HouseRepository
            """,
            "app/services/__init__.py": "",
            "app/services/houses.py": """
                from app.uow import UnitOfWork


                class HouseService:
                    def __init__(self, db: UnitOfWork) -> None:
                        self.db = db

                    async def get_house(self, house_id: int):
                        return await self.db.houses.get_one(house_id)

                    async def get_houses(self):
                        return await self.db.houses.get_all()

                    async def get_row(self, house_id: int):
                        return await self.db.houses.get_row(house_id)

                    async def get_missing(self, house_id: int):
                        return await self.db.houses.get_by_owner(house_id)
            """,
        },
    )
    # (`get_by_owner` is defined by no class of the repository's lineage: nothing is known)
    assert findings(root, "LC301") == [("app/services/houses.py", 15, "LC301")]


def test_the_entity_one_mapping_row_holds_read_by_its_key_is_no_dict(tmp_path: Path) -> None:
    # `(await session.execute(select(Address, User)...)).mappings().one()["Address"]` hands
    # out the `Address` instance of the row; the row's mapping itself is still a dict.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Address"),
            "app/repositories/__init__.py": "",
            "app/repositories/addresses.py": """
                from sqlalchemy import select

                from app.models import Address


                class AddressRepository:
                    def __init__(self, session) -> None:
                        self.session = session

                    async def get(self, address_id: int):
                        result = await self.session.execute(select(Address).where(Address.id == address_id))
                        address = result.mappings().one()["Address"]
                        return address

                    async def get_row(self, address_id: int):
                        result = await self.session.execute(select(Address).where(Address.id == address_id))
                        return result.mappings().one()
            """,
        },
    )
    assert findings(root, "LC402") == [("app/repositories/addresses.py", 17, "LC402")]


def test_versions_a_lock_file_records_silence_the_advice_the_stack_cannot_take(tmp_path: Path) -> None:
    # A Pipenv project: the `Pipfile` names Pydantic and SQLAlchemy without a version, the
    # `Pipfile.lock` records 1.10.7 and 1.4.47. Pydantic v1's `class Config:` (LC501) and
    # SQLAlchemy 1.x's `Column()` (LC503) are the only ways there; the same code locked to
    # 2.x is flagged.
    files = {
        "app/__init__.py": "",
        "app/models.py": """
            from sqlalchemy import Column, Integer
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()


            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
        """,
        "app/schemas.py": """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int

                class Config:
                    orm_mode = True
        """,
        "Pipfile": '[packages]\nfastapi = "*"\nsqlalchemy = "*"\n\n[packages.pydantic]\nextras = ["dotenv"]\n',
    }

    def lock(pydantic: str, sqlalchemy: str) -> str:
        entry = '"{}": {{"hashes": ["sha256:00"], "index": "pypi", "version": "=={}"}}'
        entries = [entry.format("pydantic", pydantic), entry.format("sqlalchemy", sqlalchemy)]
        return '{"default": {' + ", ".join(entries) + "}}"

    old = write_project(tmp_path / "old", {**files, "Pipfile.lock": lock("1.10.7", "1.4.47")})
    new = write_project(tmp_path / "new", {**files, "Pipfile.lock": lock("2.5.3", "2.0.30")})
    assert findings(old, "LC501", "LC503") == []
    assert findings(new, "LC501", "LC503") == [("app/models.py", 9, "LC503"), ("app/schemas.py", 7, "LC501")]


def test_a_settings_class_is_told_of_settings_config_dict(tmp_path: Path) -> None:
    # LC501 on `class Settings(BaseSettings)` with a v1 `class Config:` names
    # pydantic-settings' `SettingsConfigDict`; a plain model's names `ConfigDict`.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/config.py": """
                from pydantic_settings import BaseSettings


                class Settings(BaseSettings):
                    debug: bool = False

                    class Config:
                        env_file = ".env"
            """,
            "app/schemas.py": """
                from pydantic import BaseModel


                class UserOut(BaseModel):
                    id: int

                    class Config:
                        orm_mode = True
            """,
        },
    )
    run = check_json(root, "--select", "LC501")
    messages = {item["filename"].rsplit("/", 1)[-1]: item["message"] for item in run.json()}
    assert "SettingsConfigDict(...)" in messages["config.py"]
    assert "ConfigDict(from_attributes=True)" in messages["schemas.py"]
    assert "Settings" not in messages["schemas.py"]


def test_a_session_alias_declared_with_a_type_statement_types_the_routes_sessions(tmp_path: Path) -> None:
    # `type SessionDep = Annotated[AsyncSession, Depends(get_session)]` (Python 3.12's alias
    # statement), re-exported by a package: `s: SessionDep` in a route is the request's
    # session, so `await s.commit()` there is SQL in a router (LC201); the alias module is
    # the database's, and the router importing it is fine (LC101).
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/db.py": """
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                engine = create_async_engine("sqlite+aiosqlite://")
                factory = async_sessionmaker(engine)


                async def get_session():
                    async with factory() as session:
                        yield session
            """,
            "app/deps/__init__.py": "from app.deps.db import SessionDep\n",
            "app/deps/db.py": """
                from typing import Annotated

                from fastapi import Depends
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.core.db import get_session

                type SessionDep = Annotated[AsyncSession, Depends(get_session)]
            """,
            "app/api/__init__.py": "",
            "app/api/users.py": """
                from fastapi import APIRouter

                from app.deps import SessionDep

                router = APIRouter()


                @router.post("/")
                async def create(s: SessionDep) -> None:
                    await s.commit()
            """,
        },
    )
    assert findings(root, "LC101", "LC201") == [("app/api/users.py", 10, "LC201")]


def test_what_a_repository_returns_beats_its_annotation_and_a_schema_built_there_is_no_row(tmp_path: Path) -> None:
    # `get_all() -> list[BookingModel]` whose every `return` converts the rows through the
    # data mapper, and an unannotated method returning a schema it builds (`result =
    # RoomOut(...)`): a service returning either hands out no ORM instance. A method
    # returning the row still does.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Booking"),
            "app/schemas.py": """
                from pydantic import BaseModel


                class BookingOut(BaseModel):
                    id: int
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/bookings.py": """
                from sqlalchemy import select

                from app.models import Booking
                from app.schemas import BookingOut


                class BookingDataMapper:
                    @staticmethod
                    def map_to_domain_entity(row):
                        return BookingOut(id=row.id)


                class BookingRepository:
                    mapper = BookingDataMapper

                    def __init__(self, session) -> None:
                        self.session = session

                    async def get_all(self) -> list[Booking]:
                        rows = (await self.session.scalars(select(Booking))).all()
                        return [self.mapper.map_to_domain_entity(row) for row in rows]

                    async def summary(self, booking_id: int):
                        row = await self.session.get(Booking, booking_id)
                        result = BookingOut(id=row.id)
                        return result

                    async def get_row(self, booking_id: int):
                        return await self.session.get(Booking, booking_id)
            """,
            "app/services/__init__.py": "",
            "app/services/bookings.py": """
                from app.repositories.bookings import BookingRepository


                class BookingService:
                    def __init__(self, repository: BookingRepository) -> None:
                        self.repository = repository

                    async def all(self):
                        return await self.repository.get_all()

                    async def summary(self, booking_id: int):
                        return await self.repository.summary(booking_id)

                    async def row(self, booking_id: int):
                        return await self.repository.get_row(booking_id)
            """,
        },
    )
    assert findings(root, "LC301") == [("app/services/bookings.py", 15, "LC301")]


def test_router_helpers_named_config_a_mapper_in_the_logic_folder_and_a_reexported_logging(tmp_path: Path) -> None:
    # `api/routers/users/config.py` of helpers that query and raise the routes'
    # `HTTPException`s is the routers' own code (LC201 there); `logic/dto/mappers.py`,
    # turning ORM rows into DTOs for the repositories, is no service, so a repository
    # importing it goes against no layer (LC103); `from app.log import logging` (a project
    # module re-exporting the standard library's) then `logging.info(f"...")` is a log call
    # (LC701).
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/log.py": """
                import logging

                logging.basicConfig(filename="app.log")
            """,
            "app/api/__init__.py": "",
            "app/api/routers/__init__.py": "",
            "app/api/routers/users/__init__.py": "",
            "app/api/routers/users/config.py": """
                from fastapi import HTTPException
                from sqlalchemy import select

                from app.models import User


                async def user_or_404(session, user_id: int) -> User:
                    user = await session.scalar(select(User).where(User.id == user_id))
                    if user is None:
                        raise HTTPException(status_code=404)
                    return user


                async def users(session) -> list:
                    return list(await session.scalars(select(User)))


                async def names(session) -> list:
                    return [user.id for user in await session.scalars(select(User))]
            """,
            "app/logic/__init__.py": "",
            "app/logic/dto/__init__.py": "",
            "app/logic/dto/mappers.py": """
                from app.models import User


                def user_to_dto(user: User) -> dict:
                    return {"id": user.id}
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/users.py": """
                from sqlalchemy import select

                from app.log import logging
                from app.logic.dto.mappers import user_to_dto
                from app.models import User


                class UserRepository:
                    def __init__(self, session) -> None:
                        self.session = session

                    async def get(self, user_id: int):
                        logging.info(f"loading user {user_id}")
                        return user_to_dto(await self.session.get(User, user_id))
            """,
        },
    )
    layers = placed(root)
    assert layers["app/api/routers/users/config.py"]["layer"] == "api"
    assert layers["app/logic/dto/mappers.py"]["layer"] is None
    found = findings(root, "LC103", "LC201", "LC701")
    assert ("app/repositories/users.py", 13, "LC701") in found
    assert not [item for item in found if item[2] == "LC103"]
    assert [item for item in found if item[0] == "app/api/routers/users/config.py" and item[2] == "LC201"]


def test_a_repository_annotated_with_sqlmodels_base_hands_out_rows(tmp_path: Path) -> None:
    # A generic repository `create(table, data) -> SQLModel` (the base of tables and
    # schemas alike) in the repository layer hands out the table's row: a service returning
    # it unmapped is LC301. Outside the repository layer the annotation decides nothing.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": """
                from sqlmodel import Field, SQLModel


                class Car(SQLModel, table=True):
                    id: int | None = Field(default=None, primary_key=True)
            """,
            "app/repositories/__init__.py": "",
            "app/repositories/base_repo.py": """
                from sqlmodel import SQLModel


                class BaseRepository:
                    def __init__(self, session) -> None:
                        self.session = session

                    async def create(self, table: type[SQLModel], data: dict) -> SQLModel:
                        entity = table(**data)
                        self.session.add(entity)
                        await self.session.commit()
                        return entity
            """,
            "app/services/__init__.py": "",
            "app/services/cars.py": """
                from app.models import Car
                from app.repositories.base_repo import BaseRepository


                class CarService:
                    def __init__(self, repository: BaseRepository) -> None:
                        self.repository = repository

                    async def create_car(self, data: dict):
                        car = await self.repository.create(table=Car, data=data)
                        return car
            """,
        },
    )
    assert findings(root, "LC301") == [("app/services/cars.py", 11, "LC301")]

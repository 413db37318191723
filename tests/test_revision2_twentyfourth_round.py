"""SPEC revision 2, the lessons of the twenty-fourth round, each a small project of our own
checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, orm_module, placed

_USERS_REPOSITORY = """
    from sqlalchemy import select

    from app.models import User


    class UsersRepository:
        def __init__(self, session) -> None:
            self.session = session

        async def get_one(self, user_id: int):
            return (await self.session.execute(select(User).where(User.id == user_id))).scalar_one()
"""

_ASYNC_DATABASE = """
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    async_session_maker = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))
"""

# A unit of work: opens the session, builds the repositories over it, commits; it also holds
# a cache, no repository.
_DB_MANAGER = """
    from app.repositories.users import UsersRepository


    class Cache:
        def get(self, key: str):
            return None


    class DBManager:
        def __init__(self, session_factory) -> None:
            self.session_factory = session_factory
            self.cache = Cache()

        async def __aenter__(self):
            self.session = self.session_factory()
            self.users = UsersRepository(self.session)
            return self

        async def __aexit__(self, *args):
            await self.session.rollback()
            await self.session.close()

        async def commit(self):
            await self.session.commit()
"""


def test_a_unit_of_work_reached_through_an_annotation_alias(tmp_path: Path) -> None:
    # `db: DBDep` with `DBDep = Annotated[DBManager, Depends(get_db)]`, and the manager setting
    # `self.users = UsersRepository(self.session)` when it is entered: `db.users.get_one()` in
    # a router calls the repository (LC202), as it does with `db: DBManager` written out. The
    # manager's own `commit()` and a cache it holds are no repository.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/database.py": _ASYNC_DATABASE,
            "app/repositories/__init__.py": "",
            "app/repositories/users.py": _USERS_REPOSITORY,
            "app/utils/__init__.py": "",
            "app/utils/manager.py": _DB_MANAGER,
            "app/api/__init__.py": "",
            "app/api/dependencies.py": """
                from typing import Annotated

                from fastapi import Depends

                from app.database import async_session_maker
                from app.utils.manager import DBManager


                async def get_db():
                    async with DBManager(async_session_maker) as db:
                        yield db


                DBDep = Annotated[DBManager, Depends(get_db)]
            """,
            "app/api/users.py": """
                from fastapi import APIRouter

                from app.api.dependencies import DBDep
                from app.utils.manager import DBManager

                router = APIRouter()


                @router.get("/users/{user_id}")
                async def get_user(user_id: int, db: DBDep):
                    cached = db.cache.get(str(user_id))
                    user = await db.users.get_one(user_id)
                    await db.commit()
                    return cached or user


                @router.get("/users/{user_id}/plain")
                async def get_user_plain(user_id: int, db: DBManager):
                    return await db.users.get_one(user_id)
            """,
        },
    )
    assert findings(root, "LC201", "LC202") == [("app/api/users.py", 12, "LC202"), ("app/api/users.py", 19, "LC202")]


def test_a_parameter_an_injector_marker_types(tmp_path: Path) -> None:
    # dishka's `repositories: FromDishka[Repositories]` (and wireup's `Injected[...]`) hands
    # the route an instance of the type inside the marker: `repositories.users().get_one()` in
    # a router calls the repository layer (LC202). A service injected the same way is the
    # layer a router should call.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/repositories/__init__.py": """
                from app.repositories.users import UsersRepository


                class Repositories:
                    def __init__(self, session) -> None:
                        self.session = session

                    def users(self) -> UsersRepository:
                        return UsersRepository(self.session)
            """,
            "app/repositories/users.py": _USERS_REPOSITORY,
            "app/services/__init__.py": "",
            "app/services/users.py": """
                class UserService:
                    async def rename(self, user_id: int, name: str) -> None:
                        return None
            """,
            "app/api/__init__.py": "",
            "app/api/users.py": """
                from dishka.integrations.fastapi import DishkaRoute, FromDishka
                from fastapi import APIRouter
                from wireup import Injected

                from app.repositories import Repositories
                from app.services.users import UserService

                router = APIRouter(route_class=DishkaRoute)


                @router.get("/users/{user_id}")
                async def get_user(user_id: int, repositories: FromDishka[Repositories]):
                    return await repositories.users().get_one(user_id)


                @router.get("/users/{user_id}/again")
                async def get_user_again(user_id: int, repositories: Injected[Repositories]):
                    return await repositories.users().get_one(user_id)


                @router.post("/users/{user_id}/name")
                async def rename(user_id: int, name: str, service: FromDishka[UserService]):
                    await service.rename(user_id, name)
            """,
        },
    )
    assert findings(root, "LC202") == [("app/api/users.py", 13, "LC202"), ("app/api/users.py", 18, "LC202")]


def test_a_worker_module_that_only_starts_the_process(tmp_path: Path) -> None:
    # `app/worker.py` importing the models for their tables and running a service's polling
    # loop from its `__main__` block: the worker process's entry point, as `main.py` is the
    # server's, held to no contract. A `worker.py` that defines the jobs is the task layer,
    # whose import of the models is against the layer direction (LC103).
    service = """
        async def run_scheduler() -> None:
            return None
    """
    entry_point = """
        import asyncio

        import app.models  # noqa: F401
        from app.services.scheduler import run_scheduler


        async def main() -> None:
            await run_scheduler()


        if __name__ == "__main__":
            asyncio.run(main())
    """
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/services/__init__.py": "",
            "app/services/scheduler.py": service,
            "app/worker.py": entry_point,
            "app/jobs/__init__.py": "",
            "app/jobs/worker.py": """
                from celery import Celery

                from app.models import User

                celery_app = Celery("jobs")


                @celery_app.task
                def count_users() -> int:
                    return len(User.__table__.columns)


                if __name__ == "__main__":
                    celery_app.start()
            """,
        },
    )
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/worker.py"] == "main"
    assert layers["app/jobs/worker.py"] == "task"
    assert findings(root, "LC103") == [("app/jobs/worker.py", 3, "LC103")]


def test_a_session_dependency_beside_routes_declared_in_a_class_body(tmp_path: Path) -> None:
    # `class FakenamesApis: router = APIRouter()` decorating its endpoints in the class body,
    # with `get_db` closing the session it yields at module level: the module registers routes,
    # so the dependency's close is the database module's work done in a router (LC201). The
    # same dependency in the API's `deps.py`, which registers none, is its own transaction
    # control.
    get_db = """
        from app.database import SessionLocal


        def get_db():
            db = SessionLocal()
            try:
                yield db
            finally:
                db.close()
    """
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/database.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import sessionmaker

                SessionLocal = sessionmaker(bind=create_engine("sqlite://"))
            """,
            "app/api/__init__.py": "",
            "app/api/deps.py": get_db,
            "app/api/fakenames.py": get_db
            + """

        class FakenamesApis:
            router = APIRouter()

            @router.get("/v1/fakenames")
            def names(db=Depends(get_db)):
                return []
    """,
        },
    )
    text = (root / "app/api/fakenames.py").read_text()
    (root / "app/api/fakenames.py").write_text("from fastapi import APIRouter, Depends\n" + text)
    assert findings(root, "LC201") == [("app/api/fakenames.py", 10, "LC201")]


def test_the_editor_terminal_variables_are_no_settings(tmp_path: Path) -> None:
    # A log formatter asking whether it runs in VS Code's terminal (`VSCODE_PID`,
    # `TERM_PROGRAM_VERSION`) to pick its colours reads what the terminal sets for every
    # program, as `TERM_PROGRAM` is; an app setting read beside them is LC602's.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/logger.py": """
                import os


                def in_vscode() -> bool:
                    return (
                        os.getenv("VSCODE_PID") is not None
                        or "vscode" in os.getenv("TERM_PROGRAM_VERSION", "").lower()
                    )


                def log_level() -> str:
                    return os.getenv("LOG_LEVEL", "INFO")
            """,
        },
    )
    assert findings(root, "LC602") == [("app/core/logger.py", 12, "LC602")]


def test_query_classes_kept_in_the_api_folder(tmp_path: Path) -> None:
    # `api/search_modules.py` of search strategy classes, each building its statement and
    # running it on the session it is handed, no route and no module-level function: the
    # routers' data access kept in the API's folder, so its queries are no SQL in a router and
    # a router importing it reaches past the services (LC102). The API's `deps.py`, whose
    # `get_current_user` function queries, stays the API's (LC201).
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Item"),
            "app/api/__init__.py": "",
            "app/api/search_modules.py": """
                from sqlalchemy import func, select, text
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.models import Item


                class TextSearch:
                    def __init__(self, model) -> None:
                        self.model = model

                    async def search(self, db: AsyncSession, term: str):
                        query = select(self.model).where(text("name ilike :term"))
                        return (await db.execute(query, {"term": term})).scalars().all()


                class CountSearch:
                    async def search(self, db: AsyncSession, term: str):
                        query = select(func.count(Item.id))
                        return (await db.execute(query)).scalar()
            """,
            "app/api/deps.py": """
                from sqlalchemy import select

                from app.models import Item


                async def get_item(db, item_id: int):
                    return (await db.execute(select(Item).where(Item.id == item_id))).scalar_one()
            """,
            "app/api/routes.py": """
                from fastapi import APIRouter

                from app.api.search_modules import TextSearch
                from app.models import Item

                router = APIRouter()


                @router.get("/search")
                async def search(term: str):
                    return {"strategy": TextSearch(Item).__class__.__name__}
            """,
        },
    )
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/api/search_modules.py"] == "repository"
    assert layers["app/api/deps.py"] == "api"
    assert findings(root, "LC102", "LC201") == [
        ("app/api/deps.py", 7, "LC201"),
        ("app/api/deps.py", 7, "LC201"),
        ("app/api/routes.py", 3, "LC102"),
    ]


def test_repository_returns_of_table_columns_and_converted_rows(tmp_path: Path) -> None:
    # A base repository selecting `self.model.__table__.columns` hands out rows of column
    # values (`result.mappings().all()`), as does an update `.returning(...__table__.columns)`:
    # a service returning them unannotated returns no ORM object. An insert
    # `.returning(self.model)` hands out the entity (LC301), as does a subclass overriding
    # `find_all` with `select(self.model)`. A method handing on an own method that converts the
    # row (`return await self.add_one(data)` with `return row.to_entity()`) returns no ORM.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/database.py": _ASYNC_DATABASE,
            "app/repositories/__init__.py": "",
            "app/repositories/base.py": """
                from sqlalchemy import insert, select, update

                from app.database import async_session_maker


                class BaseRepository:
                    model = None

                    async def find_all(self, **filter_by):
                        async with async_session_maker() as session:
                            query = select(self.model.__table__.columns).filter_by(**filter_by)
                            result = await session.execute(query)
                            return result.mappings().all()

                    async def add(self, **data):
                        async with async_session_maker() as session:
                            query = insert(self.model).values(**data).returning(self.model)
                            result = await session.execute(query)
                            return result.mappings().one()

                    async def update(self, model_id: int, **data):
                        async with async_session_maker() as session:
                            query = update(self.model).values(**data).returning(self.model.__table__.columns)
                            result = await session.execute(query)
                            return result.mappings().one()

                    async def add_entity(self, **data):
                        return await self.add_converted(data)

                    async def add_converted(self, data):
                        async with async_session_maker() as session:
                            result = await session.execute(insert(self.model).values(**data).returning(self.model))
                            return result.scalar_one().to_entity()
            """,
            "app/repositories/users.py": """
                from sqlalchemy import select

                from app.database import async_session_maker
                from app.models import User
                from app.repositories.base import BaseRepository


                class UserRepository(BaseRepository):
                    model = User


                class AdminRepository(BaseRepository):
                    model = User

                    async def find_all(self, **filter_by):
                        async with async_session_maker() as session:
                            return (await session.execute(select(self.model))).scalars().all()
            """,
            "app/services/__init__.py": "",
            "app/services/users.py": """
                from app.repositories.users import AdminRepository, UserRepository


                class UserService:
                    def __init__(self) -> None:
                        self.users = UserRepository()
                        self.admins = AdminRepository()

                    async def list_users(self):
                        return await self.users.find_all()

                    async def create_user(self, name: str):
                        return await self.users.add(name=name)

                    async def rename(self, user_id: int, name: str):
                        return await self.users.update(user_id, name=name)

                    async def create_entity(self, name: str):
                        return await self.users.add_entity(name=name)

                    async def list_admins(self):
                        return await self.admins.find_all()
            """,
        },
    )
    assert findings(root, "LC301") == [("app/services/users.py", 13, "LC301"), ("app/services/users.py", 22, "LC301")]


def test_an_oauth2_module_looking_the_user_up_is_no_data_access(tmp_path: Path) -> None:
    # `app/oauth2.py` holding the token helpers, `get_user(db, name)`, `authenticate_user()`
    # and the `get_current_user` dependency: an auth module, whose lookups decide who is
    # logged in (as `security.py`'s would), so a login route calling `authenticate_user` reaches
    # no data access. A module of no layer made of query functions is data access (LC102, LC202).
    lookups = """
        from sqlalchemy.orm import Session

        from app.models import User


        def get_user(db: Session, username: str):
            return db.query(User).filter(User.id == username).first()


        def authenticate_user(db: Session, username: str, password: str):
            user = get_user(db, username)
            return user if user and password else None
    """
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/oauth2.py": lookups,
            "app/lookups.py": lookups,
            "app/routers/__init__.py": "",
            "app/routers/auth.py": """
                from fastapi import APIRouter

                from app import lookups, oauth2

                router = APIRouter()


                @router.post("/login")
                def login(username: str, password: str, db=None):
                    user = oauth2.authenticate_user(db, username, password)
                    return {"user": lookups.authenticate_user(db, username, password) or user}
            """,
        },
    )
    assert findings(root, "LC102", "LC202") == [("app/routers/auth.py", 3, "LC102"), ("app/routers/auth.py", 11, "LC202")]


def test_the_scalar_of_a_one_entity_select_is_the_entity(tmp_path: Path) -> None:
    # `(await db.execute(select(User).where(...))).scalar()` in a service: the first row's
    # entity (LC301), as `.scalar_one()` is; the scalar of a count is a number.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/services/__init__.py": "",
            "app/services/users.py": """
                from sqlalchemy import func, select

                from app.models import User


                async def find_user(db, user_id: int):
                    result = await db.execute(select(User).where(User.id == user_id))
                    return result.scalar()


                async def count_users(db):
                    return (await db.execute(select(func.count(User.id)))).scalar()
            """,
        },
    )
    assert findings(root, "LC301") == [("app/services/users.py", 8, "LC301")]


def test_a_unit_of_work_in_a_module_named_db_manager(tmp_path: Path) -> None:
    # `utils/db_manager.py` holding nothing but `DBManager`, which opens the session, builds
    # the repositories over it and commits: a unit of work, the database's (since the
    # fortieth round its imports of the repositories it composes point down, not against
    # the layer direction; a task's import of it is still LC103); a
    # router committing it calls no repository, one calling `db.users.get_one()` does
    # (LC202). A `db_manager.py` of query functions stays the data access its name says.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/database.py": _ASYNC_DATABASE,
            "app/repositories/__init__.py": "",
            "app/repositories/users.py": _USERS_REPOSITORY,
            "app/utils/__init__.py": "",
            "app/utils/db_manager.py": _DB_MANAGER,
            "app/legacy/__init__.py": "",
            "app/legacy/db_manager.py": """
                from sqlalchemy import select

                from app.models import User


                async def get_user(session, user_id: int):
                    return (await session.execute(select(User).where(User.id == user_id))).scalar_one()


                async def list_users(session):
                    return (await session.execute(select(User))).scalars().all()
            """,
            "app/api/__init__.py": "",
            "app/api/users.py": """
                from fastapi import APIRouter

                from app.database import async_session_maker
                from app.utils.db_manager import DBManager

                router = APIRouter()


                @router.post("/users/{user_id}/touch")
                async def touch(user_id: int):
                    async with DBManager(async_session_maker) as db:
                        user = await db.users.get_one(user_id)
                        await db.commit()
                    return user
            """,
            "app/tasks/__init__.py": "",
            "app/tasks/jobs.py": """
                from celery import Celery

                from app.utils.db_manager import DBManager

                celery_app = Celery("jobs")


                @celery_app.task
                def nightly() -> str:
                    return DBManager.__name__
            """,
        },
    )
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/utils/db_manager.py"] == "database"
    assert layers["app/legacy/db_manager.py"] == "repository"
    assert findings(root, "LC103", "LC201", "LC202") == [
        ("app/api/users.py", 12, "LC202"),
        ("app/tasks/jobs.py", 3, "LC103"),
    ]


def test_a_unit_of_work_handed_in_unannotated_is_no_session(tmp_path: Path) -> None:
    # A service handed the request's `DBManager` unannotated (`def __init__(self, session)`,
    # or `async def patch(db, ...)`): the name says session, but the code reads repositories
    # off it (`self.session.booking.delete(...)`, `db.users.get(...)`), which no session has;
    # its `commit()` is the unit of work's, no session call (LC302). A `session` the service
    # only runs statements on is a session by its name.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/services/__init__.py": "",
            "app/services/bookings.py": """
                from sqlalchemy import select

                from app.models import User


                class BookingService:
                    def __init__(self, session) -> None:
                        self.session = session

                    async def cancel(self, booking_id: int) -> None:
                        await self.session.booking.delete(id=booking_id)
                        await self.session.commit()


                async def patch(db, user_id: int) -> None:
                    await db.users.patch(id=user_id)
                    await db.commit()


                async def rename(session, user_id: int) -> None:
                    await session.execute(select(User).where(User.id == user_id))
                    await session.commit()


                def busiest(db):
                    return db.query(User.id).having(db.func.count(User.id) > 1).all()
            """,
        },
    )
    assert findings(root, "LC302") == [
        ("app/services/bookings.py", 21, "LC302"),
        ("app/services/bookings.py", 21, "LC302"),
        ("app/services/bookings.py", 22, "LC302"),
        ("app/services/bookings.py", 26, "LC302"),
    ]


def test_a_module_of_graphql_resolvers_is_the_api(tmp_path: Path) -> None:
    # `graphql/resolvers/books.py`'s `@strawberry.type class BookQuery` whose
    # `@strawberry.field` method answers the query: GraphQL's endpoint, so importing the ORM
    # class there is LC104's; `graphql/schema.py`'s root `Query` resolving a field of its own
    # is the API too (its import of the resolvers is no schema importing up). A module of
    # output types (fields only) resolves nothing.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Book"),
            "app/graphql/__init__.py": "",
            "app/graphql/types.py": """
                import strawberry


                @strawberry.type
                class BookType:
                    id: int
                    title: str
            """,
            "app/graphql/schema.py": """
                import strawberry

                from app.graphql.resolvers.books import BookQuery


                @strawberry.type
                class Query(BookQuery):
                    @strawberry.field
                    def hello(self) -> str:
                        return "hello"


                schema = strawberry.Schema(query=Query)
            """,
            "app/graphql/resolvers/__init__.py": "",
            "app/graphql/resolvers/books.py": """
                import strawberry

                from app.graphql.types import BookType
                from app.models import Book


                @strawberry.type
                class BookQuery:
                    @strawberry.field
                    async def books(self, info) -> list[BookType]:
                        return [BookType(id=book.id, title="") for book in info.context["books"] if isinstance(book, Book)]
            """,
        },
    )
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/graphql/resolvers/books.py"] == "api"
    assert layers["app/graphql/schema.py"] == "api"
    assert layers["app/graphql/types.py"] is None
    assert findings(root, "LC103", "LC104") == [("app/graphql/resolvers/books.py", 4, "LC104")]


def test_repositories_gathered_in_a_dict_for_a_manager_are_wiring(tmp_path: Path) -> None:
    # A background helper of a router building `repos = {"users": UsersRepository(session)}`
    # only to hand it on as `CallManager(**repos)`: wiring, as `CallManager(UsersRepository(
    # session))` is (neither LC102 nor LC202). A dict whose repository the router then queries
    # is no wiring.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("User"),
            "app/repositories/__init__.py": "",
            "app/repositories/users.py": _USERS_REPOSITORY,
            "app/repositories/calls.py": """
                class CallsRepository:
                    def __init__(self, session) -> None:
                        self.session = session

                    async def list(self):
                        return []
            """,
            "app/services/__init__.py": "",
            "app/services/calls.py": """
                class CallManager:
                    def __init__(self, users_repository) -> None:
                        self.users_repository = users_repository

                    async def run(self, user_id: int) -> None:
                        await self.users_repository.get_one(user_id)
            """,
            "app/api/__init__.py": "",
            "app/api/calls.py": """
                from fastapi import APIRouter

                from app.repositories.calls import CallsRepository
                from app.repositories.users import UsersRepository
                from app.services.calls import CallManager

                router = APIRouter()


                async def run_in_background(session, user_id: int) -> None:
                    repos = {"users_repository": UsersRepository(session)}
                    await CallManager(**repos).run(user_id)


                @router.get("/calls")
                async def list_calls(session=None):
                    held = {"calls": CallsRepository(session)}
                    return await held["calls"].list()
            """,
        },
    )
    assert findings(root, "LC102", "LC202") == [("app/api/calls.py", 3, "LC102"), ("app/api/calls.py", 17, "LC202")]


def test_a_database_module_holding_only_the_base_imports_the_models_up(tmp_path: Path) -> None:
    # `database.py` building the engine and declaring `Base`, whose `init_db()` imports the
    # models so that `create_all()` sees their tables: the database layer importing the model
    # layer (LC103). A `db.py` that maps models itself beside the engine registers its sibling
    # models' module as its own.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/database.py": """
                from sqlalchemy.ext.asyncio import create_async_engine
                from sqlalchemy.orm import DeclarativeBase

                engine = create_async_engine("sqlite+aiosqlite://")


                class Base(DeclarativeBase):
                    pass


                async def init_db():
                    from app.models.users import User

                    async with engine.begin() as conn:
                        await conn.run_sync(Base.metadata.create_all)
                    return User
            """,
            "app/models/__init__.py": "",
            "app/models/users.py": """
                from sqlalchemy.orm import Mapped, mapped_column

                from app.database import Base


                class User(Base):
                    __tablename__ = "users"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "legacy/__init__.py": "",
            "legacy/db.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

                from legacy.models import Order

                engine = create_engine("sqlite://")


                class Base(DeclarativeBase):
                    pass


                class Customer(Base):
                    __tablename__ = "customers"
                    id: Mapped[int] = mapped_column(primary_key=True)


                def init_db():
                    Base.metadata.create_all(engine, tables=[Order.__table__])
            """,
            "legacy/models.py": """
                from sqlalchemy.orm import Mapped, mapped_column

                from legacy.db import Base


                class Order(Base):
                    __tablename__ = "orders"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
        },
    )
    assert findings(root, "LC103") == [("app/database.py", 12, "LC103")]

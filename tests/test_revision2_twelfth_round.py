"""SPEC revision 2, the lessons of the twelfth round: more projects nobody had read,
labeled by hand and scored blind. Each lesson is a small project of our own, checked
through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, orm_module, placed

# A generic CRUD base kept among the services (`services/base.py`): `db.query(self.model)`
# for every subclass, which hands the model to the base through its type arguments.
GENERIC_BASE = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Badge"),
    "app/schemas.py": """
        from pydantic import BaseModel


        class BadgeCreate(BaseModel):
            name: str
    """,
    "app/services/__init__.py": "",
    "app/services/base.py": """
        from typing import Any, Generic, Optional, Type, TypeVar

        from pydantic import BaseModel
        from sqlalchemy.orm import Session

        from app.models import Base

        ModelType = TypeVar("ModelType", bound=Base)
        CreateSchemaType = TypeVar("CreateSchemaType", bound=BaseModel)


        class ServiceBase(Generic[ModelType, CreateSchemaType]):
            def __init__(self, model: Type[ModelType]):
                self.model = model

            def get(self, db: Session, id: Any) -> Optional[ModelType]:
                return db.query(self.model).filter(self.model.id == id).first()

            def get_multi(self, db: Session, skip: int = 0, limit: int = 100) -> list[ModelType]:
                return db.query(self.model).offset(skip).limit(limit).all()

            def create(self, db: Session, obj_in: CreateSchemaType) -> ModelType:
                db_obj = self.model(**obj_in.model_dump())
                db.add(db_obj)
                db.flush()
                return db_obj

            def remove(self, db: Session, id: Any) -> ModelType:
                obj = db.query(self.model).get(id)
                db.delete(obj)
                db.flush()
                return obj
    """,
    "app/services/badge.py": """
        from sqlalchemy.orm import Session

        from app.models import Badge
        from app.schemas import BadgeCreate
        from .base import ServiceBase


        class BadgeService(ServiceBase[Badge, BadgeCreate]):
            def get_by_id(self, db: Session, id: int):
                badge = super().get(db, id)
                if badge is None:
                    raise ValueError(id)
                return badge

            def get_by_user(self, db: Session, user_id: int):
                return db.query(self.model).filter(self.model.id == user_id).first()

            def count_for_user(self, db: Session, user_id: int):
                return db.query(self.model.id).filter(self.model.id == user_id).count()

            def latest(self, db: Session):
                found = self.get_multi(db, limit=1)
                return found

            def summary(self, db: Session, id: int):
                badge = self.get_by_id(db, id)
                return {"id": badge.id}


        badge_service = BadgeService(Badge)
    """,
}


def test_a_generic_crud_base_among_the_services_is_data_access(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", GENERIC_BASE)
    layers = placed(root)
    assert layers["app/services/base.py"]["layer"] == "repository"
    assert "ServiceBase" in layers["app/services/base.py"]["evidence"]
    assert layers["app/services/badge.py"]["layer"] == "service"
    # Its own queries and returns are a repository's job; the subclass's are findings.
    assert [item for item in findings(root, "LC101", "LC301", "LC302") if item[0] == "app/services/base.py"] == []


def test_a_service_returns_what_its_generic_base_queried(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", GENERIC_BASE)
    assert findings(root, "LC301") == [
        ("app/services/badge.py", 13, "LC301"),  # `super().get()` of the generic base
        ("app/services/badge.py", 16, "LC301"),  # `db.query(self.model)`: a `Badge`
        ("app/services/badge.py", 23, "LC301"),  # `self.get_multi()`, inherited
    ]


def test_a_generic_service_that_calls_other_services_stays_a_service(tmp_path: Path) -> None:
    files = dict(GENERIC_BASE)
    files["app/services/audit.py"] = "def record(event):\n    return event\n"
    files["app/services/base.py"] = files["app/services/base.py"].replace(
        "from app.models import Base", "from app.models import Base\nfrom app.services.audit import record"
    )
    root = write_project(tmp_path / "p", files)
    assert placed(root)["app/services/base.py"]["layer"] == "service"
    # Its unannotated subclass's query of `self.model` is still rows of the model given.
    assert ("app/services/badge.py", 16, "LC301") in findings(root, "LC301")


def test_a_generic_base_in_a_module_named_for_services_stays_a_service(tmp_path: Path) -> None:
    """The module's own name says service (`kit/services.py`): the name decides, and the
    generic base's queries are findings of the service layer."""
    files = dict(GENERIC_BASE)
    files["app/kit/__init__.py"] = ""
    files["app/kit/services.py"] = files.pop("app/services/base.py")
    files["app/services/badge.py"] = files["app/services/badge.py"].replace(
        "from .base import ServiceBase", "from app.kit.services import ServiceBase"
    )
    root = write_project(tmp_path / "p", files)
    assert placed(root)["app/kit/services.py"]["layer"] == "service"
    assert ("app/kit/services.py", 17, "LC302") in findings(root, "LC302")


def test_a_generic_base_given_no_model_returns_nothing_known(tmp_path: Path) -> None:
    """`db.query(self.model)` in a class whose bases are given no class of the project says
    nothing of what it returns; a query of a column (`self.model.id`) gives rows, no model."""
    files = dict(GENERIC_BASE)
    files["app/services/badge.py"] = files["app/services/badge.py"].replace(
        "class BadgeService(ServiceBase[Badge, BadgeCreate]):", "class BadgeService(ServiceBase):"
    )
    root = write_project(tmp_path / "p", files)
    assert ("app/services/badge.py", 16, "LC301") not in findings(root, "LC301")


# Services kept in an `api/` folder of the `services` package (the API they serve), beside
# the database module that builds the engine there.
SERVICES_API = {
    "models.py": orm_module("User"),
    "services/__init__.py": "",
    "services/postgres.py": """
        from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
        from sqlalchemy.orm import sessionmaker

        engine = create_async_engine("postgresql+asyncpg://localhost/db")
        Session = sessionmaker(engine, class_=AsyncSession)


        async def get_async_session():
            async with Session() as session:
                yield session
    """,
    "services/api/__init__.py": "",
    "services/api/users.py": """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from models import User


        async def get_user(session: AsyncSession, email: str):
            result = await session.execute(select(User).where(User.id == email))
            return result.first()
    """,
    "router/__init__.py": "",
    "router/users.py": """
        from fastapi import APIRouter, Depends

        from services import api, postgres

        router = APIRouter()


        @router.get("/users/{email}")
        async def read(email: str, session=Depends(postgres.get_async_session)):
            return await api.users.get_user(session, email)
    """,
}


def test_an_api_folder_inside_the_services_package_holds_services(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", SERVICES_API)
    layers = placed(root)
    assert layers["services/api/users.py"]["layer"] == "service"
    assert layers["services/postgres.py"]["layer"] == "database"
    # (the statement built, and run, in a service)
    assert findings(root, "LC104", "LC201", "LC302") == [
        ("services/api/users.py", 8, "LC302"),
        ("services/api/users.py", 8, "LC302"),
    ]


def test_an_api_folder_inside_the_services_package_may_still_hold_routers(tmp_path: Path) -> None:
    files = dict(SERVICES_API)
    files["services/api/deps.py"] = """
        from fastapi import Header


        def api_key(x_key: str = Header(...)):
            return x_key
    """
    files["services/api/routes.py"] = """
        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/ping")
        def ping():
            return "pong"
    """
    root = write_project(tmp_path / "p", files)
    layers = placed(root)
    assert layers["services/api/deps.py"]["layer"] == "api"
    assert layers["services/api/routes.py"]["layer"] == "api"


# A session factory reached through a project alias of a callable, held by the instance,
# and a session called `sess`.
FACTORY_ALIAS = {
    "app/__init__.py": "",
    "app/kit/__init__.py": "",
    "app/kit/types.py": """
        from typing import AsyncContextManager, Callable

        from sqlalchemy.ext.asyncio import AsyncSession

        SessionProvider = Callable[..., AsyncContextManager[AsyncSession]]
    """,
    "app/models/__init__.py": """
        from sqlalchemy.orm import DeclarativeBase

        from app.kit.types import SessionProvider


        class Base(DeclarativeBase):
            session_provider: SessionProvider
    """,
    "app/services/__init__.py": "",
    "app/services/users.py": """
        import requests

        from app.kit.types import SessionProvider


        class UserService:
            def __init__(self, session_provider: SessionProvider):
                self._session_provider = session_provider

            async def rename(self, user_id: int, name: str):
                async with self._session_provider() as sess:
                    await sess.execute("update users set name = :n", {"n": name})
                    await sess.commit()

            def fetch_avatar(self, url: str):
                sess = requests.Session()
                return sess.get(url).content
    """,
}


def test_a_project_alias_of_a_session_factory_is_a_session_type(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FACTORY_ALIAS)
    assert findings(root, "LC101", "LC103", "LC302") == [
        ("app/models/__init__.py", 3, "LC101"),
        ("app/services/users.py", 3, "LC101"),
        ("app/services/users.py", 12, "LC302"),
        ("app/services/users.py", 13, "LC302"),
    ]


# A `crud/` folder holding the generic CRUD class in a module named `*_service.py` (most of
# its public methods query; private helpers cache the model's columns), and the response
# envelope the routers return in `types_crud.py`.
CRUD_FOLDER = {
    "app/__init__.py": "",
    "app/models.py": orm_module("User"),
    "app/utils/__init__.py": "",
    "app/utils/crud/__init__.py": "",
    "app/utils/crud/types_crud.py": """
        from typing import Any, TypedDict


        class ResponseMessage(TypedDict):
            success: bool
            data: Any


        def response_message(success: bool, data: Any = None) -> ResponseMessage:
            return {"success": success, "data": data}
    """,
    "app/utils/crud/fast_crud_service.py": """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession


        class FastCrudService:
            def __init__(self, model, db: AsyncSession):
                self.model = model
                self.db = db

            def _fields(self):
                return tuple(self.model.__table__.columns.keys())

            def _relationships(self):
                return ()

            def _audit(self, values):
                return values

            def _to_dict(self, row):
                return {field: getattr(row, field) for field in self._fields()}

            def for_user(self, user_id):
                self.user_id = user_id

            async def get_one(self, ident):
                result = await self.db.execute(select(self.model).where(self.model.id == ident))
                return self._to_dict(result.scalar_one())

            async def create(self, values):
                row = self.model(**self._audit(values))
                self.db.add(row)
                await self.db.commit()
                return self._to_dict(row)

            async def delete(self, ident):
                await self.db.delete(await self.db.get(self.model, ident))
                await self.db.commit()
    """,
    "app/api/__init__.py": "",
    "app/api/users.py": """
        from fastapi import APIRouter

        from app.utils.crud.types_crud import response_message

        router = APIRouter()


        @router.get("/users")
        async def read():
            return response_message(True, [])
    """,
}


def test_a_crud_class_named_as_a_service_in_a_crud_folder_is_data_access(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CRUD_FOLDER)
    layers = placed(root)
    assert layers["app/utils/crud/fast_crud_service.py"]["layer"] == "repository"
    assert layers["app/utils/crud/types_crud.py"]["layer"] is None
    assert findings(root, "LC101", "LC102", "LC202", "LC302") == []


def test_a_service_in_a_crud_folder_that_runs_no_query_stays_a_service(tmp_path: Path) -> None:
    files = dict(CRUD_FOLDER)
    files["app/utils/crud/fast_crud_service.py"] = """
        from app.utils.crud.types_crud import response_message


        class FastCrudService:
            def __init__(self, repository):
                self.repository = repository

            async def get_one(self, ident):
                return response_message(True, await self.repository.get(ident))
    """
    root = write_project(tmp_path / "p", files)
    assert placed(root)["app/utils/crud/fast_crud_service.py"]["layer"] == "service"


# A fluent query builder in a kit module in no layer: `new_querier(User).where_id(1).first()`
# builds the statement method by method, and `first()` runs it on a session from the
# project's session provider.
QUERY_BUILDER = {
    "app/__init__.py": "",
    "app/models.py": orm_module("User"),
    "app/kit/__init__.py": "",
    "app/kit/types.py": FACTORY_ALIAS["app/kit/types.py"],
    "app/kit/orm_tool.py": """
        from sqlalchemy import Select, select

        from app.kit.types import SessionProvider


        class QueryBuilder:
            def __init__(self, model, session_provider: SessionProvider):
                self._model = model
                self._stmt = select(model)
                self._session_provider = session_provider

            def where_id(self, ident) -> "QueryBuilder":
                self._stmt = self._stmt.where(self._model.id == ident)
                return self

            def limit(self, count: int) -> "QueryBuilder":
                self._stmt = self._stmt.limit(count)
                return self

            def statement(self) -> Select:
                return self._stmt

            async def first(self):
                async with self._session_provider() as sess:
                    return (await sess.execute(self._stmt)).scalars().first()


        def new_querier(model, session_provider: SessionProvider = None) -> QueryBuilder:
            return QueryBuilder(model, session_provider)
    """,
    "app/api/__init__.py": "",
    "app/api/users.py": """
        from fastapi import APIRouter

        from app.kit.orm_tool import new_querier
        from app.models import User

        router = APIRouter()


        @router.get("/users/{ident}")
        async def read(ident: int):
            user = await new_querier(User).where_id(ident).limit(1).first()
            return {"id": user.id}
    """,
}


def test_a_fluent_query_builder_is_data_access_and_its_chain_one_call(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", QUERY_BUILDER)
    assert findings(root, "LC102", "LC202") == [
        ("app/api/users.py", 3, "LC102"),
        ("app/api/users.py", 11, "LC202"),
    ]


def test_a_statement_builder_that_runs_nothing_is_no_data_access(tmp_path: Path) -> None:
    files = dict(QUERY_BUILDER)
    files["app/kit/orm_tool.py"] = (
        files["app/kit/orm_tool.py"]
        .replace("async with self._session_provider() as sess:", "if self._session_provider:")
        .replace("(await sess.execute(self._stmt)).scalars().first()", "self._stmt.limit(1)")
    )
    root = write_project(tmp_path / "p", files)
    assert findings(root, "LC102", "LC202") == []


# A generic service base holding a repository annotated with its generic class
# (`repository: BaseRepository[ModelType, ...]`), and a service reaching the repository's
# session through it (`self.repository.db.add(...)`).
GENERIC_HOLDER = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Product"),
    "app/common/__init__.py": "",
    "app/common/base_repository.py": """
        from typing import Generic, TypeVar

        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import Base

        ModelType = TypeVar("ModelType", bound=Base)


        class BaseRepository(Generic[ModelType]):
            def __init__(self, db: AsyncSession, model: type[ModelType]) -> None:
                self.db = db
                self.model = model

            async def get_by_id(self, item_id: int) -> ModelType | None:
                return await self.db.scalar(select(self.model).where(self.model.id == item_id))
    """,
    "app/common/base_service.py": """
        from typing import Generic, TypeVar

        from app.common.base_repository import BaseRepository

        ModelType = TypeVar("ModelType")


        class BaseService(Generic[ModelType]):
            def __init__(self, repository: BaseRepository[ModelType]) -> None:
                self.repository = repository
    """,
    "app/services/__init__.py": "",
    "app/services/products.py": """
        from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

        from app.common.base_service import BaseService
        from app.models import Product


        class ProductService(BaseService[Product]):
            async def create(self, name: str) -> None:
                product = Product(name=name)
                self.repository.db.add(product)
                await self.repository.db.flush()


        class ReportService:
            def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
                self.factory = factory

            async def count(self) -> None:
                async with self.factory() as handle:
                    await handle.execute("select count(*) from products")
    """,
}


def test_a_session_reached_through_a_generic_holder_is_a_session(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", GENERIC_HOLDER)
    assert findings(root, "LC302") == [
        ("app/services/products.py", 10, "LC302"),
        ("app/services/products.py", 11, "LC302"),
        ("app/services/products.py", 20, "LC302"),
    ]


def test_a_service_module_of_functions_in_a_crud_folder_stays_a_service(tmp_path: Path) -> None:
    """`crud/dashboard_service.py` of the dashboard's functions: the service its name says,
    kept in a folder named for what it does; only a CRUD class makes such a module data access."""
    files = dict(CRUD_FOLDER)
    files["app/utils/crud/dashboard_service.py"] = """
        from sqlalchemy import text
        from sqlalchemy.orm import Session


        def list_resources(session: Session, owner: int):
            return session.execute(text("select * from dashboards where owner = :o"), {"o": owner}).all()


        def load_resource(session: Session, ident: int):
            return session.execute(text("select * from dashboards where id = :i"), {"i": ident}).first()
    """
    root = write_project(tmp_path / "p", files)
    assert placed(root)["app/utils/crud/dashboard_service.py"]["layer"] == "service"
    assert findings(root, "LC302") == [
        ("app/utils/crud/dashboard_service.py", 6, "LC302"),
        ("app/utils/crud/dashboard_service.py", 6, "LC302"),
        ("app/utils/crud/dashboard_service.py", 10, "LC302"),
        ("app/utils/crud/dashboard_service.py", 10, "LC302"),
    ]


def test_a_callable_alias_taking_a_session_is_no_session_factory(tmp_path: Path) -> None:
    """`UserWriterFactory = Callable[[Session], UserWriter]` takes a session and makes
    something else; a package re-exporting its own session factory alias is the database's kit."""
    files = dict(FACTORY_ALIAS)
    files["app/kit/types.py"] = """
        from typing import AsyncContextManager, Callable

        from sqlalchemy.ext.asyncio import AsyncSession


        class UserWriter:
            pass


        SessionProvider = Callable[..., AsyncContextManager[AsyncSession]]
        UserWriterFactory = Callable[[AsyncSession], UserWriter]
    """
    files["app/kit/__init__.py"] = "from app.kit.types import SessionProvider, UserWriterFactory\n"
    files["app/services/writers.py"] = "from app.kit.types import UserWriterFactory\n"
    root = write_project(tmp_path / "p", files)
    found = findings(root, "LC101")
    assert ("app/services/writers.py", 1, "LC101") not in found
    assert ("app/kit/__init__.py", 1, "LC101") not in found
    assert ("app/services/users.py", 3, "LC101") in found


# The reviewers' reads of the round's findings.
REVIEWED = {
    "app/__init__.py": "",
    "app/main.py": """
        from fastapi import FastAPI

        from app.api import assets

        app = FastAPI()
        app.include_router(assets.router)
    """,
    "app/models.py": orm_module("Asset"),
    "app/repositories/__init__.py": "",
    "app/repositories/assets.py": """
        from typing import Any, Dict

        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from app.models import Asset


        class AssetRepository:
            def __init__(self):
                self._calls = 0

            def usage_stats(self) -> Dict[str, Any]:
                return {"calls": self._calls}

            def rows(self, db: Session) -> list[dict]:
                self._calls += 1
                return [dict(row) for row in db.execute(select(Asset)).mappings()]
    """,
    "app/repositories/usage_examples.py": """
        from app.repositories.assets import AssetRepository


        def show(db):
            print(AssetRepository().rows(db))
    """,
    "app/modules/__init__.py": "",
    "app/modules/assets/__init__.py": "",
    "app/modules/assets/access_policy.py": """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import Asset


        class AccessDenied(Exception):
            pass


        async def ensure_can_access(db: AsyncSession, user_id: int, asset_id: int) -> None:
            asset = await db.scalar(select(Asset).where(Asset.id == asset_id))
            if asset is None or asset.id != user_id:
                raise AccessDenied(asset_id)
    """,
    "app/api/__init__.py": "",
    "app/api/assets.py": """
        from fastapi import APIRouter

        from app.modules.assets.access_policy import ensure_can_access

        router = APIRouter()


        @router.get("/assets/{asset_id}")
        async def read(asset_id: int, db=None):
            await ensure_can_access(db, 1, asset_id)
            return {"id": asset_id}
    """,
}


def test_the_reviewers_reads_of_the_twelfth_round(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", REVIEWED)
    found = findings(root, "LC102", "LC202", "LC402", "LC704")
    # An access-control check (`assets/access_policy.py`) looks a row up to decide: no data
    # access for the routers calling it (LC102, LC202).
    assert [item for item in found if item[0] == "app/api/assets.py"] == []
    # A repository method handing out its in-memory counters returns no row (LC402); the one
    # turning rows into dicts does.
    assert [item for item in found if item[2] == "LC402"] == [("app/repositories/assets.py", 16, "LC402")]
    # A module of usage examples filed among the repositories is no server code (LC704).
    assert [item for item in found if item[2] == "LC704"] == []


def test_an_example_module_the_server_imports_is_server_code(tmp_path: Path) -> None:
    files = dict(REVIEWED)
    files["app/main.py"] = files["app/main.py"].replace(
        "from app.api import assets", "from app.api import assets\n        from app.repositories import usage_examples"
    )
    root = write_project(tmp_path / "p", files)
    assert findings(root, "LC704") == [("app/repositories/usage_examples.py", 5, "LC704")]


# Ports and adapters: the database adapter implements the port the domain declares.
PORTS = {
    "src/__init__.py": "",
    "src/shared/__init__.py": "",
    "src/shared/domain/__init__.py": "",
    "src/shared/domain/services/__init__.py": "",
    "src/shared/domain/services/sql_service.py": """
        from abc import ABC, abstractmethod


        class SqlService(ABC):
            @abstractmethod
            def connect(self) -> None: ...


        class SqlHelper:
            def quote(self, name: str) -> str:
                return f'"{name}"'


        class Service(ABC):
            def teardown(self) -> None:
                self.ready = False
    """,
    "src/shared/infrastructure/__init__.py": "",
    "src/shared/infrastructure/database.py": """
        from sqlalchemy import create_engine

        from src.shared.domain.services.sql_service import SqlHelper, SqlService
        from src.shared.domain.services.sql_service import Service


        class SqlServiceSqlAlchemy(SqlService):
            def connect(self) -> None:
                self.engine = create_engine("sqlite://")
                self.helper = SqlHelper()


        class DatabaseService(Service):
            pass
    """,
}


def test_an_adapter_implementing_a_port_depends_on_the_interface(tmp_path: Path) -> None:
    """Implementing the abstract port an upper layer declares is dependency inversion, no
    import against the layers; the same module's use of that layer's code still is, and so
    is deriving from a base class with code of its own (`Service.teardown()`)."""
    root = write_project(tmp_path / "p", PORTS)
    assert placed(root)["src/shared/infrastructure/database.py"]["layer"] == "database"
    assert findings(root, "LC103") == [
        ("src/shared/infrastructure/database.py", 3, "LC103"),
        ("src/shared/infrastructure/database.py", 4, "LC103"),
    ]


# A feature-first app: the data layer's FastAPI dependency loads the row through the crud
# functions (`repositories/items/dependencies.py`), and the database module keeps the Redis
# client beside the engine.
DATA_DEPENDENCY = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/db.py": """
        from typing import Annotated

        from fastapi import Depends
        from redis.asyncio import Redis
        from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

        engine = create_async_engine("postgresql+psycopg://localhost/app")
        factory = async_sessionmaker(engine)
        async_redis = Redis()


        async def get_db():
            async with factory() as session:
                yield session


        AsyncDb = Annotated[AsyncSession, Depends(get_db)]
    """,
    "app/repositories/__init__.py": "",
    "app/repositories/items/__init__.py": "",
    "app/repositories/items/models.py": orm_module("Item"),
    "app/repositories/items/crud.py": """
        from app.repositories.items.models import Item


        async def get_item_by_id(db, item_id: int):
            return await db.get(Item, item_id)
    """,
    "app/repositories/items/dependencies.py": """
        from typing import Annotated

        from fastapi import Depends

        from app.core.db import AsyncDb
        from app.repositories.items import crud
        from app.repositories.items.models import Item


        async def valid_item_id(item_id: int, db: AsyncDb) -> Item:
            return await crud.get_item_by_id(db, item_id)


        ValidItem = Annotated[Item, Depends(valid_item_id)]
    """,
    "app/routes/__init__.py": "",
    "app/routes/items.py": """
        from fastapi import APIRouter

        from app.repositories.items.dependencies import ValidItem

        router = APIRouter()


        @router.get("/items/{item_id}")
        async def read(item: ValidItem):
            return {"id": item.id}
    """,
    "app/tasks/__init__.py": "",
    "app/tasks/idempotency.py": """
        from app.core.db import async_redis


        async def seen(key: str) -> bool:
            return bool(await async_redis.get(key))
    """,
    "app/tasks/cleanup.py": """
        from app.core.db import engine


        async def dispose() -> None:
            await engine.dispose()
    """,
}


def test_a_data_layer_dependency_stays_in_its_layer_and_a_cache_client_is_no_database(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", DATA_DEPENDENCY)
    assert placed(root)["app/repositories/items/dependencies.py"]["layer"] == "repository"
    assert findings(root, "LC102", "LC103", "LC301") == [
        ("app/routes/items.py", 3, "LC102"),
        ("app/tasks/cleanup.py", 1, "LC103"),
    ]


def test_a_request_middleware_filed_among_the_services_is_middleware(tmp_path: Path) -> None:
    """A `BaseHTTPMiddleware` and its setup, filed in a `services/` folder, is the app's
    request middleware (not held to the service layer's contract); one whose module also
    runs queries of its own stays where its name puts it."""
    files = {
        "app/__init__.py": "",
        "app/db.py": DATA_DEPENDENCY["app/core/db.py"],
        "app/roles/__init__.py": "",
        "app/roles/services/__init__.py": "",
        "app/roles/services/middleware_permissions.py": """
            from starlette.middleware.base import BaseHTTPMiddleware

            from app.db import get_db


            class PermissionMiddleware(BaseHTTPMiddleware):
                async def dispatch(self, request, call_next):
                    async for db in get_db():
                        request.state.db = db
                    return await call_next(request)
        """,
        "app/roles/services/middleware_auth.py": """
            from starlette.middleware.base import BaseHTTPMiddleware

            from app.db import get_db


            class AuthMiddleware(BaseHTTPMiddleware):
                async def dispatch(self, request, call_next):
                    return await call_next(request)


            class UserLookup:
                async def load(self, user_id):
                    async for db in get_db():
                        return await db.execute("select 1")

                async def count(self):
                    async for db in get_db():
                        return await db.scalar("select count(*) from users")
        """,
    }
    root = write_project(tmp_path / "p", files)
    layers = placed(root)
    assert layers["app/roles/services/middleware_permissions.py"]["layer"] == "middleware"
    assert layers["app/roles/services/middleware_auth.py"]["layer"] == "service"
    assert findings(root, "LC103") == [("app/roles/services/middleware_auth.py", 3, "LC103")]

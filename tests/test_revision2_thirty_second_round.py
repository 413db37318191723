"""The thirty-second round: what real projects of the round taught, each checked through the
CLI on a small project of its own."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_layercheck, write_project
from test_revision2 import findings, placed

# ----- "services" as the domain's noun inside the folders of other layers -----------------

_SALON = {
    "app/__init__.py": "",
    "app/db.py": """
        from sqlalchemy import MetaData
        from sqlalchemy.ext.asyncio import create_async_engine

        engine = create_async_engine("postgresql+asyncpg://localhost/salon")
        metadata = MetaData()
        """,
    "app/models/__init__.py": "",
    # The table of the services a salon sells.
    "app/models/services.py": """
        from sqlalchemy import Column, Integer, String, Table

        from app.db import metadata

        services_table = Table(
            "services",
            metadata,
            Column("id", Integer, primary_key=True),
            Column("name", String(100)),
        )
        """,
    "app/schemas/__init__.py": "",
    "app/schemas/services/__init__.py": "",
    "app/schemas/services/base.py": """
        from pydantic import BaseModel


        class ServiceBase(BaseModel):
            id: int
            name: str
        """,
    "app/repositories/__init__.py": "",
    "app/repositories/services.py": """
        from sqlalchemy import Select, select
        from sqlalchemy.ext.asyncio import AsyncConnection

        from app.models.services import services_table
        from app.schemas.services.base import ServiceBase


        class ServiceStatements:
            @staticmethod
            def by_id(service_id: int) -> Select:
                return select(services_table).where(services_table.c.id == service_id)


        class ServiceAsyncRepositories:
            @staticmethod
            async def get(connection: AsyncConnection, service_id: int) -> ServiceBase | None:
                result = await connection.execute(ServiceStatements.by_id(service_id))
                row = result.mappings().first()
                return ServiceBase.model_validate(dict(row)) if row else None
        """,
    "app/services/__init__.py": "",
    "app/services/services.py": """
        from sqlalchemy.ext.asyncio import AsyncConnection

        from app.repositories.services import ServiceAsyncRepositories
        from app.schemas.services.base import ServiceBase


        class SalonServicesService:
            async def get(self, connection: AsyncConnection, service_id: int) -> ServiceBase | None:
                return await ServiceAsyncRepositories.get(connection, service_id)
        """,
}


def test_a_module_named_services_in_a_folder_of_models_or_repositories_is_that_folders(tmp_path: Path) -> None:
    # `models/services.py` declaring the `services` table and `repositories/services.py`
    # querying it, beside `schemas/services/`: "services" is the domain's noun there. They
    # were placed in the service layer by their names, so the repository's statements were
    # LC302 and the table's import of the metadata LC103. The service layer's own
    # `services/services.py` stays a service.
    root = write_project(tmp_path, _SALON)
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/models/services.py"] == "model"
    assert layers["app/repositories/services.py"] == "repository"
    assert layers["app/schemas/services/base.py"] == "schema"
    assert layers["app/services/services.py"] == "service"
    assert findings(root, "LC103", "LC302") == []


def test_a_service_class_in_a_repositories_package_stays_a_service(tmp_path: Path) -> None:
    # Near-miss: `registry/repositories/service.py`, where "repositories" are the git
    # repositories a registry syncs: its `RegistrySyncService` is business logic running
    # its own queries, the service its name says (LC302).
    files = {
        "app/__init__.py": "",
        "app/models.py": """
            from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


            class Base(DeclarativeBase):
                pass


            class RegistrySource(Base):
                __tablename__ = "registry_sources"
                id: Mapped[int] = mapped_column(primary_key=True)
            """,
        "app/registry/__init__.py": "",
        "app/registry/repositories/__init__.py": "",
        "app/registry/repositories/service.py": """
            from sqlalchemy import select
            from sqlalchemy.ext.asyncio import AsyncSession

            from app.models import RegistrySource


            class RegistrySyncService:
                def __init__(self, session: AsyncSession) -> None:
                    self.session = session

                async def list_repositories(self) -> list[str]:
                    result = await self.session.execute(select(RegistrySource))
                    return [repo.origin for repo in result.scalars()]
            """,
    }
    root = write_project(tmp_path, files)
    assert placed(root)["app/registry/repositories/service.py"]["layer"] == "service"
    # (the session call and the statement it runs, both on one line)
    assert findings(root, "LC302") == [("app/registry/repositories/service.py", 12, "LC302")] * 2


def test_a_salons_orm_class_named_service_is_no_service_class(tmp_path: Path) -> None:
    # `models/service.py` holding `class Service(Base)`: the noun alone names the table, no
    # business logic; the module is the models' and its import of the base is allowed.
    files = {
        "app/__init__.py": "",
        "app/database.py": """
            from sqlalchemy.orm import DeclarativeBase


            class Base(DeclarativeBase):
                pass
            """,
        "app/models/__init__.py": "",
        "app/models/service.py": """
            from sqlalchemy.orm import Mapped, mapped_column

            from app.database import Base


            class Service(Base):
                __tablename__ = "services"
                id: Mapped[int] = mapped_column(primary_key=True)
            """,
    }
    root = write_project(tmp_path, files)
    assert placed(root)["app/models/service.py"]["layer"] == "model"
    assert findings(root, "LC103") == []


# ----- ORM modules importing Pydantic entities, in folders that name no layer ---------------

_ENTITY_BASE = """
from pydantic import BaseModel


class CoreEntity(BaseModel):
    id: str

    def reset_id(self) -> None:
        self.id = ""
"""


def _mapping_project(entity_kind: str) -> dict[str, str]:
    if entity_kind == "pydantic":
        entity = (
            "from src.domain.entity.CoreEntity import CoreEntity\n\n\n"
            "class AccountEntity(CoreEntity):\n    email: str\n"
        )
    else:
        entity = (
            "from dataclasses import dataclass\n\n\n@dataclass\nclass AccountEntity:\n    id: str\n    email: str\n"
        )
    return {
        "src/__init__.py": "",
        "src/domain/__init__.py": "",
        "src/domain/entity/__init__.py": "",
        "src/domain/entity/CoreEntity.py": _ENTITY_BASE,
        "src/domain/entity/AccountEntity.py": entity,
        "src/infrastructure/__init__.py": "",
        "src/infrastructure/postgresql/__init__.py": "",
        "src/infrastructure/postgresql/table/__init__.py": "",
        "src/infrastructure/postgresql/table/CoreTable.py": """
            from sqlalchemy.orm import declarative_base

            CoreTable = declarative_base()
            """,
        "src/infrastructure/postgresql/table/AccountTable.py": """
            from sqlalchemy import Column, String

            from src.domain.entity.AccountEntity import AccountEntity
            from src.infrastructure.postgresql.table.CoreTable import CoreTable


            class AccountTable(CoreTable):
                __tablename__ = "account"
                id = Column(String, primary_key=True)
                email = Column(String, nullable=False)

                def to_entity(self) -> AccountEntity:
                    return AccountEntity(id=self.id, email=self.email)
            """,
    }


def test_an_orm_module_importing_a_pydantic_entity_imports_a_schema(tmp_path: Path) -> None:
    # `AccountTable.py` (ORM classes, in a folder that names no layer) importing the
    # Pydantic `AccountEntity` of `domain/entity/` for its `to_entity()`: a model importing a
    # schema, as when it imports the `entities` module whole. Both modules are in no layer by
    # name; what they define decides.
    root = write_project(tmp_path, _mapping_project("pydantic"))
    assert findings(root, "LC103") == [("src/infrastructure/postgresql/table/AccountTable.py", 3, "LC103")]


def test_an_orm_module_importing_a_dataclass_entity_is_fine(tmp_path: Path) -> None:
    # Near-miss: the entity is a plain dataclass of the domain, no schema of the API.
    root = write_project(tmp_path, _mapping_project("dataclass"))
    assert findings(root, "LC103") == []


# ----- repositories handed out by a getter given the class -----------------------------------

_GETTER_PROJECT = {
    "app/__init__.py": "",
    "app/db/__init__.py": "",
    "app/db/repositories.py": """
        from sqlalchemy import select


        class AsyncSQLAlchemyRepository:
            model = None

            def __init__(self, session):
                self.session = session

            async def all(self):
                result = await self.session.execute(select(self.model))
                return result.scalars().all()


        class CompanyRepository(AsyncSQLAlchemyRepository):
            pass
        """,
    "app/dependencies.py": """
        from fastapi import Depends, Request

        from app.db.repositories import AsyncSQLAlchemyRepository, CompanyRepository


        def get_pool(request: Request):
            return request.app.state.pool


        def get_repository(repository_class):
            def inner(pool=Depends(get_pool)) -> AsyncSQLAlchemyRepository:
                return repository_class(pool())
            return inner


        get_company_repository = get_repository(CompanyRepository)
        """,
}


def test_a_repository_from_a_getter_given_its_class_is_a_repository_in_the_router(tmp_path: Path) -> None:
    # `get_company_repository = get_repository(CompanyRepository)` among the dependencies,
    # `company_repository=Depends(get_company_repository)` unannotated in the router, or the
    # getter called inside the marker: the parameter holds a `CompanyRepository`, so its
    # calls are the repository layer's (LC202), and importing the provider is importing the
    # repository under another name (LC102), as an `Annotated` alias is.
    router = """
        from fastapi import APIRouter, Depends

        from app.db.repositories import CompanyRepository
        from app.dependencies import get_company_repository, get_repository

        router = APIRouter()


        @router.get("/companies")
        async def companies(company_repository=Depends(get_company_repository)):
            return await company_repository.all()


        @router.get("/companies/all")
        async def all_companies(companies=Depends(get_repository(CompanyRepository))):
            return await companies.all()
        """
    root = write_project(tmp_path, {**_GETTER_PROJECT, "app/api/companies.py": router})
    assert sorted(findings(root, "LC102", "LC202")) == [
        ("app/api/companies.py", 3, "LC102"),
        ("app/api/companies.py", 4, "LC102"),
        ("app/api/companies.py", 11, "LC202"),
        ("app/api/companies.py", 16, "LC202"),
    ]


def test_a_dependency_from_a_getter_of_another_name_holds_nothing_known(tmp_path: Path) -> None:
    # Near-miss: `require_role(Admin)` is no repository getter, whatever class it is given;
    # the router's calls on what it hands out are not the repository layer's.
    files = {
        **_GETTER_PROJECT,
        "app/roles.py": """
            class Admin:
                name = "admin"


            def require_role(role):
                def check():
                    return role()
                return check
            """,
        "app/api/admin.py": """
            from fastapi import APIRouter, Depends

            from app.roles import Admin, require_role

            router = APIRouter()


            @router.get("/admin")
            async def admin(role=Depends(require_role(Admin))):
                return role.all()
            """,
    }
    root = write_project(tmp_path, files)
    assert findings(root, "LC102", "LC202") == []


# ----- a plain settings class reading the environment ----------------------------------------

_PLAIN_SETTINGS = """
import os


class Settings:
    def __init__(self):
        self.DB_HOST = os.getenv("DB_HOST", "postgres")
        self.DB_PORT = int(os.getenv("DB_PORT", "5432"))
        self.JWT_SECRET_KEY = os.getenv("JWT_SECRET_KEY", "")


settings = Settings()
"""


def test_a_plain_settings_class_reading_the_environment_is_the_configuration(tmp_path: Path) -> None:
    # `shared/core/__init__.py`'s `class Settings:` reading the variables in its `__init__`
    # for every service, with no pydantic-settings base: the configuration module, its
    # reads no LC602. A client class reading its own variables elsewhere is still reported.
    client = """
        import os


        class SearchClient:
            def __init__(self):
                self.host = os.getenv("ELASTICSEARCH_HOST")
                self.port = os.getenv("ELASTICSEARCH_PORT")
                self.index = os.getenv("ELASTICSEARCH_INDEX")
        """
    files = {
        "shared/__init__.py": "",
        "shared/core/__init__.py": _PLAIN_SETTINGS,
        "shared/search/__init__.py": "",
        "shared/search/client.py": client,
    }
    root = write_project(tmp_path, files)
    assert placed(root)["shared/core/__init__.py"]["layer"] == "config"
    assert {(path, code) for path, _, code in findings(root, "LC602")} == {("shared/search/client.py", "LC602")}


def test_a_scripts_folder_named_as_a_project_of_its_own_is_still_scripts(tmp_path: Path) -> None:
    # `layercheck auth/app sample/scripts` from a monorepo's root, `sample/scripts/` holding a
    # `setup.py` (a setup tool run by hand, which marks a project folder): its
    # `migrate.py` is named `migrate` below it, yet it is a script, whose environment
    # reads LC602 leaves alone; the app's own read is reported.
    files = {
        "auth/pyproject.toml": "",
        "auth/app/__init__.py": "",
        "auth/app/worker.py": "import os\n\nQUEUE = os.getenv('QUEUE')\n",
        "sample/pyproject.toml": "",
        "sample/scripts/setup.py": "import os\n\nprint(os.getenv('HOME'))\n",
        "sample/scripts/migrate.py": "import os\n\nURL = os.getenv('DATABASE_URL')\n",
    }
    root = write_project(tmp_path, files)
    arguments = ["--no-cache", "--output-format", "json", "--select", "LC602", "auth/app", "sample/scripts"]
    run = run_layercheck(arguments, root)
    assert run.exit_code == 1, run.output
    assert {item["filename"].rsplit("/", 2)[-2] for item in json.loads(run.output)} == {"app"}


# ----- an exception handler's unannotated parameter ------------------------------------------


def test_an_exception_handlers_unannotated_parameter_holds_what_it_is_registered_for(tmp_path: Path) -> None:
    # `@app.exception_handler(Exception) async def handler(request, exc)` sending
    # `str(exc)` in the 500's body: the database's or a library's text reaches the client.
    # A handler registered for the request's validation errors, or for a status code (the
    # HTTP error of that status), sends the client's own error.
    main = """
        from fastapi import FastAPI
        from fastapi.exceptions import RequestValidationError
        from fastapi.responses import JSONResponse

        app = FastAPI()


        @app.exception_handler(Exception)
        async def global_exception_handler(request, exc):
            return JSONResponse(status_code=500, content={"error": "Internal Server Error", "detail": str(exc)})


        @app.exception_handler(RequestValidationError)
        async def validation_handler(request, exc):
            return JSONResponse(status_code=422, content={"detail": str(exc)})


        @app.exception_handler(404)
        async def not_found(request, exc):
            return JSONResponse(status_code=404, content={"detail": str(exc)})
        """
    root = write_project(tmp_path, {"app/__init__.py": "", "app/main.py": main})
    assert findings(root, "LC603") == [("app/main.py", 10, "LC603")]


def test_a_sql_function_set_on_a_rows_column_in_a_service_is_no_query(tmp_path: Path) -> None:
    # `user.updated_at = func.now()` in a service: the value of a column, carried by the
    # ORM's own UPDATE, no query built (labelers call it fine in services). Held in a local
    # (`total = func.count()`) it is SQL built; in a router LC201 still reports the value.
    service = """
        from sqlalchemy import func


        def touch(user):
            user.updated_at = func.now()


        def counted():
            total = func.count()
            return total
        """
    router = """
        from fastapi import APIRouter
        from sqlalchemy import func

        router = APIRouter()


        @router.post("/visits")
        async def visit(link):
            link.visited_at = func.now()
            return link
        """
    files = {"app/__init__.py": "", "app/services/links.py": service, "app/api/links.py": router}
    root = write_project(tmp_path, files)
    assert findings(root, "LC201", "LC302") == [
        ("app/api/links.py", 9, "LC201"),
        ("app/services/links.py", 9, "LC302"),
    ]


def test_a_module_building_the_engine_from_its_reads_is_the_database_module(tmp_path: Path) -> None:
    # `db/base.py` of nothing but module-level names reading the URL's parts, and
    # `config/session_factory.py` in the configuration's package, each building the engine
    # from them: the database module, whose reads the settings should hold (LC602). The
    # package's `settings.py` of reads alone stays the configuration, and so does a
    # `config/setup.py` reading the JWT secret beside the URL of the engine it builds.
    engine = """
        import os

        from sqlalchemy.ext.asyncio import create_async_engine

        URL = f"postgresql+asyncpg://{os.getenv('DB_USER')}:{os.getenv('DB_PASSWORD')}@{os.getenv('DB_HOST')}/db"
        engine = create_async_engine(URL)
        """
    files = {
        "app/__init__.py": "",
        "app/db/__init__.py": "",
        "app/db/base.py": engine,
        "app/config/__init__.py": "",
        "app/config/session_factory.py": engine,
        "app/config/settings.py": "import os\n\nDEBUG = os.getenv('DEBUG')\nHOST = os.getenv('HOST')\n",
        "app/config/setup.py": engine + "JWT_SECRET = os.getenv('JWT_SECRET')\n",
    }
    root = write_project(tmp_path, files)
    layers = {path: item["layer"] for path, item in placed(root).items()}
    assert layers["app/db/base.py"] == layers["app/config/session_factory.py"] == "database"
    assert layers["app/config/setup.py"] == layers["app/config/settings.py"] == "config"
    assert {(path, line) for path, line, _ in findings(root, "LC602")} == {
        ("app/db/base.py", 5),
        ("app/config/session_factory.py", 5),
    }


def test_a_dependency_alias_of_a_typed_session_factory_is_the_factory(tmp_path: Path) -> None:
    # `AsyncSession = Annotated[async_sessionmaker[_AsyncSession], Depends(get_session)]`:
    # a use case holding it opens its sessions with `self.session.begin()`, a call on the
    # factory that runs nothing; what it runs on the session opened is reported.
    database = """
        from typing import Annotated, AsyncIterator

        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession as _AsyncSession
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        factory = async_sessionmaker(create_async_engine("postgresql+asyncpg://localhost/db"))


        async def get_session() -> AsyncIterator[async_sessionmaker[_AsyncSession]]:
            yield factory


        AsyncSession = Annotated[async_sessionmaker[_AsyncSession], Depends(get_session)]
        """
    use_cases = """
        from app.database import AsyncSession


        class ReadAll:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def execute(self, statement):
                async with self.session.begin() as session:
                    return await session.execute(statement)
        """
    files = {"app/__init__.py": "", "app/database.py": database, "app/services/use_cases.py": use_cases}
    root = write_project(tmp_path, files)
    assert findings(root, "LC302") == [("app/services/use_cases.py", 10, "LC302")]

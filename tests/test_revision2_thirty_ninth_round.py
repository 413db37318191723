"""The thirty-ninth round: what real projects of the round taught, each checked through the
CLI on a small project of its own."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, placed

_MODEL = """
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


    class Base(DeclarativeBase):
        pass


    class Note(Base):
        __tablename__ = "notes"
        id: Mapped[int] = mapped_column(primary_key=True)
    """

_REPOSITORY = """
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.models.note import Note


    class NoteRepository:
        def __init__(self, session: AsyncSession):
            self.session = session

        async def list_all(self):
            return (await self.session.scalars(select(Note))).all()

        async def delete(self, note_id: int):
            await self.session.delete(await self.session.get(Note, note_id))


    class ArchiveRepository(NoteRepository):
        pass


    class AuditRepository(NoteRepository):
        pass
    """

_DATABASE = """
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    engine = create_async_engine("sqlite+aiosqlite://")
    SessionLocal = async_sessionmaker(engine)


    async def get_session():
        async with SessionLocal() as session:
            yield session
    """

_SERVICE = """
    from app.repositories.note import NoteRepository


    class ListNotes:
        def __init__(self, repository: NoteRepository):
            self.repository = repository

        async def __call__(self):
            return [note.id for note in await self.repository.list_all()]
    """


def _project(tmp_path: Path, extra: dict[str, str]) -> Path:
    files = {
        "app/__init__.py": "",
        "app/models/__init__.py": "",
        "app/models/note.py": _MODEL,
        "app/repositories/__init__.py": "",
        "app/repositories/note.py": _REPOSITORY,
        "app/database.py": _DATABASE,
        "app/services/__init__.py": "",
        "app/services/notes.py": _SERVICE,
        **extra,
    }
    return write_project(tmp_path, files)


# ----- a router class: a subclass of `APIRouter` adding its own routes ---------------------

_GENERIC_ROUTER = """
    from fastapi import APIRouter

    from app.repositories.note import NoteRepository


    class CRUDRouter(APIRouter):
        def __init__(self, repository: NoteRepository, **kwargs):
            super().__init__(**kwargs)
            self.repository = repository
            self.add_api_route("/", self.list_all, methods=["GET"])
            self.add_api_route("/{note_id}", self.delete, methods=["DELETE"])

        async def list_all(self):
            return await self.repository.list_all()

        async def delete(self, note_id: int):
            await self.repository.delete(note_id)
    """


def test_a_subclass_of_api_router_adding_routes_is_a_router(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/core/__init__.py": "", "app/core/generic_routes.py": _GENERIC_ROUTER})
    assert placed(root)["app/core/generic_routes.py"]["layer"] == "api"
    assert [(path, line) for path, line, _ in findings(root, "LC102", "LC202")] == [
        ("app/core/generic_routes.py", 3),
        ("app/core/generic_routes.py", 14),
        ("app/core/generic_routes.py", 17),
    ]


def test_a_class_adding_routes_to_a_router_it_is_given_is_no_router_itself(tmp_path: Path) -> None:
    # (near-miss: `self.add_api_route` of a class that is no `APIRouter` registers nothing)
    helper = _GENERIC_ROUTER.replace("class CRUDRouter(APIRouter):", "class CRUDRouter:").replace(
        "super().__init__(**kwargs)", "self.kwargs = kwargs"
    )
    root = _project(tmp_path, {"app/core/__init__.py": "", "app/core/generic_routes.py": helper})
    assert placed(root)["app/core/generic_routes.py"]["layer"] is None


# ----- LC102 and LC202: a repository's provider, kept among the API's dependencies ------------

_DEPS = """
    from typing import Annotated

    from fastapi import Depends
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.database import get_session
    from app.repositories.note import NoteRepository

    SessionDep = Annotated[AsyncSession, Depends(get_session)]


    def get_note_repo(session: SessionDep) -> NoteRepository:
        return NoteRepository(session)
    """


def test_a_route_querying_what_a_repository_provider_gives_calls_the_repository(tmp_path: Path) -> None:
    router = """
        from fastapi import APIRouter, Depends

        from app.api.deps import get_note_repo

        router = APIRouter()


        @router.get("/notes")
        async def list_notes(repo=Depends(get_note_repo)):
            return [note.id for note in await repo.list_all()]
        """
    root = _project(tmp_path, {"app/api/__init__.py": "", "app/api/deps.py": _DEPS, "app/api/notes.py": router})
    # (the provider itself is the API's wiring: the calls on what it gives are reported)
    assert findings(root, "LC102", "LC202") == [("app/api/notes.py", 10, "LC202")]


def test_a_route_handing_what_a_repository_provider_gives_to_a_use_case_is_wiring(tmp_path: Path) -> None:
    # (near-miss: the route builds the use case from the repository and reads nothing of it)
    router = """
        from fastapi import APIRouter, Depends

        from app.api.deps import get_note_repo
        from app.services.notes import ListNotes

        router = APIRouter()


        @router.get("/notes")
        async def list_notes(repo=Depends(get_note_repo)):
            return await ListNotes(repo)()
        """
    root = _project(tmp_path, {"app/api/__init__.py": "", "app/api/deps.py": _DEPS, "app/api/notes.py": router})
    assert findings(root, "LC102") == []


def test_a_provider_of_a_service_used_by_a_route_is_no_repository_import(tmp_path: Path) -> None:
    # (near-miss: what the provider hands out is a service)
    deps = """
        from fastapi import Depends

        from app.repositories.note import NoteRepository
        from app.services.notes import ListNotes


        def get_note_repo() -> NoteRepository:
            return NoteRepository(None)


        def get_list_notes(repo: NoteRepository = Depends(get_note_repo)) -> ListNotes:
            return ListNotes(repo)
        """
    router = """
        from fastapi import APIRouter, Depends

        from app.api.deps import get_list_notes

        router = APIRouter()


        @router.get("/notes")
        async def list_notes(use_case=Depends(get_list_notes)):
            return await use_case()
        """
    root = _project(tmp_path, {"app/api/__init__.py": "", "app/api/deps.py": deps, "app/api/notes.py": router})
    assert findings(root, "LC102") == []


# ----- the composition root: a dependency-injection container ending the request's session ---

_CONTAINER = """
    from typing import AsyncIterable

    from dishka import Provider, Scope, provide
    from fastapi import Request
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from app.database import SessionLocal
    from app.repositories.note import ArchiveRepository, AuditRepository, NoteRepository
    from app.services.notes import ListNotes


    class AppProvider(Provider):
        @provide(scope=Scope.APP)
        def session_factory(self) -> async_sessionmaker[AsyncSession]:
            return SessionLocal

        @provide(scope=Scope.REQUEST)
        async def session(self, factory: async_sessionmaker[AsyncSession]) -> AsyncIterable[AsyncSession]:
            async with factory() as session:
                try:
                    yield session
                    await session.commit()
                except Exception:
                    await session.rollback()
                    raise

        @provide(scope=Scope.REQUEST)
        def language(self, request: Request) -> str:
            return request.headers.get("accept-language", "en")


    class NotesProvider(Provider):
        @provide(scope=Scope.REQUEST)
        def repository(self, session: AsyncSession) -> NoteRepository:
            return NoteRepository(session)

        @provide(scope=Scope.REQUEST)
        def archive(self, session: AsyncSession) -> ArchiveRepository:
            return ArchiveRepository(session)

        @provide(scope=Scope.REQUEST)
        def audit(self, session: AsyncSession) -> AuditRepository:
            return AuditRepository(session)

        @provide(scope=Scope.REQUEST)
        def list_notes(self, repository: NoteRepository) -> ListNotes:
            return ListNotes(repository)
    """


def test_a_container_committing_the_request_session_is_the_composition_root(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/shared/__init__.py": "", "app/shared/di_container.py": _CONTAINER})
    assert placed(root)["app/shared/di_container.py"]["layer"] is None
    assert findings(root, "LC101", "LC103", "LC302") == []


# ----- the API's dependencies: the session provider beside the repositories' providers ------

_DEPS_BASE = """
    from fastapi import Depends
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.database import SessionLocal
    from app.repositories.note import NoteRepository


    async def get_db():
        db = SessionLocal()
        try:
            yield db
        finally:
            await db.close()


    async def get_note_repo(db: AsyncSession = Depends(get_db)):
        return NoteRepository(db)
    """


def test_a_dependencies_module_yielding_the_session_and_building_repositories_is_wiring(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/deps/__init__.py": "", "app/deps/base.py": _DEPS_BASE})
    assert placed(root)["app/deps/base.py"]["layer"] != "database"
    assert findings(root, "LC101", "LC103") == []


def test_a_session_module_that_builds_no_repository_stays_the_database_one(tmp_path: Path) -> None:
    # (near-miss: the same `get_db()` alone is the database's session dependency)
    alone = _DEPS_BASE.split("\n\n\n    async def get_note_repo")[0].replace(
        "from app.repositories.note import NoteRepository\n", ""
    )
    root = _project(tmp_path, {"app/deps/__init__.py": "", "app/deps/base.py": alone})
    assert placed(root)["app/deps/base.py"]["layer"] == "database"


# ----- LC201: a Core table's statement in 1.x's form, built from its arguments --------------

_TABLES = """
    import sqlalchemy as sa

    metadata = sa.MetaData()
    CONTENT_TABLE = sa.Table("content", metadata, sa.Column("id", sa.Integer, primary_key=True))
    """


def test_a_core_table_statement_built_from_arguments_in_a_router_is_sql(tmp_path: Path) -> None:
    router = """
        from fastapi import APIRouter

        from app.tables import CONTENT_TABLE
        from app.kit import sql

        router = APIRouter()


        @router.post("/content")
        async def create(connection, body: dict):
            return await connection.one(CONTENT_TABLE.insert(body).returning(CONTENT_TABLE))


        @router.get("/content")
        async def read(connection):
            return await connection.many(sql.select(CONTENT_TABLE))
        """
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/tables.py": _TABLES,
            "app/kit.py": "import sqlalchemy as sql\n",
            "app/api/__init__.py": "",
            "app/api/content.py": router,
        },
    )
    assert [(path, line) for path, line, _ in findings(root, "LC201")] == [
        ("app/api/content.py", 11),
        ("app/api/content.py", 16),
    ]


def test_inserting_into_a_list_of_the_project_in_a_router_is_no_sql(tmp_path: Path) -> None:
    # (near-miss: `insert(...)` on a project object that is no table, `delete(...)` on a cache)
    router = """
        from fastapi import APIRouter

        from app.store import RECENT, cache

        router = APIRouter()


        @router.post("/content")
        async def create(body: dict):
            RECENT.insert(0, body)
            cache.delete(body["id"])
            return body
        """
    store = "RECENT: list = []\n\n\nclass Cache(dict):\n    def delete(self, key):\n        self.pop(key, None)\n\n\ncache = Cache()\n"
    root = write_project(
        tmp_path,
        {"app/__init__.py": "", "app/store.py": store, "app/api/__init__.py": "", "app/api/content.py": router},
    )
    assert findings(root, "LC201") == []


# ----- LC202: a repository port matched by shape (a `Protocol`), reached past the use case ---

_PORTS = """
    from typing import Protocol


    class OrderReadRepositoryProtocol(Protocol):
        async def find_by_id(self, order_id: int): ...


    class ClockProtocol(Protocol):
        def now(self) -> float: ...
    """

_HANDLER = """
    from app.orders.domain.interfaces import ClockProtocol, OrderReadRepositoryProtocol


    class GetOrderHandler:
        def __init__(self, repo: OrderReadRepositoryProtocol, clock: ClockProtocol) -> None:
            self._repo = repo
            self._clock = clock

        async def handle(self, order_id: int):
            return await self._repo.find_by_id(order_id)
    """

_ORDER_REPOSITORY = """
    from sqlalchemy.ext.asyncio import AsyncSession


    class SQLAlchemyOrderRepository:
        def __init__(self, session: AsyncSession) -> None:
            self._session = session

        async def find_by_id(self, order_id: int):
            return await self._session.get(dict, order_id)
    """


def _ports_project(tmp_path: Path, route_body: str) -> Path:
    router = f"""
        from fastapi import APIRouter, Depends

        from app.orders.application.handlers import GetOrderHandler

        router = APIRouter()


        @router.get("/orders/{{order_id}}")
        async def get_order(order_id: int, handler: GetOrderHandler = Depends()):
            {route_body}
        """
    files = {
        "app/__init__.py": "",
        "app/orders/__init__.py": "",
        "app/orders/domain/__init__.py": "",
        "app/orders/domain/interfaces.py": _PORTS,
        "app/orders/application/__init__.py": "",
        "app/orders/application/handlers.py": _HANDLER,
        "app/orders/infrastructure/__init__.py": "",
        "app/orders/infrastructure/repository.py": _ORDER_REPOSITORY,
        "app/orders/presentation/__init__.py": "",
        "app/orders/presentation/router.py": router,
    }
    return write_project(tmp_path, files)


def test_a_route_reaching_the_repository_port_of_its_use_case_calls_the_repository(tmp_path: Path) -> None:
    root = _ports_project(tmp_path, "return await handler._repo.find_by_id(order_id)")
    assert findings(root, "LC202") == [("app/orders/presentation/router.py", 10, "LC202")]


def test_a_route_calling_its_use_case_or_another_port_calls_no_repository(tmp_path: Path) -> None:
    # (near-miss: the use case itself, and a port that is named for no data access)
    body = "handler._clock.now()\n            return await handler.handle(order_id)"
    root = _ports_project(tmp_path, body)
    assert findings(root, "LC202") == []


# ----- LC102: the repositories' package imported whole to type what a route is given ---------

_PACKAGE_ROUTER = """
    from fastapi import APIRouter, Depends

    from app import repositories
    from app.api.deps import get_note_repo
    from app.services.notes import ListNotes

    router = APIRouter()


    @router.get("/notes")
    async def list_notes(repo: repositories.NoteRepository = Depends(get_note_repo)):
        {body}
    """


def _package_project(tmp_path: Path, body: str) -> Path:
    return _project(
        tmp_path,
        {
            "app/repositories/__init__.py": "from app.repositories.note import NoteRepository\n",
            "app/api/__init__.py": "",
            "app/api/deps.py": _DEPS,
            "app/api/notes.py": _PACKAGE_ROUTER.replace("{body}", body),
        },
    )


def test_a_repositories_package_typing_what_routes_hand_to_services_is_still_named(tmp_path: Path) -> None:
    # (decided with the harness's labels: a route typed with the repository names it, even
    # when it only hands it on; the round's first version called it wiring)
    root = _package_project(tmp_path, "return await ListNotes(repo)()")
    assert findings(root, "LC102") == [("app/api/notes.py", 3, "LC102")]


def test_a_repositories_package_typing_what_a_route_queries_is_reported(tmp_path: Path) -> None:
    # (near-miss: the route queries what it is given)
    root = _package_project(tmp_path, "return [note.id for note in await repo.list_all()]")
    assert ("app/api/notes.py", 3, "LC102") in findings(root, "LC102")


# ----- layers: a `services.py` whose classes are repositories by name and base --------------

_BASE_REPOSITORY = """
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession


    class BaseRepository:
        def __init__(self, model):
            self.model = model

        async def get_one(self, session: AsyncSession, pk: int):
            return await session.get(self.model, pk)

        async def get_all(self, session: AsyncSession):
            return (await session.scalars(select(self.model))).all()
    """

_ADMIN_ROUTER = """
    from fastapi import APIRouter

    from app.features.admin.services import user_repo

    router = APIRouter()


    @router.get("/users/{pk}")
    async def get_user(pk: int, session):
        return await user_repo.get_one(session, pk)
    """


def _admin_project(tmp_path: Path, services: str) -> Path:
    return _project(
        tmp_path,
        {
            "app/core/__init__.py": "",
            "app/core/repositories.py": _BASE_REPOSITORY,
            "app/features/__init__.py": "",
            "app/features/admin/__init__.py": "",
            "app/features/admin/services.py": services,
            "app/features/admin/api.py": _ADMIN_ROUTER,
        },
    )


def test_a_services_module_of_repository_classes_is_data_access(tmp_path: Path) -> None:
    services = """
        from app.core.repositories import BaseRepository
        from app.models.note import Note


        class UserRepo(BaseRepository):
            pass


        class NoteRepo(BaseRepository):
            async def latest(self, session):
                return (await self.get_all(session))[-1]


        user_repo = UserRepo(Note)
        note_repo = NoteRepo(Note)
        """
    root = _admin_project(tmp_path, services)
    assert placed(root)["app/features/admin/services.py"]["layer"] == "repository"
    assert findings(root, "LC102", "LC202") == [
        ("app/features/admin/api.py", 3, "LC102"),
        ("app/features/admin/api.py", 10, "LC202"),
    ]


def test_a_services_module_with_a_service_beside_its_repositories_stays_a_service(tmp_path: Path) -> None:
    # (near-miss: a service class is among them)
    services = """
        from app.core.repositories import BaseRepository
        from app.models.note import Note


        class UserRepo(BaseRepository):
            pass


        class UserService:
            def __init__(self, repo: UserRepo):
                self.repo = repo


        user_repo = UserRepo(Note)
        """
    root = _admin_project(tmp_path, services)
    assert placed(root)["app/features/admin/services.py"]["layer"] == "service"


# ----- LC602: a telemetry setup's own configuration class -----------------------------------

_TELEMETRY = """
    import os


    class {name}:
        def __init__(self) -> None:
            self.service_name = os.getenv("SERVICE_NAME", "shop")
            self.otlp_endpoint = os.getenv("OTLP_ENDPOINT", "http://localhost:4317")
            self.sample_rate = float(os.getenv("TRACE_SAMPLE_RATE", "0.1"))


    def setup(config: {name}) -> str:
        return config.otlp_endpoint
    """


def test_a_telemetry_setup_reading_the_environment_is_no_config_module(tmp_path: Path) -> None:
    telemetry = _TELEMETRY.replace("{name}", "TelemetryConfig")
    root = _project(tmp_path, {"app/infra/__init__.py": "", "app/infra/telemetry.py": telemetry})
    assert [(path, line) for path, line, _ in findings(root, "LC602")] == [
        ("app/infra/telemetry.py", 6),
        ("app/infra/telemetry.py", 7),
        ("app/infra/telemetry.py", 8),
    ]


def test_a_plain_settings_class_reading_the_environment_is_the_config_module(tmp_path: Path) -> None:
    # (near-miss: the same class, the app's settings, in a module named for nothing else)
    settings = _TELEMETRY.replace("{name}", "AppSettings")
    root = _project(tmp_path, {"app/core/__init__.py": "", "app/core/base.py": settings})
    assert findings(root, "LC602") == []


# ----- layers: the engine kept in the module that holds the app's settings -------------------

_CONFIG_DB = """
    import os

    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    DB_USER = os.getenv("DB_USER")
    DB_HOST = os.getenv("DB_HOST")
    DB_NAME = os.getenv("DB_NAME")
    engine = create_engine(f"mysql+pymysql://{DB_USER}@{DB_HOST}/{DB_NAME}")
    SessionLocal = sessionmaker(bind=engine)


    def get_db():
        db = SessionLocal()
        try:
            yield db
        finally:
            db.close()
    """

_SETTINGS_CONSTANTS = """
    SECRET_KEY = os.getenv("SECRET_KEY")
    BUCKET_NAME = os.getenv("BUCKET_NAME")
    MIFACT_TOKEN = os.getenv("MIFACT_TOKEN")
    """


def test_a_config_module_holding_the_settings_and_the_engine_is_the_config(tmp_path: Path) -> None:
    config = _CONFIG_DB + _SETTINGS_CONSTANTS
    root = _project(tmp_path, {"app/config/__init__.py": "", "app/config/db.py": config})
    assert placed(root)["app/config/db.py"]["layer"] == "config"
    assert findings(root, "LC602", "LC101") == []


def test_a_database_module_reading_only_the_engine_s_parts_stays_the_database(tmp_path: Path) -> None:
    # (near-miss: every read feeds the engine; the URL belongs in the settings)
    root = _project(tmp_path, {"app/config/__init__.py": "", "app/config/db.py": _CONFIG_DB})
    assert placed(root)["app/config/db.py"]["layer"] == "database"
    assert [(path, line) for path, line, _ in findings(root, "LC602")] == [
        ("app/config/db.py", 6),
        ("app/config/db.py", 7),
        ("app/config/db.py", 8),
    ]


# ----- LC301: an unannotated repository method that works numbers out of its queries --------

_STATS_REPOSITORY = """
    from sqlalchemy import func
    from sqlalchemy.orm import Session

    from app.models.note import Note


    class NoteStatsRepository:
        def __init__(self, db: Session):
            self.db = db

        def score(self, note_id: int):
            notes = self.db.query(Note).filter(Note.id >= note_id).all()
            if not notes:
                return {"note_id": note_id, "score": 0, "status": "Stable"}
            counts = {"LOW": 0, "HIGH": 0}
            for note in notes:
                counts["HIGH"] += 1
            score = (counts["HIGH"] * 3 + counts["LOW"]) / len(notes)
            status = "Critical" if score >= 2.5 else "Stable"
            return {"note_id": note_id, "score": round(score, 2), "status": status, "breakdown": counts}

        def per_day(self):
            rows = self.db.query(func.date(Note.id), func.count(Note.id)).group_by(func.date(Note.id)).all()
            by_day = {day: count for day, count in rows}
            return {"first": by_day.get("first", 0), "days": len(by_day)}

        def newest(self, note_id: int):
            note = self.db.query(Note).filter(Note.id == note_id).first()
            return {"note": note, "found": note is not None}
    """

_STATS_SERVICE = """
    from app.repositories.stats import NoteStatsRepository


    class NoteStatsService:
        def __init__(self, repository: NoteStatsRepository):
            self.repository = repository

        def score(self, note_id: int):
            return self.repository.score(note_id)

        def per_day(self):
            return self.repository.per_day()

        def newest(self, note_id: int):
            return self.repository.newest(note_id)
    """


def test_numbers_worked_out_of_the_rows_are_no_orm_data(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {"app/repositories/stats.py": _STATS_REPOSITORY, "app/services/stats.py": _STATS_SERVICE},
    )
    # (near-miss: the dict holding the row itself, `{"note": note}`, hands it on)
    assert findings(root, "LC301") == [("app/services/stats.py", 15, "LC301")]


# ----- LC302: sqlalchemy's statement class called as its builder ----------------------------


def test_the_select_class_called_in_a_service_builds_sql(tmp_path: Path) -> None:
    service = """
        from sqlalchemy import Select
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models.note import Note


        async def find(session: AsyncSession, note_id: int):
            statement = Select(Note).where(Note.id == note_id)
            return statement


        def base_query() -> Select:
            return None
        """
    root = _project(tmp_path, {"app/services/finder.py": service})
    # (near-miss: `-> Select` names the type, builds nothing)
    assert findings(root, "LC302") == [("app/services/finder.py", 8, "LC302")]


# ----- LC102: a route typed with the repository class, handing it to a service or not --------

_TYPED_ROUTER = """
    from fastapi import APIRouter, Depends

    from app.api.deps import get_note_repo
    from app.repositories.note import NoteRepository
    from app.services.notes import ListNotes, count_notes

    router = APIRouter()


    @router.get("/notes")
    async def list_notes(repo: NoteRepository = Depends(get_note_repo)):
        return await ListNotes(repo)()


    @router.get("/notes/count")
    async def count(repo: NoteRepository = Depends(get_note_repo)):
        return await count_notes(repo)
    """

_COUNTING_SERVICE = (
    _SERVICE
    + """

    async def count_notes(repository: NoteRepository) -> int:
        return len(await repository.list_all())
    """
)


def test_a_route_typed_with_the_repository_and_handing_it_to_services_is_still_named(tmp_path: Path) -> None:
    # (decided with the harness's labels, as above: the import is reported, no call is)
    files = {"app/api/__init__.py": "", "app/api/deps.py": _DEPS, "app/api/notes.py": _TYPED_ROUTER}
    root = _project(tmp_path, {**files, "app/services/notes.py": _COUNTING_SERVICE})
    assert findings(root, "LC102", "LC202") == [("app/api/notes.py", 4, "LC102")]


def test_a_route_typed_with_the_repository_and_querying_it_imports_it(tmp_path: Path) -> None:
    # (near-miss: one route queries what it is given)
    router = _TYPED_ROUTER + """

    @router.get("/notes/raw")
    async def raw(repo: NoteRepository = Depends(get_note_repo)):
        return await repo.list_all()
    """
    files = {"app/api/__init__.py": "", "app/api/deps.py": _DEPS, "app/api/notes.py": router}
    root = _project(tmp_path, {**files, "app/services/notes.py": _COUNTING_SERVICE})
    assert findings(root, "LC102", "LC202") == [
        ("app/api/notes.py", 4, "LC102"),
        ("app/api/notes.py", 22, "LC202"),
    ]

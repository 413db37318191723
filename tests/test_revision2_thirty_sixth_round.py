"""The thirty-sixth round: what real projects of the round taught, each checked through the
CLI on a small project of its own."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import SYNC_DATABASE, findings, orm_module

# ----- a middleware opening each request's session provides the sessions (LC101) ------------

_SESSION_MIDDLEWARE = """
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session
    from starlette.middleware.base import BaseHTTPMiddleware


    class SessionMiddleware(BaseHTTPMiddleware):
        def __init__(self, app, db_engine):
            super().__init__(app)
            self.engine = db_engine

        async def dispatch(self, request, call_next):
            request.state.db = Session(self.engine)
            try:
                response = await call_next(request)
                request.state.db.commit()
            except SQLAlchemyError:
                request.state.db.rollback()
                raise
            finally:
                request.state.db.close()
            return response
    """


def _middleware_project(middleware: str) -> dict[str, str]:
    return {
        "app/__init__.py": "",
        "app/models.py": orm_module("User"),
        "app/utils/__init__.py": "",
        "app/utils/sql_middleware.py": middleware,
    }


def test_a_middleware_opening_each_requests_session_may_import_the_session(tmp_path: Path) -> None:
    root = write_project(tmp_path, _middleware_project(_SESSION_MIDDLEWARE))
    assert findings(root, "LC101") == []


def test_a_middleware_that_only_reads_the_requests_session_is_held(tmp_path: Path) -> None:
    # (near-miss: it types what another module opened, it opens nothing)
    reader = """
        from sqlmodel import Session
        from starlette.middleware.base import BaseHTTPMiddleware


        class AuditMiddleware(BaseHTTPMiddleware):
            async def dispatch(self, request, call_next):
                session: Session = request.state.db
                request.state.user_count = session.exec("SELECT count(*) FROM users").one()
                return await call_next(request)
        """
    root = write_project(tmp_path, _middleware_project(reader))
    assert [(path, line) for path, line, _ in findings(root, "LC101")] == [("app/utils/sql_middleware.py", 1)]


# ----- the base class of data-access classes, and the service ports they implement ----------

_QUERY_SERVICES = {
    "app/__init__.py": "",
    "app/models.py": orm_module("Task"),
    "app/database.py": SYNC_DATABASE,
    # The use cases and the abstract query-service port they call (the service layer).
    "app/usecase/__init__.py": "",
    "app/usecase/task_queryservice.py": """
        from abc import ABC, abstractmethod


        class TaskQueryService(ABC):
            @abstractmethod
            def find_all(self) -> list:
                raise NotImplementedError
        """,
    "app/usecase/task_usecase.py": """
        import inject

        from app.usecase.task_queryservice import TaskQueryService


        class TaskQueryUseCase:
            @inject.autoparams()
            def __init__(self, query_service: TaskQueryService) -> None:
                self.query_service = query_service

            def get_tasks(self) -> list:
                return self.query_service.find_all()
        """,
    # The adapters, in a folder named for no layer: a base holding the session, and the
    # implementation querying through it.
    "app/infrastructure/__init__.py": "",
    "app/infrastructure/queryservice/__init__.py": "",
    "app/infrastructure/queryservice/base_queryservice.py": """
        from sqlalchemy.orm.session import Session


        class BaseQueryService:
            def __init__(self, db: Session) -> None:
                self.db = db
        """,
    "app/infrastructure/queryservice/task_queryservice.py": """
        from app.infrastructure.queryservice.base_queryservice import BaseQueryService
        from app.models import Task
        from app.usecase.task_queryservice import TaskQueryService


        class TaskQueryServiceImpl(BaseQueryService, TaskQueryService):
            def find_all(self) -> list:
                return [row.id for row in self.db.query(Task).all()]

            def find_by_id(self, task_id: int):
                return self.db.query(Task).get(task_id)
        """,
    # The router binds the implementation to the port in a dependency container, then calls
    # the use case.
    "app/presentation/__init__.py": "",
    "app/presentation/task.py": """
        import inject
        from fastapi import APIRouter, Depends

        from app.database import get_db
        from app.infrastructure.queryservice.task_queryservice import TaskQueryServiceImpl
        from app.usecase.task_queryservice import TaskQueryService
        from app.usecase.task_usecase import TaskQueryUseCase

        router = APIRouter()


        def configure_inject(db) -> None:
            def inject_config(binder):
                binder.bind(TaskQueryService, TaskQueryServiceImpl(db))

            inject.clear_and_configure(inject_config)


        @router.get("/")
        async def get_tasks(db=Depends(get_db)):
            configure_inject(db)
            return TaskQueryUseCase().get_tasks()
        """,
}


def test_the_base_class_of_data_access_classes_may_hold_the_session(tmp_path: Path) -> None:
    root = write_project(tmp_path, _QUERY_SERVICES)
    assert findings(root, "LC101") == []


def test_a_port_named_as_a_containers_key_is_wiring_not_a_repository_import(tmp_path: Path) -> None:
    root = write_project(tmp_path, _QUERY_SERVICES)
    assert findings(root, "LC102") == []


def test_a_router_typed_with_the_port_still_reaches_the_data_layer(tmp_path: Path) -> None:
    # (near-miss of the above: the router resolves the port itself and calls it)
    files = dict(_QUERY_SERVICES)
    files["app/presentation/task.py"] = """
        import inject
        from fastapi import APIRouter

        from app.usecase.task_queryservice import TaskQueryService

        router = APIRouter()


        @router.get("/")
        async def get_tasks():
            query_service: TaskQueryService = inject.instance(TaskQueryService)
            return query_service.find_all()
        """
    root = write_project(tmp_path, files)
    assert [(path, line) for path, line, _ in findings(root, "LC102")] == [("app/presentation/task.py", 4)]


# ----- a framework's serialisation helper in a repository is no HTTP (LC403) -----------------


def test_jsonable_encoder_in_a_repository_is_no_http_but_an_http_exception_is(tmp_path: Path) -> None:
    crud = """
        from fastapi import HTTPException
        from fastapi.concurrency import run_in_threadpool
        from fastapi.encoders import jsonable_encoder
        from sqlalchemy.orm import Session

        from app.models import User


        class CRUDUser:
            def create(self, db: Session, obj_in) -> User:
                user = User(**jsonable_encoder(obj_in))
                db.add(user)
                db.commit()
                return user

            def get_or_404(self, db: Session, user_id: int) -> User:
                user = db.get(User, user_id)
                if user is None:
                    raise HTTPException(status_code=404)
                return user
        """
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/models.py": orm_module("User"), "app/repositories/users.py": crud}
    )
    assert [(path, line) for path, line, _ in findings(root, "LC403")] == [
        ("app/repositories/users.py", 1),
        ("app/repositories/users.py", 19),
    ]


# ----- a name re-exported in a circle is the one bound before the circle (LC603) ------------

_EXCEPTIONS = {
    "app/__init__.py": "",
    "app/exceptions/__init__.py": """
        from .base import AppError, AuthenticationError
        from .handlers import register_exception_handlers
        from .users import AuthenticationError, InvalidCredentials
        """,
    "app/exceptions/base.py": """
        class AppError(Exception):
            pass


        class AuthenticationError(AppError):
            pass
        """,
    # Imports the package's name back, while the package is half-imported.
    "app/exceptions/users.py": """
        from app.exceptions import AuthenticationError


        class InvalidCredentials(AuthenticationError):
            def __init__(self) -> None:
                super().__init__("Invalid credentials")
        """,
    "app/exceptions/handlers.py": """
        from fastapi import Request
        from fastapi.responses import JSONResponse

        from app.exceptions import AuthenticationError


        def register_exception_handlers(app):
            @app.exception_handler(AuthenticationError)
            async def authentication_error(request: Request, exc: AuthenticationError):
                return JSONResponse(status_code=401, content={"detail": str(exc)})

            @app.exception_handler(KeyError)
            async def missing_key(request: Request, exc: KeyError):
                return JSONResponse(status_code=500, content={"detail": str(exc)})
        """,
}


def test_a_project_exception_re_exported_in_a_circle_is_the_projects_own(tmp_path: Path) -> None:
    root = write_project(tmp_path, _EXCEPTIONS)
    # (only the library's `KeyError` text reaches the client)
    assert [(path, line) for path, line, _ in findings(root, "LC603")] == [("app/exceptions/handlers.py", 14)]

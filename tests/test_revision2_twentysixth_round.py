"""SPEC revision 2, the lessons of the twenty-sixth round, each a small project of our own
checked through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project
from test_revision2 import findings, orm_module, placed


def test_services_abbreviated_svc_are_the_service_layer(tmp_path: Path) -> None:
    # `app/svc/user_svc.py` beside `app/repo/user_repo.py`: "svc" is the service layer's
    # usual abbreviation, as "repo" is the repositories'; its functions annotated to hand
    # out the ORM class are LC301's. A plain `svc_tools.py` names no layer.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models/__init__.py": "",
            "app/models/users.py": orm_module("Users"),
            "app/repo/__init__.py": "",
            "app/repo/user_repo.py": """
                from sqlalchemy import select
                from sqlalchemy.ext.asyncio import AsyncSession

                from app.models.users import Users


                async def list_users(session: AsyncSession) -> list[Users]:
                    return list(await session.scalars(select(Users)))
            """,
            "app/svc/__init__.py": "",
            "app/svc/user_svc.py": """
                from collections.abc import Sequence

                from app.models.users import Users
                from app.repo import user_repo


                async def list_users(session) -> Sequence[Users]:
                    return await user_repo.list_users(session)
            """,
            "app/wallet_svc.py": """
                from app.models.users import Users


                def first_user(users: list[Users]) -> Users:
                    return users[0]
            """,
            "app/svc_tools.py": """
                from app.models.users import Users


                def first_user(users: list[Users]) -> Users:
                    return users[0]
            """,
        },
    )
    layers = placed(root)
    assert layers["app/svc/user_svc.py"]["layer"] == "service"
    assert layers["app/wallet_svc.py"]["layer"] == "service"
    assert layers["app/svc_tools.py"]["layer"] is None
    assert findings(root, "LC301") == [("app/svc/user_svc.py", 7, "LC301"), ("app/wallet_svc.py", 4, "LC301")]


def test_a_repository_built_in_an_endpoint_and_never_used_is_the_routers_own(tmp_path: Path) -> None:
    # `repo = TransactionRepository(db)` left in an endpoint that returns `{}`: nothing is
    # handed on, the router holds the repository itself (LC202, and its import is LC102).
    # One built to be handed to a service is wiring, and stays unreported; so is one left
    # unused beside the others a function builds its service from (`ledger` below).
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/database.py": "def get_db():\n    yield None\n",
            "app/repositories/__init__.py": "",
            "app/repositories/payments.py": """
                from sqlalchemy import select


                class PaymentRepository:
                    def __init__(self, session):
                        self.session = session

                    def all(self):
                        return self.session.scalars(select(1)).all()
            """,
            "app/services/__init__.py": "",
            "app/services/payments.py": """
                class PaymentService:
                    def __init__(self, repository):
                        self.repository = repository
            """,
            "app/api/__init__.py": "",
            "app/api/payments.py": """
                from fastapi import APIRouter, Depends

                from app.database import get_db
                from app.repositories.payments import PaymentRepository
                from app.services.payments import PaymentService

                router = APIRouter()


                @router.post("/{payment_id}/cancel")
                def cancel(payment_id: str, db=Depends(get_db)):
                    repo = PaymentRepository(db)
                    return {}


                @router.get("/")
                def listing(db=Depends(get_db)):
                    repository = PaymentRepository(db)
                    service = PaymentService(repository)
                    return {"service": str(service)}


                @router.post("/")
                def create(db=Depends(get_db)):
                    payments = PaymentRepository(db)
                    ledger = PaymentRepository(db)
                    service = PaymentService(payments)
                    return {"service": str(service)}
            """,
        },
    )
    assert findings(root, "LC102", "LC202") == [
        ("app/api/payments.py", 4, "LC102"),
        ("app/api/payments.py", 12, "LC202"),
    ]


def test_self_in_a_logger_adapter_subclass_is_the_logger(tmp_path: Path) -> None:
    # `class OperationAdapter(logging.LoggerAdapter)` whose methods call `self.log(level,
    # f"...")` and `self.error(f"...")`: `self` is a logger there (LC701), as a logger held
    # in a name is. A class of its own with an `error()` method is no logger.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/logs.py": """
                import logging


                class OperationAdapter(logging.LoggerAdapter):
                    def log_operation(self, operation: str, level: int = logging.INFO):
                        self.log(level, f"Operation: {operation}")

                    def log_error(self, operation: str):
                        self.error(f"Error in operation: {operation}", exc_info=True)

                    def log_done(self, operation: str):
                        self.info("Done %s", operation)


                class Report:
                    def error(self, message):
                        return message

                    def show(self, name):
                        return self.error(f"bad {name}")
            """,
        },
    )
    assert findings(root, "LC701") == [("app/logs.py", 6, "LC701"), ("app/logs.py", 9, "LC701")]


def test_a_validation_module_counting_rows_is_no_repository_for_its_routers(tmp_path: Path) -> None:
    # `validation.py` of business checks (`check_places_limit` counts a project's places and
    # raises an HTTP error; another marks the project complete) is imported by routers that
    # query themselves: checks that look rows up to decide, as a permissions module's do,
    # not the repository layer (no LC102 or LC202). A `lookups.py` of query functions is.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Place"),
            "app/validation.py": """
                from fastapi import HTTPException
                from sqlmodel import select

                from app.models import Place


                def check_places_limit(session, project_id: int):
                    found = session.exec(select(Place).where(Place.id == project_id)).all()
                    if len(found) >= 10:
                        raise HTTPException(400, "Max 10 places per project")


                def mark_complete(session, place: Place):
                    session.add(place)
                    session.commit()
                    return {"status": "updated"}
            """,
            "app/lookups.py": """
                from sqlmodel import select

                from app.models import Place


                def find_place(session, place_id: int):
                    return session.exec(select(Place).where(Place.id == place_id)).first()


                def all_places(session):
                    return session.exec(select(Place)).all()
            """,
            "app/places.py": """
                from fastapi import APIRouter
                from sqlmodel import select

                from app.lookups import find_place
                from app.models import Place
                from app.validation import check_places_limit

                router = APIRouter()


                @router.post("/{project_id}")
                def add_place(project_id: int, session):
                    check_places_limit(session, project_id)
                    return session.exec(select(Place)).all()


                @router.get("/{place_id}")
                def read_place(place_id: int, session):
                    return find_place(session, place_id)
            """,
        },
    )
    assert findings(root, "LC102", "LC202") == [
        ("app/places.py", 4, "LC102"),
        ("app/places.py", 19, "LC202"),
    ]


def test_a_folder_of_services_each_a_whole_app_is_no_service_layer(tmp_path: Path) -> None:
    # `internal/services/saldo_service/` with its own `api/`, `domain/repository/`,
    # `infrastructure/service/` and `main.py`: `services/` holds microservices, not the
    # service layer. Its wiring module building the engine and the session factory
    # (`infrastructure/di.py`) may import the session types (no LC101), while the real
    # `infrastructure/service/` below stays the service layer.
    root = write_project(
        tmp_path,
        {
            "internal/__init__.py": "",
            "internal/services/__init__.py": "",
            "internal/services/saldo_service/__init__.py": "",
            "internal/services/saldo_service/main.py": "from api.routes import router\n",
            "internal/services/saldo_service/api/__init__.py": "",
            "internal/services/saldo_service/api/routes.py": """
                from fastapi import APIRouter

                router = APIRouter()


                @router.get("/saldo")
                async def saldo():
                    return {}
            """,
            "internal/services/saldo_service/domain/__init__.py": "",
            "internal/services/saldo_service/domain/repository/__init__.py": "",
            "internal/services/saldo_service/domain/repository/saldo.py": """
                from abc import ABC, abstractmethod


                class ISaldoRepository(ABC):
                    @abstractmethod
                    async def find(self, user_id: int): ...
            """,
            "internal/services/saldo_service/infrastructure/__init__.py": "",
            "internal/services/saldo_service/infrastructure/di.py": """
                from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

                from domain.repository.saldo import ISaldoRepository
                from infrastructure.service.saldo import SaldoService


                class Container:
                    def __init__(self, url: str) -> None:
                        self._engine = create_async_engine(url)
                        self._session = async_sessionmaker(bind=self._engine, class_=AsyncSession)

                    def saldo_service(self, repository: ISaldoRepository) -> SaldoService:
                        return SaldoService(self._session())
            """,
            "internal/services/saldo_service/domain/dtos/__init__.py": "",
            "internal/services/saldo_service/domain/dtos/saldo.py": """
                from pydantic import BaseModel


                class SaldoRecord(BaseModel):
                    user_id: int
                    amount: int
            """,
            "internal/services/saldo_service/infrastructure/service/__init__.py": "",
            "internal/services/saldo_service/infrastructure/service/saldo.py": """
                from sqlalchemy.ext.asyncio import AsyncSession


                class SaldoService:
                    def __init__(self, session: AsyncSession) -> None:
                        self.session = session
            """,
            "internal/services/user_service/__init__.py": "",
            "internal/services/user_service/main.py": "",
            "internal/services/user_service/api/__init__.py": "",
            "internal/services/user_service/api/routes.py": "",
            "internal/services/user_service/domain/__init__.py": "",
            "internal/services/user_service/domain/repository/__init__.py": "",
            "internal/services/user_service/domain/repository/user.py": "",
        },
    )
    layers = placed(root)
    assert layers["internal/services/saldo_service/infrastructure/di.py"]["layer"] != "service"
    assert layers["internal/services/saldo_service/domain/dtos/saldo.py"]["layer"] != "service"
    assert layers["internal/services/saldo_service/infrastructure/service/saldo.py"]["layer"] == "service"
    assert findings(root, "LC101") == [("internal/services/saldo_service/infrastructure/service/saldo.py", 1, "LC101")]


def test_controllers_between_the_routes_and_the_services_are_the_api(tmp_path: Path) -> None:
    # `routes/auth.py` -> `controllers/auth.py` -> `services/` and the repository: the
    # controller takes what the routes hand it (`Depends(get_auth_controller)`), raises the
    # HTTP errors and calls the services, so it is the HTTP side (api): its session import is
    # LC101's, its repository import LC102's, its repository calls LC202's. A `controllers/`
    # over the repositories with no services below it stays the service layer.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/database.py": "def get_db():\n    yield None\n",
            "app/repositories/__init__.py": "",
            "app/repositories/user.py": """
                from sqlalchemy import select


                class UserRepository:
                    def __init__(self, session):
                        self.session = session

                    def find(self, uid: str):
                        return self.session.scalars(select(1)).first()
            """,
            "app/services/__init__.py": "",
            "app/services/firebase_service.py": """
                def verify_token(token: str) -> str:
                    return token
            """,
            "app/controllers/__init__.py": "",
            "app/controllers/auth.py": """
                from fastapi import Depends, HTTPException
                from sqlalchemy.orm import Session

                from app.database import get_db
                from app.repositories.user import UserRepository
                from app.services.firebase_service import verify_token


                class AuthController:
                    def __init__(self, db: Session) -> None:
                        self.users = UserRepository(db)

                    def sync_user(self, token: str):
                        user = self.users.find(verify_token(token))
                        if user is None:
                            raise HTTPException(404, "no such user")
                        return user


                def get_auth_controller(db: Session = Depends(get_db)) -> AuthController:
                    return AuthController(db)
            """,
            "app/routes/__init__.py": "",
            "app/routes/auth.py": """
                from fastapi import APIRouter, Depends

                from app.controllers.auth import AuthController, get_auth_controller

                router = APIRouter()


                @router.post("/sync")
                def sync(token: str, controller: AuthController = Depends(get_auth_controller)):
                    return controller.sync_user(token)
            """,
            "shop/__init__.py": "",
            "shop/repositories.py": """
                from sqlalchemy import select


                class OrderRepository:
                    def __init__(self, session):
                        self.session = session

                    def all(self):
                        return self.session.scalars(select(1)).all()
            """,
            "shop/controllers/__init__.py": "",
            "shop/controllers/orders.py": """
                from fastapi import HTTPException
                from sqlalchemy.orm import Session

                from shop.repositories import OrderRepository


                class OrderController:
                    def __init__(self, db: Session) -> None:
                        self.orders = OrderRepository(db)

                    def listing(self):
                        found = self.orders.all()
                        if not found:
                            raise HTTPException(404, "none")
                        return found
            """,
        },
    )
    layers = placed(root)
    assert layers["app/controllers/auth.py"]["layer"] == "api"
    assert layers["shop/controllers/orders.py"]["layer"] == "service"
    assert findings(root, "LC101", "LC102", "LC202") == [
        ("app/controllers/auth.py", 2, "LC101"),
        ("app/controllers/auth.py", 5, "LC102"),
        ("app/controllers/auth.py", 11, "LC202"),
        ("app/controllers/auth.py", 14, "LC202"),
        ("shop/controllers/orders.py", 2, "LC101"),
    ]

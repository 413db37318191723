"""The thirtieth round: the pre-parse scan's quick pass and the parser's quicker node
construction change no finding; each checked through the CLI on a small project."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_project
from test_revision2 import findings, placed

_ROUTER_HEAD = """
from fastapi import APIRouter
from sqlalchemy import select

router = APIRouter()
"""

_ENDPOINT = """

@router.get("/users")
async def list_users(session):
    return await session.execute(select(1))
"""


def _long_sum(terms: int) -> str:
    # One logical line over many physical lines, with no comma: the quick pass counts its
    # characters, which go past the depth limit, while the expression itself nests only
    # `terms` levels; the token-by-token scan must then clear it.
    body = " +\n    ".join(f"value_{number}.amount" for number in range(terms))
    return f"\ntotal = (\n    {body}\n)\n"


@pytest.mark.parametrize(
    "middle",
    [
        pytest.param("", id="plain"),
        pytest.param(_long_sum(120), id="long-logical-line-under-the-limit"),
        pytest.param(
            "\nLOOKUP = {\n" + "".join(f"    'key_{n}': ('a', 'b', [{n}, {n + 1}]),\n" for n in range(400)) + "}\n",
            id="large-literal-with-separators",
        ),
        pytest.param('\nSQL = """\n' + "((((\n" * 300 + '"""\n', id="brackets-inside-a-string"),
        pytest.param("\n# " + "(" * 300 + "\n", id="brackets-inside-a-comment"),
        pytest.param("\nif True:\n\tpass\n", id="tab-indentation"),
    ],
)
def test_a_file_the_scan_clears_is_checked_and_its_findings_placed(tmp_path: Path, middle: str) -> None:
    # Whatever the scan's pass, the file is parsed and the finding after the odd part sits
    # on the line where the session runs its query.
    source = _ROUTER_HEAD + middle + _ENDPOINT
    root = write_project(tmp_path, {"app/__init__.py": "", "app/api/routes/users.py": source})
    query_line = source.lstrip("\n").splitlines().index("    return await session.execute(select(1))") + 1
    found = findings(root, "LC001", "LC201")
    assert found and set(found) == {("app/api/routes/users.py", query_line, "LC201")}  # the call and its statement


@pytest.mark.parametrize(
    ("middle", "words"),
    [
        pytest.param(_long_sum(1100), "an expression nests more than 1000 levels deep", id="chain"),
        pytest.param("\nX = " + "(" * 250 + "1" + ")" * 250 + "\n", "more than 200 nested brackets", id="brackets"),
    ],
)
def test_a_file_past_a_limit_is_refused_where_the_limit_is_crossed(tmp_path: Path, middle: str, words: str) -> None:
    source = _ROUTER_HEAD + middle + _ENDPOINT
    root = write_project(tmp_path, {"app/__init__.py": "", "app/api/routes/users.py": source})
    found = findings(root, "LC001", "LC201")
    assert [(path, code) for path, _, code in found] == [("app/api/routes/users.py", "LC001")]
    first_line_of_middle = _ROUTER_HEAD.strip("\n").count("\n") + 3
    assert found[0][1] >= first_line_of_middle


def test_fixes_build_valid_nodes_after_a_run_of_parses(tmp_path: Path) -> None:
    # The nodes a fix builds are validated as libcst would (the parse's shortcut is for the
    # parser's own nodes only): `--fix` rewrites an f-string log message and writes code
    # that parses.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/services/users.py": """
                import logging

                logger = logging.getLogger(__name__)


                def greet(name: str) -> None:
                    logger.info(f"hello {name}")
            """,
        },
    )
    from conftest import run_layercheck

    run = run_layercheck(["--fix", "--unsafe-fixes", "--select", "LC701", "--no-cache", "."], root)
    assert run.exit_code in (0, 1), run.output
    written = (root / "app/services/users.py").read_text()
    assert 'logger.info("hello %s", name)' in written
    compile(written, "users.py", "exec")


def test_an_instance_of_a_project_logger_subclass_is_a_logger_where_it_is_imported(tmp_path: Path) -> None:
    # `logger = BotLogger()` with `class BotLogger(logging.Logger)` in a helpers module, and
    # `from app.helpers import log` (an instance whose name says nothing) in the routers and
    # jobs: each f-string message to it is LC701. The same class's instance that is not a
    # logger (`class Counter`) and an f-string passed as a keyword value are not.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/helpers.py": """
                import logging


                class BotLogger(logging.Logger):
                    def __init__(self) -> None:
                        super().__init__("bot")


                class Counter:
                    def info(self, text: str) -> None:
                        print(text)


                log = BotLogger()
                counter = Counter()
            """,
            "app/api/__init__.py": "",
            "app/api/routes/__init__.py": "",
            "app/api/routes/payments.py": """
                from fastapi import APIRouter

                from app.helpers import counter, log

                router = APIRouter()


                @router.post("/pay")
                async def pay(order_id: int) -> dict:
                    log.info(f"paying {order_id}")
                    counter.info(f"paid {order_id}")
                    log.info("paid", extra={"note": f"order {order_id}"})
                    return {}
            """,
        },
    )
    assert findings(root, "LC701") == [("app/api/routes/payments.py", 10, "LC701")]


_DYNAMIC_MODELS = {
    "app/__init__.py": "",
    "app/models/__init__.py": """
        import importlib
        import pkgutil

        # Every module of the package, its public names made the package's own.
        for loader, module_name, is_pkg in pkgutil.walk_packages(__path__):
            module = importlib.import_module(f".{module_name}", package=__name__)
            globals().update({name: getattr(module, name) for name in dir(module) if not name.startswith("_")})
    """,
    "app/models/base.py": """
        from sqlalchemy.orm import DeclarativeBase


        class Base(DeclarativeBase):
            pass
    """,
    "app/models/user.py": """
        from sqlalchemy import Column, Integer, Table
        from sqlalchemy.orm import Mapped, mapped_column

        from app.models.base import Base


        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)


        user_likes = Table("user_likes", Base.metadata, Column("user_id", Integer))
    """,
    "app/services/__init__.py": "",
}


def test_a_package_re_exporting_its_modules_at_run_time_resolves_their_names(tmp_path: Path) -> None:
    # `models/__init__.py` imports each of its modules by name and copies their public
    # names into its globals: `models.User` is `models.user.User`, and `models.user_likes`
    # its Core table. A service returning `db.query(models.User).first()` hands on an ORM
    # row (LC301), and one building `models.user_likes.select()` builds SQL (LC302). A
    # name no module of the package defines stays unresolved (no finding).
    files = dict(_DYNAMIC_MODELS)
    files["app/services/users.py"] = """
        import app.models as models


        def get_user(db, user_id: int):
            return db.query(models.User).filter(models.User.id == user_id).first()


        def likes(db, user_id: int) -> list:
            rows = db.execute(models.user_likes.select()).all()
            return [row.user_id for row in rows]


        def settings(db):
            return models.Settings(db)
    """
    root = write_project(tmp_path, files)
    found = findings(root, "LC301", "LC302")
    assert ("app/services/users.py", 5, "LC301") in found
    assert ("app/services/users.py", 9, "LC302") in [item for item in found if item[1] == 9]
    assert not [item for item in found if item[1] == 14]


def test_a_package_that_only_imports_its_modules_re_exports_nothing(tmp_path: Path) -> None:
    # Importing the modules by name without copying their names into the package (a
    # plugin loader) makes no name the package's: `models.User` is not resolved there.
    files = dict(_DYNAMIC_MODELS)
    files["app/models/__init__.py"] = """
        import importlib
        import pkgutil

        for loader, module_name, is_pkg in pkgutil.walk_packages(__path__):
            importlib.import_module(f".{module_name}", package=__name__)
    """
    files["app/services/users.py"] = """
        import app.models as models


        def get_user(db, user_id: int):
            return db.query(models.User).filter(models.User.id == user_id).first()
    """
    root = write_project(tmp_path, files)
    assert ("app/services/users.py", 5, "LC301") not in findings(root, "LC301")


def test_a_core_table_read_off_an_imported_module_builds_sql(tmp_path: Path) -> None:
    # `tables.user_likes.select()` with `from app.models import user as tables`: the
    # statement of a Core table of the project (LC302 in a service); `.select()` of a
    # module's object that is no table (`client.select()`) is not.
    files = dict(_DYNAMIC_MODELS)
    files["app/models/__init__.py"] = ""
    files["app/clients.py"] = """
        class Picker:
            def select(self):
                return 1


        picker = Picker()
    """
    files["app/services/likes.py"] = """
        from app import clients
        from app.models import user as tables


        def likes(db) -> int:
            db.execute(tables.user_likes.select())
            return clients.picker.select()
    """
    root = write_project(tmp_path, files)
    lines = [line for path, line, code in findings(root, "LC302") if path == "app/services/likes.py"]
    assert lines.count(6) == 2  # the session call and the statement
    assert 7 not in lines


def test_a_service_returning_what_its_own_unannotated_method_built_hands_the_row_on(tmp_path: Path) -> None:
    # `reserve()` returns `self.instant_reserve()`, whose every return is the ORM row it
    # built (`reservation = Reservation(...)`): both hand the row on (LC301). `queue()`
    # returning `self.queued()`, which builds a schema, does not.
    from test_revision2 import orm_module

    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": orm_module("Reservation"),
            "app/schemas.py": "from pydantic import BaseModel\n\n\nclass Queued(BaseModel):\n    position: int\n",
            "app/services/__init__.py": "",
            "app/services/reservations.py": """
                from app.models import Reservation
                from app.schemas import Queued


                class ReservationService:
                    def __init__(self, db) -> None:
                        self.db = db

                    def reserve(self):
                        return self.instant_reserve()

                    def instant_reserve(self):
                        reservation = Reservation()
                        self.db.add(reservation)
                        return reservation

                    def queue(self):
                        return self.queued()

                    def queued(self):
                        return Queued(position=1)
            """,
        },
    )
    lines = sorted(line for path, line, _ in findings(root, "LC301") if path == "app/services/reservations.py")
    assert lines == [10, 15]


def test_a_local_annotated_with_a_project_class_is_that_class_whatever_slot_it_is_read_from(tmp_path: Path) -> None:
    # `app: App = request.app.state.app`: the annotation names the class the slot holds, so
    # `app.db.users.get()` reaches the repository the app's database object holds (LC202),
    # as it does for a parameter annotated `app: App`. Unannotated, the slot says nothing.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/repositories/__init__.py": "",
            "app/repositories/users.py": """
                class UserRepository:
                    def __init__(self, session) -> None:
                        self.session = session

                    async def get(self, user_id: int):
                        return await self.session.get(int, user_id)
            """,
            "app/store.py": """
                from app.repositories.users import UserRepository


                class AppDB:
                    def __init__(self, session) -> None:
                        self.users = UserRepository(session)


                class App:
                    def __init__(self, db: AppDB) -> None:
                        self.db = db
            """,
            "app/api/__init__.py": "",
            "app/api/routes/__init__.py": "",
            "app/api/routes/pay.py": """
                from fastapi import APIRouter, Request

                from app.store import App

                router = APIRouter()


                @router.post("/pay")
                async def pay(request: Request):
                    app: App = request.app.state.app
                    return await app.db.users.get(1)


                @router.post("/refund")
                async def refund(request: Request):
                    app = request.app.state.app
                    return await app.db.users.get(1)
            """,
        },
    )
    assert findings(root, "LC202") == [("app/api/routes/pay.py", 11, "LC202")]


def test_an_exception_text_sent_only_when_it_equals_a_literal_is_that_literal(tmp_path: Path) -> None:
    # `if str(e) == "Rate limit exceeded": raise HTTPException(429, detail=str(e))`: the text
    # sent is the literal the branch compared it with (no LC603); the same text sent in the
    # branch's `else`, or after a comparison with something else, still leaks.
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/api/__init__.py": "",
            "app/api/routes/__init__.py": "",
            "app/api/routes/movies.py": """
                from fastapi import APIRouter, HTTPException

                router = APIRouter()


                def fetch() -> list:
                    return []


                @router.get("/movies")
                async def movies(limit: int) -> list:
                    try:
                        return fetch()
                    except Exception as e:
                        if str(e) == "Rate limit exceeded" and limit > 0:
                            raise HTTPException(status_code=429, detail=str(e))
                        elif str(e) != "Gone":
                            raise HTTPException(status_code=500, detail=str(e))
                        raise HTTPException(status_code=500, detail=f"Internal error: {e}")
            """,
        },
    )
    lines = [line for path, line, _ in findings(root, "LC603") if path == "app/api/routes/movies.py"]
    assert lines == [18, 19]


def test_security_helpers_kept_in_the_config_package_are_not_the_settings(tmp_path: Path) -> None:
    # `config/security.py` hashing passwords, making tokens and resolving the current user
    # (it imports the session dependency and a service) reads its secret key from the
    # environment: a module of security helpers named for its concern, in no layer (its read
    # is LC602, its imports break no contract). `config/secrets.py` of settings only, and a
    # `config/security.py` of settings alone elsewhere, stay configuration.
    helpers = """
        import os

        from fastapi import Depends

        from app.db import get_session
        from app.services.users import UserService

        SECRET = os.getenv("JWT_SECRET", "dev")


        def make_token(user_id: int) -> str:
            return f"{user_id}.{SECRET}"


        def current_user(session=Depends(get_session)):
            return UserService(session).get(1)
    """
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db.py": "def get_session():\n    yield None\n",
            "app/services/__init__.py": "",
            "app/services/users.py": "class UserService:\n    def __init__(self, session) -> None:\n        self.session = session\n\n    def get(self, user_id: int) -> dict:\n        return {'id': user_id}\n",
            "app/config/__init__.py": "",
            "app/config/security.py": helpers,
            "app/config/secrets.py": "import os\n\nJWT_SECRET = os.getenv('JWT_SECRET', 'dev')\n",
            "app/settings/__init__.py": "",
            "app/settings/security.py": "import os\n\nSECRET_KEY = os.getenv('SECRET_KEY', 'dev')\n",
        },
    )
    layers = placed(root)
    assert layers["app/config/security.py"]["layer"] is None
    assert layers["app/config/secrets.py"]["layer"] == "config"
    assert layers["app/settings/security.py"]["layer"] == "config"
    found = findings(root, "LC103", "LC602")
    assert found == [("app/config/security.py", 8, "LC602")]

"""The core contract (issue 2): config, discovery, suppressions, outputs, exit codes,
name resolution and the first rules' near-misses, all through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import check_json, run_layercheck, run_subprocess, write_project

ORM_USER = """
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
"""

ROUTER_WITH_SQL = """
    from sqlalchemy import select
    from app.models.user import User

    async def list_users(db):
        return await db.execute(select(User))
"""


# ----- configuration ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "config, key",
    [
        ("[tool.layercheck]\nselct = ['LC1']\n", "selct"),
        ("[tool.layercheck]\nselect = 'LC101'\n", "select"),
        ("[tool.layercheck]\nselect = ['LC999']\n", "select"),
        ("[tool.layercheck]\nignore = ['XYZ']\n", "ignore"),
        ("[tool.layercheck.rules.LC201]\nsession-method = ['x']\n", "rules.LC201.session-method"),
        ("[tool.layercheck.rules.LC888]\n", "rules.LC888"),
        ("[tool.layercheck.layers]\napi = 3\n", "layers.api"),
        ("[tool.layercheck.layers.api]\nmay-import = ['nowhere']\n", "layers.api.may-import"),
        ("[tool.layercheck]\nper-file-ignores = { 'tests/*' = ['LC1O1'] }\n", "per-file-ignores.tests/*"),
        ("[tool.layercheck]\npreset = 'unknown'\n", "preset"),
    ],
)
def test_bad_config_names_the_key_and_exits_2(project, config: str, key: str) -> None:
    root = project({"app/api/users.py": "x = 1\n"}, pyproject=config)
    run = run_layercheck(["."], root)
    assert run.exit_code == 2
    assert f"`{key}`" in run.stderr
    assert "pyproject.toml" in run.stderr


def test_unknown_key_suggests_the_right_one(project) -> None:
    root = project({"a.py": "x = 1\n"}, pyproject="[tool.layercheck]\nextend-selct = ['LC1']\n")
    run = run_layercheck(["."], root)
    assert "did you mean `extend-select`" in run.stderr


def test_toml_syntax_error_is_reported_with_its_place(project) -> None:
    root = project({"a.py": "x = 1\n"}, pyproject="[tool.layercheck\nselect = [\n")
    run = run_layercheck(["."], root)
    assert run.exit_code == 2
    assert "pyproject.toml:1:17: invalid TOML" in run.stderr


def test_layercheck_toml_and_walking_up(project) -> None:
    root = project({"app/api/users.py": ROUTER_WITH_SQL, "app/models/user.py": "class User: ...\n"})
    (root / "layercheck.toml").write_text("ignore = ['LC201', 'LC104']\n")
    run = check_json(root / "app" / "api")
    assert run.exit_code == 0, run.output


def test_nearest_pyproject_is_the_project(project) -> None:
    root = project({"inner/app/api/users.py": ROUTER_WITH_SQL}, pyproject="[tool.layercheck]\nselect = ['LC7']\n")
    (root / "inner" / "pyproject.toml").write_text("[project]\nname = 'inner'\n")
    run = check_json(root / "inner")
    assert "LC201" in run.codes()


def test_explicit_config_flag(project, tmp_path: Path) -> None:
    root = project({"app/api/users.py": ROUTER_WITH_SQL, "app/models/user.py": "class User: ...\n"})
    config = tmp_path / "custom.toml"
    config.write_text("select = ['LC104']\n")
    run = run_layercheck(["--output-format", "json", "--no-cache", "--config", str(config), str(root)], root)
    assert set(run.codes()) == {"LC104"}


def test_custom_layers_map_another_layout_in_few_lines(project) -> None:
    config = """
[tool.layercheck.layers]
api = ["**/http/**"]
service = { extend-paths = ["**/usecases/**"] }
"""
    root = project(
        {
            "app/http/users.py": "from app.storage.users import load\n",
            "app/storage/users.py": "def load(): ...\n",
            "app/usecases/users.py": "from app.http.users import x\n",
        },
        pyproject=config,
    )
    (root / "pyproject.toml").write_text(
        config + "[tool.layercheck.layers.repository]\nextend-paths = ['**/storage/**']\n"
    )
    run = check_json(root)
    assert sorted(run.codes()) == ["LC102", "LC103"]


# ----- discovery -------------------------------------------------------------------------


def test_gitignore_and_excludes_are_honoured(project) -> None:
    files = {
        "app/api/a.py": ROUTER_WITH_SQL,
        "app/api/generated/b.py": ROUTER_WITH_SQL,
        "app/api/legacy/c.py": ROUTER_WITH_SQL,
        ".venv/lib/app/api/d.py": ROUTER_WITH_SQL,
        "app/models/user.py": "class User: ...\n",
        ".gitignore": "generated/\n",
    }
    root = project(files, pyproject="[tool.layercheck]\nextend-exclude = ['app/api/legacy/**']\nselect=['LC201']\n")
    run = check_json(root)
    paths = {Path(item["filename"]).name for item in run.json()}
    assert paths == {"a.py"}


def test_explicitly_named_file_is_always_checked(project) -> None:
    root = project(
        {"app/api/generated/b.py": ROUTER_WITH_SQL, ".gitignore": "generated/\n"},
        pyproject="[tool.layercheck]\nselect=['LC201']\n",
    )
    run = run_layercheck(["--output-format", "json", "--no-cache", "app/api/generated/b.py"], root)
    assert run.codes() == ["LC201", "LC201"]


def test_pyi_files_are_checked_and_other_files_are_not(project) -> None:
    root = project(
        {"app/api/a.pyi": ROUTER_WITH_SQL, "app/api/notes.txt": "select", "app/models/user.py": "class User: ..."},
        pyproject="[tool.layercheck]\nselect=['LC201']\n",
    )
    run = check_json(root)
    assert {Path(i["filename"]).name for i in run.json()} == {"a.pyi"}


def test_missing_path_is_a_usage_error(project) -> None:
    root = project({"a.py": "x = 1\n"})
    run = run_layercheck(["nope/"], root)
    assert run.exit_code == 2
    assert "nope" in run.stderr


# ----- broken files ------------------------------------------------------------------------


def test_syntax_error_is_reported_and_the_run_goes_on(project) -> None:
    root = project({"app/api/broken.py": "def f(:\n    pass\n", "app/api/users.py": ROUTER_WITH_SQL})
    run = run_subprocess(["--output-format", "concise", "--no-cache", "--select", "LC201,LC001", "."], root)
    assert run.exit_code == 1
    assert "Traceback" not in run.stderr + run.output
    assert "app/api/broken.py:1:7: LC001 syntax error" in run.output
    assert "app/api/users.py:5:18: LC201" in run.output


# ----- outputs and exit codes --------------------------------------------------------------


@pytest.fixture
def sql_router(project) -> Path:
    return project(
        {"app/api/users.py": ROUTER_WITH_SQL, "app/models/user.py": "class User: ...\n"},
        pyproject="[tool.layercheck]\nselect = ['LC201']\n",
    )


def test_concise_is_the_default_on_a_pipe(sql_router: Path) -> None:
    run = run_layercheck(["--no-cache", "."], sql_router)
    assert run.exit_code == 1
    lines = run.output.splitlines()
    assert lines[0] == "app/api/users.py:5:18: LC201 session `.execute()` called in a router; call a service instead"
    assert lines[1].startswith("app/api/users.py:5:29: LC201 `select()` builds SQL")
    assert lines[-1] == "Found 2 errors in 1 file."


def test_json_has_ruffs_shape(sql_router: Path) -> None:
    run = check_json(sql_router)
    first = run.json()[0]
    assert set(first) >= {"code", "message", "filename", "location", "end_location", "fix", "url"}
    assert first["location"] == {"row": 5, "column": 18}
    assert first["end_location"] == {"row": 5, "column": 42}
    assert Path(first["filename"]).is_absolute()
    assert first["url"].endswith("LC201-sql-in-router.md")


def test_github_annotations(sql_router: Path) -> None:
    run = run_layercheck(["--output-format", "github", "--no-cache", "."], sql_router)
    assert run.output.startswith("::error title=layercheck (LC201),file=app/api/users.py,line=5,col=18,")


def test_full_output_has_code_frame_and_caret(sql_router: Path) -> None:
    run = run_layercheck(["--output-format", "full", "--no-cache", "."], sql_router)
    assert "5 |     return await db.execute(select(User))" in run.output
    assert "^^^^^^^^^^^^ LC201" in run.output
    assert "(sql-in-router)" in run.output
    assert "Found 2 errors in 1 file." in run.output


def test_statistics_exit_zero_quiet(sql_router: Path) -> None:
    stats = run_layercheck(["--statistics", "--no-cache", "."], sql_router)
    assert stats.output.split() == ["2", "LC201", "[", "]", "sql-in-router"]
    zero = run_layercheck(["--exit-zero", "--no-cache", "."], sql_router)
    assert zero.exit_code == 0 and "LC201" in zero.output
    quiet = run_layercheck(["--quiet", "--no-cache", "."], sql_router)
    assert "Found" not in quiet.output


def test_clean_project_exits_0(project) -> None:
    root = project({"app/api/users.py": "from app.services import users\n", "app/services/users.py": "x = 1\n"})
    run = run_layercheck(["--no-cache", "."], root)
    assert run.exit_code == 0
    assert "All checks passed!" in run.output


def test_select_ignore_extend_select_on_the_command_line(project) -> None:
    root = project({"app/api/users.py": ROUTER_WITH_SQL, "app/models/user.py": "class User: ...\n"})
    assert set(check_json(root).codes()) == {"LC104", "LC201"}
    assert set(check_json(root, "--select", "LC104").codes()) == {"LC104"}
    assert set(check_json(root, "--ignore", "LC2").codes()) == {"LC104"}
    assert set(check_json(root, "--select", "LC104", "--extend-select", "sql-in-router").codes()) == {"LC104", "LC201"}
    bad = run_layercheck(["--select", "LC9", "."], root)
    assert bad.exit_code == 2


def test_python_dash_m_runs_the_cli(sql_router: Path) -> None:
    run = run_subprocess(["--no-cache", "--output-format", "json", "."], sql_router)
    assert run.exit_code == 1
    assert [item["code"] for item in json.loads(run.output)] == ["LC201", "LC201"]


# ----- suppressions ------------------------------------------------------------------------


def test_noqa_and_ignore_comments_and_unused_ones(project) -> None:
    root = project(
        {
            "app/api/users.py": """
                from sqlalchemy import select  # noqa: LC104
                from app.models.user import User  # layercheck: ignore[LC104] legacy endpoint
                from app.schemas import UserOut  # noqa: LC104
                import os  # noqa: E501
                x = 1  # noqa: LC1O4
            """,
            "app/models/user.py": ORM_USER,
            "app/schemas.py": "class UserOut: ...\n",
        }
    )
    run = check_json(root)
    found = [(item["location"]["row"], item["code"], item["message"]) for item in run.json()]
    assert found == [
        (3, "LC002", "unused suppression of `LC104`"),
        (5, "LC002", "suppression names unknown code `LC1O4`"),
    ]


def test_per_file_ignores(project) -> None:
    root = project(
        {"app/api/users.py": ROUTER_WITH_SQL, "app/models/user.py": "class User: ...\n"},
        pyproject="[tool.layercheck.per-file-ignores]\n'app/api/*.py' = ['LC201']\n",
    )
    assert set(check_json(root).codes()) == {"LC104"}


# ----- name resolution and near-misses -----------------------------------------------------


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import sqlalchemy as sa\nasync def f(db):\n    return sa.select(1)\n", 1),
        ("from sqlalchemy import select as q\nasync def f():\n    return q(1)\n", 1),
        ("from sqlalchemy import func\nasync def f():\n    return func.count()\n", 1),
        ("def select(x):\n    return x\nasync def f():\n    return select(1)\n", 0),
        ("async def f(request):\n    select = request.query_params.get('select')\n    return select.split(',')\n", 0),
        ("from sqlalchemy import select\nasync def f(select: str):\n    return select(1)\n", 0),
        ("async def f(cache: dict):\n    return cache.get('k')\n", 0),
        ("async def f(items: set):\n    items.add(1)\n", 0),
        ("async def f():\n    return 'SELECT id FROM users WHERE id = 1'\n", 1),
        ("async def f():\n    return 'Select a user from the list'\n", 0),
    ],
)
def test_sql_in_router_resolution(project, source: str, expected: int) -> None:
    root = project({"app/routers/users.py": source})
    assert check_json(root, "--select", "LC201").codes().count("LC201") == expected


@pytest.mark.parametrize(
    "source, codes",
    [
        ("import structlog\nlog = structlog.get_logger()\nlog.info(f'user {u} created')\n", ["LC701"]),
        ("import structlog\nlog = structlog.stdlib.get_logger()\nlog.info('a' + b)\n", ["LC702"]),
        ("import logging\nlogger = logging.getLogger(__name__)\nlogger.info('x %s' % y)\n", ["LC702"]),
        ("import logging\nlogger = logging.getLogger(__name__)\nlogger.info('x %s', y)\n", []),
        ("import logging\nlogging.warning(f'x {y}')\n", ["LC701"]),
        ("import structlog\nlog = structlog.get_logger()\nlog.info('fetched', path=f'/u/{i}')\n", []),
        ("import structlog\nlog = structlog.get_logger().bind(a=1)\nalias = log\nalias.error(f'{e}')\n", ["LC701"]),
        ("import structlog\nlog = structlog.get_logger()\nasync def f():\n    await log.ainfo(f'{x}')\n", ["LC701"]),
        (
            "import logging\nclass S:\n    def __init__(self):\n        self.log = logging.getLogger('s')\n"
            "    def run(self):\n        self.log.info(f'{self}')\n",
            ["LC701"],
        ),
        ("import logging\ndef f(logger: logging.Logger):\n    logger.debug('n={}'.format(n))\n", ["LC702"]),
        ("class Log:\n    def info(self, m): ...\nlog = Log()\nlog.info(f'{x}')\n", []),
        # Origin out of sight: a logger's name decides (SPEC revision 2, as ruff's G004).
        ("def f(log):\n    log.info(f'{x}')\n", ["LC701"]),
        ("def f(request):\n    log = request.state\n    log.info(f'{x}')\n", []),
        ("raise ValueError(f'bad {x}')\n", []),
        ("def f(x):\n    return f'{x}'\n", []),
        ("import logging\nlogger = logging.getLogger()\nlogger.log(logging.INFO, f'{x}')\n", ["LC701"]),
    ],
)
def test_log_messages(project, source: str, codes: list[str]) -> None:
    root = project({"app/services/users.py": source})
    assert check_json(root, "--select", "LC7").codes() == codes


def test_logger_imported_from_another_module(project) -> None:
    root = project(
        {
            "app/core/logging.py": "import structlog\nlogger = structlog.get_logger()\n"
            "def get_logger(name):\n    return structlog.get_logger(name)\n",
            "app/services/a.py": "from app.core.logging import logger\nlogger.info(f'{x}')\n",
            "app/services/b.py": "from app.core.logging import get_logger\nlog = get_logger(__name__)\n"
            "log.warning('a %s' % x)\n",
            "app/services/c.py": "from app.core.config import settings\nsettings.info(f'{x}')\n",
            "app/core/config.py": "settings = object()\n",
        }
    )
    found = sorted((Path(i["filename"]).name, i["code"]) for i in check_json(root, "--select", "LC7").json())
    assert found == [("a.py", "LC701"), ("b.py", "LC702")]


def test_configured_logger_factory(project) -> None:
    root = project(
        {"app/services/a.py": "from app.obs import make_logger\nlog = make_logger()\nlog.info(f'{x}')\n"},
        pyproject="[tool.layercheck]\nlogger-factories = ['app.obs.make_logger']\n",
    )
    assert check_json(root, "--select", "LC701").codes() == ["LC701"]


@pytest.mark.parametrize(
    "path, expected",
    [
        ("app/database.py", []),
        ("app/repositories/users.py", []),
        ("app/crud.py", []),
        ("app/db/session.py", []),
        ("app/services/users.py", ["LC101"]),
        ("app/api/deps.py", ["LC101"]),
        ("app/billing/router.py", ["LC101"]),
        ("app/tests/test_users.py", []),
        ("app/alembic/env.py", []),
        # Modules in no layer are held to LC101 too (SPEC revision 2); scripts are not.
        ("app/utils/helpers.py", ["LC101"]),
        ("app/core/security.py", ["LC101"]),
        ("app/scripts/seed.py", []),
    ],
)
def test_session_import_by_layer(project, path: str, expected: list[str]) -> None:
    root = project({path: "from sqlalchemy.ext.asyncio import AsyncSession\n"})
    assert check_json(root, "--select", "LC101").codes() == expected


def test_session_type_reexported_or_wrapped_by_the_project(project) -> None:
    root = project(
        {
            "app/db/__init__.py": "from sqlalchemy.orm import Session as DbSession\n",
            "app/types.py": "from typing import NewType\nfrom sqlalchemy.ext.asyncio import AsyncSession as _S\n"
            "AsyncSession = NewType('AsyncSession', _S)\n",
            "app/services/a.py": "from app.db import DbSession\n",
            "app/services/b.py": "from app.types import AsyncSession\n",
            "app/services/c.py": "from app.database import SessionDep\n",
            "app/database.py": "from typing import Annotated\nfrom sqlalchemy.ext.asyncio import AsyncSession\n"
            "SessionDep = Annotated[AsyncSession, 1]\n",
        }
    )
    found = sorted(Path(i["filename"]).name for i in check_json(root, "--select", "LC101").json())
    assert found == ["a.py", "b.py"]


def test_relative_and_src_prefixed_imports_resolve(project) -> None:
    root = project(
        {
            "src/api/v1/users.py": "from ...repositories import user_repository\n"
            "from src.repositories.user_repository import get\n"
            "from fastapi import APIRouter\n",
            "src/repositories/user_repository.py": "async def get(): ...\n",
        }
    )
    found = [(i["location"]["row"], i["code"]) for i in check_json(root).json()]
    assert found == [(1, "LC102"), (2, "LC102")]


def test_type_checking_imports_can_be_allowed(project) -> None:
    files = {
        "app/repositories/users.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from app.services.users import UserService\n",
        "app/services/users.py": "class UserService: ...\n",
    }
    root = project(files)
    assert check_json(root).codes() == ["LC103"]
    root2 = write_project(root.parent / "p2", files, "[tool.layercheck]\nallow-type-checking-imports = true\n")
    assert check_json(root2).codes() == []


def test_force_exclude_applies_excludes_to_named_files(project) -> None:
    root = project(
        {"app/api/generated/b.py": ROUTER_WITH_SQL, ".gitignore": "generated/\n", "app/api/legacy.py": ROUTER_WITH_SQL},
        pyproject="[tool.layercheck]\nselect=['LC201']\nextend-exclude=['legacy.py']\n",
    )
    named = ["app/api/generated/b.py", "app/api/legacy.py"]
    assert run_layercheck(["--no-cache", *named], root).exit_code == 1
    run = run_layercheck(["--no-cache", "--force-exclude", *named], root)
    assert run.exit_code == 0, run.output


def test_a_project_module_named_like_the_stdlib_does_not_capture_its_names(project) -> None:
    # `backend/app/schemas/json.py` must not make the standard library's `json` a schema module.
    root = project(
        {
            "backend/app/schemas/json.py": "class Payload: ...\n",
            "backend/app/models/user.py": "import json\nfrom json import dumps\n",
        }
    )
    assert check_json(root, "--select", "LC103").codes() == []

"""LC703, LC704 and the project-layout rules LC801–LC804, the presets' layouts, and `init`.

Each rule is run through the CLI on a small project: the violation (with its position),
the same code done right, and the near-misses a reviewer would not call violations.
"""

from __future__ import annotations

import json

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, check_json, run_layercheck, write_project

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

STRUCTLOG_SETUP = {
    "app/core/logging.py": """
        import structlog

        structlog.configure(processors=[structlog.processors.JSONRenderer()])
    """,
}


def findings(root: Path, *flags: str) -> list[tuple[str, str, int, int]]:
    """(code, path below the root, row, column) of every finding, sorted."""
    run = check_json(root, *flags)
    assert run.exit_code in (0, 1), run.output + run.stderr
    result = []
    for item in run.json():
        path = Path(item["filename"])
        try:
            shown = path.relative_to(root.resolve()).as_posix()
        except ValueError:
            shown = path.as_posix()
        result.append((item["code"], shown, item["location"]["row"], item["location"]["column"]))
    return sorted(result)


def messages(root: Path, *flags: str) -> list[str]:
    return [item["message"] for item in check_json(root, *flags).json()]


# ----- LC703 stdlib-logging-with-structlog ----------------------------------------------------

LOGGING_CASES = {
    "module_logger_used": (
        """
        import logging

        logger = logging.getLogger(__name__)


        async def pay(invoice_id: int) -> None:
            logger.info("paying %s", invoice_id)
        """,
        [(3, 10)],
    ),
    "root_logger_function": (
        """
        import logging


        def pay(invoice_id: int) -> None:
            logging.warning("paying %s", invoice_id)
        """,
        [(5, 5)],
    ),
    "chained_call": (
        """
        from logging import getLogger


        def pay() -> None:
            getLogger(__name__).error("payment failed")
        """,
        [(5, 5)],
    ),
    "attribute_logger": (
        """
        import logging


        class PaymentService:
            def __init__(self) -> None:
                self.log = logging.getLogger("payments")

            def pay(self) -> None:
                self.log.exception("payment failed")
        """,
        [(6, 20)],
    ),
    "class_attribute_logger": (
        """
        import logging


        class RefundService:
            log = logging.getLogger("refunds")

            def refund(self) -> None:
                self.log.info("refunded")
        """,
        [(5, 11)],
    ),
    "exported_module_logger": (
        """
        import logging

        logger = logging.getLogger("app")
        """,
        [(3, 10)],
    ),
    "factory_returns_stdlib_logger": (
        """
        import logging


        def get_logger(name: str) -> logging.Logger:
            return logging.getLogger(name)
        """,
        [(5, 12)],
    ),
    "configuration_only": (
        """
        import logging
        import sys

        import structlog

        logging.basicConfig(stream=sys.stdout, level=logging.INFO)
        logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
        for name in ("uvicorn", "uvicorn.error"):
            logging.getLogger(name).handlers.clear()
        root = logging.getLogger()
        root.addHandler(logging.StreamHandler())
        root.setLevel(logging.INFO)
        sqlalchemy_logger = logging.getLogger("sqlalchemy.engine")
        sqlalchemy_logger.propagate = False
        wrapped = structlog.wrap_logger(logging.getLogger("app"))
        """,
        [],
    ),
    "function_logger_configured": (
        """
        import logging


        def quiet_third_parties() -> None:
            noisy = logging.getLogger("httpx")
            noisy.setLevel(logging.WARNING)
        """,
        [],
    ),
    "structlog_logger": (
        """
        import structlog

        log = structlog.get_logger()


        def pay(invoice_id: int) -> None:
            log.info("invoice_paid", invoice_id=invoice_id)
        """,
        [],
    ),
}


@pytest.mark.parametrize("case", sorted(LOGGING_CASES))
def test_stdlib_logging_in_a_structlog_project(project, case: str) -> None:
    source, expected = LOGGING_CASES[case]
    root = project({**STRUCTLOG_SETUP, "app/services/payments.py": source})
    found = [(row, col) for code, path, row, col in findings(root, "--select", "LC703") if code == "LC703"]
    assert found == expected


def test_stdlib_logging_is_fine_without_structlog(project) -> None:
    source, _ = LOGGING_CASES["module_logger_used"]
    root = project({"app/services/payments.py": source})
    assert findings(root, "--select", "LC703") == []


def test_allow_stdlib_accepts_named_loggers_only(project) -> None:
    root = project(
        {
            **STRUCTLOG_SETUP,
            "app/services/payments.py": LOGGING_CASES["module_logger_used"][0],
            "app/services/refunds.py": LOGGING_CASES["root_logger_function"][0],
        },
        pyproject="[tool.layercheck.rules.LC703]\nallow-stdlib = true\n",
    )
    assert [(path, row) for _, path, row, _ in findings(root, "--select", "LC703")] == [
        ("app/services/refunds.py", 5)
    ]


# ----- LC704 print-in-server-code ---------------------------------------------------------------


def test_print_in_a_service_and_in_a_module_of_no_layer(project) -> None:
    root = project(
        {
            "app/services/orders.py": """
                async def place(order_id: int) -> None:
                    print("placing", order_id)
            """,
            "app/core/helpers.py": """
                def slug(text: str) -> str:
                    print(text)
                    return text.lower()
            """,
        }
    )
    assert findings(root, "--select", "LC704") == [
        ("LC704", "app/core/helpers.py", 2, 5),
        ("LC704", "app/services/orders.py", 2, 5),
    ]


PRINT_NEAR_MISSES = {
    "scripts/seed.py": "print('seeded')\n",
    "app/cli.py": "print('done')\n",
    "app/__main__.py": "print('usage: app ...')\n",
    "tools/report.py": """
        import argparse

        parser = argparse.ArgumentParser()
        print(parser.parse_args())
    """,
    "tools/export.py": """
        def main() -> None:
            print("exported")


        if __name__ == "__main__":
            main()
    """,
    "app/commands.py": """
        import typer

        cli = typer.Typer()


        @cli.command()
        def create_admin(email: str) -> None:
            print(f"created {email}")
    """,
    "app/services/pretty.py": """
        from rich import print


        def show(value: object) -> None:
            print(value)
    """,
    "app/services/local.py": """
        def print(*values: object) -> None:
            pass


        def show(value: object) -> None:
            print(value)
    """,
    "app/db/revisions/0001_init.py": """
        from alembic import op

        revision = "0001"


        def upgrade() -> None:
            print("creating tables")
            op.create_table("users")
    """,
    "tests/test_orders.py": """
        def test_place() -> None:
            print("debug")
    """,
}


@pytest.mark.parametrize("path", sorted(PRINT_NEAR_MISSES))
def test_print_where_a_console_is_the_audience(project, path: str) -> None:
    root = project({path: PRINT_NEAR_MISSES[path]})
    assert findings(root, "--select", "LC704") == []


def test_print_in_the_app_module_with_a_main_guard_is_flagged(project) -> None:
    root = project(
        {
            "app/main.py": """
                import uvicorn
                from fastapi import FastAPI

                app = FastAPI()


                @app.on_event("startup")
                async def startup() -> None:
                    print("starting")


                if __name__ == "__main__":
                    print("serving on :8000")
                    uvicorn.run(app)
            """
        }
    )
    assert findings(root, "--select", "LC704") == [("LC704", "app/main.py", 9, 5)]


def test_allowed_paths_option(project) -> None:
    root = project(
        {"ops/backfill.py": "print('backfilled')\n"},
        pyproject='[tool.layercheck.rules.LC704]\nallowed-paths = ["ops/**"]\n',
    )
    assert findings(root, "--select", "LC704") == []


# ----- LC801 non-pyproject-dependency-file ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("requirements.txt", "fastapi==0.111.0\n"),
        ("requirements-dev.txt", "-r requirements.txt\npytest==8.2.0\n"),
        ("requirements/base.txt", "sqlalchemy>=2.0\n"),
        ("Pipfile", "[packages]\nfastapi = '*'\n"),
        ("setup.py", "from setuptools import setup\n\nsetup(name='app', install_requires=['fastapi'])\n"),
        ("setup.cfg", "[metadata]\nname = app\n\n[options]\ninstall_requires =\n    fastapi\n"),
    ],
)
def test_dependency_file_outside_pyproject(project, name: str, content: str) -> None:
    root = project({name: content})
    assert ("LC801", name, 1, 1) in findings(root, "--select", "LC801")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("requirements.txt", "# autogenerated by uv via the following command:\n#    uv export\n-e .\nfastapi==0.1\n"),
        ("requirements.txt", "#    pip-compile --output-file=requirements.txt pyproject.toml\nfastapi==0.111.0\n"),
        ("requirements.txt", "-e .\n"),
        ("setup.cfg", "[flake8]\nmax-line-length = 100\n\n[mypy]\nstrict = True\n"),
        ("setup.py", "from setuptools import setup\n\nsetup()\n"),
        ("docs/requirements.txt", "sphinx\n"),
    ],
)
def test_dependency_files_that_are_not_a_second_list(project, name: str, content: str) -> None:
    root = project({name: content})
    assert findings(root, "--select", "LC801") == []


def test_project_checks_run_only_when_the_run_covers_the_root(project) -> None:
    root = project(
        {
            "requirements.txt": "fastapi\n",
            "setup.py": "from setuptools import setup\nsetup(name='x', install_requires=['y'])\n",
            "app/api/users.py": "x = 1\n",
        }
    )
    # pre-commit passes the changed files: no finding about the rest of the project
    run = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC801", "app/api/users.py"], root)
    assert run.exit_code == 0 and run.json() == []
    # a dependency file named on the command line is reported
    run = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC801", "setup.py"], root)
    assert [(item["code"], Path(item["filename"]).name) for item in run.json()] == [("LC801", "setup.py")]


def test_project_findings_follow_per_file_ignores_and_the_cache(project) -> None:
    root = project(
        {"requirements.txt": "fastapi\n", "app/main.py": "x = 1\n"},
        pyproject='[tool.layercheck.per-file-ignores]\n"requirements.txt" = ["LC801"]\n',
    )
    assert findings(root, "--select", "LC801") == []
    (root / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    (root / "Pipfile").write_text("[packages]\n")
    args = ["--output-format", "json", "--select", "LC801", "."]
    first = run_layercheck(args, root).json()
    assert {Path(item["filename"]).name for item in first} == {"requirements.txt", "Pipfile"}
    # the warm run reuses the last answer only while the files it read are unchanged
    (root / "Pipfile").unlink()
    second = run_layercheck(args, root).json()
    assert {Path(item["filename"]).name for item in second} == {"requirements.txt"}


# ----- LC802 env-file-problems ------------------------------------------------------------------

SETTINGS = {
    "app/config.py": """
        from pydantic import Field
        from pydantic_settings import BaseSettings, SettingsConfigDict


        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_file=".env", env_prefix="SHOP_")

            DATABASE_URL: str
            SECRET_KEY: str
            DEBUG: bool = False
            redis_url: str = Field("redis://localhost", alias="REDIS_DSN")
    """,
}
COMPLETE_EXAMPLE = "SHOP_DATABASE_URL=\nSHOP_SECRET_KEY=\nSHOP_DEBUG=false\nREDIS_DSN=\n"


def test_complete_example_without_secrets_is_clean(project) -> None:
    root = project({**SETTINGS, ".env.example": COMPLETE_EXAMPLE, ".gitignore": ".env\n", ".env": "SHOP_DEBUG=1\n"})
    assert findings(root, "--select", "LC802") == []


def test_missing_example_file_is_reported_on_the_root(project) -> None:
    root = project(SETTINGS)
    assert findings(root, "--select", "LC802") == [("LC802", ".", 1, 1)]
    assert messages(root, "--select", "LC802") == [
        "no `.env.example` documents the environment variables read by `Settings`"
    ]


def test_no_settings_and_no_env_needs_no_example(project) -> None:
    root = project({"app/main.py": "x = 1\n"})
    assert findings(root, "--select", "LC802") == []


def test_secret_values_and_url_passwords_are_reported_on_the_value(project) -> None:
    example = (
        "SHOP_DATABASE_URL=postgresql://shop:hunter2@db:5432/shop\n"
        "SHOP_SECRET_KEY='9f8e7d6c5b4a'\n"
        "SHOP_DEBUG=true\n"
        "REDIS_DSN=redis://localhost:6379/0\n"
        "STRIPE_API_KEY=<your-stripe-key>\n"
        "GITHUB_TOKEN=changeme\n"
        "IS_ALLOWED_CREDENTIALS=True\n"
    )
    root = project({**SETTINGS, ".env.example": example})
    assert findings(root, "--select", "LC802") == [
        ("LC802", ".env.example", 1, 19),
        ("LC802", ".env.example", 2, 17),
    ]


def test_a_value_that_only_names_its_slot_is_a_placeholder(project) -> None:
    # `redis://user:password@host` and `db_password` say where the password goes; an
    # invented one (`super_password`) is a value all the same.
    example = (
        "SHOP_DATABASE_URL=postgresql://shop:db_password@db:5432/shop\n"
        "REDIS_DSN=redis://user:password@localhost:6379/0\n"
        "SHOP_SECRET_KEY=secret\n"
        "ADMIN_PASSWORD=super_password\n"
        "SHOP_DEBUG=false\n"
    )
    root = project({**SETTINGS, ".env.example": example})
    assert findings(root, "--select", "LC802") == [("LC802", ".env.example", 4, 16)]


def test_a_key_shown_cut_short_is_a_placeholder(project) -> None:
    # `sk-or-v1-....` shows the key's format and leaves the rest out; a key written whole
    # (`sk-or-v1-5f3a9c`) is a value.
    example = "LLM_API_KEY=sk-or-v1-....\nOPENAI_API_KEY=sk-proj-\u2026\nSTRIPE_API_KEY=sk-or-v1-5f3a9c\n"
    root = project({**SETTINGS, ".env.example": example})
    values = [found for found in findings(root, "--select", "LC802") if found[2:] != (1, 1)]  # (not the missing keys)
    assert values == [("LC802", ".env.example", 3, 16)]


def test_flag_all_values_option(project) -> None:
    root = project(
        {**SETTINGS, ".env.example": COMPLETE_EXAMPLE},
        pyproject="[tool.layercheck.rules.LC802]\nflag-all-values = true\n",
    )
    assert findings(root, "--select", "LC802") == [("LC802", ".env.example", 3, 12)]


def test_missing_keys_are_named_in_one_finding_per_settings_class(project) -> None:
    root = project({**SETTINGS, ".env.example": "SHOP_DATABASE_URL=\n"})
    assert findings(root, "--select", "LC802") == [("LC802", ".env.example", 1, 1)]
    (message,) = messages(root, "--select", "LC802")
    assert "3 keys" in message and "`REDIS_DSN`" in message and "`SHOP_SECRET_KEY`" in message
    assert "DATABASE_URL`" not in message.replace("SHOP_DATABASE_URL", "")


def test_required_keys_only_and_ignore_keys(project) -> None:
    root = project(
        {**SETTINGS, ".env.example": "SHOP_DATABASE_URL=\n"},
        pyproject='[tool.layercheck.rules.LC802]\nrequired-keys-only = true\nignore-keys = ["SHOP_SECRET_KEY"]\n',
    )
    assert findings(root, "--select", "LC802") == []


def test_inherited_fields_and_other_example_names(project) -> None:
    root = project(
        {
            "app/settings/base.py": """
                from pydantic_settings import BaseSettings


                class AppSettings(BaseSettings):
                    DATABASE_URL: str
            """,
            "app/settings/production.py": """
                from app.settings.base import AppSettings


                class ProductionSettings(AppSettings):
                    SENTRY_DSN: str
            """,
            ".env.sample": "DATABASE_URL=\n",
        }
    )
    (message,) = messages(root, "--select", "LC802")
    assert message.startswith("`.env.sample` lacks key read by `ProductionSettings`") and "`SENTRY_DSN`" in message


def test_settings_with_custom_sources_are_not_checked_for_keys(project) -> None:
    root = project(
        {
            "app/config.py": """
                from pydantic_settings import BaseSettings


                class Settings(BaseSettings):
                    DATABASE_URL: str
                    PLUGIN_HOST: str

                    @classmethod
                    def settings_customise_sources(cls, settings_cls, **sources):
                        return tuple(sources.values())
            """,
            ".env.example": "DATABASE_URL=\n",
        }
    )
    assert findings(root, "--select", "LC802") == []


def test_example_beside_the_settings_package(project) -> None:
    root = project({"backend/core/conf.py": SETTINGS["app/config.py"], "backend/.env.example": COMPLETE_EXAMPLE})
    assert findings(root, "--select", "LC802") == []


def test_env_not_ignored(project) -> None:
    root = project({**SETTINGS, ".env.example": COMPLETE_EXAMPLE, ".env": "SHOP_SECRET_KEY=real\n"})
    assert findings(root, "--select", "LC802") == [("LC802", ".env", 1, 1)]
    assert "not git-ignored" in messages(root, "--select", "LC802")[0]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_env_tracked_by_git_in_a_backend_folder(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    root = write_project(top / "backend", {**SETTINGS})
    (top / ".env").write_text("SHOP_SECRET_KEY=real\n")
    (top / ".env.example").write_text(COMPLETE_EXAMPLE)
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=top, check=True)
    subprocess.run([*git, "add", "-A"], cwd=top, check=True)
    assert findings(root, "--select", "LC802") == [("LC802", (top / ".env").as_posix(), 1, 1)]
    assert "tracked by git" in messages(root, "--select", "LC802")[0]
    # untracked and ignored: clean (the git index changed, so the last answer is not reused)
    subprocess.run([*git, "rm", "-q", "--cached", ".env"], cwd=top, check=True)
    (top / ".gitignore").write_text(".env\n")
    args = ["--output-format", "json", "--select", "LC802", "."]
    assert run_layercheck(args, root).json() == []


# ----- LC803 no-global-exception-handler --------------------------------------------------------

APP = """
    from fastapi import FastAPI

    from app.core.errors import register_handlers

    app = FastAPI(title="Shop")
    register_handlers(app)
"""

HANDLERS = {
    "none": ("", True),
    "http_only": (
        """
        from fastapi import HTTPException

        def register_handlers(app):
            app.add_exception_handler(HTTPException, lambda request, exc: None)
        """,
        True,
    ),
    "add_exception_handler": (
        """
        def register_handlers(app):
            app.add_exception_handler(Exception, lambda request, exc: None)
        """,
        False,
    ),
    "status_500": (
        """
        from fastapi import status

        def register_handlers(app):
            app.add_exception_handler(status.HTTP_500_INTERNAL_SERVER_ERROR, lambda request, exc: None)
        """,
        False,
    ),
    "decorator": (
        """
        def register_handlers(app):
            @app.exception_handler(Exception)
            async def unhandled(request, exc):
                return None
        """,
        False,
    ),
    "handlers_dict": (
        """
        exception_handlers = {}

        async def unhandled(request, exc):
            return None

        exception_handlers[Exception] = unhandled

        def register_handlers(app):
            for exc, handler in exception_handlers.items():
                app.add_exception_handler(exc, handler)
        """,
        False,
    ),
    "catching_middleware": (
        """
        from fastapi.responses import JSONResponse
        from starlette.middleware.base import BaseHTTPMiddleware

        class CatchAll(BaseHTTPMiddleware):
            async def dispatch(self, request, call_next):
                try:
                    response = await call_next(request)
                except Exception:
                    response = JSONResponse({"detail": "Internal server error"}, status_code=500)
                return response

        def register_handlers(app):
            app.add_middleware(CatchAll)
        """,
        False,
    ),
    "reraising_middleware": (
        """
        from starlette.middleware.base import BaseHTTPMiddleware

        class Metrics(BaseHTTPMiddleware):
            async def dispatch(self, request, call_next):
                try:
                    return await call_next(request)
                except Exception:
                    COUNTER.inc()
                    raise

        def register_handlers(app):
            app.add_middleware(Metrics)
        """,
        True,
    ),
}


@pytest.mark.parametrize("case", sorted(HANDLERS))
def test_global_exception_handler(project, case: str) -> None:
    errors, flagged = HANDLERS[case]
    root = project({"app/main.py": APP, "app/core/errors.py": errors or "def register_handlers(app):\n    pass\n"})
    expected = [("LC803", "app/main.py", 5, 7)] if flagged else []
    assert findings(root, "--select", "LC803") == expected


def test_handler_given_to_the_constructor_and_handlers_in_tests(project) -> None:
    root = project(
        {
            "app/main.py": """
                from fastapi import FastAPI

                async def unhandled(request, exc):
                    return None

                app = FastAPI(exception_handlers={Exception: unhandled})
                admin = FastAPI()
            """,
            "tests/conftest.py": """
                def make(app):
                    app.add_exception_handler(Exception, lambda r, e: None)
            """,
        }
    )
    assert findings(root, "--select", "LC803") == [("LC803", "app/main.py", 7, 9)]


def test_exception_handler_known_when_checking_one_file(project) -> None:
    root = project({"app/main.py": APP, "app/core/errors.py": HANDLERS["decorator"][0]})
    run = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC803", "app/main.py"], root)
    assert run.exit_code == 0 and run.json() == []


@pytest.mark.parametrize("case", sorted(case for case, (_, flagged) in HANDLERS.items() if not flagged))
def test_every_handler_form_is_found_when_no_import_leads_to_it(project, case: str) -> None:
    # A run on one file reads the modules that could register a handler by their bytes:
    # every form the rule knows must be among them.
    app = "from fastapi import FastAPI\n\napp = FastAPI()\n"
    files = {"app/main.py": app, "app/plugins/errors.py": HANDLERS[case][0]}
    files["app/scripts/report.py"] = "try:\n    pass\nexcept Exception:\n    pass\n"
    root = project(files)
    run = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC803", "app/main.py"], root)
    assert run.exit_code == 0 and run.json() == []
    root = project({**files, "app/plugins/errors.py": "# only mentions Exception and scopes\n"})
    run = run_layercheck(["--output-format", "json", "--no-cache", "--select", "LC803", "app/main.py"], root)
    assert [item["code"] for item in run.json()] == ["LC803"]


# ----- LC804 scaffold-deviates ------------------------------------------------------------------

SCAFFOLD = {
    "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    "app/config.py": "X = 1\n",
    "app/database.py": "X = 1\n",
    "app/api/v1/users.py": "X = 1\n",
    "app/services/user_service.py": "X = 1\n",
    "app/repositories/user_repository.py": "X = 1\n",
    "app/models/user.py": "X = 1\n",
    "app/schemas/user.py": "X = 1\n",
}


def test_scaffold_is_off_by_default_and_names_missing_layers(project) -> None:
    listed = run_layercheck(["rules", "--output-format", "json"], REPO).json()
    assert next(row for row in listed if row["code"] == "LC804")["default"] is False
    files = {path: text for path, text in SCAFFOLD.items() if "services" not in path and "database" not in path}
    root = project(files)
    assert "LC804" not in [code for code, *_ in findings(root, "--extend-select", "LC801")]
    assert findings(root, "--select", "LC804") == [("LC804", ".", 1, 1), ("LC804", ".", 1, 1)]
    assert sorted(messages(root, "--select", "LC804")) == [
        "no `database.py`: the `database` layer of the scaffold is missing",
        "no `services/`: the `service` layer of the scaffold is missing",
    ]


def test_complete_scaffold_and_a_library(project, tmp_path: Path) -> None:
    assert findings(project(SCAFFOLD), "--select", "LC804") == []
    library = write_project(tmp_path / "lib", {"lib/core.py": "X = 1\n"})
    assert findings(library, "--select", "LC804") == []


# ----- presets: layouts placed with zero configuration ------------------------------------------


def layers(root: Path) -> dict[str, str]:
    run = run_layercheck(["layers", "--output-format", "json", "--no-cache", "."], root)
    assert run.exit_code == 0, run.output
    return {item["path"]: item["layer"] or "-" for item in json.loads(run.output)}


def test_domain_first_fixture_is_placed_without_configuration() -> None:
    placed = layers(REPO / "tests/fixtures/apps/domain_first")
    for domain in ("auth", "billing"):
        assert placed[f"src/{domain}/router.py"] == "api"
        assert placed[f"src/{domain}/service.py"] == "service"
        assert placed[f"src/{domain}/repository.py"] == "repository"
        assert placed[f"src/{domain}/models.py"] == "model"
        assert placed[f"src/{domain}/schemas.py"] == "schema"


def test_crud_package_fixture_is_placed_without_configuration() -> None:
    placed = layers(REPO / "tests/fixtures/apps/crud_layout")
    assert placed["app/crud/item.py"] == placed["app/crud/__init__.py"] == "repository"
    assert placed["app/models.py"] == "model" and placed["app/schemas.py"] == "schema"
    assert placed["app/core/db.py"] == "database" and placed["app/api/routes/items.py"] == "api"


def test_crud_module_layout(project) -> None:
    root = project(
        {
            "app/crud.py": """
                from sqlalchemy.orm import Session

                def get_user(session: Session, user_id: int):
                    return session.get(User, user_id)
            """,
            "app/api/routes/users.py": """
                from app import crud

                def read_user(session, user_id: int):
                    return crud.get_user(session, user_id)
            """,
        }
    )
    assert layers(root)["app/crud.py"] == "repository"
    assert ("LC102", "app/api/routes/users.py", 1, 17) in findings(root, "--select", "LC102")


# ----- layercheck init --------------------------------------------------------------------------

SINGULAR_LAYOUT = {
    "backend/app/admin/api/v1/user.py": "from backend.app.admin.service.user_service import list_users\n",
    "backend/app/admin/service/user_service.py": "def list_users():\n    return []\n",
    "backend/app/admin/crud/crud_user.py": "X = 1\n",
    "backend/app/admin/model/user.py": "X = 1\n",
    "backend/app/admin/schema/user.py": "X = 1\n",
    "backend/app/notes/views.py": "X = 1\n",
    "backend/app/notes/use_cases.py": "X = 1\n",
    "backend/app/orders/controllers/order_controller.py": "X = 1\n",
    "backend/core/conf.py": "X = 1\n",
    "backend/entity/service.py": "X = 1\n",
    "backend/entity/models.py": "X = 1\n",
    "backend/entity/helpers.py": "X = 1\n",
}


def test_init_maps_other_names_and_the_config_loads(project) -> None:
    root = project(SINGULAR_LAYOUT)
    run = run_layercheck(["init"], root)
    assert run.exit_code == 0, run.output + run.stderr
    assert "model" in run.output and "**/model/**" in run.output and "Wrote [tool.layercheck]" in run.output
    table = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["layercheck"]
    assert table["layers"]["model"] == {"extend-paths": ["**/model/**"]}
    assert "schema" not in table["layers"]  # the preset places a singular `schema/` itself
    assert "service" not in table["layers"]  # `use_cases.py` and `controllers/` are in the preset
    assert table["layers"]["config"] == {"extend-paths": ["**/conf.py"]}
    # a domain folder holding other layers (`entity/service.py`) is not made a model folder
    assert "**/entity/**" not in str(table)
    placed = layers(root)
    assert placed["backend/app/admin/model/user.py"] == "model"
    assert placed["backend/app/notes/use_cases.py"] == "service"
    assert placed["backend/app/orders/controllers/order_controller.py"] == "service"
    assert run_layercheck(["--no-cache", "--output-format", "json", "."], root).exit_code in (0, 1)


def test_init_refuses_an_existing_section_unless_forced(project) -> None:
    root = project(SINGULAR_LAYOUT, pyproject="[project]\nname = 'app'\n\n[tool.layercheck]\nsrc = ['.']\n")
    before = (root / "pyproject.toml").read_text()
    run = run_layercheck(["init"], root)
    assert run.exit_code == 2 and "already has a [tool.layercheck] section" in run.stderr
    assert (root / "pyproject.toml").read_text() == before
    assert run_layercheck(["init", "--force"], root).exit_code == 0
    text = (root / "pyproject.toml").read_text()
    assert text.count("[tool.layercheck]") == 1 and "src = ['.']" not in text
    assert tomllib.loads(text)["project"]["name"] == "app"


def test_init_without_pyproject_writes_layercheck_toml(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    for name, text in {"app/model/user.py": "X = 1\n", "app/api/users.py": "X = 1\n"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    run = run_layercheck(["init", "."], root)
    assert run.exit_code == 0, run.stderr
    data = tomllib.loads((root / "layercheck.toml").read_text())
    assert data["layers"]["model"] == {"extend-paths": ["**/model/**"]}
    assert layers(root)["app/model/user.py"] == "model"


def test_init_dry_run_writes_nothing(project) -> None:
    root = project(SINGULAR_LAYOUT)
    before = (root / "pyproject.toml").read_text()
    run = run_layercheck(["init", "--dry-run", "."], root)
    assert run.exit_code == 0 and "[tool.layercheck.layers]" in run.output and "Would write" in run.output
    assert (root / "pyproject.toml").read_text() == before


def test_init_finds_a_nested_source_root(project) -> None:
    root = project(
        {
            "backend/app/__init__.py": "",
            "backend/app/api/__init__.py": "",
            "backend/app/api/users.py": "from app.services.users import list_users\n",
            "backend/app/services/__init__.py": "",
            "backend/app/services/users.py": "from app.models import User\n",
            "backend/app/models.py": "class User:\n    pass\n",
        }
    )
    assert run_layercheck(["init"], root).exit_code == 0
    assert tomllib.loads((root / "pyproject.toml").read_text())["tool"]["layercheck"]["src"] == ["backend"]

"""The thirtieth round: the pre-parse scan's quick pass and the parser's quicker node
construction change no finding; each checked through the CLI on a small project."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_project
from test_revision2 import findings

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

"""`--fix`, `--unsafe-fixes`, `--diff` and `--add-noqa`: fixes applied the way ruff applies
them, without losing a byte the user did not ask to change."""

from __future__ import annotations

import os
import stat
import textwrap
from pathlib import Path

import pytest
from conftest import check_json, run_layercheck, write_project

STRUCTLOG = "import structlog\n\nlog = structlog.get_logger()\n\n\n"
STDLIB = "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"


def fix(root: Path, *flags: str) -> tuple[int, str, str]:
    run = run_layercheck(["--no-cache", "--output-format", "concise", *flags, "."], root)
    return run.exit_code, run.output, run.stderr


def service(root: Path, name: str = "app/services/users.py") -> str:
    return (root / name).read_text()


def one_function(header: str, *body: str) -> str:
    lines = "\n".join(f"    {line}" for line in body)
    return f"{header}def handle(user, users, user_id, count, reason):\n{lines}\n"


@pytest.mark.parametrize(
    ("header", "before", "after"),
    [
        (STRUCTLOG, 'log.info(f"user {user.id} created")', 'log.info("user_created", user_id=user.id)'),
        (STRUCTLOG, "log.info(f'user {user.id} created')", "log.info('user_created', user_id=user.id)"),
        (STRUCTLOG, 'log.warning("user %s blocked" % user_id)', 'log.warning("user_blocked", user_id=user_id)'),
        (
            STRUCTLOG,
            'log.info("{} users, {reason}".format(count, reason=reason))',
            'log.info("users", count=count, reason=reason)',
        ),
        (
            STRUCTLOG,
            'log.info("user " + str(user_id) + " created", request_id=1)',
            'log.info("user_created", user_id=str(user_id), request_id=1)',
        ),
        (STDLIB, 'log.info(f"user {user.id} created")', 'log.info("user %s created", user.id)'),
        (STDLIB, 'log.info(f"user {user!r} at 100%")', 'log.info("user %r at 100%%", user)'),
        (STDLIB, 'log.info("user %s (%d)" % (user_id, count))', 'log.info("user %s (%d)", user_id, count)'),
        (STDLIB, 'log.info("{} of {}".format(count, len(users)))', 'log.info("%s of %s", count, len(users))'),
        (STDLIB, 'log.error("failed: " + str(reason))', 'log.error("failed: %s", reason)'),
        (STDLIB, 'log.log(10, f"user {user_id}")', 'log.log(10, "user %s", user_id)'),
    ],
    ids=[
        "structlog-fstring",
        "structlog-keeps-quotes",
        "structlog-percent",
        "structlog-format",
        "structlog-plus",
        "stdlib-fstring",
        "stdlib-conversion-and-percent-sign",
        "stdlib-percent",
        "stdlib-format",
        "stdlib-plus-unwraps-str",
        "stdlib-level-first",
    ],
)
def test_log_message_fixes(project, header: str, before: str, after: str) -> None:
    root = project({"app/services/users.py": one_function(header, before)})
    exit_code, output, _ = fix(root, "--fix", "--unsafe-fixes")
    assert service(root) == one_function(header, after)
    assert exit_code == 0, output
    assert "Fixed 1 error" in output


def test_multi_line_call_keeps_layout_and_comments(project) -> None:
    source = STRUCTLOG + textwrap.dedent(
        """\
        class Service:
            def handle(self, order):
                if order:
                    log.info(
                        f"order {self.order.id} placed in {order.shop['name']}",  # why
                        source="api",
                    )
        """
    )
    expected = STRUCTLOG + textwrap.dedent(
        """\
        class Service:
            def handle(self, order):
                if order:
                    log.info(
                        "order_placed_in",
                        order_id=self.order.id,
                        name=order.shop['name'],  # why
                        source="api",
                    )
        """
    )
    root = project({"app/services/orders.py": source})
    exit_code, output, _ = fix(root, "--fix", "--unsafe-fixes")
    assert exit_code == 0, output
    assert service(root, "app/services/orders.py") == expected


@pytest.mark.parametrize(
    "line",
    [
        'log.info(f"{user:>10} created")',  # a format spec has no lazy `%s` form
        'log.info("{0} and {0}".format(user))',  # a value used twice
        'log.info("{} and {}".format(user))',  # an error at run time
    ],
    ids=["format-spec", "value-used-twice", "missing-value"],
)
def test_stdlib_messages_without_a_faithful_rewrite_are_left_alone(project, line: str) -> None:
    root = project({"app/services/users.py": one_function(STDLIB, line)})
    before = service(root)
    exit_code, _, _ = fix(root, "--fix", "--unsafe-fixes")
    assert exit_code == 1
    assert service(root) == before


def test_unsafe_fixes_need_the_flag(project) -> None:
    root = project({"app/services/users.py": one_function(STRUCTLOG, 'log.info(f"user {user_id}")')})
    before = service(root)
    exit_code, output, _ = fix(root, "--fix")
    assert exit_code == 1
    assert service(root) == before
    assert "[*]" not in output
    assert "1 more with `--unsafe-fixes`" in output
    exit_code, output, _ = fix(root, "--unsafe-fixes")
    assert "LC701 [*]" in output
    assert service(root) == before


def test_diff_prints_and_writes_nothing(project) -> None:
    root = project({"app/services/users.py": one_function(STRUCTLOG, 'log.info(f"user {user_id}")')})
    before = (root / "app/services/users.py").read_bytes()
    exit_code, output, stderr = fix(root, "--diff", "--unsafe-fixes")
    assert exit_code == 1
    assert (root / "app/services/users.py").read_bytes() == before
    assert "--- app/services/users.py\n+++ app/services/users.py\n" in output
    assert '-    log.info(f"user {user_id}")\n+    log.info("user", user_id=user_id)\n' in output
    assert "Would fix 1 error." in stderr
    # Without the unsafe fixes there is nothing to change.
    exit_code, output, _ = fix(root, "--diff")
    assert (exit_code, output) == (0, "")


def test_bom_crlf_and_mode_survive_and_second_run_changes_nothing(project) -> None:
    root = project({"pyproject.toml": "[project]\nname = 'app'\n"})
    source = (
        STRUCTLOG
        + "def handle(user_id):\n    log.info(\n        f\"user {user_id} is 'ok'\",\n    )\n"
        + "\n\nfrom pydantic import BaseModel\n\n\nclass UserOut(BaseModel):\n    id: int\n"
    )
    path = root / "app/services/users.py"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xef\xbb\xbf" + source.replace("\n", "\r\n").encode())
    os.chmod(path, 0o640)
    exit_code, output, _ = fix(root, "--fix", "--unsafe-fixes", "--select", "LC701")
    assert exit_code == 0, output
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\n") == data.count(b"\r\n")
    assert b'    log.info(\r\n        "user_is_ok",\r\n        user_id=user_id,\r\n    )\r\n' in data
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    mtime = path.stat().st_mtime_ns
    exit_code, output, _ = fix(root, "--fix", "--unsafe-fixes", "--select", "LC701")
    assert (exit_code, "Fixed" in output) == (0, False)
    assert path.read_bytes() == data
    assert path.stat().st_mtime_ns == mtime


def test_latin1_file_keeps_its_encoding(project) -> None:
    root = project({"pyproject.toml": "[project]\nname = 'app'\n"})
    source = "# -*- coding: latin-1 -*-\n" + one_function(STDLIB, 'log.info(f"café {count} é")')
    path = root / "app/services/users.py"
    path.parent.mkdir(parents=True)
    path.write_bytes(source.encode("latin-1"))
    exit_code, output, _ = fix(root, "--fix", "--unsafe-fixes")
    assert exit_code == 0, output
    assert path.read_bytes() == source.replace('f"café {count} é")', '"café %s é", count)').encode("latin-1")


def test_a_directive_quoted_in_a_string_is_not_a_suppression(project) -> None:
    # Were it one, LC002's fix would edit the string: only comments are suppressions.
    root = project({"app/services/users.py": 'HELP = """Write `# noqa: LC701` after the call."""\n'})
    exit_code, output, _ = fix(root, "--fix")
    assert (exit_code, "LC002" in output) == (0, False)


def test_a_fix_whose_result_would_not_parse_is_refused(project) -> None:
    # No rule offers such a fix today, so it is built by hand, as a buggy rule would make it
    # (an edit that drops a closing parenthesis); the good fix beside it still goes in.
    from layercheck.application.check import CheckOptions, check
    from layercheck.application.fixes import FileFixer, Rechecker
    from layercheck.domain.diagnostics import Diagnostic, Edit, Fix, Span
    from layercheck.engine.source import decode
    from layercheck.infrastructure.config import load_settings

    source = one_function(STRUCTLOG, 'log.info(f"user {user_id}")', "return (count)")
    root = project({"app/services/users.py": source})
    settings = load_settings([root])
    result = check([root], settings, CheckOptions(use_cache=False, need_records=True))
    [found] = result.diagnostics
    drop_paren = Fix("Drop `)`", (Edit(Span.of(8, 18, 8, 19), ""),), "unsafe")
    broken = Diagnostic("LC701", "broken", found.path, Span.of(8, 12, 8, 19), drop_paren)
    task = next(task for task in result.tasks.values() if task.display_path == found.path)
    rechecker = Rechecker(result.records, settings)
    fixer = FileFixer(found.path, lambda text: rechecker.evaluate(task, decode(source.encode()), text), unsafe=True)
    text, remaining, fixed = fixer.run(source, [found, broken])
    assert text == one_function(STRUCTLOG, 'log.info("user", user_id=user_id)', "return (count)")
    assert (remaining, fixed) == ([], 1)
    [problem] = fixer.problems
    assert problem.startswith(f"{found.path}:8:12: LC701 fix not applied: the result would not parse")


def test_unused_suppressions_are_removed_cleanly(project) -> None:
    root = project(
        {
            "app/api/users.py": """
                from sqlalchemy.ext.asyncio import AsyncSession  # noqa: LC101, LC201
                # noqa: LC701
                X = 1  # layercheck: ignore[LC704] kept for the old client
                Y = 2  # noqa: LC702  # type: ignore
                Z = 3  # noqa: LC701  # layercheck: ignore[LC702]
                V = 4  # noqa: LC701, E501
                W = 5  # noqa: LC999
            """
        }
    )
    exit_code, output, _ = fix(root, "--fix", "--select", "LC0,LC1,LC2,LC7")
    assert exit_code == 0, output
    assert (root / "app/api/users.py").read_text() == (
        "from sqlalchemy.ext.asyncio import AsyncSession  # noqa: LC101\n"
        "X = 1\n"
        "Y = 2  # type: ignore\n"
        "Z = 3\n"
        "V = 4  # noqa: E501\n"
        "W = 5\n"
    )


def test_add_noqa_suppresses_every_finding_in_place(project) -> None:
    root = project(
        {
            "app/api/users.py": """
                from sqlalchemy import select  # noqa: E501
                from sqlalchemy.ext.asyncio import AsyncSession


                async def users(db: AsyncSession):
                    return await db.execute(select(1))  # keep this comment
            """,
            "app/services/users.py": one_function(STRUCTLOG, 'log.info(f"""user {user_id}', '    created""")'),
        }
    )
    assert check_json(root).exit_code == 1
    run = run_layercheck(["--no-cache", "--add-noqa", "."], root)
    assert run.exit_code == 0
    assert run.output.startswith("Added 4 noqa directives.")  # one per line
    assert (root / "app/api/users.py").read_text() == textwrap.dedent(
        """\
        from sqlalchemy import select  # noqa: E501, LC104
        from sqlalchemy.ext.asyncio import AsyncSession  # noqa: LC101


        async def users(db: AsyncSession):
            return await db.execute(select(1))  # keep this comment  # noqa: LC201
        """
    )
    # The f-string spans two lines: the comment goes on its last line, outside the string.
    assert '        created""")  # noqa: LC701\n' in service(root)
    again = check_json(root)
    assert (again.exit_code, again.json()) == (0, [])


def test_overlapping_fixes_are_applied_in_rounds(project) -> None:
    # Two unused suppressions on one line: their removals overlap, the second waits a round.
    root = project({"app/services/users.py": "X = 1  # noqa: LC701  # layercheck: ignore[LC702]\n"})
    exit_code, output, _ = fix(root, "--fix")
    assert exit_code == 0, output
    assert service(root) == "X = 1\n"
    assert "Fixed 2 errors" in output


def test_fix_reports_what_remains(project) -> None:
    root = project(
        {
            "app/api/users.py": """
                from sqlalchemy.ext.asyncio import AsyncSession
                import structlog

                log = structlog.get_logger()
                log.info(f"loaded {AsyncSession}")
            """
        }
    )
    run = run_layercheck(["--no-cache", "--output-format", "json", "--fix", "--unsafe-fixes", "."], root)
    assert run.exit_code == 1
    assert [item["code"] for item in run.json()] == ["LC101"]


def test_show_fixes_prints_the_fix(project) -> None:
    root = project({"app/services/users.py": "X = 1  # noqa: LC701\n"})
    run = run_layercheck(["--no-cache", "--output-format", "full", "--show-fixes", "."], root)
    assert "help: Remove the unused suppression" in run.output


def test_fix_of_standard_input_goes_to_standard_output(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", {"app/services/users.py": "X = 1\n"})
    source = one_function(STRUCTLOG, 'log.info(f"user {user_id}")').encode()
    run = run_layercheck(
        ["--no-cache", "--fix", "--unsafe-fixes", "--stdin-filename", "app/services/users.py"], root, input=source
    )
    assert run.exit_code == 0
    assert run.output == one_function(STRUCTLOG, 'log.info("user", user_id=user_id)')
    assert service(root) == "X = 1\n"

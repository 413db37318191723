"""`--baseline FILE` and `--write-baseline`: adopt layercheck on a codebase with findings,
report only the new ones, and let the baseline shrink as findings are fixed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_layercheck

ROUTER = """\
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession


async def list_users(db: AsyncSession):
    return await db.execute(select(1))
"""
SERVICE = """\
import structlog

log = structlog.get_logger()


def created(user_id):
    log.info(f"user {user_id} created")
"""


@pytest.fixture
def app(project) -> Path:
    return project({"app/api/users.py": ROUTER, "app/services/users.py": SERVICE})


def run(root: Path, *flags: str) -> tuple[int, list[str], str]:
    """Exit code, `CODE path:line` of each finding, and stderr."""
    result = run_layercheck(["--no-cache", "--output-format", "json", *flags, "."], root)
    if result.exit_code == 2:
        return 2, [], result.stderr
    found = [f"{item['code']} {Path(item['filename']).name}:{item['location']['row']}" for item in result.json()]
    return result.exit_code, found, result.stderr


def write(root: Path, name: str = "baseline.json") -> None:
    result = run_layercheck(["--no-cache", "--baseline", name, "--write-baseline", "."], root)
    assert result.exit_code == 0, result.stderr
    assert "Recorded" in result.output


def test_a_written_baseline_hides_every_current_finding(app: Path) -> None:
    before = run(app)
    assert before[0] == 1 and len(before[1]) >= 4
    write(app)
    assert run(app, "--baseline", "baseline.json") == (0, [], "")


def test_findings_stay_hidden_when_lines_move(app: Path) -> None:
    write(app)
    for name in ("app/api/users.py", "app/services/users.py"):
        path = app / name
        path.write_text('"""A docstring added on top."""\n\n' + path.read_text())
    assert run(app, "--baseline", "baseline.json") == (0, [], "")


def test_a_new_finding_gets_through_alone(app: Path) -> None:
    write(app)
    path = app / "app/services/users.py"
    path.write_text(path.read_text() + '\n\ndef deleted(user_id):\n    log.info(f"user {user_id} deleted")\n')
    assert run(app, "--baseline", "baseline.json")[:2] == (1, ["LC701 users.py:11"])


def test_a_copy_of_a_recorded_line_is_new(app: Path) -> None:
    write(app)
    path = app / "app/services/users.py"
    path.write_text(path.read_text() + '    log.info(f"user {user_id} created")\n')
    # Same rule, file and code as a recorded finding: the baseline counted one, there are two.
    assert run(app, "--baseline", "baseline.json")[:2] == (1, ["LC701 users.py:8"])


def test_fixed_findings_are_reported_and_pruned(app: Path) -> None:
    write(app)
    path = app / "app/services/users.py"
    path.write_text(path.read_text().replace('f"user {user_id} created"', '"user_created", user_id=user_id'))
    exit_code, found, stderr = run(app, "--baseline", "baseline.json")
    assert (exit_code, found) == (0, [])
    assert "1 baseline entry no longer matches; run `--write-baseline` to prune" in stderr
    recorded = json.loads((app / "baseline.json").read_text())["findings"]
    write(app)
    pruned = json.loads((app / "baseline.json").read_text())["findings"]
    assert [entry for entry in recorded if entry not in pruned] == [
        next(entry for entry in recorded if entry["code"] == "LC701")
    ]
    assert run(app, "--baseline", "baseline.json") == (0, [], "")


def test_entries_name_rule_file_and_code_not_lines(app: Path) -> None:
    write(app)
    data = json.loads((app / "baseline.json").read_text())
    entry = next(entry for entry in data["findings"] if entry["code"] == "LC701")
    assert entry == {
        "path": "app/services/users.py",
        "code": "LC701",
        "fingerprint": 'f"user {user_id} created"',
        "count": 1,
        "message": entry["message"],
    }


def test_the_baseline_setting_names_the_file(project) -> None:
    root = project(
        {"app/services/users.py": SERVICE},
        pyproject="[tool.layercheck]\nbaseline = 'quality/layercheck-baseline.json'\n",
    )
    result = run_layercheck(["--no-cache", "--write-baseline", "."], root)
    assert result.exit_code == 0, result.stderr
    assert (root / "quality/layercheck-baseline.json").is_file()
    assert run(root) == (0, [], "")


def test_writing_for_some_files_keeps_the_entries_of_the_others(app: Path) -> None:
    write(app)
    recorded = json.loads((app / "baseline.json").read_text())["findings"]
    result = run_layercheck(["--no-cache", "--baseline", "baseline.json", "--write-baseline", "app/api"], app)
    assert result.exit_code == 0
    assert json.loads((app / "baseline.json").read_text())["findings"] == recorded


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline file not found"),
        ('{"something": "else"}', "not a layercheck baseline"),
        ("{not json", "not valid JSON"),
    ],
    ids=["missing", "foreign", "broken"],
)
def test_a_bad_baseline_is_a_usage_error(app: Path, content: str | None, message: str) -> None:
    if content is not None:
        (app / "baseline.json").write_text(content)
    exit_code, _, stderr = run(app, "--baseline", "baseline.json")
    assert exit_code == 2
    assert message in stderr


def test_a_foreign_file_is_never_overwritten(app: Path) -> None:
    (app / "notes.json").write_text('{"keep": true}')
    result = run_layercheck(["--no-cache", "--baseline", "notes.json", "--write-baseline", "."], app)
    assert result.exit_code == 2
    assert (app / "notes.json").read_text() == '{"keep": true}'


def test_write_baseline_needs_a_file(app: Path) -> None:
    result = run_layercheck(["--no-cache", "--write-baseline", "."], app)
    assert result.exit_code == 2
    assert "needs `--baseline FILE`" in result.stderr

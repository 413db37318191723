"""`--stdin-filename PATH`: the source comes from standard input and is checked as PATH, the
way editor plugins and formatters call a linter on an unsaved buffer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ORM_USER_MODEL as MODEL
from conftest import run_subprocess, write_project

ROUTER_ON_DISK = """
    from fastapi import APIRouter

    router = APIRouter()
"""
BUFFER = b"from fastapi import APIRouter\nfrom app.models.user import User\n\nrouter = APIRouter()\n"


@pytest.fixture
def app(tmp_path: Path) -> Path:
    return write_project(
        tmp_path / "proj",
        {
            "app/models/user.py": MODEL,
            "app/api/users.py": ROUTER_ON_DISK,
            # A violation elsewhere in the project: never reported for a stdin check.
            "app/api/orders.py": "from sqlalchemy.ext.asyncio import AsyncSession\n",
        },
    )


def findings(root: Path, source: bytes, *args: str) -> tuple[int, list[dict[str, object]]]:
    run = run_subprocess(["--output-format", "json", "--no-cache", *args], root, input=source)
    assert run.exit_code in (0, 1), run.stderr
    return run.exit_code, json.loads(run.output)


@pytest.mark.parametrize("extra", [[], ["-"]], ids=["path-only", "with-dash"])
def test_stdin_is_checked_as_the_named_file_with_project_facts(app: Path, extra: list[str]) -> None:
    # The buffer imports an ORM model that only the file on disk defines (cross-module: LC104).
    exit_code, found = findings(app, BUFFER, "--stdin-filename", "app/api/users.py", *extra)
    assert exit_code == 1
    assert [(f["code"], f["location"]) for f in found] == [("LC104", {"row": 2, "column": 29})]
    assert found[0]["filename"] == str((app / "app/api/users.py").resolve())


def test_the_buffer_wins_over_the_file_on_disk(app: Path) -> None:
    clean = (app / "app/api/users.py").read_bytes()
    (app / "app/api/users.py").write_bytes(BUFFER)  # the saved file has the violation
    exit_code, found = findings(app, clean, "--stdin-filename", "app/api/users.py")
    assert (exit_code, found) == (0, [])


def test_a_new_unsaved_file_is_classified_by_its_name(app: Path) -> None:
    source = b"from sqlalchemy.ext.asyncio import AsyncSession\n"
    exit_code, found = findings(app, source, "--stdin-filename", "app/api/new_router.py")
    assert exit_code == 1
    assert [f["code"] for f in found] == ["LC101"]  # an `api` module, by its path
    exit_code, found = findings(app, source, "--stdin-filename", "app/repositories/new_repo.py")
    assert (exit_code, found) == (0, [])  # repositories may use sessions


def test_concise_output_names_the_path(app: Path) -> None:
    run = run_subprocess(
        ["--output-format", "concise", "--no-cache", "--stdin-filename", "app/api/users.py"], app, input=BUFFER
    )
    assert run.output.splitlines()[0].startswith("app/api/users.py:2:29: LC104 ")


def test_a_buffer_that_does_not_parse_is_lc001(app: Path) -> None:
    exit_code, found = findings(app, b"def broken(:\n", "--stdin-filename", "app/api/users.py")
    assert exit_code == 1
    assert [f["code"] for f in found] == ["LC001"]

"""A rule that raises, or a worker process that dies, is contained: the file gets one LC000
naming the rule and the cause, everything else is still checked, and the exit code is 2."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from conftest import run_layercheck, write_project

import layercheck.infrastructure.runner
import layercheck.infrastructure.worker
from layercheck.rules.print_in_server_code import PrintInServerCode
from layercheck.rules.sql_in_router import SqlInRouter

ROUTER = "from sqlalchemy import select\n\nq = select(User)\nprint(q)\n"


def _raise(self: object, node: object) -> None:
    raise ValueError("boom\nsecond line")


def test_a_rule_that_raises_is_reported_and_the_others_still_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_project(tmp_path / "proj", {"app/api/users.py": ROUTER, "app/api/items.py": ROUTER})
    monkeypatch.setattr(SqlInRouter, "visit_Call", _raise)
    run = run_layercheck(["--no-cache", "--output-format", "concise", "."], root)
    assert run.exit_code == 2
    lines = run.output.splitlines()
    for name in ("users", "items"):
        assert f"app/api/{name}.py:1:1: LC000 internal error in LC201: ValueError: boom" in lines
        assert f"app/api/{name}.py:4:1: LC704 `print()` in server code; log with a structured logger instead" in lines
        assert f"app/api/{name}.py:1:24: LC104 `select` (a sqlalchemy query builder) imported in a router" in lines
    assert "second line" not in run.output  # one line of cause
    assert "Traceback" not in run.output + run.stderr
    assert "run with `--verbose` for the tracebacks" in run.stderr


def test_verbose_shows_the_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "proj", {"app/api/users.py": ROUTER})
    monkeypatch.setattr(PrintInServerCode, "visit_Call", _raise)
    run = run_layercheck(["--no-cache", "--output-format", "concise", "--verbose", "."], root)
    assert run.exit_code == 2
    assert "LC000 internal error in LC704: ValueError: boom" in run.output
    assert "Traceback" not in run.output  # findings keep one line in every format
    assert "Traceback (most recent call last)" in run.stderr
    assert "in _raise" in run.stderr
    assert "LC201" in run.output  # the rule that did not fail still reported


def test_an_internal_error_is_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "proj", {"app/api/users.py": ROUTER})
    cache = ["--cache-dir", str(tmp_path / "cache"), "--output-format", "concise", "."]
    with monkeypatch.context() as patch:
        patch.setattr(SqlInRouter, "visit_Call", _raise)
        assert run_layercheck(cache, root).exit_code == 2
    fixed = run_layercheck(cache, root)  # the rule works again: the file is checked anew
    assert fixed.exit_code == 1
    assert "LC000" not in fixed.output
    assert "app/api/users.py:3:5: LC201" in fixed.output


def test_a_worker_that_dies_costs_only_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    count = layercheck.infrastructure.runner._POOL_MIN_FILES + 6  # enough files for the process pool
    files = {f"app/api/route_{number}.py": ROUTER for number in range(count)}
    files["app/api/doomed.py"] = ROUTER
    root = write_project(tmp_path / "proj", files)
    check_task = layercheck.infrastructure.worker.check_task
    parent = os.getpid()

    def dies_on_doomed(task: Any) -> Any:
        if task.path.endswith("doomed.py") and os.getpid() != parent:
            os._exit(70)  # a crash in native code, as seen from the pool
        return check_task(task)

    # Workers are forked after the patch, so they run it (the pool pickles the function by name).
    dies_on_doomed.__module__, dies_on_doomed.__qualname__ = "layercheck.infrastructure.worker", "check_task"
    monkeypatch.setattr(layercheck.infrastructure.worker, "check_task", dies_on_doomed)
    run = run_layercheck(["--no-cache", "--output-format", "concise", "-j", "2", "."], root)
    assert run.exit_code == 2
    lines = run.output.splitlines()
    doomed = [line for line in lines if line.startswith("app/api/doomed.py")]
    assert len(doomed) == 1
    assert doomed[0].startswith("app/api/doomed.py:1:1: LC000 internal error: the worker checking this file died")
    for number in range(count):
        assert (
            f"app/api/route_{number}.py:3:5: LC201 `select()` builds SQL in a router; move the query to a repository"
            in lines
        )

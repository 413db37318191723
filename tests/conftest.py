"""Shared helpers: a small project on disk, and layercheck run on it as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from layercheck.cli import main

REPO = Path(__file__).resolve().parents[1]

# A mapped SQLAlchemy model, for projects that need an ORM class somewhere.
ORM_USER_MODEL = """
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


    class Base(DeclarativeBase):
        pass


    class User(Base):
        __tablename__ = "users"
        id: Mapped[int] = mapped_column(primary_key=True)
"""


@dataclass
class Run:
    """The outcome of one layercheck invocation."""

    exit_code: int
    output: str
    stderr: str = ""

    def json(self) -> list[dict[str, Any]]:
        return json.loads(self.output)

    def codes(self) -> list[str]:
        return [item["code"] for item in self.json()]


def write_project(root: Path, files: dict[str, str], pyproject: str = "") -> Path:
    """Write `files` (path -> source, dedented) below `root`, plus a pyproject.toml."""
    root.mkdir(parents=True, exist_ok=True)
    if "pyproject.toml" not in files:
        (root / "pyproject.toml").write_text(pyproject or "[project]\nname = 'app'\n")
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"))
    return root


def run_layercheck(args: list[str], cwd: Path, input: str | bytes | None = None) -> Run:
    """Run the CLI in-process (click's CliRunner) from `cwd`."""
    runner = CliRunner()
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(main, args, input=input, catch_exceptions=False)
    finally:
        os.chdir(previous)
    stderr = result.stderr if result.stderr_bytes is not None else ""
    return Run(result.exit_code, result.stdout, stderr)


def run_subprocess(args: list[str], cwd: Path, input: bytes | None = None, timeout: float = 120) -> Run:
    """Run `python -m layercheck` in a real subprocess."""
    completed = subprocess.run(
        [sys.executable, "-m", "layercheck", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        timeout=timeout,
    )
    return Run(
        completed.returncode,
        completed.stdout.decode("utf-8", "replace"),
        completed.stderr.decode("utf-8", "replace"),
    )


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """`project({"app/api/users.py": "..."})` writes a project and returns its root."""

    def make(files: dict[str, str], pyproject: str = "") -> Path:
        return write_project(tmp_path / "proj", files, pyproject)

    return make


def check_json(root: Path, *extra: str) -> Run:
    """`layercheck --output-format json --no-cache [extra] .` in `root`."""
    return run_layercheck(["--output-format", "json", "--no-cache", *extra, "."], root)

"""The progress bar: shown on a terminal for a large tree, never on a pipe or for machines."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_subprocess, write_project

from layercheck.interface.progress import PROGRESS_MIN_FILES

pty = pytest.importorskip("pty", reason="needs a pseudo-terminal (POSIX)")


def tree(root: Path, count: int) -> Path:
    service = "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef work(x):\n    logger.info('x %s', x)\n"
    return write_project(root, {f"app/services/service_{n}.py": service for n in range(count)})


def run_in_terminal(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run layercheck with its standard streams on a pseudo-terminal, as in a shell."""
    primary, secondary = pty.openpty()
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "TERM", "CI")}
    env.update({"TERM": "xterm-256color", "COLUMNS": "100"})
    process = subprocess.Popen(
        [sys.executable, "-m", "layercheck", *args],
        cwd=cwd,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        close_fds=True,
    )
    os.close(secondary)
    output = b""
    while True:
        ready, _, _ = select.select([primary], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closes when the process exits (Linux)
            break
        if not chunk:
            break
        output += chunk
    os.close(primary)
    return process.wait(timeout=120), output.decode("utf-8", "replace")


def test_a_large_tree_shows_a_bar_on_a_terminal(tmp_path: Path) -> None:
    root = tree(tmp_path / "proj", PROGRESS_MIN_FILES + 20)
    exit_code, output = run_in_terminal(["--no-cache", "-j", "1", "."], root)
    assert exit_code == 0, output
    assert "Checking" in output
    assert f"{PROGRESS_MIN_FILES + 20}/{PROGRESS_MIN_FILES + 20}" in output
    assert output.rstrip().endswith(f"All checks passed! ({PROGRESS_MIN_FILES + 20} files checked)\x1b[0m")


@pytest.mark.parametrize(
    ("count", "args"),
    [
        (PROGRESS_MIN_FILES + 20, ["--output-format", "json"]),
        (PROGRESS_MIN_FILES + 20, ["--output-format", "sarif"]),
        (PROGRESS_MIN_FILES + 20, ["--quiet"]),
        (20, []),
    ],
    ids=["json", "sarif", "quiet", "small-tree"],
)
def test_no_bar_for_machines_or_small_trees(tmp_path: Path, count: int, args: list[str]) -> None:
    root = tree(tmp_path / "proj", count)
    exit_code, output = run_in_terminal(["--no-cache", "-j", "1", *args, "."], root)
    assert exit_code == 0, output
    assert "Checking" not in output


def test_no_bar_on_a_pipe(tmp_path: Path) -> None:
    root = tree(tmp_path / "proj", PROGRESS_MIN_FILES + 20)
    run = run_subprocess(["--no-cache", "-j", "1", "."], root)
    assert run.exit_code == 0
    assert "Checking" not in run.output + run.stderr
    assert run.stderr == ""

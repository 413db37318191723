"""The pre-commit hooks, run by the real `pre-commit try-repo` against a throwaway git repo.

pre-commit installs layercheck from a git repository into its own virtualenv (from PyPI
for the dependencies), exactly as a user's `.pre-commit-config.yaml` would. The hook
repository is a fresh commit of this checkout's package files, so the test exercises the
working tree whether or not it is committed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ORM_USER_MODEL as MODEL
from conftest import REPO, run_layercheck

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git, which is not installed")

# What building and installing layercheck needs from this repository.
PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src", "rules")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "layercheck tests",
    "GIT_AUTHOR_EMAIL": "tests@layercheck.invalid",
    "GIT_COMMITTER_NAME": "layercheck tests",
    "GIT_COMMITTER_EMAIL": "tests@layercheck.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}

ROUTER = """
    import logging

    from fastapi import APIRouter

    from app.models.user import User

    logger = logging.getLogger(__name__)
    router = APIRouter()


    @router.get("/users/{user_id}")
    async def read_user(user_id: int) -> dict[str, int]:
        logger.info(f"reading user {user_id}")
        return {"id": user_id}
"""
CLEAN_SERVICE = """
    import logging

    logger = logging.getLogger(__name__)


    def greet(name: str) -> None:
        logger.info("greeting %s", name)
"""
SUPPRESSED_SERVICE = """
    import logging

    logger = logging.getLogger(__name__)
    LIMIT = 10  # noqa: LC701
"""


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def commit_all(folder: Path) -> None:
    git("init", "-q", "-b", "main", cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-q", "-m", "snapshot", cwd=folder)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's package files, committed in a repository of their own."""
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in PACKAGE_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, repo / name)
    commit_all(repo)
    return repo


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit store for the module (`pre-commit run` builds the hook's virtualenv
    once in it; `try-repo` always uses a store of its own)."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    files = {
        "pyproject.toml": "[project]\nname = 'app'\n",
        "app/__init__.py": "",
        "app/models/__init__.py": "",
        "app/models/user.py": MODEL,
        "app/api/__init__.py": "",
        "app/api/users.py": ROUTER,
        "app/services/__init__.py": "",
        "app/services/greeting.py": CLEAN_SERVICE,
        "app/services/limits.py": SUPPRESSED_SERVICE,
    }
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"))
    commit_all(root)
    return root


def pre_commit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    executable = Path(sys.executable).with_name("pre-commit")
    command = [str(executable)] if executable.exists() else [sys.executable, "-m", "pre_commit"]
    return subprocess.run(
        [*command, *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"},
    )


def try_repo(hook_repo: Path, hook: str, project: Path, home: Path, *files: str) -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo`: installs the hook repository in a fresh store each time."""
    return pre_commit(project, home, "try-repo", str(hook_repo), hook, "--files", *files)


def test_hook_fails_on_an_fstring_log_call_with_project_wide_facts(
    hook_repo: Path, project: Path, pre_commit_home: Path
) -> None:
    # Only the router is passed, as pre-commit does for a commit that changes only it; the
    # model it imports is read from the rest of the repository.
    run = try_repo(hook_repo, "layercheck", project, pre_commit_home, "app/api/users.py")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "layercheck" in run.stdout and "Failed" in run.stdout
    assert "app/api/users.py:13:17: LC701" in run.stdout
    assert "app/api/users.py:5:29: LC104" in run.stdout
    assert "greeting.py" not in run.stdout  # files that were not passed are not reported


def test_hook_passes_on_clean_code(hook_repo: Path, project: Path, pre_commit_home: Path) -> None:
    run = try_repo(hook_repo, "layercheck", project, pre_commit_home, "app/services/greeting.py")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Passed" in run.stdout


def test_fix_hook_applies_safe_fixes(hook_repo: Path, project: Path, pre_commit_home: Path) -> None:
    if "--fix" not in run_layercheck(["check", "--help"], project).output:
        pytest.skip("`--fix` is not implemented yet")
    # As a user's .pre-commit-config.yaml names it (the store in PRE_COMMIT_HOME is reused).
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook_repo, capture_output=True, text=True).stdout.strip()
    config = project / ".pre-commit-config.yaml"
    config.write_text(f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: layercheck-fix\n")
    run = pre_commit(project, pre_commit_home, "run", "layercheck-fix", "--files", "app/services/limits.py")
    # pre-commit fails a hook that modifies files, so the user reviews the change.
    assert run.returncode == 1, run.stdout + run.stderr
    assert "files were modified by this hook" in run.stdout
    assert (project / "app/services/limits.py").read_text().endswith("LIMIT = 10\n")
    again = pre_commit(project, pre_commit_home, "run", "layercheck-fix", "--files", "app/services/limits.py")
    assert again.returncode == 0, again.stdout + again.stderr

"""layercheck reads the code it checks and nothing more: it never imports or runs it, never
follows a symlink out of the checked tree, and writes nothing but `--fix` targets and its
cache directory."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_project

ROUTER = "from sqlalchemy import select\n\nq = select(User)\n"
# Fixable by `--fix` (an unused suppression is removed), so a run that followed a link to it
# would write it.
FIXABLE = "value = 1  # noqa: LC201\n"


def _hostile_module(marker: Path) -> str:
    """Module code that leaves a trace, then kills the process, when it is imported."""
    return f"import os\nopen({str(marker)!r}, 'a').write(__name__ + '\\n')\nos._exit(42)\n"


def run(args: list[str], cwd: Path, home: Path, console_script: bool = False) -> subprocess.CompletedProcess[str]:
    command = (
        [str(Path(sys.executable).parent / "layercheck")] if console_script else [sys.executable, "-m", "layercheck"]
    )
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture
def hostile_project(tmp_path: Path) -> tuple[Path, Path]:
    marker = tmp_path / "imported.txt"
    code = _hostile_module(marker)
    root = write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": code,
            "app/api/__init__.py": code,
            "app/api/users.py": code + ROUTER,
            "app/services/users.py": "from app.api import users\n" + code,
            "app/main.py": code,
            "conftest.py": code,
            "setup.py": code,
            "sitecustomize.py": code,
            "usercustomize.py": code,
            # Names of libraries layercheck imports: `python -m` puts the working folder first.
            "click.py": code,
            "libcst.py": code,
            "rich.py": code,
            "pathspec.py": code,
            "layercheck_plugin.py": code,
        },
    )
    return root, marker


@pytest.mark.parametrize("console_script", [False, True], ids=["python-m", "console-script"])
@pytest.mark.parametrize(
    "args",
    [
        ["--no-cache", "--output-format", "concise", "."],
        ["--no-cache", "--fix", "--unsafe-fixes", "-j", "2", "."],
        ["--show-settings", "."],
        ["layers", "."],
        ["graph", "--no-cache", "."],
    ],
    ids=["check", "fix", "show-settings", "layers", "graph"],
)
def test_checked_code_is_never_imported(
    hostile_project: tuple[Path, Path], tmp_path: Path, args: list[str], console_script: bool
) -> None:
    root, marker = hostile_project
    completed = run(args, root, tmp_path, console_script)
    assert completed.returncode in (0, 1), completed.stderr
    assert completed.returncode != 42
    assert not marker.exists(), marker.read_text()
    assert "Traceback" not in completed.stdout + completed.stderr


def _snapshot(*folders: Path) -> dict[str, tuple[int, int, str]]:
    """Every path below `folders`: (mode, mtime, content) of files and links (not followed);
    folders by their entries (a file replaced atomically changes its folder's mtime)."""
    found: dict[str, tuple[int, int, str]] = {}
    for folder in folders:
        for base, names, files in os.walk(folder):
            found[base] = (os.lstat(base).st_mode, 0, "\0".join(sorted(names + files)))
            for name in files:
                path = os.path.join(base, name)
                status = os.lstat(path)
                content = os.readlink(path) if stat.S_ISLNK(status.st_mode) else ""
                if stat.S_ISREG(status.st_mode):
                    with open(path, "rb") as handle:
                        content = hashlib.sha256(handle.read()).hexdigest()
                found[path] = (status.st_mode, status.st_mtime_ns, content)
    return found


@pytest.fixture
def linked_tree(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A project with a fixable file, and links to a fixable file and folder outside it."""
    home = tmp_path / "home"
    home.mkdir()
    outside = tmp_path / "outside"
    (outside / "pkg").mkdir(parents=True)
    (outside / "target.py").write_text(FIXABLE)
    (outside / "pkg" / "deep.py").write_text(FIXABLE)
    root = write_project(tmp_path / "proj", {"app/api/users.py": ROUTER, "app/api/fixme.py": FIXABLE})
    os.symlink(outside / "target.py", root / "app" / "api" / "linked.py")
    os.symlink(outside / "pkg", root / "app" / "api" / "linked_pkg")
    return root, outside, home


def test_a_check_writes_nothing(linked_tree: tuple[Path, Path, Path]) -> None:
    root, outside, home = linked_tree
    before = _snapshot(root, outside, home)
    completed = run(["--no-cache", "--output-format", "concise", "."], root, home)
    assert completed.returncode == 1, completed.stderr
    assert "app/api/linked.py:1:1: LC001 symlink points outside the checked tree (not followed)" in completed.stdout
    assert "deep.py" not in completed.stdout
    assert _snapshot(root, outside, home) == before


def test_the_cache_is_the_only_thing_written(linked_tree: tuple[Path, Path, Path]) -> None:
    root, outside, home = linked_tree
    before = _snapshot(root, outside, home)
    completed = run(["--output-format", "concise", "."], root, home)
    assert completed.returncode == 1, completed.stderr
    after = _snapshot(root, outside, home)
    cache = str(root / ".layercheck_cache")
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    assert cache in changed, "the cache was written"
    assert {path for path in changed if not path.startswith(cache)} == {str(root)}  # the new folder


def test_fix_writes_only_the_files_it_fixes(linked_tree: tuple[Path, Path, Path]) -> None:
    root, outside, home = linked_tree
    before = _snapshot(root, outside, home)
    completed = run(["--no-cache", "--output-format", "concise", "--fix", "."], root, home)
    assert completed.returncode == 1, completed.stdout + completed.stderr  # the LC201 and LC001 stay
    after = _snapshot(root, outside, home)
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    assert changed == {str(root / "app" / "api" / "fixme.py")}
    assert (root / "app" / "api" / "fixme.py").read_text() == "value = 1\n"
    assert (outside / "target.py").read_text() == FIXABLE  # never written through the link
    assert (outside / "pkg" / "deep.py").read_text() == FIXABLE


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_tree_is_checked(linked_tree: tuple[Path, Path, Path]) -> None:
    root, _, home = linked_tree
    for base, _, files in os.walk(root):
        for name in files:
            os.chmod(os.path.join(base, name), 0o444)
        os.chmod(base, 0o555)
    try:
        completed = run(["--output-format", "concise", "."], root, home)  # the cache cannot be written
    finally:
        for base, _, _ in os.walk(root):
            os.chmod(base, 0o755)
    assert completed.returncode == 1, completed.stderr
    assert "app/api/users.py:3:5: LC201" in completed.stdout
    assert "Traceback" not in completed.stderr


def test_a_cache_that_cannot_be_written_is_skipped(linked_tree: tuple[Path, Path, Path]) -> None:
    root, outside, home = linked_tree
    blocker = root / "not-a-folder"
    blocker.write_text("")
    before = _snapshot(root, outside, home)
    completed = run(["--cache-dir", str(blocker / "cache"), "--output-format", "concise", "."], root, home)
    assert completed.returncode == 1, completed.stderr
    assert "app/api/users.py:3:5: LC201" in completed.stdout
    assert "Traceback" not in completed.stderr
    assert _snapshot(root, outside, home) == before


def test_code_frames_never_read_through_links_fifos_or_devices(linked_tree: tuple[Path, Path, Path]) -> None:
    root, outside, home = linked_tree
    (outside / "target.py").write_text("SECRET_MARKER = 1\n" + FIXABLE)
    os.mkfifo(root / "app" / "api" / "fifo.py")
    if os.path.exists("/dev/zero"):
        os.symlink("/dev/zero", root / "app" / "api" / "zero.py")
    for output in ("full", "concise", "json", "sarif", "github", "junit", "gitlab"):
        completed = run(["--no-cache", "--output-format", output, "."], root, home)
        assert completed.returncode == 1, completed.stderr
        assert "SECRET_MARKER" not in completed.stdout + completed.stderr
        assert "fifo.py" in completed.stdout

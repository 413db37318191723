"""`Workspace`: a project held in memory and re-checked one buffer at a time (the LSP's engine)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import ORM_USER_MODEL as MODEL
from conftest import write_project

from layercheck.application.check import CheckOptions
from layercheck.application.workspace import Workspace, source_bytes
from layercheck.infrastructure.config import load_settings


def load(root: Path) -> Workspace:
    return Workspace.load(load_settings([root]), CheckOptions(use_cache=False, jobs=1))


def codes(workspace: Workspace, path: Path) -> list[str]:
    return [d.code for d in workspace.diagnostics(path)]


def test_update_rechecks_one_buffer_against_the_project(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "proj",
        {"app/models/user.py": MODEL, "app/routers/users.py": "from fastapi import APIRouter\n"},
    )
    workspace = load(root)
    router, model = root / "app/routers/users.py", root / "app/models/user.py"
    assert codes(workspace, router) == []
    others = dict(workspace.records)
    workspace.update(router, b"from app.models.user import User\n")
    assert codes(workspace, router) == ["LC104"]
    # Only the buffer was re-read: every other record is the very same object.
    assert all(workspace.records[path] is record for path, record in others.items() if path != str(router))
    # Another buffer changes the project's facts: the router's findings follow.
    workspace.update(model, b"class User:\n    pass\n")
    assert codes(workspace, router) == []
    # Closing the model's buffer goes back to the file on disk.
    workspace.forget(model)
    assert codes(workspace, router) == ["LC104"]


def test_preview_leaves_the_workspace_unchanged(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", {"app/models/user.py": MODEL, "app/routers/users.py": ""})
    workspace = load(root)
    router = root / "app/routers/users.py"
    assert [d.code for d in workspace.preview(router, b"from app.models.user import User\n")] == ["LC104"]
    assert codes(workspace, router) == []


def test_rescan_picks_up_files_created_and_deleted_on_disk(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", {"app/routers/users.py": "from app.models.user import User\n"})
    workspace = load(root)
    router = root / "app/routers/users.py"
    assert codes(workspace, router) == []
    model = root / "app/models/user.py"
    model.parent.mkdir(parents=True)
    model.write_text(textwrap.dedent(MODEL))
    workspace.rescan([model])
    assert codes(workspace, router) == ["LC104"]
    model.unlink()
    workspace.rescan([model])
    assert codes(workspace, router) == []


def test_fix_applies_safe_fixes_to_a_buffer(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", {"app/services/limits.py": "LIMIT = 10\n"})
    workspace = load(root)
    path = root / "app/services/limits.py"
    assert workspace.fix(path, "LIMIT = 10  # noqa: LC701\n") == "LIMIT = 10\n"


def test_source_bytes_follows_the_coding_declaration() -> None:
    assert source_bytes("# -*- coding: latin-1 -*-\nname = 'é'\n").endswith("'\xe9'\n".encode("latin-1"))
    assert source_bytes("name = 'é'\n") == "name = 'é'\n".encode()


def test_rechecking_a_thousand_line_buffer_again_and_again(tmp_path: Path) -> None:
    """The editor re-checks on every pause in typing: each edit of a 1,000-line buffer in a
    project of a few hundred files gives a fresh, correct answer. (Its speed is measured by
    bench/run.py, never by a test.)"""
    files = {f"app/services/service_{n}.py": f"def work_{n}(x):\n    return x\n" for n in range(300)}
    files["app/models/user.py"] = MODEL
    block = "\n".join(
        [
            "",
            "@router.get('/users/{{user_id}}')",
            "async def read_user_{n}(user_id: int) -> dict[str, int]:",
            "    logger.info('reading user %s', user_id)",
            "    total = sum(value * 2 for value in range(user_id) if value % 3)",
            "    return {{'id': user_id, 'total': total}}",
            "",
        ]
    )
    header = (
        "import logging\n\nfrom fastapi import APIRouter\n\n"
        "logger = logging.getLogger(__name__)\nrouter = APIRouter()\n"
    )
    source = header + "".join(block.format(n=n) for n in range(170))
    assert len(source.splitlines()) >= 1000
    files["app/routers/users.py"] = source
    root = write_project(tmp_path / "proj", files)
    workspace = load(root)
    router = root / "app/routers/users.py"
    workspace.update(router, source.encode())  # the first check imports the rules
    workspace.diagnostics(router)
    for n in range(5):
        edited = source + f"\nvalue = {n}\n"
        workspace.update(router, edited.encode())
        assert workspace.diagnostics(router) == []
    broken = source + "\nlogger.info(f'{value}')\n"
    workspace.update(router, broken.encode())
    assert [d.code for d in workspace.diagnostics(router)] == ["LC701"]

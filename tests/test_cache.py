"""The cache: where it lives, that it is never trusted blindly, and that it never goes stale.

Each test compares a cached run with a run without the cache (`--no-cache`), which is the
definition of correct here: the cache may only make runs faster, never change a finding.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ORM_USER_MODEL as MODELS_ORM
from conftest import Run, run_layercheck, write_project

from layercheck.domain.records import FileTask

MODELS_PLAIN = """
    class User:
        \"\"\"Not mapped yet.\"\"\"

        id: int
"""
ROUTER = """
    from fastapi import APIRouter

    from app.models.user import User
    from app.services.users import get_user

    router = APIRouter()


    @router.get("/users/{user_id}")
    async def read_user(user_id: int) -> dict[str, int]:
        user: User = await get_user(user_id)
        return {"id": user.id}
"""
SERVICE = """
    import logging

    from app.models.user import User

    logger = logging.getLogger(__name__)


    async def get_user(user_id: int) -> User:
        logger.info(f"loading user {user_id}")
        return User()
"""


def make_project(root: Path, models: str = MODELS_PLAIN) -> Path:
    return write_project(
        root,
        {
            "app/__init__.py": "",
            "app/models/__init__.py": "",
            "app/models/user.py": models,
            "app/api/__init__.py": "",
            "app/api/users.py": ROUTER,
            "app/services/__init__.py": "",
            "app/services/users.py": SERVICE,
            "app/services/orders.py": SERVICE.replace("user", "order").replace("User", "Order"),
        },
    )


def check(root: Path, *args: str, cache: Path | None) -> Run:
    flags = ["--no-cache"] if cache is None else ["--cache-dir", str(cache)]
    return run_layercheck(["--output-format", "json", *flags, *args], root)


def findings(run: Run) -> list[tuple[str, str, int]]:
    return sorted((item["code"], Path(item["filename"]).name, item["location"]["row"]) for item in run.json())


def edit(path: Path, text: str) -> None:
    """Write new content and move the mtime on, as an editor saving a file does."""
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_a_cache_directory_is_tagged_and_ignored_by_git(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    run_layercheck(["--output-format", "json", "."], root)
    cache = root / ".layercheck_cache"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"


def test_warm_runs_give_the_findings_of_a_run_without_cache(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    cache = tmp_path / "cache"
    expected = findings(check(root, ".", cache=None))
    assert expected, "the project is meant to have findings"
    assert findings(check(root, ".", cache=cache)) == expected  # writes the cache
    assert findings(check(root, ".", cache=cache)) == expected  # answered from the last run
    one = "app/api/users.py"
    assert findings(check(root, one, cache=cache)) == findings(check(root, one, cache=None))


@pytest.mark.parametrize("scope", [".", "app/api/users.py"])
def test_editing_a_model_updates_the_findings_of_the_unchanged_router(tmp_path: Path, scope: str) -> None:
    root = make_project(tmp_path / "proj")
    cache = tmp_path / "cache"
    before = check(root, scope, cache=cache)
    assert "LC104" not in {code for code, *_ in findings(before)}
    edit(root / "app/models/user.py", MODELS_ORM)  # only the model changes
    after = check(root, scope, cache=cache)
    assert findings(after) == findings(check(root, scope, cache=None))
    assert ("LC104", "users.py", 3) in findings(after), after.output
    edit(root / "app/models/user.py", MODELS_PLAIN)  # and back
    assert findings(check(root, scope, cache=cache)) == findings(before)


def cache_files(cache: Path) -> list[Path]:
    return sorted(path for path in cache.rglob("*") if path.is_file() and path.parent != cache)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: b"\x00garbage\xff" * 50, id="garbage"),
        pytest.param(lambda data: data.replace(b"layercheck-cache", b"layercheck-cache 0 old"), id="old-format"),
        pytest.param(
            lambda data: data.replace(b'"code":"LC', b'"code":"XX').replace(b'\\"code\\":\\"LC', b'\\"code\\":\\"XX'),
            id="damaged-records",
        ),
        pytest.param(lambda data: data.replace(b"[", b"[1,", 3), id="damaged-structure"),
    ],
)
def test_a_damaged_cache_is_ignored_never_trusted(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    root = make_project(tmp_path / "proj", MODELS_ORM)
    cache = tmp_path / "cache"
    expected = findings(check(root, ".", cache=None))
    check(root, ".", cache=cache)
    # A journal too: a run on one changed file writes its record there (the findings of
    # `orders.py` stay in the records file, those of `users.py` go to the journal).
    edit(root / "app/services/users.py", textwrap.dedent(SERVICE) + "\nVERSION = 2\n")
    check(root, "app/services/users.py", cache=cache)
    expected = findings(check(root, ".", cache=None))
    assert ("LC701", "orders.py", 9) in expected and ("LC701", "users.py", 9) in expected
    files = cache_files(cache)
    assert {path.suffix for path in files} >= {".records", ".journal", ".json"}
    for path in files:
        path.write_bytes(damage(path.read_bytes()))
    assert findings(check(root, ".", cache=cache)) == expected
    assert findings(check(root, "app/api/users.py", cache=cache)) == findings(
        check(root, "app/api/users.py", cache=None)
    )
    # The next run writes a sound cache again.
    assert findings(check(root, ".", cache=cache)) == expected


def test_one_changed_file_goes_to_the_journal_and_is_read_back(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj", MODELS_ORM)
    cache = tmp_path / "cache"
    check(root, ".", cache=cache)
    (records,) = [path for path in cache_files(cache) if path.suffix == ".records"]
    size = records.stat().st_size
    edit(root / "app/services/users.py", SERVICE.replace("loading user", "fetching user"))
    one = check(root, "app/services/users.py", cache=cache)
    assert findings(one) == findings(check(root, "app/services/users.py", cache=None))
    (journal,) = [path for path in cache_files(cache) if path.suffix == ".journal"]
    assert "fetching user" in journal.read_text()
    assert records.stat().st_size == size  # not rewritten for one record
    assert findings(check(root, ".", cache=cache)) == findings(check(root, ".", cache=None))


WORKER = """
import sys
from layercheck.cli import main
try:
    main()
except SystemExit:
    pass
loaded = sorted({name.split(".")[0] for name in sys.modules if name.startswith(("libcst", "rich"))})
loaded += sorted(name for name in sys.modules if name.startswith("layercheck.rules"))[:1]
print("LOADED=" + ",".join(loaded), file=sys.stderr)
"""


def loaded_modules(root: Path, cache: Path, *args: str) -> list[str]:
    """Run the command line in a fresh interpreter, in one process (`-j 1`: no worker
    imports anything in its place); the heavy modules it imported."""
    completed = subprocess.run(
        [sys.executable, "-c", WORKER, "-j", "1", "--output-format", "concise", "--cache-dir", str(cache), *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = [text for text in completed.stderr.splitlines() if text.startswith("LOADED=")]
    assert line, completed.stderr
    return [name for name in line[-1].removeprefix("LOADED=").split(",") if name]


def test_a_warm_run_imports_neither_libcst_nor_rich_nor_the_rules(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj", MODELS_ORM)
    cache = tmp_path / "cache"
    assert "libcst" in loaded_modules(root, cache, ".")  # cold: the files are parsed
    assert loaded_modules(root, cache, ".") == []
    # Nothing changed but the scope: the records are reused, still without the engine.
    assert loaded_modules(root, cache, "app/api") == []


def test_two_runs_sharing_a_cache_leave_it_sound(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj", MODELS_ORM)
    cache = tmp_path / "cache"
    command = [sys.executable, "-m", "layercheck", "--output-format", "json", "--cache-dir", str(cache)]
    targets = (".", "app/api/users.py", ".", "app/services")
    runs = [
        subprocess.Popen([*command, target], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for target in targets
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    for target, output in zip(targets, outputs, strict=True):
        got = findings(Run(0, output.decode()))
        assert got == findings(check(root, target, cache=None))
    assert not [path for path in cache.rglob(".tmp-*")], "a temporary file was left behind"
    assert findings(check(root, ".", cache=cache)) == findings(check(root, ".", cache=None))


def test_clean_removes_the_cache(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    run_layercheck(["--output-format", "json", "."], root)
    assert (root / ".layercheck_cache").is_dir()
    run = run_layercheck(["clean"], root)
    assert run.exit_code == 0
    assert not (root / ".layercheck_cache").exists()
    assert "No cache" in run_layercheck(["clean"], root).output


def test_a_worker_that_dies_before_answering_is_replaced(tmp_path: Path) -> None:
    """The child forked for a pre-commit run (`infrastructure/pool.py`) dies: its file is checked again."""
    from layercheck.infrastructure import pool as forked
    from layercheck.infrastructure.config import load_settings
    from layercheck.infrastructure.modules import ModuleNamer
    from layercheck.infrastructure.runner import Runner

    if not forked.supported():
        pytest.skip("the forked worker is used on Linux only")
    root = make_project(tmp_path / "proj", MODELS_ORM)
    path = root / "app/services/users.py"
    settings = load_settings([path])
    task: FileTask = ModuleNamer(settings, root).task_for(path)
    child = forked.ForkedWorker()
    os.kill(child.pid, 9)
    os.waitpid(child.pid, 0)  # dead for sure: sending it the files meets a broken pipe
    runner = Runner(settings, None, 2, prewarmed=child)
    runner.start([task])
    try:
        records = runner.run([task], {task.path: None})
    finally:
        runner.close()
    codes = sorted(d.code for d in records[task.path].diagnostics)
    assert codes == ["LC701"], codes


def age(root: Path, seconds: int = 60) -> None:
    """Move every folder's and file's modification time into the past (a listing of folders
    changed within the last second is not trusted, and tests are quicker than that)."""
    past = os.stat(root).st_mtime_ns - seconds * 1_000_000_000
    for folder, _, names in os.walk(root):
        for path in [folder, *(os.path.join(folder, name) for name in names)]:
            os.utime(path, ns=(past, past))


def test_the_walk_of_the_project_is_reused_only_while_no_folder_changes(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj", MODELS_ORM)
    (root / ".gitignore").write_text("build/\n")
    cache = tmp_path / "cache"
    age(root)
    check(root, "app", cache=cache)  # walks, and keeps the walk
    assert [path for path in cache_files(cache) if path.name.endswith(".files.json")]
    assert findings(check(root, "app", cache=cache)) == findings(check(root, "app", cache=None))
    # A new module in an existing folder: that folder's time moves on.
    new = root / "app/services/payments.py"
    new.write_text(textwrap.dedent(SERVICE).replace("user", "payment"))
    assert ("LC701", "payments.py") in {(code, name) for code, name, _ in findings(check(root, "app", cache=cache))}
    age(root)
    check(root, "app", cache=cache)
    # A `.gitignore` that now leaves the new module out.
    edit(root / ".gitignore", "build/\npayments.py\n")
    got = findings(check(root, "app", cache=cache))
    assert got == findings(check(root, "app", cache=None))
    assert "payments.py" not in {name for _, name, _ in got}


def test_a_question_about_every_module_is_answered_from_files_the_checked_one_never_imports(
    tmp_path: Path,
) -> None:
    """Checking one service, whether the project uses structlog depends on a script the
    service does not import: read for the answer (by its bytes without a cache, by what the
    cache noted of them with one), and updated when only that script changes."""
    root = make_project(tmp_path / "proj", MODELS_ORM)
    script = root / "scripts/tool.py"
    script.parent.mkdir()
    script.write_text("import structlog\n\nlog = structlog.get_logger()\n")
    cache = tmp_path / "cache"
    age(root)
    check(root, ".", cache=cache)
    one = "app/services/users.py"
    with_structlog = findings(check(root, one, cache=cache))
    assert with_structlog == findings(check(root, one, cache=None))
    edit(script, "import logging\n\nlog = logging.getLogger(__name__)\n")
    without = findings(check(root, one, cache=cache))
    assert without == findings(check(root, one, cache=None))
    assert without != with_structlog


def test_clean_removes_the_cache_the_configuration_names(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    (root / "pyproject.toml").write_text('[project]\nname = "app"\n\n[tool.layercheck]\ncache-dir = ".cache/lc"\n')
    run_layercheck(["--output-format", "json", "."], root)
    assert (root / ".cache/lc/CACHEDIR.TAG").is_file()
    assert run_layercheck(["clean"], root).exit_code == 0
    assert not (root / ".cache/lc").exists()


# ----- the project's answers across runs of different scopes (`application/answers.py`) ----------


def test_a_run_on_one_unchanged_file_leaves_the_next_full_run_answered_from_the_cache(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj", MODELS_ORM)
    cache = tmp_path / "cache"
    age(root)
    loaded_modules(root, cache, ".")
    # Neither the one-file run nor the full run after it reads a record or parses a file.
    assert loaded_modules(root, cache, "app/services/users.py") == []
    assert loaded_modules(root, cache, ".") == []
    assert findings(check(root, ".", cache=cache)) == findings(check(root, ".", cache=None))


def test_a_warm_run_of_a_sub_folder_is_answered_from_the_cache(tmp_path: Path) -> None:
    """`layercheck app/services` twice (a run inside the project, not of its root)."""
    root = make_project(tmp_path / "proj", MODELS_ORM)
    cache = tmp_path / "cache"
    age(root)
    loaded_modules(root, cache, "app/services")
    assert loaded_modules(root, cache, "app/services") == []
    assert findings(check(root, "app/services", cache=cache)) == findings(check(root, "app/services", cache=None))
    edit(root / "app/models/user.py", MODELS_PLAIN)  # the model is no ORM class any more
    assert findings(check(root, "app/services", cache=cache)) == findings(check(root, "app/services", cache=None))


def test_a_one_file_run_on_a_change_that_keeps_the_facts_leaves_the_full_run_answered(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj", MODELS_ORM)
    cache = tmp_path / "cache"
    age(root)
    loaded_modules(root, cache, ".")
    edit(root / "app/services/users.py", SERVICE.replace("loading user", "fetching user"))
    one = check(root, "app/services/users.py", cache=cache)
    assert findings(one) == findings(check(root, "app/services/users.py", cache=None))
    # What the service tells other modules did not change: nothing else is decided again.
    assert loaded_modules(root, cache, ".") == []
    assert findings(check(root, ".", cache=cache)) == findings(check(root, ".", cache=None))


@pytest.mark.parametrize("partial", ["app/models/user.py", "app/services/users.py", "app/api"])
def test_a_partial_run_that_sees_a_changed_model_leaves_its_dependents_to_the_full_run(
    tmp_path: Path, partial: str
) -> None:
    """The partial run decides its own files only; the full run after it decides again what
    the model's new facts reach (the router's LC104, here) and gives a cold run's findings."""
    root = make_project(tmp_path / "proj")
    cache = tmp_path / "cache"
    before = findings(check(root, ".", cache=cache))
    assert ("LC104", "users.py", 3) not in before
    edit(root / "app/models/user.py", MODELS_ORM)
    assert findings(check(root, partial, cache=cache)) == findings(check(root, partial, cache=None))
    after = findings(check(root, ".", cache=cache))
    assert after == findings(check(root, ".", cache=None))
    assert ("LC104", "users.py", 3) in after
    # Back: a partial run, then the full run, then a run with nothing changed.
    edit(root / "app/models/user.py", MODELS_PLAIN)
    check(root, partial, cache=cache)
    assert findings(check(root, ".", cache=cache)) == before
    assert findings(check(root, ".", cache=cache)) == before


def test_a_file_read_by_a_partial_run_and_then_reverted_is_decided_again(tmp_path: Path) -> None:
    """A partial run decides the router against the model's new facts; the model then goes
    back to the content the answers were made for: the router is decided again all the same."""
    root = make_project(tmp_path / "proj")
    cache = tmp_path / "cache"
    before = findings(check(root, ".", cache=cache))
    model = root / "app/models/user.py"
    original = model.read_bytes()
    times = model.stat()
    edit(model, MODELS_ORM)
    assert ("LC104", "users.py", 3) in findings(check(root, "app/api/users.py", cache=cache))
    model.write_bytes(original)
    os.utime(model, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert findings(check(root, "app/api/users.py", cache=cache)) == findings(
        check(root, "app/api/users.py", cache=None)
    )
    assert findings(check(root, ".", cache=cache)) == before


def test_a_new_file_makes_every_answer_decided_again(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj", MODELS_ORM)
    cache = tmp_path / "cache"
    check(root, ".", cache=cache)
    (root / "app/services/payments.py").write_text(textwrap.dedent(SERVICE).replace("user", "payment"))
    assert findings(check(root, ".", cache=cache)) == findings(check(root, ".", cache=None))
    (root / "app/services/payments.py").unlink()
    assert findings(check(root, ".", cache=cache)) == findings(check(root, ".", cache=None))


def test_root_findings_of_a_run_on_a_root_file_do_not_stand_for_the_whole_project(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj", MODELS_ORM)
    (root / "requirements.txt").write_text("fastapi\n")
    (root / "setup.py").write_text("from setuptools import setup\nsetup(name='x', install_requires=['y'])\n")
    cache = tmp_path / "cache"
    check(root, ".", cache=cache)
    edit(root / "app/models/user.py", MODELS_PLAIN)  # some facts change: the root findings are decided again
    one = findings(check(root, "setup.py", cache=cache))
    assert one == findings(check(root, "setup.py", cache=None))
    assert {name for _, name, _ in one} == {"setup.py"}
    whole = findings(check(root, ".", cache=cache))
    assert whole == findings(check(root, ".", cache=None))
    assert {"setup.py", "requirements.txt"} <= {name for code, name, _ in whole if code == "LC801"}


def test_a_cache_is_keyed_by_the_code_of_every_layer_package(tmp_path: Path) -> None:
    """A working copy's cache names the code that wrote it: editing a rule (in
    `layercheck/rules/`, not beside the cache module) makes the old records unusable."""
    import layercheck.rules.print_in_server_code as edited
    from layercheck.infrastructure import cache

    source = Path(edited.__file__)
    before = source.stat()
    cache._code_id.cache_clear()
    original = cache._code_id()
    try:
        os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
        cache._code_id.cache_clear()
        assert cache._code_id() != original
    finally:
        os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
        cache._code_id.cache_clear()
    assert cache._code_id() == original

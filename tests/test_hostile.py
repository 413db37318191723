"""Hostile files: every one either checks normally or yields one LC001 that names the cause,
and the run goes on (exit 0 or 1, no traceback, the normal files still checked).

The tree is checked in a real subprocess (a crash in the native parser would take the test
process with it), once on the single-process path and once through the process pool.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_layercheck, write_project

import layercheck.application.check

SELECT = "from sqlalchemy import select\n"
QUERY = "q = select(User)\n"
# A checked router file reports LC201 on `select(User)`; a file that was not read cannot.
ROUTER = SELECT + QUERY


def _chain(count: int) -> bytes:
    return ("x = " + " + ".join(["a"] * count) + "\n").encode()


def _nested_blocks(count: int) -> bytes:
    return ("".join("    " * level + "if x:\n" for level in range(count)) + "    " * count + "pass\n").encode()


def _elif_ladder(count: int) -> bytes:
    return ("if a:\n    pass\n" + "elif a:\n    pass\n" * count).encode()


# name -> (content, expectation). An expectation is ("LC001", words of the message) for a
# file that cannot be checked, or ("checked", [(code, line, column), ...]) for one that must
# check normally with these findings at these places.
FILES: dict[str, tuple[bytes, tuple[str, Any]]] = {
    "syntax_error.py": (b"def f(:\n    pass\n", ("LC001", "syntax error")),
    "nul_byte.py": (b"x = 1\x00\n" + ROUTER.encode(), ("LC001", "NUL byte")),
    "invalid_utf8.py": (b"x = '\xff\xfe'\n" + ROUTER.encode(), ("LC001", "cannot decode as utf-8")),
    "latin1.py": (
        ("# -*- coding: latin-1 -*-\n" + SELECT + "x = 'é'; q = select(User)\n").encode("latin-1"),
        ("checked", [("LC104", 2, 24), ("LC201", 3, 14)]),
    ),
    "bom.py": (b"\xef\xbb\xbf" + ROUTER.encode(), ("checked", [("LC104", 1, 24), ("LC201", 2, 5)])),
    "crlf.py": (ROUTER.replace("\n", "\r\n").encode(), ("checked", [("LC201", 2, 5)])),
    "mixed_line_ends.py": (
        b"from sqlalchemy import select\r\nx = 1\ny = 2\rq = select(User)\r\nr = select(User)\n",
        ("checked", [("LC201", 4, 5), ("LC201", 5, 5)]),
    ),
    "form_feed_tabs.py": (
        b"\x0cfrom sqlalchemy import select\n\x0c\ndef f():\n\tif True:\n\t\treturn select(User)\n",
        ("checked", [("LC104", 1, 25), ("LC201", 5, 10)]),
    ),
    "empty.py": (b"", ("checked", [])),
    "parens_3000.py": (b"x = " + b"(" * 3000 + b"1" + b")" * 3000 + b"\n", ("LC001", "too deeply nested")),
    "lists_3000.py": (b"x = " + b"[" * 3000 + b"1" + b"]" * 3000 + b"\n", ("LC001", "too deeply nested")),
    "blocks_400.py": (_nested_blocks(400), ("LC001", "too deeply nested")),
    "chain_10000.py": (_chain(10_000), ("LC001", "too deeply nested")),
    "elif_10000.py": (_elif_ladder(10_000), ("LC001", "too deeply nested")),
    "python2.py": (b"print 'hello'\nexec 'x = 1'\n", ("LC001", "syntax error")),
    "pep695_generics.py": (
        (
            "def first[T](items: list[T]) -> T:\n    return items[0]\n\n"
            "class Box[T: int, *Ts, **P]:\n    pass\n\n"
            "type Pair[T] = tuple[T, T]\n" + ROUTER
        ).encode(),
        ("checked", [("LC201", 9, 5)]),
    ),
    "pep701_fstrings.py": (
        (
            'x = f"{\'a\' + "b"}"\n'
            'y = f"{f"{f"{1}"}"}"\n'
            'z = f"{"\\n".join(items)}"\n'
            'w = f"{x!r:>{width}} {y=}"\n' + ROUTER
        ).encode(),
        ("checked", [("LC201", 6, 5)]),
    ),
    "pep758_except.py": (
        ("try:\n    pass\nexcept ValueError, TypeError:\n    pass\n" + ROUTER).encode(),
        ("checked", [("LC201", 6, 5)]),
    ),
    "pep750_tstrings.py": (('greeting = t"hello {name}"\n' + ROUTER).encode(), ("checked", [("LC201", 3, 5)])),
    # libcst 1.9's node validation rejects a t-string concatenated to another string; its
    # parser, which layercheck runs without that validation, reads it.
    "pep750_concatenated.py": (
        ('x = (\n    t"select {a}, "\n    t"{b}"\n)\n' + ROUTER).encode(),
        ("checked", [("LC201", 6, 5)]),
    ),
    "normal.py": (ROUTER.encode(), ("checked", [("LC104", 1, 24), ("LC201", 2, 5)])),
}

# Made on disk by `_make_special`: links, a folder named like a file, a FIFO.
SPECIAL: dict[str, tuple[str, Any]] = {
    "dir_named.py/inner.py": ("checked", [("LC201", 2, 5)]),
    "loop.py": ("LC001", "symlink loop"),
    "dangling.py": ("LC001", "dangling symlink"),
    "outside.py": ("LC001", "outside the checked tree"),
    "fifo.py": ("LC001", "not a regular file"),
    "new\nline.py": ("checked", [("LC201", 2, 5)]),
}

API = "app/api"


def _make_special(root: Path, outside: Path) -> None:
    api = root / API
    (api / "dir_named.py").mkdir()
    (api / "dir_named.py" / "inner.py").write_text(ROUTER)
    os.symlink("loop.py", api / "loop.py")
    os.symlink("nowhere.py", api / "dangling.py")
    outside.mkdir()
    # Files outside the tree that would be flagged if they were read.
    (outside / "secret.py").write_text(ROUTER)
    (outside / "linked").mkdir()
    (outside / "linked" / "deep.py").write_text(ROUTER)
    os.symlink(outside / "secret.py", api / "outside.py")
    os.symlink(outside / "linked", api / "linked_folder")  # a folder link: never followed
    os.mkfifo(api / "fifo.py")
    (api / "new\nline.py").write_text(ROUTER)
    # git skips a pattern it cannot read (`!` alone) and applies the others.
    (api / ".gitignore").write_text("!\nignored_*.py\n")
    (api / "ignored_by_git.py").write_text(ROUTER)
    # A name that is not UTF-8 cannot be a module name, nor be printed or cached: it is named
    # in a warning instead.
    with open(os.path.join(os.fsencode(api), b"\xff\xfename.py"), "w") as handle:
        handle.write(ROUTER)


def _limited_memory() -> None:
    """In the child: at most 2 GiB of address space, so a blow-up fails instead of swapping."""
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def run_cli(args: list[str], cwd: Path, timeout: float = 300) -> tuple[int, str, str, float]:
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "layercheck", *args],
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        preexec_fn=_limited_memory,
    )
    return (
        completed.returncode,
        completed.stdout.decode("utf-8", "replace"),
        completed.stderr.decode("utf-8", "replace"),
        time.monotonic() - started,
    )


@pytest.fixture(scope="module", params=["single-process", "pool"])
def hostile_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The hostile tree, checked once per module and per way of running."""
    base = tmp_path_factory.mktemp(request.param)
    root = write_project(base / "proj", {})
    api = root / API
    api.mkdir(parents=True)
    for name, (content, _) in FILES.items():
        (api / name).write_bytes(content)
    _make_special(root, base / "outside")
    jobs = "1"
    if request.param == "pool":
        jobs = "2"
        for number in range(30):  # enough files for the runner to start its process pool
            (root / "app" / "api" / f"filler_{number}.py").write_text(ROUTER)
    code, out, err, seconds = run_cli(["--no-cache", "--output-format", "json", "-j", jobs, "."], root)
    findings = json.loads(out) if out.strip().startswith("[") else []
    by_file: dict[str, list[dict[str, Any]]] = {}
    for item in findings:
        relative = Path(item["filename"]).relative_to(api).as_posix() if API in item["filename"] else item["filename"]
        by_file.setdefault(relative, []).append(item)
    yield {"code": code, "out": out, "err": err, "seconds": seconds, "by_file": by_file}


def test_the_run_goes_on(hostile_run: dict[str, Any]) -> None:
    assert hostile_run["code"] == 1, hostile_run["err"]
    assert "Traceback" not in hostile_run["out"] + hostile_run["err"]
    assert hostile_run["seconds"] < 120
    codes = {item["code"] for items in hostile_run["by_file"].values() for item in items}
    assert "LC000" not in codes
    assert "app/api/\ufffd\ufffdname.py: not checked: the file name is not valid UTF-8" in hostile_run["err"]


EXPECTATIONS = {**{name: expected for name, (_, expected) in FILES.items()}, **SPECIAL}


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_each_hostile_file(hostile_run: dict[str, Any], name: str) -> None:
    kind, detail = EXPECTATIONS[name]
    found = hostile_run["by_file"].get(name, [])
    if kind == "LC001":
        assert len(found) == 1, found
        assert found[0]["code"] == "LC001"
        assert detail in found[0]["message"]
    else:
        assert [item for item in found if item["code"] == "LC001"] == []
        places = {(item["code"], item["location"]["row"], item["location"]["column"]) for item in found}
        assert set(detail) <= places, found


def test_links_out_of_the_tree_are_not_followed(hostile_run: dict[str, Any]) -> None:
    # Only files of the tree are reported: nothing from the link's target or the linked folder.
    assert [path for path in hostile_run["by_file"] if path.startswith("/") or "linked_folder" in path] == []
    outside = hostile_run["by_file"]["outside.py"]
    assert [item["code"] for item in outside] == ["LC001"]  # the link is named, its target never read


def test_an_unreadable_gitignore_pattern_is_skipped(hostile_run: dict[str, Any]) -> None:
    assert "ignored_by_git.py" not in hostile_run["by_file"]


def test_a_file_is_named_with_the_cause_in_every_format(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", {f"{API}/broken.py": "def f(:\n", f"{API}/users.py": ROUTER})
    code, out, err, _ = run_cli(["--no-cache", "--output-format", "concise", "."], root)
    assert code == 1
    assert "app/api/broken.py:1:7: LC001 syntax error" in out
    assert "app/api/users.py:2:5: LC201" in out


def test_a_huge_file_is_refused_quickly_and_in_bounded_memory(tmp_path: Path) -> None:
    lines = 300_000
    body = "".join(f"value_{number} = compute({number}, key='k{number}')\n" for number in range(lines))
    root = write_project(tmp_path / "proj", {f"{API}/huge.py": body, f"{API}/users.py": ROUTER})
    before = (root / API / "huge.py").read_bytes()
    code, out, err, seconds = run_cli(["--no-cache", "--output-format", "concise", "--fix", "."], root)
    assert code == 1, err
    assert "Traceback" not in out + err
    assert "app/api/huge.py:1:1: LC001 file too large to check: 300,000 lines" in out
    assert "app/api/users.py:2:5: LC201" in out
    assert seconds < 60
    assert (root / API / "huge.py").read_bytes() == before


def test_fix_keeps_bom_crlf_and_every_line_of_a_big_file(tmp_path: Path) -> None:
    """A 20,000-line file with a BOM and CRLF line ends: the one fixable line changes, no other."""
    lines = [f"value_{number} = compute({number})" for number in range(20_000)]
    lines[10_000] = "value = 1  # noqa: LC201"  # suppresses nothing: LC002, fixed by removing it
    data = b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n"
    root = write_project(tmp_path / "proj", {})
    (root / API).mkdir(parents=True)
    (root / API / "big.py").write_bytes(data)
    code, out, err, _ = run_cli(["--no-cache", "--output-format", "concise", "--fix", "."], root)
    assert code == 0, out + err
    after = (root / API / "big.py").read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    after_lines = after[3:].split(b"\r\n")
    before_lines = data[3:].split(b"\r\n")
    assert len(after_lines) == len(before_lines)
    assert b"\n" not in after.replace(b"\r\n", b"")
    changed = [number for number, (old, new) in enumerate(zip(before_lines, after_lines, strict=True)) if old != new]
    assert changed == [10_000]
    assert after_lines[10_000] == b"value = 1"


def _deleting_after_discovery(victim: Path) -> Callable[..., list[Path]]:
    discover = layercheck.application.check.discover

    def discover_then_delete(*args: Any, **kwargs: Any) -> list[Path]:
        found = discover(*args, **kwargs)
        victim.unlink()  # gone between discovery and reading, as under a `git checkout`
        return found

    return discover_then_delete


def test_a_file_deleted_during_the_run_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "proj", {f"{API}/gone.py": ROUTER, f"{API}/users.py": ROUTER})
    monkeypatch.setattr(layercheck.application.check, "discover", _deleting_after_discovery(root / API / "gone.py"))
    run = run_layercheck(["--no-cache", "--output-format", "concise", "."], root)
    assert run.exit_code == 1
    assert "app/api/gone.py:1:1: LC001 file not found" in run.output
    assert "app/api/users.py:2:5: LC201" in run.output


def test_a_file_edited_during_the_run_is_not_cached_under_its_old_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_project(tmp_path / "proj", {f"{API}/users.py": "x = 1\n"})
    target = root / API / "users.py"
    cache = ["--cache-dir", str(tmp_path / "cache"), "--output-format", "concise", "."]
    digests = layercheck.application.check.file_digests

    def digest_then_edit(*args: Any, **kwargs: Any) -> dict[str, str | None]:
        found = digests(*args, **kwargs)
        target.write_text(ROUTER)  # saved by an editor while the run reads the tree
        return found

    with monkeypatch.context() as patch:
        patch.setattr(layercheck.application.check, "file_digests", digest_then_edit)
        edited = run_layercheck(cache, root)
    assert "app/api/users.py:2:5: LC201" in edited.output  # what was read is what is reported
    target.write_text("x = 1\n")  # back to the content the run took the digest of
    os.utime(target, (time.time() - 10, time.time() - 10))
    again = run_layercheck(cache, root)
    assert again.exit_code == 0, again.output


def test_a_string_annotation_too_deep_to_parse_is_not_parsed(tmp_path: Path) -> None:
    """Rules parse string annotations too: a forward reference nested 3,000 deep is skipped."""
    annotation = "(" * 3000 + "dict" + ")" * 3000
    source = f'async def find() -> "{annotation}":\n    pass\n'
    root = write_project(tmp_path / "proj", {"app/repositories/user_repository.py": source})
    code, out, err, _ = run_cli(["--no-cache", "--output-format", "concise", "."], root)
    assert code == 0, out + err


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_pool_workers_end_when_the_run_is_killed(tmp_path: Path) -> None:
    # An editor closing the language server, or a hook's timeout, kills the run: its
    # workers must not wait on their queue forever.
    files = {f"app/services/s{n}.py": ROUTER * 40 for n in range(600)}
    root = write_project(tmp_path / "proj", files)
    run = subprocess.Popen(
        [sys.executable, "-m", "layercheck", "check", "--no-cache", "-j", "2", "--exit-zero", "."],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while time.monotonic() < deadline and run.poll() is None and len(workers) < 2:
            workers = _children(run.pid)
            time.sleep(0.05)
        if run.poll() is not None or not workers:
            pytest.skip("the run ended before its workers could be seen")
        run.kill()
        run.wait()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()

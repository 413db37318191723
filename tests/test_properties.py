"""Properties over generated code (Hypothesis, hypothesmith):

- on any valid Python, layercheck never fails (no LC000, no traceback, exit 0 or 1);
- `--fix` output always parses, and a second `--fix` changes nothing;
- `--fix` never changes a file that had no fixable finding, byte for byte, and keeps the
  encoding, BOM and line endings of the files it changes.

The code comes from hypothesmith (any grammar-valid module) and from a generator of the
code layercheck's fixable rules look at (log calls, suppression comments, Pydantic v1
config), placed in random statement contexts, indentation, line endings and encodings.
Bounded for CI; `LAYERCHECK_LONG_PROPERTIES=1` runs many more examples, randomly.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import hypothesmith
import libcst as cst
import pytest
from conftest import run_layercheck, write_project
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

LONG = os.environ.get("LAYERCHECK_LONG_PROPERTIES") == "1"
BOUNDED = settings(
    max_examples=400 if LONG else 12,
    deadline=None,
    derandomize=not LONG,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# Where a generated module is placed: one file per layer the rules look at.
LAYER_PATHS = (
    "app/api/users.py",
    "app/services/user_service.py",
    "app/repositories/user_repository.py",
    "app/models/user.py",
    "app/schemas/user.py",
    "app/config.py",
    "app/utils.py",
)

HEADERS = (
    "import logging\n\nlog = logging.getLogger(__name__)\nlogger = log\n",
    "import structlog\n\nlog = structlog.get_logger()\nlogger = log\n",
)
SCHEMA_HEADER = "from pydantic import BaseModel, ConfigDict\n"

LOG_CALLS = (
    'log.info(f"user {user.id} created")',
    "log.warning(f'{a!r} and {b:>10} at 100%')",
    'logger.error(f"{x}" f" then {y}")',
    'log.exception(f"failed {exc}", exc_info=True)',
    "log.debug(f\"{d['k']} {'q'}\")",
    'log.info(f"%s {x} %d")',
    'log.info("a %s" % x)',
    'log.info("a %s and %d" % (x, count))',
    'log.info("x=%(x)s" % {"x": 1})',
    'log.info("{} of {}".format(a, b))',
    'log.info("{0} {0} {name}".format(a, name=b))',
    'log.info("{}".format(*args))',
    'log.info("user " + str(user_id) + " created")',
    'log.info("total: " + total)',
    'log.info(\n    f"multi {line}"  # a comment inside\n    ,\n    extra={"k": 1},\n)',
    'log.log(10, f"level {x}")',
    'log.info(msg := f"walrus {x}")',
    'print(f"not a log {x}")',
    'other.info(f"not a logger {x}")',
)
SUPPRESSIONS = (
    "  # noqa: LC201",
    "  # noqa: LC701, LC201",
    "  # noqa:LC702,E501",
    "  # layercheck: ignore[LC701] it is fine",
    "  # layercheck: ignore[LC999]",
    "  # noqa: E501",
    "  # a plain comment",
    "",
)
SCHEMAS = (
    "class UserOut(BaseModel):\n    name: str\n\n    class Config:\n        orm_mode = True\n",
    "class ItemOut(BaseModel):\n    id: int\n",
    "class ItemOut(BaseModel):\n    model_config = ConfigDict(frozen=True)\n    id: int\n",
    "class UserIn(BaseModel):\n    class Config:\n        extra = 'forbid'\n        orm_mode = True\n",
    "class Out(BaseModel):\n    '''Doc.'''\n\n    class Config:  # v1\n        allow_population_by_field_name = True\n",
)


def _indented(lines: list[str], indent: str) -> list[str]:
    return [indent + line if line.strip() else line for line in lines]


@st.composite
def contexts(draw: st.DrawFn, body: list[str], indent: str) -> list[str]:
    """`body` wrapped in a random statement context (a function, a loop, a `try`...)."""
    kind = draw(st.sampled_from(["module", "def", "async", "method", "if", "for", "with", "try", "nested"]))
    inner = _indented(body, indent)
    if kind == "module":
        return body
    if kind == "def":
        return ["def handle(user, a, b, x, y, d, exc, count, args, user_id, total):", *inner]
    if kind == "async":
        return ["@decorator", "async def handle(*args, **kwargs):", *inner]
    if kind == "method":
        return ["class Handler:", indent + "def run(self):", *_indented(inner, indent)]
    if kind == "if":
        return ["if ready:", indent + "pass", "else:", *inner]
    if kind == "for":
        return ["for user in users:", *inner]
    if kind == "with":
        return ["with session() as s, lock:", *inner]
    if kind == "try":
        return ["try:", indent + "pass", "except (ValueError, KeyError) as exc:", *inner, "finally:", indent + "pass"]
    return ["def outer():", indent + "def inner():", *_indented(inner, indent), indent + "return inner"]


@st.composite
def domain_modules(draw: st.DrawFn) -> tuple[str, bytes]:
    """(path, bytes) of a module full of what the fixable rules look at."""
    path = draw(st.sampled_from(LAYER_PATHS))
    indent = draw(st.sampled_from(["    ", "  ", "\t"]))
    body: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        call = draw(st.sampled_from(LOG_CALLS)).split("\n")
        call[-1] += draw(st.sampled_from(SUPPRESSIONS))
        body.extend(call)
    lines = [*draw(st.sampled_from(HEADERS)).split("\n"), *draw(contexts(body, indent))]
    if path.startswith("app/schemas") or draw(st.booleans()):
        lines = [SCHEMA_HEADER.rstrip("\n"), *lines, *draw(st.sampled_from(SCHEMAS)).split("\n")]
    if draw(st.booleans()):
        lines.append(f"x = 1{draw(st.sampled_from(SUPPRESSIONS))}")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + (newline if draw(st.booleans()) else "")
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]))
    if encoding == "latin-1":
        text = f"# -*- coding: latin-1 -*-{newline}" + text + f"{newline}name = 'Zoë'{newline}"
    return path, text.encode(encoding)


def _compiles(data: bytes) -> bool:
    try:
        compile(data, "<generated>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _write(root: Path, files: dict[str, bytes]) -> None:
    write_project(root, {})
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def _check(root: Path, *flags: str) -> tuple[int, list[dict[str, Any]], str]:
    run = run_layercheck(["--no-cache", "--output-format", "json", *flags, "."], root)
    assert "Traceback" not in run.output + run.stderr
    assert run.exit_code in (0, 1), run.output + run.stderr
    findings = json.loads(run.output) if run.output.strip().startswith("[") else []
    assert [item for item in findings if item["code"] == "LC000"] == []
    return run.exit_code, findings, run.stderr


def _files(root: Path, names: list[str]) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in names}


def _never_crashes(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "proj"
        _write(root, files)
        _check(root)


@BOUNDED
@given(source=hypothesmith.from_grammar(), where=st.sampled_from(LAYER_PATHS))
def test_any_valid_module_checks_without_internal_error(source: str, where: str) -> None:
    _never_crashes({where: source.encode("utf-8")})


@BOUNDED
@given(source=hypothesmith.from_node(), where=st.sampled_from(LAYER_PATHS))
def test_any_libcst_generated_module_checks_without_internal_error(source: str, where: str) -> None:
    _never_crashes({where: source.encode("utf-8")})


@BOUNDED
@given(module=domain_modules(), noise=hypothesmith.from_grammar())
def test_rule_relevant_code_in_any_context_checks_without_internal_error(module: tuple[str, bytes], noise: str) -> None:
    path, data = module
    combined = data + (b"\n" if not data.endswith(b"\n") else b"") + noise.encode("utf-8")
    assume(_compiles(combined) or not _compiles(data))
    _never_crashes({path: combined if _compiles(combined) else data})


def _has_fixes(findings: list[dict[str, Any]], path: Path) -> bool:
    return any(item["fix"] for item in findings if Path(item["filename"]) == path)


@BOUNDED
@given(modules=st.lists(domain_modules(), min_size=1, max_size=3, unique_by=lambda module: module[0]))
def test_fix_output_parses_and_a_second_fix_changes_nothing(modules: list[tuple[str, bytes]]) -> None:
    files = dict(modules)
    assume(all(_compiles(data) for data in files.values()))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "proj"
        _write(root, files)
        _, before_findings, _ = _check(root, "--unsafe-fixes")
        _check(root, "--fix", "--unsafe-fixes")
        fixed = _files(root, list(files))
        for name, data in fixed.items():
            assert _compiles(data), (name, data)
            text = data.decode("latin-1" if b"coding: latin-1" in data else "utf-8-sig")
            cst.parse_module(text)
            original = files[name]
            if not _has_fixes(before_findings, (root / name).resolve()):
                assert data == original, name  # no fixable finding: not a byte changes
            assert data.startswith(b"\xef\xbb\xbf") == original.startswith(b"\xef\xbb\xbf")
            if b"\r\n" in original:
                assert b"\n" not in data.replace(b"\r\n", b""), name  # CRLF kept on every line
            else:
                assert b"\r" not in data, name
        _check(root, "--fix", "--unsafe-fixes")
        assert _files(root, list(files)) == fixed  # fixing again changes nothing


@BOUNDED
@given(module=domain_modules(), clean=hypothesmith.from_grammar())
def test_fix_never_touches_a_file_without_fixable_findings(module: tuple[str, bytes], clean: str) -> None:
    path, data = module
    assume(_compiles(data))
    files = {path: data, "app/api/untouched.py": clean.encode("utf-8"), "app/services/other_service.py": clean.encode()}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "proj"
        _write(root, files)
        _, findings, _ = _check(root, "--unsafe-fixes")
        _check(root, "--fix", "--unsafe-fixes")
        for name, original in files.items():
            if not _has_fixes(findings, (root / name).resolve()):
                assert (root / name).read_bytes() == original, name


@pytest.mark.parametrize("module", [b"", b"\n", b"\r\n", b"\xef\xbb\xbf", b"# only a comment", b"\\\n\n"])
def test_degenerate_modules(tmp_path: Path, module: bytes) -> None:
    """The smallest inputs the generators reach, pinned so they never regress."""
    _write(tmp_path / "proj", {"app/api/users.py": module})
    _check(tmp_path / "proj", "--fix", "--unsafe-fixes")
    assert (tmp_path / "proj" / "app/api/users.py").read_bytes() == module

"""Broken configuration: exit 2 with a message that names the file, the key (and the line and
column of a TOML syntax error) and suggests the close spelling; suspicious but valid
configuration only warns, and the run goes on."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_layercheck, write_project

ROUTER = "from sqlalchemy import select\n\nq = select(User)\n"


def run_with(tmp_path: Path, config: str, name: str = "pyproject.toml", *flags: str) -> tuple[int, str, str]:
    root = write_project(tmp_path / "proj", {"app/api/users.py": ROUTER})
    (root / name).write_text(config)
    run = run_layercheck(["--no-cache", "--output-format", "concise", *flags, "."], root)
    return run.exit_code, run.output, run.stderr


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("[tool.layercheck]\nselect = [1 2]\n", "pyproject.toml:2:13: invalid TOML: Unclosed array"),
        (
            "[tool.layercheck]\nselect = ['LC201'\n",
            "pyproject.toml:3:1: invalid TOML: Unclosed array (at the end of the file)",
        ),
        ("[tool.layercheck]\nselect = 'LC201'\nselect = 'LC2'\n", "pyproject.toml:3:"),
        ("[tool.layercheck\n", "pyproject.toml:1:17: invalid TOML"),
    ],
    ids=["unclosed-array", "at-end", "duplicate-key", "unclosed-table"],
)
def test_toml_syntax_error_names_file_line_and_column(tmp_path: Path, config: str, expected: str) -> None:
    code, out, err = run_with(tmp_path, config)
    assert code == 2
    assert expected in err
    assert err.startswith("layercheck: error: ")
    assert "Traceback" not in out + err


def test_a_broken_pyproject_that_never_names_layercheck_warns_and_the_run_goes_on(tmp_path: Path) -> None:
    # A sub-package's `pyproject.toml` with a stray `\)` in a coverage pattern (invalid TOML):
    # it cannot hold layercheck's settings, so the run goes on with the defaults, saying
    # where the file is broken; one that names layercheck stays an error (above).
    config = '[tool.coverage.report]\nexclude_lines = [\n    "class .*\\bProtocol\\):",\n]\n'
    code, out, err = run_with(tmp_path, config)
    assert code == 1
    assert "app/api/users.py:3:5: LC201" in out
    assert "layercheck: warning: " in err and "pyproject.toml:3:26: invalid TOML" in err
    assert "holding no layercheck settings" in err


def test_config_that_is_not_utf8(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", {"app/api/users.py": ROUTER})
    (root / "pyproject.toml").write_bytes(b"[tool.layercheck]\nselect = ['\xff']\n")
    run = run_layercheck(["--no-cache", "."], root)
    assert run.exit_code == 2
    assert "pyproject.toml:2: invalid TOML: not UTF-8 (byte 0xff)" in run.stderr


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("[tool.layercheck]\nselect = 'LC201'\n", "`select`: expected a list of strings, got str"),
        ("[tool.layercheck]\nselect = ['LC201', 3]\n", "`select`: expected a list of strings, found 3"),
        ("[tool.layercheck]\nrespect-gitignore = 'yes'\n", "`respect-gitignore`: expected true or false, got 'yes'"),
        ("[tool.layercheck]\nsrc = 'app'\n", "`src`: expected a list of strings, got str"),
        ("[tool.layercheck]\nlayers = ['api']\n", "`layers`: expected a table of layer names"),
        ("[tool.layercheck.layers]\napi = 'app/api/**'\n", "`layers.api`: expected a list of globs or a table"),
        (
            "[tool.layercheck.layers.api]\npaths = 'app/api/**'\n",
            "`layers.api.paths`: expected a list of strings, got str",
        ),
        ("[tool.layercheck.layers.api]\nheld = 1\n", "`layers.api.held`: expected true or false, got 1"),
        ("[tool.layercheck]\nrules = 1\n", "`rules`: expected a table of rule codes"),
        ("[tool.layercheck.rules]\nLC201 = true\n", "`rules.LC201`: expected a table of options"),
        (
            "[tool.layercheck.rules.LC201]\nsession-methods = 'execute'\n",
            "`rules.LC201.session-methods`: expected a list",
        ),
        ("[tool.layercheck]\nper-file-ignores = ['x']\n", "`per-file-ignores`: expected a table of glob = [codes]"),
        ("[tool]\nlayercheck = 5\n", "`tool.layercheck`: expected a table, got int"),
        ("[tool.layercheck]\npreset = 'nova'\n", "`preset`: unknown preset 'nova' (known: supernova, none)"),
        ("[tool.layercheck]\noutput-format = 'xml'\n", "`output-format`: unknown format"),
    ],
)
def test_wrong_types_name_the_key(tmp_path: Path, config: str, expected: str) -> None:
    code, out, err = run_with(tmp_path, config)
    assert code == 2
    assert f"pyproject.toml: {expected}" in err
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("[tool.layercheck]\nselct = ['LC201']\n", "`selct`: unknown key (did you mean `select`?)"),
        (
            "[tool.layercheck]\nextend_select = ['LC201']\n",
            "`extend_select`: unknown key (did you mean `extend-select`?)",
        ),
        (
            "[tool.layercheck]\nselect = ['LC2011']\n",
            "`select`: unknown rule code or prefix `LC2011` (did you mean `LC201`?)",
        ),
        (
            "[tool.layercheck]\nignore = ['print-in-server']\n",
            "`ignore`: unknown rule code or prefix `print-in-server` (did you mean `print-in-server-code`?)",
        ),
        (
            "[tool.layercheck.per-file-ignores]\n'app/*' = ['LC7O1']\n",
            "`per-file-ignores.app/*`: unknown rule code or prefix `LC7O1` (did you mean `LC701`?)",
        ),
        ("[tool.layercheck.rules.LC2010]\n", "`rules.LC2010`: unknown rule code (did you mean `LC201`?)"),
        (
            "[tool.layercheck.rules.LC201]\nsession-method = ['execute']\n",
            "`rules.LC201.session-method`: unknown option (did you mean `session-methods`?)",
        ),
        (
            "[tool.layercheck.rules.LC201]\ncolour = 1\n",
            "`rules.LC201.colour`: unknown option (known: session-methods, query-builders)",
        ),
        (
            "[tool.layercheck.layers.api]\nmay-imports = ['service']\n",
            "`layers.api.may-imports`: unknown key (did you mean `may-import`?)",
        ),
        (
            "[tool.layercheck.layers.api]\nmay-import = ['servise']\n",
            "`layers.api.may-import`: unknown layer `servise` (did you mean `service`?)",
        ),
    ],
)
def test_unknown_keys_and_codes_suggest_the_close_spelling(tmp_path: Path, config: str, expected: str) -> None:
    code, out, err = run_with(tmp_path, config)
    assert code == 2
    assert f"pyproject.toml: {expected}" in err


def test_standalone_layercheck_toml_is_validated_the_same_way(tmp_path: Path) -> None:
    code, _, err = run_with(tmp_path, "selct = ['LC201']\n", "layercheck.toml")
    assert code == 2
    assert "layercheck.toml: `selct`: unknown key (did you mean `select`?)" in err


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--select", "LC9999"], "unknown rule code or prefix `LC9999`"),
        (["--ignore", "LC2,XX1"], "unknown rule code or prefix `XX1`"),
        (["--config", "missing.toml"], "missing.toml: config file not found"),
    ],
)
def test_bad_flags_exit_2(tmp_path: Path, flags: list[str], expected: str) -> None:
    code, _, err = run_with(tmp_path, "", "pyproject.toml", *flags)
    assert code == 2
    assert expected in err


def test_a_layer_glob_that_matches_nothing_warns_and_the_run_goes_on(tmp_path: Path) -> None:
    config = "[tool.layercheck.layers]\napi = ['app/api/**', 'app/routers/**']\nservice = ['app/srvice/**']\n"
    code, out, err = run_with(tmp_path, config)
    assert code == 1
    assert "app/api/users.py:3:5: LC201" in out
    assert "warning: " in err and "pyproject.toml: `layers.service`: `app/srvice/**` matches no file" in err
    assert "`layers.api`: `app/routers/**` matches no file" in err
    assert "app/api/**" not in err  # it matches a file
    assert "**/services/**" not in err  # the preset's own globs are not the user's to fix


def test_globs_that_all_match_do_not_warn(tmp_path: Path) -> None:
    code, _, err = run_with(tmp_path, "[tool.layercheck.layers.api]\nextend-paths = ['app/**/users.py']\n")
    assert code == 1
    assert err == ""


def _two_configs(tmp_path: Path) -> Path:
    """An outer project that selects the router rules, and a nested one that selects logging."""
    outer = write_project(
        tmp_path / "outer",
        {"app/api/users.py": ROUTER, "inner/app/api/users.py": ROUTER + "print(q)\n"},
        pyproject="[tool.layercheck]\nselect = ['LC2']\n",
    )
    (outer / "inner" / "pyproject.toml").write_text("[tool.layercheck]\nselect = ['LC7']\nignore = ['LC704']\n")
    return outer


def test_the_nearest_config_wins(tmp_path: Path) -> None:
    outer = _two_configs(tmp_path)
    inner = run_layercheck(["--no-cache", "--output-format", "concise", "app"], outer / "inner")
    assert inner.exit_code == 0, inner.output  # LC2 not selected there, LC704 ignored
    named = run_layercheck(["--no-cache", "--output-format", "concise", "inner/app/api/users.py"], outer)
    assert named.exit_code == 0, named.output
    whole = run_layercheck(["--no-cache", "--output-format", "concise", "app"], outer)
    assert "app/api/users.py:3:5: LC201" in whole.output


def test_a_nested_config_not_used_is_named(tmp_path: Path) -> None:
    outer = _two_configs(tmp_path)
    run = run_layercheck(["--no-cache", "--output-format", "concise", "."], outer)
    assert run.exit_code == 1
    inner = outer.resolve() / "inner"
    assert f"warning: {inner / 'pyproject.toml'}: not used for the files below it" in run.stderr
    assert f"run layercheck in `{inner}`" in run.stderr


def test_show_settings_says_where_each_setting_came_from(tmp_path: Path) -> None:
    outer = _two_configs(tmp_path)
    run = run_layercheck(["--show-settings", "--ignore", "LC701", "app"], outer / "inner")
    assert run.exit_code == 0
    lines = run.output.splitlines()
    inner_config = (outer / "inner" / "pyproject.toml").resolve()
    assert f"config file: {inner_config}" in lines
    assert f"select = ['LC7']  # {inner_config}" in lines
    assert "ignore = ['LC704', 'LC701']  # command line" in lines
    assert "preset = 'supernova'  # default" in lines
    enabled = next(line for line in lines if line.startswith("enabled rules = "))
    assert "'LC702'" in enabled and "'LC701'" not in enabled and "'LC201'" not in enabled

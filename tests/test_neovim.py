"""`layercheck server` in a real editor: headless Neovim with its built-in LSP client.

Neovim opens files of a small project with `layercheck server` attached (the command line a
user would configure, run as a subprocess of the editor), receives the diagnostics, and
applies code actions through its own code-action flow (`vim.lsp.buf.code_action`, the user's
choice made by replacing `vim.ui.select`). A Lua script drives the editor and writes what it
saw to a JSON file; the assertions are here. `.ci/run` installs Debian's `neovim` when it is
missing; without `nvim` the test is skipped, saying so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(
    NVIM is None,
    reason="Neovim (`nvim`) is not installed: `.ci/run` installs Debian's `neovim` package "
    "(`apt-get install -y neovim`); it could not be installed on this machine",
)

WAIT_MS = 30_000  # for each thing awaited inside the editor
TIMEOUT = 120  # for the whole editor session

FILES = {
    "pyproject.toml": """
        [project]
        name = "app"
    """,
    "app/__init__.py": "",
    "app/database.py": """
        from typing import Annotated

        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

        engine = create_async_engine("sqlite+aiosqlite://")
        SessionLocal = async_sessionmaker(engine)


        async def get_db():
            async with SessionLocal() as session:
                yield session


        SessionDep = Annotated[AsyncSession, Depends(get_db)]
    """,
    "app/models/__init__.py": "",
    "app/models/base.py": """
        from sqlalchemy.orm import DeclarativeBase


        class Base(DeclarativeBase):
            pass
    """,
    "app/api/__init__.py": "",
    # LC101: a router imports the session type (line 2, `AsyncSession` at columns 35..47).
    "app/api/users.py": """
        from fastapi import APIRouter
        from sqlalchemy.ext.asyncio import AsyncSession

        router = APIRouter()
    """,
    # LC701: an f-string log message (line 7, the f-string at columns 13..28).
    "app/api/greetings.py": """
        import structlog

        log = structlog.get_logger()


        def greet(name: str) -> None:
            log.info(f"hello {name}")
    """,
}

# Runs inside Neovim (`nvim --headless --clean -c "luafile ..."`). Everything it learns goes
# to the JSON file named by LAYERCHECK_TEST_OUT; an error is written there too, then it quits.
SCRIPT = r"""
local config = vim.fn.json_decode(table.concat(vim.fn.readfile(os.getenv("LAYERCHECK_TEST_CONFIG")), "\n"))
local out = {published = {}, steps = {}}
vim.o.hidden = true -- switch buffers with unsaved edits (the edits stay in the buffers)

local function write_out()
  vim.fn.writefile({vim.fn.json_encode(out)}, os.getenv("LAYERCHECK_TEST_OUT"))
end

local function step(name)
  table.insert(out.steps, name)
end

local function shown(bufnr)
  -- What the editor shows: vim.diagnostic items (0-based lines, byte columns).
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(found, {
      code = d.code, source = d.source, severity = d.severity, message = d.message,
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
    })
  end
  return found
end

local function has_code(bufnr, code)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == code then return d end
  end
  return nil
end

local function wait(what, condition)
  if not vim.wait(config.wait_ms, condition, 20) then
    error("timed out waiting for " .. what)
  end
end

local function lines(bufnr)
  return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end

-- Choose the first code action whose title starts with `title` when Neovim asks the user to
-- pick one (as a user would in the menu); returns the titles offered and the one chosen.
local function apply_code_action(bufnr, diagnostic, title)
  local offered = {}
  local chosen = nil
  vim.ui.select = function(items, opts, on_choice)
    for _, item in ipairs(items) do
      table.insert(offered, item[2].title)
    end
    for index, item in ipairs(items) do
      if item[2].title:sub(1, #title) == title then
        chosen = item[2].title
        on_choice(item, index)
        return
      end
    end
    on_choice(nil, nil)
  end
  vim.api.nvim_set_current_buf(bufnr)
  vim.api.nvim_win_set_cursor(0, {diagnostic.lnum + 1, diagnostic.col})
  vim.lsp.buf.code_action()
  wait("the code actions offered at line " .. (diagnostic.lnum + 1), function() return #offered > 0 end)
  if not chosen then
    error("no code action titled '" .. title .. "...' among: " .. table.concat(offered, " | "))
  end
  return {offered = offered, chosen = chosen}
end

local function run()
  local client_id = vim.lsp.start_client({
    name = "layercheck",
    cmd = config.cmd,
    root_dir = config.root,
    init_options = {unsafeFixes = false},
    handlers = {
      ["textDocument/publishDiagnostics"] = function(err, result, ctx, handler_config)
        -- The protocol's own diagnostics (UTF-16 columns), as they came from the server.
        if result and #result.diagnostics > 0 then
          out.published[vim.uri_to_fname(result.uri)] = result.diagnostics
        end
        return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, handler_config)
      end,
    },
    on_exit = function(code, signal)
      out.exit = {code = code, signal = signal}
    end,
  })
  if not client_id then error("the client did not start: " .. vim.inspect(config.cmd)) end
  step("started")

  -- The router: LC101 arrives, and "Ignore LC101 for this line" adds a noqa comment.
  vim.cmd("edit " .. vim.fn.fnameescape(config.root .. "/app/api/users.py"))
  local users = vim.api.nvim_get_current_buf()
  out.users_filetype = vim.bo[users].filetype
  vim.lsp.buf_attach_client(users, client_id)
  wait("LC101 in app/api/users.py", function() return has_code(users, "LC101") ~= nil end)
  out.users_diagnostics = shown(users)
  step("users diagnostics")
  out.users_actions = apply_code_action(users, has_code(users, "LC101"), "Ignore LC101 for this line")
  wait("the noqa comment in the buffer", function() return lines(users)[2]:find("noqa", 1, true) ~= nil end)
  out.users_after_ignore = lines(users)
  wait("LC101 to go away", function() return has_code(users, "LC101") == nil end)
  out.users_diagnostics_after_ignore = shown(users)
  step("users ignored")

  -- A second module of the same project (same server): LC701, and the rule's own fix.
  vim.cmd("edit " .. vim.fn.fnameescape(config.root .. "/app/api/greetings.py"))
  local greetings = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(greetings, client_id)
  wait("LC701 in app/api/greetings.py", function() return has_code(greetings, "LC701") ~= nil end)
  out.greetings_diagnostics = shown(greetings)
  step("greetings diagnostics")
  out.greetings_actions = apply_code_action(greetings, has_code(greetings, "LC701"), "layercheck (LC701): ")
  wait("the fixed log call", function() return lines(greetings)[7]:find("f\"", 1, true) == nil end)
  out.greetings_after_fix = lines(greetings)
  wait("LC701 to go away", function() return has_code(greetings, "LC701") == nil end)
  step("greetings fixed")

  -- The buffers were edited, not the files.
  out.users_on_disk = vim.fn.readfile(config.root .. "/app/api/users.py")

  vim.lsp.stop_client(client_id)
  wait("the server to exit", function() return out.exit ~= nil end)
  step("stopped")
end

local ok, err = xpcall(run, debug.traceback)
if not ok then out.error = err end
write_out()
vim.cmd("qa!")
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"))


def server_command() -> list[str]:
    """`layercheck server`, as installed next to this Python (the venv the tests run in)."""
    beside = Path(sys.executable).with_name("layercheck")
    if beside.is_file():
        return [str(beside), "server"]
    found = shutil.which("layercheck")
    return [found, "server"] if found else [sys.executable, "-m", "layercheck", "server"]


def run_neovim(tmp_path: Path, root: Path) -> dict[str, Any]:
    assert NVIM is not None
    config = tmp_path / "config.json"
    out = tmp_path / "out.json"
    script = tmp_path / "session.lua"
    config.write_text(json.dumps({"cmd": server_command(), "root": str(root), "wait_ms": WAIT_MS}))
    script.write_text(SCRIPT)
    home = tmp_path / "home"
    env = {
        **os.environ,
        "LAYERCHECK_TEST_CONFIG": str(config),
        "LAYERCHECK_TEST_OUT": str(out),
        # Keep Neovim's state, cache (its LSP log) and data out of the user's home.
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
    }
    completed = subprocess.run(
        [NVIM, "--headless", "--clean", "-n", "-c", f"luafile {script}"],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    log = home / "cache" / "nvim" / "lsp.log"
    context = (
        f"nvim exited {completed.returncode}\nstdout: {completed.stdout[-2000:]}\nstderr: {completed.stderr[-2000:]}"
        f"\nlsp.log: {log.read_text()[-3000:] if log.is_file() else '(none)'}"
    )
    assert out.is_file(), f"the Neovim session wrote no result\n{context}"
    result: dict[str, Any] = json.loads(out.read_text())
    assert "error" not in result, f"{result['error']}\nsteps done: {result['steps']}\n{context}"
    return result


def test_neovim_shows_the_diagnostics_and_applies_the_code_actions(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write(root, FILES)
    result = run_neovim(tmp_path, root)

    # The router: one LC101 warning on `AsyncSession` of line 2 (0-based line 1).
    assert result["users_filetype"] == "python"
    users = result["users_diagnostics"]
    lc101 = [d for d in users if d["code"] == "LC101"]
    assert len(lc101) == 1, users
    assert (lc101[0]["lnum"], lc101[0]["col"], lc101[0]["end_lnum"], lc101[0]["end_col"]) == (1, 35, 1, 47)
    assert lc101[0]["source"] == "layercheck"
    assert lc101[0]["severity"] == 2  # vim.diagnostic.severity.WARN
    assert "SessionDep" in lc101[0]["message"]
    published = result["published"][str(root / "app/api/users.py")]
    raw = next(d for d in published if d["code"] == "LC101")
    assert raw["range"] == {"start": {"line": 1, "character": 35}, "end": {"line": 1, "character": 47}}
    assert raw["codeDescription"]["href"].endswith("/rules/LC101-session-import-outside-repository.md")

    # "Ignore LC101 for this line", chosen among the actions offered on that line.
    assert result["users_actions"]["chosen"] == "Ignore LC101 for this line"
    assert result["users_after_ignore"] == [
        "from fastapi import APIRouter",
        "from sqlalchemy.ext.asyncio import AsyncSession  # noqa: LC101",
        "",
        "router = APIRouter()",
    ]
    assert [d["code"] for d in result["users_diagnostics_after_ignore"]] == []
    assert result["users_on_disk"][1] == "from sqlalchemy.ext.asyncio import AsyncSession"

    # The logging module: LC701 on the f-string of line 7 (0-based line 6).
    greetings = result["greetings_diagnostics"]
    lc701 = [d for d in greetings if d["code"] == "LC701"]
    assert len(lc701) == 1, greetings
    assert (lc701[0]["lnum"], lc701[0]["col"], lc701[0]["end_lnum"], lc701[0]["end_col"]) == (6, 13, 6, 28)
    assert "Ignore LC701 for this line" in result["greetings_actions"]["offered"]
    # The rule's (unsafe) fix, applied by the editor, moves the value into a keyword argument.
    assert result["greetings_actions"]["chosen"].endswith("(unsafe)")
    assert result["greetings_after_fix"][6] in ('    log.info("hello", name=name)', "    log.info('hello', name=name)")

    # The server left when asked, cleanly.
    assert result["exit"] == {"code": 0, "signal": 0}
    assert result["steps"][-1] == "stopped"

"""`layercheck server` driven over stdio by a real LSP client (pytest-lsp), as an editor would."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import pytest_lsp
from conftest import write_project
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from layercheck.domain.diagnostics import Position
from layercheck.interface.lsp.protocol import PositionMap

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "layercheck", "server"])
TIMEOUT = 30.0
# A server whose background index waits until this file exists (`LAYERCHECK_LSP_INDEX_GATE`).
GATE = Path(tempfile.mkdtemp(prefix="layercheck-lsp-gate-")) / "release"
HELD = ClientServerConfig(
    server_command=SERVER.server_command, server_env={**os.environ, "LAYERCHECK_LSP_INDEX_GATE": str(GATE)}
)

DATABASE = """
    from typing import Annotated

    from fastapi import Depends
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

    engine = create_async_engine("sqlite+aiosqlite://")
    SessionLocal = async_sessionmaker(engine)


    async def get_db():
        async with SessionLocal() as session:
            yield session


    SessionDep = Annotated[AsyncSession, Depends(get_db)]
"""
BASE = """
    from sqlalchemy.orm import DeclarativeBase


    class Base(DeclarativeBase):
        pass
"""
USER_MODEL = """
    from sqlalchemy.orm import Mapped, mapped_column

    from app.models.base import Base


    class User(Base):
        __tablename__ = "users"
        id: Mapped[int] = mapped_column(primary_key=True)
"""
ROUTER = """
    from fastapi import APIRouter
    from sqlalchemy.ext.asyncio import AsyncSession

    router = APIRouter()
"""
LOGGING_ROUTER = """
    import structlog

    log = structlog.get_logger()


    def greet(name: str) -> None:
        log.info(f"hello {name}")
"""


def dedent(source: str) -> str:
    return textwrap.dedent(source).lstrip("\n")


@pytest.fixture
def app(tmp_path: Path) -> Path:
    return write_project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/database.py": DATABASE,
            "app/models/__init__.py": "",
            "app/models/base.py": BASE,
            "app/models/user.py": USER_MODEL,
            "app/api/__init__.py": "",
            "app/api/users.py": ROUTER,
            "app/api/greetings.py": LOGGING_ROUTER,
        },
    )


class Editor:
    """The editor side of a session: open buffers, typed changes, received diagnostics."""

    def __init__(self, client: LanguageClient, root: Path) -> None:
        self.client = client
        self.root = root
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}
        self.registrations: list[types.Registration] = []

    def uri(self, relative: str) -> str:
        return (self.root / relative).as_uri()

    async def start(self, capabilities: types.ClientCapabilities, options: dict[str, Any] | None = None) -> None:
        @self.client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:
            self.registrations.extend(params.registrations)

        await self.client.initialize_session(
            types.InitializeParams(
                capabilities=capabilities,
                root_uri=self.root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=self.root.as_uri(), name="proj")],
                initialization_options=options,
            )
        )

    def open(self, relative: str, text: str | None = None) -> str:
        uri = self.uri(relative)
        self.texts[uri] = text if text is not None else (self.root / relative).read_text()
        self.versions[uri] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="python", version=1, text=self.texts[uri])
            )
        )
        return uri

    def replace(self, uri: str, text: str) -> None:
        """Type a new content (as one full-document change)."""
        self.versions[uri] += 1
        self.texts[uri] = text
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def apply(self, edit: types.WorkspaceEdit) -> None:
        """Apply a workspace edit the way the editor would, then tell the server."""
        changes: dict[str, Sequence[types.TextEdit]] = dict(edit.changes or {})
        for document_edit in edit.document_changes or []:
            assert isinstance(document_edit, types.TextDocumentEdit)
            assert document_edit.text_document.version == self.versions[document_edit.text_document.uri]
            changes[document_edit.text_document.uri] = [
                e for e in document_edit.edits if isinstance(e, types.TextEdit)
            ]
        for uri, edits in changes.items():
            self.replace(uri, apply_text_edits(self.texts[uri], edits))

    async def diagnostics(
        self, uri: str, until: Callable[[list[types.Diagnostic]], bool] = lambda found: True
    ) -> list[types.Diagnostic]:
        """The diagnostics of `uri` once they satisfy `until` (for the current version)."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            found = self.client.diagnostics.get(uri)
            if found is not None and until(list(found)):
                return list(found)
            await asyncio.sleep(0.05)
        raise AssertionError(f"no matching diagnostics for {uri}: {self.client.diagnostics.get(uri)}")

    async def actions(self, uri: str, range_: types.Range, only: list[str] | None = None) -> list[types.CodeAction]:
        found = await self.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=range_,
                context=types.CodeActionContext(diagnostics=[], only=only),
            )
        )
        return [action for action in found or [] if isinstance(action, types.CodeAction)]


def codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


def apply_text_edits(text: str, edits: Sequence[types.TextEdit]) -> str:
    """Apply protocol edits (UTF-16 columns) to a text, last first."""
    lines = text.splitlines(keepends=True) or [""]

    def offset(position: types.Position) -> int:
        if position.line >= len(lines):
            return len(text)
        line = lines[position.line]
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return sum(len(previous) for previous in lines[: position.line]) + index
            units += 2 if ord(char) > 0xFFFF else 1
        return sum(len(previous) for previous in lines[: position.line + 1])

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient) -> Any:
    yield
    if not lsp_client.stopped:
        await lsp_client.shutdown_session()


@pytest_asyncio.fixture
async def vscode(client: LanguageClient, app: Path) -> Editor:
    editor = Editor(client, app)
    await editor.start(client_capabilities("visual-studio-code"))
    return editor


@pytest.mark.asyncio
async def test_router_importing_a_session_type_gets_lc101_with_its_rule_page(vscode: Editor) -> None:
    uri = vscode.open("app/api/users.py")
    found = await vscode.diagnostics(uri, lambda d: "LC101" in codes(d))
    lc101 = next(d for d in found if d.code == "LC101")
    assert lc101.source == "layercheck"
    assert lc101.severity == types.DiagnosticSeverity.Warning
    # `AsyncSession` on the second line, 0-based: columns 35..47.
    assert lc101.range == types.Range(types.Position(1, 35), types.Position(1, 47))
    assert lc101.code_description is not None
    assert lc101.code_description.href.endswith("/rules/LC101-session-import-outside-repository.md")
    assert lc101.data["name"] == "session-import-outside-repository"
    assert "SessionDep" in lc101.message


@pytest.mark.asyncio
async def test_ignore_action_adds_noqa_and_the_finding_goes_away(vscode: Editor) -> None:
    uri = vscode.open("app/api/users.py")
    found = await vscode.diagnostics(uri, lambda d: "LC101" in codes(d))
    lc101 = next(d for d in found if d.code == "LC101")
    actions = await vscode.actions(uri, lc101.range, only=[types.CodeActionKind.QuickFix])
    ignore = next(a for a in actions if a.title == "Ignore LC101 for this line")
    assert ignore.kind == types.CodeActionKind.QuickFix
    assert ignore.edit is not None
    vscode.apply(ignore.edit)
    assert "from sqlalchemy.ext.asyncio import AsyncSession  # noqa: LC101\n" in vscode.texts[uri]
    await vscode.diagnostics(uri, lambda d: "LC101" not in codes(d))


@pytest.mark.asyncio
async def test_ignore_action_extends_an_existing_noqa_list(vscode: Editor) -> None:
    text = dedent(ROUTER).replace("AsyncSession\n", "AsyncSession  # noqa: E501\n")
    uri = vscode.open("app/api/users.py", text)
    found = await vscode.diagnostics(uri, lambda d: "LC101" in codes(d))
    lc101 = next(d for d in found if d.code == "LC101")
    actions = await vscode.actions(uri, lc101.range)
    ignore = next(a for a in actions if a.title == "Ignore LC101 for this line")
    assert ignore.edit is not None
    vscode.apply(ignore.edit)
    assert "AsyncSession  # noqa: E501, LC101\n" in vscode.texts[uri]
    await vscode.diagnostics(uri, lambda d: "LC101" not in codes(d))


@pytest.mark.asyncio
async def test_typing_updates_the_diagnostics_of_the_unsaved_buffer(vscode: Editor) -> None:
    uri = vscode.open("app/api/users.py")
    await vscode.diagnostics(uri, lambda d: "LC101" in codes(d))
    # Several keystrokes in a row: the debounced check sees the last text.
    clean = dedent(ROUTER).replace("from sqlalchemy.ext.asyncio import AsyncSession\n", "")
    vscode.replace(uri, clean + "x = 1\n")
    vscode.replace(uri, clean + "x = 12\n")
    vscode.replace(uri, clean)
    assert await vscode.diagnostics(uri, lambda d: "LC101" not in codes(d)) == []
    # The file on disk was never touched: the buffer is what was checked.
    assert "AsyncSession" in (vscode.root / "app/api/users.py").read_text()


@pytest.mark.asyncio
async def test_cross_module_facts_come_from_the_project_and_follow_open_buffers(vscode: Editor) -> None:
    router = vscode.open("app/api/users.py", "from app.models.user import User\nfrom fastapi import APIRouter\n")
    found = await vscode.diagnostics(router, lambda d: "LC104" in codes(d))
    assert next(d for d in found if d.code == "LC104").range.start == types.Position(0, 28)
    # Editing the model (unsaved) so that `User` is no ORM class re-decides the router.
    model = vscode.open("app/models/user.py")
    await vscode.diagnostics(model)
    vscode.replace(model, "class User:\n    pass\n")
    await vscode.diagnostics(router, lambda d: "LC104" not in codes(d))


@pytest.mark.asyncio
async def test_a_file_that_does_not_parse_gets_lc001_and_the_server_goes_on(vscode: Editor) -> None:
    uri = vscode.open("app/api/users.py")
    await vscode.diagnostics(uri, lambda d: "LC101" in codes(d))
    vscode.replace(uri, "def broken(:\n    pass\n")
    found = await vscode.diagnostics(uri, lambda d: codes(d) == ["LC001"])
    assert found[0].severity == types.DiagnosticSeverity.Error
    assert found[0].range.start.line == 0
    vscode.replace(uri, dedent(ROUTER))
    await vscode.diagnostics(uri, lambda d: "LC101" in codes(d))


@pytest.mark.asyncio
async def test_columns_are_utf16_code_units(vscode: Editor) -> None:
    # Each emoji is one character but two UTF-16 code units.
    text = 'label = "😀😀"; from sqlalchemy.ext.asyncio import AsyncSession\n'
    uri = vscode.open("app/api/users.py", text)
    found = await vscode.diagnostics(uri, lambda d: "LC101" in codes(d))
    lc101 = next(d for d in found if d.code == "LC101")
    start = len('label = "😀😀"; from sqlalchemy.ext.asyncio import ') + 2
    assert lc101.range == types.Range(types.Position(0, start), types.Position(0, start + len("AsyncSession")))


@pytest.mark.asyncio
async def test_the_rules_fix_is_a_quick_fix(vscode: Editor) -> None:
    uri = vscode.open("app/api/greetings.py")
    found = await vscode.diagnostics(uri, lambda d: "LC701" in codes(d))
    lc701 = next(d for d in found if d.code == "LC701")
    actions = await vscode.actions(uri, lc701.range)
    fix = next(a for a in actions if a.title.startswith("layercheck (LC701): "))
    assert fix.title.endswith("(unsafe)")
    assert not fix.is_preferred
    assert fix.edit is not None
    vscode.apply(fix.edit)
    assert re.search(r"log\.info\((['\"])hello\1, name=name\)", vscode.texts[uri])
    await vscode.diagnostics(uri, lambda d: "LC701" not in codes(d))


@pytest.mark.asyncio
async def test_fix_all_source_action_applies_safe_fixes(vscode: Editor) -> None:
    # An unused suppression (LC002) has a safe fix; the f-string's fix (LC701) is unsafe.
    text = dedent(LOGGING_ROUTER) + "\nCOUNT = 1  # noqa: LC201\n"
    uri = vscode.open("app/api/greetings.py", text)
    await vscode.diagnostics(uri, lambda d: codes(d) == ["LC002", "LC701"])
    whole = types.Range(types.Position(0, 0), types.Position(len(text.splitlines()), 0))
    actions = await vscode.actions(uri, whole, only=[types.CodeActionKind.SourceFixAll])
    assert [a.kind for a in actions] == ["source.fixAll.layercheck"]
    assert actions[0].title == "Fix all layercheck problems"
    # VS Code resolves the edit lazily.
    resolved = await vscode.client.code_action_resolve_async(actions[0])
    assert resolved.edit is not None
    vscode.apply(resolved.edit)
    assert vscode.texts[uri].endswith("\nCOUNT = 1\n")
    assert 'log.info(f"hello {name}")' in vscode.texts[uri]
    await vscode.diagnostics(uri, lambda d: codes(d) == ["LC701"])


@pytest.mark.asyncio
async def test_config_change_reloads_the_settings(vscode: Editor) -> None:
    uri = vscode.open("app/api/users.py")
    await vscode.diagnostics(uri, lambda d: "LC101" in codes(d))
    # The server asked the editor to watch the config files (VS Code supports that).
    watched = [r for r in vscode.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    assert watched
    options: Any = watched[0].register_options  # a plain dict: its type is not in the message
    assert "**/pyproject.toml" in [watcher["globPattern"] for watcher in options["watchers"]]
    pyproject = vscode.root / "pyproject.toml"
    pyproject.write_text("[project]\nname = 'app'\n\n[tool.layercheck]\nignore = ['LC101']\n")
    vscode.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=pyproject.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await vscode.diagnostics(uri, lambda d: "LC101" not in codes(d))


@pytest.mark.asyncio
async def test_saving_the_config_in_the_editor_reloads_the_settings(vscode: Editor) -> None:
    uri = vscode.open("app/api/users.py")
    await vscode.diagnostics(uri, lambda d: "LC101" in codes(d))
    pyproject = vscode.root / "pyproject.toml"
    config = "[project]\nname = 'app'\n\n[tool.layercheck.rules.LC101]\nallowed-layers = ['api']\n"
    config_uri = vscode.open("pyproject.toml")
    vscode.replace(config_uri, config)
    pyproject.write_text(config)
    vscode.client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(config_uri)))
    await vscode.diagnostics(uri, lambda d: "LC101" not in codes(d))


@pytest.mark.asyncio
async def test_a_broken_config_is_reported_and_the_defaults_apply(vscode: Editor) -> None:
    (vscode.root / "pyproject.toml").write_text("[tool.layercheck]\nselect = ['LC999']\n")
    uri = vscode.open("app/api/users.py")
    await vscode.diagnostics(uri, lambda d: "LC101" in codes(d))
    assert any("LC999" in m.message and m.type == types.MessageType.Error for m in vscode.client.messages)


@pytest.mark.asyncio
async def test_a_file_changed_on_disk_updates_open_documents(vscode: Editor) -> None:
    router = vscode.open("app/api/users.py", "from app.models.user import User\nfrom fastapi import APIRouter\n")
    await vscode.diagnostics(router, lambda d: "LC104" in codes(d))
    model = vscode.root / "app/models/user.py"
    model.write_text("class User:\n    pass\n")  # e.g. `git checkout` of another branch
    vscode.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=model.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await vscode.diagnostics(router, lambda d: "LC104" not in codes(d))


@pytest.mark.asyncio
async def test_closing_a_document_clears_its_diagnostics(vscode: Editor) -> None:
    uri = vscode.open("app/api/users.py")
    await vscode.diagnostics(uri, lambda d: "LC101" in codes(d))
    vscode.client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    await vscode.diagnostics(uri, lambda d: d == [])


@pytest.mark.asyncio
async def test_neovim_session_with_utf8_positions_and_clean_exit(client: LanguageClient, app: Path) -> None:
    editor = Editor(client, app)
    capabilities = client_capabilities("neovim")
    capabilities.general = types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf8])
    await editor.start(capabilities)
    text = 'label = "é"; from sqlalchemy.ext.asyncio import AsyncSession\n'
    uri = editor.open("app/api/users.py", text)
    found = await editor.diagnostics(uri, lambda d: "LC101" in codes(d))
    lc101 = next(d for d in found if d.code == "LC101")
    start = len('label = "é"; from sqlalchemy.ext.asyncio import '.encode())
    assert lc101.range.start == types.Position(0, start)
    actions = await editor.actions(uri, lc101.range)
    assert "Ignore LC101 for this line" in [a.title for a in actions]
    await client.shutdown_session()
    server = client._server
    assert server is not None
    assert server.returncode == 0


@pytest.mark.parametrize(
    ("encoding", "column"),
    [
        (types.PositionEncodingKind.Utf16, 11),
        (types.PositionEncodingKind.Utf8, 14),
        (types.PositionEncodingKind.Utf32, 10),
    ],
)
def test_columns_follow_the_negotiated_encoding(encoding: types.PositionEncodingKind, column: int) -> None:
    # `y` is the 11th character (1-based column 11), after an astral-plane emoji (2 UTF-16
    # units, 4 UTF-8 bytes) and `é` (1 unit, 2 bytes).
    positions = PositionMap('x = "😀é"; y\r\nz = 1\n', encoding)
    converted = positions.to_client(Position(1, 11))
    assert converted == types.Position(0, column)
    assert positions.from_client(converted) == Position(1, 11)
    assert positions.to_client(Position(2, 1)) == types.Position(1, 0)


# ----- the first diagnostics never wait for the project's index ---------------------------------


@pytest_lsp.fixture(config=HELD)
async def held(lsp_client: LanguageClient) -> Any:
    GATE.unlink(missing_ok=True)
    yield
    GATE.touch()  # let a waiting index finish before the session ends
    if not lsp_client.stopped:
        await lsp_client.shutdown_session()


def indexed(client: LanguageClient) -> bool:
    return any("files indexed" in message.message for message in client.log_messages)


@pytest.mark.asyncio
async def test_the_first_diagnostics_come_before_the_index_is_read(held: LanguageClient, app: Path) -> None:
    editor = Editor(held, app)
    await editor.start(client_capabilities("visual-studio-code"))
    uri = editor.open("app/api/users.py")
    found = await editor.diagnostics(uri, lambda d: "LC101" in codes(d))
    assert "LC101" in codes(found)
    assert not indexed(held), "the index was held back: these came from the one-file check"
    # Typing before the index is read: still answered, the stale check cancelled.
    editor.replace(uri, "from app.models.user import User\nfrom fastapi import APIRouter\n")
    editor.replace(uri, "from app.models.user import User\nfrom sqlalchemy import select\n")
    await editor.diagnostics(uri, lambda d: codes(d) == ["LC104", "LC104"])
    assert not indexed(held)
    GATE.touch()
    deadline = time.monotonic() + TIMEOUT
    while not indexed(held) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert indexed(held)
    editor.replace(uri, "from app.models.user import User\nfrom fastapi import APIRouter\n")
    await editor.diagnostics(uri, lambda d: codes(d) == ["LC104"])


@pytest.mark.asyncio
async def test_open_documents_are_checked_again_against_the_index_once_it_is_read(
    held: LanguageClient, app: Path
) -> None:
    """Before the index, each document is checked against the files on disk; the index
    holds every open buffer, so a model made an ORM model in an unsaved buffer turns the
    router's import into LC104 once the index is read."""
    (app / "app/models/user.py").write_text("class User:\n    pass\n")
    editor = Editor(held, app)
    await editor.start(client_capabilities("visual-studio-code"))
    router = editor.open("app/api/users.py", "from app.models.user import User\nfrom fastapi import APIRouter\n")
    await editor.diagnostics(router, lambda d: d == [])
    model = editor.open("app/models/user.py", dedent(USER_MODEL))
    await editor.diagnostics(model, lambda d: True)
    assert "LC104" not in codes(held.diagnostics.get(router, []))
    assert not indexed(held)
    GATE.touch()
    await editor.diagnostics(router, lambda d: "LC104" in codes(d))

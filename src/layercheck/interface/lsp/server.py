"""`layercheck server`: the Language Server Protocol over standard input and output.

A thin adapter: documents come in, `Workspace` (one per project root) checks the unsaved
buffer against the project index, and findings go out as diagnostics and code actions.
Checks on typing are debounced briefly, and a newer edit cancels a check still running;
opening and saving check at once. The first diagnostics of a project's documents never
wait for its whole index: until it is read, a document is checked as a one-file run checks
it (`one_file.py`: the buffer and what its names reach, in a child process), and the index
is read in the background, after which every open document of the project is checked
against it (cross-module facts may differ: other open buffers, files changed meanwhile).
The index is then updated one buffer at a time.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from layercheck.application.check import CheckOptions
from layercheck.application.workspace import Workspace, source_bytes
from layercheck.domain.diagnostics import Diagnostic, Position
from layercheck.domain.registry import ENGINE_CODES
from layercheck.domain.settings import Settings
from layercheck.domain.version import __version__
from layercheck.infrastructure.config import CONFIG_FILES, ConfigError, config_table, find_config, settings_from_table
from layercheck.interface.lsp.protocol import FIX_ALL_KIND, PositionMap, overlaps, text_edit, to_lsp
from layercheck.interface.lsp.text import line_change, suppression_edit

DEBOUNCE_SECONDS = 0.05
FIX_ALL_TITLE = "Fix all layercheck problems"
_PYTHON_SUFFIXES = (".py", ".pyi")
_WATCHED = ("**/pyproject.toml", "**/layercheck.toml", "**/*.py", "**/*.pyi")

ProjectKey = tuple[Path, "Path | None"]


@dataclass
class _Checked:
    """What was last published for one open document, and the text it was computed on."""

    version: int | None
    text: str
    project: ProjectKey
    diagnostics: list[Diagnostic] = field(default_factory=list)
    published: list[types.Diagnostic] = field(default_factory=list)


def _path(uri: str) -> Path | None:
    if not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return Path(path) if path else None


def _is_python(path: Path) -> bool:
    return path.name.endswith(_PYTHON_SUFFIXES)


def _wanted(kind: str, only: list[str] | None) -> bool:
    """Whether a code action of `kind` answers a request limited to `only` kinds."""
    if not only:
        return True
    return any(kind == wanted or kind.startswith(f"{wanted}.") for wanted in only)


def _function(method: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A bound method as a plain function (pygls marks its handlers with attributes)."""
    if inspect.iscoroutinefunction(method):

        async def handle_async(params: Any) -> Any:
            return await method(params)

        return handle_async

    def handle(params: Any) -> Any:
        return method(params)

    return handle


class LayercheckServer(LanguageServer):
    """Diagnostics and code actions for every open Python document."""

    def __init__(self) -> None:
        super().__init__("layercheck", __version__)
        self.projects: dict[ProjectKey, asyncio.Future[Workspace]] = {}
        # Files changed on disk while a project's index was being read: read again after.
        self.changed_while_loading: dict[ProjectKey, set[Path]] = {}
        self.settings_read: dict[ProjectKey, Settings] = {}
        self.checked: dict[str, _Checked] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.unsafe_fixes = False
        self.debounce = DEBOUNCE_SECONDS
        # Bumped when the settings change: results computed under older settings are dropped.
        self.generation = 0
        handlers: list[tuple[str, Any, Any]] = [
            (types.INITIALIZE, self.on_initialize, None),
            (types.INITIALIZED, self.on_initialized, None),
            (types.TEXT_DOCUMENT_DID_OPEN, self.did_open, None),
            (types.TEXT_DOCUMENT_DID_CHANGE, self.did_change, None),
            (types.TEXT_DOCUMENT_DID_SAVE, self.did_save, types.SaveOptions(include_text=False)),
            (types.TEXT_DOCUMENT_DID_CLOSE, self.did_close, None),
            (types.WORKSPACE_DID_CHANGE_WATCHED_FILES, self.did_change_watched_files, None),
            (types.SHUTDOWN, self.on_shutdown, None),
            (types.CODE_ACTION_RESOLVE, self.resolve_code_action, None),
            (
                types.TEXT_DOCUMENT_CODE_ACTION,
                self.code_action,
                types.CodeActionOptions(
                    code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL_KIND],
                    resolve_provider=True,
                ),
            ),
        ]
        for method, handler, options in handlers:
            self.feature(method, options)(_function(handler))

    # ----- life cycle ------------------------------------------------------------------------

    def on_initialize(self, params: types.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict):
            settings = options.get("settings", options)
            if isinstance(settings, dict):
                self.unsafe_fixes = bool(settings.get("unsafeFixes", False))

    async def on_initialized(self, params: types.InitializedParams) -> None:
        watch = self.client_capabilities.workspace and self.client_capabilities.workspace.did_change_watched_files
        if not watch or not watch.dynamic_registration:
            return  # config changes are still picked up when the config file is saved in the editor
        registration = types.Registration(
            id="layercheck-watched-files",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in _WATCHED]
            ),
        )
        try:
            await self.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
        except Exception as error:  # a client may refuse: the server still works without it
            self.log(types.MessageType.Warning, f"cannot watch the config files ({error}); saving them still reloads")

    def on_shutdown(self, params: None) -> None:
        for task in self.pending.values():
            task.cancel()
        self.pending.clear()

    # ----- projects --------------------------------------------------------------------------

    async def project(self, key: ProjectKey) -> Workspace:
        """The workspace of a project root, read on first use (in a thread: it may be big)."""
        return await self.start_index(key)

    def ready(self, key: ProjectKey) -> Workspace | None:
        """The workspace of a project root if its index is read, else None."""
        future = self.projects.get(key)
        if future is None or not future.done() or future.cancelled() or future.exception() is not None:
            return None
        return future.result()

    async def one_file(self, key: ProjectKey, path: Path, text: str) -> list[Diagnostic] | None:
        """The findings of a buffer as a one-file run gives them (`one_file.py`), or None
        when the child fails. Cancelled (a newer edit), the child is stopped."""
        root, config = key
        command = [sys.executable, "-m", "layercheck.interface.lsp.one_file", str(path), str(root), str(config or "")]
        process = await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        try:
            out, err = await process.communicate(source_bytes(text))
        except asyncio.CancelledError:
            if process.returncode is None:
                process.kill()
                await process.wait()
            raise
        if process.returncode != 0:
            cause = err.decode(errors="replace")[-500:]
            self.log(types.MessageType.Warning, f"one-file check of {path} failed: {cause}")
            return None
        try:
            return [Diagnostic.from_dict(item) for item in json.loads(out)]
        except (ValueError, KeyError, TypeError):
            return None

    def start_index(self, key: ProjectKey) -> asyncio.Future[Workspace]:
        """Read the project's index in the background (once); when it is read, every open
        document of the project is checked against it."""
        future = self.projects.get(key)
        if future is None:
            future = asyncio.ensure_future(self._load(key))
            self.projects[key] = future
            generation = self.generation
            future.add_done_callback(lambda done: self._index_ready(key, done, generation))
        return future

    def _index_ready(self, key: ProjectKey, future: asyncio.Future[Workspace], generation: int) -> None:
        if future.cancelled() or future.exception() is not None or generation != self.generation:
            return
        workspace = future.result()
        # The index's records live as long as the server and hold no cycles: the cyclic
        # collector need not walk them on every full collection (a pause while typing).
        gc.collect()
        gc.freeze()
        changed = self.changed_while_loading.pop(key, set())
        if changed:
            workspace.rescan(changed)
        for uri, checked in list(self.checked.items()):
            path = _path(uri)
            document = self.document(uri)
            if checked.project != key or path is None or document is None:
                continue
            workspace.update(path, source_bytes(document.source))
        for uri, checked in list(self.checked.items()):
            path = _path(uri)
            document = self.document(uri)
            if checked.project != key or path is None or document is None:
                continue
            found = workspace.diagnostics(path)
            if found != checked.diagnostics or checked.version != document.version:
                fresh = _Checked(document.version, document.source, key)
                self.checked[uri] = fresh
                self.publish(uri, fresh, found)

    def settings(self, key: ProjectKey) -> Settings:
        """A project's settings, read once per generation (a broken configuration is
        reported once, and the defaults apply)."""
        known = self.settings_read.get(key)
        if known is not None:
            return known
        root, config = key
        try:
            settings = settings_from_table(config_table(config) if config else {}, root, config)
        except ConfigError as error:
            self.window_show_message(
                types.ShowMessageParams(types.MessageType.Error, f"layercheck: {error} (using the defaults)")
            )
            settings = settings_from_table({}, root, None)
        self.settings_read[key] = settings
        return settings

    async def _load(self, key: ProjectKey) -> Workspace:
        # Tests hold the index back until this file exists: not a setting of the project.
        gate = os.environ.get("LAYERCHECK_LSP_INDEX_GATE")  # noqa: LC602
        while gate and not os.path.exists(gate):
            await asyncio.sleep(0.05)
        root, _ = key
        settings = self.settings(key)
        options = CheckOptions()
        try:
            workspace = await asyncio.to_thread(Workspace.load, settings, options)
        except Exception as error:  # contained: single files are still checked, without the index
            self.log(types.MessageType.Error, f"cannot read the project {root}: {type(error).__name__}: {error}")
            workspace = Workspace(settings, options)
        self.log(types.MessageType.Info, f"{len(workspace.records)} files indexed in {root}")
        return workspace

    def log(self, kind: types.MessageType, message: str) -> None:
        """A line in the editor's log of this server."""
        self.window_log_message(types.LogMessageParams(kind, f"layercheck: {message}"))

    def reload(self) -> None:
        """Forget every project (a config file changed) and check the open documents again.

        A check still waiting for an old project finishes without publishing (its
        generation is gone); the new checks read the new settings."""
        self.generation += 1
        self.projects.clear()
        self.settings_read.clear()
        documents: dict[str, TextDocument] = self.workspace.text_documents
        for uri in documents:
            self.schedule(uri, 0)

    # ----- checking ----------------------------------------------------------------------------

    def schedule(self, uri: str, delay: float) -> None:
        """Check `uri` after `delay` seconds, replacing a check waiting or running."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        task = asyncio.ensure_future(self._check_later(uri, delay))
        self.pending[uri] = task
        task.add_done_callback(lambda done: self.pending.pop(uri, None) if self.pending.get(uri) is done else None)

    async def _check_later(self, uri: str, delay: float) -> None:
        await asyncio.sleep(delay)
        await self.check(uri)

    async def check(self, uri: str) -> _Checked | None:
        """Check the document's current text and publish its findings (and any findings of
        other open documents of the project that the new text changes)."""
        path = _path(uri)
        if path is None or not _is_python(path):
            return None
        document = self.document(uri)
        if document is None:
            return None
        key = find_config(path)
        generation = self.generation
        if self.ready(key) is None:
            # The index is not read yet: answer as a one-file run, then read it behind.
            self.settings(key)  # a broken configuration is reported now
            version, text = document.version, document.source
            found = await self.one_file(key, path, text)
            document = self.document(uri)
            if document is None or generation != self.generation:
                return None  # closed, or the settings changed, meanwhile
            if found is not None:
                if self.ready(key) is None:
                    checked = _Checked(version, text, key)
                    self.checked[uri] = checked
                    self.publish(uri, checked, found)
                    self.start_index(key)
                    return checked if document.version == version else None
                # else the index arrived meanwhile: answer from it, below
        workspace = await self.project(key)
        document = self.document(uri)
        if document is None or generation != self.generation:
            return None  # closed, or the settings changed, while the project was being read
        text = document.source
        workspace.update(path, source_bytes(text))
        checked = _Checked(document.version, text, key)
        self.checked[uri] = checked
        self.publish(uri, checked, workspace.diagnostics(path))
        self.refresh_others(uri, key, workspace)
        return checked

    def refresh_others(self, changed_uri: str | None, key: ProjectKey, workspace: Workspace) -> None:
        for uri, checked in self.checked.items():
            path = _path(uri)
            if uri == changed_uri or checked.project != key or path is None:
                continue
            found = workspace.diagnostics(path)
            if found != checked.diagnostics:
                self.publish(uri, checked, found)

    def publish(self, uri: str, checked: _Checked, diagnostics: list[Diagnostic]) -> None:
        positions = PositionMap(checked.text, self.position_encoding)
        checked.diagnostics = diagnostics
        checked.published = [to_lsp(d, positions) for d in diagnostics]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=checked.published, version=checked.version)
        )

    @property
    def position_encoding(self) -> str:
        """The negotiated encoding of columns ("utf-16" unless the client offered another)."""
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        return encoding.value if isinstance(encoding, types.PositionEncodingKind) else str(encoding)

    def document(self, uri: str) -> TextDocument | None:
        """An open document (None once closed: the disk's text is not the editor's)."""
        documents: dict[str, TextDocument] = self.workspace.text_documents
        return documents.get(unquote(uri))

    async def current(self, uri: str) -> _Checked | None:
        """The findings of the document's current text (checked now if it changed since)."""
        document = self.document(uri)
        if document is None:
            return None
        checked = self.checked.get(uri)
        if checked is None or checked.version != document.version or checked.text != document.source:
            waiting = self.pending.pop(uri, None)
            if waiting is not None:
                waiting.cancel()
            checked = await self.check(uri)
        return checked

    # ----- documents ---------------------------------------------------------------------------

    async def did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        await self.check(params.text_document.uri)

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = _path(uri)
        if path is not None and _is_python(path):
            self.schedule(uri, self.debounce)

    async def did_save(self, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = _path(uri)
        if path is None:
            return
        if path.name in CONFIG_FILES:
            self.reload()
        elif _is_python(path):
            waiting = self.pending.pop(uri, None)
            if waiting is not None:
                waiting.cancel()
            await self.check(uri)

    async def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        checked = self.checked.pop(uri, None)
        path = _path(uri)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        if checked is None or path is None:
            return
        future = self.projects.get(checked.project)
        if future is not None and future.done() and not future.cancelled():
            workspace = future.result()
            workspace.forget(path)  # the buffer goes back to the disk's text
            self.refresh_others(None, checked.project, workspace)

    async def did_change_watched_files(self, params: types.DidChangeWatchedFilesParams) -> None:
        changed: list[Path] = []
        for event in params.changes:
            path = _path(event.uri)
            if path is None:
                continue
            if path.name in CONFIG_FILES:
                self.reload()
                return
            if _is_python(path) and self.document(event.uri) is None:
                changed.append(path)  # an open document's buffer wins over the disk
        if not changed:
            return
        for key, future in list(self.projects.items()):
            if not future.done():
                self.changed_while_loading.setdefault(key, set()).update(changed)
                continue
            if future.cancelled() or future.exception() is not None:
                continue
            workspace = future.result()
            inside = [path for path in changed if workspace.contains(path)]
            if inside:
                # In the event loop, not a thread: buffers update the same records.
                workspace.rescan(inside)
                self.refresh_others(None, key, workspace)

    # ----- code actions ------------------------------------------------------------------------

    async def code_action(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        checked = await self.current(uri)
        if checked is None:
            return None
        only = [str(kind) for kind in params.context.only] if params.context.only else None
        actions: list[types.CodeAction] = []
        positions = PositionMap(checked.text, self.position_encoding)
        if _wanted(types.CodeActionKind.QuickFix, only):
            for diagnostic, published in zip(checked.diagnostics, checked.published, strict=True):
                if overlaps(published.range, params.range):
                    actions.extend(self._quick_fixes(uri, checked, diagnostic, published, positions))
        if _wanted(FIX_ALL_KIND, only) and self._fixable(checked.diagnostics):
            action = types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL_KIND, data={"uri": uri})
            # Computing the edit re-checks the file after each round: defer it to
            # codeAction/resolve when the client can ask for it, as editors request code
            # actions on every cursor move.
            actions.append(action if self._resolves_edits() else await self.resolve_code_action(action))
        return actions

    def _edit(self, uri: str, version: int | None, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
        """A workspace edit, versioned when the client accepts that (so a stale one is refused)."""
        capabilities = self.client_capabilities.workspace
        versioned = bool(capabilities and capabilities.workspace_edit and capabilities.workspace_edit.document_changes)
        if versioned:
            document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
            return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(document, list(edits))])
        return types.WorkspaceEdit(changes={uri: list(edits)})

    def _quick_fixes(
        self,
        uri: str,
        checked: _Checked,
        diagnostic: Diagnostic,
        published: types.Diagnostic,
        positions: PositionMap,
    ) -> list[types.CodeAction]:
        actions = []
        fix = diagnostic.fix
        if fix is not None:
            unsafe = " (unsafe)" if fix.applicability == "unsafe" else ""
            edits = [text_edit(e.span.start, e.span.end, e.content, positions) for e in fix.edits]
            actions.append(
                types.CodeAction(
                    title=f"layercheck ({diagnostic.code}): {fix.message}{unsafe}",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[published],
                    edit=self._edit(uri, checked.version, edits),
                    is_preferred=fix.applicability == "safe",
                )
            )
        if diagnostic.code not in ENGINE_CODES:
            lines = (diagnostic.span.start.line, diagnostic.span.end.line)
            suppression = suppression_edit(checked.text, lines, diagnostic.code)
            if suppression is not None:
                edit = text_edit(suppression.span.start, suppression.span.end, suppression.content, positions)
                actions.append(
                    types.CodeAction(
                        title=f"Ignore {diagnostic.code} for this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[published],
                        edit=self._edit(uri, checked.version, [edit]),
                    )
                )
        return actions

    def _fixable(self, diagnostics: list[Diagnostic]) -> bool:
        return any(d.fix is not None and d.fix.applicability in self._applicable() for d in diagnostics)

    def _applicable(self) -> frozenset[str]:
        return frozenset({"safe", "unsafe"} if self.unsafe_fixes else {"safe"})

    def _resolves_edits(self) -> bool:
        text_document = self.client_capabilities.text_document
        code_action = text_document.code_action if text_document else None
        support = code_action.resolve_support if code_action else None
        return bool(support and "edit" in support.properties)

    async def resolve_code_action(self, action: types.CodeAction) -> types.CodeAction:
        """Fill in the edit of "Fix all": what `--fix` would write (safe fixes; unsafe ones
        too with the `unsafeFixes` option), as one edit of the changed lines."""
        data = action.data if isinstance(action.data, dict) else {}
        uri = data.get("uri")
        checked = await self.current(uri) if isinstance(uri, str) else None
        path = _path(uri) if isinstance(uri, str) else None
        if checked is None or path is None or uri is None:
            return action
        workspace = await self.project(checked.project)
        text = workspace.fix(path, checked.text, self.unsafe_fixes)
        change = line_change(checked.text, text)
        edits = []
        if change is not None:
            positions = PositionMap(checked.text, self.position_encoding)
            start, end = Position(change.start + 1, 1), Position(change.end + 1, 1)
            edits.append(text_edit(start, end, change.text, positions))
        action.edit = self._edit(uri, checked.version, edits)
        return action

def run() -> None:
    """Serve one client over standard input and output until it says `exit`."""
    LayercheckServer().start_io()



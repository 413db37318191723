// End to end without VS Code: the shipped bundle (dist/extension.js, with the real
// vscode-languageclient inside) is loaded with the `vscode` stub in place of VS Code, the stub's
// Python extension selects the repository's virtual environment, and the extension finds and
// starts that environment's real `layercheck server` with no path configured. Documents opened
// in the stub get the server's diagnostics; its code actions and "Fix all" edit them.
//
// Needs `layercheck` installed in <repository>/.venv (`pip install -e .` at the root, as .ci/run
// does) or in the environment named by LAYERCHECK_VENV; skipped, saying so, without it.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as vscodeStub from "./stubs/vscode";
import {
  CANCELLATION_TOKEN,
  CodeAction,
  CodeActionKind,
  CodeActionTriggerKind,
  Diagnostic,
  DiagnosticSeverity,
  Range,
  TextDocument,
  WorkspaceEdit,
  commands,
  stub,
} from "./stubs/vscode";

const REPOSITORY = path.resolve(__dirname, "../../../..");
const VENV = process.env.LAYERCHECK_VENV ?? path.join(REPOSITORY, ".venv");
const BIN = process.platform === "win32" ? path.join(VENV, "Scripts") : path.join(VENV, "bin");
const PYTHON = path.join(BIN, process.platform === "win32" ? "python.exe" : "python");
const LAYERCHECK = path.join(BIN, process.platform === "win32" ? "layercheck.exe" : "layercheck");
const BUNDLE = path.resolve(__dirname, "../../dist/extension.js");
const WAIT_MS = 30_000;

const ROUTER = "from fastapi import APIRouter\nfrom sqlalchemy.ext.asyncio import AsyncSession\n\nrouter = APIRouter()\n";
const LOGGING = 'import structlog\n\nlog = structlog.get_logger()\n\n\ndef greet(name: str) -> None:\n    log.info(f"hello {name}")\n';
const DATABASE = `from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

engine = create_async_engine("sqlite+aiosqlite://")
SessionLocal = async_sessionmaker(engine)


async def get_db():
    async with SessionLocal() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_db)]
`;

type Extension = { activate(context: unknown): Promise<void>; deactivate(): Promise<void> };

async function eventually<T>(what: string, probe: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; log:\n${stub.outputChannels.flatMap((c) => c.lines).join("\n")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => (typeof d.code === "object" ? String(d.code.value) : String(d.code))).sort();
}

const missing = !existsSync(LAYERCHECK)
  ? `no layercheck in ${VENV} (run \`pip install -e .\` at the repository root, or set LAYERCHECK_VENV)`
  : !existsSync(BUNDLE)
    ? `${BUNDLE} is not built (npm run build)`
    : undefined;

describe("the bundle with the real client and the real server", { skip: missing }, () => {
  let scratch: string;
  let project: string;
  let extension: Extension;
  const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const originalLoad = loader._load;
  const originalPath = process.env.PATH;

  before(async () => {
    stub.reset();
    scratch = mkdtempSync(path.join(os.tmpdir(), "lc-e2e-"));
    project = path.join(scratch, "proj");
    const files: Record<string, string> = {
      "pyproject.toml": "[project]\nname = 'app'\n",
      "app/__init__.py": "",
      "app/database.py": DATABASE,
      "app/api/__init__.py": "",
      "app/api/users.py": ROUTER,
      "app/api/greetings.py": LOGGING,
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(project, name)), { recursive: true });
      writeFileSync(path.join(project, name), text);
    }
    stub.openFolder(project);
    // No layercheck on the PATH and no path setting: only the selected environment has it.
    process.env.PATH = path.join(scratch, "empty");
    stub.installPython({ path: PYTHON, executable: PYTHON, sysPrefix: VENV });

    loader._load = function (request: string, parent: unknown, isMain: boolean) {
      return request === "vscode" ? vscodeStub : originalLoad.call(this, request, parent, isMain);
    };
    extension = createRequire(__filename)(BUNDLE) as Extension;
    await extension.activate({ subscriptions: [], extension: { packageJSON: { version: "0.1.0" } } });
  });

  after(async () => {
    await extension?.deactivate();
    loader._load = originalLoad;
    process.env.PATH = originalPath;
    rmSync(scratch, { recursive: true, force: true });
  });

  it("starts the layercheck of the selected environment and is running", async () => {
    await eventually("the server to run", () => stub.status.text === "$(check) layercheck");
    assert.ok(stub.output.lines.includes(`[info] starting ${LAYERCHECK} server (from the selected Python environment)`));
    assert.match(String(stub.status.tooltip), /layercheck \d+\.\d+\.\d+/);
    // The server asked the client to watch the config files, and the client did.
    await eventually("the file watchers", () => stub.watchers.includes("**/pyproject.toml"));
    const [codeActions] = stub.codeActionProviders;
    const kinds = (codeActions.metadata as { providedCodeActionKinds: CodeActionKind[] }).providedCodeActionKinds;
    assert.ok(kinds.some((kind) => kind.value === "source.fixAll.layercheck"), "codeActionsOnSave can ask for it");
  });

  it("publishes LC101 for the router, and 'Ignore LC101 for this line' silences it", async () => {
    const document = stub.openDocument(path.join(project, "app/api/users.py"), ROUTER);
    const found = await eventually("LC101", () => {
      const diagnostics = stub.diagnosticsOf(document.uri);
      return codes(diagnostics).includes("LC101") && diagnostics;
    });
    const lc101 = found.find((d) => codes([d])[0] === "LC101") as Diagnostic;
    assert.deepEqual(
      [lc101.range.start.line, lc101.range.start.character, lc101.range.end.line, lc101.range.end.character],
      [1, 35, 1, 47],
    );
    assert.equal(lc101.severity, DiagnosticSeverity.Warning);
    assert.equal(lc101.source, "layercheck");
    const code = lc101.code as { value: string; target: { toString(): string } };
    assert.match(code.target.toString(), /rules\/LC101-session-import-outside-repository\.md$/);

    const actions = await provideCodeActions(document, lc101.range, { diagnostics: [lc101], only: undefined, triggerKind: CodeActionTriggerKind.Invoke });
    const ignore = actions.find((action) => action.title === "Ignore LC101 for this line");
    assert.ok(ignore?.edit, `offered: ${actions.map((a) => a.title).join(" | ")}`);
    assert.equal(ignore.kind?.value, "quickfix");
    apply(document, ignore.edit);
    assert.equal(document.getText().split("\n")[1], "from sqlalchemy.ext.asyncio import AsyncSession  # noqa: LC101");
    await eventually("LC101 to go", () => !codes(stub.diagnosticsOf(document.uri)).includes("LC101"));
  });

  it("'Fix all' on save (source.fixAll) and the command apply the safe fixes", async () => {
    const text = `${LOGGING}\nCOUNT = 1  # noqa: LC201\n`;
    const document = stub.openDocument(path.join(project, "app/api/greetings.py"), text);
    await eventually("LC002 and LC701", () => codes(stub.diagnosticsOf(document.uri)).join() === "LC002,LC701");

    // What editor.codeActionsOnSave does: ask for source.fixAll, resolve the edit.
    const whole = new Range(0, 0, document.lineCount, 0);
    const onSave = await provideCodeActions(document, whole, { diagnostics: [], only: CodeActionKind.SourceFixAll, triggerKind: CodeActionTriggerKind.Automatic });
    assert.deepEqual(onSave.map((action) => action.kind?.value), ["source.fixAll.layercheck"]);
    const resolved = (await stub.codeActionProviders[0].provider.resolveCodeAction?.(onSave[0], CANCELLATION_TOKEN)) ?? onSave[0];
    assert.ok(resolved.edit);
    assert.ok(document.applyEdits(resolved.edit.get(document.uri)).endsWith("\nCOUNT = 1\n"));

    // The command does the same on the active editor, through workspace.applyEdit.
    stub.activeTextEditor = { document };
    assert.equal(await commands.executeCommand("layercheck.executeAutofix"), "applied");
    const edit = stub.appliedEdits.at(-1) as WorkspaceEdit;
    apply(document, edit);
    assert.ok(document.getText().endsWith("\nCOUNT = 1\n"));
    assert.ok(document.getText().includes('log.info(f"hello {name}")'), "the unsafe fix is not applied");
    await eventually("only LC701 left", () => codes(stub.diagnosticsOf(document.uri)).join() === "LC701");
  });

  it("'Restart Server' starts a new server that checks the open documents again", async () => {
    await commands.executeCommand("layercheck.restart");
    assert.equal(stub.status.text, "$(check) layercheck");
    const greetings = stub.documents.find((d) => d.uri.fsPath.endsWith("greetings.py")) as TextDocument;
    await eventually("LC701 again", () => codes(stub.diagnosticsOf(greetings.uri)).join() === "LC701");
    assert.equal(stub.errors().length, 0, stub.errors().map((m) => m.text).join("\n"));
  });
});

async function provideCodeActions(document: TextDocument, range: Range, context: unknown): Promise<CodeAction[]> {
  const [entry] = stub.codeActionProviders;
  assert.ok(entry, "the client registered a code action provider");
  const found = await entry.provider.provideCodeActions(document, range, context, CANCELLATION_TOKEN);
  return (found ?? []).filter((item): item is CodeAction => item instanceof CodeAction);
}

/** Apply an edit to the document and tell the server, as VS Code does. */
function apply(document: TextDocument, edit: WorkspaceEdit): void {
  stub.changeDocument(document, document.applyEdits(edit.get(document.uri)));
}

// The extension activated against the `vscode` stub, with a fake LanguageClient and real
// files: which executable it starts, how settings, the interpreter and the commands restart
// it, what happens when no executable exists or the server keeps dying, and "Fix all".

import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import manifest from "../package.json";
import { activate, deactivate } from "../src/extension";
import { CloseAction, State, fake } from "./stubs/languageclient";
import { Uri, commands, stub } from "./stubs/vscode";

const ORIGINAL_PATH = process.env.PATH;
let scratch: string;
let project: string;
let context: { subscriptions: { dispose(): unknown }[]; extension: { packageJSON: unknown } };

/** An executable file (a shell script that would run `layercheck`). */
function executable(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, "#!/bin/sh\nexit 0\n");
  chmodSync(file, 0o755);
  return file;
}

/** A virtual environment's layout: bin/python, and bin/layercheck when `withLayercheck`. */
function venv(folder: string, withLayercheck: boolean) {
  const python = executable(path.join(folder, "bin", "python"));
  if (withLayercheck) {
    executable(path.join(folder, "bin", "layercheck"));
  }
  return { path: python, executable: python, sysPrefix: folder };
}

async function start(): Promise<void> {
  context = { subscriptions: [], extension: { packageJSON: manifest } };
  await activate(context as never);
}

function command(name: string): Promise<unknown> {
  return commands.executeCommand(name);
}

async function eventually(what: string, condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; log:\n${stub.output.lines.join("\n")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function running() {
  return fake.instances.filter((client) => client.state === State.Running);
}

function attempts(): number {
  return stub.output.lines.filter((line) => line.includes("layercheck is not on the PATH") || line.startsWith("[info] starting ")).length;
}

beforeEach(() => {
  stub.reset();
  fake.reset();
  scratch = mkdtempSync(path.join(os.tmpdir(), "lc-ext-"));
  project = path.join(scratch, "proj");
  mkdirSync(project);
  stub.openFolder(project);
  process.env.PATH = path.join(scratch, "empty-path");
});

afterEach(async () => {
  await deactivate();
  for (const disposable of context?.subscriptions ?? []) {
    disposable.dispose();
  }
  process.env.PATH = ORIGINAL_PATH;
  rmSync(scratch, { recursive: true, force: true });
});

describe("activation", () => {
  it("registers exactly the commands the manifest declares", async () => {
    stub.installPython(venv(path.join(project, ".venv"), true));
    await start();
    const declared = manifest.contributes.commands.map((entry) => entry.command).sort();
    assert.deepEqual([...stub.commands.keys()].sort(), declared);
  });

  it("starts the layercheck of the selected Python environment, with no path configured", async () => {
    const environment = venv(path.join(project, ".venv"), true);
    stub.installPython(environment);
    executable(path.join(scratch, "bin", "layercheck"));
    process.env.PATH = path.join(scratch, "bin"); // another layercheck, which must not be used
    await start();

    assert.equal(stub.python?.activations, 1, "the Python extension was activated through its API");
    assert.equal(fake.instances.length, 1);
    const client = fake.last;
    assert.equal(client.id, "layercheck");
    assert.deepEqual(client.serverOptions, {
      command: path.join(project, ".venv", "bin", "layercheck"),
      args: ["server"],
      options: { cwd: project },
    });
    assert.deepEqual(client.clientOptions.documentSelector, [{ scheme: "file", language: "python" }]);
    assert.deepEqual(client.clientOptions.initializationOptions, { unsafeFixes: false });
    assert.equal(client.clientOptions.outputChannel, stub.output);
    assert.equal(client.state, State.Running);
    assert.equal(stub.status.text, "$(check) layercheck");
    assert.match(String(stub.status.tooltip), /layercheck 0\.1\.0 at .*\.venv/);
    assert.equal(stub.status.visible, true);
    assert.deepEqual(stub.messages, []);
  });

  it("prefers layercheck.path to the environment and the PATH", async () => {
    stub.installPython(venv(path.join(project, ".venv"), true));
    const own = executable(path.join(project, "tools", "layercheck"));
    stub.settings.set("layercheck.path", ["${workspaceFolder}/tools/layercheck"]);
    stub.settings.set("layercheck.args", ["--extra"]);
    await start();
    assert.equal(fake.last.serverOptions.command, own);
    assert.deepEqual(fake.last.serverOptions.args, ["server", "--extra"]);
  });

  it("uses the PATH without the Python extension", async () => {
    const onPath = executable(path.join(scratch, "bin", "layercheck"));
    process.env.PATH = path.join(scratch, "bin");
    await start();
    assert.equal(fake.last.serverOptions.command, onPath);
    assert.ok(stub.output.lines.some((line) => line.includes("Python extension not used")));
  });

  it("uses the PATH when the selected environment has no layercheck", async () => {
    stub.installPython(venv(path.join(project, ".venv"), false));
    const onPath = executable(path.join(scratch, "bin", "layercheck"));
    process.env.PATH = path.join(scratch, "bin");
    await start();
    assert.equal(fake.last.serverOptions.command, onPath);
    assert.ok(stub.output.lines.some((line) => line.includes("not installed in the selected Python environment")));
  });
});

describe("no executable", () => {
  it("says how to install layercheck, once, and does not try again by itself", async () => {
    stub.installPython(venv(path.join(project, ".venv"), false));
    await start();

    assert.equal(fake.instances.length, 0, "no client is started");
    const errors = stub.errors();
    assert.equal(errors.length, 1);
    assert.match(errors[0].text, /pip install layercheck/);
    assert.match(errors[0].text, /layercheck\.path/);
    assert.deepEqual(errors[0].items, ["Open Settings", "Show Logs"]);
    assert.equal(stub.status.text, "$(warning) layercheck");
    assert.equal(attempts(), 1);

    await sleep(300);
    assert.equal(attempts(), 1, "no retry loop");

    // A relevant setting changes, another interpreter is selected: tried again, not re-notified.
    stub.configure({ "layercheck.unsafeFixes": true });
    await eventually("a second attempt", () => attempts() === 2);
    stub.selectInterpreter(venv(path.join(scratch, "other-venv"), false));
    await eventually("a third attempt", () => attempts() === 3);
    await sleep(100);
    assert.equal(stub.errors().length, 1);
    assert.equal(fake.instances.length, 0);

    // Asked for by the user: the notification comes again.
    await command("layercheck.restart");
    assert.equal(stub.errors().length, 2);

    // Installed now: the next restart finds it.
    executable(path.join(scratch, "other-venv", "bin", "layercheck"));
    await command("layercheck.restart");
    assert.equal(running().length, 1);
    assert.equal(stub.status.text, "$(check) layercheck");
    assert.equal(stub.errors().length, 2);
  });

  it("names layercheck.path when its executables do not exist, and does not use another", async () => {
    stub.installPython(venv(path.join(project, ".venv"), true));
    stub.settings.set("layercheck.path", ["/nowhere/layercheck"]);
    await start();
    assert.equal(fake.instances.length, 0);
    assert.equal(stub.errors().length, 1);
    assert.match(stub.errors()[0].text, /None of the executables in `layercheck.path` exists/);
  });

  it("'Open Settings' opens the setting", async () => {
    stub.choice = "Open Settings";
    await start();
    await eventually("the settings", () => stub.executed.some((run) => run.command === "workbench.action.openSettings"));
    assert.deepEqual(stub.executed.find((run) => run.command === "workbench.action.openSettings")?.args, ["layercheck.path"]);
  });
});

describe("restarts", () => {
  beforeEach(() => stub.installPython(venv(path.join(project, ".venv"), true)));

  it("'Restart Server' stops the server and starts a new one", async () => {
    await start();
    const first = fake.last;
    await command("layercheck.restart");
    assert.equal(fake.instances.length, 2);
    assert.equal(first.state, State.Stopped);
    assert.equal(first.disposed, true);
    assert.equal(fake.last.state, State.Running);
    assert.equal(stub.status.text, "$(check) layercheck");
  });

  it("restarts asked for together end with one server", async () => {
    await start();
    await Promise.all([command("layercheck.restart"), command("layercheck.restart"), command("layercheck.restart")]);
    assert.equal(fake.instances.length, 2, "the three restarts were one");
    assert.equal(running().length, 1);
  });

  it("follows the settings: unsafeFixes restarts with the new option, the trace does not restart", async () => {
    await start();
    stub.configure({ "layercheck.trace.server": "verbose" });
    await sleep(100);
    assert.equal(fake.instances.length, 1);
    stub.configure({ "layercheck.unsafeFixes": true });
    await eventually("a new server", () => fake.instances.length === 2 && fake.last.state === State.Running);
    assert.deepEqual(fake.last.clientOptions.initializationOptions, { unsafeFixes: true });
    assert.equal(running().length, 1);
  });

  it("layercheck.enable: false stops the server; true starts it again", async () => {
    await start();
    stub.configure({ "layercheck.enable": false });
    await eventually("the server to stop", () => running().length === 0);
    await sleep(50);
    assert.equal(stub.status.text, "$(circle-slash) layercheck");
    assert.equal(fake.instances.length, 1);
    stub.configure({ "layercheck.enable": true });
    await eventually("a new server", () => running().length === 1);
  });

  it("another interpreter selected: its environment's layercheck is started", async () => {
    await start();
    const other = venv(path.join(scratch, "other"), true);
    stub.selectInterpreter(other);
    await eventually("the other server", () => fake.instances.length === 2 && fake.last.state === State.Running);
    assert.equal(fake.last.serverOptions.command, path.join(scratch, "other", "bin", "layercheck"));
    assert.equal(running().length, 1);
  });

  it("another interpreter selected while layercheck.path is set: nothing restarts", async () => {
    stub.settings.set("layercheck.path", [executable(path.join(scratch, "fixed", "layercheck"))]);
    await start();
    stub.selectInterpreter(venv(path.join(scratch, "other"), true));
    await sleep(100);
    assert.equal(fake.instances.length, 1);
  });

  it("a server that keeps dying is started again twice, then left stopped with one message", async () => {
    await start();
    const client = fake.last;
    assert.equal(await client.crash(), CloseAction.Restart);
    assert.equal(await client.crash(), CloseAction.Restart);
    assert.equal(stub.errors().length, 0);
    assert.equal(await client.crash(), CloseAction.DoNotRestart);
    assert.equal(stub.errors().length, 1);
    assert.match(stub.errors()[0].text, /layercheck: Restart Server/);
    assert.equal(stub.status.text, "$(error) layercheck");
    await sleep(100);
    assert.equal(fake.instances.length, 1, "no new client by itself");
    await command("layercheck.restart");
    assert.equal(running().length, 1);
  });

  it("a server that fails to start is reported in the status and not retried", async () => {
    fake.startError = new Error("spawn EACCES");
    await start();
    assert.equal(stub.status.text, "$(error) layercheck");
    assert.match(String(stub.status.tooltip), /spawn EACCES/);
    await sleep(100);
    assert.equal(fake.instances.length, 1);
    assert.equal(fake.last.clientOptions.initializationFailedHandler?.(new Error("x")), false);
  });

  it("deactivation stops the server", async () => {
    await start();
    await deactivate();
    assert.equal(fake.last.state, State.Stopped);
  });
});

describe("commands", () => {
  const FIX_ALL = { title: "Fix all layercheck problems", kind: "source.fixAll.layercheck", data: { uri: "x" } };
  const EDIT = { changes: { "file:///proj/app.py": [{ range: {}, newText: "" }] } };

  function openEditor(file: string, languageId = "python") {
    stub.activeTextEditor = { document: { uri: Uri.file(file), languageId, lineCount: 12 } };
  }

  beforeEach(() => stub.installPython(venv(path.join(project, ".venv"), true)));

  it("'Fix all auto-fixable problems' asks for source.fixAll.layercheck, resolves it and applies it", async () => {
    await start();
    openEditor(path.join(project, "app.py"));
    fake.handlers.set("textDocument/codeAction", () => [{ title: "Ignore LC101 for this line", kind: "quickfix" }, FIX_ALL]);
    fake.handlers.set("codeAction/resolve", (action) => ({ ...(action as object), edit: EDIT }));
    assert.equal(await command("layercheck.executeAutofix"), "applied");
    const [request, resolve] = fake.last.requests;
    assert.equal(request.method, "textDocument/codeAction");
    assert.deepEqual(request.params, {
      textDocument: { uri: Uri.file(path.join(project, "app.py")).toString() },
      range: { start: { line: 0, character: 0 }, end: { line: 12, character: 0 } },
      context: { diagnostics: [], only: ["source.fixAll.layercheck"], triggerKind: 1 },
    });
    assert.equal(resolve.method, "codeAction/resolve");
    assert.deepEqual(stub.appliedEdits, [{ converted: EDIT }]);
  });

  it("'Fix all' with nothing to fix says so and edits nothing", async () => {
    await start();
    openEditor(path.join(project, "app.py"));
    fake.handlers.set("textDocument/codeAction", () => []);
    assert.equal(await command("layercheck.executeAutofix"), "nothing");
    assert.deepEqual(stub.appliedEdits, []);
    assert.match(stub.messages.at(-1)?.text ?? "", /nothing to fix/);
  });

  it("'Fix all' outside a Python file, or without a server, sends nothing", async () => {
    await start();
    openEditor(path.join(project, "README.md"), "markdown");
    assert.equal(await command("layercheck.executeAutofix"), "not-python");
    stub.configure({ "layercheck.enable": false });
    await eventually("the server to stop", () => running().length === 0);
    openEditor(path.join(project, "app.py"));
    assert.equal(await command("layercheck.executeAutofix"), "no-server");
    assert.equal(fake.last.requests.length, 0);
  });

  it("'Show Logs' and the status item show the output", async () => {
    await start();
    assert.equal(stub.status.command, "layercheck.showLogs");
    await command("layercheck.showLogs");
    assert.equal(stub.output.shown, 1);
    assert.equal(stub.output.name, "layercheck");
  });
});

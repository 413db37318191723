// Which executable runs the server: `layercheck.path`, else the selected environment, else PATH.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  SCRIPTS_QUERY,
  nodeHost,
  resolveExecutable,
  substitute,
  which,
  type Host,
} from "../src/resolve";

/** A machine made of a set of executable files. */
function fakeHost(
  files: string[],
  options: { platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv; printed?: string } = {},
): Host & { pythonRuns: { python: string; code: string }[] } {
  const executables = new Set(files);
  const pythonRuns: { python: string; code: string }[] = [];
  return {
    platform: options.platform ?? "linux",
    env: options.env ?? { PATH: "/usr/local/bin:/usr/bin" },
    pythonRuns,
    isExecutable: async (file) => executables.has(file),
    runPython: async (python, code) => {
      pythonRuns.push({ python, code });
      return options.printed;
    },
  };
}

const VENV = { executable: "/proj/.venv/bin/python", sysPrefix: "/proj/.venv" };

describe("layercheck.path", () => {
  it("is used when it exists, before the environment and the PATH", async () => {
    const host = fakeHost(["/opt/lc/layercheck", "/proj/.venv/bin/layercheck", "/usr/bin/layercheck"]);
    const found = await resolveExecutable({ paths: ["/opt/lc/layercheck"], interpreter: VENV }, host);
    assert.equal(found.command, "/opt/lc/layercheck");
    assert.equal(found.source, "setting");
  });

  it("takes the first entry that exists", async () => {
    const host = fakeHost(["/b/layercheck"]);
    const found = await resolveExecutable({ paths: ["/a/layercheck", "/b/layercheck"] }, host);
    assert.equal(found.command, "/b/layercheck");
    assert.match(found.log[0], /\/a\/layercheck does not exist/);
  });

  it("looks a bare name up on the PATH", async () => {
    const host = fakeHost(["/usr/bin/layercheck-dev"]);
    const found = await resolveExecutable({ paths: ["layercheck-dev"] }, host);
    assert.equal(found.command, "/usr/bin/layercheck-dev");
    assert.equal(found.source, "setting");
  });

  it("when none of its entries exists, finds nothing rather than another layercheck", async () => {
    const host = fakeHost(["/proj/.venv/bin/layercheck", "/usr/bin/layercheck"]);
    const found = await resolveExecutable({ paths: ["/typo/layercheck"], interpreter: VENV }, host);
    assert.equal(found.command, undefined);
    assert.deepEqual(found.log, ["layercheck.path: /typo/layercheck does not exist or cannot be run"]);
    assert.equal(host.pythonRuns.length, 0);
  });
});

describe("the selected Python environment", () => {
  it("has layercheck next to its interpreter (a venv)", async () => {
    const host = fakeHost(["/proj/.venv/bin/layercheck", "/usr/bin/layercheck"]);
    const found = await resolveExecutable({ paths: [], interpreter: VENV }, host);
    assert.equal(found.command, "/proj/.venv/bin/layercheck");
    assert.equal(found.source, "environment");
    assert.equal(host.pythonRuns.length, 0, "no process is run when the file is where expected");
  });

  it("has layercheck in the bin folder of its prefix (the interpreter is a link elsewhere)", async () => {
    const host = fakeHost(["/envs/app/bin/layercheck"]);
    const interpreter = { executable: "/usr/libexec/python3.12", sysPrefix: "/envs/app" };
    const found = await resolveExecutable({ paths: [], interpreter }, host);
    assert.equal(found.command, "/envs/app/bin/layercheck");
  });

  it("on Windows, has layercheck.exe in Scripts", async () => {
    const venv = { executable: "C:\\proj\\.venv\\Scripts\\python.exe", sysPrefix: "C:\\proj\\.venv" };
    const host = fakeHost(["C:\\proj\\.venv\\Scripts\\layercheck.exe"], { platform: "win32", env: {} });
    assert.equal((await resolveExecutable({ paths: [], interpreter: venv }, host)).command, "C:\\proj\\.venv\\Scripts\\layercheck.exe");
    const base = { executable: "C:\\Python312\\python.exe", sysPrefix: "C:\\Python312" };
    const baseHost = fakeHost(["C:\\Python312\\Scripts\\layercheck.exe"], { platform: "win32", env: {} });
    assert.equal((await resolveExecutable({ paths: [], interpreter: base }, baseHost)).command, "C:\\Python312\\Scripts\\layercheck.exe");
  });

  it("is asked where its scripts go when layercheck is not beside it (a user install)", async () => {
    const host = fakeHost(["/home/me/.local/bin/layercheck"], { printed: "/usr/bin\n/home/me/.local/bin\n" });
    const interpreter = { executable: "/usr/bin/python3", sysPrefix: "/usr" };
    const found = await resolveExecutable({ paths: [], interpreter }, host);
    assert.equal(found.command, "/home/me/.local/bin/layercheck");
    assert.equal(found.source, "environment");
    assert.deepEqual(host.pythonRuns, [{ python: "/usr/bin/python3", code: SCRIPTS_QUERY }]);
  });

  it("without layercheck, falls back to the PATH and says so", async () => {
    const host = fakeHost(["/usr/local/bin/layercheck"], { printed: "/proj/.venv/bin\n" });
    const found = await resolveExecutable({ paths: [], interpreter: VENV }, host);
    assert.equal(found.command, "/usr/local/bin/layercheck");
    assert.equal(found.source, "path");
    assert.deepEqual(found.log, [
      "layercheck is not installed in the selected Python environment (/proj/.venv/bin/python)",
      "using /usr/local/bin/layercheck from the PATH",
    ]);
  });
});

describe("the PATH", () => {
  it("is used without a selected environment", async () => {
    const host = fakeHost(["/usr/bin/layercheck"]);
    const found = await resolveExecutable({ paths: [] }, host);
    assert.equal(found.command, "/usr/bin/layercheck");
    assert.equal(found.source, "path");
  });

  it("on Windows, is searched with the PATHEXT extensions", async () => {
    const env = { Path: "C:\\tools;C:\\bin", PATHEXT: ".COM;.EXE" };
    const host = fakeHost(["C:\\bin\\layercheck.exe"], { platform: "win32", env });
    assert.equal(await which("layercheck", host), "C:\\bin\\layercheck.exe");
  });

  it("nothing anywhere: no command, and every place looked at is in the log", async () => {
    const host = fakeHost([]);
    const found = await resolveExecutable({ paths: [], interpreter: VENV }, host);
    assert.equal(found.command, undefined);
    assert.deepEqual(found.log, [
      "layercheck is not installed in the selected Python environment (/proj/.venv/bin/python)",
      "layercheck is not on the PATH",
    ]);
  });
});

describe("variables in settings", () => {
  const variables = { workspaceFolder: "/home/me/proj", home: "/home/me", env: { TOOLS: "/opt/tools" } };

  it("expands the workspace folder, the home, environment variables and ~", () => {
    assert.equal(substitute("${workspaceFolder}/.venv/bin/layercheck", variables), "/home/me/proj/.venv/bin/layercheck");
    assert.equal(substitute("${env:TOOLS}/layercheck", variables), "/opt/tools/layercheck");
    assert.equal(substitute("${userHome}/bin/layercheck", variables), "/home/me/bin/layercheck");
    assert.equal(substitute("~/bin/layercheck", variables), "/home/me/bin/layercheck");
    assert.equal(substitute("${workspaceFolderBasename}", variables), "proj");
    assert.equal(substitute("${env:MISSING}x", variables), "x");
  });

  it("leaves ${workspaceFolder} as written when no folder is open", () => {
    assert.equal(substitute("${workspaceFolder}/x", { home: "/h", env: {} }), "${workspaceFolder}/x");
  });
});

describe("the real machine", () => {
  it("runs only files with the executable bit", { skip: process.platform === "win32" }, async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "lc-host-"));
    try {
      const plain = path.join(folder, "plain");
      const script = path.join(folder, "script");
      writeFileSync(plain, "");
      writeFileSync(script, "#!/bin/sh\n");
      chmodSync(script, 0o755);
      mkdirSync(path.join(folder, "dir"));
      const host = nodeHost();
      assert.equal(await host.isExecutable(script), true);
      assert.equal(await host.isExecutable(plain), false);
      assert.equal(await host.isExecutable(path.join(folder, "dir")), false);
      assert.equal(await host.isExecutable(path.join(folder, "missing")), false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("a real Python answers the scripts query with its folders", async (t) => {
    let python: string;
    try {
      python = execFileSync(process.platform === "win32" ? "where" : "which", ["python3"], { encoding: "utf8" }).split(/\r?\n/)[0];
    } catch {
      t.skip("no python3 on the PATH");
      return;
    }
    const printed = await nodeHost().runPython(python, SCRIPTS_QUERY);
    assert.ok(printed, "the query ran");
    const folders = printed.split(/\r?\n/).filter(Boolean);
    assert.ok(folders.length >= 1 && folders.every((folder) => path.isAbsolute(folder)), printed);
  });
});

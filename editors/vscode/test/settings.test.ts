// The settings as the extension reads them, and as its manifest declares them.

import assert from "node:assert/strict";
import * as os from "node:os";
import * as path from "node:path";
import { beforeEach, describe, it } from "node:test";
import manifest from "../package.json";
import { RESTART_SETTINGS, projectFolder, readSettings } from "../src/settings";
import { stub } from "./stubs/vscode";

const PROJECT = path.resolve(os.tmpdir(), "proj");

describe("readSettings", () => {
  beforeEach(() => stub.reset());

  it("has the manifest's defaults when nothing is set", () => {
    assert.deepEqual(readSettings(undefined), { enable: true, path: [], args: [], unsafeFixes: false });
  });

  it("reads every setting, expanding variables and resolving relative paths against the folder", () => {
    const folder = stub.openFolder(PROJECT);
    stub.settings.set("layercheck.enable", false);
    stub.settings.set("layercheck.path", ["${workspaceFolder}/.venv/bin/layercheck", "tools/layercheck", "layercheck", "  "]);
    stub.settings.set("layercheck.args", ["--flag", "${workspaceFolder}"]);
    stub.settings.set("layercheck.unsafeFixes", true);
    assert.equal(projectFolder(), folder);
    assert.deepEqual(readSettings(folder as never), {
      enable: false,
      path: [path.join(PROJECT, ".venv/bin/layercheck"), path.join(PROJECT, "tools/layercheck"), "layercheck"],
      args: ["--flag", PROJECT],
      unsafeFixes: true,
    });
  });

  it("takes a single string for layercheck.path", () => {
    stub.settings.set("layercheck.path", "/opt/layercheck");
    assert.deepEqual(readSettings(undefined).path, ["/opt/layercheck"]);
  });

  it("treats values of the wrong type as not set", () => {
    stub.settings.set("layercheck.path", 3);
    stub.settings.set("layercheck.unsafeFixes", "yes");
    stub.settings.set("layercheck.enable", "no");
    assert.deepEqual(readSettings(undefined), { enable: true, path: [], args: [], unsafeFixes: false });
  });
});

describe("the manifest", () => {
  const properties = manifest.contributes.configuration.properties as Record<string, { default: unknown }>;

  it("declares the settings the issue asks for, with the defaults the code assumes", () => {
    assert.deepEqual(Object.keys(properties).sort(), [
      "layercheck.args",
      "layercheck.enable",
      "layercheck.path",
      "layercheck.trace.server",
      "layercheck.unsafeFixes",
    ]);
    const defaults = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, value.default]));
    assert.deepEqual(defaults, {
      "layercheck.enable": true,
      "layercheck.path": [],
      "layercheck.args": [],
      "layercheck.unsafeFixes": false,
      "layercheck.trace.server": "off",
    });
  });

  it("restarts the server for every declared setting but the trace, which the client follows itself", () => {
    assert.deepEqual(
      [...RESTART_SETTINGS].sort(),
      Object.keys(properties).filter((key) => key !== "layercheck.trace.server").sort(),
    );
  });

  it("names the command palette entries 'layercheck: ...'", () => {
    const titles = manifest.contributes.commands.map((command) => `${command.category}: ${command.title}`);
    assert.deepEqual(titles, [
      "layercheck: Restart Server",
      "layercheck: Fix all auto-fixable problems",
      "layercheck: Show Logs",
    ]);
  });

  it("has what a .vsix needs: engines.vscode, a repository, a license, and the bundle as main", () => {
    assert.match(manifest.engines.vscode, /^\^1\.\d+\.\d+$/);
    assert.match(manifest.repository.url, /^https:\/\/github\.com\//);
    assert.equal(manifest.license, "MIT");
    assert.equal(manifest.main, "./dist/extension.js");
    assert.ok(manifest.activationEvents.includes("onLanguage:python"));
    // The types the code is checked against are no newer than the oldest VS Code it claims.
    const types = manifest.devDependencies["@types/vscode"].replace(/^[~^]/, "");
    assert.equal(types.split(".").slice(0, 2).join("."), manifest.engines.vscode.slice(1).split(".").slice(0, 2).join("."));
  });
});

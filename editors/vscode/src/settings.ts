// The extension's settings (`layercheck.*`), read for the folder the server runs in.

import * as path from "node:path";
import * as vscode from "vscode";
import { homeFolder, substitute } from "./resolve";

export const SECTION = "layercheck";

export interface Settings {
  enable: boolean;
  /** Executables to try, first that exists wins; empty: find one (environment, then PATH). */
  path: string[];
  /** Extra arguments after `layercheck server`. */
  args: string[];
  /** Let "Fix all" apply unsafe fixes too (an initialization option of the server). */
  unsafeFixes: boolean;
}

/** Settings whose change needs a new server process (`trace.server` does not: the client
 * follows it by itself). */
export const RESTART_SETTINGS = ["enable", "path", "args", "unsafeFixes"].map((name) => `${SECTION}.${name}`);

function strings(value: unknown): string[] {
  if (typeof value === "string") {
    return value.trim() ? [value.trim()] : [];
  }
  if (Array.isArray(value)) {
    return value.filter((item): item is string => typeof item === "string" && item.trim() !== "").map((item) => item.trim());
  }
  return [];
}

/** The folder the server runs in: the first of the workspace (one server serves them all). */
export function projectFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.[0];
}

export function readSettings(folder: vscode.WorkspaceFolder | undefined): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, folder?.uri);
  const variables = { workspaceFolder: folder?.uri.fsPath, home: homeFolder(), env: process.env };
  const executables = strings(config.get("path")).map((entry) => {
    const value = substitute(entry, variables);
    // A relative path with a folder in it is relative to the workspace folder.
    if (folder && !path.isAbsolute(value) && /[\\/]/.test(value) && !value.includes("${")) {
      return path.join(folder.uri.fsPath, value);
    }
    return value;
  });
  return {
    enable: config.get<boolean>("enable", true) !== false,
    path: executables,
    args: strings(config.get("args")).map((arg) => substitute(arg, variables)),
    unsafeFixes: config.get<boolean>("unsafeFixes", false) === true,
  };
}

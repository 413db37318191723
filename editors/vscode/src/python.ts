// The interpreter the Python extension (ms-python.python) has selected, through its public API
// (`@vscode/python-extension`), as ruff's extension finds its executable.

import { PythonExtension } from "@vscode/python-extension";
import * as vscode from "vscode";
import type { Interpreter } from "./resolve";

export interface PythonEnvironments {
  /** The selected interpreter for `resource`, undefined when none is selected. */
  interpreter(resource: vscode.Uri | undefined): Promise<Interpreter | undefined>;
  /** Called when the user selects another interpreter. */
  onDidChangeInterpreter(listener: () => void): vscode.Disposable;
}

/** The Python extension's environments API, or undefined (with the reason) when it is not
 * installed, disabled, or too old to have that API. */
export async function pythonEnvironments(): Promise<{ api?: PythonEnvironments; reason?: string }> {
  let extension: PythonExtension;
  try {
    extension = await PythonExtension.api();
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
  const environments = extension?.environments;
  if (!environments || typeof environments.getActiveEnvironmentPath !== "function") {
    return { reason: "the Python extension has no environments API (it is too old)" };
  }
  return {
    api: {
      async interpreter(resource) {
        const active = environments.getActiveEnvironmentPath(resource);
        if (!active?.path) {
          return undefined;
        }
        const resolved = await environments.resolveEnvironment(active);
        const executable = resolved?.executable.uri?.fsPath ?? active.path;
        return { executable, sysPrefix: resolved?.executable.sysPrefix || undefined };
      },
      onDidChangeInterpreter(listener) {
        return environments.onDidChangeActiveEnvironmentPath(() => listener());
      },
    },
  };
}

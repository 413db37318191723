// The extension's entry points: wire the settings, the Python extension, the commands and the
// status-bar item to one `layercheck server`.

import * as vscode from "vscode";
import { Controller } from "./controller";
import { fixAll } from "./fixAll";
import { pythonEnvironments } from "./python";
import { nodeHost } from "./resolve";
import { RESTART_SETTINGS, projectFolder, readSettings } from "./settings";

export const COMMANDS = {
  restart: "layercheck.restart",
  fixAll: "layercheck.executeAutofix",
  showLogs: "layercheck.showLogs",
} as const;

let controller: Controller | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("layercheck", { log: true });
  context.subscriptions.push(output);
  output.info(`layercheck extension ${String(context.extension?.packageJSON?.version ?? "")} activated`);

  const current = new Controller({ output, host: nodeHost() });
  controller = current;
  context.subscriptions.push(
    current,
    vscode.commands.registerCommand(COMMANDS.restart, () => current.restart(true)),
    vscode.commands.registerCommand(COMMANDS.fixAll, () => fixAll(current.runningClient, vscode.window.activeTextEditor)),
    vscode.commands.registerCommand(COMMANDS.showLogs, () => output.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_SETTINGS.some((name) => event.affectsConfiguration(name))) {
        output.info("settings changed: restarting the server");
        void current.restart();
      }
    }),
  );

  // The Python extension's selected interpreter (activating that extension may take a while).
  const python = await pythonEnvironments();
  if (python.api === undefined) {
    output.info(`Python extension not used (${python.reason}): layercheck is looked for on the PATH`);
  } else {
    current.python = python.api;
    context.subscriptions.push(
      python.api.onDidChangeInterpreter(() => {
        if (readSettings(projectFolder()).path.length === 0) {
          output.info("another Python interpreter was selected: restarting the server");
          void current.restart();
        }
      }),
    );
  }
  await current.restart();
}

export async function deactivate(): Promise<void> {
  const current = controller;
  controller = undefined;
  await current?.stop();
}

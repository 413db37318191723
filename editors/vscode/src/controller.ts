// One `layercheck server` for the window: found, started, restarted and stopped here, with
// its state in the status bar. Starts and stops run one after the other; restarts asked for
// while one is waiting collapse into it.

import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import { CrashPolicy } from "./crashes";
import type { PythonEnvironments } from "./python";
import { resolveExecutable, type Host, type Interpreter, type Source } from "./resolve";
import { projectFolder, readSettings } from "./settings";

export const CLIENT_ID = "layercheck";
export const CLIENT_NAME = "layercheck";
export const INSTALL_HINT =
  "Install it in the Python environment selected in VS Code (`pip install layercheck`, or " +
  "`uv add --dev layercheck`), or set `layercheck.path` to the executable.";

export type ServerState = "stopped" | "starting" | "running" | "disabled" | "not-found" | "failed";

const STATUS: Record<ServerState, { icon: string; tooltip: string; background?: string }> = {
  stopped: { icon: "$(circle-outline)", tooltip: "layercheck: the server is stopped" },
  starting: { icon: "$(loading~spin)", tooltip: "layercheck: the server is starting" },
  running: { icon: "$(check)", tooltip: "layercheck: the server is running" },
  disabled: { icon: "$(circle-slash)", tooltip: "layercheck is disabled (`layercheck.enable`)" },
  "not-found": {
    icon: "$(warning)",
    tooltip: "layercheck: no `layercheck` executable was found",
    background: "statusBarItem.warningBackground",
  },
  failed: {
    icon: "$(error)",
    tooltip: "layercheck: the server stopped with an error",
    background: "statusBarItem.errorBackground",
  },
};

const SOURCES: Record<Source, string> = {
  setting: "the layercheck.path setting",
  environment: "the selected Python environment",
  path: "the PATH",
};

export interface ControllerOptions {
  output: vscode.LogOutputChannel;
  host: Host;
}

export class Controller implements vscode.Disposable {
  readonly status: vscode.StatusBarItem;
  /** The Python extension's environments, when it is there. */
  python: PythonEnvironments | undefined;
  private client: LanguageClient | undefined;
  private state: ServerState = "stopped";
  private queue: Promise<void> = Promise.resolve();
  private scheduled: Promise<void> | undefined;
  private manualPending = false;
  private notifiedNotFound = false;
  private disposables: vscode.Disposable[] = [];

  constructor(private readonly options: ControllerOptions) {
    this.status = vscode.window.createStatusBarItem("layercheck.status", vscode.StatusBarAlignment.Right, 100);
    this.status.name = "layercheck";
    this.status.command = "layercheck.showLogs";
    this.setState("stopped");
    this.status.show();
  }

  /** The running client, if any (for requests such as "Fix all"). */
  get runningClient(): LanguageClient | undefined {
    return this.client && this.client.state === State.Running ? this.client : undefined;
  }

  /** Stop the server if it runs, then find and start it again. `manual`: the user asked
   * (a missing executable is then reported again even if it was already). */
  restart(manual = false): Promise<void> {
    this.manualPending ||= manual;
    if (this.scheduled === undefined) {
      const run = this.queue.then(async () => {
        this.scheduled = undefined;
        const wasManual = this.manualPending;
        this.manualPending = false;
        await this.stopClient();
        await this.startClient(wasManual);
      });
      this.scheduled = run;
      this.queue = run.catch((error) => this.options.output.error(`restart failed: ${String(error)}`));
    }
    return this.scheduled;
  }

  /** Stop the server (when the extension is deactivated). */
  stop(): Promise<void> {
    const run = this.queue.then(() => this.stopClient());
    this.queue = run.catch(() => undefined);
    return run;
  }

  dispose(): void {
    void this.stop();
    this.status.dispose();
  }

  private setState(state: ServerState, detail = ""): void {
    this.state = state;
    const look = STATUS[state];
    this.status.text = `${look.icon} layercheck`;
    this.status.tooltip = detail ? `${look.tooltip}\n${detail}\nClick for the logs.` : `${look.tooltip}\nClick for the logs.`;
    this.status.backgroundColor = look.background ? new vscode.ThemeColor(look.background) : undefined;
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    for (const disposable of this.disposables.splice(0)) {
      disposable.dispose();
    }
    if (client !== undefined) {
      try {
        await client.dispose();
      } catch (error) {
        this.options.output.debug(`stopping the server: ${String(error)}`);
      }
      this.options.output.info("server stopped");
      this.setState("stopped");
    }
  }

  private async startClient(manual: boolean): Promise<void> {
    const output = this.options.output;
    const folder = projectFolder();
    const settings = readSettings(folder);
    if (!settings.enable) {
      output.info("layercheck.enable is false: the server is not started");
      this.setState("disabled");
      return;
    }
    this.setState("starting");
    let interpreter: Interpreter | undefined;
    if (settings.path.length === 0 && this.python !== undefined) {
      try {
        interpreter = await this.python.interpreter(folder?.uri);
      } catch (error) {
        output.warn(`the Python extension did not tell the selected interpreter: ${String(error)}`);
      }
    }
    const found = await resolveExecutable({ paths: settings.path, interpreter }, this.options.host);
    for (const line of found.log) {
      output.info(line);
    }
    if (found.command === undefined) {
      this.setState("not-found", found.log.join("\n"));
      if (manual || !this.notifiedNotFound) {
        this.notifiedNotFound = true;
        void this.notifyNotFound(settings.path.length > 0);
      }
      return; // nothing retries by itself: a settings change, another interpreter or Restart does
    }
    this.notifiedNotFound = false;

    const args = ["server", ...settings.args];
    const cwd = folder?.uri.fsPath;
    output.info(`starting ${found.command} ${args.join(" ")} (from ${SOURCES[found.source ?? "path"]})`);
    const serverOptions: ServerOptions = { command: found.command, args, options: { cwd } };
    const crashes = new CrashPolicy();
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: "file", language: "python" }],
      outputChannel: output,
      traceOutputChannel: output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: { unsafeFixes: settings.unsafeFixes },
      initializationFailedHandler: (error) => {
        output.error(`the server failed to initialize: ${String(error)}`);
        return false;
      },
      errorHandler: {
        error: (_error, _message, count) => ({
          action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
        }),
        closed: () => {
          if (crashes.closed() === "restart") {
            output.warn("the server stopped unexpectedly: starting it again");
            return { action: CloseAction.Restart, handled: true };
          }
          const message = `the server stopped ${crashes.crashes} times within three minutes; it is not started again until you run "layercheck: Restart Server"`;
          output.error(message);
          this.setState("failed", message);
          void this.offerLogs(vscode.window.showErrorMessage(`layercheck: ${message}.`, "Show Logs"));
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
    };
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    this.client = client;
    const running = () => {
      const info = client.initializeResult?.serverInfo;
      return `${info?.name ?? "layercheck"} ${info?.version ?? ""} at ${found.command}`.replace("  ", " ");
    };
    this.disposables.push(
      client.onDidChangeState((event) => {
        if (this.client !== client) {
          return;
        }
        if (event.newState === State.Running) {
          this.setState("running", running());
        } else if (event.newState === State.Starting) {
          this.setState("starting");
        } else if (this.state !== "failed") {
          this.setState("stopped");
        }
      }),
    );
    try {
      await client.start();
      this.setState("running", running());
    } catch (error) {
      const message = `the server did not start: ${error instanceof Error ? error.message : String(error)}`;
      output.error(message);
      this.setState("failed", message);
    }
  }

  private async notifyNotFound(fromSetting: boolean): Promise<void> {
    const where = fromSetting
      ? "None of the executables in `layercheck.path` exists."
      : "No `layercheck` executable was found in the selected Python environment or on the PATH.";
    const choice = await vscode.window.showErrorMessage(
      `layercheck: ${where} ${INSTALL_HINT}`,
      "Open Settings",
      "Show Logs",
    );
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "layercheck.path");
    } else if (choice === "Show Logs") {
      this.options.output.show();
    }
  }

  private async offerLogs(choice: Thenable<string | undefined>): Promise<void> {
    if ((await choice) === "Show Logs") {
      this.options.output.show();
    }
  }
}

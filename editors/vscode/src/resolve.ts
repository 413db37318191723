// Which `layercheck` executable runs the server: the `layercheck.path` setting if given, else
// the one installed in the Python environment the Python extension has selected, else the one
// on the PATH. No `vscode` import here: the file system and the interpreter are reached
// through a `Host`, so the tests can run this against a fake machine as well as a real one.

import { execFile } from "node:child_process";
import { constants, promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Where the executable was found. */
export type Source = "setting" | "environment" | "path";

/** The interpreter of the selected Python environment, as the Python extension reports it. */
export interface Interpreter {
  /** The Python executable (`.venv/bin/python`). */
  executable: string;
  /** `sys.prefix` of the environment, when the Python extension knows it. */
  sysPrefix?: string;
}

/** What resolution needs from the machine. */
export interface Host {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Whether `file` is a file this process may run. */
  isExecutable(file: string): Promise<boolean>;
  /** Run `python -I -c code`; its standard output, or undefined when it fails. */
  runPython(python: string, code: string): Promise<string | undefined>;
}

export interface Request {
  /** The `layercheck.path` setting, variables already substituted (empty when not set). */
  paths: string[];
  /** The selected interpreter (undefined without the Python extension or a selection). */
  interpreter?: Interpreter;
}

export interface Resolution {
  /** The executable to run, or undefined when none was found. */
  command?: string;
  source?: Source;
  /** One line per place looked at, for the log and the "not found" notification. */
  log: string[];
}

/** Prints the folders where the interpreter's installers put scripts (its own scheme, then the user's). */
export const SCRIPTS_QUERY = [
  "import os, sysconfig",
  "print(sysconfig.get_path('scripts'))",
  "try:",
  "    print(sysconfig.get_path('scripts', os.name + '_user'))",
  "except Exception:",
  "    pass",
].join("\n");

function paths(platform: NodeJS.Platform): path.PlatformPath {
  return platform === "win32" ? path.win32 : path.posix;
}

export function executableName(platform: NodeJS.Platform): string {
  return platform === "win32" ? "layercheck.exe" : "layercheck";
}

/** A name without a folder (`layercheck`), to be looked up on the PATH. */
export function isBareName(value: string): boolean {
  return !value.includes("/") && !value.includes("\\");
}

/** The first `name` on the PATH (with the PATHEXT extensions on Windows). */
export async function which(name: string, host: Host): Promise<string | undefined> {
  const p = paths(host.platform);
  const searchPath = host.env.PATH ?? host.env.Path ?? "";
  const extensions =
    host.platform === "win32" && !p.extname(name)
      ? (host.env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").filter(Boolean)
      : [""];
  for (const folder of searchPath.split(p.delimiter)) {
    if (!folder) {
      continue;
    }
    for (const extension of extensions) {
      const candidate = p.join(folder, name + extension.toLowerCase());
      if (await host.isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** Where an environment's installers put `layercheck`, most likely first. */
export function environmentCandidates(interpreter: Interpreter, platform: NodeJS.Platform): string[] {
  const p = paths(platform);
  const name = executableName(platform);
  const folder = p.dirname(interpreter.executable);
  const candidates = [p.join(folder, name)];
  if (platform === "win32") {
    // A base install keeps python.exe at its root and the scripts in Scripts\.
    candidates.push(p.join(folder, "Scripts", name));
    if (interpreter.sysPrefix) {
      candidates.push(p.join(interpreter.sysPrefix, "Scripts", name));
    }
  } else if (interpreter.sysPrefix) {
    candidates.push(p.join(interpreter.sysPrefix, "bin", name));
  }
  return [...new Set(candidates)];
}

export async function resolveExecutable(request: Request, host: Host): Promise<Resolution> {
  const log: string[] = [];
  const name = executableName(host.platform);

  if (request.paths.length > 0) {
    // Given by hand: used as given, and nothing else is tried (a typo is reported, not hidden).
    for (const entry of request.paths) {
      const found = isBareName(entry) ? await which(entry, host) : (await host.isExecutable(entry)) ? entry : undefined;
      if (found) {
        log.push(`layercheck.path: using ${found}`);
        return { command: found, source: "setting", log };
      }
      log.push(`layercheck.path: ${entry} ${isBareName(entry) ? "is not on the PATH" : "does not exist or cannot be run"}`);
    }
    return { log };
  }

  const interpreter = request.interpreter;
  if (interpreter) {
    for (const candidate of environmentCandidates(interpreter, host.platform)) {
      if (await host.isExecutable(candidate)) {
        log.push(`the selected Python environment (${interpreter.executable}) has ${candidate}`);
        return { command: candidate, source: "environment", log };
      }
    }
    // Other layouts (a user install, a distribution's scheme): ask the interpreter itself.
    const printed = await host.runPython(interpreter.executable, SCRIPTS_QUERY);
    const p = paths(host.platform);
    for (const folder of (printed ?? "").split(/\r?\n/).map((line) => line.trim())) {
      if (folder && (await host.isExecutable(p.join(folder, name)))) {
        const found = p.join(folder, name);
        log.push(`the selected Python environment (${interpreter.executable}) has ${found}`);
        return { command: found, source: "environment", log };
      }
    }
    log.push(`layercheck is not installed in the selected Python environment (${interpreter.executable})`);
  } else {
    log.push("no Python environment is selected (or the Python extension is not installed)");
  }

  const onPath = await which(name, host);
  if (onPath) {
    log.push(`using ${onPath} from the PATH`);
    return { command: onPath, source: "path", log };
  }
  log.push("layercheck is not on the PATH");
  return { log };
}

export interface Variables {
  workspaceFolder?: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

/** Substitute `${workspaceFolder}`, `${workspaceFolderBasename}`, `${userHome}`, `${env:NAME}`
 * and a leading `~` in a setting's value, as VS Code does in its own settings. */
export function substitute(value: string, variables: Variables): string {
  let result = value.replace(/\$\{(workspaceFolder|workspaceFolderBasename|userHome|env:([^}]+))\}/g, (match, name, envName) => {
    if (envName !== undefined) {
      return variables.env[envName] ?? "";
    }
    if (name === "userHome") {
      return variables.home;
    }
    if (variables.workspaceFolder === undefined) {
      return match; // no folder open: left as written (and reported as not found)
    }
    return name === "workspaceFolder" ? variables.workspaceFolder : path.basename(variables.workspaceFolder);
  });
  if (result === "~" || result.startsWith("~/") || result.startsWith("~\\")) {
    result = variables.home + result.slice(1);
  }
  return result;
}

/** The machine this runs on. */
export function nodeHost(): Host {
  return {
    platform: process.platform,
    env: process.env,
    async isExecutable(file: string): Promise<boolean> {
      try {
        const stat = await fs.stat(file);
        if (!stat.isFile()) {
          return false;
        }
        if (process.platform !== "win32") {
          await fs.access(file, constants.X_OK);
        }
        return true;
      } catch {
        return false;
      }
    },
    runPython(python: string, code: string): Promise<string | undefined> {
      return new Promise((resolve) => {
        execFile(python, ["-I", "-c", code], { timeout: 15_000, windowsHide: true }, (error, stdout) =>
          resolve(error ? undefined : stdout),
        );
      });
    },
  };
}

export function homeFolder(): string {
  return os.homedir();
}

// A hand-written stand-in for the `vscode` module, used in its place by the tests (VS Code
// itself cannot be installed where the tests run). It implements the part of the API that the
// extension, `@vscode/python-extension` and `vscode-languageclient` use (the latter for the
// end-to-end test, which runs the shipped bundle against a real `layercheck server`), and
// records what was done through it in `stub`, which the tests also drive (settings, open
// documents, the Python extension, the user's choices).

import * as path from "node:path";

type Listener<T> = (value: T) => unknown;

export class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }
  constructor(private readonly callOnDispose: () => unknown) {}
  dispose(): void {
    this.callOnDispose();
  }
}

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  /** Subscribe, as VS Code's events do: `thisArgs` is `this` in the listener, and the
   * subscription is pushed to `disposables` when given. */
  readonly event = (listener: Listener<T>, thisArgs?: unknown, disposables?: { dispose(): unknown }[]): Disposable => {
    const bound: Listener<T> = thisArgs === undefined ? listener : (value) => listener.call(thisArgs, value);
    this.listeners.add(bound);
    const subscription = new Disposable(() => this.listeners.delete(bound));
    disposables?.push(subscription);
    return subscription;
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      listener(value);
    }
  }
  get size(): number {
    return this.listeners.size;
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  static file(fsPath: string): Uri {
    return new Uri("file", path.resolve(fsPath));
  }
  static parse(value: string): Uri {
    return value.startsWith("file://") ? Uri.file(decodeURIComponent(value.slice("file://".length))) : new Uri("untitled", value);
  }
  get path(): string {
    return this.fsPath;
  }
  toString(): string {
    return this.scheme === "file" ? `file://${encodeURI(this.fsPath)}` : this.fsPath;
  }
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
  isEqual(other: Position): boolean {
    return this.line === other.line && this.character === other.character;
  }
  isBefore(other: Position): boolean {
    return this.line < other.line || (this.line === other.line && this.character < other.character);
  }
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(start: Position | number, end: Position | number, endLine?: number, endCharacter?: number) {
    if (typeof start === "number" && typeof end === "number") {
      this.start = new Position(start, end);
      this.end = new Position(endLine ?? start, endCharacter ?? end);
    } else {
      this.start = start as Position;
      this.end = end as Position;
    }
  }
  get isEmpty(): boolean {
    return this.start.isEqual(this.end);
  }
  get isSingleLine(): boolean {
    return this.start.line === this.end.line;
  }
}

export class Location {
  constructor(
    readonly uri: Uri,
    readonly range: Range | Position,
  ) {}
}

export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}

export enum DiagnosticTag {
  Unnecessary = 1,
  Deprecated = 2,
}

export class DiagnosticRelatedInformation {
  constructor(
    readonly location: Location,
    readonly message: string,
  ) {}
}

export class Diagnostic {
  code: string | number | { value: string | number; target: Uri } | undefined;
  source: string | undefined;
  tags: DiagnosticTag[] | undefined;
  relatedInformation: DiagnosticRelatedInformation[] | undefined;
  constructor(
    public range: Range,
    public message: string,
    public severity: DiagnosticSeverity = DiagnosticSeverity.Error,
  ) {}
}

export class CodeActionKind {
  static readonly Empty = new CodeActionKind("");
  static readonly QuickFix = CodeActionKind.Empty.append("quickfix");
  static readonly Refactor = CodeActionKind.Empty.append("refactor");
  static readonly RefactorExtract = CodeActionKind.Refactor.append("extract");
  static readonly RefactorInline = CodeActionKind.Refactor.append("inline");
  static readonly RefactorMove = CodeActionKind.Refactor.append("move");
  static readonly RefactorRewrite = CodeActionKind.Refactor.append("rewrite");
  static readonly Source = CodeActionKind.Empty.append("source");
  static readonly SourceOrganizeImports = CodeActionKind.Source.append("organizeImports");
  static readonly SourceFixAll = CodeActionKind.Source.append("fixAll");
  static readonly Notebook = CodeActionKind.Empty.append("notebook");
  private constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
  contains(other: CodeActionKind): boolean {
    return this.value === "" || other.value === this.value || other.value.startsWith(`${this.value}.`);
  }
  intersects(other: CodeActionKind): boolean {
    return this.contains(other) || other.contains(this);
  }
}

export enum CodeActionTriggerKind {
  Invoke = 1,
  Automatic = 2,
}

export class CodeAction {
  edit: WorkspaceEdit | undefined;
  diagnostics: Diagnostic[] | undefined;
  isPreferred: boolean | undefined;
  command: unknown;
  constructor(
    public title: string,
    public kind?: CodeActionKind,
  ) {}
}

export class TextEdit {
  static replace(range: Range, newText: string): TextEdit {
    return new TextEdit(range, newText);
  }
  static insert(position: Position, newText: string): TextEdit {
    return new TextEdit(new Range(position, position), newText);
  }
  static delete(range: Range): TextEdit {
    return new TextEdit(range, "");
  }
  constructor(
    public range: Range,
    public newText: string,
  ) {}
}

/** Text edits by document (file operations are not supported). */
export class WorkspaceEdit {
  private readonly edits = new Map<string, { uri: Uri; edits: TextEdit[] }>();
  get size(): number {
    return this.edits.size;
  }
  replace(uri: Uri, range: Range, newText: string): void {
    const key = uri.toString();
    const entry = this.edits.get(key) ?? { uri, edits: [] };
    entry.edits.push(new TextEdit(range, newText));
    this.edits.set(key, entry);
  }
  insert(uri: Uri, position: Position, newText: string): void {
    this.replace(uri, new Range(position, position), newText);
  }
  delete(uri: Uri, range: Range): void {
    this.replace(uri, range, "");
  }
  set(uri: Uri, edits: TextEdit[]): void {
    this.edits.set(uri.toString(), { uri, edits: [...edits] });
  }
  get(uri: Uri): TextEdit[] {
    return this.edits.get(uri.toString())?.edits ?? [];
  }
  entries(): [Uri, TextEdit[]][] {
    return [...this.edits.values()].map((entry) => [entry.uri, entry.edits]);
  }
  createFile(): void {
    throw new Error("the stub's WorkspaceEdit has no file operations");
  }
  renameFile(): void {
    throw new Error("the stub's WorkspaceEdit has no file operations");
  }
  deleteFile(): void {
    throw new Error("the stub's WorkspaceEdit has no file operations");
  }
}

export class MarkdownString {
  constructor(
    public value = "",
    public supportThemeIcons = false,
  ) {}
}

export class RelativePattern {
  constructor(
    readonly base: unknown,
    readonly pattern: string,
  ) {}
}

export enum TextDocumentSaveReason {
  Manual = 1,
  AfterDelay = 2,
  FocusOut = 3,
}

// Classes vscode-languageclient extends when it loads; the features that use them are not
// exercised (the server has no completion, code lens, links, hierarchies, symbols or hints).
export class CompletionItem {
  constructor(public label: unknown) {}
}
export class CodeLens {
  constructor(public range: Range) {}
}
export class DocumentLink {
  constructor(public range: Range) {}
}
export class CallHierarchyItem {}
export class TypeHierarchyItem {}
export class SymbolInformation {}
export class InlayHint {}
export class CancellationError extends Error {}

/** Offsets of a text's line starts. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === "\n") {
      starts.push(index + 1);
    }
  }
  return starts;
}

/** An open text document (UTF-16 columns, as VS Code's). */
export class TextDocument {
  version = 1;
  isClosed = false;
  readonly isUntitled = false;
  readonly eol = 1;
  constructor(
    readonly uri: Uri,
    readonly languageId: string,
    private text: string,
  ) {}
  get fileName(): string {
    return this.uri.fsPath;
  }
  get lineCount(): number {
    return lineStarts(this.text).length;
  }
  get isDirty(): boolean {
    return this.version > 1;
  }
  getText(range?: Range): string {
    return range ? this.text.slice(this.offsetAt(range.start), this.offsetAt(range.end)) : this.text;
  }
  offsetAt(position: Position): number {
    const starts = lineStarts(this.text);
    if (position.line >= starts.length) {
      return this.text.length;
    }
    const lineEnd = position.line + 1 < starts.length ? starts[position.line + 1] : this.text.length;
    return Math.min(starts[position.line] + position.character, lineEnd);
  }
  positionAt(offset: number): Position {
    const starts = lineStarts(this.text);
    let line = 0;
    while (line + 1 < starts.length && starts[line + 1] <= offset) {
      line += 1;
    }
    return new Position(line, offset - starts[line]);
  }
  /** Replace the text (what typing or an applied edit does); the change event to fire. */
  setText(text: string): { document: TextDocument; contentChanges: { range: Range; rangeOffset: number; rangeLength: number; text: string }[]; reason: undefined } {
    const range = new Range(new Position(0, 0), this.positionAt(this.text.length));
    const rangeLength = this.text.length;
    this.text = text;
    this.version += 1;
    return { document: this, contentChanges: [{ range, rangeOffset: 0, rangeLength, text }], reason: undefined };
  }
  /** Apply text edits given in this document's positions (all at once, as VS Code does). */
  applyEdits(edits: TextEdit[]): string {
    const sorted = [...edits].sort((a, b) => this.offsetAt(b.range.start) - this.offsetAt(a.range.start));
    let text = this.text;
    for (const edit of sorted) {
      text = text.slice(0, this.offsetAt(edit.range.start)) + edit.newText + text.slice(this.offsetAt(edit.range.end));
    }
    return text;
  }
}

export interface DocumentFilter {
  language?: string;
  scheme?: string;
  pattern?: unknown;
}

export interface CodeActionProvider {
  provideCodeActions(document: TextDocument, range: Range, context: unknown, token: unknown): Promise<(CodeAction | unknown)[] | undefined>;
  resolveCodeAction?(action: CodeAction, token: unknown): Promise<CodeAction | undefined>;
}

export class CancellationTokenSource {
  private readonly cancelled = new EventEmitter<void>();
  readonly token = {
    isCancellationRequested: false,
    onCancellationRequested: this.cancelled.event,
  };
  cancel(): void {
    this.token.isCancellationRequested = true;
    this.cancelled.fire();
  }
  dispose(): void {
    this.cancelled.dispose();
  }
}

export const CANCELLATION_TOKEN = {
  isCancellationRequested: false,
  onCancellationRequested: () => new Disposable(() => undefined),
};

export interface WorkspaceFolder {
  uri: Uri;
  name: string;
  index: number;
}

export interface StatusBarItem {
  id: string;
  alignment: StatusBarAlignment;
  priority: number | undefined;
  name: string | undefined;
  text: string;
  tooltip: string | undefined;
  command: string | undefined;
  backgroundColor: ThemeColor | undefined;
  visible: boolean;
  disposed: boolean;
  show(): void;
  hide(): void;
  dispose(): void;
}

export interface LogOutputChannel {
  name: string;
  logLevel: number;
  onDidChangeLogLevel: (listener: Listener<number>) => Disposable;
  lines: string[];
  shown: number;
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
  append(value: string): void;
  appendLine(value: string): void;
  replace(value: string): void;
  clear(): void;
  show(): void;
  hide(): void;
  dispose(): void;
}

export interface Message {
  severity: "error" | "warning" | "information";
  text: string;
  items: string[];
}

export interface FakePythonEnvironment {
  /** What `getActiveEnvironmentPath` returns. */
  path: string;
  /** The resolved interpreter (`executable.uri`), undefined when it cannot be resolved. */
  executable?: string;
  sysPrefix?: string;
}

/** What the tests set and read. */
class Stub {
  settings = new Map<string, unknown>();
  workspaceFolders: WorkspaceFolder[] | undefined;
  messages: Message[] = [];
  /** The button the user presses on the next notifications (undefined: dismissed). */
  choice: string | undefined;
  commands = new Map<string, (...args: unknown[]) => unknown>();
  executed: { command: string; args: unknown[] }[] = [];
  statusItems: StatusBarItem[] = [];
  outputChannels: LogOutputChannel[] = [];
  appliedEdits: unknown[] = [];
  applyEditResult = true;
  activeTextEditor: unknown;
  configurationChanged = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();
  documents: TextDocument[] = [];
  opened = new EventEmitter<TextDocument>();
  changed = new EventEmitter<unknown>();
  closed = new EventEmitter<TextDocument>();
  saved = new EventEmitter<TextDocument>();
  /** Diagnostic collections made (by name), each diagnostics by document URI. */
  diagnostics = new Map<string, Map<string, Diagnostic[]>>();
  codeActionProviders: { selector: DocumentFilter[]; provider: CodeActionProvider; metadata: unknown }[] = [];
  watchers: string[] = [];
  /** The Python extension: undefined when it is not installed. */
  python: { environment: FakePythonEnvironment | undefined; activations: number; changed: EventEmitter<unknown> } | undefined;

  reset(): void {
    this.settings.clear();
    this.workspaceFolders = undefined;
    this.messages = [];
    this.choice = undefined;
    this.commands.clear();
    this.executed = [];
    this.statusItems = [];
    this.outputChannels = [];
    this.appliedEdits = [];
    this.applyEditResult = true;
    this.activeTextEditor = undefined;
    this.configurationChanged = new EventEmitter();
    this.documents = [];
    this.opened = new EventEmitter();
    this.changed = new EventEmitter();
    this.closed = new EventEmitter();
    this.saved = new EventEmitter();
    this.diagnostics = new Map();
    this.codeActionProviders = [];
    this.watchers = [];
    this.python = undefined;
  }

  /** Open a file in an editor (its text from disk unless given). */
  openDocument(file: string, text: string, languageId = "python"): TextDocument {
    const document = new TextDocument(Uri.file(file), languageId, text);
    this.documents.push(document);
    this.opened.fire(document);
    return document;
  }

  /** Replace a document's text, as typing would. */
  changeDocument(document: TextDocument, text: string): void {
    this.changed.fire(document.setText(text));
  }

  /** The diagnostics VS Code shows for `uri`, from every collection. */
  diagnosticsOf(uri: Uri): Diagnostic[] {
    return [...this.diagnostics.values()].flatMap((collection) => collection.get(uri.toString()) ?? []);
  }

  /** Open a workspace made of one folder. */
  openFolder(folder: string): WorkspaceFolder {
    const workspaceFolder = { uri: Uri.file(folder), name: path.basename(folder), index: 0 };
    this.workspaceFolders = [workspaceFolder];
    return workspaceFolder;
  }

  /** Install the Python extension, with `environment` selected. */
  installPython(environment: FakePythonEnvironment | undefined): void {
    this.python = { environment, activations: 0, changed: new EventEmitter() };
  }

  /** The user selects another interpreter. */
  selectInterpreter(environment: FakePythonEnvironment | undefined): void {
    if (!this.python) {
      throw new Error("the Python extension is not installed");
    }
    this.python.environment = environment;
    this.python.changed.fire({ id: environment?.path ?? "", path: environment?.path ?? "", resource: undefined });
  }

  /** Change settings (`{"layercheck.path": [...]}`) and tell the listeners, as VS Code does. */
  configure(values: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) {
        this.settings.delete(key);
      } else {
        this.settings.set(key, value);
      }
    }
    const changed = Object.keys(values);
    this.configurationChanged.fire({
      affectsConfiguration: (section: string) =>
        changed.some((key) => key === section || key.startsWith(`${section}.`) || section.startsWith(`${key}.`)),
    });
  }

  get status(): StatusBarItem {
    const item = this.statusItems.at(-1);
    if (!item) {
      throw new Error("no status bar item was created");
    }
    return item;
  }

  get output(): LogOutputChannel {
    const channel = this.outputChannels.at(-1);
    if (!channel) {
      throw new Error("no output channel was created");
    }
    return channel;
  }

  errors(): Message[] {
    return this.messages.filter((message) => message.severity === "error");
  }
}

export const stub = new Stub();

function notify(severity: Message["severity"]) {
  return (text: string, ...rest: unknown[]): Promise<string | undefined> => {
    const items = rest.filter((item): item is string => typeof item === "string");
    stub.messages.push({ severity, text, items });
    return Promise.resolve(stub.choice !== undefined && items.includes(stub.choice) ? stub.choice : undefined);
  };
}

export const window = {
  createOutputChannel(name: string, options?: { log: true }): LogOutputChannel {
    if (!options?.log) {
      throw new Error("the stub only makes log output channels");
    }
    const lines: string[] = [];
    const channel: LogOutputChannel = {
      name,
      logLevel: 2, // Debug
      onDidChangeLogLevel: () => new Disposable(() => undefined),
      lines,
      shown: 0,
      trace: (message) => lines.push(`[trace] ${message}`),
      debug: (message) => lines.push(`[debug] ${message}`),
      info: (message) => lines.push(`[info] ${message}`),
      warn: (message) => lines.push(`[warning] ${message}`),
      error: (message) => lines.push(`[error] ${String(message)}`),
      append: (value) => lines.push(value),
      appendLine: (value) => lines.push(value),
      replace: (value) => lines.splice(0, lines.length, value),
      clear: () => lines.splice(0),
      show: () => {
        channel.shown += 1;
      },
      hide: () => undefined,
      dispose: () => undefined,
    };
    stub.outputChannels.push(channel);
    return channel;
  },
  createStatusBarItem(id: string, alignment: StatusBarAlignment, priority?: number): StatusBarItem {
    const item: StatusBarItem = {
      id,
      alignment,
      priority,
      name: undefined,
      text: "",
      tooltip: undefined,
      command: undefined,
      backgroundColor: undefined,
      visible: false,
      disposed: false,
      show: () => {
        item.visible = true;
      },
      hide: () => {
        item.visible = false;
      },
      dispose: () => {
        item.disposed = true;
        item.visible = false;
      },
    };
    stub.statusItems.push(item);
    return item;
  },
  showErrorMessage: notify("error"),
  showWarningMessage: notify("warning"),
  showInformationMessage: notify("information"),
  get activeTextEditor(): unknown {
    return stub.activeTextEditor;
  },
  visibleTextEditors: [] as unknown[],
  onDidChangeVisibleTextEditors: (): Disposable => new Disposable(() => undefined),
  onDidChangeActiveTextEditor: (): Disposable => new Disposable(() => undefined),
};

function event<T>(emitter: () => EventEmitter<T>) {
  return (listener: Listener<T>, thisArgs?: unknown, disposables?: { dispose(): unknown }[]): Disposable =>
    emitter().event(listener, thisArgs, disposables);
}

const noEvent = (): Disposable => new Disposable(() => undefined);

export const version = "1.82.0";

export const env = { appName: "vscode stub", language: "en", machineId: "stub", sessionId: "stub", uiKind: 1 };

export const languages = {
  match(selector: DocumentFilter | string | (DocumentFilter | string)[], document: TextDocument): number {
    const filters = Array.isArray(selector) ? selector : [selector];
    return filters.some((filter) =>
      typeof filter === "string"
        ? filter === document.languageId
        : (filter.language === undefined || filter.language === document.languageId) &&
          (filter.scheme === undefined || filter.scheme === document.uri.scheme) &&
          filter.pattern === undefined,
    )
      ? 10
      : 0;
  },
  createDiagnosticCollection(name = "") {
    const entries = new Map<string, Diagnostic[]>();
    stub.diagnostics.set(name, entries);
    return {
      name,
      set(uri: Uri | [Uri, Diagnostic[] | undefined][], diagnostics?: Diagnostic[]): void {
        const pairs: [Uri, Diagnostic[] | undefined][] = Array.isArray(uri) ? uri : [[uri, diagnostics]];
        for (const [key, value] of pairs) {
          entries.set(key.toString(), [...(value ?? [])]);
        }
      },
      get: (uri: Uri) => entries.get(uri.toString()),
      has: (uri: Uri) => entries.has(uri.toString()),
      delete: (uri: Uri) => entries.delete(uri.toString()),
      clear: () => entries.clear(),
      forEach: (callback: (uri: Uri, diagnostics: Diagnostic[]) => void) =>
        entries.forEach((value, key) => callback(Uri.parse(key), value)),
      dispose: () => stub.diagnostics.delete(name),
    };
  },
  registerCodeActionsProvider(selector: DocumentFilter[], provider: CodeActionProvider, metadata?: unknown): Disposable {
    const entry = { selector, provider, metadata };
    stub.codeActionProviders.push(entry);
    return new Disposable(() => stub.codeActionProviders.splice(stub.codeActionProviders.indexOf(entry), 1));
  },
};

export const workspace = {
  get workspaceFolders(): WorkspaceFolder[] | undefined {
    return stub.workspaceFolders;
  },
  get textDocuments(): TextDocument[] {
    return stub.documents;
  },
  getWorkspaceFolder(uri: Uri): WorkspaceFolder | undefined {
    return stub.workspaceFolders?.find((folder) => uri.fsPath.startsWith(folder.uri.fsPath));
  },
  onDidOpenTextDocument: event(() => stub.opened),
  onDidChangeTextDocument: event(() => stub.changed),
  onDidCloseTextDocument: event(() => stub.closed),
  onDidSaveTextDocument: event(() => stub.saved),
  onWillSaveTextDocument: noEvent,
  onDidCreateFiles: noEvent,
  onDidRenameFiles: noEvent,
  onDidDeleteFiles: noEvent,
  onWillCreateFiles: noEvent,
  onWillRenameFiles: noEvent,
  onWillDeleteFiles: noEvent,
  onDidChangeWorkspaceFolders: noEvent,
  createFileSystemWatcher(pattern: string | RelativePattern) {
    stub.watchers.push(typeof pattern === "string" ? pattern : pattern.pattern);
    return {
      onDidCreate: noEvent,
      onDidChange: noEvent,
      onDidDelete: noEvent,
      dispose: () => undefined,
    };
  },
  getConfiguration(section: string, scope?: Uri) {
    void scope;
    return {
      get<T>(key: string, defaultValue?: T): T | undefined {
        const full = `${section}.${key}`;
        return stub.settings.has(full) ? (stub.settings.get(full) as T) : defaultValue;
      },
      has(key: string): boolean {
        return stub.settings.has(`${section}.${key}`);
      },
    };
  },
  onDidChangeConfiguration(listener: Listener<{ affectsConfiguration(section: string): boolean }>): Disposable {
    return stub.configurationChanged.event(listener);
  },
  applyEdit(edit: unknown): Promise<boolean> {
    stub.appliedEdits.push(edit);
    return Promise.resolve(stub.applyEditResult);
  },
};

export const commands = {
  registerCommand(command: string, callback: (...args: unknown[]) => unknown): Disposable {
    if (stub.commands.has(command)) {
      throw new Error(`command '${command}' already exists`);
    }
    stub.commands.set(command, callback);
    return new Disposable(() => stub.commands.delete(command));
  },
  async executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    stub.executed.push({ command, args });
    const callback = stub.commands.get(command);
    return callback ? await callback(...args) : undefined;
  },
};

/** `extensions.getExtension("ms-python.python")`: what `@vscode/python-extension` reads. */
export const extensions = {
  getExtension(id: string) {
    const python = stub.python;
    if (id !== "ms-python.python" || python === undefined) {
      return undefined;
    }
    const exports = {
      environments: {
        getActiveEnvironmentPath(resource?: unknown) {
          void resource;
          const environment = python.environment;
          return environment ? { id: environment.path, path: environment.path } : { id: "", path: "" };
        },
        async resolveEnvironment(environment: { path: string } | string) {
          const wanted = typeof environment === "string" ? environment : environment.path;
          const current = python.environment;
          if (!current || current.path !== wanted) {
            return undefined;
          }
          return {
            id: current.path,
            path: current.path,
            executable: {
              uri: current.executable ? Uri.file(current.executable) : undefined,
              bitness: "64-bit",
              sysPrefix: current.sysPrefix ?? "",
            },
          };
        },
        onDidChangeActiveEnvironmentPath: python.changed.event,
      },
    };
    let isActive = false;
    return {
      id,
      get isActive() {
        return isActive;
      },
      exports,
      activate: async () => {
        python.activations += 1;
        isActive = true;
        return exports;
      },
    };
  },
};

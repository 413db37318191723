// A stand-in for `vscode-languageclient/node` in the tests: a LanguageClient that records how it
// was made and driven, starts no process, and answers requests from handlers the tests set.
// Its state changes follow the real client's (start: Starting then Running; stop of a client
// that is not running throws).

export enum State {
  Stopped = 1,
  Starting = 3,
  Running = 2,
}

export enum ErrorAction {
  Continue = 1,
  Shutdown = 2,
}

export enum CloseAction {
  DoNotRestart = 1,
  Restart = 2,
}

export enum RevealOutputChannelOn {
  Debug = 0,
  Info = 1,
  Warn = 2,
  Error = 3,
  Never = 4,
}

export enum CodeActionTriggerKind {
  Invoked = 1,
  Automatic = 2,
}

export const CodeActionRequest = { type: { method: "textDocument/codeAction" } };
export const CodeActionResolveRequest = { type: { method: "codeAction/resolve" } };

export interface Executable {
  command: string;
  args?: string[];
  options?: { cwd?: string; env?: Record<string, string | undefined> };
}
export type ServerOptions = Executable;

export interface CloseHandlerResult {
  action: CloseAction;
  message?: string;
  handled?: boolean;
}

export interface LanguageClientOptions {
  documentSelector?: { scheme?: string; language?: string }[];
  initializationOptions?: unknown;
  outputChannel?: unknown;
  traceOutputChannel?: unknown;
  revealOutputChannelOn?: RevealOutputChannelOn;
  initializationFailedHandler?: (error: unknown) => boolean;
  errorHandler?: {
    error(error: Error, message: unknown, count: number | undefined): { action: ErrorAction } | Promise<{ action: ErrorAction }>;
    closed(): CloseHandlerResult | Promise<CloseHandlerResult>;
  };
}

export interface CodeAction {
  title: string;
  kind?: string;
  edit?: unknown;
  data?: unknown;
}

type StateListener = (event: { oldState: State; newState: State }) => void;
type RequestHandler = (params: unknown) => unknown;

/** What the tests set for the clients made next. */
export const fake = {
  instances: [] as LanguageClient[],
  /** start() rejects with this error. */
  startError: undefined as Error | undefined,
  /** Answers to requests, by method. */
  handlers: new Map<string, RequestHandler>(),
  reset(): void {
    this.instances = [];
    this.startError = undefined;
    this.handlers = new Map();
  },
  get last(): LanguageClient {
    const client = this.instances.at(-1);
    if (!client) {
      throw new Error("no LanguageClient was made");
    }
    return client;
  },
};

export class LanguageClient {
  state: State = State.Stopped;
  starts = 0;
  stops = 0;
  disposed = false;
  initializeResult: { serverInfo?: { name: string; version?: string } } | undefined;
  requests: { method: string; params: unknown }[] = [];
  private listeners = new Set<StateListener>();

  readonly code2ProtocolConverter = { asUri: (uri: { toString(): string }) => uri.toString() };
  readonly protocol2CodeConverter = {
    asWorkspaceEdit: async (edit: unknown) => ({ converted: edit }),
  };

  constructor(
    readonly id: string,
    readonly name: string,
    readonly serverOptions: ServerOptions,
    readonly clientOptions: LanguageClientOptions,
  ) {
    fake.instances.push(this);
  }

  onDidChangeState(listener: StateListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private setState(newState: State): void {
    const oldState = this.state;
    this.state = newState;
    for (const listener of [...this.listeners]) {
      listener({ oldState, newState });
    }
  }

  async start(): Promise<void> {
    if (this.disposed) {
      throw new Error("Client got disposed and can't be restarted.");
    }
    this.starts += 1;
    this.setState(State.Starting);
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (fake.startError) {
      this.setState(State.Stopped);
      throw fake.startError;
    }
    this.initializeResult = { serverInfo: { name: "layercheck", version: "0.1.0" } };
    this.setState(State.Running);
  }

  async stop(): Promise<void> {
    if (this.state !== State.Running) {
      throw new Error(`Client is not running and can't be stopped. It's current state is: ${this.state}`);
    }
    this.stops += 1;
    this.initializeResult = undefined;
    this.setState(State.Stopped);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    return this.stop();
  }

  async sendRequest(type: { method: string }, params: unknown): Promise<unknown> {
    this.requests.push({ method: type.method, params });
    const handler = fake.handlers.get(type.method);
    if (!handler) {
      throw new Error(`no handler for ${type.method}`);
    }
    return handler(params);
  }

  /** The server process exits: what the client does is what the error handler says. */
  async crash(): Promise<CloseAction> {
    const handler = this.clientOptions.errorHandler;
    if (!handler) {
      throw new Error("the client has no error handler");
    }
    this.setState(State.Stopped);
    const result = await handler.closed();
    if (result.action === CloseAction.Restart) {
      this.setState(State.Starting);
      this.setState(State.Running);
    }
    return result.action;
  }
}

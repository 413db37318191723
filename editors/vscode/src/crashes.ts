// When the server process dies, the client may start it again: a few times, then it gives up
// (a server that dies at once, e.g. an old layercheck without `server`, must not loop).

export const MAX_CRASHES = 3;
export const CRASH_WINDOW_MS = 3 * 60 * 1000;

export class CrashPolicy {
  private times: number[] = [];

  constructor(
    private readonly limit = MAX_CRASHES,
    private readonly windowMs = CRASH_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The server closed: whether to start it again. */
  closed(): "restart" | "give-up" {
    const now = this.now();
    this.times = this.times.filter((time) => now - time < this.windowMs);
    this.times.push(now);
    return this.times.length >= this.limit ? "give-up" : "restart";
  }

  get crashes(): number {
    return this.times.length;
  }
}

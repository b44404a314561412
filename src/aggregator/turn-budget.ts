/** How long the aggregator handles messages before it lets timers, the HTTP API and the other sockets run. */
export const DEFAULT_INGEST_TURN_BUDGET_MS = 100;

/**
 * Bounds how long the ingest holds the event loop. MQTT.js handles the packets of every chunk libuv reads in one go
 * (a process.nextTick between packets, never a macrotask), and libuv reads a busy socket up to 32 times per poll: a
 * backlog of thousands of messages was handled in one event-loop turn of several hundred ms, during which no timer
 * (the alert tick, the flushes), HTTP request or alert stream ran. Passed each message's continuation (MQTT.js's
 * handleMessage callback, which sends the PUBACK and takes the next packet), it calls it at once until the turn has
 * lasted `budgetMs`, then on the next turn: MQTT.js stops taking chunks meanwhile, the socket's data waits in the
 * kernel, and the broker holds back (nothing is dropped: QoS 1 messages wait for their PUBACKs).
 */
export class IngestTurnBudget {
  private turnStartMs: number | null = null;
  private deferred = 0;
  private readonly endTurn = (): void => {
    this.turnStartMs = null;
  };

  constructor(
    private readonly budgetMs = DEFAULT_INGEST_TURN_BUDGET_MS,
    private readonly now: () => number = () => performance.now(),
    /** Runs before each continuation, in the turn it runs in (the aggregator holds the PUBACKs for one write). */
    private readonly beforeNext: () => void = () => undefined,
  ) {}

  /** Calls `next` now, or on the next turn once this one has used its budget. */
  pass(next: () => void): void {
    const nowMs = this.now();
    if (this.turnStartMs === null) {
      this.turnStartMs = nowMs;
      setImmediate(this.endTurn); // runs before a `next` deferred below, which then starts a fresh turn
    }
    if (nowMs - this.turnStartMs < this.budgetMs) {
      this.beforeNext();
      next();
      return;
    }
    this.deferred += 1;
    setImmediate(() => {
      this.beforeNext();
      next();
    });
  }

  /** Messages whose continuation waited for the next turn. */
  get deferrals(): number {
    return this.deferred;
  }
}

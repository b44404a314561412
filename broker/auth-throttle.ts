/**
 * Slows down password guessing per source address: the first `freeFailures` failures cost nothing extra; each
 * later one blocks the address for twice as long as the one before (from `baseBlockMs` up to `maxBlockMs`).
 * Failures are forgotten after `forgetAfterMs` without one. At most `maxAddresses` are remembered, the least
 * recently failing forgotten first, so an attacker with many addresses cannot exhaust memory. Time is passed in.
 */
export class AddressBackoff {
  private readonly entries = new Map<
    string,
    { failures: number; lastFailureMs: number; blockedUntilMs: number }
  >();

  constructor(
    private readonly options: {
      freeFailures: number;
      baseBlockMs: number;
      maxBlockMs: number;
      forgetAfterMs: number;
      maxAddresses: number;
    },
  ) {}

  /** ms until the address may try a password again; 0 when it may now. */
  blockedForMs(address: string, nowMs: number): number {
    const entry = this.entries.get(address);
    if (!entry) return 0;
    if (nowMs - entry.lastFailureMs > this.options.forgetAfterMs) {
      this.entries.delete(address);
      return 0;
    }
    return Math.max(0, entry.blockedUntilMs - nowMs);
  }

  recordFailure(address: string, nowMs: number): void {
    const { freeFailures, baseBlockMs, maxBlockMs, forgetAfterMs, maxAddresses } = this.options;
    const previous = this.entries.get(address);
    const fresh = !previous || nowMs - previous.lastFailureMs > forgetAfterMs;
    const failures = fresh ? 1 : previous.failures + 1;
    const over = failures - freeFailures;
    const blockMs = over > 0 ? Math.min(maxBlockMs, baseBlockMs * 2 ** Math.min(over - 1, 30)) : 0;
    this.entries.delete(address); // re-inserted last: Map order is least recently failing first
    this.entries.set(address, { failures, lastFailureMs: nowMs, blockedUntilMs: nowMs + blockMs });
    while (this.entries.size > maxAddresses) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

export class QueueFullError extends Error {}

/**
 * Runs at most `concurrency` tasks at once, taking waiting tasks round-robin by key (the source address), so
 * one address with fifty connections waiting gets one turn in each round like an address with one. A key
 * with `maxWaitingPerKey` tasks waiting has further ones refused at once (QueueFullError).
 */
export class FairLimiter {
  private running = 0;
  /** key → its waiting tasks' starters; Map order is the round-robin order. */
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(
    private readonly concurrency: number,
    private readonly maxWaitingPerKey: number,
  ) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency && this.waiting.size === 0) {
      this.running += 1;
    } else {
      const queue = this.waiting.get(key) ?? [];
      if (queue.length >= this.maxWaitingPerKey) throw new QueueFullError("too many attempts waiting");
      await new Promise<void>((resolve) => {
        queue.push(resolve);
        this.waiting.set(key, queue);
      });
    }
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.entries().next();
    if (next.done) {
      this.running -= 1;
      return;
    }
    const [key, queue] = next.value;
    const start = queue.shift() as () => void;
    this.waiting.delete(key);
    if (queue.length > 0) this.waiting.set(key, queue); // to the back of the round
    start(); // the slot passes straight to it: `running` is unchanged
  }
}

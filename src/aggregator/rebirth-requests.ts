export interface RebirthRetryOptions {
  /** Delay before the first repeat; it doubles per attempt up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_REBIRTH_RETRY: RebirthRetryOptions = { initialDelayMs: 2_000, maxDelayMs: 60_000 };

interface Pending {
  hallId: string;
  attempt: number;
  timer: NodeJS.Timeout;
}

/**
 * Rebirth requests that are repeated until answered. A request is a QoS 1 command to an agent with a clean
 * session: an agent that is not subscribed at that moment never gets it, so it is sent again with capped
 * exponential backoff and jitter until a birth arrives or the agent goes offline.
 */
export class RebirthRequests {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly send: (hallId: string, agentId: string, attempt: number) => void,
    private readonly options: RebirthRetryOptions = DEFAULT_REBIRTH_RETRY,
    private readonly random: () => number = Math.random,
  ) {}

  /** Starts an episode of requests for an agent; false (nothing sent) while one is already going on. */
  request(hallId: string, agentId: string): boolean {
    if (this.pending.has(agentId)) return false;
    this.send(hallId, agentId, 0);
    this.schedule(agentId, { hallId, attempt: 0, timer: undefined as unknown as NodeJS.Timeout });
    return true;
  }

  isPending(agentId: string): boolean {
    return this.pending.has(agentId);
  }

  /** The agent answered with a birth, or went offline: no more requests. */
  settle(agentId: string): void {
    const entry = this.pending.get(agentId);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(agentId);
  }

  stopAll(): void {
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
  }

  /** Delay before repeat number `attempt + 1`: doubling, capped, then scaled by a jitter of 50–100 %. */
  delayMs(attempt: number): number {
    const { initialDelayMs, maxDelayMs } = this.options;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt, 30));
    return Math.round(base * (0.5 + this.random() * 0.5));
  }

  private schedule(agentId: string, entry: Pending): void {
    entry.timer = setTimeout(() => {
      if (this.pending.get(agentId) !== entry) return;
      entry.attempt += 1;
      this.send(entry.hallId, agentId, entry.attempt);
      this.schedule(agentId, entry);
    }, this.delayMs(entry.attempt));
    entry.timer.unref();
    this.pending.set(agentId, entry);
  }
}

import type { AgentDirectory } from "./agent-directory.js";

/** Messages held at most while their agents are looked up; beyond, a message is refused (never taken unchecked). */
const DEFAULT_MAX_PARKED = 10_000;
const DEFAULT_RETRY_MS = 1000;

/**
 * Checks each message's agent against the AgentDirectory without holding the ingest path up. An agent the directory
 * knows is answered at once. A message from one it does not know is parked while its agent is looked up, and so is
 * every later message from that agent, so that they are released in arrival order once the answer is in (`release`
 * with the hall, or null: not provisioned or revoked). A lookup that fails is tried again after `retryMs`; its
 * messages stay parked meanwhile. Nothing is taken unchecked and nothing is dropped.
 */
export class AgentGate<M> {
  private readonly parked = new Map<string, M[]>();
  private parkedCount = 0;
  private readonly running = new Set<Promise<void>>();
  private readonly retries = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly directory: AgentDirectory,
    private readonly release: (hallId: string | null, message: M) => void,
    private readonly onLookupError: (err: unknown, agentId: string) => void,
    private readonly now: () => number,
    private readonly options: { maxParked?: number; retryMs?: number } = {},
  ) {}

  /**
   * The agent's hall when it is known now and none of its messages is parked; null when it is known not to be
   * provisioned; undefined when the message must be parked.
   */
  check(agentId: string, nowMs: number): string | null | undefined {
    return this.parked.has(agentId) ? undefined : this.directory.known(agentId, nowMs);
  }

  /** Holds a message behind its agent's lookup (started by the first one); false when the backlog is full. */
  park(agentId: string, message: M): boolean {
    if (this.parkedCount >= (this.options.maxParked ?? DEFAULT_MAX_PARKED)) return false;
    this.parkedCount += 1;
    const queue = this.parked.get(agentId);
    if (queue) {
      queue.push(message);
      return true;
    }
    this.parked.set(agentId, [message]);
    this.lookUp(agentId);
    return true;
  }

  /** Messages waiting for their agent's lookup. */
  get parkedMessages(): number {
    return this.parkedCount;
  }

  /** Whether a lookup failed and waits to be tried again: its messages are in memory only (and the ingest log). */
  get retrying(): boolean {
    return this.retries.size > 0;
  }

  /** Resolves once the lookups under way have answered and their messages are released (a failed one stays parked). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  /** No more retries; what is still parked stays unprocessed (it is in the ingest log when there is one). */
  stop(): void {
    this.stopped = true;
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
  }

  private lookUp(agentId: string): void {
    const run: Promise<void> = this.directory.lookUp(agentId, this.now()).then(
      (hallId) => {
        const queue = this.parked.get(agentId) ?? [];
        this.parked.delete(agentId);
        this.parkedCount -= queue.length;
        for (const message of queue) this.release(hallId, message);
      },
      (err: unknown) => {
        this.onLookupError(err, agentId);
        if (this.stopped) return;
        const retry = setTimeout(() => {
          this.retries.delete(retry);
          this.lookUp(agentId);
        }, this.options.retryMs ?? DEFAULT_RETRY_MS);
        this.retries.add(retry);
      },
    );
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }
}

import type { HallFence } from "../cluster/hall-fence.js";
import { hallOfTopic, topics } from "../contract/index.js";

export interface SharedHallsOptions {
  /** Decides inside each state write which halls this node still owns at its epoch (LeaseFence). */
  fence: HallFence;
  /**
   * How long after another node's "offline" (its will, or its stop) this node says the aggregator is online again.
   * Meanwhile agents keep their data (protocol §4.7 and §6), so nothing sent while the halls of the node that went
   * away had no owner is lost: they replay it once the halls are owned again. Default: a lease plus a heartbeat.
   */
  statusReassertMs?: number;
}

export const DEFAULT_STATUS_REASSERT_MS = 20_000;

/** What the aggregator does with an incoming message in shared mode. */
export type SharedRoute = "process" | "drop" | "status";

/**
 * The halls an aggregator sharing them with other nodes handles (docs/scale-out.md): it subscribes to each owned
 * hall's topics only, so every device's messages stay in order in one process, and drops what still arrives for a
 * hall it handed over. Also keeps the one retained aggregator status true for agents: every node's will says
 * "offline" on the same topic, so when another node goes away, this one says "online" again after a delay.
 */
export class SharedHalls {
  private readonly owned = new Set<string>();
  private reassertTimer: NodeJS.Timeout | null = null;
  readonly fence: HallFence;
  private readonly reassertMs: number;
  /** Messages of halls not owned here (in flight when the hall was handed over). */
  droppedMessages = 0;

  constructor(
    options: SharedHallsOptions,
    private readonly instanceId: string,
    private readonly reassert: () => void,
  ) {
    this.fence = options.fence;
    this.reassertMs = options.statusReassertMs ?? DEFAULT_STATUS_REASSERT_MS;
  }

  has(hallId: string): boolean {
    return this.owned.has(hallId);
  }

  add(hallId: string): boolean {
    if (this.owned.has(hallId)) return false;
    this.owned.add(hallId);
    return true;
  }

  delete(hallId: string): boolean {
    return this.owned.delete(hallId);
  }

  get halls(): ReadonlySet<string> {
    return this.owned;
  }

  /** Everything to subscribe to after a (re)connect. */
  subscriptions(): string[] {
    return [topics.aggregatorStatus(), ...[...this.owned].map((hallId) => topics.hallSubscription(hallId))];
  }

  route(topic: string): SharedRoute {
    const hallId = hallOfTopic(topic);
    if (hallId === "_system") return topic === topics.aggregatorStatus() ? "status" : "drop";
    if (hallId !== null && this.owned.has(hallId)) return "process";
    this.droppedMessages += 1;
    return "drop";
  }

  /** A retained aggregator status arrived: another node's "offline" is answered by "online" after the delay. */
  onStatus(payload: Buffer): void {
    let status: { state?: unknown; instanceId?: unknown };
    try {
      status = JSON.parse(payload.toString("utf8")) as typeof status;
    } catch {
      return;
    }
    if (status.instanceId === this.instanceId || status.state !== "offline" || this.reassertTimer) return;
    this.reassertTimer = setTimeout(() => {
      this.reassertTimer = null;
      this.reassert();
    }, this.reassertMs);
    this.reassertTimer.unref();
  }

  stop(): void {
    if (this.reassertTimer) clearTimeout(this.reassertTimer);
    this.reassertTimer = null;
  }
}

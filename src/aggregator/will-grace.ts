/** How long an agent's will waits before it counts (see WillGrace). */
export interface WillGraceOptions {
  /** A will that arrives live: dropped if the aggregator loses the broker within this time (default 2000). */
  liveWillMs?: number;
  /** An offline status that was retained (delivered at subscribe time): applied after this (default 30,000). */
  retainedOfflineMs?: number;
  /**
   * For this long after the aggregator reconnects, a live will is treated like a retained one (default 10,000):
   * a restarting broker publishes wills of sessions it restored or that reconnecting agents took over.
   */
  settleMs?: number;
}

interface Held {
  timer: NodeJS.Timeout;
  apply: () => void;
  retained: boolean;
}

/**
 * Keeps broker outages from marking devices offline. A broker that stops publishes the wills of every connected
 * agent (Mosquitto does, on SIGTERM) just before the aggregator loses it, and keeps them retained, so the
 * aggregator would see every agent die twice: at the stop and at its return. Neither says anything about the
 * agents. So a live will waits `liveWillMs` and is dropped if the broker goes away meanwhile; a retained offline
 * status waits `retainedOfflineMs`, time for the agent to reconnect. When the agent speaks again first (a status
 * or birth), a held live will is applied at once, before it (the agent did die and came back), and a retained
 * one is dropped (it died while the aggregator was not watching, and it is back). In the first seconds after the
 * aggregator reconnects, live wills count as retained ones.
 */
export class WillGrace {
  private readonly held = new Map<string, Held>();
  private connectedAtMs = Number.NEGATIVE_INFINITY;
  private connects = 0;

  constructor(
    private readonly options: WillGraceOptions = {},
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The aggregator connected to the broker. From the second time on, the broker may just have restarted; and when
   * the broker kept the aggregator's session (`sessionPresent`), it now delivers what it queued while no aggregator
   * was connected, wills from its own restart included, even to a process that has just started.
   */
  brokerConnected(sessionPresent = false): void {
    this.connects += 1;
    if (this.connects > 1 || sessionPresent) this.connectedAtMs = this.now();
  }

  /** Runs `apply` now, or holds it for an offline status as described above. */
  offline(agentId: string, retainedOrOld: boolean, reason: string | undefined, apply: () => void): void {
    const settling = this.now() - this.connectedAtMs < (this.options.settleMs ?? 10_000);
    const retained = retainedOrOld || (settling && reason === "will");
    const delayMs = retained
      ? (this.options.retainedOfflineMs ?? 30_000)
      : reason === "will"
        ? (this.options.liveWillMs ?? 2000)
        : 0;
    this.release(agentId);
    if (delayMs <= 0) {
      apply();
      return;
    }
    const timer = setTimeout(() => {
      this.held.delete(agentId);
      apply();
    }, delayMs);
    timer.unref();
    this.held.set(agentId, { timer, apply, retained });
  }

  /** The agent speaks again: a held live will is applied first, a held retained one is dropped. */
  release(agentId: string): void {
    const held = this.held.get(agentId);
    if (!held) return;
    this.held.delete(agentId);
    clearTimeout(held.timer);
    if (!held.retained) held.apply();
  }

  /** The broker is gone: the wills it just sent are its own shutdown, not the agents'. */
  brokerLost(): void {
    for (const held of this.held.values()) clearTimeout(held.timer);
    this.held.clear();
  }

  stop(): void {
    this.brokerLost();
  }
}

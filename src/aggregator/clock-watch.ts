import {
  type AgentClock,
  type ClockSkewPolicy,
  DEFAULT_CLOCK_SKEW_POLICY,
  judgeClock,
} from "../core/presence/clock-skew.js";

export interface ClockSkewChange {
  hallId: string;
  agentId: string;
  deviceId: string;
  /** Agent time minus receive time while the skew persists; null when the agent's clock is right again. */
  skewMs: number | null;
  atMs: number;
}

/**
 * Watches agents' clocks through their live data (see judgeClock): shows the skew on the device, counts skewed
 * messages, and says when a skew has persisted (for an alert) and when it is gone.
 */
export class ClockWatch {
  private readonly clocks = new Map<string, AgentClock & { alerted: boolean }>();
  skewedMessages = 0;

  constructor(
    private readonly onChange: (change: ClockSkewChange) => void,
    private readonly policy: ClockSkewPolicy = DEFAULT_CLOCK_SKEW_POLICY,
  ) {}

  /** Judges a live data message of a device: when its point happened, and the skew to show (see judgeClock). */
  observe(
    hallId: string,
    agentId: string,
    deviceId: string,
    tsMs: number,
    receivedMs: number,
  ): { pointTimeMs: number; skewMs: number | null } {
    let clock = this.clocks.get(agentId);
    if (!clock) {
      clock = { skewMs: null, beyondSinceMs: null, alerted: false };
      this.clocks.set(agentId, clock);
    }
    const verdict = judgeClock(clock, tsMs, receivedMs, this.policy);
    if (verdict.skewMs !== null) this.skewedMessages += 1;
    const change = { hallId, agentId, deviceId, atMs: receivedMs };
    if (verdict.persisting && !clock.alerted) {
      clock.alerted = true;
      this.onChange({ ...change, skewMs: verdict.skewMs });
    } else if (clock.alerted && clock.beyondSinceMs === null) {
      clock.alerted = false;
      this.onChange({ ...change, skewMs: null });
    }
    return { pointTimeMs: verdict.pointTimeMs, skewMs: verdict.skewMs };
  }
}

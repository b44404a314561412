import {
  type AgentClock,
  type ClockSkewPolicy,
  DEFAULT_CLOCK_SKEW_POLICY,
  judgeClock,
} from "../core/presence/clock-skew.js";
import type { DeviceState } from "../core/presence/types.js";

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

  /** Judges a live data message; returns when its point happened (see judgeClock). */
  observe(device: DeviceState, tsMs: number, receivedMs: number): number {
    let clock = this.clocks.get(device.agentId);
    if (!clock) {
      clock = { skewMs: null, beyondSinceMs: null, alerted: false };
      this.clocks.set(device.agentId, clock);
    }
    const verdict = judgeClock(clock, tsMs, receivedMs, this.policy);
    device.clockSkewMs = verdict.skewMs;
    if (verdict.skewMs !== null) this.skewedMessages += 1;
    const change = {
      hallId: device.hallId,
      agentId: device.agentId,
      deviceId: device.deviceId,
      atMs: receivedMs,
    };
    if (verdict.persisting && !clock.alerted) {
      clock.alerted = true;
      this.onChange({ ...change, skewMs: verdict.skewMs });
    } else if (clock.alerted && clock.beyondSinceMs === null) {
      clock.alerted = false;
      this.onChange({ ...change, skewMs: null });
    }
    return verdict.pointTimeMs;
  }
}

import { describe, expect, it } from "vitest";
import { type AgentClock, judgeClock } from "../../../src/core/presence/clock-skew.js";

const policy = { thresholdMs: 30_000, alertAfterMs: 300_000 };
const T = Date.UTC(2026, 10, 30, 12, 0);

describe("judgeClock", () => {
  it("defect 24: an agent clock ahead is skew at once; its point goes to the receive time", () => {
    const clock: AgentClock = { skewMs: null, beyondSinceMs: null };
    expect(judgeClock(clock, T + 3_600_000, T, policy)).toEqual({
      skewMs: 3_600_000,
      persisting: false,
      pointTimeMs: T,
    });
    expect(judgeClock(clock, T + 3_600_000 + 300_000, T + 300_000, policy).persisting).toBe(true);
    expect(judgeClock(clock, T + 301_000, T + 301_000, policy)).toEqual({
      skewMs: null,
      persisting: false,
      pointTimeMs: T + 301_000,
    });
  });

  it("a message behind the receive time is delay until it lasts, then skew", () => {
    const clock: AgentClock = { skewMs: null, beyondSinceMs: null };
    expect(judgeClock(clock, T - 90_000, T, policy)).toEqual({
      skewMs: null,
      persisting: false,
      pointTimeMs: T - 90_000,
    });
    expect(judgeClock(clock, T, T + 10_000, policy).skewMs).toBeNull(); // within the threshold: the run ends
    expect(clock.beyondSinceMs).toBeNull();
    judgeClock(clock, T - 3_600_000, T, policy);
    const later = judgeClock(clock, T + 300_000 - 3_600_000, T + 300_000, policy);
    expect(later).toEqual({ skewMs: -3_600_000, persisting: true, pointTimeMs: T + 300_000 });
  });
});

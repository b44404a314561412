import { describe, expect, it } from "vitest";
import { DeadlineWheel } from "../../../src/core/presence/deadline-wheel.js";
import { PresenceTracker } from "../../../src/core/presence/tracker.js";
import { kioskBirth as birth } from "../../helpers/kiosk-birth.js";

const DEVICES = 2_000;

describe("the silence check looks only at devices whose deadline has come", () => {
  it("a busy hall costs a look per device per timeout, not one per check; a device that stops is offline on time", () => {
    const t = new PresenceTracker(0);
    t.onBrokerConnected(0);
    const ids = Array.from({ length: DEVICES }, (_, i) => `k${i}`);
    t.onBirth("h", "a1", birth(ids), false, 0);
    let seq = 0;
    let stoppedAtMs: number | null = null;
    let offlineAtMs: number | null = null;
    // Two minutes as the aggregator runs them: every device reports every 10 s (k0 stops at 60 s), and the check
    // runs ten times a second with the aggregator's slice (a tenth of the devices, plus one).
    for (let nowMs = 0; nowMs <= 120_000; nowMs += 100) {
      for (let i = (nowMs / 100) % 100; i < DEVICES; i += 100) {
        if (i === 0 && nowMs >= 60_000) {
          stoppedAtMs ??= nowMs - 10_000; // its last report
          continue;
        }
        seq += 1;
        t.onData("h", "a1", `k${i}`, { session: 1, seq, tsMs: nowMs }, null, nowMs);
      }
      for (const effect of t.checkSilence(nowMs, Math.ceil(DEVICES / 10) + 1)) {
        if (effect.type === "device_connectivity" && effect.to === "offline") {
          expect(effect.device.deviceId).toBe("k0");
          offlineAtMs = nowMs;
        }
      }
    }
    // A pass over every device each second would be 120 × 2,000 looks; a look per device per 30 s timeout is
    // about 4 × 2,000.
    expect(t.silenceChecks).toBeLessThan(6 * DEVICES);
    expect(t.silenceChecks).toBeGreaterThanOrEqual(3 * DEVICES);
    // Offline once 30 s (three 10 s reports) have passed since its last report, within the check's 100 ms tick.
    expect(stoppedAtMs).toBe(50_000);
    expect(offlineAtMs).toBe(80_100);
    expect(ids.slice(1).every((id) => t.device("h", id)?.connectivity === "online")).toBe(true);
  });

  it("a device back from offline, one whose birth shortens its interval, and a released hall are rescheduled or dropped", () => {
    const t = new PresenceTracker(0);
    t.onBrokerConnected(0);
    t.onBirth("h", "a1", birth(["k1"]), false, 0);
    expect(t.checkSilence(30_001).length).toBe(1);
    t.onData("h", "a1", "k1", { session: 1, seq: 1, tsMs: 40_000 }, null, 40_000);
    expect(t.device("h", "k1")?.connectivity).toBe("online");
    expect(t.checkSilence(70_000)).toEqual([]);
    expect(t.checkSilence(70_001).map((e) => e.type)).toEqual(["device_connectivity"]);

    t.onData("h", "a1", "k1", { session: 1, seq: 2, tsMs: 80_000 }, null, 80_000);
    const slow = birth(["k1"]);
    (slow.devices[0] as { reportIntervalSec: number }).reportIntervalSec = 600; // due at 80 s + 1,800 s
    t.onBirth("h", "a1", { ...slow, session: 2 }, false, 80_000);
    const fast = birth(["k1"]);
    t.onBirth("h", "a1", { ...fast, session: 3 }, false, 81_000); // back to 10 s: due at 111 s
    expect(t.checkSilence(111_001).length).toBe(1);

    t.onData("h", "a1", "k1", { session: 3, seq: 1, tsMs: 120_000 }, null, 120_000);
    t.releaseHall("h");
    expect(t.checkSilence(1_000_000)).toEqual([]);
  });
});

describe("DeadlineWheel", () => {
  it("hands out what is due, earliest second first, at most max a call, and each item once however often scheduled", () => {
    const wheel = new DeadlineWheel<{ id: string }>();
    const [a, b, c] = [{ id: "a" }, { id: "b" }, { id: "c" }];
    wheel.schedule(a, 5_500);
    wheel.schedule(b, 2_200);
    wheel.schedule(c, 9_000);
    wheel.schedule(a, 3_100); // moved earlier
    wheel.schedule(a, 3_900); // same second: one entry
    expect(wheel.takeDue(1_999)).toEqual([]);
    expect(wheel.takeDue(4_000, 1)).toEqual([b]);
    expect(wheel.takeDue(4_000)).toEqual([a]);
    expect(wheel.takeDue(8_999)).toEqual([]);
    wheel.scheduleNoLaterThan(c, 20_000); // later: ignored
    wheel.scheduleNoLaterThan(b, 1_000); // in the past: due at once
    expect(wheel.takeDue(9_000)).toEqual([b, c]);
    expect(wheel.size).toBe(0);
    wheel.schedule(a, 100_000_000); // far ahead, then a clock jump past it
    wheel.forget(a);
    wheel.schedule(b, 50_000_000);
    expect(wheel.takeDue(200_000_000)).toEqual([b]);
  });
});

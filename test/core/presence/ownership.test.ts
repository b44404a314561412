import { describe, expect, it } from "vitest";
import type { Birth, BirthDevice } from "../../../src/contract/index.js";
import { PresenceTracker } from "../../../src/core/presence/tracker.js";

const kiosk = (id: string, reportIntervalSec = 10): BirthDevice => ({
  id,
  kind: "kiosk",
  model: "K",
  zone: "z",
  reportIntervalSec,
});
const birth = (agentId: string, devices: BirthDevice[], session = 1): Birth => ({
  v: 1,
  session,
  seq: 0,
  tsMs: 0,
  agent: { id: agentId, version: "1" },
  devices,
});

function started(nowMs = 0) {
  const t = new PresenceTracker(nowMs);
  t.onBrokerConnected(nowMs);
  return t;
}

describe("PresenceTracker: ownership, silence baseline, rejected data", () => {
  it("defect 6: keeps a device with the agent that first announced it, and reports the claim", () => {
    const t = started();
    t.onBirth("h", "a1", birth("a1", [kiosk("k1")]), false, 10);
    const effects = t.onBirth("h", "x", birth("x", [kiosk("k1"), kiosk("x1")]), false, 20);
    expect(effects.find((e) => e.type === "device_conflict")).toEqual({
      type: "device_conflict",
      hallId: "h",
      deviceId: "k1",
      ownerAgentId: "a1",
      claimantAgentId: "x",
    });
    expect(t.device("h", "k1")?.agentId).toBe("a1");
    expect(t.agent("x")?.deviceIds).toEqual(["x1"]);
    const data = t.onData("h", "x", "k1", { session: 1, seq: 1, tsMs: 30 }, null, 30);
    expect(data).toMatchObject({ ok: false, reason: "device_conflict" });
    expect(data.effects.some((e) => e.type === "request_rebirth")).toBe(false);
  });

  it("defect 6: an admin's move hands the device over; the former owner is then the one refused", () => {
    const t = started();
    t.onBirth("h", "a1", birth("a1", [kiosk("k1"), kiosk("k2")]), false, 10);
    t.onBirth("h", "x", birth("x", []), false, 10);
    expect(t.moveDevice("h", "k1", "x", 50)?.agentId).toBe("x");
    expect(t.agent("a1")?.deviceIds).toEqual(["k2"]);
    expect(t.agent("x")?.deviceIds).toEqual(["k1"]);
    expect(
      t.onBirth("h", "x", birth("x", [kiosk("k1")], 2), false, 60).some((e) => e.type === "device_conflict"),
    ).toBe(false);
    expect(t.onData("h", "a1", "k1", { session: 1, seq: 1, tsMs: 70 }, null, 70)).toMatchObject({
      ok: false,
      reason: "device_conflict",
    });
    expect(t.moveDevice("h", "nope", "x", 80)).toBeNull();
  });

  it("defect 3: silence counts from the birth, with the device's own timeout, not from the broker connection", () => {
    const t = started(0);
    const hourMs = 3_600_000;
    t.onBirth(
      "h",
      "a1",
      birth("a1", [kiosk("k1", 60), { ...kiosk("e1", 900), kind: "extinguisher" }]),
      false,
      hourMs,
    );
    expect(t.checkSilence(hourMs + 1000)).toHaveLength(0);
    expect(t.checkSilence(hourMs + 180_000)).toHaveLength(0);
    const kioskSilent = t.checkSilence(hourMs + 180_001);
    expect(kioskSilent.map((e) => (e.type === "device_connectivity" ? e.device.deviceId : null))).toEqual([
      "k1",
    ]);
    expect(t.checkSilence(hourMs + 2_700_000)).toHaveLength(0);
    expect(t.checkSilence(hourMs + 2_700_001)).toHaveLength(1);
  });

  it("defect 8: a rejected message is neither a duplicate nor a gap; the next in sequence still moves the baseline", () => {
    const t = started();
    t.onBirth("h", "a1", birth("a1", [kiosk("k1")]), false, 10);
    t.onData("h", "a1", "k1", { session: 1, seq: 1, tsMs: 1 }, null, 11);
    t.onData("h", "a1", "k1", { session: 1, seq: 1, tsMs: 1 }, null, 12, true); // rejected, repeated seq
    t.onData("h", "a1", "nope", { session: 1, seq: 1, tsMs: 1 }, null, 13); // unknown device, repeated seq
    t.onData("h", "a1", "k1", { session: 1, seq: 2, tsMs: 2 }, null, 14, true); // rejected, next in sequence
    t.onData("h", "a1", "k1", { session: 1, seq: 3, tsMs: 3 }, null, 15);
    expect(t.agent("a1")).toMatchObject({ duplicateMessages: 0, lostMessages: 0, lastSeq: 3 });
  });
});

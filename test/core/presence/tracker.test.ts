import { describe, expect, it } from "vitest";
import type { Birth, BirthDevice } from "../../../src/contract/index.js";
import { DEFAULT_SILENCE_POLICY, silenceTimeoutMs } from "../../../src/core/presence/silence.js";
import { PresenceTracker } from "../../../src/core/presence/tracker.js";

const kiosk = (id: string, reportIntervalSec = 10): BirthDevice => ({
  id,
  kind: "kiosk",
  model: "K",
  zone: "z",
  reportIntervalSec,
});
const birth = (session: number, devices: BirthDevice[]): Birth => ({
  v: 1,
  session,
  seq: 0,
  tsMs: 0,
  agent: { id: "a1", version: "1" },
  devices,
});
const data = (session: number, seq: number, historical = false) => ({ session, seq, tsMs: seq, historical });

function started(nowMs = 0) {
  const t = new PresenceTracker(nowMs);
  t.onBrokerConnected(nowMs);
  return t;
}

describe("PresenceTracker", () => {
  it("brings an agent's devices online with its birth and offline with its will", () => {
    const t = started();
    t.onBirth("h", "a1", birth(1, [kiosk("k1"), kiosk("k2")]), false, 10);
    expect(t.device("h", "k1")?.connectivity).toBe("online");
    const effects = t.onAgentStatus(
      "h",
      "a1",
      { v: 1, state: "offline", session: 1, tsMs: 0, reason: "will" },
      20,
    );
    expect(effects.filter((e) => e.type === "device_connectivity")).toHaveLength(2);
    expect(t.device("h", "k2")).toMatchObject({
      connectivity: "offline",
      connectivityReason: "agent_offline",
    });
  });

  it("ignores a status of an older session", () => {
    const t = started();
    t.onBirth("h", "a1", birth(3, [kiosk("k1")]), false, 10);
    expect(t.onAgentStatus("h", "a1", { v: 1, state: "offline", session: 2, tsMs: 0 }, 20)).toHaveLength(0);
    expect(t.device("h", "k1")?.connectivity).toBe("online");
  });

  it("keeps devices offline when a retained birth arrives after its own session's will", () => {
    const t = started();
    t.onAgentStatus("h", "a1", { v: 1, state: "offline", session: 4, tsMs: 0, reason: "will" }, 5);
    t.onBirth("h", "a1", birth(4, [kiosk("k1")]), true, 6);
    expect(t.device("h", "k1")?.connectivity).not.toBe("online");
  });

  it("counts gaps, tolerates duplicates, and takes no baseline from a retained birth", () => {
    const t = started();
    t.onBirth("h", "a1", birth(1, [kiosk("k1")]), true, 0);
    t.onData("h", "a1", "k1", data(1, 500), null, 1); // baseline, not a gap
    t.onData("h", "a1", "k1", data(1, 501), null, 2);
    t.onData("h", "a1", "k1", data(1, 501), null, 3); // duplicate
    const gap = t.onData("h", "a1", "k1", data(1, 505), null, 4);
    expect(gap.effects.map((e) => e.type)).toEqual(["sequence_gap", "request_rebirth"]);
    expect(t.agent("a1")).toMatchObject({ lostMessages: 3, duplicateMessages: 1, lastSeq: 505 });
  });

  it("asks for a rebirth when data comes from a session whose birth it missed", () => {
    const t = started();
    t.onBirth("h", "a1", birth(1, [kiosk("k1")]), false, 0);
    const result = t.onData("h", "a1", "k1", data(2, 7), null, 1);
    expect(result.effects.some((e) => e.type === "request_rebirth")).toBe(true);
    expect(t.agent("a1")?.session).toBe(2);
  });

  it("rejects data for a device the birth did not list", () => {
    const t = started();
    t.onBirth("h", "a1", birth(1, [kiosk("k1")]), false, 0);
    expect(t.onData("h", "a1", "zz", data(1, 1), null, 1).ok).toBe(false);
  });

  it("marks a silent device offline only after its timeout", () => {
    const t = started(0);
    t.onBirth("h", "a1", birth(1, [kiosk("k1", 10)]), false, 0);
    t.onData("h", "a1", "k1", data(1, 1), null, 1000);
    const timeoutMs = silenceTimeoutMs("kiosk", 10, DEFAULT_SILENCE_POLICY);
    expect(timeoutMs).toBe(30_000);
    expect(t.checkSilence(1000 + timeoutMs)).toHaveLength(0);
    const effects = t.checkSilence(1001 + timeoutMs);
    expect(effects).toHaveLength(1);
    expect(t.device("h", "k1")).toMatchObject({ connectivity: "offline", connectivityReason: "silence" });
  });

  it("gives battery sensors a long silence timeout", () => {
    expect(silenceTimeoutMs("extinguisher", 900, DEFAULT_SILENCE_POLICY)).toBe(2_700_000);
  });

  it("historical data updates values but not liveness, and never older values over newer", () => {
    const t = started(0);
    t.onBirth("h", "a1", birth(1, [kiosk("k1")]), false, 0);
    const v = (paperPct: number) => ({
      appOk: true,
      printerState: "ok" as const,
      paperPct,
      cpuPct: 1,
      memPct: 1,
      diskPct: 1,
    });
    t.onData("h", "a1", "k1", { session: 1, seq: 1, tsMs: 100 }, v(50), 100);
    t.onData("h", "a1", "k1", { session: 1, seq: 2, tsMs: 50, historical: true }, v(10), 200);
    expect(t.device("h", "k1")).toMatchObject({ lastSeenMs: 100, values: { paperPct: 50 } });
  });

  it("turns everything unknown when the broker is lost, and restarts silence timers when it returns", () => {
    const t = started(0);
    t.onBirth("h", "a1", birth(1, [kiosk("k1", 10)]), false, 0);
    t.onBrokerLost(5_000);
    expect(t.device("h", "k1")?.connectivity).toBe("unknown");
    expect(t.checkSilence(100_000)).toHaveLength(0); // no verdicts while blind
    t.onBrokerConnected(100_000);
    expect(t.checkSilence(120_000)).toHaveLength(0);
    expect(t.checkSilence(130_001)).toHaveLength(1);
  });

  it("retires devices dropped from a later birth", () => {
    const t = started(0);
    t.onBirth("h", "a1", birth(1, [kiosk("k1"), kiosk("k2")]), false, 0);
    const effects = t.onBirth("h", "a1", birth(2, [kiosk("k1")]), false, 10);
    expect(effects.some((e) => e.type === "device_retired")).toBe(true);
    expect(t.device("h", "k2")?.retired).toBe(true);
    expect(
      t.checkSilence(10_000_000).some((e) => e.type === "device_connectivity" && e.device.deviceId === "k2"),
    ).toBe(false);
  });
});

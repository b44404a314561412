import { describe, expect, it } from "vitest";
import type { Birth, BirthDevice } from "../../../src/contract/index.js";
import { DEFAULT_SILENCE_POLICY, silenceTimeoutMs } from "../../../src/core/presence/silence.js";
import { PresenceTracker } from "../../../src/core/presence/tracker.js";
import type { AgentState, DeviceState } from "../../../src/core/presence/types.js";

/**
 * A node takes a hall over from one that died or handed it over (docs/scale-out.md): it starts from the stored
 * state, knows nothing of the seconds nobody listened, and must neither mark a device offline nor forget one.
 */
const kiosk = (id: string): BirthDevice => ({
  id,
  kind: "kiosk",
  model: "K",
  zone: "z",
  reportIntervalSec: 10,
});
const birth = (agentId: string, devices: BirthDevice[]): Birth => ({
  v: 1,
  session: 7,
  seq: 0,
  tsMs: 0,
  agent: { id: agentId, version: "1" },
  devices,
});

/** The state the previous owner stored: what a node reads from the database when it acquires the hall. */
function storedHall(hallId: string, atMs: number): { agents: AgentState[]; devices: DeviceState[] } {
  const previous = new PresenceTracker(0);
  previous.onBrokerConnected(0);
  previous.onBirth(hallId, "a1", birth("a1", [kiosk("k1"), kiosk("k2"), kiosk("k3")]), false, atMs);
  previous.onAgentStatus(hallId, "a1", { v: 1, state: "online", session: 7, tsMs: 0 }, atMs);
  previous.retireDevice(hallId, "k3", atMs);
  return {
    agents: [...previous.allAgents()].map((a) => ({ ...a })),
    devices: [...previous.allDevices()].map((d) => ({ ...d })),
  };
}

describe("taking a hall over", () => {
  it("adopts the stored agents and devices with connectivity unknown, never offline, and retired ones as they are", () => {
    const tracker = new PresenceTracker(0);
    tracker.onBrokerConnected(0);
    const stored = storedHall("h1", 1_000);
    const effects = tracker.adoptHall("h1", stored.agents, stored.devices, 50_000);
    expect(tracker.device("h1", "k1")).toMatchObject({
      connectivity: "unknown",
      connectivityReason: "takeover",
    });
    expect(tracker.device("h1", "k2")?.connectivity).toBe("unknown");
    expect(tracker.device("h1", "k3")).toMatchObject({ retired: true });
    expect(tracker.agent("a1")).toMatchObject({ connectivity: "unknown", lastSeq: null });
    const deviceChanges = effects.filter((e) => e.type === "device_connectivity");
    expect(deviceChanges.map((e) => (e.type === "device_connectivity" ? e.to : null))).toEqual([
      "unknown",
      "unknown",
    ]);
    expect(effects.some((e) => e.type === "device_connectivity" && e.to === "offline")).toBe(false);
  });

  it("measures silence from the takeover, so the seconds nobody listened mark nothing offline", () => {
    const tracker = new PresenceTracker(0);
    tracker.onBrokerConnected(0);
    const stored = storedHall("h1", 1_000);
    const takeoverMs = 1_000 + 10 * silenceTimeoutMs("kiosk", 10, DEFAULT_SILENCE_POLICY);
    tracker.adoptHall("h1", stored.agents, stored.devices, takeoverMs);
    const timeout = silenceTimeoutMs("kiosk", 10, DEFAULT_SILENCE_POLICY);
    expect(tracker.checkSilence(takeoverMs + timeout - 1)).toHaveLength(0);
    const later = tracker.checkSilence(takeoverMs + timeout + 1);
    expect(later.filter((e) => e.type === "device_connectivity" && e.to === "offline")).toHaveLength(2);
  });

  it("forgets a hall handed over, leaving the others, and can adopt it again", () => {
    const tracker = new PresenceTracker(0);
    tracker.onBrokerConnected(0);
    tracker.onBirth("h2", "b1", birth("b1", [kiosk("k9")]), false, 10);
    const stored = storedHall("h1", 1_000);
    tracker.adoptHall("h1", stored.agents, stored.devices, 2_000);
    const released = tracker.releaseHall("h1");
    expect(released).toEqual({ agents: 1, devices: 3 });
    expect(tracker.device("h1", "k1")).toBeUndefined();
    expect(tracker.agent("a1")).toBeUndefined();
    expect(tracker.device("h2", "k9")?.connectivity).toBe("online");
    expect(tracker.deviceCount).toBe(1);
    tracker.adoptHall("h1", stored.agents, stored.devices, 3_000);
    expect(tracker.deviceCount).toBe(4);
  });

  it("does not let a stored agent of another hall in (the store's rows are checked, not trusted)", () => {
    const tracker = new PresenceTracker(0);
    const stored = storedHall("h1", 1_000);
    expect(() => tracker.adoptHall("h2", stored.agents, stored.devices, 2_000)).toThrow(/h1.*h2|h2.*h1/);
  });
});

import { describe, expect, it } from "vitest";
import type { DeviceKind } from "../../../src/contract/index.js";
import { type HallDeviceInput, hallConnectivity } from "../../../src/core/faults/connectivity.js";
import type { Connectivity } from "../../../src/core/presence/types.js";

const device = (
  deviceId: string,
  agentId: string,
  kind: DeviceKind,
  connectivity: Connectivity = "online",
): HallDeviceInput => ({
  deviceId,
  agentId,
  kind,
  connectivity,
  reason: connectivity === "offline" ? "agent_offline" : null,
  watched: true,
});

describe("hall connectivity faults", () => {
  it("folds an agent's 10 dead devices into exactly one agent alert", () => {
    const devices = [
      device("gw", "gw-agent", "gateway"),
      ...Array.from({ length: 10 }, (_, i) => device(`ext-${i}`, "sensor-agent", "extinguisher", "offline")),
    ];
    const verdict = hallConnectivity({
      hallId: "h",
      devices,
      agentConnectivity: new Map([
        ["gw-agent", "online"],
        ["sensor-agent", "offline"],
      ]),
      uplinkDown: false,
    });
    expect(verdict.conditions).toHaveLength(1);
    expect(verdict.conditions[0]).toMatchObject({ faultType: "agent_offline", agentId: "sensor-agent" });
    expect(verdict.conditions[0]?.affected).toHaveLength(10);
  });

  it("raises a plain device-offline fault when the device is silent but its agent lives", () => {
    const verdict = hallConnectivity({
      hallId: "h",
      devices: [
        device("gw", "g", "gateway"),
        { ...device("k1", "a1", "kiosk", "offline"), reason: "silence" },
      ],
      agentConnectivity: new Map([["a1", "online"]]),
      uplinkDown: false,
    });
    expect(verdict.conditions.map((c) => [c.faultType, c.deviceId])).toEqual([["offline", "k1"]]);
  });

  it("shows only the gateway when the hall gateway is down, with the hall's offline devices under it", () => {
    const verdict = hallConnectivity({
      hallId: "h",
      devices: [
        device("gw", "g", "gateway", "offline"),
        device("k1", "a1", "kiosk", "offline"),
        device("k2", "a2", "kiosk", "offline"),
      ],
      agentConnectivity: new Map([
        ["g", "offline"],
        ["a1", "offline"],
        ["a2", "offline"],
      ]),
      uplinkDown: false,
    });
    expect(verdict.conditions).toEqual([
      expect.objectContaining({ faultType: "gateway_down", deviceId: "gw", affected: ["k1", "k2"] }),
    ]);
  });

  it("attaches offline devices to the uplink alert while the gateway reports its uplink down", () => {
    const verdict = hallConnectivity({
      hallId: "h",
      devices: [device("gw", "g", "gateway"), device("k1", "a1", "kiosk", "offline")],
      agentConnectivity: new Map([["a1", "offline"]]),
      uplinkDown: true,
    });
    expect(verdict.conditions).toEqual([]);
    expect(verdict.attachToUplinkAlert).toEqual({ deviceId: "gw", affected: ["k1"] });
  });

  it("raises nothing for unknown connectivity, and nothing for devices not expected up", () => {
    const verdict = hallConnectivity({
      hallId: "h",
      devices: [
        device("k1", "a1", "kiosk", "unknown"),
        { ...device("tv1", "a2", "tv", "offline"), watched: false },
      ],
      agentConnectivity: new Map([["a2", "offline"]]),
      uplinkDown: false,
    });
    expect(verdict.conditions).toEqual([]);
    expect(verdict.unknownDevices).toEqual(new Set(["k1"]));
  });

  it("names a device that was already down when the hall opened 'not ready', one per device", () => {
    const verdict = hallConnectivity({
      hallId: "h",
      devices: [
        device("gw", "g", "gateway"),
        { ...device("tv-1", "t1", "tv", "offline"), notReadyAtOpening: true },
      ],
      agentConnectivity: new Map([["t1", "offline"]]),
      uplinkDown: false,
    });
    expect(verdict.conditions.map((c) => [c.faultType, c.deviceId])).toEqual([["not_ready", "tv-1"]]);
  });

  it("keeps a device's own offline condition (suppressed, linked to the gateway) while the gateway is down", () => {
    const verdict = hallConnectivity({
      hallId: "h",
      devices: [
        device("gw", "g", "gateway", "offline"),
        { ...device("k1", "a1", "kiosk", "offline"), reason: "silence" },
        device("k2", "a2", "kiosk", "offline"),
        device("k3", "a2", "kiosk", "offline"),
      ],
      agentConnectivity: new Map([
        ["g", "offline"],
        ["a1", "online"],
        ["a2", "offline"],
      ]),
      uplinkDown: false,
    });
    expect(verdict.conditions.map((c) => c.key)).toEqual(["h/gateway_down"]);
    expect(verdict.conditions[0]?.affected).toEqual(["k1", "k2", "k3"]);
    // An already-open k1 offline alert (or a2 agent alert) must not be resolved as "back online".
    expect(verdict.suppressed.map((c) => [c.key, c.causeKey]).sort()).toEqual([
      ["h/agent/a2/agent_offline", "h/gateway_down"],
      ["h/device/k1/offline", "h/gateway_down"],
      ["h/device/k2/offline", "h/gateway_down"],
      ["h/device/k3/offline", "h/gateway_down"],
    ]);
  });

  it("links offline devices to the uplink alert while the uplink is down", () => {
    const verdict = hallConnectivity({
      hallId: "h",
      devices: [
        device("gw", "g", "gateway"),
        { ...device("k1", "a1", "kiosk", "offline"), reason: "silence" },
      ],
      agentConnectivity: new Map([["a1", "online"]]),
      uplinkDown: true,
    });
    expect(verdict.conditions).toEqual([]);
    expect(verdict.suppressed).toEqual([
      expect.objectContaining({ key: "h/device/k1/offline", causeKey: "h/device/gw/uplink_down" }),
    ]);
  });

  it("links the devices of a dead agent to the agent alert, and suppresses nothing when all is well", () => {
    const devices = [device("gw", "g", "gateway"), device("k1", "a1", "kiosk", "offline")];
    const dead = hallConnectivity({
      hallId: "h",
      devices,
      agentConnectivity: new Map([["a1", "offline"]]),
      uplinkDown: false,
    });
    expect(dead.suppressed).toEqual([
      expect.objectContaining({ key: "h/device/k1/offline", causeKey: "h/agent/a1/agent_offline" }),
    ]);
    const alive = hallConnectivity({
      hallId: "h",
      devices: [
        device("gw", "g", "gateway"),
        { ...device("k1", "a1", "kiosk", "offline"), reason: "silence" },
      ],
      agentConnectivity: new Map([["a1", "online"]]),
      uplinkDown: false,
    });
    expect(alive.suppressed).toEqual([]);
  });

  it("does not let a device of unknown connectivity appear under any cause", () => {
    const verdict = hallConnectivity({
      hallId: "h",
      devices: [device("gw", "g", "gateway", "offline"), device("k1", "a1", "kiosk", "unknown")],
      agentConnectivity: new Map([["a1", "unknown"]]),
      uplinkDown: false,
    });
    expect(verdict.conditions).toEqual([expect.objectContaining({ key: "h/gateway_down", affected: [] })]);
    expect(verdict.suppressed).toEqual([]);
  });
});

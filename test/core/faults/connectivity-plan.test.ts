import { describe, expect, it } from "vitest";
import type { DeviceKind } from "../../../src/contract/index.js";
import { type HallDeviceInput, hallConnectivity } from "../../../src/core/faults/connectivity.js";
import { type ActiveAlertView, planHallConnectivity } from "../../../src/core/faults/connectivity-plan.js";
import type { Connectivity } from "../../../src/core/presence/types.js";

interface Hall {
  devices: Map<string, HallDeviceInput>;
  agents: Map<string, Connectivity>;
  uplinkDown: boolean;
}

const hallOf = (specs: Array<[deviceId: string, agentId: string, kind: DeviceKind]>): Hall => ({
  devices: new Map(
    specs.map(([deviceId, agentId, kind]) => [
      deviceId,
      { deviceId, agentId, kind, connectivity: "online", reason: null, watched: true },
    ]),
  ),
  agents: new Map(specs.map(([, agentId]) => [agentId, "online"])),
  uplinkDown: false,
});

const setDevice = (hall: Hall, deviceId: string, connectivity: Connectivity) => {
  const d = hall.devices.get(deviceId)!;
  hall.devices.set(deviceId, { ...d, connectivity, reason: connectivity === "offline" ? "silence" : null });
};
const setAgent = (hall: Hall, agentId: string, connectivity: Connectivity) => {
  hall.agents.set(agentId, connectivity);
  for (const d of hall.devices.values()) if (d.agentId === agentId) setDevice(hall, d.deviceId, connectivity);
};

/** Active alerts of the hall, by key, as the service would keep them after applying each plan. */
function reconcile(hall: Hall, alerts: Map<string, ActiveAlertView>) {
  const verdict = hallConnectivity({
    hallId: "h",
    devices: [...hall.devices.values()],
    agentConnectivity: hall.agents,
    uplinkDown: hall.uplinkDown,
  });
  const plan = planHallConnectivity("h", verdict, [...alerts.values()]);
  for (const c of plan.raise) alerts.set(c.key, { key: c.key, faultType: c.faultType, affected: c.affected });
  for (const { key, affected } of plan.setAffected) alerts.set(key, { ...alerts.get(key)!, affected });
  for (const { key, causeKey } of plan.link) alerts.set(key, { ...alerts.get(key)!, suppressedBy: causeKey });
  for (const key of plan.resolve) alerts.delete(key);
  return plan;
}

const kiosks = (n: number, agentId: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => [`k${i}`, agentId(i), "kiosk"] as [string, string, DeviceKind]);

describe("connectivity plan for a hall", () => {
  it("an agent hosting 10 devices dies: exactly one alert listing the 10; it resolves when the agent is back", () => {
    const hall = hallOf([["gw", "gw-agent", "gateway"], ...kiosks(10, () => "a1")]);
    const alerts = new Map<string, ActiveAlertView>();
    setAgent(hall, "a1", "offline");
    const plan = reconcile(hall, alerts);
    expect(plan.raise).toHaveLength(1);
    expect([...alerts.values()]).toEqual([
      {
        key: "h/agent/a1/agent_offline",
        faultType: "agent_offline",
        affected: kiosks(10, () => "")
          .map(([d]) => d)
          .sort(),
      },
    ]);
    expect(reconcile(hall, alerts)).toEqual({ raise: [], setAffected: [], link: [], resolve: [] });
    setAgent(hall, "a1", "online");
    expect(reconcile(hall, alerts).resolve).toEqual(["h/agent/a1/agent_offline"]);
    expect(alerts.size).toBe(0);
  });

  it("the gateway goes down: one gateway alert, no device-offline alert; one already open stays, linked", () => {
    const hall = hallOf([["gw", "gw-agent", "gateway"], ...kiosks(3, (i) => `a${i}`)]);
    const alerts = new Map<string, ActiveAlertView>();
    setDevice(hall, "k0", "offline"); // silent before the gateway fails
    reconcile(hall, alerts);
    expect([...alerts.keys()]).toEqual(["h/device/k0/offline"]);

    setAgent(hall, "gw-agent", "offline");
    for (const a of ["a0", "a1", "a2"]) setAgent(hall, a, "offline"); // nothing gets through
    const down = reconcile(hall, alerts);
    expect(down.resolve).toEqual([]);
    expect(down.raise.map((c) => c.key)).toEqual(["h/gateway_down"]);
    expect(alerts.get("h/gateway_down")?.affected).toEqual(["k0", "k1", "k2"]);
    expect(alerts.get("h/device/k0/offline")?.suppressedBy).toBe("h/gateway_down");
    expect([...alerts.keys()].filter((k) => k.endsWith("/offline"))).toEqual(["h/device/k0/offline"]);

    // The gateway and two agents come back; k0 is still silent: its alert is its own again.
    setAgent(hall, "gw-agent", "online");
    for (const a of ["a1", "a2"]) setAgent(hall, a, "online");
    hall.agents.set("a0", "online");
    const back = reconcile(hall, alerts);
    expect(back.resolve).toEqual(["h/gateway_down"]);
    expect(back.link).toEqual([{ key: "h/device/k0/offline", causeKey: null }]);
    expect(back.raise).toEqual([]);
    expect([...alerts.keys()]).toEqual(["h/device/k0/offline"]);
  });

  it("the uplink goes down: offline devices are listed under the uplink alert and raise nothing of their own", () => {
    const hall = hallOf([["gw", "gw-agent", "gateway"], ...kiosks(2, (i) => `a${i}`)]);
    const alerts = new Map<string, ActiveAlertView>([
      [
        "h/device/gw/uplink_down",
        { key: "h/device/gw/uplink_down", faultType: "uplink_down", affected: ["gw"] },
      ],
    ]);
    hall.uplinkDown = true;
    setAgent(hall, "a0", "offline");
    setAgent(hall, "a1", "offline");
    const plan = reconcile(hall, alerts);
    expect(plan.raise).toEqual([]);
    expect(plan.setAffected).toEqual([{ key: "h/device/gw/uplink_down", affected: ["k0", "k1"] }]);
    expect(alerts.size).toBe(1);
  });

  it("unknown connectivity neither opens nor closes an alert", () => {
    const hall = hallOf([["gw", "gw-agent", "gateway"], ...kiosks(2, (i) => `a${i}`)]);
    const alerts = new Map<string, ActiveAlertView>();
    setDevice(hall, "k0", "offline");
    reconcile(hall, alerts);
    // The aggregator loses the broker: everything unknown.
    for (const a of ["gw-agent", "a0", "a1"]) setAgent(hall, a, "unknown");
    expect(reconcile(hall, alerts)).toEqual({ raise: [], setAffected: [], link: [], resolve: [] });
    expect([...alerts.keys()]).toEqual(["h/device/k0/offline"]);
  });

  it("leaves value-fault alerts alone", () => {
    const hall = hallOf([["k0", "a0", "kiosk"]]);
    const alerts = new Map<string, ActiveAlertView>([
      ["h/device/k0/paper_low", { key: "h/device/k0/paper_low", faultType: "paper_low", affected: ["k0"] }],
    ]);
    expect(reconcile(hall, alerts).resolve).toEqual([]);
  });
});

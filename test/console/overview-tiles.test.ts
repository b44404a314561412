import { describe, expect, it } from "vitest";
import { deviceName } from "../../src/console/client/overview/device-name.js";
import { countBySeverity, worstByDevice } from "../../src/console/client/overview/worst.js";
import type { AlertView, DeviceView } from "../../src/console/client/types.js";

const device = (deviceId: string, agentId: string, kind = "charger"): DeviceView => ({
  hallId: "h",
  deviceId,
  agentId,
  kind,
  model: "m",
  zone: "waiting",
  name: null,
  connectivity: "online",
  connectivitySinceMs: 0,
  lastSeenMs: 0,
  values: null,
});

const alert = (id: string, over: Partial<AlertView>): AlertView => ({
  id,
  hallId: "h",
  deviceId: null,
  agentId: null,
  kind: null,
  faultType: "x",
  severity: "warning",
  audience: [],
  status: "open",
  summary: { en: id, zh: id },
  openedMs: 0,
  lastSeenMs: 0,
  count: 1,
  lastObserved: null,
  affected: [],
  flapping: false,
  escalationLevel: 0,
  ...over,
});

describe("a device tile's colour: its worst open alert", () => {
  const devices = [device("charger-1", "a1"), device("charger-2", "a2"), device("gateway", "gw", "gateway")];

  it("takes the worst of a device's own alerts and its agent's, ignores resolved ones and uplink bystanders", () => {
    const worst = worstByDevice(
      [
        alert("w", { deviceId: "charger-1", severity: "warning" }),
        alert("c", { deviceId: "charger-1", severity: "critical" }),
        alert("r", { deviceId: "charger-2", severity: "critical", status: "resolved" }),
        alert("agent", { agentId: "a2", severity: "major" }),
        alert("uplink", { deviceId: "gateway", severity: "major", affected: ["charger-1", "charger-2"] }),
      ],
      devices,
    );
    expect(worst.get("h/charger-1")?.id).toBe("c");
    expect(worst.get("h/charger-2")?.id).toBe("agent");
    expect(worst.get("h/gateway")?.id).toBe("uplink");
  });

  it("counts a hall's open alerts per severity", () => {
    const counts = countBySeverity(
      [
        alert("1", { severity: "critical" }),
        alert("2", { severity: "critical", status: "acknowledged" }),
        alert("3", { severity: "minor", status: "resolved" }),
        alert("4", { severity: "major", hallId: "other" }),
      ],
      "h",
    );
    expect(counts).toEqual({ critical: 2, major: 0, minor: 0, warning: 0, operational: 0 });
  });
});

describe("a device's name as people read it", () => {
  it("keeps an agent-given name, else says the kind and number in the reader's language", () => {
    expect(deviceName({ deviceId: "kiosk-1", kind: "kiosk", name: "自助终端 1" }, "en")).toBe("自助终端 1");
    expect(deviceName({ deviceId: "charger-2", kind: "charger", name: null }, "zh")).toBe("手机充电站 2");
    expect(deviceName({ deviceId: "ext-3", kind: "extinguisher", name: null }, "en")).toBe(
      "Fire extinguisher 3",
    );
    expect(deviceName({ deviceId: "gateway", kind: "gateway", name: null }, "zh")).toBe("网关");
    expect(deviceName({ deviceId: "lobby-a", kind: "tv", name: null }, "en")).toBe("lobby-a");
  });
});

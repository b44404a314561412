import { describe, expect, it } from "vitest";
import type { Alert } from "../../src/core/alerts/alert.js";
import type { DeviceState } from "../../src/core/presence/types.js";
import type { HistoryPoint } from "../../src/influx/history-point.js";
import { STILL_OPEN, StateRefresher } from "../../src/influx/state-refresh.js";

const device = (deviceId: string, connectivity: DeviceState["connectivity"], retired = false) =>
  ({ hallId: "h1", deviceId, kind: "tv", connectivity, retired }) as DeviceState;

describe("StateRefresher", () => {
  it("restates every live device's state and every open alert, leaving retired devices out", () => {
    const points: HistoryPoint[] = [];
    const alert = {
      id: "a1",
      hallId: "h1",
      kind: "tv",
      deviceId: "tv-1",
      severity: "major",
      faultType: "offline",
      inMaintenance: false,
      summary: { en: "Device offline", zh: "设备离线" },
    } as Alert;
    const refresher = new StateRefresher(
      { add: (p) => points.push(p) },
      {
        devices: () => [device("tv-1", "offline"), device("tv-2", "unknown"), device("tv-3", "online", true)],
        activeAlerts: () => [alert],
      },
      3_600_000,
      () => 1_000,
    );
    refresher.refresh();
    expect(points.map((p) => [p.measurement, p.tags.device, p.fields.up, p.tags.change])).toEqual([
      ["device_state", "tv-1", 0, undefined],
      ["device_state", "tv-2", undefined, undefined],
      ["alert_event", "tv-1", undefined, STILL_OPEN],
    ]);
    expect(points[2]?.fields).toMatchObject({ alert_id: "a1", open: 1 });
    expect(points.every((p) => p.timeMs === 1_000)).toBe(true);
  });
});

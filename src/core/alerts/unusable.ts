import type { DeviceKind } from "../../contract/index.js";

/**
 * Faults that take a device out of service: while one is open the device is "not ready" at opening even though it
 * is online (a queue machine that cannot print tickets serves no one). Other faults (paper low, a port of a charger,
 * a slow uplink) leave the device usable: they are listed as open faults only. See docs/faults.md.
 */
export const UNUSABLE_FAULTS: Readonly<Record<DeviceKind, readonly string[]>> = {
  kiosk: ["app_down", "screen_fault"],
  queue: ["printer_jam", "paper_out", "app_down"],
  charger: ["overheat"],
  tv: ["tv_not_on", "no_signal", "player_stalled"],
  extinguisher: ["removed", "pressure_out_of_zone", "seal_broken", "obstructed"],
  hydrant: ["hydrant_low_pressure", "hose_missing"],
  gateway: ["uplink_down"],
};

export const makesUnusable = (kind: DeviceKind, faultType: string): boolean =>
  UNUSABLE_FAULTS[kind].includes(faultType);

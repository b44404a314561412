import type { DeviceKind } from "./index.js";

/**
 * The numeric telemetry fields of each kind that are kept as a series (for charts), with the unit of their
 * values (null for plain counts). Booleans and states are not series: they show up as events and alerts.
 */
export const SERIES_FIELDS: Readonly<Record<DeviceKind, Readonly<Record<string, string | null>>>> = {
  kiosk: { paperPct: "%", cpuPct: "%", memPct: "%", diskPct: "%" },
  charger: { enclosureTempC: "°C", totalPowerW: "W" },
  tv: { playerHeartbeatAgeSec: "s" },
  queue: {
    waitingTotal: null,
    longestWaitSec: "s",
    countersOpen: null,
    paperPct: "%",
    ticketsIssuedToday: null,
    ticketsCalledToday: null,
  },
  extinguisher: { pressureMpa: "MPa", batteryPct: "%", rssiDbm: "dBm" },
  hydrant: { pressureMpa: "MPa", batteryPct: "%", rssiDbm: "dBm" },
  gateway: { latencyMs: "ms", packetLossPct: "%", sensorsOnline: null, sensorsExpected: null },
};

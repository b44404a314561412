import type { IPoint } from "influx";
import { type DeviceKind, KIND_SPECS } from "../../src/contract/index.js";
import { FIELD, flattenValues, MEASUREMENT, RETENTION, TAG } from "../../src/influx/schema.js";

/**
 * Simulated history for the dashboard tests, written as src/influx/schema.ts lays it out: two halls with a
 * device of every kind (two kiosks, two extinguishers), six hours of telemetry, connectivity transitions, alert
 * changes, inspections, compliance and hourly uptime. Telemetry values are checked against each kind's zod schema,
 * so the fields are the ones real agents send.
 */

export const HALLS = ["north-1", "south-2"] as const;
export const DEVICES: ReadonlyArray<{ device: string; kind: DeviceKind }> = [
  { device: "kiosk-1", kind: "kiosk" },
  { device: "kiosk-2", kind: "kiosk" },
  { device: "charger-1", kind: "charger" },
  { device: "tv-1", kind: "tv" },
  { device: "queue-1", kind: "queue" },
  { device: "ext-1", kind: "extinguisher" },
  { device: "ext-2", kind: "extinguisher" },
  { device: "hydrant-1", kind: "hydrant" },
  { device: "gw-1", kind: "gateway" },
];
export const HOURS = 6;
const HOUR_MS = 3_600_000;
const MIN_MS = 60_000;

export interface Sample {
  /** Start of the window: an hour boundary; the data ends before fromMs + HOURS hours. */
  fromMs: number;
  toMs: number;
  points: Array<{ retentionPolicy: string; point: IPoint }>;
  uptime: Array<{
    hall: string;
    kind: DeviceKind;
    device: string;
    up: number;
    down: number;
    unknown: number;
  }>;
  /** Alert changes by (hall, fault, change), for expected counts. */
  alerts: AlertChange[];
}

interface AlertChange {
  hall: string;
  /** Absent on hall-level alerts (an agent dead, a gateway down), as the sink writes them. */
  kind?: DeviceKind;
  device?: string;
  fault: string;
  severity: string;
  change: string;
  atMs: number;
  alertId: string;
  open: 0 | 1;
  durationSec?: number;
}

function telemetryValues(kind: DeviceKind, i: number, hall: number, device: string): Record<string, unknown> {
  switch (kind) {
    case "kiosk":
      return {
        appOk: true,
        screenOk: true,
        touchOk: true,
        printerState: device === "kiosk-2" && i % 12 === 5 ? "jam" : "ok",
        paperPct: Math.max(5, 90 - i),
        cardReaderOk: true,
        cpuPct: 20 + (i % 7),
        memPct: 40 + hall,
        diskPct: device === "kiosk-2" ? 91 : 60,
      };
    case "charger":
      return {
        ports: [
          { port: 1, state: "charging", currentA: 2.1, voltageV: 9 },
          { port: 2, state: "idle", currentA: 0, voltageV: 5 },
        ],
        enclosureTempC: 38 + (i % 20),
        totalPowerW: 18.9,
      };
    case "tv":
      return { power: "on", signalOk: true, input: "hdmi1", playerHeartbeatAgeSec: 5 + (i % 3) };
    case "queue":
      return {
        appOk: true,
        printerState: "ok",
        paperPct: 70,
        waitingTotal: (i * 3 + hall * 5) % 30,
        waitingByService: { billing: i % 9, sim: (i + hall) % 5 },
        longestWaitSec: 60 * ((i + hall) % 40),
        countersOpen: 3 + hall,
        ticketsIssuedToday: 10 * i,
        ticketsCalledToday: Math.max(10 * i - 3, 0),
        displaysOk: true,
        voiceOk: true,
      };
    case "extinguisher":
      return {
        pressureMpa: device === "ext-2" && hall === 1 ? 0.9 : 1.2,
        present: true,
        obstructed: false,
        sealIntact: true,
        batteryPct: 80 - i,
        rssiDbm: -70,
      };
    case "hydrant":
      return { doorOpen: false, pressureMpa: 0.32, hosePresent: true, batteryPct: 77 };
    case "gateway":
      return { uplinkOk: true, latencyMs: 20 + i, packetLossPct: 0.1, sensorsOnline: 3, sensorsExpected: 3 };
  }
}

export function buildSample(nowMs: number): Sample {
  const fromMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS - HOURS * HOUR_MS;
  const toMs = fromMs + HOURS * HOUR_MS;
  const points: Sample["points"] = [];
  const add = (retentionPolicy: string, point: IPoint) => points.push({ retentionPolicy, point });

  // Telemetry: mains devices every 5 minutes, battery sensors every 15.
  HALLS.forEach((hall, h) => {
    for (const { device, kind } of DEVICES) {
      const everyMin = KIND_SPECS[kind].power === "battery" ? 15 : 5;
      for (let i = 0; i < (HOURS * 60) / everyMin; i++) {
        const values = KIND_SPECS[kind].valuesSchema.parse(telemetryValues(kind, i, h, device));
        add(RETENTION.raw, {
          measurement: MEASUREMENT.telemetry,
          tags: { [TAG.hall]: hall, [TAG.kind]: kind, [TAG.device]: device },
          fields: flattenValues(values as Record<string, unknown>),
          timestamp: new Date(fromMs + i * everyMin * MIN_MS),
        });
      }
    }
  });

  // Connectivity: everything online at the start; north-1 kiosk-2 offline for hour 2; south-2 gw-1 unknown
  // for the first half of hour 4; south-2 tv-1 offline from hour 5 on; south-2 hydrant-1 unknown from 5.5 on.
  const state = (hall: string, device: string, atMs: number, connectivity: string, reason: string) => {
    const kind = DEVICES.find((d) => d.device === device)!.kind;
    const fields: Record<string, string | number> = { [FIELD.deviceState.connectivity]: connectivity };
    if (connectivity !== "unknown") fields[FIELD.deviceState.up] = connectivity === "online" ? 1 : 0;
    fields[FIELD.deviceState.reason] = reason;
    add(RETENTION.raw, {
      measurement: MEASUREMENT.deviceState,
      tags: { [TAG.hall]: hall, [TAG.kind]: kind, [TAG.device]: device },
      fields,
      timestamp: new Date(atMs),
    });
  };
  for (const hall of HALLS) for (const { device } of DEVICES) state(hall, device, fromMs, "online", "birth");
  state("north-1", "kiosk-2", fromMs + 2 * HOUR_MS, "offline", "agent_dead");
  state("north-1", "kiosk-2", fromMs + 3 * HOUR_MS, "online", "birth");
  state("south-2", "gw-1", fromMs + 4 * HOUR_MS, "unknown", "broker_lost");
  state("south-2", "gw-1", fromMs + 4.5 * HOUR_MS, "online", "broker_back");
  state("south-2", "tv-1", fromMs + 5 * HOUR_MS, "offline", "silent");
  state("south-2", "hydrant-1", fromMs + 5.5 * HOUR_MS, "unknown", "broker_lost");

  // Alerts: (hall, device, fault, severity, raised at h, resolved at h or open).
  const alerts: AlertChange[] = [];
  const alert = (
    hall: string,
    device: string,
    fault: string,
    severity: string,
    raisedH: number,
    resolvedH: number | null,
  ) => {
    const kind = DEVICES.find((d) => d.device === device)!.kind;
    const alertId = `${hall}-${device}-${fault}-${raisedH}`;
    const base = { hall, kind, device, fault, severity, alertId };
    alerts.push({ ...base, change: "raised", atMs: fromMs + raisedH * HOUR_MS, open: 1 });
    alerts.push({ ...base, change: "acknowledged", atMs: fromMs + (raisedH + 0.1) * HOUR_MS, open: 1 });
    if (resolvedH !== null) {
      const durationSec = Math.round((resolvedH - raisedH) * 3600);
      alerts.push({ ...base, change: "resolved", atMs: fromMs + resolvedH * HOUR_MS, open: 0, durationSec });
    }
  };
  alert("north-1", "kiosk-2", "printer_jam", "major", 1, 1.5);
  alert("north-1", "kiosk-2", "offline", "major", 2, 3);
  alert("north-1", "charger-1", "overheat", "critical", 4, null);
  alert("south-2", "queue-1", "congestion", "operational", 2, 2 + 1 / 3);
  alert("south-2", "queue-1", "congestion", "operational", 5, null);
  alert("south-2", "ext-1", "battery_low", "warning", 0.5, 3.5);
  alert("south-2", "tv-1", "offline", "major", 5.05, null);
  // A hall-level alert: no kind or device tag.
  alerts.push({
    hall: "north-1",
    fault: "agent_offline",
    severity: "critical",
    change: "raised",
    atMs: fromMs + 5.5 * HOUR_MS,
    alertId: "north-1-agent-offline",
    open: 1,
  });
  for (const a of alerts) {
    const fields: Record<string, string | number | boolean> = {
      [FIELD.alertEvent.alertId]: a.alertId,
      [FIELD.alertEvent.open]: a.open,
      [FIELD.alertEvent.inMaintenance]: 0,
      [FIELD.alertEvent.message]: `${a.fault} on ${a.device ?? a.hall}`,
    };
    if (a.durationSec !== undefined) fields[FIELD.alertEvent.durationSec] = a.durationSec;
    add(RETENTION.long, {
      measurement: MEASUREMENT.alertEvent,
      tags: {
        [TAG.hall]: a.hall,
        ...(a.kind ? { [TAG.kind]: a.kind } : {}),
        ...(a.device ? { [TAG.device]: a.device } : {}),
        [TAG.fault]: a.fault,
        [TAG.severity]: a.severity,
        [TAG.change]: a.change,
      },
      fields,
      timestamp: new Date(a.atMs),
    });
  }

  // Inspections at hour 1: every fire asset passes except south-2's ext-2 (pressure out of its green zone).
  HALLS.forEach((hall, h) => {
    DEVICES.filter((d) => d.kind === "extinguisher" || d.kind === "hydrant").forEach(
      ({ device, kind }, n) => {
        const failed = hall === "south-2" && device === "ext-2";
        add(RETENTION.long, {
          measurement: MEASUREMENT.inspection,
          tags: {
            [TAG.hall]: hall,
            [TAG.assetType]: kind,
            [TAG.asset]: device,
            [TAG.result]: failed ? "fail" : "pass",
          },
          fields: {
            [FIELD.inspection.recordId]: `rec-${h}-${n}`,
            [FIELD.inspection.inspector]: "guard",
            [FIELD.inspection.failedItems]: failed ? 1 : 0,
            [FIELD.inspection.failedItemNames]: failed ? "pressure_in_green_zone" : "",
            [FIELD.inspection.passed]: failed ? 0 : 1,
            [FIELD.inspection.dueDate]: "2026-11-23",
            [FIELD.inspection.late]: 0,
          },
          timestamp: new Date(fromMs + HOUR_MS + n * MIN_MS),
        });
      },
    );
  });
  // Compliance: north-1 did all 3 due, south-2 did 2 and missed 1.
  for (const [hall, done, missed] of [
    ["north-1", 3, 0],
    ["south-2", 2, 1],
  ] as const) {
    add(RETENTION.long, {
      measurement: MEASUREMENT.inspectionCompliance,
      tags: { [TAG.hall]: hall },
      fields: {
        [FIELD.inspectionCompliance.due]: 3,
        [FIELD.inspectionCompliance.done]: done,
        [FIELD.inspectionCompliance.missed]: missed,
        [FIELD.inspectionCompliance.pending]: 0,
        [FIELD.inspectionCompliance.compliancePct]: (done / 3) * 100,
      },
      timestamp: new Date(fromMs + HOUR_MS),
    });
  }

  // Hourly uptime as the console counts it: kiosks, chargers, TVs and queue machines are not expected in hour 0
  // (the hall opens at hour 1); north-1's kiosks are in maintenance for half of hour 1.
  const uptime: Sample["uptime"] = [];
  for (const hall of HALLS) {
    for (const { device, kind } of DEVICES) {
      for (let hour = 0; hour < HOURS; hour++) {
        const watched = KIND_SPECS[kind].watchedAroundTheClock || hour >= 1 ? 3600 : 0;
        const maintenance = hall === "north-1" && kind === "kiosk" && hour === 1 ? 1800 : 0;
        const expected = watched - maintenance;
        let down = 0;
        let unknown = 0;
        if (hall === "north-1" && device === "kiosk-2" && hour === 2) down = expected;
        if (hall === "south-2" && device === "tv-1" && hour === 5) down = expected;
        if (hall === "south-2" && device === "gw-1" && hour === 4) unknown = 1800;
        if (hall === "south-2" && device === "hydrant-1" && hour === 5) unknown = 1800;
        const up = expected - down - unknown;
        uptime.push({ hall, kind, device, up, down, unknown });
        add(RETENTION.long, {
          measurement: MEASUREMENT.uptime,
          tags: { [TAG.hall]: hall, [TAG.kind]: kind, [TAG.device]: device },
          fields: {
            [FIELD.uptime.expectedSec]: expected,
            [FIELD.uptime.upSec]: up,
            [FIELD.uptime.downSec]: down,
            [FIELD.uptime.unknownSec]: unknown,
            [FIELD.uptime.maintenanceSec]: maintenance,
          },
          timestamp: new Date(fromMs + hour * HOUR_MS),
        });
      }
    }
  }

  return { fromMs, toMs, points, uptime, alerts };
}

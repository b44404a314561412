import type { AggregatorEvents } from "../aggregator/events.js";
import type { AlertChange } from "../alerts/alert-service.js";
import type { HistoryAction } from "../core/alerts/alert.js";
import type { Availability } from "../core/uptime/availability.js";
import type { HistoryPoint } from "./history-point.js";
import type { CompliancePoint, InspectionPoint } from "./inputs.js";
import { FIELD, flattenValues, MEASUREMENT, RETENTION, TAG } from "./schema.js";

/** How each Hallwatch event becomes an InfluxDB point (docs/influx.md has the table). */

export function telemetryPoint(e: AggregatorEvents["telemetry"]): HistoryPoint {
  return {
    rp: RETENTION.raw,
    measurement: MEASUREMENT.telemetry,
    tags: { [TAG.hall]: e.device.hallId, [TAG.kind]: e.device.kind, [TAG.device]: e.device.deviceId },
    fields: flattenValues(e.values as Record<string, unknown>),
    // The agent's time, so a replay from an agent's spool lands where it happened; a live message from an agent
    // whose clock is off is at its receive time (see judgeClock).
    timeMs: e.pointTimeMs ?? e.envelope.tsMs,
  };
}

export function deviceStatePoint(e: AggregatorEvents["device_connectivity"]): HistoryPoint {
  const f = FIELD.deviceState;
  return {
    rp: RETENTION.raw,
    measurement: MEASUREMENT.deviceState,
    tags: { [TAG.hall]: e.device.hallId, [TAG.kind]: e.device.kind, [TAG.device]: e.device.deviceId },
    fields: {
      [f.connectivity]: e.to,
      ...(e.to === "unknown" ? {} : { [f.up]: e.to === "online" ? 1 : 0 }),
      [f.reason]: e.reason,
    },
    timeMs: e.atMs,
  };
}

/** The `change` tag: a history action, with "opened" called "raised" as in the console. */
export function changeTag(action: HistoryAction): string {
  return action === "opened" ? "raised" : action;
}

/** The tags of an alert_event point; kind and device only on alerts about one device. */
export function alertTags(alert: AlertChange["alert"], change: string): Record<string, string> {
  return {
    [TAG.hall]: alert.hallId,
    ...(alert.kind ? { [TAG.kind]: alert.kind } : {}),
    ...(alert.deviceId ? { [TAG.device]: alert.deviceId } : {}),
    [TAG.severity]: alert.severity,
    [TAG.fault]: alert.faultType,
    [TAG.change]: change,
  };
}

/** Null for a change with no history entry (a quiet update of the observed value). */
export function alertEventPoint(change: AlertChange): HistoryPoint | null {
  const { alert, entry } = change;
  if (!entry) return null;
  const f = FIELD.alertEvent;
  const open = alert.status !== "resolved";
  return {
    rp: RETENTION.long,
    measurement: MEASUREMENT.alertEvent,
    tags: alertTags(alert, changeTag(entry.action)),
    fields: {
      [f.alertId]: alert.id,
      [f.open]: open ? 1 : 0,
      ...(entry.action === "resolved" && alert.resolved
        ? { [f.durationSec]: Math.max(0, alert.resolved.atMs - alert.openedMs) / 1000 }
        : {}),
      [f.inMaintenance]: alert.inMaintenance ? 1 : 0,
      [f.message]: alert.summary.en,
    },
    timeMs: entry.atMs,
  };
}

export function inspectionPoint(p: InspectionPoint): HistoryPoint {
  const f = FIELD.inspection;
  return {
    rp: RETENTION.long,
    measurement: MEASUREMENT.inspection,
    tags: {
      [TAG.hall]: p.hall,
      [TAG.assetType]: p.assetType,
      [TAG.asset]: p.asset,
      [TAG.result]: p.passed ? "pass" : "fail",
    },
    fields: {
      [f.recordId]: p.recordId,
      [f.inspector]: p.inspector,
      [f.passed]: p.passed ? 1 : 0,
      [f.failedItems]: p.failedItems.length,
      [f.failedItemNames]: p.failedItems.join(","),
      [f.dueDate]: p.dueDate,
      [f.late]: p.late ? 1 : 0,
      ...(p.correctsId ? { [f.correctsId]: p.correctsId } : {}),
    },
    timeMs: p.atMs,
  };
}

export function compliancePoint(p: CompliancePoint): HistoryPoint {
  const f = FIELD.inspectionCompliance;
  const pct = p.compliancePct !== undefined ? p.compliancePct : p.due > 0 ? (p.done / p.due) * 100 : null;
  return {
    rp: RETENTION.long,
    measurement: MEASUREMENT.inspectionCompliance,
    tags: { [TAG.hall]: p.hall },
    fields: {
      [f.due]: p.due,
      [f.done]: p.done,
      [f.missed]: p.missed,
      [f.pending]: p.pending,
      ...(pct === null ? {} : { [f.compliancePct]: pct }),
    },
    timeMs: p.periodStartMs,
  };
}

export interface UptimeHour {
  hallId: string;
  deviceId: string;
  kind: string;
  hourStartMs: number;
  figures: Availability;
}

export function uptimePoint(u: UptimeHour): HistoryPoint {
  const f = FIELD.uptime;
  return {
    rp: RETENTION.long,
    measurement: MEASUREMENT.uptime,
    tags: { [TAG.hall]: u.hallId, [TAG.kind]: u.kind, [TAG.device]: u.deviceId },
    fields: {
      [f.expectedSec]: u.figures.expectedMs / 1000,
      [f.upSec]: u.figures.upMs / 1000,
      [f.downSec]: u.figures.downMs / 1000,
      [f.unknownSec]: u.figures.unknownMs / 1000,
      [f.maintenanceSec]: u.figures.maintenanceMs / 1000,
    },
    timeMs: u.hourStartMs,
  };
}

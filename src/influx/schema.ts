/**
 * The InfluxDB schema Hallwatch writes: one place shared by the sink (src/influx/), the dashboards (dashboards/)
 * and their tests. Tags are of bounded cardinality (halls, kinds, devices, fault names, severities); free text,
 * ids of records and people go into fields. Documented in docs/influx.md.
 */

/** Retention policies created by the sink (names are stable; durations come from config). */
export const RETENTION = {
  /** Raw telemetry and device state; the default policy of the database. */
  raw: "raw",
  /** Downsampled telemetry, alert events, inspection records, uptime roll-ups: kept at least 12 months. */
  long: "long",
} as const;

export const MEASUREMENT = {
  /** One point per accepted telemetry message; fields are the kind's values, flattened (see flattenValues). */
  telemetry: "telemetry",
  /** 5-minute means of numeric telemetry fields, written by a continuous query into the `long` policy. */
  telemetry5m: "telemetry_5m",
  /** One point per device connectivity transition. */
  deviceState: "device_state",
  /** One point per alert change (raised, updated, acknowledged, resolved, reopened, escalated, commented). */
  alertEvent: "alert_event",
  /** One point per inspection record (and per correction). */
  inspection: "inspection",
  /** One point per hall per inspection period: how many due, done, missed. */
  inspectionCompliance: "inspection_compliance",
  /** One point per device per hour: seconds expected / up / down / unknown / in maintenance, as the console counts them. */
  uptime: "uptime_hourly",
} as const;

export const TAG = {
  hall: "hall",
  kind: "kind",
  device: "device",
  severity: "severity",
  fault: "fault",
  change: "change",
  result: "result",
  assetType: "asset_type",
  asset: "asset",
} as const;

/** Field names of measurements other than telemetry (whose fields are the kinds' value names). */
export const FIELD = {
  deviceState: {
    /** "online" | "offline" | "unknown" */
    connectivity: "connectivity",
    /** 1 online, 0 offline; absent when unknown. */
    up: "up",
    reason: "reason",
  },
  alertEvent: {
    alertId: "alert_id",
    /** 1 while the alert is open after this change, 0 once resolved. */
    open: "open",
    /** Seconds from raise to resolve; only on "resolved". */
    durationSec: "duration_sec",
    /** 1 when raised in a maintenance window, else 0. */
    inMaintenance: "in_maintenance",
    /** The alert's English summary. */
    message: "message",
  },
  inspection: {
    recordId: "record_id",
    inspector: "inspector",
    /** How many checklist items failed. */
    failedItems: "failed_items",
    /** The failed checklist items, comma-separated ("" when none). */
    failedItemNames: "failed_item_names",
    /** 1 pass, 0 fail. */
    passed: "passed",
    /** Local date the inspection was due, "YYYY-MM-DD". */
    dueDate: "due_date",
    /** 1 done after its due date, else 0. */
    late: "late",
    correctsId: "corrects_id",
  },
  inspectionCompliance: {
    due: "due",
    done: "done",
    missed: "missed",
    pending: "pending",
    /** 0..100; absent when nothing was due. */
    compliancePct: "compliance_pct",
  },
  uptime: {
    expectedSec: "expected_sec",
    upSec: "up_sec",
    downSec: "down_sec",
    unknownSec: "unknown_sec",
    maintenanceSec: "maintenance_sec",
  },
} as const;

/** Tags of each measurement (telemetry_5m keeps telemetry's tags; its fields are `mean_<field>`). */
export const TAGS_OF = {
  [MEASUREMENT.telemetry]: [TAG.hall, TAG.kind, TAG.device],
  [MEASUREMENT.telemetry5m]: [TAG.hall, TAG.kind, TAG.device],
  [MEASUREMENT.deviceState]: [TAG.hall, TAG.kind, TAG.device],
  [MEASUREMENT.alertEvent]: [TAG.hall, TAG.kind, TAG.device, TAG.severity, TAG.fault, TAG.change],
  [MEASUREMENT.inspection]: [TAG.hall, TAG.assetType, TAG.asset, TAG.result],
  [MEASUREMENT.inspectionCompliance]: [TAG.hall],
  [MEASUREMENT.uptime]: [TAG.hall, TAG.kind, TAG.device],
} as const;

/** The retention policy each measurement is written to. */
export const POLICY_OF = {
  [MEASUREMENT.telemetry]: RETENTION.raw,
  [MEASUREMENT.telemetry5m]: RETENTION.long,
  [MEASUREMENT.deviceState]: RETENTION.raw,
  [MEASUREMENT.alertEvent]: RETENTION.long,
  [MEASUREMENT.inspection]: RETENTION.long,
  [MEASUREMENT.inspectionCompliance]: RETENTION.long,
  [MEASUREMENT.uptime]: RETENTION.long,
} as const;

/** Name of the continuous query that fills telemetry_5m. */
export const CONTINUOUS_QUERY = { telemetry5m: "cq_telemetry_5m" } as const;

/**
 * Telemetry values as InfluxDB fields: numbers, booleans and strings as they are, nested records
 * (e.g. a queue's waitingByService) as `parent_key`. Absent values are left out.
 */
export function flattenValues(values: Record<string, unknown>): Record<string, number | boolean | string> {
  const fields: Record<string, number | boolean | string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") {
      fields[name] = value;
    } else if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        if (typeof inner === "number" || typeof inner === "boolean" || typeof inner === "string") {
          fields[`${name}_${key}`] = inner;
        }
      }
    }
  }
  return fields;
}

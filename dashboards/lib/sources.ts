import { MEASUREMENT, RETENTION, TAG } from "../../src/influx/schema.js";
import { type Expr, matchesVariable, type SelectQuery, select } from "../influxql.js";

type Measurement = (typeof MEASUREMENT)[keyof typeof MEASUREMENT];
type RetentionPolicy = (typeof RETENTION)[keyof typeof RETENTION];

/** Which retention policy holds each measurement, as src/influx/schema.ts documents them. */
export const POLICY_OF: Record<Measurement, RetentionPolicy> = {
  [MEASUREMENT.telemetry]: RETENTION.raw,
  [MEASUREMENT.deviceState]: RETENTION.raw,
  [MEASUREMENT.telemetry5m]: RETENTION.long,
  [MEASUREMENT.alertEvent]: RETENTION.long,
  [MEASUREMENT.inspection]: RETENTION.long,
  [MEASUREMENT.inspectionCompliance]: RETENTION.long,
  [MEASUREMENT.uptime]: RETENTION.long,
};

/** `select(…).from("rp"."measurement")` with the measurement's own policy. */
export function selectFrom(measurement: Measurement, ...columns: Expr[]): SelectQuery {
  return select(...columns).from(measurement, POLICY_OF[measurement]);
}

/** The dashboard's template variables; each filters the tag of the same name. */
export const VARIABLE = { hall: TAG.hall, kind: TAG.kind, device: TAG.device } as const;

/** Tag conditions for the hall, kind and device variables a query honours (hall alone, hall + kind, …). */
export function scope(...variables: Array<keyof typeof VARIABLE>): Expr[] {
  return variables.map((v) => matchesVariable(VARIABLE[v], v));
}

/** The hall / kind / device scope every device-level query carries. */
export const deviceScope = (): Expr[] => scope("hall", "kind", "device");

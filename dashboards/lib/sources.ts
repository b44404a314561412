import { type MEASUREMENT, POLICY_OF, TAG } from "../../src/influx/schema.js";
import { type Expr, matchesVariable, type SelectQuery, select } from "../influxql.js";

type Measurement = (typeof MEASUREMENT)[keyof typeof MEASUREMENT];

/** `select(…).from("rp"."measurement")` with the policy the sink writes the measurement to. */
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

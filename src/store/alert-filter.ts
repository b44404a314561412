import type { AlertStatus } from "../core/alerts/alert.js";
import type { SqlDialect, SqlValue } from "./sql/engine.js";

export interface AlertFilter {
  hallIds?: string[] | undefined;
  deviceId?: string | undefined;
  kind?: string | undefined;
  severity?: string | undefined;
  /** "active" = open or acknowledged. */
  status?: AlertStatus | "active" | undefined;
  faultType?: string | undefined;
  /** Only alerts addressed to one of these roles. */
  audienceAnyOf?: string[] | undefined;
  /** Also alerts this person was told about in person, whatever the hall and audience filters above. */
  orNotified?: string | undefined;
  fromMs?: number | undefined;
  toMs?: number | undefined;
  limit: number;
  offset: number;
}

const marks = (values: readonly unknown[]) => values.map(() => "?").join(", ") || "NULL";

/** Whether a JSON array of strings in `column` holds any of `count` placeholder values. */
function jsonArrayHasAny(column: string, count: number, dialect: SqlDialect): string {
  const list = marks(Array.from({ length: count }));
  return dialect === "postgres"
    ? `EXISTS (SELECT 1 FROM jsonb_array_elements_text(${column}::jsonb) AS r(value) WHERE r.value IN (${list}))`
    : `EXISTS (SELECT 1 FROM json_each(${column}) WHERE value IN (${list}))`;
}

/** The WHERE clause of an alert list, its `?` parameters in order. */
export function whereClause(filter: AlertFilter, dialect: SqlDialect): { clause: string; args: SqlValue[] } {
  const scope: string[] = [];
  const scopeArgs: SqlValue[] = [];
  const where: string[] = [];
  const args: SqlValue[] = [];
  if (filter.hallIds) {
    scope.push(`hall_id IN (${marks(filter.hallIds)})`);
    scopeArgs.push(...filter.hallIds);
  }
  if (filter.audienceAnyOf) {
    scope.push(jsonArrayHasAny("audience_json", filter.audienceAnyOf.length, dialect));
    scopeArgs.push(...filter.audienceAnyOf);
  }
  if (scope.length > 0) {
    const own = scope.join(" AND ");
    if (filter.orNotified === undefined) where.push(own);
    else {
      where.push(`((${own}) OR ${jsonArrayHasAny("COALESCE(notified_users_json, '[]')", 1, dialect)})`);
      scopeArgs.push(filter.orNotified);
    }
    args.push(...scopeArgs);
  }
  const eq = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`${column} = ?`);
    args.push(value);
  };
  eq("device_id", filter.deviceId);
  eq("kind", filter.kind);
  eq("severity", filter.severity);
  eq("fault_type", filter.faultType);
  if (filter.status === "active") where.push("status != 'resolved'");
  else eq("status", filter.status);
  if (filter.fromMs !== undefined) {
    where.push("(resolved_ms IS NULL OR resolved_ms >= ?)");
    args.push(filter.fromMs);
  }
  if (filter.toMs !== undefined) {
    where.push("opened_ms < ?");
    args.push(filter.toMs);
  }
  return { clause: where.length > 0 ? `WHERE ${where.join(" AND ")}` : "", args };
}

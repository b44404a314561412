import { type AssetLifetime, complianceRows, type DueStatus, isDue } from "./compliance.js";
import { dueDay, type InspectionPeriod, type InspectionPolicy, periodAt } from "./policy.js";
import type { InspectionRecord } from "./record.js";

/** Where an asset stands in the current period: what the console list and the inspection page show. */
export interface AssetStatusNow {
  period: InspectionPeriod;
  /** The local day by the end of which this period's inspection is due. */
  dueDay: string;
  status: DueStatus;
  /** The record that counts for this period, if any. */
  record: InspectionRecord | null;
  /** When the asset owes nothing this period: the first period it owes, and that period's due day. */
  firstDue: { periodKey: string; dueDay: string; dueMs: number; overdueMs: number } | null;
}

/**
 * An asset's status now. An asset registered after this period's due time owes nothing until the next period
 * ("not due until Mon 7 Dec"), but an inspection done on it now still counts and shows.
 */
export function assetStatusNow(
  policy: InspectionPolicy,
  asset: AssetLifetime,
  records: readonly InspectionRecord[],
  nowMs: number,
  timeZone: string,
): AssetStatusNow {
  const period = periodAt(policy, nowMs, timeZone);
  const [row] = complianceRows(
    [asset],
    [period],
    records.filter((r) => r.assetId === asset.id),
    nowMs,
    { includeNotDue: true },
  );
  const status: DueStatus = row?.status ?? "not_due";
  let firstDue: AssetStatusNow["firstDue"] = null;
  if (!isDue(asset, period) && asset.retiredMs === null) {
    let next = periodAt(policy, period.endMs, timeZone);
    while (!isDue(asset, next)) next = periodAt(policy, next.endMs, timeZone);
    firstDue = {
      periodKey: next.key,
      dueDay: dueDay(next, timeZone),
      dueMs: next.dueMs,
      overdueMs: next.overdueMs,
    };
  }
  return { period, dueDay: dueDay(period, timeZone), status, record: row?.record ?? null, firstDue };
}

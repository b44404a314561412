import type { InspectionPeriod } from "./policy.js";
import type { InspectionRecord } from "./record.js";

/**
 * upcoming: the period has not begun; pending: not done, not yet overdue; overdue: past its due time (and grace)
 * with the period still running; done / late: done before / after the overdue time; missed: the period ended
 * with no inspection; not_due: the asset owes nothing this period (registered after its due time) and has no
 * record in it. An inspection done in a period the asset did not owe is "done": it counts, and is never late.
 */
export type DueStatus = "upcoming" | "pending" | "overdue" | "done" | "late" | "missed" | "not_due";

export interface DueRow {
  assetId: string;
  period: InspectionPeriod;
  status: DueStatus;
  /** The record that counts (the last correction of the last inspection in the period). */
  record: InspectionRecord | null;
  /** How many records exist for the asset in the period (inspections and corrections). */
  recordCount: number;
  /** Whether the asset owed an inspection in the period (false: registered after the period's due time). */
  owed: boolean;
}

/** The records that stand: those no later record corrects. */
export function standingRecords(records: readonly InspectionRecord[]): InspectionRecord[] {
  const corrected = new Set(records.map((r) => r.correctsId).filter((id): id is string => id !== null));
  return records.filter((r) => !corrected.has(r.id));
}

export function dueStatus(
  period: InspectionPeriod,
  record: InspectionRecord | null,
  nowMs: number,
  owed = true,
): DueStatus {
  if (!owed) return record ? "done" : "not_due";
  if (record) return record.inspectedMs <= period.overdueMs ? "done" : "late";
  if (nowMs < period.startMs) return "upcoming";
  if (nowMs < period.overdueMs) return "pending";
  return nowMs < period.endMs ? "overdue" : "missed";
}

export interface AssetLifetime {
  id: string;
  createdMs: number;
  retiredMs: number | null;
}

/** An asset owes an inspection for a period when it existed at the due time and was not retired before it began. */
export function isDue(asset: AssetLifetime, period: InspectionPeriod): boolean {
  return asset.createdMs <= period.dueMs && (asset.retiredMs === null || asset.retiredMs > period.startMs);
}

/** Whether the asset existed at some point of the period. */
export function existedIn(asset: AssetLifetime, period: InspectionPeriod): boolean {
  return asset.createdMs < period.endMs && (asset.retiredMs === null || asset.retiredMs > period.startMs);
}

/**
 * One row per asset per due period, in period then asset order. A period the asset did not owe still has a row
 * when the asset has a record in it (a record always counts), and with `includeNotDue` when the asset existed.
 */
export function complianceRows(
  assets: readonly AssetLifetime[],
  periods: readonly InspectionPeriod[],
  records: readonly InspectionRecord[],
  nowMs: number,
  options: { includeNotDue?: boolean } = {},
): DueRow[] {
  const byAssetPeriod = new Map<string, InspectionRecord[]>();
  for (const record of records) {
    const key = `${record.assetId}\u0000${record.periodKey}`;
    const list = byAssetPeriod.get(key) ?? [];
    list.push(record);
    byAssetPeriod.set(key, list);
  }
  const rows: DueRow[] = [];
  for (const period of periods) {
    for (const asset of assets) {
      const owed = isDue(asset, period);
      const all = byAssetPeriod.get(`${asset.id}\u0000${period.key}`) ?? [];
      if (!owed && all.length === 0 && !(options.includeNotDue && existedIn(asset, period))) continue;
      const standing = standingRecords(all).sort(
        (a, b) => a.inspectedMs - b.inspectedMs || a.recordedMs - b.recordedMs,
      );
      const record = standing.at(-1) ?? null;
      rows.push({
        assetId: asset.id,
        period,
        status: dueStatus(period, record, nowMs, owed),
        record,
        recordCount: all.length,
        owed,
      });
    }
  }
  return rows;
}

export interface ComplianceSummary {
  due: number;
  done: number;
  late: number;
  missed: number;
  overdue: number;
  pending: number;
  failed: number;
  /** Done (on time or late) out of the inspections whose time has come; null when none has. */
  compliancePct: number | null;
  /** Done on time out of the same. */
  onTimePct: number | null;
}

/** Rows of the assets that owed nothing and did nothing (not_due) are left out of every figure. */
export function summarize(allRows: readonly DueRow[]): ComplianceSummary {
  const rows = allRows.filter((r) => r.status !== "not_due");
  const count = (s: DueRow["status"]) => rows.filter((r) => r.status === s).length;
  const done = count("done");
  const late = count("late");
  const missed = count("missed");
  const overdue = count("overdue");
  const pending = count("pending") + count("upcoming");
  const decided = done + late + missed + overdue;
  const pct = (n: number) => (decided === 0 ? null : Math.round((n / decided) * 10_000) / 100);
  return {
    due: rows.length,
    done,
    late,
    missed,
    overdue,
    pending,
    failed: rows.filter((r) => r.record && !r.record.passed).length,
    compliancePct: pct(done + late),
    onTimePct: pct(done),
  };
}

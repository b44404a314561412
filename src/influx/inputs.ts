/** What the inspection service hands the sink (src/influx/ keeps no dependency on how inspections are stored). */

/** One inspection record, or a correction of one. */
export interface InspectionPoint {
  hall: string;
  /** The fire asset's id (a tag: bounded by the number of assets in a hall). */
  asset: string;
  /** e.g. "extinguisher", "hydrant". */
  assetType: string;
  recordId: string;
  inspector: string;
  passed: boolean;
  /** Checklist items that failed (empty when passed). */
  failedItems: readonly string[];
  /** Local date the inspection was due, e.g. "2026-11-30". */
  dueDate: string;
  late: boolean;
  /** The record this one corrects, or null for a first record. */
  correctsId: string | null;
  /**
   * The point's time. A correction given the corrected record's time and the same result replaces that record's
   * point in InfluxDB (same series, same time); pass the correction's own recording time to keep both.
   */
  atMs: number;
}

/** One hall's inspection figures for one period (written again as they change: the same point is replaced). */
export interface CompliancePoint {
  hall: string;
  /** Start of the inspection period (its first day's local midnight), in ms: the point's time. */
  periodStartMs: number;
  due: number;
  done: number;
  missed: number;
  pending: number;
  /** As the console shows it; when absent, done / due × 100 (nothing when due is 0). */
  compliancePct?: number | null;
}

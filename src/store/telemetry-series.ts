import { type DeviceKind, SERIES_FIELDS } from "../contract/index.js";
import { BatchInsert } from "./sql/batch-insert.js";
import type { SqlEngine } from "./sql/engine.js";

const MINUTE_MS = 60_000;
/**
 * Past this many values waiting for a flush (storage failing: five per device-minute), new points are dropped: a
 * chart, not a record.
 */
const MAX_PENDING = 200_000;
const COLUMNS = 5;

const INSERT = new BatchInsert(
  "INSERT INTO telemetry_minutes (hall_id, device_id, minute, ts_ms, values_json)",
  COLUMNS,
  " ON CONFLICT (hall_id, device_id, minute) DO NOTHING",
);
const PRUNE = "DELETE FROM telemetry_minutes WHERE minute < ?";
const SELECT = `SELECT ts_ms, values_json FROM telemetry_minutes WHERE hall_id = ? AND device_id = ?
  AND minute BETWEEN ? AND ? AND ts_ms >= ? AND ts_ms <= ? ORDER BY minute`;

/** A device as the presence tracker keeps it: the same object for every message of that device. */
export interface SeriesDevice {
  readonly hallId: string;
  readonly deviceId: string;
  readonly kind: DeviceKind;
}

export interface TelemetrySeriesOptions {
  /** Points older than this are pruned (default 7 days). */
  retentionMs?: number;
  /** How often the pruning DELETE runs at most. */
  pruneEveryMs?: number;
  now?: () => number;
}

/**
 * A bounded history of numeric telemetry for charts when there is no InfluxDB: at most one sample per device and
 * minute (the first of the minute, all its numeric fields in one row), kept `retentionMs`. The hot path (record)
 * is synchronous and touches only memory, one map lookup per message and nothing more within a minute; flush()
 * writes the samples in one transaction.
 */
export class TelemetrySeries {
  readonly retentionMs: number;
  private readonly pruneEveryMs: number;
  private readonly now: () => number;
  /** Keyed by the tracker's device object (one per device, kept while it lives): no string built per message. */
  private readonly lastMinute = new WeakMap<object, number>();
  /** Flat rows of COLUMNS values, waiting for a flush. */
  private pending: (string | number)[] = [];
  private lastPruneMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly sql: SqlEngine,
    options: TelemetrySeriesOptions = {},
  ) {
    this.retentionMs = options.retentionMs ?? 7 * 86_400_000;
    this.pruneEveryMs = options.pruneEveryMs ?? MINUTE_MS;
    this.now = options.now ?? Date.now;
  }

  /** Notes a message's values if it is the device's first in this minute; memory only, never waits. */
  record(device: SeriesDevice, tsMs: number, values: object): void {
    const minute = Math.floor(tsMs / MINUTE_MS);
    if (this.lastMinute.get(device) === minute) return;
    this.lastMinute.set(device, minute);
    const { hallId, deviceId, kind } = device;
    if (tsMs < this.now() - this.retentionMs || this.pending.length >= MAX_PENDING) return;
    const sample: Record<string, number> = {};
    let numeric = false;
    for (const field in SERIES_FIELDS[kind]) {
      const value = (values as Record<string, unknown>)[field];
      if (typeof value === "number" && Number.isFinite(value)) {
        sample[field] = value;
        numeric = true;
      }
    }
    if (numeric) this.pending.push(hallId, deviceId, minute, tsMs, JSON.stringify(sample));
  }

  /**
   * Writes the points recorded before the call in one transaction and prunes what is past the retention period.
   * Points recorded while it writes wait for the next flush; when the write fails, its points are kept for the
   * next flush (within the pending bound) and the promise rejects.
   */
  async flush(): Promise<void> {
    const rows = this.pending;
    this.pending = [];
    const nowMs = this.now();
    const lastPruneMs = this.lastPruneMs;
    const pruneDue = nowMs - lastPruneMs >= this.pruneEveryMs;
    if (rows.length === 0 && !pruneDue) return;
    if (pruneDue) this.lastPruneMs = nowMs;
    try {
      await this.sql.transaction(async (tx) => {
        await INSERT.run(tx, rows);
        if (pruneDue) await tx.run(PRUNE, [Math.floor((nowMs - this.retentionMs) / MINUTE_MS)]);
      });
    } catch (err) {
      if (pruneDue && this.lastPruneMs === nowMs) this.lastPruneMs = lastPruneMs;
      const room = MAX_PENDING - this.pending.length;
      if (room > 0) this.pending = rows.slice(0, room - (room % COLUMNS)).concat(this.pending);
      throw err;
    }
  }

  /** Points of one field in [fromMs, toMs], oldest first. */
  async range(
    hallId: string,
    deviceId: string,
    field: string,
    fromMs: number,
    toMs: number,
  ): Promise<[number, number][]> {
    const rows = await this.sql.all<{ ts_ms: number; values_json: string }>(SELECT, [
      hallId,
      deviceId,
      Math.floor(fromMs / MINUTE_MS),
      Math.floor(toMs / MINUTE_MS),
      fromMs,
      toMs,
    ]);
    const points: [number, number][] = [];
    for (const row of rows) {
      const value = (JSON.parse(row.values_json) as Record<string, unknown>)[field];
      if (typeof value === "number") points.push([row.ts_ms, value]);
    }
    return points;
  }
}

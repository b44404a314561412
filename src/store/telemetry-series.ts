import { type DeviceKind, SERIES_FIELDS } from "../contract/index.js";
import type { Db } from "./database.js";

const MINUTE_MS = 60_000;
/** Past this many points waiting for a flush (storage failing), new ones are dropped: a chart, not a record. */
const MAX_PENDING = 200_000;

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
 * A bounded history of numeric telemetry for charts when there is no InfluxDB: at most one point per device,
 * field and minute (the first of the minute), kept `retentionMs`. The hot path (record) touches only memory, one
 * map lookup per message and nothing more within a minute; flush() writes the sampled points in one transaction.
 */
export class TelemetrySeries {
  readonly retentionMs: number;
  private readonly pruneEveryMs: number;
  private readonly now: () => number;
  /** Keyed by the tracker's device object (one per device, kept while it lives): no string built per message. */
  private readonly lastMinute = new WeakMap<object, number>();
  private pending: (string | number)[] = [];
  private lastPruneMs = Number.NEGATIVE_INFINITY;
  private readonly insert;
  private readonly prune;
  private readonly select;

  constructor(
    private readonly db: Db,
    options: TelemetrySeriesOptions = {},
  ) {
    this.retentionMs = options.retentionMs ?? 7 * 86_400_000;
    this.pruneEveryMs = options.pruneEveryMs ?? MINUTE_MS;
    this.now = options.now ?? Date.now;
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO telemetry_points (hall_id, device_id, field, minute, ts_ms, value)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.prune = db.prepare("DELETE FROM telemetry_points WHERE minute < ?");
    this.select = db.prepare(
      `SELECT ts_ms, value FROM telemetry_points WHERE hall_id = ? AND device_id = ? AND field = ?
       AND minute BETWEEN ? AND ? AND ts_ms >= ? AND ts_ms <= ? ORDER BY minute`,
    );
  }

  /** Notes a message's values if it is the device's first in this minute; memory only. */
  record(device: SeriesDevice, tsMs: number, values: object): void {
    const minute = Math.floor(tsMs / MINUTE_MS);
    if (this.lastMinute.get(device) === minute) return;
    this.lastMinute.set(device, minute);
    const { hallId, deviceId, kind } = device;
    if (tsMs < this.now() - this.retentionMs || this.pending.length >= MAX_PENDING) return;
    const fields = SERIES_FIELDS[kind];
    for (const field in fields) {
      const value = (values as Record<string, unknown>)[field];
      if (typeof value === "number" && Number.isFinite(value))
        this.pending.push(hallId, deviceId, field, minute, tsMs, value);
    }
  }

  /** Writes the sampled points in one transaction and prunes what is past the retention period. */
  flush(): void {
    const rows = this.pending;
    this.pending = [];
    const nowMs = this.now();
    const pruneDue = nowMs - this.lastPruneMs >= this.pruneEveryMs;
    if (rows.length === 0 && !pruneDue) return;
    this.db.transaction(() => {
      for (let i = 0; i < rows.length; i += 6)
        this.insert.run(rows[i], rows[i + 1], rows[i + 2], rows[i + 3], rows[i + 4], rows[i + 5]);
      if (pruneDue) {
        this.prune.run(Math.floor((nowMs - this.retentionMs) / MINUTE_MS));
        this.lastPruneMs = nowMs;
      }
    })();
  }

  /** Points of one field in [fromMs, toMs], oldest first. */
  range(hallId: string, deviceId: string, field: string, fromMs: number, toMs: number): [number, number][] {
    const rows = this.select.all(
      hallId,
      deviceId,
      field,
      Math.floor(fromMs / MINUTE_MS),
      Math.floor(toMs / MINUTE_MS),
      fromMs,
      toMs,
    ) as { ts_ms: number; value: number }[];
    return rows.map((r) => [r.ts_ms, r.value]);
  }
}

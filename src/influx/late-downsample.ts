import type { InfluxDB } from "influx";
import type { Logger } from "../logging.js";
import type { HistoryPoint } from "./history-point.js";
import { MEASUREMENT } from "./schema.js";
import { CQ_RESAMPLE_FOR, downsampleSelect, retentionMs } from "./schema-setup.js";

const FIVE_MIN_MS = 300_000;

/**
 * The continuous query only recomputes the last hour. Telemetry that reaches InfluxDB later than that (an agent's
 * spool replayed after a long disconnection, or the sink's own buffer after an InfluxDB outage) is averaged here:
 * the range of such points is remembered as they are written and the query's SELECT INTO is run over it.
 */
export class LateDownsampler {
  private range: { fromMs: number; toMs: number } | null = null;
  private running = false;
  private readonly lateAfterMs = retentionMs(CQ_RESAMPLE_FOR) - FIVE_MIN_MS;

  constructor(
    private readonly influx: InfluxDB,
    private readonly database: string,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Called with every batch InfluxDB took. */
  noteWritten(points: readonly HistoryPoint[]): void {
    const lateBefore = this.now() - this.lateAfterMs;
    for (const p of points) {
      if (p.measurement !== MEASUREMENT.telemetry || p.timeMs >= lateBefore) continue;
      const fromMs = Math.floor(p.timeMs / FIVE_MIN_MS) * FIVE_MIN_MS;
      const toMs = fromMs + FIVE_MIN_MS;
      this.range = this.range
        ? { fromMs: Math.min(this.range.fromMs, fromMs), toMs: Math.max(this.range.toMs, toMs) }
        : { fromMs, toMs };
    }
  }

  get pendingRange(): { fromMs: number; toMs: number } | null {
    return this.range;
  }

  /** Averages the late range noted so far; on failure the range is kept for the next run. */
  async run(): Promise<void> {
    const range = this.range;
    if (!range || this.running) return;
    this.running = true;
    this.range = null;
    try {
      await this.influx.query(
        downsampleSelect(this.database, `time >= ${range.fromMs}000000 AND time < ${range.toMs}000000`),
      );
      this.logger.info(range, "late telemetry downsampled into telemetry_5m");
    } catch (err) {
      this.noteRange(range);
      this.logger.warn({ err: (err as Error).message }, "downsampling late telemetry failed; will retry");
    } finally {
      this.running = false;
    }
  }

  private noteRange(range: { fromMs: number; toMs: number }): void {
    this.range = this.range
      ? { fromMs: Math.min(this.range.fromMs, range.fromMs), toMs: Math.max(this.range.toMs, range.toMs) }
      : range;
  }
}

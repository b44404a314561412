import { join } from "node:path";
import { type InfluxDB, ResultError } from "influx";
import type { AggregatorEvents } from "../aggregator/events.js";
import type { AlertChange } from "../alerts/alert-service.js";
import type { HallwatchConfig } from "../config/config.js";
import type { Logger } from "../logging.js";
import type { UptimeSources } from "../reports/uptime-rows.js";
import { Backoff } from "../util/backoff.js";
import { DiskBuffer, type DiskFault } from "./disk-buffer.js";
import { cleanPoint, type HistoryPoint } from "./history-point.js";
import { createInfluxClient, influxTarget, type PointTarget } from "./influx-target.js";
import type { CompliancePoint, InspectionPoint } from "./inputs.js";
import { LateDownsampler } from "./late-downsample.js";
import { PointWriter, type PointWriterStats } from "./point-writer.js";
import { setUpSchema } from "./schema-setup.js";
import {
  alertEventPoint,
  compliancePoint,
  deviceStatePoint,
  inspectionPoint,
  telemetryPoint,
} from "./to-points.js";
import { UptimeRollup } from "./uptime-rollup.js";

type Subscribe<T> = (listener: (payload: T) => void) => () => void;

export type InfluxSettings = Omit<HallwatchConfig["influx"], "url"> & { url: string };

export interface InfluxHistoryOptions {
  influx: InfluxSettings;
  /** The buffer and the roll-up state live in `<dataDir>/influx-buffer/`. */
  dataDir: string;
  logger: Logger;
  /** e.g. `(l) => aggregator.bus.on("telemetry", l)`. */
  onTelemetry?: Subscribe<AggregatorEvents["telemetry"]>;
  onDeviceConnectivity?: Subscribe<AggregatorEvents["device_connectivity"]>;
  onAlertChanged?: Subscribe<AlertChange>;
  /** The console's uptime sources; when given, `uptime_hourly` points are written every hour. */
  uptime?: UptimeSources;
  uptimeInitialBackfillHours?: number;
  /** Tests and benchmarks: another target than the configured server (the client is still used for schema). */
  target?: PointTarget;
  retry?: { initialDelayMs: number; maxDelayMs: number };
  stopTimeoutMs?: number;
  now?: () => number;
}

export interface InfluxHistoryStats extends PointWriterStats {
  schemaReady: boolean;
  /** Why the buffer's disk refuses writes (points are then kept in memory); null while it takes them. */
  bufferDiskFault: DiskFault | null;
  pointsInMemory: number;
  uptimeLastHourEndMs: number | null;
}

const LATE_DOWNSAMPLE_EVERY_MS = 60_000;

/**
 * Hallwatch's history in InfluxDB: telemetry, device state, alert events, inspections and hourly uptime, batched,
 * retried and buffered on disk (src/influx/point-writer.ts); docs/influx.md. Off unless `influx.url` is set.
 */
export class InfluxHistory {
  readonly client: InfluxDB;
  private readonly buffer: DiskBuffer;
  private readonly writer: PointWriter;
  private readonly rollup: UptimeRollup | null;
  private readonly late: LateDownsampler;
  private readonly unsubscribe: (() => void)[] = [];
  private schemaReady = false;
  private schemaTimer: NodeJS.Timeout | null = null;
  private lateTimer: NodeJS.Timeout | null = null;
  private readyWaiters: (() => void)[] = [];
  private stopped = true;
  private readonly now: () => number;

  constructor(private readonly options: InfluxHistoryOptions) {
    const { influx, dataDir, logger } = options;
    this.now = options.now ?? Date.now;
    this.client = createInfluxClient(influx);
    const dir = join(dataDir, "influx-buffer");
    this.buffer = new DiskBuffer({ dir, maxBytes: influx.bufferMaxBytes });
    this.late = new LateDownsampler(this.client, influx.database, logger, this.now);
    this.writer = new PointWriter({
      target: options.target ?? influxTarget(this.client),
      buffer: this.buffer,
      logger,
      batchPoints: influx.batchPoints,
      flushIntervalMs: influx.flushIntervalMs,
      maxBatchesInFlight: influx.maxBatchesInFlight,
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.stopTimeoutMs !== undefined ? { stopTimeoutMs: options.stopTimeoutMs } : {}),
      ...(influx.manageSchema ? { onWritten: (points) => this.late.noteWritten(points) } : {}),
      now: this.now,
    });
    this.rollup = options.uptime
      ? new UptimeRollup({
          sources: options.uptime,
          write: (p) => this.add(p),
          stateFile: join(dir, "uptime-rollup.json"),
          logger,
          ...(options.uptimeInitialBackfillHours !== undefined
            ? { initialBackfillHours: options.uptimeInitialBackfillHours }
            : {}),
          now: this.now,
        })
      : null;
  }

  /** Resolves once every point added so far is in InfluxDB or in the on-disk buffer. */
  persisted(): Promise<void> {
    return this.writer.persisted();
  }

  /** buffer_full / buffer_recovered: the lead turns these into an alert. */
  get bus(): PointWriter["bus"] {
    return this.writer.bus;
  }

  start(): void {
    this.stopped = false;
    this.buffer.open();
    this.writer.start();
    const o = this.options;
    if (o.onTelemetry) this.unsubscribe.push(o.onTelemetry((e) => this.add(telemetryPoint(e))));
    if (o.onDeviceConnectivity)
      this.unsubscribe.push(o.onDeviceConnectivity((e) => this.add(deviceStatePoint(e))));
    if (o.onAlertChanged)
      this.unsubscribe.push(
        o.onAlertChanged((c) => {
          const point = alertEventPoint(c);
          if (point) this.add(point);
        }),
      );
    if (o.influx.manageSchema) {
      void this.setUpSchema(new Backoff({ initialDelayMs: 500, maxDelayMs: 30_000 }));
      this.lateTimer = setInterval(() => void this.late.run(), LATE_DOWNSAMPLE_EVERY_MS);
      this.lateTimer.unref();
    } else {
      this.markReady();
    }
    this.rollup?.start();
  }

  /** Resolves once the database is set up (at once with manageSchema false); points are buffered until then. */
  ready(): Promise<void> {
    if (this.schemaReady) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  writeInspection(p: InspectionPoint): void {
    this.add(inspectionPoint(p));
  }

  writeCompliance(p: CompliancePoint): void {
    this.add(compliancePoint(p));
  }

  /** Any point of the documented schema; invalid input throws, a point with no field left is skipped. */
  add(point: HistoryPoint): void {
    const clean = cleanPoint(point);
    if (clean) this.writer.add(clean);
  }

  stats(): InfluxHistoryStats {
    return {
      ...this.writer.stats(),
      schemaReady: this.schemaReady,
      bufferDiskFault: this.buffer.diskFault,
      pointsInMemory: this.buffer.memoryPoints,
      uptimeLastHourEndMs: this.rollup?.lastWrittenHourEndMs ?? null,
    };
  }

  /** Tests and benchmarks: resolves when every point so far is in InfluxDB. */
  async drained(): Promise<void> {
    await this.writer.drained();
  }

  /** Rolls up the hours completed so far (tests; the job runs by itself every 30 s). */
  async rollUpUptime(): Promise<void> {
    await this.rollup?.tick();
  }

  /** Runs the late-telemetry downsampling now (tests; it runs by itself every minute). */
  async downsampleLate(): Promise<void> {
    await this.late.run();
  }

  /** Stops taking points, writes what it can within the stop timeout, and keeps the rest on disk. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.schemaTimer) clearTimeout(this.schemaTimer);
    if (this.lateTimer) clearInterval(this.lateTimer);
    this.schemaTimer = null;
    this.lateTimer = null;
    await this.rollup?.stop();
    await this.writer.stop();
  }

  private async setUpSchema(backoff: Backoff): Promise<void> {
    const { influx, logger } = this.options;
    try {
      await setUpSchema(this.client, influx, logger);
      this.markReady();
    } catch (err) {
      if (this.stopped) return;
      if (refusedByServer(err)) {
        // Retrying cannot help (no admin rights, say): write anyway, in case the database is already set up.
        logger.error(
          { err: (err as Error).message },
          "InfluxDB refused the schema set-up; writing without it (create the database and policies yourself, or set influx.manageSchema to false)",
        );
        this.markReady();
        return;
      }
      const delayMs = backoff.nextDelayMs();
      logger.warn(
        { err: (err as Error).message, retryInMs: delayMs },
        "InfluxDB schema set-up failed; points are buffered on disk meanwhile",
      );
      this.schemaTimer = setTimeout(() => void this.setUpSchema(backoff), delayMs);
      this.schemaTimer.unref();
    }
  }

  private markReady(): void {
    this.schemaReady = true;
    this.writer.setReady(true);
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }
}

/** An answer from the server (a query error, 4xx) rather than no answer (down, unreachable, 5xx, timeout). */
function refusedByServer(err: unknown): boolean {
  if (err instanceof ResultError) return true;
  const status = (err as { res?: { statusCode?: number } })?.res?.statusCode;
  return status !== undefined && status >= 400 && status < 500;
}

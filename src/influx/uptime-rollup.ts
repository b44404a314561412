import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Logger } from "../logging.js";
import { deviceAvailability, type UptimeSources } from "../reports/uptime-rows.js";
import { isStorageError, storageErrorText } from "../store/storage-errors.js";
import { turnTaker } from "../util/turns.js";
import type { HistoryPoint } from "./history-point.js";
import { uptimePoint } from "./to-points.js";

export const HOUR_MS = 3_600_000;
const DEVICES_PER_TURN = 500;

export interface UptimeRollupOptions {
  /** The same sources GET /api/uptime uses (aggregator, halls, maintenance, around-the-clock kinds). */
  sources: UptimeSources;
  write: (point: HistoryPoint) => void;
  /** Remembers the end of the last hour written, e.g. `<dataDir>/influx-buffer/uptime-rollup.json`. */
  stateFile: string;
  logger: Logger;
  /** Hours rolled up at the very first start (no state yet); default 24. */
  initialBackfillHours?: number;
  /** Hours caught up at most after a long stop (older ones are skipped with a warning); default 31 days. */
  maxCatchUpHours?: number;
  /** How long after an hour ends it is rolled up (lets the aggregator write its last transitions); default 5 s. */
  settleMs?: number;
  checkIntervalMs?: number;
  now?: () => number;
}

interface RollupState {
  /** Every hour ending at or before this was handed to the sink. */
  lastHourEndMs: number;
}

/**
 * One `uptime_hourly` point per device per completed UTC hour, computed exactly as the console computes uptime
 * (`deviceAvailability` of src/reports/uptime-rows.ts: opening hours, maintenance, unknown time), so summing
 * the hours of a range gives the console's figures for that range. The last hour written is kept in a state file;
 * after a restart the job rewrites that hour (the same points again, which InfluxDB stores once) and goes on,
 * so a crash between handing points over and flushing them loses no hour and no hour is counted twice.
 */
export class UptimeRollup {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private lastHourEndMs: number | null = null;
  /** The state file could not be written (full disk): the hour is kept in memory and written next time. */
  private stateUnsaved = false;
  private readonly now: () => number;

  constructor(private readonly options: UptimeRollupOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    const state = this.readState();
    const nowMs = this.now();
    if (state) {
      // Rewrite the last hour: its points may not have reached InfluxDB or the buffer before a crash.
      this.lastHourEndMs = state.lastHourEndMs - HOUR_MS;
    } else {
      this.lastHourEndMs = floorHour(nowMs) - (this.options.initialBackfillHours ?? 24) * HOUR_MS;
    }
    this.timer = setInterval(() => this.tick(), this.options.checkIntervalMs ?? 30_000);
    this.timer.unref();
    this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Rolls up every completed hour not yet written; resolves when done (tests). */
  tick(): Promise<void> {
    if (!this.running) {
      this.running = this.catchUp().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  get lastWrittenHourEndMs(): number | null {
    return this.lastHourEndMs;
  }

  private async catchUp(): Promise<void> {
    const nowMs = this.now();
    const lastComplete = floorHour(nowMs - (this.options.settleMs ?? 5_000));
    let from = this.lastHourEndMs ?? lastComplete - HOUR_MS;
    const maxHours = this.options.maxCatchUpHours ?? 31 * 24;
    if ((lastComplete - from) / HOUR_MS > maxHours) {
      const skippedTo = lastComplete - maxHours * HOUR_MS;
      this.options.logger.warn(
        { fromMs: from, toMs: skippedTo },
        "uptime roll-up: hours older than the catch-up limit are not written to InfluxDB",
      );
      from = skippedTo;
    }
    const { aggregator } = this.options.sources;
    for (let hourStart = from; hourStart + HOUR_MS <= lastComplete; hourStart += HOUR_MS) {
      if (this.stopped) return;
      await aggregator.flushForReads();
      const hourEnd = hourStart + HOUR_MS;
      const computedAtMs = this.now();
      const yieldNow = turnTaker(DEVICES_PER_TURN);
      for (const device of [...aggregator.presence.allDevices()]) {
        if (device.retired) continue;
        // Each device is one query: let other work run now and then in large installations (SQLite answers
        // without yielding).
        await yieldNow();
        const figures = await deviceAvailability(
          this.options.sources,
          device,
          hourStart,
          hourEnd,
          computedAtMs,
        );
        this.options.write(
          uptimePoint({
            hallId: device.hallId,
            deviceId: device.deviceId,
            kind: device.kind,
            hourStartMs: hourStart,
            figures,
          }),
        );
      }
      this.lastHourEndMs = hourEnd;
      this.writeState({ lastHourEndMs: hourEnd });
      // Let other work run between hours while catching up.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private readState(): RollupState | null {
    try {
      const state = JSON.parse(readFileSync(this.options.stateFile, "utf8")) as RollupState;
      return Number.isSafeInteger(state.lastHourEndMs) ? state : null;
    } catch {
      return null;
    }
  }

  /**
   * Best effort: a disk that refuses the write (full, read-only) must not stop the roll-up or the process. The
   * hour stays in memory; at worst a restart before the next successful write rolls up an hour again, which
   * InfluxDB stores once.
   */
  private writeState(state: RollupState): void {
    const tmp = `${this.options.stateFile}.tmp`;
    try {
      mkdirSync(dirname(this.options.stateFile), { recursive: true });
      writeFileSync(tmp, JSON.stringify(state));
      renameSync(tmp, this.options.stateFile);
      if (this.stateUnsaved) this.options.logger.info("uptime roll-up: its state file is written again");
      this.stateUnsaved = false;
    } catch (err) {
      if (!isStorageError(err)) throw err;
      if (!this.stateUnsaved)
        this.options.logger.warn(
          { err: storageErrorText(err), file: this.options.stateFile },
          "uptime roll-up: cannot write its state file; going on, and writing it again next hour",
        );
      this.stateUnsaved = true;
    }
  }
}

export function floorHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

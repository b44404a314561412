import { statfsSync } from "node:fs";
import { EventBus } from "../aggregator/event-bus.js";
import type { Logger } from "../logging.js";
import type { Db } from "./database.js";
import { isDiskFullError, isStorageError, storageErrorText } from "./storage-errors.js";

/** One line of GET /api/health's `checks`. */
export interface HealthCheck {
  status: "ok" | "degraded" | "failing";
  detail: string;
}

export interface StorageState {
  /** SQLite takes writes and the disk has room: what is received can be stored. */
  writable: boolean;
  /** What is wrong comes from a full disk (as opposed to a read-only or failing one). */
  diskFull: boolean;
  detail: string;
}

export interface StorageEvents {
  /** The store became unwritable, or writable again. */
  storage_changed: StorageState & { atMs: number };
}

export interface StorageHealthOptions {
  db: Db;
  dataDir: string;
  logger: Logger;
  /** Below this much free space the disk counts as full (default 2 MiB: SQLite's WAL and a buffer segment). */
  minFreeBytes?: number;
  /** How often the store and the disk are checked (default 5 s; 1 s in tests). */
  probeIntervalMs?: number;
  /** A write failure reported by a writer holds the state unwritable at least this long (default 10 s). */
  holdMs?: number;
  now?: () => number;
}

/**
 * Whether Hallwatch can store what it receives: a small write to SQLite and the free space of the data directory,
 * checked every few seconds, together with the write failures any writer reports (reportFailure). Writers that
 * meet a storage error keep their data in memory and retry; this tells the rest (health, the aggregator's online
 * status, the `_system` alert) that the store is degraded, and when it recovers.
 */
export class StorageHealth {
  readonly bus: EventBus<StorageEvents>;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private probeError: string | null = null;
  private probeDiskFull = false;
  private lastReported: { detail: string; diskFull: boolean; atMs: number } | null = null;
  private freeBytes: number | null = null;
  private state: StorageState = { writable: true, diskFull: false, detail: "ok" };

  constructor(private readonly options: StorageHealthOptions) {
    this.now = options.now ?? Date.now;
    this.bus = new EventBus<StorageEvents>(options.logger);
  }

  start(): void {
    this.check();
    this.timer = setInterval(() => this.check(), this.options.probeIntervalMs ?? 5_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get current(): StorageState {
    return this.state;
  }

  /** A writer met a storage error (and kept its data in memory to retry). */
  reportFailure(err: unknown): void {
    if (!isStorageError(err)) return;
    this.lastReported = { detail: storageErrorText(err), diskFull: isDiskFullError(err), atMs: this.now() };
    this.update();
  }

  /** The `store` and `disk` lines of the health checks. */
  checks(): { store: HealthCheck; disk: HealthCheck } {
    const free = this.freeBytes;
    const diskLow = free !== null && free < this.minFreeBytes;
    const diskText = free === null ? "free space unknown" : `${Math.floor(free / 1024)} KiB free`;
    const fullFromWrites = !this.state.writable && this.state.diskFull;
    return {
      store: this.state.writable
        ? { status: "ok", detail: "SQLite takes writes" }
        : { status: "failing", detail: `cannot write: ${this.state.detail}; kept in memory and retried` },
      disk:
        diskLow || fullFromWrites
          ? { status: "failing", detail: `data directory full: ${diskText}` }
          : { status: "ok", detail: diskText },
    };
  }

  /** Checks now (tests; the timer does it every probeIntervalMs). */
  check(): void {
    try {
      const stats = statfsSync(this.options.dataDir);
      this.freeBytes = stats.bavail * stats.bsize;
    } catch {
      this.freeBytes = null;
    }
    try {
      const db = this.options.db;
      db.exec("CREATE TABLE IF NOT EXISTS storage_probe (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL)");
      db.prepare("INSERT OR REPLACE INTO storage_probe (id, at_ms) VALUES (1, ?)").run(this.now());
      this.probeError = null;
      this.probeDiskFull = false;
    } catch (err) {
      if (!isStorageError(err)) throw err;
      this.probeError = storageErrorText(err);
      this.probeDiskFull = isDiskFullError(err);
    }
    this.update();
  }

  private get minFreeBytes(): number {
    return this.options.minFreeBytes ?? 2 * 1024 * 1024;
  }

  private update(): void {
    const nowMs = this.now();
    const reported =
      this.lastReported && nowMs - this.lastReported.atMs < (this.options.holdMs ?? 10_000)
        ? this.lastReported
        : null;
    const diskLow = this.freeBytes !== null && this.freeBytes < this.minFreeBytes;
    let next: StorageState;
    if (this.probeError) next = { writable: false, diskFull: this.probeDiskFull, detail: this.probeError };
    else if (reported) next = { writable: false, diskFull: reported.diskFull, detail: reported.detail };
    else if (diskLow)
      next = {
        writable: false,
        diskFull: true,
        detail: `only ${this.freeBytes} bytes free in the data directory`,
      };
    else next = { writable: true, diskFull: false, detail: "ok" };
    const changed = next.writable !== this.state.writable || next.diskFull !== this.state.diskFull;
    this.state = next;
    if (!changed) return;
    if (next.writable) this.options.logger.warn("storage takes writes again");
    else
      this.options.logger.error(
        { detail: next.detail },
        "storage cannot take writes: degraded (data kept in memory, retried; admins alerted)",
      );
    this.bus.emit("storage_changed", { ...next, atMs: nowMs });
  }
}

import { statfsSync } from "node:fs";
import { EventBus } from "../aggregator/event-bus.js";
import type { Logger } from "../logging.js";
import type { SqlEngine } from "./sql/engine.js";
import { errorMessage, redactUrls } from "./sql/error-text.js";
import { isDiskFullError, isStorageError, storageErrorText } from "./storage-errors.js";

/** One line of GET /api/health's `checks`. */
export interface HealthCheck {
  status: "ok" | "degraded" | "failing";
  detail: string;
}

export interface StorageState {
  /** The database (SQLite or PostgreSQL) takes writes and the data directory has room: what arrives can be stored. */
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
  /** The system of record, probed with a small write through the SQL port. */
  sql: SqlEngine;
  /** Its free space is checked on either engine: the ingest log and the InfluxDB buffer live here. */
  dataDir: string;
  logger: Logger;
  /** Below this much free space the disk counts as full (default 2 MiB: SQLite's WAL and a buffer segment). */
  minFreeBytes?: number;
  /** How often the store and the disk are checked (default 5 s; 1 s in tests). */
  probeIntervalMs?: number;
  /** A write failure reported by a writer holds the state unwritable at least this long (default 10 s). */
  holdMs?: number;
  /** A probe the database has not answered within this long counts as unreachable (default 5 s). */
  probeTimeoutMs?: number;
  now?: () => number;
}

// The probe's one row, written by every node: a write both engines accept (a read-only PostgreSQL standby refuses it).
// The table is created at run time, not by a migration (see SQLITE_ONLY_TABLES in sql/copy-to-postgres.ts).
const PROBE_TABLE: Record<SqlEngine["dialect"], string> = {
  sqlite: "CREATE TABLE IF NOT EXISTS storage_probe (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL)",
  postgres: "CREATE TABLE IF NOT EXISTS storage_probe (id INTEGER PRIMARY KEY, at_ms BIGINT NOT NULL)",
};
const PROBE_WRITE =
  "INSERT INTO storage_probe (id, at_ms) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at_ms = excluded.at_ms";
/** Two nodes creating the table at once: PostgreSQL may fail the loser with duplicate_table or unique_violation. */
const PG_CREATED_CONCURRENTLY = new Set(["42P07", "23505"]);

/**
 * Whether Hallwatch can store what it receives: a small write to the database (SQLite or PostgreSQL) and the free
 * space of the data directory, checked every few seconds, together with the write failures any writer reports
 * (reportFailure). Writers that meet a storage error keep their data in memory and retry; this tells the rest
 * (health, the aggregator's online status, the `_system` alert) that the store is degraded, and when it recovers.
 * On PostgreSQL a database that cannot be reached, or does not answer within probeTimeoutMs, counts as unwritable.
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
  private probeTableReady = false;
  /** The probe's write still waiting for the database (never two at once: a hung server does not pile them up). */
  private pendingWrite: Promise<void> | null = null;
  private checking: Promise<void> | null = null;

  constructor(private readonly options: StorageHealthOptions) {
    this.now = options.now ?? Date.now;
    this.bus = new EventBus<StorageEvents>(options.logger);
  }

  /** Checks once (resolved when the current state is known), then every probeIntervalMs. */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => {
      this.check().catch((err: unknown) => this.options.logger.error({ err }, "storage check failed"));
    }, this.options.probeIntervalMs ?? 5_000);
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
        ? {
            status: "ok",
            detail: `${this.options.sql.dialect === "postgres" ? "PostgreSQL" : "SQLite"} takes writes`,
          }
        : { status: "failing", detail: `cannot write: ${this.state.detail}; kept in memory and retried` },
      disk:
        diskLow || fullFromWrites
          ? { status: "failing", detail: `data directory full: ${diskText}` }
          : { status: "ok", detail: diskText },
    };
  }

  /**
   * Checks now (tests; the timer does it every probeIntervalMs); a check already running is joined. Rejects only on
   * SQLite with an error that is not a storage error (a bug); on PostgreSQL any failure is the database's state.
   */
  check(): Promise<void> {
    if (!this.checking)
      this.checking = this.probe().finally(() => {
        this.checking = null;
      });
    return this.checking;
  }

  private async probe(): Promise<void> {
    try {
      const stats = statfsSync(this.options.dataDir);
      this.freeBytes = stats.bavail * stats.bsize;
    } catch {
      this.freeBytes = null;
    }
    try {
      await this.probeWrite();
      this.probeError = null;
      this.probeDiskFull = false;
    } catch (err) {
      if (isStorageError(err)) {
        this.probeError = redactUrls(storageErrorText(err));
        this.probeDiskFull = isDiskFullError(err);
      } else if (this.options.sql.dialect === "postgres" || err instanceof ProbeTimeout) {
        this.probeError = `database unreachable: ${redactUrls(errorMessage(err))}`;
        this.probeDiskFull = false;
      } else throw err;
    }
    this.update();
  }

  /** The probe's write, or the one still pending from an earlier check, within probeTimeoutMs. */
  private async probeWrite(): Promise<void> {
    if (!this.pendingWrite) {
      const write = this.write().finally(() => {
        if (this.pendingWrite === write) this.pendingWrite = null;
      });
      this.pendingWrite = write;
    }
    const timeoutMs = this.options.probeTimeoutMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProbeTimeout(`no answer within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
    });
    try {
      await Promise.race([this.pendingWrite, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async write(): Promise<void> {
    const sql = this.options.sql;
    if (this.probeTableReady) {
      try {
        await sql.run(PROBE_WRITE, [this.now()]);
        return;
      } catch (err) {
        // Made sure of again after any failure: a database restored, failed over or recreated may not have it.
        this.probeTableReady = false;
        if (!isMissingTable(err)) throw err;
      }
    }
    try {
      await sql.run(PROBE_TABLE[sql.dialect]);
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      if (!(sql.dialect === "postgres" && typeof code === "string" && PG_CREATED_CONCURRENTLY.has(code)))
        throw err;
    }
    this.probeTableReady = true;
    await sql.run(PROBE_WRITE, [this.now()]);
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

class ProbeTimeout extends Error {}

function isMissingTable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === "42P01" || (typeof e?.message === "string" && /no such table/i.test(e.message));
}

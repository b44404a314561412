import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Logger } from "../logging.js";
import type { Db } from "./database.js";
import {
  WAL_CHECKPOINT_THREAD_SOURCE,
  type WalCheckpointMessage,
  type WalCheckpointThreadData,
} from "./wal-checkpoint-thread.js";

/** SQLite's own default, put back on the main connection when the checkpoint thread is gone. */
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

export interface WalCheckpointerOptions {
  logger: Logger;
  /** How often the thread runs a PASSIVE checkpoint (default 1000). */
  intervalMs?: number;
  /** A WAL holding more than this after the PASSIVE checkpoint is TRUNCATEd (default 64 MiB). */
  walLimitBytes?: number;
  /** How long the thread's TRUNCATE waits for readers while it holds the write lock (default 100). */
  busyTimeoutMs?: number;
  /** How long stop() waits for the thread's last checkpoint before terminating it (default 5000). */
  stopTimeoutMs?: number;
}

export interface WalCheckpointStats {
  running: boolean;
  /** Checkpoints the thread ran (PASSIVE and TRUNCATE), busy or not. */
  checkpoints: number;
  /** TRUNCATE checkpoints run because the WAL was past the limit. */
  truncations: number;
  /** Checkpoints that could not finish because a reader or writer held the WAL. */
  busyCheckpoints: number;
  /** Checkpoints that failed (busy, disk full, I/O error) plus deaths of the thread. */
  failures: number;
  /** Pages in the WAL at the last checkpoint, and how many of them it had copied into the database. */
  lastWalPages: number | null;
  lastCheckpointedPages: number | null;
  lastDurationMs: number | null;
  /** The thread died: the main connection checkpoints itself again (wal_autocheckpoint 1000). */
  fallbackActive: boolean;
}

/**
 * Runs SQLite's WAL checkpoints on a worker thread with its own connection, so no commit on the main connection
 * (the aggregator's event loop) copies and syncs the WAL. While it runs the main connection's autocheckpoint is
 * off; if the thread dies, autocheckpoint is turned back on so the WAL cannot grow without bound.
 * A no-op for in-memory and temporary databases (no WAL).
 */
export class WalCheckpointer {
  private worker: Worker | null = null;
  private stopRequested = false;
  private stopping: Promise<void> | null = null;
  private failureStreak = 0;
  private readonly counts: WalCheckpointStats = {
    running: false,
    checkpoints: 0,
    truncations: 0,
    busyCheckpoints: 0,
    failures: 0,
    lastWalPages: null,
    lastCheckpointedPages: null,
    lastDurationMs: null,
    fallbackActive: false,
  };

  constructor(
    private readonly db: Db,
    private readonly options: WalCheckpointerOptions,
  ) {}

  start(): void {
    if (this.worker || !this.hasWal()) return;
    this.db.pragma("wal_autocheckpoint = 0");
    const data: WalCheckpointThreadData = {
      path: this.db.name,
      betterSqlite3Path: createRequire(import.meta.url).resolve("better-sqlite3"),
      intervalMs: this.options.intervalMs ?? 1000,
      walLimitBytes: this.options.walLimitBytes ?? 64 * 1024 * 1024,
      busyTimeoutMs: this.options.busyTimeoutMs ?? 100,
    };
    const worker = new Worker(WAL_CHECKPOINT_THREAD_SOURCE, { eval: true, workerData: data });
    // A forgotten stop() must not keep the process alive; stop() refs it again to finish the last checkpoint.
    worker.unref();
    worker.on("message", (message: WalCheckpointMessage) => this.received(message));
    worker.on("error", (err) => this.options.logger.error({ err }, "WAL checkpoint thread failed"));
    worker.on("exit", (code) => this.exited(worker, code));
    this.worker = worker;
    this.stopRequested = false;
    this.stopping = null;
    this.counts.running = true;
    this.counts.fallbackActive = false;
  }

  /** Ends the thread after a last PASSIVE checkpoint; safe to call twice or without start(). */
  stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    this.stopping ??= new Promise<void>((resolve) => {
      this.stopRequested = true;
      worker.ref();
      const timeout = setTimeout(() => void worker.terminate(), this.options.stopTimeoutMs ?? 5000);
      worker.once("exit", () => {
        clearTimeout(timeout);
        resolve();
      });
      worker.postMessage({ type: "stop" });
    });
    return this.stopping;
  }

  stats(): WalCheckpointStats {
    return { ...this.counts };
  }

  /** Test hook: kills the thread as a crash would (exit code 1). */
  async terminateForTest(): Promise<void> {
    await this.worker?.terminate();
  }

  private hasWal(): boolean {
    if (this.db.memory || this.db.name === "") return false;
    return this.db.pragma("journal_mode", { simple: true }) === "wal";
  }

  private received(message: WalCheckpointMessage): void {
    if (message.type === "error") {
      this.failed(message.code, message.message);
      return;
    }
    this.counts.checkpoints += 1;
    if (message.mode === "TRUNCATE") this.counts.truncations += 1;
    if (message.busy) this.counts.busyCheckpoints += 1;
    this.counts.lastWalPages = message.walPages;
    this.counts.lastCheckpointedPages = message.checkpointedPages;
    this.counts.lastDurationMs = message.durationMs;
    if (this.failureStreak > 0) {
      this.options.logger.info({ failures: this.failureStreak }, "WAL checkpoints work again");
      this.failureStreak = 0;
    }
  }

  /** The first failure of a streak is a warning; the rest (one per interval while the disk is full) debug. */
  private failed(code: string | null, message: string): void {
    this.counts.failures += 1;
    this.failureStreak += 1;
    const level = this.failureStreak === 1 ? "warn" : "debug";
    this.options.logger[level](
      { err: { code, message }, failures: this.failureStreak },
      "WAL checkpoint failed; tried again at the next interval",
    );
  }

  private exited(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.counts.running = false;
    if (this.stopRequested) {
      this.restoreAutocheckpoint();
      return;
    }
    this.counts.failures += 1;
    this.counts.fallbackActive = this.restoreAutocheckpoint();
    this.options.logger.error(
      { exitCode: code, fallbackActive: this.counts.fallbackActive },
      "WAL checkpoint thread died; the main connection checkpoints the WAL itself again",
    );
  }

  /** So the WAL cannot grow without bound once nothing else checkpoints it; false if the connection is closed. */
  private restoreAutocheckpoint(): boolean {
    if (!this.db.open) return false;
    this.db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
    return true;
  }
}

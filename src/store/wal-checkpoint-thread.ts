/** What the checkpoint thread is given (workerData). */
export interface WalCheckpointThreadData {
  path: string;
  /** Resolved by the main thread, so the eval'd thread needs no module resolution of its own. */
  betterSqlite3Path: string;
  intervalMs: number;
  walLimitBytes: number;
  busyTimeoutMs: number;
}

/** What the checkpoint thread posts to the main thread. */
export type WalCheckpointMessage =
  | {
      type: "checkpoint";
      mode: "PASSIVE" | "TRUNCATE";
      busy: boolean;
      walPages: number;
      checkpointedPages: number;
      durationMs: number;
    }
  | { type: "error"; code: string | null; message: string };

/**
 * The thread's code, plain CommonJS run with `eval: true`: it needs nothing but better-sqlite3, so it runs the same
 * under tsx, vitest or compiled JavaScript, with no worker file to locate next to this module.
 *
 * Every interval: a PASSIVE checkpoint (never waits for a lock, so the main connection's writes are not held up),
 * then TRUNCATE only when the WAL still holds more than the limit (readers kept PASSIVE from finishing). TRUNCATE
 * holds the write lock while it waits for readers, which is why the thread's busy timeout is short. An error closes
 * the connection (an I/O error may leave it unusable); the next interval opens it again.
 */
export const WAL_CHECKPOINT_THREAD_SOURCE = `
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.betterSqlite3Path);
let db = null;
let timer = null;
let stopping = false;

function connection() {
  if (db === null) db = new Database(workerData.path, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
  return db;
}

function closeQuietly() {
  try {
    if (db !== null) db.close();
  } catch {}
  db = null;
}

function report(err) {
  const code = err && typeof err.code === "string" ? err.code : null;
  parentPort.postMessage({ type: "error", code, message: String((err && err.message) || err) });
  closeQuietly();
}

function checkpoint(mode) {
  const started = performance.now();
  const row = connection().pragma("wal_checkpoint(" + mode + ")")[0];
  parentPort.postMessage({
    type: "checkpoint",
    mode,
    busy: row.busy !== 0,
    walPages: row.log,
    checkpointedPages: row.checkpointed,
    durationMs: performance.now() - started,
  });
  return row;
}

function tick() {
  timer = null;
  try {
    const row = checkpoint("PASSIVE");
    const pageSizeBytes = connection().pragma("page_size", { simple: true });
    if (row.log * pageSizeBytes > workerData.walLimitBytes) checkpoint("TRUNCATE");
  } catch (err) {
    report(err);
  }
  if (!stopping) timer = setTimeout(tick, workerData.intervalMs);
}

parentPort.on("message", (message) => {
  if (message.type !== "stop" || stopping) return;
  stopping = true;
  if (timer !== null) clearTimeout(timer);
  try {
    checkpoint("PASSIVE");
  } catch (err) {
    report(err);
  }
  closeQuietly();
  parentPort.close();
});

timer = setTimeout(tick, workerData.intervalMs);
`;

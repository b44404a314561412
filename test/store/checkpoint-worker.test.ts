import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Logger } from "../../src/logging.js";
import { WalCheckpointer } from "../../src/store/checkpoint-worker.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { waitFor } from "../helpers/wait.js";

const PAGE_BYTES = 4096;
const ROWS = 3000;
/** Long enough that the thread never checkpoints while a test writes. */
const NEVER_MS = 3_600_000;

function capturingLogger(): { logger: Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** One small commit per row, each about one page of blob: ROWS commits, well past 1,000 WAL pages. */
function writeRows(db: Db, from: number, count: number): void {
  const insert = db.prepare("INSERT INTO wal_test (id, body) VALUES (?, randomblob(3500))");
  for (let i = from; i < from + count; i++) insert.run(i);
}

function walPages(path: string): number {
  try {
    return Math.floor(statSync(`${path}-wal`).size / PAGE_BYTES);
  } catch {
    return 0;
  }
}

describe("WalCheckpointer", () => {
  let dir: string;
  let path: string;
  let db: Db;
  let checkpointer: WalCheckpointer | null;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hallwatch-wal-"));
    path = join(dir, "hallwatch.db");
    db = openDatabase(path);
    db.exec("CREATE TABLE wal_test (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
    checkpointer = null;
  });

  afterEach(async () => {
    await checkpointer?.stop();
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps checkpoints off the main connection's commits and runs them on the thread", async () => {
    const { logger } = capturingLogger();
    checkpointer = new WalCheckpointer(db, { logger, intervalMs: NEVER_MS });
    checkpointer.start();
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(0);

    writeRows(db, 0, ROWS);
    // With SQLite's autocheckpoint a commit past 1,000 pages would have checkpointed and the WAL restarted.
    expect(walPages(path)).toBeGreaterThan(2000);
    expect(checkpointer.stats().checkpoints).toBe(0);

    await checkpointer.stop();
    const stats = checkpointer.stats();
    expect(stats.checkpoints).toBe(1);
    expect(stats.lastWalPages).toBeGreaterThan(2000);
    expect(stats.lastCheckpointedPages).toBe(stats.lastWalPages);
  });

  it("checkpoints every interval, and truncates a WAL a reader kept past the limit", async () => {
    const { logger } = capturingLogger();
    checkpointer = new WalCheckpointer(db, { logger, intervalMs: 50, walLimitBytes: 1024 * 1024 });
    checkpointer.start();
    await waitFor(() => checkpointer!.stats().checkpoints >= 2, "two periodic checkpoints");

    // A read transaction's snapshot keeps PASSIVE from copying what was written after it.
    const reader = new BetterSqlite3(path);
    reader.exec("BEGIN");
    reader.prepare("SELECT count(*) FROM wal_test").get();
    writeRows(db, 0, ROWS);
    await waitFor(() => (checkpointer!.stats().lastWalPages ?? 0) > 2000, "a checkpoint of the grown WAL");
    expect(walPages(path)).toBeGreaterThan(2000);
    reader.exec("COMMIT");
    reader.close();

    await waitFor(() => walPages(path) === 0, "the WAL file truncated");
    expect(checkpointer.stats().truncations).toBeGreaterThan(0);
    expect(checkpointer.stats().failures).toBe(0);
  });

  it("loses nothing: every row is there after stop() and a reopen", async () => {
    const { logger } = capturingLogger();
    checkpointer = new WalCheckpointer(db, { logger, intervalMs: 20 });
    checkpointer.start();
    writeRows(db, 0, 500);
    await waitFor(() => checkpointer!.stats().checkpoints >= 1, "a checkpoint");
    writeRows(db, 500, 500);
    await checkpointer.stop();
    db.close();

    db = openDatabase(path);
    expect(db.prepare("SELECT count(*) AS n, sum(length(body)) AS bytes FROM wal_test").get()).toEqual({
      n: 1000,
      bytes: 1000 * 3500,
    });
  });

  it("falls back to SQLite's autocheckpoint when the thread dies", async () => {
    const { logger, lines } = capturingLogger();
    checkpointer = new WalCheckpointer(db, { logger, intervalMs: 50 });
    checkpointer.start();
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(0);

    await checkpointer.terminateForTest();
    await waitFor(() => checkpointer!.stats().fallbackActive, "the fallback");
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    expect(checkpointer.stats()).toMatchObject({ running: false, failures: 1 });
    expect(lines.some((l) => l.level === 50 && /checkpoint thread died/.test(l.msg))).toBe(true);
    await checkpointer.stop();
  });

  it("reports a failing checkpoint, counts it and tries again at the next interval", async () => {
    const { logger, lines } = capturingLogger();
    checkpointer = new WalCheckpointer(db, { logger, intervalMs: 200 });
    checkpointer.start();
    // Gone before the thread's first interval: it opens with fileMustExist, so every interval fails to open.
    db.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
    await waitFor(() => checkpointer!.stats().failures >= 3, "repeated failures");
    expect(checkpointer.stats()).toMatchObject({ running: true, checkpoints: 0, fallbackActive: false });
    const warnings = lines.filter((l) => l.level === 40 && /checkpoint failed/.test(l.msg));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).toContain("SQLITE_CANTOPEN");
  });

  it("stop() is idempotent and quick", async () => {
    const { logger } = capturingLogger();
    checkpointer = new WalCheckpointer(db, { logger, intervalMs: 50 });
    checkpointer.start();
    const started = Date.now();
    await Promise.all([checkpointer.stop(), checkpointer.stop()]);
    await checkpointer.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(checkpointer.stats().running).toBe(false);
  });

  it("is a no-op for an in-memory database", async () => {
    const memory = openDatabase(":memory:");
    const { logger } = capturingLogger();
    const idle = new WalCheckpointer(memory, { logger, intervalMs: 50 });
    idle.start();
    expect(idle.stats().running).toBe(false);
    await idle.stop();
    await idle.stop();
    memory.close();
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../../../src/store/database.js";
import { SqliteEngine } from "../../../src/store/sql/sqlite-engine.js";

describe("SqliteEngine waits for a write lock another connection holds without holding the event loop", () => {
  let dir = "";
  let db: Db | undefined;
  let other: BetterSqlite3.Database | undefined;
  afterEach(() => {
    other?.close();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function open(busyTimeoutMs: number): { engine: SqliteEngine; main: Db; holder: BetterSqlite3.Database } {
    dir = mkdtempSync(join(tmpdir(), "hallwatch-lock-"));
    const path = join(dir, "hallwatch.db");
    const main = openDatabase(path);
    db = main;
    main.pragma(`busy_timeout = ${busyTimeoutMs}`);
    main.exec("CREATE TABLE t (k INTEGER PRIMARY KEY)");
    // The checkpoint thread's TRUNCATE, or any other writer: a second connection holding the write lock.
    const holder = new BetterSqlite3(path);
    other = holder;
    holder.exec("BEGIN IMMEDIATE");
    return { engine: new SqliteEngine(main), main, holder };
  }

  it("timers and I/O run while it waits, and the transaction commits once the lock is free", async () => {
    const { engine, main, holder } = open(5_000);
    const ticks: number[] = [];
    const ticking = setInterval(() => ticks.push(ticks.length), 5);
    setTimeout(() => holder.exec("COMMIT"), 100);
    await engine.transaction(async (tx) => {
      await tx.run("INSERT INTO t (k) VALUES (1)");
    });
    clearInterval(ticking);
    // The lock was freed by a timer on this thread: had BEGIN slept in SQLite's busy handler, that timer could
    // not have run and the transaction would have failed with SQLITE_BUSY after 5 s.
    expect(ticks.length).toBeGreaterThan(3);
    expect((main.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n).toBe(1);
    expect(main.pragma("busy_timeout", { simple: true })).toBe(5_000);
  });

  it("gives up with SQLITE_BUSY after the connection's busy timeout, and the engine goes on", async () => {
    const { engine, main, holder } = open(200);
    await expect(
      engine.transaction(async (tx) => tx.run("INSERT INTO t (k) VALUES (1)")),
    ).rejects.toMatchObject({
      code: "SQLITE_BUSY",
    });
    holder.exec("ROLLBACK");
    await engine.transaction(async (tx) => tx.run("INSERT INTO t (k) VALUES (2)"));
    expect((main.prepare("SELECT k FROM t").all() as { k: number }[]).map((r) => r.k)).toEqual([2]);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logging.js";
import type { SqlEngine, SqlExecutor } from "../../src/store/sql/engine.js";
import { PostgresEngine } from "../../src/store/sql/postgres-engine.js";
import { migratePostgres } from "../../src/store/sql/postgres-migrations.js";
import { type StorageEvents, StorageHealth } from "../../src/store/storage-health.js";
import { describeEachEngine } from "../helpers/engines.js";
import { requireInCi } from "../helpers/external-servers.js";
import { fillable } from "../helpers/failing-engine.js";
import { PG_BIN, type PostgresServer, startPostgres } from "../helpers/postgres.js";
import { waitFor } from "../helpers/wait.js";

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-storage-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describeEachEngine("storage health", (fresh, engine) => {
  const running: StorageHealth[] = [];
  afterEach(() => {
    for (const s of running.splice(0)) s.stop();
  });
  const health = (sql: SqlEngine, over: Partial<ConstructorParameters<typeof StorageHealth>[0]> = {}) => {
    const storage = new StorageHealth({ sql, dataDir: dataDir(), logger: silentLogger(), ...over });
    running.push(storage);
    return storage;
  };

  it("a database that takes writes and a data directory with room: writable, by a small write through the port", async () => {
    const sql = await fresh();
    const storage = health(sql, { now: () => 1_700_000_000_000 });
    await storage.start();
    expect(storage.current).toEqual({ writable: true, diskFull: false, detail: "ok" });
    const checks = storage.checks();
    expect(checks.store).toEqual({
      status: "ok",
      detail: engine === "postgres" ? "PostgreSQL takes writes" : "SQLite takes writes",
    });
    expect(checks.disk.status).toBe("ok");
    expect(checks.disk.detail).toMatch(/KiB free$/);
    // The probe really wrote, and a second probe (of this node or another) overwrites the same row.
    const row = await sql.get<{ at_ms: number }>("SELECT at_ms FROM storage_probe WHERE id = 1");
    expect(row?.at_ms).toBe(1_700_000_000_000);
    await health(sql, { now: () => 1_700_000_000_500 }).check();
    expect(await sql.all("SELECT at_ms FROM storage_probe")).toEqual([{ at_ms: 1_700_000_000_500 }]);
  });

  it("a database that refuses writes makes it unwritable, announced once, and writable again when it takes them", async () => {
    const sql = fillable(await fresh());
    const storage = health(sql);
    const changes: StorageEvents["storage_changed"][] = [];
    storage.bus.on("storage_changed", (e) => changes.push(e));
    await storage.check();
    sql.full = true;
    await storage.check();
    await storage.check();
    expect(storage.current.writable).toBe(false);
    expect(storage.current.detail).toMatch(engine === "postgres" ? /^53100: / : /^SQLITE_FULL: /);
    expect(storage.checks().store.status).toBe("failing");
    sql.full = false;
    await storage.check();
    expect(storage.current).toEqual({ writable: true, diskFull: false, detail: "ok" });
    expect(changes.map((c) => c.writable)).toEqual([false, true]);
  });

  it("a database that lost the probe's table (restored, failed over) stays writable: the table is made again", async () => {
    const sql = await fresh();
    const storage = health(sql);
    await storage.check();
    await sql.run("DROP TABLE storage_probe");
    await storage.check();
    expect(storage.current).toEqual({ writable: true, diskFull: false, detail: "ok" });
    expect(await sql.all("SELECT id FROM storage_probe")).toEqual([{ id: 1 }]);
  });

  it("too little free space in the data directory makes it unwritable with the disk full, on either engine", async () => {
    const storage = health(await fresh(), { minFreeBytes: Number.MAX_SAFE_INTEGER });
    await storage.check();
    expect(storage.current).toMatchObject({ writable: false, diskFull: true });
    expect(storage.current.detail).toMatch(/^only \d+ bytes free in the data directory$/);
    expect(storage.checks().disk.status).toBe("failing");
  });

  it("a write failure a writer reports holds it unwritable for holdMs, even while the probe succeeds", async () => {
    let nowMs = 1_000;
    const storage = health(await fresh(), { holdMs: 10_000, now: () => nowMs });
    await storage.check();
    storage.reportFailure(Object.assign(new Error("disk I/O error"), { code: "SQLITE_IOERR" }));
    storage.reportFailure(new Error("not a storage error")); // ignored
    expect(storage.current).toMatchObject({ writable: false, detail: "SQLITE_IOERR: disk I/O error" });
    nowMs += 9_000;
    await storage.check();
    expect(storage.current.writable).toBe(false);
    nowMs += 2_000;
    await storage.check();
    expect(storage.current.writable).toBe(true);
  });

  it("a probe the database does not answer counts as unreachable after probeTimeoutMs, without piling up probes", async () => {
    const sql = await fresh();
    let hang = true;
    let writes = 0;
    const hanging: SqlEngine = {
      dialect: sql.dialect,
      all: (s, p) => sql.all(s, p),
      get: (s, p) => sql.get(s, p),
      run: (s, p) => {
        writes += 1;
        return hang ? new Promise(() => {}) : sql.run(s, p);
      },
      transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) => sql.transaction(fn),
      close: () => sql.close(),
    };
    const storage = health(hanging, { probeTimeoutMs: 100 });
    await storage.check();
    expect(storage.current.writable).toBe(false);
    expect(storage.current.detail).toBe("database unreachable: no answer within 100 ms");
    await storage.check();
    expect(writes).toBe(1); // the first probe is still waiting: no second one behind it
    hang = false;
  });
});

describe.skipIf(!requireInCi(PG_BIN, "PostgreSQL"))("storage health on a PostgreSQL that goes away", () => {
  let server: PostgresServer;
  let sql: PostgresEngine;
  let storage: StorageHealth | null = null;
  const PASSWORD = "pw-never-shown-7Q";

  beforeAll(async () => {
    server = await startPostgres();
    const url = new URL(await server.createDatabase());
    url.password = PASSWORD; // the test server trusts loopback connections: a password is sent, never checked
    sql = new PostgresEngine({ connectionString: url.toString() });
    await migratePostgres(sql);
  }, 60_000);

  afterAll(async () => {
    storage?.stop();
    await sql?.close();
    await server?.stop();
  });

  it("goes unwritable within the probe interval when the server dies (detail: database unreachable, no password), writable again when it is back", async () => {
    storage = new StorageHealth({ sql, dataDir: dataDir(), logger: silentLogger(), probeIntervalMs: 200 });
    const changes: StorageEvents["storage_changed"][] = [];
    storage.bus.on("storage_changed", (e) => changes.push(e));
    await storage.start();
    expect(storage.current.writable).toBe(true);

    await server.kill();
    const down = Date.now();
    await waitFor(() => storage?.current.writable === false, "unwritable", 3_000);
    expect(Date.now() - down).toBeLessThan(1_500);
    expect(storage.current.detail).toMatch(/^database unreachable: /);
    expect(storage.current.detail).not.toContain(PASSWORD);
    expect(storage.checks().store).toMatchObject({ status: "failing" });
    expect(storage.checks().store.detail).not.toContain(PASSWORD);

    await server.restart();
    await waitFor(() => storage?.current.writable === true, "writable again", 5_000);
    expect(storage.current).toEqual({ writable: true, diskFull: false, detail: "ok" });
    expect(changes.map((c) => c.writable)).toEqual([false, true]);
  }, 30_000);
});

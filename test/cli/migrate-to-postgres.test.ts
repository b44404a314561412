import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemo } from "../../src/app/demo.js";
import { createEmbeddedBroker } from "../../src/app/embedded-broker.js";
import { HallwatchServer } from "../../src/app/server.js";
import { parseConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logging.js";
import { openDatabase } from "../../src/store/database.js";
import { requireInCi } from "../helpers/external-servers.js";
import { freePort } from "../helpers/free-port.js";
import { PG_BIN, type PostgresServer, startPostgres } from "../helpers/postgres.js";
import { sleep } from "../helpers/wait.js";

const exec = promisify(execFile);
const run = requireInCi(PG_BIN, "PostgreSQL");
const root = mkdtempSync(join(tmpdir(), "hallwatch-migrate-"));
const dataDir = join(root, "data");
const PASSWORD = "Pg-Secret-4711";
// 2^53 + 1: a value a JavaScript number cannot hold, so the copy must not pass through one.
const HUGE_MS = "9007199254740993";

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The commands exactly as docs/migrate-to-postgres.md gives them (npm run hallwatch -- …). */
async function hallwatch(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec("npm", ["run", "--silent", "hallwatch", "--", ...args], {
      env: { ...process.env, HALLWATCH_DATA_DIR: "" },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** The same CLI without npm, as the other CLI tests run it. */
async function cli(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec("npx", ["tsx", "src/cli/hallwatch.ts", ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** A few seconds of the demo hall, so the source holds what a running Hallwatch writes. */
async function runDemoBriefly(): Promise<void> {
  const config = parseConfig({
    dataDir,
    logLevel: "silent",
    http: { port: 0 },
    mqtt: { host: "127.0.0.1", port: 0 },
    demo: { controlPort: 0 },
    auth: { adminPassword: "Migrate-Test-Admin-1" },
  });
  const server = new HallwatchServer(config, silentLogger(), {
    createBroker: createEmbeddedBroker,
    createDemo,
  });
  await server.start();
  await sleep(2500);
  await server.stop();
}

interface Column {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

/** One generic row in every table the demo left empty, parents first, with Chinese text, BLOBs and huge ms. */
function fillEveryTable(db: BetterSqlite3.Database): void {
  const tables = (
    db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'",
      )
      .all() as { name: string }[]
  ).map((t) => t.name);
  const parentsOf = (t: string) =>
    (
      db.prepare(`PRAGMA foreign_key_list("${t}")`).all() as { table: string; from: string; to: string }[]
    ).filter((fk) => fk.table !== t);
  const done = new Set<string>();
  while (done.size < tables.length) {
    for (const table of tables) {
      if (done.has(table) || parentsOf(table).some((fk) => !done.has(fk.table))) continue;
      done.add(table);
      const count = (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
      if (count > 0) continue;
      const fks = parentsOf(table);
      const columns = db.prepare(`PRAGMA table_info("${table}")`).all() as Column[];
      const rowidAlias = (c: Column) => c.pk === 1 && columns.filter((k) => k.pk > 0).length === 1;
      const values = columns.map((c) => {
        const fk = fks.find((f) => f.from === c.name);
        if (fk)
          return (
            (
              db.prepare(`SELECT "${fk.to}" AS v FROM "${fk.table}" LIMIT 1`).get() as
                | { v: unknown }
                | undefined
            )?.v ?? null
          );
        if (c.type === "INTEGER") return rowidAlias(c) ? null : BigInt(HUGE_MS);
        if (c.type === "REAL") return 21.5;
        if (c.type === "BLOB") return Buffer.from([0, 1, 2, 0xfe, 0xff]);
        if (!c.notnull && !c.pk) return null;
        return `${table}-${c.name}-营业厅`;
      });
      db.prepare(
        `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      ).run(...values);
    }
  }
  // A correction written before the record it corrects (foreign keys off for the moment, as an import could):
  // the copy must order rows by the self reference, not by rowid.
  db.pragma("foreign_keys = OFF");
  const record = db.prepare(
    `INSERT INTO inspection_records (id, hall_id, asset_id, period_key, inspected_ms, recorded_ms, inspector, passed,
      results_json, note, photo_id, sensor_json, corrects_id) VALUES (?, 'demo-hall', 'ext-1', '2026-11', ?, ?,
      '王巡检', 1, '{}', ?, NULL, '{}', ?)`,
  );
  record.run("rec-a-correction", 1764547200000, 1764547300000, "更正：压力正常", "rec-z-original");
  // More than one INSERT batch between them: PostgreSQL checks a foreign key at the end of each statement.
  for (let i = 0; i < 600; i++)
    record.run(`rec-m-${String(i).padStart(3, "0")}`, 1764547200000, 1764547200000, null, null);
  record.run("rec-z-original", 1764547200000, 1764547200000, null, null);
  db.pragma("foreign_keys = ON");
  // Keys whose order differs between bytes and a Chinese collation (pinyin: 北京 before 上海; a before B).
  for (const id of ["a-hall", "B-hall", "北京-hall", "上海-hall"])
    db.prepare("INSERT INTO halls (id, name, created_ms) VALUES (?, ?, ?)").run(
      id,
      `营业厅 ${id}`,
      1764547200000,
    );
  db.prepare("INSERT INTO report_files (id, content, created_ms) VALUES (?, ?, ?)").run(
    "月报-2026-11.pdf",
    Buffer.from("%PDF-1.4 \u0000\u00ff 报告", "utf8"),
    BigInt(HUGE_MS),
  );
}

function sqliteCounts(): Record<string, number> {
  const db = new BetterSqlite3(join(dataDir, "hallwatch.db"), { readonly: true });
  const out: Record<string, number> = {};
  for (const { name } of db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'",
    )
    .all() as { name: string }[]) {
    out[name] = (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n;
  }
  db.close();
  return out;
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(!run)("db migrate-to-postgres / verify-postgres (the real CLI, a real PostgreSQL)", () => {
  let server: PostgresServer;
  let target = "";

  beforeAll(async () => {
    server = await startPostgres();
    await runDemoBriefly();
    const db = new BetterSqlite3(join(dataDir, "hallwatch.db"));
    db.pragma("foreign_keys = ON");
    fillEveryTable(db);
    db.close();
    // The documented preparation: a role and an empty database it owns (docs/migrate-to-postgres.md).
    const admin = `postgresql://hallwatch@127.0.0.1:${server.port}/postgres`;
    await exec("psql", [
      admin,
      "-v",
      "ON_ERROR_STOP=1",
      "-c",
      `CREATE ROLE hallwatch_app LOGIN PASSWORD '${PASSWORD}'`,
    ]);
    await exec("psql", [
      admin,
      "-v",
      "ON_ERROR_STOP=1",
      "-c",
      "CREATE DATABASE hallwatch OWNER hallwatch_app",
    ]);
    target = `postgres://hallwatch_app:${PASSWORD}@127.0.0.1:${server.port}/hallwatch`;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("the source is realistic: every table has rows, a BLOB, Chinese text and a value past 2^53", () => {
    const counts = sqliteCounts();
    expect(Object.keys(counts).length).toBeGreaterThan(40);
    expect(Object.entries(counts).filter(([, n]) => n === 0)).toEqual([]);
  });

  it("the documented backup of the stopped database is a plain copy of the file", async () => {
    // A clean stop leaves no write-ahead log to copy along (none, or an empty one a reader opened).
    const wal = join(dataDir, "hallwatch.db-wal");
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    await exec("cp", [join(dataDir, "hallwatch.db"), join(root, "hallwatch-before-postgres.db")]);
    const backup = new BetterSqlite3(join(root, "hallwatch-before-postgres.db"), { readonly: true });
    expect(backup.prepare("SELECT count(*) AS n FROM halls").get()).toEqual({ n: 5 });
    backup.close();
  });

  it("copies every table, and the printout shows matching counts and checksums", async () => {
    const result = await hallwatch("--data-dir", dataDir, "db", "migrate-to-postgres", "--to", target);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(PASSWORD);
    const { storage_probe: _probe, ...counts } = sqliteCounts();
    for (const [table, n] of Object.entries(counts)) {
      expect(result.stdout).toMatch(new RegExp(`^${table}\\s+${n}\\s+[0-9a-f]{16}\\s+ok$`, "m"));
      const [row] = await query<{ n: string }>(target, `SELECT count(*) AS n FROM "${table}"`);
      expect(Number(row?.n)).toBe(n);
    }
    const [huge] = await query<{ created_ms: string; content: Buffer }>(
      target,
      "SELECT created_ms::text AS created_ms, content FROM report_files WHERE id = '月报-2026-11.pdf'",
    );
    expect(huge?.created_ms).toBe(HUGE_MS);
    expect(huge?.content.toString("utf8")).toBe("%PDF-1.4 \u0000\u00ff 报告");
    const [correction] = await query<{ note: string; corrects_id: string }>(
      target,
      "SELECT note, corrects_id FROM inspection_records WHERE id = 'rec-a-correction'",
    );
    expect(correction).toEqual({ note: "更正：压力正常", corrects_id: "rec-z-original" });
  }, 120_000);

  it("verify-postgres on its own agrees", async () => {
    const result = await hallwatch("--data-dir", dataDir, "db", "verify-postgres", "--to", target);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^halls\s+5\s+[0-9a-f]{16}\s+ok$/m);
    expect(result.stdout).toMatch(/all \d+ tables match/);
  }, 60_000);

  it("identity sequences continue past the copied ids", async () => {
    const [max] = await query<{ max: string }>(target, "SELECT max(id)::text AS max FROM audit_log");
    const [inserted] = await query<{ id: string }>(
      target,
      "INSERT INTO audit_log (at_ms, actor, action) VALUES (1764547200000, 'li.gong', 'after_migration') RETURNING id::text AS id",
    );
    expect(BigInt(inserted?.id ?? "0")).toBeGreaterThan(BigInt(max?.max ?? "0"));
    await query(target, "DELETE FROM audit_log WHERE action = 'after_migration'");
  });

  it("a second run refuses: the target is not empty", async () => {
    const result = await cli("--data-dir", dataDir, "db", "migrate-to-postgres", "--to", target);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/table \w+ already has rows/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("a row changed in PostgreSQL makes verify-postgres fail, naming the table", async () => {
    await query(target, "UPDATE halls SET name = name || '!' WHERE id = 'a-hall'");
    const result = await cli("--data-dir", dataDir, "db", "verify-postgres", "--to", target);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/^halls\s+5\s+[0-9a-f]{16}\s+MISMATCH/m);
    expect(result.stderr).toMatch(/halls/);
    expect(result.stderr).not.toMatch(/devices/);
    // The documented way out: drop and recreate the database, and copy again.
    const admin = `postgresql://hallwatch@127.0.0.1:${server.port}/postgres`;
    await exec("psql", [admin, "-v", "ON_ERROR_STOP=1", "-c", "DROP DATABASE hallwatch"]);
    await exec("psql", [
      admin,
      "-v",
      "ON_ERROR_STOP=1",
      "-c",
      "CREATE DATABASE hallwatch OWNER hallwatch_app",
    ]);
    const again = await hallwatch("--data-dir", dataDir, "db", "migrate-to-postgres", "--to", target);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/all \d+ tables match/);
  }, 120_000);

  it("a wrong or missing password is a clear error, never echoing the password", async () => {
    // The test cluster trusts every local login: require a password of one role (pg_hba.conf is first match).
    const admin = `postgresql://hallwatch@127.0.0.1:${server.port}/postgres`;
    const [dir] = await query<{ data_directory: string }>(admin, "SHOW data_directory");
    const hba = join(dir?.data_directory ?? "", "pg_hba.conf");
    writeFileSync(hba, `host all hallwatch_locked 127.0.0.1/32 scram-sha-256\n${readFileSync(hba, "utf8")}`);
    await query(admin, "CREATE ROLE hallwatch_locked LOGIN PASSWORD 'the-right-one'");
    await query(admin, "SELECT pg_reload_conf()");
    await sleep(300);
    const at = `127.0.0.1:${server.port}/hallwatch`;
    const wrong = await cli(
      "--data-dir",
      dataDir,
      "db",
      "verify-postgres",
      "--to",
      `postgres://hallwatch_locked:Wrong-Pw-99@${at}`,
    );
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain(`refused user "hallwatch_locked": password authentication failed`);
    expect(wrong.stderr).not.toContain("Wrong-Pw-99");
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
    const none = await cli(
      "--data-dir",
      dataDir,
      "db",
      "verify-postgres",
      "--to",
      `postgres://hallwatch_locked@${at}`,
    );
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain(`asks user "hallwatch_locked" for a password and the URL has none`);
  }, 60_000);

  it("a database that does not exist is named", async () => {
    const missing = target.replace(/\/hallwatch$/, "/no_such_db");
    const result = await cli("--data-dir", dataDir, "db", "verify-postgres", "--to", missing);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('database "no_such_db" does not exist');
    expect(result.stderr).not.toContain(PASSWORD);
  }, 60_000);

  it("refuses while the SQLite file is being written (Hallwatch still running)", async () => {
    const busyDir = join(root, "busy");
    mkdirSync(busyDir);
    await exec("cp", [join(root, "hallwatch-before-postgres.db"), join(busyDir, "hallwatch.db")]);
    const writer = new BetterSqlite3(join(busyDir, "hallwatch.db"));
    writer.pragma("journal_mode = WAL");
    writer.pragma("wal_autocheckpoint = 0");
    const write = () =>
      writer
        .prepare("INSERT INTO audit_log (at_ms, actor, action) VALUES (?, 'hallwatch', 'still_running')")
        .run(Date.now());
    write();
    const timer = setInterval(write, 50);
    try {
      const result = await cli("--data-dir", busyDir, "db", "migrate-to-postgres", "--to", target);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/is being written .*: stop Hallwatch before copying/);
    } finally {
      clearInterval(timer);
      writer.close();
    }
  }, 60_000);

  it("verifies on a database whose collation orders text otherwise (ICU zh-CN)", async () => {
    const admin = `postgresql://hallwatch@127.0.0.1:${server.port}/postgres`;
    await exec("psql", [
      admin,
      "-v",
      "ON_ERROR_STOP=1",
      "-c",
      "CREATE DATABASE hallwatch_zh OWNER hallwatch_app TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'zh-CN'",
    ]);
    const zh = target.replace(/\/hallwatch$/, "/hallwatch_zh");
    const result = await cli("--data-dir", dataDir, "db", "migrate-to-postgres", "--to", zh);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/all \d+ tables match/);
    const ordered = (await query<{ id: string }>(zh, "SELECT id FROM halls ORDER BY id")).map((r) => r.id);
    expect(ordered.indexOf("北京-hall")).toBeLessThan(ordered.indexOf("上海-hall")); // not byte order
  }, 60_000);

  it("a wrong port is a clear error without a stack trace or the password", async () => {
    const port = await freePort();
    const result = await cli(
      "--data-dir",
      dataDir,
      "db",
      "migrate-to-postgres",
      "--to",
      `postgres://hallwatch_app:${PASSWORD}@127.0.0.1:${port}/hallwatch`,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`cannot connect to PostgreSQL at 127.0.0.1:${port}: connection refused`);
    expect(result.stderr).not.toContain(PASSWORD);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe("db migrate-to-postgres: what is refused before connecting", () => {
  it("a URL that is not postgres://", async () => {
    const result = await cli("--data-dir", dataDir, "db", "migrate-to-postgres", "--to", "mysql://x@y/z");
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--to must be a postgres:\/\/ URL/);
  }, 60_000);

  it("a data directory without hallwatch.db", async () => {
    const empty = join(root, "nothing-here");
    const result = await cli(
      "--data-dir",
      empty,
      "db",
      "migrate-to-postgres",
      "--to",
      `postgres://u:${PASSWORD}@127.0.0.1:1/db`,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`no database at ${join(empty, "hallwatch.db")}`);
    expect(result.stderr).not.toContain(PASSWORD);
  }, 60_000);

  it("a SQLite database at another schema version than this Hallwatch's PostgreSQL schema", async () => {
    const older = join(root, "older");
    const db = openDatabase(join(older, "hallwatch.db"));
    const latest = (db.prepare("SELECT max(version) AS v FROM schema_migrations").get() as { v: number }).v;
    db.prepare("DELETE FROM schema_migrations WHERE version = ?").run(latest);
    db.close();
    const result = await cli(
      "--data-dir",
      older,
      "db",
      "migrate-to-postgres",
      "--to",
      "postgres://u@127.0.0.1:1/db",
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`schema version ${latest - 1}`);
    expect(result.stderr).toContain(`PostgreSQL's latest is ${latest}`);
    expect(result.stderr).toMatch(/open it with this Hallwatch version first/);
  }, 60_000);
});

// With HALLWATCH_DATABASE_URL set (a node on PostgreSQL, docs/scale-out.md), the operations CLI changes the
// shared database, not a SQLite file of its own; a bad URL is refused before anything is written, and its
// password is never printed.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/store/audit.js";
import { HallStore } from "../../src/store/halls.js";
import { MaintenanceStore } from "../../src/store/maintenance.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import { openSqlEngine } from "../../src/store/sql/open.js";
import { requireInCi } from "../helpers/external-servers.js";
import { PG_BIN, type PostgresServer, startPostgres } from "../helpers/postgres.js";

const run = requireInCi(PG_BIN, "PostgreSQL");
const exec = promisify(execFile);

describe.skipIf(!run)("the operations CLI on PostgreSQL (HALLWATCH_DATABASE_URL)", () => {
  let server: PostgresServer;
  let url: string;
  let sql: SqlEngine;
  const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-opscli-pg-"));
  const cli = (env: Record<string, string>, ...args: string[]) =>
    exec(process.execPath, ["--import", "tsx", "src/cli/hallwatch.ts", "--by", "li.gong", ...args], {
      env: { ...process.env, HALLWATCH_DATA_DIR: dataDir, ...env },
    });

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase("opscli");
    sql = await openSqlEngine({ databaseUrl: url, sqlitePath: "unused" });
    await new HallStore(sql).upsert({ id: "north", name: "北区营业厅" });
  }, 60_000);
  afterAll(async () => {
    await sql?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("plans a maintenance window and sets opening hours in PostgreSQL, audited there, with no SQLite file", async () => {
    const env = { HALLWATCH_DATABASE_URL: url };
    const added = await cli(
      env,
      "maintenance",
      "add",
      "--hall",
      "north",
      "--daily",
      "02:00",
      "--duration",
      "60",
      "--reason",
      "nightly update",
    );
    const id = /added (\S+)/.exec(added.stdout)?.[1];
    expect(id).toBeTruthy();
    const hoursFile = join(dataDir, "hours.json");
    writeFileSync(
      hoursFile,
      JSON.stringify({ timeZone: "Asia/Shanghai", weekly: { mon: [{ open: "09:00", close: "17:00" }] } }),
    );
    await cli(env, "hours", "set", "--hall", "north", "--file", hoursFile);

    expect((await new MaintenanceStore(sql).list("north")).map((w) => w.id)).toEqual([id]);
    expect((await new HallStore(sql).openingHours("north"))?.weekly.mon).toEqual([
      { open: "09:00", close: "17:00" },
    ]);
    const audit = new AuditLog(
      sql,
      () => undefined,
      () => undefined,
    );
    const actions = (await audit.list({ limit: 10 })).map((e) => `${e.actor} ${e.action}`);
    expect(actions.sort()).toEqual(["li.gong maintenance_window_added", "li.gong opening_hours_changed"]);
    const listed = await cli(env, "maintenance", "list", "--hall", "north");
    expect(listed.stdout).toContain(id as string);
    expect(existsSync(join(dataDir, "hallwatch.db"))).toBe(false);
  });

  it("refuses a URL that is not PostgreSQL, and one it cannot reach, without printing the password", async () => {
    const notPostgres = cli(
      { HALLWATCH_DATABASE_URL: "mysql://root:Hunter2-Secret@127.0.0.1/db" },
      "maintenance",
      "list",
      "--hall",
      "north",
    );
    await expect(notPostgres).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("HALLWATCH_DATABASE_URL"),
    });
    const refused = await notPostgres.catch((e: { stderr: string }) => e.stderr);
    expect(refused).not.toContain("Hunter2-Secret");
    const unreachable = await cli(
      { HALLWATCH_DATABASE_URL: `postgres://hallwatch:Hunter2-Secret@127.0.0.1:${server.port + 1}/none` },
      "maintenance",
      "list",
      "--hall",
      "north",
    ).catch((e: { code: number; stderr: string }) => e);
    expect(unreachable).toMatchObject({ code: 1 });
    expect((unreachable as { stderr: string }).stderr).toMatch(
      /^error: cannot open the PostgreSQL database: connect ECONNREFUSED 127\.0\.0\.1:\d+$/m,
    );
    expect((unreachable as { stderr: string }).stderr).not.toContain("Hunter2-Secret");
    expect(existsSync(join(dataDir, "hallwatch.db"))).toBe(false);
  });
});

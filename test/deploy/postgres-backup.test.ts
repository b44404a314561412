// docs/scale-out.md, "Backups": its pg_dump and pg_restore commands, run exactly as written against a real
// PostgreSQL holding a Hallwatch schema, give back every table row for row, with the schema's functions and
// triggers (the append-only rules of inspection records), and a node opens the restored database as it is.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HallStore } from "../../src/store/halls.js";
import { openSqlEngine } from "../../src/store/sql/open.js";
import { requireInCi } from "../helpers/external-servers.js";
import { PG_BIN, type PostgresServer, startPostgres } from "../helpers/postgres.js";

const run = requireInCi(PG_BIN, "PostgreSQL");

/** The bash blocks of docs/scale-out.md that contain `word`. */
function docCommand(word: string): string {
  const doc = readFileSync(new URL("../../docs/scale-out.md", import.meta.url), "utf8");
  const blocks = [...doc.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  const found = blocks.filter((b) => b.includes(word));
  expect(found, `one bash block with ${word}`).toHaveLength(1);
  return found[0] as string;
}

async function tableDigests(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    const digests: Record<string, string> = {};
    for (const { tablename } of tables.rows) {
      const result = await client.query<{ n: string; digest: string | null }>(
        `SELECT count(*) AS n, md5(string_agg(t::text, '|' ORDER BY t::text COLLATE "C")) AS digest FROM "${tablename}" t`,
      );
      digests[tablename] = `${result.rows[0]?.n}:${result.rows[0]?.digest}`;
    }
    return digests;
  } finally {
    await client.end();
  }
}

describe.skipIf(!run)("docs/scale-out.md backups with pg_dump and pg_restore", () => {
  let server: PostgresServer;
  let work: string;
  beforeAll(async () => {
    server = await startPostgres();
    work = mkdtempSync(join(tmpdir(), "hallwatch-backup-"));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("restores every row, the schema's triggers and its version, and a node opens the copy", async () => {
    const source = await server.createDatabase("backup_src");
    const target = await server.createDatabase("backup_dst");
    const engine = await openSqlEngine({ databaseUrl: source, sqlitePath: "unused" });
    const halls = new HallStore(engine);
    await halls.upsert(
      { id: "bj-xicheng-01", name: "西城营业厅", timeZone: "Asia/Shanghai", region: "西城区" },
      1_700_000_000_000,
    );
    await halls.upsert({ id: "sh-pudong-02", name: "浦东营业厅" }, 1_700_000_000_001);
    await engine.close();
    const before = await tableDigests(source);
    expect(before.halls).toMatch(/^2:/);

    const env = { ...process.env, HALLWATCH_DATABASE_URL: source, RESTORE_URL: target };
    const exec = promisify(execFile);
    await exec("bash", ["-euo", "pipefail", "-c", docCommand("pg_dump")], { cwd: work, env });
    await exec("bash", ["-euo", "pipefail", "-c", docCommand("pg_restore")], { cwd: work, env });

    expect(await tableDigests(target)).toEqual(before);
    const restored = new pg.Client({ connectionString: target });
    await restored.connect();
    try {
      const now = await restored.query<{ ms: string }>("SELECT hallwatch_now_ms() AS ms");
      expect(Number(now.rows[0]?.ms)).toBeGreaterThan(1_700_000_000_000);
      const triggers = await restored.query(
        "SELECT tgname FROM pg_trigger WHERE tgname = 'inspection_records_no_update'",
      );
      expect(triggers.rowCount).toBe(1);
    } finally {
      await restored.end();
    }
    const reopened = await openSqlEngine({ databaseUrl: target, sqlitePath: "unused" });
    try {
      expect((await new HallStore(reopened).get("bj-xicheng-01"))?.name).toBe("西城营业厅");
    } finally {
      await reopened.close();
    }
    expect(await tableDigests(target)).toEqual(before); // opening it migrated nothing
  });
});

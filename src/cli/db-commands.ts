// `hallwatch db …`: copy the embedded SQLite database into PostgreSQL and verify the copy (docs/migrate-to-postgres.md).
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type pg from "pg";
import {
  advanceIdentities,
  assertEmptyTarget,
  type Comparison,
  compareTables,
  copyTables,
  MigrationRefused,
  refuseIfBeingWritten,
  tablesToCopy,
} from "../store/sql/copy-to-postgres.js";
import { PostgresEngine } from "../store/sql/postgres-engine.js";
import { migratePostgres, PG_MIGRATIONS } from "../store/sql/postgres-migrations.js";
import {
  openSqliteReadOnly,
  type SqliteDb,
  sqliteSchemaVersion,
  sqliteTables,
} from "../store/sql/sqlite-tables.js";

interface Target {
  url: string;
  /** The URL without its password, for every message. */
  shown: string;
  hostPort: string;
  user: string;
  database: string;
  password: string;
}

function parseTarget(raw: string): Target {
  if (!/^postgres(ql)?:\/\//.test(raw))
    throw new MigrationRefused(
      "--to must be a postgres:// URL, e.g. postgres://hallwatch_app:…@db-host:5432/hallwatch",
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MigrationRefused("--to is not a valid URL (a password with @, : or / must be percent-encoded)");
  }
  const password = decodeURIComponent(url.password);
  const user = decodeURIComponent(url.username);
  const hostPort = `${url.hostname || "localhost"}:${url.port || "5432"}`;
  const database = decodeURIComponent(url.pathname.slice(1)) || user;
  const shown = `${url.protocol}//${user ? `${user}@` : ""}${hostPort}/${database}`;
  return { url: raw, shown, hostPort, user, database, password };
}

/** A PostgreSQL or network error as one line the operator can act on; never the password. */
function explain(err: unknown, target: Target): string {
  const e = err as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = e.code ?? e.errors?.[0]?.code;
  const at = target.hostPort;
  let text: string;
  if (err instanceof MigrationRefused) text = err.message;
  else if (code === "ECONNREFUSED")
    text = `cannot connect to PostgreSQL at ${at}: connection refused (is it running, is the port right?)`;
  else if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    text = `cannot connect to PostgreSQL at ${at}: unknown host`;
  else if (code === "ETIMEDOUT" || /connection timeout|timeout expired/i.test(e.message ?? ""))
    text = `cannot connect to PostgreSQL at ${at}: timed out`;
  else if (code === "28P01")
    text = `PostgreSQL at ${at} refused user "${target.user}": password authentication failed`;
  else if (code === "28000") text = `PostgreSQL at ${at} refused user "${target.user}": ${e.message}`;
  else if (code === "3D000")
    text = `database "${target.database}" does not exist on ${at}: create it first (CREATE DATABASE … OWNER …)`;
  else if (/SASL|password must be a string/i.test(e.message ?? ""))
    text = `PostgreSQL at ${at} asks user "${target.user}" for a password and the URL has none`;
  else if ((err as { severity?: string }).severity) text = `PostgreSQL at ${at}: ${e.message}`;
  else text = e.message ?? String(err);
  // pg's messages do not quote the password; this is belt and braces (not for a trivially short one).
  return target.password.length >= 3 ? text.replaceAll(target.password, "…") : text;
}

function openSource(dataDir: string): { db: SqliteDb; path: string } {
  const path = join(dataDir, "hallwatch.db");
  if (!existsSync(path)) throw new MigrationRefused(`no database at ${path} (is --data-dir right?)`);
  const db = openSqliteReadOnly(path);
  const version = sqliteSchemaVersion(db);
  const latest = PG_MIGRATIONS.at(-1)?.version ?? 0;
  if (version === null) {
    db.close();
    throw new MigrationRefused(`${path} is not a Hallwatch database (it has no schema_migrations)`);
  }
  if (version !== latest) {
    db.close();
    throw new MigrationRefused(
      version < latest
        ? `${path} is at schema version ${version} and PostgreSQL's latest is ${latest}: open it with this Hallwatch version first (start Hallwatch once on it, then stop it), then copy`
        : `${path} is at schema version ${version}, newer than this Hallwatch (PostgreSQL's latest is ${latest}): use the Hallwatch version that wrote it`,
    );
  }
  return { db, path };
}

function printComparison(rows: readonly Comparison[]): string[] {
  const width = Math.max(5, ...rows.map((r) => r.table.length));
  const countWidth = Math.max(4, ...rows.map((r) => String(r.sqlite.rows).length));
  console.log(`${"table".padEnd(width)}  ${"rows".padStart(countWidth)}  ${"checksum".padEnd(16)}  ok`);
  for (const r of rows) {
    const head = `${r.table.padEnd(width)}  ${String(r.sqlite.rows).padStart(countWidth)}  ${r.sqlite.checksum.slice(0, 16)}`;
    console.log(
      r.ok
        ? `${head}  ok`
        : `${head}  MISMATCH (PostgreSQL: ${r.postgres.rows} rows, ${r.postgres.checksum.slice(0, 16)})`,
    );
  }
  return rows.filter((r) => !r.ok).map((r) => r.table);
}

function reportComparison(rows: readonly Comparison[]): void {
  const differing = printComparison(rows);
  if (differing.length > 0)
    throw new MigrationRefused(
      `${differing.length} of ${rows.length} tables differ between SQLite and PostgreSQL: ${differing.join(", ")}`,
    );
  console.log(`all ${rows.length} tables match (row counts and sha256 checksums)`);
}

async function withTarget<T>(
  target: Target,
  fn: (engine: PostgresEngine, client: pg.PoolClient) => Promise<T>,
) {
  const engine = new PostgresEngine({
    connectionString: target.url,
    maxConnections: 2,
    applicationName: "hallwatch-migrate",
    statementTimeoutMs: 3_600_000,
  });
  try {
    const client = await engine.pool.connect();
    try {
      return await fn(engine, client);
    } finally {
      client.release();
    }
  } finally {
    await engine.close();
  }
}

async function migrateToPostgres(dataDir: string, target: Target): Promise<void> {
  const { db, path } = openSource(dataDir);
  try {
    await refuseIfBeingWritten(path);
    await withTarget(target, async (engine, client) => {
      await migratePostgres(engine);
      await assertEmptyTarget(client);
      const tables = await tablesToCopy(sqliteTables(db), client);
      const startMs = Date.now();
      let total = 0;
      await client.query("BEGIN");
      db.exec("BEGIN"); // one read snapshot of SQLite for the whole copy
      try {
        await copyTables(db, client, tables, (table, rows) => {
          total += rows;
          console.log(`copied ${table} (${rows} row${rows === 1 ? "" : "s"})`);
        });
        await advanceIdentities(client);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        db.exec("COMMIT");
      }
      console.log(
        `copied ${total} rows of ${tables.length} tables from ${path} into ${target.shown} in ${((Date.now() - startMs) / 1000).toFixed(1)} s; verifying`,
      );
      reportComparison(await compareTables(db, client, tables));
    });
  } finally {
    db.close();
  }
}

async function verifyPostgres(dataDir: string, target: Target): Promise<void> {
  const { db } = openSource(dataDir);
  try {
    await withTarget(target, async (_engine, client) => {
      const tables = await tablesToCopy(sqliteTables(db), client);
      reportComparison(await compareTables(db, client, tables));
    });
  } finally {
    db.close();
  }
}

async function runReporting(rawUrl: string, fn: (target: Target) => Promise<void>): Promise<void> {
  let target: Target | null = null;
  try {
    target = parseTarget(rawUrl);
    await fn(target);
  } catch (err) {
    const message = target
      ? explain(err, target)
      : err instanceof MigrationRefused
        ? err.message
        : String((err as Error).message);
    console.error(`error: ${message}`);
    process.exit(1);
  }
}

export function registerDbCommands(program: Command, dataDir: () => string): void {
  const db = program.command("db").description("the system of record: copy SQLite into PostgreSQL");
  db.command("migrate-to-postgres")
    .description(
      "copy <data-dir>/hallwatch.db into an empty PostgreSQL database (Hallwatch stopped), then verify the copy",
    )
    .requiredOption("--to <url>", "postgres://user:password@host:5432/database")
    .action((o: { to: string }) => runReporting(o.to, (target) => migrateToPostgres(dataDir(), target)));
  db.command("verify-postgres")
    .description(
      "compare row counts and checksums of every table between <data-dir>/hallwatch.db and PostgreSQL",
    )
    .requiredOption("--to <url>", "postgres://user:password@host:5432/database")
    .action((o: { to: string }) => runReporting(o.to, (target) => verifyPostgres(dataDir(), target)));
}

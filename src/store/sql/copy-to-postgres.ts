import { statSync } from "node:fs";
import type pg from "pg";
import {
  quoteIdent,
  type SqliteDb,
  type SqliteTable,
  sqliteRowCount,
  sqliteRowsForCopy,
} from "./sqlite-tables.js";
import { postgresSummary, sqliteSummary, type TableSummary } from "./table-checksums.js";

/** A reason to refuse that the operator can act on; shown without a stack trace. */
export class MigrationRefused extends Error {}

const BATCH_ROWS = 500;
/** PostgreSQL's limit on parameters in one statement. */
const MAX_PARAMS = 65_535;

/**
 * Tables that are not data and not copied: storage_probe is the storage health check's write probe
 * (src/store/storage-health.ts), created at run time on either engine and not part of either schema.
 */
export const SQLITE_ONLY_TABLES: readonly string[] = ["storage_probe"];

/**
 * The SQLite tables to copy: all but SQLITE_ONLY_TABLES. Each must exist in PostgreSQL's schema; one that does not
 * is refused rather than left behind.
 */
export async function tablesToCopy(
  tables: readonly SqliteTable[],
  client: pg.ClientBase,
): Promise<SqliteTable[]> {
  const inPostgres = new Set(
    (
      await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
      )
    ).rows.map((r) => r.table_name),
  );
  const copied = tables.filter((t) => !SQLITE_ONLY_TABLES.includes(t.name));
  const missing = copied.filter((t) => !inPostgres.has(t.name)).map((t) => t.name);
  if (missing.length > 0)
    throw new MigrationRefused(
      `PostgreSQL's schema has no table ${missing.join(", ")}: is it migrated by this Hallwatch version?`,
    );
  return copied;
}

/** Refuses when any table of the target already has rows (the copy goes only into a new, empty database). */
export async function assertEmptyTarget(client: pg.ClientBase): Promise<void> {
  const tables = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'
      ORDER BY table_name`,
  );
  for (const { table_name } of tables.rows) {
    const found = await client.query(`SELECT 1 FROM ${quoteIdent(table_name)} LIMIT 1`);
    if (found.rows.length > 0)
      throw new MigrationRefused(
        `the target is not empty: table ${table_name} already has rows (copy only into a new, empty database)`,
      );
  }
}

/**
 * Copies every table, parents first, in multi-row INSERTs, on `client` (the caller's transaction). Rows stream
 * from SQLite, so memory holds one batch at a time. Returns the rows copied per table.
 */
export async function copyTables(
  source: SqliteDb,
  client: pg.ClientBase,
  tables: readonly SqliteTable[],
  onTable: (table: string, rows: number) => void = () => {},
): Promise<Map<string, number>> {
  const copied = new Map<string, number>();
  for (const table of tables) {
    const columnCount = table.columns.length;
    const batchRows = Math.max(1, Math.min(BATCH_ROWS, Math.floor(MAX_PARAMS / columnCount)));
    const head = `INSERT INTO ${quoteIdent(table.name)} (${table.columns.map((c) => quoteIdent(c.name)).join(", ")}) VALUES `;
    const statementFor = (rows: number) => {
      const tuples: string[] = [];
      for (let r = 0; r < rows; r++) {
        const cells = table.columns.map((_, c) => `$${r * columnCount + c + 1}`);
        tuples.push(`(${cells.join(", ")})`);
      }
      return head + tuples.join(", ");
    };
    const fullBatch = statementFor(batchRows);
    let rows = 0;
    let params: unknown[] = [];
    const flush = async (n: number) => {
      try {
        await client.query(n === batchRows ? fullBatch : statementFor(n), params);
      } catch (err) {
        throw new MigrationRefused(`copying table ${table.name}: ${(err as Error).message}`);
      }
      params = [];
    };
    for (const row of sqliteRowsForCopy(source, table)) {
      params.push(...row);
      rows += 1;
      if (rows % batchRows === 0) await flush(batchRows);
    }
    if (rows % batchRows > 0) await flush(rows % batchRows);
    const expected = sqliteRowCount(source, table.name);
    if (rows !== expected)
      throw new MigrationRefused(
        `table ${table.name}: ${expected - rows} of its ${expected} rows reference rows of ${table.name} that do not exist (column ${table.selfReference?.from}); fix them in SQLite first`,
      );
    copied.set(table.name, rows);
    onTable(table.name, rows);
  }
  return copied;
}

/** Moves every identity sequence past the copied ids, so rows written after the copy get new ones. */
export async function advanceIdentities(client: pg.ClientBase): Promise<void> {
  const identities = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND is_identity = 'YES'`,
  );
  for (const { table_name, column_name } of identities.rows) {
    const column = quoteIdent(column_name);
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), m) FROM (SELECT max(${column}) AS m FROM ${quoteIdent(table_name)}) AS x
        WHERE m IS NOT NULL`,
      [quoteIdent(table_name), column_name],
    );
  }
}

export interface Comparison {
  table: string;
  sqlite: TableSummary;
  postgres: TableSummary;
  ok: boolean;
}

/**
 * Counts and checksums every table on both sides, SQLite in one read transaction and PostgreSQL in one
 * REPEATABLE READ transaction, so each side is one consistent snapshot.
 */
export async function compareTables(
  source: SqliteDb,
  client: pg.ClientBase,
  tables: readonly SqliteTable[],
): Promise<Comparison[]> {
  const out: Comparison[] = [];
  await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  source.exec("BEGIN");
  try {
    for (const table of tables) {
      const sqlite = await sqliteSummary(source, table);
      let postgres: TableSummary;
      try {
        postgres = await postgresSummary(client, table);
      } catch (err) {
        throw new MigrationRefused(`reading table ${table.name} from PostgreSQL: ${(err as Error).message}`);
      }
      out.push({
        table: table.name,
        sqlite,
        postgres,
        ok: sqlite.rows === postgres.rows && sqlite.checksum === postgres.checksum,
      });
    }
  } finally {
    source.exec("COMMIT");
    await client.query("ROLLBACK").catch(() => {});
  }
  return out;
}

/**
 * Hallwatch must be stopped during the copy. A running one keeps the write-ahead log open and writes to it; a
 * stopped one leaves none (or one that no longer changes). Best effort: a server idle for the whole second passes.
 */
export async function refuseIfBeingWritten(sqlitePath: string, waitMs = 1000): Promise<void> {
  const wal = `${sqlitePath}-wal`;
  const look = () => {
    try {
      const s = statSync(wal);
      return s.size > 0 ? `${s.size}:${s.mtimeMs}` : null;
    } catch {
      return null;
    }
  };
  const before = look();
  if (before === null) return;
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  if (look() !== before)
    throw new MigrationRefused(
      `${sqlitePath} is being written (its write-ahead log changes): stop Hallwatch before copying`,
    );
}

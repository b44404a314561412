import { createHash } from "node:crypto";
import pg from "pg";
import { quoteIdent, type SqliteDb, type SqliteTable } from "./sqlite-tables.js";

/**
 * Per-table row counts and checksums computed the same way from SQLite and from PostgreSQL, so a copy can be shown
 * to be complete and unaltered. Both sides read rows in primary-key order with byte-wise text comparison (SQLite's
 * BINARY collation, PostgreSQL's "C"), so the order does not depend on the server's locale, and feed them to one
 * function: column names sorted, each value in one canonical form, sha256 over the rows one by one.
 */
export interface TableSummary {
  table: string;
  rows: number;
  /** sha256 hex over the canonical rows in key order. */
  checksum: string;
}

/** One value as read from either engine, after the readers below normalised it. */
export type Cell = null | bigint | number | string | boolean | Uint8Array;

/**
 * A value's canonical text: integers and floats in one numeric form (an integral float and the same integer are
 * equal; others in JavaScript's shortest round-trip form), text JSON-quoted, bytes as hex, NULL as its own token,
 * so NULL and '' differ.
 */
export function canonicalValue(value: Cell): string {
  if (value === null) return "null";
  if (typeof value === "bigint") return `n:${value}`;
  if (typeof value === "number") return Number.isInteger(value) ? `n:${BigInt(value)}` : `n:${String(value)}`;
  if (typeof value === "string") return `s:${JSON.stringify(value)}`;
  if (typeof value === "boolean") return value ? "b:1" : "b:0";
  return `x:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`;
}

/** Sums up rows whose cells come in `sortedColumns` order (column names sorted). */
export async function summarise(
  table: string,
  sortedColumns: readonly string[],
  rows: Iterable<Cell[]> | AsyncIterable<Cell[]>,
): Promise<TableSummary> {
  const hash = createHash("sha256");
  hash.update(`${JSON.stringify(sortedColumns)}\n`);
  let count = 0;
  for await (const row of rows) {
    const fields = sortedColumns.map((c, i) => `${JSON.stringify(c)}=${canonicalValue(row[i] as Cell)}`);
    hash.update(`${fields.join(",")}\n`);
    count += 1;
  }
  return { table, rows: count, checksum: hash.digest("hex") };
}

export const sortedColumnsOf = (table: SqliteTable): string[] =>
  table.columns.map((c) => c.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Reads from SQLite: the caller holds a read transaction so every table comes from one snapshot. */
export function sqliteSummary(db: SqliteDb, table: SqliteTable): Promise<TableSummary> {
  const columns = sortedColumnsOf(table);
  const order = table.key.map((k) => `${quoteIdent(k)} COLLATE BINARY`).join(", ");
  const statement = db
    .prepare(`SELECT ${columns.map(quoteIdent).join(", ")} FROM ${quoteIdent(table.name)} ORDER BY ${order}`)
    .safeIntegers(true)
    .raw(true);
  return summarise(table.name, columns, statement.iterate() as IterableIterator<Cell[]>);
}

const INT_OIDS = new Set([20, 21, 23]);
const FLOAT_OIDS = new Set([700, 701]);

/** int2/4/8 as bigints (exact past 2^53), floats as numbers, bytea as Buffers, the rest as PostgreSQL gives them. */
const exactTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (INT_OIDS.has(oid)) return (value: string) => BigInt(value);
    if (FLOAT_OIDS.has(oid)) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format ?? "text");
  },
} as pg.CustomTypesConfig;

const PAGE_ROWS = 1000;

/**
 * Reads from PostgreSQL through a cursor, a page at a time. The caller runs this inside one REPEATABLE READ
 * transaction on `client`, so every table comes from one snapshot.
 */
export async function postgresSummary(client: pg.ClientBase, table: SqliteTable): Promise<TableSummary> {
  const columns = sortedColumnsOf(table);
  const types = await client.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1`,
    [table.name],
  );
  const textual = new Set(
    types.rows
      .filter((r) => r.data_type === "text" || r.data_type.startsWith("character"))
      .map((r) => r.column_name),
  );
  const order = table.key
    .map((k) => `${quoteIdent(k)}${textual.has(k) ? ' COLLATE "C"' : ""} NULLS FIRST`)
    .join(", ");
  const cursor = quoteIdent(`hallwatch_verify_${table.name}`);
  await client.query(
    `DECLARE ${cursor} NO SCROLL CURSOR FOR
      SELECT ${columns.map(quoteIdent).join(", ")} FROM ${quoteIdent(table.name)} ORDER BY ${order}`,
  );
  async function* pages(): AsyncGenerator<Cell[]> {
    for (;;) {
      const page = await client.query<Cell[]>({
        text: `FETCH ${PAGE_ROWS} FROM ${cursor}`,
        rowMode: "array",
        types: exactTypes,
      });
      yield* page.rows;
      if (page.rows.length < PAGE_ROWS) return;
    }
  }
  const summary = await summarise(table.name, columns, pages());
  await client.query(`CLOSE ${cursor}`);
  return summary;
}

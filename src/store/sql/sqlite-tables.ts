import BetterSqlite3 from "better-sqlite3";

export type SqliteDb = BetterSqlite3.Database;

export interface SqliteColumn {
  name: string;
  /** Declared type: INTEGER, TEXT, REAL or BLOB. */
  type: string;
}

export interface SqliteTable {
  name: string;
  columns: SqliteColumn[];
  /** Primary key columns in key order; every column when the table has none (rows are then ordered by all). */
  key: string[];
  /** Tables this one references (itself excluded). */
  parents: string[];
  /** A column referencing another row of the same table (inspection_records.corrects_id), and what it references. */
  selfReference: { from: string; to: string } | null;
}

/** Opens a Hallwatch SQLite file for reading only: nothing is migrated or written. */
export function openSqliteReadOnly(path: string): SqliteDb {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  return db;
}

/** The highest schema version applied to the file, or null when it has no schema_migrations (not Hallwatch's). */
export function sqliteSchemaVersion(db: SqliteDb): number | null {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!table) return null;
  const row = db.prepare("SELECT max(version) AS v FROM schema_migrations").get() as { v: number | null };
  return row.v;
}

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Every table of the file except schema_migrations and SQLite's own, parents before children. */
export function sqliteTables(db: SqliteDb): SqliteTable[] {
  const names = (
    db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
          AND name <> 'schema_migrations' ORDER BY name`,
      )
      .all() as { name: string }[]
  ).map((t) => t.name);
  const tables = names.map((name) => describeTable(db, name));
  return foreignKeyOrder(tables);
}

function describeTable(db: SqliteDb, name: string): SqliteTable {
  const info = db.prepare(`PRAGMA table_info(${quoteIdent(name)})`).all() as {
    name: string;
    type: string;
    pk: number;
  }[];
  const columns = info.map((c) => ({ name: c.name, type: c.type.toUpperCase() }));
  const pk = info
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name);
  const fks = db.prepare(`PRAGMA foreign_key_list(${quoteIdent(name)})`).all() as {
    table: string;
    from: string;
    to: string | null;
  }[];
  const self = fks.find((fk) => fk.table === name);
  return {
    name,
    columns,
    key: pk.length > 0 ? pk : columns.map((c) => c.name),
    parents: [...new Set(fks.filter((fk) => fk.table !== name).map((fk) => fk.table))],
    selfReference: self ? { from: self.from, to: self.to ?? pk[0] ?? "rowid" } : null,
  };
}

/** Kahn's topological sort by foreign keys, ties by name; a cycle between tables is an error. */
export function foreignKeyOrder(tables: SqliteTable[]): SqliteTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const ordered: SqliteTable[] = [];
  while (ordered.length < tables.length) {
    const ready = tables.filter(
      (t) => !done.has(t.name) && t.parents.every((p) => done.has(p) || !byName.has(p)),
    );
    if (ready.length === 0) {
      const left = tables.filter((t) => !done.has(t.name)).map((t) => t.name);
      throw new Error(`foreign keys form a cycle between tables ${left.join(", ")}`);
    }
    for (const t of ready) {
      done.add(t.name);
      ordered.push(t);
    }
  }
  return ordered;
}

/**
 * A table's rows for copying, as arrays in `table.columns` order, integers as bigints (so epoch ms and anything past
 * 2^53 stay exact). A self-referencing table comes parents first: by depth along the reference (roots, the rows
 * they reference, …), which rowid order need not be.
 */
export function sqliteRowsForCopy(db: SqliteDb, table: SqliteTable): IterableIterator<unknown[]> {
  const cols = table.columns.map((c) => `t.${quoteIdent(c.name)}`).join(", ");
  const t = quoteIdent(table.name);
  let sql = `SELECT ${cols} FROM ${t} AS t`;
  if (table.selfReference) {
    const from = quoteIdent(table.selfReference.from);
    const to = quoteIdent(table.selfReference.to);
    sql = `WITH RECURSIVE chain(k, depth) AS (
        SELECT ${to}, 0 FROM ${t} WHERE ${from} IS NULL
        UNION ALL
        SELECT c.${to}, chain.depth + 1 FROM ${t} AS c JOIN chain ON c.${from} = chain.k
      )
      SELECT ${cols} FROM ${t} AS t JOIN chain ON t.${to} = chain.k ORDER BY chain.depth`;
  }
  return db.prepare(sql).safeIntegers(true).raw(true).iterate() as IterableIterator<unknown[]>;
}

export function sqliteRowCount(db: SqliteDb, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(table)}`).get() as { n: number }).n;
}

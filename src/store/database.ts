import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { MIGRATIONS } from "./migrations.js";

export type Db = BetterSqlite3.Database;

/**
 * Opens (creating if needed) the SQLite system of record and brings its schema up to date.
 * WAL mode lets the API read while the aggregator writes; `:memory:` is accepted for tests.
 */
export function openDatabase(path: string): Db {
  if (path !== ":memory:") ownerOnly(path);
  const db = new BetterSqlite3(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db);
  return db;
}

/**
 * The data directory 0700 and the database 0600 before SQLite opens it: SQLite gives the -wal and -shm files
 * it creates later the database file's mode, so they are 0600 too. Older files are tightened.
 */
function ownerOnly(path: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir, 0o700);
  if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (existsSync(file)) tighten(file, 0o600);
  }
}

/** Best effort on what already exists: a directory mounted read-only or owned by another user still opens. */
function tighten(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch {
    // not ours to change; the files this process creates get owner-only modes regardless
  }
}

export function migrate(db: Db): void {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL)",
  );
  const applied = new Set(
    (db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      migration.apply?.(db);
      db.prepare("INSERT INTO schema_migrations (version, applied_ms) VALUES (?, ?)").run(
        migration.version,
        Date.now(),
      );
    })();
  }
}

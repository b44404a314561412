import { openDatabase } from "../database.js";
import type { SqlEngine } from "./engine.js";
import { PostgresEngine } from "./postgres-engine.js";
import { migratePostgres } from "./postgres-migrations.js";
import { SqliteEngine } from "./sqlite-engine.js";

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/**
 * Opens the system of record with its schema up to date: PostgreSQL when `databaseUrl` is a postgres:// URL
 * (HALLWATCH_DATABASE_URL), otherwise the SQLite file at `sqlitePath` (the embedded default).
 */
export async function openSqlEngine(options: {
  databaseUrl?: string | null | undefined;
  sqlitePath: string;
  onError?: (err: Error) => void;
}): Promise<SqlEngine> {
  if (options.databaseUrl) {
    if (!isPostgresUrl(options.databaseUrl))
      throw new Error("HALLWATCH_DATABASE_URL must start with postgres:// or postgresql://");
    const engine = new PostgresEngine({
      connectionString: options.databaseUrl,
      ...(options.onError ? { onError: options.onError } : {}),
    });
    try {
      await migratePostgres(engine);
    } catch (err) {
      await engine.close();
      throw err;
    }
    return engine;
  }
  return new SqliteEngine(openDatabase(options.sqlitePath));
}

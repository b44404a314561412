import type { SqlEngine } from "../../src/store/sql/engine.js";
import { PostgresEngine } from "../../src/store/sql/postgres-engine.js";

/**
 * Another node on the same database: on PostgreSQL a second engine with its own pool (its own connections, as a
 * second Hallwatch process would have); on SQLite, where one process owns the file, the same engine. Closed by
 * the caller.
 */
export function secondNode(sql: SqlEngine): { engine: SqlEngine; close: () => Promise<void> } {
  if (!(sql instanceof PostgresEngine)) return { engine: sql, close: async () => {} };
  const connectionString = (sql.pool.options as { connectionString?: string }).connectionString;
  if (!connectionString) throw new Error("no connection string to open a second node with");
  const engine = new PostgresEngine({ connectionString, applicationName: "hallwatch-node-b" });
  return { engine, close: () => engine.close() };
}

import type { SqlExecutor } from "./sql/engine.js";

/**
 * A version per kind of configuration (halls, maintenance windows), raised in the same transaction as every change
 * from any process, so a node's in-memory view reloads only when something changed (migration 21).
 */
export async function bumpConfigVersion(tx: SqlExecutor, name: string): Promise<void> {
  await tx.run(
    `INSERT INTO config_versions (name, version) VALUES (?, 1)
     ON CONFLICT (name) DO UPDATE SET version = config_versions.version + 1`,
    [name],
  );
}

export async function readConfigVersion(sql: SqlExecutor, name: string): Promise<number> {
  const row = await sql.get<{ version: number }>("SELECT version FROM config_versions WHERE name = ?", [
    name,
  ]);
  return row?.version ?? 0;
}

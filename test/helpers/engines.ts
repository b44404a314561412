import { afterAll, beforeAll, describe } from "vitest";
import { openDatabase } from "../../src/store/database.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import { PostgresEngine } from "../../src/store/sql/postgres-engine.js";
import { migratePostgres } from "../../src/store/sql/postgres-migrations.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { requireInCi } from "./external-servers.js";
import { PG_BIN, type PostgresServer, startPostgres } from "./postgres.js";

export type EngineName = "sqlite" | "postgres";

/** Opens a fresh, migrated, empty database on the engine under test; closed by the suite after the file. */
export type FreshEngine = () => Promise<SqlEngine>;

/**
 * The contract pattern: `suite` runs once on SQLite and once on a real PostgreSQL (started for the file on a free
 * loopback port), so a store cannot behave differently on the two engines. PostgreSQL tests are skipped only
 * outside CI when PostgreSQL is not installed.
 */
export function describeEachEngine(
  name: string,
  suite: (fresh: FreshEngine, engine: EngineName) => void,
): void {
  describe(`${name} [sqlite]`, () => {
    const opened: SqlEngine[] = [];
    afterAll(async () => {
      for (const engine of opened) await engine.close();
    });
    suite(async () => {
      const engine = new SqliteEngine(openDatabase(":memory:"));
      opened.push(engine);
      return engine;
    }, "sqlite");
  });
  const run = requireInCi(PG_BIN, "PostgreSQL");
  describe.skipIf(!run)(`${name} [postgres]`, () => {
    let server: PostgresServer | null = null;
    const opened: SqlEngine[] = [];
    beforeAll(async () => {
      server = await startPostgres();
    }, 60_000);
    afterAll(async () => {
      for (const engine of opened) await engine.close();
      await server?.stop();
    });
    suite(async () => {
      if (!server) throw new Error("postgres not started");
      const engine = new PostgresEngine({ connectionString: await server.createDatabase() });
      await migratePostgres(engine);
      opened.push(engine);
      return engine;
    }, "postgres");
  });
}
